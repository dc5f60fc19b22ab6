//! Input rules shared by every kind of object: no control or format characters in ids and names,
//! bounded descriptions, one paging rule, errors in the envelope with messages a person can use.

use reqwest::Method;
use serde_json::json;

use crate::support::{TestApp, assert_error_envelope, call};

/// Characters that are invisible or reorder text (general category Cf), and one control
/// character for comparison.
const HIDDEN: [char; 7] = [
    '\u{202E}', '\u{2066}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{00AD}', '\u{0007}',
];

fn assert_refused(status: u16, body: &serde_json::Value, what: &str) {
    assert_eq!(status, 400, "{what}: {body}");
    assert_error_envelope(body, 400);
    let message = body["status"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("control or format characters"),
        "{what}: {message}"
    );
}

#[tokio::test]
async fn ids_and_names_with_format_characters_are_refused() {
    let app = TestApp::spawn().await;
    let (status, role) = call(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "plain", "permissions": []})),
    )
    .await;
    assert_eq!(status, 200, "{role}");
    let role = role["response"]["id"].as_str().expect("id").to_owned();
    let (status, group) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "plain"})),
    )
    .await;
    assert_eq!(status, 200, "{group}");
    let group = group["response"]["id"].as_str().expect("id").to_owned();
    let (status, sa) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::plain"})),
    )
    .await;
    assert_eq!(status, 200, "{sa}");

    for c in HIDDEN {
        let name = format!("ad{c}min");
        let cases: [(Method, String, serde_json::Value); 8] = [
            (
                Method::POST,
                "/api/v2/account/serviceaccount".into(),
                json!({"identifier": format!("sa::{name}")}),
            ),
            (
                Method::POST,
                "/api/v2/account/user".into(),
                json!({"emailAddress": format!("{name}@example.com"), "groups": []}),
            ),
            (
                Method::POST,
                "/api/v2/role".into(),
                json!({"name": name, "permissions": []}),
            ),
            (
                Method::PUT,
                format!("/api/v2/role/{role}"),
                json!({"id": role, "name": name, "permissions": []}),
            ),
            (
                Method::POST,
                "/api/v2/usergroup".into(),
                json!({"name": name}),
            ),
            (
                Method::PUT,
                format!("/api/v2/usergroup/{group}"),
                json!({"id": group, "name": name}),
            ),
            (
                Method::POST,
                "/api/v2/apitoken/serviceaccount/sa%3A%3Aplain".into(),
                json!({"tokenName": name}),
            ),
            (
                Method::POST,
                "/api/v2/source".into(),
                json!({"sourceName": format!("host-{name}")}),
            ),
        ];
        for (method, path, body) in cases {
            let (status, answer) = call(&app, method.clone(), &path, Some(body)).await;
            assert_refused(
                status,
                &answer,
                &format!("{method} {path} U+{:04X}", u32::from(c)),
            );
        }
    }
    // Nothing was made: the role and group keep their names, no source or account appeared.
    let (_, role) = call(&app, Method::GET, &format!("/api/v2/role/{role}"), None).await;
    assert_eq!(role["response"]["name"], "plain");
    let (_, group) = call(
        &app,
        Method::GET,
        &format!("/api/v2/usergroup/{group}"),
        None,
    )
    .await;
    assert_eq!(group["response"]["name"], "plain");
    let (_, accounts) = call(&app, Method::GET, "/api/v2/account", None).await;
    assert_eq!(
        accounts["response"]["totalItems"], 2,
        "the admin and sa::plain"
    );
    let (_, sources) = call(&app, Method::GET, "/api/v2/source", None).await;
    assert_eq!(sources["response"]["items"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn descriptions_are_capped_at_4096_characters_everywhere() {
    let app = TestApp::spawn().await;
    let fits = "é".repeat(4096);
    let long = "x".repeat(4097);
    let assert_too_long = |status: u16, body: &serde_json::Value, what: &str| {
        assert_eq!(status, 400, "{what}: {body}");
        assert_error_envelope(body, 400);
        assert_eq!(
            body["status"]["message"], "a description holds at most 4096 characters",
            "{what}"
        );
    };

    // Creates: the longest description is kept whole, one character more is refused.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::long", "description": long})),
    )
    .await;
    assert_too_long(status, &body, "service account create");
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::fits", "description": fits})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["description"], fits.as_str());
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "long", "description": long, "permissions": []})),
    )
    .await;
    assert_too_long(status, &body, "role create");
    let (status, role) = call(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "fits", "description": fits, "permissions": []})),
    )
    .await;
    assert_eq!(status, 200, "{role}");
    let role = role["response"]["id"].as_str().expect("id").to_owned();
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "long", "description": long})),
    )
    .await;
    assert_too_long(status, &body, "group create");
    let (status, group) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "fits", "description": fits})),
    )
    .await;
    assert_eq!(status, 200, "{group}");
    let group = group["response"]["id"].as_str().expect("id").to_owned();

    // Updates: refused, and the stored description is unchanged.
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v2/account/serviceaccount/sa%3A%3Afits",
        Some(json!({"identifier": "sa::fits", "description": long})),
    )
    .await;
    assert_too_long(status, &body, "service account update");
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/role/{role}"),
        Some(json!({"id": role, "name": "fits", "description": long, "permissions": []})),
    )
    .await;
    assert_too_long(status, &body, "role update");
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/usergroup/{group}"),
        Some(json!({"id": group, "name": "fits", "description": long})),
    )
    .await;
    assert_too_long(status, &body, "group update");
    for path in [
        "/api/v2/account/serviceaccount/sa%3A%3Afits".to_owned(),
        format!("/api/v2/role/{role}"),
        format!("/api/v2/usergroup/{group}"),
    ] {
        let (_, body) = call(&app, Method::GET, &path, None).await;
        assert_eq!(body["response"]["description"], fits.as_str(), "{path}");
    }
    let (_, accounts) = call(&app, Method::GET, "/api/v2/account", None).await;
    assert_eq!(
        accounts["response"]["totalItems"], 2,
        "sa::long was not made"
    );
    app.stop().await;
}

