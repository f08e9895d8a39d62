//! Builds one `Config` from defaults → TOML file → environment → CLI flags, and says precisely
//! which key (and which variable) is wrong when something is.

use super::env::{self, mappings};
use super::validate::validate;
use super::Config;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything that locates the layers. Resolved once at start-up; reloads re-read the same places.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
    /// An optional `NAME=value` file overlaid on the process environment (see `env::snapshot`).
    pub env_file: Option<PathBuf>,
    /// `--bind` from the command line, the highest layer.
    pub cli_bind: Option<String>,
    /// Replaces the process environment (tests); `None` reads the real one.
    pub env: Option<BTreeMap<String, String>>,
}

impl Sources {
    /// Applies the CLI > env > default rule to the paths themselves.
    pub fn resolve(
        cli_config: Option<PathBuf>,
        cli_data_dir: Option<PathBuf>,
        cli_bind: Option<String>,
    ) -> Sources {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let data_dir = cli_data_dir
            .or_else(|| var("REELARR_DATA_DIR"))
            .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("reelarr")))
            .or_else(|| var("HOME").map(|h| h.join(".local/share/reelarr")))
            .unwrap_or_else(|| PathBuf::from("./reelarr-data"));
        let config_path = cli_config
            .or_else(|| var("REELARR_CONFIG"))
            .unwrap_or_else(|| data_dir.join("config.toml"));
        Sources {
            env_file: var("REELARR_ENV_FILE"),
            data_dir,
            config_path,
            cli_bind,
            env: None,
        }
    }
}

/// A merged and validated configuration plus the non-fatal findings (unknown keys and variables).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub warnings: Vec<String>,
}

/// Why a configuration could not be used; each line names the key it concerns.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

impl ConfigError {
    /// One human line per problem, for `check-config` and the reload log.
    pub fn problems(&self) -> &[String] {
        match self {
            ConfigError::Invalid(p) => p,
        }
    }
}

/// Reads every layer and returns the merged, validated config. Pure apart from reading the file,
/// the environment and `*_FILE` secrets, so it is used both at start-up and for live reloads.
pub fn load(sources: &Sources) -> Result<Loaded, ConfigError> {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    // Which layer set a key, so that errors can point at the variable the user actually typed.
    let mut provenance: BTreeMap<String, String> = BTreeMap::new();

    let mut tree = toml::Value::try_from(Config::default())
        .expect("defaults always serialize")
        .as_table()
        .cloned()
        .unwrap_or_default();

    match read_file(&sources.config_path) {
        Ok(Some(file)) => merge(&mut tree, file),
        Ok(None) => {}
        Err(e) => problems.push(e),
    }

    let vars = match env::snapshot(sources.env.as_ref(), sources.env_file.as_deref()) {
        Ok(v) => v,
        Err(e) => {
            problems.push(e);
            BTreeMap::new()
        }
    };
    for mapping in mappings() {
        match env::value_for(&mapping, &vars) {
            Ok(Some(value)) => {
                set_path(&mut tree, &mapping.key, value);
                provenance.insert(mapping.key.join("."), mapping.var.clone());
            }
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    for var in env::unknown_vars(&vars) {
        warnings.push(format!("unknown environment variable {var} (ignored)"));
    }

    if let Some(bind) = &sources.cli_bind {
        set_path(
            &mut tree,
            &["server".into(), "bind".into()],
            toml::Value::String(bind.clone()),
        );
        provenance.insert("server.bind".into(), "--bind".into());
    }

    let mut unknown = Vec::new();
    let mut on_unknown = |path: serde_ignored::Path<'_>| unknown.push(path.to_string());
    let de = serde_ignored::Deserializer::new(toml::Value::Table(tree), &mut on_unknown);
    let parsed: Result<Config, _> = serde_path_to_error::deserialize(de);
    for key in unknown {
        warnings.push(format!(
            "unknown config key {key} in {} (ignored)",
            sources.config_path.display()
        ));
    }
    let mut config = match parsed {
        Ok(c) => c,
        Err(e) => {
            let key = e.path().to_string();
            problems.push(format!("{}: {}", describe(&key, &provenance), e.inner()));
            return Err(ConfigError::Invalid(problems));
        }
    };
    config.data_dir = sources.data_dir.clone();
    config.config_path = sources.config_path.clone();

    for (key, message) in validate(&config) {
        problems.push(format!("{}: {message}", describe(&key, &provenance)));
    }
    if problems.is_empty() {
        Ok(Loaded { config, warnings })
    } else {
        Err(ConfigError::Invalid(problems))
    }
}

/// `key`, or `key (VAR)` when the value came from an environment variable or flag.
fn describe(key: &str, provenance: &BTreeMap<String, String>) -> String {
    match provenance.get(key) {
        Some(var) => format!("{var} ({key})"),
        None => key.to_string(),
    }
}

fn read_file(path: &Path) -> Result<Option<toml::Table>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("config file {}: {e}", path.display())),
    };
    text.parse::<toml::Table>()
        .map(Some)
        .map_err(|e| format!("config file {}: {}", path.display(), e.to_string().trim()))
}

/// Deep merge: tables merge key by key, anything else in `over` replaces what was there.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

fn set_path(tree: &mut toml::Table, key: &[String], value: toml::Value) {
    let (last, parents) = key.split_last().expect("non-empty key");
    let mut node = tree;
    for p in parents {
        let entry = node
            .entry(p.clone())
            .or_insert_with(|| toml::Value::Table(Default::default()));
        if !entry.is_table() {
            *entry = toml::Value::Table(Default::default());
        }
        node = entry.as_table_mut().expect("just made a table");
    }
    node.insert(last.clone(), value);
}
