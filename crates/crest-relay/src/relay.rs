//! [`Relay`]: the engine as the rest of crest sees it when the engine acknowledges before it is
//! durable (VictoriaMetrics). Writes go to an [`IngestLog`] and are acknowledged once it has
//! them; the *shipper* moves the log's entries into the engine; the *barrier* makes the engine
//! durable now and then and trims the log behind it, or rewinds the log when the engine
//! restarted (and so lost what it had not made durable). Reads wait until everything written
//! before them is in the engine.
//!
//! * **Writes** are checked as the engine would check them first ([`DurableEngine::check`]), so
//!   a batch the engine would refuse is refused to the client and never logged.
//! * **The shipper** takes up to [`RelayConfig::ship_max_entries`] entries, appends them to the
//!   engine as one batch, and marks them shipped; one task takes the next group from the log
//!   while another delivers the group before. An append that fails because the engine is away is
//!   retried, with back-off, forever; one the engine refuses for what it holds (the entries were
//!   checked before they were logged, but time moved or a setting changed) is retried entry by
//!   entry, and an entry refused on its own is skipped (logged, counted, marked shipped), so one
//!   bad entry never blocks the log. An entry handed out at or before the newest position it
//!   appended (another instance rewound a shared log) makes the engine forget earlier appends
//!   first ([`DurableEngine::replaying`]), as this relay's own rewind does.
//! * **The barrier**, every [`RelayConfig::barrier_every`]: reads the engine's incarnation, the
//!   log's `shipped_through` p, makes the engine durable, reads the incarnation again. If both
//!   equal the incarnation the shipper has been shipping to, everything through p is durable in
//!   the engine and the log is trimmed through p. If the engine restarted, the log is rewound (with
//!   the shipper paused, so no entry shipped before the rewind is marked shipped after it) and
//!   the shipper replays everything untrimmed, harmlessly (VictoriaMetrics runs with
//!   `-dedup.minScrapeInterval=1ms`).
//! * **Reads** (a read barrier): take the log's `last_position` when the read starts and wait
//!   until `shipped_through` reaches it (woken by the shipper; polled every
//!   [`POLL`] too, for shippers of other instances), then make the engine's points visible if
//!   something was shipped since the last time, then read. Beyond [`RelayConfig::read_wait`] the
//!   read fails with [`SeriesError::Unavailable`] naming the wait: the engine is away or far
//!   behind, and an answer would miss acknowledged points.
//!
//! * **Several instances on one shared log** (JetStream) need one barrier between them, not one
//!   each: a [`BarrierGate`] in [`RelayConfig::gate`] is asked before every periodic barrier
//!   (crest's is a lease in the metadata store), and the barrier runs only when it answers yes.
//!   A relay that begins to run the barrier (at its start, or taking over from an instance that
//!   stopped or died) does not know which incarnation of the engine the entries shipped since the
//!   last trim went to (other instances shipped them, perhaps to an engine that restarted since,
//!   unnoticed by a holder that died): its first barrier rewinds instead of trimming, as a
//!   reopened file log hands everything untrimmed out again. The shipper and the read barrier run
//!   on every instance whatever the gate says. A relay that stops gives the gate back.
//!
//! Time for back-off and the barrier's period comes from an injected [`Sleeper`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crest_series::{
    AppendReport, Batch, Bucketed, Bucketing, EngineStatus, Filter, Granularity, HistogramData,
    ReadLimits, SeriesCatalog, SeriesData, SeriesError, SeriesInfo, SeriesReader, SeriesWriter,
    TimeRange,
};

use crate::durable_engine::DurableEngine;
use crate::lock::lock;
use crate::log::{Entry, IngestLog, Position};

/// How often a waiting read looks at the log's `shipped_through` even when this instance's
/// shipper did not wake it (another instance's shipper may have moved it).
pub const POLL: Duration = Duration::from_millis(200);

/// How long [`RelayTasks::stop`] waits for the shipper and the barrier to end before it aborts
/// them: longer than any bounded call they make (an append to the engine, 30 s by default; a
/// request to the log).
pub const STOP_GRACE: Duration = Duration::from_secs(45);

