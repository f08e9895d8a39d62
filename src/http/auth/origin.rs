//! Same-origin check for cookie-authenticated requests (CSRF defence besides `SameSite=Strict`).
//!
//! A browser names the page that made a request in `Origin` (every POST/PUT/DELETE from a current
//! browser) or, failing that, `Referer`. A request is same-origin when that page's
//! `host[:port]` is the request's own: `X-Forwarded-Host` when a reverse proxy sets it, otherwise
//! `Host`. The scheme is compared only when the request says what it is (`X-Forwarded-Proto`,
//! the header that already decides the cookie's `Secure` flag); without it either `http` or
//! `https` is accepted, so a TLS proxy that forwards `Host` but not the scheme keeps working.
//! Trusting these headers is safe here: a cross-site page cannot set them on a browser's request
//! (they are not CORS-safelisted and the server answers no preflight).

use warp::http::HeaderMap;

/// What the request's `Origin`/`Referer` say about where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The page that sent it is this server's own.
    SameOrigin,
    /// Another site (or `Origin: null`, or an unreadable value); holds the value for the message.
    Foreign(String),
    /// Neither header: a script or a tool such as curl, not a browser page.
    Unknown,
}

/// Classifies a request by its headers (see the module documentation for the rule).
pub fn source(headers: &HeaderMap) -> Source {
    let get = |name: &str| {
        headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).trim().to_string())
    };
    let Some(claimed) = get("origin").or_else(|| get("referer")) else {
        return Source::Unknown;
    };
    let first = |name: &str| {
        get(name).and_then(|v| {
            let v = v
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            (!v.is_empty()).then_some(v)
        })
    };
    let host = first("x-forwarded-host").or_else(|| first("host"));
    let scheme = first("x-forwarded-proto");
    match host {
        Some(host) if same_origin(&claimed, &host, scheme.as_deref()) => Source::SameOrigin,
        _ => Source::Foreign(claimed),
    }
}

/// Whether the origin of `url` (an `Origin` or `Referer` value) is `host` reached over `scheme`
/// (any of http/https when `None`). Default ports are ignored on both sides.
fn same_origin(url: &str, host: &str, scheme: Option<&str>) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    let their_scheme = u.scheme();
    if !matches!(their_scheme, "http" | "https") || scheme.is_some_and(|s| s != their_scheme) {
        return false;
    }
    let Some(their_host) = u.host_str() else {
        return false;
    };
    // `Url` has already dropped the scheme's default port.
    let theirs = match u.port() {
        Some(p) => format!("{their_host}:{p}"),
        None => their_host.to_string(),
    };
    let default_port = if their_scheme == "https" {
        ":443"
    } else {
        ":80"
    };
    let ours = host.strip_suffix(default_port).unwrap_or(host);
    theirs.eq_ignore_ascii_case(ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(pairs: &[(&'static str, &str)]) -> Source {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        source(&h)
    }

    #[test]
    fn origin_must_name_the_requested_host() {
        let host = ("host", "127.0.0.1:7878");
        assert_eq!(
            src(&[host, ("origin", "http://127.0.0.1:7878")]),
            Source::SameOrigin
        );
        for foreign in [
            "http://evil.example",
            "http://127.0.0.1:7879",
            "http://127.0.0.1",
            "null",
            "ftp://127.0.0.1:7878",
            "",
        ] {
            assert_eq!(
                src(&[host, ("origin", foreign)]),
                Source::Foreign(foreign.into()),
                "{foreign}"
            );
        }
        assert_eq!(src(&[host]), Source::Unknown);
        assert_eq!(
            src(&[("origin", "http://127.0.0.1:7878")]),
            Source::Foreign("http://127.0.0.1:7878".into()),
            "no Host: nothing to match"
        );
    }

    #[test]
    fn referer_counts_only_without_origin() {
        let host = ("host", "reelarr.lan:7878");
        assert_eq!(
            src(&[host, ("referer", "http://reelarr.lan:7878/#/movies?x=1")]),
            Source::SameOrigin
        );
        assert_eq!(
            src(&[host, ("referer", "http://evil.example/reelarr.lan:7878")]),
            Source::Foreign("http://evil.example/reelarr.lan:7878".into())
        );
        assert_eq!(
            src(&[
                host,
                ("origin", "http://evil.example"),
                ("referer", "http://reelarr.lan:7878/")
            ]),
            Source::Foreign("http://evil.example".into())
        );
    }

    #[test]
    fn proxies_and_default_ports() {
        // A TLS proxy that forwards the public host and says it is https.
        let proxied = [
            ("host", "127.0.0.1:7878"),
            ("x-forwarded-host", "Movies.Example.com, 10.0.0.1"),
            ("x-forwarded-proto", "https"),
        ];
        let with = |origin: &'static str| {
            let mut p = proxied.to_vec();
            p.push(("origin", origin));
            src(&p)
        };
        assert_eq!(with("https://movies.example.com"), Source::SameOrigin);
        assert_eq!(with("https://movies.example.com:443"), Source::SameOrigin);
        assert!(matches!(
            with("http://movies.example.com"),
            Source::Foreign(_)
        ));
        assert!(matches!(with("https://127.0.0.1:7878"), Source::Foreign(_)));
        // A proxy that forwards Host but not the scheme: either scheme is accepted.
        let host = ("host", "movies.example.com");
        assert_eq!(
            src(&[host, ("origin", "https://movies.example.com")]),
            Source::SameOrigin
        );
        assert_eq!(
            src(&[
                ("host", "movies.example.com:80"),
                ("origin", "http://movies.example.com")
            ]),
            Source::SameOrigin
        );
        assert_eq!(
            src(&[("host", "[::1]:7878"), ("origin", "http://[::1]:7878")]),
            Source::SameOrigin
        );
    }
}
