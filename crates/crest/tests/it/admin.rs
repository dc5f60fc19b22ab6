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

/// `crest admin` on a data directory that holds no store fails with a clear message and
/// creates nothing; `crest serve` creates the store, and `crest admin` then works on it.
#[tokio::test]
async fn admin_refuses_a_data_directory_without_a_store_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mistyped = dir.path().join("crest-dat");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    for (data, command) in [
        (&mistyped, &["admin", "status"][..]),
        (&empty, &["admin", "audit"][..]),
        (
            &mistyped,
            &["admin", "csp-app", "create", "--name", "x"][..],
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_crest"))
            .args(command)
            .env_clear()
            .env("CREST_DATA_DIR", data)
            .output()
            .expect("runs");
        assert!(!out.status.success(), "{command:?} on {}", data.display());
        assert!(out.stdout.is_empty(), "no JSON on failure");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("no crest store at sqlite:") && stderr.contains("crest admin` never"),
            "{stderr}"
        );
    }
    assert!(!mistyped.exists(), "the mistyped directory was not created");
    assert_eq!(
        std::fs::read_dir(&empty).expect("read").count(),
        0,
        "nothing was created in the empty directory"
    );

    // The server creates the store on its first start; admin then finds it.
    let server = Proc::start(&empty, &[]);
    server.kill_9();
    let out = Command::new(env!("CARGO_BIN_EXE_crest"))
        .args(["admin", "status"])
        .env_clear()
        .env("CREST_DATA_DIR", &empty)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On PostgreSQL, `crest admin` does not migrate a database without crest's tables into a store.
#[tokio::test]
async fn admin_refuses_a_postgres_database_without_crest_tables() {
    let Some(db) = crest_testkit::PgTestDb::create().await else {
        return;
    };
    let out = Command::new(env!("CARGO_BIN_EXE_crest"))
        .args(["admin", "status"])
        .env_clear()
        .env("CREST_DATABASE_URL", &db.url)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // Still no store there: opening it as admin does is refused again (the marker table that
    // the first migration makes is absent).
    let location = crest_store::StoreLocation::Postgres {
        url: db.url.clone(),
    };
    let again = crest_store::SqlStore::open_existing(&location).await;
    // The same database is a store as soon as a server opens it.
    let served = crest_store::SqlStore::open(&location)
        .await
        .expect("serve creates");
    served.close().await;
    let found = crest_store::SqlStore::open_existing(&location).await;
    if let Ok(store) = &found {
        store.close().await;
    }
    db.drop_db().await;
    assert!(!out.status.success());
    assert!(stderr.contains("no crest store at postgres://"), "{stderr}");
    assert!(again.is_err(), "nothing was migrated into the database");
    assert!(found.is_ok(), "{:?}", found.err());
}

/// Points acknowledged by a server killed with SIGKILL (nothing cut into blocks, no shutdown work)
/// are all there after a restart, and `crest admin tsdb status` counts them beside the running
/// server without taking its files.
#[tokio::test]
async fn acknowledged_points_survive_kill_9_and_admin_tsdb_status_counts_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let token = crate::support::new_token();
    let env = [
        ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
        ("CREST_BOOTSTRAP_TOKEN", token.as_str()),
    ];
    let http = reqwest::Client::new();
    let server = Proc::start(&data, &env);
    let now_s = std::time::SystemTime::UNIX_EPOCH
        .elapsed()
        .expect("after 1970")
        .as_secs() as i64;
    let lines: String = (0..500)
        .map(|i| {
            format!(
                "durable.{} {i} {} source=h-{}\n",
                i % 5,
                now_s - 600 + i,
                i % 7
            )
        })
        .collect();
    let resp = http
        .post(format!("{}/report", server.url))
        .bearer_auth(&token)
        .body(lines)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 202);
    let status = |data: &std::path::Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_crest"))
            .args(["admin", "tsdb", "status"])
            .env_clear()
            .env("CREST_DATA_DIR", data)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("one JSON document")
    };
    let running = status(&data);
    assert_eq!(running["points"], 500, "{running}");
    assert_eq!(running["series"], 35, "{running}");
    assert_eq!(running["oldest"], (now_s - 600) * 1000, "{running}");
    assert_eq!(running["newest"], (now_s - 101) * 1000, "{running}");
    assert!(
        running["walBytes"].as_u64().expect("a size") > 0,
        "{running}"
    );
    server.kill_9();

    let server = Proc::start(&data, &env);
    for m in 0..5 {
        for h in 0..7 {
            let got: serde_json::Value = http
                .get(format!(
                    "{}/api/v2/chart/raw?metric=durable.{m}&source=h-{h}&startTime={}",
                    server.url,
                    (now_s - 700) * 1000
                ))
                .bearer_auth(&token)
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            let values: Vec<f64> = got[0]["points"]
                .as_array()
                .expect("points")
                .iter()
                .map(|p| p["value"].as_f64().expect("value"))
                .collect();
            let sent: Vec<f64> = (0..500)
                .filter(|i| i % 5 == m && i % 7 == h)
                .map(f64::from)
                .collect();
            assert_eq!(values, sent, "durable.{m} on h-{h}");
        }
    }
    server.kill_9();
}
