//! The takeover paths: nobody acts on the credentials of an account or app that holds more than
//! they do, only a Super Admin acts on a Super Admin, and no credential is issued beyond the scope
//! of the one that asks. Each refusal changes nothing; each neighbour (an equal or lesser target)
//! still works.

use crest_domain::account::AccountId;
use crest_domain::clock::SystemClock;
use crest_domain::csp::api_token::{self, NewCspToken};
use crest_domain::principal::Principal;
use crest_domain::random::OsRandom;
use crest_domain::service_account;
use crest_domain::store::AccountStore;
use crest_store::SqlStore;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::csp::exchange_app;
use crate::support::{ADMIN, Backend, TestApp, assert_error_envelope, call, json, probe};

const API_TOKENS: &str = "/api/v2/apitoken";
const EXCHANGE: &str = "/csp/gateway/am/api/auth/api-tokens/authorize";

/// A request with `token`; the status and the JSON answer.
async fn as_(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = app.http.request(method, app.at(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    json(req.send().await.expect("send")).await
}

/// Refused with 403 in the API's envelope.
async fn refused(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) {
    let (status, answer) = as_(app, token, method.clone(), path, body).await;
    assert_eq!(status, 403, "{method} {path}: {answer}");
    assert_error_envelope(&answer, 403);
}

/// Allowed with 200.
async fn allowed(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) {
    let (status, answer) = as_(app, token, method.clone(), path, body).await;
    assert_eq!(status, 200, "{method} {path}: {answer}");
}

async fn store(app: &TestApp) -> SqlStore {
    SqlStore::open(&app.config.store).await.expect("open")
}

/// Creates a user holding `permissions` directly and returns an API token of theirs, minted as
/// the operator would.
async fn user_with_token(app: &TestApp, email: &str, permissions: &[&str]) -> String {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": email, "groups": permissions, "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    token_of(app, email).await
}

/// A new API token of an existing account, minted as the operator would.
async fn token_of(app: &TestApp, id: &str) -> String {
    let store = store(app).await;
    let record = store
        .account(&AccountId::parse(id).expect("id"))
        .await
        .expect("read")
        .expect("exists");
    let (_, secret) = service_account::generate_token(
        &store,
        &SystemClock,
        &OsRandom,
        &Principal::operator(),
        &record,
        None,
        None,
    )
    .await
    .expect("a token");
    store.close().await;
    secret.reveal().to_owned()
}

/// An access token exchanged from a new organization API token of `email` with `roles`.
async fn access_token_of(app: &TestApp, email: &str, roles: &[&str]) -> String {
    let store = store(app).await;
    let (_, secret) = api_token::create(
        &store,
        &SystemClock,
        &OsRandom,
        &Principal::operator(),
        NewCspToken {
            account: AccountId::parse(email).expect("id"),
            name: "narrow".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ttl_minutes: None,
        },
    )
    .await
    .expect("an organization token");
    store.close().await;
    let resp = app
        .http
        .post(app.at(EXCHANGE))
        .form(&[("api_token", secret.reveal())])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.http
        .post(app.at("/api/crest/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

async fn permissions_of(app: &TestApp, id: &str) -> Vec<String> {
    let (status, body) = call(app, Method::GET, &format!("/api/v2/account/{id}"), None).await;
    assert_eq!(status, 200, "{body}");
    let mut list: Vec<String> = body["response"]["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|p| p.as_str().expect("name").to_owned())
        .collect();
    list.sort();
    list
}

async fn exists(app: &TestApp, id: &str) -> bool {
    let (status, _) = call(app, Method::GET, &format!("/api/v2/account/{id}"), None).await;
    status == 200
}

async fn token_count(app: &TestApp, sa: &str) -> usize {
    let (_, body) = call(
        app,
        Method::GET,
        &format!("{API_TOKENS}/serviceaccount/{sa}"),
        None,
    )
    .await;
    body["response"].as_array().expect("list").len()
}

async fn new_app(app: &TestApp, token: &str, roles: &[&str]) -> (u16, Value) {
    as_(
        app,
        token,
        Method::POST,
        "/api/crest/v1/csp/apps",
        Some(json!({"name": "app", "roles": roles})),
    )
    .await
}

#[tokio::test]
async fn an_accounts_holder_cannot_take_over_a_super_admin_by_any_path() {
    takeover_attempts(TestApp::spawn().await).await;
}

#[tokio::test]
async fn an_accounts_holder_cannot_take_over_a_super_admin_on_postgres_either() {
    if let Some(app) = TestApp::spawn_with(Backend::Postgres, |_| {}).await {
        takeover_attempts(app).await;
    }
}

async fn takeover_attempts(app: TestApp) {
    let mallory = user_with_token(&app, "mallory@example.com", &["user_management"]).await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::bystander"})),
    )
    .await;
    let admin_permissions = permissions_of(&app, ADMIN).await;
    let credential = json!({"identifier": ADMIN, "credential": "taken-over-1"});
    let (_, group) = call(
        &app,
        Method::POST,
        "/api/v2/usergroup",
        Some(json!({"name": "plain", "roles": []})),
    )
    .await;
    let group = group["response"]["id"]
        .as_str()
        .expect("group id")
        .to_owned();
    let (_, role) = call(
        &app,
        Method::POST,
        "/api/v2/role",
        Some(json!({"name": "empty", "permissions": []})),
    )
    .await;
    let role = role["response"]["id"].as_str().expect("role id").to_owned();

    let both = json!(["sa::bystander", ADMIN]);
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PUT,
            format!("/api/v2/account/user/{ADMIN}"),
            Some(credential.clone()),
        ),
        (
            Method::PUT,
            format!("/api/v2/user/{ADMIN}"),
            Some(credential),
        ),
        (
            Method::PUT,
            format!("/api/v2/account/user/{ADMIN}"),
            Some(json!({"identifier": ADMIN, "groups": []})),
        ),
        (
            Method::POST,
            format!("/api/v2/account/{ADMIN}/revoke/alerts_management"),
            None,
        ),
        (
            Method::POST,
            "/api/v2/account/revoke/alerts_management".into(),
            Some(json!([ADMIN])),
        ),
        (
            Method::POST,
            "/api/v2/user/revoke/alerts_management".into(),
            Some(json!([ADMIN])),
        ),
        (
            Method::POST,
            format!("/api/v2/account/{ADMIN}/grant/alerts_management"),
            None,
        ),
        (Method::DELETE, format!("/api/v2/account/{ADMIN}"), None),
        (Method::DELETE, format!("/api/v2/user/{ADMIN}"), None),
        (
            Method::POST,
            "/api/v2/account/deleteAccounts".into(),
            Some(both.clone()),
        ),
        (Method::POST, "/api/v2/user/deleteUsers".into(), Some(both)),
        (
            Method::POST,
            format!("/api/crest/v1/invites/{ADMIN}/link"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v2/account/{ADMIN}/addUserGroups"),
            Some(json!([group])),
        ),
        (
            Method::POST,
            format!("/api/v2/usergroup/{group}/addUsers"),
            Some(json!([ADMIN])),
        ),
        (
            Method::POST,
            format!("/api/v2/account/{ADMIN}/addRoles"),
            Some(json!([role])),
        ),
        (
            Method::POST,
            format!("/api/v2/role/{role}/addAssignees"),
            Some(json!([ADMIN])),
        ),
    ];
    for (method, path, body) in attempts {
        refused(&app, &mallory, method, &path, body).await;
    }
    let forged = app
        .http
        .post(app.at(&format!("/api/v2/user/{ADMIN}/revoke")))
        .bearer_auth(&mallory)
        .form(&[("group", "alerts_management")])
        .send()
        .await
        .expect("send");
    assert_eq!(forged.status(), 403);

    // Nothing changed: the password was never set, the permissions and accounts are as they were.
    assert_eq!(sign_in_status(&app, ADMIN, "taken-over-1").await, 401);
    assert_eq!(permissions_of(&app, ADMIN).await, admin_permissions);
    assert!(exists(&app, "sa::bystander").await);
    assert_eq!(probe(&app, &app.admin_token).await, StatusCode::OK);

    // The neighbours: a target holding no more than the caller is still the caller's to manage.
    user_with_token(&app, "peer@example.com", &["user_management"]).await;
    allowed(
        &app,
        &mallory,
        Method::PUT,
        "/api/v2/account/user/peer@example.com",
        Some(json!({"identifier": "peer@example.com", "credential": "a-new-password"})),
    )
    .await;
    assert_eq!(
        sign_in_status(&app, "peer@example.com", "a-new-password").await,
        200
    );
    user_with_token(&app, "pat@example.com", &[]).await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/crest/v1/invites/pat@example.com/link",
        None,
    )
    .await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/account/pat@example.com/grant/user_management",
        None,
    )
    .await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/account/pat@example.com/revoke/user_management",
        None,
    )
    .await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/account/pat@example.com/addRoles",
        Some(json!([role])),
    )
    .await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/account/deleteAccounts",
        Some(json!(["sa::bystander", "pat@example.com"])),
    )
    .await;
    assert!(!exists(&app, "pat@example.com").await);
    app.stop().await;
}

