//! The alert evaluator's place in the server: built from the store and the data path, run every
//! [`EVALUATE_EVERY`] by the one instance holding the lease [`ALERTS_LEASE`], so that with several
//! instances each alert is checked once per period.

use std::sync::Arc;
use std::time::Duration;

use crest_alert::{Evaluator, RoundReport};
use crest_domain::Chain;
use crest_domain::lease::Lease;
use tokio::sync::watch;

/// How often the evaluator looks for alerts that are due. Alerts are due on whole minutes of
/// their period; a tick every 10 s checks each within 10 s of its minute ("the exact time of the
/// check can vary slightly within the minute").
pub const EVALUATE_EVERY: Duration = Duration::from_secs(10);

/// The lease the evaluator runs under.
pub const ALERTS_LEASE: &str = "alerts";

/// The lease's time to live, in ticks: the holder renews it at every tick; when it dies, another
/// instance evaluates within this many ticks and one more.
pub const ALERTS_LEASE_TICKS: u32 = 6;

/// The longest one alert's condition may run before the alert is INVALID.
pub const ALERT_QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// What this instance's evaluator did since its start.
pub type AlertRounds = crate::rounds::Rounds<RoundReport>;

/// Runs rounds for good: at every tick of `every`, one round if this instance holds (or takes)
/// the lease.
pub async fn run(
    evaluator: Arc<Evaluator>,
    lease: Lease,
    every: Duration,
    counts: watch::Sender<AlertRounds>,
) {
    crate::rounds::run("alerts", lease, every, counts, || {
        let evaluator = evaluator.clone();
        async move {
            let began = std::time::Instant::now();
            match evaluator.round().await {
                Ok(report) => {
                    if report.checked > 0 {
                        tracing::info!(
                            checked = report.checked,
                            notifications = report.notifications,
                            skipped = report.skipped,
                            took_ms = began.elapsed().as_millis() as u64,
                            "alert round"
                        );
                    }
                    Some(report)
                }
                Err(e) => {
                    tracing::warn!(error = %Chain(&e), "an alert round could not run; will try again");
                    None
                }
            }
        }
    })
    .await;
}
