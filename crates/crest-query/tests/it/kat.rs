//! The known-answer cases of wql.md §5 that the core evaluates, named after them. Data at the
//! KAT's T0; unless a case says otherwise the window is `[T0-600, T0+1200)` at 1-second buckets.

use crate::support::{Db, T0, at, close, req};

const S: i64 = T0 - 600;
const E: i64 = T0 + 1200;

#[tokio::test]
async fn kat_01_rate_30s_spacing() {
    let db = Db::new()
        .pts("c", "a", &at(&[(0, 105_500.0), (30, 105_750.0)]))
        .load()
        .await;
    close(
        &db.one("rate(ts(c))", S, E).await,
        &at(&[(30, 250.0 / 30.0)]),
    );
}

#[tokio::test]
async fn kat_02_rate_120s_spacing() {
    let db = Db::new()
        .pts("c", "a", &at(&[(0, 105_500.0), (120, 105_750.0)]))
        .load()
        .await;
    close(
        &db.one("rate(ts(c))", S, E).await,
        &at(&[(120, 250.0 / 120.0)]),
    );
}

#[tokio::test]
async fn kat_03_deriv_negative() {
    let db = Db::new()
        .pts("c", "a", &at(&[(0, 105_750.0), (30, 105_250.0)]))
        .load()
        .await;
    close(
        &db.one("deriv(ts(c))", S, E).await,
        &at(&[(30, -500.0 / 30.0)]),
    );
    assert!(db.q("rate(ts(c))", S, E).await.is_empty());
}

const RESET: [f64; 18] = [
    2.0, 4.0, 5.0, 8.0, 10.0, 11.0, 14.0, 15.0, 0.0, 0.0, 2.0, 4.0, 5.0, 8.0, 10.0, 11.0, 14.0,
    15.0,
];

/// CONFLICT (wql.md §6 conflict 3): pinned to §2.10.4's recommendation, 0 between equal values.
#[tokio::test]
async fn kat_04_rate_and_deriv_over_a_counter_reset() {
    let points: Vec<(i64, f64)> = RESET
        .iter()
        .enumerate()
        .map(|(i, v)| (T0 + 2 * i as i64, *v))
        .collect();
    let db = Db::new().pts("c", "a", &points).load().await;
    let deriv = [
        1.0, 0.5, 1.5, 1.0, 0.5, 1.5, 0.5, -7.5, 0.0, 1.0, 1.0, 0.5, 1.5, 1.0, 0.5, 1.5, 0.5,
    ];
    let want: Vec<(i64, f64)> = deriv
        .iter()
        .enumerate()
        .map(|(i, v)| (T0 + 2 + 2 * i as i64, *v))
        .collect();
    close(&db.one("deriv(ts(c))", S, E).await, &want);
    let rate: Vec<(i64, f64)> = want
        .iter()
        .copied()
        .filter(|(t, _)| *t != T0 + 16)
        .collect();
    close(&db.one("rate(ts(c))", S, E).await, &rate);
}

#[tokio::test]
async fn kat_05_ratediff_including_a_reset_and_a_skipped_point() {
    let data = [
        (0, 2.0),
        (2, 4.0),
        (4, 5.0),
        (6, 8.0),
        (8, 10.0),
        (10, 11.0),
        (12, 14.0),
        (14, 15.0),
        (18, 2.0),
        (20, 2.0),
        (22, 4.0),
        (24, 5.0),
        (26, 8.0),
        (28, 10.0),
        (30, 11.0),
    ];
    let db = Db::new().pts("c", "a", &at(&data)).load().await;
    let want = [
        2.0, 2.0, 1.0, 3.0, 2.0, 1.0, 3.0, 1.0, 2.0, 0.0, 2.0, 1.0, 3.0, 2.0, 1.0,
    ];
    let want: Vec<(i64, f64)> = data
        .iter()
        .zip(want)
        .map(|((t, _), v)| (T0 + t, v))
        .collect();
    close(&db.one("ratediff(ts(c))", T0, E).await, &want);
}

#[tokio::test]
async fn kat_06_ratediff_text_example() {
    let db = Db::new()
        .pts("c", "a", &at(&[(0, 105_500.0), (30, 105_750.0)]))
        .pts("d", "a", &at(&[(0, 105_500.0), (120, 105_750.0)]))
        .load()
        .await;
    close(
        &db.one("ratediff(ts(c))", T0, E).await,
        &at(&[(0, 105_500.0), (30, 250.0)]),
    );
    close(
        &db.one("ratediff(ts(d))", T0, E).await,
        &at(&[(0, 105_500.0), (120, 250.0)]),
    );
}

#[tokio::test]
async fn kat_07_rate_with_an_explicit_interval() {
    let db = Db::new()
        .pts("c", "a", &at(&[(60, 5.0), (120, 22.0), (180, 30.0)]))
        .load()
        .await;
    close(
        &db.one("rate(1m, ts(c))", S, E).await,
        &at(&[(60, 5.0 / 60.0), (120, 17.0 / 60.0), (180, 8.0 / 60.0)]),
    );
    close(
        &db.one("rate(ts(c))", S, E).await,
        &at(&[(120, 17.0 / 60.0), (180, 8.0 / 60.0)]),
    );
}

#[tokio::test]
async fn kat_08_delta_counter_vs_cumulative() {
    let db = Db::new()
        .pts(
            "\u{2206}err",
            "a",
            &at(&[(0, 2.0), (30, 3.0), (61, 17.0), (125, 8.0)]),
        )
        .pts("err_cum", "a", &at(&[(0, 5.0), (60, 22.0), (120, 30.0)]))
        .load()
        .await;
    close(
        &db.one("cs(err)", S, E).await,
        &at(&[(0, 5.0), (60, 17.0), (120, 8.0)]),
    );
    close(
        &db.one("cs(err)/60", S, E).await,
        &at(&[(0, 5.0 / 60.0), (60, 17.0 / 60.0), (120, 8.0 / 60.0)]),
    );
    close(
        &db.one("rate(ts(err_cum))", S, E).await,
        &at(&[(60, 17.0 / 60.0), (120, 8.0 / 60.0)]),
    );
    let got = db.q("cs(err)", S, E).await;
    assert_eq!(got[0].label, "err");
    assert_eq!(got[0].host.as_deref(), Some("a"));
}

#[tokio::test]
async fn kat_09_percentile_position_formula() {
    let mut db = Db::new();
    for (s, v) in [("a", 1.0), ("b", 2.0), ("c", 3.0), ("d", 4.0)] {
        db = db.pts("m", s, &[(T0, v)]);
    }
    let db = db.load().await;
    for (p, want) in [(50, 2.5), (75, 3.75), (40, 2.0), (10, 1.0), (100, 4.0)] {
        close(
            &db.one(&format!("percentile({p}, ts(m))"), S, E).await,
            &[(T0, want)],
        );
        close(
            &db.one(&format!("rawpercentile({p}, ts(m))"), S, E).await,
            &[(T0, want)],
        );
    }
}

#[tokio::test]
async fn kat_10_rawsum_only_adds_real_points() {
    let db = Db::new()
        .pts("s1", "x", &at(&[(0, 169.05), (60, 164.0)]))
        .pts("s2", "y", &at(&[(0, 162.0), (150, 170.0)]))
        .load()
        .await;
    close(
        &db.one("rawsum(ts(s1 or s2))", S, E).await,
        &at(&[(0, 331.05), (60, 164.0), (150, 170.0)]),
    );
}

