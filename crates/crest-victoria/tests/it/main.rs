//! crest-victoria's integration tests: one binary, each test against a VictoriaMetrics it starts
//! itself (`$CREST_VICTORIA_BIN`, or Debian's `/usr/bin/victoria-metrics`; a missing binary fails
//! the tests, never skips them).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::approx_constant,
    clippy::useless_vec
)]

mod cluster;
mod quirks;
mod selectors;
mod suite;
mod support;
