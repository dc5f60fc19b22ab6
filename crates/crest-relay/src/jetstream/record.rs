//! The shipment records: each instance publishes, before it acks them, the entries it shipped
//! and the generation that handed them out, to a stream of their own (`CREST_<deployment>_shipped`,
//! subjects `crest.<deployment>.shipped.<generation>`); every instance reads them all into its
//! [`Shipments`]. A record is stored by JetStream before its entries are acked, so an entry acked
//! is an entry recorded: one whose record failed is not acked and comes back after the ack wait.
//! Records that name only trimmed entries are purged by the instance that trims.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use async_nats::jetstream::stream;
use futures_util::StreamExt;

use super::shipments::Shipments;
use crate::lock::lock;

/// How long a reader that lost the records stream (the server went away, the stream was deleted)
/// waits before it reads again.
const READ_AGAIN_AFTER: Duration = Duration::from_secs(1);

/// How long making a reader's consumer may take before it is given up and tried again (after
/// [`READ_AGAIN_AFTER`]): as long as a question about a stream's state, for the same reason (a
/// stream electing a leader leaves requests unanswered until the connection's request timeout).
const OPEN_WAIT: Duration = super::STATE_WAIT;

/// The subject of `generation`'s records, under `prefix` (`crest.<deployment>.shipped`).
pub(super) fn subject(prefix: &str, generation: u64) -> String {
    format!("{prefix}.{generation}")
}

/// The generation a record's subject names; `None` for another subject.
pub(super) fn generation_of(prefix: &str, subject: &str) -> Option<u64> {
    let digits = subject.strip_prefix(prefix)?.strip_prefix('.')?;
    let generation: u64 = digits.parse().ok()?;
    (digits == generation.to_string()).then_some(generation)
}

/// A record's payload: each position as eight bytes, little-endian.
pub(super) fn encode(positions: &[u64]) -> Vec<u8> {
    positions.iter().flat_map(|p| p.to_le_bytes()).collect()
}

/// The positions a record names; `None` when it is not a record.
pub(super) fn decode(payload: &[u8]) -> Option<Vec<u64>> {
    let chunks = payload.chunks_exact(8);
    if !chunks.remainder().is_empty() {
        return None;
    }
    chunks
        .map(|chunk| chunk.try_into().ok().map(u64::from_le_bytes))
        .collect()
}

/// Reads every record of `stream` (subjects under `prefix`) into `shipments`, in order, until
/// `shipments` is dropped (with its log), telling `read` the sequence of each one read. Reads
/// again, on a new consumer, from the record after the last one read when the consumer fails, and
/// at once when `again` is notified: the log saw this reader fall behind, and a consumer (or its
/// creation) can be lost without a word with the NATS server it lived on.
pub(super) async fn read_records(
    stream: stream::Stream,
    prefix: String,
    shipments: Weak<Mutex<Shipments>>,
    read: tokio::sync::watch::Sender<u64>,
    again: Arc<tokio::sync::Notify>,
) {
    loop {
        let session = read_on_a_new_consumer(&stream, &prefix, &shipments, &read);
        let failed = tokio::select! {
            ended = session => match ended {
                Ended::LogDropped => return,
                Ended::Failed => true,
            },
            () = again.notified() => false,
        };
        if failed {
            tokio::time::sleep(READ_AGAIN_AFTER).await;
        }
    }
}

/// How one consumer's reading of the records ended.
enum Ended {
    /// The log is gone: nothing left to read for.
    LogDropped,
    /// The consumer could not be made, or stopped delivering.
    Failed,
}

