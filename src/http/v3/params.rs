//! Query parameters for the v3 API (and reelarr's own `/api/v1` routes), read the way Radarr
//! (ASP.NET) reads them: names are
//! case-insensitive (`tmdbId`, `tmdbid`), lists may repeat or be comma-separated, and every bad
//! value is a 400 `invalid_parameter` that names the parameter, never a 500 or a silent default.

use crate::http::error::ApiError;
use crate::services::library::MAX_PAGE_SIZE;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
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

    /// The non-empty value of `name`, trimmed (ASP.NET treats `?x=` as absent). A value of only
    /// blanks is a value, not an absence (`sortDirection=%20` is a 400, as the OpenAPI document,
    /// which allows exactly the empty value, says), and a parameter given twice with different
    /// values is a 400 rather than one of them silently winning.
    pub fn text(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut given = self
            .all(name)
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(str::trim);
        let first = given.next();
        if let Some(f) = first {
            if given.any(|v| v != f) {
                return Err(invalid(
                    name,
                    format!("{name} may be given only once (or with one value)"),
                ));
            }
        }
        Ok(first)
    }

    /// Whether `name` is present with a value.
    pub fn has(&self, name: &str) -> bool {
        self.all(name).iter().any(|v| !v.is_empty())
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.text(name)?
            .map(|v| {
                v.parse::<i64>()
                    .map_err(|_| invalid(name, format!("{name} must be an integer, got {v:?}")))
            })
            .transpose()
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        self.text(name)?
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

    /// A date-time in any form Radarr's clients send (see [`parse_date`]).
    pub fn date(&self, name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.text(name)?
            .map(|v| {
                parse_date(v).ok_or_else(|| {
                    invalid(
                        name,
                        format!("{name} must be a date (2024-05-31) or an ISO 8601 date-time (2024-05-31T10:00:00Z, with an offset like +0200 or +02:00, or none for UTC), got {v:?}"),
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
            Some(p) if p >= 1 && p <= i64::from(i32::MAX) => p as u32,
            Some(p) => {
                return Err(invalid(
                    "page",
                    format!("page must be between 1 and {}, got {p}", i32::MAX),
                ))
            }
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
        let ascending = match self.text("sortDirection")?.map(str::to_ascii_lowercase) {
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
            sort_key: self.text("sortKey")?.unwrap_or(default_key).to_string(),
            ascending,
        })
    }
}

/// A date-time as Radarr's clients send it (.NET model binding takes them all): ISO 8601 /
/// RFC 3339 with `T` or a space between date and time, seconds and fractions optional, and an
/// offset written `Z`, `+02`, `+0200` or `+02:00` (a `+` sent unencoded arrives as a space and
/// counts as `+`) or none (UTC); or a plain date (midnight UTC).
fn parse_date(v: &str) -> Option<DateTime<Utc>> {
    let v = v.trim();
    let (date, rest) = (v.get(..10)?, v.get(10..)?);
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let Some(rest) = rest.strip_prefix(['T', 't', ' ']).filter(|r| !r.is_empty()) else {
        return rest
            .is_empty()
            .then(|| date.and_time(NaiveTime::MIN).and_utc());
    };
    let (time, east) = split_offset(rest)?;
    let time = ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(time, f).ok())?;
    FixedOffset::east_opt(east)?
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|d| d.with_timezone(&Utc))
}

/// Splits `10:00:00.5+02:00` into the time and its offset in seconds east of UTC (0 for `Z`
/// or no offset); `None` when the offset is malformed.
fn split_offset(s: &str) -> Option<(&str, i32)> {
    if let Some(time) = s.strip_suffix(['Z', 'z']) {
        return Some((time, 0));
    }
    let Some(i) = s.rfind(['+', '-', ' ']) else {
        return Some((s, 0));
    };
    let (time, off) = (&s[..i], &s[i + 1..]);
    let digits = |t: &str| t.len() == 2 && t.bytes().all(|b| b.is_ascii_digit());
    let (h, m) = match (off.len(), off.get(..2), off.get(2..)) {
        (2, Some(h), _) => (h, "00"),
        (4, Some(h), Some(m)) => (h, m),
        (5, Some(h), Some(m)) => (h, m.strip_prefix(':')?),
        _ => return None,
    };
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let sign = if s.as_bytes()[i] == b'-' { -1 } else { 1 };
    Some((time, sign * (h * 3600 + m * 60)))
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

    #[test]
    fn dates_in_every_form_radarr_clients_send() {
        let midnight = "2026-12-07T00:00:00+00:00";
        for (raw, want) in [
            ("2026-12-07", midnight),
            ("2026-12-07T00:00:00Z", midnight),
            ("2026-12-07T00:00:00.000Z", midnight),
            ("2026-12-07T00:00:00.0000000Z", midnight),
            ("2026-12-07T00:00:00%2B0000", midnight),
            ("2026-12-07T00:00:00+0000", midnight),
            ("2026-12-07T00:00:00%2B00:00", midnight),
            ("2026-12-07T00:00:00+00:00", midnight),
            ("2026-12-07T00:00:00", midnight),
            ("2026-12-07t00:00z", midnight),
            ("2026-12-07%2000:00:00", midnight),
            (
                "2026-12-07T02:00:00.5%2B0200",
                "2026-12-07T00:00:00.500+00:00",
            ),
            ("2026-12-06T19:00:00-05:00", midnight),
            ("2026-12-06T19:00:00-05", midnight),
            ("2026-12-06T19:00:00.000-0500", midnight),
        ] {
            let got = Params::parse(&format!("start={raw}")).date("start");
            let got = got.unwrap_or_else(|e| panic!("{raw}: {e:?}")).unwrap();
            assert_eq!(
                got.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
                want,
                "{raw}"
            );
        }
        for raw in [
            "2026-12-07T00:00:00+24:00",
            "2026-12-07T00:00:00+0",
            "2026-12-07T00:00:00+00:0a",
            "2026-12-07T25:00:00Z",
            "2026-13-07",
            "2026-12-07T",
            "2026-12-07X00:00",
            "07/12/2026",
            "2026-12-07T00:00:00+00:00:00",
            "é026-12-07T00:00:00Z",
            "tomorrow",
        ] {
            let q = Params::parse(&format!("end={raw}"));
            assert_eq!(
                err(q.date("end")),
                ("invalid_parameter".into(), "end".into()),
                "{raw}"
            );
        }
    }
}
