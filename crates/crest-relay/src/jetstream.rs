//! The ingest log on NATS JetStream, shared by every crest instance of a deployment: no
//! instance's disk holds the only copy of an acknowledged batch, and any instance ships what any
//! instance appended.
//!
//! One stream per deployment, `CREST_<deployment>`, on the subject `crest.<deployment>.batches`:
//! file storage, the replicas asked, retention by limits (no limit set, new messages refused
//! rather than old ones dropped should an operator add one), so that an entry leaves the stream
//! only when crest trims it after a durability barrier, never on an ack. One entry is one message
//! (the batch in [`crate::codec`]'s compressed form, about a third of the plain one's bytes to
//! send, store and replicate); its position is its stream sequence.
//!
//! One durable pull consumer, shared by every instance: JetStream hands each message to one
//! fetcher at a time, and hands it to another when it is not acked within the ack wait (its
//! instance died, or is stuck). While an instance ships an entry it sends an in-progress ack every
//! quarter of the ack wait (`jetstream/progress.rs`), so a slow shipment keeps its entry. An ack
//! is a double ack (the server confirms it), so a shipped entry is not handed out again short of a
//! rewind: each entry reaches the engine once in effect (a repeat, after a crash between the write
//! and the ack, rewrites identical values).
//!
//! A rewind replaces the consumer with one of the next *generation* (named by [`consumer_name`]:
//! `shipper-1`, `shipper-2`, …) instead of deleting it and creating it again under the same name.
//! An ack names the consumer it is for, so an ack held up past a rewind (an instance wrote an
//! entry to an engine that then restarted) reaches no consumer. Under one name it would land on
//! the new consumer: it would complete the entry handed out again before anyone wrote it anew,
//! and NATS Server 2.9 may even move the new consumer's ack floor to it, past entries not handed
//! out yet (an ack whose delivery number follows the floor moves the floor to its stream
//! sequence). A barrier would then trim entries the restarted engine never had: acknowledged
//! points lost, as scripts/kill9-cluster once found. An instance moves to the newest generation
//! when its consumer is gone, when a fetch finds nothing, and when the stream has more than one
//! consumer.
//!
//! What was shipped is not read from the consumer at all. NATS Server 2.9 also moves the ack
//! floor on an ack within one generation that it cannot match to a hand-out (the entry was handed
//! out again after the ack wait, to another instance, which acked it first), past entries still
//! awaiting their ack, and no check of the consumer's counts sees every such floor (the likely
//! cause of 20 acknowledged batches lost in a `MODE=vm` run of scripts/kill9-cluster under heavy
//! load). Instead, every instance records what it shipped, and for which generation, in a stream
//! of its own before it acks (`jetstream/record.rs`), and every instance reads every record
//! (`jetstream/shipments.rs`): `shipped_through`, and so what a barrier trims, is the longest run
//! of recorded entries after the last trimmed one. Acks only tell JetStream not to hand an entry
//! out again.

mod config;
mod generation;
mod progress;
mod record;
mod shipments;
mod split;

use std::collections::{HashMap, HashSet};
use std::future::{Future, IntoFuture};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::message::Acker;
use async_nats::jetstream::stream::{self, DiscardPolicy, RetentionPolicy, StorageType};
use async_nats::jetstream::{self, AckKind, ErrorCode};
use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::future::join_all;

use crate::codec;
use crate::error::{Cause, LogError};
use crate::lock::lock;
use crate::log::{Entry, IngestLog, Position};
use shipments::Shipments;

pub use config::{ConnectError, DEFAULT_ACK_WAIT, JetStreamConfig, MAX_DEPLOYMENT_LEN};
pub use generation::{SHIPPER_CONSUMER, consumer_name, generation_of};

/// How many deletions a trim has in flight at once.
const TRIM_IN_FLIGHT: usize = 256;

/// How many entries may be handed out and not yet shipped, over every instance, before the
/// consumer hands out no more: room for several shippers that each ask for hundreds (servers
/// default to fewer).
const MAX_ACK_PENDING: i64 = 20_000;

/// How long after its wait a pull request that got no answer is given up: the server answers
/// by the end of the wait, unless the consumer is gone (a rewind by another instance replaced it),
/// which it does not answer at all.
const PULL_GRACE: Duration = Duration::from_millis(500);

/// The most positions one shipment record names (32 KiB of payload); more make several records.
const RECORD_MAX_POSITIONS: usize = 4096;

/// How long `shipped_through` waits for this instance to read the shipment records stored before
/// it was called (they come within milliseconds); past it, it answers from what was read, which
/// only counts fewer entries shipped, and has the reader read again on a consumer of its own (see
/// [`record::read_records`]).
const RECORDS_WAIT: Duration = Duration::from_secs(2);

/// How long one question about a stream's state may go unanswered before it is given up. Answered
/// within milliseconds while the stream has a leader; while a new leader is elected (the server
/// of the last one died), a request goes unanswered until the connection's request timeout (10
/// s, a whole read wait), where one asked again after this is answered once the new leader is
/// there (`scripts/try-cluster --check`). Only reads of state are bounded so: giving up on one
/// changes nothing.
const STATE_WAIT: Duration = Duration::from_secs(2);

