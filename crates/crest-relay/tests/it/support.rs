//! What the relay's tests share: a seeded random source, batches, relays over the fake engine.

use std::sync::Arc;
use std::time::Duration;

use crest_relay::fake_engine::{FakeEngine, Point};
use crest_relay::{FileLog, Relay, RelayConfig};
use crest_series::{Batch, Sample, SeriesKey};

/// SplitMix64: a small, seeded random source (the tests name their seed in every failure).
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random batch of 1–3 series with 1–4 samples each, every sample distinct (`*serial` grows).
pub(crate) fn random_batch(rng: &mut Rng, serial: &mut i64, base: i64) -> Batch {
    let mut batch = Batch::default();
    for _ in 0..=rng.below(3) {
        let key = SeriesKey::new(format!("m{}", rng.below(4)), format!("h{}", rng.below(3)));
        let samples: Vec<Sample> = (0..=rng.below(4))
            .map(|_| {
                *serial += 1;
                Sample {
                    timestamp: base + *serial * 1000,
                    value: *serial as f64 + 0.25,
                }
            })
            .collect();
        batch.push_series(&key, samples);
    }
    batch
}

/// Every sample of a batch as the fake engine stores it.
pub(crate) fn points_of(batch: &Batch) -> Vec<Point> {
    batch
        .series()
        .flat_map(|s| {
            s.samples
                .iter()
                .map(move |p| (s.canonical.to_vec(), p.timestamp, p.value.to_bits()))
        })
        .collect()
}

/// A sleeper that returns at once (the tests drive time).
pub(crate) fn no_sleep() -> crest_relay::Sleeper {
    Arc::new(|_| Box::pin(async {}))
}

pub(crate) fn config() -> RelayConfig {
    RelayConfig {
        read_wait: Duration::from_secs(30),
        next_wait: Duration::from_millis(20),
        sleeper: no_sleep(),
        ..RelayConfig::default()
    }
}

pub(crate) async fn relay(
    engine: &Arc<FakeEngine>,
    dir: &std::path::Path,
    config: RelayConfig,
) -> Relay {
    let log = FileLog::open_with(dir, 2048).await.unwrap();
    Relay::new(engine.clone(), Arc::new(log), config)
}

/// Ships until the log hands out nothing more.
pub(crate) async fn ship_all(relay: &Relay) {
    while relay.ship(Duration::ZERO).await.unwrap() > 0 {}
}
