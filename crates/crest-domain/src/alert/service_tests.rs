//! [`Alerts`] over an in-memory store and a fake target directory: the existence check of
//! `target:` ids, `targetInfo`, id collisions, versions and snooze.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use crate::DomainError;
use crate::alert::{
    AccessCheck, Acl, AlertRecord, AlertRuntime, AlertStore, AlertVersion, Alerts,
    NoTargetDirectory, TargetDirectory, TargetInfo, TargetMethod,
};
use crate::clock::{EpochMillis, ManualClock};
use crate::object_acl::AclObjects;
use crate::store::StoreError;
use crate::trash::{TrashKind, TrashStore};

#[derive(Debug, Default)]
struct Memory {
    alerts: Mutex<BTreeMap<String, (AlertRecord, Vec<AlertVersion>)>>,
}

#[async_trait]
impl TrashStore for Memory {
    async fn move_to_trash(
        &self,
        _: TrashKind,
        id: &str,
        now: EpochMillis,
        _: &str,
    ) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all
            .get_mut(id)
            .map(|(r, _)| r.trashed_ms = Some(now))
            .is_some())
    }

    async fn restore(
        &self,
        _: TrashKind,
        id: &str,
        _: EpochMillis,
        _: &str,
    ) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.get_mut(id).map(|(r, _)| r.trashed_ms = None).is_some())
    }

    async fn remove_for_good(&self, _: TrashKind, id: &str) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.remove(id).is_some())
    }

    async fn purge_expired(&self, _: EpochMillis) -> Result<u64, StoreError> {
        Ok(0)
    }
}

#[async_trait]
impl AlertStore for Memory {
    async fn alert(&self, id: &str) -> Result<Option<AlertRecord>, StoreError> {
        let all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.get(id).map(|(r, _)| r.clone()))
    }

    async fn alerts(&self) -> Result<Vec<AlertRecord>, StoreError> {
        let all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.values().map(|(r, _)| r.clone()).collect())
    }

    async fn create_alert(&self, alert: &AlertRecord, change: &str) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        if all.contains_key(&alert.id) {
            return Ok(false);
        }
        let first = AlertVersion {
            version: 1,
            document: alert.document.clone(),
            update_user: alert.creator.clone(),
            update_time: alert.created_ms,
            change: change.to_owned(),
        };
        all.insert(alert.id.clone(), (alert.clone(), vec![first]));
        Ok(true)
    }

    async fn save_alert(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        let Some((r, versions)) = all.get_mut(id).filter(|(r, _)| r.trashed_ms.is_none()) else {
            return Ok(None);
        };
        r.version += 1;
        r.document = document.clone();
        r.updated_ms = now;
        versions.insert(
            0,
            AlertVersion {
                version: r.version,
                document: document.clone(),
                update_user: by.to_owned(),
                update_time: now,
                change: change.to_owned(),
            },
        );
        Ok(Some(r.version))
    }

    async fn alert_history(&self, id: &str) -> Result<Vec<AlertVersion>, StoreError> {
        let all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.get(id).map(|(_, v)| v.clone()).unwrap_or_default())
    }

    async fn set_alert_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.get_mut(id).map(|(r, _)| r.acl = acl.clone()).is_some())
    }

    async fn set_alert_snooze(
        &self,
        id: &str,
        snoozed: Option<EpochMillis>,
    ) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all.get_mut(id).map(|(r, _)| r.snoozed = snoozed).is_some())
    }

    async fn record_evaluation(
        &self,
        id: &str,
        runtime: &AlertRuntime,
    ) -> Result<bool, StoreError> {
        let mut all = self
            .alerts
            .lock()
            .map_err(|_| StoreError::other("poisoned"))?;
        Ok(all
            .get_mut(id)
            .map(|(r, _)| r.runtime = runtime.clone())
            .is_some())
    }

    async fn list_alerts_for_evaluation(&self) -> Result<Vec<AlertRecord>, StoreError> {
        Ok(self
            .alerts()
            .await?
            .into_iter()
            .filter(|r| r.trashed_ms.is_none())
            .collect())
    }
}

/// A directory that knows one target.
#[derive(Debug)]
struct OneTarget;

#[async_trait]
impl TargetDirectory for OneTarget {
    async fn describe(&self, ids: &[String]) -> Result<Vec<TargetInfo>, StoreError> {
        Ok(ids
            .iter()
            .filter(|id| *id == "Known1")
            .map(|id| TargetInfo {
                id: id.clone(),
                method: TargetMethod::Webhook,
                name: "Slack Alerts".into(),
            })
            .collect())
    }
}

fn body(target: &str) -> Map<String, Value> {
    json!({"name": "a", "condition": "ts(m) > 1", "minutes": 5, "severity": "WARN",
        "target": target})
    .as_object()
    .cloned()
    .unwrap_or_default()
}

fn admin() -> AccessCheck {
    AccessCheck {
        account: "admin".into(),
        groups: vec![],
        super_admin: true,
    }
}

#[tokio::test]
async fn unknown_targets_are_refused_once_the_directory_knows_every_target() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let alerts = Alerts::new(&store, &clock, &OneTarget);
    let made = alerts
        .create(&admin(), body("x@example.com,target:Known1,webhook:Known1"))
        .await
        .map_err(|e| e.to_string());
    let made = made.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(made.target_info.len(), 1);
    assert_eq!(
        made.target_info.first().map(|t| t.name.as_str()),
        Some("Slack Alerts")
    );
    let refused = alerts.create(&admin(), body("target:Unknown")).await;
    assert!(matches!(refused, Err(DomainError::Invalid(m)) if m.contains("Unknown")));

    // The directory the server has until alert targets are stored accepts every id.
    let lenient = Alerts::new(&store, &clock, &NoTargetDirectory);
    let made = lenient.create(&admin(), body("target:Unknown")).await;
    assert!(made.is_ok_and(|v| v.target_info.is_empty()));
}

#[tokio::test]
async fn ids_are_the_creation_millisecond_bumped_on_a_collision() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let alerts = Alerts::new(&store, &clock, &NoTargetDirectory);
    let a = alerts.create(&admin(), body("")).await.map(|v| v.record.id);
    let b = alerts.create(&admin(), body("")).await.map(|v| v.record.id);
    assert_eq!(a.ok().as_deref(), Some("1700000000000"));
    assert_eq!(b.ok().as_deref(), Some("1700000000001"));
}

#[tokio::test]
async fn an_acl_hides_and_protects_an_alert() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let alerts = Alerts::new(&store, &clock, &NoTargetDirectory);
    let id = alerts
        .create(&admin(), body(""))
        .await
        .map(|v| v.record.id)
        .unwrap_or_default();
    let acl = Acl {
        can_view: vec!["viewer".into()],
        can_modify: vec![],
    };
    let set = alerts
        .edit_acls(&admin(), crate::alert::AclEdit::Set, &[(id.clone(), acl)])
        .await;
    assert!(set.is_ok());
    let stranger = AccessCheck {
        account: "stranger".into(),
        ..AccessCheck::default()
    };
    assert!(matches!(
        alerts.get(&id, &stranger).await,
        Err(DomainError::NotFound(_))
    ));
    let viewer = AccessCheck {
        account: "viewer".into(),
        ..AccessCheck::default()
    };
    assert!(alerts.get(&id, &viewer).await.is_ok());
    assert!(
        alerts
            .list(crate::alert::Shelf::Live, &stranger)
            .await
            .is_ok_and(|l| l.is_empty())
    );
}
