//! Events over HTTP: every operation of the Event API, ids as the product forms them (sent
//! percent-encoded, as the Python client sends them), the life cycle read at the injected clock's
//! time, refusals that change nothing, system events that only the system changes, the Events
//! permission and its neighbours, cursor paging, search, `@Event` lines on `/report`, the SDK's
//! NDJSON batches with their false gzip header, and retention through the sweep.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use crest_domain::clock::{Clock, ManualClock, SystemClock};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    ADMIN, Backend, TestApp, account_with, assert_error_envelope, call, deps, json,
    service_account_token, status_as,
};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Percent-encodes every byte but ASCII letters and digits (`quote(v, safe='')`).
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

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, got) = call(app, Method::POST, "/api/v2/event", Some(body)).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["status"]["result"], "OK");
    got["response"].clone()
}

async fn get(app: &TestApp, id: &str) -> (u16, Value) {
    call(
        app,
        Method::GET,
        &format!("/api/v2/event/{}", enc(id)),
        None,
    )
    .await
}

async fn tags_of(app: &TestApp, id: &str) -> Value {
    let path = format!("/api/v2/event/{}/tag", enc(id));
    let (status, got) = call(app, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{got}");
    got["response"]["items"].clone()
}

/// The event `e` as read now.
async fn read(app: &TestApp, e: &Value) -> Value {
    let (status, got) = get(app, e["id"].as_str().expect("id")).await;
    assert_eq!(status, 200, "{got}");
    got["response"].clone()
}

async fn list(app: &TestApp, query: &str) -> Value {
    let (status, got) = call(app, Method::GET, &format!("/api/v2/event?{query}"), None).await;
    assert_eq!(status, 200, "{got}");
    got["response"].clone()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_owned())
        .collect()
}

/// A server on `backend` whose clock the test moves.
async fn with_clock(backend: Backend) -> Option<(TestApp, ManualClock)> {
    let clock = ManualClock::new(SystemClock.now_millis());
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    let app = TestApp::spawn_with_deps(backend, |_| {}, d).await?;
    Some((app, clock))
}

