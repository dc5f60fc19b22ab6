//! The DerivedMetric API and its runner over HTTP: create, read, update, the trash, versions,
//! tags, search (with `counts`, facets and `/deleted`), the Derived Metrics permission, and the
//! runner on a moved clock: points of `conf.src` reported, a round, and `ts(conf.derived)`
//! answering the per-minute means; a second round writes nothing twice; a failing query is
//! INVALID, an empty one NO_DATA. Rounds run when the test says (`derive_every` is an hour).

use std::sync::Arc;
use std::time::Duration;

use crest_domain::clock::ManualClock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, account_with, call, deps, json as json_of, ok, status_as};

/// 2026-12-06T10:00:00Z.
const TEN: i64 = 1_796_551_200_000;
const MINUTE: i64 = 60_000;

fn dm1() -> Value {
    json!({
        "name": "dm1",
        "query": "aliasMetric(ts(conf.src), \"conf.derived\")",
        "minutes": 5,
        "processRateMinutes": 1
    })
}

async fn setup(backend: Backend, at: i64) -> Option<(TestApp, ManualClock)> {
    let clock = ManualClock::new(at);
    let mut d = deps();
    d.clock = Arc::new(clock.clone());
    d.evaluate_every = Duration::from_secs(3600);
    d.derive_every = Duration::from_secs(3600);
    let app = TestApp::spawn_with_deps(backend, |_| {}, d).await?;
    Some((app, clock))
}

async fn create(app: &TestApp, body: Value) -> String {
    let got = ok(app, Method::POST, "/api/v2/derivedmetric", Some(body)).await;
    got["id"].as_str().expect("an id").to_owned()
}

async fn get(app: &TestApp, id: &str) -> Value {
    ok(
        app,
        Method::GET,
        &format!("/api/v2/derivedmetric/{id}"),
        None,
    )
    .await
}

async fn search(app: &TestApp, path: &str, id: &str) -> Value {
    let body = json!({"query": [{"key": "id", "value": id, "matchingMethod": "EXACT"}]});
    ok(app, Method::POST, path, Some(body)).await
}

async fn api_round_trip(backend: Backend) {
    let Some((app, _clock)) = setup(backend, TEN).await else {
        return;
    };
    let id = create(&app, dm1()).await;
    let got = get(&app, &id).await;
    assert_eq!(got["status"], json!(["ACTIVE"]), "{got}");
    assert_eq!(got["processRateMinutes"], 1);
    assert_eq!(got["minutes"], 5);
    assert_eq!(got["inTrash"], false);
    assert_eq!(got["created"], TEN);

    // An update is version 2; version 1 keeps the old name.
    let mut changed = dm1();
    changed["name"] = json!("dm1b");
    ok(
        &app,
        Method::PUT,
        &format!("/api/v2/derivedmetric/{id}"),
        Some(changed),
    )
    .await;
    let history = ok(
        &app,
        Method::GET,
        &format!("/api/v2/derivedmetric/{id}/history"),
        None,
    )
    .await;
    let versions: Vec<i64> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| v["version"].as_i64().expect("a version"))
        .collect();
    assert_eq!(versions, [2, 1]);
    let v1 = ok(
        &app,
        Method::GET,
        &format!("/api/v2/derivedmetric/{id}/history/1"),
        None,
    )
    .await;
    assert_eq!(v1["name"], "dm1");
    assert_eq!(get(&app, &id).await["name"], "dm1b");

    // Tags: add, remove, set (each change a version).
    let tags = format!("/api/v2/derivedmetric/{id}/tag");
    ok(&app, Method::PUT, &format!("{tags}/t-1"), None).await;
    assert_eq!(
        ok(&app, Method::GET, &tags, None).await["items"],
        json!(["t-1"])
    );
    ok(&app, Method::DELETE, &format!("{tags}/t-1"), None).await;
    ok(&app, Method::POST, &tags, Some(json!(["a", "b"]))).await;
    assert_eq!(
        get(&app, &id).await["tags"]["customerTags"],
        json!(["a", "b"])
    );
    let (status, _) = call(&app, Method::PUT, &format!("{tags}/no%20space"), None).await;
    assert_eq!(status, 400);

    // Search with counts, facets; the trash and back.
    let found = search(&app, "/api/v2/search/derivedmetric", &id).await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");
    assert_eq!(found["counts"]["active"], 1, "{found}");
    let facets = ok(
        &app,
        Method::POST,
        "/api/v2/search/derivedmetric/facets",
        Some(json!({"facets": ["name"]})),
    )
    .await;
    assert_eq!(facets["facets"]["name"], json!(["dm1b"]), "{facets}");
    let deleted = ok(
        &app,
        Method::DELETE,
        &format!("/api/v2/derivedmetric/{id}"),
        None,
    )
    .await;
    assert_eq!(deleted["status"], json!(["TRASH"]));
    assert_eq!(deleted["inTrash"], true);
    let live = search(&app, "/api/v2/search/derivedmetric", &id).await;
    assert_eq!(live["items"], json!([]));
    let trashed = search(&app, "/api/v2/search/derivedmetric/deleted", &id).await;
    assert_eq!(trashed["items"][0]["inTrash"], true, "{trashed}");
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/derivedmetric/{id}"),
        Some(dm1()),
    )
    .await;
    assert_eq!(status, 409, "no update in the trash");
    ok(
        &app,
        Method::POST,
        &format!("/api/v2/derivedmetric/{id}/undelete"),
        None,
    )
    .await;
    let back = search(&app, "/api/v2/search/derivedmetric", &id).await;
    assert_eq!(back["items"][0]["inTrash"], false, "{back}");

    // skipTrash removes it for good.
    ok(
        &app,
        Method::DELETE,
        &format!("/api/v2/derivedmetric/{id}?skipTrash=true"),
        None,
    )
    .await;
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v2/derivedmetric/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}

