//! The chart's options: bucket width and summarization, `p`, `strict`, `i`; and grouping forms.

use crest_query::Summarization;

use crate::support::{Db, T0, req};

#[tokio::test]
async fn every_summarization_over_one_minute_buckets() {
    let db = Db::new()
        .pts(
            "m",
            "a",
            &[
                (T0, 4.0),
                (T0 + 10, 1.0),
                (T0 + 20, 3.0),
                (T0 + 30, 2.0),
                (T0 + 60, 7.0),
            ],
        )
        .load()
        .await;
    for (how, want) in [
        (Summarization::Mean, 2.5),
        (Summarization::Median, 2.5),
        (Summarization::Min, 1.0),
        (Summarization::Max, 4.0),
        (Summarization::Sum, 10.0),
        (Summarization::Count, 4.0),
        (Summarization::First, 4.0),
        (Summarization::Last, 2.0),
    ] {
        let mut r = req("ts(m)", T0, T0 + 120);
        r.granularity = 60;
        r.summarization = how;
        let got = db.ask(&r).await.unwrap().series;
        let second = if how == Summarization::Count {
            1.0
        } else {
            7.0
        };
        assert_eq!(got[0].data, vec![(T0, want), (T0 + 60, second)], "{how:?}");
    }
}

#[tokio::test]
async fn max_points_widens_the_buckets() {
    let pts: Vec<(i64, f64)> = (0..8).map(|k| (T0 + 60 * k, k as f64)).collect();
    let db = Db::new().pts("m", "a", &pts).load().await;
    let mut r = req("ts(m)", T0, T0 + 480);
    r.granularity = 60;
    r.max_points = Some(4);
    let got = db.ask(&r).await.unwrap().series;
    // T0 is a multiple of 120, so 2-minute buckets start at T0
    assert_eq!(
        got[0].data,
        vec![(T0, 0.5), (T0 + 120, 2.5), (T0 + 240, 4.5), (T0 + 360, 6.5)]
    );
}

#[tokio::test]
async fn strict_drops_what_lies_before_the_window() {
    let db = Db::new()
        .pts("m", "a", &[(T0 + 10, 1.0), (T0 + 40, 3.0), (T0 + 70, 5.0)])
        .load()
        .await;
    let mut r = req("ts(m)", T0 + 30, T0 + 120);
    r.granularity = 60;
    // not strict: the first bucket is whole (from T0)
    assert_eq!(
        db.ask(&r).await.unwrap().series[0].data,
        vec![(T0, 2.0), (T0 + 60, 5.0)]
    );
    r.strict = true;
    assert_eq!(
        db.ask(&r).await.unwrap().series[0].data,
        vec![(T0 + 60, 5.0)]
    );
}

#[tokio::test]
async fn include_empty_keeps_series_without_points_in_the_window() {
    let db = Db::new()
        .pts("m", "a", &[(T0 - 100, 1.0)])
        .pts("m", "b", &[(T0 + 10, 2.0)])
        .load()
        .await;
    let mut r = req("ts(m)", T0, T0 + 60);
    let hosts = |a: crest_query::QueryAnswer| -> Vec<(Option<String>, usize)> {
        a.series
            .into_iter()
            .map(|s| (s.host, s.data.len()))
            .collect()
    };
    assert_eq!(
        hosts(db.ask(&r).await.unwrap()),
        vec![(Some("b".into()), 1)]
    );
    r.include_empty = true;
    assert_eq!(
        hosts(db.ask(&r).await.unwrap()),
        vec![(Some("a".into()), 0), (Some("b".into()), 1)]
    );
}

