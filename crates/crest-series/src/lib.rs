//! The series model and the narrow interface through which the data path writes and reads points.
//!
//! Every engine (the embedded `crest-tsdb`, and later VictoriaMetrics) implements [`SeriesWriter`],
//! [`SeriesReader`] and [`SeriesCatalog`]; ingestion writes through the first, the query language and
//! the read endpoints read through the other two. Nothing here belongs to one engine: no series ids,
//! no blocks, no files.

mod batch;
mod batch_builder;
mod bucketed;
mod error;
mod filter;
mod histogram;
mod key;
mod point;
#[cfg(feature = "suite")]
pub mod suite;
mod traits;

pub use batch::{Batch, BatchSeries, canonical_hash};
pub use batch_builder::BatchBuilder;
pub use bucketed::{BucketSummary, Bucketed, BucketedData, Bucketer, Bucketing};
pub use error::SeriesError;
pub use filter::{Filter, Pattern, Term, WholeMatch};
pub use histogram::{Centroid, Distribution, Granularity, HistogramPoint};
pub use key::{DELTA_PREFIX, SeriesKey};
pub use point::{Sample, TimeRange, is_one_per_second, per_second};
pub use traits::{
    AppendReport, EngineStatus, HistogramData, ReadLimits, SeriesCatalog, SeriesData, SeriesInfo,
    SeriesReader, SeriesWriter,
};
