//! Where points are kept, as the server runs it: the embedded engine with its maintenance, or
//! VictoriaMetrics behind crest's durable ingest log (a file log, or NATS JetStream shared by
//! several instances) with the relay's shipper and barrier, and the report of values
//! VictoriaMetrics rounds.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use crest_domain::Chain;
use crest_domain::clock::Clock;
use crest_domain::lease::{Lease, LeaseStore};
use crest_http::DataPath;
use crest_relay::jetstream::{JetStreamConfig, JetStreamLog};
use crest_relay::{BarrierGate, FileLog, IngestLog, Relay, RelayConfig, RelayTasks};
use crest_series::{BatchBuilder, SeriesWriter};
use crest_tsdb::Tsdb;
use crest_victoria::{PrecisionReport, VictoriaConfig, VictoriaEngine};
use tokio::task::JoinHandle;

use crate::config::{Config, IngestLogSettings, PointsEngine};

/// How often the embedded engine cuts its head into blocks when due, compacts and applies
/// retention.
const MAINTAIN_INTERVAL: Duration = Duration::from_secs(60);

/// The lease of the relay's durability barrier when several instances share the JetStream log.
pub const BARRIER_LEASE: &str = "relay-barrier";

/// The barrier lease's time to live, in barrier periods: the holder renews it every period, and
/// when it dies another instance takes over within this many periods and one more.
pub const BARRIER_LEASE_PERIODS: u32 = 3;

/// How often an instance writes the values VictoriaMetrics rounded since its last report.
const PRECISION_REPORT_INTERVAL: Duration = Duration::from_secs(60);

/// The delta counters of values VictoriaMetrics does not keep exactly, one series per instance
/// (its source): rounded beyond about 12 significant digits, and rounded by a much larger
/// neighbour (#9448 of that project). `crest admin tsdb status` sums them.
pub const ROUNDED_METRIC: &str = "∆~crest.victoria.values.rounded";
pub const MIXED_METRIC: &str = "∆~crest.victoria.values.mixed_magnitudes";

/// The engine behind the data endpoints, running.
#[derive(Debug)]
pub enum Points {
    Embedded {
        tsdb: Tsdb,
        maintain: JoinHandle<()>,
    },
    Victoria {
        relay: Relay,
        /// What VictoriaMetrics rounded, written every minute and at a graceful stop.
        reporter: Arc<PrecisionReporter>,
        tasks: RelayTasks,
        report: JoinHandle<()>,
    },
}

impl Points {
    /// Opens what the configuration names and starts its background work.
    ///
    /// With the JetStream log, the relay's barrier runs only where the lease [`BARRIER_LEASE`]
    /// in `leases` is held by `instance` (this instance's id as a lease holder).
    pub async fn open(
        config: &Config,
        clock: Arc<dyn Clock>,
        leases: Arc<dyn LeaseStore>,
        instance: &str,
    ) -> anyhow::Result<Self> {
        match &config.points {
            PointsEngine::Embedded => {
                let tsdb = open_tsdb(config, clock).await?;
                let maintain = tokio::spawn(maintain(tsdb.clone()));
                Ok(Points::Embedded { tsdb, maintain })
            }
            PointsEngine::Victoria {
                endpoints,
                precision,
                log,
                barrier_every,
            } => {
                let engine =
                    Arc::new(connect_victoria(endpoints, *precision, clock.clone()).await?);
                let shared = matches!(log, IngestLogSettings::JetStream { .. });
                let log = open_log(log).await?;
                // A file log is this instance's alone; a JetStream log is shared, and one
                // instance at a time runs the barrier.
                let gate = shared.then(|| {
                    Arc::new(LeaseGate(Lease::new(
                        leases,
                        clock.clone(),
                        BARRIER_LEASE,
                        instance,
                        barrier_every.saturating_mul(BARRIER_LEASE_PERIODS),
                    ))) as Arc<dyn BarrierGate>
                });
                let relay_config = RelayConfig {
                    barrier_every: *barrier_every,
                    gate,
                    ..RelayConfig::default()
                };
                let relay = Relay::new(engine.clone(), log, relay_config);
                let tasks = relay.start();
                let reporter = Arc::new(PrecisionReporter {
                    engine: engine.clone(),
                    relay: relay.clone(),
                    clock,
                    source: instance_name(),
                    reported: tokio::sync::Mutex::new(PrecisionReport::default()),
                });
                let report = tokio::spawn(report_precision(reporter.clone()));
                Ok(Points::Victoria {
                    relay,
                    reporter,
                    tasks,
                    report,
                })
            }
        }
    }

