//! Issue 15: how the embedded UI is served — strong ETags and 304s, immutable caching of the
//! versioned vendor files, JavaScript MIME types, a CSP without inline script, gzip — and the
//! budget of 150 KB gzipped for everything under static/.

use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use reelarr_testkit::app::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn static_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("static")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// A vendored ES module, found by listing so the test survives a version bump.
fn a_vendor_module() -> String {
    let mut names: Vec<String> = std::fs::read_dir(static_dir().join("vendor"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mjs"))
        .collect();
    names.sort();
    format!("/static/vendor/{}", names.first().expect("a vendored .mjs"))
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn assets_have_strong_etags_and_answer_304_when_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    for path in ["/", "/login", "/static/app.js", "/static/style.css"] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let etag = header(&r, "etag");
        assert!(
            etag.starts_with('"') && etag.len() > 10,
            "{path}: strong ETag, got {etag:?}"
        );
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
        let body = r.bytes().await.unwrap();
        assert!(!body.is_empty());

        let again = c
            .get(s.url(path))
            .header("If-None-Match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(header(&again, "etag"), etag);
        assert!(again.bytes().await.unwrap().is_empty());

        let stale = c
            .get(s.url(path))
            .header("If-None-Match", "\"0000\"")
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 200, "{path}: another tag gets the file");
    }
}

#[tokio::test]
async fn vendor_files_are_immutable_and_scripts_are_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let module = a_vendor_module();
    let r = c.get(s.url(&module)).send().await.unwrap();
    assert_eq!(r.status(), 200, "{module}");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&r, "content-type").starts_with("text/javascript"));
    assert!(header(&r, "etag").starts_with('"'));
    let app = c.get(s.url("/static/app.js")).send().await.unwrap();
    assert!(header(&app, "content-type").starts_with("text/javascript"));
    let css = c.get(s.url("/static/style.css")).send().await.unwrap();
    assert!(header(&css, "content-type").starts_with("text/css"));
    let missing = c.get(s.url("/static/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn pages_forbid_inline_script_and_framing() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    for path in ["/", "/login", "/static/app.js"] {
        let r = client().get(s.url(path)).send().await.unwrap();
        let csp = header(&r, "content-security-policy");
        let script = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: a script-src directive in {csp:?}"));
        assert_eq!(script, "script-src 'self'", "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("img-src 'self' data:"), "{path}: {csp}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    }
    // The pages themselves need no exception: no inline script, no inline handler attribute.
    let mut files = Vec::new();
    files_under(&static_dir(), &mut files);
    let inline_handler = regex::Regex::new(r#"(?i)<[^>]*\son[a-z]+\s*="#).unwrap();
    let inline_script = regex::Regex::new(r"(?i)<script(\s[^>]*)?>").unwrap();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!inline_handler.is_match(&text), "{f:?}: inline handler");
        for tag in inline_script.find_iter(&text) {
            assert!(
                tag.as_str().contains("src="),
                "{f:?}: inline {}",
                tag.as_str()
            );
        }
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{f:?}: external URL"
        );
    }
}

#[tokio::test]
async fn text_is_gzipped_for_clients_that_accept_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path(), &[]);
    let c = client();
    let plain = c.get(s.url("/static/app.js")).send().await.unwrap();
    assert_eq!(header(&plain, "content-encoding"), "");
    assert!(header(&plain, "vary").contains("Accept-Encoding"));
    let plain_tag = header(&plain, "etag");
    let plain = plain.bytes().await.unwrap();

    let module = a_vendor_module();
    for (path, original) in [
        ("/static/app.js".to_string(), plain.to_vec()),
        (
            module.clone(),
            std::fs::read(static_dir().join(module.trim_start_matches("/static/"))).unwrap(),
        ),
    ] {
        let r = c
            .get(s.url(&path))
            .header("Accept-Encoding", "gzip, deflate, br")
            .send()
            .await
            .unwrap();
        assert_eq!(header(&r, "content-encoding"), "gzip", "{path}");
        let tag = header(&r, "etag");
        let body = r.bytes().await.unwrap();
        assert!(body.len() < original.len(), "{path}: smaller on the wire");
        let mut out = Vec::new();
        GzDecoder::new(&body[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, original, "{path}: the same file once unzipped");
        // The compressed representation has its own tag, and revalidates too.
        let again = c
            .get(s.url(&path))
            .header("Accept-Encoding", "gzip")
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
    }
    let zipped = c
        .get(s.url("/static/app.js"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_ne!(header(&zipped, "etag"), plain_tag);
}

/// Issue 15's budget: the whole embedded UI at most 150 KB gzipped (each file on its own, as
/// the server sends them).
#[test]
fn the_embedded_ui_stays_under_150_kb_gzipped() {
    let mut files = Vec::new();
    files_under(&static_dir(), &mut files);
    let mut total = 0usize;
    let mut sizes = Vec::new();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&data).unwrap();
        let n = enc.finish().unwrap().len();
        total += n;
        sizes.push((
            n,
            f.strip_prefix(static_dir()).unwrap().display().to_string(),
        ));
    }
    sizes.sort();
    eprintln!("embedded UI: {} files, {total} bytes gzipped", files.len());
    assert!(
        total <= 150 * 1024,
        "the UI is {total} bytes gzipped, over the 150 KB budget; largest: {:?}",
        sizes.iter().rev().take(5).collect::<Vec<_>>()
    );
}