#[tokio::test]
async fn grouping_forms() {
    let db = Db::new()
        .add("m", "h1", &[("az", "a"), ("env", "prod")], &[(T0, 1.0)])
        .add("m", "h2", &[("az", "a"), ("env", "dev")], &[(T0, 2.0)])
        .add("m", "h3", &[("az", "b"), ("env", "prod")], &[(T0, 4.0)])
        .add("n", "h1", &[("az", "b")], &[(T0, 8.0)])
        .load()
        .await;
    let (s, e) = (T0 - 60, T0 + 60);
    let shape = |v: Vec<crest_query::TimeSeries>| -> Vec<(String, Option<String>, Vec<(String, String)>, f64)> {
        v.into_iter()
            .map(|s| (s.label, s.host, s.tags.into_iter().collect(), s.data[0].1))
            .collect()
    };
    let t = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    assert_eq!(
        shape(db.q("sum(ts(m or n) by (az))", s, e).await),
        vec![
            ("m".into(), None, vec![t("az", "a")], 3.0),
            ("sum".into(), None, vec![t("az", "b")], 12.0)
        ]
    );
    assert_eq!(
        shape(db.q("sum(ts(m or n), metrics)", s, e).await),
        vec![
            ("m".into(), None, vec![], 7.0),
            ("n".into(), None, vec![], 8.0)
        ]
    );
    assert_eq!(
        shape(db.q("sum(ts(m), az, env)", s, e).await),
        vec![
            ("m".into(), None, vec![t("az", "a"), t("env", "dev")], 2.0),
            ("m".into(), None, vec![t("az", "a"), t("env", "prod")], 1.0),
            ("m".into(), None, vec![t("az", "b"), t("env", "prod")], 4.0)
        ]
    );
    assert_eq!(
        shape(db.q("sum(ts(m) without (az, sources))", s, e).await),
        vec![
            ("m".into(), None, vec![t("env", "dev")], 2.0),
            ("m".into(), None, vec![t("env", "prod")], 5.0)
        ]
    );
    assert_eq!(shape(db.q("count(ts(m), pointTags)", s, e).await).len(), 3);
    // a series without the key forms the group without it
    assert_eq!(
        shape(db.q("max(ts(m or n), env)", s, e).await),
        vec![
            ("m".into(), None, vec![t("env", "dev")], 2.0),
            ("m".into(), None, vec![t("env", "prod")], 4.0),
            ("n".into(), None, vec![], 8.0)
        ]
    );
}

#[tokio::test]
async fn warnings_name_unmatched_series() {
    let db = Db::new()
        .pts("a", "h1", &[(T0, 1.0)])
        .pts("a", "h2", &[(T0, 1.0)])
        .pts("b", "h1", &[(T0, 1.0)])
        .pts("b", "h3", &[(T0, 1.0)])
        .load()
        .await;
    let answer = db
        .ask(&req("ts(a) + ts(b)", T0 - 60, T0 + 60))
        .await
        .unwrap();
    assert_eq!(answer.series.len(), 1);
    assert_eq!(
        answer.warnings,
        vec!["2 series were not included in all queries".to_owned()]
    );
    assert_eq!(answer.stats.series, 4);
    assert_eq!(answer.stats.points, 4);
}

#[tokio::test]
async fn regex_filters_match_whole_values() {
    let db = Db::new()
        .pts("cpu.user", "app-1", &[(T0, 1.0)])
        .pts("cpu.user", "app-12", &[(T0, 1.0)])
        .pts("cpu.user", "my-app-3", &[(T0, 1.0)])
        .pts("cpu.system", "app-1", &[(T0, 1.0)])
        .load()
        .await;
    let hosts = |v: Vec<crest_query::TimeSeries>| -> Vec<(String, String)> {
        v.into_iter()
            .map(|s| (s.label, s.host.unwrap_or_default()))
            .collect()
    };
    assert_eq!(
        hosts(
            db.q("ts(cpu.user, source=/app-[0-9]+/)", T0 - 60, T0 + 60)
                .await
        ),
        vec![
            ("cpu.user".into(), "app-1".into()),
            ("cpu.user".into(), "app-12".into())
        ]
    );
    assert_eq!(
        hosts(
            db.q("ts(/cpu\\.(user|system)/, source=app-1)", T0 - 60, T0 + 60)
                .await
        ),
        vec![
            ("cpu.system".into(), "app-1".into()),
            ("cpu.user".into(), "app-1".into())
        ]
    );
}

