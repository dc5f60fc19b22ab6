//! Service accounts and their tokens, through the HTTP API.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, assert_error_envelope, call, probe};

async fn create(app: &TestApp, id: &str) -> Value {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": id, "active": true, "description": "test"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["response"].clone()
}

/// Generates a token; returns (secret, public id).
async fn generate(app: &TestApp, id: &str, name: &str) -> (String, String) {
    let (status, body) = call(
        app,
        Method::POST,
        &format!("/api/v2/apitoken/serviceaccount/{}", enc(id)),
        Some(json!({"tokenName": name})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let secret = body["response"]
        .as_array()
        .and_then(|l| l.last())
        .expect("the new token last")["tokenID"]
        .as_str()
        .expect("a string")
        .to_owned();
    let (_, listed) = call(
        app,
        Method::GET,
        &format!("/api/v2/apitoken/serviceaccount/{}", enc(id)),
        None,
    )
    .await;
    let public = listed["response"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|t| t["tokenName"] == name)
        .expect("listed")["tokenID"]
        .as_str()
        .expect("a string")
        .to_owned();
    (secret, public)
}

fn enc(id: &str) -> String {
    id.replace(':', "%3A")
}

async fn daemon(app: &TestApp, token: &str) -> StatusCode {
    app.http
        .post(app.at(&format!("/api/daemon/test?token={token}")))
        .send()
        .await
        .expect("send")
        .status()
}

#[tokio::test]
async fn ids_are_lower_cased_unique_and_validated() {
    let app = TestApp::spawn().await;
    let sa = create(&app, "sa::Mixed-Case").await;
    assert_eq!(sa["identifier"], "sa::mixed-case");
    assert_eq!(sa["active"], true);
    let groups: Vec<&str> = sa["userGroups"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    assert_eq!(groups, ["Service Accounts"]);
    for field in [
        "groups",
        "roles",
        "tokens",
        "unitedPermissions",
        "unitedRoles",
    ] {
        assert!(sa[field].is_array(), "{field} is always present");
    }
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "SA::mixed-case"})),
    )
    .await;
    assert_eq!(status, 409);
    assert_error_envelope(&body, 409);
    for bad in ["robot", "sa::", "sa::two words", ""] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v2/account/serviceaccount",
            Some(json!({"identifier": bad})),
        )
        .await;
        assert_eq!(status, 400, "{bad}");
        assert_error_envelope(&body, 400);
    }
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::x", "groups": ["root"]})),
    )
    .await;
    assert_eq!(status, 400, "unknown permissions are refused");
    let (_, all) = call(&app, Method::GET, "/api/v2/account/serviceaccount", None).await;
    assert_eq!(
        all["response"].as_array().map(Vec::len),
        Some(1),
        "nothing else was created"
    );
    app.stop().await;
}

#[tokio::test]
async fn token_lifecycle_secret_once_rename_revoke() {
    let app = TestApp::spawn().await;
    create(&app, "sa::bot").await;
    let (secret, public) = generate(&app, "sa::bot", "first").await;
    assert_ne!(secret, public, "listings never show the secret");
    assert!(uuid::Uuid::parse_str(&secret).is_ok() && uuid::Uuid::parse_str(&public).is_ok());
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);

    let base = "/api/v2/apitoken/serviceaccount/sa%3A%3Abot";
    let (status, body) = call(
        &app,
        Method::PUT,
        &format!("{base}/{public}"),
        Some(json!({"tokenID": public, "tokenName": "renamed"})),
    )
    .await;
    assert_eq!(
        (status, body["response"]["tokenName"].as_str()),
        (200, Some("renamed"))
    );
    assert_eq!(body["response"]["tokenID"], public.as_str());
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{base}/{secret}"),
        Some(json!({"tokenName": "by-secret"})),
    )
    .await;
    assert_eq!(status, 200, "the secret names the token too");
    let (_, other) = generate(&app, "sa::bot", "second").await;
    let (status, _) = call(
        &app,
        Method::PUT,
        &format!("{base}/{public}"),
        Some(json!({"tokenID": other, "tokenName": "x"})),
    )
    .await;
    assert_eq!(status, 400, "a path and a body naming different tokens");

    let (status, body) = call(&app, Method::DELETE, &format!("{base}/{public}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(body["response"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        probe(&app, &secret).await,
        StatusCode::UNAUTHORIZED,
        "revocation holds at once"
    );
    let (status, _) = call(&app, Method::DELETE, &format!("{base}/{public}"), None).await;
    assert_eq!(status, 404, "revoked for good");
    app.stop().await;
}

