//! [`Notificants`]: creating, changing, deleting and listing alert targets, through the
//! Notificant API or its legacy Webhook alias (which sees WEBHOOK targets only).

use crate::DomainError;
use crate::clock::{Clock, EpochMillis};
use crate::notificant::links::TargetLinks;
use crate::notificant::record::{Method, NotificantRecord};
use crate::notificant::rules::{NotificantInput, check, new_id};
use crate::notificant::store::NotificantStore;
use crate::random::Random;

/// How many fresh ids a create tries before it gives up.
const MAX_ID_ATTEMPTS: u32 = 8;

/// Which targets an API sees: the Notificant API all of them, the Webhook API its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    All,
    Webhooks,
}

impl Listing {
    fn shows(self, record: &NotificantRecord) -> bool {
        match self {
            Self::All => true,
            Self::Webhooks => record.method == Method::Webhook,
        }
    }
}

fn not_found(id: &str, listing: Listing) -> DomainError {
    match listing {
        Listing::All => DomainError::NotFound(format!("notification target '{id}' not found")),
        Listing::Webhooks => DomainError::NotFound(format!("webhook '{id}' not found")),
    }
}

/// The operations on alert targets.
#[derive(Debug, Clone, Copy)]
pub struct Notificants<'a> {
    store: &'a dyn NotificantStore,
    clock: &'a dyn Clock,
    random: &'a dyn Random,
    links: &'a dyn TargetLinks,
}

impl<'a> Notificants<'a> {
    pub fn new(
        store: &'a dyn NotificantStore,
        clock: &'a dyn Clock,
        random: &'a dyn Random,
        links: &'a dyn TargetLinks,
    ) -> Self {
        Self {
            store,
            clock,
            random,
            links,
        }
    }

    pub fn now(&self) -> EpochMillis {
        self.clock.now_millis()
    }

    /// The targets an API sees, in id order.
    pub async fn list(&self, listing: Listing) -> Result<Vec<NotificantRecord>, DomainError> {
        Ok(self
            .store
            .notificants()
            .await?
            .into_iter()
            .filter(|r| listing.shows(r))
            .collect())
    }

    pub async fn get(&self, id: &str, listing: Listing) -> Result<NotificantRecord, DomainError> {
        self.store
            .notificant(id)
            .await?
            .filter(|r| listing.shows(r))
            .ok_or_else(|| not_found(id, listing))
    }

    /// The Webhook API's inputs name no method, or WEBHOOK.
    fn restrict(
        mut input: NotificantInput,
        listing: Listing,
    ) -> Result<NotificantInput, DomainError> {
        if listing == Listing::Webhooks {
            match input.method.as_deref().map(Method::parse) {
                None => input.method = Some(Method::Webhook.as_str().to_owned()),
                Some(Some(Method::Webhook)) => {}
                Some(_) => {
                    return Err(DomainError::Invalid(
                        "the Webhook API manages WEBHOOK targets only: use /api/v2/notificant"
                            .to_owned(),
                    ));
                }
            }
        }
        Ok(input)
    }

    pub async fn create(
        &self,
        by: &str,
        input: NotificantInput,
        listing: Listing,
    ) -> Result<NotificantRecord, DomainError> {
        let c = check(Self::restrict(input, listing)?)?;
        let now = self.now();
        let mut record = c.into_record(String::new(), now, by, now, by);
        for _ in 0..MAX_ID_ATTEMPTS {
            record.id = new_id(self.random)?;
            if self.store.create_notificant(&record).await? {
                return Ok(record);
            }
        }
        Err(DomainError::Conflict(
            "no free id for a new notification target".to_owned(),
        ))
    }

    /// Replaces every field a client sets; the id, creator and creation time stay.
    pub async fn update(
        &self,
        by: &str,
        id: &str,
        input: NotificantInput,
        listing: Listing,
    ) -> Result<NotificantRecord, DomainError> {
        let current = self.get(id, listing).await?;
        let c = check(Self::restrict(input, listing)?)?;
        let record = c.into_record(
            current.id,
            current.created_ms,
            &current.creator,
            self.now(),
            by,
        );
        if !self.store.update_notificant(&record).await? {
            return Err(not_found(id, listing));
        }
        Ok(record)
    }

