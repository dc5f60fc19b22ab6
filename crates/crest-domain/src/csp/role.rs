//! Service roles (`aoa:<name>`): one per permission, plus Super Admin, Viewer and `aoa:*`.

use std::collections::BTreeSet;

use crate::authority::Standing;
use crate::error::DomainError;
use crate::permission::{Permission, PermissionSet};

/// Every service role at once.
pub const ALL: &str = "aoa:*";
pub const SUPER_ADMIN: &str = "aoa:superAdmin";
pub const VIEWER: &str = "aoa:viewer";
/// A role of the product's that no permission of crest's stands for.
pub const INGESTION_POLICIES: &str = "aoa:ingestionPolicies";

/// The service role that stands for a permission; API Tokens and SAML SSO have none (onboarded
/// subscriptions drop them, as the product did).
pub const fn role_of(p: Permission) -> Option<&'static str> {
    Some(match p {
        Permission::UserManagement => "aoa:admin",
        Permission::AlertsManagement => "aoa:alerts",
        Permission::ApplicationManagement => "aoa:applications",
        Permission::BatchQueryPriority => "aoa:batchQueryPriority",
        Permission::EmbeddedCharts => "aoa:chartEmbedding",
        Permission::DashboardManagement => "aoa:dashboards",
        Permission::DerivedMetricsManagement => "aoa:derivedMetrics",
        Permission::Ingestion => "aoa:directDataIngestion",
        Permission::EventsManagement => "aoa:events",
        Permission::ExternalLinksManagement => "aoa:externalLinks",
        Permission::MonitoredApplicationServiceManagement => "aoa:integrations",
        Permission::LogManagement => "aoa:logs",
        Permission::MetricsManagement => "aoa:metrics",
        Permission::AgentManagement => "aoa:proxies",
        Permission::HostTagManagement => "aoa:sources",
        Permission::TokenManagement | Permission::SamlSsoManagement => return None,
    })
}

/// A validated set of service roles, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRoles(BTreeSet<String>);

impl ServiceRoles {
    /// Reads role names (`aoa:alerts`, also as CSP writes them in tokens:
    /// `external/<service>/aoa:alerts`); unknown names are refused.
    pub fn parse<I: IntoIterator<Item = S>, S: AsRef<str>>(names: I) -> Result<Self, DomainError> {
        let mut set = BTreeSet::new();
        for raw in names {
            let name = raw.as_ref().trim();
            let name = name.rsplit('/').next().unwrap_or(name);
            if !is_known(name) {
                return Err(DomainError::Invalid(format!(
                    "'{name}' is not a service role; they are aoa:* and aoa:<name> (aoa:admin, aoa:alerts, …)"
                )));
            }
            set.insert(name.to_owned());
        }
        Ok(Self(set))
    }

    /// The roles in a token's `perms` claim that are service roles; anything else (organization
    /// roles, other services' roles) is ignored.
    pub fn from_claims<I: IntoIterator<Item = S>, S: AsRef<str>>(perms: I) -> Self {
        Self(
            perms
                .into_iter()
                .filter_map(|p| {
                    let name = p.as_ref().rsplit('/').next().unwrap_or_default().to_owned();
                    is_known(&name).then_some(name)
                })
                .collect(),
        )
    }

    /// The roles an account with these permissions holds (a Super Admin holds them all).
    pub fn of_account(permissions: PermissionSet, super_admin: bool) -> Self {
        if super_admin {
            return Self([ALL.to_owned()].into_iter().collect());
        }
        let mut set: BTreeSet<String> = permissions
            .iter()
            .filter_map(role_of)
            .map(str::to_owned)
            .collect();
        set.insert(VIEWER.to_owned());
        Self(set)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().cloned().collect()
    }

    /// Every role, spelled out (`aoa:*` expanded), for `scope` and `perms`.
    pub fn expanded(&self) -> Vec<String> {
        if self.grants_everything() {
            let mut all: BTreeSet<String> = Permission::ALL
                .iter()
                .filter_map(|p| role_of(*p))
                .map(str::to_owned)
                .collect();
            all.extend([SUPER_ADMIN, VIEWER, INGESTION_POLICIES].map(str::to_owned));
            return all.into_iter().collect();
        }
        self.names()
    }

    fn grants_everything(&self) -> bool {
        self.0.contains(ALL) || self.0.contains(SUPER_ADMIN)
    }

    pub fn is_super_admin(&self) -> bool {
        self.grants_everything()
    }

    /// The permissions these roles carry. Super Admin (and `aoa:*`) carry all of them, API
    /// Tokens included, as a Super Admin's tokens do.
    pub fn permissions(&self) -> PermissionSet {
        if self.grants_everything() {
            return PermissionSet::all();
        }
        Permission::ALL
            .into_iter()
            .filter(|p| role_of(*p).is_some_and(|r| self.0.contains(r)))
            .collect()
    }

    /// What a credential with these roles holds, for the rule of `authority`.
    pub fn standing(&self) -> Standing {
        Standing::new(self.permissions(), self.is_super_admin())
    }

    /// The roles of `self` that `holder` also holds (a scope never exceeds its owner's roles).
    pub fn within(&self, holder: &Self) -> Self {
        if holder.grants_everything() {
            return self.clone();
        }
        if self.grants_everything() {
            return holder.clone();
        }
        Self(self.0.intersection(&holder.0).cloned().collect())
    }
}

fn is_known(name: &str) -> bool {
    name == ALL
        || name == SUPER_ADMIN
        || name == VIEWER
        || name == INGESTION_POLICIES
        || Permission::ALL.iter().any(|p| role_of(*p) == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_map_to_permissions_and_scopes_stay_within_their_holder() {
        let roles = ServiceRoles::parse(["aoa:directDataIngestion", "aoa:proxies"]).expect("valid");
        let p = roles.permissions();
        assert!(p.contains(Permission::Ingestion) && p.contains(Permission::AgentManagement));
        assert!(!p.contains(Permission::UserManagement));
        assert!(ServiceRoles::parse(["aoa:nope"]).is_err());
        let all = ServiceRoles::parse([ALL]).expect("valid");
        assert_eq!(all.permissions(), PermissionSet::all());
        assert_eq!(all.within(&roles), roles);
        assert_eq!(roles.within(&all), roles);
        let claims = ServiceRoles::from_claims(["csp:org_member", "external/abc/aoa:proxies"]);
        assert_eq!(claims.names(), vec!["aoa:proxies".to_owned()]);
        assert!(ServiceRoles::from_claims(["csp:org_member"]).is_empty());
    }
}
