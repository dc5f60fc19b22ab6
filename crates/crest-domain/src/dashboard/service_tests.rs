//! [`Dashboards`] over an in-memory store: ids in use and in the trash, favorites per account,
//! ACLs on reads and writes, and versions that outlive a delete for good.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde_json::{Map, Value, json};

use crate::DomainError;
use crate::clock::{EpochMillis, ManualClock};
use crate::dashboard::{DashboardHistory, DashboardRecord, DashboardStore, Dashboards};
use crate::object_acl::{AccessCheck, Acl, AclEdit, AclObjects};
use crate::store::StoreError;
use crate::trash::{TrashKind, TrashStore};
use crate::version_log::SavedVersion;

#[derive(Debug, Default)]
struct Memory {
    live: Mutex<BTreeMap<String, DashboardRecord>>,
    versions: Mutex<BTreeMap<String, (Vec<SavedVersion>, Acl)>>,
}

impl Memory {
    fn add_version(&self, id: &str, version: u32, doc: &Map<String, Value>, by: &str, at: i64) {
        let mut all = self.versions.lock().expect("lock");
        let acl = self
            .live
            .lock()
            .expect("lock")
            .get(id)
            .map(|d| d.acl.clone())
            .unwrap_or_default();
        let entry = all.entry(id.to_owned()).or_default();
        entry.0.insert(
            0,
            SavedVersion {
                version,
                document: doc.clone(),
                update_user: by.into(),
                update_time: at,
                change: "saved".into(),
            },
        );
        entry.1 = acl;
    }
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
        let mut live = self.live.lock().expect("lock");
        Ok(live
            .get_mut(id)
            .filter(|d| d.trashed_ms.is_none())
            .map(|d| d.trashed_ms = Some(now))
            .is_some())
    }

    async fn restore(
        &self,
        _: TrashKind,
        id: &str,
        _: EpochMillis,
        _: &str,
    ) -> Result<bool, StoreError> {
        let mut live = self.live.lock().expect("lock");
        Ok(live
            .get_mut(id)
            .filter(|d| d.trashed_ms.is_some())
            .map(|d| d.trashed_ms = None)
            .is_some())
    }

    async fn remove_for_good(&self, _: TrashKind, id: &str) -> Result<bool, StoreError> {
        Ok(self.live.lock().expect("lock").remove(id).is_some())
    }

    async fn purge_expired(&self, _: EpochMillis) -> Result<u64, StoreError> {
        Ok(0)
    }
}

#[async_trait]
impl DashboardStore for Memory {
    async fn dashboard(&self, id: &str) -> Result<Option<DashboardRecord>, StoreError> {
        Ok(self.live.lock().expect("lock").get(id).cloned())
    }

    async fn dashboards(&self) -> Result<Vec<DashboardRecord>, StoreError> {
        Ok(self.live.lock().expect("lock").values().cloned().collect())
    }

    async fn create_dashboard(
        &self,
        d: &DashboardRecord,
        _: &str,
    ) -> Result<Option<u32>, StoreError> {
        if self.live.lock().expect("lock").contains_key(&d.id) {
            return Ok(None);
        }
        let version = self
            .versions
            .lock()
            .expect("lock")
            .get(&d.id)
            .and_then(|(v, _)| v.first().map(|v| v.version))
            .unwrap_or(0)
            + 1;
        let record = DashboardRecord {
            version,
            ..d.clone()
        };
        self.live.lock().expect("lock").insert(d.id.clone(), record);
        self.add_version(&d.id, version, &d.document, &d.creator, d.created_ms);
        Ok(Some(version))
    }

    async fn save_dashboard(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        _: &str,
    ) -> Result<Option<u32>, StoreError> {
        let version = {
            let mut live = self.live.lock().expect("lock");
            let Some(d) = live.get_mut(id).filter(|d| d.trashed_ms.is_none()) else {
                return Ok(None);
            };
            d.version += 1;
            d.document = document.clone();
            d.updated_ms = now;
            d.updater = by.into();
            d.version
        };
        self.add_version(id, version, document, by, now);
        Ok(Some(version))
    }

