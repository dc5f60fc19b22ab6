//! How much ingestion runs at once: a bounded number of bodies between being read and being
//! acknowledged (parsed, appended, made durable). A body that finds every slot taken waits a
//! moment for one; if none frees, ingestion has fallen behind and the body is pushed back (429),
//! which a wavefront-proxy answers by backing off and keeping its batch queued.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bodies in flight by default: enough to keep the engine's group commit full on a small machine,
/// few enough that the parsed batches waiting for it stay within memory.
pub const DEFAULT_IN_FLIGHT: usize = 32;
/// How long a body waits for a slot by default before it is pushed back.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(5);

/// Every slot stayed taken for the whole wait.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "ingestion is behind: {in_flight} batches are being taken and none finished within {wait_ms} ms; send this one again later"
)]
pub struct Behind {
    pub in_flight: usize,
    pub wait_ms: u128,
}

/// The slots; cheap to clone.
#[derive(Debug, Clone)]
pub struct IngestGate {
    slots: Arc<Semaphore>,
    in_flight: usize,
    wait: Duration,
}

/// A slot, held until dropped.
#[derive(Debug)]
pub struct Slot {
    _permit: OwnedSemaphorePermit,
}

impl Default for IngestGate {
    fn default() -> Self {
        Self::new(DEFAULT_IN_FLIGHT, DEFAULT_WAIT)
    }
}

impl IngestGate {
    /// `in_flight` slots (at least one); a body waits up to `wait` for one.
    pub fn new(in_flight: usize, wait: Duration) -> Self {
        let in_flight = in_flight.max(1);
        Self {
            slots: Arc::new(Semaphore::new(in_flight)),
            in_flight,
            wait,
        }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// A slot, or [`Behind`] when none frees within the wait. A free slot is taken at once, even
    /// with no wait at all.
    pub async fn enter(&self) -> Result<Slot, Behind> {
        let behind = Behind {
            in_flight: self.in_flight,
            wait_ms: self.wait.as_millis(),
        };
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Slot { _permit: permit }),
            // The semaphore is never closed; a closed one could only mean no slot will ever free.
            Ok(Err(_)) | Err(_) => Err(behind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_free_slot_is_taken_at_once_even_without_a_wait() {
        let gate = IngestGate::new(2, Duration::ZERO);
        let first = gate.enter().await.expect("a slot");
        let _second = gate.enter().await.expect("a slot");
        let refused = gate.enter().await.expect_err("every slot is taken");
        assert_eq!(refused.in_flight, 2);
        assert!(
            refused.to_string().contains("ingestion is behind"),
            "{refused}"
        );
        drop(first);
        gate.enter().await.expect("a slot freed");
    }

    #[tokio::test]
    async fn a_body_waits_for_a_slot_that_frees_within_the_wait() {
        let gate = IngestGate::new(1, Duration::from_secs(3600));
        let held = gate.enter().await.expect("a slot");
        let waiting = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.enter().await.map(|_| ()) })
        };
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "it waits while the slot is held");
        drop(held);
        assert_eq!(waiting.await.expect("joins"), Ok(()));
    }
}
