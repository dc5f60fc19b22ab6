//! The resolved configuration: flags, then environment, then the TOML file, then defaults.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use crest_domain::bootstrap::BootstrapSettings;
use crest_domain::csp::subscription::Subscription;
use crest_store::StoreLocation;
use serde::Deserialize;

use crate::cli::{BOOTSTRAP_PASSWORD_ENV, BOOTSTRAP_TOKEN_ENV, Cli, SMTP_URL_ENV, SettingsArgs};
use secrecy::SecretString;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./crest-data";
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The optional TOML file: the same settings as the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub public_url: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub max_body_bytes: Option<usize>,
    pub bootstrap_admin: Option<String>,
    pub bootstrap_token: Option<String>,
    pub bootstrap_password: Option<String>,
    pub token_retrieval_key_file: Option<PathBuf>,
    pub smtp_url: Option<String>,
    pub smtp_from: Option<String>,
    pub subscription: Option<String>,
    pub csp_trusted_url: Option<String>,
    pub csp_trusted_org_id: Option<String>,
    pub csp_trusted_issuer: Option<String>,
}

/// Certificate and key for HTTPS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Everything crest runs with.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub store: StoreLocation,
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
            .field("public_url", &self.public_url)
            .field("tls", &self.tls)
            .field("max_body_bytes", &self.max_body_bytes)
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
    /// Resolves the configuration of this process.
    pub fn load(cli: &Cli) -> anyhow::Result<Self> {
        let file = match &cli.settings.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let token_env = std::env::var(BOOTSTRAP_TOKEN_ENV).ok();
        let mut file = file;
        if let Ok(url) = std::env::var(SMTP_URL_ENV) {
            file.smtp_url = Some(url);
        }
        if let Ok(password) = std::env::var(BOOTSTRAP_PASSWORD_ENV) {
            file.bootstrap_password = Some(password);
        }
        Self::resolve(&cli.settings, file, token_env)
    }

    /// Merges the sources; pure, so that tests can check the precedence.
    pub fn resolve(
        args: &SettingsArgs,
        file: FileConfig,
        bootstrap_token_env: Option<String>,
    ) -> anyhow::Result<Self> {
        let listen_raw = args
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_raw
            .parse()
            .with_context(|| format!("CREST_LISTEN '{listen_raw}' is not host:port"))?;
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database_url = args.database_url.clone().or(file.database_url);
        let store = StoreLocation::from_config(data_dir, database_url.as_deref())
            .map_err(anyhow::Error::msg)?;
        let tls = match (
            args.tls_cert.clone().or(file.tls_cert),
            args.tls_key.clone().or(file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => bail!("HTTPS needs both CREST_TLS_CERT and CREST_TLS_KEY"),
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let public_url = args
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("{scheme}://{listen}"));
        let public_url = public_url.trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            bail!("CREST_PUBLIC_URL must start with http:// or https://");
        }
        let max_body_bytes = args
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes == 0 {
            bail!("CREST_MAX_BODY_BYTES must be positive");
        }
        let admin = args.bootstrap_admin.clone().or(file.bootstrap_admin);
        let token = bootstrap_token_env.or(file.bootstrap_token);
        let bootstrap = match (admin, token) {
            (Some(admin), Some(token)) => Some(
                BootstrapSettings::new(&admin, &token)
                    .context("invalid CREST_BOOTSTRAP_ADMIN / CREST_BOOTSTRAP_TOKEN")?,
            ),
            (None, None) => None,
            _ => bail!("CREST_BOOTSTRAP_ADMIN and CREST_BOOTSTRAP_TOKEN go together"),
        };
        let subscription = match args.subscription.clone().or(file.subscription) {
            Some(s) => s
                .parse::<Subscription>()
                .map_err(|e| anyhow::anyhow!("CREST_SUBSCRIPTION: {e}"))?,
            None => Subscription::default(),
        };
        let trusted_issuer = match (
            args.csp_trusted_url.clone().or(file.csp_trusted_url),
            args.csp_trusted_org_id.clone().or(file.csp_trusted_org_id),
        ) {
            (Some(url), Some(org_id)) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("CREST_CSP_TRUSTED_URL must start with http:// or https://");
                }
                Some(TrustedIssuerSettings {
                    jwks_url: format!("{url}/csp/gateway/am/api/auth/token-public-key?format=jwks"),
                    issuer: args
                        .csp_trusted_issuer
                        .clone()
                        .or(file.csp_trusted_issuer)
                        .unwrap_or_else(|| format!("{url}/csp/gateway/am")),
                    org_id,
                })
            }
            (None, None) => None,
            _ => bail!("CREST_CSP_TRUSTED_URL and CREST_CSP_TRUSTED_ORG_ID go together"),
        };
        let smtp = match (file.smtp_url, args.smtp_from.clone().or(file.smtp_from)) {
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
            public_url,
            tls,
            max_body_bytes,
            bootstrap,
            bootstrap_password: file.bootstrap_password.map(SecretString::from),
            token_retrieval_key_file: args
                .token_retrieval_key_file
                .clone()
                .or(file.token_retrieval_key_file),
            smtp,
            subscription,
            trusted_issuer,
        })
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0a1b2c3d-0000-4000-8000-000000000000";

    #[test]
    fn defaults_serve_a_newcomer() {
        let c =
            Config::resolve(&SettingsArgs::default(), FileConfig::default(), None).expect("valid");
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(
            c.store,
            StoreLocation::Sqlite {
                data_dir: PathBuf::from(DEFAULT_DATA_DIR)
            }
        );
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert!(c.bootstrap.is_none() && c.tls.is_none());
    }

    #[test]
    fn flags_and_environment_beat_the_file() {
        let file: FileConfig = toml::from_str(
            "listen = \"127.0.0.1:9000\"\nmax_body_bytes = 10\npublic_url = \"https://file.example/\"",
        )
        .expect("valid toml");
        let args = SettingsArgs {
            listen: Some("127.0.0.1:9100".into()),
            ..SettingsArgs::default()
        };
        let c = Config::resolve(&args, file, None).expect("valid");
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.max_body_bytes, 10);
        assert_eq!(c.public_url, "https://file.example");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
    }

    #[test]
    fn bootstrap_needs_both_halves_and_a_uuid() {
        let args = SettingsArgs {
            bootstrap_admin: Some("admin@example.com".into()),
            ..SettingsArgs::default()
        };
        assert!(Config::resolve(&args, FileConfig::default(), None).is_err());
        assert!(Config::resolve(&args, FileConfig::default(), Some("nope".into())).is_err());
        let c = Config::resolve(&args, FileConfig::default(), Some(TOKEN.into())).expect("valid");
        assert!(c.bootstrap.is_some());
        assert!(
            !format!("{c:?}").contains(TOKEN),
            "Debug never shows the token"
        );
    }

    #[test]
    fn smtp_needs_url_and_sender_and_hides_its_url() {
        let file: FileConfig =
            toml::from_str("smtp_url = \"smtps://u:hunter2@mail.example:465\"").expect("toml");
        assert!(Config::resolve(&SettingsArgs::default(), file, None).is_err());
        let file: FileConfig =
            toml::from_str("smtp_url = \"smtps://u:hunter2@mail.example:465\"").expect("toml");
        let args = SettingsArgs {
            smtp_from: Some("crest@example.com".into()),
            ..SettingsArgs::default()
        };
        let c = Config::resolve(&args, file, None).expect("valid");
        assert!(c.smtp.is_some());
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let bad_listen = SettingsArgs {
            listen: Some("nowhere".into()),
            ..SettingsArgs::default()
        };
        assert!(Config::resolve(&bad_listen, FileConfig::default(), None).is_err());
        let half_tls = SettingsArgs {
            tls_cert: Some("c.pem".into()),
            ..SettingsArgs::default()
        };
        assert!(Config::resolve(&half_tls, FileConfig::default(), None).is_err());
        let mysql = SettingsArgs {
            database_url: Some("mysql://x".into()),
            ..SettingsArgs::default()
        };
        assert!(Config::resolve(&mysql, FileConfig::default(), None).is_err());
    }
}
