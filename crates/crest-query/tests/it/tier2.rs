//! Tier 2 functions with a definition to follow: `retainDimension`, `removeDimension`,
//! `normalize`, `atEpoch`, `rawif`, `linearforecast` (the decisions are in each one's module).

use crate::support::{Db, T0, at, close};

async fn db() -> Db {
    Db::new()
        .add(
            "x",
            "a",
            &[("env", "prod"), ("az", "1")],
            &[(T0, 1.0), (T0 + 60, 3.0)],
        )
        .add(
            "x",
            "b",
            &[("env", "prod"), ("az", "2")],
            &[(T0, 5.0), (T0 + 60, 5.0)],
        )
        .add("x", "c", &[("env", "dev"), ("az", "1")], &[(T0 + 30, 2.0)])
        .add(
            "y",
            "a",
            &[],
            &[(T0, 10.0), (T0 + 60, 40.0), (T0 + 120, 20.0)],
        )
        // 2 per second, with a point every 10 s
        .pts(
            "line",
            "a",
            &(0..30)
                .map(|i| (T0 + 10 * i, 2.0 * (10 * i) as f64))
                .collect::<Vec<_>>(),
        )
        .pts("cond", "a", &[(T0, 1.0), (T0 + 60, 0.0), (T0 + 90, 1.0)])
        .pts("then", "a", &[(T0, 7.0), (T0 + 30, 8.0), (T0 + 60, 9.0)])
        .load()
        .await
}

#[tokio::test]
async fn retain_dimension_keeps_only_the_named_dimensions() {
    let db = db().await;
    let got = db
        .q("retainDimension(ts(x, source=c), env)", T0, T0 + 120)
        .await;
    assert_eq!(got.len(), 1, "{got:?}");
    let s = &got[0];
    assert_eq!(s.host, None, "hosts was not named");
    assert_eq!(s.tags.len(), 1);
    assert_eq!(s.tags.get("env").map(String::as_str), Some("dev"));
    assert_eq!(s.label, "x", "the one metric the series share labels them");
    assert_eq!(s.data, vec![(T0 + 30, 2.0)]);
    // hosts and metrics name the source and the metric
    let got = db
        .q("retainDimension(ts(x), hosts, metrics, az)", T0, T0 + 120)
        .await;
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|s| s.host.is_some() && !s.tags.contains_key("env"))
    );
    assert!(got.iter().all(|s| s.tags.contains_key("az")));
}

#[tokio::test]
async fn remove_dimension_drops_the_named_dimensions_and_refuses_duplicates() {
    let db = db().await;
    let got = db.q("removeDimension(ts(x), env)", T0, T0 + 120).await;
    assert_eq!(got.len(), 3);
    assert!(
        got.iter()
            .all(|s| !s.tags.contains_key("env") && s.tags.contains_key("az"))
    );
    assert!(got.iter().all(|s| s.host.is_some()));
    let err = db
        .ask(&crate::support::req(
            "removeDimension(ts(x), hosts, az)",
            T0,
            T0 + 120,
        ))
        .await;
    // a and b are both {env=prod} without their sources and az
    let message = match err {
        Err(e) => e.to_string(),
        Ok(a) => panic!("answered {:?}", a.series),
    };
    assert!(
        message.contains("Data not unique after dropping dimension"),
        "{message}"
    );
    assert!(message.contains("env=prod"), "{message}");
}

#[tokio::test]
async fn normalize_rescales_each_series_between_its_extremes() {
    let db = db().await;
    close(
        &db.one("normalize(ts(y))", T0, T0 + 180).await,
        &at(&[(0, 0.0), (60, 1.0), (120, 1.0 / 3.0)]),
    );
    // a series of one value: 0 at each point
    close(
        &db.one("normalize(ts(x, source=b))", T0, T0 + 180).await,
        &at(&[(0, 0.0), (60, 0.0)]),
    );
}

