//! The query cases of conformance/test_query.py, transcribed: the same data and expectations,
//! asked through `run` instead of the REST client (window `[T0-600, T0+1200)`, `g=s` unless the
//! case says otherwise).

use std::collections::BTreeMap;

use crest_query::{QueryError, Summarization, TimeSeries};
use crest_series::Granularity;

use crate::support::{Db, close, req};

/// Hour-aligned, well behind the live edge.
const T0: i64 = 1_700_002_800;
const S: i64 = T0 - 600;
const E: i64 = T0 + 1200;

/// The suite's `query()`: `{(host, tags, label): {t: v}}`, refusing two series with one identity.
fn keyed(
    series: Vec<TimeSeries>,
) -> BTreeMap<(Option<String>, Vec<(String, String)>, String), Vec<(i64, f64)>> {
    let mut out = BTreeMap::new();
    for s in series {
        let key = (s.host, s.tags.into_iter().collect::<Vec<_>>(), s.label);
        assert!(
            out.insert(key.clone(), s.data).is_none(),
            "two series with one identity: {key:?}"
        );
    }
    out
}

async fn ask(
    db: &Db,
    q: &str,
) -> BTreeMap<(Option<String>, Vec<(String, String)>, String), Vec<(i64, f64)>> {
    let mut r = req(q, S, E);
    r.now = T0 + 3 * 3600;
    match db.ask(&r).await {
        Ok(a) => keyed(a.series),
        Err(e) => panic!("{q}: {e}"),
    }
}

fn hosts(
    got: &BTreeMap<(Option<String>, Vec<(String, String)>, String), Vec<(i64, f64)>>,
) -> Vec<String> {
    got.keys().filter_map(|k| k.0.clone()).collect()
}

#[tokio::test]
async fn test_rate_and_deriv() {
    let db = Db::new()
        .pts("rate.up", "a", &[(T0, 105_500.0), (T0 + 30, 105_750.0)])
        .pts("rate.down", "a", &[(T0, 105_750.0), (T0 + 30, 105_250.0)])
        .load()
        .await;
    close(
        &db.one("rate(ts(rate.up))", S, E).await,
        &[(T0 + 30, 250.0 / 30.0)],
    );
    close(
        &db.one("deriv(ts(rate.down))", S, E).await,
        &[(T0 + 30, -500.0 / 30.0)],
    );
    assert!(
        ask(&db, "rate(ts(rate.down))")
            .await
            .values()
            .all(Vec::is_empty)
    );
}

#[tokio::test]
async fn test_sum_interpolates_and_the_raw_aggregates_do_not() {
    let db = Db::new()
        .pts(
            "interp",
            "h1",
            &[(T0, 100.0), (T0 + 60, 110.0), (T0 + 120, 120.0)],
        )
        .pts("interp", "h2", &[(T0, 10.0), (T0 + 120, 30.0)])
        .load()
        .await;
    assert_eq!(ask(&db, "ts(interp)").await.len(), 2);
    for (f, want) in [
        ("sum", [110.0, 130.0, 150.0]),
        ("rawsum", [110.0, 110.0, 150.0]),
        ("count", [2.0, 2.0, 2.0]),
        ("rawcount", [2.0, 1.0, 2.0]),
        ("avg", [55.0, 65.0, 75.0]),
        ("rawavg", [55.0, 110.0, 75.0]),
    ] {
        let got = db.one(&format!("{f}(ts(interp))"), S, E).await;
        close(
            &got,
            &[(T0, want[0]), (T0 + 60, want[1]), (T0 + 120, want[2])],
        );
    }
}

#[tokio::test]
async fn test_a_gap_where_nothing_reports_stays_a_gap() {
    let db = Db::new()
        .pts("gap", "h1", &[(T0, 1.0), (T0 + 600, 1.0)])
        .pts("gap", "h2", &[(T0, 2.0), (T0 + 600, 2.0)])
        .load()
        .await;
    assert_eq!(
        db.one("sum(ts(gap))", S, E).await,
        vec![(T0, 3.0), (T0 + 600, 3.0)]
    );
}

#[tokio::test]
async fn test_percentile_across_series() {
    let mut db = Db::new();
    for v in [1.0, 2.0, 3.0, 4.0] {
        db = db.pts("pct", &format!("s{v}"), &[(T0, v)]);
    }
    let db = db.load().await;
    assert_eq!(ask(&db, "ts(pct)").await.len(), 4);
    for (p, want) in [(50, 2.5), (75, 3.75), (40, 2.0), (10, 1.0), (100, 4.0)] {
        close(
            &db.one(&format!("percentile({p}, ts(pct))"), S, E).await,
            &[(T0, want)],
        );
    }
}