/// Every operation of the Event API, as the acceptance checks C39–C47 call them.
async fn every_operation(app: &TestApp, clock: &ManualClock) {
    let now = clock.now_millis();
    let t = now - 60_000;
    let e = create(
        app,
        json!({"name": "deploy 1", "startTime": t, "endTime": t + 1,
               "annotations": {"severity": "info", "type": "deploy", "details": "d"},
               "tags": ["et1"], "hosts": ["web-1"],
               // Read-only fields are ignored.
               "id": "mine", "isEphemeral": true, "canDelete": false, "creatorType": ["SYSTEM"],
               "isUserEvent": false, "runningState": "PENDING", "creatorId": "someone"}),
    )
    .await;
    let id = e["id"].as_str().expect("id").to_owned();
    assert_eq!(id, format!("{t}:deploy 1"));
    assert_eq!(e["isUserEvent"], true);
    assert_eq!(e["isEphemeral"], false);
    assert_eq!(e["creatorType"], json!(["USER"]));
    assert_eq!(e["creatorId"], ADMIN);
    assert_eq!(e["runningState"], "ENDED");
    assert_eq!(
        (e["canDelete"].clone(), e["canClose"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(
        e["annotations"],
        json!({"severity": "info", "type": "deploy", "details": "d"})
    );
    assert_eq!(e["startTime"], t);
    assert_eq!(e["endTime"], t + 1);

    // get, by the percent-encoded id (':' and ' ').
    let (status, got) = get(app, &id).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"], e);

    // tags: add, get, remove, set.
    let tag_path = |tag: &str| format!("/api/v2/event/{}/tag/{tag}", enc(&id));
    let (status, got) = call(app, Method::PUT, &tag_path("et2"), Some(json!({}))).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(tags_of(app, &id).await, json!(["et1", "et2"]));
    let (status, _) = call(app, Method::DELETE, &tag_path("et1"), Some(json!({}))).await;
    assert_eq!(status, 200);
    assert_eq!(tags_of(app, &id).await, json!(["et2"]));
    let (status, _) = call(
        app,
        Method::POST,
        &format!("/api/v2/event/{}/tag", enc(&id)),
        Some(json!(["x", "a.b:c"])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(tags_of(app, &id).await, json!(["a.b:c", "x"]));

    // update: the id stays, the fields are replaced, a start left out is kept.
    let (status, got) = call(
        app,
        Method::PUT,
        &format!("/api/v2/event/{}", enc(&id)),
        Some(
            json!({"name": "deploy 1b", "annotations": {"severity": "warn"},
                    "endTime": t + 5_000, "tags": ["u1"]}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let u = &got["response"];
    assert_eq!(
        (u["id"].as_str(), u["name"].as_str()),
        (Some(id.as_str()), Some("deploy 1b"))
    );
    assert_eq!(
        (u["startTime"].clone(), u["endTime"].clone()),
        (json!(t), json!(t + 5_000))
    );
    assert_eq!(u["annotations"], json!({"severity": "warn"}));
    assert_eq!(u["tags"], json!(["u1"]));

    // close: an ongoing event ends now.
    let o = create(
        app,
        json!({"name": "ongoing 1", "startTime": now, "annotations": {}}),
    )
    .await;
    assert_eq!(o["runningState"], "ONGOING");
    assert_eq!(
        (o["canClose"].clone(), o.get("endTime")),
        (json!(true), None)
    );
    clock.advance(5_000);
    let oid = o["id"].as_str().expect("id");
    let (status, got) = call(
        app,
        Method::POST,
        &format!("/api/v2/event/{}/close", enc(oid)),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["runningState"], "ENDED");
    assert_eq!(got["response"]["endTime"], now + 5_000);

    // the time-range list and the search find the first event by its start.
    let page = list(
        app,
        &format!(
            "earliestStartTimeEpochMillis={}&latestStartTimeEpochMillis={}",
            t - 1000,
            t + 1000
        ),
    )
    .await;
    assert_eq!(ids(&page), [id.as_str()]);
    let page = list(
        app,
        &format!(
            "earliestStartTimeEpochMillis={}&latestStartTimeEpochMillis={}",
            t + 10_000,
            t + 20_000
        ),
    )
    .await;
    assert!(ids(&page).is_empty(), "{page}");
    let (status, found) = call(
        app,
        Method::POST,
        "/api/v2/search/event",
        Some(
            json!({"query": [{"key": "name", "value": "deploy 1b", "matchingMethod": "EXACT"}],
                    "timeRange": {"earliestStartTimeEpochMillis": t - 1000,
                                  "latestStartTimeEpochMillis": t + 1000}}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(ids(&found["response"]), [id.as_str()]);

    // related: the closed event is within the hour; only the overlapping one with isOverlapped.
    let (status, related) = call(
        app,
        Method::GET,
        &format!("/api/v2/event/{}/events", enc(&id)),
        None,
    )
    .await;
    assert_eq!(status, 200, "{related}");
    assert_eq!(ids(&related["response"]), [oid.to_owned()]);
    let (_, related) = call(
        app,
        Method::GET,
        &format!(
            "/api/v2/event/{}/events?isOverlapped=True&renderingMethod=HOST",
            enc(&id)
        ),
        None,
    )
    .await;
    assert!(ids(&related["response"]).is_empty(), "{related}");

    // the alert reads: no alert made these events, so there is nothing to show, but they answer.
    let (status, firings) = call(
        app,
        Method::GET,
        "/api/v2/event/alertFirings?alertId=1000000000000",
        None,
    )
    .await;
    assert_eq!(status, 200, "{firings}");
    assert_eq!(firings["response"]["items"], json!([]));
    let (status, details) = call(
        app,
        Method::GET,
        &format!("/api/v2/event/{}/alertFiringDetails", enc(&id)),
        None,
    )
    .await;
    assert_eq!((status, details["response"].clone()), (200, json!([])));
    let (status, slug) = call(
        app,
        Method::GET,
        &format!("/api/v2/event/{}/alertQueriesSlug", enc(&id)),
        None,
    )
    .await;
    assert_eq!((status, slug["response"].clone()), (200, json!("")));

    // delete, then the event is gone everywhere.
    let (status, got) = call(
        app,
        Method::DELETE,
        &format!("/api/v2/event/{}", enc(&id)),
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["id"], id.as_str());
    let (status, got) = get(app, &id).await;
    assert_eq!(status, 404);
    assert_error_envelope(&got, 404);
    for (method, path) in [
        (Method::GET, format!("/api/v2/event/{}/tag", enc(&id))),
        (Method::PUT, format!("/api/v2/event/{}", enc(&id))),
        (Method::DELETE, format!("/api/v2/event/{}", enc(&id))),
        (Method::POST, format!("/api/v2/event/{}/close", enc(&id))),
        (Method::GET, format!("/api/v2/event/{}/events", enc(&id))),
        (
            Method::GET,
            format!("/api/v2/event/{}/alertFiringDetails", enc(&id)),
        ),
    ] {
        let (status, got) = call(app, method.clone(), &path, Some(json!({"name": "x"}))).await;
        assert_eq!(status, 404, "{method} {path}: {got}");
    }
}

#[tokio::test]
async fn every_operation_answers_on_sqlite() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    every_operation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn every_operation_answers_on_postgres() {
    let Some((app, clock)) = with_clock(Backend::Postgres).await else {
        return;
    };
    every_operation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn the_life_cycle_is_read_at_the_clocks_time() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    let pending = create(&app, json!({"name": "later", "startTime": now + HOUR, "endTime": now + 2 * HOUR, "annotations": {}})).await;
    let open = create(&app, json!({"name": "open", "annotations": {}})).await;
    assert_eq!(pending["runningState"], "PENDING");
    assert_eq!(pending["canClose"], true);
    assert_eq!(open["runningState"], "ONGOING");
    assert_eq!(open["startTime"], now, "a missing start is now");
    // A pending event cannot be closed before it starts.
    let (status, got) = call(
        &app,
        Method::POST,
        &format!(
            "/api/v2/event/{}/close",
            enc(pending["id"].as_str().expect("id"))
        ),
        None,
    )
    .await;
    assert_eq!(status, 400, "{got}");
    assert_eq!(read(&app, &pending).await["runningState"], "PENDING");

    clock.advance(HOUR);
    assert_eq!(read(&app, &pending).await["runningState"], "ONGOING");
    clock.advance(HOUR);
    let ended = read(&app, &pending).await;
    assert_eq!(ended["runningState"], "ENDED");
    assert_eq!(ended["canClose"], false);
    // An event left open is closed by age 60 days after its start.
    assert_eq!(read(&app, &open).await["runningState"], "ONGOING");
    clock.advance(60 * DAY);
    let aged = read(&app, &open).await;
    assert_eq!(aged["runningState"], "ENDED");
    assert_eq!(aged["endTime"], now + 60 * DAY);
    app.stop().await;
}

#[tokio::test]
async fn start_zero_is_now_seconds_are_milliseconds_and_ids_are_numbered() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    let zero = create(
        &app,
        json!({"name": "zero", "startTime": 0, "annotations": {}}),
    )
    .await;
    assert_eq!(zero["startTime"], now);
    let secs = create(&app, json!({"name": "s", "startTime": 1_795_881_521, "endTime": 1_795_881_581, "annotations": {}})).await;
    assert_eq!(
        (secs["startTime"].clone(), secs["endTime"].clone()),
        (json!(1_795_881_521_000_i64), json!(1_795_881_581_000_i64))
    );
    let instant = create(
        &app,
        json!({"name": "i", "startTime": now, "endTime": now, "annotations": {}}),
    )
    .await;
    assert_eq!(instant["endTime"], now + 1);
    let pretty = create(
        &app,
        json!({"name": "plain", "startTime": now, "annotations": {"prettyName": "Pretty"}}),
    )
    .await;
    assert_eq!(pretty["name"], "Pretty");
    let body = json!({"name": "twin", "startTime": now, "annotations": {}});
    let a = create(&app, body.clone()).await;
    let b = create(&app, body.clone()).await;
    let c = create(&app, body).await;
    assert_eq!(a["id"], format!("{now}:twin"));
    assert_eq!(b["id"], format!("{now}:twin:1"));
    assert_eq!(c["id"], format!("{now}:twin:2"));
    app.stop().await;
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    let kept = create(
        &app,
        json!({"name": "kept", "startTime": now - 1000, "tags": ["k"], "annotations": {}}),
    )
    .await;
    let kept_id = kept["id"].as_str().expect("id").to_owned();
    let before = list(&app, "limit=1000").await;
    for body in [
        json!({"annotations": {}}),
        json!({"name": "   ", "annotations": {}}),
        json!({"name": "a", "startTime": -5, "annotations": {}}),
        json!({"name": "a", "startTime": now, "endTime": now - 10_000, "annotations": {}}),
        json!({"name": "a", "tags": ["bad tag"], "annotations": {}}),
        json!({"name": "a", "hosts": [""], "annotations": {}}),
        json!({"name": "a", "startTime": "soon", "annotations": {}}),
        json!([1, 2]),
    ] {
        let (status, got) = call(&app, Method::POST, "/api/v2/event", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {got}");
        assert_error_envelope(&got, 400);
    }
    // Several events: one bad one refuses them all.
    let resp = app
        .admin(Method::POST, "/api/v2/event")
        .header("Content-Type", "application/json")
        .body("{\"name\":\"ok\",\"annotations\":{}}\n{\"annotations\":{}}\n")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    for (method, path, body) in [
        (Method::PUT, format!("/api/v2/event/{}", enc(&kept_id)), json!({"name": "", "annotations": {}})),
        (Method::PUT, format!("/api/v2/event/{}/tag/bad%20tag", enc(&kept_id)), json!({})),
        (Method::POST, format!("/api/v2/event/{}/tag", enc(&kept_id)), json!(["ok", "not ok"])),
        (Method::GET, "/api/v2/event?cursor=notanid".to_owned(), json!({})),
        (Method::GET, "/api/v2/event?limit=many".to_owned(), json!({})),
        (Method::GET, "/api/v2/event?earliestStartTimeEpochMillis=5000000000000&latestStartTimeEpochMillis=4000000000000".to_owned(), json!({})),
        (Method::GET, "/api/v2/event/alertFirings".to_owned(), json!({})),
        (Method::GET, format!("/api/v2/event/{}/events?renderingMethod=NOPE", enc(&kept_id)), json!({})),
        (Method::POST, "/api/v2/search/event".to_owned(), json!({"query": [{"key": "password", "value": "x"}]})),
    ] {
        let (status, got) = call(&app, method.clone(), &path, Some(body)).await;
        assert_eq!(status, 400, "{method} {path}: {got}");
    }
    assert_eq!(list(&app, "limit=1000").await, before);
    let (_, got) = get(&app, &kept_id).await;
    assert_eq!(got["response"], kept);
    app.stop().await;
}

#[tokio::test]
async fn system_events_are_refused_for_update_delete_and_close() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let start = clock.now_millis() - 1000;
    let resp = app
        .admin(Method::POST, "/report?f=event")
        .body(format!(
            "@Event {start} \"backup\" type=backup host=db-1 tag=env:test\n"
        ))
        .send()
        .await
        .expect("send");
    let (status, got) = json(resp).await;
    assert_eq!(status, 202, "{got}");
    let id = format!("{start}:backup");
    let (status, got) = get(&app, &id).await;
    assert_eq!(status, 200, "{got}");
    let e = got["response"].clone();
    assert_eq!(e["creatorType"], json!(["SYSTEM"]));
    assert_eq!(
        (
            e["isUserEvent"].clone(),
            e["canDelete"].clone(),
            e["canClose"].clone()
        ),
        (json!(false), json!(false), json!(false))
    );
    assert_eq!(e["endTime"], start + 1, "an instant");
    for (method, path) in [
        (Method::PUT, format!("/api/v2/event/{}", enc(&id))),
        (Method::DELETE, format!("/api/v2/event/{}", enc(&id))),
        (Method::POST, format!("/api/v2/event/{}/close", enc(&id))),
    ] {
        let (status, got) = call(
            &app,
            method.clone(),
            &path,
            Some(json!({"name": "x", "annotations": {}})),
        )
        .await;
        assert_eq!(status, 400, "{method} {path}: {got}");
        assert!(
            got["status"]["message"]
                .as_str()
                .expect("message")
                .contains("system event"),
            "{got}"
        );
    }
    let (_, after) = get(&app, &id).await;
    assert_eq!(after["response"], e, "nothing changed");
    app.stop().await;
}

#[tokio::test]
async fn writes_need_events_and_reads_do_not() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    let e = create(
        &app,
        json!({"name": "seen", "startTime": now - 1000, "annotations": {}}),
    )
    .await;
    let id = enc(e["id"].as_str().expect("id"));
    let plain = service_account_token(&app, "plain").await;
    let writer = account_with(&app, "writer", &["events_management"]).await;
    let reads = [
        (Method::GET, "/api/v2/event".to_owned(), None),
        (Method::GET, format!("/api/v2/event/{id}"), None),
        (Method::GET, format!("/api/v2/event/{id}/tag"), None),
        (Method::GET, format!("/api/v2/event/{id}/events"), None),
        (
            Method::GET,
            "/api/v2/event/alertFirings?alertId=1".to_owned(),
            None,
        ),
        (
            Method::POST,
            "/api/v2/search/event".to_owned(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/event/facets".to_owned(),
            Some(json!({"facets": ["tags"]})),
        ),
    ];
    for (method, path, body) in reads {
        assert_eq!(
            status_as(&app, &plain, method.clone(), &path, body).await,
            200,
            "{method} {path}"
        );
    }
    let writes = [
        (
            Method::POST,
            "/api/v2/event".to_owned(),
            Some(json!({"name": "n", "annotations": {}})),
        ),
        (
            Method::PUT,
            format!("/api/v2/event/{id}"),
            Some(json!({"name": "n", "annotations": {}})),
        ),
        (
            Method::PUT,
            format!("/api/v2/event/{id}/tag/t1"),
            Some(json!({})),
        ),
        (
            Method::DELETE,
            format!("/api/v2/event/{id}/tag/t1"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v2/event/{id}/tag"),
            Some(json!(["t2"])),
        ),
        (
            Method::POST,
            format!("/api/v2/event/{id}/close"),
            Some(json!({})),
        ),
        (
            Method::DELETE,
            format!("/api/v2/event/{id}"),
            Some(json!({})),
        ),
    ];
    for (method, path, body) in &writes {
        assert_eq!(
            status_as(&app, &plain, method.clone(), path, body.clone()).await,
            403,
            "{method} {path}"
        );
    }
    let (_, unchanged) = get(&app, e["id"].as_str().expect("id")).await;
    assert_eq!(
        unchanged["response"], e,
        "the refused writes changed nothing"
    );
    for (method, path, body) in writes {
        assert_eq!(
            status_as(&app, &writer, method.clone(), &path, body).await,
            200,
            "{method} {path}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn pages_follow_the_cursor_newest_first() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    let mut made = Vec::new();
    for i in 0..5_i64 {
        let e = create(&app, json!({"name": format!("e{i}"), "startTime": now - 10_000 + i * 1000, "endTime": now - 9_000 + i * 1000, "annotations": {}})).await;
        made.push(e["id"].as_str().expect("id").to_owned());
    }
    // Two share a start: the id orders them.
    let twin = create(
        &app,
        json!({"name": "e4b", "startTime": now - 6_000, "annotations": {}}),
    )
    .await;
    made.push(twin["id"].as_str().expect("id").to_owned());
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let q = match &cursor {
            Some(c) => format!("limit=2&cursor={}", enc(c)),
            None => "limit=2".to_owned(),
        };
        let page = list(&app, &q).await;
        let got = ids(&page);
        assert!(got.len() <= 2);
        seen.extend(got);
        if page["moreItems"] == true {
            cursor = Some(page["cursor"].as_str().expect("a cursor").to_owned());
        } else {
            assert!(page.get("cursor").is_none_or(Value::is_null), "{page}");
            break;
        }
    }
    let mut expected = made.clone();
    expected.sort_by_key(|id| {
        let start: i64 = id
            .split(':')
            .next()
            .expect("start")
            .parse()
            .expect("digits");
        (std::cmp::Reverse(start), std::cmp::Reverse(id.clone()))
    });
    assert_eq!(seen, expected);
    // The search pages the same way, oldest first when asked.
    let (_, found) = call(
        &app,
        Method::POST,
        "/api/v2/search/event",
        Some(json!({"limit": 3, "sortTimeAscending": true})),
    )
    .await;
    let page = &found["response"];
    assert_eq!(page["moreItems"], true);
    let first: Vec<String> = expected.iter().rev().take(3).cloned().collect();
    assert_eq!(ids(page), first);
    let (_, next) = call(
        &app,
        Method::POST,
        "/api/v2/search/event",
        Some(json!({"limit": 3, "sortTimeAscending": true, "cursor": page["cursor"]})),
    )
    .await;
    let rest: Vec<String> = expected.iter().rev().skip(3).cloned().collect();
    assert_eq!(ids(&next["response"]), rest);
    app.stop().await;
}

#[tokio::test]
async fn search_matches_names_tags_and_annotations_and_counts_facets() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let now = clock.now_millis();
    create(&app, json!({"name": "deploy web", "startTime": now - 3000, "tags": ["env.prod", "web"], "annotations": {"severity": "info"}})).await;
    create(&app, json!({"name": "deploy db", "startTime": now - 2000, "tags": ["env.dev"], "annotations": {"severity": "severe"}, "hosts": ["db-1"]})).await;
    create(
        &app,
        json!({"name": "outage", "startTime": now - 1000, "annotations": {"severity": "severe"}}),
    )
    .await;
    let search = |body: Value| {
        let app = &app;
        async move {
            let (status, got) = call(app, Method::POST, "/api/v2/search/event", Some(body)).await;
            assert_eq!(status, 200, "{got}");
            got["response"]["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|e| e["name"].as_str().expect("name").to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        search(
            json!({"query": [{"key": "name", "value": "deploy", "matchingMethod": "STARTSWITH"}]})
        )
        .await,
        ["deploy db", "deploy web"]
    );
    assert_eq!(
        search(json!({"query": [{"key": "tagpath", "value": "env"}]})).await,
        ["deploy db", "deploy web"]
    );
    assert_eq!(
        search(json!({"query": [{"key": "tags", "value": "web", "matchingMethod": "EXACT"}]}))
            .await,
        ["deploy web"]
    );
    assert_eq!(search(json!({"query": [{"key": "annotations.severity", "value": "severe", "matchingMethod": "EXACT"}, {"key": "name", "value": "deploy", "negated": true}]})).await, ["outage"]);
    assert_eq!(
        search(json!({"query": [{"key": "hosts", "value": "db-1", "matchingMethod": "EXACT"}]}))
            .await,
        ["deploy db"]
    );
    assert_eq!(search(json!({"query": [{"key": "runningState", "value": "ongoing", "matchingMethod": "EXACT"}]})).await, ["outage", "deploy db", "deploy web"]);
    // A window after every event finds nothing.
    assert!(
        search(json!({"timeRange": {"earliestStartTimeEpochMillis": now + 1000, "latestStartTimeEpochMillis": now + 2000}}))
            .await
            .is_empty()
    );
    let (status, facets) = call(
        &app,
        Method::POST,
        "/api/v2/search/event/facets",
        Some(json!({"facets": ["tags", "annotations.severity"]})),
    )
    .await;
    assert_eq!(status, 200, "{facets}");
    assert_eq!(
        facets["response"]["facets"]["tags"],
        json!(["env.dev", "env.prod", "web"])
    );
    assert_eq!(
        facets["response"]["facets"]["annotations.severity"],
        json!(["info", "severe"])
    );
    let (status, facet) = call(
        &app,
        Method::POST,
        "/api/v2/search/event/name",
        Some(json!({"facetQuery": "deploy", "facetQueryMatchingMethod": "STARTSWITH"})),
    )
    .await;
    assert_eq!(status, 200, "{facet}");
    assert_eq!(
        facet["response"]["items"],
        json!(["deploy db", "deploy web"])
    );
    app.stop().await;
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    enc.write_all(bytes).expect("gzip");
    enc.finish().expect("gzip")
}

#[tokio::test]
async fn the_sdks_ndjson_batches_are_taken_with_or_without_real_gzip() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let s = clock.now_millis() / 1000 - 30;
    let ndjson = format!(
        "{{\"name\": \"sdk 1\", \"annotations\": {{\"severity\": \"info\"}}, \"hosts\": [\"h1\"], \"startTime\": {s}, \"endTime\": {}, \"tags\": [\"env:test\"]}}\n{{\"name\": \"sdk 2\", \"annotations\": {{}}, \"hosts\": [\"h1\"], \"startTime\": {s}, \"endTime\": {}}}\n",
        s + 60,
        s + 1
    );
    // The Python SDK's session says gzip but sends plain JSON.
    let resp = app
        .admin(Method::POST, "/api/v2/event")
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "gzip")
        .body(ndjson.clone())
        .send()
        .await
        .expect("send");
    let (status, got) = json(resp).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["response"]["name"], "sdk 2");
    for (name, end) in [("sdk 1", s + 60), ("sdk 2", s + 1)] {
        let (status, e) = get(&app, &format!("{}:{name}", s * 1000)).await;
        assert_eq!(status, 200, "{e}");
        assert_eq!(e["response"]["endTime"], end * 1000);
        assert_eq!(e["response"]["creatorType"], json!(["USER"]));
    }
    // A body that is gzip-compressed indeed.
    let resp = app
        .admin(Method::POST, "/api/v2/event")
        .header("Content-Encoding", "gzip")
        .body(gzip(ndjson.as_bytes()))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let (status, e) = get(&app, &format!("{}:sdk 1:1", s * 1000)).await;
    assert_eq!(status, 200, "{e}");
    app.stop().await;
}

#[tokio::test]
async fn event_lines_on_report_become_events() {
    let (app, clock) = with_clock(Backend::Sqlite).await.expect("SQLite");
    let t = clock.now_millis() - 5000;
    let body = format!(
        "cpu.load 1 source=web-1\n@Event {t} {} \"Event name for testing\" type=deployment-event host=app1 host=app2 severity=INFO tag=eventtag1 description=\"Deployment event\" k=1 k=2\n@Event {t} \"\"\n",
        t + 60_000
    );
    let resp = app
        .admin(Method::POST, "/report")
        .body(body)
        .send()
        .await
        .expect("send");
    let (status, got) = json(resp).await;
    assert_eq!(status, 202, "{got}");
    assert!(
        got["status"]["message"]
            .as_str()
            .expect("message")
            .starts_with("2 line(s) accepted, 1 refused"),
        "{got}"
    );
    let (status, e) = get(&app, &format!("{t}:Event name for testing")).await;
    assert_eq!(status, 200, "{e}");
    let e = &e["response"];
    assert_eq!(e["hosts"], json!(["app1", "app2"]));
    assert_eq!(e["tags"], json!(["eventtag1"]));
    assert_eq!(
        e["annotations"],
        json!({"type": "deployment-event", "severity": "INFO", "description": "Deployment event"})
    );
    assert_eq!(e["dimensions"], json!({"k": ["1", "2"]}));
    assert_eq!(e["endTime"], t + 60_000);
    assert_eq!(e["runningState"], "ONGOING");
    // f=event takes only event lines.
    let resp = app
        .admin(Method::POST, "/report?f=event")
        .body("cpu.load 1 source=web-1\n")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    app.stop().await;
}

#[tokio::test]
async fn the_sweep_removes_events_older_than_the_retention_period() {
    let clock = ManualClock::new(SystemClock.now_millis());
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    d.sweep_every = Duration::from_millis(10);
    let app = TestApp::spawn_with_deps(Backend::Sqlite, |s| s.retention = Some("2h".into()), d)
        .await
        .expect("SQLite");
    let now = clock.now_millis();
    let old = create(&app, json!({"name": "old", "startTime": now - 3 * HOUR, "endTime": now - 3 * HOUR + 1, "annotations": {}})).await;
    let recent = create(&app, json!({"name": "recent", "startTime": now - HOUR, "endTime": now - HOUR + 1, "annotations": {}})).await;
    let open = create(
        &app,
        json!({"name": "open", "startTime": now - 3 * HOUR, "annotations": {}}),
    )
    .await;
    let server = app.server.as_ref().expect("running");
    let mut sweeps = server.sweeps.clone();
    let from = sweeps.borrow().swept;
    tokio::time::timeout(
        Duration::from_secs(30),
        sweeps.wait_for(|c| c.swept >= from + 2),
    )
    .await
    .expect("the sweep runs")
    .expect("the sweep runs");
    let gone = |e: &Value| e["id"].as_str().expect("id").to_owned();
    assert_eq!(
        get(&app, &gone(&old)).await.0,
        404,
        "older than the retention period"
    );
    assert_eq!(get(&app, &gone(&recent)).await.0, 200);
    assert_eq!(
        get(&app, &gone(&open)).await.0,
        200,
        "an open event is kept"
    );
    app.stop().await;
}