/// How long one publish of a shipment record waits for JetStream's ack before the record is
/// published again. Stored within milliseconds while the records stream has a leader; while a new
/// one is elected (the server of the last one died), a publish goes unanswered until async-nats's
/// ack timeout (5 s, past the entries' ack wait: they were handed out again, and a read waited
/// for them to come back), where one published again after this is stored once the leader is
/// there. A record stored twice names the same entries twice, which changes nothing.
const RECORD_ATTEMPT_WAIT: Duration = Duration::from_secs(1);

/// The pause before a shipment record is published again after a failed publish (one refused at
/// once, such as "stream not found" while the stream has no leader, is not tried again at once).
const RECORD_RETRY_PAUSE: Duration = Duration::from_millis(250);

/// How long a shipment record is published again before the shipment fails: longer than a stream
/// takes to elect a new leader (4 to 7 s in `scripts/try-cluster --check`; a budget of the 4 s ack
/// wait gave up 0.6 s before one), as long as a read waits. Past the ack wait the entries are
/// handed out again, and may be shipped and recorded by another instance meanwhile, which
/// changes nothing either.
const RECORD_RETRY_BUDGET: Duration = Duration::from_secs(10);

/// How many times `connect` looks for the newest generation of the shipper consumer when the one it
/// found is deleted (by a rewind) before it could read it.
const JOIN_TRIES: usize = 5;

/// A deployment's log on JetStream, as one instance sees it.
pub struct JetStreamLog {
    client: async_nats::Client,
    context: jetstream::Context,
    stream: stream::Stream,
    stream_name: String,
    subject: String,
    /// The generation of the shipper consumer this instance fetches from.
    current: Mutex<Current>,
    /// What every generation of the shipper consumer is created with (but its name).
    consumer_config: pull::Config,
    /// The entries `next` handed out on this instance and not yet shipped, by stream sequence.
    held: Arc<Mutex<Holding>>,
    /// Sends the in-progress acks of what `held` holds (see [`progress`]); ends with the log.
    in_progress: tokio::task::AbortHandle,
    /// The shipment records (see [`record`]): their stream, what their subjects start with.
    records_stream: stream::Stream,
    records_prefix: String,
    /// What this instance knows was shipped, from its own shipments and every instance's records.
    shipments: Arc<Mutex<Shipments>>,
    /// The newest record this instance read (its sequence in the records stream).
    records_read: tokio::sync::watch::Sender<u64>,
    /// Reads the records into `shipments`; ends with the log.
    reader: tokio::task::AbortHandle,
    /// Tells the reader to read again on a new consumer (it fell behind the records stream).
    read_again: Arc<tokio::sync::Notify>,
}

impl Drop for JetStreamLog {
    fn drop(&mut self) {
        self.in_progress.abort();
        self.reader.abort();
    }
}

/// The shipper consumer an instance fetches from, and its generation.
struct Current {
    generation: u64,
    consumer: PullConsumer,
}

/// What this instance holds of the entries handed out to it.
#[derive(Default)]
struct Holding {
    /// By stream sequence: the last hand-out of each entry not yet shipped.
    entries: HashMap<u64, Held>,
    /// Entries an older generation handed out to this instance that it may still be shipping
    /// when a newer generation hands them out again (see [`Held::again`]).
    earlier: HashSet<u64>,
}

/// An entry handed out on this instance.
struct Held {
    /// The generation of the consumer that handed it out.
    generation: u64,
    acker: Acker,
    /// Where its in-progress acks go (the same subject as its ack).
    reply: Option<async_nats::Subject>,
    handed_out: tokio::time::Instant,
    /// No longer kept in progress: it comes back after the ack wait (see [`progress`]).
    let_go: bool,
    /// Handed out again by a newer generation while this instance may still ship the earlier
    /// hand-out, to an engine that has since restarted. `shipped` cannot tell which of the two
    /// it is told of, so it acks neither: the entry comes back after the ack wait.
    again: bool,
}

impl std::fmt::Debug for JetStreamLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStreamLog")
            .field("stream", &self.stream_name)
            .field("subject", &self.subject)
            .field("generation", &self.generation())
            .field("held", &self.lock_held().entries.len())
            .finish_non_exhaustive()
    }
}

/// A closure that makes an async-nats error a [`LogError::Unavailable`] with `context`.
fn unavailable<E: Into<Cause>>(context: impl Into<String>) -> impl FnOnce(E) -> LogError {
    let context = context.into();
    move |source| LogError::unavailable_because(context, source)
}

/// Runs `attempt` until it succeeds, again after `pause` each time it fails, as long as the next
/// attempt would start within `budget` of the first: past that, the last failure is the answer.
async fn retried_within<T, F, Fut>(
    budget: Duration,
    pause: Duration,
    mut attempt: F,
) -> Result<T, LogError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, LogError>>,
{
    let give_up = tokio::time::Instant::now() + budget;
    loop {
        match attempt().await {
            Ok(answer) => return Ok(answer),
            Err(err) if tokio::time::Instant::now() + pause < give_up => {
                tracing::debug!(error = ?err, "trying again after {pause:?}");
                tokio::time::sleep(pause).await;
            }
            Err(err) => return Err(err),
        }
    }
}

