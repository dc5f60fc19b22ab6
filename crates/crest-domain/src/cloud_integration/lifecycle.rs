//! [`CloudIntegrations`]: create, read, update, enable and disable integrations, and move them
//! through the trash, with the rules of `prepare` and of the trash applied on every path.

use serde_json::{Map, Value};

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::cloud_integration::external_id::new_external_id;
use crate::cloud_integration::prepare::prepare;
use crate::cloud_integration::settings::IntegrationSettings;
use crate::cloud_integration::store::{
    CloudIntegrationChange, CloudIntegrationRecord, CloudIntegrationStore,
};
use crate::random::Random;
use crate::trash::{self, Deletion, TrashKind, Whereabouts};

/// An integration as reads show it: the server's fields and the settings (secrets included; the
/// reader masks them).
#[derive(Debug, Clone)]
pub struct CloudIntegrationView {
    pub record: CloudIntegrationRecord,
    pub settings: IntegrationSettings,
    pub in_trash: bool,
}

/// Which integrations a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Live,
    Trash,
}

/// The operations on cloud integrations, for one store, clock and random source.
#[derive(Debug, Clone, Copy)]
pub struct CloudIntegrations<'a> {
    store: &'a dyn CloudIntegrationStore,
    clock: &'a dyn Clock,
    random: &'a dyn Random,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("cloud integration '{id}' not found"))
}

impl<'a> CloudIntegrations<'a> {
    pub fn new(
        store: &'a dyn CloudIntegrationStore,
        clock: &'a dyn Clock,
        random: &'a dyn Random,
    ) -> Self {
        Self {
            store,
            clock,
            random,
        }
    }

    fn view(
        record: CloudIntegrationRecord,
        now: EpochMillis,
    ) -> Option<Result<CloudIntegrationView, DomainError>> {
        let in_trash = match trash::whereabouts(record.trashed_ms, now) {
            Whereabouts::Live => false,
            Whereabouts::InTrash => true,
            Whereabouts::Expired => return None,
        };
        Some(
            IntegrationSettings::from_stored(&record.settings)
                .map_err(DomainError::from)
                .map(|settings| CloudIntegrationView {
                    record,
                    settings,
                    in_trash,
                }),
        )
    }

    /// The integrations on one shelf, oldest first.
    pub async fn list(&self, shelf: Shelf) -> Result<Vec<CloudIntegrationView>, DomainError> {
        let now = self.clock.now_millis();
        self.store
            .cloud_integrations()
            .await?
            .into_iter()
            .filter_map(|r| Self::view(r, now))
            .filter(|v| {
                v.as_ref()
                    .map_or(true, |v| v.in_trash == (shelf == Shelf::Trash))
            })
            .collect()
    }

    /// One integration, in the trash or not.
    pub async fn get(&self, id: &str) -> Result<CloudIntegrationView, DomainError> {
        let now = self.clock.now_millis();
        let record = self
            .store
            .cloud_integration(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        Self::view(record, now).ok_or_else(|| not_found(id))?
    }

    pub async fn create(
        &self,
        by: &str,
        input: Map<String, Value>,
    ) -> Result<CloudIntegrationView, DomainError> {
        let settings = prepare(input, None)?;
        let now = self.clock.now_millis();
        let record = CloudIntegrationRecord {
            id: self.random.uuid()?.hyphenated().to_string(),
            name: settings.name.clone(),
            service: settings.service.as_str().to_owned(),
            settings: settings.to_stored(),
            disabled: false,
            created_ms: now,
            creator: by.to_owned(),
            updated_ms: now,
            updater: by.to_owned(),
            trashed_ms: None,
        };
        self.store.create_cloud_integration(&record).await?;
        Ok(CloudIntegrationView {
            record,
            settings,
            in_trash: false,
        })
    }

    /// Replaces an integration's settings; secrets sent back as a keep-value stay as stored.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        input: Map<String, Value>,
    ) -> Result<CloudIntegrationView, DomainError> {
        let current = self.live(id).await?;
        let settings = prepare(input, Some(&current.settings))?;
        let change = CloudIntegrationChange {
            name: settings.name.clone(),
            service: settings.service.as_str().to_owned(),
            settings: settings.to_stored(),
        };
        let now = self.clock.now_millis();
        if !self
            .store
            .update_cloud_integration(id, &change, now, by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    pub async fn set_disabled(
        &self,
        by: &str,
        id: &str,
        disabled: bool,
    ) -> Result<CloudIntegrationView, DomainError> {
        self.live(id).await?;
        let now = self.clock.now_millis();
        if !self
            .store
            .set_cloud_integration_disabled(id, disabled, now, by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    /// Moves the integration to the trash, or removes it for good (with `skip_trash`, or when it
    /// is in the trash already). Returns the integration as the delete left it.
    pub async fn delete(
        &self,
        by: &str,
        id: &str,
        skip_trash: bool,
    ) -> Result<CloudIntegrationView, DomainError> {
        let current = self.get(id).await?;
        match trash::deletion(current.in_trash, skip_trash) {
            Deletion::ToTrash => {
                let now = self.clock.now_millis();
                if !self
                    .store
                    .move_to_trash(TrashKind::CloudIntegration, id, now, by)
                    .await?
                {
                    return Err(not_found(id));
                }
                self.get(id).await
            }
            Deletion::ForGood => {
                if !self
                    .store
                    .remove_for_good(TrashKind::CloudIntegration, id)
                    .await?
                {
                    return Err(not_found(id));
                }
                Ok(current)
            }
        }
    }

    /// Brings an integration back from the trash.
    pub async fn undelete(&self, by: &str, id: &str) -> Result<CloudIntegrationView, DomainError> {
        let current = self.get(id).await?;
        if !current.in_trash {
            return Err(DomainError::Invalid(format!(
                "cloud integration '{id}' is not in the trash"
            )));
        }
        let now = self.clock.now_millis();
        if !self
            .store
            .restore(TrashKind::CloudIntegration, id, now, by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    /// An integration that is not in the trash: the ones that may change.
    async fn live(&self, id: &str) -> Result<CloudIntegrationView, DomainError> {
        let current = self.get(id).await?;
        if current.in_trash {
            return Err(DomainError::Conflict(format!(
                "cloud integration '{id}' is in the trash; undelete it first"
            )));
        }
        Ok(current)
    }

    /// A new AWS external id, kept until deleted.
    pub async fn create_external_id(&self, by: &str) -> Result<String, DomainError> {
        let id = new_external_id(self.random)?;
        let now = self.clock.now_millis();
        self.store.create_aws_external_id(&id, now, by).await?;
        Ok(id)
    }

    /// Confirms an external id this server made.
    pub async fn external_id(&self, id: &str) -> Result<String, DomainError> {
        if self.store.aws_external_id_exists(id).await? {
            Ok(id.to_owned())
        } else {
            Err(DomainError::NotFound(format!(
                "external id '{id}' not found"
            )))
        }
    }

    pub async fn delete_external_id(&self, id: &str) -> Result<String, DomainError> {
        if self.store.delete_aws_external_id(id).await? {
            Ok(id.to_owned())
        } else {
            Err(DomainError::NotFound(format!(
                "external id '{id}' not found"
            )))
        }
    }
}
