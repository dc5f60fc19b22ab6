//! The system's own events (reference §4.3): the trace of every change to an alert
//! (`alert-created` … `alert-unsnoozed`) and to a maintenance window (`maintenancewindow-*`),
//! and the `maintenanceWindow` event that spans a window, kept in step as it changes or goes.

use crest_domain::clock::{Clock, ManualClock};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, call, ok};

/// The events whose start lies in `[from, to]`, oldest first.
async fn events(app: &TestApp, from: i64, to: i64) -> Vec<Value> {
    let got = ok(
        app,
        Method::GET,
        &format!(
            "/api/v2/event?earliestStartTimeEpochMillis={from}&latestStartTimeEpochMillis={to}&limit=1000"
        ),
        None,
    )
    .await;
    let mut items = got["items"].as_array().expect("a page of events").clone();
    items.sort_by_key(|e| e["startTime"].as_i64().unwrap_or_default());
    items
}

fn of_type<'a>(list: &'a [Value], kind: &str) -> Vec<&'a Value> {
    list.iter()
        .filter(|e| e["annotations"]["type"] == kind)
        .collect()
}

async fn alert_changes(app: &TestApp, clock: &ManualClock) {
    let t0 = clock.now_millis();
    let created = ok(
        app,
        Method::POST,
        "/api/v2/alert",
        Some(
            json!({"name": "disk full", "condition": "ts(disk.used) > 90", "minutes": 2,
            "severity": "WARN", "target": "ops@example.com",
            "tags": {"customerTags": ["storage"]}}),
        ),
    )
    .await;
    let id = created["id"].as_str().expect("an id").to_owned();
    let steps: [(Method, String, &str); 6] = [
        (Method::PUT, format!("/api/v2/alert/{id}"), "alert-updated"),
        (
            Method::POST,
            format!("/api/v2/alert/{id}/snooze?seconds=600"),
            "alert-snoozed",
        ),
        (
            Method::POST,
            format!("/api/v2/alert/{id}/unsnooze"),
            "alert-unsnoozed",
        ),
        (
            Method::DELETE,
            format!("/api/v2/alert/{id}"),
            "alert-deleted",
        ),
        (
            Method::POST,
            format!("/api/v2/alert/{id}/undelete"),
            "alert-undeleted",
        ),
        (
            Method::POST,
            format!("/api/v2/alert/{id}/snooze"),
            "alert-snoozed",
        ),
    ];
    for (method, path, _) in &steps {
        clock.advance(1_000);
        let body = if *method == Method::PUT {
            let mut changed = created.clone();
            changed["minutes"] = json!(3);
            Some(changed)
        } else {
            Some(json!({}))
        };
        let (status, got) = call(app, method.clone(), path, body).await;
        assert_eq!(status, 200, "{path}: {got}");
    }
    // a refused change leaves no trace
    let (status, _) = call(app, Method::POST, "/api/v2/alert/404/snooze", None).await;
    assert_eq!(status, 404);

    let all = events(app, t0 - 1, clock.now_millis()).await;
    let trace: Vec<&str> = all
        .iter()
        .filter(|e| e["annotations"]["alertId"] == id.as_str())
        .map(|e| e["annotations"]["type"].as_str().expect("a type"))
        .collect();
    let mut expected = vec!["alert-created"];
    expected.extend(steps.iter().map(|(_, _, kind)| *kind));
    assert_eq!(trace, expected, "{all:#?}");
    let snoozed = of_type(&all, "alert-snoozed");
    let first = snoozed[0];
    assert_eq!(first["name"], "Alert snoozed: disk full");
    assert_eq!(first["creatorType"], json!(["SYSTEM"]));
    assert_eq!(first["annotations"]["severity"], "info");
    assert!(
        first["annotations"]["details"]
            .as_str()
            .is_some_and(|d| d.starts_with("for 600 seconds, by ")),
        "{first}"
    );
    assert_eq!(first["alertTags"], json!(["storage"]));
    assert_eq!(first["runningState"], "ENDED");
    assert_eq!(
        snoozed[1]["annotations"]["details"]
            .as_str()
            .map(|d| d.starts_with("indefinitely")),
        Some(true)
    );
    // the system's events cannot be changed through the Event API
    let eid = first["id"].as_str().expect("an event id");
    let (status, _) = call(app, Method::DELETE, &format!("/api/v2/event/{eid}"), None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn every_change_to_an_alert_leaves_a_system_event() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    alert_changes(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn every_change_to_an_alert_leaves_a_system_event_on_postgres() {
    let Some((app, clock)) = TestApp::spawn_on_with_clock(Backend::Postgres).await else {
        return;
    };
    alert_changes(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn a_window_has_an_event_over_its_time_that_follows_it() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    let now = clock.now_millis() / 1000 * 1000;
    clock.set(now);
    let s = now / 1000;
    let window = ok(
        &app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(
            json!({"title": "db upgrade", "reason": "pg 17", "startTimeInSeconds": s + 3600,
            "endTimeInSeconds": s + 7200, "relevantHostNames": ["db1"]}),
        ),
    )
    .await;
    let id = window["id"].as_str().expect("an id").to_owned();
    let span = |list: &[Value]| -> Vec<(i64, i64, String)> {
        of_type(list, "maintenanceWindow")
            .iter()
            .map(|e| {
                (
                    e["startTime"].as_i64().expect("a start"),
                    e["endTime"].as_i64().expect("an end"),
                    e["runningState"].as_str().expect("a state").to_owned(),
                )
            })
            .collect()
    };
    let all = events(&app, now - 1, now + 10 * 3_600_000).await;
    assert_eq!(
        span(&all),
        [(now + 3_600_000, now + 7_200_000, "PENDING".to_owned())]
    );
    let event = of_type(&all, "maintenanceWindow")[0].clone();
    assert_eq!(event["name"], "Maintenance Window: db upgrade");
    assert_eq!(event["hosts"], json!(["db1"]));
    assert_eq!(event["annotations"]["maintenanceWindowId"], id.as_str());
    assert_eq!(of_type(&all, "maintenancewindow-created").len(), 1);

    // moved to start now: the event follows
    let mut moved = window.clone();
    moved["startTimeInSeconds"] = json!(s);
    let (status, got) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/maintenancewindow/{id}"),
        Some(moved),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    clock.advance(60_000);
    let all = events(&app, now - 1, now + 10 * 3_600_000).await;
    assert_eq!(span(&all), [(now, now + 7_200_000, "ONGOING".to_owned())]);
    assert_eq!(of_type(&all, "maintenancewindow-updated").len(), 1);

    // deleted while it runs: its event ends now, the maintenance having happened until then
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v2/maintenancewindow/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let all = events(&app, now - 1, now + 10 * 3_600_000).await;
    assert_eq!(span(&all), [(now, now + 60_000, "ENDED".to_owned())]);
    assert_eq!(of_type(&all, "maintenancewindow-deleted").len(), 1);

    // a window deleted before it starts leaves no event of its own
    let pending = ok(
        &app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(
            json!({"title": "later", "reason": "r", "startTimeInSeconds": s + 86_400,
            "endTimeInSeconds": s + 90_000, "relevantCustomerTags": ["x"]}),
        ),
    )
    .await;
    let pid = pending["id"].as_str().expect("an id");
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v2/maintenancewindow/{pid}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let later = events(&app, now + 86_000_000, now + 90_000_000).await;
    assert!(
        of_type(&later, "maintenanceWindow").is_empty(),
        "{later:#?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn deleting_a_dashboard_leaves_a_system_event() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    let t0 = clock.now_millis();
    let body = json!({"id": "ev-dash", "url": "ev-dash", "name": "Ops overview",
        "sections": [{"name": "S", "rows": [{"charts": [{"name": "C",
            "sources": [{"name": "q", "query": "ts(x)"}], "chartSettings": {"type": "line"}}]}]}]});
    ok(&app, Method::POST, "/api/v2/dashboard", Some(body)).await;
    clock.advance(1_000);
    let (status, got) = call(&app, Method::DELETE, "/api/v2/dashboard/ev-dash", None).await;
    assert_eq!(status, 200, "{got}");
    let all = events(&app, t0 - 1, clock.now_millis()).await;
    let deleted = of_type(&all, "dashboard-deleted");
    assert_eq!(deleted.len(), 1, "{all:#?}");
    assert_eq!(deleted[0]["name"], "Dashboard deleted: Ops overview");
    assert_eq!(deleted[0]["annotations"]["dashboardId"], "ev-dash");
    app.stop().await;
}
