//! The real `crest` binary as an operator runs it: start-up, kill -9, SIGTERM, what reaches the log.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;

use crate::support::new_token;

/// How long a start-up may take before the test gives up (a bound, not a wait).
const START_LIMIT: Duration = Duration::from_secs(60);

/// A `crest serve` process and everything it wrote to stderr.
pub struct Proc {
    pub child: Child,
    pub url: String,
    pub log: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Proc {
    /// Starts `crest serve` on a free port with `data_dir` and extra environment; returns once it
    /// has logged that it serves (which it does only when ready).
    pub fn start(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_crest"));
        cmd.arg("serve")
            .env_clear()
            .env("CREST_LISTEN", "127.0.0.1:0")
            .env("CREST_DATA_DIR", data_dir)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("crest starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on ").nth(1) {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned();
                    let _ = tx.send(url);
                }
                let mut log = sink.lock().expect("log lock");
                log.push_str(&line);
                log.push('\n');
            }
        });
        let url = rx
            .recv_timeout(START_LIMIT)
            .unwrap_or_else(|_| panic!("crest did not start: {}", log.lock().expect("log lock")));
        Self {
            child,
            url,
            log,
            reader: Some(reader),
        }
    }

    /// Everything the process wrote, once it has exited and its stderr is read to the end.
    pub fn final_log(&mut self) -> String {
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the log reader");
        }
        self.log()
    }

    pub fn log(&self) -> String {
        self.log.lock().expect("log lock").clone()
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reaped");
    }
}

async fn status_with(url: &str, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{url}/api/v2/cluster/info"))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .status()
}

#[tokio::test]
async fn kill_9_right_after_an_acknowledged_bootstrap_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let mut tokens = Vec::new();
    for _ in 0..3 {
        let token = new_token();
        let p = Proc::start(
            &data,
            &[
                ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
                ("CREST_BOOTSTRAP_TOKEN", &token),
            ],
        );
        // Serving means the bootstrap write was acknowledged; kill at once.
        p.kill_9();
        tokens.push(token);
    }
    // Restart without any bootstrap settings: only what was committed can answer.
    let p = Proc::start(&data, &[]);
    let (last, earlier) = tokens.split_last().expect("three tokens");
    assert_eq!(status_with(&p.url, last).await, StatusCode::OK);
    for t in earlier {
        assert_eq!(
            status_with(&p.url, t).await,
            StatusCode::UNAUTHORIZED,
            "replaced tokens stay revoked"
        );
    }
    assert!(
        !p.log().contains("first start"),
        "a non-empty store is never bootstrapped again"
    );
    p.kill_9();
}

#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut p = Proc::start(&dir.path().join("data"), &[]);
    let pid = p.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    let status = p.child.wait().expect("exits");
    assert!(status.success(), "exit status {status}");
    assert!(p.final_log().contains("shutting down"));
}

#[tokio::test]
async fn a_first_start_shows_the_credentials_once_on_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let p = Proc::start(&data, &[]);
    let log = p.log();
    let token = log
        .split("API token: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the token is shown")
        .to_owned();
    assert!(log.contains("admin@localhost"));
    assert!(
        log.contains("Authorization: Bearer"),
        "says how to call the API"
    );
    assert_eq!(status_with(&p.url, &token).await, StatusCode::OK);
    p.kill_9();
    let again = Proc::start(&data, &[]);
    assert!(!again.log().contains(&token), "shown only once");
    assert_eq!(status_with(&again.url, &token).await, StatusCode::OK);
    again.kill_9();
}

#[tokio::test]
async fn no_credential_reaches_the_debug_log() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = new_token();
    let stranger = new_token();
    let p = Proc::start(
        &dir.path().join("data"),
        &[
            ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
            ("CREST_BOOTSTRAP_TOKEN", &token),
            ("RUST_LOG", "debug"),
        ],
    );
    let http = reqwest::Client::new();
    for t in [&token, &stranger] {
        let _ = http
            .get(format!("{}/api/v2/cluster/info", p.url))
            .bearer_auth(t)
            .send()
            .await;
        let _ = http
            .get(format!("{}/api/v2/account", p.url))
            .header("x-auth-token", t.as_str())
            .send()
            .await;
        let _ = http
            .post(format!("{}/api/daemon/test?token={t}", p.url))
            .send()
            .await;
        let _ = http
            .get(format!("{}/api/v2/no/{t}", p.url))
            .bearer_auth(t)
            .send()
            .await;
    }
    let log = p.log();
    p.kill_9();
    assert!(log.contains("DEBUG"), "the log is at debug level");
    assert!(
        log.contains("/api/v2/cluster/info"),
        "routes are logged by template"
    );
    assert!(!log.contains(&token) && !log.contains(&stranger), "{log}");
}

