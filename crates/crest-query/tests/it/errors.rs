//! The errors clients see: syntax with its position, unknown or unsupported functions named,
//! limits, cancellation.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crest_query::{QueryError, QueryLimits};

use crate::support::{Db, T0, req};

#[tokio::test]
async fn syntax_errors_give_the_position() {
    let db = Db::new().load().await;
    for bad in ["ts(", "sum(ts(x)", "ts(x) == ts(y)"] {
        match db.ask(&req(bad, T0, T0 + 60)).await {
            Err(QueryError::Syntax(m)) => assert!(m.contains("position"), "{bad}: {m}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn unknown_and_unsupported_functions_are_named() {
    let db = Db::new().load().await;
    match db.ask(&req("nosuchfunction(ts(x))", T0, T0 + 60)).await {
        Err(QueryError::Execution(m)) => assert_eq!(m, "Unknown function: nosuchfunction()"),
        other => panic!("{other:?}"),
    }
    for (q, name) in [("hw(1d, ts(x), 0.5, 0.5)", "hw"), ("apdex(ts(x))", "apdex")] {
        match db.ask(&req(q, T0, T0 + 60)).await {
            Err(QueryError::Execution(m)) => {
                assert_eq!(m, format!("{name}() is not supported yet"))
            }
            other => panic!("{q}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn ts_of_everything_is_refused() {
    let db = Db::new().load().await;
    match db.ask(&req("ts(*)", T0, T0 + 60)).await {
        Err(QueryError::Execution(m)) => assert_eq!(m, "Include at least one filter in any query"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn limits_stop_the_query() {
    let db = Db::new()
        .pts("m", "a", &[(T0, 1.0), (T0 + 1, 1.0)])
        .pts("m", "b", &[(T0, 1.0), (T0 + 1, 1.0)])
        .pts("m", "c", &[(T0, 1.0), (T0 + 1, 1.0)])
        .load()
        .await;
    let few_series = QueryLimits {
        max_series: 2,
        max_points: 1000,
    };
    match db
        .ask_limited(&req("ts(m)", T0, T0 + 60), &few_series)
        .await
    {
        Err(e @ QueryError::Limit(_)) => assert_eq!(
            e.to_string(),
            "Terminating Query to save resources: the query selects more series than the limit of 2"
        ),
        other => panic!("{other:?}"),
    }
    let few_points = QueryLimits {
        max_series: 100,
        max_points: 5,
    };
    match db
        .ask_limited(&req("ts(m)", T0, T0 + 60), &few_points)
        .await
    {
        Err(e @ QueryError::Limit(_)) => assert_eq!(
            e.to_string(),
            "Terminating Query to save resources: the query selects more points than the limit of 5"
        ),
        other => panic!("{other:?}"),
    }
    // two reads share the budget
    let four = QueryLimits {
        max_series: 4,
        max_points: 1000,
    };
    assert!(matches!(
        db.ask_limited(
            &req("ts(m) + ts(m, source=a or source=b)", T0, T0 + 60),
            &four
        )
        .await,
        Err(QueryError::Limit(_))
    ));
    assert_eq!(
        db.ask_limited(&req("ts(m)", T0, T0 + 60), &four)
            .await
            .unwrap()
            .stats
            .series,
        3
    );
}

#[tokio::test]
async fn a_cancelled_query_stops() {
    let db = Db::new().pts("m", "a", &[(T0, 1.0)]).load().await;
    let cancel = Arc::new(AtomicBool::new(true));
    let got = crest_query::run(
        &req("ts(m)", T0, T0 + 60),
        &db.series,
        &db.tags,
        &db.events,
        &QueryLimits::default(),
        &cancel,
    )
    .await;
    assert!(matches!(got, Err(QueryError::Cancelled)), "{got:?}");
}

/// The HTTP layer awaits `run` inside handlers that must be `Send`.
#[tokio::test]
async fn the_query_future_is_send() {
    fn send<F: std::future::Future + Send>(f: F) -> F {
        f
    }
    let db = Db::new().pts("m", "a", &[(T0, 1.0)]).load().await;
    let cancel = Arc::new(AtomicBool::new(false));
    let got = send(crest_query::run(
        &req("sum(ts(m))", T0, T0 + 60),
        &db.series,
        &db.tags,
        &db.events,
        &QueryLimits::default(),
        &cancel,
    ))
    .await
    .unwrap();
    assert_eq!(got.series[0].data, vec![(T0, 1.0)]);
}

#[tokio::test]
async fn out_of_range_windows_are_refused() {
    let db = Db::new().load().await;
    for (s, e, g) in [
        (T0, T0, 1),
        (T0, T0 + 60, 0),
        (i64::MIN, T0, 1),
        (T0, i64::MAX, 60),
    ] {
        let mut r = req("ts(m)", s, e);
        r.granularity = g;
        assert!(
            matches!(db.ask(&r).await, Err(QueryError::Execution(_))),
            "{s} {e} {g}"
        );
    }
}