#[tokio::test]
async fn test_delta_counters_are_summed_per_minute_and_read_with_cs() {
    let d0 = T0 + 7200;
    let db = Db::new()
        .pts(
            "\u{2206}delta",
            "a",
            &[
                (d0 + 5, 2.0),
                (d0 + 40, 3.0),
                (d0 + 61, 17.0),
                (d0 + 130, 8.0),
            ],
        )
        .load()
        .await;
    let mut r = req("cs(delta)", d0 - 300, d0 + 240);
    r.now = d0 + 600;
    let got = db.ask(&r).await.unwrap().series;
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].data,
        vec![(d0, 5.0), (d0 + 60, 17.0), (d0 + 120, 8.0)]
    );
}

#[tokio::test]
async fn test_series_matching_and_constants() {
    let db = Db::new()
        .pts("left", "a", &[(T0, 1.0)])
        .pts("left", "b", &[(T0, 2.0)])
        .pts("left", "c", &[(T0, 3.0)])
        .pts("right", "b", &[(T0, 10.0)])
        .pts("right", "c", &[(T0, 20.0)])
        .pts("right", "d", &[(T0, 30.0)])
        .pts("single", "d", &[(T0, 2.0)])
        .load()
        .await;
    let by_host =
        |m: BTreeMap<(Option<String>, Vec<(String, String)>, String), Vec<(i64, f64)>>| {
            m.into_iter()
                .map(|(k, v)| (k.0.unwrap_or_default(), v))
                .collect::<Vec<_>>()
        };
    assert_eq!(
        by_host(ask(&db, "ts(left) * ts(right)").await),
        vec![
            ("b".into(), vec![(T0, 20.0)]),
            ("c".into(), vec![(T0, 60.0)])
        ]
    );
    let got = by_host(ask(&db, "ts(left) / 0.5k").await);
    assert_eq!(got.len(), 3);
    for ((h, data), (wh, wv)) in got.iter().zip([("a", 0.002), ("b", 0.004), ("c", 0.006)]) {
        assert_eq!(h, wh);
        close(data, &[(T0, wv)]);
    }
    assert_eq!(
        by_host(ask(&db, "ts(single, source=d) * ts(left)").await),
        vec![
            ("a".into(), vec![(T0, 2.0)]),
            ("b".into(), vec![(T0, 4.0)]),
            ("c".into(), vec![(T0, 6.0)])
        ]
    );
}

#[tokio::test]
async fn test_comparisons_return_one_or_zero_and_filters_drop_points() {
    let pts: Vec<(i64, f64)> = [9.0, 9.0, 9.0, 3.0, 9.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (T0 + 60 * i as i64, *v))
        .collect();
    let db = Db::new().pts("cmp", "a", &pts).load().await;
    let ones: Vec<(i64, f64)> = [1.0, 1.0, 1.0, 0.0, 1.0]
        .iter()
        .enumerate()
        .map(|(i, v)| (T0 + 60 * i as i64, *v))
        .collect();
    assert_eq!(db.one("ts(cmp) > 4", S, E).await, ones);
    let nines: Vec<(i64, f64)> = [0, 1, 2, 4].iter().map(|i| (T0 + 60 * i, 9.0)).collect();
    assert_eq!(db.one("highpass(3, ts(cmp))", S, E).await, nines);
    assert!(
        ask(&db, "lowpass(3, ts(cmp))")
            .await
            .values()
            .all(Vec::is_empty)
    );
}

#[tokio::test]
async fn test_align_buckets_with_each_summary() {
    let db = Db::new()
        .pts(
            "align",
            "a",
            &[(T0, 1.0), (T0 + 30, 2.0), (T0 + 59, 3.0), (T0 + 60, 4.0)],
        )
        .load()
        .await;
    assert_eq!(db.one("ts(align)", S, E).await.len(), 4);
    for (method, want) in [
        ("sum", (6.0, 4.0)),
        ("mean", (2.0, 4.0)),
        ("count", (3.0, 1.0)),
        ("first", (1.0, 4.0)),
        ("last", (3.0, 4.0)),
        ("min", (1.0, 4.0)),
        ("max", (3.0, 4.0)),
        ("median", (2.0, 4.0)),
    ] {
        assert_eq!(
            db.one(&format!("align(1m, {method}, ts(align))"), S, E)
                .await,
            vec![(T0, want.0), (T0 + 60, want.1)],
            "{method}"
        );
    }
}

