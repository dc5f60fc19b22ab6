//! `any` and `all` (wql.md §2.10.5): whether any / every displayed bucket in the window is
//! non-zero.

use crest_query::{QueryError, Summarization};

use crate::support::{Db, T0, req};

async fn db() -> Db {
    Db::new()
        .pts(
            "a",
            "h",
            &[(T0, 0.0), (T0 + 60, 1.0), (T0 + 120, 0.0), (T0 + 180, 0.0)],
        )
        .pts("b", "h", &[(T0, 2.0), (T0 + 60, -1.0)])
        .pts("c", "h", &[(T0, 1.0), (T0 + 30, -1.0)])
        .load()
        .await
}

/// The value of the one series of `q` at `t`, one-second buckets.
async fn value_at(db: &Db, q: &str, t: i64) -> Option<f64> {
    let got = db.q(q, t, t + 1).await;
    assert!(got.len() <= 1, "{q}: {got:?}");
    got.into_iter()
        .next()
        .and_then(|s| s.data.first().map(|p| p.1))
}

#[tokio::test]
async fn any_and_all_over_one_second_buckets() {
    let db = db().await;
    for (q, t, want) in [
        ("any(2m, ts(a))", T0, Some(0.0)),
        ("any(2m, ts(a))", T0 + 60, Some(1.0)),
        ("any(2m, ts(a))", T0 + 150, Some(1.0)),
        // (T0+60, T0+180] holds 0 and 0
        ("any(2m, ts(a))", T0 + 180, Some(0.0)),
        ("all(2m, ts(a))", T0 + 60, Some(0.0)),
        ("all(1m, ts(a))", T0 + 60, Some(1.0)),
        ("all(2m, ts(b))", T0 + 60, Some(1.0)),
        ("any(2m, ts(b))", T0 + 60, Some(1.0)),
        // a window without a bucket has no value
        ("any(1m, ts(a))", T0 + 400, None),
        ("all(1m, ts(a))", T0 + 400, None),
        // a comparison's 0/1 results, as in an alert condition
        ("any(5m, ts(a) > 0.5)", T0 + 180, Some(1.0)),
        ("all(5m, ts(b) > 0)", T0 + 60, Some(0.0)),
    ] {
        assert_eq!(value_at(&db, q, t).await, want, "{q} at T0+{}", t - T0);
    }
}

#[tokio::test]
async fn buckets_are_the_displayed_ones() {
    let db = db().await;
    // c has 1 and -1 in the minute from T0: its displayed bucket is their summary
    let ask = |how: Summarization, q: &'static str| {
        let db = &db;
        async move {
            let mut r = req(q, T0, T0 + 60);
            r.granularity = 60;
            r.summarization = how;
            let a = db.ask(&r).await.unwrap();
            assert_eq!(a.series.len(), 1, "{q}");
            a.series[0].data.clone()
        }
    };
    assert_eq!(
        ask(Summarization::Mean, "any(1m, ts(c))").await,
        vec![(T0, 0.0)]
    );
    assert_eq!(
        ask(Summarization::Max, "any(1m, ts(c))").await,
        vec![(T0, 1.0)]
    );
    assert_eq!(
        ask(Summarization::Min, "all(1m, ts(c))").await,
        vec![(T0, 1.0)]
    );
    assert_eq!(
        ask(Summarization::Sum, "all(1m, ts(c))").await,
        vec![(T0, 0.0)]
    );
}

#[tokio::test]
async fn bad_calls_are_named_errors() {
    let db = db().await;
    for (q, want) in [
        ("any(ts(a))", "any(): expected a time window"),
        (
            "all(1m, ts(a), ts(b))",
            "all(): expected 2 arguments, got 3",
        ),
        (
            "any(1m, 1)",
            "any() of a continuous series is not supported yet",
        ),
    ] {
        match db.ask(&req(q, T0, T0 + 60)).await {
            Err(QueryError::Execution(m)) => assert!(m.starts_with(want), "{q}: {m}"),
            other => panic!("{q}: {other:?}"),
        }
    }
}
