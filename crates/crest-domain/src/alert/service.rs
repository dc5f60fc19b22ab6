//! [`Alerts`]: creation, changes, versions, trash, tags, ACLs and snooze, with their rules in one
//! place; and what reads show of an alert at the time of asking ([`AlertView`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::DomainError;
use crate::alert::record::{AlertRecord, AlertVersion};
use crate::alert::rules::{normalize, target_entries};
use crate::alert::store::AlertStore;
use crate::alert::targets::{TargetDirectory, TargetInfo};
use crate::clock::{Clock, EpochMillis};
use crate::customer_tags::retag;
use crate::object_acl::{AccessCheck, Acl, AclEdit, AclObjects};
use crate::trash::{self, Deletion, TrashKind, Whereabouts};
use async_trait::async_trait;

/// How many later ids a create tries when its creation millisecond is taken.
const ID_ATTEMPTS: i64 = 1_000;
/// The longest snooze, in seconds (ten years); longer is "for ever" (`seconds` left out).
const MAX_SNOOZE_SECONDS: i64 = 10 * 366 * 24 * 60 * 60;

/// Which alerts a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Live,
    Trash,
}

/// An alert as reads show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertView {
    pub record: AlertRecord,
    pub in_trash: bool,
    /// `Alert.status`.
    pub status: Vec<String>,
    /// The snooze in force: until when (negative for ever), `None` when not snoozed (an expired
    /// snooze reads as none).
    pub snoozed: Option<EpochMillis>,
    /// The alert targets its `target:`/`webhook:` entries name, as the directory knows them.
    pub target_info: Vec<TargetInfo>,
    /// Whether the caller may modify it.
    pub can_modify: bool,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("alert '{id}' not found"))
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

/// The alert targets a document names (`target:` and `webhook:`), each once.
fn notificant_ids(doc: &Map<String, Value>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for entry in target_entries(doc) {
        if let Some(id) = entry.notificant_id()
            && !ids.iter().any(|known| known == id)
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

/// Whether a snooze is in force at `now`.
fn snooze_in_force(snoozed: Option<EpochMillis>, now: EpochMillis) -> Option<EpochMillis> {
    snoozed.filter(|&until| until < 0 || until > now)
}

fn status_of(record: &AlertRecord, in_trash: bool, snoozed: Option<EpochMillis>) -> Vec<String> {
    if in_trash {
        return vec!["TRASH".into()];
    }
    let mut status: Vec<String> = record
        .runtime
        .status
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    if status.is_empty() {
        status.push("CHECKING".into());
    }
    if snoozed.is_some() {
        status.retain(|s| s != "CHECKING");
        status.insert(0, "SNOOZED".into());
    }
    status
}

/// `GET /alert/summary`: how many alerts are in each state, by lower-case state name, every state
/// present (zero when none).
pub fn summary(live: &[AlertView], trashed: usize) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = [
        "firing",
        "snoozed",
        "in_maintenance",
        "invalid",
        "none",
        "checking",
        "no_data",
        "trash",
    ]
    .into_iter()
    .map(|k| (k.to_owned(), 0))
    .collect();
    for view in live {
        for state in &view.status {
            *counts.entry(state.to_lowercase()).or_default() += 1;
        }
    }
    counts.insert("trash".into(), i64::try_from(trashed).unwrap_or(i64::MAX));
    counts
}

/// Reads the `acl` a create's body may carry (`{canView, canModify}`).
fn acl_of(doc: &Map<String, Value>) -> Result<Acl, DomainError> {
    match doc.get("acl") {
        None | Some(Value::Null) => Ok(Acl::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            invalid(format!(
                "'acl' must be {{canView:[ids], canModify:[ids]}}: {e}"
            ))
        }),
    }
}

/// The operations on alerts, for one store, clock and target directory.
#[derive(Debug, Clone, Copy)]
pub struct Alerts<'a> {
    store: &'a dyn AlertStore,
    clock: &'a dyn Clock,
    targets: &'a dyn TargetDirectory,
}

impl<'a> Alerts<'a> {
    pub fn new(
        store: &'a dyn AlertStore,
        clock: &'a dyn Clock,
        targets: &'a dyn TargetDirectory,
    ) -> Self {
        Self {
            store,
            clock,
            targets,
        }
    }

    pub fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    async fn view(
        &self,
        record: AlertRecord,
        now: EpochMillis,
        who: &AccessCheck,
    ) -> Result<Option<AlertView>, DomainError> {
        let in_trash = match trash::whereabouts(record.trashed_ms, now) {
            Whereabouts::Live => false,
            Whereabouts::InTrash => true,
            Whereabouts::Expired => return Ok(None),
        };
        if !who.may_view(&record.acl) {
            return Ok(None);
        }
        let ids = notificant_ids(&record.document);
        let target_info = if ids.is_empty() {
            Vec::new()
        } else {
            self.targets.describe(&ids).await?
        };
        let snoozed = snooze_in_force(record.snoozed, now);
        Ok(Some(AlertView {
            status: status_of(&record, in_trash, snoozed),
            can_modify: who.may_modify(&record.acl),
            record,
            in_trash,
            snoozed,
            target_info,
        }))
    }

