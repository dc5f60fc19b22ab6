//! Events in chart queries over HTTP: `events()` answered as `QueryEvent`s (the exact wire
//! shape), KAT-42's window rule and `count()` over events made through the Event API,
//! `autoEvents`, event sets refused where series are expected, and the related-event searches
//! (`/api/v2/search/event/related/{id}` and `/withAnomalies`).

use crest_domain::clock::Clock as _;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, assert_error_envelope, call, json as json_of};

/// A minute-aligned time (seconds) two hours back: all of KAT-42's events lie in the past.
fn t0() -> i64 {
    crest_domain::clock::SystemClock.now_millis() / 1000 / 60 * 60 - 7200
}

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, got) = call(app, Method::POST, "/api/v2/event", Some(body)).await;
    assert_eq!(status, 200, "{got}");
    got["response"].clone()
}

/// An event from `start` to `end` (epoch seconds; `None`: open) with these sources.
async fn event(app: &TestApp, name: &str, start: i64, end: Option<i64>, hosts: &[&str]) -> Value {
    let mut body = json!({
        "name": name,
        "startTime": start * 1000,
        "annotations": {"severity": "info", "type": "kat"},
        "hosts": hosts,
    });
    if let Some(end) = end {
        body["endTime"] = json!(end * 1000);
    }
    create(app, body).await
}