/// How long [`RelayTasks::stop`] waits for a task it aborted to end.
pub const ABORT_WAIT: Duration = Duration::from_secs(1);

/// Waits a while: `tokio::time::sleep` in production, anything a test likes.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The sleeper of production: tokio's timer.
pub fn tokio_sleeper() -> Sleeper {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}

/// Whether this relay may run the periodic durability barrier now: one of several relays sharing
/// a log runs it (see the module's documentation). Without a gate, the barrier always runs.
#[async_trait::async_trait]
pub trait BarrierGate: Send + Sync + fmt::Debug {
    /// Asked before every periodic barrier; `true` lets it run. An answer of `true` must hold
    /// until the next question (a lease renewed at every call, its time to live a few barrier
    /// periods). A gate that cannot tell answers `false`: a barrier skipped costs only a longer
    /// log, and the next tick asks again.
    async fn may_run(&self) -> bool;

    /// The relay stops: another relay may run the barrier from its next tick.
    async fn release(&self);
}

/// How the relay behaves.
#[derive(Clone)]
pub struct RelayConfig {
    /// How long a read waits for the points written before it to reach the engine (10 s).
    pub read_wait: Duration,
    /// The period of the durability barrier (30 s).
    pub barrier_every: Duration,
    /// The most entries the shipper takes from the log at once (256).
    pub ship_max_entries: usize,
    /// The most points the shipper appends to the engine at once (1,048,576): a larger group is
    /// appended in parts, entry by entry in order (an entry is never split), so that a large
    /// group is marked shipped as it goes and its buffers stay bounded.
    pub ship_max_points: usize,
    /// How long the shipper waits for entries before looking again (1 s).
    pub next_wait: Duration,
    /// The first back-off after a failed append; it doubles up to `retry_max` (100 ms, 10 s).
    pub retry_first: Duration,
    pub retry_max: Duration,
    pub sleeper: Sleeper,
    /// Asked before every periodic barrier when several relays share the log (`None`: the
    /// barrier always runs, as with a file log, which one instance owns).
    pub gate: Option<Arc<dyn BarrierGate>>,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            read_wait: Duration::from_secs(10),
            barrier_every: Duration::from_secs(30),
            ship_max_entries: 256,
            ship_max_points: 1 << 20,
            next_wait: Duration::from_secs(1),
            retry_first: Duration::from_millis(100),
            retry_max: Duration::from_secs(10),
            sleeper: tokio_sleeper(),
            gate: None,
        }
    }
}

impl fmt::Debug for RelayConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RelayConfig")
            .field("read_wait", &self.read_wait)
            .field("barrier_every", &self.barrier_every)
            .field("ship_max_entries", &self.ship_max_entries)
            .field("ship_max_points", &self.ship_max_points)
            .field("next_wait", &self.next_wait)
            .field("retry_first", &self.retry_first)
            .field("retry_max", &self.retry_max)
            .field("gate", &self.gate)
            .finish_non_exhaustive()
    }
}

/// What the relay did since it started, for a metric and `crest admin tsdb status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelayStats {
    /// Entries appended to the engine (again after a rewind).
    pub shipped_entries: u64,
    /// Entries the engine refused for what they hold, skipped.
    pub refused_entries: u64,
    /// Appends to the engine that failed and were retried.
    pub ship_retries: u64,
    /// Rewinds after a restart of the engine.
    pub rewinds: u64,
    /// Barriers that completed, and that failed (the engine away).
    pub barriers: u64,
    pub failed_barriers: u64,
    /// Periodic barriers not run because the gate said another relay runs them.
    pub gated_barriers: u64,
    /// Times this relay began to run the periodic barrier under its gate: each is a rewind,
    /// counted in `rewinds` too (so `rewinds - takeovers` are the rewinds after a restart).
    pub takeovers: u64,
    /// The position the log was last trimmed through.
    pub last_trim: Position,
}

