//! Several instances, one PostgreSQL database: a revocation through one is refused by the other
//! within the token cache's second, and a cloud integration or an account made through one is
//! listed by the other within its list cache's second. The second instance's clock is a manual
//! one, so the tests move time instead of waiting.

use std::sync::Arc;

use crest::config::{Config, Settings};
use crest::server::{Dependencies, RunningServer, start};
use crest_auth::cache::TOKEN_CACHE_TTL_MS;
use crest_domain::clock::{Clock, ManualClock, SystemClock};
use crest_domain::random::OsRandom;
use crest_testkit::PgTestDb;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::{ADMIN, new_token};

/// Two instances on one fresh PostgreSQL database; the second runs on a manual clock.
struct Pair {
    db: PgTestDb,
    _dir: tempfile::TempDir,
    admin: String,
    a: RunningServer,
    b: RunningServer,
    b_clock: ManualClock,
}

impl Pair {
    /// `None` when no PostgreSQL server answers (outside CI).
    async fn start() -> Option<Self> {
        let db = PgTestDb::create().await?;
        let dir = tempfile::tempdir().expect("temp dir");
        let admin = new_token();
        let args = Settings {
            listen: Some("127.0.0.1:0".into()),
            data_dir: Some(dir.path().to_path_buf()),
            database_url: Some(db.url.clone()),
            bootstrap_admin: Some(ADMIN.into()),
            bootstrap_token: Some(admin.clone()),
            ..Settings::default()
        };
        let config = Config::resolve(args).expect("valid");
        let a = start(&config, crate::support::deps())
            .await
            .expect("instance a");
        let b_clock = ManualClock::new(SystemClock.now_millis());
        // Each instance keeps its own time-series engine (its own files under its own data
        // directory); the metadata is the shared PostgreSQL database.
        let b_config = Config {
            tsdb_dir: dir.path().join("b").join("tsdb"),
            ..config.clone()
        };
        let b = start(
            &b_config,
            Dependencies {
                clock: Arc::new(b_clock.clone()),
                random: Arc::new(OsRandom),
                ..crate::support::deps()
            },
        )
        .await
        .expect("instance b");
        Some(Self {
            db,
            _dir: dir,
            admin,
            a,
            b,
            b_clock,
        })
    }
}

