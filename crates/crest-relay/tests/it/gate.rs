//! Several relays on one shared log, with one barrier gate between them (a lease, as crest
//! holds it in its metadata store): one relay runs the periodic barrier; when it dies, another
//! takes over once the lease runs out, and its first barrier replays what no barrier covered.
//!
//! Time is the tests': the barrier's period passes when a test starts a round (the sleeper waits
//! for it), and the lease's clock moves when a test moves it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use crest_relay::fake_engine::{FakeEngine, Point};
use crest_relay::{BarrierGate, FileLog, IngestLog, Relay, RelayConfig, RelayStats, Sleeper};
use crest_series::SeriesWriter;

use crate::support::{Rng, config, points_of, random_batch};

/// The barrier's period in these tests: the sleeper tells it from the other waits by its length.
const PERIOD: Duration = Duration::from_secs(3600);
/// The lease's time to live, in the lease clock's units.
const TTL: u64 = 3;
/// How long a test waits for something that takes milliseconds.
const PATIENCE: Duration = Duration::from_secs(20);

/// A lease as the metadata store keeps it: its holder and end, by a clock the test moves.
#[derive(Debug, Default)]
struct SharedLease {
    now: AtomicU64,
    held: Mutex<Option<(usize, u64)>>,
}

/// One relay's side of the lease.
#[derive(Debug)]
struct LeaseGate {
    lease: Arc<SharedLease>,
    me: usize,
    /// Off for a relay that "dies": its release never reaches the lease.
    releases: AtomicBool,
}

#[async_trait::async_trait]
impl BarrierGate for LeaseGate {
    async fn may_run(&self) -> bool {
        let now = self.lease.now.load(Ordering::SeqCst);
        let mut held = self.lease.held.lock().unwrap();
        match *held {
            Some((holder, until)) if holder != self.me && until > now => false,
            _ => {
                *held = Some((self.me, now + TTL));
                true
            }
        }
    }

    async fn release(&self) {
        if !self.releases.load(Ordering::SeqCst) {
            return;
        }
        let mut held = self.lease.held.lock().unwrap();
        if held.is_some_and(|(holder, _)| holder == self.me) {
            *held = None;
        }
    }
}

/// The rounds of the barrier's period: the k-th barrier wait of a relay ends at round k.
#[derive(Debug)]
struct Rounds(tokio::sync::watch::Sender<u64>);

impl Rounds {
    fn new() -> Self {
        Self(tokio::sync::watch::Sender::new(0))
    }

