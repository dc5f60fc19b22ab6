//! The configuration: one typed [`Settings`], read from four layers with one precedence rule
//! (flags, then the environment, then the TOML file, then the defaults), and resolved into the
//! [`Config`] crest runs with.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::{Context, anyhow, bail};
use clap::Args;
use crest_domain::bootstrap::BootstrapSettings;
use crest_domain::csp::subscription::Subscription;
use crest_store::StoreLocation;
use secrecy::SecretString;
use serde::Deserialize;

use crate::cli::Cli;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./crest-data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How long points are kept by default: the product's 18 months.
pub const DEFAULT_RETENTION: &str = "18mo";
pub const DEFAULT_QUERY_MAX_SERIES: usize = 100_000;
pub const DEFAULT_QUERY_MAX_POINTS: usize = 50_000_000;
pub const DEFAULT_QUERY_TIMEOUT_SECONDS: u64 = 60;
/// After how many days without a point a series is obsolete (hidden from queries unless they ask
/// for `includeObsoleteMetrics`): the docs say 2 weeks in places and 4 weeks (28 days) in more,
/// the fill functions' length among them.
pub const DEFAULT_QUERY_OBSOLETE_AFTER_DAYS: u32 = 28;
/// The longest obsolescence period accepted: ten years.
pub const MAX_QUERY_OBSOLETE_AFTER_DAYS: u32 = 3650;
/// The longest tick of the alert evaluator accepted: an hour.
pub const MAX_ALERT_EVERY_SECONDS: u64 = 3600;
/// The longest tick of the derived-metric runner accepted: an hour.
pub const MAX_DERIVED_EVERY_SECONDS: u64 = 3600;

/// The environment variable naming the configuration file (or `--config`).
pub const CONFIG_ENV: &str = "CREST_CONFIG";
/// Every environment variable of a setting is this prefix and the setting's name in capitals.
pub const ENV_PREFIX: &str = "CREST_";

/// Reads one environment variable; the process environment, or a map in tests.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The environment variable of the setting `key` (`max_body_bytes`: `CREST_MAX_BODY_BYTES`).
pub fn env_name(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase())
}

