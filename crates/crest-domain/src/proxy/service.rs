//! [`Proxies`]: check-ins, the operator's changes, the trash and the forgetting of silent
//! ephemeral proxies, with their rules in one place.

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::proxy::record::{ProxyRecord, ProxyStatus};
use crate::proxy::store::{CheckInFields, ProxyStore};
use crate::trash::{self, Deletion, TrashKind, Whereabouts};

/// An ephemeral proxy silent for this long is forgotten (24 hours, as the product documents).
pub const EPHEMERAL_FORGET_MS: EpochMillis = 24 * 60 * 60 * 1000;
/// The largest configuration or rule set a proxy may save, as JSON.
pub const MAX_SAVED_JSON_BYTES: usize = 1024 * 1024;
/// The longest name, host name, proxy name or version, in characters.
const MAX_TEXT_CHARS: usize = 1_024;

/// A proxy as reads show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyView {
    pub record: ProxyRecord,
    pub in_trash: bool,
    pub status: ProxyStatus,
}

/// Which proxies a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    Live,
    Trash,
}

/// What a proxy says of itself when it checks in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    /// `X-WF-PROXY-ID`.
    pub id: Option<String>,
    pub hostname: Option<String>,
    pub proxyname: Option<String>,
    pub version: Option<String>,
    /// The proxy's clock (`currentMillis`).
    pub current_millis: Option<i64>,
    pub ephemeral: Option<bool>,
}

/// The operator's change to a proxy (`PUT /api/v2/proxy/{id}`); a missing field stays as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyChange {
    pub name: Option<String>,
    pub shutdown: Option<bool>,
    pub truncate: Option<bool>,
}

fn not_found(id: &str) -> DomainError {
    DomainError::NotFound(format!("proxy '{id}' not found"))
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

/// A proxy's id: the UUID of `X-WF-PROXY-ID`, in its canonical lower-case form.
pub(crate) fn proxy_id(id: Option<&str>) -> Result<String, DomainError> {
    let id = id
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .ok_or_else(|| invalid("the X-WF-PROXY-ID header (the proxy's UUID) is required"))?;
    uuid::Uuid::parse_str(id)
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| invalid(format!("X-WF-PROXY-ID '{id}' is not a UUID")))
}

fn text(field: &str, value: Option<String>) -> Result<String, DomainError> {
    let value = value.unwrap_or_default();
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(invalid(format!(
            "{field} is longer than {MAX_TEXT_CHARS} characters"
        )));
    }
    if value.chars().any(char::is_control) {
        return Err(invalid(format!("{field} holds a control character")));
    }
    Ok(value)
}

/// A saved document: a JSON object of at most [`MAX_SAVED_JSON_BYTES`].
fn saved_object(what: &str, body: &serde_json::Value) -> Result<String, DomainError> {
    if !body.is_object() {
        return Err(invalid(format!("the proxy's {what} must be a JSON object")));
    }
    let text = body.to_string();
    if text.len() > MAX_SAVED_JSON_BYTES {
        return Err(invalid(format!(
            "the proxy's {what} is larger than {MAX_SAVED_JSON_BYTES} bytes"
        )));
    }
    Ok(text)
}

/// The operations on proxies, for one store and clock.
#[derive(Debug, Clone, Copy)]
pub struct Proxies<'a> {
    store: &'a dyn ProxyStore,
    clock: &'a dyn Clock,
}

impl<'a> Proxies<'a> {
    pub fn new(store: &'a dyn ProxyStore, clock: &'a dyn Clock) -> Self {
        Self { store, clock }
    }

    pub fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    fn view(record: ProxyRecord, now: EpochMillis) -> Option<ProxyView> {
        let in_trash = match trash::whereabouts(record.trashed_ms, now) {
            Whereabouts::Live => false,
            Whereabouts::InTrash => true,
            Whereabouts::Expired => return None,
        };
        let status = record.status(now);
        Some(ProxyView {
            record,
            in_trash,
            status,
        })
    }

    /// The proxies on one shelf, in id order.
    pub async fn list(&self, shelf: Shelf) -> Result<Vec<ProxyView>, DomainError> {
        let now = self.now();
        Ok(self
            .store
            .proxies()
            .await?
            .into_iter()
            .filter_map(|r| Self::view(r, now))
            .filter(|v| v.in_trash == (shelf == Shelf::Trash))
            .collect())
    }

    /// One proxy, in the trash or not.
    pub async fn get(&self, id: &str) -> Result<ProxyView, DomainError> {
        let now = self.now();
        self.store
            .proxy(id)
            .await?
            .and_then(|r| Self::view(r, now))
            .ok_or_else(|| not_found(id))
    }

    /// Records a check-in by the account `by` and returns the proxy as it now is. A proxy in the
    /// trash stays there (the operator's delete stands) but its check-in is recorded; one removed
    /// for good is created anew.
    pub async fn check_in(&self, by: &str, check_in: CheckIn) -> Result<ProxyView, DomainError> {
        let id = proxy_id(check_in.id.as_deref())?;
        let hostname = text("hostname", check_in.hostname)?;
        let proxyname = text("proxyname", check_in.proxyname)?;
        let version = text("version", check_in.version)?;
        let now = self.now();
        let time_drift_ms = check_in
            .current_millis
            .map_or(0, |theirs| theirs.saturating_sub(now));
        let fields = CheckInFields {
            id,
            proxyname,
            hostname,
            version,
            // The proxy's own default is ephemeral.
            ephemeral: check_in.ephemeral.unwrap_or(true),
            user_id: by.to_owned(),
            now,
            time_drift_ms,
        };
        let record = self.store.check_in_proxy(&fields).await?;
        let id = record.id.clone();
        Self::view(record, now).ok_or_else(|| not_found(&id))
    }

