//! The last Tier 2 functions through a query: `cumulativePercentile`, `cumulativeHisto`,
//! `frequencyHisto`, `haversine`, `random`, and the calendar functions in a time zone with
//! daylight saving time (the decisions are in each one's module).

use std::collections::BTreeMap;

use crate::support::{Db, T0, at, close};

/// Prometheus buckets of `lat_bucket` from sources a and b, and GCP buckets of `gcp_bucket`.
async fn db() -> Db {
    let mut db = Db::new();
    // a: 2 values up to 1, 4 more up to 2, 4 more up to 4 at T0; a minute later 4, 4, 4 and 4
    // above 4
    for (le, at_t0, at_t60) in [
        ("1", 2.0, 4.0),
        ("2", 6.0, 8.0),
        ("4", 10.0, 12.0),
        ("+Inf", 10.0, 16.0),
    ] {
        db = db.add(
            "lat_bucket",
            "a",
            &[("le", le), ("env", "prod")],
            &[(T0, at_t0), (T0 + 60, at_t60)],
        );
    }
    // b: 10 values in (2, 4] at T0
    for (le, v) in [("1", 0.0), ("2", 0.0), ("4", 10.0), ("+Inf", 10.0)] {
        db = db.add("lat_bucket", "b", &[("le", le), ("env", "dev")], &[(T0, v)]);
    }
    for (lt, v) in [("1", 2.0), ("2", 4.0), ("4", 4.0), ("+Inf", 1.0)] {
        db = db.add("gcp_bucket", "g", &[("lt", lt)], &[(T0, v)]);
    }
    db.add("no_bucket", "a", &[], &[(T0, 1.0)])
        .pts("pos.lat", "car", &[(T0, 0.0), (T0 + 60, 0.0)])
        .pts(
            "pos.long",
            "car",
            &[(T0, 0.0), (T0 + 30, 45.0), (T0 + 60, 90.0)],
        )
        .pts("x", "a", &[(T0, 1.0)])
        .pts("x", "b", &[(T0, 2.0)])
        .pts("x", "c", &[(T0, 3.0)])
        .pts("x", "d", &[(T0, 4.0)])
        .load()
        .await
}

async fn by_host(db: &Db, q: &str, start: i64, end: i64) -> BTreeMap<String, Vec<(i64, f64)>> {
    db.q(q, start, end)
        .await
        .into_iter()
        .map(|s| (s.host.unwrap_or_default(), s.data))
        .collect()
}

#[tokio::test]
async fn cumulative_percentile_interpolates_inside_the_bucket() {
    let db = db().await;
    // T0: rank 5 of 10 in (1, 2]: 1 + 3/4; T0+60: rank 8 of 16 reaches the top of (1, 2]
    close(
        &db.one(
            "cumulativePercentile(50, ts(lat_bucket, source=a))",
            T0,
            T0 + 120,
        )
        .await,
        &at(&[(0, 1.75), (60, 2.0)]),
    );
    // rank 12.8 of 16 lies in +Inf: the highest finite bound
    close(
        &db.one(
            "cumulativePercentile(80, \"le\", ts(lat_bucket, source=a))",
            T0 + 60,
            T0 + 61,
        )
        .await,
        &at(&[(60, 4.0)]),
    );
    // one group of a and b: 2, 6, 20, 20; rank 10 in (2, 4]: 2 + 2 · 4/14
    close(
        &db.one("cumulativePercentile(50, ts(lat_bucket))", T0, T0 + 1)
            .await,
        &at(&[(0, 2.0 + 8.0 / 14.0)]),
    );
    // by source: b alone is rank 5 of 10 in (2, 4]: 2 + 2 · 5/10
    let got = by_host(
        &db,
        "cumulativePercentile(50, ts(lat_bucket), sources)",
        T0,
        T0 + 1,
    )
    .await;
    close(&got["a"], &at(&[(0, 1.75)]));
    close(&got["b"], &at(&[(0, 3.0)]));
    // by env: the bucket tag is not part of the group's identity
    let got = db
        .q("cumulativePercentile(50, ts(lat_bucket), env)", T0, T0 + 1)
        .await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|s| !s.tags.contains_key("le")), "{got:?}");
    assert!(got.iter().all(|s| s.label == "lat_bucket"), "{got:?}");
}

#[tokio::test]
async fn series_without_a_bucket_tag_are_left_out_with_a_warning() {
    let db = db().await;
    let answer = db
        .ask(&crate::support::req(
            "cumulativePercentile(50, ts(no_bucket))",
            T0,
            T0 + 1,
        ))
        .await
        .unwrap();
    assert!(answer.series.is_empty(), "{:?}", answer.series);
    assert!(
        answer.warnings.iter().any(|w| w.contains("le tag")),
        "{:?}",
        answer.warnings
    );
}

