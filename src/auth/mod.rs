//! Authentication: the generated first password, logins with throttling, UI sessions, API keys.
//! No HTTP types here; `http::auth` turns these answers into filters and responses.

pub mod password;
mod ratelimit;

use crate::config::LiveConfig;
use crate::store::{Session, Store, StoreError, User};
use chrono::Utc;
use ratelimit::LoginLimiter;
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The one admin account the first start creates.
pub const ADMIN_USERNAME: &str = "admin";
/// Name of the file, inside the data dir, holding the first generated password.
pub const INITIAL_PASSWORD_FILE: &str = "initial-admin-password";

/// Why a login or password change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("too many failed logins from this address; try again in {} s", .retry_after.as_secs())]
    RateLimited { retry_after: Duration },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("{0}")]
    WeakPassword(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A successful login: the cookie value to hand out and who it belongs to.
#[derive(Debug)]
pub struct LoginSuccess {
    pub token: String,
    pub user: User,
    pub ttl: Duration,
}

/// Who made a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    ApiKey,
    User {
        id: i64,
        username: String,
        must_change_password: bool,
    },
}

/// Login, sessions and API-key checks over the store and the live config.
pub struct AuthService {
    store: Arc<dyn Store>,
    config: LiveConfig,
    limiter: LoginLimiter,
}

/// SHA-256 of a session token, hex: what the database stores.
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl AuthService {
    pub fn new(store: Arc<dyn Store>, config: LiveConfig) -> Self {
        AuthService {
            store,
            config,
            limiter: LoginLimiter::default(),
        }
    }

    /// On a database without users: creates `admin` with a random password, writes it to
    /// `<data-dir>/initial-admin-password` (0600) and returns it so the caller can log it once.
    pub async fn ensure_admin(&self, data_dir: &Path) -> Result<Option<String>, AuthError> {
        if self.store.user_count().await? > 0 {
            return Ok(None);
        }
        let pw = password::generate();
        let hash = hash_blocking(pw.clone()).await;
        self.store.set_password(ADMIN_USERNAME, &hash, true).await?;
        let path = data_dir.join(INITIAL_PASSWORD_FILE);
        crate::config::write_secret_file(&path, format!("{pw}\n").as_bytes())
            .map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
        Ok(Some(pw))
    }

    /// Checks credentials, throttled per client address; on success opens a session.
    pub async fn login(
        &self,
        client: IpAddr,
        username: &str,
        password_given: &str,
    ) -> Result<LoginSuccess, AuthError> {
        let cfg = self.config.get();
        let window = Duration::from_secs(cfg.auth.login_window_seconds);
        let max = cfg.auth.login_max_failures;
        let global = cfg.auth.login_max_failures_global;
        if let Err(retry_after) = self
            .limiter
            .check(client, max, global, window, Instant::now())
        {
            return Err(AuthError::RateLimited { retry_after });
        }
        let user = self.store.user_by_name(username).await?;
        let stored = match &user {
            Some(u) => u.password_hash.clone(),
            None => password::DUMMY_HASH.to_string(),
        };
        let ok = verify_blocking(stored, password_given.to_string()).await && user.is_some();
        let Some(user) = user.filter(|_| ok) else {
            self.limiter.record_failure(client, window, Instant::now());
            tracing::warn!(client = %client, "failed login");
            return Err(AuthError::InvalidCredentials);
        };
        self.limiter.clear(client);
        let token = hex::encode(rand::random::<[u8; 32]>());
        let ttl = Duration::from_secs(cfg.auth.session_ttl_hours * 3600);
        self.store
            .create_session(&Session {
                token_hash: token_hash(&token),
                user_id: user.id,
                expires_at: Utc::now() + chrono::Duration::from_std(ttl).unwrap_or_default(),
            })
            .await?;
        tracing::info!(user = %user.username, client = %client, "login");
        Ok(LoginSuccess { token, user, ttl })
    }

    /// Ends a session (logout). Unknown tokens are fine.
    pub async fn logout(&self, token: &str) -> Result<(), AuthError> {
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// The user behind a session cookie, if the session exists and has not expired.
    pub async fn session_user(&self, token: &str) -> Result<Option<Principal>, AuthError> {
        if token.len() != 64 {
            return Ok(None);
        }
        let Some(s) = self.store.session(&token_hash(token)).await? else {
            return Ok(None);
        };
        if s.expires_at < Utc::now() {
            return Ok(None);
        }
        Ok(self
            .store
            .user_by_id(s.user_id)
            .await?
            .map(|u| Principal::User {
                id: u.id,
                username: u.username,
                must_change_password: u.must_change_password,
            }))
    }

    /// Constant-time comparison with the configured API key.
    pub fn api_key_matches(&self, candidate: &str) -> bool {
        self.config.get().server.api_key.ct_eq(candidate)
    }

    /// Changes a user's password after checking the current one (also throttled).
    pub async fn change_password(
        &self,
        client: IpAddr,
        username: &str,
        current: &str,
        new: &str,
    ) -> Result<LoginSuccess, AuthError> {
        password::check_strength(new).map_err(AuthError::WeakPassword)?;
        // Reuse the login path for the check: same throttling, same timing.
        self.login(client, username, current).await?;
        let hash = hash_blocking(new.to_string()).await;
        // Ends every session of the user (including the one just made), then opens a fresh one.
        self.store.set_password(username, &hash, false).await?;
        self.login(client, username, new).await
    }
}

/// Sets a password outside the server (the `user set-password` command) and removes the file
/// holding the generated first password, which is no longer valid.
pub async fn set_password(
    store: &dyn Store,
    data_dir: &Path,
    username: &str,
    new: &str,
) -> Result<(), AuthError> {
    password::check_strength(new).map_err(AuthError::WeakPassword)?;
    let hash = hash_blocking(new.to_string()).await;
    store.set_password(username, &hash, false).await?;
    let _ = std::fs::remove_file(data_dir.join(INITIAL_PASSWORD_FILE));
    Ok(())
}

async fn hash_blocking(pw: String) -> String {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .expect("hashing task does not panic")
}

async fn verify_blocking(hash: String, pw: String) -> bool {
    tokio::task::spawn_blocking(move || password::verify(&hash, &pw))
        .await
        .unwrap_or(false)
}