/// What one barrier did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarrierOutcome {
    /// Everything through this position is durable in the engine; the log is trimmed through it.
    Trimmed(Position),
    /// The engine restarted: the log was rewound and its entries will be shipped again.
    Rewound,
}

#[derive(Debug, Default)]
struct Counters {
    shipped_entries: AtomicU64,
    refused_entries: AtomicU64,
    ship_retries: AtomicU64,
    rewinds: AtomicU64,
    barriers: AtomicU64,
    failed_barriers: AtomicU64,
    gated_barriers: AtomicU64,
    takeovers: AtomicU64,
    last_trim: AtomicU64,
}

/// A group of entries taken from the log, and the rewind epoch when it was taken.
struct Taken {
    entries: Vec<Entry>,
    epoch: u64,
}

/// What one group of entries came to.
enum Delivered {
    Shipped,
    /// The engine refused the group for what it holds; the entries come back.
    Refused(Vec<Entry>),
    /// The log was rewound meanwhile (the entries come again), or the relay is stopping.
    Dropped,
}

struct Shared {
    engine: Arc<dyn DurableEngine>,
    log: Arc<dyn IngestLog>,
    config: RelayConfig,
    /// Bumped after every `shipped`: wakes waiting reads.
    shipped_signal: tokio::sync::watch::Sender<u64>,
    /// `shipped_through` when the engine was last made visible.
    visible_through: AtomicU64,
    /// The rewind epoch. The shipper holds it while it appends and marks entries shipped, the
    /// barrier while it rewinds, so no entry appended before a rewind is marked shipped after it
    /// (the rewind would not undo the mark). A group whose retries span a rewind is dropped: the
    /// rewind hands it out again.
    epoch: tokio::sync::Mutex<u64>,
    /// The engine's incarnation the shipper ships to (`None` until first read).
    known: Mutex<Option<u64>>,
    /// The newest position this shipper appended to the engine since the engine last forgot
    /// earlier appends ([`DurableEngine::replaying`]); 0 for none. An entry handed out at or
    /// before it is a replay this relay did not start (another instance rewound a shared log).
    appended_through: AtomicU64,
    counters: Counters,
    stop: tokio::sync::watch::Sender<bool>,
}

/// The engine behind a durable log (see the module's documentation).
#[derive(Clone)]
pub struct Relay {
    shared: Arc<Shared>,
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Relay")
            .field("log", &self.shared.log)
            .field("config", &self.shared.config)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// The shipper and the barrier running; [`RelayTasks::stop`] ends them.
#[derive(Debug)]
pub struct RelayTasks {
    relay: Relay,
    handles: Vec<tokio::task::JoinHandle<()>>,
}

impl RelayTasks {
    /// Stops the shipper and the barrier and waits for them (an append to the engine in flight
    /// is finished first; a group waiting to be retried is dropped, so a relay started again
    /// must be over a reopened log, which hands out everything untrimmed). A task still running
    /// [`STOP_GRACE`] after the stop is aborted, with an error in the log: what it held is not
    /// shipped as far as the log knows, so it is handed out again. An aborted task is gone when
    /// this returns (waited for up to [`ABORT_WAIT`] more: a task can be cancelled only where it
    /// awaits).
    pub async fn stop(self) {
        self.relay.shared.stop.send_replace(true);
        let deadline = tokio::time::Instant::now() + STOP_GRACE;
        for mut handle in self.handles {
            match tokio::time::timeout_at(deadline, &mut handle).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "a relay task ended abnormally"),
                Err(_) => {
                    handle.abort();
                    tracing::error!(
                        grace = ?STOP_GRACE,
                        "a relay task did not stop within its grace: aborted"
                    );
                    if tokio::time::timeout(ABORT_WAIT, handle).await.is_err() {
                        tracing::error!(
                            "an aborted relay task did not end (it does not await): left running"
                        );
                    }
                }
            }
        }
    }
}

