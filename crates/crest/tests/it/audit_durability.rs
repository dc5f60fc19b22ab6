//! The audit trail survives a crash with the changes it records: the real binary, killed with
//! SIGKILL in the middle of 16-way concurrent deletes, restarted; every account that is gone has
//! its `deleteAccount` event, and every such event that says 200 names an account that is gone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crest_testkit::PgTestDb;
use serde_json::json;

use crate::process::Proc;
use crate::support::new_token;

/// Accounts per run, concurrent deleters, runs per backend.
const ACCOUNTS: usize = 64;
const WORKERS: usize = 16;
const RUNS: usize = 3;
/// How long the deletes may run before the kill, at most (the kill normally comes once a
/// quarter of them has been acknowledged).
const KILL_LIMIT: Duration = Duration::from_secs(30);

/// What one backend's runs added up to.
#[derive(Debug, Default)]
struct Tally {
    acknowledged: usize,
    gone: usize,
    delete_events: usize,
    mismatches: Vec<String>,
}

fn env<'a>(token: &'a str, database_url: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
    let mut env = vec![
        ("CREST_BOOTSTRAP_ADMIN", "admin@example.com"),
        ("CREST_BOOTSTRAP_TOKEN", token),
        ("RUST_LOG", "warn,crest=info"),
    ];
    if let Some(url) = database_url {
        env.push(("CREST_DATABASE_URL", url));
    }
    env
}

/// Every item of a paged crest listing.
async fn all_items(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    path: &str,
) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    loop {
        let page: serde_json::Value = http
            .get(format!("{url}{path}?offset={}&limit=1000", items.len()))
            .bearer_auth(token)
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let got = page["response"]["items"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let more = page["response"]["moreItems"].as_bool().unwrap_or(false);
        let empty = got.is_empty();
        items.extend(got);
        if !more || empty {
            return items;
        }
    }
}

async fn run(data: &std::path::Path, database_url: Option<&str>, run: usize, tally: &mut Tally) {
    let token = new_token();
    let server = Proc::start(data, &env(&token, database_url));
    let http = reqwest::Client::new();
    let ids: Vec<String> = (0..ACCOUNTS)
        .map(|i| format!("sa::crash-{run}-{i}"))
        .collect();
    for id in &ids {
        let status = http
            .post(format!("{}/api/v2/account/serviceaccount", server.url))
            .bearer_auth(&token)
            .json(&json!({"identifier": id}))
            .send()
            .await
            .expect("send")
            .status();
        assert_eq!(status, 200, "create {id}");
    }
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for w in 0..WORKERS {
        let mine: Vec<String> = ids.iter().skip(w).step_by(WORKERS).cloned().collect();
        let (http, url, token, acknowledged) = (
            http.clone(),
            server.url.clone(),
            token.clone(),
            acknowledged.clone(),
        );
        workers.push(tokio::spawn(async move {
            for id in mine {
                let path = format!("{url}/api/v2/account/{id}");
                match http.delete(path).bearer_auth(&token).send().await {
                    Ok(r) if r.status() == 200 => {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => panic!("delete {id}: {}", r.status()),
                    // The server is gone: the kill came.
                    Err(_) => return,
                }
            }
        }));
    }
    let started = tokio::time::Instant::now();
    while acknowledged.load(Ordering::SeqCst) < ACCOUNTS / 4 && started.elapsed() < KILL_LIMIT {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill_9();
    for w in workers {
        w.await.expect("a worker");
    }
    let acknowledged = acknowledged.load(Ordering::SeqCst);
    assert!(
        acknowledged < ACCOUNTS,
        "the kill came mid-way ({acknowledged} acknowledged)"
    );
    tally.acknowledged += acknowledged;

    let server = Proc::start(data, &env(&token, database_url));
    let existing: BTreeSet<String> = all_items(&http, &server.url, &token, "/api/v2/account")
        .await
        .iter()
        .filter_map(|a| a["identifier"].as_str().map(str::to_owned))
        .collect();
    let trail = all_items(&http, &server.url, &token, "/api/crest/v1/audit").await;
    server.kill_9();
    // Each deleted account's events, by the id their target names.
    let mut events: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for e in trail.iter().filter(|e| e["action"] == "deleteAccount") {
        let target = e["target"].as_str().unwrap_or_default();
        if let Some(id) = target.strip_prefix("id=")
            && ids.iter().any(|i| i == id)
        {
            events
                .entry(id.to_owned())
                .or_default()
                .push(e["outcome"].as_u64().unwrap_or_default());
        }
    }
    let gone: Vec<&String> = ids.iter().filter(|id| !existing.contains(*id)).collect();
    assert!(
        gone.len() >= acknowledged,
        "every acknowledged delete is durable"
    );
    tally.gone += gone.len();
    tally.delete_events += events.values().map(Vec::len).sum::<usize>();
    for id in &gone {
        if !events.get(*id).is_some_and(|o| o.contains(&200)) {
            tally
                .mismatches
                .push(format!("run {run}: {id} is gone without its event"));
        }
    }
    for (id, outcomes) in &events {
        if outcomes.contains(&200) && existing.contains(id) {
            tally
                .mismatches
                .push(format!("run {run}: {id} has a 200 event but exists"));
        }
        if outcomes.iter().filter(|o| **o == 200).count() > 1 {
            tally
                .mismatches
                .push(format!("run {run}: {id} has two 200 events"));
        }
    }
}

async fn runs(database_url: Option<&str>) -> Tally {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let mut tally = Tally::default();
    for r in 0..RUNS {
        run(&data, database_url, r, &mut tally).await;
    }
    eprintln!(
        "kill -9 during deletes ({}): {RUNS} runs, {} deletes acknowledged, {} accounts gone, \
         {} delete events, {} mismatches",
        if database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        tally.acknowledged,
        tally.gone,
        tally.delete_events,
        tally.mismatches.len()
    );
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_concurrent_deletes_loses_no_audit_event() {
    let sqlite = runs(None).await;
    assert!(sqlite.gone > 0);
    assert_eq!(sqlite.mismatches, Vec::<String>::new());
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let postgres = runs(Some(&db.url)).await;
    db.drop_db().await;
    assert!(postgres.gone > 0);
    assert_eq!(postgres.mismatches, Vec::<String>::new());
}
