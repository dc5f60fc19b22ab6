//! The ingest log on NATS JetStream, shared by every crest instance of a deployment: no
//! instance's disk holds the only copy of an acknowledged batch, and any instance ships what any
//! instance appended.
//!
//! One stream per deployment, `CREST_<deployment>`, on the subject `crest.<deployment>.batches`:
//! file storage, the replicas asked, retention by limits (no limit set, new messages refused
//! rather than old ones dropped should an operator add one), so that an entry leaves the stream
//! only when crest trims it after a durability barrier, never on an ack. One entry is one message
//! (the batch in [`crate::codec`]'s form); its position is its stream sequence.
//!
//! One durable pull consumer, [`SHIPPER_CONSUMER`], shared by every instance: JetStream hands each
//! message to one fetcher at a time, and hands it to another when it is not acked within the ack
//! wait (its instance died, or is stuck). An ack is a double ack (the server confirms it), so a
//! shipped entry is not handed out again short of a rewind: each entry reaches the engine once in
//! effect (a repeat, after a crash between the write and the ack, rewrites identical values).

mod config;
mod split;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use async_nats::jetstream::consumer::{self, AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::message::Acker;
use async_nats::jetstream::stream::{self, DiscardPolicy, RetentionPolicy, StorageType};
use async_nats::jetstream::{self, AckKind, ErrorCode};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::join_all;

use crate::codec;
use crate::error::{Cause, LogError};
use crate::log::{Entry, IngestLog, Position};

pub use config::{
    ConnectError, DEFAULT_ACK_WAIT, JetStreamConfig, MAX_DEPLOYMENT_LEN, SHIPPER_CONSUMER,
};

/// How many deletions a trim has in flight at once.
const TRIM_IN_FLIGHT: usize = 256;

/// How many entries may be handed out and not yet shipped, over every instance, before the
/// consumer hands out no more: room for several shippers that each ask for hundreds (servers
/// default to fewer).
const MAX_ACK_PENDING: i64 = 20_000;

/// A deployment's log on JetStream, as one instance sees it.
pub struct JetStreamLog {
    client: async_nats::Client,
    context: jetstream::Context,
    stream: stream::Stream,
    stream_name: String,
    subject: String,
    consumer: PullConsumer,
    /// What `rewind` recreates the consumer with.
    consumer_config: pull::Config,
    /// The entries `next` handed out on this instance and not yet shipped, by stream sequence:
    /// what acks them.
    held: Mutex<HashMap<u64, Acker>>,
}

impl std::fmt::Debug for JetStreamLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStreamLog")
            .field("stream", &self.stream_name)
            .field("subject", &self.subject)
            .field("held", &self.lock_held().len())
            .finish_non_exhaustive()
    }
}

/// A closure that makes an async-nats error a [`LogError::Unavailable`] with `context`.
fn unavailable<E: Into<Cause>>(context: impl Into<String>) -> impl FnOnce(E) -> LogError {
    let context = context.into();
    move |source| LogError::unavailable_because(context, source)
}

