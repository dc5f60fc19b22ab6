//! What a [`super::JetStreamLog`] connects to (the server, the deployment and so the stream's and
//! the subject's names, the replicas, the ack wait), the checks of a stream found there, and what
//! connecting can fail with.

use std::time::Duration;

use async_nats::ServerAddr;
use async_nats::jetstream::stream::{self, DiscardPolicy, RetentionPolicy, StorageType};

use crate::error::Cause;

/// How long an entry handed to an instance stays its own before JetStream hands it to another
/// (the instance died, or its shipper is slow). Short, because reads wait for every entry to be
/// shipped (at most the relay's read wait, 10 s): after an instance dies, what it held is shipped
/// by another within this time. A shipment that takes longer is harmless: the entry is shipped
/// twice with identical values, which VictoriaMetrics' deduplication collapses.
pub const DEFAULT_ACK_WAIT: Duration = Duration::from_secs(4);

/// The longest deployment name: the stream `CREST_<deployment>` stays a short file name on the
/// server.
pub const MAX_DEPLOYMENT_LEN: usize = 64;

/// Where and how to keep a deployment's log. `Debug` shows the URL without its credentials.
#[derive(Clone, PartialEq)]
pub struct JetStreamConfig {
    /// The NATS server(s), as `async_nats::connect` takes them (`CREST_NATS_URL`).
    pub url: String,
    /// Names the stream and the subject, so that deployments (and test runs) sharing a NATS server
    /// never see each other's entries: letters, digits, `-` and `_`.
    pub deployment: String,
    /// How many servers store each entry before `append` answers (the stream's replicas): 3 in
    /// production, 1 on a single server.
    pub replicas: usize,
    /// See [`DEFAULT_ACK_WAIT`]; used when this instance creates the consumer (an existing one
    /// keeps its own).
    pub ack_wait: Duration,
}

impl std::fmt::Debug for JetStreamConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JetStreamConfig")
            .field("url", &self.shown_url())
            .field("deployment", &self.deployment)
            .field("replicas", &self.replicas)
            .field("ack_wait", &self.ack_wait)
            .finish()
    }
}

impl JetStreamConfig {
    /// The URL(s) without credentials (`nats://user:password@host` shows `nats://…@host`), for
    /// messages and logs.
    pub fn shown_url(&self) -> String {
        self.url.split(',').map(shown).collect::<Vec<_>>().join(",")
    }

    /// The servers `url` lists: one URL, or the servers of a NATS cluster separated by commas
    /// (`nats://a:4222,nats://b:4222`). The client connects to one of them and moves to another
    /// when it goes away; async-nats reads a single string as one URL, so the list is split here.
    pub fn server_addrs(&self) -> Result<Vec<ServerAddr>, ConnectError> {
        self.url
            .split(',')
            .map(str::trim)
            .map(|one| {
                if one.is_empty() {
                    return Err(ConnectError::InvalidConfig {
                        reason: format!(
                            "the NATS URL list {:?} has an empty entry",
                            self.shown_url()
                        ),
                    });
                }
                one.parse::<ServerAddr>()
                    .map_err(|e| ConnectError::InvalidConfig {
                        reason: format!("the NATS server URL {:?}: {e}", shown(one)),
                    })
            })
            .collect()
    }

    /// One replica and the default ack wait.
    pub fn new(url: impl Into<String>, deployment: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            deployment: deployment.into(),
            replicas: 1,
            ack_wait: DEFAULT_ACK_WAIT,
        }
    }

    pub fn with_replicas(mut self, replicas: usize) -> Self {
        self.replicas = replicas;
        self
    }

    pub fn with_ack_wait(mut self, ack_wait: Duration) -> Self {
        self.ack_wait = ack_wait;
        self
    }

    /// The deployment's stream: `CREST_<deployment>`.
    pub fn stream_name(&self) -> String {
        format!("CREST_{}", self.deployment)
    }

    /// The stream of the deployment's shipment records (see `jetstream/record.rs`):
    /// `CREST_<deployment>_shipped`.
    pub fn records_stream_name(&self) -> String {
        format!("CREST_{}_shipped", self.deployment)
    }

    /// What the subjects of the shipment records start with: `crest.<deployment>.shipped` (one
    /// subject a generation, `crest.<deployment>.shipped.<generation>`).
    pub fn records_subject_prefix(&self) -> String {
        format!("crest.{}.shipped", self.deployment)
    }

    /// The subject batches are published on: `crest.<deployment>.batches`.
    pub fn subject(&self) -> String {
        format!("crest.{}.batches", self.deployment)
    }

    /// Refuses a deployment name that would not make a valid stream name and a single subject
    /// token, replicas out of JetStream's 1..=5 and a zero ack wait.
    pub fn validate(&self) -> Result<(), ConnectError> {
        let deployment = &self.deployment;
        let invalid = |reason: &str| ConnectError::InvalidConfig {
            reason: format!("deployment name {deployment:?}: {reason}"),
        };
        if deployment.is_empty() {
            return Err(invalid("empty"));
        }
        if deployment.len() > MAX_DEPLOYMENT_LEN {
            return Err(invalid(&format!(
                "longer than {MAX_DEPLOYMENT_LEN} characters"
            )));
        }
        if let Some(bad) = deployment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(invalid(&format!(
                "{bad:?} is not allowed (letters, digits, '-' and '_' only)"
            )));
        }
        if !(1..=5).contains(&self.replicas) {
            return Err(ConnectError::InvalidConfig {
                reason: format!("{} replicas: JetStream keeps 1 to 5", self.replicas),
            });
        }
        if self.ack_wait.is_zero() {
            return Err(ConnectError::InvalidConfig {
                reason: "an ack wait of zero would hand every entry out again at once".into(),
            });
        }
        Ok(())
    }
}

