//! The command line: `crest serve`, `crest admin …`, `crest openapi`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A self-hosted server for the Operations for Applications (Wavefront) REST API.
#[derive(Debug, Parser)]
#[command(name = "crest", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingsArgs,
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

/// Settings shared by every command. Each flag also reads its environment variable; flags win
/// over the environment, which wins over the configuration file, which wins over the defaults.
#[derive(Debug, Clone, Default, Args)]
pub struct SettingsArgs {
    /// A TOML configuration file.
    #[arg(long, global = true, env = "CREST_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, global = true, env = "CREST_LISTEN")]
    pub listen: Option<String>,
    /// Directory of the embedded store [default: ./crest-data].
    #[arg(long, global = true, env = "CREST_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); the embedded SQLite store when unset.
    #[arg(
        long,
        global = true,
        env = "CREST_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The URL clients reach this instance at [default: derived from --listen].
    #[arg(long, global = true, env = "CREST_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// PEM certificate chain; with --tls-key, serve HTTPS.
    #[arg(long, global = true, env = "CREST_TLS_CERT")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, global = true, env = "CREST_TLS_KEY")]
    pub tls_key: Option<PathBuf>,
    /// Largest request body accepted, in bytes [default: 8388608].
    #[arg(long, global = true, env = "CREST_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Compatibility: a file holding a 32-byte key (64 hex characters). When set, new API tokens
    /// are also kept sealed with it and listings show their secrets again, as the original
    /// product's Copy icon did. Off by default.
    #[arg(long, global = true, env = "CREST_TOKEN_RETRIEVAL_KEY_FILE")]
    pub token_retrieval_key_file: Option<PathBuf>,
    /// The sender of invitation mail, with CREST_SMTP_URL (itself read from the environment or
    /// the configuration file only, since it may hold a password).
    #[arg(long, global = true, env = "CREST_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// original (API tokens), onboarded (VMware Cloud services access tokens) or hybrid (both)
    /// [default: hybrid].
    #[arg(long, global = true, env = "CREST_SUBSCRIPTION")]
    pub subscription: Option<String>,
    /// Trust access tokens of an external identity service (another crest, or any CSP-compatible
    /// one) at this base URL, through its published keys, instead of this instance's own.
    #[arg(long, global = true, env = "CREST_CSP_TRUSTED_URL")]
    pub csp_trusted_url: Option<String>,
    /// The organization whose tokens the trusted service issues (required with the URL).
    #[arg(long, global = true, env = "CREST_CSP_TRUSTED_ORG_ID")]
    pub csp_trusted_org_id: Option<String>,
    /// The `iss` of the trusted service's tokens (default: `<URL>/csp/gateway/am`).
    #[arg(long, global = true, env = "CREST_CSP_TRUSTED_ISSUER")]
    pub csp_trusted_issuer: Option<String>,
    /// Email of the first administrator, created (or completed) at start-up.
    #[arg(long, global = true, env = "CREST_BOOTSTRAP_ADMIN")]
    pub bootstrap_admin: Option<String>,
}

/// The bootstrap token is a secret: it is read from `CREST_BOOTSTRAP_TOKEN` or the configuration
/// file, never from a flag, where every user of the machine could read it in the process list.
pub const BOOTSTRAP_TOKEN_ENV: &str = "CREST_BOOTSTRAP_TOKEN";
/// The bootstrap administrator's password: environment or configuration file only, like the token.
pub const BOOTSTRAP_PASSWORD_ENV: &str = "CREST_BOOTSTRAP_PASSWORD";
/// The SMTP server's URL may hold its password: environment or configuration file only.
pub const SMTP_URL_ENV: &str = "CREST_SMTP_URL";