#[tokio::test]
async fn crud_versions_tags_trash_and_search() {
    api_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn crud_versions_tags_trash_and_search_on_postgres() {
    api_round_trip(Backend::Postgres).await;
}

#[tokio::test]
async fn invalid_definitions_are_400s_that_say_why() {
    let Some((app, _)) = setup(Backend::Sqlite, TEN).await else {
        return;
    };
    for (body, says) in [
        (
            json!({"query": "aliasMetric(ts(a), \"b\")", "minutes": 5}),
            "name",
        ),
        (json!({"name": "x", "minutes": 5}), "query"),
        (
            json!({"name": "x", "query": "aliasMetric(ts(a), \"b\")"}),
            "minutes",
        ),
        (json!({"name": "x", "query": "ts(", "minutes": 5}), "parse"),
        (
            json!({"name": "x", "query": "ts(conf.src)", "minutes": 5}),
            "into itself",
        ),
        (
            json!({"name": "x", "query": "aliasMetric(ts(conf.*), \"conf.d\")", "minutes": 5}),
            "into itself",
        ),
        (
            json!({"name": "x", "query": "aliasMetric(ts(a), \"b\")", "minutes": 5, "processRateMinutes": 0}),
            "processRateMinutes",
        ),
    ] {
        let (status, got) = call(&app, Method::POST, "/api/v2/derivedmetric", Some(body)).await;
        assert_eq!(status, 400, "{got}");
        let message = got["status"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message} should say {says}");
    }
    app.stop().await;
}

#[tokio::test]
async fn writes_need_derived_metrics_and_reads_do_not() {
    let Some((app, _)) = setup(Backend::Sqlite, TEN).await else {
        return;
    };
    let id = create(&app, dm1()).await;
    let reader = account_with(&app, "reader", &[]).await;
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, "/api/v2/derivedmetric".into(), Some(dm1())),
        (
            Method::PUT,
            format!("/api/v2/derivedmetric/{id}"),
            Some(dm1()),
        ),
        (Method::DELETE, format!("/api/v2/derivedmetric/{id}"), None),
        (
            Method::POST,
            format!("/api/v2/derivedmetric/{id}/undelete"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v2/derivedmetric/{id}/tag"),
            Some(json!(["x"])),
        ),
        (
            Method::PUT,
            format!("/api/v2/derivedmetric/{id}/tag/x"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v2/derivedmetric/{id}/tag/x"),
            None,
        ),
    ];
    for (method, path, body) in writes {
        let status = status_as(&app, &reader, method.clone(), &path, body).await;
        assert_eq!(status, 403, "{method} {path}");
    }
    for path in [
        "/api/v2/derivedmetric".to_owned(),
        format!("/api/v2/derivedmetric/{id}"),
        format!("/api/v2/derivedmetric/{id}/history"),
        format!("/api/v2/derivedmetric/{id}/history/1"),
        format!("/api/v2/derivedmetric/{id}/tag"),
    ] {
        assert_eq!(
            status_as(&app, &reader, Method::GET, &path, None).await,
            200,
            "{path}"
        );
    }
    let writer = account_with(&app, "writer", &["derived_metrics_management"]).await;
    let status = status_as(
        &app,
        &writer,
        Method::POST,
        "/api/v2/derivedmetric",
        Some(dm1()),
    )
    .await;
    assert_eq!(status, 200);
    app.stop().await;
}

/// Points `(epoch ms, value)` of `metric` from `source` with the tag `env=prod`.
async fn report(app: &TestApp, metric: &str, source: &str, points: &[(i64, f64)]) {
    let body: String = points
        .iter()
        .map(|(t, v)| format!("{metric} {v} {} source={source} env=prod\n", t / 1000))
        .collect();
    let resp = app
        .admin(Method::POST, "/report")
        .header("content-type", "text/plain")
        .body(body)
        .send()
        .await
        .expect("/report answers");
    assert_eq!(resp.status().as_u16(), 202);
}

/// `ts(<metric>)` per minute over 10:00–10:20: `[[seconds, value], ...]` of each series.
async fn chart(app: &TestApp, query: &str) -> Value {
    let (status, got) = json_of(
        app.http
            .get(app.at("/api/v2/chart/api"))
            .query(&[
                ("q", query.to_owned()),
                ("s", TEN.to_string()),
                ("e", (TEN + 20 * MINUTE).to_string()),
                ("g", "m".to_owned()),
            ])
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    got
}

async fn round_at(app: &TestApp, clock: &ManualClock, at: i64) -> crest_alert::DerivedReport {
    clock.set(at);
    let server = app.server.as_ref().expect("the server runs");
    server.derived.round().await.expect("a round runs")
}

async fn runner(backend: Backend) {
    let Some((app, clock)) = setup(backend, TEN).await else {
        return;
    };
    // Two points a minute in minutes 0..4: means 1.5, 3.5, 5.5, 7.5, 9.5.
    let points: Vec<(i64, f64)> = (0..5)
        .flat_map(|m| {
            let base = 2.0 * m as f64 + 1.0;
            [
                (TEN + m * MINUTE + 10_000, base),
                (TEN + m * MINUTE + 40_000, base + 1.0),
            ]
        })
        .collect();
    report(&app, "conf.src", "web-1", &points).await;
    let id = create(&app, dm1()).await;
    let failing = create(
        &app,
        json!({"name": "bad", "query": "aliasMetric(noSuchFunction(ts(conf.src)), \"conf.bad\")", "minutes": 5}),
    )
    .await;
    let empty = create(
        &app,
        json!({"name": "empty", "query": "aliasMetric(ts(no.such.metric), \"conf.none\")", "minutes": 5}),
    )
    .await;
    // Only its answer shows that this one writes the metric it reads (a product keeps the
    // metric's name): INVALID at run time, and nothing written.
    let looping = create(
        &app,
        json!({"name": "loop", "query": "ts(conf.src) * 2", "minutes": 5}),
    )
    .await;

    let report1 = round_at(&app, &clock, TEN + 5 * MINUTE + 5_000).await;
    assert_eq!(report1.ran, 4, "{report1:?}");
    assert_eq!(report1.points, 5, "{report1:?}");
    let got = chart(&app, "ts(conf.derived)").await;
    let series = got["timeseries"].as_array().expect("series");
    assert_eq!(series.len(), 1, "{got}");
    assert_eq!(series[0]["host"], "web-1");
    assert_eq!(series[0]["tags"], json!({"env": "prod"}));
    let t = TEN / 1000;
    assert_eq!(
        series[0]["data"],
        json!([
            [t, 1.5],
            [t + 60, 3.5],
            [t + 120, 5.5],
            [t + 180, 7.5],
            [t + 240, 9.5]
        ])
    );
    let dm = get(&app, &id).await;
    assert_eq!(dm["status"], json!(["ACTIVE"]), "{dm}");
    assert_eq!(dm["lastProcessedMillis"], TEN + 5 * MINUTE + 5_000);
    assert_eq!(dm["metricsUsed"], json!(["conf.src"]));
    assert_eq!(dm["hostsUsed"], json!(["web-1"]));
    assert_eq!(dm["pointsScannedAtLastQuery"], 10, "{dm}");
    let versions = ok(
        &app,
        Method::GET,
        &format!("/api/v2/derivedmetric/{id}/history"),
        None,
    )
    .await;
    assert_eq!(versions["totalItems"], 1, "a run makes no version");
    let bad = get(&app, &failing).await;
    assert_eq!(bad["status"], json!(["INVALID"]), "{bad}");
    assert_eq!(bad["queryFailing"], true);
    assert!(
        bad["lastErrorMessage"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{bad}"
    );
    assert_eq!(get(&app, &empty).await["status"], json!(["NO_DATA"]));
    let looped = get(&app, &looping).await;
    assert_eq!(looped["status"], json!(["INVALID"]), "{looped}");
    assert!(
        looped["lastErrorMessage"]
            .as_str()
            .is_some_and(|m| m.contains("into itself") && m.contains("conf.src")),
        "{looped}"
    );
    let source = chart(&app, "ts(conf.src)").await;
    assert_eq!(
        source["timeseries"][0]["data"], series[0]["data"],
        "the source's per-minute means are its own points only"
    );

    // Within the same minute nothing is due; a minute later, the window covers the same
    // minutes and none is written again (minute 5 has no data).
    let report2 = round_at(&app, &clock, TEN + 5 * MINUTE + 30_000).await;
    assert_eq!((report2.ran, report2.not_due), (0, 4), "{report2:?}");
    let report3 = round_at(&app, &clock, TEN + 6 * MINUTE + 5_000).await;
    assert_eq!((report3.ran, report3.points), (4, 0), "{report3:?}");
    let again = chart(&app, "ts(conf.derived)").await;
    assert_eq!(again["timeseries"], got["timeseries"]);
    let counted = ok(
        &app,
        Method::POST,
        "/api/v2/search/derivedmetric",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (
            counted["counts"]["active"].as_i64(),
            counted["counts"]["invalid"].as_i64(),
            counted["counts"]["no_data"].as_i64()
        ),
        (Some(1), Some(2), Some(1)),
        "{counted}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_runner_writes_per_minute_means_once() {
    runner(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_runner_on_postgres() {
    runner(Backend::Postgres).await;
}
