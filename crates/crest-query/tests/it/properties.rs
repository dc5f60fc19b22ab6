//! Properties on random data (bounded sizes): aggregations and bucketing agree with their
//! definitions computed here.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::support::{Db, T0};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

const S: i64 = T0 - 600;
const E: i64 = T0 + 1200;

/// `n` series reporting at the same instants, values per series and instant.
fn aligned() -> impl Strategy<Value = (Vec<i64>, Vec<Vec<f64>>)> {
    (prop::collection::btree_set(0i64..600, 1..12), 1usize..5).prop_flat_map(|(ts, n)| {
        let ts: Vec<i64> = ts.into_iter().collect();
        let len = ts.len();
        (
            Just(ts),
            prop::collection::vec(prop::collection::vec(-1000i32..1000, len), n).prop_map(|vs| {
                vs.into_iter()
                    .map(|s| s.into_iter().map(|v| f64::from(v) / 4.0).collect())
                    .collect()
            }),
        )
    })
}

fn load(ts: &[i64], values: &[Vec<f64>]) -> Db {
    let mut db = Db::new();
    for (i, vs) in values.iter().enumerate() {
        let points: Vec<(i64, f64)> = ts.iter().zip(vs).map(|(t, v)| (T0 + t, *v)).collect();
        db = db.pts("x", &format!("h{i}"), &points);
    }
    block_on(db.load())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn sum_equals_rawsum_when_every_series_reports_together((ts, values) in aligned()) {
        let db = load(&ts, &values);
        let sum = block_on(db.one("sum(ts(x))", S, E));
        let raw = block_on(db.one("rawsum(ts(x))", S, E));
        prop_assert_eq!(&sum, &raw);
        let want: Vec<(i64, f64)> = ts.iter().enumerate()
            .map(|(i, t)| (T0 + t, values.iter().map(|vs| vs[i]).sum::<f64>()))
            .collect();
        prop_assert_eq!(sum, want);
    }

    #[test]
    fn count_counts_the_series((ts, values) in aligned()) {
        let db = load(&ts, &values);
        let got = block_on(db.one("count(ts(x))", S, E));
        let want: Vec<(i64, f64)> = ts.iter().map(|t| (T0 + t, values.len() as f64)).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn times_one_is_the_identity((ts, values) in aligned()) {
        let db = load(&ts, &values);
        prop_assert_eq!(block_on(db.q("ts(x) * 1", S, E)), block_on(db.q("ts(x)", S, E)));
    }

    #[test]
    fn align_sum_is_the_per_minute_sum(points in prop::collection::btree_map(0i64..900, -1000i32..1000, 1..40)) {
        let pts: Vec<(i64, f64)> = points.iter().map(|(t, v)| (T0 + t, f64::from(*v))).collect();
        let db = block_on(Db::new().pts("x", "a", &pts).load());
        let mut want: BTreeMap<i64, f64> = BTreeMap::new();
        for (t, v) in &pts {
            *want.entry(t.div_euclid(60) * 60).or_insert(0.0) += v;
        }
        let got = block_on(db.one("align(1m, sum, ts(x))", S, E));
        prop_assert_eq!(got, want.into_iter().collect::<Vec<_>>());
    }
}

/// A random query from a small grammar over every implemented function and some wrong shapes.
fn query() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("ts(x)".to_owned()),
        Just("ts(x, source=h0)".to_owned()),
        Just("ts(nothing)".to_owned()),
        Just("cs(x)".to_owned()),
        Just("hs(x.m)".to_owned()),
        (-5i32..5).prop_map(|n| n.to_string()),
        Just("0".to_owned()),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let names = prop::sample::select(vec![
            "sum",
            "avg",
            "min",
            "max",
            "count",
            "variance",
            "rawsum",
            "rawavg",
            "rawmin",
            "rawmax",
            "rawcount",
            "rawvariance",
            "rate",
            "deriv",
            "ratediff",
            "align",
            "highpass",
            "lowpass",
            "lag",
            "lead",
            "default",
            "last",
            "mavg",
            "msum",
            "mcount",
            "mmax",
            "mmin",
            "mmedian",
            "mvar",
            "missing",
            "abs",
            "ceil",
            "floor",
            "round",
            "sqrt",
            "if",
            "between",
            "exists",
            "limit",
            "topk",
            "bottomk",
            "top",
            "bottom",
            "at",
            "collect",
            "pow",
            "mod",
            "clampMax",
            "integral",
            "timestamp",
            "sample",
            "median",
            "merge",
            "percentile",
            "rawpercentile",
            "mpercentile",
            "retainSeries",
            "aliasSource",
            "taggify",
            "hour",
            "cumulativeHisto",
            "frequencyHisto",
            "cumulativePercentile",
            "haversine",
            "random",
            "nosuch",
        ]);
        let extra = prop::sample::select(vec![
            "",
            "1m, ",
            "2, ",
            "sum, ",
            "50, ",
            "1m, 1m, ",
            "\"now\", ",
            "2m, 30s, ",
            "10%, ",
        ]);
        let tail = prop::sample::select(vec![
            "",
            ", sources",
            ", inner",
            ", 1, 2",
            ", env=a",
            ", \"UTC\"",
        ]);
        prop_oneof![
            (names, extra, inner.clone(), tail).prop_map(|(n, e, a, t)| format!("{n}({e}{a}{t})")),
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", ">", "and", "or", "[<]"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (
                inner.clone(),
                prop::sample::select(vec!["gt", "lt", "orElse"]),
                inner
            )
                .prop_map(|(a, m, b)| format!("({a}).{m}({b})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the query, an answer or an error: never a panic, never a non-finite value.
    #[test]
    fn any_query_answers_or_fails_cleanly(q in query(), g in prop::sample::select(vec![1i64, 60])) {
        let db = block_on(
            Db::new()
                .pts("x", "h0", &[(T0, 1.0), (T0 + 30, 4.0), (T0 + 95, 2.0)])
                .pts("x", "h1", &[(T0 + 10, -3.0), (T0 + 70, 0.0)])
                .pts("\u{2206}x", "h0", &[(T0 + 5, 2.0)])
                .hist("x", "h0", crest_series::Granularity::Minute, T0, &[(1.0, 2), (3.0, 1)])
                .load(),
        );
        let mut r = crate::support::req(&q, T0 - 120, T0 + 240);
        r.granularity = g;
        if let Ok(answer) = block_on(db.ask(&r)) {
            for s in &answer.series {
                prop_assert!(s.data.iter().all(|(_, v)| v.is_finite()), "{q}: {s:?}");
                prop_assert!(s.data.windows(2).all(|w| w[0].0 < w[1].0), "{q}: {s:?}");
            }
        }
    }
}
