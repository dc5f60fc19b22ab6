//! The permissions of the Operations for Applications API, and sets of them.

use std::fmt;
use std::str::FromStr;

/// One permission, as the API names it (`agent_management`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    AgentManagement,
    AlertsManagement,
    ApplicationManagement,
    BatchQueryPriority,
    DashboardManagement,
    DerivedMetricsManagement,
    EmbeddedCharts,
    EventsManagement,
    ExternalLinksManagement,
    HostTagManagement,
    Ingestion,
    LogManagement,
    MetricsManagement,
    MonitoredApplicationServiceManagement,
    SamlSsoManagement,
    TokenManagement,
    UserManagement,
}

impl Permission {
    /// Every permission, in the API's (alphabetical) order.
    pub const ALL: [Permission; 17] = [
        Self::AgentManagement,
        Self::AlertsManagement,
        Self::ApplicationManagement,
        Self::BatchQueryPriority,
        Self::DashboardManagement,
        Self::DerivedMetricsManagement,
        Self::EmbeddedCharts,
        Self::EventsManagement,
        Self::ExternalLinksManagement,
        Self::HostTagManagement,
        Self::Ingestion,
        Self::LogManagement,
        Self::MetricsManagement,
        Self::MonitoredApplicationServiceManagement,
        Self::SamlSsoManagement,
        Self::TokenManagement,
        Self::UserManagement,
    ];

    /// The name the API uses on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AgentManagement => "agent_management",
            Self::AlertsManagement => "alerts_management",
            Self::ApplicationManagement => "application_management",
            Self::BatchQueryPriority => "batch_query_priority",
            Self::DashboardManagement => "dashboard_management",
            Self::DerivedMetricsManagement => "derived_metrics_management",
            Self::EmbeddedCharts => "embedded_charts",
            Self::EventsManagement => "events_management",
            Self::ExternalLinksManagement => "external_links_management",
            Self::HostTagManagement => "host_tag_management",
            Self::Ingestion => "ingestion",
            Self::LogManagement => "log_management",
            Self::MetricsManagement => "metrics_management",
            Self::MonitoredApplicationServiceManagement => {
                "monitored_application_service_management"
            }
            Self::SamlSsoManagement => "saml_sso_management",
            Self::TokenManagement => "token_management",
            Self::UserManagement => "user_management",
        }
    }

    /// The name the product shows people (`Proxies`, `Accounts`, …).
    pub const fn product_name(self) -> &'static str {
        match self {
            Self::AgentManagement => "Proxies",
            Self::AlertsManagement => "Alerts",
            Self::ApplicationManagement => "Applications",
            Self::BatchQueryPriority => "Batch Query Priority",
            Self::DashboardManagement => "Dashboards",
            Self::DerivedMetricsManagement => "Derived Metrics",
            Self::EmbeddedCharts => "Chart Embedding",
            Self::EventsManagement => "Events",
            Self::ExternalLinksManagement => "External Links",
            Self::HostTagManagement => "Source Tags",
            Self::Ingestion => "Direct Data Ingestion",
            Self::LogManagement => "Logs",
            Self::MetricsManagement => "Metrics",
            Self::MonitoredApplicationServiceManagement => "Integrations",
            Self::SamlSsoManagement => "SAML SSO Management",
            Self::TokenManagement => "API Tokens",
            Self::UserManagement => "Accounts",
        }
    }

    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the API's permissions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permission '{0}'")]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    /// Accepts the API name in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownPermission(s.to_owned()))
    }
}

impl From<UnknownPermission> for crate::DomainError {
    fn from(e: UnknownPermission) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// A set of permissions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub const EMPTY: Self = Self(0);

    pub fn all() -> Self {
        Permission::ALL.into_iter().collect()
    }

    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// The members of this set that `other` lacks.
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    pub fn is_superset_of(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    /// The set a request names, each name in any case; the first unknown name is refused.
    pub fn parse_names<S: AsRef<str>>(names: &[S]) -> Result<Self, UnknownPermission> {
        names
            .iter()
            .map(|n| n.as_ref().parse::<Permission>())
            .collect()
    }

    /// The API names of the set's members, in the API's order.
    pub fn names(self) -> Vec<String> {
        self.iter().map(|p| p.as_str().to_owned()).collect()
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::EMPTY;
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_request_s_names_parse_in_any_case_and_an_unknown_one_is_named() {
        let set = PermissionSet::parse_names(&["Ingestion", "user_management"]).expect("known");
        assert_eq!(
            set.names(),
            ["ingestion", "user_management"].map(String::from)
        );
        let e = PermissionSet::parse_names(&["ingestion".to_owned(), "root".to_owned()])
            .expect_err("root is not a permission");
        assert_eq!(e.to_string(), "unknown permission 'root'");
        assert_eq!(
            crate::DomainError::from(e).to_string(),
            "unknown permission 'root'"
        );
    }

    #[test]
    fn names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>(), Ok(p));
            assert_eq!(p.as_str().to_uppercase().parse::<Permission>(), Ok(p));
        }
        assert!("root".parse::<Permission>().is_err());
    }

    #[test]
    fn all_holds_every_permission() {
        let all = PermissionSet::all();
        assert_eq!(all.iter().count(), Permission::ALL.len());
    }

    proptest! {
        #[test]
        fn sets_behave_like_sets(a in proptest::collection::vec(0usize..17, 0..20),
                                 b in proptest::collection::vec(0usize..17, 0..20)) {
            let sa: PermissionSet = a.iter().map(|i| Permission::ALL[*i]).collect();
            let sb: PermissionSet = b.iter().map(|i| Permission::ALL[*i]).collect();
            let u = sa.union(sb);
            prop_assert!(u.is_superset_of(sa) && u.is_superset_of(sb));
            for p in Permission::ALL {
                prop_assert_eq!(u.contains(p), sa.contains(p) || sb.contains(p));
            }
        }
    }
}