#[tokio::test]
async fn cumulative_histo_makes_one_distribution_per_window() {
    let db = db().await;
    // T0: 0.5 ×2, 1.5 ×4, 3 ×4 → the 5th and 6th of 10 are 1.5; T0+60: 0.5, 1.5, 3 and 4 (the
    // +Inf bucket at the highest bound) ×4 each → ranks 8 and 9 of 16: 1.5 and 3, halfway
    close(
        &db.one(
            "percentile(50, cumulativeHisto(ts(lat_bucket, source=a)))",
            T0,
            T0 + 120,
        )
        .await,
        &at(&[(0, 1.5), (60, 2.25)]),
    );
    // a two-minute window sums both minutes' buckets: 6, 14, 22, 26 → counts 6, 8, 8, 4
    close(
        &db.one(
            "count(cumulativeHisto(2m, le, ts(lat_bucket, source=a)))",
            T0,
            T0 + 120,
        )
        .await,
        &at(&[(0, 26.0)]),
    );
    // grouped by source: b's 10 values all sit at 3
    let got = by_host(
        &db,
        "median(cumulativeHisto(1m, ts(lat_bucket), sources))",
        T0,
        T0 + 1,
    )
    .await;
    close(&got["b"], &at(&[(0, 3.0)]));
    close(&got["a"], &at(&[(0, 1.5)]));
    // the docs' shape, buckets summed by le first: 2, 6, 20, 20 → 0.5 ×2, 1.5 ×4, 3 ×14; the
    // 10th and 11th of 20 are 3
    close(
        &db.one(
            "percentile(50, cumulativeHisto(sum(ts(lat_bucket), le)))",
            T0,
            T0 + 1,
        )
        .await,
        &at(&[(0, 3.0)]),
    );
}

#[tokio::test]
async fn frequency_histo_reads_each_bucket_as_its_own_count() {
    let db = db().await;
    // 0.5 ×2, 1.5 ×4, 3 ×4, 4 ×1: 11 values; the 6th is 1.5; at 90 %, pos 10.8: 3 + 0.8 · (4 − 3)
    close(
        &db.one("count(frequencyHisto(ts(gcp_bucket)))", T0, T0 + 1)
            .await,
        &at(&[(0, 11.0)]),
    );
    close(
        &db.one("median(frequencyHisto(ts(gcp_bucket)))", T0, T0 + 1)
            .await,
        &at(&[(0, 1.5)]),
    );
    close(
        &db.one(
            "percentile(90, frequencyHisto(\"lt\", ts(gcp_bucket)))",
            T0,
            T0 + 1,
        )
        .await,
        &at(&[(0, 3.8)]),
    );
}

#[tokio::test]
async fn haversine_matches_series_and_constants() {
    let db = db().await;
    // the docs' screenshot: Palo Alto - Berlin, 4903.81
    let got = db
        .one("haversine(37.4419, 122.1430, 52.5200, 13.4050)", T0, T0 + 1)
        .await;
    assert!((got[0].1 - 4903.81).abs() < 0.005, "{got:?}");
    // along the equator from longitude 0: 0, 45 and 90 degrees are 0, π/4 and π/2 × 3963 miles
    let q = "haversine(ts(pos.lat), ts(pos.long), 0, 0)";
    let quarter = 3963.0 * std::f64::consts::FRAC_PI_2;
    close(
        &db.one(q, T0, T0 + 120).await,
        &at(&[(0, 0.0), (30, quarter / 2.0), (60, quarter)]),
    );
    let got = db.q(q, T0, T0 + 120).await;
    assert_eq!(got[0].host.as_deref(), Some("car"));
}

#[tokio::test]
async fn random_is_the_same_for_the_same_query() {
    let db = db().await;
    let one = db.q("random(2, ts(x))", T0, T0 + 1).await;
    assert_eq!(one.len(), 2);
    let again = db.q("random(2, ts(x))", T0, T0 + 1).await;
    let hosts =
        |s: &[crest_query::TimeSeries]| s.iter().map(|s| s.host.clone()).collect::<Vec<_>>();
    assert_eq!(hosts(&one), hosts(&again));
    assert_eq!(db.q("random(50%, ts(x))", T0, T0 + 1).await.len(), 2);
    assert_eq!(db.q("random(100%, ts(x))", T0, T0 + 1).await.len(), 4);
    let values = db.one("random()", T0, T0 + 100).await;
    assert_eq!(values.len(), 100);
    assert!(values.iter().all(|(_, v)| (0.0..1.0).contains(v)));
    assert_eq!(values, db.one("random()", T0, T0 + 100).await);
    // two draws of one query differ
    let diff = db.one("random() - random()", T0, T0 + 10).await;
    assert!(diff.iter().any(|(_, v)| *v != 0.0), "{diff:?}");
}

#[tokio::test]
async fn calendar_functions_follow_daylight_saving_time() {
    let db = db().await;
    // 2024-03-10T06:59:59Z is 01:59:59 EST; a second later, 03:00:00 EDT
    let t = 1_710_053_999;
    close(
        &db.one("hour(\"America/New_York\")", t, t + 2).await,
        &[(t, 7199.0 / 3600.0), (t + 1, 3.0)],
    );
    // at the points of an expression: T0 = 2023-11-14T22:14Z is 23:14 CET, 17:14 EST
    let minutes = 14.0 / 60.0;
    close(
        &db.one("hour(\"Europe/Berlin\", ts(x, source=a))", T0, T0 + 1)
            .await,
        &at(&[(0, 23.0 + minutes)]),
    );
    close(
        &db.one("hour(\"America/New_York\", ts(x, source=a))", T0, T0 + 1)
            .await,
        &at(&[(0, 17.0 + minutes)]),
    );
}