    /// A relay's sleeper: its barrier waits end round by round; other waits pass at once.
    fn sleeper(&self) -> Sleeper {
        let rounds = self.0.subscribe();
        let waits = Arc::new(AtomicU64::new(0));
        Arc::new(move |d| {
            let mut rounds = rounds.clone();
            let waits = waits.clone();
            Box::pin(async move {
                if d == PERIOD {
                    let k = waits.fetch_add(1, Ordering::SeqCst) + 1;
                    let _ = rounds.wait_for(|r| *r >= k).await;
                } else {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        })
    }

    fn next(&self) -> u64 {
        self.0.send_modify(|r| *r += 1);
        *self.0.borrow()
    }
}

/// Barrier ticks a relay has finished (run, failed or left to another).
fn ticks(stats: RelayStats) -> u64 {
    stats.barriers + stats.failed_barriers + stats.gated_barriers
}

struct Member {
    relay: Relay,
    gate: Arc<LeaseGate>,
}

fn member(
    engine: &Arc<FakeEngine>,
    log: &Arc<FileLog>,
    lease: &Arc<SharedLease>,
    rounds: &Rounds,
    me: usize,
) -> Member {
    let gate = Arc::new(LeaseGate {
        lease: lease.clone(),
        me,
        releases: AtomicBool::new(true),
    });
    let relay = Relay::new(
        engine.clone(),
        log.clone(),
        RelayConfig {
            barrier_every: PERIOD,
            sleeper: rounds.sleeper(),
            gate: Some(gate.clone()),
            ..config()
        },
    );
    Member { relay, gate }
}

/// Waits until `done` holds, polling; fails with `what` after [`PATIENCE`].
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Starts a round and waits until every relay of `members` has finished its tick.
async fn round(rounds: &Rounds, members: &[&Relay]) {
    let k = rounds.next();
    for (i, relay) in members.iter().enumerate() {
        until(&format!("relay {i} did not finish tick {k}"), || {
            ticks(relay.stats()) >= k
        })
        .await;
    }
}

/// Appends `n` batches through `relay` and answers their points.
async fn write(relay: &Relay, rng: &mut Rng, serial: &mut i64, n: usize) -> Vec<Point> {
    let mut points = Vec::new();
    for _ in 0..n {
        let batch = random_batch(rng, serial, 0);
        points.extend(points_of(&batch));
        relay.append(batch).await.unwrap();
    }
    points
}

async fn all_shipped(log: &FileLog) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let last = log.last_position().await.unwrap();
        if log.shipped_through().await.unwrap() >= last {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "not all shipped");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_relays_on_one_log_run_one_barrier_and_the_survivor_takes_over() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let log = Arc::new(FileLog::open_with(dir.path(), 2048).await.unwrap());
    let lease = Arc::new(SharedLease::default());
    let (rounds_a, rounds_b) = (Rounds::new(), Rounds::new());
    let a = member(&engine, &log, &lease, &rounds_a, 1);
    let b = member(&engine, &log, &lease, &rounds_b, 2);
    let (tasks_a, tasks_b) = (a.relay.start(), b.relay.start());
    let mut rng = Rng::new(11);
    let mut serial = 0;
    let mut want: BTreeSet<Point> = BTreeSet::new();

    // A's period passes first: it takes the lease, and its first barrier rewinds.
    want.extend(write(&a.relay, &mut rng, &mut serial, 10).await);
    want.extend(write(&b.relay, &mut rng, &mut serial, 10).await);
    round(&rounds_a, &[&a.relay]).await;
    round(&rounds_b, &[&b.relay]).await;
    let (sa, sb) = (a.relay.stats(), b.relay.stats());
    assert_eq!((sa.takeovers, sa.rewinds, sa.barriers), (1, 1, 1), "{sa:?}");
    assert_eq!(
        (sb.takeovers, sb.barriers, sb.gated_barriers),
        (0, 0, 1),
        "{sb:?}"
    );

    // Then A runs every barrier and trims the shared log; B ships and leaves the barrier to A.
    for _ in 0..4 {
        want.extend(write(&a.relay, &mut rng, &mut serial, 5).await);
        want.extend(write(&b.relay, &mut rng, &mut serial, 5).await);
        all_shipped(&log).await;
        round(&rounds_a, &[&a.relay]).await;
        round(&rounds_b, &[&b.relay]).await;
    }
    let (sa, sb) = (a.relay.stats(), b.relay.stats());
    assert_eq!(
        (sa.barriers, sa.gated_barriers, sa.rewinds),
        (5, 0, 1),
        "{sa:?}"
    );
    assert_eq!(
        (sb.barriers, sb.gated_barriers, sb.rewinds),
        (0, 5, 0),
        "{sb:?}"
    );
    assert!(sa.last_trim.0 > 0, "the holder trims: {sa:?}");
    assert!(sb.shipped_entries > 0, "both ship: {sb:?}");
    assert_eq!(engine.points(), want);

    // A dies (its release never reaches the lease). Until the lease runs out, B leaves the
    // barrier to it.
    a.gate.releases.store(false, Ordering::SeqCst);
    tasks_a.stop().await;
    lease.now.fetch_add(TTL - 1, Ordering::SeqCst);
    round(&rounds_b, &[&b.relay]).await;
    assert_eq!(b.relay.stats().gated_barriers, 6);
    // Once it has, B takes over: a rewind first, then barriers that trim.
    lease.now.fetch_add(1, Ordering::SeqCst);
    want.extend(write(&b.relay, &mut rng, &mut serial, 5).await);
    round(&rounds_b, &[&b.relay]).await;
    let sb = b.relay.stats();
    assert_eq!((sb.takeovers, sb.rewinds, sb.barriers), (1, 1, 1), "{sb:?}");
    all_shipped(&log).await;
    round(&rounds_b, &[&b.relay]).await;
    let sb = b.relay.stats();
    assert_eq!((sb.barriers, sb.gated_barriers), (2, 6), "{sb:?}");
    assert_eq!(sb.last_trim, log.last_position().await.unwrap(), "{sb:?}");
    assert_eq!(engine.points(), want);
    // A graceful stop gives the lease back.
    tasks_b.stop().await;
    assert_eq!(*lease.held.lock().unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_that_takes_over_replays_what_the_engine_lost_unseen_by_the_dead_holder() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let log = Arc::new(FileLog::open_with(dir.path(), 2048).await.unwrap());
    let lease = Arc::new(SharedLease::default());
    let rounds_a = Rounds::new();
    let a = member(&engine, &log, &lease, &rounds_a, 1);
    let tasks_a = a.relay.start();
    let mut rng = Rng::new(12);
    let mut serial = 0;
    let mut want: BTreeSet<Point> = BTreeSet::new();
    want.extend(write(&a.relay, &mut rng, &mut serial, 10).await);
    round(&rounds_a, &[&a.relay]).await; // takes over
    all_shipped(&log).await;
    round(&rounds_a, &[&a.relay]).await; // trims: durable
    assert_eq!(a.relay.stats().barriers, 2);
    // Shipped, not yet durable; then the engine restarts and loses it, and A dies before its
    // next barrier could notice.
    want.extend(write(&a.relay, &mut rng, &mut serial, 10).await);
    all_shipped(&log).await;
    assert_eq!(engine.points(), want);
    engine.crash();
    assert_ne!(engine.points(), want);
    a.gate.releases.store(false, Ordering::SeqCst);
    tasks_a.stop().await;

    // B starts after the restart: the incarnation it learns is the new one, so only the takeover
    // rewind brings the lost points back.
    let rounds_b = Rounds::new();
    let b = member(&engine, &log, &lease, &rounds_b, 2);
    let tasks_b = b.relay.start();
    b.relay.ship(Duration::ZERO).await.unwrap();
    lease.now.fetch_add(TTL, Ordering::SeqCst);
    round(&rounds_b, &[&b.relay]).await;
    assert_eq!(b.relay.stats().takeovers, 1);
    until("B replays what the engine lost", || engine.points() == want).await;
    all_shipped(&log).await;
    round(&rounds_b, &[&b.relay]).await;
    let sb = b.relay.stats();
    assert_eq!(sb.last_trim, log.last_position().await.unwrap(), "{sb:?}");
    assert_eq!(engine.points(), want);
    tasks_b.stop().await;
}
