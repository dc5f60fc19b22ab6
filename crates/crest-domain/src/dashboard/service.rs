//! [`Dashboards`]: creation, changes, versions, trash, tags, favorites and ACLs, with their rules
//! in one place; and what reads show of a dashboard to the caller ([`DashboardView`]).

use serde_json::{Map, Value};

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::customer_tags::{customer_tags, retag};
use crate::dashboard::record::DashboardRecord;
use crate::dashboard::rules::{check_id, normalize};
use crate::dashboard::store::DashboardStore;
use crate::object_acl::{AccessCheck, Acl, AclEdit, AclObjects};
use crate::trash::{self, Deletion, TrashKind, Whereabouts};
use crate::version_log::SavedVersion;
use async_trait::async_trait;

/// Which dashboards a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Live,
    Trash,
}

/// A dashboard as reads show it to one caller.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardView {
    pub record: DashboardRecord,
    pub in_trash: bool,
    /// Whether the caller marked it as a favorite.
    pub favorite: bool,
    /// Whether the caller may modify it.
    pub can_modify: bool,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("dashboard '{id}' does not exist"))
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
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

/// The operations on dashboards, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct Dashboards<'a> {
    store: &'a dyn DashboardStore,
    clock: &'a dyn Clock,
}

impl<'a> Dashboards<'a> {
    pub fn new(store: &'a dyn DashboardStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    fn view(record: DashboardRecord, now: EpochMillis, who: &AccessCheck) -> Option<DashboardView> {
        let in_trash = match trash::whereabouts(record.trashed_ms, now) {
            Whereabouts::Live => false,
            Whereabouts::InTrash => true,
            Whereabouts::Expired => return None,
        };
        if !who.may_view(&record.acl) {
            return None;
        }
        Some(DashboardView {
            favorite: record.favorites.contains(&who.account),
            can_modify: who.may_modify(&record.acl),
            record,
            in_trash,
        })
    }

    /// The dashboards on one shelf the caller may view, in id order.
    pub async fn list(
        &self,
        shelf: Shelf,
        who: &AccessCheck,
    ) -> Result<Vec<DashboardView>, DomainError> {
        let now = self.now();
        Ok(self
            .store
            .dashboards()
            .await?
            .into_iter()
            .filter_map(|r| Self::view(r, now, who))
            .filter(|v| v.in_trash == (shelf == Shelf::Trash))
            .collect())
    }

    /// One dashboard, in the trash or not; one the caller may not view does not exist for them.
    pub async fn get(&self, id: &str, who: &AccessCheck) -> Result<DashboardView, DomainError> {
        let record = self
            .store
            .dashboard(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        Self::view(record, self.now(), who).ok_or_else(|| not_found(id))
    }

    async fn modifiable(&self, id: &str, who: &AccessCheck) -> Result<DashboardView, DomainError> {
        let view = self.get(id, who).await?;
        if !view.can_modify {
            return Err(DomainError::Forbidden(format!(
                "the ACL of dashboard '{id}' does not let you modify it"
            )));
        }
        Ok(view)
    }

    async fn live_modifiable(
        &self,
        id: &str,
        who: &AccessCheck,
    ) -> Result<DashboardView, DomainError> {
        let view = self.modifiable(id, who).await?;
        if view.in_trash {
            return Err(DomainError::Conflict(format!(
                "dashboard '{id}' is in the trash; undelete it first"
            )));
        }
        Ok(view)
    }

    /// Creates a dashboard from a client's JSON (see [`normalize`]); an `acl` in it becomes the
    /// dashboard's ACL. An id in use (in the trash too) is refused. An id whose dashboard was
    /// deleted for good continues that dashboard's versions.
    pub async fn create(
        &self,
        who: &AccessCheck,
        document: Map<String, Value>,
    ) -> Result<DashboardView, DomainError> {
        let acl = acl_of(&document)?;
        let (id, document) = normalize(document, None)?;
        let now = self.now();
        let record = DashboardRecord {
            id: id.clone(),
            document,
            version: 1,
            created_ms: now,
            creator: who.account.clone(),
            updated_ms: now,
            updater: who.account.clone(),
            trashed_ms: None,
            acl,
            favorites: Vec::new(),
        };
        if self
            .store
            .create_dashboard(&record, "Dashboard created")
            .await?
            .is_none()
        {
            let trashed = self
                .store
                .dashboard(&id)
                .await?
                .is_some_and(|d| d.trashed_ms.is_some());
            return Err(invalid(if trashed {
                format!(
                    "dashboard '{id}' is in the trash: undelete it, or delete it for good first"
                )
            } else {
                format!("a dashboard with id '{id}' already exists")
            }));
        }
        self.get(&id, who).await
    }

    /// Replaces a dashboard's JSON with a client's (a new version). Its ACL stays.
    pub async fn update(
        &self,
        who: &AccessCheck,
        id: &str,
        document: Map<String, Value>,
    ) -> Result<DashboardView, DomainError> {
        check_id(id)?;
        let (_, document) = normalize(document, Some(id))?;
        self.live_modifiable(id, who).await?;
        self.save(who, id, &document, "Dashboard updated").await
    }

    async fn save(
        &self,
        who: &AccessCheck,
        id: &str,
        document: &Map<String, Value>,
        change: &str,
    ) -> Result<DashboardView, DomainError> {
        self.store
            .save_dashboard(id, document, self.now(), &who.account, change)
            .await?
            .ok_or_else(|| not_found(id))?;
        self.get(id, who).await
    }

    /// Moves the dashboard to the trash, or removes it for good (with `skip_trash`, or when it is
    /// in the trash already); its versions stay.
    pub async fn delete(
        &self,
        who: &AccessCheck,
        id: &str,
        skip_trash: bool,
    ) -> Result<DashboardView, DomainError> {
        let current = self.modifiable(id, who).await?;
        let deletion = trash::delete(
            self.store,
            TrashKind::Dashboard,
            id,
            current.in_trash,
            skip_trash,
            self.now(),
            &who.account,
        )
        .await?;
        match deletion.ok_or_else(|| not_found(id))? {
            Deletion::ToTrash => self.get(id, who).await,
            Deletion::ForGood => Ok(DashboardView {
                in_trash: true,
                ..current
            }),
        }
    }

    /// Brings a dashboard back from the trash.
    pub async fn undelete(
        &self,
        who: &AccessCheck,
        id: &str,
    ) -> Result<DashboardView, DomainError> {
        let current = self.modifiable(id, who).await?;
        if !current.in_trash {
            return Err(invalid(format!("dashboard '{id}' is not in the trash")));
        }
        if !self
            .store
            .restore(TrashKind::Dashboard, id, self.now(), &who.account)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id, who).await
    }

