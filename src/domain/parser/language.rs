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
        "english" | "eng" => English,
        "french" | "truefrench" | "vff" | "vfq" | "vfi" | "vf2" | "fre" | "fra" | "vf" => French,
        "fr" if raw == "FR" => French,
        "spanish" | "castellano" | "esp" | "spa" | "latino" => Spanish,
        "german" | "ger" | "deutsch" | "videomann" => German,
        "italian" | "ita" => Italian,
        "danish" => Danish,
        "dutch" => Dutch,
        "japanese" | "jpn" => Japanese,
        "icelandic" => Icelandic,
        "chinese" | "mandarin" | "cantonese" | "chs" | "cht" | "big5" => Chinese,
        "russian" | "rus" => Russian,
        "polish" | "pldub" | "dubpl" => Polish,
        "pl" if raw == "PL" => Polish,
        "vietnamese" => Vietnamese,
        "swedish" | "swe" => Swedish,
        "norwegian" => Norwegian,
        "finnish" => Finnish,
        "turkish" => Turkish,
        "portuguese" => Portuguese,
        "flemish" => Flemish,
        "greek" => Greek,
        "korean" | "kor" => Korean,
        "hungarian" | "hun" | "hundub" => Hungarian,
        "hebrew" | "hebdub" => Hebrew,
        "lithuanian" => Lithuanian,
        "lt" if raw == "LT" => Lithuanian,
        "czech" => Czech,
        "cz" if raw == "CZ" => Czech,
        "hindi" => Hindi,
        "romanian" => Romanian,
        "thai" => Thai,
        "bulgarian" | "bgaudio" => Bulgarian,
        "dublado" | "brazilian" => PortugueseBrazil,
        "arabic" => Arabic,
        "ukrainian" | "ukr" => Ukrainian,
        "persian" | "farsi" => Persian,
        "bengali" => Bengali,
        _ => return None,
    };
    Some(l)
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
        if let Some(l) = language_word(w, t.raw(i)) {
            if !out.contains(&l) {
                out.push(l);
            }
        }
    }
    if multi && !out.contains(&Language::English) && out.len() < 2 {
        out.push(Language::English);
    }
    if out.is_empty() {
        out.push(Language::English);
    }
    out
}