#[tokio::test]
async fn kat_11_sum_interpolates_rawsum_does_not() {
    let db = Db::new()
        .pts("a", "h1", &at(&[(0, 100.0), (60, 110.0), (120, 120.0)]))
        .pts("a", "h2", &at(&[(0, 10.0), (120, 30.0)]))
        .load()
        .await;
    let cases = [
        ("sum", [110.0, 130.0, 150.0]),
        ("rawsum", [110.0, 110.0, 150.0]),
        ("count", [2.0, 2.0, 2.0]),
        ("rawcount", [2.0, 1.0, 2.0]),
        ("avg", [55.0, 65.0, 75.0]),
        ("rawavg", [55.0, 110.0, 75.0]),
    ];
    for (f, want) in cases {
        let got = db.one(&format!("{f}(ts(a))"), S, E).await;
        close(&got, &at(&[(0, want[0]), (60, want[1]), (120, want[2])]));
    }
}

#[tokio::test]
async fn kat_12_a_gap_where_nothing_reports_stays_a_gap() {
    let db = Db::new()
        .pts("a", "h1", &at(&[(0, 1.0), (600, 1.0)]))
        .pts("a", "h2", &at(&[(0, 2.0), (600, 2.0)]))
        .load()
        .await;
    close(
        &db.one("sum(ts(a))", S, E).await,
        &at(&[(0, 3.0), (600, 3.0)]),
    );
}

#[tokio::test]
async fn kat_13_live_edge_15_percent_rule() {
    let (s, e) = (T0, T0 + 1000);
    let a = Db::new()
        .pts("a", "h1", &at(&[(0, 1.0), (990, 2.0)]))
        .pts("a", "h2", &at(&[(0, 10.0), (900, 20.0)]))
        .load()
        .await;
    let got = a.one("sum(ts(a))", s, e).await;
    assert_eq!(got.last(), Some(&(T0 + 990, 22.0)));
    let b = Db::new()
        .pts("a", "h1", &at(&[(0, 1.0), (990, 2.0)]))
        .pts("a", "h2", &at(&[(0, 10.0), (800, 20.0)]))
        .load()
        .await;
    assert_eq!(
        b.one("sum(ts(a))", s, e).await.last(),
        Some(&(T0 + 990, 2.0))
    );
    assert_eq!(
        b.one("count(ts(a))", s, e).await.last(),
        Some(&(T0 + 990, 1.0))
    );
}

#[tokio::test]
async fn kat_14_series_matching_intersection() {
    let db = Db::new()
        .pts("m1", "a", &[(T0, 1.0)])
        .pts("m1", "b", &[(T0, 2.0)])
        .pts("m1", "c", &[(T0, 3.0)])
        .pts("m2", "b", &[(T0, 10.0)])
        .pts("m2", "c", &[(T0, 20.0)])
        .pts("m2", "d", &[(T0, 30.0)])
        .load()
        .await;
    let got = db.q("ts(m1) * ts(m2)", S, E).await;
    let hosts: Vec<(Option<&str>, Vec<(i64, f64)>)> = got
        .iter()
        .map(|s| (s.host.as_deref(), s.data.clone()))
        .collect();
    assert_eq!(
        hosts,
        vec![(Some("b"), vec![(T0, 20.0)]), (Some("c"), vec![(T0, 60.0)])]
    );
}

#[tokio::test]
async fn kat_15_no_match_gives_no_data() {
    let mut db = Db::new();
    for s in ["a", "b", "c"] {
        db = db.pts("m1", s, &[(T0, 1.0)]);
    }
    for s in ["x", "y", "z"] {
        db = db.pts("m2", s, &[(T0, 1.0)]);
    }
    let db = db.load().await;
    assert!(db.q("ts(m1) and ts(m2)", S, E).await.is_empty());
}

#[tokio::test]
async fn kat_16_strict_operator_forces_matching() {
    let db = Db::new()
        .pts("m1", "a", &[(T0, 5.0)])
        .pts("m1", "b", &[(T0, 5.0)])
        .pts("m1", "c", &[(T0, 5.0)])
        .pts("m2", "a", &[(T0, 1.0)])
        .load()
        .await;
    let strict = db.q("ts(m1) [>] ts(m2)", S, E).await;
    assert_eq!(strict.len(), 1);
    assert_eq!(
        (strict[0].host.as_deref(), strict[0].data.clone()),
        (Some("a"), vec![(T0, 1.0)])
    );
    let loose = db.q("ts(m1) > ts(m2)", S, E).await;
    let hosts: Vec<_> = loose
        .iter()
        .map(|s| (s.host.as_deref(), s.data.clone()))
        .collect();
    assert_eq!(
        hosts,
        vec![
            (Some("a"), vec![(T0, 1.0)]),
            (Some("b"), vec![(T0, 1.0)]),
            (Some("c"), vec![(T0, 1.0)])
        ]
    );
}

#[tokio::test]
async fn kat_17_constant_and_singleton_broadcast() {
    let db = Db::new()
        .pts("m1", "a", &[(T0, 3.0)])
        .pts("m1", "b", &[(T0, 6.0)])
        .pts("m1", "c", &[(T0, 9.0)])
        .pts("m2", "d", &[(T0, 2.0)])
        .pts("m3", "b", &[(T0, 1.0)])
        .pts("m3", "d", &[(T0, 1.0)])
        .pts("m3", "f", &[(T0, 1.0)])
        .load()
        .await;
    let hosts =
        |s: Vec<crest_query::TimeSeries>| -> Vec<(Option<String>, String, Vec<(i64, f64)>)> {
            s.into_iter().map(|s| (s.host, s.label, s.data)).collect()
        };
    let h = |x: &str| Some(x.to_owned());
    assert_eq!(
        hosts(db.q("ts(m1)/3", S, E).await),
        vec![
            (h("a"), "m1".into(), vec![(T0, 1.0)]),
            (h("b"), "m1".into(), vec![(T0, 2.0)]),
            (h("c"), "m1".into(), vec![(T0, 3.0)])
        ]
    );
    assert_eq!(
        hosts(db.q("ts(m2, source=d) * ts(m1)", S, E).await),
        vec![
            (h("a"), "m1".into(), vec![(T0, 6.0)]),
            (h("b"), "m1".into(), vec![(T0, 12.0)]),
            (h("c"), "m1".into(), vec![(T0, 18.0)])
        ]
    );
    assert_eq!(
        hosts(db.q("ts(m3) + sum(ts(m1))", S, E).await),
        vec![
            (h("b"), "m3".into(), vec![(T0, 19.0)]),
            (h("d"), "m3".into(), vec![(T0, 19.0)]),
            (h("f"), "m3".into(), vec![(T0, 19.0)])
        ]
    );
}

#[tokio::test]
async fn kat_18_an_extra_point_tag_prevents_matching() {
    let db = Db::new()
        .add("x", "h1", &[("env", "prod")], &[(T0, 1.0)])
        .add("x", "h2", &[("env", "prod")], &[(T0, 1.0)])
        .add("y", "h1", &[("env", "prod"), ("dc", "ny")], &[(T0, 1.0)])
        .add("y", "h2", &[("env", "prod"), ("dc", "ny")], &[(T0, 1.0)])
        .load()
        .await;
    assert!(db.q("ts(x) - ts(y)", S, E).await.is_empty());
}

