//! Radarr's `config/naming`, `config/mediamanagement` and `config/host` for what reelarr
//! actually does. Honoured fields live in the config file's `[library]` (so the file, the API
//! and a reload agree): `standardMovieFormat` is `movie_file_format`, `copyUsingHardlinks` is
//! `use_hardlinks`. Everything else is answered with what reelarr does (which is Radarr's
//! default where they agree) and a PUT of it is ignored; the README lists which is which.

use super::{FormatsService, Result};
use crate::config::Config;
use crate::services::ServiceError;
use serde_json::{json, Value};

/// What reelarr names a movie's folder (`services::library::folder_name`), in Radarr's tokens.
const FOLDER_FORMAT: &str = "{Movie Title} ({Release Year})";

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    let message = format!("{field}: {}", message.into());
    ServiceError::invalid("invalid_config", message)
        .with("field", field)
        .with("propertyName", field)
}

/// `NamingConfigResource`.
pub fn naming_resource(cfg: &Config) -> Value {
    json!({
        "id": 1,
        "renameMovies": true,
        "replaceIllegalCharacters": true,
        "colonReplacementFormat": "delete",
        "standardMovieFormat": cfg.library.movie_file_format,
        "movieFolderFormat": FOLDER_FORMAT,
    })
}

/// `MediaManagementConfigResource`.
pub fn media_management_resource(cfg: &Config) -> Value {
    json!({
        "id": 1,
        "autoUnmonitorPreviouslyDownloadedMovies": false,
        "recycleBin": "",
        "recycleBinCleanupDays": 7,
        "downloadPropersAndRepacks": "preferAndUpgrade",
        "createEmptyMovieFolders": false,
        "deleteEmptyFolders": false,
        "fileDate": "none",
        "rescanAfterRefresh": "always",
        "autoRenameFolders": false,
        "pathsDefaultStatic": false,
        "setPermissionsLinux": false,
        "chmodFolder": "755",
        "chownGroup": "",
        "skipFreeSpaceCheckWhenImporting": false,
        "minimumFreeSpaceWhenImporting": 100,
        "copyUsingHardlinks": cfg.library.use_hardlinks,
        "useScriptImport": false,
        "scriptImportPath": "",
        "importExtraFiles": false,
        "extraFileExtensions": "srt",
        "enableMediaInfo": true,
    })
}

/// The bind address split into Radarr's `bindAddress` and `port`.
fn bind_parts(bind: &str) -> (String, u16) {
    match bind.rsplit_once(':') {
        Some((host, port)) => (
            host.trim_matches(|c| c == '[' || c == ']').to_string(),
            port.parse().unwrap_or(7878),
        ),
        None => (bind.to_string(), 7878),
    }
}

/// `HostConfigResource`; the API key and passwords are never returned (`********`).
pub fn host_resource(cfg: &Config) -> Value {
    let (address, port) = bind_parts(&cfg.server.bind);
    json!({
        "id": 1,
        "bindAddress": if address == "0.0.0.0" || address == "::" { "*".to_string() } else { address },
        "port": port,
        "sslPort": 9898,
        "enableSsl": false,
        "launchBrowser": false,
        "authenticationMethod": "forms",
        "authenticationRequired": "enabled",
        "analyticsEnabled": false,
        "username": "admin",
        "password": "********",
        "passwordConfirmation": "",
        "logLevel": cfg.log.level,
        "logSizeLimit": 1,
        "consoleLogLevel": "",
        "branch": "main",
        "apiKey": "********",
        "sslCertPath": "",
        "sslCertPassword": "",
        "urlBase": cfg.server.url_base,
        "instanceName": "reelarr",
        "applicationUrl": "",
        "updateAutomatically": false,
        "updateMechanism": "external",
        "updateScriptPath": "",
        "proxyEnabled": false,
        "proxyType": "http",
        "proxyHostname": "",
        "proxyPort": 8080,
        "proxyUsername": "",
        "proxyPassword": "",
        "proxyBypassFilter": "",
        "proxyBypassLocalAddresses": true,
        "certificateValidation": "enabled",
        "backupFolder": "Backups",
        "backupInterval": 7,
        "backupRetention": 28,
        "trustCgnatIpAddresses": false,
    })
}

/// Config-file problems as a 400 naming the API field they came from.
fn config_refused(field: &str, problems: Vec<(String, String)>) -> ServiceError {
    let text: Vec<String> = problems.iter().map(|(k, m)| format!("{k}: {m}")).collect();
    invalid(field, text.join("; "))
}

impl FormatsService {
    /// The naming settings.
    pub fn naming(&self) -> Value {
        naming_resource(&self.config.get())
    }

    /// Applies `standardMovieFormat` (validated like the config file's `movie_file_format`,
    /// persisted there, used by the next import); refuses `renameMovies: false`, since reelarr
    /// always names imported files.
    pub fn update_naming(&self, body: &Value) -> Result<Value> {
        if body.get("renameMovies").and_then(Value::as_bool) == Some(false) {
            return Err(invalid(
                "renameMovies",
                "reelarr always names imported files by standardMovieFormat",
            ));
        }
        if let Some(format) = body.get("standardMovieFormat").filter(|v| !v.is_null()) {
            let format = format
                .as_str()
                .ok_or_else(|| invalid("standardMovieFormat", "must be a string"))?
                .to_string();
            self.config
                .update_library(|lib| lib.movie_file_format = format)
                .map_err(|p| config_refused("standardMovieFormat", p))?;
        }
        Ok(self.naming())
    }

    /// The media-management settings.
    pub fn media_management(&self) -> Value {
        media_management_resource(&self.config.get())
    }

    /// Applies `copyUsingHardlinks` (persisted as `use_hardlinks`); other fields are ignored.
    pub fn update_media_management(&self, body: &Value) -> Result<Value> {
        match body.get("copyUsingHardlinks") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => {
                let b = *b;
                self.config
                    .update_library(|lib| lib.use_hardlinks = b)
                    .map_err(|p| config_refused("copyUsingHardlinks", p))?;
            }
            Some(_) => return Err(invalid("copyUsingHardlinks", "must be true or false")),
        }
        Ok(self.media_management())
    }

    /// The host settings.
    pub fn host(&self) -> Value {
        host_resource(&self.config.get())
    }

    /// Nothing in the host settings changes without a restart, so a PUT may only send back what
    /// is in force: a different `bindAddress`, `port` or `urlBase` is refused naming the field
    /// and the config key to edit instead. Other fields are ignored.
    pub fn update_host(&self, body: &Value) -> Result<Value> {
        let now = self.host();
        for (field, key) in [
            ("bindAddress", "server.bind"),
            ("port", "server.bind"),
            ("urlBase", "server.url_base"),
        ] {
            if let Some(v) = body.get(field).filter(|v| !v.is_null()) {
                let same = v == &now[field]
                    || (field == "urlBase" && v.as_str() == Some("") && now[field] == "");
                if !same {
                    return Err(invalid(
                        field,
                        format!("cannot be changed through the API; set {key} in the config file and restart"),
                    ));
                }
            }
        }
        Ok(now)
    }
}
