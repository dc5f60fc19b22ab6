//! `crest`: serve the API, or run an administrative command against the same store.

use std::process::ExitCode;

use clap::Parser;
use crest::cli::{Cli, Command};

/// mimalloc instead of the system allocator: ingestion builds and drops many small keys per
/// request, and glibc's malloc spent about a third of the server's CPU on that at 100,000 series
/// (profiled; see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    crest::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("crest: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        let config = crest::config::Config::load(&cli)?;
        match cli.command {
            Command::Serve(_) => crest::server::serve_until_signalled(config).await,
            Command::Admin(admin) => crest::admin::run(config, admin.command).await,
            Command::Openapi => crest::admin::print_openapi(),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("crest: {e:#}");
            ExitCode::FAILURE
        }
    }
}
