//! `mseriescount` and `mvalues` (wql.md §2.10.5): moving counts across the series of a group.

use std::collections::BTreeMap;

use crate::support::{Db, T0};

async fn db() -> Db {
    Db::new()
        .pts("x", "a", &[(T0, 1.0), (T0 + 60, 2.0)])
        .add("x", "b", &[("env", "prod")], &[(T0 + 30, 1.0)])
        .add("x", "c", &[("env", "dev")], &[(T0 + 200, 5.0)])
        .load()
        .await
}

/// The value of the one series of `q` at `t` (`None`: no series or no point).
async fn value_at(db: &Db, q: &str, t: i64) -> Option<f64> {
    let got = db.q(q, t, t + 1).await;
    assert!(got.len() <= 1, "{q}: {got:?}");
    let s = got.into_iter().next()?;
    assert_eq!(s.data.len(), 1, "{q}: {s:?}");
    s.data.first().map(|p| p.1)
}

#[tokio::test]
async fn mseriescount_counts_the_series_reporting_in_the_window() {
    let db = db().await;
    let q = "mseriescount(1m, ts(x))";
    for (t, want) in [
        (T0, Some(1.0)),
        (T0 + 30, Some(2.0)),
        (T0 + 60, Some(2.0)),
        (T0 + 90, Some(1.0)),
        (T0 + 100, Some(1.0)),
        // the window is empty but a point is less than 2w old: 0
        (T0 + 150, Some(0.0)),
        (T0 + 200, Some(1.0)),
        // nothing for 2w: no value
        (T0 + 400, None),
    ] {
        assert_eq!(value_at(&db, q, t).await, want, "at T0+{}", t - T0);
    }
}

#[tokio::test]
async fn mvalues_counts_distinct_values_across_series() {
    let db = db().await;
    let q = "mvalues(1m, ts(x))";
    // a@T0 = 1 and b@T0+30 = 1: one value
    assert_eq!(value_at(&db, q, T0 + 30).await, Some(1.0));
    // b@T0+30 = 1 and a@T0+60 = 2
    assert_eq!(value_at(&db, q, T0 + 60).await, Some(2.0));
    // a window of 5 minutes holds 1, 2 and 5
    assert_eq!(
        value_at(&db, "mvalues(5m, ts(x))", T0 + 200).await,
        Some(3.0)
    );
    // a bare number is minutes
    assert_eq!(
        value_at(&db, "mvalues(5, ts(x))", T0 + 200).await,
        Some(3.0)
    );
    assert_eq!(value_at(&db, q, T0 + 150).await, Some(0.0));
}

#[tokio::test]
async fn grouping_gives_one_series_per_group() {
    let db = db().await;
    let got = db
        .q("mseriescount(10m, ts(x), env)", T0 + 300, T0 + 301)
        .await;
    let by_env: BTreeMap<Option<String>, (String, Vec<(i64, f64)>)> = got
        .into_iter()
        .map(|s| (s.tags.get("env").cloned(), (s.label, s.data)))
        .collect();
    let want: BTreeMap<Option<String>, (String, Vec<(i64, f64)>)> = [
        (None, ("x".to_owned(), vec![(T0 + 300, 1.0)])),
        (
            Some("dev".to_owned()),
            ("x".to_owned(), vec![(T0 + 300, 1.0)]),
        ),
        (
            Some("prod".to_owned()),
            ("x".to_owned(), vec![(T0 + 300, 1.0)]),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(by_env, want);
    // sources grouping keeps the source
    let got = db
        .q("mvalues(10m, ts(x), sources)", T0 + 300, T0 + 301)
        .await;
    let per_source: Vec<(Option<String>, Vec<(i64, f64)>)> =
        got.into_iter().map(|s| (s.host, s.data)).collect();
    assert_eq!(
        per_source,
        vec![
            (Some("a".to_owned()), vec![(T0 + 300, 2.0)]),
            (Some("b".to_owned()), vec![(T0 + 300, 1.0)]),
            (Some("c".to_owned()), vec![(T0 + 300, 1.0)]),
        ]
    );
}

#[tokio::test]
async fn bad_calls_are_named_errors() {
    let db = db().await;
    for (q, want) in [
        (
            "mvalues(5m)",
            "mvalues(): expected a time window, an expression and optional group-by keys",
        ),
        (
            "mvalues(ts(x))",
            "mvalues(): expected a time window of whole seconds",
        ),
        (
            "mseriescount(x, ts(x))",
            "mseriescount(): expected a time window",
        ),
        (
            "mseriescount(1m, ts(x), 3)",
            "mseriescount(): argument 3 must be a group-by key",
        ),
        (
            "mvalues(1m, 5)",
            "mvalues() of a continuous series is not supported yet",
        ),
    ] {
        match db.ask(&crate::support::req(q, T0, T0 + 60)).await {
            Err(crest_query::QueryError::Execution(m)) => {
                assert!(m.starts_with(want), "{q}: {m}")
            }
            other => panic!("{q}: {other:?}"),
        }
    }
}