/// The state of `stream` (named `name`), asked for at most [`STATE_WAIT`].
async fn state_of(stream: &stream::Stream, name: &str) -> Result<stream::State, LogError> {
    answered_within(STATE_WAIT, &format!("the stream {name}"), stream.get_info())
        .await
        .map(|info| info.state)
}

/// `call`'s answer, or [`LogError::Unavailable`] naming `what` and `wait` when none came within
/// `wait` (the call is dropped).
async fn answered_within<T, E: Into<Cause>>(
    wait: Duration,
    what: &str,
    call: impl Future<Output = Result<T, E>>,
) -> Result<T, LogError> {
    bounded(
        wait,
        call,
        || format!("cannot read {what}"),
        || {
            format!(
                "{what} did not answer within {wait:?} (a NATS server that led it may have died, and a new leader is not elected yet)"
            )
        },
    )
    .await
}

/// `call`'s answer within `wait`: its error as [`LogError::Unavailable`] in the context `refused`
/// names, or one with the text `unanswered` gives when no answer came (the call is dropped).
async fn bounded<T, E: Into<Cause>>(
    wait: Duration,
    call: impl IntoFuture<Output = Result<T, E>>,
    refused: impl FnOnce() -> String,
    unanswered: impl FnOnce() -> String,
) -> Result<T, LogError> {
    match tokio::time::timeout(wait, call).await {
        Ok(answer) => answer.map_err(|err| LogError::unavailable_because(refused(), err)),
        Err(_) => Err(LogError::unavailable(unanswered())),
    }
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

        let stream = open_stream(&context, &stream_name, &subject, config.replicas).await?;

        let consumer_config = pull::Config {
            description: Some("crest's shippers: every instance fetches from it".to_string()),
            deliver_policy: DeliverPolicy::All,
            ack_policy: AckPolicy::Explicit,
            ack_wait: config.ack_wait,
            max_deliver: -1,
            max_ack_pending: MAX_ACK_PENDING,
            ..Default::default()
        };
        let (generation, consumer) =
            newest_consumer(&stream, &consumer_config)
                .await
                .map_err(ConnectError::nats(format!(
                    "cannot find or create the shipper consumer of {stream_name}"
                )))?;
        let found = &consumer.cached_info().config;
        if found.ack_policy != AckPolicy::Explicit {
            return Err(ConnectError::Mismatch {
                what: format!("consumer {} of {stream_name}", consumer_name(generation)),
                reason: format!("acks {:?}, not explicitly", found.ack_policy),
            });
        }

        let records_prefix = config.records_subject_prefix();
        let records_stream = open_stream(
            &context,
            &config.records_stream_name(),
            &format!("{records_prefix}.*"),
            config.replicas,
        )
        .await?;

        let held = Arc::new(Mutex::new(Holding::default()));
        let in_progress = tokio::spawn(progress::keep_in_progress(
            Arc::downgrade(&held),
            client.clone(),
            found.ack_wait,
        ))
        .abort_handle();
        let shipments = Arc::new(Mutex::new(Shipments::default()));
        lock(&shipments).forget_before(generation);
        let records_read = tokio::sync::watch::Sender::new(0);
        let read_again = Arc::new(tokio::sync::Notify::new());
        let reader = tokio::spawn(record::read_records(
            records_stream.clone(),
            records_prefix.clone(),
            Arc::downgrade(&shipments),
            records_read.clone(),
            Arc::clone(&read_again),
        ))
        .abort_handle();
        Ok(Self {
            client,
            context,
            stream,
            stream_name,
            subject,
            current: Mutex::new(Current {
                generation,
                consumer,
            }),
            consumer_config,
            held,
            in_progress,
            records_stream,
            records_prefix,
            shipments,
            records_read,
            reader,
            read_again,
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
        self.lock_held().entries.len()
    }

    /// The generation of the shipper consumer this instance fetches from (see the module's
    /// documentation).
    pub fn generation(&self) -> u64 {
        self.lock_current().generation
    }

    fn lock_held(&self) -> MutexGuard<'_, Holding> {
        lock(&self.held)
    }

    fn lock_current(&self) -> MutexGuard<'_, Current> {
        lock(&self.current)
    }

    /// The consumer this instance fetches from, and its generation.
    fn consumer(&self) -> (u64, PullConsumer) {
        let current = self.lock_current();
        (current.generation, current.consumer.clone())
    }

    /// Fetches from `consumer` from now on, and forgets the entries held from older generations
    /// (the new one hands them out again; their acks would reach no consumer), remembering that
    /// this instance may still be shipping them.
    fn switch_to(&self, generation: u64, consumer: PullConsumer) {
        {
            let mut current = self.lock_current();
            if generation <= current.generation {
                return;
            }
            *current = Current {
                generation,
                consumer,
            };
        }
        lock(&self.shipments).forget_before(generation);
        let mut holding = self.lock_held();
        let Holding { entries, earlier } = &mut *holding;
        entries.retain(|sequence, held| {
            let keep = held.generation >= generation;
            if !keep {
                earlier.insert(*sequence);
            }
            keep
        });
    }

    /// Moves to the newest generation of the shipper consumer when there is a newer one, and
    /// deletes the older ones (a rewind that died between creating its generation and deleting
    /// the one before leaves two). When none is left (deleted from outside), creates the next
    /// generation: like a rewind, it hands out every untrimmed entry again. Best effort: a
    /// failure changes nothing, and the caller's next call meets it again.
    async fn follow(&self) {
        let Ok(found) = generation::generations(&self.stream).await else {
            return;
        };
        let mine = self.generation();
        let newest = found.iter().copied().max();
        match newest {
            Some(newest) if newest == mine => {}
            Some(newest) if newest > mine => {
                if let Ok(consumer) = self.stream.get_consumer(&consumer_name(newest)).await {
                    self.switch_to(newest, consumer);
                    tracing::info!(
                        stream = %self.stream_name,
                        generation = newest,
                        "another instance rewound the log: fetching from its new shipper consumer"
                    );
                }
            }
            _ => {
                // Ours is gone and no newer one exists.
                let next = newest.unwrap_or(0).max(mine).saturating_add(1);
                if let Ok(consumer) = self
                    .stream
                    .get_or_create_consumer(&consumer_name(next), self.config_for(next))
                    .await
                {
                    self.switch_to(next, consumer);
                    tracing::warn!(
                        stream = %self.stream_name,
                        generation = next,
                        "the shipper consumer was gone: made a new one, which hands out every untrimmed entry again"
                    );
                }
                return;
            }
        }
        let keep = self.generation();
        self.delete_generations(found.into_iter().filter(|g| *g < keep))
            .await;
    }

    /// Deletes these generations of the shipper consumer (one already gone is passed over). Best
    /// effort: a generation left behind only hands out entries again to an instance that still
    /// fetches from it, which ships them twice, harmlessly.
    async fn delete_generations(&self, generations: impl Iterator<Item = u64>) {
        for old in generations {
            let name = consumer_name(old);
            match self.stream.delete_consumer(&name).await {
                Ok(_) => {}
                Err(err)
                    if matches!(
                        err.kind(),
                        stream::ConsumerErrorKind::JetStream(ref js)
                            if js.error_code() == ErrorCode::CONSUMER_NOT_FOUND
                    ) => {}
                Err(err) => tracing::warn!(
                    stream = %self.stream_name,
                    consumer = %name,
                    error = %err,
                    "cannot delete an older shipper consumer; it is tried again later"
                ),
            }
        }
    }

    /// Stores a record of these entries, shipped after `generation` handed them out (see
    /// [`record`]), and counts them shipped on this instance at once. `Ok` once JetStream stored
    /// every part of it.
    ///
    /// Each part is published again while JetStream does not confirm it (see
    /// [`RECORD_ATTEMPT_WAIT`]), for up to [`RECORD_RETRY_BUDGET`].
    async fn record(&self, generation: u64, positions: &[u64]) -> Result<(), LogError> {
        let subject = record::subject(&self.records_prefix, generation);
        for part in positions.chunks(RECORD_MAX_POSITIONS) {
            let payload = Bytes::from(record::encode(part));
            retried_within(RECORD_RETRY_BUDGET, RECORD_RETRY_PAUSE, || {
                self.publish_record(&subject, payload.clone())
            })
            .await?;
        }
        lock(&self.shipments).add(generation, positions);
        Ok(())
    }

    /// Publishes one shipment record; `Ok` once JetStream confirmed it stored it, within
    /// [`RECORD_ATTEMPT_WAIT`].
    async fn publish_record(&self, subject: &str, payload: Bytes) -> Result<(), LogError> {
        let ack = self
            .context
            .publish(subject.to_string(), payload)
            .await
            .map_err(unavailable(format!("cannot publish to {subject}")))?;
        bounded(
            RECORD_ATTEMPT_WAIT,
            ack,
            || format!("JetStream did not store a shipment record published to {subject}"),
            || {
                format!(
                    "JetStream did not confirm within {RECORD_ATTEMPT_WAIT:?} a shipment record published to {subject} (the records stream may be electing a leader)"
                )
            },
        )
        .await
        .map(|_| ())
    }

    /// Purges the shipment records that name only entries at or before `trimmed`. Best effort: what
    /// is left is purged by a later trim.
    async fn purge_records(&self, trimmed: u64) {
        let Some(through) = lock(&self.shipments).purgeable_through(trimmed) else {
            return;
        };
        match self
            .records_stream
            .purge()
            .sequence(through.saturating_add(1))
            .await
        {
            Ok(_) => lock(&self.shipments).purged(through),
            Err(err) => tracing::warn!(
                stream = %self.stream_name,
                through,
                error = %err,
                "cannot purge the shipment records of trimmed entries; a later trim purges them"
            ),
        }
    }

    /// Keeps nothing this instance holds in progress any longer, so that it all comes back after
    /// the ack wait (what is still being shipped is shipped twice, harmlessly): the relay drops the
    /// rest of its group on the error that follows.
    fn let_go_all(&self) {
        for held in self.lock_held().entries.values_mut() {
            held.let_go = true;
        }
    }

    /// The shipper consumer's configuration for `generation`.
    fn config_for(&self, generation: u64) -> pull::Config {
        config_for(&self.consumer_config, generation)
    }

    /// The stream's state: its first sequence (the oldest untrimmed entry, or the next one when
    /// none is left; 0 before the first append) and how many consumers it has.
    async fn stream_state(&self) -> Result<stream::State, LogError> {
        state_of(&self.stream, &self.stream_name).await
    }

    /// The stream's first sequence (see [`Self::stream_state`]).
    async fn first_sequence(&self) -> Result<u64, LogError> {
        Ok(self.stream_state().await?.first_sequence)
    }

    /// Up to `max` messages, waiting up to `wait` for the first: one pull request for the first
    /// (answered as soon as one is there), then one that takes what else is there without waiting,
    /// so that a shipper asking for many is not kept waiting for a full batch.
    /// Answers the generation of the consumer they came from too.
    async fn fetch(&self, max: usize, wait: Duration) -> Result<Fetched, LogError> {
        let (generation, consumer) = self.consumer();
        let mut messages = Vec::new();
        let first = if wait.is_zero() {
            consumer.fetch().max_messages(1).messages().await
        } else {
            consumer
                .batch()
                .max_messages(1)
                .expires(wait)
                .messages()
                .await
        };
        let outcome = match first {
            // Not the client's own limit (the wait and 5 s more): a consumer that exists answers
            // by the end of the wait, so one that does not is found out sooner.
            Ok(mut first) => tokio::time::timeout(
                wait.saturating_add(PULL_GRACE),
                drain(&mut first, &mut messages),
            )
            .await
            .unwrap_or(Ok(())),
            Err(err) => Err(LogError::unavailable_because(
                format!(
                    "cannot fetch from the consumer {} of {}",
                    consumer_name(generation),
                    self.stream_name
                ),
                err,
            )),
        };
        if let Err(err) = outcome {
            nak_all(&messages).await;
            self.follow().await;
            return Err(err);
        }
        if messages.is_empty() {
            // A pull request to a missing consumer is not refused: it goes unanswered until this
            // call gives up (the wait and `PULL_GRACE`) and looks like an empty log. An idle
            // shipper checks, one request a wait, that its consumer is the newest one there.
            self.follow().await;
            return Ok(Fetched {
                generation,
                messages,
            });
        }
        if max <= 1 {
            return Ok(Fetched {
                generation,
                messages,
            });
        }
        // What came so far is good whatever this request answers: a failure here (the consumer's
        // max ack pending reached, the consumer deleted by a rewind) ends the call with what it
        // has, and the next call meets the failure again if it lasts.
        if let Ok(mut rest) = consumer.fetch().max_messages(max - 1).messages().await {
            let _ = drain_while_answered(&mut rest, &mut messages).await;
        }
        Ok(Fetched {
            generation,
            messages,
        })
    }
}

