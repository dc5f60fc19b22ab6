//! The shared suite of `crest-series`, every case against a fresh embedded engine (through its
//! async edge, as crest uses it), and each case's data read again after a restart.

use std::sync::Arc;

use crest_series::{Filter, ReadLimits, SeriesReader as _, TimeRange, suite};
use crest_tsdb::{Options, Tsdb};

#[tokio::test]
async fn the_embedded_engine_passes_the_shared_suite() {
    let everything = TimeRange::new(suite::T0 - 86_400_000, suite::T0 + 86_400_000);
    let all = Filter::And(Vec::new());
    for case in suite::cases() {
        let dir = tempfile::tempdir().unwrap();
        let open = || Tsdb::open(Options::new(dir.path()), Arc::new(|| suite::T0)).unwrap();
        let tsdb = open();
        assert_eq!(suite::run(case, &tsdb).await, Ok(()), "{case}");
        let before = tsdb
            .select(&all, everything, ReadLimits::default())
            .await
            .unwrap();
        tsdb.close().await.unwrap();
        drop(tsdb);
        let after = open()
            .select(&all, everything, ReadLimits::default())
            .await
            .unwrap();
        assert_eq!(
            format!("{before:?}"),
            format!("{after:?}"),
            "{case} after a restart"
        );
    }
}
