//! The Alert API and alert search as the published clients use them (§1, §8 and checks
//! C01–C22 of the reference): create, read, update with versions, THRESHOLD alerts, validation,
//! snooze (expiring with the clock, no job), tags, trash, clone, ACLs enforced, summary,
//! checkQuery and preview; and the neighbours: who may read and change alerts.

use crest_domain::clock::{Clock, ManualClock};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, account_with, assert_error_envelope, call, ok, status_as};

const HOUR_MS: i64 = 3_600_000;

fn c04() -> Value {
    json!({"name": "c04", "condition": "ts(conf.m) > 1", "displayExpression": "ts(conf.m)",
        "minutes": 5, "severity": "WARN", "target": "a@example.com",
        "tags": {"customerTags": ["ct1"]}, "somethingNew": {"kept": true}})
}

async fn search(app: &TestApp, path: &str, key: &str, value: &str, method: &str) -> Value {
    let body = json!({"query": [{"key": key, "value": value, "matchingMethod": method}]});
    ok(app, Method::POST, path, Some(body)).await
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The whole conversation, on one backend.
async fn conversation(app: &TestApp, clock: &ManualClock) {
    // C01: an unknown alert is a 404 in the error envelope.
    let (status, got) = call(app, Method::GET, "/api/v2/alert/1000000000000", None).await;
    assert_eq!(status, 404);
    assert_error_envelope(&got, 404);

    // C04/C05: the server's fields and defaults; unmodelled fields are kept.
    let now = clock.now_millis();
    let a = ok(app, Method::POST, "/api/v2/alert", Some(c04())).await;
    let id = a["id"].as_str().expect("an id").to_owned();
    assert_eq!(id, format!("{now:013}"));
    assert_eq!(a["resolveAfterMinutes"], 5);
    assert_eq!(a["processRateMinutes"], 5);
    assert_eq!(a["severityList"], json!(["WARN"]));
    assert_eq!(a["alertType"], "CLASSIC");
    assert_eq!(a["status"], json!(["CHECKING"]));
    assert_eq!(a["createdEpochMillis"], now);
    assert_eq!(a["targetEndpoints"], json!(["a@example.com"]));
    assert_eq!(a["notificants"], json!([]));
    assert_eq!(a["somethingNew"], json!({"kept": true}));
    assert!(a["creatorId"].as_str().is_some_and(|c| !c.is_empty()));
    // Same millisecond: the next id.
    let second = ok(app, Method::POST, "/api/v2/alert", Some(c04())).await;
    assert_eq!(second["id"], format!("{:013}", now + 1));

    // C03: paging.
    let page = ok(app, Method::GET, "/api/v2/alert?offset=0&limit=1", None).await;
    assert_eq!(
        (
            page["limit"].clone(),
            page["moreItems"].clone(),
            page["totalItems"].clone()
        ),
        (json!(1), json!(true), json!(2))
    );

    // C07: THRESHOLD.
    let t = ok(
        app,
        Method::POST,
        "/api/v2/alert",
        Some(
            json!({"name": "c07", "alertType": "THRESHOLD", "displayExpression": "ts(conf.m)",
            "conditions": {"warn": "ts(conf.m) > 5", "severe": "ts(conf.m) > 10"},
            "targets": {"severe": "pd:0123abcd"}, "minutes": 5}),
        ),
    )
    .await;
    assert_eq!(t["condition"], "ts(conf.m)");
    assert_eq!(t["severityList"], json!(["WARN", "SEVERE"]));
    assert_eq!(t["conditions"]["warn"], "ts(conf.m) > 5");

    // C21/C22 and the other refusals: 400, nothing created.
    for bad in [
        json!({"minutes": 0}),
        json!({"severity": "CRITICAL"}),
        json!({"condition": "ts("}),
        json!({"target": (0..11).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>().join(",")}),
        json!({"target": "nobody"}),
        json!({"minutes": "five"}),
        json!({"alertType": "THRESHOLD"}),
    ] {
        let mut body = c04();
        for (k, v) in bad.as_object().expect("an object") {
            body[k.as_str()] = v.clone();
        }
        let (status, got) = call(app, Method::POST, "/api/v2/alert", Some(body)).await;
        assert_eq!(status, 400, "{bad}: {got}");
        assert_error_envelope(&got, 400);
    }
    let (_, got) = call(
        app,
        Method::POST,
        "/api/v2/alert",
        Some(
            json!({"name": "x", "condition": "ts(m)", "minutes": 1, "severity": "INFO",
            "target": (0..11).map(|i| format!("u{i}@example.com")).collect::<Vec<_>>().join(",")}),
        ),
    )
    .await;
    assert_eq!(
        got["status"]["message"],
        "Invalid notification specified: null"
    );
    let all = ok(app, Method::GET, "/api/v2/alert", None).await;
    assert_eq!(all["totalItems"], 3);

    // C08: update, history newest first, versions.
    clock.advance(1_000);
    let mut changed = c04();
    changed["name"] = json!("c04b");
    changed["target"] = json!("b@example.com");
    let updated = ok(
        app,
        Method::PUT,
        &format!("/api/v2/alert/{id}"),
        Some(changed),
    )
    .await;
    assert_eq!(updated["name"], "c04b");
    assert_eq!(updated["target"], "b@example.com");
    let history = ok(
        app,
        Method::GET,
        &format!("/api/v2/alert/{id}/history"),
        None,
    )
    .await;
    let versions: Vec<i64> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["version"].as_i64())
        .collect();
    assert_eq!(versions, vec![2, 1]);
    let v1 = ok(
        app,
        Method::GET,
        &format!("/api/v2/alert/{id}/history/1"),
        None,
    )
    .await;
    assert_eq!(v1["name"], "c04");
    let (status, _) = call(
        app,
        Method::GET,
        &format!("/api/v2/alert/{id}/history/9"),
        None,
    )
    .await;
    assert_eq!(status, 404);

    // C09–C11: snooze with the client's `{}` body; an expired snooze reads as none.
    let s = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/snooze?seconds=3600"),
        Some(json!({})),
    )
    .await;
    assert_eq!(s["snoozed"], clock.now_millis() + HOUR_MS);
    assert_eq!(s["status"], json!(["SNOOZED"]));
    clock.advance(HOUR_MS);
    let expired = ok(app, Method::GET, &format!("/api/v2/alert/{id}"), None).await;
    assert!(expired.get("snoozed").is_none(), "{expired}");
    assert_eq!(expired["status"], json!(["CHECKING"]));
    let forever = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/snooze"),
        Some(json!({})),
    )
    .await;
    assert!(forever["snoozed"].as_i64().is_some_and(|s| s < 0));
    let un = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/unsnooze"),
        Some(json!({})),
    )
    .await;
    assert!(un.get("snoozed").is_none());
    assert_eq!(un["status"], json!(["CHECKING"]));
    let (status, _) = call(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/snooze?seconds=0"),
        None,
    )
    .await;
    assert_eq!(status, 400);

    // C12: tags.
    ok(
        app,
        Method::PUT,
        &format!("/api/v2/alert/{id}/tag/t-1"),
        Some(json!({})),
    )
    .await;
    let tags = ok(app, Method::GET, &format!("/api/v2/alert/{id}/tag"), None).await;
    assert_eq!(tags["items"], json!(["ct1", "t-1"]));
    ok(
        app,
        Method::DELETE,
        &format!("/api/v2/alert/{id}/tag/t-1"),
        Some(json!({})),
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/tag"),
        Some(json!(["a", "ct1"])),
    )
    .await;
    let read = ok(app, Method::GET, &format!("/api/v2/alert/{id}"), None).await;
    assert_eq!(read["tags"]["customerTags"], json!(["a", "ct1"]));
    let (status, _) = call(
        app,
        Method::PUT,
        &format!("/api/v2/alert/{id}/tag/a%20b"),
        None,
    )
    .await;
    assert_eq!(status, 400);

    // C16–C18: search, counts, facets.
    let found = search(app, "/api/v2/search/alert", "tags", "ct1", "EXACT").await;
    assert!(ids(&found).contains(&id));
    assert!(found["alertCounts"].is_object(), "{found}");
    assert_eq!(found["alertCounts"]["checking"], 2);
    let checking = search(app, "/api/v2/search/alert", "status", "checking", "EXACT").await;
    assert_eq!(checking["totalItems"], 3);
    let sev = search(app, "/api/v2/search/alert", "severity", "severe", "EXACT").await;
    assert_eq!(ids(&sev), vec![t["id"].as_str().expect("id").to_owned()]);
    let facet = ok(
        app,
        Method::POST,
        "/api/v2/search/alert/tags",
        Some(json!({"query": [{"key": "name", "value": "c04", "matchingMethod": "STARTSWITH"}]})),
    )
    .await;
    assert!(
        facet["items"]
            .as_array()
            .expect("items")
            .contains(&json!("ct1")),
        "{facet}"
    );
    let path = search(app, "/api/v2/search/alert", "tagpath", "ct1", "TAGPATH").await;
    assert!(ids(&path).contains(&id));

    // C19, C20, preview.
    let summary = ok(app, Method::GET, "/api/v2/alert/summary", None).await;
    assert_eq!(summary["checking"], 3);
    assert_eq!(summary["trash"], 0);
    let q = ok(
        app,
        Method::POST,
        "/api/v2/alert/checkQuery",
        Some(json!({"inputQuery": "ts(cpu.load)"})),
    )
    .await;
    assert_eq!(q["queryType"], "WQL");
    let preview = ok(app, Method::POST, "/api/v2/alert/preview", Some(c04())).await;
    assert_eq!(preview[0]["method"], "EMAIL");
    assert_eq!(preview[0]["name"], "a@example.com");

    // C15: clone, from the latest version or an older one.
    let clone = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/clone?name=c15"),
        Some(json!({})),
    )
    .await;
    assert_ne!(clone["id"], json!(id));
    assert_eq!(clone["name"], "c15");
    assert_eq!(clone["condition"], read["condition"]);
    let old = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/clone?v=1"),
        Some(json!({})),
    )
    .await;
    assert_eq!(old["name"], "c04");
    assert_eq!(old["target"], "a@example.com");

    // Install/uninstall: user alerts only have 400.
    let (status, got) = call(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/uninstall"),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400, "{got}");

    // C13/C14: trash and undelete; skipTrash=True removes for good.
    let gone = ok(
        app,
        Method::DELETE,
        &format!("/api/v2/alert/{id}"),
        Some(json!({})),
    )
    .await;
    assert_eq!(gone["inTrash"], true);
    assert_eq!(gone["status"], json!(["TRASH"]));
    let live = search(app, "/api/v2/search/alert", "id", &id, "EXACT").await;
    assert!(ids(&live).is_empty());
    let trashed = search(app, "/api/v2/search/alert/deleted", "id", &id, "EXACT").await;
    assert_eq!(trashed["items"][0]["inTrash"], true);
    let (status, _) = call(
        app,
        Method::PUT,
        &format!("/api/v2/alert/{id}"),
        Some(c04()),
    )
    .await;
    assert_eq!(status, 409);
    let back = ok(
        app,
        Method::POST,
        &format!("/api/v2/alert/{id}/undelete"),
        Some(json!({})),
    )
    .await;
    assert_eq!(back["inTrash"], false);
    let second_id = second["id"].as_str().expect("id");
    ok(
        app,
        Method::DELETE,
        &format!("/api/v2/alert/{second_id}?skipTrash=True"),
        Some(json!({})),
    )
    .await;
    let (status, _) = call(
        app,
        Method::GET,
        &format!("/api/v2/alert/{second_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let deleted = search(
        app,
        "/api/v2/search/alert/deleted",
        "id",
        second_id,
        "EXACT",
    )
    .await;
    assert_eq!(deleted["totalItems"], 0);
}

#[tokio::test]
async fn alerts_conversation_on_sqlite() {
    let (app, clock) = TestApp::spawn_on_with_clock(Backend::Sqlite)
        .await
        .expect("SQLite");
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn alerts_conversation_on_postgres() {
    let Some((app, clock)) = TestApp::spawn_on_with_clock(Backend::Postgres).await else {
        return;
    };
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn writes_need_alerts_and_reads_do_not() {
    let app = TestApp::spawn().await;
    let a = ok(&app, Method::POST, "/api/v2/alert", Some(c04())).await;
    let id = a["id"].as_str().expect("id").to_owned();
    let reader = account_with(&app, "reader", &[]).await;
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, "/api/v2/alert".into(), Some(c04())),
        (Method::PUT, format!("/api/v2/alert/{id}"), Some(c04())),
        (Method::DELETE, format!("/api/v2/alert/{id}"), None),
        (Method::POST, format!("/api/v2/alert/{id}/undelete"), None),
        (Method::POST, format!("/api/v2/alert/{id}/clone"), None),
        (Method::POST, format!("/api/v2/alert/{id}/snooze"), None),
        (Method::POST, format!("/api/v2/alert/{id}/unsnooze"), None),
        (Method::POST, format!("/api/v2/alert/{id}/install"), None),
        (Method::POST, format!("/api/v2/alert/{id}/uninstall"), None),
        (
            Method::POST,
            format!("/api/v2/alert/{id}/tag"),
            Some(json!(["x"])),
        ),
        (Method::PUT, format!("/api/v2/alert/{id}/tag/x"), None),
        (Method::DELETE, format!("/api/v2/alert/{id}/tag/x"), None),
        (
            Method::POST,
            "/api/v2/alert/acl/add".into(),
            Some(json!([])),
        ),
        (
            Method::POST,
            "/api/v2/alert/acl/remove".into(),
            Some(json!([])),
        ),
        (Method::PUT, "/api/v2/alert/acl/set".into(), Some(json!([]))),
    ];
    for (method, path, body) in writes {
        let status = status_as(&app, &reader, method.clone(), &path, body).await;
        assert_eq!(status, 403, "{method} {path}");
    }
    let reads: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/v2/alert".into(), None),
        (Method::GET, format!("/api/v2/alert/{id}"), None),
        (Method::GET, format!("/api/v2/alert/{id}/history"), None),
        (Method::GET, format!("/api/v2/alert/{id}/history/1"), None),
        (Method::GET, format!("/api/v2/alert/{id}/tag"), None),
        (Method::GET, format!("/api/v2/alert/acl?id={id}"), None),
        (Method::GET, "/api/v2/alert/summary".into(), None),
        (
            Method::POST,
            "/api/v2/alert/checkQuery".into(),
            Some(json!({"inputQuery": "ts(x)"})),
        ),
        (Method::POST, "/api/v2/alert/preview".into(), Some(c04())),
        (Method::POST, "/api/v2/search/alert".into(), Some(json!({}))),
        (
            Method::POST,
            "/api/v2/search/alert/deleted".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/alert/facets".into(),
            Some(json!({"facets": ["tags"]})),
        ),
    ];
    for (method, path, body) in reads {
        let status = status_as(&app, &reader, method.clone(), &path, body).await;
        assert_eq!(status, 200, "{method} {path}");
    }
    // Neighbours of the literal paths: a GET of a static path is not an alert id, and an unknown
    // method on one is refused, not routed to /{id}.
    let (status, _) = call(&app, Method::GET, "/api/v2/alert/checkQuery", None).await;
    assert_eq!(status, 405);
    let (status, _) = call(&app, Method::GET, "/api/v2/alert/acl", None).await;
    assert_eq!(status, 200);
    let writer = account_with(&app, "writer", &["alerts_management"]).await;
    let status = status_as(&app, &writer, Method::POST, "/api/v2/alert", Some(c04())).await;
    assert_eq!(status, 200);
    let status = status_as(&app, &writer, Method::POST, "/api/v2/alert", None).await;
    assert_eq!(status, 400, "a bare {{}} is an alert without a name");
    app.stop().await;
}