    async fn dashboard_history(&self, id: &str) -> Result<DashboardHistory, StoreError> {
        let all = self.versions.lock().expect("lock");
        Ok(all
            .get(id)
            .map(|(versions, acl)| DashboardHistory {
                versions: versions.clone(),
                acl: acl.clone(),
            })
            .unwrap_or_default())
    }

    async fn set_dashboard_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        let mut live = self.live.lock().expect("lock");
        let Some(d) = live.get_mut(id) else {
            return Ok(false);
        };
        d.acl = acl.clone();
        if let Some(entry) = self.versions.lock().expect("lock").get_mut(id) {
            entry.1 = acl.clone();
        }
        Ok(true)
    }

    async fn set_dashboard_favorite(
        &self,
        id: &str,
        account: &str,
        favorite: bool,
    ) -> Result<bool, StoreError> {
        let mut live = self.live.lock().expect("lock");
        let Some(d) = live.get_mut(id).filter(|d| d.trashed_ms.is_none()) else {
            return Ok(false);
        };
        d.favorites.retain(|a| a != account);
        if favorite {
            d.favorites.push(account.into());
        }
        Ok(true)
    }
}

fn who(account: &str) -> AccessCheck {
    AccessCheck {
        account: account.into(),
        groups: Vec::new(),
        super_admin: false,
    }
}

fn body(id: &str, name: &str) -> Map<String, Value> {
    json!({"url": id, "name": name, "sections": []})
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn message<T>(result: Result<T, DomainError>) -> String {
    result.err().map(|e| e.to_string()).unwrap_or_default()
}

#[tokio::test]
async fn ids_in_use_and_in_the_trash_are_refused_with_what_to_do() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let d = Dashboards::new(&store, &clock);
    let a = who("a");
    d.create(&a, body("x", "X")).await.expect("created");
    assert!(message(d.create(&a, body("x", "X")).await).contains("already exists"));
    d.delete(&a, "x", false).await.expect("trashed");
    assert!(message(d.create(&a, body("x", "X")).await).contains("in the trash"));
    assert!(message(d.update(&a, "x", body("x", "Y")).await).contains("in the trash"));
}

#[tokio::test]
async fn favorites_are_each_callers_own() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let d = Dashboards::new(&store, &clock);
    d.create(&who("a"), body("x", "X")).await.expect("created");
    let marked = d.favorite(&who("a"), "x", true).await.expect("marked");
    assert!(marked.favorite);
    let theirs = d.get("x", &who("b")).await.expect("read");
    assert!(!theirs.favorite);
    assert_eq!(theirs.record.favorites, vec!["a"]);
}

#[tokio::test]
async fn versions_outlive_a_delete_for_good_under_the_last_acl() {
    let store = Memory::default();
    let clock = ManualClock::new(1_700_000_000_000);
    let d = Dashboards::new(&store, &clock);
    let admin = who("admin");
    d.create(&admin, body("x", "first")).await.expect("created");
    d.update(&admin, "x", body("x", "second"))
        .await
        .expect("updated");
    let acl = Acl {
        can_view: vec!["viewer".into()],
        can_modify: vec!["admin".into()],
    };
    d.edit_acls(&admin, AclEdit::Set, &[("x".into(), acl)])
        .await
        .expect("acl");
    assert!(message(d.update(&who("viewer"), "x", body("x", "v")).await).contains("ACL"));
    assert!(message(d.get("x", &who("outsider")).await).contains("does not exist"));
    d.delete(&admin, "x", true).await.expect("gone");
    let old = d.version(&who("viewer"), "x", 1).await.expect("version 1");
    assert_eq!(old.record.document.get("name"), Some(&json!("first")));
    assert!(old.in_trash);
    assert!(d.history(&who("outsider"), "x").await.is_err());
    let again = d.create(&admin, old.record.document).await.expect("again");
    assert_eq!(again.record.version, 3);
}
