//! crest-relay's integration tests: the file log (the shared suite, reopening, torn writes,
//! corruption), the JetStream log (the shared suite and its own cases, against the NATS server
//! with JetStream on 127.0.0.1:4222 or `CREST_NATS_URL`: without it they fail, never skip), the
//! relay over a fake engine (a model test) and over a real VictoriaMetrics.
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
mod gate;
mod jetstream;
mod model;
mod relay;
mod support;
mod victoria;
