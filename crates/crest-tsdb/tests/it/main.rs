//! crest-tsdb's integration tests: crash safety, the model test, and the engine's behaviour.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::type_complexity,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

mod behaviour;
mod model;
mod suite;
mod summarised;
mod support;
mod torn_writes;