/// Declares [`Settings`], one row per setting. A row gives the setting's file key (the field's
/// name), its environment variable ([`env_name`]) and, unless it is a secret, its flag (`--` and the
/// name with `-` for `_`). Secrets have no flag, where every user of the machine could read them in
/// the process list; `Debug` hides their values, and those of the flags that may hold a password.
macro_rules! settings {
    (
        flags { $( $(#[$flag_meta:meta])* $flag:ident: $flag_ty:ty, )* }
        masked_flags { $( $(#[$masked_meta:meta])* $masked:ident: $masked_ty:ty, )* }
        secrets { $( $(#[$secret_meta:meta])* $secret:ident: $secret_ty:ty, )* }
    ) => {
        /// Every setting, as one source gives them or as the layered sources resolve; unset is
        /// `None`. The TOML file has the same keys (`deny_unknown_fields`).
        #[derive(Clone, Default, Args, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Settings {
            $( $(#[$flag_meta])* #[arg(long, global = true)] pub $flag: Option<$flag_ty>, )*
            $( $(#[$masked_meta])* #[arg(long, global = true)] pub $masked: Option<$masked_ty>, )*
            $( $(#[$secret_meta])* #[arg(skip)] pub $secret: Option<$secret_ty>, )*
        }

        impl Settings {
            /// `self`, with what it leaves unset taken from `lower`.
            pub fn or(self, lower: Self) -> Self {
                Self {
                    $( $flag: self.$flag.or(lower.$flag), )*
                    $( $masked: self.$masked.or(lower.$masked), )*
                    $( $secret: self.$secret.or(lower.$secret), )*
                }
            }

            /// The settings the environment sets, read through `env`.
            pub fn from_env(env: Env<'_>) -> anyhow::Result<Self> {
                Ok(Self {
                    $( $flag: from_env(env, stringify!($flag))?, )*
                    $( $masked: from_env(env, stringify!($masked))?, )*
                    $( $secret: from_env(env, stringify!($secret))?, )*
                })
            }
        }

        impl fmt::Debug for Settings {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("Settings")
                    $( .field(stringify!($flag), &self.$flag) )*
                    $( .field(stringify!($masked), &self.$masked.as_ref().map(|_| "<redacted>")) )*
                    $( .field(stringify!($secret), &self.$secret.as_ref().map(|_| "<redacted>")) )*
                    .finish()
            }
        }
    };
}

settings! {
    flags {
        /// Address to listen on [default: 127.0.0.1:8080].
        listen: String,
        /// Directory of the embedded store and of the time-series engine's files (under
        /// `tsdb/`, also when the metadata is in PostgreSQL) [default: ./crest-data].
        data_dir: PathBuf,
        /// How long points are kept: a number with h, d, w, mo (30.44 days) or y (365.25 days)
        /// [default: 18mo]. Whole blocks of older points are deleted.
        retention: String,
        /// The most series one chart query may read [default: 100000].
        query_max_series: usize,
        /// The most points one chart query may read [default: 50000000].
        query_max_points: usize,
        /// How long one chart query may run, in seconds [default: 60]; past it the query answers
        /// `Timeout`.
        query_timeout_seconds: u64,
        /// After how many days without a point a series is obsolete: chart queries leave it out
        /// unless they ask for includeObsoleteMetrics=true, and default(), last() and next() fill
        /// this far without a window; whole days, 1 to 3650 [default: 28].
        query_obsolete_after_days: u32,
        /// The URL clients reach this instance at [default: derived from --listen].
        public_url: String,
        /// PEM certificate chain; with --tls-key, serve HTTPS.
        tls_cert: PathBuf,
        /// PEM private key for --tls-cert.
        tls_key: PathBuf,
        /// Largest request body accepted, in bytes [default: 8388608].
        max_body_bytes: usize,
        /// Compatibility: a file holding a 32-byte key (64 hex characters). When set, new API
        /// tokens are also kept sealed with it and listings show their secrets again, as the
        /// original product's Copy icon did. Off by default.
        token_retrieval_key_file: PathBuf,
        /// The sender of invitation mail, with CREST_SMTP_URL (itself read from the environment
        /// or the configuration file only, since it may hold a password).
        smtp_from: String,
        /// The PagerDuty Events API that PAGERDUTY alert targets post to
        /// [default: <https://events.pagerduty.com>].
        pagerduty_url: String,
        /// original (API tokens), onboarded (VMware Cloud services access tokens) or hybrid
        /// (both) [default: hybrid].
        subscription: String,
        /// Trust access tokens of an external identity service (another crest, or any
        /// CSP-compatible one) at this base URL, through its published keys, instead of this
        /// instance's own.
        csp_trusted_url: String,
        /// The organization whose tokens the trusted service issues (required with the URL).
        csp_trusted_org_id: String,
        /// The `iss` of the trusted service's tokens (default: `<URL>/csp/gateway/am`).
        csp_trusted_issuer: String,
        /// Email of the first administrator, created (or completed) at start-up.
        bootstrap_admin: String,
        /// Keep points in this VictoriaMetrics single node (e.g. http://127.0.0.1:8428) instead
        /// of the embedded engine; it must run with -dedup.minScrapeInterval=1ms.
        victoria_url: String,
        /// A VictoriaMetrics cluster's vminsert (e.g. http://vminsert:8480), with
        /// --victoria-select-url.
        victoria_insert_url: String,
        /// A VictoriaMetrics cluster's vmselect (e.g. http://vmselect:8481).
        victoria_select_url: String,
        /// The cluster tenant, `accountID[:projectID]` [default: 0].
        victoria_tenant: String,
        /// A VictoriaMetrics cluster's vmstorage nodes, their HTTP port (e.g.
        /// http://vmstorage-1:8482,http://vmstorage-2:8482), separated by commas: where the
        /// durability barrier makes snapshots and sees restarts, and reads flush.
        victoria_storage_urls: String,
        /// What to do with a value VictoriaMetrics would round: report (count it) or refuse
        /// (answer 400) [default: report].
        victoria_precision: String,
        /// The name of this deployment's JetStream stream (letters, digits, - and _), shared by
        /// every instance of the deployment [default: crest].
        nats_deployment: String,
        /// The replicas of the JetStream stream when crest creates it [default: 1].
        nats_replicas: usize,
        /// How often, in seconds, the alert evaluator looks for alerts that are due, 1 to 3600
        /// [default: 10]. Alerts are still checked once per their own period; a shorter tick only
        /// checks them sooner after their minute begins (browser tests use 1).
        alert_every_seconds: u64,
        /// How often, in seconds, the derived-metric runner looks for derived metrics that are
        /// due, 1 to 3600 [default: 10]. Each still runs once per its `processRateMinutes`.
        derived_every_seconds: u64,
        /// How often, in seconds, the relay makes VictoriaMetrics durable and trims the ingest
        /// log behind it, or rewinds the log when VictoriaMetrics restarted [default: 30].
        relay_barrier_seconds: u64,
    }
    masked_flags {
        /// PostgreSQL URL (postgres://…); the embedded SQLite store when unset.
        database_url: String,
        /// NATS URL (nats://…) of the JetStream log that several instances share; with
        /// VictoriaMetrics only. Unset: the log is a file under the data directory.
        nats_url: String,
    }
    secrets {
        /// The first administrator's API token (a UUID).
        bootstrap_token: String,
        /// The first administrator's password (for scripted installs and browser tests).
        bootstrap_password: String,
        /// The SMTP server's URL; it may hold a password.
        smtp_url: String,
    }
}

/// The setting `key` as the environment gives it, if it does. The message names the variable and
/// never repeats the value (it may be a secret).
fn from_env<T>(env: Env<'_>, key: &str) -> anyhow::Result<Option<T>>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let name = env_name(key);
    env(&name)
        .map(|v| v.parse::<T>().map_err(|e| anyhow!("{name}: {e}")))
        .transpose()
}

/// Certificate and key for HTTPS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Where points are kept.
#[derive(Debug, Clone)]
pub enum PointsEngine {
    /// The embedded engine, under `<data dir>/tsdb` ([`Config::tsdb_dir`]).
    Embedded,
    /// VictoriaMetrics, behind crest's durable ingest log.
    Victoria {
        endpoints: crest_victoria::Endpoints,
        precision: crest_victoria::Precision,
        log: IngestLogSettings,
        /// The period of the relay's durability barrier.
        barrier_every: std::time::Duration,
    },
}

/// Where the ingest log in front of VictoriaMetrics is.
#[derive(Clone)]
pub enum IngestLogSettings {
    /// A file log under `<data dir>/relay`, for one instance.
    File { dir: PathBuf },
    /// A NATS JetStream stream shared by every instance of the deployment.
    JetStream {
        url: SecretString,
        deployment: String,
        replicas: usize,
    },
}

impl fmt::Debug for IngestLogSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IngestLogSettings::File { dir } => f.debug_struct("File").field("dir", dir).finish(),
            IngestLogSettings::JetStream {
                deployment,
                replicas,
                ..
            } => f
                .debug_struct("JetStream")
                .field("url", &"<redacted>")
                .field("deployment", deployment)
                .field("replicas", replicas)
                .finish(),
        }
    }
}

/// The deployment name when none is set.
pub const DEFAULT_NATS_DEPLOYMENT: &str = "crest";

/// Everything crest runs with.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub store: StoreLocation,
    /// Where the time-series engine keeps its files: `<data dir>/tsdb`.
    pub tsdb_dir: PathBuf,
    /// Where points are kept: the embedded engine or VictoriaMetrics.
    pub points: PointsEngine,
    /// How long points are kept, in milliseconds.
    pub retention_ms: i64,
    /// What one chart query may read, and for how long it may run.
    pub query_max_series: usize,
    pub query_max_points: usize,
    pub query_timeout: std::time::Duration,
    /// How long a series may go without a point before queries hide it as obsolete.
    pub query_obsolete_after: std::time::Duration,
    /// How often the alert evaluator looks for due alerts; `crest serve` hands it to the server
    /// as [`crate::server::Dependencies::evaluate_every`].
    pub alert_every: std::time::Duration,
    /// How often the derived-metric runner looks for due derived metrics; `crest serve` hands it
    /// to the server as [`crate::server::Dependencies::derive_every`].
    pub derived_every: std::time::Duration,
    pub public_url: String,
    pub tls: Option<TlsFiles>,
    pub max_body_bytes: usize,
    pub bootstrap: Option<BootstrapSettings>,
    /// The bootstrap administrator's password (for scripted installs and browser tests).
    pub bootstrap_password: Option<SecretString>,
    /// The compatibility setting that makes tokens retrievable: where the operator's key is.
    pub token_retrieval_key_file: Option<PathBuf>,
    /// Where invitations are mailed from; without it, administrators hand out the links.
    pub smtp: Option<SmtpSettings>,
    /// The PagerDuty Events API (without the trailing `/v2/enqueue`).
    pub pagerduty_url: String,
    pub subscription: Subscription,
    /// An external identity service whose access tokens are accepted instead of this instance's.
    pub trusted_issuer: Option<TrustedIssuerSettings>,
}

/// Where the trusted identity service publishes its keys, and what its tokens say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedIssuerSettings {
    pub jwks_url: String,
    pub issuer: String,
    pub org_id: String,
}

/// The SMTP server invitations go through. `Debug` shows the sender only (the URL is secret).
#[derive(Clone)]
pub struct SmtpSettings {
    pub url: SecretString,
    pub from: String,
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("store", &self.store)
            .field("points", &self.points)
            .field("public_url", &self.public_url)
            .field("tls", &self.tls)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("retention_ms", &self.retention_ms)
            .field("query_max_series", &self.query_max_series)
            .field("query_max_points", &self.query_max_points)
            .field("query_timeout", &self.query_timeout)
            .field("query_obsolete_after", &self.query_obsolete_after)
            .field("alert_every", &self.alert_every)
            .field("derived_every", &self.derived_every)
            .field("token_retrieval_key_file", &self.token_retrieval_key_file)
            .field("smtp_from", &self.smtp.as_ref().map(|m| m.from.as_str()))
            .field("subscription", &self.subscription)
            .field("trusted_issuer", &self.trusted_issuer)
            .field(
                "bootstrap_admin",
                &self.bootstrap.as_ref().map(|b| b.admin.as_str()),
            )
            .finish()
    }
}

impl Config {
    /// Resolves the configuration of this process: its flags, its environment, and the file they
    /// name.
    pub fn load(cli: &Cli) -> anyhow::Result<Self> {
        let env = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
        Self::from_sources(cli.config.as_deref(), cli.settings.clone(), &env)
    }

    /// Layers the sources: `flags`, then `env`, then the configuration file (`config`, else
    /// `CREST_CONFIG` from `env`), then the defaults.
    pub fn from_sources(
        config: Option<&Path>,
        flags: Settings,
        env: Env<'_>,
    ) -> anyhow::Result<Self> {
        let file = match config
            .map(Path::to_path_buf)
            .or_else(|| env(CONFIG_ENV).map(PathBuf::from))
        {
            Some(path) => read_file(&path)?,
            None => Settings::default(),
        };
        Self::resolve(flags.or(Settings::from_env(env)?).or(file))
    }

    /// `http` or `https`: what this instance serves.
    pub fn scheme(&self) -> &'static str {
        scheme(self.tls.as_ref())
    }

    /// Checks the layered settings and fills in the defaults; each message names the setting.
    pub fn resolve(settings: Settings) -> anyhow::Result<Self> {
        let s = settings;
        let relay_dir = s
            .data_dir
            .as_deref()
            .unwrap_or(Path::new(DEFAULT_DATA_DIR))
            .join("relay");
        let points = points_engine(&s, relay_dir)?;
        let listen_raw = s.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_raw
            .parse()
            .with_context(|| format!("CREST_LISTEN '{listen_raw}' is not host:port"))?;
        let data_dir = s
            .data_dir
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let tsdb_dir = data_dir.join("tsdb");
        let store = StoreLocation::from_config(data_dir, s.database_url.as_deref())
            .map_err(anyhow::Error::msg)?;
        let retention_raw = s.retention.unwrap_or_else(|| DEFAULT_RETENTION.to_owned());
        let retention_ms = parse_retention(&retention_raw)
            .with_context(|| format!("CREST_RETENTION '{retention_raw}'"))?;
        let query_max_series = s.query_max_series.unwrap_or(DEFAULT_QUERY_MAX_SERIES);
        let query_max_points = s.query_max_points.unwrap_or(DEFAULT_QUERY_MAX_POINTS);
        let query_timeout_seconds = s
            .query_timeout_seconds
            .unwrap_or(DEFAULT_QUERY_TIMEOUT_SECONDS);
        if query_max_series == 0 || query_max_points == 0 || query_timeout_seconds == 0 {
            bail!(
                "CREST_QUERY_MAX_SERIES, CREST_QUERY_MAX_POINTS and CREST_QUERY_TIMEOUT_SECONDS must be positive"
            );
        }
        let obsolete_after_days = s
            .query_obsolete_after_days
            .unwrap_or(DEFAULT_QUERY_OBSOLETE_AFTER_DAYS);
        if !(1..=MAX_QUERY_OBSOLETE_AFTER_DAYS).contains(&obsolete_after_days) {
            bail!(
                "CREST_QUERY_OBSOLETE_AFTER_DAYS must be a whole number of days from 1 to {MAX_QUERY_OBSOLETE_AFTER_DAYS}, not {obsolete_after_days}"
            );
        }
        let alert_every = s.alert_every_seconds.map_or(
            crate::alerting::EVALUATE_EVERY,
            std::time::Duration::from_secs,
        );
        if !(1..=MAX_ALERT_EVERY_SECONDS).contains(&alert_every.as_secs()) {
            bail!(
                "CREST_ALERT_EVERY_SECONDS must be a whole number of seconds from 1 to {MAX_ALERT_EVERY_SECONDS}, not {}",
                alert_every.as_secs()
            );
        }
        let derived_every = s.derived_every_seconds.map_or(
            crate::deriving::DERIVE_EVERY,
            std::time::Duration::from_secs,
        );
        if !(1..=MAX_DERIVED_EVERY_SECONDS).contains(&derived_every.as_secs()) {
            bail!(
                "CREST_DERIVED_EVERY_SECONDS must be a whole number of seconds from 1 to {MAX_DERIVED_EVERY_SECONDS}, not {}",
                derived_every.as_secs()
            );
        }
        let tls = match (s.tls_cert, s.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => bail!("HTTPS needs both CREST_TLS_CERT and CREST_TLS_KEY"),
        };
        let public_url = s
            .public_url
            .unwrap_or_else(|| format!("{}://{listen}", scheme(tls.as_ref())));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("CREST_PUBLIC_URL must start with http:// or https://");
        }
        let max_body_bytes = s.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes == 0 {
            bail!("CREST_MAX_BODY_BYTES must be positive");
        }
        let bootstrap = match (s.bootstrap_admin, s.bootstrap_token) {
            (Some(admin), Some(token)) => Some(
                BootstrapSettings::new(&admin, &token)
                    .context("invalid CREST_BOOTSTRAP_ADMIN / CREST_BOOTSTRAP_TOKEN")?,
            ),
            (None, None) => None,
            _ => bail!("CREST_BOOTSTRAP_ADMIN and CREST_BOOTSTRAP_TOKEN go together"),
        };
        let subscription = match s.subscription {
            Some(s) => s
                .parse::<Subscription>()
                .map_err(|e| anyhow!("CREST_SUBSCRIPTION: {e}"))?,
            None => Subscription::default(),
        };
        let trusted_issuer = match (s.csp_trusted_url, s.csp_trusted_org_id) {
            (Some(url), Some(org_id)) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("CREST_CSP_TRUSTED_URL must start with http:// or https://");
                }
                Some(TrustedIssuerSettings {
                    jwks_url: format!("{url}/csp/gateway/am/api/auth/token-public-key?format=jwks"),
                    issuer: s
                        .csp_trusted_issuer
                        .unwrap_or_else(|| format!("{url}/csp/gateway/am")),
                    org_id,
                })
            }
            (None, None) => None,
            _ => bail!("CREST_CSP_TRUSTED_URL and CREST_CSP_TRUSTED_ORG_ID go together"),
        };
        let smtp = match (s.smtp_url, s.smtp_from) {
            (Some(url), Some(from)) => Some(SmtpSettings {
                url: SecretString::from(url),
                from,
            }),
            (None, None) => None,
            _ => bail!("CREST_SMTP_URL and CREST_SMTP_FROM go together"),
        };
        Ok(Self {
            listen,
            store,
            tsdb_dir,
            points,
            retention_ms,
            query_max_series,
            query_max_points,
            query_timeout: std::time::Duration::from_secs(query_timeout_seconds),
            query_obsolete_after: std::time::Duration::from_secs(
                u64::from(obsolete_after_days) * 86_400,
            ),
            alert_every,
            derived_every,
            public_url,
            tls,
            max_body_bytes,
            bootstrap,
            bootstrap_password: s.bootstrap_password.map(SecretString::from),
            token_retrieval_key_file: s.token_retrieval_key_file,
            smtp,
            pagerduty_url: s
                .pagerduty_url
                .map(|u| u.trim_end_matches('/').to_owned())
                .unwrap_or_else(|| "https://events.pagerduty.com".to_owned()),
            subscription,
            trusted_issuer,
        })
    }
}

/// The engine the settings choose: VictoriaMetrics when its URLs are set (with the file log, or
/// JetStream when `nats_url` is set), else the embedded engine. NATS settings without
/// VictoriaMetrics are refused: the embedded engine has its own WAL.
fn points_engine(s: &Settings, relay_dir: PathBuf) -> anyhow::Result<PointsEngine> {
    let endpoints = crest_victoria::Endpoints::from_settings(
        s.victoria_url.as_deref(),
        s.victoria_insert_url.as_deref(),
        s.victoria_select_url.as_deref(),
        s.victoria_tenant.as_deref(),
    )
    .map_err(anyhow::Error::msg)?;
    let Some(endpoints) = endpoints else {
        if s.nats_url.is_some()
            || s.victoria_tenant.is_some()
            || s.victoria_precision.is_some()
            || s.victoria_storage_urls.is_some()
        {
            bail!(
                "CREST_NATS_URL, CREST_VICTORIA_TENANT, CREST_VICTORIA_PRECISION and CREST_VICTORIA_STORAGE_URLS need CREST_VICTORIA_URL (or the cluster's URLs)"
            );
        }
        return Ok(PointsEngine::Embedded);
    };
    let storage_urls: Vec<String> = s
        .victoria_storage_urls
        .iter()
        .flat_map(|list| list.split(','))
        .map(|one| one.trim().to_owned())
        .collect();
    for url in [
        &s.victoria_url,
        &s.victoria_insert_url,
        &s.victoria_select_url,
    ]
    .into_iter()
    .flatten()
    .chain(&storage_urls)
    {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            bail!("the VictoriaMetrics URLs must start with http:// or https://, not {url:?}");
        }
    }
    let endpoints = match endpoints {
        crest_victoria::Endpoints::Cluster {
            insert_url,
            select_url,
            tenant,
            ..
        } => crest_victoria::Endpoints::Cluster {
            insert_url,
            select_url,
            tenant,
            storage: storage_urls,
        },
        single @ crest_victoria::Endpoints::Single { .. } => {
            if !storage_urls.is_empty() {
                bail!(
                    "CREST_VICTORIA_STORAGE_URLS lists a cluster's vmstorage nodes: it goes with CREST_VICTORIA_INSERT_URL and CREST_VICTORIA_SELECT_URL, not CREST_VICTORIA_URL"
                );
            }
            single
        }
    };
    let precision = match s.victoria_precision.as_deref() {
        None | Some("report") => crest_victoria::Precision::Report,
        Some("refuse") => crest_victoria::Precision::Refuse,
        Some(other) => bail!("CREST_VICTORIA_PRECISION must be report or refuse, not {other:?}"),
    };
    let log = match &s.nats_url {
        None => IngestLogSettings::File { dir: relay_dir },
        Some(url) => {
            // One server, or a cluster's servers separated by commas: each starts with a scheme.
            let schemed = |one: &str| {
                let one = one.trim();
                one.starts_with("nats://") || one.starts_with("tls://")
            };
            if !url.split(',').all(schemed) {
                bail!(
                    "CREST_NATS_URL must be nats:// or tls:// URLs (a cluster's servers separated by commas)"
                );
            }
            let deployment = s
                .nats_deployment
                .clone()
                .unwrap_or_else(|| DEFAULT_NATS_DEPLOYMENT.to_owned());
            let valid = !deployment.is_empty()
                && deployment.len() <= 64
                && deployment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                bail!(
                    "CREST_NATS_DEPLOYMENT must be 1 to 64 letters, digits, - or _, not {deployment:?}"
                );
            }
            let replicas = s.nats_replicas.unwrap_or(1);
            if !(1..=5).contains(&replicas) {
                bail!("CREST_NATS_REPLICAS must be between 1 and 5 (JetStream's limit)");
            }
            IngestLogSettings::JetStream {
                url: SecretString::from(url.clone()),
                deployment,
                replicas,
            }
        }
    };
    let barrier_seconds = s.relay_barrier_seconds.unwrap_or(30);
    if !(1..=86_400).contains(&barrier_seconds) {
        bail!("CREST_RELAY_BARRIER_SECONDS must be between 1 and 86400");
    }
    Ok(PointsEngine::Victoria {
        endpoints,
        precision,
        log,
        barrier_every: std::time::Duration::from_secs(barrier_seconds),
    })
}

/// A retention period in milliseconds: a positive number and a unit, `h`, `d`, `w`, `mo` (30.44
/// days) or `y` (365.25 days); at least an hour, at most 100 years.
pub fn parse_retention(text: &str) -> anyhow::Result<i64> {
    const HOUR: f64 = 3_600_000.0;
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| anyhow!("a retention is a number and a unit (h, d, w, mo, y), such as 90d"))?;
    let hours = match unit.trim() {
        "h" => 1.0,
        "d" => 24.0,
        "w" => 24.0 * 7.0,
        "mo" => 24.0 * 30.44,
        "y" => 24.0 * 365.25,
        other => bail!("unknown unit '{other}': use h, d, w, mo or y"),
    };
    let ms = number * hours * HOUR;
    if !(HOUR..=100.0 * 365.25 * 24.0 * HOUR).contains(&ms) {
        bail!("a retention must be between an hour and 100 years");
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation)]
    Ok(ms.round() as i64)
}