#[tokio::test]
async fn kat_19_the_by_construct() {
    let mut db = Db::new();
    for (h, dc, stage) in [
        ("host-1", "Oregon", "prod"),
        ("host-2", "Oregon", "prod"),
        ("host-3", "Oregon", "test"),
        ("host-1", "NY", "prod"),
        ("host-2", "NY", "prod"),
        ("host-3", "NY", "test"),
    ] {
        db = db.add(
            "cpu.idle",
            h,
            &[("dc", dc), ("stage", stage)],
            &[(T0, 60.0)],
        );
    }
    for (h, stage) in [
        ("host-1", "prod"),
        ("host-1", "dev"),
        ("host-2", "prod"),
        ("host-2", "dev"),
        ("host-3", "test"),
        ("host-3", "dev"),
    ] {
        db = db.add("build.version", h, &[("stage", stage)], &[(T0, 1000.0)]);
    }
    let db = db.load().await;
    assert!(
        db.q("(ts(cpu.idle) > 50) and (ts(build.version) = 1000)", S, E)
            .await
            .is_empty()
    );
    let got = db
        .q(
            "(ts(cpu.idle) > 50) and by (stage, source) (ts(build.version) = 1000)",
            S,
            E,
        )
        .await;
    assert_eq!(got.len(), 6, "{got:?}");
    for s in &got {
        assert_eq!(s.label, "cpu.idle");
        assert_eq!(s.data, vec![(T0, 1.0)]);
        assert!(
            s.tags.contains_key("dc") && s.tags.contains_key("stage"),
            "{s:?}"
        );
    }
}

#[tokio::test]
async fn kat_20_boolean_operators_return_0_or_1() {
    let db = Db::new()
        .pts("a1", "h", &[(T0, 5.0)])
        .pts("b1", "h", &[(T0, 0.0)])
        .pts("a2", "h", &[(T0, 5.0)])
        .pts("b2", "h", &[(T0, -2.0)])
        .pts("a3", "h", &[(T0, 0.0)])
        .pts("b3", "h", &[(T0, 0.0)])
        .pts("a4", "h", &[(T0, 0.0)])
        .pts("b4", "h", &[(T0, 3.0)])
        .pts(
            "x",
            "h",
            &at(&[(0, 9.0), (60, 9.0), (120, 9.0), (180, 3.0), (240, 9.0)]),
        )
        .load()
        .await;
    for (q, want) in [
        ("ts(a1) and ts(b1)", 0.0),
        ("ts(a2) and ts(b2)", 1.0),
        ("ts(a3) or ts(b3)", 0.0),
        ("ts(a4) or ts(b4)", 1.0),
    ] {
        close(&db.one(q, S, E).await, &[(T0, want)]);
    }
    close(
        &db.one("ts(x) > 4", S, E).await,
        &at(&[(0, 1.0), (60, 1.0), (120, 1.0), (180, 0.0), (240, 1.0)]),
    );
}

#[tokio::test]
async fn kat_21_alert_minute_summarization() {
    let db = Db::new()
        .pts(
            "my.metric",
            "h",
            &at(&[(5, 9.0), (15, 9.0), (25, 9.0), (35, 3.0), (45, 9.0)]),
        )
        .load()
        .await;
    let mut r = req("ts(my.metric) > 4", T0, T0 + 60);
    r.granularity = 60;
    let a = db.ask(&r).await.unwrap();
    close(&a.series[0].data, &[(T0, 0.8)]);
    close(
        &db.one("align(1m, min, ts(my.metric) > 4)", T0, T0 + 60)
            .await,
        &[(T0, 0.0)],
    );
}

/// CONFLICT (wql.md §5 KAT-22): pinned to the procedure's answer, the mean of the 0/1 results.
#[tokio::test]
async fn kat_22_alert_summarization_contradictory_doc_examples() {
    let db = Db::new()
        .pts("m", "h", &at(&[(10, 5.0), (20, 3.0)]))
        .pts("n", "h", &at(&[(10, 5.0), (20, 5.0), (30, 3.0)]))
        .load()
        .await;
    for (q, want) in [("ts(m) > 4", 0.5), ("ts(n) > 4", 2.0 / 3.0)] {
        let mut r = req(q, T0, T0 + 60);
        r.granularity = 60;
        close(&db.ask(&r).await.unwrap().series[0].data, &[(T0, want)]);
    }
}

#[tokio::test]
async fn kat_26_align_methods_and_bucket_stamping() {
    let db = Db::new()
        .pts("m", "a", &at(&[(0, 1.0), (30, 2.0), (59, 3.0), (60, 4.0)]))
        .load()
        .await;
    for (q, want) in [
        ("align(1m, sum, ts(m))", [6.0, 4.0]),
        ("align(1m, ts(m))", [2.0, 4.0]),
        ("align(1m, mean, ts(m))", [2.0, 4.0]),
        ("align(1m, count, ts(m))", [3.0, 1.0]),
        ("align(1m, first, ts(m))", [1.0, 4.0]),
        ("align(1m, last, ts(m))", [3.0, 4.0]),
        ("align(1m, min, ts(m))", [1.0, 4.0]),
        ("align(1m, max, ts(m))", [3.0, 4.0]),
        ("align(1m, median, ts(m))", [2.0, 4.0]),
    ] {
        close(&db.one(q, S, E).await, &at(&[(0, want[0]), (60, want[1])]));
    }
}

#[tokio::test]
async fn kat_27_align_buckets_are_epoch_aligned() {
    let db = Db::new()
        .pts("m", "a", &[(172_800 + 18_000, 7.0), (90_000, 3.0)])
        .load()
        .await;
    close(
        &db.one("align(2d, sum, ts(m))", 0, 4 * 86_400).await,
        &[(0, 3.0), (172_800, 7.0)],
    );
}

#[tokio::test]
async fn kat_29_numeric_constants_with_si_suffixes() {
    let db = Db::new().pts("x", "a", &[(T0, 2.0)]).load().await;
    for (q, want) in [("1M", 1_000_000.0), ("7.2k", 7200.0), ("5.01", 5.01)] {
        let got = db.one(q, T0, T0 + 3).await;
        close(&got, &[(T0, want), (T0 + 1, want), (T0 + 2, want)]);
    }
    close(&db.one("ts(x) * 1k", S, E).await, &[(T0, 2000.0)]);
}

#[tokio::test]
async fn kat_31_highpass_lowpass_and_the_postfix_filters() {
    let db = Db::new()
        .pts("m", "a", &at(&[(0, 100.0), (60, 120.0), (120, 130.0)]))
        .pts(
            "n",
            "a",
            &at(&[(0, 60.0), (60, 70.0), (120, 75.0), (180, 85.0), (240, 90.0)]),
        )
        .load()
        .await;
    close(
        &db.one("highpass(120, ts(m))", S, E).await,
        &at(&[(120, 130.0)]),
    );
    close(
        &db.one("lowpass(130, ts(m))", S, E).await,
        &at(&[(0, 100.0), (60, 120.0)]),
    );
    close(
        &db.one("ts(n).gt(70).lt(85)", S, E).await,
        &at(&[(120, 75.0)]),
    );
    close(
        &db.one("ts(n).ge(70).le(85)", S, E).await,
        &at(&[(60, 70.0), (120, 75.0), (180, 85.0)]),
    );
    close(&db.one("ts(n).eq(90)", S, E).await, &at(&[(240, 90.0)]));
    assert_eq!(db.one("ts(n).ne(90)", S, E).await.len(), 4);
}

#[tokio::test]
async fn kat_33_or_else() {
    let db = Db::new().pts("b", "h", &[(T0, 4.0)]).load().await;
    close(
        &db.one("ts(nonexistent).orElse(0)", T0, T0 + 2).await,
        &[(T0, 0.0), (T0 + 1, 0.0)],
    );
    let got = db.q("ts(a).orElse(ts(b)).orElse(25)", S, E).await;
    assert_eq!(
        (got[0].label.as_str(), got[0].data.clone()),
        ("b", vec![(T0, 4.0)])
    );
    close(
        &db.one("ts(a).orElse(ts(c)).orElse(25)", T0, T0 + 1).await,
        &[(T0, 25.0)],
    );
}

