//! Parser throughput: titles per second over the acceptance fixture and
//! the guessit corpus (real-world names nobody tuned the parser for).
//!
//! Run with `cargo bench --bench parser`; criterion reports the rate as
//! `thrpt: ... Kelem/s` (one element = one release title).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use reelarr::domain::parser::parse_title;

const FIXTURE: &str = include_str!("../tests/fixtures/release-titles.tsv");
const GUESSIT: &str = include_str!("../tests/fixtures/parser/guessit-movies.tsv");

fn fixture_titles() -> Vec<&'static str> {
    let rows = |text: &'static str, col: usize| {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(move |l| l.split('\t').nth(col))
    };
    rows(FIXTURE, 0).chain(rows(GUESSIT, 1)).collect()
}

fn bench_parse(c: &mut Criterion) {
    let titles = fixture_titles();
    // Warm the lazily compiled regexes outside the measurement.
    for t in &titles {
        black_box(parse_title(t));
    }
    let mut group = c.benchmark_group("parser");
    group.throughput(Throughput::Elements(titles.len() as u64));
    group.bench_function("parse_title/fixture", |b| {
        b.iter(|| {
            for t in &titles {
                black_box(parse_title(black_box(t)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
