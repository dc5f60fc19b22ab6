//! Background work that runs in rounds under a lease (the alert evaluator, the derived-metric
//! runner): at every tick, one round if this instance holds (or takes) the lease, so that with
//! several instances each round's work is done once per period.

use std::future::Future;
use std::time::Duration;

use crest_domain::Chain;
use crest_domain::lease::Lease;
use tokio::sync::watch;

/// What one instance's rounds did since its start.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rounds<R> {
    /// Ticks, counted once each tick's work (if any) is done.
    pub ticks: u64,
    /// Rounds this instance ran (holding the lease).
    pub rounds: u64,
    /// The last round's report.
    pub last: R,
}

/// Runs rounds for good: the first one period after the start (not during it), then at every
/// tick of `every`, `round()` when this instance holds the lease (`what` names the work in the
/// log). A round that could not run answers `None` (and has logged why).
pub async fn run<R, F, Fut>(
    what: &'static str,
    lease: Lease,
    every: Duration,
    counts: watch::Sender<Rounds<R>>,
    mut round: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<R>>,
{
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let held = match lease.hold().await {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(error = %Chain(&e), work = what, "cannot take or renew the lease; will try again");
                false
            }
        };
        let report = if held { round().await } else { None };
        counts.send_modify(|c| {
            c.ticks += 1;
            if let Some(r) = report {
                c.rounds += 1;
                c.last = r;
            }
        });
    }
}
