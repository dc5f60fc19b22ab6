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

#[tokio::test]
async fn the_rest_of_the_user_api_works_on_several_accounts() {
    use crate::support::call;
    use serde_json::json;
    let app = TestApp::spawn().await;
    for who in ["u1@example.com", "u2@example.com"] {
        let (status, _) = call(
            &app,
            Method::POST,
            "/api/v2/user",
            Some(json!({"emailAddress": who, "groups": [], "userGroups": []})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, last) = call(
        &app,
        Method::POST,
        "/api/v2/user/grant/events_management",
        Some(json!(["u1@example.com", "u2@example.com"])),
    )
    .await;
    assert_eq!(status, 200, "{last}");
    assert_eq!(
        (last["identifier"].clone(), last["groups"].clone()),
        (json!("u2@example.com"), json!(["events_management"]))
    );
    let (_, last) = call(
        &app,
        Method::POST,
        "/api/v2/user/revoke/events_management",
        Some(json!(["u2@example.com"])),
    )
    .await;
    assert_eq!(last["groups"], json!([]));

    let (status, valid) = call(
        &app,
        Method::POST,
        "/api/v2/user/validateUsers",
        Some(json!(["u1@example.com", "ghost@example.com"])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        valid["response"]["validUsers"][0]["identifier"],
        "u1@example.com"
    );
    assert_eq!(
        valid["response"]["invalidIdentifiers"],
        json!(["ghost@example.com"])
    );

    let (_, group) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "readers", "roleIDs": []})),
    )
    .await;
    let group = group["response"]["id"].as_str().expect("id").to_owned();
    let (status, model) = call(
        &app,
        Method::POST,
        "/api/v2/user/u1@example.com/addUserGroups",
        Some(json!([group])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(model["userGroups"].as_array().expect("groups").len(), 2);
    let (_, model) = call(
        &app,
        Method::POST,
        "/api/v2/user/u1@example.com/removeUserGroups",
        Some(json!([group])),
    )
    .await;
    assert_eq!(model["userGroups"].as_array().expect("groups").len(), 1);

    let (status, model) = call(
        &app,
        Method::GET,
        "/api/v2/user/u1@example.com/businessFunctions",
        None,
    )
    .await;
    assert_eq!(
        (status, model["identifier"].clone()),
        (200, json!("u1@example.com"))
    );
    let (_, functions) = call(
        &app,
        Method::GET,
        "/api/v2/account/u1@example.com/businessFunctions",
        None,
    )
    .await;
    let functions = functions["response"].as_array().expect("list");
    assert!(
        functions.contains(&json!("MODIFY_EVENTS"))
            && functions.contains(&json!("VIEW_DASHBOARDS"))
    );
    assert!(!functions.contains(&json!("INVITE_USER")));
    let (_, admin) = call(
        &app,
        Method::GET,
        &format!(
            "/api/v2/account/{}/businessFunctions",
            crate::support::ADMIN
        ),
        None,
    )
    .await;
    assert!(
        admin["response"]
            .as_array()
            .expect("list")
            .contains(&json!("INVITE_USER"))
    );

    let (status, deleted) = call(
        &app,
        Method::POST,
        "/api/v2/user/deleteUsers",
        Some(json!(["u1@example.com", "ghost@example.com"])),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(deleted["response"], json!(["u1@example.com"]));
    let (status, _) = call(&app, Method::GET, "/api/v2/user/u1@example.com", None).await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/user/deleteUsers",
        Some(json!([crate::support::ADMIN])),
    )
    .await;
    assert_eq!(status, 400, "the last Super Admin stays");
}
