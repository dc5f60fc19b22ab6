//! Browser sessions: signing in, the cookie's flags, CSRF and origin checks on what a cookie
//! authenticates (and not on Bearer requests), expiry, signing out, Super Admin mode, rate limits.

use std::sync::Arc;

use crest_domain::session::{ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{ADMIN, TestApp, assert_error_envelope, call, deps, json};

const PASSWORD: &str = "correct horse battery";
const EVIL: &str = "https://evil.example";

/// A signed-in browser: its cookie and the CSRF token the page was handed.
struct Browser {
    cookie: String,
    csrf: String,
}

/// Creates a user with a password and the API Tokens permission (as the administrator, with a
/// Bearer token).
async fn user_with_password(app: &TestApp, email: &str) {
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v2/account/user",
        Some(json!({"emailAddress": email, "groups": ["token_management"], "userGroups": []})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    set_password(app, email).await;
}

async fn set_password(app: &TestApp, email: &str) {
    let (status, body) = call(
        app,
        Method::PUT,
        &format!("/api/v2/account/user/{email}"),
        Some(json!({"identifier": email, "credential": PASSWORD})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn try_sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(app.at("/api/crest/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .expect("send")
}

async fn sign_in(app: &TestApp, email: &str) -> Browser {
    let response = try_sign_in(app, email, PASSWORD).await;
    let set_cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .expect("a cookie")
        .to_str()
        .expect("ascii")
        .to_owned();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    let cookie = set_cookie.split(';').next().expect("name=value").to_owned();
    Browser {
        cookie,
        csrf: body["response"]["csrfToken"]
            .as_str()
            .expect("csrf")
            .to_owned(),
    }
}

/// A request carrying the browser's cookie (and nothing else).
fn with_cookie(
    app: &TestApp,
    browser: &Browser,
    method: Method,
    path: &str,
) -> reqwest::RequestBuilder {
    app.http
        .request(method, app.at(path))
        .header(header::COOKIE, &browser.cookie)
}

/// A request as the browser's own page makes it: cookie, CSRF token, same origin.
fn from_page(
    app: &TestApp,
    browser: &Browser,
    method: Method,
    path: &str,
) -> reqwest::RequestBuilder {
    from_origin(app, browser, method, path, &app.url)
}

/// A request with the cookie and the right CSRF token, from a page at `origin`.
fn from_origin(
    app: &TestApp,
    browser: &Browser,
    method: Method,
    path: &str,
    origin: &str,
) -> reqwest::RequestBuilder {
    with_cookie(app, browser, method, path)
        .header("X-CSRF-Token", &browser.csrf)
        .header(header::ORIGIN, origin)
        .header("Sec-Fetch-Site", "same-origin")
}

async fn status(request: reqwest::RequestBuilder) -> u16 {
    request.send().await.expect("send").status().as_u16()
}

async fn session_of(app: &TestApp, browser: &Browser) -> (u16, Value) {
    json(
        with_cookie(app, browser, Method::GET, "/api/crest/v1/session")
            .send()
            .await
            .expect("send"),
    )
    .await
}

async fn set_super_admin_mode(app: &TestApp, browser: &Browser, enabled: bool) -> (u16, Value) {
    json(
        from_page(
            app,
            browser,
            Method::PUT,
            "/api/crest/v1/session/super-admin-mode",
        )
        .json(&json!({"enabled": enabled}))
        .send()
        .await
        .expect("send"),
    )
    .await
}

async fn own_token_count(app: &TestApp, browser: &Browser) -> usize {
    let (status, body) = json(
        with_cookie(app, browser, Method::GET, "/api/v2/apitoken")
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["response"].as_array().expect("a list").len()
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_and_the_session_reads_back() {
    let app = TestApp::spawn().await;
    user_with_password(&app, "kim@example.com").await;

    let response = try_sign_in(&app, "kim@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let cookie = headers[header::SET_COOKIE].to_str().expect("ascii");
    assert!(cookie.starts_with("crest_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(flag), "{flag} missing: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let csp = headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let (_, body) = json(response).await;
    let info = &body["response"];
    assert_eq!(info["identifier"], "kim@example.com");
    assert_eq!(info["superAdmin"], false);
    assert_eq!(info["idleTimeoutMillis"], IDLE_TIMEOUT_MS);

    let browser = sign_in(&app, "kim@example.com").await;
    let (status, again) = session_of(&app, &browser).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["response"]["csrfToken"], browser.csrf.as_str());
    // Each sign-in has its own secret and its own CSRF token.
    assert_ne!(again["response"]["csrfToken"], info["csrfToken"]);

    // Wrong password, unknown account, a service account: 401, no cookie.
    for (email, password) in [
        ("kim@example.com", "wrong horse battery"),
        ("nobody@example.com", PASSWORD),
        ("sa::bot", PASSWORD),
    ] {
        let response = try_sign_in(&app, email, password).await;
        assert!(response.headers().get(header::SET_COOKIE).is_none());
        let (status, body) = json(response).await;
        assert_eq!(status, 401, "{email}: {body}");
        assert_error_envelope(&body, 401);
    }
    // Without a session the session is a 401; so is an API token where a session is meant.
    let (status, _) = call(&app, Method::GET, "/api/crest/v1/session", None).await;
    assert_eq!(status, 401);
    let forged = Browser {
        cookie: format!("crest_session={}", "ab".repeat(32)),
        csrf: String::new(),
    };
    assert_eq!(session_of(&app, &forged).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn state_changing_cookie_requests_need_the_csrf_token_and_this_origin() {
    let app = TestApp::spawn().await;
    user_with_password(&app, "kim@example.com").await;
    let kim = sign_in(&app, "kim@example.com").await;
    let other = sign_in(&app, "kim@example.com").await;
    let path = "/api/v2/apitoken";
    let before = own_token_count(&app, &kim).await;

    let refused = [
        ("no token", with_cookie(&app, &kim, Method::POST, path)),
        (
            "a wrong token",
            with_cookie(&app, &kim, Method::POST, path).header("X-CSRF-Token", "0".repeat(64)),
        ),
        (
            "another session's token",
            with_cookie(&app, &kim, Method::POST, path).header("X-CSRF-Token", &other.csrf),
        ),
        (
            "the token in the query string",
            with_cookie(
                &app,
                &kim,
                Method::POST,
                &format!("{path}?csrfToken={}", kim.csrf),
            ),
        ),
        (
            "a cross-site form POST",
            with_cookie(&app, &kim, Method::POST, path)
                .header(header::ORIGIN, EVIL)
                .header("Sec-Fetch-Site", "cross-site")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body("tokenName=stolen"),
        ),
        (
            "a foreign Origin with the right token",
            from_origin(&app, &kim, Method::POST, path, EVIL),
        ),
        (
            "Origin: null",
            from_origin(&app, &kim, Method::POST, path, "null"),
        ),
        (
            "a second, foreign Origin",
            from_page(&app, &kim, Method::POST, path).header(header::ORIGIN, EVIL),
        ),
        (
            "Sec-Fetch-Site: cross-site with the right token",
            from_page(&app, &kim, Method::POST, path).header("Sec-Fetch-Site", "cross-site"),
        ),
        (
            "Sec-Fetch-Site: same-site with the right token",
            from_page(&app, &kim, Method::POST, path).header("Sec-Fetch-Site", "same-site"),
        ),
    ];
    for (what, request) in refused {
        let (status, body) = json(request.send().await.expect("send")).await;
        assert_eq!(status, 403, "{what}: {body}");
        assert_error_envelope(&body, 403);
        let message = body["status"]["message"].as_str().unwrap_or_default();
        assert!(
            ["X-CSRF-Token", "origin", "cross-site"]
                .iter()
                .any(|m| message.contains(m)),
            "{what} was refused for another reason: {message}"
        );
    }
    assert_eq!(
        own_token_count(&app, &kim).await,
        before,
        "nothing was created"
    );

    // The page's own request passes, and so does one without browser headers (a token is enough).
    assert_eq!(status(from_page(&app, &kim, Method::POST, path)).await, 200);
    assert_eq!(
        status(with_cookie(&app, &kim, Method::POST, path).header("X-CSRF-Token", &kim.csrf)).await,
        200
    );
    assert_eq!(own_token_count(&app, &kim).await, before + 2);

    // A Bearer-only request is unaffected by any of this, whatever its headers say.
    let bearer = app
        .admin(Method::POST, "/api/v2/apitoken")
        .header(header::ORIGIN, EVIL)
        .header("Sec-Fetch-Site", "cross-site");
    assert_eq!(status(bearer).await, 200);
    // And a Bearer token wins over a cookie sent alongside it (no CSRF check, the token's account).
    let (status_code, body) = json(
        app.admin(Method::GET, "/api/crest/v1/session")
            .header(header::COOKIE, &kim.cookie)
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status_code, 401, "a token is not a browser session: {body}");

    // Sign-in itself refuses a foreign origin (login CSRF).
    let (status_code, _) = json(
        app.http
            .post(app.at("/api/crest/v1/session"))
            .header(header::ORIGIN, EVIL)
            .json(&json!({"email": "kim@example.com", "password": PASSWORD}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(status_code, 403);
    app.stop().await;
}

#[tokio::test]
async fn sessions_end_when_idle_or_old_and_use_keeps_them_alive() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    user_with_password(&app, "kim@example.com").await;
    let idle = sign_in(&app, "kim@example.com").await;
    let busy = sign_in(&app, "kim@example.com").await;

    // Used every 20 minutes, a session lives on past the idle timeout...
    let step = 20 * 60 * 1000;
    let mut elapsed = 0;
    while elapsed + step < ABSOLUTE_TIMEOUT_MS {
        clock.advance(step);
        elapsed += step;
        assert_eq!(session_of(&app, &busy).await.0, 200, "at {elapsed} ms");
    }
    // ...but the unused one ended after 30 minutes.
    assert_eq!(session_of(&app, &idle).await.0, 401);
    // And none outlives 12 hours.
    clock.advance(ABSOLUTE_TIMEOUT_MS - elapsed);
    assert_eq!(session_of(&app, &busy).await.0, 401);

    // The idle boundary exactly: alive 1 ms before, gone at it.
    let fresh = sign_in(&app, "kim@example.com").await;
    clock.advance(IDLE_TIMEOUT_MS - 1);
    assert_eq!(session_of(&app, &fresh).await.0, 200);
    let touched = sign_in(&app, "kim@example.com").await;
    clock.advance(IDLE_TIMEOUT_MS);
    assert_eq!(session_of(&app, &touched).await.0, 401);

    // Expired sessions are forgotten by the sweep.
    let server = app.server.as_ref().expect("running");
    let removed = crest_auth::session::Sessions::new(
        server.store.clone(),
        Arc::new(clock.clone()),
        Arc::new(crest_domain::random::OsRandom),
    )
    .purge_expired()
    .await
    .expect("purge");
    assert_eq!(removed, 4);
    app.stop().await;
}

#[tokio::test]
async fn signing_out_here_everywhere_or_by_a_super_admin() {
    let app = TestApp::spawn().await;
    user_with_password(&app, "kim@example.com").await;
    let laptop = sign_in(&app, "kim@example.com").await;
    let phone = sign_in(&app, "kim@example.com").await;

    // Signing out needs the CSRF token too.
    assert_eq!(
        status(with_cookie(
            &app,
            &laptop,
            Method::DELETE,
            "/api/crest/v1/session"
        ))
        .await,
        403
    );
    let response = from_page(&app, &laptop, Method::DELETE, "/api/crest/v1/session")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let cleared = response.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(session_of(&app, &laptop).await.0, 401);
    assert_eq!(
        session_of(&app, &phone).await.0,
        200,
        "the other session lives on"
    );

    let desk = sign_in(&app, "kim@example.com").await;
    assert_eq!(
        status(from_page(
            &app,
            &phone,
            Method::POST,
            "/api/crest/v1/session/sign-out-everywhere"
        ))
        .await,
        200
    );
    assert_eq!(session_of(&app, &phone).await.0, 401);
    assert_eq!(session_of(&app, &desk).await.0, 401);

    // A Super Admin's forced logout ends them; so does deleting the account.
    let again = sign_in(&app, "kim@example.com").await;
    let (code, body) = call(&app, Method::POST, "/api/logout/kim@example.com", None).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(session_of(&app, &again).await.0, 401);
    let last = sign_in(&app, "kim@example.com").await;
    let (code, body) = call(
        &app,
        Method::DELETE,
        "/api/v2/account/kim@example.com",
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(session_of(&app, &last).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn a_new_password_signs_out_every_other_session() {
    let app = TestApp::spawn().await;
    user_with_password(&app, "kim@example.com").await;
    let laptop = sign_in(&app, "kim@example.com").await;
    let phone = sign_in(&app, "kim@example.com").await;
    let (code, body) = json(
        from_page(&app, &laptop, Method::POST, "/api/crest/v1/password")
            .json(&json!({"currentPassword": PASSWORD, "newPassword": "a much newer secret"}))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(
        session_of(&app, &laptop).await.0,
        200,
        "the session that changed it"
    );
    assert_eq!(session_of(&app, &phone).await.0, 401);

    // An administrator's reset signs the user out everywhere.
    set_password(&app, "kim@example.com").await;
    assert_eq!(session_of(&app, &laptop).await.0, 401);
    app.stop().await;
}

#[tokio::test]
async fn super_admin_powers_need_super_admin_mode_in_a_session() {
    let app = TestApp::spawn().await;
    set_password(&app, ADMIN).await;
    user_with_password(&app, "kim@example.com").await;
    let admin = sign_in(&app, ADMIN).await;
    let kim = sign_in(&app, "kim@example.com").await;
    let (_, info) = session_of(&app, &admin).await;
    assert_eq!(info["response"]["superAdmin"], true);
    assert_eq!(info["response"]["superAdminMode"], false);

    let logout_kim = "/api/logout/kim@example.com";
    assert_eq!(
        status(from_page(&app, &admin, Method::POST, logout_kim)).await,
        403
    );
    assert_eq!(session_of(&app, &kim).await.0, 200);
    let (code, body) = set_super_admin_mode(&app, &admin, true).await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["response"]["superAdminMode"], true);
    assert_eq!(
        status(from_page(&app, &admin, Method::POST, logout_kim)).await,
        200
    );
    assert_eq!(session_of(&app, &kim).await.0, 401);

    // Someone who is not a Super Admin cannot switch the mode on.
    let kim = sign_in(&app, "kim@example.com").await;
    let (code, body) = set_super_admin_mode(&app, &kim, true).await;
    assert_eq!(code, 403, "{body}");
    assert_eq!(
        session_of(&app, &kim).await.1["response"]["superAdminMode"],
        false
    );
    app.stop().await;
}

#[tokio::test]
async fn failed_sign_ins_are_rate_limited_until_the_window_ends() {
    let (app, clock) = TestApp::spawn_with_clock().await;
    user_with_password(&app, "kim@example.com").await;
    user_with_password(&app, "lee@example.com").await;
    for _ in 0..5 {
        assert_eq!(
            try_sign_in(&app, "kim@example.com", "guess").await.status(),
            401
        );
    }
    // Over the budget even the right password is not checked.
    let response = try_sign_in(&app, "kim@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=15 * 60).contains(&wait), "{wait}");
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    // Every attempt is in the audit trail: five checked and refused, one throttled.
    let (_, audit) = call(&app, Method::GET, "/api/crest/v1/audit?limit=100", None).await;
    let outcomes: Vec<u64> = audit["response"]["items"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["action"] == "signIn" && e["target"] == "kim@example.com")
        .filter_map(|e| e["outcome"].as_u64())
        .collect();
    assert_eq!(outcomes, [429, 401, 401, 401, 401, 401], "newest first");
    // Another account from the same address is not locked out.
    sign_in(&app, "lee@example.com").await;
    clock.advance(15 * 60 * 1000);
    sign_in(&app, "kim@example.com").await;
    app.stop().await;
}

#[tokio::test]
async fn the_bootstrap_password_signs_the_administrator_in() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let args = crate::support::settings(dir.path(), None);
    let config = crest::config::Config::resolve(crest::config::Settings {
        bootstrap_password: Some(PASSWORD.into()),
        ..args.clone()
    })
    .expect("valid");
    let server = crest::server::start(&config, deps()).await.expect("start");
    let url = format!("http://{}", server.local_addr);
    let http = reqwest::Client::new();
    let sign_in = |password: &'static str| {
        http.post(format!("{url}/api/crest/v1/session"))
            .json(&json!({"email": ADMIN, "password": password}))
            .send()
    };
    assert_eq!(
        sign_in(PASSWORD).await.expect("send").status(),
        StatusCode::OK
    );
    assert_eq!(
        sign_in("not the password").await.expect("send").status(),
        StatusCode::UNAUTHORIZED
    );
    server.shutdown().await.expect("shutdown");

    // Too short a password stops the start, with a message.
    let config = crest::config::Config::resolve(crest::config::Settings {
        bootstrap_password: Some("short".into()),
        bootstrap_token: Some(crate::support::new_token()),
        ..args
    })
    .expect("valid");
    let Err(error) = crest::server::start(&config, deps()).await else {
        panic!("a short bootstrap password was accepted");
    };
    assert!(
        format!("{error:#}").contains("CREST_BOOTSTRAP_PASSWORD"),
        "{error:#}"
    );
}
