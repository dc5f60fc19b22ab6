//! Starting and ending browser sessions. A session starts only after a password check
//! ([`crate::password::Passwords::sign_in`]); requests then authenticate with it through the
//! [`crate::Authenticator`], like any other credential.

use std::sync::Arc;

use crest_domain::account::{AccountId, AccountRecord};
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::error::DomainError;
use crest_domain::random::Random;
use crest_domain::session::{ABSOLUTE_TIMEOUT_MS, IDLE_TIMEOUT_MS, SessionRecord, SessionSecret};
use crest_domain::store::{SessionStore, Store, StoreError};

/// The session behind a secret if it is live at `now`: looked up by digest, the digest compared
/// again in constant time, neither idle nor too old. Authentication and [`Sessions`] both ask here.
pub(crate) async fn live(
    store: &dyn SessionStore,
    secret: &SessionSecret,
    now: EpochMillis,
) -> Result<Option<SessionRecord>, StoreError> {
    let digest = secret.digest();
    Ok(store
        .session(&digest)
        .await?
        .filter(|s| s.digest == digest && s.is_live(now)))
}

/// The sessions of this organization.
#[derive(Debug, Clone)]
pub struct Sessions {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
}

impl Sessions {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, random: Arc<dyn Random>) -> Self {
        Self {
            store,
            clock,
            random,
        }
    }

    /// A new session for an account whose password was just checked. Super Admin mode starts off.
    pub async fn start(
        &self,
        account: &AccountRecord,
    ) -> Result<(SessionSecret, SessionRecord), DomainError> {
        let secret = SessionSecret::generate(self.random.as_ref())?;
        let now = self.clock.now_millis();
        let record = SessionRecord {
            digest: secret.digest(),
            account: account.id.clone(),
            created_ms: now,
            seen_ms: now,
            super_admin_mode: false,
        };
        self.store.create_session(&record).await?;
        Ok((secret, record))
    }

    /// The live session behind a secret, if there is one.
    pub async fn current(
        &self,
        secret: &SessionSecret,
    ) -> Result<Option<SessionRecord>, DomainError> {
        Ok(live(self.store.as_ref(), secret, self.clock.now_millis()).await?)
    }

    /// Signs this session out.
    pub async fn end(&self, secret: &SessionSecret) -> Result<(), DomainError> {
        self.store.delete_session(&secret.digest()).await?;
        Ok(())
    }

    /// Signs every session of the account out.
    pub async fn end_everywhere(&self, account: &AccountId) -> Result<(), DomainError> {
        self.store
            .end_sessions(account, self.clock.now_millis())
            .await?;
        Ok(())
    }

    /// Switches Super Admin mode of a session of a Super Admin.
    pub async fn set_super_admin_mode(
        &self,
        secret: &SessionSecret,
        account: &AccountRecord,
        on: bool,
    ) -> Result<Option<SessionRecord>, DomainError> {
        if on && !account.super_admin {
            return Err(DomainError::Forbidden(format!(
                "{} is not a Super Admin",
                account.id
            )));
        }
        let Some(mut session) = self.current(secret).await? else {
            return Ok(None);
        };
        self.store
            .set_session_super_admin_mode(&session.digest, on)
            .await?;
        session.super_admin_mode = on;
        Ok(Some(session))
    }

    /// Forgets sessions that expired (the hourly sweep); returns how many.
    pub async fn purge_expired(&self) -> Result<u64, DomainError> {
        let now = self.clock.now_millis();
        Ok(self
            .store
            .purge_sessions(now - IDLE_TIMEOUT_MS, now - ABSOLUTE_TIMEOUT_MS)
            .await?)
    }
}
