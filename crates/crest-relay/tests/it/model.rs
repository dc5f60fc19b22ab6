//! The model test: random appends, shipping, barriers, engine crashes and relay restarts over the
//! fake engine and a file log; every acknowledged point ends up in the engine.

use std::collections::BTreeSet;
use std::sync::Arc;

use crest_relay::fake_engine::{FakeEngine, Point};
use crest_relay::{BarrierOutcome, Position, RelayConfig};
use crest_series::{Sample, SeriesKey, SeriesWriter};

use crate::support::{Rng, config, points_of, random_batch, relay, ship_all};

/// The relay's configuration for one run: groups cut into parts of 1 to 8 points, so that parts
/// are delivered one after another in most groups.
fn config_for(seed: u64) -> RelayConfig {
    RelayConfig {
        ship_max_points: 1 + usize::try_from(seed % 8).unwrap(),
        ..config()
    }
}

async fn one_run(seed: u64) {
    let mut rng = Rng::new(seed);
    let dir = tempfile::tempdir().unwrap();
    let engine = Arc::new(FakeEngine::default());
    let mut relay = relay(&engine, dir.path(), config_for(seed)).await;
    let mut acknowledged: BTreeSet<Point> = BTreeSet::new();
    let mut serial = 0i64;
    let (mut crashes, mut restarts, mut trims, mut refused) = (0, 0, 0, 0);
    for step in 0..300 {
        match rng.below(100) {
            0..=44 => {
                let batch = random_batch(&mut rng, &mut serial, 1_800_000_000_000);
                relay.append(batch.clone()).await.unwrap();
                acknowledged.extend(points_of(&batch));
            }
            45..=49 => {
                // A batch the engine refuses is refused to the client, never logged.
                let key = SeriesKey::new("bad", "h");
                let batch = crest_series::Batch::from_series([(
                    key,
                    vec![Sample {
                        timestamp: 1,
                        value: f64::NAN,
                    }],
                )]);
                assert!(
                    relay.append(batch).await.is_err(),
                    "seed {seed} step {step}"
                );
                refused += 1;
            }
            50..=69 => {
                relay.ship(std::time::Duration::ZERO).await.unwrap();
            }
            70..=79 => {
                if let BarrierOutcome::Trimmed(p) = relay.barrier().await.unwrap()
                    && p > Position(0)
                {
                    trims += 1;
                }
            }
            80..=89 => {
                engine.crash();
                crashes += 1;
            }
            90..=94 => {
                // The instance restarts: its log is reopened, its shipper starts over.
                drop(relay);
                relay = crate::support::relay(&engine, dir.path(), config_for(seed)).await;
                restarts += 1;
            }
            _ => {
                // A read: the read barrier waits for everything written before it.
                ship_all(&relay).await;
                relay.read_barrier().await.unwrap();
                let held = engine.points();
                let missing: Vec<_> = acknowledged.difference(&held).collect();
                // Only what a crash took since the last barrier may be missing, and a barrier
                // brings it back.
                if !missing.is_empty() {
                    relay.barrier().await.unwrap();
                    ship_all(&relay).await;
                    let held = engine.points();
                    let missing: Vec<_> = acknowledged.difference(&held).collect();
                    assert!(
                        missing.is_empty(),
                        "seed {seed} step {step}: acknowledged points missing after a barrier and a replay: {missing:?}"
                    );
                }
            }
        }
    }
    // Settle: a barrier notices the last crash, the replay brings everything back.
    ship_all(&relay).await;
    relay.barrier().await.unwrap();
    ship_all(&relay).await;
    relay.barrier().await.unwrap();
    let held = engine.points();
    let missing: Vec<_> = acknowledged.difference(&held).collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: {} acknowledged points missing, e.g. {:?} ({crashes} crashes, {restarts} restarts, {trims} trims)",
        missing.len(),
        missing.first()
    );
    // Nothing but acknowledged points (duplicates collapse in the set).
    assert!(
        held.is_subset(&acknowledged),
        "seed {seed}: the engine holds points nobody acknowledged"
    );
    // And the engine crashing now loses nothing: the last barrier made everything durable.
    engine.crash();
    assert_eq!(engine.points(), held, "seed {seed}");
    assert!(
        crashes > 0 && restarts > 0 && trims > 0 && refused > 0,
        "seed {seed}: the run exercised too little"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_point_reaches_the_engine_through_crashes_and_restarts() {
    for seed in 0..20 {
        one_run(seed).await;
    }
}
