//! `/api/v2/search/{entity}`: criteria, order, pages and facets, the same on both stores.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, assert_error_envelope, call};

async fn ok(app: &TestApp, path: &str, body: Value) -> Value {
    let (status, answer) = call(app, Method::POST, path, Some(body)).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer["response"].clone()
}

fn identifiers(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["identifier"].as_str().expect("identifier").to_owned())
        .collect()
}

/// Five service accounts whose names differ in case, and one role.
async fn seed(app: &TestApp) {
    for (id, description) in [
        ("sa::bot-b", "Nightly Export"),
        ("sa::Bot-A", "deploys"),
        ("sa::bot-c", "nightly import"),
        ("sa::other", "Nightly"),
        ("sa::bot-d", ""),
    ] {
        let (status, body) = call(
            app,
            Method::POST,
            "/api/v2/account/serviceaccount",
            Some(json!({"identifier": id, "description": description})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    call(
        app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "Exporters", "permissions": ["events_management"]})),
    )
    .await;
}

/// The scenario every store must answer identically; returns what it saw.
async fn scenario(app: &TestApp) -> Vec<Value> {
    seed(app).await;
    let mut seen = Vec::new();

    // STARTSWITH, case-insensitive, sorted descending, paged.
    let first = ok(
        app,
        "/api/v2/search/serviceaccount",
        json!({"query": [{"key": "identifier", "value": "SA::BOT", "matchingMethod": "STARTSWITH"}],
               "sort": {"field": "identifier", "ascending": false}, "limit": 3}),
    )
    .await;
    assert_eq!(identifiers(&first), ["sa::bot-d", "sa::bot-c", "sa::bot-b"]);
    assert_eq!(
        (first["totalItems"].clone(), first["moreItems"].clone()),
        (json!(4), json!(true))
    );
    assert_eq!(
        first["sort"],
        json!({"field": "identifier", "ascending": false})
    );
    let rest = ok(
        app,
        "/api/v2/search/serviceaccount",
        json!({"query": [{"key": "identifier", "value": "sa::bot", "matchingMethod": "STARTSWITH"}],
               "sort": {"field": "identifier", "ascending": false}, "offset": 3, "limit": 3}),
    )
    .await;
    assert_eq!(identifiers(&rest), ["sa::bot-a"]);
    assert_eq!(rest["moreItems"], false);
    seen.push(first);
    seen.push(rest);

    // Criteria are ANDed; `values` is an OR; `negated` inverts.
    let anded = ok(
        app,
        "/api/v2/search/serviceaccount",
        json!({"query": [
            {"key": "description", "value": "nightly"},
            {"key": "identifier", "values": ["bot-b", "bot-c", "other"], "matchingMethod": "CONTAINS"},
            {"key": "identifier", "value": "sa::other", "matchingMethod": "EXACT", "negated": true}
        ], "sort": {"field": "description", "ascending": true}}),
    )
    .await;
    assert_eq!(identifiers(&anded), ["sa::bot-b", "sa::bot-c"]);
    seen.push(anded);

    // Accounts of both kinds; users with `self`; freetext.
    let accounts = ok(
        app,
        "/api/v2/search/account",
        json!({"query": [{"key": "freetext", "value": "ADMIN@"}]}),
    )
    .await;
    assert_eq!(identifiers(&accounts), ["admin@example.com"]);
    let users = ok(app, "/api/v2/search/user", json!({})).await;
    assert_eq!(users["items"][0]["self"], true);
    assert_eq!(users["items"][0]["customer"], "crest");
    seen.push(accounts);

    // Roles by permission, tokens by account; an empty body is a search for everything.
    let roles = ok(
        app,
        "/api/v2/search/role",
        json!({"query": [{"key": "permissions", "value": "events_management", "matchingMethod": "EXACT"}]}),
    )
    .await;
    assert_eq!(roles["items"][0]["name"], "Exporters");
    assert_eq!(roles["totalItems"], 1);
    let (status, tokens) = call(app, Method::POST, "/api/v2/search/token", None).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        tokens["response"]["items"][0]["account"],
        "admin@example.com"
    );
    let groups = ok(
        app,
        "/api/v2/search/usergroup",
        json!({"query": [{"key": "name", "value": "service", "matchingMethod": "STARTSWITH"}]}),
    )
    .await;
    assert_eq!(groups["items"][0]["name"], "Service Accounts");

    // Facets: distinct values, filtered, counted; one facet paged.
    let facets = ok(
        app,
        "/api/v2/search/serviceaccount/facets",
        json!({"facets": ["description", "active"], "facetQuery": "NIGHTLY"}),
    )
    .await;
    assert_eq!(
        facets["facets"]["description"],
        json!(["Nightly", "Nightly Export", "nightly import"])
    );
    assert_eq!(facets["facets"]["active"], json!([]));
    let facet = ok(
        app,
        "/api/v2/search/serviceaccount/identifier",
        json!({"offset": 1, "limit": 2}),
    )
    .await;
    assert_eq!(facet["items"], json!(["sa::bot-b", "sa::bot-c"]));
    assert_eq!(
        (facet["totalItems"].clone(), facet["moreItems"].clone()),
        (json!(5), json!(true))
    );
    seen.push(facets);
    seen.push(facet);
    seen
}

#[tokio::test]
async fn search_filters_orders_pages_and_counts_facets() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
}

#[tokio::test]
async fn both_stores_answer_searches_alike() {
    let sqlite = TestApp::spawn().await;
    let Some(pg) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    let on_sqlite = scenario(&sqlite).await;
    let on_pg = scenario(&pg).await;
    assert_eq!(on_sqlite, on_pg);
    pg.stop().await;
}

#[tokio::test]
async fn bad_searches_are_refused_clearly() {
    let app = TestApp::spawn().await;
    for (path, body, hint) in [
        (
            "/api/v2/search/account",
            json!({"query": [{"key": "password", "value": "x"}]}),
            "password",
        ),
        (
            "/api/v2/search/account",
            json!({"query": [{"key": "identifier", "value": "x", "matchingMethod": "LIKE"}]}),
            "LIKE",
        ),
        (
            "/api/v2/search/account",
            json!({"query": [{"key": "identifier"}]}),
            "value",
        ),
        (
            "/api/v2/search/account",
            json!({"query": [{"value": "x"}]}),
            "key",
        ),
        (
            "/api/v2/search/role",
            json!({"sort": {"field": "secret", "ascending": true}}),
            "secret",
        ),
        ("/api/v2/search/role", json!({"offset": -1}), "offset"),
        ("/api/v2/search/token/facets", json!({}), "facet"),
        ("/api/v2/search/token/nope", json!({}), "nope"),
    ] {
        let (status, body) = call(&app, Method::POST, path, Some(body)).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert_error_envelope(&body, 400);
        let message = body["status"]["message"].as_str().expect("message");
        assert!(message.contains(hint), "{message}");
    }
}

#[tokio::test]
async fn searching_needs_what_listing_needs() {
    let app = TestApp::spawn().await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::reader"})),
    )
    .await;
    let (_, tokens) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::reader",
        None,
    )
    .await;
    let token = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    for path in [
        "/api/v2/search/account",
        "/api/v2/search/token",
        "/api/v2/search/role/facets",
    ] {
        let resp = app
            .http
            .post(app.at(path))
            .bearer_auth(&token)
            .json(&json!({"facets": ["name"]}))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), 403, "{path}");
    }
}