    /// The alerts on one shelf the caller may view, in id order.
    pub async fn list(
        &self,
        shelf: Shelf,
        who: &AccessCheck,
    ) -> Result<Vec<AlertView>, DomainError> {
        let now = self.now();
        let mut out = Vec::new();
        for record in self.store.alerts().await? {
            if let Some(view) = self.view(record, now, who).await?
                && view.in_trash == (shelf == Shelf::Trash)
            {
                out.push(view);
            }
        }
        Ok(out)
    }

    /// One alert, in the trash or not; an alert the caller may not view is not found.
    pub async fn get(&self, id: &str, who: &AccessCheck) -> Result<AlertView, DomainError> {
        let now = self.now();
        let record = self.store.alert(id).await?.ok_or_else(|| not_found(id))?;
        self.view(record, now, who)
            .await?
            .ok_or_else(|| not_found(id))
    }

    async fn modifiable(&self, id: &str, who: &AccessCheck) -> Result<AlertView, DomainError> {
        let view = self.get(id, who).await?;
        if !view.can_modify {
            return Err(DomainError::Forbidden(format!(
                "the ACL of alert '{id}' does not let you modify it"
            )));
        }
        Ok(view)
    }

    async fn live_modifiable(&self, id: &str, who: &AccessCheck) -> Result<AlertView, DomainError> {
        let view = self.modifiable(id, who).await?;
        if view.in_trash {
            return Err(DomainError::Conflict(format!(
                "alert '{id}' is in the trash; undelete it first"
            )));
        }
        Ok(view)
    }

    /// Refuses `target:`/`webhook:` ids the directory does not know (when it knows them all).
    async fn check_targets(&self, doc: &Map<String, Value>) -> Result<(), DomainError> {
        if !self.targets.knows_every_target() {
            return Ok(());
        }
        let ids = notificant_ids(doc);
        if ids.is_empty() {
            return Ok(());
        }
        let known = self.targets.describe(&ids).await?;
        if let Some(missing) = ids.iter().find(|id| !known.iter().any(|t| &t.id == *id)) {
            return Err(invalid(format!("alert target '{missing}' does not exist")));
        }
        Ok(())
    }

    async fn insert(
        &self,
        who: &AccessCheck,
        document: Map<String, Value>,
        acl: Acl,
        change: &str,
    ) -> Result<AlertView, DomainError> {
        let now = self.now();
        for bump in 0..ID_ATTEMPTS {
            let id = format!("{:013}", now.saturating_add(bump));
            let record = AlertRecord {
                id: id.clone(),
                document: document.clone(),
                version: 1,
                created_ms: now,
                creator: who.account.clone(),
                updated_ms: now,
                updater: who.account.clone(),
                trashed_ms: None,
                acl: acl.clone(),
                snoozed: None,
                runtime: Default::default(),
            };
            if self.store.create_alert(&record, change).await? {
                return self.get(&id, who).await;
            }
        }
        Err(DomainError::Conflict(
            "no free alert id near the current time; try again".into(),
        ))
    }

    /// Creates an alert from a client's document (see [`normalize`]); an `acl` in it becomes the
    /// alert's ACL.
    pub async fn create(
        &self,
        who: &AccessCheck,
        document: Map<String, Value>,
    ) -> Result<AlertView, DomainError> {
        let acl = acl_of(&document)?;
        let document = normalize(document)?;
        self.check_targets(&document).await?;
        self.insert(who, document, acl, "Alert created").await
    }

    /// Replaces an alert's document with a client's (a new version). Its ACL stays.
    pub async fn update(
        &self,
        who: &AccessCheck,
        id: &str,
        document: Map<String, Value>,
    ) -> Result<AlertView, DomainError> {
        self.live_modifiable(id, who).await?;
        let document = normalize(document)?;
        self.check_targets(&document).await?;
        self.save(who, id, &document, "Alert updated").await
    }

    async fn save(
        &self,
        who: &AccessCheck,
        id: &str,
        document: &Map<String, Value>,
        change: &str,
    ) -> Result<AlertView, DomainError> {
        self.store
            .save_alert(id, document, self.now(), &who.account, change)
            .await?
            .ok_or_else(|| not_found(id))?;
        self.get(id, who).await
    }

    /// Moves the alert to the trash, or removes it for good (with `skip_trash`, or when it is in
    /// the trash already).
    pub async fn delete(
        &self,
        who: &AccessCheck,
        id: &str,
        skip_trash: bool,
    ) -> Result<AlertView, DomainError> {
        let current = self.modifiable(id, who).await?;
        let deletion = trash::delete(
            self.store,
            TrashKind::Alert,
            id,
            current.in_trash,
            skip_trash,
            self.now(),
            &who.account,
        )
        .await?;
        match deletion.ok_or_else(|| not_found(id))? {
            Deletion::ToTrash => self.get(id, who).await,
            Deletion::ForGood => Ok(current),
        }
    }