/// `https` with a certificate, `http` without.
fn scheme(tls: Option<&TlsFiles>) -> &'static str {
    if tls.is_some() { "https" } else { "http" }
}

fn read_file(path: &Path) -> anyhow::Result<Settings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const TOKEN: &str = "0a1b2c3d-0000-4000-8000-000000000000";

    /// An environment of its own, instead of the process's.
    fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    fn file(toml: &str) -> Settings {
        toml::from_str(toml).expect("valid toml")
    }

    fn resolve_error(settings: Settings) -> String {
        match Config::resolve(settings) {
            Ok(c) => panic!("resolved to {c:?}"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn defaults_serve_a_newcomer() {
        let c = Config::resolve(Settings::default()).expect("valid");
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(
            c.store,
            StoreLocation::Sqlite {
                data_dir: PathBuf::from(DEFAULT_DATA_DIR)
            }
        );
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert_eq!(c.scheme(), "http");
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(c.tsdb_dir, PathBuf::from(DEFAULT_DATA_DIR).join("tsdb"));
        assert_eq!(c.retention_ms, 47_340_288_000, "18 months of 30.44 days");
        assert_eq!(
            (c.query_max_series, c.query_max_points, c.query_timeout),
            (100_000, 50_000_000, std::time::Duration::from_secs(60))
        );
        assert_eq!(
            c.query_obsolete_after,
            std::time::Duration::from_secs(28 * 86_400)
        );
        assert!(c.bootstrap.is_none() && c.tls.is_none());
    }

    #[test]
    fn victoria_metrics_takes_a_log_in_front_of_it() {
        let c = Config::from_sources(
            None,
            Settings::default(),
            &env_of(&[("CREST_VICTORIA_URL", "http://127.0.0.1:8428")]),
        )
        .expect("valid");
        match &c.points {
            PointsEngine::Victoria {
                endpoints,
                precision,
                log: IngestLogSettings::File { dir },
                barrier_every,
            } => {
                assert_eq!(*barrier_every, std::time::Duration::from_secs(30));
                assert_eq!(
                    endpoints,
                    &crest_victoria::Endpoints::Single {
                        url: "http://127.0.0.1:8428".into()
                    }
                );
                assert_eq!(*precision, crest_victoria::Precision::Report);
                assert_eq!(dir, &PathBuf::from(DEFAULT_DATA_DIR).join("relay"));
            }
            other => panic!("{other:?}"),
        }
        let c = Config::from_sources(
            None,
            Settings::default(),
            &env_of(&[
                ("CREST_VICTORIA_INSERT_URL", "http://vminsert:8480"),
                ("CREST_VICTORIA_SELECT_URL", "http://vmselect:8481"),
                ("CREST_VICTORIA_TENANT", "7:2"),
                (
                    "CREST_VICTORIA_STORAGE_URLS",
                    "http://vmstorage-1:8482, http://vmstorage-2:8482",
                ),
                ("CREST_VICTORIA_PRECISION", "refuse"),
                ("CREST_NATS_URL", "nats://user:secret@127.0.0.1:4222"),
                ("CREST_NATS_DEPLOYMENT", "prod-eu_1"),
                ("CREST_NATS_REPLICAS", "3"),
                ("CREST_RELAY_BARRIER_SECONDS", "2"),
            ]),
        )
        .expect("valid");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("secret"),
            "the NATS URL is redacted: {shown}"
        );
        match c.points {
            PointsEngine::Victoria {
                endpoints:
                    crest_victoria::Endpoints::Cluster {
                        tenant, storage, ..
                    },
                precision: crest_victoria::Precision::Refuse,
                log:
                    IngestLogSettings::JetStream {
                        deployment,
                        replicas: 3,
                        ..
                    },
                barrier_every,
            } if barrier_every == std::time::Duration::from_secs(2) => {
                assert_eq!((tenant.as_str(), deployment.as_str()), ("7:2", "prod-eu_1"));
                assert_eq!(
                    storage,
                    ["http://vmstorage-1:8482", "http://vmstorage-2:8482"]
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Config::resolve(Settings::default()).expect("valid").points,
            PointsEngine::Embedded
        ));
    }

    #[test]
    fn a_nats_cluster_is_given_as_a_comma_separated_list() {
        let servers = "nats://127.0.0.1:4301,nats://127.0.0.1:4302, nats://127.0.0.1:4303";
        let c = Config::from_sources(
            None,
            Settings::default(),
            &env_of(&[
                ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                ("CREST_NATS_URL", servers),
                ("CREST_NATS_REPLICAS", "3"),
            ]),
        )
        .expect("a list of nats:// URLs is valid");
        match &c.points {
            PointsEngine::Victoria {
                log: IngestLogSettings::JetStream { url, replicas, .. },
                ..
            } => {
                use secrecy::ExposeSecret as _;
                assert_eq!(
                    url.expose_secret(),
                    servers,
                    "the list reaches the log whole"
                );
                assert_eq!(*replicas, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn victoria_metrics_settings_are_checked() {
        let cases: &[(&[(&str, &str)], &str)] = &[
            (
                &[("CREST_NATS_URL", "nats://127.0.0.1:4222")],
                "need CREST_VICTORIA_URL",
            ),
            (
                &[("CREST_VICTORIA_URL", "127.0.0.1:8428")],
                "must start with http",
            ),
            (
                &[
                    ("CREST_VICTORIA_INSERT_URL", "http://vminsert:8480"),
                    ("CREST_VICTORIA_SELECT_URL", "http://vmselect:8481"),
                    ("CREST_VICTORIA_STORAGE_URLS", "http://s1:8482,s2:8482"),
                ],
                "must start with http",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_VICTORIA_STORAGE_URLS", "http://s1:8482"),
                ],
                "not CREST_VICTORIA_URL",
            ),
            (
                &[("CREST_VICTORIA_STORAGE_URLS", "http://s1:8482")],
                "need CREST_VICTORIA_URL",
            ),
            (
                &[("CREST_VICTORIA_INSERT_URL", "http://vminsert:8480")],
                "needs both",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_VICTORIA_PRECISION", "round"),
                ],
                "report or refuse",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_NATS_URL", "http://127.0.0.1:4222"),
                ],
                "nats://",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_NATS_URL", "nats://127.0.0.1:4222,127.0.0.1:4223"),
                ],
                "nats://",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_NATS_URL", "nats://127.0.0.1:4222"),
                    ("CREST_NATS_DEPLOYMENT", "a.b"),
                ],
                "CREST_NATS_DEPLOYMENT",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_NATS_URL", "nats://127.0.0.1:4222"),
                    ("CREST_NATS_REPLICAS", "0"),
                ],
                "CREST_NATS_REPLICAS",
            ),
            (
                &[
                    ("CREST_VICTORIA_URL", "http://127.0.0.1:8428"),
                    ("CREST_RELAY_BARRIER_SECONDS", "0"),
                ],
                "CREST_RELAY_BARRIER_SECONDS",
            ),
        ];
        for (vars, expected) in cases {
            let settings = Settings::from_env(&env_of(vars)).expect("parses");
            let message = resolve_error(settings);
            assert!(message.contains(expected), "{vars:?}: {message}");
        }
    }

    #[test]
    fn flags_and_environment_beat_the_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("crest.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\nmax_body_bytes = 10\n\
             public_url = \"https://file.example/\"\nsubscription = \"original\"\n\
             bootstrap_admin = \"file@example.com\"\nbootstrap_token = \"not a uuid\"",
        )
        .expect("write");
        let path = path.to_string_lossy().into_owned();
        let env = env_of(&[
            (CONFIG_ENV, &path),
            ("CREST_LISTEN", "127.0.0.1:9050"),
            ("CREST_MAX_BODY_BYTES", "20"),
            ("CREST_BOOTSTRAP_TOKEN", TOKEN),
        ]);
        let flags = Settings {
            listen: Some("127.0.0.1:9100".into()),
            bootstrap_admin: Some("flag@example.com".into()),
            ..Settings::default()
        };
        let c = Config::from_sources(None, flags, &env).expect("valid");
        assert_eq!(c.listen.port(), 9100, "the flag beats the environment");
        assert_eq!(c.max_body_bytes, 20, "the environment beats the file");
        assert_eq!(
            c.public_url, "https://file.example",
            "the file beats the default"
        );
        assert_eq!(c.subscription, "original".parse().expect("a subscription"));
        assert_eq!(
            c.store,
            StoreLocation::Sqlite {
                data_dir: DEFAULT_DATA_DIR.into()
            }
        );
        let bootstrap = c.bootstrap.expect("bootstrap settings");
        assert_eq!(bootstrap.admin.as_str(), "flag@example.com");

        // Without the environment, the file speaks; an explicit --config needs no CREST_CONFIG.
        let c = Config::from_sources(Some(Path::new(&path)), Settings::default(), &env_of(&[]));
        assert!(
            format!("{:#}", c.expect_err("the file's token is not a UUID"))
                .contains("CREST_BOOTSTRAP_TOKEN")
        );
    }

    #[test]
    fn secrets_are_never_flags() {
        use clap::CommandFactory as _;
        let cli = Cli::command();
        let flags: Vec<&str> = cli.get_arguments().filter_map(|a| a.get_long()).collect();
        for secret in ["bootstrap_token", "bootstrap_password", "smtp_url"] {
            assert!(
                !flags.contains(&secret.replace('_', "-").as_str()),
                "--{secret}"
            );
            let s = Settings::from_env(&env_of(&[(&env_name(secret), "hunter2")])).expect("read");
            assert!(
                !format!("{s:?}").contains("hunter2"),
                "Debug hides {secret}"
            );
        }
        assert!(flags.contains(&"max-body-bytes") && flags.contains(&"config"));
        let s = Settings {
            database_url: Some("postgres://crest:hunter2@db/crest".into()),
            ..Settings::default()
        };
        assert!(
            !format!("{s:?}").contains("hunter2"),
            "Debug hides the database URL"
        );
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        assert!(toml::from_str::<Settings>("lisen = \"x\"").is_err());
        assert!(toml::from_str::<Settings>("config = \"x\"").is_err());
    }

    #[test]
    fn bootstrap_needs_both_halves_and_a_uuid() {
        let admin = Settings {
            bootstrap_admin: Some("admin@example.com".into()),
            ..Settings::default()
        };
        assert!(Config::resolve(admin.clone()).is_err());
        let with_token = |token: &str| Settings {
            bootstrap_token: Some(token.into()),
            ..admin.clone()
        };
        assert!(Config::resolve(with_token("nope")).is_err());
        let c = Config::resolve(with_token(TOKEN)).expect("valid");
        assert!(c.bootstrap.is_some());
        assert!(
            !format!("{c:?}").contains(TOKEN),
            "Debug never shows the token"
        );
    }

    #[test]
    fn smtp_needs_url_and_sender_and_hides_its_url() {
        let url = file("smtp_url = \"smtps://u:hunter2@mail.example:465\"");
        assert!(Config::resolve(url.clone()).is_err());
        let flags = Settings {
            smtp_from: Some("crest@example.com".into()),
            ..Settings::default()
        };
        let c = Config::resolve(flags.or(url)).expect("valid");
        assert!(c.smtp.is_some());
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let cases = [
            (
                Settings {
                    listen: Some("nowhere".into()),
                    ..Settings::default()
                },
                "CREST_LISTEN 'nowhere' is not host:port",
            ),
            (
                Settings {
                    tls_cert: Some("c.pem".into()),
                    ..Settings::default()
                },
                "CREST_TLS_KEY",
            ),
            (
                Settings {
                    database_url: Some("mysql://x".into()),
                    ..Settings::default()
                },
                "CREST_DATABASE_URL must be a postgres:// URL",
            ),
            (
                Settings {
                    max_body_bytes: Some(0),
                    ..Settings::default()
                },
                "CREST_MAX_BODY_BYTES must be positive",
            ),
            (
                Settings {
                    query_timeout_seconds: Some(0),
                    ..Settings::default()
                },
                "CREST_QUERY_TIMEOUT_SECONDS must be positive",
            ),
            (
                Settings {
                    query_obsolete_after_days: Some(0),
                    ..Settings::default()
                },
                "CREST_QUERY_OBSOLETE_AFTER_DAYS must be a whole number of days from 1 to 3650, not 0",
            ),
            (
                Settings {
                    query_obsolete_after_days: Some(3651),
                    ..Settings::default()
                },
                "CREST_QUERY_OBSOLETE_AFTER_DAYS must be a whole number of days from 1 to 3650, not 3651",
            ),
            (
                Settings {
                    alert_every_seconds: Some(0),
                    ..Settings::default()
                },
                "CREST_ALERT_EVERY_SECONDS must be a whole number of seconds from 1 to 3600, not 0",
            ),
            (
                Settings {
                    alert_every_seconds: Some(3601),
                    ..Settings::default()
                },
                "CREST_ALERT_EVERY_SECONDS must be a whole number of seconds from 1 to 3600, not 3601",
            ),
            (
                Settings {
                    derived_every_seconds: Some(0),
                    ..Settings::default()
                },
                "CREST_DERIVED_EVERY_SECONDS must be a whole number of seconds from 1 to 3600, not 0",
            ),
            (
                Settings {
                    subscription: Some("gold".into()),
                    ..Settings::default()
                },
                "CREST_SUBSCRIPTION",
            ),
        ];
        for (settings, named) in cases {
            let message = resolve_error(settings);
            assert!(message.contains(named), "{message:?} should name {named}");
        }
        let e = Settings::from_env(&env_of(&[("CREST_MAX_BODY_BYTES", "lots")]))
            .expect_err("not a number");
        assert!(e.to_string().starts_with("CREST_MAX_BODY_BYTES: "), "{e}");
        let e = Settings::from_env(&env_of(&[("CREST_QUERY_OBSOLETE_AFTER_DAYS", "2w")]))
            .expect_err("not a whole number of days");
        assert!(
            e.to_string()
                .starts_with("CREST_QUERY_OBSOLETE_AFTER_DAYS: "),
            "{e}"
        );
    }

    #[test]
    fn the_alert_tick_is_ten_seconds_unless_the_environment_says_otherwise() {
        let c = Config::from_sources(None, Settings::default(), &env_of(&[])).expect("valid");
        assert_eq!(c.alert_every, std::time::Duration::from_secs(10));
        let c = Config::from_sources(
            None,
            Settings::default(),
            &env_of(&[("CREST_ALERT_EVERY_SECONDS", "1")]),
        )
        .expect("valid");
        assert_eq!(c.alert_every, std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_derived_metric_tick_is_ten_seconds_unless_the_environment_says_otherwise() {
        let c = Config::from_sources(None, Settings::default(), &env_of(&[])).expect("valid");
        assert_eq!(c.derived_every, std::time::Duration::from_secs(10));
        let c = Config::from_sources(
            None,
            Settings::default(),
            &env_of(&[("CREST_DERIVED_EVERY_SECONDS", "2")]),
        )
        .expect("valid");
        assert_eq!(c.derived_every, std::time::Duration::from_secs(2));
    }

    #[test]
    fn retention_takes_a_number_and_a_unit() {
        assert_eq!(parse_retention("90d").expect("valid"), 90 * 86_400_000);
        assert_eq!(parse_retention("1y").expect("valid"), 31_557_600_000);
        assert_eq!(parse_retention("36h").expect("valid"), 36 * 3_600_000);
        assert_eq!(parse_retention("2w").expect("valid"), 14 * 86_400_000);
        for bad in ["", "90", "d", "10m", "0h", "30min", "1000y", "-1d"] {
            assert!(parse_retention(bad).is_err(), "{bad}");
        }
        let settings = Settings {
            retention: Some("5 parsecs".into()),
            ..Settings::default()
        };
        assert!(resolve_error(settings).contains("CREST_RETENTION"));
    }
}