#[tokio::test]
async fn kat_44_source_tags_grouping_cardinality() {
    let db = Db::new()
        .pts("cpu.loadavg.1m", "p1", &[(T0, 1.0)])
        .pts("cpu.loadavg.1m", "d1", &[(T0, 2.0)])
        .pts("cpu.loadavg.1m", "h1", &[(T0, 4.0)])
        .pts("cpu.loadavg.1m", "pd", &[(T0, 8.0)])
        .tag("prod", &["p1", "pd"])
        .tag("db", &["d1", "pd"])
        .tag("highPriority", &["h1"])
        .load()
        .await;
    let two = db
        .q(
            "sum(ts(cpu.loadavg.1m, tag=prod or tag=db), sourceTags)",
            S,
            E,
        )
        .await;
    let got: Vec<(Option<&str>, Vec<(i64, f64)>)> = two
        .iter()
        .map(|s| (s.tags.get("tag").map(String::as_str), s.data.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("db"), vec![(T0, 10.0)]),
            (Some("prod"), vec![(T0, 9.0)])
        ]
    );
    let three = db
        .q(
            "sum(ts(cpu.loadavg.1m, tag=prod or tag=db or tag=highPriority), sourceTags)",
            S,
            E,
        )
        .await;
    assert_eq!(three.len(), 3);
}

#[tokio::test]
async fn kat_34_lag_and_lead() {
    let db = Db::new()
        .pts("m", "a", &at(&[(0, 140.0), (60, 145.0)]))
        .load()
        .await;
    close(
        &db.one("lead(1m, ts(m))", S, E).await,
        &at(&[(-60, 140.0), (0, 145.0)]),
    );
    close(
        &db.one("lag(30m, ts(m))", S, T0 + 2400).await,
        &at(&[(1800, 140.0), (1860, 145.0)]),
    );
    // the read reaches back 30 minutes before the window for lag
    close(
        &db.one("lag(30m, ts(m))", T0 + 1800, T0 + 1900).await,
        &at(&[(1800, 140.0), (1860, 145.0)]),
    );
}

#[tokio::test]
async fn kat_23_mcount_after_data_stops() {
    let pts: Vec<(i64, f64)> = (-10..=0).map(|k| (T0 + 60 * k, 1.0)).collect();
    let db = Db::new().pts("m", "a", &pts).load().await;
    let got: std::collections::BTreeMap<i64, f64> = db
        .one("mcount(3m, ts(m))", T0, T0 + 420)
        .await
        .into_iter()
        .collect();
    for (dt, want) in [
        (59, 3.0),
        (60, 2.0),
        (119, 2.0),
        (120, 1.0),
        (179, 1.0),
        (180, 0.0),
        (359, 0.0),
    ] {
        assert_eq!(got.get(&(T0 + dt)), Some(&want), "t+{dt}");
    }
    assert_eq!(got.keys().next_back(), Some(&(T0 + 359)));
}

#[tokio::test]
async fn kat_24_mavg_divides_by_the_number_of_points() {
    let pts: Vec<(i64, f64)> = (1..=24).map(|k| (T0 + 3600 * k, k as f64)).collect();
    let db = Db::new().pts("m", "a", &pts).load().await;
    let last = T0 + 24 * 3600;
    close(
        &db.one("mavg(48h, ts(m))", last, last + 1).await,
        &[(last, 12.5)],
    );
    close(
        &db.one("msum(48h, ts(m))", last, last + 1).await,
        &[(last, 300.0)],
    );
    close(
        &db.one("mmax(2h, ts(m))", last, last + 1).await,
        &[(last, 24.0)],
    );
    close(
        &db.one("mmin(2h, ts(m))", last, last + 1).await,
        &[(last, 23.0)],
    );
    close(
        &db.one("mmedian(3h, ts(m))", last, last + 1).await,
        &[(last, 23.0)],
    );
    close(
        &db.one("mvar(2h, ts(m))", last, last + 1).await,
        &[(last, 0.25)],
    );
    close(
        &db.one("mpercentile(4h, 50, ts(m))", last, last + 1).await,
        &[(last, 22.5)],
    );
}

#[tokio::test]
async fn kat_28_point_wise_math() {
    let db = Db::new()
        .pts("a", "h", &at(&[(0, 2.0), (1, -1.0), (2, -9.0)]))
        .pts("c", "h", &at(&[(0, 1.75), (1, -1.75), (2, 1.0), (3, -1.0)]))
        .pts("r", "h", &at(&[(0, 0.2), (1, 0.49), (2, 0.5), (3, 1.2)]))
        .pts("h", "h", &at(&[(0, 0.564), (1, 0.435), (2, 0.777)]))
        .load()
        .await;
    close(
        &db.one("abs(ts(a))", S, E).await,
        &at(&[(0, 2.0), (1, 1.0), (2, 9.0)]),
    );
    close(
        &db.one("ceil(ts(c))", S, E).await,
        &at(&[(0, 2.0), (1, -1.0), (2, 1.0), (3, -1.0)]),
    );
    close(
        &db.one("floor(ts(c))", S, E).await,
        &at(&[(0, 1.0), (1, -2.0), (2, 1.0), (3, -1.0)]),
    );
    close(
        &db.one("round(ts(r))", S, E).await,
        &at(&[(0, 0.0), (1, 0.0), (2, 1.0), (3, 1.0)]),
    );
    close(
        &db.one("round(0.5, ts(h))", S, E).await,
        &at(&[(0, 0.5), (1, 0.5), (2, 1.0)]),
    );
    close(
        &db.one("sqrt(abs(ts(a)))", S, E).await,
        &at(&[(0, 2f64.sqrt()), (1, 1.0), (2, 3.0)]),
    );
    close(&db.one("sqrt(ts(a))", S, E).await, &at(&[(0, 2f64.sqrt())]));
}

#[tokio::test]
async fn kat_32_default_with_window_and_delay() {
    let db = Db::new()
        .pts("m", "a", &at(&[(0, 7.0), (600, 9.0)]))
        .load()
        .await;
    let got = db.one("default(5m, 1m, 0, ts(m))", T0, T0 + 700).await;
    let mut want = vec![(T0, 7.0)];
    want.extend((61..=300).map(|dt| (T0 + dt, 0.0)));
    want.push((T0 + 600, 9.0));
    want.extend((661..700).map(|dt| (T0 + dt, 0.0)));
    assert_eq!(got, want);
    let filled = db.one("last(1m, ts(m))", T0, T0 + 700).await;
    let mut want: Vec<(i64, f64)> = (0..=60).map(|dt| (T0 + dt, 7.0)).collect();
    want.extend((600..=660).map(|dt| (T0 + dt, 9.0)));
    assert_eq!(filled, want);
}

#[tokio::test]
async fn missing_is_one_while_the_window_is_empty() {
    let db = Db::new().pts("m", "a", &at(&[(0, 7.0)])).load().await;
    let got = db.one("missing(1m, ts(m))", T0 - 1, T0 + 62).await;
    assert_eq!(got.first(), Some(&(T0 - 1, 1.0)));
    assert_eq!(got.get(1), Some(&(T0, 0.0)));
    assert_eq!(got.get(60), Some(&(T0 + 59, 0.0)));
    assert_eq!(got.get(61), Some(&(T0 + 60, 1.0)));
    close(
        &db.one("missing(1m, ts(nothing))", T0, T0 + 2).await,
        &[(T0, 1.0), (T0 + 1, 1.0)],
    );
}

#[tokio::test]
async fn kat_30_between_is_inclusive() {
    let db = Db::new()
        .pts(
            "m",
            "a",
            &at(&[(0, 0.4), (1, 0.5), (2, 0.75), (3, 1.0), (4, 1.1)]),
        )
        .load()
        .await;
    close(
        &db.one("between(ts(m), .5, 1.0)", T0, T0 + 5).await,
        &at(&[(0, 0.0), (1, 1.0), (2, 1.0), (3, 1.0), (4, 0.0)]),
    );
}

