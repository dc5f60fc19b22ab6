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
