//! The identity service: exchanges, access tokens the API accepts, and every refusal.

use std::sync::Arc;

use crest_auth::csp::claims::AccessClaims;
use crest_auth::csp::issue::Issuer;
use crest_auth::csp::keys::KeyRing;
use crest_domain::clock::SystemClock;
use crest_domain::random::OsRandom;
use crest_domain::store::{CspKeyStore, CspStore, Store};
use crest_store::SqlStore;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{ADMIN, TestApp, call};

const CLIENT_CREDENTIALS: &str = "/csp/gateway/am/api/auth/authorize";
const API_TOKENS: &str = "/csp/gateway/am/api/auth/api-tokens/authorize";

/// A server whose first signing key is ready (test servers are handed one).
async fn ready_app() -> TestApp {
    let app = TestApp::spawn().await;
    let status = app
        .http
        .get(app.at("/healthz"))
        .send()
        .await
        .expect("send")
        .status();
    assert_eq!(status, StatusCode::OK);
    app
}

async fn new_app(app: &TestApp, roles: &[&str]) -> (String, String) {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/crest/v1/csp/apps",
        Some(json!({"name": "ci", "roles": roles})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let r = &body["response"];
    (
        r["clientId"].as_str().expect("id").to_owned(),
        r["clientSecret"].as_str().expect("secret").to_owned(),
    )
}

pub(crate) async fn exchange_app(app: &TestApp, id: &str, secret: &str) -> (StatusCode, Value) {
    let resp = app
        .http
        .post(app.at(CLIENT_CREDENTIALS))
        .basic_auth(id, Some(secret))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send");
    let status = resp.status();
    (status, resp.json().await.expect("json"))
}

async fn access_token(app: &TestApp, id: &str, secret: &str) -> String {
    let (status, body) = exchange_app(app, id, secret).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn status_with(app: &TestApp, token: &str) -> StatusCode {
    app.http
        .get(app.at("/api/v2/cluster/info"))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .status()
}

fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).expect("payload");
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("claims")
}

/// The server's own signing key, read from its store, to make tokens that are validly signed but
/// wrong in some other way.
async fn our_key(app: &TestApp) -> (String, EncodingKey) {
    let store = SqlStore::open(&app.config.store).await.expect("open");
    let key = store
        .signing_keys()
        .await
        .expect("keys")
        .pop()
        .expect("a key");
    (
        key.kid.clone(),
        EncodingKey::from_rsa_pem(key.private_pem.as_bytes()).expect("pem"),
    )
}

fn sign(kid: &str, key: &EncodingKey, claims: &AccessClaims) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

