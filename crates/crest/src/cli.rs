//! The command line: `crest serve`, `crest admin …`, `crest openapi`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::Settings;

/// A self-hosted server for the Operations for Applications (Wavefront) REST API.
#[derive(Debug, Parser)]
#[command(name = "crest", version, about, after_help = SETTINGS_HELP)]
pub struct Cli {
    /// A TOML configuration file (also CREST_CONFIG).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// The settings given as flags; secrets have none.
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default deployment: `crest serve`).
    Serve(ServeArgs),
    /// Administrative commands against the same store; each prints one JSON object on stdout.
    Admin(AdminArgs),
    /// Print the OpenAPI document the server serves at /api/v2/swagger.json.
    Openapi,
}

#[derive(Debug, Args)]
pub struct ServeArgs {}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// The store's backend, location, schema and account count.
    Status,
    /// Server-to-server OAuth apps of the identity service.
    CspApp {
        #[command(subcommand)]
        command: CspAppCommand,
    },
    /// Organization API tokens of the identity service.
    CspToken {
        #[command(subcommand)]
        command: CspTokenCommand,
    },
    /// The identity service's signing keys.
    SigningKey {
        #[command(subcommand)]
        command: SigningKeyCommand,
    },
    /// The time-series engine.
    Tsdb {
        #[command(subcommand)]
        command: TsdbCommand,
    },
    /// The audit trail of security events, newest first.
    Audit {
        /// How many of the newest events to skip.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// How many events to print (0 means the default, 100; at most 1000).
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum CspAppCommand {
    /// Create an app; prints `{"clientId", "clientSecret", "orgId"}` (the secret this once).
    Create {
        #[arg(long)]
        name: String,
        /// A service role (`aoa:proxies`, `aoa:*`, …); repeat for more.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Access-token lifetime in minutes (1 to 300) [default: 30].
        #[arg(long)]
        ttl_minutes: Option<u32>,
        #[arg(long, default_value = "")]
        description: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CspTokenCommand {
    /// Create a user's organization API token; prints `{"token", "orgId"}` (the token this once).
    /// With no `--role`, it carries the Member role and no service role.
    Create {
        /// The user's email address.
        #[arg(long)]
        user: String,
        /// A service role within the user's own; repeat for more.
        #[arg(long = "role")]
        roles: Vec<String>,
        #[arg(long, default_value = "")]
        name: String,
        /// Lifetime in minutes [default: never lapses].
        #[arg(long)]
        ttl_minutes: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TsdbCommand {
    /// What the engine holds: series, points, blocks, bytes on disk, WAL size, the oldest and
    /// newest point. Reads the files without taking them from a running server.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum SigningKeyCommand {
    /// Make a new signing key; tokens signed by older keys stay valid until they expire.
    Rotate,
    /// Measure how many access tokens per second the newest key signs, on every core (the
    /// baseline `scripts/bench` compares the exchanges with).
    Measure {
        #[arg(long, default_value_t = 5)]
        seconds: u64,
    },
}

/// How the settings are named in each source, shown under `--help`.
const SETTINGS_HELP: &str = "\
Every setting is also read from the environment as CREST_ and its name in capitals \
(--max-body-bytes: CREST_MAX_BODY_BYTES) and from the configuration file as its name with _ \
(max_body_bytes). Flags win over the environment, which wins over the file, which wins over the \
defaults. Secrets have no flag: CREST_BOOTSTRAP_TOKEN, CREST_BOOTSTRAP_PASSWORD and CREST_SMTP_URL \
are read from the environment or the file only.";