    /// The proxy whose `X-WF-PROXY-ID` a request carries, when it has checked in.
    pub async fn caller(&self, id: Option<&str>) -> Result<Option<ProxyView>, DomainError> {
        let id = proxy_id(id)?;
        let now = self.now();
        Ok(self
            .store
            .proxy(&id)
            .await?
            .and_then(|r| Self::view(r, now)))
    }

    /// The operator's change: a new name, and the shutdown and truncate flags the next check-ins
    /// deliver.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        change: ProxyChange,
    ) -> Result<ProxyView, DomainError> {
        let current = self.get(id).await?;
        if current.in_trash {
            return Err(DomainError::Conflict(format!(
                "proxy '{id}' is in the trash; undelete it first"
            )));
        }
        let name = match change.name {
            None => current.record.name.clone(),
            Some(name) => {
                let name = text("name", Some(name))?;
                if name.trim().is_empty() {
                    return Err(invalid("a proxy's name may not be empty"));
                }
                Some(name)
            }
        };
        let shutdown = change.shutdown.unwrap_or(current.record.shutdown);
        let truncate = change.truncate.unwrap_or(current.record.truncate);
        if !self
            .store
            .update_proxy(id, name.as_deref(), shutdown, truncate, self.now(), by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    /// Moves the proxy to the trash, or removes it for good (with `skip_trash`, or when it is in
    /// the trash already). An active proxy may be deleted: it keeps running (shut it down first
    /// to stop it); its check-ins keep its record current in the trash.
    pub async fn delete(
        &self,
        by: &str,
        id: &str,
        skip_trash: bool,
    ) -> Result<ProxyView, DomainError> {
        let current = self.get(id).await?;
        match trash::deletion(current.in_trash, skip_trash) {
            Deletion::ToTrash => {
                if !self
                    .store
                    .move_to_trash(TrashKind::Proxy, id, self.now(), by)
                    .await?
                {
                    return Err(not_found(id));
                }
                self.get(id).await
            }
            Deletion::ForGood => {
                if !self.store.remove_for_good(TrashKind::Proxy, id).await? {
                    return Err(not_found(id));
                }
                Ok(current)
            }
        }
    }

    /// Brings a proxy back from the trash.
    pub async fn undelete(&self, by: &str, id: &str) -> Result<ProxyView, DomainError> {
        let current = self.get(id).await?;
        if !current.in_trash {
            return Err(invalid(format!("proxy '{id}' is not in the trash")));
        }
        if !self
            .store
            .restore(TrashKind::Proxy, id, self.now(), by)
            .await?
        {
            return Err(not_found(id));
        }
        self.get(id).await
    }

    /// The proxy confirmed the configuration of its last check-in: a truncate it carried is done.
    pub async fn config_processed(&self, id: Option<&str>) -> Result<(), DomainError> {
        let id = proxy_id(id)?;
        self.store.clear_proxy_truncate(&id).await?;
        Ok(())
    }

    /// Keeps the configuration the proxy reports; `false` when the proxy never checked in.
    pub async fn save_config(
        &self,
        id: Option<&str>,
        config: &serde_json::Value,
    ) -> Result<bool, DomainError> {
        let id = proxy_id(id)?;
        let text = saved_object("configuration", config)?;
        Ok(self.store.save_proxy_config(&id, &text).await?)
    }

    /// Keeps the preprocessor rules the proxy reports; `false` when the proxy never checked in.
    pub async fn save_rules(
        &self,
        id: Option<&str>,
        rules: &serde_json::Value,
    ) -> Result<bool, DomainError> {
        let id = proxy_id(id)?;
        let text = saved_object("preprocessor rules", rules)?;
        Ok(self.store.save_proxy_rules(&id, &text).await?)
    }

    /// Forgets ephemeral proxies silent for [`EPHEMERAL_FORGET_MS`]; returns how many.
    pub async fn forget_silent(&self) -> Result<u64, DomainError> {
        let cutoff = self.now().saturating_sub(EPHEMERAL_FORGET_MS);
        Ok(self.store.forget_silent_ephemeral_proxies(cutoff).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_ids_are_canonical_uuids() {
        assert_eq!(
            proxy_id(Some("8D6A1C3E-2B47-4F0A-9C1D-1234567890AB")).ok(),
            Some("8d6a1c3e-2b47-4f0a-9c1d-1234567890ab".to_owned())
        );
        assert!(proxy_id(None).is_err());
        assert!(proxy_id(Some("not-a-uuid")).is_err());
    }

    #[test]
    fn saved_documents_are_bounded_objects() {
        assert!(saved_object("x", &serde_json::json!({"k": "v"})).is_ok());
        assert!(saved_object("x", &serde_json::json!([1])).is_err());
        let big = "a".repeat(MAX_SAVED_JSON_BYTES);
        assert!(saved_object("x", &serde_json::json!({ "k": big })).is_err());
    }

    #[test]
    fn texts_refuse_control_characters_and_excess() {
        assert!(text("hostname", Some("a\nb".into())).is_err());
        assert!(text("hostname", Some("a".repeat(MAX_TEXT_CHARS + 1))).is_err());
        assert_eq!(text("hostname", None).ok(), Some(String::new()));
    }
}