#[tokio::test]
async fn test_filters_wildcards_point_tags_and_source_tags() {
    let db = Db::new()
        .add("flt.cpu.user", "web-1", &[("env", "prod")], &[(T0, 1.0)])
        .add("flt.cpu.user", "web-2", &[("env", "dev")], &[(T0, 2.0)])
        .add("flt.cpu.system", "db-7", &[("env", "prod")], &[(T0, 3.0)])
        .add("flt.mem.used", "web-1", &[("env", "prod")], &[(T0, 4.0)])
        .tag("database", &["db-7"])
        .load()
        .await;
    assert_eq!(ask(&db, "ts(flt.*)").await.len(), 4);
    assert_eq!(ask(&db, "ts(flt.cpu.*)").await.len(), 3);
    assert_eq!(
        hosts(&ask(&db, "ts(flt.cpu.*, source=web-*)").await),
        ["web-1", "web-2"]
    );
    let mut prod = hosts(&ask(&db, "ts(flt.cpu.*, env=prod)").await);
    prod.sort();
    assert_eq!(prod, ["db-7", "web-1"]);
    assert_eq!(
        hosts(&ask(&db, "ts(flt.cpu.*, not env=prod)").await),
        ["web-2"]
    );
    let both = ask(&db, "ts(flt.cpu.user or flt.mem.used, source=web-1)").await;
    assert_eq!(both.len(), 2);
    assert!(both.keys().all(|k| k.0.as_deref() == Some("web-1")));
    assert_eq!(
        hosts(&ask(&db, "ts(flt.cpu.*, tag=database)").await),
        ["db-7"]
    );
}

#[tokio::test]
async fn test_group_by_a_point_tag_and_by_sources() {
    let db = Db::new()
        .add("grp", "h1", &[("az", "a")], &[(T0, 1.0)])
        .add("grp", "h2", &[("az", "a")], &[(T0, 2.0)])
        .add("grp", "h3", &[("az", "b")], &[(T0, 4.0)])
        .load()
        .await;
    assert_eq!(ask(&db, "ts(grp)").await.len(), 3);
    let got: Vec<(Vec<(String, String)>, Option<String>, Vec<(i64, f64)>)> =
        ask(&db, "sum(ts(grp), az)")
            .await
            .into_iter()
            .map(|(k, v)| (k.1, k.0, v))
            .collect();
    assert_eq!(
        got,
        vec![
            (vec![("az".into(), "a".into())], None, vec![(T0, 3.0)]),
            (vec![("az".into(), "b".into())], None, vec![(T0, 4.0)])
        ]
    );
    let got: Vec<(Option<String>, Vec<(String, String)>, Vec<(i64, f64)>)> =
        ask(&db, "max(ts(grp), sources)")
            .await
            .into_iter()
            .map(|(k, v)| (k.0, k.1, v))
            .collect();
    assert_eq!(
        got,
        vec![
            (Some("h1".into()), vec![], vec![(T0, 1.0)]),
            (Some("h2".into()), vec![], vec![(T0, 2.0)]),
            (Some("h3".into()), vec![], vec![(T0, 4.0)])
        ]
    );
}

#[tokio::test]
async fn test_histograms_ingested_as_distributions() {
    let db = Db::new()
        .hist(
            "hist",
            "app-1",
            Granularity::Minute,
            T0,
            &[(30.0, 20), (5.1, 10)],
        )
        .load()
        .await;
    assert_eq!(db.one("max(hs(hist.m))", S, E).await, vec![(T0, 30.0)]);
    assert_eq!(db.one("count(hs(hist.m))", S, E).await, vec![(T0, 30.0)]);
    assert_eq!(db.one("min(hs(hist.m))", S, E).await, vec![(T0, 5.1)]);
}

#[tokio::test]
async fn test_chart_granularity_buckets_with_the_summarization() {
    let db = Db::new()
        .pts(
            "gran",
            "a",
            &[(T0, 1.0), (T0 + 20, 2.0), (T0 + 40, 6.0), (T0 + 70, 10.0)],
        )
        .load()
        .await;
    assert_eq!(db.one("ts(gran)", S, E).await.len(), 4);
    for (how, want) in [
        (Summarization::Mean, [3.0, 10.0]),
        (Summarization::Max, [6.0, 10.0]),
        (Summarization::Sum, [9.0, 10.0]),
    ] {
        let mut r = req("ts(gran)", S, E);
        r.granularity = 60;
        r.summarization = how;
        let got = db.ask(&r).await.unwrap().series;
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].data,
            vec![(T0, want[0]), (T0 + 60, want[1])],
            "{how:?}"
        );
    }
}

#[tokio::test]
async fn test_syntax_errors_are_reported_not_crashed() {
    let db = Db::new().load().await;
    for bad in [
        "ts(",
        "sum(ts(x)",
        "ts(x) == ts(y)",
        "nosuchfunction(ts(x))",
    ] {
        let mut r = req(bad, T0, T0 + 3600);
        r.granularity = 60;
        match db.ask(&r).await {
            Err(QueryError::Syntax(m) | QueryError::Execution(m)) => {
                assert!(!m.is_empty(), "{bad}")
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    let mut r = req("ts(\"no.such.metric.at.all\")", T0, T0 + 3600);
    r.granularity = 60;
    assert!(db.ask(&r).await.unwrap().series.is_empty());
}
