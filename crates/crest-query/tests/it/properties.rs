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
