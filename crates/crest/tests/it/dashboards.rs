//! The Dashboard API and dashboard search as the published clients use them (§5, §8 and checks
//! C49–C56 of the reference): dashboards kept whole and round-tripped unchanged (the reference's
//! example and one of every chart type), ids that are URLs, versions that outlive a delete for
//! good, the trash, favorites per caller, tags, facets, ACLs enforced on every read and write,
//! the Dashboards permission, and bad input refused with a 400 that names it.

use crest_domain::clock::{Clock, ManualClock};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::support::{Backend, TestApp, account_with, assert_error_envelope, call, ok, status_as};

const REFERENCE_EXAMPLE: &str = include_str!("fixtures/dashboards/reference_example.json");
const EVERY_CHART_TYPE: &str = include_str!("fixtures/dashboards/every_chart_type.json");

/// The fields the server sets over a dashboard's JSON (`tags` only when the JSON had none).
const SERVER_SET: &[&str] = &[
    "createdEpochMillis",
    "updatedEpochMillis",
    "creatorId",
    "updaterId",
    "deleted",
    "hidden",
    "systemOwned",
    "orphan",
    "favorite",
    "numFavorites",
    "numCharts",
    "modifyAclAccess",
    "acl",
    "tags",
];

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).expect("a fixture parses")
}

fn d1() -> Value {
    json!({"id": "conf-d1", "url": "conf-d1", "name": "D1", "sections": [{"name": "S", "rows": [
        {"charts": [{"name": "C", "sources": [{"name": "q", "query": "ts(x)"}],
            "chartSettings": {"type": "line"}}]}]}],
        "parameterDetails": {"env": {"parameterType": "SIMPLE", "label": "env", "defaultValue": "prod"}}})
}