#[tokio::test]
async fn kat_35_at_with_lookback() {
    let n = T0 + 20_000;
    let one = |pts: &[(i64, f64)]| Db::new().pts("m", "a", pts);
    let a = one(&[(n - 7200, 5.0)]).load().await;
    close(
        &a.one("at(2h, ts(m))", n - 2, n).await,
        &[(n - 2, 5.0), (n - 1, 5.0)],
    );
    let b = one(&[(n - 9000, 3.0)]).load().await;
    close(&b.one("at(2h, ts(m))", n - 1, n).await, &[(n - 1, 3.0)]);
    let c = one(&[(n - 11_000, 3.0)]).load().await;
    assert!(c.q("at(2h, ts(m))", n - 1, n).await.is_empty());
    close(&c.one("at(2h, 8h, ts(m))", n - 1, n).await, &[(n - 1, 3.0)]);
    close(
        &c.one("at(\"end\", 4h, ts(m))", n - 1, n).await,
        &[(n - 1, 3.0)],
    );
}

#[tokio::test]
async fn kat_43_top_and_topk_rank_by_the_last_displayed_value() {
    let db = Db::new()
        .pts("m", "app-11", &at(&[(0, 10.0), (60, 7.0)]))
        .pts("m", "app-12", &at(&[(0, 20.0), (60, 5.0)]))
        .pts("m", "app-13", &at(&[(0, 2.0), (60, 9.0)]))
        .load()
        .await;
    let hosts = |s: Vec<crest_query::TimeSeries>| -> Vec<String> {
        s.into_iter().filter_map(|s| s.host).collect()
    };
    assert_eq!(
        hosts(db.q("topk(2, ts(m))", S, E).await),
        ["app-11", "app-13"]
    );
    assert_eq!(hosts(db.q("bottomk(1, ts(m))", S, E).await), ["app-12"]);
    assert_eq!(
        hosts(db.q("topk(2, max, ts(m))", S, E).await),
        ["app-11", "app-12"]
    );
    assert_eq!(hosts(db.q("topk(5, ts(m))", S, E).await).len(), 3);
    let flags: Vec<(Option<String>, Vec<(i64, f64)>)> = db
        .q("top(2, ts(m))", T0 + 60, T0 + 62)
        .await
        .into_iter()
        .map(|s| (s.host, s.data))
        .collect();
    let h = |x: &str| Some(x.to_owned());
    assert_eq!(
        flags,
        vec![
            (h("app-11"), vec![(T0 + 60, 1.0), (T0 + 61, 1.0)]),
            (h("app-12"), vec![(T0 + 60, 0.0), (T0 + 61, 0.0)]),
            (h("app-13"), vec![(T0 + 60, 1.0), (T0 + 61, 1.0)])
        ]
    );
    assert_eq!(
        hosts(db.q("limit(2, ts(m))", S, E).await),
        ["app-11", "app-12"]
    );
    assert_eq!(hosts(db.q("limit(1, 1, ts(m))", S, E).await), ["app-12"]);
    assert_eq!(hosts(db.q("limit(34%, ts(m))", S, E).await), ["app-11"]);
}

#[tokio::test]
async fn if_takes_the_branch_where_the_condition_holds() {
    let db = Db::new()
        .pts("x", "h", &at(&[(0, 90.0), (60, 110.0), (120, 120.0)]))
        .pts("a", "h", &at(&[(0, 1.0), (60, 0.0), (120, 1.0)]))
        .pts("b", "h", &at(&[(0, 10.0), (120, 30.0)]))
        .pts("c", "h", &at(&[(30, 100.0), (90, 200.0)]))
        .load()
        .await;
    close(
        &db.one("if(ts(x) > 100, 50, 25)", S, E).await,
        &at(&[(0, 25.0), (60, 50.0), (120, 50.0)]),
    );
    close(
        &db.one("if(ts(x) > 100, ts(x))", S, E).await,
        &at(&[(60, 110.0), (120, 120.0)]),
    );
    // C is interpolated at 12:00-like instants where A is 0 (wql.md §2.3 `if()` example)
    close(
        &db.one("if(ts(a) > 0, ts(b), ts(c))", S, E).await,
        &at(&[(0, 10.0), (60, 150.0), (120, 30.0)]),
    );
}

#[tokio::test]
async fn exists_looks_at_the_day_before_now() {
    let db = Db::new().pts("m", "a", &[(E - 100, 1.0)]).load().await;
    close(
        &db.one("exists(ts(m))", E - 2, E).await,
        &[(E - 2, 1.0), (E - 1, 1.0)],
    );
    close(
        &db.one("exists(ts(nothing))", E - 1, E).await,
        &[(E - 1, 0.0)],
    );
}