#[tokio::test]
async fn service_accounts_and_apps_holding_more_are_out_of_reach() {
    let app = TestApp::spawn().await;
    let mallory = user_with_token(&app, "mallory@example.com", &["user_management"]).await;
    for (id, groups) in [
        (
            "sa::power",
            json!(["agent_management", "host_tag_management"]),
        ),
        ("sa::weak", json!([])),
    ] {
        let (status, body) = call(
            &app,
            Method::POST,
            "/api/v2/account/serviceaccount",
            Some(json!({"identifier": id, "groups": groups})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let (_, made) = call(
        &app,
        Method::POST,
        &format!("{API_TOKENS}/serviceaccount/sa::power"),
        None,
    )
    .await;
    let power_secret = made["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let (_, listed) = call(
        &app,
        Method::GET,
        &format!("{API_TOKENS}/serviceaccount/sa::power"),
        None,
    )
    .await;
    let power_token = listed["response"][0]["tokenID"]
        .as_str()
        .expect("id")
        .to_owned();

    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("{API_TOKENS}/serviceaccount/sa::power"),
            None,
        ),
        (
            Method::PUT,
            format!("{API_TOKENS}/serviceaccount/sa::power/{power_token}"),
            Some(json!({"tokenName": "mine"})),
        ),
        (
            Method::DELETE,
            format!("{API_TOKENS}/serviceaccount/sa::power/{power_token}"),
            None,
        ),
        (
            Method::PUT,
            "/api/v2/apitoken/customertokens/revoke".into(),
            Some(json!({"tokenID": power_token})),
        ),
        (
            Method::POST,
            "/api/v2/account/serviceaccount/sa::power/deactivate".into(),
            None,
        ),
        (
            Method::PUT,
            "/api/v2/account/serviceaccount/sa::power".into(),
            Some(json!({"identifier": "sa::power", "description": "mine now"})),
        ),
        (Method::DELETE, "/api/v2/account/sa::power".into(), None),
    ];
    for (method, path, body) in attempts {
        refused(&app, &mallory, method, &path, body).await;
    }
    assert_eq!(token_count(&app, "sa::power").await, 1);
    assert_eq!(probe(&app, &power_secret).await, StatusCode::OK);

    // Neighbours: a lesser service account is hers to manage; an equal holder manages the power one.
    allowed(
        &app,
        &mallory,
        Method::POST,
        &format!("{API_TOKENS}/serviceaccount/sa::weak"),
        None,
    )
    .await;
    allowed(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/account/serviceaccount/sa::weak/deactivate",
        None,
    )
    .await;
    let trent = user_with_token(
        &app,
        "trent@example.com",
        &["user_management", "agent_management", "host_tag_management"],
    )
    .await;
    allowed(
        &app,
        &trent,
        Method::POST,
        &format!("{API_TOKENS}/serviceaccount/sa::power"),
        None,
    )
    .await;

    // Apps: an `aoa:*` app is out of reach of an Accounts holder, and so is making one.
    let (status, full) = new_app(&app, &app.admin_token, &["aoa:*"]).await;
    assert_eq!(status, 200, "{full}");
    let full_id = full["response"]["clientId"]
        .as_str()
        .expect("id")
        .to_owned();
    let full_secret = full["response"]["clientSecret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/api/crest/v1/csp/apps/{full_id}/secret"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/crest/v1/csp/apps/{full_id}"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        refused(&app, &mallory, method, &path, body).await;
    }
    assert_eq!(
        exchange_app(&app, &full_id, &full_secret).await.0,
        StatusCode::OK
    );
    let (status, body) = new_app(&app, &mallory, &["aoa:*"]).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = new_app(&app, &mallory, &["aoa:proxies"]).await;
    assert_eq!(status, 403, "{body}");
    // Every permission, but no Super Admin: still not an `aoa:*` (Super Admin) app.
    let every: Vec<&str> = crest_domain::permission::Permission::ALL
        .iter()
        .map(|p| p.as_str())
        .collect();
    let almighty = user_with_token(&app, "almighty@example.com", &every).await;
    let (status, body) = new_app(&app, &almighty, &["aoa:*"]).await;
    assert_eq!(status, 403, "{body}");

    // An app holding only `aoa:admin` acts like an Accounts holder.
    let (status, admin_app) = new_app(&app, &mallory, &["aoa:admin"]).await;
    assert_eq!(status, 200, "{admin_app}");
    let (status, exchanged) = exchange_app(
        &app,
        admin_app["response"]["clientId"].as_str().expect("id"),
        admin_app["response"]["clientSecret"]
            .as_str()
            .expect("secret"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{exchanged}");
    let app_token = exchanged["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("{API_TOKENS}/serviceaccount/sa::power"),
            None,
        ),
        (
            Method::POST,
            format!("/api/crest/v1/csp/apps/{full_id}/secret"),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        refused(&app, &app_token, method, &path, body).await;
    }
    allowed(
        &app,
        &app_token,
        Method::POST,
        &format!("{API_TOKENS}/serviceaccount/sa::weak"),
        None,
    )
    .await;
    assert_eq!(
        token_count(&app, "sa::power").await,
        2,
        "only trent's token was added"
    );
    app.stop().await;
}

#[tokio::test]
async fn no_credential_is_issued_beyond_the_scope_of_the_one_that_asks() {
    let app = TestApp::spawn().await;
    // The Super Admin's own access token, scoped to Viewer, cannot mint an `aoa:*` token.
    let viewer = access_token_of(&app, ADMIN, &["aoa:viewer"]).await;
    for roles in [
        json!(["aoa:*"]),
        json!(["aoa:alerts"]),
        json!(["aoa:superAdmin"]),
    ] {
        refused(
            &app,
            &viewer,
            Method::POST,
            "/api/crest/v1/csp/tokens",
            Some(json!({"name": "wide", "roles": roles})),
        )
        .await;
    }
    let (_, listed) = call(&app, Method::GET, "/api/crest/v1/csp/tokens", None).await;
    assert_eq!(
        listed["response"].as_array().expect("list").len(),
        1,
        "only the narrow token exists"
    );
    // A token as narrow as the asking one is fine.
    allowed(
        &app,
        &viewer,
        Method::POST,
        "/api/crest/v1/csp/tokens",
        Some(json!({"name": "same", "roles": ["aoa:viewer"]})),
    )
    .await;

    // A user with Accounts and Alerts, acting through an access token scoped to Accounts only,
    // acts like an Accounts holder: not on what holds Alerts, not on the user's own account.
    user_with_token(
        &app,
        "vic@example.com",
        &["user_management", "alerts_management"],
    )
    .await;
    let vic_admin = access_token_of(&app, "vic@example.com", &["aoa:admin"]).await;
    let vic_alerts = access_token_of(&app, "vic@example.com", &["aoa:alerts"]).await;
    user_with_token(&app, "alice@example.com", &["alerts_management"]).await;
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::alerting", "groups": ["alerts_management"]})),
    )
    .await;
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PUT,
            "/api/v2/account/user/alice@example.com".into(),
            Some(json!({"identifier": "alice@example.com", "credential": "a-new-password"})),
        ),
        (
            Method::POST,
            format!("{API_TOKENS}/serviceaccount/sa::alerting"),
            None,
        ),
        (
            Method::PUT,
            "/api/v2/account/user/vic@example.com".into(),
            Some(json!({"identifier": "vic@example.com", "credential": "a-new-password"})),
        ),
        (
            Method::POST,
            "/api/crest/v1/csp/tokens".into(),
            Some(json!({"name": "wider", "roles": ["aoa:alerts"]})),
        ),
    ];
    for (method, path, body) in attempts {
        refused(&app, &vic_admin, method, &path, body).await;
    }
    assert_eq!(
        sign_in_status(&app, "alice@example.com", "a-new-password").await,
        401
    );
    assert_eq!(token_count(&app, "sa::alerting").await, 0);
    // The same user's whole credential can; so can a token scoped to what it issues.
    let vic = token_of(&app, "vic@example.com").await;
    allowed(
        &app,
        &vic,
        Method::POST,
        &format!("{API_TOKENS}/serviceaccount/sa::alerting"),
        None,
    )
    .await;
    allowed(
        &app,
        &vic_alerts,
        Method::POST,
        "/api/crest/v1/csp/tokens",
        Some(json!({"name": "alerts", "roles": ["aoa:alerts"]})),
    )
    .await;

    // Revoking is acting on a credential too: the narrow token cannot revoke a wider one.
    let (_, mine) = as_(&app, &vic, Method::GET, "/api/crest/v1/csp/tokens", None).await;
    let wide = mine["response"]
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["roles"] == json!(["aoa:alerts"]))
        .and_then(|t| t["id"].as_str())
        .expect("the alerts token")
        .to_owned();
    refused(
        &app,
        &vic_admin,
        Method::DELETE,
        &format!("/api/crest/v1/csp/tokens/{wide}"),
        None,
    )
    .await;
    allowed(
        &app,
        &vic_alerts,
        Method::DELETE,
        &format!("/api/crest/v1/csp/tokens/{wide}"),
        None,
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn creating_a_user_who_exists_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    user_with_token(&app, "dana@example.com", &["alerts_management"]).await;
    let before = permissions_of(&app, "dana@example.com").await;
    for (path, body) in [
        (
            "/api/v2/user",
            json!({"emailAddress": "dana@example.com", "groups": [], "userGroups": []}),
        ),
        (
            "/api/v2/account/user/invite",
            json!([{"emailAddress": "new1@example.com", "groups": [], "userGroups": []}, {"emailAddress": "dana@example.com", "groups": [], "userGroups": []}]),
        ),
        (
            "/api/v2/user/invite",
            json!([{"emailAddress": "DANA@example.com", "groups": [], "userGroups": []}]),
        ),
    ] {
        let (status, answer) = call(&app, Method::POST, path, Some(body)).await;
        assert_eq!(status, 409, "{path}: {answer}");
        assert_error_envelope(&answer, 409);
        assert!(
            answer["status"]["message"]
                .as_str()
                .is_some_and(|m| m
                    .contains("User with id dana@example.com is already created in our system")),
            "{answer}"
        );
    }
    assert_eq!(permissions_of(&app, "dana@example.com").await, before);
    assert!(
        !exists(&app, "new1@example.com").await,
        "a refused invitation invites nobody"
    );
    // A new user is still created, and createOrUpdate still updates.
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/user",
        Some(json!({"emailAddress": "erin@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "dana@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200);
    assert!(permissions_of(&app, "dana@example.com").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn retrievable_secrets_are_shown_only_to_whoever_holds_everything_their_account_holds() {
    let key_dir = tempfile::tempdir().expect("a temp dir");
    let key_file = key_dir.path().join("token.key");
    std::fs::write(
        &key_file,
        "8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0\n",
    )
    .expect("write the key");
    let app = TestApp::spawn_with(Backend::Sqlite, |args| {
        args.token_retrieval_key_file = Some(key_file.clone());
    })
    .await
    .expect("SQLite");
    let mallory = user_with_token(&app, "mallory@example.com", &["user_management"]).await;
    let mut secrets = Vec::new();
    for (id, groups) in [
        ("sa::power", json!(["agent_management"])),
        ("sa::weak", json!([])),
    ] {
        call(
            &app,
            Method::POST,
            "/api/v2/account/serviceaccount",
            Some(json!({"identifier": id, "groups": groups})),
        )
        .await;
        let (_, made) = call(
            &app,
            Method::POST,
            &format!("{API_TOKENS}/serviceaccount/{id}"),
            None,
        )
        .await;
        secrets.push(
            made["response"][0]["tokenID"]
                .as_str()
                .expect("secret")
                .to_owned(),
        );
    }
    let shown = |body: &Value| body.to_string();
    // The administrator sees both secrets again; the Accounts holder only the lesser one's.
    for path in [
        format!("{API_TOKENS}/serviceaccount/sa::power"),
        "/api/v2/account/serviceaccount/sa::power".to_owned(),
        "/api/v2/account/serviceaccount".to_owned(),
    ] {
        let (_, as_admin) = call(&app, Method::GET, &path, None).await;
        assert!(shown(&as_admin).contains(&secrets[0]), "{path}");
        let (status, as_mallory) = as_(&app, &mallory, Method::GET, &path, None).await;
        assert_eq!(status, 200);
        assert!(
            !shown(&as_mallory).contains(&secrets[0]),
            "{path}: {as_mallory}"
        );
    }
    let (_, searched) = as_(
        &app,
        &mallory,
        Method::POST,
        "/api/v2/search/serviceaccount",
        Some(json!({"query": []})),
    )
    .await;
    assert!(!shown(&searched).contains(&secrets[0]), "{searched}");
    let (_, weak) = as_(
        &app,
        &mallory,
        Method::GET,
        &format!("{API_TOKENS}/serviceaccount/sa::weak"),
        None,
    )
    .await;
    assert!(shown(&weak).contains(&secrets[1]), "{weak}");
    app.stop().await;
}
