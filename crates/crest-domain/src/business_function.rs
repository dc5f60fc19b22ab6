//! Business functions: the fine-grained abilities an account's permissions amount to, as
//! `GET /api/v2/account/{id}/businessFunctions` lists them.
//!
//! The product never published its mapping; this one follows the names: what every user may
//! browse and do, plus, per permission, the `MODIFY_…`/`ADMINISTER_…` functions it names.
//! Service accounts get no browsing functions unless a permission covers them ("no browsing").

use std::collections::BTreeSet;

use crate::account::{AccountKind, AccountRecord};
use crate::permission::Permission;

/// What every user account may do, whatever its permissions.
const EVERY_USER: &[&str] = &[
    "VIEW_MONITORED_APPLICATION_SERVICE",
    "VIEW_MONITORED_CLUSTER",
    "VIEW_MONITORED_CLUSTER_TAGS",
    "VIEW_DASHBOARDS",
    "VIEW_DASHBOARDS_TAGS",
    "VIEW_METRIC_TIMESERIES",
    "VIEW_HOSTS",
    "VIEW_HOST_TAGS",
    "VIEW_AGENT_TAGS",
    "VIEW_EVENTS",
    "VIEW_EVENT_TAGS",
    "VIEW_ALERTS",
    "VIEW_ALERT_TAGS",
    "VIEW_REGISTERED_QUERIES",
    "VIEW_REGISTERED_QUERY_TAGS",
    "VIEW_MAINTENANCE_WINDOWS",
    "VIEW_NOTIFICANTS",
    "VIEW_CUSTOM_METRICS",
    "VIEW_TARGETS",
    "VIEW_AGENTS",
    "VIEW_EXTERNAL_LINKS",
    "VIEW_EXTERNAL_LINK_TAGS",
    "VIEW_SAVED_SEARCHES",
    "VIEW_MY_MESSAGES",
    "VIEW_APPLICATIONS",
    "VIEW_CLUSTER_INFO",
    "MODIFY_PRIVATE_TAGS",
    "MODIFY_SAVED_SEARCHES",
    "MODIFY_SAVED_TRACES_SEARCH",
    "MODIFY_OWN_ONBOARDING_STATE",
    "LOGIN",
    "LOGOUT",
    "CHANGE_PASSWORD",
    "CHANGE_USER_PREFERENCE",
    "SEND_UI_METRICS",
];

/// What one permission adds.
const fn granted_by(p: Permission) -> &'static [&'static str] {
    match p {
        Permission::AgentManagement => &[
            "VIEW_AGENTS",
            "VIEW_AGENT_TAGS",
            "MODIFY_AGENTS",
            "MODIFY_AGENT_TAGS",
            "METRIC_INGESTION_LISTENER",
        ],
        Permission::AlertsManagement => &[
            "MODIFY_ALERTS",
            "MODIFY_ALERT_TAGS",
            "MODIFY_MAINTENANCE_WINDOWS",
            "MODIFY_NOTIFICANTS",
            "MODIFY_TARGETS",
        ],
        Permission::ApplicationManagement => &["MODIFY_APPLICATIONS"],
        Permission::BatchQueryPriority => &[],
        Permission::DashboardManagement => &["MODIFY_DASHBOARDS", "MODIFY_DASHBOARD_TAGS"],
        Permission::DerivedMetricsManagement => {
            &["MODIFY_REGISTERED_QUERIES", "MODIFY_REGISTERED_QUERY_TAGS"]
        }
        Permission::EmbeddedCharts => &["CREATE_EMBEDDED_CHARTS"],
        Permission::EventsManagement => &["MODIFY_EVENTS", "MODIFY_EVENT_TAGS"],
        Permission::ExternalLinksManagement => {
            &["MODIFY_EXTERNAL_LINKS", "MODIFY_EXTERNAL_LINK_TAGS"]
        }
        Permission::HostTagManagement => &["MODIFY_HOSTS", "MODIFY_HOST_TAGS"],
        Permission::Ingestion => &["METRIC_INGESTION"],
        Permission::LogManagement => &["VIEW_LOGS"],
        Permission::MetricsManagement => &[
            "MODIFY_METRIC_VISIBILITY",
            "MODIFY_CUSTOM_METRICS",
            "METRICS_POLICY_MANAGEMENT",
            "INGESTION_POLICY_MANAGEMENT",
            "VIEW_INGESTION_POLICY",
        ],
        Permission::MonitoredApplicationServiceManagement => &[
            "MODIFY_MONITORED_APPLICATION_SERVICE",
            "MODIFY_MONITORED_CLUSTER",
            "MODIFY_MONITORED_CLUSTER_TAGS",
        ],
        Permission::SamlSsoManagement => &["VIEW_SAML_SSO_SETTINGS", "MODIFY_SAML_SSO_SETTINGS"],
        Permission::TokenManagement => &["CREATE_TOKEN", "GET_TOKENS", "REVOKE_TOKEN"],
        Permission::UserManagement => &[
            "GET_ALL_ACCOUNTS",
            "GET_ALL_USERS",
            "GET_ALL_SERVICE_ACCOUNTS",
            "ADMINISTER_GROUPS",
            "ADMINISTER_USER_GROUPS",
            "ADMINISTER_SERVICE_ACCOUNTS",
            "ADMINISTER_ALL_TOKENS",
            "DELETE_ACCOUNT",
            "INVITE_USER",
            "ROLES_MANAGEMENT",
            "REVOKE_ALL_SESSIONS",
            "REVOKE_ALL_TOKENS",
            "SEND_FORGOTTEN_PASSWORD_EMAILS",
        ],
    }
}

/// The account's business functions, sorted.
pub fn business_functions(account: &AccountRecord) -> Vec<&'static str> {
    let mut all: BTreeSet<&'static str> = BTreeSet::new();
    if account.kind == AccountKind::User {
        all.extend(EVERY_USER);
    }
    for p in account.effective_permissions().iter() {
        all.extend(granted_by(p));
    }
    all.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::AccountId;
    use crate::permission::PermissionSet;

    fn account(kind: AccountKind, permissions: PermissionSet) -> AccountRecord {
        AccountRecord {
            id: AccountId::from_trusted("x".into()),
            kind,
            active: true,
            super_admin: false,
            description: String::new(),
            permissions,
            united_permissions: permissions,
            roles: vec![],
            united_roles: vec![],
            groups: vec![],
            created_ms: 0,
        }
    }

    #[test]
    fn permissions_add_functions_and_service_accounts_do_not_browse() {
        let sa = account(AccountKind::ServiceAccount, PermissionSet::EMPTY);
        assert!(business_functions(&sa).is_empty());
        let alerts: PermissionSet = [Permission::AlertsManagement].into_iter().collect();
        let user = business_functions(&account(AccountKind::User, alerts));
        assert!(user.contains(&"MODIFY_ALERTS") && user.contains(&"VIEW_DASHBOARDS"));
        assert!(!user.contains(&"INVITE_USER"));
    }
}