#[tokio::test]
async fn unknown_nested_search_keys_are_refused_and_real_ones_match() {
    let app = TestApp::spawn().await;
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::finder"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    async fn search_by(
        app: &TestApp,
        entity: &str,
        key: &str,
        value: &str,
    ) -> (u16, serde_json::Value) {
        call(
            app,
            Method::POST,
            &format!("/api/v2/search/{entity}"),
            Some(json!({"query": [{"key": key, "value": value, "matchingMethod": "EXACT"}]})),
        )
        .await
    }
    let search = |entity, key, value| search_by(&app, entity, key, value);
    for (entity, key) in [
        ("account", "identifier.x"),
        ("account", "userGroups.name"),
        ("account", "roles.name"),
        ("user", "userGroups.name"),
        ("serviceaccount", "userGroups.nope"),
        ("usergroup", "name.first"),
    ] {
        let (status, body) = search(entity, key, "x").await;
        assert_eq!(status, 400, "{entity} {key}: {body}");
        assert_error_envelope(&body, 400);
        let message = body["status"]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!(
                "'{key}' is not a search key of {entity}; the keys are: "
            )),
            "{message}"
        );
    }
    let (status, body) = search("serviceaccount", "userGroups.name", "service accounts").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["items"][0]["identifier"], "sa::finder");
    let (status, body) = search("usergroup", "properties.nameEditable", "false").await;
    assert_eq!(status, 200, "{body}");
    assert!(body["response"]["totalItems"].as_u64() >= Some(2), "{body}");
    app.stop().await;
}

/// `limit=0` is the default page on every paged list (query string or body); an offset beyond
/// i64 is a 400 everywhere, never echoed back.
#[tokio::test]
async fn paging_is_one_rule_everywhere() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v2/account",
        "/api/v2/role",
        "/api/v2/usergroup",
        "/api/v2/source",
        "/api/v2/cloudintegration",
        "/api/crest/v1/audit",
    ] {
        let (status, body) = call(&app, Method::GET, &format!("{path}?limit=0"), None).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["response"]["limit"], 100, "{path}: {body}");
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("{path}?offset=9223372036854775808"),
            None,
        )
        .await;
        if path == "/api/v2/source" {
            // Sources page by cursor; the offset is not theirs to read.
            assert_eq!(status, 200, "{path}: {body}");
            continue;
        }
        assert_eq!(status, 400, "{path}: {body}");
        assert_error_envelope(&body, 400);
        assert_eq!(
            body["status"]["message"],
            "offset must be an integer from 0 to 9223372036854775807, got '9223372036854775808'",
            "{path}"
        );
        let (status, body) = call(
            &app,
            Method::GET,
            &format!("{path}?offset=9223372036854775807"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(body["response"]["offset"], i64::MAX, "{path}");
        assert_eq!(body["response"]["items"], json!([]), "{path}");
    }
    for (path, body) in [
        ("/api/v2/search/account", json!({"limit": 0})),
        ("/api/v2/search/source", json!({"limit": 0})),
    ] {
        let (status, answer) = call(&app, Method::POST, path, Some(body)).await;
        assert_eq!(status, 200, "{path}: {answer}");
        assert_eq!(answer["response"]["limit"], 100, "{path}: {answer}");
    }
    let (status, answer) = call(
        &app,
        Method::POST,
        "/api/v2/search/account",
        Some(json!({"offset": 9_223_372_036_854_775_808_u64})),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_error_envelope(&answer, 400);
    app.stop().await;
}

/// A path segment that is not UTF-8 is a client error like any other: 400 in the envelope.
#[tokio::test]
async fn path_segments_that_are_not_utf8_are_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v2/account/%FF",
        "/api/v2/role/%C3%28",
        "/api/v2/source/a%FFb",
        "/api/v2/account/serviceaccount/sa%3A%3A%FE",
    ] {
        let resp = app.admin(Method::GET, path).send().await.expect("send");
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let (status, body) = crate::support::json(resp).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            content_type.starts_with("application/json"),
            "{content_type}"
        );
        assert_error_envelope(&body, 400);
        let message = body["status"]["message"].as_str().unwrap_or_default();
        assert!(message.contains("Invalid UTF-8"), "{path}: {message}");
    }
    app.stop().await;
}

/// A malformed body's message says what and where, and a field only when there is one.
#[tokio::test]
async fn malformed_json_bodies_say_what_and_where() {
    let app = TestApp::spawn().await;
    let send = |body: &'static str| {
        app.admin(Method::POST, "/api/v2/search/account")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (status, body) = crate::support::json(send("{\"limit\": }").await.expect("send")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["status"]["message"],
        "malformed JSON body at limit: expected value at line 1 column 11"
    );
    let (status, body) = crate::support::json(send("{oops").await.expect("send")).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["status"]["message"],
        "malformed JSON body: key must be a string at line 1 column 2"
    );
    app.stop().await;
}
