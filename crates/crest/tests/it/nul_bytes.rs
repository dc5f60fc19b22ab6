//! U+0000 wherever a client can put one (names, descriptions, ids in paths, search values, the
//! sign-in email, a token exchange's form field) is a 400 that says so on SQLite and on
//! PostgreSQL alike, never a 500, and creates nothing.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::support::{Backend, TestApp};

/// One refusal the tester found: what is sent.
struct Case {
    what: &'static str,
    method: Method,
    path: &'static str,
    body: Option<serde_json::Value>,
    /// A form body instead of JSON.
    form: Option<&'static [(&'static str, &'static str)]>,
    /// Sent without a credential.
    anonymous: bool,
}

fn cases() -> Vec<Case> {
    let json_case = |what, method, path, body| Case {
        what,
        method,
        path,
        body: Some(body),
        form: None,
        anonymous: false,
    };
    vec![
        json_case(
            "a service account id",
            Method::POST,
            "/api/v2/account/serviceaccount",
            json!({"identifier": "sa::nul\u{0}id"}),
        ),
        json_case(
            "a description",
            Method::POST,
            "/api/v2/account/serviceaccount",
            json!({"identifier": "sa::nuldesc", "description": "a\u{0}b"}),
        ),
        json_case(
            "a role name",
            Method::POST,
            "/api/v2/role",
            json!({"name": "nul\u{0}role", "permissions": []}),
        ),
        json_case(
            "a group name",
            Method::POST,
            "/api/v2/usergroup",
            json!({"name": "nul\u{0}group", "roleIDs": []}),
        ),
        json_case(
            "a user's email",
            Method::POST,
            "/api/v2/account/user",
            json!({"emailAddress": "nul\u{0}@example.com", "groups": [], "userGroups": []}),
        ),
        json_case(
            "a source id",
            Method::POST,
            "/api/v2/source",
            json!({"id": "nul\u{0}source", "tags": {}}),
        ),
        json_case(
            "a search value",
            Method::POST,
            "/api/v2/search/account",
            json!({"query": [{"key": "identifier", "value": "a\u{0}", "matchingMethod": "CONTAINS"}]}),
        ),
        Case {
            what: "the sign-in email",
            method: Method::POST,
            path: "/api/crest/v1/session",
            body: Some(json!({"email": "nul\u{0}@example.com", "password": "whatever-it-is"})),
            form: None,
            anonymous: true,
        },
        Case {
            what: "an id in the path",
            method: Method::GET,
            path: "/api/v2/account/sa%3A%3Aa%00b",
            body: None,
            form: None,
            anonymous: false,
        },
        Case {
            what: "an id in the path of a change",
            method: Method::DELETE,
            path: "/api/v2/role/a%00b",
            body: None,
            form: None,
            anonymous: false,
        },
        Case {
            what: "a query value",
            method: Method::GET,
            path: "/api/v2/account?offset=0%00",
            body: None,
            form: None,
            anonymous: false,
        },
        Case {
            what: "a token exchange's form field",
            method: Method::POST,
            path: "/csp/gateway/am/api/auth/api-tokens/authorize",
            body: None,
            form: Some(&[("grant_type", "api_token"), ("api_token", "a\u{0}b")]),
            anonymous: true,
        },
    ]
}

async fn every_nul_is_a_400_on(app: &TestApp) {
    let before = app
        .admin(Method::GET, "/api/v2/account?limit=1")
        .send()
        .await
        .expect("send")
        .json::<serde_json::Value>()
        .await
        .expect("json")["response"]["totalItems"]
        .clone();
    for case in cases() {
        let mut request = if case.anonymous {
            app.http.request(case.method.clone(), app.at(case.path))
        } else {
            app.admin(case.method.clone(), case.path)
        };
        if let Some(body) = &case.body {
            request = request.json(body);
        }
        if let Some(form) = case.form {
            request = request.form(form);
        }
        let resp = request.send().await.expect("send");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        assert_eq!(status, StatusCode::BAD_REQUEST, "{}: {text}", case.what);
        assert!(
            text.contains("NUL"),
            "{}: the answer says why: {text}",
            case.what
        );
    }
    let (_, roles) = crate::support::call(app, Method::GET, "/api/v2/role?limit=1000", None).await;
    assert!(
        !roles.to_string().contains("nul"),
        "no role was created: {roles}"
    );
    let (_, groups) =
        crate::support::call(app, Method::GET, "/api/v2/usergroup?limit=1000", None).await;
    assert!(!groups.to_string().contains("nul"), "no group was created");
    let (_, accounts) = crate::support::call(app, Method::GET, "/api/v2/account", None).await;
    assert_eq!(
        accounts["response"]["totalItems"], before,
        "no account was created"
    );
    let (status, _) =
        crate::support::call(app, Method::GET, "/api/v2/source/nul%00source", None).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn nul_bytes_are_refused_alike_on_both_stores() {
    let sqlite = TestApp::spawn().await;
    every_nul_is_a_400_on(&sqlite).await;
    sqlite.stop().await;
    if let Some(pg) = TestApp::spawn_with(Backend::Postgres, |_| {}).await {
        every_nul_is_a_400_on(&pg).await;
        pg.stop().await;
    }
}
