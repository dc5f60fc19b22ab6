//! Which of a read's series reported since a moment ([`ReadLimits::reported_since`]):
//! VictoriaMetrics keeps no "newest point" per series, so the adapter finds it out, as cheaply as
//! it can.
//!
//! 1. A series with a sample at or after the moment within the read's own range is kept at no
//!    cost (the usual case: a chart of the last hours, the moment weeks ago).
//! 2. The others (doubtful) are looked up with `/api/v1/series` from the moment to the ceiling:
//!    its index is per day (or global beyond 40 days), so it lists every series with a sample
//!    since the moment, and perhaps some with samples only earlier on that day (or ever). A
//!    doubtful series it does not list stopped before the moment and is left out, without a
//!    point read.
//! 3. Each listed doubtful series is exported exactly (its labels, every other label name seen
//!    empty) over the last day, then over the rest since the moment, until one sample at or after
//!    the moment is seen. Nothing of these exports is kept, so no limit bites; a series that
//!    reported within the last day costs a day of its points, one that stopped between the moment
//!    and yesterday costs its points in between (the price of a chart of the past).
//!
//! A histogram series' time is its bin's start, as the embedded engine counts it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError};

use crest_series::{Granularity, ReadLimits, SeriesKey};

use crate::client::Client;
use crate::error::VictoriaError;
use crate::read::{export_all, labels};
use crate::selector::exact;
use crate::write::granularity as parse_granularity;

/// Series per exact-selector export.
const CHUNK: usize = 50;
const DAY_MS: i64 = 86_400_000;

/// Which of the read's series are asked about: plain ones, or histograms of one granularity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Plain,
    Histogram(Granularity),
}

impl Kind {
    /// Whether a stored series with this `_crest_hist` label (if any) is of this kind.
    fn is(self, hist: Option<&str>) -> bool {
        match (self, hist) {
            (Kind::Plain, None) => true,
            (Kind::Histogram(g), Some(suffix)) => parse_granularity(suffix) == Some(g),
            _ => false,
        }
    }

    /// The crest time a stored timestamp counts as.
    fn time(self, stored: i64, shift: i64) -> i64 {
        let t = stored.saturating_add(shift);
        match self {
            Kind::Plain => t,
            Kind::Histogram(g) => g.floor(t),
        }
    }
}

/// Where the series live and how their time is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Store<'a> {
    pub(crate) client: &'a Client,
    /// crest time = stored time + shift.
    pub(crate) shift: i64,
    /// The newest stored time VictoriaMetrics may hold (exclusive).
    pub(crate) ceiling: i64,
}

/// The keys among `doubtful` (series of `kind` that `wanted` selects) with a sample at or after
/// `since` (crest time), found as the module says (steps 2 and 3).
pub(crate) async fn reported_since(
    store: Store<'_>,
    wanted: &[String],
    kind: Kind,
    doubtful: &BTreeSet<SeriesKey>,
    since: i64,
) -> Result<BTreeSet<SeriesKey>, VictoriaError> {
    let start = since.saturating_sub(store.shift).max(0);
    if doubtful.is_empty() || start >= store.ceiling {
        return Ok(BTreeSet::new());
    }
    let mut candidates: BTreeMap<SeriesKey, BTreeMap<String, String>> = BTreeMap::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for listed in store.client.series(wanted, start, store.ceiling).await? {
        names.extend(listed.keys().filter(|k| !k.starts_with("_crest_")).cloned());
        let own: BTreeMap<String, String> = listed
            .iter()
            .filter(|(k, _)| !k.starts_with("_crest_"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let read = labels(listed)?;
        if kind.is(read.hist.as_ref().map(|(suffix, _)| suffix.as_str()))
            && doubtful.contains(&read.key)
        {
            candidates.insert(read.key, own);
        }
    }
    let absent: Vec<String> = names.into_iter().collect();
    let confirmed: Mutex<BTreeSet<SeriesKey>> = Mutex::new(BTreeSet::new());
    let recent = start.max(store.ceiling.saturating_sub(DAY_MS));
    let mut windows = vec![(recent, store.ceiling)];
    if start < recent {
        windows.push((start, recent - 1));
    }
    for (from, to) in windows {
        let unknown: Vec<String> = {
            let seen = confirmed.lock().unwrap_or_else(PoisonError::into_inner);
            candidates
                .iter()
                .filter(|(k, _)| !seen.contains(*k))
                .map(|(_, l)| exact(l, &absent))
                .collect()
        };
        for chunk in unknown.chunks(CHUNK) {
            // Every line is looked at and dropped in `keep`: nothing is buffered.
            export_all(
                store.client,
                chunk,
                from,
                to,
                ReadLimits::default().max_points,
                &|line| {
                    let Ok(read) = labels(line.metric.clone()) else {
                        return false;
                    };
                    let reported = kind.is(read.hist.as_ref().map(|(suffix, _)| suffix.as_str()))
                        && line
                            .timestamps
                            .iter()
                            .any(|t| kind.time(*t, store.shift) >= since);
                    if reported && candidates.contains_key(&read.key) {
                        confirmed
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .insert(read.key);
                    }
                    false
                },
                &mut |_| Ok(()),
            )
            .await?;
        }
    }
    // A set is whole after any insert, so a poisoned lock still holds a sound answer.
    Ok(confirmed
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner))
}
