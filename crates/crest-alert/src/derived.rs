//! The derived-metric runner (reference §6.3, DM-2): every derived metric that is due has its
//! query run over its last `minutes` whole minutes at one-minute buckets (mean), and each answered
//! series' minutes written back as points through the ingestion path (metric = the series'
//! label, source = its host, point tags = its tags, timestamp = the minute's start).
//!
//! A minute is written once: the runtime remembers the end of the last minute written
//! (`written_through`), and later runs write only the minutes after it. The engines keep every
//! point sent for one timestamp (reads average a second's points), so writing a minute again
//! would not replace it but be averaged with it; writing once is the safe reading of "overwrite
//! existing data in the last N minutes" (docs/derived-metrics.md).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crest_domain::Chain;
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::derived::{
    DerivedMetricStore, DerivedRecord, DerivedRuntime, DerivedState, process_rate_minutes,
    query_inputs, reads, window_minutes,
};
use crest_query::{EventReader, QueryLimits, SourceTags};
use crest_series::{BatchBuilder, Sample, SeriesReader, SeriesWriter};

use crate::check::{Answer, QueryFailure};
use crate::condition::{Sources, answer};
use crate::series::SeriesKey;
use crate::window::{MINUTE_MS, Timing, window};

/// The most metrics and hosts a run records as used.
const MAX_USED: usize = 100;

/// What the runner reads and writes.
pub trait DerivedRunnerStore: DerivedMetricStore + Send + Sync {}

impl<T: DerivedMetricStore + Send + Sync + ?Sized> DerivedRunnerStore for T {}

/// What a round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DerivedReport {
    /// Derived metrics whose query ran.
    pub ran: usize,
    /// Derived metrics not due yet.
    pub not_due: usize,
    /// Derived metrics left as they were: the engine could not be read or written, or the store
    /// failed.
    pub skipped: usize,
    /// Points written back.
    pub points: usize,
}

/// Why a round could not run at all.
#[derive(Debug, thiserror::Error)]
#[error("cannot read the derived metrics")]
pub struct DerivedRoundError(#[source] pub crest_domain::store::StoreError);

/// The runner: its collaborators and limits.
#[derive(Clone)]
pub struct DerivedRunner {
    pub store: Arc<dyn DerivedRunnerStore>,
    pub clock: Arc<dyn Clock>,
    pub reader: Arc<dyn SeriesReader>,
    /// The writer `/report` hands its points to.
    pub writer: Arc<dyn SeriesWriter>,
    pub source_tags: Arc<dyn SourceTags>,
    pub events: Arc<dyn EventReader>,
    pub limits: QueryLimits,
    /// The obsolescence period in seconds.
    pub obsolete_after: i64,
    /// How long one query may run before the derived metric is INVALID.
    pub query_timeout: Duration,
}

impl std::fmt::Debug for DerivedRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DerivedRunner")
            .field("limits", &self.limits)
            .field("obsolete_after", &self.obsolete_after)
            .field("query_timeout", &self.query_timeout)
            .finish_non_exhaustive()
    }
}

/// Whether a derived metric last run at `last` is due at `now`: a whole number of its periods of
/// minutes have begun since.
pub fn due(last: Option<EpochMillis>, period_minutes: i64, now: EpochMillis) -> bool {
    last.is_none_or(|last| {
        now.div_euclid(MINUTE_MS) - last.div_euclid(MINUTE_MS) >= period_minutes.max(1)
    })
}

/// What one run concluded from the query's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct RunOutcome {
    pub state: DerivedState,
    pub error: Option<String>,
    /// The points to write: series key and its `(minute start, mean)`s.
    pub points: Vec<(SeriesKey, Vec<(i64, f64)>)>,
    /// The end of the last minute written once these are.
    pub written_through: Option<EpochMillis>,
}

