//! When was each token last used: noted on the request's path in memory only (at most once a
//! minute per token), written to the store by a background task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crest_domain::clock::EpochMillis;
use crest_domain::store::Store;
use crest_domain::token::TokenId;
use tokio::sync::mpsc;

/// A token's use is recorded at most this often.
pub const USAGE_INTERVAL_MS: i64 = 60_000;
/// Uses waiting to be written; beyond this, new ones are dropped (and noted again a minute later).
const QUEUE: usize = 4096;

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
            UsageWriter { store, receiver },
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
#[derive(Debug)]
pub struct UsageWriter {
    store: Arc<dyn Store>,
    receiver: mpsc::Receiver<(TokenId, EpochMillis)>,
}

impl UsageWriter {
    pub async fn run(mut self) {
        let mut batch = Vec::new();
        while self.receiver.recv_many(&mut batch, 256).await > 0 {
            if let Err(e) = self.store.record_token_use(&batch).await {
                tracing::warn!("could not record token use: {e}");
            }
            batch.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
