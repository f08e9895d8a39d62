//! The layering rules of DESIGN.md, checked on the source text so a change that breaks them fails
//! the test command: each top-level module of `src/` may import only modules of a lower layer (so
//! there is no import cycle between them), `src/http/` never touches storage, the journal or a
//! client directly, and no non-test source file grows past 450 lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Top-level modules from the bottom up. A module may import only those listed before it.
/// `state` (the handles handlers share) sits just below `http`; `app` (start-up wiring) above it.
const LAYERS: &[&str] = &[
    "domain",
    "breaker",
    "telemetry",
    "config",
    "sqlite",
    "store",
    "journal",
    "clients",
    "auth",
    "services",
    "alerts",
    "health",
    "metrics",
    "state",
    "http",
    "app",
    "commands",
];

/// Lower modules that `src/http/` must still not use: handlers go through services.
const HTTP_FORBIDDEN: &[&str] = &["store", "journal", "clients"];

const MAX_LINES: usize = 450;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Unit-test files by the naming convention: `tests.rs`, or anything under a `tests/` folder.
fn is_test_file(rel: &Path) -> bool {
    rel.file_name().is_some_and(|n| n == "tests.rs")
        || rel
            .parent()
            .is_some_and(|p| p.components().any(|c| c.as_os_str() == "tests"))
}

/// The top-level module a file belongs to (`src/http/v3/movies.rs` → `http`).
fn top_module(rel: &Path) -> String {
    let first = rel.components().next().expect("non-empty path");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// The source without comments and without `#[cfg(test)]` items (tests may reach anywhere).
fn production_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        if t.starts_with("#[cfg(test)]") {
            // Skip the next item: a one-line `mod x;`/`use`, or a braced block.
            let mut depth = 0i32;
            let mut opened = false;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                opened |= l.contains('{');
                if (opened && depth <= 0) || (!opened && l.trim_end().ends_with(';')) {
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Every `crate::<module>` the code names, including inside `use crate::{a, b}` groups.
fn crate_refs(code: &str) -> Vec<String> {
    let mut refs = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    refs.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // `crate::say!` is a macro exported at the crate root, not a module.
            if !rest[name.len()..].starts_with('!') {
                refs.push(name);
            }
        }
    }
    refs
}

struct Source {
    rel: PathBuf,
    top: String,
    code: String,
    lines: usize,
}

fn sources() -> Vec<Source> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("source is UTF-8");
            let rel = path.strip_prefix(&root).expect("under src").to_path_buf();
            Source {
                top: top_module(&rel),
                code: production_code(&text),
                lines: text.lines().count(),
                rel,
            }
        })
        .collect()
}

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

#[test]
fn every_top_level_module_has_a_layer() {
    let mut missing: Vec<String> = sources()
        .iter()
        .map(|s| s.top.clone())
        .filter(|m| m != "main" && m != "lib" && rank(m).is_none())
        .collect();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "top-level modules without a layer in tests/architecture/main.rs: {missing:?}"
    );
}

#[test]
fn modules_import_only_lower_layers() {
    let mut violations = BTreeMap::<String, Vec<String>>::new();
    for s in sources().iter().filter(|s| !is_test_file(&s.rel)) {
        let Some(own) = rank(&s.top) else { continue };
        for r in crate_refs(&s.code) {
            if r == s.top {
                continue;
            }
            match rank(&r) {
                Some(other) if other < own => {}
                _ => violations
                    .entry(s.rel.display().to_string())
                    .or_default()
                    .push(r),
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports of a higher (or unknown) layer, which would make a cycle; order is {LAYERS:?}:\n{violations:#?}"
    );
}

#[test]
fn http_goes_through_services() {
    let mut violations = Vec::new();
    for s in sources().iter().filter(|s| s.top == "http") {
        for r in crate_refs(&s.code) {
            if HTTP_FORBIDDEN.contains(&r.as_str()) {
                violations.push(format!("{} imports crate::{r}", s.rel.display()));
            }
        }
        for pattern in ["s.store", "state.store", ".store."] {
            if s.code.contains(pattern) {
                violations.push(format!("{} calls storage ({pattern})", s.rel.display()));
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

#[test]
fn source_files_stay_small() {
    let big: Vec<String> = sources()
        .iter()
        .filter(|s| !is_test_file(&s.rel) && s.lines > MAX_LINES)
        .map(|s| format!("{} ({} lines)", s.rel.display(), s.lines))
        .collect();
    assert!(
        big.is_empty(),
        "non-test files over {MAX_LINES} lines: {big:?}"
    );
}

#[test]
fn the_checker_sees_imports() {
    let code = "use crate::store::{Store};\nuse crate::{http, app::run};\nlet x = crate::journal::X;\ncrate::say!(\"hi\");";
    assert_eq!(crate_refs(code), ["store", "http", "app", "journal"]);
    let stripped =
        production_code("use a;\n#[cfg(test)]\nmod tests {\n  use crate::app;\n}\nuse b;\n");
    assert_eq!(stripped, "use a;\nuse b;\n");
}