/// The pure part of a run: from the answer over `[start, end)`, what the state becomes and which
/// minutes are written (those at or after `written_through`, so none twice). A series named by
/// one of `inputs` would be read back by the query: INVALID, nothing written.
pub fn outcome(
    answer: Answer,
    inputs: &[String],
    (start, end): (i64, i64),
    written_through: Option<EpochMillis>,
) -> RunOutcome {
    let series = match answer {
        Answer::Failed(QueryFailure { message, .. }) => {
            return RunOutcome {
                state: DerivedState::Invalid,
                error: Some(message),
                points: Vec::new(),
                written_through,
            };
        }
        Answer::Series(series) => series,
    };
    if let Some((key, _)) = series.iter().find(|(k, _)| reads(inputs, &k.label)) {
        return RunOutcome {
            state: DerivedState::Invalid,
            error: Some(format!(
                "the query writes metric '{}', which it also reads: a derived metric cannot \
                 ingest a metric into itself",
                key.label
            )),
            points: Vec::new(),
            written_through,
        };
    }
    let from = written_through.map_or(start, |w| w.max(start));
    let answered = series.iter().any(|(_, minutes)| {
        minutes
            .iter()
            .any(|(t, v)| *t >= start && *t < end && v.is_finite())
    });
    let points: Vec<(SeriesKey, Vec<(i64, f64)>)> = series
        .into_iter()
        .map(|(key, minutes)| {
            let kept = minutes
                .into_iter()
                .filter(|(t, v)| *t >= from && *t < end && v.is_finite())
                .collect::<Vec<_>>();
            (key, kept)
        })
        .filter(|(_, minutes)| !minutes.is_empty())
        .collect();
    RunOutcome {
        state: if answered {
            DerivedState::Active
        } else {
            DerivedState::NoData
        },
        error: None,
        points,
        written_through: Some(written_through.map_or(end, |w| w.max(end))),
    }
}

impl DerivedRunner {
    /// One round: every derived metric outside the trash that is due runs once.
    pub async fn round(&self) -> Result<DerivedReport, DerivedRoundError> {
        let all = self
            .store
            .derived_metrics()
            .await
            .map_err(DerivedRoundError)?;
        let now = self.clock.now_millis();
        let mut report = DerivedReport::default();
        for record in all.into_iter().filter(|r| r.trashed_ms.is_none()) {
            let period = process_rate_minutes(&record.document);
            if !due(record.runtime.last_processed_millis, period, now) {
                report.not_due += 1;
                continue;
            }
            match self.run(&record, now).await {
                Ok(points) => {
                    report.ran += 1;
                    report.points += points;
                }
                Err(e) => {
                    tracing::warn!(id = %record.id, error = %e, "a derived metric could not run; will try again");
                    report.skipped += 1;
                }
            }
        }
        Ok(report)
    }