/// `n_a` series at (T0, 0) and (T0+60, 60), `n_b` at (T0+30, 100) and (T0+90, 100): interpolating
/// between them and aligning to the minute first give different sums.
async fn staggered(n_a: usize, n_b: usize) -> Db {
    let mut db = Db::new();
    for i in 0..n_a {
        db = db.pts("m", &format!("a{i}"), &[(T0, 0.0), (T0 + 60, 60.0)]);
    }
    for i in 0..n_b {
        db = db.pts("m", &format!("b{i}"), &[(T0 + 30, 100.0), (T0 + 90, 100.0)]);
    }
    db.load().await
}

#[tokio::test]
async fn an_aggregation_over_more_than_100_series_is_pre_aligned_to_the_bucket() {
    let db = staggered(51, 50).await;
    let mut r = req("sum(ts(m))", T0, T0 + 120);
    r.granularity = 60;
    let answer = db.ask(&r).await.unwrap();
    // each series averaged per minute first: a = 0 then 60, b = 100 then 100
    assert_eq!(
        answer.series[0].data,
        vec![(T0, 5000.0), (T0 + 60, 51.0 * 60.0 + 5000.0)]
    );
    assert_eq!(
        answer.warnings,
        vec![
            "The expression: ts(m) has been pre-aligned, making it equivalent to align(60s, mean, ts(m)) in order to improve the performance of the sum() aggregation operation. You can wrap the expression with align() to explicitly state the periodicity and desired summarization strategy."
        ]
    );
    // the chart's summarization is the method (and then counts the one summed point per bucket)
    r.summarization = Summarization::Count;
    let answer = db.ask(&r).await.unwrap();
    assert_eq!(answer.series[0].data, vec![(T0, 1.0), (T0 + 60, 1.0)]);
    assert!(answer.warnings[0].contains("align(60s, count, ts(m))"));
    // an input written as align() is taken as it is, without a warning
    r.query = "sum(align(1m, ts(m)))".to_owned();
    r.summarization = Summarization::Mean;
    let answer = db.ask(&r).await.unwrap();
    assert!(answer.warnings.is_empty(), "{:?}", answer.warnings);
    assert_eq!(answer.series[0].data[0], (T0, 5000.0));
}

#[tokio::test]
async fn an_aggregation_over_100_series_interpolates_without_pre_alignment() {
    let db = staggered(50, 50).await;
    let mut r = req("sum(ts(m))", T0, T0 + 120);
    r.granularity = 60;
    let answer = db.ask(&r).await.unwrap();
    assert!(answer.warnings.is_empty(), "{:?}", answer.warnings);
    // instants T0 (a only: 0) and T0+30 (a interpolated to 30, b 100), averaged in the bucket
    assert_eq!(
        answer.series[0].data[0],
        (T0, (0.0 + 50.0 * 30.0 + 50.0 * 100.0) / 2.0)
    );
    // at one-second granularity nothing is pre-aligned, whatever the count
    let db = staggered(51, 50).await;
    let answer = db.ask(&req("sum(ts(m))", T0, T0 + 120)).await.unwrap();
    assert!(answer.warnings.is_empty(), "{:?}", answer.warnings);
}

#[tokio::test]
async fn a_large_pre_aligned_aggregation_equals_the_explicit_alignment() {
    // 300 series x 1,000 points at 10 s: large enough for the passes to run on several threads
    let mut db = Db::new();
    for i in 0..300i64 {
        let points: Vec<(i64, f64)> = (0..1000i64)
            .map(|j| (T0 + j * 10 + i % 7, ((i * 31 + j * 17) % 101) as f64 * 0.25))
            .collect();
        db = db.pts("m", &format!("h{i:03}"), &points);
    }
    let db = db.load().await;
    for how in [Summarization::Mean, Summarization::Max, Summarization::Last] {
        let mut r = req("sum(ts(m))", T0, T0 + 10_000);
        r.granularity = 60;
        r.summarization = how;
        let implicit = db.ask(&r).await.unwrap();
        assert_eq!(implicit.warnings.len(), 1, "{how:?}");
        r.query = format!("sum(align(60s, {}, ts(m)))", how.name());
        let explicit = db.ask(&r).await.unwrap();
        assert!(explicit.warnings.is_empty());
        assert_eq!(implicit.series[0].data, explicit.series[0].data, "{how:?}");
        assert_eq!(implicit.series[0].data.len(), 167);
    }
}
