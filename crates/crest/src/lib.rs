//! The `crest` binary's library: configuration, wiring, the server's life cycle and the admin
//! commands. `main.rs` only parses the command line and calls in here; tests start the same server
//! in-process.

pub mod admin;
pub mod alert_delivery;
pub mod alerting;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod deriving;
pub mod mail;
pub mod points;
pub mod rounds;
pub mod server;
pub mod telemetry;