    /// Deletes a target. One that alerts name is refused unless `unlink`, which first removes
    /// it from those alerts.
    pub async fn delete(
        &self,
        by: &str,
        id: &str,
        unlink: bool,
        listing: Listing,
    ) -> Result<NotificantRecord, DomainError> {
        let current = self.get(id, listing).await?;
        if unlink {
            self.links.unlink(id, by).await?;
        } else {
            let users = self.links.alerts_using(id).await?;
            if !users.is_empty() {
                return Err(DomainError::Conflict(format!(
                    "notification target '{id}' is in use by {} alert(s) ({}): delete with unlink=true to remove it from them",
                    users.len(),
                    users.join(", ")
                )));
            }
        }
        if !self.store.delete_notificant(id).await? {
            return Err(not_found(id, listing));
        }
        Ok(current)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Mutex;

    use async_trait::async_trait;

    use super::*;
    use crate::clock::ManualClock;
    use crate::random::SequenceRandom;
    use crate::store::StoreError;

    #[derive(Debug, Default)]
    struct Memory(Mutex<BTreeMap<String, NotificantRecord>>);

    #[async_trait]
    impl NotificantStore for Memory {
        async fn notificant(&self, id: &str) -> Result<Option<NotificantRecord>, StoreError> {
            Ok(self.0.lock().expect("lock").get(id).cloned())
        }
        async fn notificants(&self) -> Result<Vec<NotificantRecord>, StoreError> {
            Ok(self.0.lock().expect("lock").values().cloned().collect())
        }
        async fn create_notificant(&self, r: &NotificantRecord) -> Result<bool, StoreError> {
            let mut m = self.0.lock().expect("lock");
            if m.contains_key(&r.id) {
                return Ok(false);
            }
            m.insert(r.id.clone(), r.clone());
            Ok(true)
        }
        async fn update_notificant(&self, r: &NotificantRecord) -> Result<bool, StoreError> {
            let mut m = self.0.lock().expect("lock");
            Ok(m.insert(r.id.clone(), r.clone()).is_some())
        }
        async fn delete_notificant(&self, id: &str) -> Result<bool, StoreError> {
            Ok(self.0.lock().expect("lock").remove(id).is_some())
        }
    }

    /// Alerts as `id → target` strings; unlink edits them as the alert code would.
    #[derive(Debug, Default)]
    struct Alerts(Mutex<BTreeMap<String, String>>);

    #[async_trait]
    impl TargetLinks for Alerts {
        async fn alerts_using(&self, id: &str) -> Result<Vec<String>, DomainError> {
            let needle = format!("target:{id}");
            Ok(self
                .0
                .lock()
                .expect("lock")
                .iter()
                .filter(|(_, t)| t.split(',').any(|p| p.trim() == needle))
                .map(|(a, _)| a.clone())
                .collect())
        }
        async fn unlink(&self, id: &str, _by: &str) -> Result<u64, DomainError> {
            let needle = format!("target:{id}");
            let mut changed = 0;
            for target in self.0.lock().expect("lock").values_mut() {
                let kept: Vec<&str> = target.split(',').filter(|p| p.trim() != needle).collect();
                let joined = kept.join(",");
                if joined != *target {
                    *target = joined;
                    changed += 1;
                }
            }
            Ok(changed)
        }
    }

    fn input(method: &str, recipient: &str) -> NotificantInput {
        NotificantInput {
            title: Some("t".into()),
            description: Some("d".into()),
            method: Some(method.into()),
            recipient: Some(recipient.into()),
            template: Some("{{reason}}".into()),
            triggers: Some(vec!["ALERT_OPENED".into()]),
            ..NotificantInput::default()
        }
    }

    #[tokio::test]
    async fn a_target_in_use_is_deleted_only_with_unlink() {
        let store = Memory::default();
        let alerts = Alerts::default();
        let clock = ManualClock::new(1_700_000_000_000);
        let random = SequenceRandom::new(3);
        let n = Notificants::new(&store, &clock, &random, &alerts);
        let t = n
            .create("u", input("WEBHOOK", "https://h.example/x"), Listing::All)
            .await
            .expect("created");
        alerts
            .0
            .lock()
            .expect("lock")
            .insert("1".into(), format!("a@example.com,target:{}", t.id));
        assert!(matches!(
            n.delete("u", &t.id, false, Listing::All).await,
            Err(DomainError::Conflict(_))
        ));
        assert!(n.get(&t.id, Listing::All).await.is_ok());
        n.delete("u", &t.id, true, Listing::All)
            .await
            .expect("deleted");
        assert!(matches!(
            n.get(&t.id, Listing::All).await,
            Err(DomainError::NotFound(_))
        ));
        assert_eq!(
            alerts.0.lock().expect("lock").get("1").map(String::as_str),
            Some("a@example.com")
        );
    }

    #[tokio::test]
    async fn the_webhook_api_sees_webhooks_only() {
        let store = Memory::default();
        let clock = ManualClock::new(1);
        let random = SequenceRandom::new(5);
        let n = Notificants::new(&store, &clock, &random, &crate::notificant::NoAlerts);
        let mail = n
            .create("u", input("EMAIL", "a@example.com"), Listing::All)
            .await
            .expect("created");
        assert!(
            n.create("u", input("EMAIL", "a@example.com"), Listing::Webhooks)
                .await
                .is_err()
        );
        let mut hook = input("WEBHOOK", "https://h.example/x");
        hook.method = None;
        let hook = n
            .create("u", hook, Listing::Webhooks)
            .await
            .expect("created");
        assert_eq!(hook.method, Method::Webhook);
        assert!(n.get(&mail.id, Listing::Webhooks).await.is_err());
        assert_eq!(n.list(Listing::Webhooks).await.expect("list").len(), 1);
        assert_eq!(n.list(Listing::All).await.expect("list").len(), 2);
        let changed = n
            .update(
                "v",
                &hook.id,
                input("WEBHOOK", "https://h.example/y"),
                Listing::Webhooks,
            )
            .await
            .expect("updated");
        assert_eq!(changed.recipient, "https://h.example/y");
        assert_eq!(changed.creator, "u");
        assert_eq!(changed.updater, "v");
    }
}