    /// The engine as the HTTP layer reaches it.
    pub fn data_path(&self) -> DataPath {
        match self {
            Points::Embedded { tsdb, .. } => DataPath::of(Arc::new(tsdb.clone())),
            Points::Victoria { relay, .. } => DataPath::of(Arc::new(relay.clone())),
        }
    }

    /// Stops the background work and closes the engine. Every acknowledged point is in the
    /// embedded engine's WAL or in the ingest log already: closing only saves the next start
    /// work.
    pub async fn close(self) {
        match self {
            Points::Embedded { tsdb, maintain } => {
                maintain.abort();
                // An aborted task ends with a cancellation error, the expected outcome here.
                let _ = maintain.await;
                if let Err(e) = tsdb.close().await {
                    tracing::warn!(error = %Chain(&e), "the time-series engine did not close cleanly; its WAL will be replayed");
                }
            }
            Points::Victoria {
                relay,
                reporter,
                tasks,
                report,
            } => {
                report.abort();
                let _ = report.await;
                // The counts since the last report go into the log before the shipper stops: the
                // next start (or another instance) ships them.
                reporter.report().await;
                tasks.stop().await;
                tracing::info!(stats = ?relay.stats(), "VictoriaMetrics relay stopped");
            }
        }
    }

    /// Stops the background work at once (a test fixture's `Drop`).
    pub fn abort(&self) {
        match self {
            Points::Embedded { maintain, .. } => maintain.abort(),
            Points::Victoria { report, .. } => report.abort(),
        }
    }
}

/// Opens the embedded engine under the data directory, replaying its WAL (off the async workers:
/// a large WAL takes seconds).
async fn open_tsdb(config: &Config, clock: Arc<dyn Clock>) -> anyhow::Result<Tsdb> {
    let mut options = crest_tsdb::Options::new(config.tsdb_dir.clone());
    options.retention_ms = config.retention_ms;
    let dir = config.tsdb_dir.clone();
    tokio::task::spawn_blocking(move || Tsdb::open(options, Arc::new(move || clock.now_millis())))
        .await
        .context("the time-series engine's start was interrupted")?
        .with_context(|| format!("cannot open the time-series engine at {}", dir.display()))
}

async fn maintain(tsdb: Tsdb) {
    let mut every = tokio::time::interval(MAINTAIN_INTERVAL);
    loop {
        every.tick().await;
        match tsdb.maintain().await {
            Ok(report) => tracing::debug!(?report, "time-series engine maintained"),
            Err(e) => {
                tracing::warn!(error = %Chain(&e), "time-series maintenance failed; will try again")
            }
        }
    }
}

/// Connects to VictoriaMetrics, refusing one that does not run with
/// `-dedup.minScrapeInterval=1ms` (see [`VictoriaEngine::connect`]).
pub async fn connect_victoria(
    endpoints: &crest_victoria::Endpoints,
    precision: crest_victoria::Precision,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<VictoriaEngine> {
    let mut settings = VictoriaConfig::new(endpoints.clone(), Arc::new(move || clock.now_millis()));
    settings.precision = precision;
    VictoriaEngine::connect(settings)
        .await
        .with_context(|| format!("cannot use VictoriaMetrics at {endpoints:?}"))
}

/// The relay's barrier gate over a lease in the metadata store: the barrier runs while this
/// instance holds the lease, renewed at every barrier tick. A store that does not answer closes
/// the gate (no instance trims until it answers again).
#[derive(Debug)]
struct LeaseGate(Lease);

#[async_trait::async_trait]
impl BarrierGate for LeaseGate {
    async fn may_run(&self) -> bool {
        match self.0.hold().await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(error = %Chain(&e), lease = self.0.name(), "cannot take or renew the relay barrier's lease; skipping this barrier");
                false
            }
        }
    }

    async fn release(&self) {
        if let Err(e) = self.0.release().await {
            tracing::warn!(error = %Chain(&e), lease = self.0.name(), "cannot release the relay barrier's lease; another instance takes it when it runs out");
        }
    }
}