/// Messages fetched, and from which generation of the consumer.
struct Fetched {
    generation: u64,
    messages: Vec<jetstream::Message>,
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

/// Reads a request's messages that does not wait (see [`drain`]), giving up once none has come for
/// `PULL_GRACE`. The client sets no limit of its own on such a request, and the server does not
/// answer one to a consumer deleted since it was looked up (a rewind by another instance): without
/// this bound it would hold the shipper, and its stop, for good. Messages that come after are
/// handed out again after the ack wait.
async fn drain_while_answered(
    batch: &mut pull::Batch,
    messages: &mut Vec<jetstream::Message>,
) -> Result<(), LogError> {
    while let Ok(Some(message)) = tokio::time::timeout(PULL_GRACE, batch.next()).await {
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
    /// A batch whose compressed encoding is over the server's max payload (1 MiB by default) is cut into
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
        Ok(Position(self.stream_state().await?.last_sequence))
    }

    /// A message that does not decode is recorded shipped and terminated (JetStream never hands it
    /// out again) and reported as [`LogError::Corrupt`] naming its sequence, so that it cannot
    /// block the log forever; its points are lost, which the error says. The other messages of the
    /// same call are handed back at once for the next call.
    async fn next(&self, max: usize, wait: Duration) -> Result<Vec<Entry>, LogError> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let Fetched {
            generation,
            messages,
        } = self.fetch(max, wait).await?;
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
                    // Recorded as shipped first, so that it does not hold `shipped_through` back
                    // for good; without a record, it comes back for the next call. Best effort:
                    // if the term is lost, the message comes back after the ack wait and is
                    // reported again.
                    let kind = match self.record(generation, &[sequence]).await {
                        Ok(()) => AckKind::Term,
                        Err(_) => AckKind::Nak(None),
                    };
                    let _ = message.ack_with(kind).await;
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
        let handed_out = tokio::time::Instant::now();
        let mut holding = self.lock_held();
        for (sequence, message) in good {
            let again = holding.earlier.remove(&sequence);
            let reply = message.reply.clone();
            let held = Held {
                generation,
                acker: message.split().1,
                reply,
                handed_out,
                let_go: false,
                again,
            };
            holding.entries.insert(sequence, held);
        }
        drop(holding);
        entries.sort_by_key(|entry| entry.position);
        Ok(entries)
    }

