//! Distributions read back: the `op`, `mean` and `count` series of one histogram series replayed
//! in offset order within each bin (merge, or replace for a `_merge=false` entry), as the
//! in-memory model answers them. The layout is described in the crate's documentation.

use std::collections::BTreeMap;

use crest_series::{Centroid, Distribution, Granularity};

use crate::error::VictoriaError;

/// One histogram series' samples by part, keyed by (crest) timestamp.
#[derive(Debug, Default)]
pub(crate) struct Parts {
    pub(crate) op: BTreeMap<i64, f64>,
    pub(crate) mean: BTreeMap<i64, f64>,
    pub(crate) count: BTreeMap<i64, f64>,
}

impl Parts {
    /// Adds one sample of `part`; `false` for a part the adapter does not write.
    pub(crate) fn add(&mut self, part: &str, timestamp: i64, value: f64) -> bool {
        let target = match part {
            "op" => &mut self.op,
            "mean" => &mut self.mean,
            "count" => &mut self.count,
            _ => return false,
        };
        target.insert(timestamp, value);
        true
    }
}

/// `v` as a whole number in `[0, max]`, or `None`.
fn whole(v: f64, max: u32) -> Option<u32> {
    if v.is_finite() && v.fract() == 0.0 && v >= 0.0 && v <= f64::from(max) {
        // In range and whole: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(v as u32)
    } else {
        None
    }
}

fn damaged(detail: String) -> VictoriaError {
    VictoriaError::Protocol {
        context: "POST /api/v1/export".to_owned(),
        detail,
    }
}

/// The distributions `parts` hold, one per bin, in time order.
pub(crate) fn assemble(
    parts: &Parts,
    granularity: Granularity,
    metric: &str,
) -> Result<Vec<Distribution>, VictoriaError> {
    let mut bins: BTreeMap<i64, Distribution> = BTreeMap::new();
    for (&at, &op) in &parts.op {
        let n = whole(op.abs(), 1_000_000)
            .and_then(|n| n.checked_sub(1))
            .ok_or_else(|| damaged(format!("a histogram entry of {metric} has the marker {op}")))?;
        let mut centroids = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for i in 0..i64::from(n) {
            let t = at + i;
            let mean = parts.mean.get(&t);
            let count = parts.count.get(&t).and_then(|c| whole(*c, u32::MAX));
            match (mean, count) {
                (Some(&mean), Some(count)) => centroids.push(Centroid { mean, count }),
                _ => {
                    return Err(damaged(format!(
                        "a histogram entry of {metric} at {t} lacks a centroid"
                    )));
                }
            }
        }
        let bin = granularity.floor(at);
        let entry = Distribution {
            timestamp: bin,
            centroids,
        };
        match bins.get_mut(&bin) {
            Some(held) if op > 0.0 => held.merge(&entry),
            _ => {
                let mut fresh = Distribution {
                    timestamp: bin,
                    centroids: Vec::new(),
                };
                fresh.merge(&entry);
                bins.insert(bin, fresh);
            }
        }
    }
    Ok(bins.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_merge_or_replace_in_offset_order() {
        let mut p = Parts::default();
        // bin 0: merge [(30,20),(5.1,10)], merge [(30,1)]; bin 60000: merge [(1,1)], replace [(2,2)]
        for (t, op) in [(0, 3.0), (2, 2.0), (60_000, 2.0), (60_001, -2.0)] {
            assert!(p.add("op", t, op));
        }
        for (t, m, c) in [
            (0, 30.0, 20.0),
            (1, 5.1, 10.0),
            (2, 30.0, 1.0),
            (60_000, 1.0, 1.0),
            (60_001, 2.0, 2.0),
        ] {
            p.add("mean", t, m);
            p.add("count", t, c);
        }
        assert!(!p.add("other", 0, 1.0));
        let got = assemble(&p, Granularity::Minute, "lat").unwrap();
        assert_eq!(
            got,
            vec![
                Distribution {
                    timestamp: 0,
                    centroids: vec![
                        Centroid {
                            mean: 5.1,
                            count: 10
                        },
                        Centroid {
                            mean: 30.0,
                            count: 21
                        }
                    ]
                },
                Distribution {
                    timestamp: 60_000,
                    centroids: vec![Centroid {
                        mean: 2.0,
                        count: 2
                    }]
                },
            ]
        );
    }

    #[test]
    fn missing_or_broken_parts_are_errors() {
        let mut p = Parts::default();
        p.add("op", 0, 2.0);
        assert!(assemble(&p, Granularity::Minute, "lat").is_err());
        p.add("mean", 0, 1.0);
        p.add("count", 0, 1.5);
        assert!(assemble(&p, Granularity::Minute, "lat").is_err());
        let mut q = Parts::default();
        q.add("op", 0, 0.5);
        assert!(assemble(&q, Granularity::Minute, "lat").is_err());
        let mut empty = Parts::default();
        empty.add("op", 0, 1.0);
        assert_eq!(
            assemble(&empty, Granularity::Minute, "lat").unwrap()[0].centroids,
            vec![]
        );
    }
}