#[tokio::test]
async fn at_most_twenty_tokens_and_the_twenty_first_changes_nothing() {
    let app = TestApp::spawn().await;
    create(&app, "sa::many").await;
    let path = "/api/v2/apitoken/serviceaccount/sa%3A%3Amany";
    for i in 0..20 {
        let (status, _) = call(
            &app,
            Method::POST,
            path,
            Some(json!({"tokenName": format!("t{i}")})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, body) = call(&app, Method::POST, path, None).await;
    assert_eq!(status, 400);
    assert_error_envelope(&body, 400);
    let (_, listed) = call(&app, Method::GET, path, None).await;
    assert_eq!(listed["response"].as_array().map(Vec::len), Some(20));
    app.stop().await;
}

#[tokio::test]
async fn deactivation_stops_tokens_until_activation() {
    let app = TestApp::spawn().await;
    create(&app, "sa::sleepy").await;
    let (secret, _) = generate(&app, "sa::sleepy", "t").await;
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount/sa%3A%3Asleepy/deactivate",
        None,
    )
    .await;
    assert_eq!(
        (status, body["response"]["active"].as_bool()),
        (200, Some(false))
    );
    assert_eq!(probe(&app, &secret).await, StatusCode::UNAUTHORIZED);
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v2/apitoken/serviceaccount/sa%3A%3Asleepy",
        None,
    )
    .await;
    assert_eq!(
        listed["response"][0]["accountType"],
        "INACTIVE_SERVICE_ACCOUNT"
    );
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount/sa%3A%3Asleepy/activate",
        None,
    )
    .await;
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn permissions_take_effect_at_once_and_are_never_escalated() {
    let app = TestApp::spawn().await;
    create(&app, "sa::proxy").await;
    let (secret, _) = generate(&app, "sa::proxy", "t").await;
    assert_eq!(daemon(&app, &secret).await, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Aproxy/grant/agent_management",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["identifier"], "sa::proxy", "a bare UserModel");
    assert_eq!(body["customer"], "crest");
    assert_eq!(daemon(&app, &secret).await, StatusCode::OK);
    call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Aproxy/revoke/agent_management",
        None,
    )
    .await;
    assert_eq!(
        daemon(&app, &secret).await,
        StatusCode::UNAUTHORIZED,
        "revoked permissions hold at once"
    );

    // A service account with Accounts but without Direct Data Ingestion.
    create(&app, "sa::manager").await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/sa%3A%3Amanager/grant/user_management",
        None,
    )
    .await;
    let (manager, _) = generate(&app, "sa::manager", "t").await;
    let as_manager =
        |method: Method, path: &str| app.http.request(method, app.at(path)).bearer_auth(&manager);
    let resp = as_manager(
        Method::POST,
        "/api/v2/account/sa%3A%3Aproxy/grant/ingestion",
    )
    .send()
    .await
    .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = as_manager(Method::POST, "/api/v2/account/serviceaccount")
        .json(&json!({"identifier": "sa::sneaky", "groups": ["ingestion"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = as_manager(
        Method::PUT,
        "/api/v2/account/serviceaccount/sa%3A%3Amanager",
    )
    .json(&json!({"identifier": "sa::manager", "groups": ["user_management", "ingestion"]}))
    .send()
    .await
    .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "not even for itself");
    // Without Accounts at all: 403 on every management call.
    let resp = app
        .http
        .post(app.at("/api/v2/account/serviceaccount"))
        .bearer_auth(&secret)
        .json(&json!({"identifier": "sa::nope"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (_, sa) = call(
        &app,
        Method::GET,
        "/api/v2/account/serviceaccount/sa%3A%3Aproxy",
        None,
    )
    .await;
    assert_eq!(sa["response"]["unitedPermissions"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn deleting_an_account_revokes_its_tokens_but_the_last_super_admin_stays() {
    let app = TestApp::spawn().await;
    create(&app, "sa::doomed").await;
    let (secret, _) = generate(&app, "sa::doomed", "t").await;
    let (status, _) = call(&app, Method::DELETE, "/api/v2/account/sa%3A%3Adoomed", None).await;
    assert_eq!(status, 200);
    assert_eq!(probe(&app, &secret).await, StatusCode::UNAUTHORIZED);
    let (status, _) = call(&app, Method::GET, "/api/v2/account/sa%3A%3Adoomed", None).await;
    assert_eq!(status, 404);
    let (status, body) = call(
        &app,
        Method::DELETE,
        "/api/v2/account/admin%40example.com",
        None,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(probe(&app, &app.admin_token).await, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn token_facts_hold_after_a_restart() {
    let mut app = TestApp::spawn().await;
    create(&app, "sa::durable").await;
    let (kept, kept_id) = generate(&app, "sa::durable", "kept").await;
    let (revoked, revoked_id) = generate(&app, "sa::durable", "revoked").await;
    let base = "/api/v2/apitoken/serviceaccount/sa%3A%3Adurable";
    call(
        &app,
        Method::PUT,
        &format!("{base}/{kept_id}"),
        Some(json!({"tokenName": "renamed"})),
    )
    .await;
    call(&app, Method::DELETE, &format!("{base}/{revoked_id}"), None).await;
    for i in 0..18 {
        call(
            &app,
            Method::POST,
            base,
            Some(json!({"tokenName": format!("f{i}")})),
        )
        .await;
    }
    create(&app, "sa::inactive").await;
    let (sleeping, _) = generate(&app, "sa::inactive", "t").await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount/sa%3A%3Ainactive/deactivate",
        None,
    )
    .await;
    create(&app, "sa::gone").await;
    let (gone, _) = generate(&app, "sa::gone", "t").await;
    call(&app, Method::DELETE, "/api/v2/account/sa%3A%3Agone", None).await;

    let token = app.admin_token.clone();
    app.restart_with_token(&token).await;
    assert_eq!(probe(&app, &kept).await, StatusCode::OK);
    assert_eq!(probe(&app, &revoked).await, StatusCode::UNAUTHORIZED);
    assert_eq!(probe(&app, &sleeping).await, StatusCode::UNAUTHORIZED);
    assert_eq!(probe(&app, &gone).await, StatusCode::UNAUTHORIZED);
    let (_, listed) = call(&app, Method::GET, base, None).await;
    let names: Vec<&str> = listed["response"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["tokenName"].as_str())
        .collect();
    assert_eq!(names.len(), 19);
    assert!(names.contains(&"renamed") && !names.contains(&"revoked"));
    call(&app, Method::POST, base, None).await;
    let (status, _) = call(&app, Method::POST, base, None).await;
    assert_eq!(status, 400, "the limit holds after a restart");
    app.stop().await;
}