    /// Records the entries shipped (see `jetstream/record.rs`; `Ok` once JetStream stored the
    /// record), then acks each one and waits for the server to confirm it (a double ack), all at
    /// once.
    ///
    /// Entries whose shipment this instance cannot vouch for, or whose ack the consumer may not
    /// match to the hand-out it is for, are neither recorded nor acked, and are handed out again
    /// after the ack wait (shipping twice is harmless):
    /// * a position this instance does not hold (shipped already, or handed out before a rewind);
    /// * one handed out by an older generation than the one this instance now fetches from, or
    ///   handed out again by a newer one while the earlier hand-out may still be shipping
    ///   (`Held::again`);
    /// * one no longer kept in progress (`Held::let_go`: held past the in-progress acks' limit,
    ///   or after a failed ack), which the consumer may have handed out again.
    ///
    /// An entry held longer than the ack wait is kept by in-progress acks
    /// (`jetstream/progress.rs`). One whose instance stalled for the whole ack wait (no in-progress
    /// ack went out) may have been handed out again to another instance, which may have acked it
    /// first; this instance's ack is then one the consumer cannot match. It is sent all the same,
    /// and recorded: the record is true (this instance wrote the entry after this generation handed
    /// it out), and [`IngestLog::shipped_through`] reads only records, not the ack floor such an
    /// ack may move.
    ///
    /// A record JetStream does not confirm is published again for up to 10 s (stored twice, it
    /// names the same entries twice, which changes nothing). An ack that fails is not sent
    /// again (the server may have taken it): the first failure is the answer, and the entries come
    /// back after the ack wait unless they were acked (then recorded too, since the record went
    /// first).
    async fn shipped(&self, positions: &[Position]) -> Result<(), LogError> {
        let generation = self.generation();
        let taken: Vec<(u64, Held)> = {
            let mut holding = self.lock_held();
            positions
                .iter()
                .filter_map(|p| holding.entries.remove(&p.0).map(|h| (p.0, h)))
                .filter(|(_, h)| h.generation == generation && !h.again && !h.let_go)
                .collect()
        };
        if taken.is_empty() {
            return Ok(());
        }
        let sequences: Vec<u64> = taken.iter().map(|(sequence, _)| *sequence).collect();
        if let Err(err) = self.record(generation, &sequences).await {
            // Not acked: they come back after the ack wait, with the rest of what this instance
            // holds (the relay drops its group on this error), and are recorded then.
            self.let_go_all();
            return Err(err);
        }
        let outcomes = join_all(taken.iter().map(|(_, held)| held.acker.double_ack())).await;
        let mut first_failure = None;
        for ((sequence, _), outcome) in taken.into_iter().zip(outcomes) {
            if let Err(err) = outcome {
                first_failure.get_or_insert((sequence, err));
            }
        }
        match first_failure {
            None => Ok(()),
            Some((sequence, err)) => {
                self.let_go_all();
                Err(LogError::unavailable_because(
                    format!(
                        "JetStream did not confirm the ack of entry {sequence} of {}",
                        self.stream_name
                    ),
                    err,
                ))
            }
        }
    }

