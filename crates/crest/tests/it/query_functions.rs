//! The last Tier 2 query functions over HTTP (`GET /api/v2/chart/api`) on points sent to
//! `/report`: Prometheus and GCP buckets (`cumulativePercentile`, `cumulativeHisto`,
//! `frequencyHisto`), `haversine`, `random`, and the calendar functions in IANA time zones.

use serde_json::Value;

use crate::query::{by_host, chart, report, t0, window};
use crate::support::TestApp;

/// The answer's one series' `[t, v]` points, after checking the answer is not an error.
fn points(got: &Value) -> Vec<(i64, f64)> {
    assert!(got.get("errorType").is_none(), "{got}");
    let series = got["timeseries"].as_array().expect("timeseries");
    assert_eq!(series.len(), 1, "{got}");
    series[0]["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|p| (p[0].as_i64().expect("t"), p[1].as_f64().expect("v")))
        .collect()
}

#[track_caller]
fn close(got: &[(i64, f64)], want: &[(i64, f64)]) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for ((gt, gv), (wt, wv)) in got.iter().zip(want) {
        assert_eq!(gt, wt, "got {got:?}, want {want:?}");
        assert!(
            (gv - wv).abs() <= 1e-9 * wv.abs().max(1.0),
            "got {got:?}, want {want:?}"
        );
    }
}