/// One server URL without its credentials (`nats://user:password@host` shows `nats://…@host`).
fn shown(one: &str) -> String {
    match (one.find("://"), one.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let (head, _) = one.split_at(scheme.saturating_add(3));
            let (_, tail) = one.split_at(at);
            format!("{head}…{tail}")
        }
        (None, Some(at)) => {
            let (_, tail) = one.split_at(at);
            format!("…{tail}")
        }
        _ => one.to_owned(),
    }
}

/// Why [`super::JetStreamLog::connect`] failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The configuration cannot work (a deployment name that is not a stream name, ...).
    #[error("invalid JetStream log configuration: {reason}")]
    InvalidConfig { reason: String },
    /// The server is away, refused a request, or has no JetStream.
    #[error("{context}")]
    Nats {
        context: String,
        #[source]
        source: Cause,
    },
    /// The deployment's stream or consumer exists but is not one the log can use (another subject,
    /// retention by interest or work queue, limits that would drop entries not yet shipped, fewer
    /// replicas than asked, a consumer without explicit acks).
    #[error("JetStream {what} exists but does not fit crest's log: {reason}")]
    Mismatch { what: String, reason: String },
}

impl ConnectError {
    /// A closure that makes an async-nats error a [`ConnectError::Nats`] with `context`.
    pub(crate) fn nats<E: Into<Cause>>(context: impl Into<String>) -> impl FnOnce(E) -> Self {
        let context = context.into();
        move |source| ConnectError::Nats {
            context,
            source: source.into(),
        }
    }
}

