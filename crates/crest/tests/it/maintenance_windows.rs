//! The MaintenanceWindow API and its search (§3 and checks C33–C37 of the reference): epoch
//! seconds, `relevantCustomerTags` always a list, `eventName`, the running state read from the
//! clock, the rules M-2, deletion outright; and who may change windows.

use crest_domain::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::json;

use crate::support::{Backend, TestApp, account_with, assert_error_envelope, call, ok, status_as};

async fn conversation(app: &TestApp, clock: &ManualClock) {
    let now = clock.now_millis() / 1000;
    // C33: pending.
    let pending = ok(
        app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(
            json!({"title": "mw1", "reason": "r", "startTimeInSeconds": now + 3600,
            "endTimeInSeconds": now + 7200, "relevantCustomerTags": ["ct1"]}),
        ),
    )
    .await;
    assert_eq!(pending["runningState"], "PENDING");
    assert_eq!(pending["relevantCustomerTags"], json!(["ct1"]));
    assert_eq!(pending["eventName"], "Maintenance Window: mw1");
    let pending_id = pending["id"].as_str().expect("id").to_owned();
    assert_eq!(pending_id.len(), 13);

    // C34: ongoing, with an empty alert-tag list written back as [].
    let ongoing = ok(
        app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(
            json!({"title": "mw2", "reason": "r", "startTimeInSeconds": now - 60,
            "endTimeInSeconds": now + 3600, "relevantCustomerTags": [],
            "relevantHostNames": ["h1"]}),
        ),
    )
    .await;
    assert_eq!(ongoing["runningState"], "ONGOING");
    assert_eq!(ongoing["relevantCustomerTags"], json!([]));
    let ongoing_id = ongoing["id"].as_str().expect("id").to_owned();

    // C35 and M-2: refusals.
    for bad in [
        json!({"title": "x", "reason": "r", "startTimeInSeconds": now, "endTimeInSeconds": now + 1}),
        json!({"title": "x", "reason": "r", "startTimeInSeconds": now, "endTimeInSeconds": now,
            "relevantHostNames": ["h"]}),
        json!({"title": "", "reason": "r", "startTimeInSeconds": now, "endTimeInSeconds": now + 1,
            "relevantHostNames": ["h"]}),
        json!({"title": "x", "reason": "r", "endTimeInSeconds": now + 1, "relevantHostNames": ["h"]}),
    ] {
        let (status, got) = call(
            app,
            Method::POST,
            "/api/v2/maintenancewindow",
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {got}");
        assert_error_envelope(&got, 400);
    }

    // C37: runningState is searchable, as of now.
    let body =
        json!({"query": [{"key": "runningState", "value": "ongoing", "matchingMethod": "EXACT"}]});
    let found = ok(
        app,
        Method::POST,
        "/api/v2/search/maintenancewindow",
        Some(body.clone()),
    )
    .await;
    let ids: Vec<&str> = found["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(ids, vec![ongoing_id.as_str()]);
    clock.advance(3_600_000);
    let later = ok(
        app,
        Method::POST,
        "/api/v2/search/maintenancewindow",
        Some(body),
    )
    .await;
    assert_eq!(later["items"][0]["id"], json!(pending_id), "{later}");
    let facets = ok(
        app,
        Method::POST,
        "/api/v2/search/maintenancewindow/facets",
        Some(json!({"facets": ["runningState"]})),
    )
    .await;
    assert!(facets["facets"]["runningState"].is_array(), "{facets}");

    // C36: closing early ends it; delete removes it outright.
    let mut closed = ongoing.clone();
    closed["endTimeInSeconds"] = json!(clock.now_millis() / 1000 - 1);
    let ended = ok(
        app,
        Method::PUT,
        &format!("/api/v2/maintenancewindow/{ongoing_id}"),
        Some(closed),
    )
    .await;
    assert_eq!(ended["runningState"], "ENDED");
    ok(
        app,
        Method::DELETE,
        &format!("/api/v2/maintenancewindow/{ongoing_id}"),
        Some(json!({})),
    )
    .await;
    let (status, got) = call(
        app,
        Method::GET,
        &format!("/api/v2/maintenancewindow/{ongoing_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_error_envelope(&got, 404);
    let all = ok(app, Method::GET, "/api/v2/maintenancewindow", None).await;
    assert_eq!(all["totalItems"], 1);
}

#[tokio::test]
async fn maintenance_windows_on_sqlite() {
    let (app, clock) = TestApp::spawn_on_with_clock(Backend::Sqlite)
        .await
        .expect("SQLite");
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn maintenance_windows_on_postgres() {
    let Some((app, clock)) = TestApp::spawn_on_with_clock(Backend::Postgres).await else {
        return;
    };
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn windows_need_alerts_to_change_and_nothing_to_read() {
    let app = TestApp::spawn().await;
    let now = SystemClock.now_millis() / 1000;
    let body = json!({"title": "w", "reason": "r", "startTimeInSeconds": now,
        "endTimeInSeconds": now + 60, "relevantHostNames": ["h"]});
    let w = ok(
        &app,
        Method::POST,
        "/api/v2/maintenancewindow",
        Some(body.clone()),
    )
    .await;
    let path = format!(
        "/api/v2/maintenancewindow/{}",
        w["id"].as_str().expect("id")
    );
    let reader = account_with(&app, "reader", &[]).await;
    for (method, p, b) in [
        (
            Method::POST,
            "/api/v2/maintenancewindow".to_owned(),
            Some(body.clone()),
        ),
        (Method::PUT, path.clone(), Some(body.clone())),
        (Method::DELETE, path.clone(), None),
    ] {
        assert_eq!(status_as(&app, &reader, method, &p, b).await, 403, "{p}");
    }
    assert_eq!(
        status_as(&app, &reader, Method::GET, &path, None).await,
        200
    );
    assert_eq!(
        status_as(
            &app,
            &reader,
            Method::GET,
            "/api/v2/maintenancewindow",
            None
        )
        .await,
        200
    );
    let search = "/api/v2/search/maintenancewindow";
    assert_eq!(
        status_as(&app, &reader, Method::POST, search, Some(json!({}))).await,
        200
    );
    let writer = account_with(&app, "writer", &["alerts_management"]).await;
    assert_eq!(
        status_as(&app, &writer, Method::DELETE, &path, None).await,
        200
    );
    app.stop().await;
}