/// Creates and revokes tokens of one service account from two concurrent loops until the process
/// dies; returns what the server acknowledged (created secrets, revoked secrets) and the revocations
/// that were sent, acknowledged or not.
async fn churn(
    url: &str,
    admin: &str,
    sa: &str,
    kill_after: usize,
    p: Proc,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    use std::sync::Arc;
    use tokio::sync::Mutex;
    let http = reqwest::Client::new();
    let created = Arc::new(Mutex::new(Vec::<String>::new()));
    let revoked = Arc::new(Mutex::new(Vec::<String>::new()));
    let attempted = Arc::new(Mutex::new(Vec::<String>::new()));
    let base = format!("{url}/api/v2/apitoken/serviceaccount/{sa}");
    let creator = {
        let (http, base, admin, created) = (
            http.clone(),
            base.clone(),
            admin.to_owned(),
            created.clone(),
        );
        async move {
            for _ in 0..40 {
                let Ok(resp) = http
                    .post(&base)
                    .bearer_auth(&admin)
                    .json(&serde_json::json!({}))
                    .send()
                    .await
                else {
                    break;
                };
                if resp.status() != StatusCode::OK {
                    continue; // the 20-token limit: wait for the revoker
                }
                let Ok(body) = resp.json::<serde_json::Value>().await else {
                    break;
                };
                let secret = body["response"]
                    .as_array()
                    .and_then(|l| l.last())
                    .expect("new token")["tokenID"]
                    .as_str()
                    .expect("secret")
                    .to_owned();
                created.lock().await.push(secret);
            }
        }
    };
    let revoker = {
        let (http, base, admin, created, revoked, attempted) = (
            http.clone(),
            base.clone(),
            admin.to_owned(),
            created.clone(),
            revoked.clone(),
            attempted.clone(),
        );
        async move {
            let mut next = 0;
            // Bounded: the process is killed long before, and every request then fails.
            for _ in 0..1_000_000 {
                let target = created.lock().await.get(next).cloned();
                let Some(target) = target else {
                    tokio::task::yield_now().await;
                    continue;
                };
                // Revoke every other acknowledged token; until acknowledged, its state is unknown.
                next += 2;
                attempted.lock().await.push(target.clone());
                match http
                    .delete(format!("{base}/{target}"))
                    .bearer_auth(&admin)
                    .send()
                    .await
                {
                    Ok(r) if r.status() == StatusCode::OK => revoked.lock().await.push(target),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
        }
    };
    let killer = {
        let (created, revoked) = (created.clone(), revoked.clone());
        async move {
            // Bounded, so that a stalled churn still ends (and then fails its assertions).
            for _ in 0..10_000_000 {
                if created.lock().await.len() >= kill_after && revoked.lock().await.len() >= 2 {
                    break;
                }
                tokio::task::yield_now().await;
            }
            p.kill_9();
        }
    };
    tokio::join!(creator, revoker, killer);
    let c = created.lock().await.clone();
    let r = revoked.lock().await.clone();
    let a = attempted.lock().await.clone();
    (c, r, a)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_while_tokens_churn_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let admin = new_token();
    let env = [
        ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
        ("CREST_BOOTSTRAP_TOKEN", admin.as_str()),
    ];
    let mut all_created = Vec::new();
    let mut all_revoked = Vec::new();
    let mut all_attempted = Vec::new();
    for round in 0..2 {
        let p = Proc::start(&data, &env);
        let url = p.url.clone();
        let sa = format!("sa::churn-{round}");
        let resp = reqwest::Client::new()
            .post(format!("{url}/api/v2/account/serviceaccount"))
            .bearer_auth(&admin)
            .json(&serde_json::json!({"identifier": sa}))
            .send()
            .await
            .expect("send");
        assert_eq!(resp.status(), StatusCode::OK);
        let (created, revoked, attempted) = churn(&url, &admin, &sa, 8, p).await;
        assert!(created.len() >= 8, "the churn ran");
        all_created.extend(created);
        all_revoked.extend(revoked);
        all_attempted.extend(attempted);
    }
    let p = Proc::start(&data, &env);
    for secret in &all_created {
        let status = status_with(&p.url, secret).await;
        if all_revoked.contains(secret) {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "an acknowledged revocation holds"
            );
        } else if !all_attempted.contains(secret) {
            assert_eq!(status, StatusCode::OK, "an acknowledged token survives");
        }
    }
    assert!(
        !all_revoked.is_empty(),
        "some revocations were acknowledged"
    );
    p.kill_9();
}
