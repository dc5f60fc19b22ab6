//! The chart API over HTTP (`GET /api/v2/chart/api`): points sent to `/report` read back through
//! WQL, the `QueryResult` shape, errors as the API reports them, the Metrics permission and its
//! neighbours, and the per-query limits.

use crest_domain::clock::Clock as _;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, account_with, assert_error_envelope, call, json as json_of,
};

/// A minute-aligned time two hours back: behind the live edge, inside the retention.
pub(crate) fn t0() -> i64 {
    crest_domain::clock::SystemClock.now_millis() / 1000 / 60 * 60 - 7200
}

pub(crate) async fn report(app: &TestApp, body: &str) {
    let resp = app
        .admin(Method::POST, "/report")
        .header("content-type", "text/plain")
        .body(body.to_owned())
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status().as_u16(),
        202,
        "{}",
        resp.text().await.unwrap_or_default()
    );
}

/// `GET /api/v2/chart/api?<params>` as `token` (the administrator's when `None`).
pub(crate) async fn chart(
    app: &TestApp,
    token: Option<&str>,
    params: &[(&str, String)],
) -> (u16, Value) {
    let token = token.map_or_else(|| app.admin_token.clone(), str::to_owned);
    json_of(
        app.http
            .get(app.at("/api/v2/chart/api"))
            .query(params)
            .bearer_auth(token)
            .send()
            .await
            .expect("send"),
    )
    .await
}

pub(crate) fn window(q: &str, t0: i64, g: &str) -> Vec<(&'static str, String)> {
    vec![
        ("q", q.to_owned()),
        ("s", ((t0 - 600) * 1000).to_string()),
        ("e", ((t0 + 1200) * 1000).to_string()),
        ("g", g.to_owned()),
    ]
}

