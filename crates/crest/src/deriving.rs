//! The derived-metric runner's place in the server: built from the store and the data path, run
//! every [`DERIVE_EVERY`] (or the configuration's `derived_every_seconds`) by the one instance
//! holding the lease [`DERIVED_LEASE`], so that with several instances each derived metric runs
//! once per period.

use std::sync::Arc;
use std::time::Duration;

use crest_alert::{DerivedReport, DerivedRunner};
use crest_domain::Chain;
use crest_domain::lease::Lease;
use tokio::sync::watch;

/// How often the runner looks for derived metrics that are due (each is due on whole minutes
/// of its period).
pub const DERIVE_EVERY: Duration = Duration::from_secs(10);

/// The lease the runner runs under.
pub const DERIVED_LEASE: &str = "derived";

/// The lease's time to live, in ticks.
pub const DERIVED_LEASE_TICKS: u32 = 6;

/// The longest one derived metric's query may run before it is INVALID.
pub const DERIVED_QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// What this instance's runner did since its start.
pub type DerivedRounds = crate::rounds::Rounds<DerivedReport>;

/// Runs rounds for good: at every tick of `every`, one round if this instance holds (or takes)
/// the lease.
pub async fn run(
    runner: Arc<DerivedRunner>,
    lease: Lease,
    every: Duration,
    counts: watch::Sender<DerivedRounds>,
) {
    crate::rounds::run("derived metrics", lease, every, counts, || {
        let runner = runner.clone();
        async move {
            match runner.round().await {
                Ok(report) => {
                    if report.ran > 0 {
                        tracing::info!(
                            ran = report.ran,
                            points = report.points,
                            skipped = report.skipped,
                            "derived metric round"
                        );
                    }
                    Some(report)
                }
                Err(e) => {
                    tracing::warn!(error = %Chain(&e), "a derived metric round could not run; will try again");
                    None
                }
            }
        }
    })
    .await;
}
