//! A user's own tokens, and the organization-wide token view of the Accounts permission.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, call, probe};

#[tokio::test]
async fn a_user_makes_names_and_revokes_their_own_tokens() {
    let app = TestApp::spawn().await;
    let (_, before) = call(&app, Method::GET, "/api/v2/apitoken", None).await;
    let before = before["response"].as_array().expect("list").len();
    let (status, created) = call(&app, Method::POST, "/api/v2/apitoken", None).await;
    assert_eq!(status, 200);
    let list = created["response"].as_array().expect("list");
    assert_eq!(list.len(), before + 1);
    let new = list.last().expect("the new token last");
    assert_eq!(new["accountType"], "USER_ACCOUNT");
    let secret = new["tokenID"].as_str().expect("secret").to_owned();
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);

    let (_, listed) = call(&app, Method::GET, "/api/v2/apitoken", None).await;
    let listed = listed["response"].as_array().expect("list");
    assert!(
        listed.iter().all(|t| t["tokenID"] != secret.as_str()),
        "the secret is shown once"
    );
    let (status, renamed) = call(
        &app,
        Method::PUT,
        &format!("/api/v2/apitoken/{secret}"),
        Some(json!({"tokenName": "laptop"})),
    )
    .await;
    assert_eq!(
        (status, renamed["response"]["tokenName"].as_str()),
        (200, Some("laptop"))
    );
    let public = renamed["response"]["tokenID"]
        .as_str()
        .expect("public id")
        .to_owned();
    assert_ne!(public, secret);

    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v2/apitoken/{public}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(probe(&app, &secret).await, StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn service_accounts_never_hold_api_tokens_and_cannot_mint_their_own() {
    let app = TestApp::spawn().await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::bot"})),
    )
    .await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Abot/grant/token_management",
        None,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::b2", "groups": ["token_management"]})),
    )
    .await;
    assert_eq!(status, 400);
    let (_, tokens) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa%3A%3Abot",
        None,
    )
    .await;
    let secret = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let resp = app
        .http
        .post(app.at("/api/v2/apitoken"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = app
        .http
        .get(app.at("/api/v2/apitoken/customertokens"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn accounts_holders_see_and_revoke_every_token() {
    let app = TestApp::spawn().await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::watched"})),
    )
    .await;
    let (_, tokens) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa%3A%3Awatched",
        Some(json!({"tokenName": "t"})),
    )
    .await;
    let secret = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (status, all) = call(&app, Method::GET, "/api/v2/apitoken/customertokens", None).await;
    assert_eq!(status, 200);
    let all = all["response"].as_array().expect("list");
    let entry = all
        .iter()
        .find(|t| t["account"] == "sa::watched")
        .expect("listed");
    assert_eq!(entry["accountType"], "SERVICE_ACCOUNT");
    assert_eq!(entry["customer"], "crest");
    assert!(
        all.iter()
            .any(|t| t["account"] == "admin@example.com" && t["accountType"] == "USER_ACCOUNT")
    );
    assert!(all.iter().all(|t| t["id"] != secret.as_str()));
    let id = entry["id"].as_str().expect("id").to_owned();
    let (status, one) = call(
        &app,
        Method::GET,
        &format!("/api/v2/apitoken/customertokens/{id}"),
        None,
    )
    .await;
    assert_eq!((status, one["response"]["name"].as_str()), (200, Some("t")));

    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/apitoken/customertokens/revoke",
        Some(json!({"tokenID": id})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(probe(&app, &secret).await, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/apitoken/customertokens/revoke",
        Some(json!({"tokenID": id})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Method::PUT,
        "/api/v2/apitoken/customertokens/revoke",
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 400);
    app.stop().await;
}

#[tokio::test]
async fn last_use_is_recorded_off_the_request_path_and_kept() {
    let mut app = TestApp::spawn().await;
    let (_, created) = call(&app, Method::POST, "/api/v2/apitoken", None).await;
    let secret = created["response"]
        .as_array()
        .and_then(|l| l.last())
        .expect("new")["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (_, listed) = call(&app, Method::GET, "/api/v2/apitoken", None).await;
    let never: Vec<&Value> = listed["response"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|t| t["lastUsed"].is_null())
        .collect();
    assert!(!never.is_empty(), "a token not yet used has no lastUsed");
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);
    // A clean shutdown writes what was noted; the restart reads it back.
    let token = app.admin_token.clone();
    app.restart_with_token(&token).await;
    let (_, listed) = call(&app, Method::GET, "/api/v2/apitoken", None).await;
    let used = listed["response"]
        .as_array()
        .expect("list")
        .iter()
        .all(|t| t["lastUsed"].as_i64().is_some_and(|ms| ms > 0));
    assert!(
        used,
        "both the admin token and the new one were used: {listed}"
    );
    app.stop().await;
}