/// `entries` in order, cut into parts of at most `max_points` points (an entry larger than that is
/// a part of its own).
fn parts(entries: Vec<Entry>, max_points: usize) -> Vec<Vec<Entry>> {
    let mut parts: Vec<Vec<Entry>> = Vec::new();
    let mut current: Vec<Entry> = Vec::new();
    let mut points = 0usize;
    for entry in entries {
        let n = entry.batch.points();
        if !current.is_empty() && points.saturating_add(n) > max_points {
            parts.push(std::mem::take(&mut current));
            points = 0;
        }
        points = points.saturating_add(n);
        current.push(entry);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn positions(entries: &[Entry]) -> Vec<Position> {
    entries.iter().map(|e| e.position).collect()
}

impl Relay {
    /// The relay over `engine` and `log`; nothing runs until [`Relay::start`] (or calls of
    /// [`Relay::ship`] and [`Relay::barrier`]).
    pub fn new(
        engine: Arc<dyn DurableEngine>,
        log: Arc<dyn IngestLog>,
        config: RelayConfig,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                engine,
                log,
                config,
                shipped_signal: tokio::sync::watch::Sender::new(0),
                visible_through: AtomicU64::new(0),
                epoch: tokio::sync::Mutex::new(0),
                known: Mutex::new(None),
                appended_through: AtomicU64::new(0),
                counters: Counters::default(),
                stop: tokio::sync::watch::Sender::new(false),
            }),
        }
    }

    /// Starts the shipper and the barrier.
    pub fn start(&self) -> RelayTasks {
        let shipper = {
            let relay = self.clone();
            tokio::spawn(async move { relay.ship_loop().await })
        };
        let barrier = {
            let relay = self.clone();
            tokio::spawn(async move { relay.barrier_loop().await })
        };
        RelayTasks {
            relay: self.clone(),
            handles: vec![shipper, barrier],
        }
    }

    pub fn stats(&self) -> RelayStats {
        let c = &self.shared.counters;
        RelayStats {
            shipped_entries: c.shipped_entries.load(Ordering::Relaxed),
            refused_entries: c.refused_entries.load(Ordering::Relaxed),
            ship_retries: c.ship_retries.load(Ordering::Relaxed),
            rewinds: c.rewinds.load(Ordering::Relaxed),
            barriers: c.barriers.load(Ordering::Relaxed),
            failed_barriers: c.failed_barriers.load(Ordering::Relaxed),
            gated_barriers: c.gated_barriers.load(Ordering::Relaxed),
            takeovers: c.takeovers.load(Ordering::Relaxed),
            last_trim: Position(c.last_trim.load(Ordering::Relaxed)),
        }
    }

    fn stopping(&self) -> bool {
        *self.shared.stop.borrow()
    }

    /// Resolves once the relay is told to stop.
    async fn stopped(&self) {
        let mut rx = self.shared.stop.subscribe();
        // An error means the sender is gone, which it never is while `self` lives.
        let _ = rx.wait_for(|s| *s).await;
    }

    /// Sleeps through the injected sleeper; `false` when the relay was told to stop meanwhile.
    async fn pause(&self, d: Duration) -> bool {
        tokio::select! {
            () = (self.shared.config.sleeper)(d) => !self.stopping(),
            () = self.stopped() => false,
        }
    }

    /// The shipper, as two tasks: one takes the next group from the log (reading and decoding it)
    /// while the other delivers the group before, so the log's work overlaps the engine's. Never
    /// cancelled mid-way (entries handed out and dropped would wait for the next rewind): taking
    /// returns within `next_wait` when nothing comes, and a delivery's back-off ends on a stop.
    async fn ship_loop(&self) {
        // One group waits while another is delivered, and the taker holds a third.
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Taken>(1);
        let taker = {
            let relay = self.clone();
            tokio::spawn(async move { relay.take_loop(tx).await })
        };
        while let Some(taken) = rx.recv().await {
            if let Err(e) = self.ship_taken(taken).await {
                tracing::warn!(error = %e, "the relay's shipper failed; trying again");
                if !self.pause(self.shared.config.retry_first).await {
                    break;
                }
            }
        }
        drop(rx);
        if let Err(e) = taker.await {
            tracing::error!(error = %e, "the relay's log reader ended abnormally");
        }
    }

    /// Takes groups from the log and hands them to the delivering task, until the relay stops.
    async fn take_loop(&self, tx: tokio::sync::mpsc::Sender<Taken>) {
        while !self.stopping() {
            match self.take(self.shared.config.next_wait).await {
                Ok(Some(taken)) => {
                    if tx.send(taken).await.is_err() {
                        return;
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "the relay's shipper failed to read the log; trying again");
                    if !self.pause(self.shared.config.retry_first).await {
                        return;
                    }
                }
            }
        }
    }

    async fn barrier_loop(&self) {
        let gate = self.shared.config.gate.clone();
        // Whether the last tick ran the barrier under the gate.
        let mut running = false;
        while self.pause(self.shared.config.barrier_every).await {
            let outcome = match &gate {
                None => self.barrier().await,
                Some(gate) => {
                    if !gate.may_run().await {
                        if running {
                            tracing::info!(
                                "another instance runs the relay's durability barrier now"
                            );
                        }
                        running = false;
                        self.shared
                            .counters
                            .gated_barriers
                            .fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    if running {
                        self.barrier().await
                    } else {
                        let outcome = self.take_over().await;
                        running = outcome.is_ok();
                        outcome
                    }
                }
            };
            match outcome {
                Ok(outcome) => tracing::debug!(?outcome, "relay barrier"),
                Err(e) => tracing::warn!(error = %e, "the relay's durability barrier failed"),
            }
        }
        if let Some(gate) = gate {
            gate.release().await;
        }
    }

    /// The first barrier of a relay that begins to run the barrier while others share the log
    /// (see the module's documentation): rewinds the log to the engine's incarnation now, so that
    /// every entry after the last trim is shipped again to an engine this relay watches.
    pub async fn take_over(&self) -> Result<BarrierOutcome, SeriesError> {
        tracing::info!(
            "this instance runs the relay's durability barrier from now on: rewinding the log to replay what no barrier covers yet"
        );
        let outcome = match self.shared.engine.incarnation().await {
            Ok(incarnation) => self.rewind(incarnation).await,
            Err(e) => Err(e),
        };
        let counter = if outcome.is_ok() {
            self.shared
                .counters
                .takeovers
                .fetch_add(1, Ordering::Relaxed);
            &self.shared.counters.barriers
        } else {
            &self.shared.counters.failed_barriers
        };
        counter.fetch_add(1, Ordering::Relaxed);
        outcome
    }

    /// Reads the engine's incarnation if the shipper does not know it yet.
    async fn know_incarnation(&self) -> Result<(), SeriesError> {
        if lock(&self.shared.known).is_some() {
            return Ok(());
        }
        let incarnation = self.shared.engine.incarnation().await?;
        lock(&self.shared.known).get_or_insert(incarnation);
        Ok(())
    }

    /// Ships one group: up to `ship_max_entries` entries the log hands out within `wait`.
    /// Answers how many entries it took from the log (0: none came).
    pub async fn ship(&self, wait: Duration) -> Result<usize, SeriesError> {
        let Some(taken) = self.take(wait).await? else {
            return Ok(0);
        };
        let count = taken.entries.len();
        self.ship_taken(taken).await?;
        Ok(count)
    }

    /// Up to `ship_max_entries` entries the log hands out within `wait`, with the rewind epoch
    /// read after they came (`None`: none came).
    async fn take(&self, wait: Duration) -> Result<Option<Taken>, SeriesError> {
        self.know_incarnation().await?;
        let entries = self
            .shared
            .log
            .next(self.shared.config.ship_max_entries, wait)
            .await?;
        if entries.is_empty() {
            return Ok(None);
        }
        // Read after `next`: entries handed out before a rewind but shipped after it are in the
        // engine (harmlessly twice); a later rewind hands out again whatever is dropped.
        let epoch = *self.shared.epoch.lock().await;
        Ok(Some(Taken { entries, epoch }))
    }

    /// Delivers a group taken from the log. Entries the engine refuses for what they hold are
    /// found by the append itself (the group is then appended entry by entry) and skipped: they
    /// were checked before they were logged, so this is rare (a value that became too old while
    /// it waited, a stricter setting since).
    async fn ship_taken(&self, taken: Taken) -> Result<(), SeriesError> {
        let Taken { entries, epoch } = taken;
        {
            let guard = self.shared.epoch.lock().await;
            if *guard != epoch {
                // Rewound since they were taken: the log hands them out again.
                return Ok(());
            }
            // Handed out again without a rewind of this relay: another instance rewound the
            // shared log (its engine restarted), or an entry another instance held came back.
            // The engine forgets what it keeps of earlier appends, as a rewind makes it, so the
            // replay is written as the first writes were (numbered from nothing) and collapses
            // onto them instead of being numbered after them.
            let first = entries.iter().map(|e| e.position.0).min().unwrap_or(0);
            if first <= self.shared.appended_through.load(Ordering::SeqCst) {
                self.shared.engine.replaying().await;
                self.shared.appended_through.store(0, Ordering::SeqCst);
                // The next read makes the engine visible again, as after this relay's rewind.
                self.shared.visible_through.store(0, Ordering::Relaxed);
                tracing::info!(
                    position = first,
                    "the log hands out entries again (another instance rewound it): replaying"
                );
            }
        }
        for part in parts(entries, self.shared.config.ship_max_points) {
            self.deliver_part(epoch, part).await?;
        }
        Ok(())
    }

    /// Delivers one part of a group; entry by entry if the engine refuses it whole.
    async fn deliver_part(&self, epoch: u64, part: Vec<Entry>) -> Result<(), SeriesError> {
        if let Delivered::Refused(group) = self.deliver(epoch, part).await? {
            for entry in group {
                if let Delivered::Refused(one) = self.deliver(epoch, vec![entry]).await? {
                    for e in &one {
                        tracing::warn!(
                            position = e.position.0,
                            "the engine refuses a logged entry; skipping it"
                        );
                    }
                    if !self.skip(epoch, &one).await? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    /// Marks refused entries shipped (counted); `false` when the log was rewound meanwhile.
    async fn skip(&self, epoch: u64, entries: &[Entry]) -> Result<bool, SeriesError> {
        let guard = self.shared.epoch.lock().await;
        if *guard != epoch {
            return Ok(false);
        }
        self.shared.log.shipped(&positions(entries)).await?;
        drop(guard);
        self.shared
            .counters
            .refused_entries
            .fetch_add(entries.len() as u64, Ordering::Relaxed);
        self.shared
            .shipped_signal
            .send_modify(|n| *n = n.wrapping_add(1));
        Ok(true)
    }

    /// Appends `entries` to the engine as one batch and marks them shipped, retrying while the
    /// engine is away.
    async fn deliver(&self, epoch: u64, entries: Vec<Entry>) -> Result<Delivered, SeriesError> {
        if entries.is_empty() {
            return Ok(Delivered::Shipped);
        }
        let batches: Vec<&Batch> = entries.iter().map(|e| &e.batch).collect();
        let mut backoff = self.shared.config.retry_first;
        loop {
            let guard = self.shared.epoch.lock().await;
            if *guard != epoch {
                return Ok(Delivered::Dropped);
            }
            match self.shared.engine.append_all(&batches).await {
                Ok(_) => {
                    let newest = entries.iter().map(|e| e.position.0).max().unwrap_or(0);
                    tracing::debug!(
                        entries = entries.len(),
                        points = batches.iter().map(|b| b.points()).sum::<usize>(),
                        first = entries.iter().map(|e| e.position.0).min().unwrap_or(0),
                        last = newest,
                        epoch,
                        "shipped a group"
                    );
                    self.shared
                        .appended_through
                        .fetch_max(newest, Ordering::SeqCst);
                    self.shared.log.shipped(&positions(&entries)).await?;
                    drop(guard);
                    self.shared
                        .counters
                        .shipped_entries
                        .fetch_add(entries.len() as u64, Ordering::Relaxed);
                    self.shared
                        .shipped_signal
                        .send_modify(|n| *n = n.wrapping_add(1));
                    return Ok(Delivered::Shipped);
                }
                Err(e) if self.shared.engine.refuses(&e) => return Ok(Delivered::Refused(entries)),
                Err(e) => {
                    drop(guard);
                    self.shared
                        .counters
                        .ship_retries
                        .fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(error = %e, ?backoff, "the engine did not take shipped entries; retrying");
                    if !self.pause(backoff).await {
                        return Ok(Delivered::Dropped);
                    }
                    backoff = backoff.saturating_mul(2).min(self.shared.config.retry_max);
                }
            }
        }
    }

    /// One durability barrier (see the module's documentation).
    pub async fn barrier(&self) -> Result<BarrierOutcome, SeriesError> {
        let outcome = self.try_barrier().await;
        let counter = if outcome.is_ok() {
            &self.shared.counters.barriers
        } else {
            &self.shared.counters.failed_barriers
        };
        counter.fetch_add(1, Ordering::Relaxed);
        outcome
    }

    async fn try_barrier(&self) -> Result<BarrierOutcome, SeriesError> {
        let engine = &self.shared.engine;
        let before = engine.incarnation().await?;
        let known = *lock(&self.shared.known);
        if known.is_some_and(|k| k != before) {
            return self.rewind(before).await;
        }
        // Nothing was shipped yet (the shipper reads the incarnation before its first append).
        lock(&self.shared.known).get_or_insert(before);
        let through = self.shared.log.shipped_through().await?;
        engine.make_durable().await?;
        let after = engine.incarnation().await?;
        if after != before {
            return self.rewind(after).await;
        }
        let last = self.shared.counters.last_trim.load(Ordering::Relaxed);
        if through.0 > last {
            self.shared.log.trim_through(through).await?;
            self.shared
                .counters
                .last_trim
                .fetch_max(through.0, Ordering::Relaxed);
        }
        Ok(BarrierOutcome::Trimmed(through))
    }

    /// The engine restarted as `incarnation`: rewinds the log, with the shipper paused.
    async fn rewind(&self, incarnation: u64) -> Result<BarrierOutcome, SeriesError> {
        let mut epoch = self.shared.epoch.lock().await;
        self.shared.engine.replaying().await;
        self.shared.appended_through.store(0, Ordering::SeqCst);
        self.shared.log.rewind().await?;
        *epoch = epoch.wrapping_add(1);
        *lock(&self.shared.known) = Some(incarnation);
        self.shared.visible_through.store(0, Ordering::Relaxed);
        drop(epoch);
        self.shared.counters.rewinds.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            incarnation,
            "the engine restarted: replaying the relay log since its last trim"
        );
        Ok(BarrierOutcome::Rewound)
    }

    /// Waits until everything logged before the call is in the engine and visible (see the
    /// module's documentation).
    pub async fn read_barrier(&self) -> Result<(), SeriesError> {
        let log = &self.shared.log;
        let wait = self.shared.config.read_wait;
        let deadline = tokio::time::Instant::now() + wait;
        let mut signal = self.shared.shipped_signal.subscribe();
        // The log may fail for a moment (a NATS server that led the stream or the consumer died
        // and another takes over): asked again until the read wait is over, then the last
        // failure is the answer.
        let mut target = None;
        let through = loop {
            signal.mark_unchanged();
            let step = match target {
                None => log.last_position().await.map(|t| {
                    target = Some(t);
                    None
                }),
                Some(t) => log
                    .shipped_through()
                    .await
                    .map(|through| Some((through, t))),
            };
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match step {
                Ok(Some((through, t))) if through >= t => break through,
                Ok(None) => continue,
                Ok(Some((through, t))) if left.is_zero() => {
                    return Err(SeriesError::unavailable(format!(
                        "the points written before this read are not all in the engine after waiting {wait:?} (the relay's read wait): shipped through position {}, written through {}",
                        through.0, t.0
                    )));
                }
                Err(e) if left.is_zero() => return Err(e.into()),
                Ok(Some(_)) | Err(_) => {}
            }
            // Either way, look again: woken by this instance's shipper, or polling for others'.
            let _ = tokio::time::timeout(left.min(POLL), signal.changed()).await;
        };
        if through.0 > self.shared.visible_through.load(Ordering::Relaxed) {
            self.shared.engine.make_visible().await?;
            self.shared
                .visible_through
                .fetch_max(through.0, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl SeriesWriter for Relay {
    /// Checks the batch as the engine would, then logs it: `Ok` once the log has it durably
    /// (`new_series` is always 0: the log does not know).
    async fn append(&self, batch: Batch) -> Result<AppendReport, SeriesError> {
        if batch.is_empty() {
            return Ok(AppendReport::default());
        }
        self.shared.engine.check(&batch)?;
        self.shared.log.append(&batch).await?;
        Ok(AppendReport {
            points: batch.points(),
            new_series: 0,
        })
    }
}

#[async_trait::async_trait]
impl SeriesReader for Relay {
    async fn select(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<SeriesData>, SeriesError> {
        self.read_barrier().await?;
        self.shared.engine.select(filter, range, limits).await
    }

    /// The engine's own summarised read, behind the same barrier.
    async fn select_bucketed(
        &self,
        filter: &Filter,
        range: TimeRange,
        limits: ReadLimits,
        bucketing: Bucketing,
    ) -> Result<Bucketed, SeriesError> {
        self.read_barrier().await?;
        self.shared
            .engine
            .select_bucketed(filter, range, limits, bucketing)
            .await
    }

    async fn select_histograms(
        &self,
        filter: &Filter,
        granularity: Granularity,
        range: TimeRange,
        limits: ReadLimits,
    ) -> Result<Vec<HistogramData>, SeriesError> {
        self.read_barrier().await?;
        self.shared
            .engine
            .select_histograms(filter, granularity, range, limits)
            .await
    }
}

#[async_trait::async_trait]
impl SeriesCatalog for Relay {
    async fn series(&self, filter: &Filter, limit: usize) -> Result<Vec<SeriesInfo>, SeriesError> {
        self.read_barrier().await?;
        self.shared.engine.series(filter, limit).await
    }

    async fn metrics(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SeriesError> {
        self.read_barrier().await?;
        self.shared.engine.metrics(prefix, limit).await
    }

    /// The engine's status as it is (no read barrier: for operators).
    async fn status(&self) -> Result<EngineStatus, SeriesError> {
        self.shared.engine.status().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::{Sample, SeriesKey};

    fn entry(position: u64, points: usize) -> Entry {
        let samples: Vec<Sample> = (0..points)
            .map(|i| Sample {
                timestamp: i64::try_from(i).unwrap(),
                value: 1.0,
            })
            .collect();
        Entry {
            position: Position(position),
            batch: Batch::from_series([(SeriesKey::new("m", "h"), samples)]),
        }
    }

    #[test]
    fn groups_are_cut_into_parts_of_whole_entries_in_order() {
        let entries: Vec<Entry> = [3, 2, 4, 1, 1, 1, 5]
            .iter()
            .zip(1u64..)
            .map(|(points, position)| entry(position, *points))
            .collect();
        let cut: Vec<Vec<u64>> = parts(entries, 5)
            .iter()
            .map(|part| part.iter().map(|e| e.position.0).collect())
            .collect();
        // 3+2 | 4+1 | 1+1 then 5 would be 7 | 5
        assert_eq!(cut, vec![vec![1, 2], vec![3, 4], vec![5, 6], vec![7]]);
        let big: Vec<Vec<u64>> = parts(vec![entry(1, 9), entry(2, 1)], 5)
            .iter()
            .map(|part| part.iter().map(|e| e.position.0).collect())
            .collect();
        assert_eq!(big, vec![vec![1], vec![2]]);
        assert!(parts(Vec::new(), 5).is_empty());
    }
}
