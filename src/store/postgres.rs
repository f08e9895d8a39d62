//! The PostgreSQL backend, for users who outgrow embedded SQLite: a bounded deadpool of
//! tokio-postgres connections with connect/wait timeouts (a dead server fails fast and trips the
//! database breaker instead of hanging), its own embedded migrations, and the same behaviour as
//! [`super::SqliteStore`] (checked by the shared conformance suite).

use super::postgres_migrate::{pg_current_version, pg_latest_version, pg_migrate};
use super::{
    is_disk_full_text, PoolStatus, Session, Store, StoreError, StoreResult, StoredEvent, User,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod};
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

/// How long a new connection may take to be established when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a caller waits for a free pooled connection before the call fails as an outage.
const WAIT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long checking a returned connection may take before it is replaced.
const RECYCLE_TIMEOUT: Duration = Duration::from_secs(2);

/// Parameters of a query, as tokio-postgres takes them.
pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// PostgreSQL store. Cloning shares the same pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// Set once the migrations ran. A store opened while the server was down migrates on its
    /// first connection instead (one atomic read per call once done).
    migrated: std::sync::Arc<tokio::sync::OnceCell<()>>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://` or `postgresql://`) with a pool of `pool_size`
    /// connections and migrates the database to the latest version. Errors never contain the
    /// URL, because it may carry the password.
    pub async fn open(url: &str, pool_size: u32) -> StoreResult<Self> {
        let (store, unreachable) = Self::open_deferred(url, pool_size).await?;
        match unreachable {
            Some(e) => Err(e),
            None => Ok(store),
        }
    }

    /// Like [`PostgresStore::open`], but an unreachable server (an outage error) does not fail:
    /// the store is returned with that error, and migrates on its first successful connection,
    /// so a start while PostgreSQL is down can recover without a restart.
    pub async fn open_deferred(
        url: &str,
        pool_size: u32,
    ) -> StoreResult<(Self, Option<StoreError>)> {
        let mut config = tokio_postgres::Config::from_str(url).map_err(|_| {
            StoreError::Other(format!("invalid PostgreSQL URL ({})", redacted_url(url)))
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("reelarr");
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(1) as usize)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(WAIT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT + Duration::from_secs(1)))
            .recycle_timeout(Some(RECYCLE_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Other(format!("could not build the PostgreSQL pool: {e}")))?;
        let store = PostgresStore {
            pool,
            migrated: Default::default(),
        };
        match store.client().await {
            Ok(_) => {}
            Err(e) if e.is_outage() => return Ok((store, Some(e))),
            Err(e) => return Err(e),
        }
        tracing::info!(database = %redacted_url(url), pool_size, "opened PostgreSQL store");
        Ok((store, None))
    }

    /// A pooled connection (the first one migrates the database); pool timeouts and connection
    /// failures come back as `Io`.
    pub(super) async fn client(&self) -> StoreResult<Object> {
        if !self.migrated.initialized() {
            self.migrated
                .get_or_try_init(|| async {
                    let mut c = self.pool.get().await.map_err(map_pool)?;
                    pg_migrate(&mut c, pg_latest_version()).await.map(drop)
                })
                .await?;
        }
        self.pool.get().await.map_err(map_pool)
    }

    /// Runs one statement (prepared once per connection) and returns its rows.
    pub(super) async fn query(&self, sql: &str, params: Params<'_>) -> StoreResult<Vec<Row>> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(map_pg)?;
        c.query(&st, params).await.map_err(map_pg)
    }

    /// Runs one statement that yields at most one row.
    pub(super) async fn query_opt(
        &self,
        sql: &str,
        params: Params<'_>,
    ) -> StoreResult<Option<Row>> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(map_pg)?;
        c.query_opt(&st, params).await.map_err(map_pg)
    }

    /// Runs one statement that yields exactly one row.
    pub(super) async fn query_one(&self, sql: &str, params: Params<'_>) -> StoreResult<Row> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(map_pg)?;
        c.query_one(&st, params).await.map_err(map_pg)
    }

    /// Runs one statement and returns the number of rows it touched.
    pub(super) async fn execute(&self, sql: &str, params: Params<'_>) -> StoreResult<u64> {
        let c = self.client().await?;
        let st = c.prepare_cached(sql).await.map_err(map_pg)?;
        c.execute(&st, params).await.map_err(map_pg)
    }
}

