//! When was each token last used: noted on the request's path in memory only (at most once a
//! minute per token), written to the store by a background task that tries a failed batch again
//! before giving it up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crest_domain::Chain;
use crest_domain::clock::EpochMillis;
use crest_domain::store::{Store, TokenUseLog};
use crest_domain::token::TokenId;
use tokio::sync::mpsc;

/// A token's use is recorded at most this often.
pub const USAGE_INTERVAL_MS: i64 = 60_000;
/// Uses waiting to be written; beyond this, new ones are dropped (and noted again a minute later).
const QUEUE: usize = 4096;
/// A batch the store refuses is written again this many times in all before it is given up.
const ATTEMPTS: u32 = 5;
/// The wait after a batch's first failure; each later one waits twice as long (0.1 s to 1.6 s).
const FIRST_RETRY: Duration = Duration::from_millis(100);

/// Notes token uses without ever waiting on the store.
#[derive(Debug, Clone)]
pub struct UsageRecorder {
    sender: mpsc::Sender<(TokenId, EpochMillis)>,
    last_noted: Arc<Mutex<HashMap<TokenId, EpochMillis>>>,
}

impl UsageRecorder {
    /// A recorder and the writer that drains it into `store`; run the writer as a task.
    pub fn new(store: Arc<dyn Store>) -> (Self, UsageWriter) {
        let (sender, receiver) = mpsc::channel(QUEUE);
        (
            Self {
                sender,
                last_noted: Arc::default(),
            },
            UsageWriter {
                log: store,
                receiver,
            },
        )
    }

    /// Notes that `token` was used at `now`, unless it was noted less than a minute ago.
    pub fn note(&self, token: TokenId, now: EpochMillis) {
        let Ok(mut last) = self.last_noted.lock() else {
            return;
        };
        if last
            .get(&token)
            .is_some_and(|at| now - *at < USAGE_INTERVAL_MS)
        {
            return;
        }
        if self.sender.try_send((token, now)).is_ok() {
            last.insert(token, now);
        }
    }
}

/// Writes noted uses to the store, in batches, until every recorder is dropped.
pub struct UsageWriter {
    log: Arc<dyn TokenUseLog>,
    receiver: mpsc::Receiver<(TokenId, EpochMillis)>,
}

impl std::fmt::Debug for UsageWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageWriter").finish_non_exhaustive()
    }
}

impl UsageWriter {
    pub async fn run(mut self) {
        let mut batch = Vec::new();
        while self.receiver.recv_many(&mut batch, 256).await > 0 {
            self.write(&batch).await;
            batch.clear();
        }
    }

    /// Writes one batch, trying again after a failure (a busy or restarting store) with waits
    /// that double. Recording a use keeps the later time, so writing a batch twice is harmless.
    /// A batch still refused after [`ATTEMPTS`] is given up and said so: those tokens' next use
    /// a minute on is noted again.
    async fn write(&self, batch: &[(TokenId, EpochMillis)]) {
        let mut wait = FIRST_RETRY;
        for attempt in 1..=ATTEMPTS {
            match self.log.record_token_use(batch).await {
                Ok(()) => return,
                Err(e) if attempt < ATTEMPTS => {
                    tracing::warn!(attempt, error = %Chain(&e), "could not record token use; will try again");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                Err(e) => tracing::error!(
                    uses = batch.len(),
                    error = %Chain(&e),
                    "could not record token use after {ATTEMPTS} attempts; these uses are dropped"
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use crest_domain::store::StoreError;

    /// A log that refuses its first `failures` writes, then keeps what it is given.
    #[derive(Default)]
    struct Flaky {
        failures: Mutex<u32>,
        attempts: Mutex<u32>,
        kept: Mutex<Vec<(TokenId, EpochMillis)>>,
    }

    #[async_trait]
    impl TokenUseLog for Flaky {
        async fn record_token_use(
            &self,
            uses: &[(TokenId, EpochMillis)],
        ) -> Result<(), StoreError> {
            *self.attempts.lock().expect("lock") += 1;
            let mut failures = self.failures.lock().expect("lock");
            if *failures > 0 {
                *failures -= 1;
                return Err(StoreError::other("the store is busy"));
            }
            self.kept.lock().expect("lock").extend_from_slice(uses);
            Ok(())
        }
    }

    fn writer(log: Arc<Flaky>) -> (mpsc::Sender<(TokenId, EpochMillis)>, UsageWriter) {
        let (sender, receiver) = mpsc::channel(16);
        (sender, UsageWriter { log, receiver })
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_batch_is_written_again() {
        let log = Arc::new(Flaky {
            failures: Mutex::new(ATTEMPTS - 1),
            ..Flaky::default()
        });
        let (sender, writer) = writer(Arc::clone(&log));
        let t = TokenId::parse("0a1b2c3d-0000-4000-8000-000000000001").expect("uuid");
        sender.send((t, 5_000)).await.expect("send");
        drop(sender);
        writer.run().await;
        assert_eq!(*log.attempts.lock().expect("lock"), ATTEMPTS);
        assert_eq!(*log.kept.lock().expect("lock"), vec![(t, 5_000)]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_batch_refused_every_time_is_given_up_and_the_next_one_written() {
        let log = Arc::new(Flaky {
            failures: Mutex::new(ATTEMPTS),
            ..Flaky::default()
        });
        let (sender, writer) = writer(Arc::clone(&log));
        let first = TokenId::parse("0a1b2c3d-0000-4000-8000-000000000002").expect("uuid");
        let second = TokenId::parse("0a1b2c3d-0000-4000-8000-000000000003").expect("uuid");
        let task = tokio::spawn(writer.run());
        sender.send((first, 1_000)).await.expect("send");
        // the first batch's five attempts take 0.1 + 0.2 + 0.4 + 0.8 s of (paused) time
        tokio::time::sleep(Duration::from_secs(2)).await;
        sender.send((second, 2_000)).await.expect("send");
        drop(sender);
        task.await.expect("the writer ends");
        assert_eq!(*log.attempts.lock().expect("lock"), ATTEMPTS + 1);
        assert_eq!(*log.kept.lock().expect("lock"), vec![(second, 2_000)]);
    }

    #[test]
    fn a_token_is_noted_at_most_once_a_minute() {
        let (sender, mut receiver) = mpsc::channel(16);
        let recorder = UsageRecorder {
            sender,
            last_noted: Arc::default(),
        };
        let t = TokenId::parse("0a1b2c3d-0000-4000-8000-000000000000").expect("uuid");
        recorder.note(t, 1_000);
        recorder.note(t, 1_000 + USAGE_INTERVAL_MS - 1);
        recorder.note(t, 1_000 + USAGE_INTERVAL_MS);
        assert_eq!(receiver.try_recv().ok(), Some((t, 1_000)));
        assert_eq!(
            receiver.try_recv().ok(),
            Some((t, 1_000 + USAGE_INTERVAL_MS))
        );
        assert!(receiver.try_recv().is_err());
    }
}