    /// How far every entry was shipped, by crest's own record (see `jetstream/record.rs`): the
    /// longest run of entries after the last trimmed one that were recorded shipped, by any
    /// instance, after this instance's generation of the shipper consumer handed them out. Not
    /// the consumer's ack floor: NATS Server 2.9 moves it past entries no one shipped when an ack
    /// comes that it cannot match to a hand-out (an instance stalled for a whole ack wait, and its
    /// entries were handed out again and acked), and a barrier would trim them: acknowledged
    /// points lost (the likely cause of a loss scripts/kill9-cluster once found). No check of the
    /// consumer's counts can see every such floor.
    ///
    /// Waits (up to two seconds) until this instance has read the records stored before the call,
    /// so that a shipment recorded by another instance before it is counted. When the stream has
    /// another consumer than this instance's, the instance moves to the newest first.
    async fn shipped_through(&self) -> Result<Position, LogError> {
        let state = self.stream_state().await?;
        if state.consumer_count != 1 {
            self.follow().await;
        }
        let records = state_of(
            &self.records_stream,
            &self.records_stream.cached_info().config.name,
        )
        .await?;
        // A last record purged means every record before it is too: none left to wait for.
        if records.last_sequence >= records.first_sequence {
            let mut read = self.records_read.subscribe();
            let wanted = records.last_sequence;
            if tokio::time::timeout(RECORDS_WAIT, read.wait_for(|r| *r >= wanted))
                .await
                .is_err()
            {
                // Its consumer may be lost without a word: it lived on a NATS server that died,
                // and async-nats took up to a minute and more to notice (`scripts/try-cluster
                // --check`, the second kill). Reads would wait for it all that time.
                tracing::debug!(
                    wanted,
                    read = *read.borrow(),
                    "the shipment records' reader is behind: it reads again on a new consumer"
                );
                self.read_again.notify_one();
            }
        }
        let trimmed = state.first_sequence.saturating_sub(1);
        let through = lock(&self.shipments).through(self.generation(), trimmed);
        // What this instance still holds at or before it was shipped by another instance (it
        // came back to that one after the ack wait): nothing left to ack.
        let mut holding = self.lock_held();
        holding.entries.retain(|sequence, _| *sequence > through);
        holding.earlier.retain(|sequence| *sequence > through);
        drop(holding);
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
        self.purge_records(through).await;
        Ok(())
    }

