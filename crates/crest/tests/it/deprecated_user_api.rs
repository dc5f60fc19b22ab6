//! The deprecated User API: bare answers, and grant/revoke by form `group=<permission>`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, json};

#[tokio::test]
async fn the_deprecated_user_api_answers_bare_and_takes_forms() {
    let app = TestApp::spawn().await;
    let (status, created) = json(
        app.admin(Method::POST, "/api/v2/user?sendEmail=False")
            .json(&json!({"emailAddress": "old@example.com", "groups": [], "userGroups": []}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(
        (status, created["identifier"].as_str()),
        (200, Some("old@example.com")),
        "bare: {created}"
    );

    let (status, all) = json(
        app.admin(Method::GET, "/api/v2/user")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = all
        .as_array()
        .expect("a bare list")
        .iter()
        .filter_map(|u| u["identifier"].as_str())
        .collect();
    assert_eq!(ids, ["admin@example.com", "old@example.com"]);

    let grant = |path: &'static str, body: &'static str, ct: &'static str| {
        app.admin(Method::POST, path)
            .header("content-type", ct)
            .body(body)
            .send()
    };
    let (status, user) = json(
        grant(
            "/api/v2/user/old@example.com/grant",
            "group=events_management",
            "application/x-www-form-urlencoded",
        )
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(
        (status, &user["groups"]),
        (200, &json!(["events_management"]))
    );
    let (status, _) = json(
        grant(
            "/api/v2/user/old@example.com/grant",
            "{\"group\":\"x\"}",
            "application/json",
        )
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(status, 415, "the operation consumes a form");
    let (status, _) = json(
        grant(
            "/api/v2/user/old@example.com/grant",
            "group=root",
            "application/x-www-form-urlencoded",
        )
        .await
        .expect("send"),
    )
    .await;
    assert_eq!(status, 400);
    let (status, user) = json(
        grant(
            "/api/v2/user/old@example.com/revoke",
            "group=events_management",
            "application/x-www-form-urlencoded",
        )
        .await
        .expect("send"),
    )
    .await;
    assert_eq!((status, &user["groups"]), (200, &json!([])));

    let (status, got) = json(
        app.admin(Method::GET, "/api/v2/user/old%40example.com")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!((status, got["customer"].as_str()), (200, Some("crest")));
    let resp = app
        .admin(Method::DELETE, "/api/v2/user/old@example.com")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let (status, _): (u16, Value) = json(
        app.admin(Method::GET, "/api/v2/user/old@example.com")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}
