//! Authentication filters and the login/logout/password routes, and the guards on UI sessions:
//! a cookie-authenticated change must come from this server's own pages (see [`origin`]), and a
//! user who still has the generated first password may only change it.

mod origin;

use super::body;
use super::error::ApiError;
use super::{with_state, ClientAddr};
use crate::auth::Principal;
use crate::state::AppState;
use origin::Source;
use serde::Deserialize;
use serde_json::json;
use std::net::IpAddr;
use std::sync::Arc;
use warp::http::{header, HeaderMap, Method, StatusCode};
use warp::{Filter, Rejection, Reply};

/// Name of the UI session cookie.
pub const SESSION_COOKIE: &str = "reelarr_session";

/// The client's address as seen on the TCP connection (the server puts it in request extensions).
pub fn client_ip() -> impl Filter<Extract = (IpAddr,), Error = std::convert::Infallible> + Clone {
    warp::ext::optional::<ClientAddr>().map(|a: Option<ClientAddr>| {
        a.map(|a| a.0.ip())
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    })
}

/// Credentials a request may carry, in Radarr's three API-key forms plus the session cookie.
fn credentials() -> impl Filter<Extract = (Creds,), Error = Rejection> + Clone {
    warp::header::optional::<String>("x-api-key")
        .and(warp::header::optional::<String>("authorization"))
        .and(warp::cookie::optional::<String>(SESSION_COOKIE))
        .and(warp::query::raw().or(warp::any().map(String::new)).unify())
        .map(
            |key: Option<String>, authz: Option<String>, cookie: Option<String>, q: String| {
                let query_key = url_query_value(&q, "apikey");
                let bearer = authz.and_then(|a| {
                    a.strip_prefix("Bearer ")
                        .or_else(|| a.strip_prefix("bearer "))
                        .map(|s| s.trim().to_string())
                });
                Creds {
                    api_keys: [key, query_key, bearer].into_iter().flatten().collect(),
                    session: cookie,
                }
            },
        )
}

struct Creds {
    api_keys: Vec<String>,
    session: Option<String>,
}

