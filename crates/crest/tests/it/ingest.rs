//! Data in and the reads that prove it, over HTTP: `/report` in every format and encoding the
//! clients use, its permission and its answers, the raw-points query, the metric details, and the
//! sources that reporting creates and tags.

use std::io::Write as _;

use crest_domain::clock::Clock as _;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, account_with, assert_error_envelope, call, json as json_of,
};

fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).expect("gzip");
    encoder.finish().expect("gzip")
}

/// Posts `body` to `/report?f=format` with `token`; the status and the answer's JSON (if any).
async fn report(
    app: &TestApp,
    token: Option<&str>,
    format: Option<&str>,
    body: impl Into<reqwest::Body>,
    content_type: &str,
) -> (u16, Value) {
    let path = match format {
        Some(f) => format!("/report?f={f}"),
        None => "/report".to_owned(),
    };
    let mut req = app
        .http
        .post(app.at(&path))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("send");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) async fn send(app: &TestApp, body: &str) -> (u16, Value) {
    report(
        app,
        Some(&app.admin_token.clone()),
        None,
        body.to_owned(),
        "application/octet-stream",
    )
    .await
}

fn now_s(app: &TestApp) -> i64 {
    let _ = app;
    crest_domain::clock::SystemClock.now_millis() / 1000
}

/// `[(timestamp, value)]` of every series of `metric` on `source`, with their tags.
pub(crate) async fn raw(
    app: &TestApp,
    metric: &str,
    source: &str,
    start_ms: i64,
) -> Vec<(Vec<(i64, f64)>, Value)> {
    let (status, got) = call(
        app,
        Method::GET,
        &format!("/api/v2/chart/raw?metric={metric}&source={source}&startTime={start_ms}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    got.as_array()
        .expect("a list")
        .iter()
        .map(|s| {
            let points = s["points"]
                .as_array()
                .expect("points")
                .iter()
                .map(|p| {
                    (
                        p["timestamp"].as_i64().expect("ts"),
                        p["value"].as_f64().expect("value"),
                    )
                })
                .collect();
            (points, s["tags"].clone())
        })
        .collect()
}

#[tokio::test]
async fn points_sent_plain_or_gzip_are_read_back_exactly() {
    let app = TestApp::spawn().await;
    let t = now_s(&app) - 30;
    let body = format!(
        "\"cpu.user\" 0.30000000000000004 {t} source=\"Web-1\" \"dc\"=\"eu west\"\n\n\
         cpu.user 2 {t_ms} source=web-1 dc=\"eu west\"\n\
         cpu.user 7 {t_next} host=web-1 tag=x\n",
        t_ms = t * 1000 + 400,
        t_next = (t + 1) * 1_000_000_000,
    );
    let (status, got) = report(
        &app,
        Some(&app.admin_token.clone()),
        Some("wavefront"),
        gzip(&body),
        "application/octet-stream",
    )
    .await;
    assert_eq!(status, 202, "{got}");
    assert_eq!(got["status"]["result"], "OK", "{got}");
    let series = raw(&app, "cpu.user", "web-1", (t - 60) * 1000).await;
    assert_eq!(series.len(), 2, "{series:?}");
    let dc = series
        .iter()
        .find(|(_, tags)| tags["dc"] == "eu west")
        .expect("the dc series");
    // Two points in one second: averaged, stamped at the second.
    assert_eq!(dc.0, vec![(t * 1000, (0.30000000000000004 + 2.0) / 2.0)]);
    let tagged = series
        .iter()
        .find(|(_, tags)| tags["_tag"] == "x")
        .expect("tag became _tag");
    assert_eq!(tagged.0, vec![((t + 1) * 1000, 7.0)]);
    // The source is found in any case, as the Source API finds it.
    assert_eq!(
        raw(&app, "cpu.user", "WEB-1", (t - 60) * 1000).await.len(),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn every_value_is_kept_bit_for_bit() {
    let app = TestApp::spawn().await;
    let t = now_s(&app) - 100;
    let values = [
        0.1,
        -0.0,
        1e-300,
        123456.789012345,
        9007199254740993.0,
        f64::MAX,
        std::f64::consts::PI,
    ];
    let body: String = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("exact {v:e} {} source=s\n", t + i as i64))
        .collect();
    assert_eq!(send(&app, &body).await.0, 202);
    let got = raw(&app, "exact", "s", (t - 1) * 1000).await;
    let read: Vec<u64> = got[0].0.iter().map(|(_, v)| v.to_bits()).collect();
    let sent: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
    assert_eq!(read, sent);
    app.stop().await;
}

#[tokio::test]
async fn ingestion_needs_the_direct_data_ingestion_permission() {
    let app = TestApp::spawn().await;
    let line = "m 1 source=x\n";
    let none = account_with(&app, "nothing", &[]).await;
    let metrics = account_with(&app, "reader", &["metrics_management"]).await;
    let ingest = account_with(&app, "writer", &["ingestion"]).await;
    let (status, body) = report(&app, None, None, line, "text/plain").await;
    assert_eq!(status, 401);
    assert_error_envelope(&body, 401);
    for token in [&none, &metrics] {
        let (status, body) = report(&app, Some(token), None, line, "text/plain").await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body["status"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("Direct Data Ingestion"),
            "{body}"
        );
    }
    assert_eq!(
        report(&app, Some(&ingest), None, line, "text/plain")
            .await
            .0,
        202
    );
    // A service account reads points only with Metrics; the ingesting one has not.
    let raw_path = "/api/v2/chart/raw?metric=m&source=x";
    for (token, want) in [(&ingest, 403), (&metrics, 200), (&none, 403)] {
        let resp = app
            .http
            .get(app.at(raw_path))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), want);
        let resp = app
            .http
            .get(app.at("/api/v2/chart/metric/detail?m=m"))
            .bearer_auth(token)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status().as_u16(), want);
    }
    app.stop().await;
}

