//! User accounts through the HTTP API: bare `UserModel` answers, Everyone, validation.

use reqwest::Method;
use serde_json::json;

use crate::support::{TestApp, call};

#[tokio::test]
async fn users_are_created_read_listed_and_deleted() {
    let app = TestApp::spawn().await;
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v2/account/user?sendEmail=False",
        Some(json!({"emailAddress": "Ada@Example.com", "groups": ["dashboard_management"], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(
        created["identifier"], "ada@example.com",
        "a bare UserModel, lower-cased"
    );
    assert_eq!(created["customer"], "crest");
    assert_eq!(created["groups"], json!(["dashboard_management"]));
    assert_eq!(created["userGroups"][0]["name"], "Everyone");

    let (status, got) = call(
        &app,
        Method::GET,
        "/api/v2/account/user/ada%40example.com",
        None,
    )
    .await;
    assert_eq!(
        (status, got["identifier"].as_str()),
        (200, Some("ada@example.com"))
    );
    let (_, all) = call(&app, Method::GET, "/api/v2/account/user", None).await;
    let ids: Vec<&str> = all["response"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["identifier"].as_str())
        .collect();
    assert_eq!(ids, ["ada@example.com", "admin@example.com"]);
    let (_, admins) = call(&app, Method::GET, "/api/v2/account/user/admin", None).await;
    assert_eq!(admins["response"], json!(["admin@example.com"]));

    let (status, updated) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "ada@example.com", "groups": ["events_management"], "userGroups": []})),
    )
    .await;
    assert_eq!(
        (status, &updated["groups"]),
        (200, &json!(["events_management"])),
        "create or update"
    );

    for bad in [
        json!({"emailAddress": "not-an-email", "groups": [], "userGroups": []}),
        json!({"emailAddress": "b@example.com", "groups": ["root"], "userGroups": []}),
        json!({"emailAddress": "b@example.com", "groups": [], "userGroups": ["no-such-group"]}),
    ] {
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v2/account/user?sendEmail=maybe",
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v2/account/user",
            Some(bad.clone()),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
    }
    let (status, _) = call(
        &app,
        Method::DELETE,
        "/api/v2/account/ada%40example.com",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Method::GET,
        "/api/v2/account/user/ada%40example.com",
        None,
    )
    .await;
    assert_eq!(status, 404);
    app.stop().await;
}
