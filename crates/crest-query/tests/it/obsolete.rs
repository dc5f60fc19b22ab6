//! Obsolete series (wql.md §2.1): a series whose newest point is older than the obsolescence
//! period before `now` is left out of `ts()`, `cs()` and `hs()` unless the request includes
//! obsolete series; the period is the request's, and the fill functions use it too.

use crest_query::{DEFAULT_OBSOLETE_AFTER, QueryRequest};
use crest_series::Granularity;

use crate::support::{Db, T0, req};

const DAY: i64 = 86_400;
/// A minute's start 40 days before T0: both series reported then.
const THEN: i64 = T0 - 40 * DAY - (T0 - 40 * DAY).rem_euclid(60);

/// `old` reported 40 days ago only; `new` then and at T0 (plain, delta and histogram series).
async fn db() -> Db {
    Db::new()
        .pts("up", "old", &[(THEN, 1.0), (THEN + 10, 2.0)])
        .pts("up", "new", &[(THEN, 3.0), (T0, 4.0)])
        .pts("\u{2206}err", "old", &[(THEN, 1.0)])
        .pts("\u{2206}err", "new", &[(THEN, 1.0), (T0, 1.0)])
        .hist("lat", "old", Granularity::Minute, THEN, &[(5.0, 1)])
        .hist("lat", "new", Granularity::Minute, THEN, &[(6.0, 1)])
        .hist("lat", "new", Granularity::Minute, T0, &[(7.0, 1)])
        .load()
        .await
}

/// `q` over the hour around THEN, asked at T0.
fn past(q: &str) -> QueryRequest {
    QueryRequest {
        now: T0,
        ..req(q, THEN - 1800, THEN + 1800)
    }
}

async fn sources(db: &Db, request: &QueryRequest) -> Vec<String> {
    let answer = db.ask(request).await.unwrap();
    answer
        .series
        .into_iter()
        .map(|s| s.host.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn series_that_stopped_reporting_are_hidden_unless_included() {
    let db = db().await;
    for q in ["ts(up)", "cs(err)", "hs(lat.m)"] {
        let hidden = past(q);
        assert_eq!(hidden.obsolete_after, DEFAULT_OBSOLETE_AFTER);
        assert_eq!(sources(&db, &hidden).await, vec!["new"], "{q}");
        let included = QueryRequest {
            include_obsolete: true,
            ..past(q)
        };
        assert_eq!(sources(&db, &included).await, vec!["new", "old"], "{q}");
    }
}

#[tokio::test]
async fn the_period_is_the_requests() {
    let db = db().await;
    let longer = QueryRequest {
        obsolete_after: 41 * DAY,
        ..past("ts(up)")
    };
    assert_eq!(sources(&db, &longer).await, vec!["new", "old"]);
    // `old`'s newest point is THEN + 10: obsolete exactly when it is before now - period.
    let edge = |obsolete_after| QueryRequest {
        obsolete_after,
        ..past("ts(up)")
    };
    assert_eq!(
        sources(&db, &edge(T0 - THEN - 10)).await,
        vec!["new", "old"]
    );
    assert_eq!(sources(&db, &edge(T0 - THEN - 11)).await, vec!["new"]);
}

#[tokio::test]
async fn a_recent_window_is_not_affected() {
    let db = db().await;
    let got = db.q("ts(up)", T0 - 60, T0 + 1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].data, vec![(T0, 4.0)]);
}

#[tokio::test]
async fn fills_without_a_window_last_the_obsolescence_period() {
    let db = Db::new()
        .pts("m", "a", &[(T0, 7.0), (T0 + 600, 9.0)])
        .load()
        .await;
    let short = QueryRequest {
        obsolete_after: 100,
        ..req("last(ts(m))", T0, T0 + 700)
    };
    let answer = db.ask(&short).await.unwrap();
    let mut want: Vec<(i64, f64)> = (0..=100).map(|dt| (T0 + dt, 7.0)).collect();
    want.extend((600..700).map(|dt| (T0 + dt, 9.0)));
    assert_eq!(answer.series[0].data, want);
    let short_default = QueryRequest {
        obsolete_after: 100,
        ..req("default(0, ts(m))", T0, T0 + 700)
    };
    let answer = db.ask(&short_default).await.unwrap();
    let filled: Vec<i64> = answer.series[0]
        .data
        .iter()
        .filter(|(_, v)| *v == 0.0)
        .map(|(t, _)| t - T0)
        .collect();
    assert_eq!(filled, (1..=100).chain(601..700).collect::<Vec<_>>());
    let by_default = db.one("last(ts(m))", T0, T0 + 700).await;
    assert_eq!(by_default.len(), 700, "28 days cover the whole window");
}

#[tokio::test]
async fn a_period_out_of_range_is_refused() {
    let db = db().await;
    for obsolete_after in [0, -5, 11 * 366 * DAY] {
        let bad = QueryRequest {
            obsolete_after,
            ..past("ts(up)")
        };
        let err = db.ask(&bad).await.expect_err("refused").to_string();
        assert!(err.contains("obsolescence period"), "{err}");
    }
}
