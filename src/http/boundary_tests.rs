//! The HTTP layer talks to services only: no module under `src/http/` may reach storage, the
//! retry journal or a client directly, nor call the store on the shared state. Read from the
//! sources so a new handler that does is caught by `cargo test`.

use std::path::Path;

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/http is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn http_imports_services_and_domain_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http");
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(files.len() > 10, "found only {files:?}");
    // Built from pieces so this file does not match itself.
    let forbidden = [
        format!("crate::{}", "store"),
        format!("crate::{}", "journal"),
        format!("crate::{}", "clients"),
        format!(".{}.", "store"),
        format!("s.{}", "store"),
    ];
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            for bad in &forbidden {
                if line.contains(bad.as_str()) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "HTTP reaches below the services:\n{}",
        found.join("\n")
    );
}