#[tokio::test]
async fn access_tokens_work_within_their_roles_and_forgeries_are_refused() {
    let app = ready_app().await;
    let (id, secret) = new_app(&app, &["aoa:proxies"]).await;
    let token = access_token(&app, &id, &secret).await;
    assert_eq!(status_with(&app, &token).await, StatusCode::OK);
    let resp = app
        .http
        .post(app.at("/api/v2/account/serviceaccount"))
        .bearer_auth(&token)
        .json(&json!({"identifier": "sa::nope"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "aoa:proxies is not aoa:admin"
    );

    let good = claims_of(&token);
    let (kid, ours) = our_key(&app).await;
    let (head, payload, sig) = {
        let mut parts = token.split('.');
        (
            parts.next().expect("h").to_owned(),
            parts.next().expect("p").to_owned(),
            parts.next().expect("s").to_owned(),
        )
    };
    use base64::Engine as _;
    let b64 = |v: &Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(v).expect("json"))
    };
    let mut elevated = serde_json::to_value(&good).expect("claims");
    elevated["perms"] = json!(["aoa:*"]);
    let foreign = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("a key");
    let foreign_pem = {
        use rsa::pkcs8::EncodePrivateKey as _;
        foreign
            .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
            .expect("pem")
            .to_string()
    };
    let foreign_key = EncodingKey::from_rsa_pem(foreign_pem.as_bytes()).expect("pem");
    let public_pem = app
        .http
        .get(app.at("/csp/gateway/am/api/auth/token-public-key?format=pem"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("pem");
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    let now = chrono_now();
    let expired = AccessClaims {
        iat: now - 4000,
        exp: now - 3600,
        ..good.clone()
    };
    let other_org = AccessClaims {
        context: "another-org".into(),
        context_name: "another-org".into(),
        ..good.clone()
    };
    let other_issuer = AccessClaims {
        iss: "https://elsewhere.example/csp/gateway/am".into(),
        ..good.clone()
    };
    let from_the_future = AccessClaims {
        iat: now + 3600,
        exp: now + 7200,
        ..good.clone()
    };
    let refusals: Vec<(&str, String)> = vec![
        ("forged claims", format!("{head}.{}.{sig}", b64(&elevated))),
        (
            "unsigned",
            format!("{}.{payload}.", b64(&json!({"alg": "none", "typ": "JWT"}))),
        ),
        ("re-signed by another key", sign(&kid, &foreign_key, &good)),
        (
            "HS256 with the public key",
            jsonwebtoken::encode(
                &hs_header,
                &good,
                &EncodingKey::from_secret(public_pem.as_bytes()).expect("an HMAC key"),
            )
            .expect("sign"),
        ),
        ("unknown kid", sign("not-a-kid", &ours, &good)),
        ("expired", sign(&kid, &ours, &expired)),
        ("another organization", sign(&kid, &ours, &other_org)),
        ("another issuer", sign(&kid, &ours, &other_issuer)),
        ("issued in the future", sign(&kid, &ours, &from_the_future)),
        (
            "truncated signature",
            token[..token.len() - 4].to_owned() + "AAAA",
        ),
    ];
    for (what, bad) in refusals {
        assert_eq!(
            status_with(&app, &bad).await,
            StatusCode::UNAUTHORIZED,
            "{what}"
        );
    }
    // The same claims signed properly are accepted: the refusals above are for the reasons named.
    assert_eq!(
        status_with(&app, &sign(&kid, &ours, &good)).await,
        StatusCode::OK
    );
}

fn chrono_now() -> i64 {
    crest_domain::clock::Clock::now_millis(&SystemClock) / 1000
}

#[tokio::test]
async fn revoking_an_api_token_or_an_apps_secret_ends_their_access_tokens() {
    let app = ready_app().await;
    // An organization API token of the administrator's, made over REST.
    let (status, made) = call(
        &app,
        Method::POST,
        "/api/crest/v1/csp/tokens",
        Some(json!({"name": "laptop", "roles": ["aoa:*"], "ttlMinutes": 60})),
    )
    .await;
    assert_eq!(status, 200, "{made}");
    let secret = made["response"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let token_id = made["response"]["details"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let resp = app
        .http
        .post(app.at(API_TOKENS))
        .form(&[("api_token", secret.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    let access = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(body["expires_in"], 1800);
    let perms = claims_of(&access).perms;
    assert!(
        perms.contains(&"csp:org_owner".to_owned()),
        "the bootstrap admin owns the organization: {perms:?}"
    );
    assert_eq!(status_with(&app, &access).await, StatusCode::OK);
    let (_, listed) = call(&app, Method::GET, "/api/crest/v1/csp/tokens", None).await;
    assert_eq!(listed["response"][0]["name"], "laptop");
    assert!(!listed.to_string().contains(&secret));
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/crest/v1/csp/tokens/{token_id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        status_with(&app, &access).await,
        StatusCode::UNAUTHORIZED,
        "revoked at once"
    );
    let resp = app
        .http
        .post(app.at(API_TOKENS))
        .form(&[("api_token", secret.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);

    // An app: a new secret ends the old one and its tokens; deleting the app ends the rest.
    let (id, old_secret) = new_app(&app, &["aoa:directDataIngestion"]).await;
    let old_access = access_token(&app, &id, &old_secret).await;
    let (status, renewed) = call(
        &app,
        Method::POST,
        &format!("/api/crest/v1/csp/apps/{id}/secret"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let new_secret = renewed["response"]["clientSecret"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_eq!(
        status_with(&app, &old_access).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        exchange_app(&app, &id, &old_secret).await.0,
        StatusCode::UNAUTHORIZED
    );
    let new_access = access_token(&app, &id, &new_secret).await;
    assert_eq!(status_with(&app, &new_access).await, StatusCode::OK);
    // The app is listed as the instance's internal service account, and parses as the client's
    // ApiTokenModel would have it (a valid accountType).
    let (_, all) = call(&app, Method::GET, "/api/v2/apitoken/customertokens", None).await;
    let listed = all["response"]
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["id"] == id.as_str())
        .expect("the app is listed")
        .clone();
    assert_eq!(listed["accountType"], "CSP_SERVICE_ACCOUNT");
    assert_eq!(listed["account"], format!("csp-app::{id}"));
    assert!(!all.to_string().contains(&new_secret));
    let (status, _) = call(
        &app,
        Method::DELETE,
        &format!("/api/crest/v1/csp/apps/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        status_with(&app, &new_access).await,
        StatusCode::UNAUTHORIZED
    );

    // A token without a service role authenticates nobody to the API.
    let (_, member) = call(
        &app,
        Method::POST,
        "/api/crest/v1/csp/tokens",
        Some(json!({"name": "member"})),
    )
    .await;
    let member = member["response"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let body: Value = app
        .http
        .post(app.at(API_TOKENS))
        .form(&[("api_token", member.as_str())])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let access = body["access_token"].as_str().expect("token");
    let resp = app
        .http
        .get(app.at("/api/v2/cluster/info"))
        .bearer_auth(access)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["status"]["message"], "User has no access to service");
}

#[tokio::test]
async fn scopes_stay_within_the_users_roles_and_exchanges_speak_csp() {
    let app = ready_app().await;
    // A user with Alerts only cannot give a token Accounts.
    call(&app, Method::POST, "/api/v2/account/user", Some(json!({"emailAddress": "al@example.com", "groups": ["alerts_management", "token_management"], "userGroups": []}))).await;
    let store = SqlStore::open(&app.config.store).await.expect("open");
    let err = crest_domain::csp::api_token::create(
        &store,
        &SystemClock,
        &OsRandom,
        &crest_domain::principal::Principal::operator(),
        crest_domain::csp::api_token::NewCspToken {
            account: crest_domain::account::AccountId::parse("al@example.com").expect("id"),
            name: String::new(),
            roles: vec!["aoa:admin".into()],
            ttl_minutes: None,
        },
    )
    .await;
    assert!(matches!(err, Err(crest_domain::DomainError::Forbidden(_))));

    let (id, secret) = new_app(&app, &["aoa:events"]).await;
    // Form fields instead of Basic; Basic wins when both are sent.
    let resp = app
        .http
        .post(app.at(CLIENT_CREDENTIALS))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let resp = app
        .http
        .post(app.at(CLIENT_CREDENTIALS))
        .basic_auth(&id, Some("wrong"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    // The later docs' username/password form; no password grant; another organization refused.
    let resp = app
        .http
        .post(app.at("/csp/gateway/am/api/auth/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("username", id.as_str()),
            ("password", secret.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let resp = app
        .http
        .post(app.at("/csp/gateway/am/api/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", ADMIN),
            ("password", "x"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"], "unsupported_grant_type");
    let resp = app
        .http
        .post(app.at(CLIENT_CREDENTIALS))
        .basic_auth(&id, Some(&secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("orgId", "another-org"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    // Errors under /csp/ are in CSP's shape, never the envelope, and never echo a credential.
    let resp = app
        .http
        .put(app.at(CLIENT_CREDENTIALS))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 405);
    let body: Value = resp.json().await.expect("json");
    assert!(
        body["message"].is_string() && body.get("status").is_none(),
        "{body}"
    );
    let resp = app
        .http
        .post(app.at(API_TOKENS))
        .form(&[("api_token", "definitely-not-valid")])
        .send()
        .await
        .expect("send");
    let text = resp.text().await.expect("text");
    assert!(!text.contains("definitely-not-valid"));
    // Discovery and the published keys name CREST_PUBLIC_URL.
    let config: Value = app
        .http
        .get(app.at("/csp/gateway/am/api/.well-known/openid-configuration"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(config["issuer"], format!("{}/csp/gateway/am", app.url));
    let jwks: Value = app
        .http
        .get(app.at("/csp/gateway/am/api/auth/token-public-key?format=jwks"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(jwks["keys"][0]["kty"], "RSA");
}

#[tokio::test]
async fn a_key_rotation_under_load_fails_no_request() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const LOAD: usize = 4;
    let app = Arc::new(ready_app().await);
    let (id, secret) = new_app(&app, &["aoa:proxies"]).await;
    let old = access_token(&app, &id, &secret).await;
    // Requests with the old token answered so far, and whether the server has been seen to accept
    // the new key: the load runs from before the rotation until after that.
    let answered = Arc::new(AtomicUsize::new(0));
    let new_key_seen = Arc::new(AtomicBool::new(false));
    let started = Arc::new(tokio::sync::Barrier::new(LOAD + 1));
    let load: Vec<_> = (0..LOAD)
        .map(|_| {
            let (app, token) = (Arc::clone(&app), old.clone());
            let (answered, new_key_seen, started) = (
                Arc::clone(&answered),
                Arc::clone(&new_key_seen),
                Arc::clone(&started),
            );
            tokio::spawn(async move {
                let mut failures = 0;
                started.wait().await;
                loop {
                    // Read before the request: the last request starts after the new key is seen.
                    let last = new_key_seen.load(Ordering::SeqCst);
                    if status_with(&app, &token).await != StatusCode::OK {
                        failures += 1;
                    }
                    answered.fetch_add(1, Ordering::SeqCst);
                    if last {
                        return failures;
                    }
                }
            })
        })
        .collect();
    started.wait().await;
    let before_rotation = answered.load(Ordering::SeqCst);
    // Rotate from another handle on the store, as `crest admin signing-key rotate` does, and get a
    // token signed by the new key from an issuer on that handle.
    let store: Arc<dyn Store> = Arc::new(SqlStore::open(&app.config.store).await.expect("open"));
    let ring = KeyRing::new(store.clone(), Arc::new(SystemClock));
    let new_kid = ring.rotate().await.expect("rotate");
    let issuer = Issuer::new(
        store,
        Arc::new(SystemClock),
        Arc::new(OsRandom),
        ring,
        &app.url,
    );
    let fresh = issuer
        .exchange_client_credentials(&id, &secret, None)
        .await
        .expect("exchange");
    let header = jsonwebtoken::decode_header(&fresh.access_token).expect("header");
    assert_eq!(header.kid.as_deref(), Some(new_kid.as_str()));
    assert_eq!(
        status_with(&app, &fresh.access_token).await,
        StatusCode::OK,
        "the new key is found"
    );
    let until_new_key = answered.load(Ordering::SeqCst);
    new_key_seen.store(true, Ordering::SeqCst);
    assert!(
        until_new_key > before_rotation,
        "requests were answered while the key rotated ({before_rotation} before, {until_new_key} after)"
    );
    for task in load {
        assert_eq!(
            task.await.expect("task"),
            0,
            "no request failed during the rotation"
        );
    }
    assert_eq!(
        status_with(&app, &old).await,
        StatusCode::OK,
        "the old key still verifies"
    );
}

#[tokio::test]
async fn floods_of_failures_are_told_to_back_off_but_good_clients_are_served() {
    let app = ready_app().await;
    let (id, secret) = new_app(&app, &["aoa:proxies"]).await;
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..12 {
        let resp = app
            .http
            .post(app.at(CLIENT_CREDENTIALS))
            .basic_auth(&id, Some("wrong"))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .expect("send");
        statuses.push(resp.status().as_u16());
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = resp.headers().get("retry-after").cloned();
            let body: Value = resp.json().await.expect("json");
            assert!(body["message"].is_string() && body.get("status").is_none());
        }
    }
    assert!(
        statuses[..5].iter().all(|s| *s == 401),
        "fewer than 5 failures never lock out: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    let wait: u64 = retry_after
        .expect("Retry-After")
        .to_str()
        .expect("text")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait));
    // The right secret, from the same address, is still served.
    assert_eq!(exchange_app(&app, &id, &secret).await.0, StatusCode::OK);
}

/// An `aoa:proxies` app written straight to the store, as one made before a switch to the
/// original mode (which makes none) would be.
async fn app_made_before_the_switch(
    app: &TestApp,
) -> (
    crest_domain::csp::app::CspAppRecord,
    crest_domain::secret::RandomSecret,
) {
    let store = SqlStore::open(&app.config.store).await.expect("open");
    let made = crest_domain::csp::app::create(
        &store,
        &SystemClock,
        &OsRandom,
        &crest_domain::principal::Principal::operator(),
        crest_domain::csp::app::NewCspApp {
            name: "old".into(),
            description: String::new(),
            roles: vec!["aoa:proxies".into()],
            ttl_minutes: None,
        },
    )
    .await
    .expect("an app");
    store.close().await;
    made
}

#[tokio::test]
async fn subscription_modes_decide_which_tokens_work() {
    use crate::support::Backend;
    // Original: API tokens only; the exchanges are refused.
    let original = TestApp::spawn_with(Backend::Sqlite, |args| {
        args.subscription = Some("original".into());
    })
    .await
    .expect("SQLite");
    // (An app made before a switch to original; original makes none.)
    let (made, secret) = app_made_before_the_switch(&original).await;
    assert_eq!(
        exchange_app(&original, &made.id, secret.reveal()).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = call(&original, Method::POST, "/api/v2/apitoken", None).await;
    assert_eq!(status, 200, "users make API tokens");

    // Onboarded: users make no new API tokens (theirs still work); service accounts keep theirs;
    // access tokens work.
    let onboarded = TestApp::spawn_with(Backend::Sqlite, |args| {
        args.subscription = Some("onboarded".into());
    })
    .await
    .expect("SQLite");
    let (status, _) = call(&onboarded, Method::POST, "/api/v2/apitoken", None).await;
    assert_eq!(status, 403, "no API Tokens permission for users");
    assert_eq!(
        status_with(&onboarded, &onboarded.admin_token).await,
        StatusCode::OK
    );
    call(
        &onboarded,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(json!({"identifier": "sa::proxy", "groups": ["agent_management"]})),
    )
    .await;
    let (_, tokens) = call(
        &onboarded,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::proxy",
        None,
    )
    .await;
    let sa_token = tokens["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    assert_eq!(status_with(&onboarded, &sa_token).await, StatusCode::OK);
    let (id, secret) = new_app(&onboarded, &["aoa:proxies"]).await;
    let access = access_token(&onboarded, &id, &secret).await;
    assert_eq!(status_with(&onboarded, &access).await, StatusCode::OK);
}

/// Runs `crest admin …` against a data directory; its one JSON answer.
fn admin(data: &std::path::Path, args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_crest"))
        .arg("admin")
        .args(args)
        .env_clear()
        .env("CREST_DATA_DIR", data)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

#[tokio::test]
async fn two_processes_the_identity_service_and_an_api_that_trusts_it() {
    use crate::process::Proc;
    let dir = tempfile::tempdir().expect("temp dir");
    let (idp_data, api_data) = (dir.path().join("idp"), dir.path().join("api"));
    let token = crate::support::new_token();
    let bootstrap = [
        ("CREST_BOOTSTRAP_ADMIN", ADMIN),
        ("CREST_BOOTSTRAP_TOKEN", token.as_str()),
    ];
    let idp = Proc::start(&idp_data, &bootstrap);
    let made = admin(
        &idp_data,
        &[
            "csp-app",
            "create",
            "--name",
            "ingest",
            "--role",
            "aoa:proxies",
        ],
    );
    let (id, secret, org) = (
        made["clientId"].as_str().expect("id").to_owned(),
        made["clientSecret"].as_str().expect("secret").to_owned(),
        made["orgId"].as_str().expect("org").to_owned(),
    );
    let member = admin(&idp_data, &["csp-token", "create", "--user", ADMIN]);
    let idp_url = idp.url.clone();
    let mut env = bootstrap.to_vec();
    env.extend([
        ("CREST_CSP_TRUSTED_URL", idp_url.as_str()),
        ("CREST_CSP_TRUSTED_ORG_ID", org.as_str()),
    ]);
    let api = Proc::start(&api_data, &env);

    let http = reqwest::Client::new();
    let exchange = |url: String| {
        http.post(format!("{url}{CLIENT_CREDENTIALS}"))
            .basic_auth(&id, Some(&secret))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    let body: Value = exchange(idp.url.clone())
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let access = body["access_token"].as_str().expect("token").to_owned();
    let on_api = |token: String| {
        http.get(format!("{}/api/v2/cluster/info", api.url))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        on_api(access.clone()).await.expect("send").status(),
        StatusCode::OK,
        "the API trusts the identity service"
    );
    let resp = http
        .post(format!("{}/api/v2/account/serviceaccount", api.url))
        .bearer_auth(&access)
        .json(&json!({"identifier": "sa::x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "roles still decide");
    // A token without a service role, and the API instance's own tokens, are refused there.
    let body: Value = http
        .post(format!("{}{API_TOKENS}", idp.url))
        .form(&[("api_token", member["token"].as_str().expect("token"))])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let no_role = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(
        on_api(no_role).await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    let local = admin(
        &api_data,
        &["csp-app", "create", "--name", "local", "--role", "aoa:*"],
    );
    let body: Value = http
        .post(format!("{}{CLIENT_CREDENTIALS}", api.url))
        .basic_auth(
            local["clientId"].as_str().expect("id"),
            local["clientSecret"].as_str(),
        )
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let own = body["access_token"].as_str().expect("token").to_owned();
    assert_eq!(
        on_api(own).await.expect("send").status(),
        StatusCode::UNAUTHORIZED,
        "one issuer at a time"
    );
    api.kill_9();
    idp.kill_9();
}

#[tokio::test]
async fn oversized_exchanges_are_413_in_csps_shape_with_or_without_a_length() {
    use crate::support::Backend;
    let app = TestApp::spawn_with(Backend::Sqlite, |args| args.max_body_bytes = Some(1024))
        .await
        .expect("SQLite");
    let big = "a".repeat(4096);
    let declared = app
        .http
        .post(app.at(API_TOKENS))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("api_token={big}"))
        .send()
        .await
        .expect("send");
    assert_eq!(declared.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = declared.json().await.expect("json");
    assert!(
        body["message"].is_string() && body.get("status").is_none(),
        "{body}"
    );
    // Chunked: no Content-Length, so the limit is met while reading.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    let mut request = format!(
        "POST {API_TOKENS} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for chunk in format!("api_token={big}").as_bytes().chunks(512) {
        request.push_str(&format!(
            "{:x}\r\n{}\r\n",
            chunk.len(),
            String::from_utf8_lossy(chunk)
        ));
    }
    request.push_str("0\r\n\r\n");
    // The server may answer (and close) before it has read everything: ignore a failed write.
    let _ = socket.write_all(request.as_bytes()).await;
    let mut answer = String::new();
    let _ = socket.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.contains("\"message\"") && !answer.contains("\"status\":{"),
        "{answer}"
    );
}

/// Exchanges an organization API token; the access token's `perms`.
async fn perms_of_api_token(app: &TestApp, token: &str) -> Vec<String> {
    let resp = app
        .http
        .post(app.at(API_TOKENS))
        .form(&[("api_token", token)])
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.expect("json");
    let mut perms = claims_of(body["access_token"].as_str().expect("token")).perms;
    perms.sort();
    perms
}

/// An organization API token of `user`'s, made as `crest admin csp-token create` makes it.
async fn csp_token_of(app: &TestApp, user: &str, roles: &[&str]) -> String {
    let store = SqlStore::open(&app.config.store).await.expect("open");
    let (_, secret) = crest_domain::csp::api_token::create(
        &store,
        &SystemClock,
        &OsRandom,
        &crest_domain::principal::Principal::operator(),
        crest_domain::csp::api_token::NewCspToken {
            account: crest_domain::account::AccountId::parse(user).expect("id"),
            name: "t".into(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            ttl_minutes: None,
        },
    )
    .await
    .expect("a token");
    store.close().await;
    secret.reveal().to_owned()
}

#[tokio::test]
async fn an_api_tokens_organization_role_follows_its_scope_not_its_owner() {
    use crate::support::Backend;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let app = TestApp::spawn_with(Backend::Sqlite, |args| args.data_dir = Some(data.clone()))
        .await
        .expect("SQLite");
    // The CLI without --role: the Member role and no service role, though the owner is the
    // organization's Owner.
    let made = admin(&data, &["csp-token", "create", "--user", ADMIN]);
    let token = made["token"].as_str().expect("token");
    assert_eq!(
        perms_of_api_token(&app, token).await,
        vec!["csp:org_member"]
    );

    // The Owner's tokens: Owner only with every role, Administrator with aoa:admin.
    for (roles, org_role) in [
        (vec!["aoa:proxies"], "csp:org_member"),
        (vec!["aoa:admin", "aoa:proxies"], "csp:org_admin"),
        (vec!["aoa:*"], "csp:org_owner"),
        (vec!["aoa:superAdmin"], "csp:org_owner"),
    ] {
        let perms = perms_of_api_token(&app, &csp_token_of(&app, ADMIN, &roles).await).await;
        let org: Vec<_> = perms.iter().filter(|p| p.starts_with("csp:")).collect();
        assert_eq!(org, vec![org_role], "{roles:?}: {perms:?}");
    }

    // An Administrator's tokens: with aoa:admin an Administrator's, never an Owner's, even
    // an aoa:* token (as one made while its user was a Super Admin would be); a scope without
    // aoa:admin is a Member's.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "adm@example.com", "groups": ["user_management"], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let perms = perms_of_api_token(
        &app,
        &csp_token_of(&app, "adm@example.com", &["aoa:admin"]).await,
    )
    .await;
    assert_eq!(perms, vec!["aoa:admin", "csp:org_admin"]);
    let store = SqlStore::open(&app.config.store).await.expect("open");
    let secret = crest_domain::secret::RandomSecret::generate(&OsRandom).expect("secret");
    store
        .create_csp_token(&crest_domain::csp::api_token::CspTokenRecord {
            id: uuid::Uuid::new_v4().to_string(),
            account: crest_domain::account::AccountId::parse("adm@example.com").expect("id"),
            name: "from when they were a Super Admin".into(),
            roles: vec!["aoa:*".into()],
            digest: secret.digest(),
            created_ms: chrono_now() * 1000,
            expires_ms: None,
            revoked: false,
        })
        .await
        .expect("stored");
    store.close().await;
    let perms = perms_of_api_token(&app, secret.reveal()).await;
    assert!(perms.contains(&"csp:org_admin".to_owned()), "{perms:?}");
    assert!(
        !perms
            .iter()
            .any(|p| p == "csp:org_owner" || p == "aoa:superAdmin"),
        "{perms:?}"
    );
    let perms = perms_of_api_token(
        &app,
        &csp_token_of(&app, "adm@example.com", &["aoa:viewer"]).await,
    )
    .await;
    assert_eq!(perms, vec!["aoa:viewer", "csp:org_member"]);
    // A token whose user has since lost Accounts is a Member's, whatever its scope said.
    let token = csp_token_of(&app, "adm@example.com", &["aoa:admin"]).await;
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/adm@example.com",
        Some(json!({"identifier": "adm@example.com", "groups": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let perms = perms_of_api_token(&app, &token).await;
    assert_eq!(perms, vec!["csp:org_member"]);
}

/// A raw form exchange: the status and the CSP error body (or the token answer).
async fn post_form(
    app: &TestApp,
    path_and_query: &str,
    basic: Option<(&str, &str)>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = app
        .http
        .post(app.at(path_and_query))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned());
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    let resp = req.send().await.expect("send");
    let status = resp.status();
    (status, resp.json().await.expect("json"))
}

#[tokio::test]
async fn a_parameter_sent_twice_is_an_invalid_request_at_both_token_endpoints() {
    let app = ready_app().await;
    let token = csp_token_of(&app, ADMIN, &["aoa:proxies"]).await;
    let (id, secret) = new_app(&app, &["aoa:proxies"]).await;
    let org = claims_of(&access_token(&app, &id, &secret).await).context_name;
    let refused = |status: StatusCode, body: &Value, what: &str| {
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {body}");
        assert_eq!(body["error"], "invalid_request", "{what}: {body}");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("more than once")),
            "{what}: {body}"
        );
        let text = body.to_string();
        assert!(
            !text.contains(&token) && !text.contains(&secret),
            "{what}: no credential is echoed"
        );
    };

    // The API-token exchange: every parameter, twice in the body.
    let good = format!("grant_type=api_token&api_token={token}&passcode=");
    assert_eq!(
        post_form(&app, API_TOKENS, None, &good).await.0,
        StatusCode::OK
    );
    for name in ["api_token", "refresh_token", "grant_type", "passcode"] {
        let value = match name {
            "grant_type" => "api_token",
            "passcode" => "",
            _ => token.as_str(),
        };
        let body = format!("{good}&{name}={value}&{name}={value}");
        let (status, answer) = post_form(&app, API_TOKENS, None, &body).await;
        refused(status, &answer, name);
        assert!(answer["message"].as_str().expect("text").contains(name));
    }
    // In the body and the query, and twice in the query.
    let (status, answer) = post_form(
        &app,
        &format!("{API_TOKENS}?api_token={token}"),
        None,
        &format!("api_token={token}"),
    )
    .await;
    refused(status, &answer, "query and body");
    let (status, answer) = post_form(
        &app,
        &format!("{API_TOKENS}?refresh_token={token}&refresh_token=x"),
        None,
        "",
    )
    .await;
    refused(status, &answer, "twice in the query");

    // The client-credentials exchange: Basic, then the form fields, each repeated.
    let good = format!("grant_type=client_credentials&orgId={org}");
    assert_eq!(
        post_form(&app, CLIENT_CREDENTIALS, Some((&id, &secret)), &good)
            .await
            .0,
        StatusCode::OK
    );
    for name in ["grant_type", "orgId"] {
        let value = if name == "orgId" {
            org.as_str()
        } else {
            "client_credentials"
        };
        let (status, answer) = post_form(
            &app,
            CLIENT_CREDENTIALS,
            Some((&id, &secret)),
            &format!("{good}&{name}={value}"),
        )
        .await;
        refused(status, &answer, name);
    }
    let fields = format!("{good}&client_id={id}&client_secret={secret}");
    assert_eq!(
        post_form(&app, CLIENT_CREDENTIALS, None, &fields).await.0,
        StatusCode::OK
    );
    for (name, value) in [
        ("client_id", id.as_str()),
        ("client_secret", secret.as_str()),
    ] {
        let (status, answer) = post_form(
            &app,
            CLIENT_CREDENTIALS,
            None,
            &format!("{fields}&{name}={value}"),
        )
        .await;
        refused(status, &answer, name);
    }
    let (status, answer) = post_form(
        &app,
        &format!("{CLIENT_CREDENTIALS}?grant_type=client_credentials"),
        Some((&id, &secret)),
        "grant_type=client_credentials",
    )
    .await;
    refused(status, &answer, "grant_type in the query and the body");
    // The later docs' username/password form at /auth/token, too.
    let (status, answer) = post_form(
        &app,
        "/csp/gateway/am/api/auth/token",
        None,
        &format!("grant_type=client_credentials&username={id}&password={secret}&password={secret}"),
    )
    .await;
    refused(status, &answer, "password");
    // A repeated parameter of no known name is refused without naming it.
    let (status, answer) = post_form(
        &app,
        API_TOKENS,
        None,
        &format!("api_token={token}&zz-{token}=1&zz-{token}=2"),
    )
    .await;
    refused(status, &answer, "an unknown name");
}

#[tokio::test]
async fn the_2023_docs_username_and_password_are_the_apps_and_there_is_no_password_grant() {
    let app = ready_app().await;
    let (id, secret) = new_app(&app, &["aoa:events"]).await;
    // "with the client ID and client secret … as username and password".
    let (status, body) = post_form(
        &app,
        CLIENT_CREDENTIALS,
        None,
        &format!("grant_type=client_credentials&username={id}&password={secret}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        claims_of(body["access_token"].as_str().expect("token")).sub,
        id
    );
    let (status, body) = post_form(
        &app,
        CLIENT_CREDENTIALS,
        None,
        &format!("grant_type=client_credentials&username={id}&password=wrong"),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_client");
    // Both pairs at once is ambiguous.
    let (status, body) = post_form(
        &app,
        CLIENT_CREDENTIALS,
        None,
        &format!("grant_type=client_credentials&username={id}&password={secret}&client_id={id}&client_secret={secret}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_request");
    // A person's email and password are no grant: the answer names what is supported.
    for path in [CLIENT_CREDENTIALS, "/csp/gateway/am/api/auth/token"] {
        let (status, body) = post_form(
            &app,
            path,
            None,
            &format!("grant_type=password&username={ADMIN}&password=some-password"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"], "unsupported_grant_type");
        let message = body["message"].as_str().expect("message");
        assert!(
            message.contains("client_credentials") && message.contains("api-tokens/authorize"),
            "{message}"
        );
        assert!(!body.to_string().contains("some-password"));
    }
}

#[tokio::test]
async fn an_original_subscription_makes_no_organization_api_tokens_or_apps() {
    use crate::support::Backend;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let app = TestApp::spawn_with(Backend::Sqlite, |args| {
        args.subscription = Some("original".into());
        args.data_dir = Some(data.clone());
    })
    .await
    .expect("SQLite");
    let original = |status: u16, body: &Value, what: &str| {
        assert_eq!(status, 409, "{what}: {body}");
        assert!(
            body["status"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("original subscription")),
            "{what}: {body}"
        );
    };
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/crest/v1/csp/tokens",
        Some(json!({"name": "laptop", "roles": ["aoa:*"]})),
    )
    .await;
    original(status, &body, "a token");
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/crest/v1/csp/apps",
        Some(json!({"name": "ci", "roles": ["aoa:proxies"]})),
    )
    .await;
    original(status, &body, "an app");
    // Nothing was made; listing still works (to clean up after a switch from hybrid).
    let (status, body) = call(&app, Method::GET, "/api/crest/v1/csp/tokens", None).await;
    assert_eq!((status, body["response"].clone()), (200, json!([])));
    let (status, body) = call(&app, Method::GET, "/api/crest/v1/csp/apps", None).await;
    assert_eq!((status, body["response"].clone()), (200, json!([])));
    // An app made before the switch gets no new secret either.
    let (made, _) = app_made_before_the_switch(&app).await;
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/crest/v1/csp/apps/{}/secret", made.id),
        None,
    )
    .await;
    original(status, &body, "a new secret");

    // The CLI refuses too, saying why.
    for args in [
        vec!["csp-token", "create", "--user", ADMIN],
        vec!["csp-app", "create", "--name", "ci", "--role", "aoa:proxies"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_crest"))
            .arg("admin")
            .args(&args)
            .env_clear()
            .env("CREST_DATA_DIR", &data)
            .env("CREST_SUBSCRIPTION", "original")
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("original subscription"), "{err}");
    }

    // The web UI learns the mode from the session.
    let (status, body) = call(
        &app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": "ui@example.com", "groups": [], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        &app,
        Method::PUT,
        "/api/v2/account/user/ui@example.com",
        Some(json!({"identifier": "ui@example.com", "credential": "a-password-1"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let resp = app
        .http
        .post(app.at("/api/crest/v1/session"))
        .json(&json!({"email": "ui@example.com", "password": "a-password-1"}))
        .send()
        .await
        .expect("send");
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["response"]["subscription"], "original", "{body}");
}
