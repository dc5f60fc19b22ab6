//! In-progress acks: while an instance ships an entry, it tells the consumer so every quarter of the
//! ack wait, so that the entry is not handed out to another instance meanwhile. Without them, an
//! entry whose shipment outlasts the ack wait (a large group under load, an engine that answers
//! slowly) goes to another instance, which may ack it first; the first instance's ack then comes
//! to a hand-out the consumer no longer knows, which NATS Server 2.9 may count past entries not
//! shipped yet (see the parent module).
//!
//! An entry is kept in progress for at most [`limit`] after it was handed out, and not at
//! all once its instance let it go (an ack of its group failed): it then comes back after the ack
//! wait, as it would from an instance that died, and its instance no longer acks it (the consumer
//! may have handed it out again).

use std::sync::{Mutex, Weak};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::{Instant, MissedTickBehavior};

use super::Holding;
use crate::lock::lock;

/// How many ack waits after its hand-out an entry is kept in progress at most: far beyond a
/// shipment that goes well (60 s with the default 4 s ack wait), so that an entry its instance
/// dropped without a word comes back all the same.
const ACK_WAITS_IN_PROGRESS: u32 = 15;

/// What an in-progress ack says.
const IN_PROGRESS: &[u8] = b"+WPI";

/// How often in-progress acks go out for a consumer whose ack wait is `ack_wait`: four times
/// within it, so that one delayed or lost does not let the entry go.
pub(super) fn period(ack_wait: Duration) -> Duration {
    (ack_wait / 4).max(Duration::from_millis(10))
}

/// How long after its hand-out an entry is kept in progress at most.
pub(super) fn limit(ack_wait: Duration) -> Duration {
    ack_wait.saturating_mul(ACK_WAITS_IN_PROGRESS)
}

/// Sends an in-progress ack every [`period`] for each entry of `held` handed out at least that long
/// ago and less than [`limit`], until `held` is dropped (with its log). Best effort: an ack that is
/// not sent lets the entry come back after the ack wait, which is harmless.
pub(super) async fn keep_in_progress(
    held: Weak<Mutex<Holding>>,
    client: async_nats::Client,
    ack_wait: Duration,
) {
    let period = period(ack_wait);
    let limit = limit(ack_wait);
    let mut tick = tokio::time::interval_at(Instant::now() + period, period);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(held) = held.upgrade() else {
            return;
        };
        let now = Instant::now();
        let mut expired = 0usize;
        let replies: Vec<async_nats::Subject> = {
            let mut holding = lock(&held);
            holding
                .entries
                .values_mut()
                .filter(|h| !h.let_go && !h.again)
                .filter_map(|h| {
                    let age = now.saturating_duration_since(h.handed_out);
                    if age >= limit {
                        h.let_go = true;
                        expired += 1;
                        None
                    } else if age >= period {
                        h.reply.clone()
                    } else {
                        None
                    }
                })
                .collect()
        };
        drop(held);
        if expired > 0 {
            tracing::warn!(
                entries = expired,
                ?limit,
                "entries held this long are no longer kept in progress: they come back after the ack wait"
            );
        }
        for reply in replies {
            if client
                .publish(reply, Bytes::from_static(IN_PROGRESS))
                .await
                .is_err()
            {
                // The connection is gone; the next tick tries again.
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_go_out_four_times_within_the_ack_wait_for_fifteen_ack_waits() {
        assert_eq!(period(Duration::from_secs(4)), Duration::from_secs(1));
        assert_eq!(limit(Duration::from_secs(4)), Duration::from_secs(60));
        assert_eq!(period(Duration::from_secs(30)), Duration::from_millis(7500));
        assert_eq!(period(Duration::from_millis(1)), Duration::from_millis(10));
    }
}