    /// Runs one derived metric at `now`; the number of points written.
    async fn run(&self, record: &DerivedRecord, now: EpochMillis) -> Result<usize, String> {
        let query = record
            .document
            .get("query")
            .and_then(|q| q.as_str())
            .unwrap_or_default();
        let minutes = window_minutes(&record.document);
        let include_obsolete = record
            .document
            .get("includeObsoleteMetrics")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let inputs = query_inputs(query);
        let sources = Sources {
            reader: self.reader.as_ref(),
            tags: self.source_tags.as_ref(),
            events: self.events.as_ref(),
            limits: self.limits,
            obsolete_after: self.obsolete_after,
        };
        let timing = Timing {
            trigger_minutes: minutes,
            resolve_minutes: minutes,
            realtime: false,
        };
        let began = std::time::Instant::now();
        let cancel = Arc::new(AtomicBool::new(false));
        let run = Box::pin(answer(
            sources,
            query,
            now,
            timing,
            include_obsolete,
            &cancel,
        ));
        let (got, scanned) = match tokio::time::timeout(self.query_timeout, run).await {
            Ok(Ok(got)) => got,
            Ok(Err(unreadable)) => return Err(unreadable.to_string()),
            Err(_) => {
                cancel.store(true, Ordering::Relaxed);
                let message = format!(
                    "Terminating Query to save resources: the query ran longer than {} ms",
                    self.query_timeout.as_millis()
                );
                (
                    Answer::Failed(QueryFailure {
                        syntax: false,
                        message,
                    }),
                    0,
                )
            }
        };
        let hosts: BTreeSet<String> = match &got {
            Answer::Series(series) => series.iter().filter_map(|(k, _)| k.host.clone()).collect(),
            Answer::Failed(_) => BTreeSet::new(),
        };
        let old = &record.runtime;
        let done = outcome(
            got,
            &inputs,
            window(now, minutes, false),
            old.written_through,
        );
        let mut batch = BatchBuilder::with_capacity(done.points.len());
        let mut written = 0usize;
        for (key, minutes) in &done.points {
            let tags: Vec<(&String, &String)> = key.tags.iter().collect();
            for (t, v) in minutes {
                batch.push_parts(
                    &key.label,
                    key.host.as_deref().unwrap_or_default(),
                    &tags,
                    Sample {
                        timestamp: *t,
                        value: *v,
                    },
                );
                written += 1;
            }
        }
        if written > 0 {
            self.writer
                .append(batch.finish())
                .await
                .map_err(|e| format!("cannot write the derived points: {}", Chain(&e)))?;
        }
        let invalid = done.state == DerivedState::Invalid;
        let runtime = DerivedRuntime {
            state: Some(done.state),
            last_processed_millis: Some(now),
            last_query_time: Some(i64::try_from(began.elapsed().as_millis()).unwrap_or(i64::MAX)),
            points_scanned_at_last_query: Some(scanned),
            metrics_used: inputs.into_iter().take(MAX_USED).collect(),
            hosts_used: hosts.into_iter().take(MAX_USED).collect(),
            query_failing: invalid,
            last_failed_time: if invalid {
                Some(now)
            } else {
                old.last_failed_time
            },
            last_error_message: done.error,
            written_through: done.written_through,
        };
        self.store
            .record_derived_run(&record.id, &runtime)
            .await
            .map_err(|e| format!("cannot record the run: {}", Chain(&e)))?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn key(label: &str) -> SeriesKey {
        SeriesKey {
            host: Some("h".into()),
            label: label.into(),
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn due_after_whole_periods() {
        assert!(due(None, 1, 0));
        assert!(!due(Some(60_000), 1, 119_999));
        assert!(due(Some(60_000), 1, 120_000));
        assert!(!due(Some(60_000), 5, 299_999));
        assert!(due(Some(60_000), 5, 360_000));
    }

    #[test]
    fn a_minute_is_written_once() {
        let answer = || {
            Answer::Series(vec![(
                key("out"),
                vec![(0, 1.0), (60_000, 2.0), (120_000, 3.0)],
            )])
        };
        let first = outcome(answer(), &["in".into()], (0, 180_000), None);
        assert_eq!(first.state, DerivedState::Active);
        assert_eq!(first.points.first().map(|p| p.1.len()), Some(3));
        assert_eq!(first.written_through, Some(180_000));
        let again = outcome(answer(), &["in".into()], (0, 180_000), Some(180_000));
        assert!(again.points.is_empty());
        assert_eq!(again.state, DerivedState::Active);
    }

    #[test]
    fn reading_what_it_writes_is_invalid_and_nothing_is_empty_data() {
        let answer = Answer::Series(vec![(key("in.x"), vec![(0, 1.0)])]);
        let o = outcome(answer, &["in.*".into()], (0, 60_000), None);
        assert_eq!(o.state, DerivedState::Invalid);
        assert!(o.points.is_empty());
        let o = outcome(Answer::Series(Vec::new()), &[], (0, 60_000), None);
        assert_eq!(o.state, DerivedState::NoData);
        let failed = Answer::Failed(QueryFailure {
            syntax: true,
            message: "bad".into(),
        });
        let o = outcome(failed, &[], (0, 60_000), None);
        assert_eq!(
            (o.state, o.error),
            (DerivedState::Invalid, Some("bad".into()))
        );
    }
}