    /// Marks or unmarks the dashboard as the caller's favorite (idempotent). Any caller who may
    /// view a dashboard may mark it: favorites are the caller's own.
    pub async fn favorite(
        &self,
        who: &AccessCheck,
        id: &str,
        favorite: bool,
    ) -> Result<DashboardView, DomainError> {
        let view = self.get(id, who).await?;
        if view.in_trash {
            return Err(DomainError::Conflict(format!(
                "dashboard '{id}' is in the trash; undelete it first"
            )));
        }
        if !self
            .store
            .set_dashboard_favorite(id, &who.account, favorite)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id, who).await
    }

    /// A dashboard's tags.
    pub async fn tags(&self, who: &AccessCheck, id: &str) -> Result<Vec<String>, DomainError> {
        Ok(customer_tags(&self.get(id, who).await?.record.document))
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

    /// The versions kept of a dashboard id, newest first, and whether the dashboard is in the
    /// trash (a dashboard deleted for good counts as in it). They stay readable after a delete
    /// for good, to those its last ACL let view it.
    pub async fn history(
        &self,
        who: &AccessCheck,
        id: &str,
    ) -> Result<(Vec<SavedVersion>, bool), DomainError> {
        let in_trash = match self.store.dashboard(id).await? {
            Some(_) => self.get(id, who).await?.in_trash,
            None => true,
        };
        let history = self.store.dashboard_history(id).await?;
        if history.versions.is_empty() || !who.may_view(&history.acl) {
            return Err(not_found(id));
        }
        Ok((history.versions, in_trash))
    }

    /// The dashboard as it was at one version: the version's JSON, saved by its user at its
    /// time, with what the dashboard shows now (or, once it is gone, with the oldest version
    /// kept as its creation, in the trash).
    pub async fn version(
        &self,
        who: &AccessCheck,
        id: &str,
        version: u32,
    ) -> Result<DashboardView, DomainError> {
        let (versions, _) = self.history(who, id).await?;
        let old = versions
            .iter()
            .find(|v| v.version == version)
            .cloned()
            .ok_or_else(|| {
                DomainError::NotFound(format!("dashboard '{id}' has no version {version}"))
            })?;
        let mut view = match self.store.dashboard(id).await? {
            Some(_) => self.get(id, who).await?,
            None => {
                let first = versions.last().unwrap_or(&old);
                DashboardView {
                    record: DashboardRecord {
                        id: id.to_owned(),
                        document: Map::new(),
                        version: old.version,
                        created_ms: first.update_time,
                        creator: first.update_user.clone(),
                        updated_ms: old.update_time,
                        updater: old.update_user.clone(),
                        trashed_ms: None,
                        acl: self.store.dashboard_history(id).await?.acl,
                        favorites: Vec::new(),
                    },
                    in_trash: true,
                    favorite: false,
                    can_modify: false,
                }
            }
        };
        view.record.document = old.document;
        view.record.version = old.version;
        view.record.updated_ms = old.update_time;
        view.record.updater = old.update_user;
        Ok(view)
    }
}

#[async_trait]
impl AclObjects for Dashboards<'_> {
    async fn visible_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError> {
        Ok(self.get(id, who).await?.record.acl)
    }

    async fn modifiable_acl(&self, id: &str, who: &AccessCheck) -> Result<Acl, DomainError> {
        Ok(self.modifiable(id, who).await?.record.acl)
    }

    async fn write_acl(&self, id: &str, acl: &Acl) -> Result<(), DomainError> {
        if self.store.set_dashboard_acl(id, acl).await? {
            Ok(())
        } else {
            Err(not_found(id))
        }
    }
}
