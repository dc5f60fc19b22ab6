//! Helpers shared by the integration tests: keys, batches, directory copies, read-backs.

use std::path::Path;

use crest_series::{Batch, Filter, ReadLimits, Sample, SeriesData, SeriesKey, TimeRange};
use crest_tsdb::{Engine, Options};

pub(crate) const T0: i64 = 1_700_000_000_000;

pub(crate) fn key(metric: &str, source: &str) -> SeriesKey {
    SeriesKey::new(metric, source)
}

pub(crate) fn s(timestamp: i64, value: f64) -> Sample {
    Sample { timestamp, value }
}

pub(crate) fn batch(series: Vec<(SeriesKey, Vec<Sample>)>) -> Batch {
    Batch::from_series(series)
}

pub(crate) fn options(dir: &Path) -> Options {
    Options::new(dir)
}

pub(crate) fn everything(engine: &Engine, now: i64) -> Vec<SeriesData> {
    engine
        .select(
            &Filter::And(vec![]),
            TimeRange::all(),
            ReadLimits::default(),
            now,
        )
        .unwrap()
}

/// Series and their samples as comparable bits.
pub(crate) fn bits(data: &[SeriesData]) -> Vec<(SeriesKey, Vec<(i64, u64)>)> {
    data.iter()
        .map(|d| {
            (
                d.key.clone(),
                d.samples
                    .iter()
                    .map(|s| (s.timestamp, s.value.to_bits()))
                    .collect(),
            )
        })
        .collect()
}

/// Copies a data directory (as a crash would leave it: whatever is in the files).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Record boundaries of a WAL segment: (start, end) of each record.
pub(crate) fn records(segment: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 9 <= segment.len() {
        let len = u32::from_le_bytes(segment[pos..pos + 4].try_into().unwrap()) as usize;
        let end = pos + 9 + len;
        if end > segment.len() {
            break;
        }
        out.push((pos, end));
        pos = end;
    }
    out
}

pub(crate) fn segments(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir.join("wal"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wal"))
        .collect();
    out.sort();
    out
}