/// The value of `name` in a raw query string (case-insensitive name, percent-decoded value).
pub fn url_query_value(query: &str, name: &str) -> Option<String> {
    url_pairs(query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    reqwest::Url::parse(&format!("http://x/?{query}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

/// Requires a valid API key or session; yields who the caller is, or rejects with 401 JSON.
/// A session is also held to [`check_session`] with the password-change gate on.
pub fn require(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Principal,), Error = Rejection> + Clone {
    guarded(state, true)
}

/// The few routes a user who must change the generated password may still use (their session
/// and the password change itself): [`require`] without the password-change gate.
fn require_before_password_change(
    state: Arc<AppState>,
) -> impl Filter<Extract = (Principal,), Error = Rejection> + Clone {
    guarded(state, false)
}

/// Authentication plus [`check_session`]: the one filter behind [`require`] and
/// [`require_before_password_change`], so no route can skip the session guards.
fn guarded(
    state: Arc<AppState>,
    gate: bool,
) -> impl Filter<Extract = (Principal,), Error = Rejection> + Clone {
    with_state(state)
        .and(credentials())
        .and(request())
        .and_then(
            move |state: Arc<AppState>, creds: Creds, req: Request| async move {
                let p = authenticate(&state, creds)
                    .await?
                    .ok_or_else(|| ApiError::unauthorized().reject())?;
                check_session(&p, &req, gate).map_err(ApiError::reject)?;
                Ok::<_, Rejection>(p)
            },
        )
}

/// Like [`require`], but lets the request through unauthenticated when `public` says so for the
/// current config (used by `/metrics` and `/health/detailed`).
pub fn require_unless(
    state: Arc<AppState>,
    public: fn(&crate::config::Config) -> bool,
) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    with_state(state)
        .and(credentials())
        .and(request())
        .and_then(
            move |state: Arc<AppState>, creds: Creds, req: Request| async move {
                if public(&state.config.get()) {
                    return Ok(());
                }
                match authenticate(&state, creds).await? {
                    Some(p) => check_session(&p, &req, true).map_err(ApiError::reject),
                    None => Err(ApiError::unauthorized().reject()),
                }
            },
        )
        .untuple_one()
}

/// What the session guards look at besides the credentials.
struct Request {
    method: Method,
    headers: HeaderMap,
}

/// The method and headers, for [`check_session`] (cloned: the guards run before the handler).
fn request() -> impl Filter<Extract = (Request,), Error = std::convert::Infallible> + Clone {
    warp::method()
        .and(warp::header::headers_cloned())
        .map(|method, headers| Request { method, headers })
}

/// The guards on a request authenticated by the session cookie (API-key requests pass: Radarr
/// clients send no `Origin`, and a foreign page cannot know the key). A method other than
/// GET/HEAD/OPTIONS needs an `Origin` (or, without one, a `Referer`) naming this server; with
/// `gate`, a user who must change the generated password is refused.
fn check_session(p: &Principal, req: &Request, gate: bool) -> Result<(), ApiError> {
    let Principal::User {
        must_change_password,
        ..
    } = p
    else {
        return Ok(());
    };
    let safe = matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        match origin::source(&req.headers) {
            Source::SameOrigin => {}
            Source::Foreign(from) => {
                return Err(ApiError::cross_site(format_args!(
                    "the request comes from {from:?}, not from this server"
                )))
            }
            Source::Unknown => {
                return Err(ApiError::cross_site(
                    "the request has neither an Origin nor a Referer header",
                ))
            }
        }
    }
    if gate && *must_change_password {
        return Err(ApiError::password_change_required());
    }
    Ok(())
}

/// For `/login` and `/logout`, which work without `Origin` (curl, scripts): refuses only a
/// request that a page of another site sent.
fn refuse_foreign(headers: &HeaderMap) -> Result<(), Rejection> {
    match origin::source(headers) {
        Source::Foreign(from) => Err(ApiError::cross_site(format_args!(
            "the request comes from {from:?}, not from this server"
        ))
        .reject()),
        Source::SameOrigin | Source::Unknown => Ok(()),
    }
}

async fn authenticate(state: &AppState, creds: Creds) -> Result<Option<Principal>, Rejection> {
    // Check every presented key so timing does not reveal which form was tried.
    let mut ok = false;
    for k in &creds.api_keys {
        ok |= state.auth.api_key_matches(k);
    }
    if ok {
        return Ok(Some(Principal::ApiKey));
    }
    if let Some(token) = creds.session {
        return state
            .auth
            .session_user(&token)
            .await
            .map_err(|e| ApiError::from(e).reject());
    }
    Ok(None)
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

fn session_cookie(token: &str, max_age: u64, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether the request reached us over TLS (directly or through a reverse proxy that says so).
fn behind_tls() -> impl Filter<Extract = (bool,), Error = Rejection> + Clone {
    warp::header::optional::<String>("x-forwarded-proto")
        .map(|p: Option<String>| p.is_some_and(|p| p.eq_ignore_ascii_case("https")))
}

/// `POST /login` (JSON or form), `POST /logout`, `GET /api/v1/session`, `POST /api/v1/user/password`.
pub fn routes(
    state: Arc<AppState>,
) -> impl Filter<Extract = (warp::reply::Response,), Error = Rejection> + Clone {
    let login = warp::path!("login")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(client_ip())
        .and(behind_tls())
        .and(warp::header::headers_cloned())
        .and_then(
            |state: Arc<AppState>, ip: IpAddr, tls: bool, headers: HeaderMap| async move {
                refuse_foreign(&headers)?;
                Ok::<_, Rejection>((state, ip, tls))
            },
        )
        .untuple_one()
        .and(warp::header::optional::<String>("content-type"))
        .and(body::bytes(state.config.clone()))
        .and_then(login);
    let logout = warp::path!("logout")
        .and(warp::post())
        .and(with_state(state.clone()))
        .and(warp::cookie::optional::<String>(SESSION_COOKIE))
        .and(behind_tls())
        .and(warp::header::headers_cloned())
        .and_then(
            |state: Arc<AppState>, cookie: Option<String>, tls: bool, headers: HeaderMap| async move {
                refuse_foreign(&headers)?;
                if let Some(t) = cookie {
                    state
                        .auth
                        .logout(&t)
                        .await
                        .map_err(|e| ApiError::from(e).reject())?;
                }
                let mut r = warp::reply::json(&json!({"status": "logged_out"})).into_response();
                r.headers_mut().insert(
                    header::SET_COOKIE,
                    header::HeaderValue::from_str(&session_cookie("", 0, tls)).expect("ascii"),
                );
                Ok::<_, Rejection>(r)
            },
        );
    let session = warp::path!("api" / "v1" / "session")
        .and(warp::get())
        .and(require_before_password_change(state.clone()))
        .map(|p: Principal| {
            let body = match p {
                Principal::ApiKey => json!({"authenticated": true, "method": "api_key"}),
                Principal::User {
                    username,
                    must_change_password,
                    ..
                } => json!({
                    "authenticated": true, "method": "session",
                    "username": username, "mustChangePassword": must_change_password,
                }),
            };
            warp::reply::json(&body).into_response()
        });
    let password = warp::path!("api" / "v1" / "user" / "password")
        .and(warp::post())
        .and(require_before_password_change(state.clone()))
        .and(with_state(state.clone()))
        .and(client_ip())
        .and(behind_tls())
        .and(body::json::<PasswordChange>(state.config.clone()))
        .and_then(change_password);
    login
        .or(logout)
        .unify()
        .or(session)
        .unify()
        .or(password)
        .unify()
}

async fn login(
    state: Arc<AppState>,
    ip: IpAddr,
    tls: bool,
    ct: Option<String>,
    raw: bytes::Bytes,
) -> Result<warp::reply::Response, Rejection> {
    let media = body::media_type(ct.as_deref());
    let form: LoginForm = if media == "application/x-www-form-urlencoded" {
        let text = String::from_utf8_lossy(&raw);
        let pairs = url_pairs(&text);
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match (get("username"), get("password")) {
            (Some(username), Some(password)) => LoginForm { username, password },
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_form",
                    "the login form needs the fields username and password",
                )
                .reject())
            }
        }
    } else {
        body::check_json_type(ct.as_deref()).map_err(|_| {
            ApiError::unsupported_media_type(
                "application/json or application/x-www-form-urlencoded",
                Some(&media),
            )
            .reject()
        })?;
        body::parse_json(&raw).map_err(ApiError::reject)?
    };
    let ok = state
        .auth
        .login(ip, &form.username, &form.password)
        .await
        .map_err(|e| ApiError::from(e).reject())?;
    let mut r = warp::reply::with_status(
        warp::reply::json(&json!({
            "username": ok.user.username,
            "mustChangePassword": ok.user.must_change_password,
        })),
        StatusCode::OK,
    )
    .into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&session_cookie(&ok.token, ok.ttl.as_secs(), tls))
            .expect("hex token is ascii"),
    );
    Ok(r)
}

async fn change_password(
    p: Principal,
    state: Arc<AppState>,
    ip: IpAddr,
    tls: bool,
    body: PasswordChange,
) -> Result<warp::reply::Response, Rejection> {
    let Principal::User { username, .. } = p else {
        return Err(ApiError::bad_request(
            "session_required",
            "log in with a username and password to change it (the API key has no user)",
        )
        .reject());
    };
    let ok = state
        .auth
        .change_password(ip, &username, &body.current_password, &body.new_password)
        .await
        .map_err(|e| ApiError::from(e).reject())?;
    let mut r = warp::reply::json(&json!({"status": "password_changed"})).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        header::HeaderValue::from_str(&session_cookie(&ok.token, ok.ttl.as_secs(), tls))
            .expect("hex token is ascii"),
    );
    Ok(r)
}
