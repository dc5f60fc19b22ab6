//! Synthetic scrape data for the benchmarks: `series` series of `points` points at 10 s,
//! time-major in batches of 10,000 points, one sample per line as a scrape sends them. A third of
//! the series are 1-decimal random-walk gauges, a third integer counters, a third near-constant.

use crest_series::{Batch, Sample, SeriesKey};

pub(crate) const START: i64 = 1_700_000_000_000;
pub(crate) const BATCH_POINTS: usize = 10_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

pub(crate) fn keys(series: usize) -> Vec<SeriesKey> {
    (0..series)
        .map(|i| {
            SeriesKey::new(
                format!("system.metric.{}", i % 50),
                format!("host-{}", i / 50),
            )
            .with_tag("env", if i % 3 == 0 { "prod" } else { "dev" })
            .with_tag("dc", format!("dc{}", i % 4))
            .with_tag("service", format!("svc-{}", i % 17))
        })
        .collect()
}

/// The batches of the whole scrape, in order; series `i` is of kind `i % 3`.
pub(crate) fn batches(series: usize, points: usize) -> Vec<Batch> {
    batches_with(series, points, false)
}

/// The same, the kind of a series following its metric (`(i % 50) % 3`) when `kind_by_metric`, as
/// in practice a metric is one kind of thing; otherwise neighbours in key order alternate kinds.
pub(crate) fn batches_with(series: usize, points: usize, kind_by_metric: bool) -> Vec<Batch> {
    let keys = keys(series);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut state: Vec<i64> = (0..series).map(|i| (i as i64 % 1000) * 10).collect();
    let mut out = Vec::new();
    let mut current = Batch::default();
    for t in 0..points {
        let timestamp = START + t as i64 * 10_000;
        for (i, key) in keys.iter().enumerate() {
            let kind = if kind_by_metric { (i % 50) % 3 } else { i % 3 };
            let value = match kind {
                0 => {
                    state[i] += rng.below(11) as i64 - 5;
                    state[i] as f64 / 10.0
                }
                1 => {
                    state[i] += rng.below(100) as i64;
                    state[i] as f64
                }
                _ => {
                    if rng.below(100) == 0 {
                        state[i] += 1;
                    }
                    state[i] as f64
                }
            };
            current.push_series(key, [Sample { timestamp, value }]);
            if current.series_len() == BATCH_POINTS {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
