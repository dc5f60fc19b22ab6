//! Bootstrap: the first administrator and its token, idempotent across restarts.

use reqwest::{Method, StatusCode};

use crate::support::{TestApp, new_token};

#[tokio::test]
async fn restarting_with_the_same_token_changes_nothing() {
    let mut app = TestApp::spawn().await;
    let token = app.admin_token.clone();
    app.restart_with_token(&token).await;
    let server = app.server.as_ref().expect("running");
    assert_eq!(
        server.bootstrap.applied,
        crest_domain::store::BootstrapApplied::Unchanged
    );
    let resp = app
        .admin(Method::GET, "/api/v2/account")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["response"]["totalItems"], 1, "no second administrator");
    app.stop().await;
}

#[tokio::test]
async fn a_new_bootstrap_token_replaces_the_previous_one() {
    let mut app = TestApp::spawn().await;
    let old = app.admin_token.clone();
    let new = new_token();
    app.restart_with_token(&new).await;
    let probe = app.at("/api/v2/cluster/info");
    let resp = app
        .http
        .get(&probe)
        .bearer_auth(&new)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .http
        .get(&probe)
        .bearer_auth(&old)
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status(),
        StatusCode::UNAUTHORIZED,
        "the previous bootstrap token is revoked"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_bootstrap_admin_holds_every_permission_directly() {
    let app = TestApp::spawn().await;
    let body: serde_json::Value = app
        .admin(Method::GET, "/api/v2/account")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let groups = body["response"]["items"][0]["groups"]
        .as_array()
        .expect("a list")
        .len();
    assert_eq!(groups, crest_domain::permission::Permission::ALL.len());
    app.stop().await;
}
