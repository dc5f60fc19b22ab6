//! The in-memory model passes the shared suite of `crest-series`, as every engine must.

use crest_series::suite;
use crest_testkit::MemorySeries;

#[tokio::test]
async fn the_model_passes_the_shared_suite() {
    for case in suite::cases() {
        let engine = MemorySeries::new();
        assert_eq!(suite::run(case, &engine).await, Ok(()), "{case}");
    }
}