/// `scheme://user@host:port/db` without the password or the query string, for logs and errors.
/// A password that is not percent-encoded may contain `/`, `?`, `#` or `@`: the last `@` ends
/// the user info wherever it is, so no part of it can leak.
pub fn redacted_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparsable URL>".into();
    };
    let (user, host) = match rest.rsplit_once('@') {
        Some((userinfo, host)) => (Some(userinfo.split(':').next().unwrap_or("")), host),
        None => (None, rest),
    };
    let host = host.split(['?', '#']).next().unwrap_or("");
    match user {
        Some(user) => format!("{scheme}://{user}@{host}"),
        None => format!("{scheme}://{host}"),
    }
}

/// Classifies a tokio-postgres error like its SQLite counterpart: constraint violations are the
/// caller's fault, connection trouble is an outage, a cancelled statement is a timeout.
pub(crate) fn map_pg(e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let msg = match db.constraint() {
            Some(c) => format!("{} ({c})", db.message()),
            None => db.message().to_string(),
        };
        let class = &code.code()[..2];
        return if *code == SqlState::DISK_FULL || is_disk_full_text(Some(db.message())) {
            // 53100, or "could not extend file ... No space left on device" under another code
            StoreError::DiskFull(msg)
        } else if *code == SqlState::QUERY_CANCELED {
            StoreError::Timeout
        } else if *code == SqlState::LOCK_NOT_AVAILABLE {
            StoreError::Busy
        } else if class == "23" {
            // integrity_constraint_violation: unique, foreign key, not null, check, exclusion
            StoreError::Constraint(msg)
        } else if matches!(class, "08" | "53" | "57" | "58" | "28") {
            // connection exception, insufficient resources (disk full, too many connections),
            // operator intervention (shutdown), system/I-O error, refused authentication
            StoreError::Io(msg)
        } else {
            StoreError::Other(msg)
        };
    }
    if e.is_closed() {
        return StoreError::Io("the PostgreSQL connection is closed".into());
    }
    let text = e.to_string();
    // Mistakes in our own statements or row decoding: bugs, not outages.
    const BUGS: [&str; 6] = [
        "error serializing",
        "error deserializing",
        "invalid column",
        "query returned an unexpected",
        "expected ",
        "invalid configuration",
    ];
    if BUGS.iter().any(|b| text.starts_with(b)) {
        StoreError::Other(text)
    } else {
        // I/O, connect, connect timeout, TLS, protocol, authentication: the server is unreachable.
        StoreError::Io(text)
    }
}

/// A pool failure: waiting too long or failing to connect is an outage (trips the breaker).
fn map_pool(e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => map_pg(e),
        PoolError::Timeout(t) => {
            StoreError::Io(format!("timed out getting a PostgreSQL connection ({t:?})"))
        }
        PoolError::Closed => StoreError::Io("the PostgreSQL pool is closed".into()),
        PoolError::PostCreateHook(h) => StoreError::Io(format!("PostgreSQL connection setup: {h}")),
        PoolError::NoRuntimeSpecified => {
            StoreError::Other("no runtime for the PostgreSQL pool".into())
        }
    }
}

fn user_from_row(r: &Row) -> Result<User, tokio_postgres::Error> {
    Ok(User {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        password_hash: r.try_get(2)?,
        must_change_password: r.try_get(3)?,
    })
}

const USER_COLS: &str = "id, username, password_hash, must_change_password";

#[async_trait]
impl Store for PostgresStore {
    async fn ping(&self) -> StoreResult<()> {
        self.query_one("SELECT 1", &[]).await.map(|_| ())
    }

    async fn integrity_check(&self) -> StoreResult<String> {
        // PostgreSQL checks its own pages; a read of the catalogue and our bookkeeping table is
        // the trivial "can we read the schema" check.
        self.query_one("SELECT COUNT(*) FROM schema_migrations", &[])
            .await
            .map(|_| "ok".to_string())
    }

    async fn schema_version(&self) -> StoreResult<i64> {
        let c = self.client().await?;
        pg_current_version(&**c).await
    }

