//! The compatibility setting that makes tokens retrievable (`CREST_TOKEN_RETRIEVAL_KEY_FILE`).

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{Backend, TestApp, call, probe};

const KEY: &str = "8f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0\n";

fn token_ids(body: &Value) -> Vec<String> {
    body["response"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t["tokenID"].as_str().expect("tokenID").to_owned())
        .collect()
}

#[tokio::test]
async fn with_the_operators_key_listings_show_secrets_again() {
    let key_dir = tempfile::tempdir().expect("a temp dir");
    let key_file = key_dir.path().join("token.key");
    std::fs::write(&key_file, KEY).expect("write the key");
    let mut app = TestApp::spawn_with(Backend::Sqlite, |args| {
        args.token_retrieval_key_file = Some(key_file.clone());
    })
    .await
    .expect("SQLite");
    call(
        &app,
        Method::POST,
        "/api/v2/account/serviceaccount",
        Some(serde_json::json!({"identifier": "sa::ci"})),
    )
    .await;
    let (status, created) = call(
        &app,
        Method::POST,
        "/api/v2/apitoken/serviceaccount/sa::ci",
        None,
    )
    .await;
    assert_eq!(status, 200);
    let secret = token_ids(&created).pop().expect("the new token");
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);

    // Listed again later, the secret is what tokenID shows, as the original Copy icon had it.
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v2/apitoken/serviceaccount/sa::ci",
        None,
    )
    .await;
    assert_eq!(token_ids(&listed), vec![secret.clone()]);
    let (_, sa) = call(
        &app,
        Method::GET,
        "/api/v2/account/serviceaccount/sa::ci",
        None,
    )
    .await;
    assert_eq!(sa["response"]["tokens"][0]["tokenID"], secret.as_str());
    // The bootstrap token was never sealed: it keeps its public id.
    let (_, own) = call(&app, Method::GET, "/api/v2/apitoken", None).await;
    assert!(!token_ids(&own).contains(&app.admin_token));

    // At rest there is only the digest and the sealed copy, never the secret in clear.
    let token = app.admin_token.clone();
    app.restart_with_token(&token).await;
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v2/apitoken/serviceaccount/sa::ci",
        None,
    )
    .await;
    assert_eq!(
        token_ids(&listed),
        vec![secret.clone()],
        "the same key opens it after a restart"
    );
    if let Some(s) = app.server.take() {
        s.shutdown().await.expect("clean shutdown");
    }
    let crest_store::StoreLocation::Sqlite { data_dir } = &app.config.store else {
        panic!("SQLite")
    };
    // Every file under the data directory: the store's, and the time-series engine's in tsdb/.
    let mut files = Vec::new();
    let mut dirs = vec![data_dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut read = 0;
    for path in files {
        // SQLite removes its -wal and -shm files as the last connection closes, which may
        // happen while this loop runs: a file that is gone holds no secret.
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("read {}: {e}", path.display()),
        };
        read += 1;
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a secret in clear at rest in {}",
            path.display()
        );
    }
    assert!(read > 0, "the database file was read");

    // Without the key, the same tokens list by public id, and still authenticate.
    let mut config = app.config.clone();
    config.token_retrieval_key_file = None;
    let server = crest::server::start(&config, crate::support::deps())
        .await
        .expect("start");
    app.url = format!("http://{}", server.local_addr);
    app.server = Some(server);
    let (_, listed) = call(
        &app,
        Method::GET,
        "/api/v2/apitoken/serviceaccount/sa::ci",
        None,
    )
    .await;
    let shown = token_ids(&listed).pop().expect("one token");
    assert_ne!(shown, secret);
    assert!(uuid::Uuid::try_parse(&shown).is_ok());
    assert_eq!(probe(&app, &secret).await, StatusCode::OK);
    app.stop().await;
}

#[tokio::test]
async fn a_bad_key_stops_the_start() {
    let key_dir = tempfile::tempdir().expect("a temp dir");
    let key_file = key_dir.path().join("token.key");
    std::fs::write(&key_file, "not hex").expect("write");
    let data = tempfile::tempdir().expect("a temp dir");
    let mut args = crate::support::settings(data.path(), None);
    args.token_retrieval_key_file = Some(key_file);
    let config = crest::config::Config::resolve(args).expect("valid");
    let Err(err) = crest::server::start(&config, crate::support::deps()).await else {
        panic!("a bad key must stop the start");
    };
    assert!(
        format!("{err:#}").contains("token retrieval key"),
        "{err:#}"
    );
}
