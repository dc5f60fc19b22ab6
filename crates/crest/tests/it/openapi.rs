//! The OpenAPI document and the documentation UI: every route is documented, under its official
//! operation name, and every documented route is served.

use reqwest::Method;
use serde_json::Value;

use crate::support::TestApp;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/api-operations.json"
);

/// `get_cluster_info` → `getClusterInfo`.
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|seg| if seg.starts_with('{') { "probe" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether the router has a route for this method and path (as opposed to the 404/405 fallbacks).
async fn routed(app: &TestApp, method: &str, path: &str) -> bool {
    let method = Method::from_bytes(method.as_bytes()).expect("a method");
    let resp = app
        .admin(method, &concrete(path))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    let fallback =
        (status == 404 && body["status"]["message"] == "no such resource") || status == 405;
    !fallback
}

async fn spec(app: &TestApp) -> Value {
    let resp = app
        .http
        .get(app.at("/api/v2/swagger.json"))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("JSON")
}

#[tokio::test]
async fn the_spec_and_the_documentation_ui_are_served_without_credentials() {
    let app = TestApp::spawn().await;
    let spec = spec(&app).await;
    assert!(spec["openapi"].is_string());
    assert_eq!(
        spec["paths"]["/api/v2/cluster/info"]["get"]["operationId"],
        "getClusterInfo"
    );
    assert!(spec["components"]["schemas"]["ResponseContainerClusterInfoDTO"].is_object());
    assert!(spec["components"]["schemas"]["PagedAccount"].is_object());
    let ui = app
        .http
        .get(app.at("/api-docs/ui/"))
        .send()
        .await
        .expect("send");
    assert_eq!(ui.status(), 200);
    let ct = ui
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(ct.contains("text/html"), "{ct}");
    assert!(ui.text().await.expect("body").contains("swagger"));
    app.stop().await;
}

#[tokio::test]
async fn every_served_operation_of_the_real_api_is_documented_under_its_official_name() {
    let app = TestApp::spawn().await;
    let spec = spec(&app).await;
    let reference: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(REFERENCE).expect("../shared/reference beside the project"),
    )
    .expect("the reference parses");
    assert_eq!(reference.len(), 386);
    let mut served = 0;
    for op in &reference {
        let (method, path) = (
            op["method"].as_str().expect("method"),
            op["path"].as_str().expect("path"),
        );
        if !routed(&app, method, path).await {
            continue;
        }
        served += 1;
        let documented = &spec["paths"][path][method.to_lowercase()];
        assert!(
            documented.is_object(),
            "{method} {path} is served but not documented"
        );
        let official = camel(op["operationId"].as_str().expect("operationId"));
        assert_eq!(
            documented["operationId"],
            official.as_str(),
            "{method} {path}"
        );
    }
    assert!(
        served >= 2,
        "at least getClusterInfo and getAllAccounts are served"
    );
    app.stop().await;
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::spawn().await;
    let spec = spec(&app).await;
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in item.as_object().expect("methods").keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                assert!(
                    routed(&app, &method.to_uppercase(), path).await,
                    "{method} {path}"
                );
            }
        }
    }
    app.stop().await;
}