#[tokio::test]
async fn bodies_arrive_as_every_content_type_the_clients_use() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    for (i, content_type) in [
        "application/octet-stream",
        "text/plain",
        "application/x-www-form-urlencoded",
    ]
    .into_iter()
    .enumerate()
    {
        let (status, got) = report(
            &app,
            Some(&token),
            None,
            format!("ct.{i} 1 source=ct\n"),
            content_type,
        )
        .await;
        assert_eq!(status, 202, "{content_type}: {got}");
        assert_eq!(
            raw(&app, &format!("ct.{i}"), "ct", (now_s(&app) - 60) * 1000)
                .await
                .len(),
            1
        );
    }
    // graphite_v2 is the same format.
    let (status, _) = report(
        &app,
        Some(&token),
        Some("graphite_v2"),
        "ct.g 1 source=ct\n",
        "text/plain",
    )
    .await;
    assert_eq!(status, 202);
    app.stop().await;
}

#[tokio::test]
async fn bad_lines_are_refused_with_their_line_and_the_good_ones_kept() {
    let app = TestApp::spawn().await;
    let (status, got) = send(
        &app,
        "good.one 1 source=a\nbad line without value\ngood.two 2 source=a\n",
    )
    .await;
    assert_eq!(status, 202, "{got}");
    let message = got["status"]["message"].as_str().expect("message");
    assert!(
        message.contains("2 line(s) accepted, 1 refused"),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");
    let since = (now_s(&app) - 60) * 1000;
    assert_eq!(raw(&app, "good.two", "a", since).await.len(), 1);

    let (status, got) = send(&app, "total garbage\n").await;
    assert_eq!(status, 400, "{got}");
    assert_error_envelope(&got, 400);
    let long = format!("m 1 source={}\n", "s".repeat(2000));
    let (status, got) = send(&app, &long).await;
    assert_eq!(status, 400);
    assert!(
        got["status"]["message"]
            .as_str()
            .expect("message")
            .contains("WF-407"),
        "{got}"
    );
    let (status, _) = send(&app, "").await;
    assert_eq!(status, 400, "an empty body takes nothing");
    app.stop().await;
}

#[tokio::test]
async fn formats_not_built_yet_are_named_not_404() {
    let app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    for f in ["trace", "spanLogs", "event", "log"] {
        let (status, got) = report(&app, Some(&token), Some(f), "x\n", "text/plain").await;
        assert_eq!(status, 400, "{f}: {got}");
        assert!(
            got["status"]["message"]
                .as_str()
                .expect("message")
                .contains(f),
            "{got}"
        );
    }
    let (status, got) = report(&app, Some(&token), Some("nonsense"), "x\n", "text/plain").await;
    assert_eq!(status, 400);
    assert!(
        got["status"]["message"]
            .as_str()
            .expect("message")
            .contains("nonsense"),
        "{got}"
    );
    app.stop().await;
}

#[tokio::test]
async fn distributions_are_taken_with_f_histogram() {
    let app = TestApp::spawn().await;
    let t = now_s(&app) - 120;
    let line = format!("!M {t} #20 30.0 #10 5.1 \"request.latency\" source=\"app-1\" region=us\n");
    let (status, got) = report(
        &app,
        Some(&app.admin_token.clone()),
        Some("histogram"),
        line.clone(),
        "text/plain",
    )
    .await;
    assert_eq!(status, 202, "{got}");
    // Without f=histogram the line is not a point.
    assert_eq!(send(&app, &line).await.0, 400);
    app.stop().await;
}

#[tokio::test]
async fn reporting_sources_become_sources_and_source_tag_lines_tag_them() {
    let app = TestApp::spawn().await;
    let body = "m 1 source=Tagged-Host\n\
                @SourceTag action=add source=tagged-host web prod\n\
                @SourceDescription action=save source=tagged-host \"front-end web server\"\n";
    let (status, got) = send(&app, body).await;
    assert_eq!(status, 202, "{got}");
    let (status, source) = call(&app, Method::GET, "/api/v2/source/tagged-host", None).await;
    assert_eq!(status, 200, "{source}");
    assert_eq!(source["response"]["description"], "front-end web server");
    assert_eq!(
        source["response"]["tags"],
        json!({"prod": true, "web": true})
    );
    assert_eq!(source["response"]["creatorId"], crate::support::ADMIN);
    let (status, _) = report(
        &app,
        Some(&app.admin_token.clone()),
        Some("sourceTag"),
        "@SourceTag action=delete source=tagged-host prod\n",
        "text/plain",
    )
    .await;
    assert_eq!(status, 202);
    let (_, tags) = call(&app, Method::GET, "/api/v2/source/tagged-host/tag", None).await;
    assert_eq!(tags["response"]["items"], json!(["web"]));
    // A source that only reports points is registered too, just after the acknowledgement (by
    // a task of its own: asked again until it is there, without sleeping).
    assert_eq!(send(&app, "m 1 source=quiet-host\n").await.0, 202);
    let mut found = false;
    for _ in 0..2_000 {
        let (status, _) = call(&app, Method::GET, "/api/v2/source/quiet-host", None).await;
        if status == 200 {
            found = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(found, "the reporting source was registered");
    app.stop().await;
}

#[tokio::test]
async fn metric_details_list_each_series_by_source_with_globs_and_pages() {
    let app = TestApp::spawn().await;
    let t = now_s(&app) - 10;
    let lines: String = (0..5)
        .map(|i| format!("detail {i} {} source=host-{i} az=z{i}\n", t + i))
        .collect();
    assert_eq!(send(&app, &lines).await.0, 202);
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=detail",
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let hosts = got["hosts"].as_array().expect("hosts");
    assert_eq!(hosts.len(), 5);
    assert_eq!(
        hosts[2],
        json!({"host": "host-2", "last_update": (t + 2) * 1000, "tags": {"az": "z2"}})
    );
    assert!(got.get("continuationToken").is_none());
    let (_, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=detail&h=host-1&h=*-4",
        None,
    )
    .await;
    let names: Vec<&str> = got["hosts"]
        .as_array()
        .expect("hosts")
        .iter()
        .map(|h| h["host"].as_str().expect("host"))
        .collect();
    assert_eq!(names, ["host-1", "host-4"]);
    // Pages of two, by cursor.
    let mut seen = Vec::new();
    let mut path = "/api/v2/chart/metric/detail?m=detail&l=2".to_owned();
    loop {
        let (status, page) = call(&app, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{page}");
        for h in page["hosts"].as_array().expect("hosts") {
            seen.push(h["host"].as_str().expect("host").to_owned());
        }
        match page["continuationToken"].as_str() {
            Some(c) => path = format!("/api/v2/chart/metric/detail?m=detail&l=2&c={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["host-0", "host-1", "host-2", "host-3", "host-4"]);
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=detail&l=0",
        None,
    )
    .await;
    assert_eq!(status, 400, "{got}");
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=detail&c=zz",
        None,
    )
    .await;
    assert_eq!(status, 400, "{got}");
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=nothing",
        None,
    )
    .await;
    assert_eq!((status, got["hosts"].clone()), (200, json!([])));
    app.stop().await;
}

#[tokio::test]
async fn raw_queries_refuse_what_the_api_does_not_allow() {
    let app = TestApp::spawn().await;
    let now = now_s(&app) * 1000;
    for (path, why) in [
        ("/api/v2/chart/raw?source=a".to_owned(), "metric"),
        ("/api/v2/chart/raw?metric=m".to_owned(), "source"),
        (
            "/api/v2/chart/raw?metric=m*&source=a".to_owned(),
            "wildcard",
        ),
        (
            format!(
                "/api/v2/chart/raw?metric=m&source=a&startTime={}",
                now - 25 * 3_600_000
            ),
            "a day",
        ),
        (
            "/api/v2/chart/raw?metric=m&source=a&startTime=x".to_owned(),
            "startTime",
        ),
        (
            format!(
                "/api/v2/chart/raw?metric=m&source=a&startTime={now}&endTime={}",
                now - 1000
            ),
            "before",
        ),
    ] {
        let (status, got) = call(&app, Method::GET, &path, None).await;
        assert_eq!(status, 400, "{path}: {got}");
        assert!(
            got["status"]["message"]
                .as_str()
                .expect("message")
                .contains(why),
            "{path}: {got}"
        );
    }
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/raw?metric=none&host=a",
        None,
    )
    .await;
    assert_eq!((status, got), (200, json!([])));
    app.stop().await;
}

#[tokio::test]
async fn acknowledged_points_survive_a_restart() {
    let mut app = TestApp::spawn().await;
    let t = now_s(&app) - 100;
    let lines: String = (0..50)
        .map(|i| format!("durable {i} {} source=d\n", t + i))
        .collect();
    assert_eq!(send(&app, &lines).await.0, 202);
    let token = app.admin_token.clone();
    app.restart_with_token(&token).await;
    let got = raw(&app, "durable", "d", (t - 1) * 1000).await;
    let values: Vec<f64> = got[0].0.iter().map(|(_, v)| *v).collect();
    assert_eq!(values, (0..50).map(f64::from).collect::<Vec<_>>());
    // More points after the restart join the same series.
    assert_eq!(
        send(&app, &format!("durable 50 {} source=d\n", t + 50))
            .await
            .0,
        202
    );
    assert_eq!(
        raw(&app, "durable", "d", (t - 1) * 1000).await[0].0.len(),
        51
    );
    app.stop().await;
}

#[tokio::test]
async fn the_data_path_works_when_the_metadata_is_in_postgresql() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    let t = now_s(&app) - 10;
    assert_eq!(
        send(&app, &format!("pg.metric 4.5 {t} source=pg-host\n"))
            .await
            .0,
        202
    );
    assert_eq!(
        raw(&app, "pg.metric", "pg-host", (t - 1) * 1000).await[0].0,
        vec![(t * 1000, 4.5)]
    );
    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/chart/metric/detail?m=pg.metric",
        None,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["hosts"][0]["host"], "pg-host");
    app.stop().await;
}

#[tokio::test]
async fn a_gzip_bomb_is_refused_without_filling_memory() {
    let app = TestApp::spawn().await;
    // 100 MB of newlines compress to about 100 KB.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b'\n'; 1 << 20];
    for _ in 0..100 {
        encoder.write_all(&chunk).expect("gzip");
    }
    let bomb = encoder.finish().expect("gzip");
    let (status, got) = report(
        &app,
        Some(&app.admin_token.clone()),
        None,
        bomb,
        "application/octet-stream",
    )
    .await;
    assert_eq!(status, 400, "{got}");
    assert!(
        got["status"]["message"]
            .as_str()
            .expect("message")
            .contains("67108864"),
        "{got}"
    );
    let _ = json_of;
    app.stop().await;
}
