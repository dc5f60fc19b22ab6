//! Passwords of user accounts: set by an administrator or their owner, checked at sign-in. The
//! Argon2id work runs on blocking threads, never on the async workers, and an unknown or
//! password-less account costs the same verification as a real one.

use std::sync::Arc;

use crest_domain::DomainError;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::audit::AuditEvent;
use crest_domain::authority::{self, Act};
use crest_domain::clock::Clock;
use crest_domain::password::{Password, PasswordHash};
use crest_domain::principal::Principal;
use crest_domain::random::Random;
use crest_domain::store::Store;
use crest_domain::token::TokenDigest;

/// A hash with the same parameters as every stored one, of a password no account has: verified
/// when there is no real hash, so that sign-in takes as long for unknown users.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$Y3Jlc3QtZHVtbXktc2FsdA$hyI6ImuRrmAOmXcqug1jNt0KeK9Ryutx/9VlCPhfNtQ";

/// Why a sign-in failed. Deliberately one answer for every reason.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the email address or the password is wrong")]
    Rejected,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// Setting and checking passwords.
#[derive(Debug, Clone)]
pub struct Passwords {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
}

impl Passwords {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, random: Arc<dyn Random>) -> Self {
        Self {
            store,
            clock,
            random,
        }
    }

    /// Sets a user's password (hashing it off the async workers) and ends the user's browser
    /// sessions: whoever signed in with the old password is signed out.
    /// Only a caller holding everything the user holds may set their password (`authority`).
    pub async fn set(
        &self,
        caller: &Principal,
        account: &AccountRecord,
        password: Password,
    ) -> Result<(), DomainError> {
        authority::may_act_on_account(caller, account, Act::SetPassword)?;
        self.replace(account, password).await
    }

    /// Stores the new password and ends the user's browser sessions.
    async fn replace(
        &self,
        account: &AccountRecord,
        password: Password,
    ) -> Result<(), DomainError> {
        self.store_hash(account, password).await?;
        self.store
            .end_sessions(&account.id, self.clock.now_millis())
            .await?;
        Ok(())
    }

    async fn store_hash(
        &self,
        account: &AccountRecord,
        password: Password,
    ) -> Result<(), DomainError> {
        if account.kind != AccountKind::User {
            return Err(DomainError::Invalid(
                "service accounts authenticate with API tokens, not passwords".into(),
            ));
        }
        let hash = self.hash(password).await?;
        self.store
            .set_password_hash(&account.id, Some(hash.as_str()), self.clock.now_millis())
            .await?;
        Ok(())
    }

    /// Makes `password` the user's password unless it already is (so that a restart with the same
    /// setting changes nothing), as the operator configuring the server. Returns whether it
    /// changed.
    pub async fn ensure(
        &self,
        account: &AccountRecord,
        password: Password,
    ) -> Result<bool, DomainError> {
        if let Some(stored) = self.store.password_hash(&account.id).await? {
            let hash = PasswordHash::from_stored(stored);
            let candidate = password.clone();
            if blocking(move || hash.verify(&candidate)).await? {
                return Ok(false);
            }
        }
        self.set(&Principal::operator(), account, password).await?;
        Ok(true)
    }

    /// Hashes a password on a blocking thread.
    pub async fn hash(&self, password: Password) -> Result<PasswordHash, DomainError> {
        let random = Arc::clone(&self.random);
        blocking(move || PasswordHash::create(&password, random.as_ref())).await?
    }

    /// Checks an email address and password; records the attempt in the audit trail. Only active
    /// user accounts with a password can sign in.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        source: &str,
    ) -> Result<AccountRecord, SignInError> {
        let account = match AccountId::parse(email) {
            Ok(id) => self.store.account(&id).await?,
            Err(_) => None,
        };
        let stored = match &account {
            Some(a) if a.kind == AccountKind::User => self.store.password_hash(&a.id).await?,
            _ => None,
        };
        let usable = account
            .as_ref()
            .is_some_and(|a| a.active && a.kind == AccountKind::User)
            && stored.is_some();
        let hash = PasswordHash::from_stored(stored.unwrap_or_else(|| DUMMY_HASH.to_owned()));
        let matched = match Password::candidate(password) {
            Ok(candidate) => blocking(move || hash.verify(&candidate)).await?,
            Err(_) => false,
        };
        let accepted = usable && matched;
        self.audit(email, source, if accepted { 200 } else { 401 })
            .await?;
        match account {
            Some(a) if accepted => Ok(a),
            _ => Err(SignInError::Rejected),
        }
    }

    /// Changes the caller's own password, given the current one. Every other browser session of
    /// the user ends; the one that made the change (`keep`, when it was made in one) goes on.
    pub async fn change_own(
        &self,
        account: &AccountRecord,
        current: &str,
        new: &str,
        source: &str,
        keep: Option<&TokenDigest>,
    ) -> Result<(), SignInError> {
        let new = Password::new(new)?;
        let account = self.sign_in(account.id.as_str(), current, source).await?;
        match keep {
            Some(keep) => {
                self.store_hash(&account, new).await?;
                self.store.end_other_sessions(&account.id, keep).await?;
            }
            // Knowing the current password is holding the whole account.
            None => self.replace(&account, new).await?,
        }
        Ok(())
    }

    /// Records a sign-in refused before the password was checked (too many failures: 429).
    pub async fn record_throttled(&self, email: &str, source: &str) -> Result<(), DomainError> {
        self.audit(email, source, 429).await
    }

    async fn audit(&self, email: &str, source: &str, outcome: u16) -> Result<(), DomainError> {
        // An address that is not a valid id is still worth recording, cut to a sane length.
        let target: String = email.chars().take(255).collect();
        self.store
            .record_audit(&AuditEvent {
                at_ms: self.clock.now_millis(),
                actor: target.clone(),
                action: "signIn".into(),
                target,
                source: source.to_owned(),
                outcome,
            })
            .await?;
        Ok(())
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, DomainError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DomainError::internal("password work failed", e))
}

impl From<crest_domain::store::StoreError> for SignInError {
    fn from(e: crest_domain::store::StoreError) -> Self {
        Self::Domain(e.into())
    }
}