impl JetStreamLog {
    /// Connects to the NATS server, creates the deployment's stream and the shipper consumer when
    /// absent, and checks them when present (another instance made them).
    pub async fn connect(config: &JetStreamConfig) -> Result<Self, ConnectError> {
        config.validate()?;
        let client =
            async_nats::connect(config.server_addrs()?)
                .await
                .map_err(ConnectError::nats(format!(
                    "cannot connect to NATS at {}",
                    config.shown_url()
                )))?;
        let context = jetstream::new(client.clone());
        let stream_name = config.stream_name();
        let subject = config.subject();

        let wanted = stream::Config {
            name: stream_name.clone(),
            subjects: vec![subject.clone()],
            retention: RetentionPolicy::Limits,
            storage: StorageType::File,
            num_replicas: config.replicas,
            discard: DiscardPolicy::New,
            max_messages: -1,
            max_bytes: -1,
            max_consumers: -1,
            ..Default::default()
        };
        let mut stream = context
            .get_or_create_stream(wanted)
            .await
            .map_err(ConnectError::nats(format!(
                "cannot get or create the JetStream stream {stream_name}"
            )))?;
        let info = stream.info().await.map_err(ConnectError::nats(format!(
            "cannot read the JetStream stream {stream_name}"
        )))?;
        config::check_stream(&info.config, &subject, config.replicas)?;

        let consumer_config = pull::Config {
            durable_name: Some(SHIPPER_CONSUMER.to_string()),
            description: Some("crest's shippers: every instance fetches from it".to_string()),
            deliver_policy: DeliverPolicy::All,
            ack_policy: AckPolicy::Explicit,
            ack_wait: config.ack_wait,
            max_deliver: -1,
            max_ack_pending: MAX_ACK_PENDING,
            ..Default::default()
        };
        let consumer: PullConsumer = stream
            .get_or_create_consumer(SHIPPER_CONSUMER, consumer_config.clone())
            .await
            .map_err(ConnectError::nats(format!(
                "cannot get or create the consumer {SHIPPER_CONSUMER} of {stream_name}"
            )))?;
        let found = &consumer.cached_info().config;
        if found.ack_policy != AckPolicy::Explicit {
            return Err(ConnectError::Mismatch {
                what: format!("consumer {SHIPPER_CONSUMER} of {stream_name}"),
                reason: format!("acks {:?}, not explicitly", found.ack_policy),
            });
        }

        Ok(Self {
            client,
            context,
            stream,
            stream_name,
            subject,
            consumer,
            consumer_config,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// The deployment's stream, `CREST_<deployment>`.
    pub fn stream_name(&self) -> &str {
        &self.stream_name
    }

    /// The subject entries are published on, `crest.<deployment>.batches`.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// How many entries `next` handed out on this instance that are not shipped yet (as far as
    /// this instance knows: [`IngestLog::shipped_through`] forgets those another instance shipped).
    pub fn holding(&self) -> usize {
        self.lock_held().len()
    }

    fn lock_held(&self) -> MutexGuard<'_, HashMap<u64, Acker>> {
        // The map stays consistent whatever a panicking holder did (inserts and removes only).
        self.held
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Creates the shipper consumer again if it is missing (an instance that rewound died between
    /// deleting it and creating it again), so that a failed fetch heals for the next call. Best
    /// effort: when the consumer exists this only reads it, and a failure here changes nothing.
    async fn restore_consumer(&self) {
        let _: Result<PullConsumer, _> = self
            .stream
            .get_or_create_consumer(SHIPPER_CONSUMER, self.consumer_config.clone())
            .await;
    }

    /// The stream's first sequence: the oldest untrimmed entry, or the next one when none is left
    /// (0 before the first append).
    async fn first_sequence(&self) -> Result<u64, LogError> {
        let info = self.stream.get_info().await.map_err(unavailable(format!(
            "cannot read the stream {}",
            self.stream_name
        )))?;
        Ok(info.state.first_sequence)
    }

    /// Up to `max` messages, waiting up to `wait` for the first: one pull request for the first
    /// (answered as soon as one is there), then one that takes what else is there without waiting,
    /// so that a shipper asking for many is not kept waiting for a full batch.
    async fn fetch(&self, max: usize, wait: Duration) -> Result<Vec<jetstream::Message>, LogError> {
        let mut messages = Vec::new();
        let first = if wait.is_zero() {
            self.consumer.fetch().max_messages(1).messages().await
        } else {
            self.consumer
                .batch()
                .max_messages(1)
                .expires(wait)
                .messages()
                .await
        };
        let outcome = match first {
            Ok(mut first) => drain(&mut first, &mut messages).await,
            Err(err) => Err(LogError::unavailable_because(
                format!(
                    "cannot fetch from the consumer {SHIPPER_CONSUMER} of {}",
                    self.stream_name
                ),
                err,
            )),
        };
        if let Err(err) = outcome {
            nak_all(&messages).await;
            self.restore_consumer().await;
            return Err(err);
        }
        if messages.is_empty() {
            // A pull request to a missing consumer is not refused: it goes unanswered until the
            // client gives up (the wait and 5 s more) and looks like an empty log. An idle
            // shipper checks, one request a wait, that the consumer is there.
            self.restore_consumer().await;
            return Ok(messages);
        }
        if max <= 1 {
            return Ok(messages);
        }
        // What came so far is good whatever this request answers: a failure here (the consumer's
        // max ack pending reached, the consumer deleted by a rewind) ends the call with what it
        // has, and the next call meets the failure again if it lasts.
        if let Ok(mut rest) = self.consumer.fetch().max_messages(max - 1).messages().await {
            let _ = drain(&mut rest, &mut messages).await;
        }
        Ok(messages)
    }
}

/// Reads a pull request's messages to its end into `messages`.
async fn drain(
    batch: &mut pull::Batch,
    messages: &mut Vec<jetstream::Message>,
) -> Result<(), LogError> {
    while let Some(message) = batch.next().await {
        messages.push(message.map_err(unavailable("a JetStream pull request failed"))?);
    }
    Ok(())
}

/// Hands these messages back at once (not after the ack wait): a call failed before handing them
/// to its caller. Best effort: a nak that fails leaves the message to the ack wait.
async fn nak_all(messages: &[jetstream::Message]) {
    join_all(messages.iter().map(|m| m.ack_with(AckKind::Nak(None)))).await;
}

#[async_trait::async_trait]
impl IngestLog for JetStreamLog {
    /// Publishes the batch and waits for JetStream's publish ack (the stream's replicas stored it).
    ///
    /// A batch whose encoding is over the server's max payload (1 MiB by default) is cut into
    /// several consecutive batches, each under it, published in order; the answer is the last
    /// one's position. A failure midway leaves the first parts logged (they will be shipped):
    /// the client, not acknowledged, sends the batch again, and shipping its points a second time
    /// writes identical values, which is harmless.
    async fn append(&self, batch: &crest_series::Batch) -> Result<Position, LogError> {
        // The limit the server announced (the client refuses a larger publish).
        let limit = self.client.max_payload();
        let payloads = split::encode_within(batch, limit)?;
        let mut last = Position(0);
        for payload in payloads {
            let ack = self
                .context
                .publish(self.subject.clone(), Bytes::from(payload))
                .await
                .map_err(unavailable(format!("cannot publish to {}", self.subject)))?
                .await
                .map_err(unavailable(format!(
                    "JetStream did not store a batch published to {}",
                    self.subject
                )))?;
            last = Position(ack.sequence);
        }
        Ok(last)
    }

    async fn last_position(&self) -> Result<Position, LogError> {
        let info = self.stream.get_info().await.map_err(unavailable(format!(
            "cannot read the stream {}",
            self.stream_name
        )))?;
        Ok(Position(info.state.last_sequence))
    }

    /// A message that does not decode is terminated (JetStream never hands it out again, and
    /// counts it done for the ack floor) and reported as [`LogError::Corrupt`] naming its
    /// sequence, so that it cannot block the log forever; its points are lost, which the error
    /// says. The other messages of the same call are handed back at once for the next call.
    async fn next(&self, max: usize, wait: Duration) -> Result<Vec<Entry>, LogError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let messages = self.fetch(max, wait).await?;
        let mut sequenced = Vec::with_capacity(messages.len());
        for message in &messages {
            match message.info() {
                Ok(info) => sequenced.push(info.stream_sequence),
                Err(err) => {
                    nak_all(&messages).await;
                    return Err(LogError::unavailable_because(
                        "a JetStream message without its stream sequence",
                        err,
                    ));
                }
            }
        }
        let mut entries = Vec::with_capacity(messages.len());
        let mut good = Vec::with_capacity(messages.len());
        let mut corrupt = None;
        for (message, sequence) in messages.into_iter().zip(sequenced) {
            match codec::decode(&message.payload) {
                Ok(batch) => {
                    entries.push(Entry {
                        position: Position(sequence),
                        batch,
                    });
                    good.push((sequence, message));
                }
                Err(err) => {
                    // Best effort: if the term is lost, the message comes back after the ack wait
                    // and is reported again.
                    let _ = message.ack_with(AckKind::Term).await;
                    corrupt.get_or_insert((sequence, err));
                }
            }
        }
        if let Some((sequence, cause)) = corrupt {
            join_all(good.iter().map(|(_, m)| m.ack_with(AckKind::Nak(None)))).await;
            return Err(LogError::Corrupt {
                context: format!(
                    "entry {sequence} of the JetStream stream {} does not decode: dropped from the log (its points are lost)",
                    self.stream_name
                ),
                source: Some(Box::new(cause)),
            });
        }
        self.lock_held().extend(
            good.into_iter()
                .map(|(sequence, message)| (sequence, message.split().1)),
        );
        entries.sort_by_key(|entry| entry.position);
        Ok(entries)
    }

    /// Acks each entry and waits for the server to confirm it (a double ack), all at once.
    ///
    /// A position this instance does not hold (shipped already, or handed out before a `rewind`,
    /// which hands it out again) is passed over: shipping twice is harmless. An ack that fails is
    /// kept for a retry, and the first failure is the answer.
    async fn shipped(&self, positions: &[Position]) -> Result<(), LogError> {
        let taken: Vec<(u64, Acker)> = {
            let mut held = self.lock_held();
            positions
                .iter()
                .filter_map(|p| held.remove(&p.0).map(|acker| (p.0, acker)))
                .collect()
        };
        let outcomes = join_all(taken.iter().map(|(_, acker)| acker.double_ack())).await;
        let mut first_failure = None;
        let mut failed = Vec::new();
        for ((sequence, acker), outcome) in taken.into_iter().zip(outcomes) {
            if let Err(err) = outcome {
                first_failure.get_or_insert((sequence, err));
                failed.push((sequence, acker));
            }
        }
        if !failed.is_empty() {
            self.lock_held().extend(failed);
        }
        match first_failure {
            None => Ok(()),
            Some((sequence, err)) => Err(LogError::unavailable_because(
                format!(
                    "JetStream did not confirm the ack of entry {sequence} of {}",
                    self.stream_name
                ),
                err,
            )),
        }
    }

    /// The consumer's ack floor (every entry at or before it was acked, by any instance), or the
    /// last trimmed entry when that is further: only shipped entries are trimmed, and a consumer
    /// created again by `rewind` starts with an ack floor of 0.
    async fn shipped_through(&self) -> Result<Position, LogError> {
        let info = match self.consumer.get_info().await {
            Ok(info) => info,
            Err(err) => {
                self.restore_consumer().await;
                return Err(LogError::unavailable_because(
                    format!(
                        "cannot read the consumer {SHIPPER_CONSUMER} of {}",
                        self.stream_name
                    ),
                    err,
                ));
            }
        };
        let acked = info.ack_floor.stream_sequence;
        let trimmed = self.first_sequence().await?.saturating_sub(1);
        let through = acked.max(trimmed);
        // What this instance still holds at or before it was shipped by another instance (it
        // came back to that one after the ack wait): nothing left to ack.
        self.lock_held().retain(|sequence, _| *sequence > through);
        Ok(Position(through))
    }

    /// Deletes the stream's entries through `position`, one by one, `TRIM_IN_FLIGHT` (256) requests
    /// at a time, oldest first; the stream's first sequence follows. A position past the stream's
    /// last is taken as the last (the next append still follows on).
    ///
    /// Not JetStream's purge: a purge also drops every entry the consumer awaits an ack for,
    /// those after the purge too. An instance that holds some ships them all the same (its acks
    /// are then ignored, and the ack floor stays behind them: reads wait for them until the read
    /// wait fails), and one that dies holding them leaves them to nobody: acknowledged points
    /// lost. Both were seen under kill -9 with scripts/kill9-cluster. Deleting a message leaves
    /// the consumer as it is, and only shipped entries (acked: none awaits its ack) are deleted.
    async fn trim_through(&self, position: Position) -> Result<(), LogError> {
        let last = self.last_position().await?;
        let through = position.min(last).0;
        let first = self.first_sequence().await?.max(1);
        if through < first {
            return Ok(());
        }
        let sequences: Vec<u64> = (first..=through).collect();
        for chunk in sequences.chunks(TRIM_IN_FLIGHT) {
            // An entry deleted already (another instance trims too) answers an error: whether
            // the trim happened is read from the stream's first sequence below.
            join_all(chunk.iter().map(|seq| self.stream.delete_message(*seq))).await;
        }
        let now_first = self.first_sequence().await?;
        if now_first <= through {
            return Err(LogError::unavailable(format!(
                "cannot delete the entries of {} through {through}: entry {now_first} is still there",
                self.stream_name
            )));
        }
        Ok(())
    }

    /// Deletes the shipper consumer and creates it again, delivering from the stream's first
    /// (untrimmed) entry: every entry is handed out again, whoever had shipped it.
    ///
    /// What this does to other instances: a pull request of theirs waiting on the old consumer
    /// ends at once in an error (the server answers "409 Consumer Deleted"; their next call
    /// fetches from the new consumer), and the entries they hold are handed out again. Their acks
    /// still land (the new consumer has the same name, and JetStream matches an ack to an entry by
    /// its stream sequence): an ack for an entry the new consumer has handed out again and not yet
    /// seen acked completes it. That is right for a write that reached the engine after its
    /// restart, and loses the entry in the engine for a write the restart lost whose ack was held
    /// up until after the rewind (a shipper acks right after the engine answers, and a rewind
    /// follows the restart by the time it takes to notice it, so the window is an ack delayed
    /// that long).
    async fn rewind(&self) -> Result<(), LogError> {
        self.lock_held().clear();
        match self.stream.delete_consumer(SHIPPER_CONSUMER).await {
            Ok(_) => {}
            Err(err)
                if matches!(
                    err.kind(),
                    stream::ConsumerErrorKind::JetStream(ref js)
                        if js.error_code() == ErrorCode::CONSUMER_NOT_FOUND
                ) => {}
            Err(err) => {
                return Err(LogError::unavailable_because(
                    format!(
                        "cannot delete the consumer {SHIPPER_CONSUMER} of {} to rewind",
                        self.stream_name
                    ),
                    err,
                ));
            }
        }
        // Another instance rewinding at the same time may have created it already: creating it
        // with the same configuration answers the existing one.
        let _: consumer::PullConsumer = self
            .stream
            .create_consumer(self.consumer_config.clone())
            .await
            .map_err(unavailable(format!(
                "cannot create the consumer {SHIPPER_CONSUMER} of {} again to rewind",
                self.stream_name
            )))?;
        Ok(())
    }
}
