//! The file-system half of importing: find the movie in a finished download, name it, and place
//! it in the library by hardlink (same filesystem) or verified copy. Never moves or alters the
//! torrent's own file, so qBittorrent keeps seeding. Blocking code: callers use `spawn_blocking`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Extensions Radarr treats as video.
const VIDEO_EXTENSIONS: &[&str] = &[
    "mkv", "mp4", "avi", "m4v", "ts", "m2ts", "wmv", "mov", "mpg", "mpeg", "webm", "divx", "xvid",
    "vob", "flv", "ogm",
];

/// Folders whose videos are never the movie.
const EXTRA_FOLDERS: &[&str] = &[
    "sample",
    "samples",
    "extras",
    "extra",
    "featurettes",
    "behind the scenes",
    "deleted scenes",
    "interviews",
    "trailers",
    "shorts",
    "other",
    "bonus",
];

/// How a file got into the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// Same inode as the download (no extra space used).
    Hardlink,
    /// A full copy whose size was checked against the source.
    Copy,
    /// The file was already there (same inode or same size), e.g. a retried import.
    Existing,
}

fn is_video(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| VIDEO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

fn is_sample_name(p: &Path) -> bool {
    let stem = p
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    stem == "sample"
        || stem
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "sample" || w == "trailer")
}

fn in_extra_folder(p: &Path, root: &Path) -> bool {
    p.strip_prefix(root)
        .unwrap_or(p)
        .parent()
        .map(|dir| {
            dir.components().any(|c| {
                let name = c.as_os_str().to_string_lossy().to_ascii_lowercase();
                EXTRA_FOLDERS.contains(&name.as_str())
            })
        })
        .unwrap_or(false)
}

fn collect(dir: &Path, depth: u32, out: &mut Vec<(PathBuf, u64)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let path = entry.path();
        if ft.is_dir() && depth < 4 {
            collect(&path, depth + 1, out)?;
        } else if ft.is_file() && is_video(&path) {
            out.push((path, entry.metadata()?.len()));
        }
    }
    Ok(())
}

/// The main video file of a download: `content` itself when it is a video file, else the
/// largest video inside it that is not a sample, trailer or extra.
pub fn main_video(content: &Path) -> Result<PathBuf, String> {
    let meta = fs::metadata(content).map_err(|e| {
        format!(
            "download content {} is not readable: {e}",
            content.display()
        )
    })?;
    if meta.is_file() {
        return if is_video(content) {
            Ok(content.to_path_buf())
        } else {
            Err(format!("{} is not a video file", content.display()))
        };
    }
    let mut found = Vec::new();
    collect(content, 0, &mut found)
        .map_err(|e| format!("cannot list {}: {e}", content.display()))?;
    found
        .into_iter()
        .filter(|(p, _)| !is_sample_name(p) && !in_extra_folder(p, content))
        .max_by_key(|(_, size)| *size)
        .map(|(p, _)| p)
        .ok_or_else(|| {
            format!(
                "no video file in {} (samples and extras are ignored)",
                content.display()
            )
        })
}

/// Values for the naming tokens of `[library] movie_file_format`.
#[derive(Clone, Debug, Default)]
pub struct NameParts {
    pub title: String,
    pub year: i32,
    pub quality_title: String,
    pub quality_full: String,
    pub edition: Option<String>,
    pub release_group: Option<String>,
}

/// Renders `format` (validated by the config) into a safe file name, without extension.
pub fn render_name(format: &str, parts: &NameParts) -> String {
    let year = if parts.year > 0 {
        parts.year.to_string()
    } else {
        String::new()
    };
    let out = format
        .replace("{Movie Title}", &parts.title)
        .replace("{Release Year}", &year)
        .replace("{Quality Title}", &parts.quality_title)
        .replace("{Quality Full}", &parts.quality_full)
        .replace("{Edition Tags}", parts.edition.as_deref().unwrap_or(""))
        .replace(
            "{Release Group}",
            parts.release_group.as_deref().unwrap_or(""),
        );
    let clean: String = out
        .chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    // Empty tokens leave "()" or "[]" and double spaces behind; tidy them.
    let clean = clean.replace("()", "").replace("[]", "").replace("{}", "");
    let tidy = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    tidy.trim_matches(|c: char| c == '.' || c == ' ')
        .to_string()
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

fn temp_beside(dst: &Path) -> PathBuf {
    let name = dst
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dst.with_file_name(format!(".{name}.reelarr-partial"))
}

/// Puts `src` at `dst` without touching `src`: a hardlink when allowed and possible, else a copy
/// whose size is verified before it is renamed into place (so a half-written file never has the
/// final name). An existing `dst` that is the same file is accepted as done.
pub fn place(src: &Path, dst: &Path, hardlink: bool) -> io::Result<Placement> {
    let size = fs::metadata(src)?.len();
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent)?;
    }
    if same_file(src, dst) {
        return Ok(Placement::Existing);
    }
    let tmp = temp_beside(dst);
    let _ = fs::remove_file(&tmp);
    if hardlink && fs::hard_link(src, &tmp).is_ok() {
        fs::rename(&tmp, dst)?;
        return Ok(Placement::Hardlink);
    }
    let copied = fs::copy(src, &tmp).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })?;
    let on_disk = fs::metadata(&tmp)?.len();
    if copied != size || on_disk != size {
        let _ = fs::remove_file(&tmp);
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("copy is {on_disk} bytes but the source has {size}; not imported"),
        ));
    }
    fs::File::open(&tmp)?.sync_all()?;
    fs::rename(&tmp, dst)?;
    Ok(Placement::Copy)
}

/// Deletes `file` if it lies inside `folder` (never follows a path out of the movie's folder).
pub fn remove_inside(folder: &Path, file: &Path) -> io::Result<bool> {
    let (Ok(folder), Ok(real)) = (folder.canonicalize(), file.canonicalize()) else {
        return Ok(false);
    };
    if !real.starts_with(&folder) || real == folder {
        return Ok(false);
    }
    fs::remove_file(&real)?;
    Ok(true)
}

#[cfg(test)]
mod tests;
