//! Audio-language detection with Radarr's language ids.

use super::tokens::Tokens;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

macro_rules! languages {
    ($($variant:ident = $id:expr, $name:expr;)*) => {
        /// A language as Radarr identifies it (`{ id, name }` in the API).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Language {
            $(
                #[doc = $name]
                $variant,
            )*
        }

        impl Language {
            /// Radarr's numeric language id.
            pub fn id(self) -> i32 {
                match self { $(Language::$variant => $id,)* }
            }

            /// Radarr's display name.
            pub fn name(self) -> &'static str {
                match self { $(Language::$variant => $name,)* }
            }

            /// Every language, in Radarr's id order.
            pub fn all() -> &'static [Language] {
                &[$(Language::$variant,)*]
            }
        }
    };
}

languages! {
    Unknown = 0, "Unknown";
    English = 1, "English";
    French = 2, "French";
    Spanish = 3, "Spanish";
    German = 4, "German";
    Italian = 5, "Italian";
    Danish = 6, "Danish";
    Dutch = 7, "Dutch";
    Japanese = 8, "Japanese";
    Icelandic = 9, "Icelandic";
    Chinese = 10, "Chinese";
    Russian = 11, "Russian";
    Polish = 12, "Polish";
    Vietnamese = 13, "Vietnamese";
    Swedish = 14, "Swedish";
    Norwegian = 15, "Norwegian";
    Finnish = 16, "Finnish";
    Turkish = 17, "Turkish";
    Portuguese = 18, "Portuguese";
    Flemish = 19, "Flemish";
    Greek = 20, "Greek";
    Korean = 21, "Korean";
    Hungarian = 22, "Hungarian";
    Hebrew = 23, "Hebrew";
    Lithuanian = 24, "Lithuanian";
    Czech = 25, "Czech";
    Hindi = 26, "Hindi";
    Romanian = 27, "Romanian";
    Thai = 28, "Thai";
    Bulgarian = 29, "Bulgarian";
    PortugueseBrazil = 30, "Portuguese (Brazil)";
    Arabic = 31, "Arabic";
    Ukrainian = 32, "Ukrainian";
    Persian = 33, "Persian";
    Bengali = 34, "Bengali";
    Slovak = 35, "Slovak";
    Latvian = 36, "Latvian";
    SpanishLatino = 37, "Spanish (Latino)";
    Catalan = 38, "Catalan";
    Croatian = 39, "Croatian";
    Serbian = 40, "Serbian";
    Bosnian = 41, "Bosnian";
    Estonian = 42, "Estonian";
    Tamil = 43, "Tamil";
    Indonesian = 44, "Indonesian";
    Telugu = 45, "Telugu";
    Macedonian = 46, "Macedonian";
    Slovenian = 47, "Slovenian";
    Malayalam = 48, "Malayalam";
    Kannada = 49, "Kannada";
    Albanian = 50, "Albanian";
    Afrikaans = 51, "Afrikaans";
    Marathi = 52, "Marathi";
    Tagalog = 53, "Tagalog";
    Urdu = 54, "Urdu";
    Romansh = 55, "Romansh";
    SwissGerman = 56, "Swiss German";
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Language", 2)?;
        st.serialize_field("id", &self.id())?;
        st.serialize_field("name", self.name())?;
        st.end()
    }
}

/// Language named by a (lower-cased) word, `raw` being its original casing
/// for the case-sensitive two-letter codes.
pub(crate) fn language_word(w: &str, raw: &str) -> Option<Language> {
    use Language::*;
    let l = match w {
        // Not `Inglés`: Spanish releases name the English track they
        // subtitle so (`Castellano-Inglés Subs`), and Radarr reads Spanish.
        "english" | "eng" | "ing" => English,
        "french" | "truefrench" | "vff" | "vfq" | "vfi" | "vf2" | "fre" | "fra" | "vf"
        | "français" | "francais" => French,
        "fr" if raw == "FR" => French,
        "spanish" | "castellano" | "esp" | "spa" | "español" => Spanish,
        "es" if raw == "ES" => Spanish,
        "latino" | "latam" => SpanishLatino,
        "german" | "ger" | "deutsch" | "videomann" => German,
        "swissgerman" => SwissGerman,
        "italian" | "ita" | "italiano" => Italian,
        "danish" | "dan" => Danish,
        "dutch" | "nederlands" | "vlaams" => Dutch,
        "nl" if raw == "NL" => Dutch,
        "japanese" | "jpn" | "jap" => Japanese,
        "icelandic" => Icelandic,
        "chinese" | "mandarin" | "cantonese" | "chs" | "cht" | "big5" => Chinese,
        "russian" | "rus" => Russian,
        "polish" | "pldub" | "dubpl" | "pllek" | "lekpl" | "lektor" => Polish,
        "pl" if raw == "PL" => Polish,
        "vietnamese" => Vietnamese,
        "swedish" | "swe" => Swedish,
        "norwegian" | "nor" => Norwegian,
        "finnish" | "fin" => Finnish,
        "turkish" | "tur" => Turkish,
        "portuguese" | "por" => Portuguese,
        "flemish" => Flemish,
        "greek" => Greek,
        "korean" | "kor" => Korean,
        "hungarian" | "hun" | "hundub" => Hungarian,
        "hebrew" | "hebdub" => Hebrew,
        "lithuanian" => Lithuanian,
        "lt" if raw == "LT" => Lithuanian,
        "czech" | "cze" => Czech,
        "cz" if raw == "CZ" => Czech,
        "hindi" => Hindi,
        "romanian" | "rodubbed" => Romanian,
        "thai" => Thai,
        "bulgarian" | "bgaudio" => Bulgarian,
        "bg" if raw == "BG" => Bulgarian,
        "dublado" | "brazilian" => PortugueseBrazil,
        "arabic" => Arabic,
        "ukrainian" | "ukr" => Ukrainian,
        "persian" | "farsi" => Persian,
        "bengali" => Bengali,
        "slovak" => Slovak,
        "sk" if raw == "SK" => Slovak,
        "latvian" => Latvian,
        "catalan" | "català" => Catalan,
        "croatian" => Croatian,
        "serbian" => Serbian,
        "bosnian" => Bosnian,
        "estonian" => Estonian,
        "tamil" => Tamil,
        "indonesian" => Indonesian,
        "telugu" => Telugu,
        "macedonian" => Macedonian,
        "slovenian" => Slovenian,
        "malayalam" => Malayalam,
        "kannada" => Kannada,
        "albanian" => Albanian,
        "afrikaans" => Afrikaans,
        "marathi" => Marathi,
        "tagalog" => Tagalog,
        "urdu" => Urdu,
        "romansh" => Romansh,
        _ => return None,
    };
    Some(l)
}