#[tokio::test]
async fn at_epoch_is_the_value_at_that_second_or_the_last_before_it() {
    let db = db().await;
    // exact
    let q = format!("atEpoch({}, ts(y))", T0 + 60);
    assert_eq!(
        db.one(&q, T0, T0 + 3).await,
        at(&[(0, 40.0), (1, 40.0), (2, 40.0)])
    );
    // between points: the last one before, within an hour
    let q = format!("atEpoch({}, ts(y))", T0 + 119);
    assert_eq!(db.one(&q, T0, T0 + 1).await, at(&[(0, 40.0)]));
    // more than an hour after the last point: no series
    let q = format!("atEpoch({}, ts(y))", T0 + 120 + 3600);
    assert!(db.q(&q, T0, T0 + 1).await.is_empty());
    // not a whole second
    assert!(
        db.ask(&crate::support::req("atEpoch(1.5, ts(y))", T0, T0 + 1))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn rawif_answers_only_where_the_condition_and_the_branch_have_real_points() {
    let db = db().await;
    // if() interpolates: at T0+30 the condition is 0.5 (true) and `then` has its point; at
    // T0+90 `then` has no value (nothing after its last point)
    close(
        &db.one("if(ts(cond), ts(then))", T0, T0 + 120).await,
        &at(&[(0, 7.0), (30, 8.0)]),
    );
    // rawif(): T0+30 has no condition point, T0+60 is false, T0+90 has no `then` point
    close(
        &db.one("rawif(ts(cond), ts(then))", T0, T0 + 120).await,
        &at(&[(0, 7.0)]),
    );
    close(
        &db.one("rawif(ts(cond), ts(then), 100)", T0, T0 + 120).await,
        &at(&[(0, 7.0), (60, 100.0)]),
    );
}

#[tokio::test]
async fn linearforecast_extends_the_least_squares_line() {
    let db = db().await;
    // line = 2 × (t − T0): at T0+200, the last 100 s predict T0+260 = 520
    let got = db
        .one("linearforecast(60s, 100s, ts(line))", T0 + 200, T0 + 201)
        .await;
    close(&got, &at(&[(200, 520.0)]));
    // with a bare number as minutes, and a history of one point: nothing
    close(
        &db.one("linearforecast(1, 5m, ts(line))", T0 + 200, T0 + 201)
            .await,
        &at(&[(200, 520.0)]),
    );
    assert!(
        db.q("linearforecast(60s, 5s, ts(line))", T0 + 200, T0 + 201)
            .await
            .is_empty()
    );
}

async fn hists() -> Db {
    use crest_series::Granularity::Minute;
    Db::new()
        .hist(
            "lat",
            "a",
            Minute,
            T0,
            &[(1.0, 1), (2.0, 1), (3.0, 1), (4.0, 1)],
        )
        .hist("lat", "a", Minute, T0 + 60, &[(5.0, 1), (7.0, 1)])
        .load()
        .await
}

/// The answer's series by their `percentile` tag.
async fn by_item(db: &Db, q: &str) -> std::collections::BTreeMap<String, Vec<(i64, f64)>> {
    db.q(q, T0, T0 + 120)
        .await
        .into_iter()
        .map(|s| {
            assert_eq!(s.host.as_deref(), Some("a"));
            (s.tags.get("percentile").cloned().expect("tagged"), s.data)
        })
        .collect()
}

#[tokio::test]
async fn summary_gives_one_series_per_item_tagged_with_it() {
    let db = hists().await;
    let got = by_item(&db, "summary(max, 50, avg, min, 25, hs(lat.m))").await;
    let want = |a: f64, b: f64| at(&[(0, a), (60, b)]);
    assert_eq!(got.len(), 5, "{got:?}");
    assert_eq!(got["max"], want(4.0, 7.0));
    assert_eq!(got["min"], want(1.0, 5.0));
    assert_eq!(got["avg"], want(2.5, 6.0));
    // the percentile rule of percentile(): position p·(n+1)/100
    assert_eq!(got["50"], want(2.5, 6.0));
    assert_eq!(got["25"], want(1.25, 5.0));
    // the default list
    let got = by_item(&db, "summary(hs(lat.m))").await;
    let keys: Vec<&str> = got.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "25", "75", "90", "95", "99", "99.9", "avg", "max", "median", "min"
        ]
    );
    assert_eq!(got["median"], want(2.5, 6.0));
    // a bad item, and a time series instead of histograms
    for q in [
        "summary(101, hs(lat.m))",
        "summary(p, hs(lat.m))",
        "summary(50, ts(x))",
    ] {
        assert!(
            db.ask(&crate::support::req(q, T0, T0 + 120)).await.is_err(),
            "{q}"
        );
    }
}

#[tokio::test]
async fn aligned_summary_summarises_the_whole_range_as_constants() {
    let db = hists().await;
    let got = by_item(&db, "alignedSummary(max, min, median, hs(lat.m))").await;
    // 1, 2, 3, 4, 5, 7 together; constant over the chart (one value per second at g=1s)
    let flat = |v: f64| (T0..T0 + 120).map(|t| (t, v)).collect::<Vec<_>>();
    assert_eq!(got["max"], flat(7.0));
    assert_eq!(got["min"], flat(1.0));
    assert_eq!(got["median"], flat(3.5));
}
