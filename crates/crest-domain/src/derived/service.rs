//! [`DerivedMetrics`]: creation, changes, versions, trash and tags of derived metrics, with their
//! rules in one place; and what reads show of one ([`DerivedView`]).

use serde_json::{Map, Value};

use crate::DomainError;
use crate::alert::AclEdit;
use crate::clock::{Clock, EpochMillis};
use crate::customer_tags::{customer_tags, retag};
use crate::derived::record::DerivedRecord;
use crate::derived::rules::normalize;
use crate::derived::store::DerivedMetricStore;
use crate::trash::{self, Deletion, TrashKind, Whereabouts};
use crate::version_log::SavedVersion;

/// How many later ids a create tries when its creation millisecond is taken.
const ID_ATTEMPTS: i64 = 1_000;

/// A derived metric as reads show it.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedView {
    pub record: DerivedRecord,
    pub in_trash: bool,
    /// `status`: `TRASH` in the trash, else what the runner last found (`ACTIVE` before it ran).
    pub status: Vec<String>,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("derived metric '{id}' not found"))
}

fn view(record: DerivedRecord, now: EpochMillis) -> Option<DerivedView> {
    let in_trash = match trash::whereabouts(record.trashed_ms, now) {
        Whereabouts::Live => false,
        Whereabouts::InTrash => true,
        Whereabouts::Expired => return None,
    };
    let status = if in_trash {
        "TRASH"
    } else {
        record.runtime.state.map_or("ACTIVE", |s| s.as_str())
    };
    Some(DerivedView {
        status: vec![status.to_owned()],
        record,
        in_trash,
    })
}

/// The operations on derived metrics, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct DerivedMetrics<'a> {
    store: &'a dyn DerivedMetricStore,
    clock: &'a dyn Clock,
}

impl<'a> DerivedMetrics<'a> {
    pub fn new(store: &'a dyn DerivedMetricStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    /// The derived metrics in the trash (`trash`) or out of it, in id order.
    pub async fn list(&self, trash: bool) -> Result<Vec<DerivedView>, DomainError> {
        let now = self.now();
        Ok(self
            .store
            .derived_metrics()
            .await?
            .into_iter()
            .filter_map(|r| view(r, now))
            .filter(|v| v.in_trash == trash)
            .collect())
    }

    /// One derived metric, in the trash or not.
    pub async fn get(&self, id: &str) -> Result<DerivedView, DomainError> {
        let record = self
            .store
            .derived_metric(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        view(record, self.now()).ok_or_else(|| not_found(id))
    }

    async fn live(&self, id: &str) -> Result<DerivedView, DomainError> {
        let current = self.get(id).await?;
        if current.in_trash {
            return Err(DomainError::Conflict(format!(
                "derived metric '{id}' is in the trash; undelete it first"
            )));
        }
        Ok(current)
    }

    /// Creates a derived metric from a client's definition (see [`normalize`]).
    pub async fn create(
        &self,
        by: &str,
        document: Map<String, Value>,
    ) -> Result<DerivedView, DomainError> {
        let document = normalize(document)?;
        let now = self.now();
        for bump in 0..ID_ATTEMPTS {
            let id = format!("{:013}", now.saturating_add(bump));
            let record = DerivedRecord {
                id: id.clone(),
                document: document.clone(),
                version: 1,
                created_ms: now,
                creator: by.to_owned(),
                updated_ms: now,
                updater: by.to_owned(),
                trashed_ms: None,
                runtime: Default::default(),
            };
            if self
                .store
                .create_derived_metric(&record, "Derived metric created")
                .await?
            {
                return self.get(&id).await;
            }
        }
        Err(DomainError::Conflict(
            "no free derived metric id near the current time; try again".into(),
        ))
    }

    /// Replaces a derived metric's definition with a client's (a new version).
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        document: Map<String, Value>,
    ) -> Result<DerivedView, DomainError> {
        self.live(id).await?;
        let document = normalize(document)?;
        self.save(by, id, &document, "Derived metric updated").await
    }

    async fn save(
        &self,
        by: &str,
        id: &str,
        document: &Map<String, Value>,
        change: &str,
    ) -> Result<DerivedView, DomainError> {
        self.store
            .save_derived_metric(id, document, self.now(), by, change)
            .await?
            .ok_or_else(|| not_found(id))?;
        self.get(id).await
    }

    /// Moves the derived metric to the trash, or removes it for good (with `skip_trash`, or when
    /// it is in the trash already).
    pub async fn delete(
        &self,
        by: &str,
        id: &str,
        skip_trash: bool,
    ) -> Result<DerivedView, DomainError> {
        let current = self.get(id).await?;
        let deletion = trash::delete(
            self.store,
            TrashKind::DerivedMetric,
            id,
            current.in_trash,
            skip_trash,
            self.now(),
            by,
        )
        .await?;
        match deletion.ok_or_else(|| not_found(id))? {
            Deletion::ToTrash => self.get(id).await,
            Deletion::ForGood => Ok(DerivedView {
                status: vec!["TRASH".into()],
                in_trash: true,
                ..current
            }),
        }
    }

    /// Brings a derived metric back from the trash.
    pub async fn undelete(&self, by: &str, id: &str) -> Result<DerivedView, DomainError> {
        let current = self.get(id).await?;
        if !current.in_trash {
            return Err(DomainError::Invalid(format!(
                "derived metric '{id}' is not in the trash"
            )));
        }
        if !self
            .store
            .restore(TrashKind::DerivedMetric, id, self.now(), by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    /// A derived metric's tags.
    pub async fn tags(&self, id: &str) -> Result<Vec<String>, DomainError> {
        Ok(customer_tags(&self.get(id).await?.record.document))
    }

    /// Adds, removes or replaces tags (a new version when they change).
    pub async fn edit_tags(
        &self,
        by: &str,
        id: &str,
        edit: AclEdit,
        tags: &[String],
    ) -> Result<Vec<String>, DomainError> {
        let current = self.live(id).await?;
        let retagged = retag(&current.record.document, edit, tags)?;
        if let Some(document) = retagged.changed {
            self.save(by, id, &document, "Tags changed").await?;
        }
        Ok(retagged.tags)
    }

    /// The versions kept of a derived metric, newest first.
    pub async fn history(&self, id: &str) -> Result<Vec<SavedVersion>, DomainError> {
        self.get(id).await?;
        Ok(self.store.derived_metric_history(id).await?)
    }

    /// One version of a derived metric.
    pub async fn version(&self, id: &str, version: u32) -> Result<SavedVersion, DomainError> {
        self.history(id)
            .await?
            .into_iter()
            .find(|v| v.version == version)
            .ok_or_else(|| {
                DomainError::NotFound(format!("derived metric '{id}' has no version {version}"))
            })
    }
}