#[tokio::test]
async fn prometheus_and_gcp_buckets_become_percentiles_and_distributions() {
    let app = TestApp::spawn().await;
    let t = t0();
    let t1 = t + 60;
    // at t: 2 values up to 1, 4 more up to 2, 4 more up to 4; at t1: 4 in each, 4 above 4
    let mut lines = String::new();
    for (le, v0, v1) in [
        ("1", 2, 4),
        ("2", 6, 8),
        ("4", 10, 12),
        ("\"+Inf\"", 10, 16),
    ] {
        lines.push_str(&format!(
            "api.latency_bucket {v0} {t} source=web le={le}\napi.latency_bucket {v1} {t1} source=web le={le}\n"
        ));
    }
    for (lt, v) in [("1", 2), ("2", 4), ("4", 4), ("\"+Inf\"", 1)] {
        lines.push_str(&format!("gcp.latency.bucket {v} {t} source=gcp lt={lt}\n"));
    }
    report(&app, &lines).await;

    // rank 5 of 10 in (1, 2]: 1 + 3/4; at t1, rank 8 of 16 reaches the top of (1, 2]
    let (status, got) = chart(
        &app,
        None,
        &window("cumulativePercentile(50, ts(api.latency_bucket))", t, "s"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    close(&points(&got), &[(t, 1.75), (t1, 2.0)]);
    assert_eq!(got["timeseries"][0]["label"], "api.latency_bucket");
    assert_eq!(
        got["timeseries"][0].get("tags").and_then(|t| t.get("le")),
        None
    );

    // as distributions, one a minute: 0.5 ×2, 1.5 ×4, 3 ×4 (median 1.5); then 0.5, 1.5, 3 and
    // 4 (the +Inf bucket at the highest bound) ×4 each: ranks 8.5 of 16, between 1.5 and 3
    let (_, got) = chart(
        &app,
        None,
        &window(
            "percentile(50, cumulativeHisto(1m, ts(api.latency_bucket)))",
            t,
            "s",
        ),
    )
    .await;
    close(&points(&got), &[(t, 1.5), (t1, 2.25)]);
    // a histogram at the top of a chart shows its median
    let (_, got) = chart(
        &app,
        None,
        &window("cumulativeHisto(ts(api.latency_bucket), sources)", t, "s"),
    )
    .await;
    assert_eq!(by_host(&got).keys().collect::<Vec<_>>(), ["web"], "{got}");
    close(&points(&got), &[(t, 1.5), (t1, 2.25)]);

    // GCP: 0.5 ×2, 1.5 ×4, 3 ×4, 4 ×1; at 90 %, position 10.8 of 11: 3 + 0.8
    let (_, got) = chart(
        &app,
        None,
        &window(
            "percentile(90, frequencyHisto(ts(gcp.latency.bucket)))",
            t,
            "s",
        ),
    )
    .await;
    close(&points(&got), &[(t, 3.8)]);
    let (_, got) = chart(
        &app,
        None,
        &window("count(frequencyHisto(ts(gcp.latency.bucket)))", t, "s"),
    )
    .await;
    close(&points(&got), &[(t, 11.0)]);
    app.stop().await;
}

#[tokio::test]
async fn haversine_answers_miles_between_reported_positions() {
    let app = TestApp::spawn().await;
    let t = t0();
    // a truck on the equator, at longitude 0, 45 and 90 a minute apart
    report(
        &app,
        &format!(
            "truck.lat 0 {t} source=truck-1\ntruck.lat 0 {t2} source=truck-1\n\
             truck.long 0 {t} source=truck-1\ntruck.long 45 {t1} source=truck-1\n\
             truck.long 90 {t2} source=truck-1\n",
            t1 = t + 60,
            t2 = t + 120
        ),
    )
    .await;
    // from (0, 0): a quarter of the equator is π/2 × 3963 miles
    let quarter = 3963.0 * std::f64::consts::FRAC_PI_2;
    let (status, got) = chart(
        &app,
        None,
        &window("haversine(ts(truck.lat), ts(truck.long), 0, 0)", t, "s"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    close(
        &points(&got),
        &[(t, 0.0), (t + 60, quarter / 2.0), (t + 120, quarter)],
    );
    assert_eq!(got["timeseries"][0]["host"], "truck-1");
    // the docs' example: Palo Alto - Berlin, 4903.81
    let (_, got) = chart(
        &app,
        None,
        &window("haversine(37.4419, 122.1430, 52.5200, 13.4050)", t, "m"),
    )
    .await;
    let d = points(&got);
    assert!(d.iter().all(|(_, v)| (v - 4903.81).abs() < 0.005), "{d:?}");
    app.stop().await;
}

#[tokio::test]
async fn random_answers_the_same_for_the_same_query() {
    let app = TestApp::spawn().await;
    let t = t0();
    report(
        &app,
        &(1..=10)
            .map(|i| format!("fleet.load {i} {t} source=host-{i}\n"))
            .collect::<String>(),
    )
    .await;
    let (status, first) = chart(&app, None, &window("random(3, ts(fleet.load))", t, "m")).await;
    assert_eq!(status, 200, "{first}");
    let chosen = by_host(&first);
    assert_eq!(chosen.len(), 3, "{first}");
    let (_, again) = chart(&app, None, &window("random(3, ts(fleet.load))", t, "m")).await;
    assert_eq!(by_host(&again), chosen);
    let (_, half) = chart(&app, None, &window("random(50%, ts(fleet.load))", t, "m")).await;
    assert_eq!(by_host(&half).len(), 5, "{half}");

    let (_, values) = chart(&app, None, &window("random()", t, "m")).await;
    let v = points(&values);
    // the window is 30 minutes
    assert_eq!(v.len(), 30, "{values}");
    assert!(v.iter().all(|(_, x)| (0.0..1.0).contains(x)), "{v:?}");
    let (_, repeated) = chart(&app, None, &window("random()", t, "m")).await;
    assert_eq!(points(&repeated), v);
    app.stop().await;
}

#[tokio::test]
async fn calendar_functions_take_iana_time_zones() {
    let app = TestApp::spawn().await;
    let t = t0();
    report(&app, &format!("clock.tick 1 {t} source=wall\n")).await;
    // Kolkata is UTC+5:30 all year: the hour of the point is its UTC hour plus 5.5, modulo 24
    let utc_hour = (t.rem_euclid(86_400)) as f64 / 3600.0;
    let (status, got) = chart(
        &app,
        None,
        &window("hour(\"Asia/Kolkata\", ts(clock.tick))", t, "s"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    close(&points(&got), &[(t, (utc_hour + 5.5) % 24.0)]);

    // New York springs forward on 2024-03-10: 01:59 EST, then 03:00 EDT a minute later
    let before = 1_710_053_940;
    let params = vec![
        ("q", "hour(\"America/New_York\")".to_owned()),
        ("s", before.to_string()),
        ("e", (before + 120).to_string()),
        ("g", "m".to_owned()),
    ];
    let (status, got) = chart(&app, None, &params).await;
    assert_eq!(status, 200, "{got}");
    close(
        &points(&got),
        &[(before, 1.0 + 59.0 / 60.0), (before + 60, 3.0)],
    );

    // an unknown zone is an error naming it
    let (_, got) = chart(&app, None, &window("hour(\"Europe/Atlantis\")", t, "m")).await;
    assert_eq!(got["errorType"], "QueryExecutionError", "{got}");
    let message = got["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("Europe/Atlantis"), "{message}");
    assert!(got.get("timeseries").is_none(), "{got}");
    app.stop().await;
}