    /// Replaces the shipper consumer with one of the next generation, delivering from the stream's
    /// first (untrimmed) entry: every entry is handed out again, whoever had shipped it. The new
    /// generation is created before the older ones are deleted, so that the stream always has one.
    ///
    /// What this does to other instances: a pull request of theirs waiting on the old consumer
    /// ends at once in an error (the server answers "409 Consumer Deleted"), and their next call
    /// fetches from the new one. The entries they hold are handed out again, and their acks for
    /// them reach no consumer (see the module's documentation). Two instances rewinding at once
    /// may create the same generation: creating it with the same configuration answers the
    /// existing one, and one rewind serves both.
    async fn rewind(&self) -> Result<(), LogError> {
        // What this instance was shipping is dropped by its relay (a rewind bumps its epoch), so
        // nothing held before is shipped after: no hand-out of the new generation is `again`.
        *self.lock_held() = Holding::default();
        let found = generation::generations(&self.stream).await?;
        let next = found
            .iter()
            .copied()
            .chain([self.generation()])
            .max()
            .unwrap_or(0)
            .saturating_add(1);
        let consumer: PullConsumer = self
            .stream
            .create_consumer(self.config_for(next))
            .await
            .map_err(unavailable(format!(
                "cannot create the consumer {} of {} to rewind",
                consumer_name(next),
                self.stream_name
            )))?;
        self.switch_to(next, consumer);
        self.delete_generations(found.into_iter().filter(|g| *g < next))
            .await;
        Ok(())
    }
}

/// Creates the stream `name` on `subjects` when absent: file storage, `replicas`, retention by
/// limits with none set and new messages refused should an operator add one, so that a message
/// leaves it only when crest deletes it. Checks it when present (another instance made it).
async fn open_stream(
    context: &jetstream::Context,
    name: &str,
    subjects: &str,
    replicas: usize,
) -> Result<stream::Stream, ConnectError> {
    let wanted = stream::Config {
        name: name.to_string(),
        subjects: vec![subjects.to_string()],
        retention: RetentionPolicy::Limits,
        storage: StorageType::File,
        num_replicas: replicas,
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
            "cannot get or create the JetStream stream {name}"
        )))?;
    let info = stream.info().await.map_err(ConnectError::nats(format!(
        "cannot read the JetStream stream {name}"
    )))?;
    config::check_stream(&info.config, subjects, replicas)?;
    Ok(stream)
}

/// The shipper consumer's configuration for `generation`: `template` under its name.
fn config_for(template: &pull::Config, generation: u64) -> pull::Config {
    pull::Config {
        durable_name: Some(consumer_name(generation)),
        ..template.clone()
    }
}