async fn chart(app: &TestApp, q: &str, s: i64, e: i64, extra: &[(&str, &str)]) -> Value {
    let mut params = vec![
        ("q", q.to_owned()),
        ("s", (s * 1000).to_string()),
        ("e", (e * 1000).to_string()),
        ("g", "s".to_owned()),
    ];
    params.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let (status, got) = json_of(
        app.http
            .get(app.at("/api/v2/chart/api"))
            .query(&params)
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    got
}

fn names(answer: &Value) -> Vec<String> {
    answer["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events: {answer}"))
        .iter()
        .map(|e| e["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn kat_42_through_the_chart_api() {
    kat_42(&TestApp::spawn().await).await;
}

#[tokio::test]
async fn kat_42_through_the_chart_api_on_postgres() {
    let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    kat_42(&app).await;
    app.stop().await;
}

async fn kat_42(app: &TestApp) {
    let b = t0() - 1000;
    let rows: [(&str, i64, Option<i64>); 9] = [
        ("E1", 100, Some(200)),
        ("E2", 1100, Some(1900)),
        ("E3", 900, Some(1100)),
        ("E4", 900, Some(2100)),
        ("E5", 900, None),
        ("E6", 1100, Some(2100)),
        ("E7", 2100, None),
        ("E8", 1100, None),
        ("E9", 2100, Some(2200)),
    ];
    for (name, start, end) in rows {
        event(app, name, b + start, end.map(|e| b + e), &[]).await;
    }
    let got = chart(app, "events(type=kat)", b + 1000, b + 2000, &[]).await;
    let mut shown = names(&got);
    shown.sort();
    assert_eq!(shown, ["E2", "E3", "E5", "E6", "E8"]);
    assert_eq!(got["timeseries"], json!([]));

    let a = event(app, "A", b + 1100, Some(b + 1500), &[]).await;
    // an instant: the Event API stores an end equal to the start as start + 1 ms
    event(app, "B", b + 1200, Some(b + 1200), &[]).await;
    let got = chart(
        app,
        r#"count(events(name="A" or name="B"))"#,
        b + 1000,
        b + 2000,
        &[],
    )
    .await;
    assert_eq!(
        got["timeseries"][0]["data"],
        json!([[b + 1100, 1.0], [b + 1200, 0.0], [b + 1500, -1.0]]),
        "{got}"
    );
    assert_eq!(a["endTime"], json!((b + 1500) * 1000));
}

#[tokio::test]
async fn events_answer_the_query_event_shape() {
    let app = TestApp::spawn().await;
    let t = t0();
    create(
        &app,
        json!({
            "name": "deploy 1",
            "startTime": t * 1000,
            "endTime": (t + 60) * 1000,
            "annotations": {"severity": "warn", "type": "deploy", "details": "v1.2"},
            "hosts": ["app-1"],
            "tags": ["codepush"],
        }),
    )
    .await;
    create(
        &app,
        json!({"name": "incident", "startTime": (t + 30) * 1000, "annotations": {"severity": "severe"}}),
    )
    .await;
    let got = chart(
        &app,
        r#"events(eventTag="codepush")"#,
        t - 600,
        t + 600,
        &[],
    )
    .await;
    assert_eq!(
        got["events"],
        json!([{
            "name": "deploy 1",
            "start": t * 1000,
            "end": (t + 60) * 1000,
            "hosts": ["app-1"],
            "tags": {"severity": "warn", "type": "deploy", "details": "v1.2"},
            "isEphemeral": false,
        }])
    );
    let open = chart(&app, "events() - closed(events())", t - 600, t + 600, &[]).await;
    assert_eq!(names(&open), ["incident"]);
    assert!(open["events"][0].get("end").is_none(), "{open}");
    let synthetic = chart(&app, "since(events(name=incident))", t - 600, t + 600, &[]).await;
    assert_eq!(synthetic["events"][0]["isEphemeral"], true);
}

#[tokio::test]
async fn auto_events_attach_the_events_of_the_charted_sources() {
    let app = TestApp::spawn().await;
    let t = t0();
    let resp = app
        .admin(Method::POST, "/report")
        .header("content-type", "text/plain")
        .body(format!(
            "cpu 1 {t} source=app-1\ncpu 2 {} source=app-1\n",
            t + 60
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 202);
    event(&app, "mine", t + 10, Some(t + 20), &["app-1"]).await;
    event(&app, "theirs", t + 10, Some(t + 20), &["app-2"]).await;
    let with = chart(&app, "ts(cpu)", t - 600, t + 600, &[("autoEvents", "true")]).await;
    assert_eq!(
        with["timeseries"].as_array().map(Vec::len),
        Some(1),
        "{with}"
    );
    assert_eq!(names(&with), ["mine"]);
    let without = chart(&app, "ts(cpu)", t - 600, t + 600, &[]).await;
    assert!(without.get("events").is_none(), "{without}");
}

#[tokio::test]
async fn event_sets_where_series_are_expected_are_query_errors_naming_the_problem() {
    let app = TestApp::spawn().await;
    let t = t0();
    for (q, want) in [
        ("events() + 1", "gives a set of events, not time series"),
        ("events(colour=red)", "events() has no filter 'colour'"),
    ] {
        let got = chart(&app, q, t - 600, t + 600, &[]).await;
        assert_eq!(got["errorType"], "QueryExecutionError", "{q}: {got}");
        assert!(
            got["errorMessage"]
                .as_str()
                .is_some_and(|m| m.contains(want)),
            "{q}: {got}"
        );
    }
}

fn enc(id: &str) -> String {
    id.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn related_events_overlap_and_share_a_source_or_tag() {
    let app = TestApp::spawn().await;
    let t = t0();
    let base = create(
        &app,
        json!({"name": "outage", "startTime": t * 1000, "endTime": (t + 600) * 1000,
               "annotations": {}, "hosts": ["db-1", "db-2"], "tags": ["storage"]}),
    )
    .await;
    create(
        &app,
        json!({"name": "same host", "startTime": (t + 60) * 1000, "endTime": (t + 120) * 1000,
               "annotations": {}, "hosts": ["db-1"]}),
    )
    .await;
    create(
        &app,
        json!({"name": "same tag and host", "startTime": (t + 300) * 1000, "endTime": (t + 900) * 1000,
               "annotations": {}, "hosts": ["db-2"], "tags": ["storage"]}),
    )
    .await;
    create(
        &app,
        json!({"name": "unrelated", "startTime": (t + 60) * 1000, "endTime": (t + 120) * 1000,
               "annotations": {}, "hosts": ["web-1"]}),
    )
    .await;
    create(
        &app,
        json!({"name": "later", "startTime": (t + 1200) * 1000, "endTime": (t + 1300) * 1000,
               "annotations": {}, "hosts": ["db-1"]}),
    )
    .await;
    let id = base["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v2/search/event/related/{}", enc(&id));

    let (status, got) = call(&app, Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{got}");
    let items = got["response"]["items"].as_array().expect("items").clone();
    let found: Vec<&str> = items.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(found, ["same tag and host", "same host"], "{got}");
    // {db-2, storage} shared of {db-1, db-2, storage}: 2/3; {db-1} of {db-1, db-2, storage}: 1/3
    let score = |i: usize| items[i]["similarityScore"].as_f64().unwrap();
    assert!((score(0) - 2.0 / 3.0).abs() < 1e-9 && (score(1) - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(items[0]["relatedData"]["relatedId"], json!(id));
    assert_eq!(items[0]["relatedData"]["commonSources"], json!(["db-2"]));
    assert_eq!(got["response"]["moreItems"], false);

    let (_, by_score) = call(
        &app,
        Method::POST,
        &path,
        Some(json!({"sortScoreMethod": "SCORE_ASC", "limit": 1})),
    )
    .await;
    assert_eq!(by_score["response"]["items"][0]["name"], "same host");
    assert_eq!(by_score["response"]["moreItems"], true);
    let cursor = by_score["response"]["cursor"].clone();
    let (_, next) = call(
        &app,
        Method::POST,
        &path,
        Some(json!({"sortScoreMethod": "SCORE_ASC", "limit": 1, "cursor": cursor})),
    )
    .await;
    assert_eq!(
        next["response"]["items"][0]["name"], "same tag and host",
        "{next}"
    );

    let (_, narrowed) = call(
        &app,
        Method::POST,
        &path,
        Some(json!({"query": [{"key": "name", "value": "same host", "matchingMethod": "EXACT"}]})),
    )
    .await;
    assert_eq!(
        narrowed["response"]["items"].as_array().map(Vec::len),
        Some(1)
    );

    let (status, anomalies) =
        call(&app, Method::POST, &format!("{path}/withAnomalies"), None).await;
    assert_eq!(status, 200, "{anomalies}");
    let first = &anomalies["response"]["items"][0];
    assert_eq!(first["relatedEventDTO"]["name"], "same tag and host");
    assert!(first.get("relatedAnomalyDTO").is_none());
    assert!((first["similarityScore"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);

    let (status, missing) = call(
        &app,
        Method::POST,
        "/api/v2/search/event/related/1%3Anothing",
        None,
    )
    .await;
    assert_eq!(status, 404, "{missing}");
    assert_error_envelope(&missing, 404);
    let (status, bad) = call(
        &app,
        Method::POST,
        &path,
        Some(json!({"sortScoreMethod": "LOUDEST"})),
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    assert_error_envelope(&bad, 400);
}
