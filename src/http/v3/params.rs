//! Query parameters for the v3 API, read the way Radarr (ASP.NET) reads them: names are
//! case-insensitive (`tmdbId`, `tmdbid`), lists may repeat or be comma-separated, and every bad
//! value is a 400 `invalid_parameter` that names the parameter, never a 500 or a silent default.

use crate::http::error::ApiError;
use crate::services::library::MAX_PAGE_SIZE;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::convert::Infallible;
use warp::Filter;

/// The decoded query string of a request.
#[derive(Clone, Debug, Default)]
pub struct Params(Vec<(String, String)>);

/// Radarr's paging request after validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    pub page: u32,
    pub page_size: u32,
    pub sort_key: String,
    pub ascending: bool,
}

impl Paging {
    /// Index of the first record of the page.
    pub fn offset(&self) -> usize {
        (self.page as usize - 1) * self.page_size as usize
    }

    /// The `sortDirection` value Radarr answers with.
    pub fn direction(&self) -> &'static str {
        if self.ascending {
            "ascending"
        } else {
            "descending"
        }
    }
}

/// Extracts the raw query (never rejects; an absent query is empty).
pub fn params() -> impl Filter<Extract = (Params,), Error = Infallible> + Clone {
    warp::query::raw()
        .or(warp::any().map(String::new))
        .unify()
        .map(|q: String| Params::parse(&q))
}

fn invalid(name: &str, message: String) -> ApiError {
    ApiError::bad_request("invalid_parameter", message).with("parameter", name)
}

impl Params {
    pub fn parse(raw: &str) -> Params {
        let pairs = reqwest::Url::parse(&format!("http://x/?{raw}"))
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
        Params(pairs)
    }

    /// The same parameters without `name`.
    pub fn without(&self, name: &str) -> Params {
        Params(
            self.0
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
                .cloned()
                .collect(),
        )
    }

    /// Every value given for `name` (case-insensitive), in order.
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last non-empty value of `name` (ASP.NET treats `?x=` as absent).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.all(name)
            .into_iter()
            .map(str::trim)
            .rfind(|v| !v.is_empty())
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.text(name)
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| invalid(name, format!("{name} must be an integer, got {v:?}")))
            })
            .transpose()
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.text(name)
            .map(|v| match v.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => Err(invalid(
                    name,
                    format!("{name} must be true or false, got {v:?}"),
                )),
            })
            .transpose()
    }

    /// Every item of `name` from repeated parameters and comma-separated values.
    pub fn list(&self, name: &str) -> Vec<&str> {
        self.all(name)
            .into_iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    pub fn ints(&self, name: &str) -> Result<Vec<i64>, ApiError> {
        self.list(name)
            .into_iter()
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    invalid(
                        name,
                        format!("{name} must be a list of integers, got {v:?}"),
                    )
                })
            })
            .collect()
    }

    /// A date-time as .NET model binding accepts it: RFC 3339, a date-time without offset
    /// (taken as UTC) or a plain date (midnight UTC).
    pub fn date(&self, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.text(name)
            .map(|v| {
                parse_date(v).ok_or_else(|| {
                    invalid(
                        name,
                        format!("{name} must be a date (2024-05-31) or an RFC 3339 date-time, got {v:?}"),
                    )
                })
            })
            .transpose()
    }

    /// Radarr's paging parameters: `page` (≥ 1, default 1), `pageSize` (1..=MAX_PAGE_SIZE,
    /// default 10), `sortKey` (default `default_key`) and `sortDirection` (`ascending`,
    /// `descending` or `default`, which means `default_ascending`).
    pub fn paging(&self, default_key: &str, default_ascending: bool) -> Result<Paging, ApiError> {
        let page = match self.int("page")? {
            None => 1,
            Some(p) if p >= 1 && p <= i64::from(u32::MAX) => p as u32,
            Some(p) => return Err(invalid("page", format!("page must be 1 or more, got {p}"))),
        };
        let page_size = match self.int("pageSize")? {
            None => 10,
            Some(s) if s >= 1 && s <= i64::from(MAX_PAGE_SIZE) => s as u32,
            Some(s) => {
                return Err(invalid(
                    "pageSize",
                    format!("pageSize must be between 1 and {MAX_PAGE_SIZE}, got {s}"),
                ))
            }
        };
        let ascending = match self.text("sortDirection").map(str::to_ascii_lowercase) {
            None => default_ascending,
            Some(d) if d == "default" => default_ascending,
            Some(d) if d == "ascending" || d == "asc" => true,
            Some(d) if d == "descending" || d == "desc" => false,
            Some(d) => {
                return Err(invalid(
                    "sortDirection",
                    format!("sortDirection must be ascending, descending or default, got {d:?}"),
                ))
            }
        };
        Ok(Paging {
            page,
            page_size,
            sort_key: self.text("sortKey").unwrap_or(default_key).to_string(),
            ascending,
        })
    }
}

fn parse_date(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(d) = DateTime::parse_from_rfc3339(v) {
        return Some(d.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(v, f) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::Params;

    fn err(r: Result<impl std::fmt::Debug, crate::http::error::ApiError>) -> (String, String) {
        let e = r.unwrap_err();
        (
            e.code.to_string(),
            e.extra["parameter"].as_str().unwrap().to_string(),
        )
    }

    #[test]
    fn paging_defaults_and_limits() {
        let p = Params::parse("").paging("date", false).unwrap();
        assert_eq!(
            (p.page, p.page_size, p.sort_key.as_str(), p.ascending),
            (1, 10, "date", false)
        );
        let p = Params::parse("PAGE=2&pagesize=10000&sortDirection=ascending&sortKey=title")
            .paging("date", false)
            .unwrap();
        assert_eq!(
            (p.page, p.page_size, p.sort_key.as_str(), p.ascending),
            (2, 10_000, "title", true)
        );
        assert_eq!(p.offset(), 10_000);
        assert!(
            Params::parse("sortDirection=default")
                .paging("x", true)
                .unwrap()
                .ascending
        );
        for (q, name) in [
            ("page=0", "page"),
            ("page=-3", "page"),
            ("page=99999999999", "page"),
            ("pageSize=-1", "pageSize"),
            ("pageSize=0", "pageSize"),
            ("pageSize=10001", "pageSize"),
            ("pageSize=abc", "pageSize"),
            ("pageSize=1e3", "pageSize"),
            ("sortDirection=sideways", "sortDirection"),
        ] {
            let (code, param) = err(Params::parse(q).paging("date", false));
            assert_eq!(
                (code.as_str(), param.as_str()),
                ("invalid_parameter", name),
                "{q}"
            );
        }
    }

    #[test]
    fn values_lists_and_dates() {
        let q = Params::parse("movieIds=1,2&movieids=3&flag=TRUE&empty=&d=2024-05-31&t=2024-05-31T10:00:00Z&n=2024-05-31T10:00:00");
        assert_eq!(q.ints("movieIds").unwrap(), vec![1, 2, 3]);
        assert_eq!(q.bool("flag").unwrap(), Some(true));
        assert_eq!(q.int("empty").unwrap(), None);
        assert_eq!(
            q.date("d").unwrap().unwrap().to_rfc3339(),
            "2024-05-31T00:00:00+00:00"
        );
        assert_eq!(q.date("t").unwrap(), q.date("n").unwrap());
        assert_eq!(err(q.bool("d")).1, "d");
        assert_eq!(err(Params::parse("start=garbage").date("start")).1, "start");
        assert_eq!(err(Params::parse("ids=1,x").ints("ids")).1, "ids");
    }
}
