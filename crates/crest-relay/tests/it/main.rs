//! crest-relay's integration tests: the file log (the shared suite, reopening, torn writes,
//! corruption), the relay over a fake engine (a model test) and over a real VictoriaMetrics.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

mod file_log;
mod model;
mod relay;
mod support;
mod victoria;
