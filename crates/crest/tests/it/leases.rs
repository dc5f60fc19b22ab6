//! Work that must run once across instances runs on the instance that holds its lease: the trash
//! and session sweep, with three instances on one PostgreSQL database and one manual clock (the
//! lease's time; the sweep's period is shortened to a few milliseconds and its ticks are counted,
//! so the test waits for ticks, never for time); and the relay's durability barrier, with two
//! instances on one PostgreSQL database, one VictoriaMetrics and one JetStream stream (the
//! machine's NATS on 127.0.0.1:4222), the barrier every second.

use std::sync::Arc;
use std::time::Duration;

use crest::config::{Config, Settings};
use crest::points::Points;
use crest::server::{Dependencies, RunningServer, SWEEP_LEASE_PERIODS, SweepCounts, start};
use crest_domain::clock::{Clock, ManualClock, SystemClock};
use crest_testkit::PgTestDb;

use crate::support::{ADMIN, new_token};

const SWEEP_EVERY: Duration = Duration::from_millis(10);

/// How long a test waits for ticks that come every few milliseconds.
const PATIENCE: Duration = Duration::from_secs(30);

async fn instance(
    config: &Config,
    dir: &std::path::Path,
    name: &str,
    clock: &ManualClock,
) -> RunningServer {
    let config = Config {
        tsdb_dir: dir.join(name).join("tsdb"),
        ..config.clone()
    };
    start(
        &config,
        Dependencies {
            clock: Arc::new(clock.clone()),
            sweep_every: SWEEP_EVERY,
            ..crate::support::deps()
        },
    )
    .await
    .expect("an instance starts")
}

/// Waits until an instance's sweep counts satisfy `done`, and answers them.
async fn until(
    server: &RunningServer,
    what: &str,
    done: impl FnMut(&SweepCounts) -> bool,
) -> SweepCounts {
    let mut sweeps = server.sweeps.clone();
    let waited = match tokio::time::timeout(PATIENCE, sweeps.wait_for(done)).await {
        Ok(Ok(counts)) => Some(*counts),
        Ok(Err(_)) => panic!("{what}: the sweep ended"),
        Err(_) => None,
    };
    waited.unwrap_or_else(|| {
        panic!(
            "{what}: not within {PATIENCE:?}: {:?}",
            *server.sweeps.borrow()
        )
    })
}

/// Lets `server` tick `n` more times and answers its counts then.
async fn ticks(server: &RunningServer, n: u64, what: &str) -> SweepCounts {
    let from = server.sweeps.borrow().ticks;
    until(server, what, |c| c.ticks >= from + n).await
}

#[tokio::test]
async fn one_instance_sweeps_and_another_takes_over_when_it_dies_or_stops() {
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config::resolve(Settings {
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(db.url.clone()),
        bootstrap_admin: Some(ADMIN.into()),
        bootstrap_token: Some(new_token()),
        ..Settings::default()
    })
    .expect("valid");
    let clock = ManualClock::new(SystemClock.now_millis());

    let a = instance(&config, dir.path(), "a", &clock).await;
    until(&a, "a sweeps, alone", |c| c.swept >= 1).await;
    let b = instance(&config, dir.path(), "b", &clock).await;
    assert_ne!(a.instance, b.instance, "each instance has an id of its own");
    let before = a.sweeps.borrow().swept;
    let seen = ticks(&b, 5, "b ticks").await;
    assert_eq!(seen.swept, 0, "a holds the lease: b does not sweep");
    let after = until(&a, "a keeps sweeping", |c| c.swept > before).await;
    assert_eq!(after.swept, after.ticks, "a renews its lease at every tick");

    // a dies: its lease stays until it runs out, and nobody sweeps meanwhile.
    a.stop_now();
    let ttl = i64::try_from((SWEEP_EVERY * SWEEP_LEASE_PERIODS).as_millis()).expect("small");
    clock.advance(ttl - 1);
    let seen = ticks(&b, 5, "b ticks while a's lease runs").await;
    assert_eq!(seen.swept, 0, "a's lease has not run out");
    clock.advance(1);
    until(&b, "b takes over once a's lease ran out", |c| c.swept >= 1).await;

    // A third instance waits while b holds the lease; b stops gracefully and gives the lease
    // back: c sweeps without the clock moving.
    let c = instance(&config, dir.path(), "c", &clock).await;
    let seen = ticks(&c, 5, "c ticks").await;
    assert_eq!(seen.swept, 0, "b holds the lease: c does not sweep");
    b.shutdown().await.expect("b stops");
    until(&c, "c takes over from b, which released the lease", |c| {
        c.swept >= 1
    })
    .await;
    c.shutdown().await.expect("c stops");
    db.drop_db().await;
}

