//! Radarr's paging envelope (`page`, `pageSize`, `sortKey`, `sortDirection`, `totalRecords`,
//! `records`), written once for every paged list (queue, wanted, history, exclusions), and the
//! in-memory sort-and-page for lists that are not paged by the store.

use super::params::Paging;
use serde_json::{json, Value};
use warp::Reply;

/// The envelope around one page of `records` out of `total`.
pub fn envelope(p: &Paging, total: u64, records: Vec<Value>) -> warp::reply::Response {
    envelope_sized(p, i64::from(p.page_size), total, records)
}

/// [`envelope`] with the `pageSize` to echo given explicitly (Overseerr's `pageSize=-1`,
/// "everything", is answered as it was asked).
pub fn envelope_sized(
    p: &Paging,
    page_size: i64,
    total: u64,
    records: Vec<Value>,
) -> warp::reply::Response {
    warp::reply::json(&json!({
        "page": p.page,
        "pageSize": page_size,
        "sortKey": p.sort_key,
        "sortDirection": p.direction(),
        "totalRecords": total,
        "records": records,
    }))
    .into_response()
}

/// Sorts JSON records by a key (numbers numerically, text case-insensitively; missing values
/// last when ascending), then applies the page. Returns the page and the total.
pub fn page_of(
    mut all: Vec<serde_json::Value>,
    p: &Paging,
    key_of: impl Fn(&serde_json::Value) -> serde_json::Value,
) -> (Vec<serde_json::Value>, usize) {
    use std::cmp::Ordering;
    all.sort_by(|a, b| {
        let (x, y) = (key_of(a), key_of(b));
        let o = match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => match (x.as_str(), y.as_str()) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                _ => x.is_null().cmp(&y.is_null()),
            },
        };
        if p.ascending {
            o
        } else {
            o.reverse()
        }
    });
    let total = all.len();
    let page = all
        .into_iter()
        .skip(p.offset())
        .take(p.page_size as usize)
        .collect();
    (page, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::v3::params::Params;

    #[test]
    fn sorts_then_pages() {
        let p = Params::parse("page=2&pageSize=2&sortKey=n&sortDirection=ascending")
            .paging("n", true)
            .unwrap();
        let all = vec![
            json!({"n": 3}),
            json!({"n": 1}),
            json!({"n": null}),
            json!({"n": 2}),
        ];
        let (page, total) = page_of(all, &p, |v| v["n"].clone());
        assert_eq!(total, 4);
        assert_eq!(page, vec![json!({"n": 3}), json!({"n": null})]);
    }

    #[tokio::test]
    async fn envelope_fields() {
        let p = Params::parse("").paging("id", true).unwrap();
        let r = envelope_sized(&p, -1, 0, vec![]);
        let body = warp::hyper::body::to_bytes(r.into_body()).await.unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            v,
            json!({"page": 1, "pageSize": -1, "sortKey": "id", "sortDirection": "ascending",
                   "totalRecords": 0, "records": []})
        );
    }
}
