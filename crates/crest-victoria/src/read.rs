//! Reading exported lines back into crest's series: labels into keys (the adapter's own labels
//! taken off), numbered same-millisecond series merged, the filter checked again, the range cut
//! half-open, limits counted as lines arrive, and reads that meet VictoriaMetrics'
//! `-search.maxSamplesPerSeries` split in time.

use std::collections::BTreeMap;

use crest_series::{SeriesKey, TimeRange};

use crate::client::{Client, ExportLine};
use crate::error::VictoriaError;
use crate::write::{DUP_LABEL, HIST_LABEL, PART_LABEL};

/// The shortest range a read is split down to before it gives up.
const MIN_SPLIT_MS: i64 = 60_000;

/// What a line's labels say.
#[derive(Debug, PartialEq)]
pub(crate) struct Labels {
    pub(crate) key: SeriesKey,
    /// `(granularity suffix, part)` for a histogram's series.
    pub(crate) hist: Option<(String, String)>,
}

/// The labels of a listed series that are crest's own (the adapter's `_crest_*` taken off).
pub(crate) fn own_labels(listed: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    listed
        .iter()
        .filter(|(k, _)| !k.starts_with("_crest_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A line's labels as a crest key: `__name__` the metric, `source` the source (absent = empty),
/// the adapter's `_crest_*` labels taken off, every other label a point tag.
pub(crate) fn labels(metric: BTreeMap<String, String>) -> Result<Labels, VictoriaError> {
    let mut key = SeriesKey::new("", "");
    let mut name = None;
    let (mut hist, mut part) = (None, None);
    for (k, v) in metric {
        match k.as_str() {
            "__name__" => name = Some(v),
            "source" => key.source = v,
            DUP_LABEL => {}
            HIST_LABEL => hist = Some(v),
            PART_LABEL => part = Some(v),
            _ => {
                key.tags.insert(k, v);
            }
        }
    }
    key.metric = name.ok_or_else(|| VictoriaError::Protocol {
        context: "POST /api/v1/export".to_owned(),
        detail: "a series has no __name__".to_owned(),
    })?;
    let hist = match (hist, part) {
        (Some(h), Some(p)) => Some((h, p)),
        (None, None) => None,
        _ => {
            return Err(VictoriaError::Protocol {
                context: "POST /api/v1/export".to_owned(),
                detail: format!("the histogram series of {} lacks a label", key.metric),
            });
        }
    };
    Ok(Labels { key, hist })
}

/// The stored range (both ends as VictoriaMetrics' inclusive `[start, end]`) for crest's half-open
/// `range`, shifted, clamped to `[0, ceiling)`; `None` when empty.
pub(crate) fn stored_range(range: TimeRange, shift: i64, ceiling: i64) -> Option<(i64, i64)> {
    let start = range.start.saturating_sub(shift).max(0);
    let end = range.end.saturating_sub(shift).min(ceiling);
    (start < end).then_some((start, end - 1))
}

/// Exports `selectors` over `[start, end]` (inclusive, stored time), handing lines to `sink`.
/// When VictoriaMetrics refuses because a series holds too many samples, the range is split in
/// halves (earlier half first) down to [`MIN_SPLIT_MS`]. Lines `keep` refuses (series a wider
/// selector brought) are dropped as they arrive; `max_samples` bounds what one request may buffer
/// of the rest.
pub(crate) async fn export_all(
    client: &Client,
    selectors: &[String],
    start: i64,
    end: i64,
    max_samples: usize,
    keep: &(dyn Fn(&ExportLine) -> bool + Sync),
    sink: &mut (dyn FnMut(ExportLine) -> Result<(), VictoriaError> + Send),
) -> Result<(), VictoriaError> {
    let mut todo = vec![(start, end)];
    while let Some((s, e)) = todo.pop() {
        let mut buffered: Vec<ExportLine> = Vec::new();
        let mut samples = 0usize;
        let complete = client
            .export(selectors, s, e, &mut |line| {
                if !keep(&line) {
                    return Ok(());
                }
                samples = samples.saturating_add(line.values.len());
                if samples > max_samples {
                    return Err(VictoriaError::Limit {
                        what: "points",
                        limit: max_samples,
                    });
                }
                buffered.push(line);
                Ok(())
            })
            .await?;
        if complete {
            for line in buffered {
                sink(line)?;
            }
            continue;
        }
        if e - s < MIN_SPLIT_MS {
            return Err(VictoriaError::Status {
                context: "POST /api/v1/export".to_owned(),
                status: 422,
                body: format!(
                    "one series holds more samples than -search.maxSamplesPerSeries within {} ms",
                    e - s + 1
                ),
            });
        }
        let mid = s + (e - s) / 2;
        todo.push((mid + 1, e));
        todo.push((s, mid));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn labels_become_keys_without_the_adapters_own() {
        let got = labels(map(&[
            ("__name__", "cpu"),
            ("source", "h"),
            ("dc-region", "eu"),
            ("_crest_dup", "2"),
        ]))
        .unwrap();
        assert_eq!(
            got.key,
            SeriesKey::new("cpu", "h").with_tag("dc-region", "eu")
        );
        assert_eq!(got.hist, None);
        let hist = labels(map(&[
            ("__name__", "lat"),
            ("_crest_hist", "m"),
            ("_crest_part", "op"),
        ]))
        .unwrap();
        assert_eq!(hist.key, SeriesKey::new("lat", ""));
        assert_eq!(hist.hist, Some(("m".to_owned(), "op".to_owned())));
        assert!(labels(map(&[("source", "h")])).is_err());
        assert!(labels(map(&[("__name__", "x"), ("_crest_hist", "m")])).is_err());
    }

    #[test]
    fn ranges_are_shifted_clamped_and_made_inclusive() {
        assert_eq!(
            stored_range(TimeRange::new(1000, 2000), 0, i64::MAX),
            Some((1000, 1999))
        );
        assert_eq!(
            stored_range(TimeRange::new(1000, 2000), 500, i64::MAX),
            Some((500, 1499))
        );
        assert_eq!(stored_range(TimeRange::all(), 0, 5000), Some((0, 4999)));
        assert_eq!(stored_range(TimeRange::new(10, 10), 0, i64::MAX), None);
        assert_eq!(stored_range(TimeRange::new(-100, -1), 0, i64::MAX), None);
    }
}
