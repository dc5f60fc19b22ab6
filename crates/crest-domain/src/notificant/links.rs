//! [`TargetLinks`]: the alerts that name a target (`target:<id>` in their `target`), as the
//! delete of a target needs them. Alerts implement it; until they exist, [`NoAlerts`].

use std::fmt::Debug;

use async_trait::async_trait;

use crate::DomainError;

/// The alerts' side of a target's delete.
#[async_trait]
pub trait TargetLinks: Send + Sync + Debug {
    /// The ids of the alerts that name `target:<notificant_id>` anywhere in their targets.
    async fn alerts_using(&self, notificant_id: &str) -> Result<Vec<String>, DomainError>;

    /// Removes `target:<notificant_id>` from every alert that names it, as the account `by`;
    /// returns how many alerts changed.
    async fn unlink(&self, notificant_id: &str, by: &str) -> Result<u64, DomainError>;
}

/// The links while no alert exists: no alert uses any target.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAlerts;

#[async_trait]
impl TargetLinks for NoAlerts {
    async fn alerts_using(&self, _notificant_id: &str) -> Result<Vec<String>, DomainError> {
        Ok(Vec::new())
    }

    async fn unlink(&self, _notificant_id: &str, _by: &str) -> Result<u64, DomainError> {
        Ok(0)
    }
}
