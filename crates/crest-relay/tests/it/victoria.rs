//! The relay in front of a real VictoriaMetrics (`$CREST_VICTORIA_BIN`, or Debian's
//! `/usr/bin/victoria-metrics`; a missing binary fails the test, never skips it): points
//! acknowledged, VictoriaMetrics killed with SIGKILL right after and started again on the same
//! data directory; the relay's barrier sees the restart, rewinds, and every point reads back
//! exactly. After a barrier, a second kill loses nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crest_relay::{BarrierOutcome, FileLog, Relay, RelayConfig};
use crest_series::{
    Batch, Filter, ReadLimits, Sample, SeriesKey, SeriesReader, SeriesWriter, TimeRange,
};
use crest_testkit::victoria::{VictoriaProcess, free_port};
use crest_victoria::{Endpoints, VictoriaConfig, VictoriaEngine};

#[allow(clippy::disallowed_methods)] // VictoriaMetrics keeps points near its wall clock
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A running VictoriaMetrics, killed with SIGKILL when dropped.
type Vm = VictoriaProcess;

async fn start_vm(dir: &Path, port: u16) -> Vm {
    VictoriaProcess::start(dir, port, &[]).await
}

fn kill_9(vm: Vm) {
    drop(vm);
}

/// 8 series × 50 points, one a second over the last hour, values VictoriaMetrics keeps exactly.
fn batches(start: i64) -> Vec<Batch> {
    (0..10)
        .map(|b| {
            let mut batch = Batch::default();
            for s in 0..8 {
                let key = SeriesKey::new("relay.kill", format!("host-{s}")).with_tag("b", "x");
                let samples: Vec<Sample> = (0..5)
                    .map(|i| {
                        let n = b * 5 + i;
                        Sample {
                            timestamp: start + n * 1000,
                            value: n as f64 * 0.5 + s as f64,
                        }
                    })
                    .collect();
                batch.push_series(&key, samples);
            }
            batch
        })
        .collect()
}

fn expected(batches: &[Batch]) -> BTreeMap<SeriesKey, Vec<(i64, u64)>> {
    let mut want: BTreeMap<SeriesKey, Vec<(i64, u64)>> = BTreeMap::new();
    for batch in batches {
        for series in batch.series() {
            want.entry(series.key().unwrap()).or_default().extend(
                series
                    .samples
                    .iter()
                    .map(|p| (p.timestamp, p.value.to_bits())),
            );
        }
    }
    for samples in want.values_mut() {
        samples.sort();
    }
    want
}

async fn read(reader: &dyn SeriesReader, range: TimeRange) -> BTreeMap<SeriesKey, Vec<(i64, u64)>> {
    reader
        .select(&Filter::And(vec![]), range, ReadLimits::default())
        .await
        .unwrap()
        .into_iter()
        .map(|d| {
            let samples = d
                .samples
                .iter()
                .map(|p| (p.timestamp, p.value.to_bits()))
                .collect();
            (d.key, samples)
        })
        .collect()
}

fn points(read: &BTreeMap<SeriesKey, Vec<(i64, u64)>>) -> usize {
    read.values().map(Vec::len).sum()
}

/// Waits (bounded) until the wall clock's second is past VictoriaMetrics' start second, so that a
/// restart now gets another `vm_app_start_timestamp`.
async fn next_second(engine: &VictoriaEngine) {
    let started = engine.incarnation().await.unwrap();
    for _ in 0..200 {
        if (now_ms() / 1000) as u64 > started {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the clock did not pass VictoriaMetrics' start second ({started}) within 2 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_9_after_the_acknowledgement_loses_nothing() {
    let data = tempfile::tempdir().unwrap();
    let log_dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let vm = start_vm(data.path(), port).await;
    let mut config = VictoriaConfig::new(
        Endpoints::Single {
            url: format!("http://127.0.0.1:{port}"),
        },
        Arc::new(now_ms),
    );
    config.retention_ms = 100 * 365 * 86_400_000;
    let engine = Arc::new(VictoriaEngine::connect(config).await.unwrap());
    let log = Arc::new(FileLog::open(log_dir.path()).await.unwrap());
    let relay = Relay::new(engine.clone(), log, RelayConfig::default());

    let start = (now_ms() / 1000 - 3600) * 1000;
    let range = TimeRange::new(start - 1000, start + 3_600_000);
    let all = batches(start);
    let want = expected(&all);
    next_second(&engine).await;
    // Acknowledged once in the log; shipped to VictoriaMetrics (which answers before durable).
    for batch in &all {
        relay.append(batch.clone()).await.unwrap();
    }
    while relay.ship(Duration::ZERO).await.unwrap() > 0 {}
    assert_eq!(relay.stats().shipped_entries, 10);
    kill_9(vm);
    let vm = start_vm(data.path(), port).await;
    engine.flush().await.unwrap();
    let survived = points(&read(engine.as_ref(), range).await);
    assert!(
        survived < points(&want),
        "VictoriaMetrics kept all {survived} points through kill -9, so this test proves nothing \
         (it loses up to ~12 s of acknowledged writes: §3.1 of the reference)"
    );

    // The barrier sees the new incarnation and rewinds; the shipper replays.
    assert_eq!(relay.barrier().await.unwrap(), BarrierOutcome::Rewound);
    while relay.ship(Duration::ZERO).await.unwrap() > 0 {}
    let got = read(&relay, range).await;
    assert_eq!(
        got,
        want,
        "{survived} points survived the kill; after the replay {} of {}",
        points(&got),
        points(&want)
    );

    // A barrier now makes everything durable and trims the log: a second kill loses nothing.
    next_second(&engine).await;
    match relay.barrier().await.unwrap() {
        BarrierOutcome::Trimmed(p) => assert_eq!(p.0, 10),
        other => panic!("{other:?}"),
    }
    kill_9(vm);
    let vm = start_vm(data.path(), port).await;
    engine.flush().await.unwrap();
    assert_eq!(read(engine.as_ref(), range).await, want);
    assert_eq!(relay.barrier().await.unwrap(), BarrierOutcome::Rewound);
    assert_eq!(relay.stats().rewinds, 2);
    kill_9(vm);
}
