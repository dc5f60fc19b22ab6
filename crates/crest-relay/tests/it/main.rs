//! crest-relay's integration tests, one binary. The JetStream tests need the NATS server with
//! JetStream on 127.0.0.1:4222 (or `CREST_NATS_URL`): without it they fail, never skip.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod jetstream;
