//! The evaluator through `run`, over data in `MemorySeries`: the known-answer cases of wql.md §5,
//! the conformance suite's query cases, properties on random data, and the errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::type_complexity,
    clippy::cast_possible_wrap,
    clippy::cast_precision_loss
)]

mod anyall;
mod chart;
mod conformance;
mod errors;
mod events;
mod join;
mod kat;
mod mgroup;
mod moving;
mod obsolete;
mod properties;
mod source_tags;
mod strings;
mod support;
mod tier2;
mod tier2_last;
