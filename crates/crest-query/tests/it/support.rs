//! Loading points, asking queries, reading answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crest_query::{
    EventData, EventReader, QueryAnswer, QueryError, QueryLimits, QueryRequest, SourceTags,
    Summarization, TimeSeries,
};
use crest_series::{
    Batch, Centroid, Distribution, Granularity, HistogramPoint, Pattern, Sample, SeriesKey,
    SeriesWriter,
};
use crest_testkit::MemorySeries;

/// wql.md §5's T0 (2023-11-14T22:14:00Z).
pub(crate) const T0: i64 = 1_700_000_040;

/// Source tags: tag → sources.
#[derive(Debug, Default)]
pub(crate) struct Tags(pub(crate) BTreeMap<String, Vec<String>>);

#[async_trait::async_trait]
impl SourceTags for Tags {
    async fn sources_tagged(&self, tag: &Pattern) -> Result<Vec<String>, QueryError> {
        let mut out: Vec<String> = self
            .0
            .iter()
            .filter(|(t, _)| tag.matches(t))
            .flat_map(|(_, s)| s.iter().cloned())
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Stored events: all of them, whatever the window (the evaluator applies the window rule).
#[derive(Debug, Default)]
pub(crate) struct Events(pub(crate) Vec<EventData>);

#[async_trait::async_trait]
impl EventReader for Events {
    async fn events_between(&self, _: i64, _: i64) -> Result<Vec<EventData>, QueryError> {
        Ok(self.0.clone())
    }
}

/// A store, the source tags and the events, filled by the builder methods.
#[derive(Debug, Default)]
pub(crate) struct Db {
    pub(crate) series: MemorySeries,
    pub(crate) tags: Tags,
    pub(crate) events: Events,
    batch: Batch,
}

impl Db {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// `metric{source, tags}` points `(epoch s, value)`.
    pub(crate) fn add(
        mut self,
        metric: &str,
        source: &str,
        tags: &[(&str, &str)],
        points: &[(i64, f64)],
    ) -> Self {
        let mut key = SeriesKey::new(metric, source);
        for (k, v) in tags {
            key = key.with_tag(*k, *v);
        }
        self.batch.push_series(
            &key,
            points.iter().map(|&(t, value)| Sample {
                timestamp: t * 1000,
                value,
            }),
        );
        self
    }

    /// Points with no tags.
    pub(crate) fn pts(self, metric: &str, source: &str, points: &[(i64, f64)]) -> Self {
        self.add(metric, source, &[], points)
    }

    /// A distribution `metric` (without the suffix) at `t`, as `(mean, count)` centroids.
    pub(crate) fn hist(
        mut self,
        metric: &str,
        source: &str,
        g: Granularity,
        t: i64,
        centroids: &[(f64, u32)],
    ) -> Self {
        self.batch.histograms.push(HistogramPoint {
            key: SeriesKey::new(metric, source),
            granularity: g,
            distribution: Distribution {
                timestamp: g.floor(t * 1000),
                centroids: centroids
                    .iter()
                    .map(|&(mean, count)| Centroid { mean, count })
                    .collect(),
            },
            merge: true,
        });
        self
    }

    /// An event from `start` to `end` (epoch seconds; `None`: open), its id its name.
    pub(crate) fn event(
        mut self,
        name: &str,
        start: i64,
        end: Option<i64>,
        edit: impl FnOnce(&mut EventData),
    ) -> Self {
        let mut e = EventData {
            id: format!("{}:{name}", start * 1000),
            name: name.to_owned(),
            start_ms: start * 1000,
            end_ms: end.map(|e| e * 1000),
            ..EventData::default()
        };
        edit(&mut e);
        self.events.0.push(e);
        self
    }

    pub(crate) fn tag(mut self, tag: &str, sources: &[&str]) -> Self {
        self.tags.0.insert(
            tag.to_owned(),
            sources.iter().map(|s| (*s).to_owned()).collect(),
        );
        self
    }

    pub(crate) async fn load(mut self) -> Self {
        let batch = std::mem::take(&mut self.batch);
        self.series.append(batch).await.unwrap();
        self
    }

    pub(crate) async fn ask(&self, r: &QueryRequest) -> Result<QueryAnswer, QueryError> {
        self.ask_limited(r, &QueryLimits::default()).await
    }

    pub(crate) async fn ask_limited(
        &self,
        r: &QueryRequest,
        limits: &QueryLimits,
    ) -> Result<QueryAnswer, QueryError> {
        let cancel = Arc::new(AtomicBool::new(false));
        crest_query::run(r, &self.series, &self.tags, &self.events, limits, &cancel).await
    }

    /// The answer's series for `q` over `[start, end)` at 1-second granularity.
    pub(crate) async fn q(&self, q: &str, start: i64, end: i64) -> Vec<TimeSeries> {
        match self.ask(&req(q, start, end)).await {
            Ok(a) => a.series,
            Err(e) => panic!("{q}: {e}"),
        }
    }

    /// The one series of the answer's points.
    pub(crate) async fn one(&self, q: &str, start: i64, end: i64) -> Vec<(i64, f64)> {
        let got = self.q(q, start, end).await;
        assert_eq!(got.len(), 1, "{q}: {got:?}");
        got.into_iter().next().unwrap().data
    }
}

/// A request at 1-second granularity, MEAN, not strict, without empty series, `now` = `end`,
/// obsolete series hidden after the default period.
pub(crate) fn req(q: &str, start: i64, end: i64) -> QueryRequest {
    QueryRequest {
        query: q.to_owned(),
        start,
        end,
        granularity: 1,
        summarization: Summarization::Mean,
        strict: false,
        include_empty: false,
        max_points: None,
        now: end,
        include_obsolete: false,
        obsolete_after: crest_query::DEFAULT_OBSOLETE_AFTER,
        auto_events: false,
    }
}

/// Points relative to T0.
pub(crate) fn at(points: &[(i64, f64)]) -> Vec<(i64, f64)> {
    points.iter().map(|&(t, v)| (T0 + t, v)).collect()
}

/// Asserts two point lists agree to 1e-9 relative.
#[track_caller]
pub(crate) fn close(got: &[(i64, f64)], want: &[(i64, f64)]) {
    assert_eq!(got.len(), want.len(), "got {got:?}, want {want:?}");
    for ((gt, gv), (wt, wv)) in got.iter().zip(want) {
        assert_eq!(gt, wt, "got {got:?}, want {want:?}");
        assert!(
            (gv - wv).abs() <= 1e-9 * wv.abs().max(1.0),
            "at {gt}: got {gv}, want {wv} (all: {got:?})"
        );
    }
}