/// Two-letter ISO 639-1 codes, read only inside language lists such as
/// `[ENG+RU+PT]` or `{Fr-Eng}`, where they cannot be words.
fn iso_code(w: &str) -> Option<Language> {
    use Language::*;
    Some(match w {
        "en" => English,
        "fr" => French,
        "de" => German,
        "es" => Spanish,
        "it" => Italian,
        "ru" => Russian,
        "pt" => Portuguese,
        "nl" => Dutch,
        "ja" | "jp" => Japanese,
        "ko" => Korean,
        "zh" => Chinese,
        "pl" => Polish,
        "sv" => Swedish,
        "da" => Danish,
        "fi" => Finnish,
        "tr" => Turkish,
        "el" => Greek,
        "hu" => Hungarian,
        "he" => Hebrew,
        "cs" => Czech,
        "ar" => Arabic,
        "uk" => Ukrainian,
        "hi" => Hindi,
        "th" => Thai,
        _ => return None,
    })
}

/// Language at token `i` when it sits in a `+`/`-` joined list of
/// languages (`ENG+RU+PT`, `Fr-Eng`).
fn listed_code(t: &Tokens, i: usize) -> Option<Language> {
    let l = iso_code(t.low(i))?;
    let joined = |a: usize| {
        t.adjacent(a)
            && matches!(t.after(a), Some('+' | '-'))
            && [a, a + 1].iter().all(|&j| {
                iso_code(t.low(j)).is_some() || language_word(t.low(j), t.raw(j)).is_some()
            })
    };
    (joined(i) || (i > 0 && joined(i - 1))).then_some(l)
}

/// Short codes that are also ordinary words or names (`Dan`, `Fin`,
/// `Nor`...): they count as languages after the title, but never end a
/// title or reject a release-group candidate.
pub(crate) fn ambiguous_code(w: &str) -> bool {
    matches!(
        w,
        "dan"
            | "fin"
            | "nor"
            | "por"
            | "tur"
            | "ing"
            | "jap"
            | "cze"
            | "latino"
            | "latam"
            | "lektor"
    )
}

/// A language word that is safe to treat as "not part of a title".
pub(crate) fn clear_language_word(w: &str, raw: &str) -> Option<Language> {
    language_word(w, raw).filter(|_| !ambiguous_code(w))
}

/// Radarr's case-sensitive codes (`PL`, `CZ`, `LT`) joined to `SUB`
/// (`PL-SUB`, `SUB.PL`) name subtitles, not an audio language.
fn subtitle_code(t: &Tokens, i: usize) -> bool {
    matches!(t.raw(i), "PL" | "CZ" | "LT")
        && ((i > 0 && t.adjacent(i - 1) && t.low(i - 1) == "sub") || t.next_low(i) == "sub")
}

/// True for words announcing several audio languages.
pub(crate) fn is_multi(w: &str) -> bool {
    matches!(w, "multi" | "multilang" | "multilanguage")
}

/// Languages named in tokens `from..`.  `MULTi` adds English like Radarr
/// does; with nothing found the release is assumed to be English.
pub(crate) fn languages(t: &Tokens, from: usize) -> Vec<Language> {
    let mut out: Vec<Language> = Vec::new();
    let mut multi = false;
    for i in (from..t.len()).filter(|&i| t.usable(i)) {
        let w = t.low(i);
        multi |= is_multi(w);
        if subtitle_code(t, i) {
            continue;
        }
        if let Some(l) = language_word(w, t.raw(i)).or_else(|| listed_code(t, i)) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    // German scene tags: `German.DL` (dual language) and `German.ML`
    // (multi language) carry the English track too.
    let german_dual = out.contains(&Language::German)
        && (from..t.len()).any(|i| {
            t.usable(i)
                && matches!(t.raw(i), "DL" | "ML")
                && !matches!(t.low(i.wrapping_sub(1)), "web")
        });
    if german_dual && !out.contains(&Language::English) {
        out.push(Language::English);
    }
    if multi && !out.contains(&Language::English) && out.len() < 2 {
        out.push(Language::English);
    }
    if out.is_empty() {
        out.push(Language::English);
    }
    out
}