fn object(v: &Value) -> &Map<String, Value> {
    v.as_object().expect("an object")
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

/// Every field sent comes back as sent; the answer adds only the server's fields.
fn assert_kept(sent: &Value, got: &Value) {
    for (key, value) in object(sent) {
        assert_eq!(&got[key.as_str()], value, "{key} changed");
    }
    for key in object(got).keys() {
        assert!(
            object(sent).contains_key(key) || SERVER_SET.contains(&key.as_str()),
            "{key} was added"
        );
    }
}

fn without_update(v: &Value) -> Value {
    let mut m = object(v).clone();
    m.remove("updatedEpochMillis");
    m.remove("updaterId");
    Value::Object(m)
}

/// create → get → update (with what get answered) → get: unchanged but for the update's time.
async fn round_trip(app: &TestApp, clock: &ManualClock, sent: Value) {
    let id = sent["id"].as_str().expect("the fixture's id").to_owned();
    let path = format!("/api/v2/dashboard/{id}");
    let created = ok(app, Method::POST, "/api/v2/dashboard", Some(sent.clone())).await;
    assert_kept(&sent, &created);
    let got = ok(app, Method::GET, &path, None).await;
    assert_eq!(got, created);
    clock.advance(1_000);
    let updated = ok(app, Method::PUT, &path, Some(got.clone())).await;
    assert_eq!(without_update(&updated), without_update(&got));
    assert_eq!(updated["updatedEpochMillis"], clock.now_millis());
    let again = ok(app, Method::GET, &path, None).await;
    assert_eq!(again, updated);
    assert_kept(&sent, &again);
    let history = ok(app, Method::GET, &format!("{path}/history"), None).await;
    assert_eq!(history["totalItems"], 2, "{history}");
}

/// The whole conversation, on one backend.
async fn conversation(app: &TestApp, clock: &ManualClock) {
    // An unknown dashboard is a 404 in the error envelope.
    let (status, got) = call(app, Method::GET, "/api/v2/dashboard/no-such", None).await;
    assert_eq!(status, 404);
    assert_error_envelope(&got, 404);

    // C49: id = url, the JSON round-trips, the server's fields are set.
    let now = clock.now_millis();
    let d = ok(app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    assert_eq!(
        (d["id"].clone(), d["url"].clone()),
        (json!("conf-d1"), json!("conf-d1"))
    );
    assert_eq!(d["sections"], d1()["sections"]);
    assert_eq!(d["parameterDetails"], d1()["parameterDetails"]);
    assert_eq!(d["createdEpochMillis"], now);
    assert!(d["creatorId"].as_str().is_some_and(|c| !c.is_empty()));
    assert_eq!(d["numCharts"], 1);
    assert_eq!(d["tags"], json!({"customerTags": []}));
    assert_eq!(d["favorite"], false);
    // The url alone names the dashboard.
    let mut only_url = d1();
    only_url.as_object_mut().map(|o| o.remove("id"));
    only_url["url"] = json!("conf-url-only");
    let u = ok(app, Method::POST, "/api/v2/dashboard", Some(only_url)).await;
    assert_eq!(u["id"], "conf-url-only");

    // D-2: the reference's example and a dashboard of every chart type round-trip unchanged.
    round_trip(app, clock, fixture(REFERENCE_EXAMPLE)).await;
    round_trip(app, clock, fixture(EVERY_CHART_TYPE)).await;
    let every = ok(app, Method::GET, "/api/v2/dashboard/every-chart-type", None).await;
    assert_eq!(every["numCharts"], 16);

    // C55 and the other refusals: 400 naming the problem, nothing created.
    let (status, got) = call(app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    assert_eq!(status, 400, "{got}");
    assert!(
        got["status"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already exists"))
    );
    for (change, says) in [
        (json!({"id": "other"}), "differ"),
        (json!({"id": "a b", "url": "a b"}), "letters, digits"),
        (json!({"name": null}), "'name' is required"),
        (json!({"sections": null}), "'sections' is required"),
        (json!({"sections": "none"}), "'sections' must be a list"),
        (
            json!({"eventFilterType": "SOMETIMES"}),
            "'eventFilterType' must be one of",
        ),
        (
            json!({"sections": [{"name": "S", "rows": [{"charts": [{"name": "C",
                "sources": [{"name": "q", "query": "ts(x)"}], "chartSettings": {"type": "donut"}}]}]}]}),
            "'sections[0].rows[0].charts[0].chartSettings.type' must be one of",
        ),
        (
            json!({"sections": [{"name": "S", "rows": [{"charts": [{"name": "C",
                "sources": [{"name": "q"}]}]}]}]}),
            "'sections[0].rows[0].charts[0].sources[0].query' is required",
        ),
        (json!({"tags": {"customerTags": ["a b"]}}), "tag"),
        (json!({"acl": {"canView": "x"}}), "'acl'"),
    ] {
        let mut body = d1();
        body["id"] = json!("conf-bad");
        body["url"] = json!("conf-bad");
        for (k, v) in object(&change) {
            body[k.as_str()] = v.clone();
        }
        let (status, got) = call(app, Method::POST, "/api/v2/dashboard", Some(body)).await;
        assert_eq!(status, 400, "{change}: {got}");
        assert_error_envelope(&got, 400);
        let message = got["status"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{change}: {message}");
    }
    for body in [json!([1]), json!("dashboard"), json!(null)] {
        let (status, _) = call(app, Method::POST, "/api/v2/dashboard", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, _) = call(app, Method::GET, "/api/v2/dashboard/conf-bad", None).await;
    assert_eq!(status, 404);
    let (status, got) = call(
        app,
        Method::PUT,
        "/api/v2/dashboard/conf-url-only",
        Some(d1()),
    )
    .await;
    assert_eq!(status, 400, "{got}");

    // C50: lists and searches carry sections on every dashboard.
    let all = ok(app, Method::GET, "/api/v2/dashboard?limit=100", None).await;
    assert_eq!(all["totalItems"], 4);
    let found = ok(
        app,
        Method::POST,
        "/api/v2/search/dashboard",
        Some(json!({})),
    )
    .await;
    assert_eq!(found["totalItems"], 4);
    for page in [&all, &found] {
        for item in page["items"].as_array().expect("items") {
            assert!(item["sections"].is_array(), "{item}");
        }
    }
    let page = ok(app, Method::GET, "/api/v2/dashboard?offset=0&limit=1", None).await;
    assert_eq!(
        (
            page["moreItems"].clone(),
            page["items"].as_array().map(Vec::len)
        ),
        (json!(true), Some(1))
    );

    // C51: update, history newest first, versions.
    clock.advance(1_000);
    let mut changed = d1();
    changed["name"] = json!("D1b");
    let updated = ok(app, Method::PUT, "/api/v2/dashboard/conf-d1", Some(changed)).await;
    assert_eq!(updated["name"], "D1b");
    assert_eq!(updated["createdEpochMillis"], now);
    let history = ok(app, Method::GET, "/api/v2/dashboard/conf-d1/history", None).await;
    assert_eq!(history["totalItems"], 2);
    assert_eq!(history["items"][0]["version"], 2);
    assert_eq!(history["items"][1]["version"], 1);
    assert_eq!(
        history["items"][0]["changeDescription"],
        json!(["Dashboard updated"])
    );
    let v1 = ok(
        app,
        Method::GET,
        "/api/v2/dashboard/conf-d1/history/1",
        None,
    )
    .await;
    assert_eq!(v1["name"], "D1");
    assert_eq!(v1["updatedEpochMillis"], now);
    let (status, got) = call(
        app,
        Method::GET,
        "/api/v2/dashboard/conf-d1/history/9",
        None,
    )
    .await;
    assert_eq!(status, 404, "{got}");
    let (status, _) = call(
        app,
        Method::GET,
        "/api/v2/dashboard/conf-d1/history/x",
        None,
    )
    .await;
    assert_eq!(status, 400);

    // C52: favorites are the caller's; both calls are idempotent.
    for _ in 0..2 {
        ok(
            app,
            Method::POST,
            "/api/v2/dashboard/conf-d1/favorite",
            Some(json!({})),
        )
        .await;
    }
    let fav = ok(app, Method::GET, "/api/v2/dashboard/conf-d1", None).await;
    assert_eq!(
        (fav["favorite"].clone(), fav["numFavorites"].clone()),
        (json!(true), json!(1))
    );
    let favs = search(app, "/api/v2/search/dashboard", "favorite", "true", "EXACT").await;
    assert_eq!(ids(&favs), vec!["conf-d1"]);
    let other = account_with(app, "other", &[]).await;
    let theirs = crate::support::json(
        app.http
            .get(app.at("/api/v2/dashboard/conf-d1"))
            .bearer_auth(&other)
            .send()
            .await
            .expect("send"),
    )
    .await
    .1;
    assert_eq!(theirs["response"]["favorite"], false);
    assert_eq!(theirs["response"]["numFavorites"], 1);
    for _ in 0..2 {
        ok(
            app,
            Method::POST,
            "/api/v2/dashboard/conf-d1/unfavorite",
            Some(json!({})),
        )
        .await;
    }
    let unfav = ok(app, Method::GET, "/api/v2/dashboard/conf-d1", None).await;
    assert_eq!(
        (unfav["favorite"].clone(), unfav["numFavorites"].clone()),
        (json!(false), json!(0))
    );

    // Tags: add, read, remove, set (each change a version); search and facets by tag.
    ok(
        app,
        Method::PUT,
        "/api/v2/dashboard/conf-d1/tag/t-1",
        Some(json!({})),
    )
    .await;
    let tags = ok(app, Method::GET, "/api/v2/dashboard/conf-d1/tag", None).await;
    assert_eq!(tags["items"], json!(["t-1"]));
    ok(
        app,
        Method::DELETE,
        "/api/v2/dashboard/conf-d1/tag/t-1",
        Some(json!({})),
    )
    .await;
    ok(
        app,
        Method::POST,
        "/api/v2/dashboard/conf-d1/tag",
        Some(json!(["a", "b.c"])),
    )
    .await;
    let tagged = ok(app, Method::GET, "/api/v2/dashboard/conf-d1", None).await;
    assert_eq!(tagged["tags"]["customerTags"], json!(["a", "b.c"]));
    let (status, _) = call(
        app,
        Method::PUT,
        "/api/v2/dashboard/conf-d1/tag/a%20b",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400);
    let by_tag = search(app, "/api/v2/search/dashboard", "tags", "b.c", "EXACT").await;
    assert_eq!(ids(&by_tag), vec!["conf-d1"]);
    let facets = ok(
        app,
        Method::POST,
        "/api/v2/search/dashboard/facets",
        Some(json!({"facets": ["tags", "name"]})),
    )
    .await;
    let tag_values = facets["facets"]["tags"].as_array().expect("tag values");
    for t in ["a", "b.c", "team-a", "prod.web"] {
        assert!(tag_values.contains(&json!(t)), "{t} in {facets}");
    }
    let facet = ok(
        app,
        Method::POST,
        "/api/v2/search/dashboard/name",
        Some(json!({"query": [{"key": "id", "value": "conf-d1", "matchingMethod": "EXACT"}]})),
    )
    .await;
    assert_eq!(facet["items"], json!(["D1b"]));
    let history = ok(app, Method::GET, "/api/v2/dashboard/conf-d1/history", None).await;
    assert_eq!(history["totalItems"], 5, "{history}");
    let (status, got) = call(
        app,
        Method::POST,
        "/api/v2/search/dashboard",
        Some(json!({"query": [{"key": "noSuchKey", "value": "x"}]})),
    )
    .await;
    assert_eq!(status, 400, "{got}");

    // C54: the trash, undelete, a delete for good that leaves the versions readable, and the
    // dashboard re-created from an old version continuing its history.
    let gone = ok(
        app,
        Method::DELETE,
        "/api/v2/dashboard/conf-d1",
        Some(json!({})),
    )
    .await;
    assert_eq!(gone["deleted"], true);
    let live = search(app, "/api/v2/search/dashboard", "id", "conf-d1", "EXACT").await;
    assert!(ids(&live).is_empty());
    let trashed = search(
        app,
        "/api/v2/search/dashboard/deleted",
        "id",
        "conf-d1",
        "EXACT",
    )
    .await;
    assert_eq!(ids(&trashed), vec!["conf-d1"]);
    assert_eq!(trashed["items"][0]["deleted"], true);
    let deleted_facets = ok(
        app,
        Method::POST,
        "/api/v2/search/dashboard/deleted/facets",
        Some(json!({"facets": ["id"]})),
    )
    .await;
    assert_eq!(deleted_facets["facets"]["id"], json!(["conf-d1"]));
    let (status, _) = call(app, Method::PUT, "/api/v2/dashboard/conf-d1", Some(d1())).await;
    assert_eq!(status, 409);
    let (status, got) = call(app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    assert_eq!(status, 400);
    assert!(
        got["status"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("trash"))
    );
    let back = ok(
        app,
        Method::POST,
        "/api/v2/dashboard/conf-d1/undelete",
        Some(json!({})),
    )
    .await;
    assert_eq!(back["deleted"], false);
    let (status, _) = call(
        app,
        Method::POST,
        "/api/v2/dashboard/conf-d1/undelete",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400);
    ok(
        app,
        Method::DELETE,
        "/api/v2/dashboard/conf-d1?skipTrash=True",
        Some(json!({})),
    )
    .await;
    let (status, _) = call(app, Method::GET, "/api/v2/dashboard/conf-d1", None).await;
    assert_eq!(status, 404);
    let deleted = search(
        app,
        "/api/v2/search/dashboard/deleted",
        "id",
        "conf-d1",
        "EXACT",
    )
    .await;
    assert_eq!(deleted["totalItems"], 0);
    let v1 = ok(
        app,
        Method::GET,
        "/api/v2/dashboard/conf-d1/history/1",
        None,
    )
    .await;
    assert_eq!(v1["name"], "D1");
    let history = ok(app, Method::GET, "/api/v2/dashboard/conf-d1/history", None).await;
    assert_eq!(history["items"][0]["inTrash"], true);
    let again = ok(app, Method::POST, "/api/v2/dashboard", Some(v1)).await;
    assert_eq!(again["name"], "D1");
    let history = ok(app, Method::GET, "/api/v2/dashboard/conf-d1/history", None).await;
    assert_eq!(history["items"][0]["version"], 6, "{history}");
    assert_eq!(
        history["items"][0]["changeDescription"],
        json!(["Dashboard created"])
    );
    let (status, _) = call(
        app,
        Method::GET,
        "/api/v2/dashboard/never-was/history",
        None,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn dashboards_conversation_on_sqlite() {
    let (app, clock) = TestApp::spawn_on_with_clock(Backend::Sqlite)
        .await
        .expect("SQLite");
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn dashboards_conversation_on_postgres() {
    let Some((app, clock)) = TestApp::spawn_on_with_clock(Backend::Postgres).await else {
        return;
    };
    conversation(&app, &clock).await;
    app.stop().await;
}

#[tokio::test]
async fn writes_need_dashboards_and_reads_and_favorites_do_not() {
    let app = TestApp::spawn().await;
    ok(&app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    let id = "conf-d1";
    let reader = account_with(&app, "reader", &[]).await;
    let writes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::POST, "/api/v2/dashboard".into(), Some(d1())),
        (Method::PUT, format!("/api/v2/dashboard/{id}"), Some(d1())),
        (Method::DELETE, format!("/api/v2/dashboard/{id}"), None),
        (
            Method::POST,
            format!("/api/v2/dashboard/{id}/undelete"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v2/dashboard/{id}/tag"),
            Some(json!(["x"])),
        ),
        (Method::PUT, format!("/api/v2/dashboard/{id}/tag/x"), None),
        (
            Method::DELETE,
            format!("/api/v2/dashboard/{id}/tag/x"),
            None,
        ),
        (
            Method::POST,
            "/api/v2/dashboard/acl/add".into(),
            Some(json!([])),
        ),
        (
            Method::POST,
            "/api/v2/dashboard/acl/remove".into(),
            Some(json!([])),
        ),
        (
            Method::PUT,
            "/api/v2/dashboard/acl/set".into(),
            Some(json!([])),
        ),
    ];
    for (method, path, body) in writes {
        let status = status_as(&app, &reader, method.clone(), &path, body).await;
        assert_eq!(status, 403, "{method} {path}");
    }
    let reads: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/v2/dashboard".into(), None),
        (Method::GET, format!("/api/v2/dashboard/{id}"), None),
        (Method::GET, format!("/api/v2/dashboard/{id}/history"), None),
        (
            Method::GET,
            format!("/api/v2/dashboard/{id}/history/1"),
            None,
        ),
        (Method::GET, format!("/api/v2/dashboard/{id}/tag"), None),
        (Method::GET, format!("/api/v2/dashboard/acl?id={id}"), None),
        (
            Method::POST,
            format!("/api/v2/dashboard/{id}/favorite"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v2/dashboard/{id}/unfavorite"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/dashboard".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/dashboard/deleted".into(),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v2/search/dashboard/facets".into(),
            Some(json!({"facets": ["tags"]})),
        ),
        (
            Method::POST,
            "/api/v2/search/dashboard/deleted/name".into(),
            Some(json!({})),
        ),
    ];
    for (method, path, body) in reads {
        let status = status_as(&app, &reader, method.clone(), &path, body).await;
        assert_eq!(status, 200, "{method} {path}");
    }
    let (status, _) = call(&app, Method::GET, "/api/v2/dashboard/acl", None).await;
    assert_eq!(status, 200);
    let writer = account_with(&app, "writer", &["dashboard_management"]).await;
    let mut mine = d1();
    mine["id"] = json!("by-writer");
    mine["url"] = json!("by-writer");
    let status = status_as(&app, &writer, Method::POST, "/api/v2/dashboard", Some(mine)).await;
    assert_eq!(status, 200);
    let status = status_as(&app, &writer, Method::POST, "/api/v2/dashboard", None).await;
    assert_eq!(status, 400, "no body is no dashboard");
    app.stop().await;
}

#[tokio::test]
async fn a_dashboards_acl_limits_who_sees_and_changes_it() {
    let app = TestApp::spawn().await;
    ok(&app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    let id = "conf-d1";
    let writer = account_with(&app, "writer", &["dashboard_management"]).await;
    let viewer = account_with(&app, "viewer", &["dashboard_management"]).await;
    let outsider = account_with(&app, "outsider", &["dashboard_management"]).await;
    // C53.
    ok(
        &app,
        Method::PUT,
        "/api/v2/dashboard/acl/set",
        Some(json!([{"entityId": id, "viewAcl": ["sa::viewer"], "modifyAcl": ["sa::writer"]}])),
    )
    .await;
    let acl = ok(
        &app,
        Method::GET,
        &format!("/api/v2/dashboard/acl?id={id}"),
        None,
    )
    .await;
    assert_eq!(acl.as_array().map(Vec::len), Some(1));
    assert_eq!(acl[0]["entityId"], json!(id));
    assert_eq!(acl[0]["modifyAcl"][0]["id"], "sa::writer");
    assert_eq!(acl[0]["viewAcl"][0]["id"], "sa::viewer");
    let shown = ok(&app, Method::GET, &format!("/api/v2/dashboard/{id}"), None).await;
    assert_eq!(
        shown["acl"],
        json!({"canView": ["sa::viewer"], "canModify": ["sa::writer"]})
    );

    let path = format!("/api/v2/dashboard/{id}");
    // Someone the ACL does not name does not see it at all: not by id, list, search, history.
    for (method, p, body) in [
        (Method::GET, path.clone(), None),
        (Method::PUT, path.clone(), Some(d1())),
        (Method::DELETE, path.clone(), None),
        (Method::GET, format!("{path}/history"), None),
        (Method::GET, format!("{path}/history/1"), None),
        (Method::GET, format!("{path}/tag"), None),
        (Method::PUT, format!("{path}/tag/x"), None),
        (Method::POST, format!("{path}/favorite"), Some(json!({}))),
        (Method::GET, format!("/api/v2/dashboard/acl?id={id}"), None),
    ] {
        assert_eq!(
            status_as(&app, &outsider, method.clone(), &p, body).await,
            404,
            "{method} {p}"
        );
    }
    for p in ["/api/v2/dashboard"] {
        let (_, theirs) = crate::support::json(
            app.http
                .get(app.at(p))
                .bearer_auth(&outsider)
                .send()
                .await
                .expect("send"),
        )
        .await;
        assert_eq!(theirs["response"]["totalItems"], 0, "{theirs}");
    }
    let (_, searched) = crate::support::json(
        app.http
            .post(app.at("/api/v2/search/dashboard"))
            .bearer_auth(&outsider)
            .json(&json!({}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(searched["response"]["totalItems"], 0, "{searched}");

    // A viewer sees it but may not change it; the writer may.
    assert_eq!(
        status_as(&app, &viewer, Method::GET, &path, None).await,
        200
    );
    assert_eq!(
        status_as(&app, &viewer, Method::PUT, &path, Some(d1())).await,
        403
    );
    assert_eq!(
        status_as(&app, &viewer, Method::DELETE, &path, None).await,
        403
    );
    assert_eq!(
        status_as(&app, &viewer, Method::PUT, &format!("{path}/tag/x"), None).await,
        403
    );
    assert_eq!(
        status_as(
            &app,
            &viewer,
            Method::POST,
            "/api/v2/dashboard/acl/add",
            Some(json!([{"entityId": id, "modifyAcl": ["sa::viewer"]}]))
        )
        .await,
        403
    );
    assert_eq!(
        status_as(&app, &writer, Method::PUT, &path, Some(d1())).await,
        200
    );
    // The Super Admin (the bootstrap administrator) passes every ACL.
    ok(&app, Method::GET, &path, None).await;
    // After a delete for good, the history keeps the ACL it last had.
    ok(
        &app,
        Method::DELETE,
        &format!("{path}?skipTrash=true"),
        Some(json!({})),
    )
    .await;
    assert_eq!(
        status_as(
            &app,
            &outsider,
            Method::GET,
            &format!("{path}/history"),
            None
        )
        .await,
        404
    );
    assert_eq!(
        status_as(&app, &viewer, Method::GET, &format!("{path}/history"), None).await,
        200
    );
    // An ACL opened again admits everyone.
    ok(&app, Method::POST, "/api/v2/dashboard", Some(d1())).await;
    ok(
        &app,
        Method::POST,
        "/api/v2/dashboard/acl/remove",
        Some(json!([{"entityId": id, "viewAcl": ["sa::viewer"], "modifyAcl": ["sa::writer"]}])),
    )
    .await;
    assert_eq!(
        status_as(&app, &outsider, Method::GET, &path, None).await,
        200
    );
    app.stop().await;
}
