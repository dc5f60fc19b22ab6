//! The head: the points appended since the last cut, per series: a plain series' samples in time
//! order (samples of one timestamp in arrival order), a histogram series' entries in arrival order.

use crest_series::{Centroid, Sample, is_one_per_second};
use rustc_hash::FxHashMap;

/// One reported distribution of a histogram series, as kept until it is read.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HistEntry {
    /// The start of its bin.
    pub timestamp: i64,
    /// Arrival order across the whole engine: entries of one bin are applied in this order.
    pub seq: u64,
    /// `false`: it replaces what the bin held.
    pub merge: bool,
    pub centroids: Vec<Centroid>,
}

/// Points of series by id.
#[derive(Debug, Default)]
pub(crate) struct Head {
    /// Samples of plain series, indexed by series id (empty for histogram series).
    pub samples: Vec<Vec<Sample>>,
    /// By series id: whether the series holds a sample off a whole second, or two in one second
    /// (reads then apply the one-point-per-second rule; otherwise they take the samples as they
    /// are).
    pub uneven: Vec<bool>,
    pub hists: FxHashMap<u32, Vec<HistEntry>>,
    pub points: usize,
    /// When (wall time, ms) the oldest append still in this head arrived.
    pub first_arrival: Option<i64>,
}

/// Adds `samples` to `series` (in time order), keeping it in time order, a sample after those of
/// the same timestamp already there. Points mostly arrive in order: only the part of `series` newer
/// than the earliest new sample is moved. Returns where the samples changed from.
fn insert_in_order(series: &mut Vec<Sample>, samples: &[Sample]) -> usize {
    // the common case, and replay's: in order, after what the series holds
    if let (Some(first), last) = (samples.first(), series.last())
        && last.is_none_or(|l| l.timestamp <= first.timestamp)
        && samples.is_sorted_by_key(|s| s.timestamp)
    {
        let at = series.len();
        series.extend_from_slice(samples);
        return at;
    }
    let mut sorted;
    let incoming = if samples.is_sorted_by_key(|s| s.timestamp) {
        samples
    } else {
        sorted = samples.to_vec();
        sorted.sort_by_key(|s| s.timestamp);
        sorted.as_slice()
    };
    let Some(first) = incoming.first() else {
        return series.len();
    };
    let split = series.partition_point(|s| s.timestamp <= first.timestamp);
    if split == series.len() {
        series.extend_from_slice(incoming);
        return split;
    }
    let tail = series.split_off(split);
    series.reserve(tail.len() + incoming.len());
    let (mut a, mut b) = (tail.as_slice(), incoming);
    while let (Some((x, after_x)), Some((y, after_y))) = (a.split_first(), b.split_first()) {
        if x.timestamp <= y.timestamp {
            series.push(*x);
            a = after_x;
        } else {
            series.push(*y);
            b = after_y;
        }
    }
    series.extend_from_slice(a);
    series.extend_from_slice(b);
    split
}

impl Head {
    pub(crate) fn push_samples(&mut self, id: u32, samples: &[Sample]) {
        let index = id as usize;
        if self.samples.len() <= index {
            self.samples.resize_with(index.saturating_add(1), Vec::new);
        }
        if self.uneven.len() <= index {
            self.uneven.resize(index.saturating_add(1), false);
        }
        if let (Some(series), Some(uneven)) =
            (self.samples.get_mut(index), self.uneven.get_mut(index))
        {
            let changed = insert_in_order(series, samples);
            if !*uneven {
                let from = changed.saturating_sub(1);
                *uneven = !is_one_per_second(series.get(from..).unwrap_or_default());
            }
            self.points = self.points.saturating_add(samples.len());
        }
    }

    pub(crate) fn push_hist(&mut self, id: u32, entry: HistEntry) {
        self.hists.entry(id).or_default().push(entry);
        self.points = self.points.saturating_add(1);
    }

    pub(crate) fn arrived(&mut self, now_ms: i64) {
        if self.first_arrival.is_none() {
            self.first_arrival = Some(now_ms);
        }
    }

    pub(crate) fn series_samples(&self, id: u32) -> &[Sample] {
        self.samples.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// Whether the series' samples are one per whole second (see [`Head::uneven`]).
    pub(crate) fn series_even(&self, id: u32) -> bool {
        !self.uneven.get(id as usize).copied().unwrap_or(false)
    }

    pub(crate) fn series_hists(&self, id: u32) -> &[HistEntry] {
        self.hists.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The oldest and newest timestamp held.
    pub(crate) fn time_bounds(&self) -> Option<(i64, i64)> {
        let samples = self.samples.iter().flatten().map(|s| s.timestamp);
        let hists = self.hists.values().flatten().map(|h| h.timestamp);
        samples.chain(hists).fold(None, |acc, t| match acc {
            None => Some((t, t)),
            Some((lo, hi)) => Some((lo.min(t), hi.max(t))),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(timestamp: i64, value: f64) -> Sample {
        Sample { timestamp, value }
    }

    #[test]
    fn a_series_stays_in_time_order_whatever_order_points_arrive_in() {
        let mut series = Vec::new();
        assert_eq!(insert_in_order(&mut series, &[s(10, 1.0), s(20, 2.0)]), 0);
        insert_in_order(&mut series, &[s(30, 3.0)]);
        assert_eq!(
            insert_in_order(&mut series, &[s(25, 4.0), s(15, 5.0), s(20, 6.0)]),
            1
        );
        insert_in_order(&mut series, &[]);
        insert_in_order(&mut series, &[s(5, 7.0)]);
        let got: Vec<(i64, f64)> = series.iter().map(|x| (x.timestamp, x.value)).collect();
        assert_eq!(
            got,
            vec![
                (5, 7.0),
                (10, 1.0),
                (15, 5.0),
                (20, 2.0),
                (20, 6.0),
                (25, 4.0),
                (30, 3.0)
            ]
        );
    }

    #[test]
    fn a_head_knows_whether_each_series_is_one_per_second() {
        let mut head = Head::default();
        head.push_samples(2, &[s(1000, 1.0), s(3000, 1.0)]);
        head.push_samples(2, &[s(2000, 1.0)]);
        assert!(head.series_even(2));
        assert!(head.series_even(7), "a series the head does not hold");
        head.push_samples(2, &[s(2000, 5.0)]);
        assert!(!head.series_even(2), "two samples in one second");
        head.push_samples(3, &[s(1500, 1.0)]);
        assert!(!head.series_even(3), "off a whole second");
        assert!(is_one_per_second(&[]));
        assert!(!is_one_per_second(&[s(2000, 1.0), s(1000, 1.0)]));
    }
}
