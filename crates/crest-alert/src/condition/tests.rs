//! Conditions through the real evaluator over points in memory: KAT-21 and KAT-22.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crest_query::{NoEvents, QueryError, QueryLimits, SourceTags};
use crest_series::{Batch, Pattern, Sample, SeriesKey as Key, SeriesWriter};
use crest_testkit::MemorySeries;

use super::*;
use crate::series::judge;

/// wql.md §5's T0 (2023-11-14T22:14:00Z), on a whole minute.
const T0: i64 = 1_700_000_040;

struct NoTags;

#[async_trait::async_trait]
impl SourceTags for NoTags {
    async fn sources_tagged(&self, _: &Pattern) -> Result<Vec<String>, QueryError> {
        Ok(Vec::new())
    }
}

async fn loaded(values: &[(i64, f64)]) -> MemorySeries {
    let series = MemorySeries::new();
    let mut batch = Batch::default();
    batch.push_series(
        &Key::new("my.metric", "h1"),
        values.iter().map(|&(t, value)| Sample {
            timestamp: (T0 + t) * 1000,
            value,
        }),
    );
    series.append(batch).await.unwrap();
    series
}

fn one_minute() -> Timing {
    Timing {
        trigger_minutes: 1,
        resolve_minutes: 1,
        realtime: false,
    }
}

async fn ask(series: &MemorySeries, query: &str) -> Answer {
    let sources = Sources {
        reader: series,
        tags: &NoTags,
        events: &NoEvents,
        limits: QueryLimits::default(),
        obsolete_after: crest_query::DEFAULT_OBSOLETE_AFTER,
    };
    // checked 10 s into the next minute: the window is T0's minute
    let now = (T0 + 70) * 1000;
    let cancel = Arc::new(AtomicBool::new(false));
    answer(sources, query, now, one_minute(), false, &cancel)
        .await
        .unwrap()
        .0
}

fn only_minutes(answer: Answer) -> Vec<(i64, f64)> {
    match answer {
        Answer::Series(mut s) => {
            assert_eq!(s.len(), 1, "{s:?}");
            s.pop().unwrap().1
        }
        Answer::Failed(f) => panic!("{f:?}"),
    }
}

#[tokio::test]
async fn kat_21_the_minute_of_9_9_9_3_9_above_4_is_0_8_and_true() {
    let data = loaded(&[(5, 9.0), (15, 9.0), (25, 9.0), (35, 3.0), (45, 9.0)]).await;
    let minutes = only_minutes(ask(&data, "ts(my.metric) > 4").await);
    assert_eq!(minutes.len(), 1);
    let (t, v) = minutes[0];
    assert_eq!(t, T0 * 1000);
    assert!((v - 0.8).abs() < 1e-12, "{v}");
    assert!(judge(&minutes, false, (T0 + 70) * 1000, one_minute()).failing);
}

#[tokio::test]
async fn kat_21_the_align_min_variant_is_false() {
    let data = loaded(&[(5, 9.0), (15, 9.0), (25, 9.0), (35, 3.0), (45, 9.0)]).await;
    let minutes = only_minutes(ask(&data, "align(1m, min, ts(my.metric) > 4)").await);
    assert_eq!(minutes, vec![(T0 * 1000, 0.0)]);
    assert!(!judge(&minutes, false, (T0 + 70) * 1000, one_minute()).failing);
}

#[tokio::test]
async fn kat_22_conflict_5_and_3_above_4_is_0_5_and_true() {
    // conflict: the "Alert Firing" text averages the values (4, false); the documented
    // procedure averages the comparisons (0.5, true). The procedure is pinned.
    let data = loaded(&[(10, 5.0), (40, 3.0)]).await;
    let minutes = only_minutes(ask(&data, "ts(my.metric) > 4").await);
    assert_eq!(minutes, vec![(T0 * 1000, 0.5)]);
    assert!(judge(&minutes, false, (T0 + 70) * 1000, one_minute()).failing);
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_a_syntax_failure() {
    let data = loaded(&[(5, 1.0)]).await;
    match ask(&data, "ts(my.metric) >").await {
        Answer::Failed(f) => assert!(f.syntax, "{f:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unsupported_function_fails_without_being_a_syntax_error() {
    let data = loaded(&[(5, 1.0)]).await;
    match ask(&data, "nosuchfunction(ts(my.metric))").await {
        Answer::Failed(f) => assert!(!f.syntax, "{f:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_metric_never_reported_answers_no_series() {
    let data = loaded(&[(5, 1.0)]).await;
    assert_eq!(
        ask(&data, "ts(other.metric) > 0").await,
        Answer::Series(Vec::new())
    );
}
