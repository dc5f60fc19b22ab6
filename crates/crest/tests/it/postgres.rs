//! The same server on PostgreSQL.

use reqwest::{Method, StatusCode};

use crate::support::{Backend, TestApp, new_token};

#[tokio::test]
async fn serves_and_bootstraps_idempotently_on_postgres() {
    let Some(mut app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await else {
        return;
    };
    let resp = app
        .admin(Method::GET, "/api/v2/cluster/info")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let old = app.admin_token.clone();
    app.restart_with_token(&old).await;
    let resp = app
        .admin(Method::GET, "/api/v2/account")
        .send()
        .await
        .expect("send");
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["response"]["totalItems"], 1);
    let new = new_token();
    app.restart_with_token(&new).await;
    let resp = app
        .http
        .get(app.at("/api/v2/cluster/info"))
        .bearer_auth(&old)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}
