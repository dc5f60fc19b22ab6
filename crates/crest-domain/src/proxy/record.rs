//! A proxy as stored, and its status at a given time.

use crate::clock::EpochMillis;

/// A proxy that has not checked in for this long is `STOPPED_UNKNOWN`: five missed check-ins of a
/// proxy that checks in every 60 seconds (the reference leaves the threshold open).
pub const STALE_AFTER_MS: EpochMillis = 5 * 60 * 1000;

/// `Proxy.status` as crest computes it. `STOPPED_BY_SERVER` and `TOKEN_EXPIRED` (a subscription
/// that ended, an expired token) never arise here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyStatus {
    Active,
    StoppedUnknown,
}

impl ProxyStatus {
    /// The API's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "ACTIVE",
            Self::StoppedUnknown => "STOPPED_UNKNOWN",
        }
    }
}

/// The name of a proxy the operator has not renamed: "Proxy on " and what the proxy calls itself
/// (its `proxyname`, which defaults to its host name), or its host name.
pub fn default_name(proxyname: &str, hostname: &str) -> String {
    let on = if proxyname.is_empty() {
        hostname
    } else {
        proxyname
    };
    format!("Proxy on {on}")
}

/// One proxy, keyed by the UUID it sends in `X-WF-PROXY-ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyRecord {
    pub id: String,
    /// The name the operator gave it; `None` until renamed.
    pub name: Option<String>,
    pub proxyname: String,
    pub hostname: String,
    pub version: String,
    pub ephemeral: bool,
    /// The account whose token checked the proxy in last.
    pub user_id: String,
    pub last_check_in_ms: EpochMillis,
    /// The proxy's clock minus the server's at its last check-in.
    pub time_drift_ms: i64,
    /// Set by the operator: the proxy is told to shut down at each check-in until it is cleared.
    pub shutdown: bool,
    /// Set by the operator: the proxy is told to drop its queue at its next check-ins, until it
    /// confirms a configuration (`config/processed`).
    pub truncate: bool,
    /// What the proxy posted to `saveConfig` (a JSON object), if it did.
    pub config: Option<String>,
    /// What the proxy posted to `savePreprocessorRules` (a JSON object), if it did.
    pub preprocessor_rules: Option<String>,
    pub created_ms: EpochMillis,
    pub updated_ms: EpochMillis,
    pub updater: String,
    pub trashed_ms: Option<EpochMillis>,
}

impl ProxyRecord {
    /// The name the API shows.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| default_name(&self.proxyname, &self.hostname))
    }

    /// `ACTIVE` while check-ins arrive, `STOPPED_UNKNOWN` after [`STALE_AFTER_MS`] without one.
    pub fn status(&self, now: EpochMillis) -> ProxyStatus {
        if now.saturating_sub(self.last_check_in_ms) >= STALE_AFTER_MS {
            ProxyStatus::StoppedUnknown
        } else {
            ProxyStatus::Active
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(last: EpochMillis) -> ProxyRecord {
        ProxyRecord {
            id: "p".into(),
            name: None,
            proxyname: String::new(),
            hostname: "host-a".into(),
            version: "13.4".into(),
            ephemeral: true,
            user_id: "u".into(),
            last_check_in_ms: last,
            time_drift_ms: 0,
            shutdown: false,
            truncate: false,
            config: None,
            preprocessor_rules: None,
            created_ms: last,
            updated_ms: last,
            updater: "u".into(),
            trashed_ms: None,
        }
    }

    #[test]
    fn a_proxy_is_active_until_five_check_ins_are_missed() {
        let t = 1_700_000_000_000;
        let p = proxy(t);
        assert_eq!(p.status(t), ProxyStatus::Active);
        assert_eq!(p.status(t + STALE_AFTER_MS - 1), ProxyStatus::Active);
        assert_eq!(p.status(t + STALE_AFTER_MS), ProxyStatus::StoppedUnknown);
        assert_eq!(ProxyStatus::StoppedUnknown.as_str(), "STOPPED_UNKNOWN");
    }

    #[test]
    fn the_default_name_prefers_the_proxyname() {
        let mut p = proxy(0);
        assert_eq!(p.display_name(), "Proxy on host-a");
        p.proxyname = "edge".into();
        assert_eq!(p.display_name(), "Proxy on edge");
        p.name = Some("mine".into());
        assert_eq!(p.display_name(), "mine");
    }
}
