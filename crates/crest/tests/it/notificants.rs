//! Alert targets over HTTP: the Notificant API and its Webhook alias, search and facets, who may
//! write, and real delivery of the test notification to a receiver inside the test (C27–C29,
//! C32): its Content-Type, custom header and rendered body, retries until the receiver accepts
//! (exactly once), and the event and 5xx counter a receiver that always fails leaves.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, account_with, call, status_as};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) content_type: String,
    pub(crate) custom: String,
    pub(crate) body: String,
}

/// A webhook receiver on a free port: answers 503 to its first `failures` requests (all of them
/// with `u32::MAX`), 200 after, and records every request.
pub(crate) async fn receiver(failures: u32) -> (String, Arc<Mutex<Vec<Received>>>) {
    let got: Arc<Mutex<Vec<Received>>> = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let header = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned()
                };
                let mut all = seen.lock().expect("lock");
                all.push(Received {
                    content_type: header("content-type"),
                    custom: header("x-t"),
                    body,
                });
                if u32::try_from(all.len()).unwrap_or(u32::MAX) <= failures {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

fn c27(url: &str) -> Value {
    json!({
        "title": "n1",
        "description": "d",
        "method": "WEBHOOK",
        "recipient": url,
        "template": "{\"r\":\"{{{reason}}}\",\"a\":\"{{{alertId}}}\"}",
        "triggers": ["ALERT_OPENED", "ALERT_RESOLVED"],
        "contentType": "application/json",
        "customHttpHeaders": {"X-T": "1"}
    })
}

/// Waits (briefly, polling) until `ready` holds.
pub(crate) async fn eventually(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..200 {
        if ready() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    ready()
}

async fn created(app: &TestApp, body: Value) -> Value {
    let (status, answer) = call(app, Method::POST, "/api/v2/notificant", Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    answer["response"].clone()
}

#[tokio::test]
async fn targets_are_created_changed_searched_and_deleted() {
    conversation(TestApp::spawn().await).await;
}

#[tokio::test]
async fn targets_on_postgres() {
    if let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await {
        conversation(app).await;
    }
}

async fn conversation(app: TestApp) {
    // C27: every field echoed, a 16-character id, the server's fields set.
    let n = created(&app, c27("http://127.0.0.1:9/hook")).await;
    let id = n["id"].as_str().expect("id").to_owned();
    assert_eq!(id.len(), 16);
    assert_eq!(n["title"], "n1");
    assert_eq!(n["method"], "WEBHOOK");
    assert_eq!(n["customHttpHeaders"], json!({"X-T": "1"}));
    assert_eq!(n["triggers"], json!(["ALERT_OPENED", "ALERT_RESOLVED"]));
    assert_eq!(n["routes"], json!([]));
    assert!(n["createdEpochMillis"].as_i64().is_some());
    assert_eq!(n["creatorId"], "admin@example.com");

    // C28: an update replaces the triggers.
    let mut changed = c27("http://127.0.0.1:9/hook");
    changed["triggers"] = json!(["ALERT_OPENED"]);
    let path = format!("/api/v2/notificant/{id}");
    let (status, _) = call(&app, Method::PUT, &path, Some(changed)).await;
    assert_eq!(status, 200);
    let (_, got) = call(&app, Method::GET, &path, None).await;
    assert_eq!(got["response"]["triggers"], json!(["ALERT_OPENED"]));

    // An email target, with a route; the Webhook API does not see it.
    let mail = created(
        &app,
        json!({"title": "mail", "description": "", "method": "EMAIL",
               "recipient": "a@example.com, b@example.com", "template": "{{name}}",
               "triggers": ["ALERT_OPENED"], "emailSubject": "[{{severity}}] {{name}}",
               "routes": [{"method": "PAGERDUTY", "target": "0123456789abcdef0123456789abcdef", "filter": "env prod"}]}),
    )
    .await;
    assert_eq!(mail["recipient"], "a@example.com,b@example.com");
    assert_eq!(mail["contentType"], "");
    assert_eq!(mail["isHtmlContent"], true);
    assert_eq!(mail["routes"][0]["filter"], "env prod");
    let mail_id = mail["id"].as_str().expect("id");
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v2/webhook/{mail_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, hooks) = call(&app, Method::GET, "/api/v2/webhook", None).await;
    assert_eq!(hooks["response"]["items"].as_array().map(Vec::len), Some(1));
    let (_, all) = call(&app, Method::GET, "/api/v2/notificant?limit=1", None).await;
    assert_eq!(all["response"]["totalItems"], 2);
    assert_eq!(all["response"]["moreItems"], true);

    // Bad input: a clear 400 that changes nothing.
    for (field, value, says) in [
        ("template", json!("{{#a}}"), "line 1, column 1"),
        ("method", json!("SMS"), "SMS"),
        ("recipient", json!("not a url"), "URL"),
        ("triggers", json!(["ALERT_WHENEVER"]), "ALERT_WHENEVER"),
        ("contentType", json!("image/png"), "contentType"),
    ] {
        let mut body = c27("http://127.0.0.1:9/hook");
        body[field] = value;
        let (status, answer) = call(&app, Method::POST, "/api/v2/notificant", Some(body)).await;
        assert_eq!(status, 400, "{field}: {answer}");
        let message = answer["status"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{field}: {message}");
    }
    let (_, all) = call(&app, Method::GET, "/api/v2/notificant", None).await;
    assert_eq!(all["response"]["totalItems"], 2);

    // C32: search by method, and the method facet (the client's misspelt facets route).
    let (status, found) = call(
        &app,
        Method::POST,
        "/api/v2/search/notificant",
        Some(json!({"query": [{"key": "method", "value": "WEBHOOK", "matchingMethod": "EXACT"}]})),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["response"]["items"][0]["id"], id.as_str());
    assert_eq!(found["response"]["items"].as_array().map(Vec::len), Some(1));
    let (status, facets) = call(
        &app,
        Method::POST,
        "/api/v2/search/notificant/facets",
        Some(json!({"facets": ["method"]})),
    )
    .await;
    assert_eq!(status, 200, "{facets}");
    let methods = facets["response"]["facets"]["method"].to_string();
    assert!(
        methods.contains("WEBHOOK") && methods.contains("EMAIL"),
        "{methods}"
    );

    // Delete (no alert uses it), then it is gone.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("{path}?unlink=False"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(&app, Method::GET, &path, None).await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn writes_need_the_alerts_permission() {
    let app = TestApp::spawn().await;
    let reader = account_with(&app, "reader", &[]).await;
    let writer = account_with(&app, "writer", &["alerts_management"]).await;
    let body = c27("http://127.0.0.1:9/hook");
    assert_eq!(
        status_as(
            &app,
            &reader,
            Method::POST,
            "/api/v2/notificant",
            Some(body.clone())
        )
        .await,
        403
    );
    assert_eq!(
        status_as(
            &app,
            &reader,
            Method::POST,
            "/api/v2/webhook",
            Some(body.clone())
        )
        .await,
        403
    );
    assert_eq!(
        status_as(
            &app,
            &writer,
            Method::POST,
            "/api/v2/notificant",
            Some(body)
        )
        .await,
        200
    );
    assert_eq!(
        status_as(&app, &reader, Method::GET, "/api/v2/notificant", None).await,
        200
    );
    app.stop().await;
}

#[tokio::test]
async fn the_test_notification_reaches_the_receiver_once_after_failures() {
    let app = TestApp::spawn().await;
    // C29, with a receiver that fails twice first: delivered exactly once, as rendered.
    let (url, got) = receiver(2).await;
    let n = created(&app, c27(&url)).await;
    let id = n["id"].as_str().expect("id");
    let (status, answer) = call(
        &app,
        Method::POST,
        &format!("/api/v2/notificant/test/{id}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(answer["response"]["id"], id);
    assert!(eventually(|| got.lock().expect("lock").len() >= 3).await);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let all = got.lock().expect("lock").clone();
    assert_eq!(all.len(), 3, "{all:?}");
    let last = all.last().expect("one");
    assert_eq!(last.content_type, "application/json");
    assert_eq!(last.custom, "1");
    let body: Value = serde_json::from_str(&last.body).expect("JSON body");
    assert_eq!(body["r"], "ALERT_TESTING");
    assert!(body["a"].as_str().is_some_and(|a| !a.is_empty()));
    app.stop().await;
}

#[tokio::test]
async fn a_receiver_that_always_fails_leaves_an_event_and_its_counter() {
    let app = TestApp::spawn().await;
    let (url, got) = receiver(u32::MAX).await;
    let n = created(&app, c27(&url)).await;
    let id = n["id"].as_str().expect("id").to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v2/notificant/test/{id}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200);
    // Five attempts, then the event `<id>.<title>.503`.
    let name = format!("{id}.n1.503");
    let mut found = Value::Null;
    for _ in 0..200 {
        let (_, page) = call(
            &app,
            Method::POST,
            "/api/v2/search/event",
            Some(json!({"query": [{"key": "name", "value": name, "matchingMethod": "EXACT"}]})),
        )
        .await;
        if page["response"]["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty())
        {
            found = page;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        found["response"]["items"][0]["name"],
        name.as_str(),
        "{found}"
    );
    assert_eq!(got.lock().expect("lock").len(), 5);
    // The 5xx counter, with the target's title as its `name` tag.
    let metric = format!("∆~alert.webhooks.{id}.5xx");
    let (status, detail) = call(
        &app,
        Method::GET,
        &format!("/api/v2/chart/metric/detail?m={}", urlencode(&metric)),
        None,
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert!(
        detail["hosts"].as_array().is_some_and(|h| !h.is_empty()),
        "{detail}"
    );
    app.stop().await;
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
