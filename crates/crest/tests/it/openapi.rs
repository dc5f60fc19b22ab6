//! The OpenAPI document and the documentation UI: every route is documented, under its official
//! operation name, every documented route is served, and the document is the committed
//! `docs/openapi.json`.

use reqwest::Method;
use serde_json::Value;

use crate::support::TestApp;

/// The real API's 386 operations (method, path and the published Python client's operation
/// name), copied from the reference's `api-operations.json` so that the tests need nothing outside
/// the repository.
const REFERENCE: &str = include_str!("fixtures/api-operations.json");

/// The committed copy of the document, diffed against the served one.
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");

/// How many of the real API's operations crest serves. A new endpoint raises it; a lower count
/// means an operation stopped being routed.
const SERVED_REAL_OPERATIONS: usize = 258;

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
    // Only a 404's body is read: a served stream (the ingestion spy) never ends.
    let fallback = status == 405
        || (status == 404 && {
            let body: Value = resp.json().await.unwrap_or(Value::Null);
            body["status"]["message"] == "no such resource"
        });
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
    let reference: Vec<Value> = serde_json::from_str(REFERENCE).expect("the fixture parses");
    assert_eq!(reference.len(), 386);
    let mut served = 0;
    for op in &reference {
        let (method, path) = (
            op["method"].as_str().expect("method"),
            op["path"].as_str().expect("path"),
        );
        let documented = &spec["paths"][path][method.to_lowercase()];
        if !routed(&app, method, path).await {
            assert!(
                documented.is_null(),
                "{method} {path} is documented but not served"
            );
            continue;
        }
        served += 1;
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
    assert_eq!(
        served, SERVED_REAL_OPERATIONS,
        "operations of the real API served (a new endpoint raises SERVED_REAL_OPERATIONS)"
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

/// The served document is `docs/openapi.json`, so a change to the API shows in review as a diff of
/// that file. Regenerate it with `cargo run -q -p crest -- openapi > docs/openapi.json`, or with
/// `CREST_UPDATE_OPENAPI=1 cargo test -p crest --test it openapi`.
#[tokio::test]
async fn the_served_document_is_the_committed_docs_openapi_json() {
    let app = TestApp::spawn().await;
    let served = spec(&app).await;
    app.stop().await;
    let printed = serde_json::to_value(crest_http::openapi()).expect("the document serializes");
    assert!(
        printed == served,
        "`crest openapi` prints what the server serves"
    );
    if std::env::var_os("CREST_UPDATE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&served).expect("serializes") + "\n";
        std::fs::write(COMMITTED, text).expect("write docs/openapi.json");
        return;
    }
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(COMMITTED).expect("docs/openapi.json is committed"),
    )
    .expect("docs/openapi.json parses");
    let mut differences = Vec::new();
    diff("", &committed, &served, &mut differences);
    assert!(
        differences.is_empty(),
        "docs/openapi.json differs from the served document in {} place(s):\n{}\n\
         If the change is intended, regenerate it: \
         CREST_UPDATE_OPENAPI=1 cargo test -p crest --test it openapi \
         (or cargo run -q -p crest -- openapi > docs/openapi.json), and commit it.",
        differences.len(),
        differences
            .iter()
            .take(20)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The places where `committed` and `served` differ, as JSON pointers with both values.
fn diff(at: &str, committed: &Value, served: &Value, out: &mut Vec<String>) {
    /// A value on one line, cut short: the pointer says where to look.
    fn brief(v: Option<&Value>) -> String {
        let text = v.map_or_else(|| "(absent)".to_owned(), Value::to_string);
        if text.chars().count() > 120 {
            format!("{}…", text.chars().take(120).collect::<String>())
        } else {
            text
        }
    }
    match (committed, served) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff(&here, x, y, out),
                    (x, y) => out.push(format!(
                        "  {here}: committed {}, served {}",
                        brief(x),
                        brief(y)
                    )),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{at}/{i}"), x, y, out);
            }
        }
        (a, b) if a != b => out.push(format!(
            "  {at}: committed {}, served {}",
            brief(Some(a)),
            brief(Some(b))
        )),
        _ => {}
    }
}