    fn pool_status(&self) -> PoolStatus {
        // Connections the server closed (shutdown, restart) are dropped first, so the counts are
        // live connections only and the next call opens a new one instead of recycling a corpse.
        self.pool.retain(|c, _| !c.is_closed());
        let s = self.pool.status();
        let idle = s.available.min(s.size);
        PoolStatus {
            active: (s.size - idle) as u32,
            idle: idle as u32,
        }
    }

    async fn user_count(&self) -> StoreResult<u64> {
        let r = self.query_one("SELECT COUNT(*) FROM users", &[]).await?;
        Ok(r.try_get::<_, i64>(0).map_err(map_pg)? as u64)
    }

    async fn user_by_name(&self, username: &str) -> StoreResult<Option<User>> {
        self.query_opt(
            &format!("SELECT {USER_COLS} FROM users WHERE username = $1"),
            &[&username],
        )
        .await?
        .map(|r| user_from_row(&r).map_err(map_pg))
        .transpose()
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        self.query_opt(
            &format!("SELECT {USER_COLS} FROM users WHERE id = $1"),
            &[&id],
        )
        .await?
        .map(|r| user_from_row(&r).map_err(map_pg))
        .transpose()
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
    ) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(map_pg)?;
        let row = tx
            .query_one(
                "INSERT INTO users (username, password_hash, must_change_password, created_at, updated_at)
                 VALUES ($1, $2, $3, now(), now())
                 ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
                   must_change_password = excluded.must_change_password, updated_at = excluded.updated_at
                 RETURNING id",
                &[&username, &password_hash, &must_change],
            )
            .await
            .map_err(map_pg)?;
        let id: i64 = row.try_get(0).map_err(map_pg)?;
        // A new password ends every existing session of that user.
        tx.execute("DELETE FROM sessions WHERE user_id = $1", &[&id])
            .await
            .map_err(map_pg)?;
        tx.commit().await.map_err(map_pg)
    }

    async fn create_session(&self, s: &Session) -> StoreResult<()> {
        self.execute(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, now(), $3)",
            &[&s.token_hash, &s.user_id, &s.expires_at],
        )
        .await
        .map(|_| ())
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<Session>> {
        let Some(r) = self
            .query_opt(
                "SELECT token_hash, user_id, expires_at FROM sessions WHERE token_hash = $1",
                &[&token_hash],
            )
            .await?
        else {
            return Ok(None);
        };
        let session = (|| {
            Ok(Session {
                token_hash: r.try_get(0)?,
                user_id: r.try_get(1)?,
                expires_at: r.try_get::<_, DateTime<Utc>>(2)?,
            })
        })()
        .map_err(map_pg)?;
        Ok(Some(session))
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        self.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
            .await
            .map(|_| ())
    }

    async fn purge_expired_sessions(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        self.execute("DELETE FROM sessions WHERE expires_at < $1", &[&now])
            .await
    }

    async fn append_breaker_event(&self, e: &StoredEvent) -> StoreResult<()> {
        // One statement: insert, then keep the table bounded to the newest 10,000 transitions.
        self.execute(
            "WITH ins AS (
                INSERT INTO breaker_events (service, from_state, to_state, reason, at)
                VALUES ($1, $2, $3, $4, $5) RETURNING id
             )
             DELETE FROM breaker_events WHERE id <= (SELECT id FROM ins) - 10000",
            &[&e.service, &e.from, &e.to, &e.reason, &e.at],
        )
        .await
        .map(|_| ())
    }

    async fn breaker_events(&self, limit: u32) -> StoreResult<Vec<StoredEvent>> {
        let rows = self
            .query(
                "SELECT service, from_state, to_state, reason, at FROM breaker_events
                 ORDER BY id DESC LIMIT $1",
                &[&i64::from(limit)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEvent {
                    service: r.try_get(0)?,
                    from: r.try_get(1)?,
                    to: r.try_get(2)?,
                    reason: r.try_get(3)?,
                    at: r.try_get(4)?,
                })
            })
            .collect::<Result<_, tokio_postgres::Error>>()
            .map_err(map_pg)
    }
}

#[cfg(test)]
mod tests;