/// The newest generation of the shipper consumer of `stream`, or generation 1, created, when the
/// stream has none (a new deployment).
async fn newest_consumer(
    stream: &stream::Stream,
    template: &pull::Config,
) -> Result<(u64, PullConsumer), LogError> {
    for _ in 0..JOIN_TRIES {
        let Some(newest) = generation::generations(stream).await?.into_iter().max() else {
            let consumer = stream
                .get_or_create_consumer(&consumer_name(1), config_for(template, 1))
                .await
                .map_err(unavailable("cannot create the shipper consumer"))?;
            return Ok((1, consumer));
        };
        // Deleted meanwhile by a rewind that made a newer one: look again.
        if let Ok(consumer) = stream.get_consumer(&consumer_name(newest)).await {
            return Ok((newest, consumer));
        }
    }
    Err(LogError::unavailable(format!(
        "the newest shipper consumer was deleted {JOIN_TRIES} times before it could be read"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_question_about_a_stream_left_unanswered_is_given_up_after_its_wait() {
        let started = tokio::time::Instant::now();
        let unanswered = answered_within(
            STATE_WAIT,
            "the stream S",
            std::future::pending::<Result<(), std::io::Error>>(),
        )
        .await
        .expect_err("no answer came");
        assert_eq!(started.elapsed(), STATE_WAIT);
        assert!(matches!(unanswered, LogError::Unavailable { .. }));
        assert!(
            unanswered
                .to_string()
                .starts_with("the stream S did not answer within 2s"),
            "{unanswered}"
        );

        let answered = answered_within(STATE_WAIT, "the stream S", async {
            Ok::<_, std::io::Error>(7)
        })
        .await
        .expect("answered");
        assert_eq!(answered, 7);
        let refused = answered_within(STATE_WAIT, "the stream S", async {
            Err::<(), _>(std::io::Error::other("no such stream"))
        })
        .await
        .expect_err("refused");
        assert_eq!(refused.to_string(), "cannot read the stream S");
        assert_eq!(started.elapsed(), STATE_WAIT, "answers are not waited for");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_attempt_is_tried_again_after_its_pause_within_the_budget() {
        let budget = Duration::from_secs(4);
        let pause = RECORD_RETRY_PAUSE;
        let started = tokio::time::Instant::now();
        // Fails twice (the second after waiting a whole attempt out), then succeeds.
        let mut tries = 0;
        let answer = retried_within(budget, pause, || {
            tries += 1;
            let this = tries;
            async move {
                if this == 2 {
                    tokio::time::sleep(RECORD_ATTEMPT_WAIT).await;
                }
                if this < 3 {
                    Err(LogError::unavailable(format!("attempt {this}")))
                } else {
                    Ok(this)
                }
            }
        })
        .await
        .expect("the third attempt succeeds");
        assert_eq!(answer, 3);
        assert_eq!(started.elapsed(), pause * 2 + RECORD_ATTEMPT_WAIT);

        // Always failing: attempts start until the next would start past the budget; the last
        // failure is the answer.
        let started = tokio::time::Instant::now();
        let mut tries = 0;
        let err = retried_within(budget, pause, || {
            tries += 1;
            let this = tries;
            async move { Err::<(), _>(LogError::unavailable(format!("attempt {this}"))) }
        })
        .await
        .expect_err("never succeeds");
        assert_eq!(tries, 16, "attempts at 0, 250 ms, ..., 3.75 s");
        assert_eq!(err.to_string(), "attempt 16");
        assert_eq!(started.elapsed(), pause * 15);

        // A first success is the answer at once.
        let started = tokio::time::Instant::now();
        let answer = retried_within(budget, pause, || async { Ok::<_, LogError>(1) }).await;
        assert_eq!(answer.expect("at once"), 1);
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    /// A stream of a test's own, `CREST_TEST_<label>_<random>`, on the subject `subject` makes of
    /// its name, on the NATS server of the integration tests (127.0.0.1:4222 or `CREST_NATS_URL`);
    /// with the context it was made through and its name.
    pub(super) async fn scratch_stream(
        label: &str,
        subject: impl FnOnce(&str) -> String,
    ) -> (jetstream::Context, stream::Stream, String) {
        let url =
            std::env::var("CREST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
        let js = jetstream::new(async_nats::connect(&url).await.expect("NATS"));
        let name = format!(
            "CREST_TEST_{label}_{:016x}",
            getrandom::u64().expect("random")
        );
        let stream = js
            .create_stream(stream::Config {
                name: name.clone(),
                subjects: vec![subject(&name)],
                ..Default::default()
            })
            .await
            .expect("a stream");
        (js, stream, name)
    }

    /// A request that does not wait, sent to a consumer deleted since it was looked up (as a rewind
    /// on another instance deletes it between a shipper's two pull requests), gets no answer from
    /// the server and no limit from the client. Against the NATS server of the integration tests
    /// (127.0.0.1:4222 or `CREST_NATS_URL`).
    #[tokio::test]
    async fn a_request_to_a_consumer_deleted_meanwhile_does_not_hold_the_shipper() {
        let (js, stream, name) = scratch_stream("DELETED", |name| format!("{name}.log")).await;
        js.publish(format!("{name}.log"), "entry".into())
            .await
            .expect("publish")
            .await
            .expect("stored");
        let consumer: PullConsumer = stream
            .create_consumer(pull::Config {
                durable_name: Some("shipper-1".into()),
                ..Default::default()
            })
            .await
            .expect("a consumer");
        stream.delete_consumer("shipper-1").await.expect("deleted");

        let request = || async {
            let batch = consumer.fetch().max_messages(10).messages().await;
            batch.expect("sent")
        };
        // Unbounded, the request is still unanswered long after a live consumer answers it.
        let mut messages = Vec::new();
        let mut batch = request().await;
        let unanswered =
            tokio::time::timeout(Duration::from_secs(2), drain(&mut batch, &mut messages)).await;
        // Bounded, it ends (the outer limit only keeps a failure from hanging the test run).
        let mut batch = request().await;
        let ended = tokio::time::timeout(
            Duration::from_secs(60),
            drain_while_answered(&mut batch, &mut messages),
        )
        .await;
        js.delete_stream(&name)
            .await
            .expect("the test's stream is deleted");
        assert!(unanswered.is_err(), "the server answered: {unanswered:?}");
        assert!(matches!(ended, Ok(Ok(()))), "{ended:?}");
        assert!(messages.is_empty());
    }
}
