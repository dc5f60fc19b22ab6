//! The shipper consumer's generations: every rewind replaces the consumer with one of a new name,
//! so that an ack for an entry handed out before the rewind reaches no consumer. Their names, and
//! which of them a stream has.

use async_nats::jetstream::stream;
use futures_util::TryStreamExt;

use crate::error::LogError;

/// The name of the shipper consumer's generation 0, and what every later generation's name starts
/// with (`shipper-1`, `shipper-2`, …). Generation 0 is the one consumer of crest versions that had
/// no generations: an instance of this version joins it and replaces it at its first rewind.
pub const SHIPPER_CONSUMER: &str = "shipper";

/// The consumer name of `generation`.
pub fn consumer_name(generation: u64) -> String {
    if generation == 0 {
        SHIPPER_CONSUMER.to_string()
    } else {
        format!("{SHIPPER_CONSUMER}-{generation}")
    }
}

/// The generation a consumer name is the name of; `None` for any other consumer.
pub fn generation_of(name: &str) -> Option<u64> {
    if name == SHIPPER_CONSUMER {
        return Some(0);
    }
    let digits = name.strip_prefix(SHIPPER_CONSUMER)?.strip_prefix('-')?;
    let generation: u64 = digits.parse().ok()?;
    // Only the name `consumer_name` gives ("shipper-01" and "shipper-+1" are someone else's).
    (generation > 0 && consumer_name(generation) == name).then_some(generation)
}

/// The generations of the shipper consumer `stream` has (usually one; two for a moment while a
/// rewind replaces one), in no particular order.
pub(crate) async fn generations(stream: &stream::Stream) -> Result<Vec<u64>, LogError> {
    let mut names = stream.consumer_names();
    let mut found = Vec::new();
    while let Some(name) = names.try_next().await.map_err(|e| {
        LogError::unavailable_because("cannot list the consumers of the JetStream stream", e)
    })? {
        found.extend(generation_of(&name));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_generations_round_trip() {
        for generation in [0, 1, 2, 10, 99, u64::MAX] {
            assert_eq!(generation_of(&consumer_name(generation)), Some(generation));
        }
        assert_eq!(consumer_name(0), "shipper");
        assert_eq!(consumer_name(7), "shipper-7");
    }

    #[test]
    fn other_names_are_no_generation() {
        for name in [
            "",
            "shipper-",
            "shipper-0",
            "shipper-01",
            "shipper-+1",
            "shipper-1x",
            "shipper1",
            "shippers",
            "reader",
            "shipper-18446744073709551616",
        ] {
            assert_eq!(generation_of(name), None, "{name}");
        }
    }
}
