//! The relay's parts, one behaviour at a time, over the fake engine: refused entries, an engine
//! away, the read barrier's bound, the tasks running on their own.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crest_relay::fake_engine::FakeEngine;
use crest_relay::{FileLog, IngestLog, Relay, RelayConfig};
use crest_series::{
    Batch, Filter, ReadLimits, Sample, SeriesError, SeriesKey, SeriesReader, SeriesWriter,
    TimeRange,
};

use crate::support::{Rng, config, points_of, random_batch, relay, ship_all};

fn nan_batch() -> Batch {
    Batch::from_series([(
        SeriesKey::new("bad", "h"),
        vec![Sample {
            timestamp: 1,
            value: f64::NAN,
        }],
    )])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_logged_entry_the_engine_refuses_is_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    // Logged directly (as an older crest, or an engine whose rules changed, would have).
    let log = Arc::new(FileLog::open(dir.path()).await.unwrap());
    let mut rng = Rng::new(7);
    let mut serial = 0;
    let good = random_batch(&mut rng, &mut serial, 0);
    log.append(&good).await.unwrap();
    log.append(&nan_batch()).await.unwrap();
    let later = random_batch(&mut rng, &mut serial, 0);
    log.append(&later).await.unwrap();
    let relay = Relay::new(engine.clone(), log.clone(), config());
    ship_all(&relay).await;
    let stats = relay.stats();
    assert_eq!((stats.shipped_entries, stats.refused_entries), (2, 1));
    assert_eq!(log.shipped_through().await.unwrap().0, 3);
    let want: std::collections::BTreeSet<_> = points_of(&good)
        .into_iter()
        .chain(points_of(&later))
        .collect();
    assert_eq!(engine.points(), want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_away_is_retried_with_back_off_until_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let sleeps = Arc::new(AtomicU64::new(0));
    let slept: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
    let sleeper: crest_relay::Sleeper = {
        let (engine, sleeps, slept) = (engine.clone(), sleeps.clone(), slept.clone());
        Arc::new(move |d| {
            slept.lock().unwrap().push(d);
            // The engine comes back after the fourth back-off.
            if sleeps.fetch_add(1, Ordering::SeqCst) == 3 {
                engine.set_down(false);
            }
            Box::pin(async {})
        })
    };
    let relay = relay(
        &engine,
        dir.path(),
        RelayConfig {
            sleeper,
            ..config()
        },
    )
    .await;
    relay.ship(Duration::ZERO).await.unwrap(); // learns the incarnation
    let mut rng = Rng::new(1);
    let mut serial = 0;
    let batch = random_batch(&mut rng, &mut serial, 0);
    relay.append(batch.clone()).await.unwrap();
    engine.set_down(true);
    ship_all(&relay).await;
    assert_eq!(relay.stats().ship_retries, 4);
    assert_eq!(
        *slept.lock().unwrap(),
        [100, 200, 400, 800].map(Duration::from_millis)
    );
    assert_eq!(engine.points(), points_of(&batch).into_iter().collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_waits_at_most_the_read_wait_and_then_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let relay = relay(
        &engine,
        dir.path(),
        RelayConfig {
            read_wait: Duration::from_millis(50),
            ..config()
        },
    )
    .await;
    let mut rng = Rng::new(2);
    let mut serial = 0;
    relay
        .append(random_batch(&mut rng, &mut serial, 0))
        .await
        .unwrap();
    // No shipper runs: the read cannot see the point, and says why.
    let err = relay
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SeriesError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("read wait"), "{err}");
    ship_all(&relay).await;
    let got = relay
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    assert!(!got.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tasks_ship_trim_and_replay_on_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let relay = relay(
        &engine,
        dir.path(),
        RelayConfig {
            barrier_every: Duration::from_millis(20),
            sleeper: crest_relay::relay::tokio_sleeper(),
            ..config()
        },
    )
    .await;
    let tasks = relay.start();
    let mut rng = Rng::new(3);
    let mut serial = 0;
    let mut want = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let batch = random_batch(&mut rng, &mut serial, 0);
        want.extend(points_of(&batch));
        relay.append(batch).await.unwrap();
    }
    // A read sees every point written before it (the read barrier waits for the shipper).
    let read = relay
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    let read_points: usize = read.iter().map(|s| s.samples.len()).sum();
    assert_eq!(read_points, want.len());
    // The engine loses what it had not made durable; the barrier notices and the shipper replays.
    engine.crash();
    let mut waited = 0;
    while engine.points() != want {
        waited += 1;
        assert!(
            waited < 1000,
            "the relay did not replay what the crash took: {} of {} points, {:?}",
            engine.points().len(),
            want.len(),
            relay.stats()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stats = relay.stats();
    assert!(stats.barriers > 0, "{stats:?}");
    tasks.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_handed_out_again_by_another_instances_rewind_make_the_engine_forget_once() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let log = Arc::new(FileLog::open(dir.path()).await.unwrap());
    let relay = Relay::new(engine.clone(), log.clone(), config());
    let mut rng = Rng::new(11);
    let mut serial = 0;
    for _ in 0..3 {
        relay
            .append(random_batch(&mut rng, &mut serial, 0))
            .await
            .unwrap();
    }
    ship_all(&relay).await;
    assert_eq!(engine.replays(), 0, "first shipments are no replay");
    // The shared log rewound by someone else (another instance whose barrier saw a restart).
    log.rewind().await.unwrap();
    ship_all(&relay).await;
    assert_eq!(
        engine.replays(),
        1,
        "the replay is noticed once, not per group"
    );
    // New entries after the replay are no replay.
    relay
        .append(random_batch(&mut rng, &mut serial, 0))
        .await
        .unwrap();
    ship_all(&relay).await;
    assert_eq!(engine.replays(), 1);
    // This relay's own rewind forgets once too: the replay that follows it does not again.
    engine.crash();
    relay.barrier().await.unwrap();
    assert_eq!(relay.stats().rewinds, 1);
    assert_eq!(engine.replays(), 2);
    ship_all(&relay).await;
    assert_eq!(engine.replays(), 2);
    assert_eq!(relay.stats().shipped_entries, 3 + 3 + 1 + 4);
}

/// A file log whose `last_position` and `shipped_through` fail their first `failures` calls, as a
/// NATS server taking over a stream's leadership does for a moment.
#[derive(Debug)]
struct Flaky {
    log: FileLog,
    failures: AtomicU64,
}

impl Flaky {
    fn fail(&self) -> Result<(), crest_relay::LogError> {
        let left = self.failures.load(Ordering::SeqCst);
        if left > 0 {
            self.failures.store(left - 1, Ordering::SeqCst);
            return Err(crest_relay::LogError::unavailable("no leader for a moment"));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl IngestLog for Flaky {
    async fn append(&self, batch: &Batch) -> Result<crest_relay::Position, crest_relay::LogError> {
        self.log.append(batch).await
    }
    async fn last_position(&self) -> Result<crest_relay::Position, crest_relay::LogError> {
        self.fail()?;
        self.log.last_position().await
    }
    async fn next(
        &self,
        max: usize,
        wait: Duration,
    ) -> Result<Vec<crest_relay::Entry>, crest_relay::LogError> {
        self.log.next(max, wait).await
    }
    async fn shipped(
        &self,
        positions: &[crest_relay::Position],
    ) -> Result<(), crest_relay::LogError> {
        self.log.shipped(positions).await
    }
    async fn shipped_through(&self) -> Result<crest_relay::Position, crest_relay::LogError> {
        self.fail()?;
        self.log.shipped_through().await
    }
    async fn trim_through(
        &self,
        position: crest_relay::Position,
    ) -> Result<(), crest_relay::LogError> {
        self.log.trim_through(position).await
    }
    async fn rewind(&self) -> Result<(), crest_relay::LogError> {
        self.log.rewind().await
    }
}

#[tokio::test]
async fn a_read_rides_out_a_log_that_fails_for_a_moment_and_reports_one_that_stays_down() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let flaky = Arc::new(Flaky {
        log: FileLog::open(dir.path()).await.unwrap(),
        failures: AtomicU64::new(0),
    });
    let relay = Relay::new(
        engine.clone(),
        flaky.clone(),
        RelayConfig {
            read_wait: Duration::from_secs(30),
            ..config()
        },
    );
    let mut rng = Rng::new(7);
    let mut serial = 0;
    let batch = random_batch(&mut rng, &mut serial, 0);
    relay.append(batch.clone()).await.unwrap();
    ship_all(&relay).await;
    // Three failures in a row (last_position, then shipped_through twice): the read asks again.
    flaky.failures.store(3, Ordering::SeqCst);
    let got = relay
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|d| d.samples.len()).sum::<usize>(),
        batch.points()
    );
    assert_eq!(flaky.failures.load(Ordering::SeqCst), 0);
    // A log that stays down: past the read wait, its failure is the answer.
    let short = Relay::new(
        engine.clone(),
        flaky.clone(),
        RelayConfig {
            read_wait: Duration::from_millis(30),
            ..config()
        },
    );
    flaky.failures.store(u64::MAX, Ordering::SeqCst);
    let err = short
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no leader"), "{err}");
}

/// A shipper that never comes back from an append (an engine connection that stopped answering
/// past every bound) does not hold the relay's stop: it is aborted after the grace, its append
/// dropped, and nothing it held is marked shipped.
#[tokio::test(start_paused = true)]
async fn a_shipper_stuck_in_an_append_is_aborted_at_stop() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    engine.set_hung(true);
    let config = RelayConfig {
        sleeper: crest_relay::relay::tokio_sleeper(),
        ..config()
    };
    let relay = relay(&engine, dir.path(), config).await;
    let mut serial = 0;
    relay
        .append(random_batch(&mut Rng::new(3), &mut serial, 0))
        .await
        .unwrap();
    let tasks = relay.start();
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(engine.abandoned(), 0, "the append is still in flight");
    let stopping = tokio::time::Instant::now();
    tasks.stop().await;
    assert!(stopping.elapsed() >= crest_relay::relay::STOP_GRACE);
    assert_eq!(engine.abandoned(), 1, "the hung append was dropped");
    assert_eq!(relay.stats().shipped_entries, 0);
    assert_eq!(engine.appends(), 0);
}