/// Reads the records after the last one read on a new ordered consumer, until it fails.
async fn read_on_a_new_consumer(
    stream: &stream::Stream,
    prefix: &str,
    shipments: &Weak<Mutex<Shipments>>,
    read: &tokio::sync::watch::Sender<u64>,
) -> Ended {
    let Some(after) = shipments.upgrade().map(|s| lock(&s).read_through()) else {
        return Ended::LogDropped;
    };
    let config = pull::OrderedConfig {
        description: Some("a crest instance reads the shipment records".to_string()),
        filter_subject: format!("{prefix}.*"),
        deliver_policy: if after == 0 {
            DeliverPolicy::All
        } else {
            DeliverPolicy::ByStartSequence {
                start_sequence: after.saturating_add(1),
            }
        },
        ..Default::default()
    };
    let opening = async {
        let opened: Result<_, async_nats::Error> =
            Ok(stream.create_consumer(config).await?.messages().await?);
        opened
    };
    let opened = super::answered_within(OPEN_WAIT, "a consumer of the shipment records", opening);
    let mut messages = match opened.await {
        Ok(messages) => messages,
        Err(err) => {
            tracing::debug!(error = ?err, "cannot read the shipment records");
            return Ended::Failed;
        }
    };
    while let Some(Ok(message)) = messages.next().await {
        let Some(shipments) = shipments.upgrade() else {
            return Ended::LogDropped;
        };
        let Ok(info) = message.info() else { continue };
        let sequence = info.stream_sequence;
        let generation = generation_of(prefix, message.subject.as_str());
        match (generation, decode(&message.payload)) {
            (Some(generation), Some(positions)) => {
                lock(&shipments).read(sequence, generation, &positions);
            }
            _ => tracing::warn!(
                subject = %message.subject,
                sequence,
                "not a shipment record: ignored"
            ),
        }
        read.send_replace(sequence);
    }
    Ended::Failed
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn subjects_name_their_generation() {
        let prefix = "crest.prod.shipped";
        assert_eq!(subject(prefix, 7), "crest.prod.shipped.7");
        assert_eq!(generation_of(prefix, &subject(prefix, 7)), Some(7));
        assert_eq!(generation_of(prefix, &subject(prefix, 0)), Some(0));
        for other in [
            "crest.prod.shipped",
            "crest.prod.shipped.",
            "crest.prod.shipped.07",
            "crest.prod.shipped.+7",
            "crest.prod.shipped.7.8",
            "crest.prod.shippedx.7",
            "crest.other.shipped.7",
        ] {
            assert_eq!(generation_of(prefix, other), None, "{other}");
        }
    }

    #[test]
    fn a_payload_of_another_length_is_no_record() {
        assert_eq!(decode(&[]), Some(vec![]));
        assert_eq!(decode(&[1; 7]), None);
        assert_eq!(decode(&[1; 9]), None);
    }

    /// The names of `stream`'s consumers.
    async fn consumer_names(stream: &stream::Stream) -> Vec<String> {
        let mut names = stream.consumer_names();
        let mut all = Vec::new();
        while let Some(name) = names.next().await {
            all.push(name.expect("a consumer name"));
        }
        all
    }

    #[tokio::test]
    async fn a_reader_told_to_read_again_goes_on_after_the_last_record_on_a_new_consumer() {
        let (js, stream, name) =
            super::super::tests::scratch_stream("READ_AGAIN", |name| format!("{name}.shipped.*"))
                .await;
        let prefix = format!("{name}.shipped");
        let shipments = Arc::new(Mutex::new(Shipments::default()));
        let read = tokio::sync::watch::Sender::new(0);
        let again = Arc::new(tokio::sync::Notify::new());
        let reader = tokio::spawn(read_records(
            stream.clone(),
            prefix.clone(),
            Arc::downgrade(&shipments),
            read.clone(),
            Arc::clone(&again),
        ));
        let store = |positions: Vec<u64>| {
            let js = js.clone();
            let subject = subject(&prefix, 1);
            async move {
                js.publish(subject, encode(&positions).into())
                    .await
                    .expect("publish")
                    .await
                    .expect("stored")
                    .sequence
            }
        };
        let wait_for = |sequence: u64| {
            let mut seen = read.subscribe();
            async move {
                tokio::time::timeout(Duration::from_secs(30), seen.wait_for(|r| *r >= sequence))
                    .await
                    .expect("the reader reads the record")
                    .expect("the reader runs");
            }
        };

        wait_for(store(vec![1, 2]).await).await;
        let first = consumer_names(&stream).await;
        assert_eq!(first.len(), 1, "{first:?}");

        again.notify_one();
        wait_for(store(vec![3]).await).await;
        let now = consumer_names(&stream).await;
        assert!(
            now.iter().any(|n| !first.contains(n)),
            "still on the first consumer: {now:?}"
        );
        assert_eq!(lock(&shipments).through(1, 0), 3, "every record read once");
        assert_eq!(lock(&shipments).read_through(), 2);

        reader.abort();
        js.delete_stream(&name).await.expect("stream deleted");
    }

    proptest! {
        #[test]
        fn records_round_trip(positions in proptest::collection::vec(any::<u64>(), 0..300)) {
            prop_assert_eq!(decode(&encode(&positions)), Some(positions));
        }
    }
}
