//! The API's wire conventions: the envelope on every error, paging, credentials, size limits.

use reqwest::{Method, StatusCode};

use crate::support::{Backend, TestApp, assert_error_envelope, json};

const PROBE: &str = "/api/v2/cluster/info";

#[tokio::test]
async fn cluster_info_answers_any_authenticated_caller_in_the_envelope() {
    let app = TestApp::spawn().await;
    let (status, body) = json(app.admin(Method::GET, PROBE).send().await.expect("send")).await;
    assert_eq!(status, 200);
    assert_eq!(
        body["status"],
        serde_json::json!({"result": "OK", "message": "", "code": 200})
    );
    assert_eq!(body["response"]["clusterAlias"], "crest");
    app.stop().await;
}

#[tokio::test]
async fn credentials_come_from_bearer_or_x_auth_token() {
    let app = TestApp::spawn().await;
    let t = app.admin_token.clone();
    for (name, value) in [
        ("x-auth-token", t.clone()),
        ("x-auth-token", format!("Bearer {t}")),
        ("authorization", format!("bearer {t}")),
        ("authorization", format!("Bearer {}", t.to_uppercase())),
    ] {
        let resp = app
            .http
            .get(app.at(PROBE))
            .header(name, value)
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
    }
    // Authorization wins when both are sent.
    let resp = app
        .http
        .get(app.at(PROBE))
        .bearer_auth(&t)
        .header("x-auth-token", "nope")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .http
        .get(app.at(PROBE))
        .bearer_auth("nope")
        .header("x-auth-token", &t)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    app.stop().await;
}

#[tokio::test]
async fn missing_unknown_and_malformed_credentials_are_401_in_the_envelope() {
    let app = TestApp::spawn().await;
    let long = format!("Bearer {}", "x".repeat(9000));
    let cases: Vec<Option<String>> = vec![
        None,
        Some("Bearer 0a1b2c3d-0000-4000-8000-000000000000".into()),
        Some("Bearer".into()),
        Some("Bearer ".into()),
        Some("Basic Zm9vOmJhcg==".into()),
        Some("bearer\tx".into()),
        Some(long),
    ];
    for header in cases {
        let mut req = app.http.get(app.at(PROBE));
        if let Some(h) = &header {
            req = req.header("authorization", h);
        }
        let resp = req.send().await.expect("send");
        let www = resp.headers().get("www-authenticate").cloned();
        let (status, body) = json(resp).await;
        assert_eq!(status, 401, "{header:?}");
        assert_error_envelope(&body, 401);
        assert_eq!(
            www.as_ref().map(|v| v.to_str().unwrap_or_default()),
            Some("Bearer")
        );
    }
    let resp = app
        .http
        .get(app.at("/healthz"))
        .send()
        .await
        .expect("still alive");
    assert_eq!(resp.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_in_the_envelope() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v2/no-such-resource",
        "/nothing-here",
        "/api/v2/cluster/info/extra",
    ] {
        let (status, body) = json(app.admin(Method::GET, path).send().await.expect("send")).await;
        assert_eq!(status, 404, "{path}");
        assert_error_envelope(&body, 404);
    }
    for method in [Method::DELETE, Method::PUT, Method::POST] {
        let (status, body) = json(app.admin(method, PROBE).send().await.expect("send")).await;
        assert_eq!(status, 405);
        assert_error_envelope(&body, 405);
    }
    app.stop().await;
}

#[tokio::test]
async fn paging_defaults_clamps_and_refuses() {
    let app = TestApp::spawn().await;
    let page = |q: &'static str| {
        app.admin(Method::GET, &format!("/api/v2/account{q}"))
            .send()
    };
    let (status, body) = json(page("").await.expect("send")).await;
    assert_eq!(status, 200);
    let r = &body["response"];
    assert_eq!(
        (r["offset"].as_u64(), r["limit"].as_u64()),
        (Some(0), Some(100))
    );
    assert_eq!(r["totalItems"], 1);
    assert_eq!(r["moreItems"], false);
    assert_eq!(r["items"][0]["identifier"], "admin@example.com");
    for field in [
        "groups",
        "roles",
        "userGroups",
        "unitedPermissions",
        "unitedRoles",
    ] {
        assert!(r["items"][0][field].is_array(), "{field} is always present");
    }

    let (_, body) = json(page("?limit=5000").await.expect("send")).await;
    assert_eq!(body["response"]["limit"], 1000);
    let (_, body) = json(page("?offset=1&limit=1").await.expect("send")).await;
    assert_eq!(body["response"]["items"], serde_json::json!([]));

    for bad in ["?limit=-1", "?limit=ten", "?offset=-3", "?offset=1.5"] {
        let (status, body) = json(page(bad).await.expect("send")).await;
        assert_eq!(status, 400, "{bad}");
        assert_error_envelope(&body, 400);
    }
    app.stop().await;
}

#[tokio::test]
async fn operations_without_a_body_ignore_whatever_is_sent() {
    let app = TestApp::spawn().await;
    let resp = app
        .admin(Method::GET, PROBE)
        .header("content-type", "text/plain")
        .body("null")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .http
        .post(app.at(&format!("/api/daemon/test?token={}", app.admin_token)))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_in_the_envelope() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.max_body_bytes = Some(1024))
        .await
        .expect("a server");
    let resp = app
        .admin(Method::POST, "/api/daemon/test")
        .header("content-type", "application/json")
        .body(vec![b' '; 4096])
        .send()
        .await;
    // The server may answer before it has read the body; either way nothing else is acceptable.
    if let Ok(resp) = resp {
        let (status, body) = json(resp).await;
        assert_eq!(status, 413);
        assert_error_envelope(&body, 413);
    }
    let resp = app
        .http
        .get(app.at("/healthz"))
        .send()
        .await
        .expect("still alive");
    assert_eq!(resp.status(), StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn daemon_test_needs_a_valid_token_with_the_proxies_permission() {
    let app = TestApp::spawn().await;
    for method in [Method::GET, Method::POST] {
        let ok = app
            .http
            .request(
                method.clone(),
                app.at(&format!("/api/daemon/test?token={}", app.admin_token)),
            )
            .send()
            .await
            .expect("send");
        assert_eq!(ok.status(), StatusCode::OK);
        for bad in [
            "?token=not-a-token",
            "?token=0a1b2c3d-0000-4000-8000-000000000000",
            "",
            "?token=",
        ] {
            let resp = app
                .http
                .request(method.clone(), app.at(&format!("/api/daemon/test{bad}")))
                .send()
                .await
                .expect("send");
            let (status, body) = json(resp).await;
            assert_eq!(status, 401, "{bad}");
            assert_error_envelope(&body, 401);
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn healthz_needs_no_credential() {
    let app = TestApp::spawn().await;
    let (status, body) = json(app.http.get(app.at("/healthz")).send().await.expect("send")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    app.stop().await;
}