fn relay_stats(server: &RunningServer) -> crest_relay::RelayStats {
    match &server.points {
        Points::Victoria { relay, .. } => relay.stats(),
        Points::Embedded { .. } => panic!("VictoriaMetrics is configured"),
    }
}

/// Polls both instances' relay statistics until `done` holds for them; panics naming them.
async fn until_stats(
    a: &RunningServer,
    b: &RunningServer,
    what: &str,
    done: impl Fn(&crest_relay::RelayStats, &crest_relay::RelayStats) -> bool,
) -> (crest_relay::RelayStats, crest_relay::RelayStats) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let (sa, sb) = (relay_stats(a), relay_stats(b));
        if done(&sa, &sb) {
            return (sa, sb);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {PATIENCE:?}: {sa:?} {sb:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn two_instances_on_one_jetstream_stream_run_one_durability_barrier() {
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let vm = crest_testkit::victoria::VictoriaProcess::start(
        &dir.path().join("vm"),
        crest_testkit::victoria::free_port(),
        &[],
    )
    .await;
    let deployment = format!("it-lease-{}", uuid::Uuid::new_v4().simple());
    let config = Config::resolve(Settings {
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(db.url.clone()),
        bootstrap_admin: Some(ADMIN.into()),
        bootstrap_token: Some(new_token()),
        victoria_url: Some(vm.url()),
        nats_url: Some("nats://127.0.0.1:4222".into()),
        nats_deployment: Some(deployment.clone()),
        relay_barrier_seconds: Some(1),
        ..Settings::default()
    })
    .expect("valid");
    let start_one = |name: &str| {
        let config = Config {
            tsdb_dir: dir.path().join(name).join("tsdb"),
            ..config.clone()
        };
        async move {
            start(&config, crate::support::deps())
                .await
                .expect("starts")
        }
    };
    let (a, b) = (start_one("a").await, start_one("b").await);

    // One of them takes the lease; over the next barriers the other leaves every one to it.
    let (sa, _) = until_stats(&a, &b, "one instance takes the barrier's lease", |x, y| {
        x.takeovers + y.takeovers >= 1
    })
    .await;
    let (holder, other) = if sa.takeovers >= 1 { (a, b) } else { (b, a) };
    let (sh, so) = until_stats(&holder, &other, "the holder runs barriers", |h, o| {
        h.barriers >= 4 && o.gated_barriers >= 3
    })
    .await;
    // A takeover that failed (NATS refuses a consumer's deletion for a moment now and then) is
    // tried again at the next tick: one at least, then barriers.
    assert!(sh.takeovers >= 1 && sh.rewinds >= 1, "{sh:?}");
    assert_eq!(sh.gated_barriers, 0, "{sh:?}");
    assert_eq!(
        (so.takeovers, so.barriers, so.failed_barriers),
        (0, 0, 0),
        "the other instance runs no barrier: {so:?}"
    );

    // The holder stops gracefully and gives the lease back: the other takes over at its next tick.
    holder.shutdown().await.expect("the holder stops");
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let s = relay_stats(&other);
        if s.takeovers >= 1 && s.rewinds >= 1 && s.barriers >= 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the other instance did not take over: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    other.shutdown().await.expect("stops");
    crate::support::delete_deployment_streams("nats://127.0.0.1:4222", &deployment).await;
    db.drop_db().await;
}

/// Waits until an instance's derived-metric rounds satisfy `done`, and answers them.
async fn until_derived(
    server: &RunningServer,
    what: &str,
    done: impl FnMut(&crest::deriving::DerivedRounds) -> bool,
) -> crest::deriving::DerivedRounds {
    let mut rounds = server.derived_rounds.clone();
    match tokio::time::timeout(PATIENCE, rounds.wait_for(done)).await {
        Ok(Ok(counts)) => *counts,
        Ok(Err(_)) => panic!("{what}: the runner ended"),
        Err(_) => panic!("{what}: not within {PATIENCE:?}"),
    }
}

#[tokio::test]
async fn two_instances_run_each_derived_metric_once_per_period() {
    let Some(db) = PgTestDb::create().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let token = new_token();
    let config = Config::resolve(Settings {
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().to_path_buf()),
        database_url: Some(db.url.clone()),
        bootstrap_admin: Some(ADMIN.into()),
        bootstrap_token: Some(token.clone()),
        ..Settings::default()
    })
    .expect("valid");
    // the start of a minute, so that the clock stays inside it
    let minute = SystemClock.now_millis().div_euclid(60_000) * 60_000;
    let clock = ManualClock::new(minute + 1_000);
    let start_one = |name: &'static str| {
        let config = Config {
            tsdb_dir: dir.path().join(name).join("tsdb"),
            ..config.clone()
        };
        let clock = clock.clone();
        async move {
            start(
                &config,
                Dependencies {
                    clock: Arc::new(clock),
                    derive_every: SWEEP_EVERY,
                    ..crate::support::deps()
                },
            )
            .await
            .expect("an instance starts")
        }
    };
    let a = start_one("a").await;
    until_derived(&a, "a runs rounds, alone", |c| c.rounds >= 1).await;
    let b = start_one("b").await;
    let http = reqwest::Client::new();
    let created: serde_json::Value = http
        .post(format!("http://{}/api/v2/derivedmetric", b.local_addr))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "name": "once", "query": "aliasMetric(ts(two.src), \"two.derived\")", "minutes": 2
        }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["response"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let last_processed = || {
        let http = http.clone();
        let url = format!("http://{}/api/v2/derivedmetric/{id}", a.local_addr);
        let token = token.clone();
        async move {
            let got: serde_json::Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            got["response"]["lastProcessedMillis"].as_i64()
        }
    };
    let r0 = a.derived_rounds.borrow().rounds;
    until_derived(&a, "a runs rounds after the create", |c| c.rounds > r0 + 3).await;
    assert_eq!(last_processed().await, Some(minute + 1_000));
    let from = b.derived_rounds.borrow().ticks;
    let seen = until_derived(&b, "b ticks", |c| c.ticks >= from + 5).await;
    assert_eq!(seen.rounds, 0, "a holds the lease: b runs no round");
    let now = a.derived_rounds.borrow();
    assert_eq!(
        (now.last.ran, now.last.not_due),
        (0, 1),
        "within the minute the derived metric is not due again"
    );
    drop(now);
    // A minute later the lease has run out too: whichever instance takes it runs the metric.
    clock.advance(60_000);
    let (ta, tb) = (
        a.derived_rounds.borrow().ticks,
        b.derived_rounds.borrow().ticks,
    );
    until_derived(&a, "a ticks a minute later", |c| c.ticks > ta + 5).await;
    until_derived(&b, "b ticks a minute later", |c| c.ticks > tb + 5).await;
    assert_eq!(last_processed().await, Some(minute + 61_000));
    b.shutdown().await.expect("b stops");
    a.shutdown().await.expect("a stops");
    db.drop_db().await;
}
