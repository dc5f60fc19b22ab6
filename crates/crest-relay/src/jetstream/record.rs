//! The shipment records: each instance publishes, before it acks them, the entries it shipped
//! and the generation that handed them out, to a stream of their own (`CREST_<deployment>_shipped`,
//! subjects `crest.<deployment>.shipped.<generation>`); every instance reads them all into its
//! [`Shipments`]. A record is stored by JetStream before its entries are acked, so an entry acked
//! is an entry recorded: one whose record failed is not acked and comes back after the ack wait.
//! Records that name only trimmed entries are purged by the instance that trims.

use std::sync::{Mutex, Weak};
use std::time::Duration;

use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use async_nats::jetstream::stream;
use futures_util::StreamExt;

use super::shipments::Shipments;
use crate::lock::lock;

/// How long a reader that lost the records stream (the server went away, the stream was deleted)
/// waits before it reads again.
const READ_AGAIN_AFTER: Duration = Duration::from_secs(1);

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
/// again from the record after the last one read when the stream's consumer fails.
pub(super) async fn read_records(
    stream: stream::Stream,
    prefix: String,
    shipments: Weak<Mutex<Shipments>>,
    read: tokio::sync::watch::Sender<u64>,
) {
    loop {
        let Some(after) = shipments.upgrade().map(|s| lock(&s).read_through()) else {
            return;
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
        match stream.create_consumer(config).await {
            Ok(consumer) => match consumer.messages().await {
                Ok(mut messages) => {
                    while let Some(message) = messages.next().await {
                        let Ok(message) = message else { break };
                        let Some(shipments) = shipments.upgrade() else {
                            return;
                        };
                        let Ok(info) = message.info() else { continue };
                        let sequence = info.stream_sequence;
                        let generation = generation_of(&prefix, message.subject.as_str());
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
                }
                Err(err) => tracing::debug!(error = %err, "cannot read the shipment records"),
            },
            Err(err) => tracing::debug!(error = %err, "cannot read the shipment records"),
        }
        tokio::time::sleep(READ_AGAIN_AFTER).await;
    }
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

    proptest! {
        #[test]
        fn records_round_trip(positions in proptest::collection::vec(any::<u64>(), 0..300)) {
            prop_assert_eq!(decode(&encode(&positions)), Some(positions));
        }
    }
}