#[tokio::test]
async fn an_alerts_acl_limits_who_sees_and_changes_it() {
    let app = TestApp::spawn().await;
    let a = ok(&app, Method::POST, "/api/v2/alert", Some(c04())).await;
    let id = a["id"].as_str().expect("id").to_owned();
    let writer = account_with(&app, "writer", &["alerts_management"]).await;
    let viewer = account_with(&app, "viewer", &["alerts_management"]).await;
    let outsider = account_with(&app, "outsider", &["alerts_management"]).await;
    ok(
        &app,
        Method::PUT,
        "/api/v2/alert/acl/set",
        Some(json!([{"entityId": id, "viewAcl": ["sa::viewer"], "modifyAcl": ["sa::writer"]}])),
    )
    .await;
    let acl = ok(
        &app,
        Method::GET,
        &format!("/api/v2/alert/acl?id={id}"),
        None,
    )
    .await;
    assert_eq!(acl[0]["entityId"], json!(id));
    assert_eq!(acl[0]["modifyAcl"][0]["id"], "sa::writer");
    let path = format!("/api/v2/alert/{id}");
    assert_eq!(
        status_as(&app, &outsider, Method::GET, &path, None).await,
        404
    );
    assert_eq!(
        status_as(&app, &viewer, Method::GET, &path, None).await,
        200
    );
    assert_eq!(
        status_as(&app, &viewer, Method::PUT, &path, Some(c04())).await,
        403
    );
    assert_eq!(
        status_as(&app, &writer, Method::PUT, &path, Some(c04())).await,
        200
    );
    let listed = status_as(&app, &outsider, Method::GET, "/api/v2/alert", None).await;
    assert_eq!(listed, 200);
    let (_, mine) = crate::support::json(
        app.http
            .get(app.at("/api/v2/alert"))
            .bearer_auth(&outsider)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(mine["response"]["totalItems"], 0, "{mine}");
    // The Super Admin (the bootstrap administrator) passes every ACL.
    ok(&app, Method::GET, &path, None).await;
    ok(
        &app,
        Method::POST,
        "/api/v2/alert/acl/remove",
        Some(json!([{"entityId": id, "viewAcl": ["sa::viewer"], "modifyAcl": ["sa::writer"]}])),
    )
    .await;
    assert_eq!(
        status_as(&app, &outsider, Method::GET, &path, None).await,
        200
    );
    app.stop().await;
}
