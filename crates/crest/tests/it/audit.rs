//! The audit trail: security events with who, what, when, where and how it ended; never a secret.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, call};

#[tokio::test]
async fn security_events_are_recorded_without_secrets() {
    let app = TestApp::spawn().await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::audited"})),
    )
    .await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/sa::audited/grant/agent_management",
        None,
    )
    .await;
    let (_, tokens) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::audited",
        None,
    )
    .await;
    let secret = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    // Revoke by the secret itself: the path carries it, the trail must not.
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/v2/apitoken/serviceaccount/sa::audited/{secret}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let used = app
        .http
        .get(app.at("/api/v2/cluster/info"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("send");
    assert_eq!(used.status(), StatusCode::UNAUTHORIZED);
    // A refused change by a known account.
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::weak"})),
    )
    .await;
    let (_, weak) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::weak",
        None,
    )
    .await;
    let weak = weak["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let refused = app
        .http
        .post(app.at("/api/v2/account/sa::weak/grant/user_management"))
        .bearer_auth(&weak)
        .send()
        .await
        .expect("send");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let denied = app
        .http
        .get(app.at("/api/crest/v1/audit"))
        .bearer_auth(&weak)
        .send()
        .await
        .expect("send");
    assert_eq!(
        denied.status(),
        StatusCode::FORBIDDEN,
        "the trail needs Accounts"
    );

    let (status, trail) = call(&app, Method::GET, "/api/crest/v1/audit?limit=50", None).await;
    assert_eq!(status, 200);
    let text = trail.to_string();
    assert!(
        !text.contains(&secret) && !text.contains(&weak),
        "no secret in the trail: {text}"
    );
    let items = trail["response"]["items"].as_array().expect("items");
    let find = |action: &str| {
        items
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} in {text}"))
    };
    let grant = items
        .iter()
        .find(|e| e["action"] == "grantAccountPermission" && e["outcome"] == 200)
        .expect("the grant");
    assert_eq!(grant["actor"], "admin@example.com");
    assert_eq!(
        grant["target"],
        "id=sa::audited permission=agent_management"
    );
    assert_eq!(grant["outcome"], 200);
    assert_eq!(grant["source"], "127.0.0.1");
    assert!(grant["atMs"].as_i64().is_some_and(|ms| ms > 0));
    // The path named the token by its secret: the trail names it by its public id instead.
    let revoked = find("deleteTokenServiceAccount")["target"]
        .as_str()
        .expect("target")
        .to_owned();
    let public = revoked
        .strip_prefix("id=sa::audited token=")
        .unwrap_or_else(|| panic!("{revoked}"));
    assert!(uuid::Uuid::parse_str(public).is_ok(), "{revoked}");
    let reuse = find("tokenUsedAfterRevocation");
    assert_eq!(
        (reuse["actor"].as_str(), reuse["outcome"].as_u64()),
        (Some("sa::audited"), Some(401))
    );
    let refusal = items
        .iter()
        .find(|e| e["action"] == "grantAccountPermission" && e["outcome"] == 403)
        .expect("the refused grant");
    assert_eq!(refusal["actor"], "sa::weak");
    assert!(
        items.iter().all(|e| e["action"] != "getAllAccounts"),
        "reads are not events"
    );
    assert!(
        items[0]["id"].as_i64() > items[items.len() - 1]["id"].as_i64(),
        "newest first"
    );
    app.stop().await;
}

/// Creates and operations whose body names what they act on record it: the new id, the ids the
/// body lists (after the path's own).
#[tokio::test]
async fn creates_and_body_named_operations_name_their_target() {
    let app = TestApp::spawn().await;
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::target-a"})),
    )
    .await;
    assert_eq!(status, 200);
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::target-b"})),
    )
    .await;
    // A refused create names what it tried to create, with how it ended.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::target-a"})),
    )
    .await;
    assert_eq!(status, 409);
    let (_, role) = call(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "audited role", "permissions": []})),
    )
    .await;
    let role_id = role["response"]["id"].as_str().expect("role id").to_owned();
    let (_, group) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "audited group", "roleIDs": []})),
    )
    .await;
    let group_id = group["response"]["id"]
        .as_str()
        .expect("group id")
        .to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v2/usergroup/{group_id}/addUsers"),
        Some(json!(["sa::target-a"])),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/grant/agent_management",
        Some(json!(["sa::target-a", "sa::target-b"])),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/deleteAccounts",
        Some(json!(["sa::target-a", "sa::target-b"])),
    )
    .await;
    assert_eq!(status, 200);

    let (_, trail) = call(&app, Method::GET, "/api/crest/v1/audit?limit=100", None).await;
    let items = trail["response"]["items"].as_array().expect("items");
    let text = trail.to_string();
    let targets = |action: &str, outcome: u64| -> Vec<String> {
        items
            .iter()
            .filter(|e| e["action"] == action && e["outcome"] == outcome)
            .map(|e| e["target"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(
        targets("createServiceAccount", 200).contains(&"id=sa::target-a".to_owned()),
        "{text}"
    );
    assert_eq!(
        targets("createServiceAccount", 409),
        vec!["id=sa::target-a".to_owned()],
        "{text}"
    );
    assert_eq!(targets("createRole", 200), vec![format!("id={role_id}")]);
    assert_eq!(
        targets("createUserGroup", 200),
        vec![format!("id={group_id}")]
    );
    assert_eq!(
        targets("addUsersToUserGroup", 200),
        vec![format!("id={group_id} accounts=sa::target-a")]
    );
    assert_eq!(
        targets("grantPermissionToAccounts", 200),
        vec!["permission=agent_management accounts=sa::target-a,sa::target-b".to_owned()]
    );
    assert_eq!(
        targets("deleteMultipleAccounts", 200),
        vec!["accounts=sa::target-a,sa::target-b".to_owned()]
    );
    assert!(
        items.iter().all(|e| e["action"] == "signIn"
            || e["action"] == "tokenUsedAfterRevocation"
            || !e["target"].as_str().unwrap_or_default().is_empty()),
        "every change names its target: {text}"
    );
    app.stop().await;
}