/// Refuses a stream another party made that would lose or misplace entries.
pub(crate) fn check_stream(
    found: &stream::Config,
    subject: &str,
    replicas: usize,
) -> Result<(), ConnectError> {
    let mismatch = |reason: String| ConnectError::Mismatch {
        what: format!("stream {}", found.name),
        reason,
    };
    if found.subjects != [subject] {
        return Err(mismatch(format!(
            "its subjects are {:?}, not [{subject:?}]",
            found.subjects
        )));
    }
    if found.retention != RetentionPolicy::Limits {
        return Err(mismatch(format!(
            "retention {:?} drops entries on acks: crest trims the log itself (Limits)",
            found.retention
        )));
    }
    if found.storage != StorageType::File {
        return Err(mismatch(format!(
            "storage {:?} does not survive a restart (File)",
            found.storage
        )));
    }
    if found.num_replicas < replicas {
        return Err(mismatch(format!(
            "{} replicas, fewer than the {replicas} asked",
            found.num_replicas
        )));
    }
    let limited = found.max_messages > 0 || found.max_bytes > 0 || !found.max_age.is_zero();
    if limited && found.discard == DiscardPolicy::Old {
        return Err(mismatch(
            "its limits drop old entries, shipped or not (discard Old)".to_string(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn credentials_never_show() {
        let c = super::JetStreamConfig::new("nats://u:secret@a:4222,tls://tok@b:4222,c:4222", "d");
        assert_eq!(c.shown_url(), "nats://…@a:4222,tls://…@b:4222,c:4222");
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn a_comma_separated_url_lists_every_server_of_a_cluster() {
        let c = super::JetStreamConfig::new(
            "nats://127.0.0.1:4301, nats://u:secret@127.0.0.1:4302,tls://b.example:4303",
            "d",
        );
        let addrs = c.server_addrs().expect("three valid URLs");
        let hosts: Vec<(String, u16)> = addrs
            .iter()
            .map(|a| (a.host().to_owned(), a.port()))
            .collect();
        assert_eq!(
            hosts,
            [
                ("127.0.0.1".to_owned(), 4301),
                ("127.0.0.1".to_owned(), 4302),
                ("b.example".to_owned(), 4303)
            ]
        );
        assert_eq!(
            addrs[1].username(),
            Some("u"),
            "credentials stay with their server"
        );
        let one = super::JetStreamConfig::new("nats://127.0.0.1:4222", "d");
        assert_eq!(one.server_addrs().expect("valid").len(), 1);
    }

    #[test]
    fn a_bad_entry_in_the_url_list_is_named_without_its_credentials() {
        for (url, says) in [
            ("nats://a:4222,,nats://b:4222", "empty entry"),
            (
                "nats://a:4222,nats://u:secret@b:notaport",
                "nats://…@b:notaport",
            ),
        ] {
            let c = super::JetStreamConfig::new(url, "d");
            match c.server_addrs() {
                Err(super::ConnectError::InvalidConfig { reason }) => {
                    assert!(reason.contains(says), "{url}: {reason}");
                    assert!(!reason.contains("secret"), "{url}: {reason}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    use super::*;

    fn config(deployment: &str) -> JetStreamConfig {
        JetStreamConfig::new("nats://127.0.0.1:4222", deployment)
    }

    #[test]
    fn names_come_from_the_deployment() {
        let config = config("prod-eu_1");
        assert!(config.validate().is_ok());
        assert_eq!(config.stream_name(), "CREST_prod-eu_1");
        assert_eq!(config.subject(), "crest.prod-eu_1.batches");
        assert_eq!(config.records_stream_name(), "CREST_prod-eu_1_shipped");
        assert_eq!(config.records_subject_prefix(), "crest.prod-eu_1.shipped");
    }

    #[test]
    fn a_deployment_that_is_not_one_token_is_refused() {
        for (deployment, says) in [
            ("", "empty"),
            ("a.b", "'.'"),
            ("a b", "' '"),
            ("a*", "'*'"),
            ("a>", "'>'"),
            ("é", "'é'"),
        ] {
            let err = config(deployment).validate().unwrap_err();
            assert!(matches!(err, ConnectError::InvalidConfig { .. }), "{err:?}");
            assert!(err.to_string().contains(says), "{deployment:?}: {err}");
        }
        let long = "x".repeat(MAX_DEPLOYMENT_LEN + 1);
        assert!(config(&long).validate().is_err());
        assert!(config(&long[1..]).validate().is_ok());
    }

    fn good_stream() -> stream::Config {
        stream::Config {
            name: "CREST_d".into(),
            subjects: vec!["crest.d.batches".into()],
            retention: RetentionPolicy::Limits,
            storage: StorageType::File,
            num_replicas: 3,
            discard: DiscardPolicy::New,
            ..Default::default()
        }
    }

    fn refusal(found: stream::Config) -> String {
        match check_stream(&found, "crest.d.batches", 3) {
            Err(err @ ConnectError::Mismatch { .. }) => err.to_string(),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn an_existing_stream_that_would_lose_entries_is_refused() {
        assert!(check_stream(&good_stream(), "crest.d.batches", 3).is_ok());
        // More replicas than asked, and limits that refuse new entries, are fine.
        let more = stream::Config {
            num_replicas: 5,
            max_bytes: 1 << 40,
            ..good_stream()
        };
        assert!(check_stream(&more, "crest.d.batches", 3).is_ok());

        let other_subject = stream::Config {
            subjects: vec!["crest.d.>".into()],
            ..good_stream()
        };
        assert!(refusal(other_subject).contains("crest.d.>"));
        let work_queue = stream::Config {
            retention: RetentionPolicy::WorkQueue,
            ..good_stream()
        };
        assert!(refusal(work_queue).contains("WorkQueue"));
        let memory = stream::Config {
            storage: StorageType::Memory,
            ..good_stream()
        };
        assert!(refusal(memory).contains("Memory"));
        let fewer = stream::Config {
            num_replicas: 1,
            ..good_stream()
        };
        assert!(refusal(fewer).contains("1 replicas"));
        let aging = stream::Config {
            max_age: Duration::from_secs(3600),
            discard: DiscardPolicy::Old,
            ..good_stream()
        };
        assert!(refusal(aging).contains("discard Old"));
    }

    #[test]
    fn replicas_and_ack_wait_are_checked() {
        assert!(config("d").with_replicas(0).validate().is_err());
        assert!(config("d").with_replicas(6).validate().is_err());
        assert!(config("d").with_replicas(3).validate().is_ok());
        assert!(
            config("d")
                .with_ack_wait(Duration::ZERO)
                .validate()
                .is_err()
        );
    }
}