    /// Brings an alert back from the trash.
    pub async fn undelete(&self, who: &AccessCheck, id: &str) -> Result<AlertView, DomainError> {
        let current = self.modifiable(id, who).await?;
        if !current.in_trash {
            return Err(invalid(format!("alert '{id}' is not in the trash")));
        }
        if !self
            .store
            .restore(TrashKind::Alert, id, self.now(), &who.account)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id, who).await
    }

    /// A new alert copied from version `version` of another (its latest when `None`), renamed to
    /// `name` when given; its history starts afresh at version 1 and its ACL is open.
    pub async fn clone_alert(
        &self,
        who: &AccessCheck,
        id: &str,
        name: Option<&str>,
        version: Option<u32>,
    ) -> Result<AlertView, DomainError> {
        let source = self.get(id, who).await?;
        let mut document = match version {
            None => source.record.document,
            Some(v) => self.version(who, id, v).await?.document,
        };
        if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
            document.insert("name".into(), Value::String(name.to_owned()));
        }
        let document = normalize(document)?;
        self.insert(
            who,
            document,
            Acl::default(),
            &format!("Alert cloned from {id}"),
        )
        .await
    }

    /// Snoozes for `seconds` from now, or for ever when `None`.
    pub async fn snooze(
        &self,
        who: &AccessCheck,
        id: &str,
        seconds: Option<i64>,
    ) -> Result<AlertView, DomainError> {
        self.live_modifiable(id, who).await?;
        let until = match seconds {
            None => -1,
            Some(s) if (1..=MAX_SNOOZE_SECONDS).contains(&s) => {
                self.now().saturating_add(s.saturating_mul(1000))
            }
            Some(s) => {
                return Err(invalid(format!(
                    "'seconds' must be between 1 and {MAX_SNOOZE_SECONDS} (leave it out to snooze for ever), not {s}"
                )));
            }
        };
        if !self.store.set_alert_snooze(id, Some(until)).await? {
            return Err(not_found(id));
        }
        self.get(id, who).await
    }

    /// Ends a snooze (a no-op when none is in force).
    pub async fn unsnooze(&self, who: &AccessCheck, id: &str) -> Result<AlertView, DomainError> {
        self.live_modifiable(id, who).await?;
        if !self.store.set_alert_snooze(id, None).await? {
            return Err(not_found(id));
        }
        self.get(id, who).await
    }

    /// Hiding and unhiding apply to integration alerts, which crest does not have.
    pub async fn hide(&self, who: &AccessCheck, id: &str) -> Result<AlertView, DomainError> {
        self.get(id, who).await?;
        Err(invalid(format!(
            "alert '{id}' is a user alert; only integration alerts can be installed or uninstalled"
        )))
    }

    /// An alert's tags.
    pub async fn tags(&self, who: &AccessCheck, id: &str) -> Result<Vec<String>, DomainError> {
        Ok(self.get(id, who).await?.record.customer_tags())
    }

    /// Adds, removes or replaces tags (a new version when they change).
    pub async fn edit_tags(
        &self,
        who: &AccessCheck,
        id: &str,
        edit: AclEdit,
        tags: &[String],
    ) -> Result<Vec<String>, DomainError> {
        let view = self.live_modifiable(id, who).await?;
        let retagged = retag(&view.record.document, edit, tags)?;
        if let Some(document) = retagged.changed {
            self.save(who, id, &document, "Tags changed").await?;
        }
        Ok(retagged.tags)
    }

    /// The versions kept of an alert, newest first.
    pub async fn history(
        &self,
        who: &AccessCheck,
        id: &str,
    ) -> Result<Vec<AlertVersion>, DomainError> {
        self.get(id, who).await?;
        Ok(self.store.alert_history(id).await?)
    }

    /// One version of an alert.
    pub async fn version(
        &self,
        who: &AccessCheck,
        id: &str,
        version: u32,
    ) -> Result<AlertVersion, DomainError> {
        self.history(who, id)
            .await?
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| DomainError::NotFound(format!("alert '{id}' has no version {version}")))
    }
}

#[async_trait]
impl AclObjects for Alerts<'_> {
    async fn visible_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError> {
        Ok(self.get(id, who).await?.record.acl)
    }

    async fn modifiable_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError> {
        Ok(self.modifiable(id, who).await?.record.acl)
    }

    async fn write_acl(&self, id: &str, acl: &Acl) -> Result<(), DomainError> {
        if self.store.set_alert_acl(id, acl).await? {
            Ok(())
        } else {
            Err(not_found(id))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expired_snooze_reads_as_none() {
        assert_eq!(snooze_in_force(Some(-1), 10), Some(-1));
        assert_eq!(snooze_in_force(Some(20), 10), Some(20));
        assert_eq!(snooze_in_force(Some(10), 10), None);
        assert_eq!(snooze_in_force(None, 10), None);
    }
}
