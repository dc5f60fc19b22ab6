//! Sources over HTTP: metadata and its validation, tags, descriptions as clients send them,
//! cursor paging, search (the same on both stores), and the Source Tags permission.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{
    Backend, TestApp, assert_error_envelope, call, service_account_token, status_as,
};

async fn create(app: &TestApp, id: &str, tags: &[&str], description: Option<&str>) {
    let tags: serde_json::Map<String, Value> = tags
        .iter()
        .map(|t| ((*t).to_owned(), json!(true)))
        .collect();
    let mut body = json!({"id": id, "sourceName": id, "tags": tags});
    if let Some(d) = description {
        body["description"] = json!(d);
    }
    let (status, got) = call(app, Method::POST, "/api/v2/source", Some(body)).await;
    assert_eq!(status, 200, "{got}");
}

async fn tags(app: &TestApp, id: &str) -> Value {
    let (status, got) = call(app, Method::GET, &format!("/api/v2/source/{id}/tag"), None).await;
    assert_eq!(status, 200, "{got}");
    got["response"]["items"].clone()
}

#[tokio::test]
async fn metadata_is_validated_and_kept() {
    let app = TestApp::spawn().await;
    create(&app, "web-1", &["env.prod", "app.web"], Some("front")).await;
    let (_, got) = call(&app, Method::GET, "/api/v2/source/web-1", None).await;
    let s = &got["response"];
    assert_eq!(s["sourceName"], "web-1");
    assert_eq!(s["tags"], json!({"app.web": true, "env.prod": true}));
    assert_eq!(s["hidden"], false);
    assert_eq!(s["creatorId"], crate::support::ADMIN);

    // Refusals change nothing.
    for (method, path, body, code) in [
        (
            Method::POST,
            "/api/v2/source",
            json!({"id": "a", "sourceName": "b"}),
            400,
        ),
        (
            Method::POST,
            "/api/v2/source",
            json!({"description": "no id"}),
            400,
        ),
        (Method::POST, "/api/v2/source", json!({"id": "web-1"}), 409),
        (
            Method::POST,
            "/api/v2/source",
            json!({"id": "x", "tags": {"bad tag": true}}),
            400,
        ),
        (
            Method::POST,
            "/api/v2/source",
            json!({"id": "bad\u{7}name"}),
            400,
        ),
        (
            Method::PUT,
            "/api/v2/source/web-1",
            json!({"id": "web-2"}),
            400,
        ),
        (
            Method::PUT,
            "/api/v2/source/nowhere",
            json!({"description": "x"}),
            404,
        ),
        (
            Method::POST,
            "/api/v2/source/web-1/tag",
            json!(["ok.tag", "a..b"]),
            400,
        ),
        (
            Method::POST,
            "/api/v2/source/web-1/tag",
            json!([".lead"]),
            400,
        ),
        (
            Method::POST,
            "/api/v2/source/web-1/tag",
            json!(["trail."]),
            400,
        ),
        (
            Method::POST,
            "/api/v2/source/web-1/tag",
            json!(["s p a c e"]),
            400,
        ),
        (Method::POST, "/api/v2/source/web-1/tag", json!([""]), 400),
        (
            Method::POST,
            "/api/v2/source/nowhere/tag",
            json!(["ok"]),
            404,
        ),
    ] {
        let (status, got) = call(&app, method, path, Some(body.clone())).await;
        assert_eq!(status, code, "{path} {body}: {got}");
        assert_error_envelope(&got, code);
    }
    for (method, path) in [
        (Method::PUT, "/api/v2/source/web-1/tag/bad%20tag"),
        (Method::PUT, "/api/v2/source/web-1/tag/a%2F%2Fb"),
        (Method::PUT, "/api/v2/source/nowhere/tag/ok"),
        (Method::GET, "/api/v2/source/nowhere"),
    ] {
        let (status, got) = call(&app, method.clone(), path, None).await;
        assert!(status == 400 || status == 404, "{path}: {got}");
        assert_error_envelope(&got, status);
    }
    assert_eq!(tags(&app, "web-1").await, json!(["app.web", "env.prod"]));
    let (_, all) = call(&app, Method::GET, "/api/v2/source", None).await;
    assert_eq!(all["response"]["items"].as_array().map(Vec::len), Some(1));

    // Tags: replace all, add one (twice), remove one (and one it lacks); `hidden` is a tag.
    call(
        &app,
        Method::POST,
        "/api/v2/source/web-1/tag",
        Some(json!(["team.core", "Tier:Gold"])),
    )
    .await;
    call(&app, Method::PUT, "/api/v2/source/web-1/tag/hidden", None).await;
    call(&app, Method::PUT, "/api/v2/source/web-1/tag/hidden", None).await;
    call(
        &app,
        Method::DELETE,
        "/api/v2/source/web-1/tag/team.core",
        None,
    )
    .await;
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/v2/source/web-1/tag/never.there",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(tags(&app, "web-1").await, json!(["Tier:Gold", "hidden"]));
    let (_, got) = call(&app, Method::GET, "/api/v2/source/web-1", None).await;
    assert_eq!(got["response"]["hidden"], true);

    // PUT replaces what it names and keeps the rest.
    let (_, got) = call(
        &app,
        Method::PUT,
        "/api/v2/source/web-1",
        Some(json!({"sourceName": "web-1", "tags": {"x.y": true, "off": false}})),
    )
    .await;
    assert_eq!(got["response"]["tags"], json!({"x.y": true}));
    assert_eq!(got["response"]["description"], "front");

    // DELETE removes the metadata.
    let (status, _) = call(&app, Method::DELETE, "/api/v2/source/web-1", None).await;
    assert_eq!(status, 200);
    assert_eq!(
        call(&app, Method::GET, "/api/v2/source/web-1", None)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn descriptions_arrive_as_json_strings_or_as_raw_text() {
    let app = TestApp::spawn().await;
    create(&app, "db-1", &[], None).await;
    let description = |app: &TestApp| {
        let req = app.admin(Method::GET, "/api/v2/source/db-1");
        async move {
            let got: Value = req.send().await.expect("send").json().await.expect("json");
            got["response"]["description"].clone()
        }
    };
    let resp = app
        .admin(Method::POST, "/api/v2/source/db-1/description")
        .header("Content-Type", "application/json")
        .body("\"primary \\\"db\\\"\"")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(description(&app).await, "primary \"db\"");
    let resp = app
        .admin(Method::POST, "/api/v2/source/db-1/description")
        .header("Content-Type", "text/plain")
        .body("raw text, as curl sends it\n")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    assert_eq!(description(&app).await, "raw text, as curl sends it");
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/v2/source/db-1/description",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(description(&app).await, Value::Null);
    let resp = app
        .admin(Method::POST, "/api/v2/source/db-1/description")
        .body(vec![0xff_u8, 0xfe])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
}

async fn search(app: &TestApp, body: Value) -> (Vec<String>, Value) {
    let (status, got) = call(
        app,
        Method::POST,
        "/api/v2/search/source",
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, 200, "{body}: {got}");
    let ids = got["response"]["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    (ids, got["response"].clone())
}

/// Every id a search finds, page by page by cursor.
async fn walk(app: &TestApp, mut body: Value) -> Vec<String> {
    let mut all = Vec::new();
    for _ in 0..100 {
        let (ids, page) = search(app, body.clone()).await;
        assert!(ids.len() <= body["limit"].as_u64().unwrap_or(100) as usize);
        all.extend(ids);
        if page["moreItems"] != true {
            assert!(page.get("cursor").is_none_or(Value::is_null), "{page}");
            return all;
        }
        body["cursor"] = page["cursor"].clone();
    }
    panic!("the cursor never ended");
}

fn q(key: &str, value: &str, method: &str) -> Value {
    json!({"key": key, "value": value, "matchingMethod": method})
}

/// The search scenario both stores must answer alike; returns what it saw.
async fn scenario(app: &TestApp) -> Vec<Vec<String>> {
    create(
        app,
        "Web-01",
        &["env.prod", "tier.frontend"],
        Some("Public web"),
    )
    .await;
    create(app, "web-02", &["env.prod.eu", "tier.frontend"], None).await;
    create(app, "web-03", &["env.production"], Some("100% _done_")).await;
    create(
        app,
        "db-01",
        &["env.prod", "tier.data"],
        Some("primary WEB database"),
    )
    .await;
    create(app, "cache-1", &["env.dev"], Some("100x done")).await;
    let mut seen = Vec::new();
    for body in [
        json!({"query": [q("sourceName", "WEB-", "STARTSWITH")], "limit": 2}),
        json!({"query": [q("tags", "ENV.PROD", "EXACT")]}),
        json!({"query": [q("tagpath", "env.prod", "CONTAINS")]}),
        json!({"query": [q("tags", "env.prod.*", "TAGPATH")]}),
        json!({"query": [{"key": "tags", "value": "tier.frontend", "matchingMethod": "EXACT", "negated": true}]}),
        json!({"query": [q("description", "100% _", "CONTAINS")]}),
        json!({"query": [{"key": "description", "value": "done", "negated": true}]}),
        json!({"query": [q("freetext", "web", "CONTAINS")], "limit": 1}),
        json!({"query": [{"key": "sourceName", "values": ["db-", "cache-"], "matchingMethod": "STARTSWITH"}]}),
        json!({"query": [q("sourceName", "web", "CONTAINS"), q("tags", "tier.frontend", "EXACT")]}),
        json!({"query": [{"key": "sourceName", "start": 0, "end": 10}]}),
        json!({"query": [{"key": "sourceName", "start": 0, "end": 10, "negated": true}], "limit": 2,
               "sortSourcesAscending": false}),
        // Offsets and sorts some clients send are tolerated (and ignored).
        json!({"offset": 3, "sort": {"field": "sourceName", "ascending": true}, "limit": 3}),
    ] {
        seen.push(walk(app, body).await);
    }
    seen
}

#[tokio::test]
async fn source_search_is_case_insensitive_cursor_paged_and_the_same_on_both_stores() {
    let sqlite = TestApp::spawn().await;
    let on_sqlite = scenario(&sqlite).await;
    let expected: Vec<Vec<&str>> = vec![
        vec!["Web-01", "web-02", "web-03"],
        vec!["Web-01", "db-01"],
        vec!["Web-01", "db-01", "web-02"],
        vec!["Web-01", "db-01", "web-02"],
        vec!["cache-1", "db-01", "web-03"],
        vec!["web-03"],
        vec!["Web-01", "db-01", "web-02"],
        vec!["Web-01", "db-01", "web-02", "web-03"],
        vec!["cache-1", "db-01"],
        vec!["Web-01", "web-02"],
        vec![],
        vec!["web-03", "web-02", "db-01", "cache-1", "Web-01"],
        vec!["Web-01", "cache-1", "db-01", "web-02", "web-03"],
    ];
    assert_eq!(on_sqlite, expected);
    if let Some(pg) = TestApp::spawn_with(Backend::Postgres, |_| {}).await {
        assert_eq!(scenario(&pg).await, on_sqlite);
        pg.stop().await;
    }

    // Facets over the matches.
    let (_, facets) = call(
        &sqlite,
        Method::POST,
        "/api/v2/search/source/facets",
        Some(json!({"facets": ["tags"], "query": [q("sourceName", "web", "STARTSWITH")]})),
    )
    .await;
    assert_eq!(
        facets["response"]["facets"]["tags"],
        json!(["env.prod", "env.prod.eu", "env.production", "tier.frontend"])
    );
    let (_, facet) = call(
        &sqlite,
        Method::POST,
        "/api/v2/search/source/tags",
        Some(json!({"facetQuery": "tier"})),
    )
    .await;
    assert_eq!(
        facet["response"]["items"],
        json!(["tier.data", "tier.frontend"])
    );
    // Unknown keys are refused clearly.
    let (status, got) = call(
        &sqlite,
        Method::POST,
        "/api/v2/search/source",
        Some(json!({"query": [q("creatorId", "x", "EXACT")]})),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        got["status"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("sourceName")
    );
}

#[tokio::test]
async fn listing_walks_every_source_once_by_cursor() {
    let app = TestApp::spawn().await;
    let mut ids: Vec<String> = (0..25).map(|i| format!("host-{i:02}")).collect();
    ids.push("Host-UPPER".into());
    for id in &ids {
        create(&app, id, &[], None).await;
    }
    ids.sort();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v2/source?limit=4&cursor={c}"),
            None => "/api/v2/source?limit=4".to_owned(),
        };
        let (status, got) = call(&app, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{got}");
        let page = &got["response"];
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 4);
        seen.extend(
            items
                .iter()
                .map(|s| s["id"].as_str().expect("id").to_owned()),
        );
        if page["moreItems"] != true {
            break;
        }
        cursor = page["cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ids);
    let (status, got) = call(&app, Method::GET, "/api/v2/source?limit=-1", None).await;
    assert_eq!(status, 400);
    assert_error_envelope(&got, 400);
}

#[tokio::test]
async fn changes_need_the_source_tags_permission() {
    let app = TestApp::spawn().await;
    create(&app, "app-1", &["keep.me"], None).await;
    let token = service_account_token(&app, "tagger").await;
    assert_eq!(
        status_as(&app, &token, Method::GET, "/api/v2/source/app-1", None).await,
        200
    );
    assert_eq!(
        status_as(
            &app,
            &token,
            Method::POST,
            "/api/v2/search/source",
            Some(json!({}))
        )
        .await,
        200
    );
    for (method, path, body) in [
        (Method::POST, "/api/v2/source", Some(json!({"id": "new-1"}))),
        (
            Method::PUT,
            "/api/v2/source/app-1",
            Some(json!({"tags": {}})),
        ),
        (Method::DELETE, "/api/v2/source/app-1", None),
        (Method::PUT, "/api/v2/source/app-1/tag/x", None),
        (Method::DELETE, "/api/v2/source/app-1/tag/keep.me", None),
        (Method::POST, "/api/v2/source/app-1/tag", Some(json!([]))),
        (
            Method::POST,
            "/api/v2/source/app-1/description",
            Some(json!("nope")),
        ),
        (Method::DELETE, "/api/v2/source/app-1/description", None),
    ] {
        assert_eq!(
            status_as(&app, &token, method, path, body).await,
            403,
            "{path}"
        );
    }
    assert_eq!(tags(&app, "app-1").await, json!(["keep.me"]));
    call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Atagger/grant/host_tag_management",
        None,
    )
    .await;
    assert_eq!(
        status_as(
            &app,
            &token,
            Method::PUT,
            "/api/v2/source/app-1/tag/x",
            None
        )
        .await,
        200
    );
    assert_eq!(tags(&app, "app-1").await, json!(["keep.me", "x"]));
}
