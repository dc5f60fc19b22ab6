//! The head: the points appended since the last cut, per series, in arrival order.

use crest_series::{Centroid, Sample};
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
    pub hists: FxHashMap<u32, Vec<HistEntry>>,
    pub points: usize,
    /// When (wall time, ms) the oldest append still in this head arrived.
    pub first_arrival: Option<i64>,
}

impl Head {
    pub(crate) fn push_samples(&mut self, id: u32, samples: &[Sample]) {
        let index = id as usize;
        if self.samples.len() <= index {
            self.samples.resize_with(index.saturating_add(1), Vec::new);
        }
        if let Some(series) = self.samples.get_mut(index) {
            series.extend_from_slice(samples);
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