/// Opens the ingest log the settings name.
async fn open_log(settings: &IngestLogSettings) -> anyhow::Result<Arc<dyn IngestLog>> {
    match settings {
        IngestLogSettings::File { dir } => {
            let log = FileLog::open(dir.clone())
                .await
                .with_context(|| format!("cannot open the ingest log at {}", dir.display()))?;
            Ok(Arc::new(log))
        }
        IngestLogSettings::JetStream {
            url,
            deployment,
            replicas,
        } => {
            use secrecy::ExposeSecret as _;
            let config = JetStreamConfig::new(url.expose_secret(), deployment.clone())
                .with_replicas(*replicas);
            let log = JetStreamLog::connect(&config)
                .await
                .context("cannot open the JetStream ingest log")?;
            Ok(Arc::new(log))
        }
    }
}

/// This instance's name as the source of its own metrics: the host name, else `crest`.
fn instance_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "crest".to_owned())
}

/// Writes what VictoriaMetrics rounded since the last report as points of [`ROUNDED_METRIC`] and
/// [`MIXED_METRIC`] (through the log, like any point), and logs a warning when it is not nothing.
#[derive(Debug)]
pub struct PrecisionReporter {
    engine: Arc<VictoriaEngine>,
    relay: Relay,
    clock: Arc<dyn Clock>,
    /// This instance's name, the points' source.
    source: String,
    reported: tokio::sync::Mutex<PrecisionReport>,
}

impl PrecisionReporter {
    /// Reports what was rounded since the last report that was written, if anything.
    pub async fn report(&self) {
        let mut reported = self.reported.lock().await;
        let now = self.engine.precision();
        let rounded = now.rounded.saturating_sub(reported.rounded);
        let mixed = now
            .mixed_magnitudes
            .saturating_sub(reported.mixed_magnitudes);
        if rounded == 0 && mixed == 0 {
            return;
        }
        tracing::warn!(
            rounded,
            mixed_magnitudes = mixed,
            "VictoriaMetrics does not keep some values exactly (see crest admin tsdb status)"
        );
        let batch = precision_points(&self.source, self.clock.now_millis(), rounded, mixed);
        match self.relay.append(batch).await {
            Ok(_) => *reported = now,
            Err(e) => {
                tracing::warn!(error = %Chain(&e), "cannot write the precision report; will try again")
            }
        }
    }
}

/// Reports every [`PRECISION_REPORT_INTERVAL`].
async fn report_precision(reporter: Arc<PrecisionReporter>) {
    let mut every = tokio::time::interval(PRECISION_REPORT_INTERVAL);
    loop {
        every.tick().await;
        reporter.report().await;
    }
}

/// The report's points: one per non-zero counter, at `now` (whole seconds).
fn precision_points(source: &str, now_ms: i64, rounded: u64, mixed: u64) -> crest_series::Batch {
    let mut builder = BatchBuilder::with_capacity(2);
    let timestamp = now_ms.div_euclid(1000).saturating_mul(1000);
    for (metric, count) in [(ROUNDED_METRIC, rounded), (MIXED_METRIC, mixed)] {
        if count == 0 {
            continue;
        }
        // Counts stay far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        let value = count as f64;
        builder.push_parts::<&str, &str>(
            metric,
            source,
            &[],
            crest_series::Sample { timestamp, value },
        );
    }
    builder.finish()
}