#[tokio::test]
async fn a_revocation_through_one_instance_holds_on_another_within_a_second() {
    let Some(Pair {
        db,
        _dir,
        admin,
        a,
        b,
        b_clock,
    }) = Pair::start().await
    else {
        return;
    };
    let (url_a, url_b) = (
        format!("http://{}", a.local_addr),
        format!("http://{}", b.local_addr),
    );
    let http = reqwest::Client::new();

    let resp = http
        .post(format!("{url_a}/api/v2/account/serviceaccount"))
        .bearer_auth(&admin)
        .json(&json!({"identifier": "sa::shared"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: serde_json::Value = http
        .post(format!("{url_a}/api/v2/apitoken/serviceaccount/sa::shared"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let secret = body["response"][0]["tokenID"]
        .as_str()
        .expect("secret")
        .to_owned();
    let probe = |url: String| {
        let (http, secret) = (http.clone(), secret.clone());
        async move {
            http.get(format!("{url}/api/v2/cluster/info"))
                .bearer_auth(secret)
                .send()
                .await
                .expect("send")
                .status()
        }
    };
    assert_eq!(
        probe(url_b.clone()).await,
        StatusCode::OK,
        "b knows the token (and caches it)"
    );

    let resp = http
        .delete(format!(
            "{url_a}/api/v2/apitoken/serviceaccount/sa::shared/{secret}"
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        probe(url_a.clone()).await,
        StatusCode::UNAUTHORIZED,
        "at once on a"
    );
    b_clock.advance(TOKEN_CACHE_TTL_MS);
    assert_eq!(
        probe(url_b.clone()).await,
        StatusCode::UNAUTHORIZED,
        "within a second on b"
    );

    a.shutdown().await.expect("a stops");
    b.shutdown().await.expect("b stops");
    db.drop_db().await;
}

/// The cloud integrations' list is cached for a second: what one instance writes shows on the
/// other within it, and at once on the instance that wrote it.
#[tokio::test]
async fn a_cloud_integration_made_through_one_instance_is_listed_by_another_within_a_second() {
    let Some(Pair {
        db,
        _dir,
        admin,
        a,
        b,
        b_clock,
    }) = Pair::start().await
    else {
        return;
    };
    let http = reqwest::Client::new();
    let count = |addr| listed(&http, addr, "/api/v2/cloudintegration", &admin);
    assert_eq!(count(b.local_addr).await, 0);
    let resp = http
        .post(format!("http://{}/api/v2/cloudintegration", a.local_addr))
        .bearer_auth(&admin)
        .json(&json!({"name": "shared", "service": "NEWRELIC", "newRelic": {"apiKey": "k"}}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(count(a.local_addr).await, 1, "at once on a");
    assert_eq!(count(b.local_addr).await, 0, "b's list is cached");
    b_clock.advance(crest_domain::resource_cache::LIST_CACHE_TTL_MS);
    assert_eq!(count(b.local_addr).await, 1, "within a second on b");

    a.shutdown().await.expect("a stops");
    b.shutdown().await.expect("b stops");
    db.drop_db().await;
}

/// Pages of the account list are cached for a second: an account made through one instance is
/// listed at once by that instance, and by the other within the second.
#[tokio::test]
async fn an_account_made_through_one_instance_is_listed_by_another_within_a_second() {
    let Some(Pair {
        db,
        _dir,
        admin,
        a,
        b,
        b_clock,
    }) = Pair::start().await
    else {
        return;
    };
    let http = reqwest::Client::new();
    let total = |addr| listed(&http, addr, "/api/v2/account?limit=100", &admin);
    let before = total(b.local_addr).await;
    assert_eq!(total(a.local_addr).await, before);
    let resp = http
        .post(format!(
            "http://{}/api/v2/account/serviceaccount",
            a.local_addr
        ))
        .bearer_auth(&admin)
        .json(&json!({"identifier": "sa::listed"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(total(a.local_addr).await, before + 1, "at once on a");
    assert_eq!(total(b.local_addr).await, before, "b's page is cached");
    b_clock.advance(crest_auth::cache::TOKEN_CACHE_TTL_MS);
    assert_eq!(
        total(b.local_addr).await,
        before + 1,
        "within a second on b"
    );

    a.shutdown().await.expect("a stops");
    b.shutdown().await.expect("b stops");
    db.drop_db().await;
}

/// How many items one instance's list at `path` holds.
async fn listed(
    http: &reqwest::Client,
    addr: std::net::SocketAddr,
    path: &str,
    token: &str,
) -> usize {
    let body: serde_json::Value = http
        .get(format!("http://{addr}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    body["response"]["items"].as_array().map_or(0, Vec::len)
}

/// Notifications handed over by either instance: their triggers.
#[derive(Debug, Default)]
struct Triggers(std::sync::Mutex<Vec<&'static str>>);

#[async_trait::async_trait]
impl crest_alert::Notifier for Triggers {
    async fn notify(&self, _targets: &str, outgoing: crest_alert::Outgoing) {
        self.0
            .lock()
            .expect("the triggers' lock")
            .push(outgoing.trigger.as_str());
    }
}

#[tokio::test]
async fn with_two_instances_each_alert_is_checked_once_per_period() {
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let admin = new_token();
    let config = Config::resolve(Settings {
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(db.url.clone()),
        bootstrap_admin: Some(ADMIN.into()),
        bootstrap_token: Some(admin.clone()),
        ..Settings::default()
    })
    .expect("valid");
    let told = Arc::new(Triggers::default());
    // both on the real clock, ticking twice a second: the lease alone keeps them apart
    let deps = || Dependencies {
        evaluate_every: std::time::Duration::from_millis(500),
        notifier: Some(told.clone()),
        ..crate::support::deps()
    };
    let a = start(&config, deps()).await.expect("instance a");
    let b_config = Config {
        tsdb_dir: dir.path().join("b").join("tsdb"),
        ..config.clone()
    };
    let b = start(&b_config, deps()).await.expect("instance b");
    let http = reqwest::Client::new();
    // the same points in each instance's own engine: ten minutes above the threshold
    let now_s = SystemClock.now_millis() / 1000;
    let lines: String = (1..=600)
        .step_by(10)
        .map(|ago| format!("twice.m 5 {} source=h1\n", now_s - ago))
        .collect();
    for server in [&a, &b] {
        let resp = http
            .post(format!("http://{}/report", server.local_addr))
            .bearer_auth(&admin)
            .body(lines.clone())
            .send()
            .await
            .expect("/report answers");
        assert_eq!(resp.status(), StatusCode::ACCEPTED);
    }
    let resp = http
        .post(format!("http://{}/api/v2/alert", a.local_addr))
        .bearer_auth(&admin)
        .json(
            &json!({"name": "twice", "condition": "ts(twice.m) > 1", "minutes": 2,
            "processRateMinutes": 1, "severity": "WARN", "target": "ops@example.com"}),
        )
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), StatusCode::OK);
    let mut rounds_a = a.alert_rounds.clone();
    let mut rounds_b = b.alert_rounds.clone();
    rounds_a
        .wait_for(|c| c.ticks >= 8)
        .await
        .expect("a's evaluator runs");
    rounds_b
        .wait_for(|c| c.ticks >= 8)
        .await
        .expect("b's evaluator runs");
    let (ca, cb) = (*rounds_a.borrow(), *rounds_b.borrow());
    // one instance holds the lease and runs the rounds; the other only ticks
    assert!(
        ca.rounds + cb.rounds <= ca.ticks.max(cb.ticks) + 1,
        "rounds ran on both: {ca:?} {cb:?}"
    );
    assert!(ca.rounds.min(cb.rounds) <= 1, "{ca:?} {cb:?}");
    assert_eq!(
        *told.0.lock().expect("the triggers' lock"),
        ["ALERT_OPENED"],
        "the alert fired once, told once"
    );
    a.shutdown().await.expect("a stops");
    b.shutdown().await.expect("b stops");
    drop(db);
}
