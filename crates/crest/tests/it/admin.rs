//! `crest admin`: same configuration as `serve`, works beside it, one JSON object on stdout.

use std::process::Command;

use crate::process::Proc;

#[tokio::test]
async fn admin_status_works_beside_a_running_server() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let token = crate::support::new_token();
    let server = Proc::start(
        &data,
        &[
            ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
            ("CREST_BOOTSTRAP_TOKEN", &token),
        ],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_crest"))
        .args(["admin", "status"])
        .env_clear()
        .env("CREST_DATA_DIR", &data)
        .env("RUST_LOG", "debug")
        .output()
        .expect("runs");
    server.kill_9();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let value: serde_json::Value =
        serde_json::from_str(&stdout).expect("exactly one JSON document");
    assert!(value.is_object());
    assert_eq!(value["backend"], "sqlite");
    assert_eq!(value["accounts"], 1);
    assert!(!out.stderr.is_empty(), "logs go to stderr");
}

#[tokio::test]
async fn admin_audit_prints_the_trail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let token = crate::support::new_token();
    let server = Proc::start(
        &data,
        &[
            ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
            ("CREST_BOOTSTRAP_TOKEN", &token),
        ],
    );
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v2/account/serviceaccount", server.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"identifier": "sa::cli"}))
        .send()
        .await
        .expect("send");
    assert!(resp.status().is_success());
    let out = Command::new(env!("CARGO_BIN_EXE_crest"))
        .args(["admin", "audit", "--limit", "5"])
        .env_clear()
        .env("CREST_DATA_DIR", &data)
        .output()
        .expect("runs");
    server.kill_9();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(value["items"][0]["action"], "createServiceAccount");
    assert_eq!(value["items"][0]["actor"], "admin@example.com");
    assert_eq!(value["totalItems"], 1);
}