#[tokio::test]
async fn kat_39_node_extraction_in_metadata_functions() {
    let db = Db::new()
        .pts(
            "pdx.customerA_latency.i49f21a72",
            "dev.host1_appa.0fd795b1700",
            &[(T0, 1.0)],
        )
        .pts("disk.space.total.vm1", "h", &[(T0, 1.0)])
        .add("y", "app-12", &[("appId", "acme.id-42_shop")], &[(T0, 1.0)])
        .pts("z", "app7-large-v3", &[(T0, 1.0)])
        .add("w", "h", &[("hostname", "a.b")], &[(T0, 1.0)])
        .load()
        .await;
    let label = |q: &'static str| {
        let db = &db;
        async move {
            db.q(q, S, E)
                .await
                .into_iter()
                .map(|s| (s.label, s.host, s.tags))
                .next()
                .unwrap()
        }
    };
    assert_eq!(
        label("aliasMetric(ts(pdx.*), 1)").await.0,
        "customerA_latency"
    );
    assert_eq!(
        label("aliasMetric(ts(pdx.*), 1, \"._\")").await.0,
        "customerA"
    );
    assert_eq!(
        label("aliasSource(ts(pdx.*), 1)").await.1.as_deref(),
        Some("host1_appa")
    );
    assert_eq!(
        label("aliasSource(ts(pdx.*), 2, \"._\")")
            .await
            .1
            .as_deref(),
        Some("appa")
    );
    assert_eq!(
        label("aliasSource(ts(y), 1, \"-\")").await.1.as_deref(),
        Some("12")
    );
    assert_eq!(
        label("aliasSource(ts(disk.space.total.*), metric, 3)")
            .await
            .1
            .as_deref(),
        Some("vm1")
    );
    assert_eq!(
        label("aliasSource(ts(y), tagk, appId, 2, \".-\")")
            .await
            .1
            .as_deref(),
        Some("42_shop")
    );
    assert_eq!(
        label("taggify(ts(z), source, version, 2, \"-\")")
            .await
            .2
            .get("version")
            .map(String::as_str),
        Some("v3")
    );
    match db
        .ask(&crate::support::req(
            "aliasSource(ts(w), tagk, hostname, 5)",
            S,
            E,
        ))
        .await
    {
        Err(crest_query::QueryError::Execution(m)) => {
            assert_eq!(m, "Cannot access node: 5 from source value: a.b")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn kat_40_regex_and_template_replacement() {
    let db = Db::new()
        .pts("x", "accounts.foo.bar1", &[(T0, 1.0)])
        .pts("x", "accounts.baz.bar7", &[(T0, 1.0)])
        .pts("v", "app-7", &[(T0, 1.0)])
        .pts("CPU-Used-VM-11-verylongmetricname", "h", &[(T0, 1.0)])
        .add(
            "aws.instance.price",
            "mycluster-2c-ha2-i-00e421d1bef7fb88e",
            &[("region", "us-west-2")],
            &[(T0, 1.0)],
        )
        .add(
            "k",
            "h",
            &[("clustername", "Test-Cluster"), ("grouping", "ab")],
            &[(T0, 1.0)],
        )
        .load()
        .await;
    let hosts: Vec<Option<String>> = db
        .q(
            "aliasSource(ts(x), \"accounts.([a-zA-Z.]*)[0-9]*$\", \"$1\")",
            S,
            E,
        )
        .await
        .into_iter()
        .map(|s| s.host)
        .collect();
    assert_eq!(
        hosts,
        vec![Some("baz.bar".to_owned()), Some("foo.bar".to_owned())]
    );
    assert_eq!(
        db.q("aliasSource(ts(v), \"app-([0-9]*)\", \"$1\")", S, E)
            .await[0]
            .host
            .as_deref(),
        Some("7")
    );
    assert_eq!(
        db.q("aliasMetric(ts(CPU-*), \"(.{0,14}).*\", \"$1\")", S, E)
            .await[0]
            .label,
        "CPU-Used-VM-11"
    );
    assert_eq!(
        db.q(
            "aliasMetric(ts(aws.instance.price), \"Price/{{region}}/{{source}}\")",
            S,
            E
        )
        .await[0]
            .label,
        "Price/us-west-2/mycluster-2c-ha2-i-00e421d1bef7fb88e"
    );
    let t = db
        .q(
            "taggify(taggify(ts(k), tagk, clustername, clustername, \"-\", \"_\"), tagk, clustername, clustertype, \"(.{0,4}).*\", \"$1\")",
            S,
            E,
        )
        .await;
    assert_eq!(
        t[0].tags.get("clustername").map(String::as_str),
        Some("Test_Cluster")
    );
    assert_eq!(
        t[0].tags.get("clustertype").map(String::as_str),
        Some("Test")
    );
    let p = db
        .q(
            "taggify(ts(k), tagk, grouping, tenant, \".*\", \"P\")",
            S,
            E,
        )
        .await;
    assert_eq!(p[0].tags.get("tenant").map(String::as_str), Some("PP"));
    // a static source on several series keeps them apart with _discriminant
    let both = db.q("aliasSource(ts(x), \"one\")", S, E).await;
    assert_eq!(both.len(), 2);
    assert!(
        both.iter()
            .all(|s| s.host.as_deref() == Some("one") && s.tags.contains_key("_discriminant"))
    );
}

#[tokio::test]
async fn collect_retain_and_remove() {
    let db = Db::new()
        .add("m", "a", &[("env", "dev")], &[(T0, 1.0)])
        .add("m", "b", &[("env", "prod")], &[(T0, 2.0)])
        .pts("n", "c", &[(T0, 3.0)])
        .load()
        .await;
    let got = db.q("collect(ts(m), ts(n))", S, E).await;
    let tags: Vec<(Option<String>, Vec<(String, String)>)> = got
        .into_iter()
        .map(|s| (s.host, s.tags.into_iter().collect()))
        .collect();
    assert_eq!(
        tags,
        vec![
            (
                Some("a".into()),
                vec![
                    ("collect_0".into(), "0".into()),
                    ("env".into(), "dev".into())
                ]
            ),
            (
                Some("b".into()),
                vec![
                    ("collect_0".into(), "0".into()),
                    ("env".into(), "prod".into())
                ]
            ),
            (Some("c".into()), vec![("collect_1".into(), "1".into())]),
        ]
    );
    let hosts = |s: Vec<crest_query::TimeSeries>| -> Vec<String> {
        s.into_iter().filter_map(|s| s.host).collect()
    };
    assert_eq!(
        hosts(db.q("retainSeries(ts(m), env=dev)", S, E).await),
        ["a"]
    );
    assert_eq!(
        hosts(db.q("removeSeries(ts(m), env=dev)", S, E).await),
        ["b"]
    );
    assert_eq!(hosts(db.q("filter(ts(m), source=b*)", S, E).await), ["b"]);
    assert!(
        db.q("retainSeries(sum(ts(m)), env=dev)", S, E)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn kat_36_calendar_functions_through_a_query() {
    let t = 1_704_119_400;
    let db = Db::new().load().await;
    close(&db.one("hour(\"UTC\")", t, t + 1).await, &[(t, 14.5)]);
    close(&db.one("weekday(\"UTC\")", t, t + 1).await, &[(t, 1.0)]);
    close(
        &db.one("between(weekday(\"UTC\"), 6, 7)", t, t + 1).await,
        &[(t, 0.0)],
    );
    // 14:30 UTC is 06:30 in Los Angeles in January (PST, UTC-8)
    close(&db.one("hour(\"US/Pacific\")", t, t + 1).await, &[(t, 6.5)]);
    match db
        .ask(&crate::support::req("hour(\"US/Atlantis\")", t, t + 1))
        .await
    {
        Err(crest_query::QueryError::Execution(m)) => assert!(m.contains("US/Atlantis"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn kat_25_integral_inclusive_boundaries() {
    let pts: Vec<(i64, f64)> = (0..=10).map(|k| (T0 + 60 * k, 1.0)).collect();
    let db = Db::new()
        .pts("m", "a", &pts)
        .add("m", "b", &[], &[(T0 - 60, 5.0)])
        .load()
        .await;
    let got = db.q("integral(ts(m))", T0, T0 + 601).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].data.last(), Some(&(T0 + 600, 11.0)));
    assert_eq!(got[0].data.first(), Some(&(T0, 1.0)));
}

#[tokio::test]
async fn kat_28_point_wise_math_with_two_sides_and_clamps() {
    let db = Db::new()
        .pts("c", "h", &at(&[(0, 170.0), (1, 190.0)]))
        .pts("d", "h", &at(&[(0, 10.0), (1, 30.0)]))
        .load()
        .await;
    close(&db.one("mod(10, 3)", T0, T0 + 1).await, &[(T0, 1.0)]);
    close(&db.one("mod(4, 2)", T0, T0 + 1).await, &[(T0, 0.0)]);
    assert!(db.q("pow(-1, 0.5)", T0, T0 + 1).await.is_empty());
    close(
        &db.one("pow(ts(d), 2)", S, E).await,
        &at(&[(0, 100.0), (1, 900.0)]),
    );
    close(
        &db.one("clampMax(180, ts(c))", S, E).await,
        &at(&[(0, 170.0), (1, 180.0)]),
    );
    close(
        &db.one("clampMin(24, ts(d))", S, E).await,
        &at(&[(0, 24.0), (1, 30.0)]),
    );
    close(
        &db.one("mod(ts(c), 100)", S, E).await,
        &at(&[(0, 70.0), (1, 90.0)]),
    );
    close(
        &db.one("log10(ts(d))", S, E).await,
        &at(&[(0, 1.0), (1, 30f64.log10())]),
    );
}

#[tokio::test]
async fn kat_37_time() {
    let pts: Vec<(i64, f64)> = (0..5)
        .map(|k| (T0 + 60 * k, (T0 + 60 * k - 187) as f64))
        .collect();
    let db = Db::new().pts("time.seconds", "h", &pts).load().await;
    close(
        &db.one("time()", T0, T0 + 2).await,
        &[(T0, T0 as f64), (T0 + 1, (T0 + 1) as f64)],
    );
    let want: Vec<(i64, f64)> = (0..5).map(|k| (T0 + 60 * k, 187.0)).collect();
    close(&db.one("time() - ts(time.seconds)", S, E).await, &want);
    let stamps: Vec<(i64, f64)> = pts.iter().map(|(t, _)| (*t, *t as f64)).collect();
    close(&db.one("timestamp(ts(time.seconds))", S, E).await, &stamps);
}

#[tokio::test]
async fn kat_45_sample_by_percentage() {
    let mut db = Db::new();
    for i in 0..30 {
        db = db.pts("m", &format!("h{i}"), &[(T0, 1.0)]);
    }
    let db = db.load().await;
    let a = db.q("sample(10%, ts(m))", S, E).await;
    assert_eq!(a.len(), 3);
    assert_eq!(db.q("sample(10%, ts(m))", S, E).await, a);
    assert_eq!(db.q("sample(4, ts(m))", S, E).await.len(), 4);
}

#[tokio::test]
async fn histogram_statistics_merge_and_align() {
    use crest_series::Granularity::Minute;
    let db = Db::new()
        .hist(
            "lat",
            "a",
            Minute,
            T0,
            &[(1.0, 1), (2.0, 1), (3.0, 1), (4.0, 1)],
        )
        .hist("lat", "b", Minute, T0, &[(10.0, 2)])
        .hist("lat", "a", Minute, T0 + 60, &[(5.0, 1)])
        .load()
        .await;
    let per_source = |q: &'static str| {
        let db = &db;
        async move {
            db.q(q, S, E)
                .await
                .into_iter()
                .map(|s| (s.host, s.data))
                .collect::<Vec<_>>()
        }
    };
    let a = Some("a".to_owned());
    let b = Some("b".to_owned());
    assert_eq!(
        per_source("hs(lat.m)").await,
        vec![
            (a.clone(), vec![(T0, 2.5), (T0 + 60, 5.0)]),
            (b.clone(), vec![(T0, 10.0)])
        ]
    );
    assert_eq!(
        per_source("percentile(75, hs(lat.m))").await[0].1,
        vec![(T0, 3.75), (T0 + 60, 5.0)]
    );
    assert_eq!(per_source("avg(hs(lat.m))").await[1].1, vec![(T0, 10.0)]);
    assert_eq!(
        per_source("median(merge(hs(lat.m)))").await,
        vec![(None, vec![(T0, 3.5), (T0 + 60, 5.0)])]
    );
    // T0 is a multiple of 120: both minutes fall in one 2-minute bucket
    assert_eq!(
        per_source("count(align(2m, hs(lat.m)))").await[0].1,
        vec![(T0, 5.0)]
    );
    assert_eq!(
        per_source("cdf(2, hs(lat.m))").await[0].1,
        vec![(T0, 0.5), (T0 + 60, 0.0)]
    );
    assert_eq!(per_source("stddev(hs(lat.m))").await[1].1, vec![(T0, 0.0)]);
    let sd = per_source("stddev(hs(lat.m))").await[0].1[0].1;
    assert!((sd - 1.25f64.sqrt()).abs() < 1e-12, "{sd}");
    let labels: Vec<String> = db
        .q("hs(lat.m)", S, E)
        .await
        .into_iter()
        .map(|s| s.label)
        .collect();
    assert_eq!(labels, ["lat.m", "lat.m"]);
}

#[tokio::test]
async fn next_interpolate_and_downsample() {
    let db = Db::new()
        .pts("m", "a", &at(&[(0, 7.0), (600, 9.0)]))
        .pts("i", "a", &at(&[(0, 0.0), (100, 100.0), (900, 900.0)]))
        .pts(
            "d",
            "a",
            &at(&[(0, 1.0), (30, 2.0), (60, 3.0), (120, 4.0), (150, 5.0)]),
        )
        .load()
        .await;
    let got = db.one("next(1m, ts(m))", T0 - 100, T0 + 700).await;
    let mut want: Vec<(i64, f64)> = (-60..=0).map(|dt| (T0 + dt, 7.0)).collect();
    want.extend((540..=600).map(|dt| (T0 + dt, 9.0)));
    assert_eq!(got, want);
    let i: std::collections::BTreeMap<i64, f64> = db
        .one("interpolate(ts(i))", T0, T0 + 1000)
        .await
        .into_iter()
        .collect();
    assert_eq!(i.get(&(T0 + 50)), Some(&50.0));
    assert_eq!(i.get(&(T0 + 849)), Some(&849.0));
    assert_eq!(i.get(&(T0 + 860)), None);
    assert_eq!(i.get(&(T0 + 900)), Some(&900.0));
    // T0 is a multiple of 120
    close(
        &db.one("downsample(2m, ts(d))", S, E).await,
        &at(&[(0, 1.0), (120, 4.0)]),
    );
}

#[tokio::test]
async fn union_intersect_complement() {
    let db = Db::new()
        .pts("a", "h1", &[(T0, 1.0)])
        .pts("a", "h2", &[(T0, 1.0)])
        .pts("b", "h2", &[(T0, 1.0)])
        .pts("b", "h3", &[(T0, 1.0)])
        .load()
        .await;
    let ids = |v: Vec<crest_query::TimeSeries>| -> Vec<(String, String)> {
        v.into_iter()
            .map(|s| (s.label, s.host.unwrap_or_default()))
            .collect()
    };
    let p = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        ids(db.q("union(ts(a), ts(b))", S, E).await),
        vec![p("a", "h1"), p("a", "h2"), p("b", "h3")]
    );
    assert_eq!(
        ids(db.q("intersect(ts(a), ts(b))", S, E).await),
        vec![p("a", "h2")]
    );
    assert_eq!(
        ids(db.q("complement(ts(a), ts(b))", S, E).await),
        vec![p("a", "h1")]
    );
}

#[tokio::test]
async fn mdiff_mslope_mchanges() {
    let db = Db::new()
        .pts(
            "m",
            "a",
            &at(&[(0, 1.0), (60, 3.0), (120, 3.0), (180, 9.0)]),
        )
        .load()
        .await;
    let at_ = |q: &'static str, dt: i64| {
        let db = &db;
        async move { db.one(q, T0 + dt, T0 + dt + 1).await }
    };
    close(&at_("mdiff(1m, ts(m))", 180).await, &[(T0 + 180, 6.0)]);
    close(&at_("mdiff(2m, ts(m))", 150).await, &[(T0 + 150, 2.0)]);
    close(&at_("mslope(2m, ts(m))", 120).await, &[(T0 + 120, 0.0)]);
    close(&at_("mslope(2m, ts(m))", 180).await, &[(T0 + 180, 0.1)]);
    // changes: 1→3 at 60, 3→3 none at 120, 3→9 at 180
    close(&at_("mchanges(3m, ts(m))", 180).await, &[(T0 + 180, 2.0)]);
    close(&at_("mchanges(10m, ts(m))", 180).await, &[(T0 + 180, 2.0)]);
}

#[tokio::test]
async fn global_filter_reaches_the_reads() {
    let db = Db::new()
        .add("x", "a", &[("env", "dev")], &[(T0, 1.0)])
        .add("x", "b", &[("env", "dev")], &[(T0, 2.0)])
        .add("x", "c", &[("env", "prod")], &[(T0, 4.0)])
        .load()
        .await;
    close(
        &db.one("globalFilter(sum(ts(x)), env=dev)", S, E).await,
        &[(T0, 3.0)],
    );
    assert!(
        db.q("retainSeries(sum(ts(x)), env=dev)", S, E)
            .await
            .is_empty()
    );
    close(
        &db.one("globalFilter(sum(ts(x)) + ts(x, source=c), source=c)", S, E)
            .await,
        &[(T0, 8.0)],
    );
}

/// The tag a string function adds to the one series of `q` (wql.md §2.10.11 [INF]: a synthetic
/// point tag named after the function).
async fn string_tag(db: &Db, q: &str, key: &str) -> Option<String> {
    let got = db.q(q, S, E).await;
    assert_eq!(got.len(), 1, "{q}: {got:?}");
    got[0].tags.get(key).cloned()
}

#[tokio::test]
async fn kat_38_string_functions_on_a_tag_value() {
    let db = Db::new()
        .add("m", "h", &[("service", "dataingester")], &at(&[(0, 7.0)]))
        .add("k", "h", &[("k", "string")], &at(&[(0, 1.0)]))
        .add("r", "h", &[("k", "us-west-1")], &at(&[(0, 1.0)]))
        .load()
        .await;
    let cases: [(&str, &str, &str); 14] = [
        ("length(service, ts(m))", "length", "12"),
        ("indexOf(service, \"ta\", ts(m))", "indexOf", "2"),
        ("lastIndexOf(service, \"e\", ts(m))", "lastIndexOf", "10"),
        ("charAt(service, 0, ts(m))", "charAt", "d"),
        ("charAt(service, 5, ts(m))", "charAt", "n"),
        ("substring(service, 0, 4, ts(m))", "substring", "data"),
        ("substring(service, 4, 10, ts(m))", "substring", "ingest"),
        (
            "concat(service, \"_by_wavefront\", ts(m))",
            "concat",
            "dataingester_by_wavefront",
        ),
        (
            "repeat(service, 2, ts(m))",
            "repeat",
            "dataingesterdataingester",
        ),
        ("toUpperCase(service, ts(m))", "toUpperCase", "DATAINGESTER"),
        ("contains(service, \"data\", ts(m))", "contains", "true"),
        ("contains(service, \"metrics\", ts(m))", "contains", "false"),
        ("startsWith(service, \"data\", ts(m))", "startsWith", "true"),
        (
            "startsWith(service, \"ingester\", ts(m))",
            "startsWith",
            "false",
        ),
    ];
    for (q, key, want) in cases {
        assert_eq!(string_tag(&db, q, key).await.as_deref(), Some(want), "{q}");
        // the points and the chosen field are unchanged
        let got = db.q(q, S, E).await;
        assert_eq!(got[0].data, at(&[(0, 7.0)]), "{q}");
        assert_eq!(
            got[0].tags.get("service").map(String::as_str),
            Some("dataingester"),
            "{q}"
        );
    }
    assert_eq!(
        string_tag(
            &db,
            "equalsIgnoreCase(k, \"StRiNg\", ts(k))",
            "equalsIgnoreCase"
        )
        .await
        .as_deref(),
        Some("true")
    );
    assert_eq!(
        string_tag(&db, "matches(k, \"us.*\", ts(r))", "matches")
            .await
            .as_deref(),
        Some("true")
    );
}

/// KAT-41's data: `cpu.load` L1..L6 and `request.rate` R1..R4, each at T0 and T0+60. Lk is
/// `(10k, 20k)`, Rk is `(k, 2k)`, so a pair's ratio tells which pair it is.
async fn kat_41_db() -> Db {
    let left = [
        ("host-1", "prod", "Oregon"),
        ("host-2", "dev", "Oregon"),
        ("host-3", "prod", "Oregon"),
        ("host-1", "prod", "NY"),
        ("host-2", "test", "NY"),
        ("host-3", "prod", "NY"),
    ];
    let right = [
        ("host-1", "prod", "shopping"),
        ("host-2", "dev", "shopping"),
        ("host-3", "prod", "checkout"),
        ("host-4", "test", "checkout"),
    ];
    let mut db = Db::new();
    for (k, (host, env, dc)) in (1..).zip(left) {
        let v = 10.0 * f64::from(k);
        db = db.add(
            "cpu.load",
            host,
            &[("env", env), ("dc", dc)],
            &at(&[(0, v), (60, 2.0 * v)]),
        );
    }
    for (k, (host, env, service)) in (1..).zip(right) {
        let v = f64::from(k);
        db = db.add(
            "request.rate",
            host,
            &[("env", env), ("service", service)],
            &at(&[(0, v), (60, 2.0 * v)]),
        );
    }
    db.load().await
}

/// A series as `(label, host, tags, points)`, tags as `k=v` pairs in key order.
fn kat_41_rows(
    got: Vec<crest_query::TimeSeries>,
) -> Vec<(String, Option<String>, Vec<String>, Vec<(i64, f64)>)> {
    let mut rows: Vec<_> = got
        .into_iter()
        .map(|s| {
            (
                s.label,
                s.host,
                s.tags.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                s.data,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.0, &a.1, &a.2)
            .cmp(&(&b.0, &b.1, &b.2))
            .then(a.3[0].1.total_cmp(&b.3[0].1))
    });
    rows
}

#[tokio::test]
async fn kat_41_join_row_selection_and_metadata() {
    let db = kat_41_db().await;
    let query = |kind: &str, data: &str| {
        format!(
            "join(ts(cpu.load) AS ts1 {kind} JOIN ts(request.rate) AS ts2 USING(source, env), \
             metric='cpuPerRequest', source=ts1.source, env=ts1.env, service=ts2.service, {data})"
        )
    };
    let row = |host: Option<&str>, tags: &[&str], ratio: f64| {
        (
            "cpuPerRequest".to_owned(),
            host.map(str::to_owned),
            tags.iter()
                .map(|t| (*t).to_owned())
                .collect::<Vec<String>>(),
            at(&[(0, ratio), (60, ratio)]),
        )
    };
    // (L1,R1) 10/1, (L2,R2) 20/2, (L3,R3) 30/3, (L4,R1) 40/1, (L6,R3) 60/3.
    let inner = vec![
        row(Some("host-1"), &["env=prod", "service=shopping"], 10.0),
        row(Some("host-1"), &["env=prod", "service=shopping"], 40.0),
        row(Some("host-2"), &["env=dev", "service=shopping"], 10.0),
        row(Some("host-3"), &["env=prod", "service=checkout"], 10.0),
        row(Some("host-3"), &["env=prod", "service=checkout"], 20.0),
    ];
    let inner = kat_41_rows_sorted(inner);
    let got = kat_41_rows(db.q(&query("INNER", "ts1 / ts2"), S, E).await);
    assert_eq!(got, inner);
    // The bare JOIN is an inner join.
    let bare = kat_41_rows(db.q(&query("", "ts1 / ts2"), S, E).await);
    assert_eq!(bare, inner);

    // LEFT: the five, plus L5 alone (host-2, test, no service) at L5/1.
    let got = kat_41_rows(db.q(&query("LEFT", "ts1 / {ts2|1}"), S, E).await);
    let mut want = inner.clone();
    want.push((
        "cpuPerRequest".to_owned(),
        Some("host-2".to_owned()),
        vec!["env=test".to_owned()],
        at(&[(0, 50.0), (60, 100.0)]),
    ));
    assert_eq!(got, kat_41_rows_sorted(want));

    // RIGHT: the five, plus R4 alone (no source or env tags) at 0/R4 = 0.
    let got = kat_41_rows(db.q(&query("RIGHT OUTER", "{ts1|0} / ts2"), S, E).await);
    let mut want = inner.clone();
    want.push((
        "cpuPerRequest".to_owned(),
        None,
        vec!["service=checkout".to_owned()],
        at(&[(0, 0.0), (60, 0.0)]),
    ));
    assert_eq!(got, kat_41_rows_sorted(want));

    // Without a default for the missing side, the lone rows do not display.
    assert_eq!(
        kat_41_rows(db.q(&query("LEFT", "ts1 / ts2"), S, E).await),
        inner
    );
    assert_eq!(
        kat_41_rows(db.q(&query("RIGHT", "ts1 / ts2"), S, E).await),
        inner
    );
}

fn kat_41_rows_sorted(
    mut rows: Vec<(String, Option<String>, Vec<String>, Vec<(i64, f64)>)>,
) -> Vec<(String, Option<String>, Vec<String>, Vec<(i64, f64)>)> {
    rows.sort_by(|a, b| {
        (&a.0, &a.1, &a.2)
            .cmp(&(&b.0, &b.1, &b.2))
            .then(a.3[0].1.total_cmp(&b.3[0].1))
    });
    rows
}