/// `{host: [[t, v], ...]}` of an answer's series.
pub(crate) fn by_host(answer: &Value) -> std::collections::BTreeMap<String, Value> {
    answer["timeseries"]
        .as_array()
        .expect("timeseries")
        .iter()
        .map(|s| {
            (
                s["host"].as_str().unwrap_or("").to_owned(),
                s["data"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn points_sent_to_report_are_read_back_through_the_query_language() {
    let app = TestApp::spawn().await;
    let t = t0();
    report(
        &app,
        &format!(
            "q.load 1 {t} source=a env=prod\nq.load 3 {t1} source=a env=prod\n\
             q.load 10 {t} source=b env=prod\nq.load 30 {t1} source=b env=prod\n",
            t1 = t + 60
        ),
    )
    .await;

    let (status, got) = chart(&app, None, &window("ts(q.load, source=a)", t, "s")).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["query"], "ts(q.load, source=a)");
    assert_eq!(
        got["name"], "ts(q.load, source=a)",
        "the name defaults to the query"
    );
    assert_eq!(got["granularity"], 1);
    assert!(got.get("errorType").is_none(), "{got}");
    assert_eq!(
        got["timeseries"],
        json!([{"label": "q.load", "host": "a", "tags": {"env": "prod"},
                "data": [[t, 1.0], [t + 60, 3.0]]}])
    );
    assert_eq!(got["stats"]["keys"], 1, "{got}");

    // An aggregation across sources, bucketed per minute; s and e in seconds work too.
    let mut params = window("sum(ts(q.load))", t, "m");
    params[1].1 = (t - 600).to_string();
    params[2].1 = (t + 1200).to_string();
    params.push(("n", "total".to_owned()));
    let (status, got) = chart(&app, None, &params).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["name"], "total");
    assert_eq!(got["granularity"], 60);
    let series = got["timeseries"].as_array().expect("series");
    assert_eq!(series.len(), 1, "{got}");
    assert_eq!(series[0]["data"], json!([[t, 11.0], [t + 60, 33.0]]));

    // Binary operators match series by source and tags.
    let (_, got) = chart(&app, None, &window("ts(q.load) * 2 - ts(q.load)", t, "s")).await;
    assert_eq!(
        by_host(&got),
        [
            ("a".to_owned(), json!([[t, 1.0], [t + 60, 3.0]])),
            ("b".to_owned(), json!([[t, 10.0], [t + 60, 30.0]]))
        ]
        .into_iter()
        .collect()
    );

    // Nothing matches: no series, no error.
    let (status, got) = chart(&app, None, &window("ts(\"no.such.metric\")", t, "m")).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["timeseries"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn source_tags_select_series_through_the_source_api() {
    let app = TestApp::spawn().await;
    let t = t0();
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/source",
        Some(json!({"id": "db-1", "tags": {"database": true}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    report(
        &app,
        &format!("q.io 1 {t} source=db-1\nq.io 2 {t} source=web-1\n"),
    )
    .await;
    let (_, got) = chart(&app, None, &window("ts(q.io, tag=database)", t, "s")).await;
    assert_eq!(by_host(&got).keys().collect::<Vec<_>>(), ["db-1"], "{got}");
    let (_, got) = chart(&app, None, &window("ts(q.io, not tag=database)", t, "s")).await;
    assert_eq!(by_host(&got).keys().collect::<Vec<_>>(), ["web-1"], "{got}");
    app.stop().await;
}

#[tokio::test]
async fn queries_that_cannot_run_say_why_in_the_answer() {
    let app = TestApp::spawn().await;
    let t = t0();
    for (q, error_type, says) in [
        ("sum(ts(x)", "QuerySyntaxError", "position"),
        ("ts(x) == ts(y)", "QuerySyntaxError", "position"),
        (
            "nosuchfunction(ts(x))",
            "QueryExecutionError",
            "nosuchfunction",
        ),
        ("ts(*)", "QueryExecutionError", "at least one filter"),
    ] {
        let (status, got) = chart(&app, None, &window(q, t, "m")).await;
        assert_eq!(status, 200, "{q}: {got}");
        assert_eq!(got["errorType"], error_type, "{q}: {got}");
        let message = got["errorMessage"].as_str().expect("a message");
        assert!(message.contains(says), "{q}: {message}");
        assert!(got.get("timeseries").is_none(), "{q}: {got}");
    }
    app.stop().await;
}

#[tokio::test]
async fn requests_the_api_cannot_read_are_refused_with_400() {
    let app = TestApp::spawn().await;
    let t = t0();
    let base = window("ts(x)", t, "m");
    let without = |name: &str| -> Vec<(&'static str, String)> {
        base.iter().filter(|(k, _)| *k != name).cloned().collect()
    };
    let with = |name: &'static str, value: &str| -> Vec<(&'static str, String)> {
        let mut p = base.clone();
        p.push((name, value.to_owned()));
        p
    };
    for (params, says) in [
        (without("q"), "q is required"),
        (without("s"), "s is required"),
        (without("g"), "g is required"),
        (with("queryType", "PROMQL"), "PROMQL"),
        (with("view", "HISTOGRAM"), "HISTOGRAM"),
        (with("summarization", "P99"), "summarization"),
        (with("strict", "maybe"), "strict"),
        (with("p", "0"), "p must be"),
    ] {
        let (status, got) = chart(&app, None, &params).await;
        assert_eq!(status, 400, "{params:?}: {got}");
        assert_error_envelope(&got, 400);
        let message = got["status"]["message"].as_str().expect("message");
        assert!(message.contains(says), "{params:?}: {message}");
    }
    let mut backwards = base.clone();
    backwards[1].1 = ((t + 2000) * 1000).to_string();
    let (status, got) = chart(&app, None, &backwards).await;
    assert_eq!(status, 400, "{got}");
    // g in any case, summarization in any case, WQL named explicitly: all fine.
    let mut fine = with("queryType", "WQL");
    fine[3].1 = "M".to_owned();
    fine.push(("summarization", "max".to_owned()));
    assert_eq!(chart(&app, None, &fine).await.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn service_accounts_query_only_with_the_metrics_permission() {
    let app = TestApp::spawn().await;
    let t = t0();
    report(&app, &format!("q.perm 1 {t} source=a\n")).await;
    let params = window("ts(q.perm)", t, "m");
    let reader = account_with(&app, "q-reader", &["metrics_management"]).await;
    let ingester = account_with(&app, "q-ingester", &["ingestion"]).await;
    let (status, got) = chart(&app, Some(&reader), &params).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["timeseries"].as_array().map(Vec::len), Some(1), "{got}");
    let (status, got) = chart(&app, Some(&ingester), &params).await;
    assert_eq!(status, 403, "{got}");
    assert_error_envelope(&got, 403);
    // The neighbours under the same rule: the raw points and the metric details.
    for path in [
        format!(
            "/api/v2/chart/raw?metric=q.perm&source=a&startTime={}",
            (t - 60) * 1000
        ),
        "/api/v2/chart/metric/detail?m=q.perm".to_owned(),
    ] {
        for (token, want) in [(&reader, 200), (&ingester, 403)] {
            let status = app
                .http
                .get(app.at(&path))
                .bearer_auth(token)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16();
            assert_eq!(status, want, "{path}");
        }
    }
    // No credential, or a wrong one: 401.
    let status = app
        .http
        .get(app.at("/api/v2/chart/api"))
        .query(&params)
        .send()
        .await
        .expect("send")
        .status();
    assert_eq!(status.as_u16(), 401);
    let (status, _) = chart(&app, Some("not-a-token"), &params).await;
    assert_eq!(status, 401);
    app.stop().await;
}

#[tokio::test]
async fn a_query_past_its_limits_is_terminated_and_says_which() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.query_max_series = Some(2);
        s.query_max_points = Some(5);
    })
    .await
    .expect("SQLite is always available");
    let t = t0();
    report(
        &app,
        &format!("q.wide 1 {t} source=a\nq.wide 1 {t} source=b\nq.wide 1 {t} source=c\n"),
    )
    .await;
    let (status, got) = chart(&app, None, &window("sum(ts(q.wide))", t, "m")).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["errorType"], "Timeout", "{got}");
    let message = got["errorMessage"].as_str().expect("message");
    assert!(
        message.starts_with("Terminating Query to save resources"),
        "{message}"
    );
    // Within the limits the same server answers.
    let (_, got) = chart(
        &app,
        None,
        &window("ts(q.wide, source=a or source=b)", t, "m"),
    )
    .await;
    assert_eq!(got["timeseries"].as_array().map(Vec::len), Some(2), "{got}");
    let body: String = (0..6)
        .map(|i| format!("q.long {i} {} source=a\n", t + i))
        .collect();
    report(&app, &body).await;
    let (_, got) = chart(&app, None, &window("ts(q.long)", t, "s")).await;
    assert_eq!(
        got["errorType"], "Timeout",
        "more points than allowed: {got}"
    );
    app.stop().await;
}

/// `ts(q.seen)` over the hour around `when` (epoch s), without or with `includeObsoleteMetrics`:
/// the sources answered.
async fn sources_around(app: &TestApp, when: i64, include: Option<&str>) -> Vec<String> {
    let mut params = window("ts(q.seen)", when, "m");
    if let Some(flag) = include {
        params.push(("includeObsoleteMetrics", flag.to_owned()));
    }
    let (status, got) = chart(app, None, &params).await;
    assert_eq!(status, 200, "{got}");
    assert!(got.get("errorType").is_none(), "{got}");
    by_host(&got).into_keys().collect()
}

#[tokio::test]
async fn series_that_stopped_reporting_are_hidden_unless_the_query_includes_them() {
    const DAY: i64 = 86_400;
    let (app, clock) = TestApp::spawn_with_clock().await;
    let now = clock.now_millis() / 1000 / 60 * 60;
    let recent = now - 7200;
    let old = now - 40 * DAY;
    report(
        &app,
        &format!(
            "q.seen 1 {old} source=gone\nq.seen 2 {old} source=still\nq.seen 3 {recent} source=still\n"
        ),
    )
    .await;
    // 40 days ago both reported, but `gone` has not since: obsolete after 28 days.
    assert_eq!(sources_around(&app, old, None).await, ["still"]);
    assert_eq!(sources_around(&app, old, Some("false")).await, ["still"]);
    assert_eq!(
        sources_around(&app, old, Some("true")).await,
        ["gone", "still"]
    );
    assert_eq!(sources_around(&app, recent, None).await, ["still"]);
    // 28 days on (the server's clock), `still` is obsolete too.
    clock.advance((28 * DAY + 3600) * 1000);
    assert!(sources_around(&app, recent, None).await.is_empty());
    assert_eq!(sources_around(&app, recent, Some("true")).await, ["still"]);
    let mut bad = window("ts(q.seen)", recent, "m");
    bad.push(("includeObsoleteMetrics", "maybe".to_owned()));
    let (status, got) = chart(&app, None, &bad).await;
    assert_eq!(status, 400, "{got}");
    app.stop().await;
}

#[tokio::test]
async fn the_obsolescence_period_is_configurable() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.query_obsolete_after_days = Some(50);
    })
    .await
    .expect("SQLite is always available");
    let old = t0() - 40 * 86_400;
    report(&app, &format!("q.seen 1 {old} source=gone\n")).await;
    assert_eq!(sources_around(&app, old, None).await, ["gone"]);
    app.stop().await;
}
