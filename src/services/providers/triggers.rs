//! A notification's triggers: Radarr's `onGrab`, `onDownload`, ... flags, which events the
//! connection is sent, and which of them reelarr raises at all (`supportsOn*`).

use serde::{Deserialize, Serialize};

/// Declares the trigger flags once: the stored struct, the input struct (each flag optional, a
/// missing one keeps the stored value) and the list of Radarr names with reelarr's support.
macro_rules! triggers {
    ($($field:ident: $name:literal, $supported:literal;)*) => {
        /// Which events a notification is sent (Radarr's `on*` flags).
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase", default)]
        pub struct Triggers {
            $(pub $field: bool,)*
        }

        /// The flags as a client sends them; `None` keeps the stored value.
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct TriggersInput {
            $(#[serde(default)] pub $field: Option<bool>,)*
        }

        impl Triggers {
            /// Each flag as `(Radarr name, value, whether reelarr raises that event)`.
            pub fn flags(&self) -> Vec<(&'static str, bool, bool)> {
                vec![$(($name, self.$field, $supported),)*]
            }

            /// `input`'s flags over `self`.
            pub fn merged(&self, input: &TriggersInput) -> Triggers {
                Triggers {
                    $($field: input.$field.unwrap_or(self.$field),)*
                }
            }
        }
    };
}

triggers! {
    on_grab: "onGrab", true;
    on_download: "onDownload", true;
    on_upgrade: "onUpgrade", true;
    on_rename: "onRename", false;
    on_movie_added: "onMovieAdded", true;
    on_movie_delete: "onMovieDelete", true;
    on_movie_file_delete: "onMovieFileDelete", true;
    on_movie_file_delete_for_upgrade: "onMovieFileDeleteForUpgrade", true;
    on_health_issue: "onHealthIssue", true;
    include_health_warnings: "includeHealthWarnings", true;
    on_health_restored: "onHealthRestored", true;
    on_application_update: "onApplicationUpdate", false;
    on_manual_interaction_required: "onManualInteractionRequired", false;
}

impl Triggers {
    /// True when no flag is set (an indexer's or download client's: not stored).
    pub fn is_off(&self) -> bool {
        *self == Triggers::default()
    }
}
