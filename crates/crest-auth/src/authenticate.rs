//! Turns a credential into a principal: the one place where that happens.

use std::sync::Arc;

use crest_domain::account::AccountKind;
use crest_domain::clock::Clock;
use crest_domain::csp::subscription::Subscription;
use crest_domain::principal::Principal;
use crest_domain::session::SessionSecret;
use crest_domain::store::{Store, StoreError};
use crest_domain::token::{TokenDigest, TokenId};
use sha2::{Digest, Sha256};

use crate::account_pages::AccountPages;
use crate::cache::TokenCache;
use crate::credential::{AccessToken, Credential};
use crate::csp::verify::AccessVerifier;
use crate::notifying_store::NotifyingStore;
use crate::usage::{UsageRecorder, UsageWriter};

/// Why a credential does not authenticate anyone.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown, or belonging to an inactive account: all look the same to the caller.
    #[error("the credential is not valid")]
    Invalid,
    /// A revoked token: the caller sees `Invalid`; the audit trail records who still uses it.
    #[error("the credential is not valid")]
    Revoked { account: String, token: TokenId },
    /// A valid access token that carries no service role.
    #[error("User has no access to service")]
    NoServiceAccess,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Resolves credentials against the store.
#[derive(Debug, Clone)]
pub struct Authenticator {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    cache: Arc<TokenCache>,
    pages: Arc<AccountPages>,
    usage: UsageRecorder,
    access: Option<AccessVerifier>,
    subscription: Subscription,
}

impl Authenticator {
    /// An authenticator, and the writer of token usage that the caller runs as a task.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> (Self, UsageWriter) {
        let (usage, writer) = UsageRecorder::new(store.clone());
        let this = Self {
            store,
            clock,
            cache: Arc::new(TokenCache::default()),
            pages: Arc::default(),
            usage,
            access: None,
            subscription: Subscription::default(),
        };
        (this, writer)
    }

    /// Serves this subscription mode (hybrid by default).
    #[must_use]
    pub fn with_subscription(mut self, subscription: Subscription) -> Self {
        self.subscription = subscription;
        self
    }

    /// Also accepts the access tokens this verifier checks (unless the mode is original).
    #[must_use]
    pub fn with_access_tokens(mut self, verifier: AccessVerifier) -> Self {
        self.access = Some(verifier);
        self
    }

    /// The store for everything else: its writes make this authenticator forget what it
    /// verified, so every change holds for the next request.
    pub fn store_for_writes(&self) -> NotifyingStore {
        NotifyingStore::new(
            self.store.clone(),
            self.cache.clone(),
            self.pages.clone(),
            self.clock.clone(),
        )
    }

    /// The principal the credential stands for, with the permissions its account holds now.
    #[tracing::instrument(level = "debug", skip_all, err(level = "debug"))]
    pub async fn authenticate(&self, credential: &Credential) -> Result<Principal, AuthError> {
        match credential {
            Credential::ApiToken(secret) => {
                let digest = secret.digest();
                let now = self.clock.now_millis();
                if let Some(principal) = self.cache.get(&digest, now) {
                    self.note_use(&principal, now);
                    return Ok(principal);
                }
                let generation = self.cache.generation();
                let owner = self
                    .store
                    .token_owner(&digest)
                    .await?
                    .ok_or(AuthError::Invalid)?;
                // The store looked the token up by its digest; compare again in constant time so
                // that no code path ever branches on a partial match of secret material.
                if owner.digest != digest {
                    return Err(AuthError::Invalid);
                }
                if owner.revoked {
                    return Err(AuthError::Revoked {
                        account: owner.account.id.to_string(),
                        token: owner.token_id,
                    });
                }
                if !owner.account.active {
                    return Err(AuthError::Invalid);
                }
                let principal = Principal {
                    permissions: self.subscription.api_token_permissions(
                        owner.account.kind,
                        owner.account.effective_permissions(),
                    ),
                    kind: owner.account.kind,
                    super_admin: owner.account.super_admin,
                    super_admin_mode_off: false,
                    account: owner.account.id,
                    token: Some(owner.token_id),
                };
                self.cache.put(&digest, principal.clone(), now, generation);
                self.note_use(&principal, now);
                Ok(principal)
            }
            Credential::AccessToken(jwt) => self.authenticate_access_token(jwt).await,
            Credential::Session(secret) => self.authenticate_session(secret).await,
        }
    }

    /// A browser session: live (neither idle nor too old), of an active user. Its use is recorded
    /// at most once a minute. Super Admin powers need the session's Super Admin mode.
    async fn authenticate_session(&self, secret: &SessionSecret) -> Result<Principal, AuthError> {
        let now = self.clock.now_millis();
        let session = crate::session::live(self.store.as_ref(), secret, now)
            .await?
            .ok_or(AuthError::Invalid)?;
        let account = self
            .store
            .account(&session.account)
            .await?
            .ok_or(AuthError::Invalid)?;
        if !account.active || account.kind != AccountKind::User {
            return Err(AuthError::Invalid);
        }
        if session.needs_touch(now) {
            self.store.touch_session(&session.digest, now).await?;
        }
        Ok(Principal {
            permissions: account.effective_permissions(),
            kind: account.kind,
            super_admin: account.super_admin && session.super_admin_mode,
            super_admin_mode_off: account.super_admin && !session.super_admin_mode,
            account: account.id,
            token: None,
        })
    }

    /// An access token: verified once, then served from the cache (keyed by its digest) for at
    /// most a second, or until any write through this instance's store.
    async fn authenticate_access_token(&self, jwt: &AccessToken) -> Result<Principal, AuthError> {
        if !self.subscription.accepts_access_tokens() {
            return Err(AuthError::Invalid);
        }
        let verifier = self.access.as_ref().ok_or(AuthError::Invalid)?;
        let digest = TokenDigest::from_bytes(Sha256::digest(jwt.reveal().as_bytes()).into());
        let now = self.clock.now_millis();
        if let Some(principal) = self.cache.get(&digest, now) {
            return Ok(principal);
        }
        let generation = self.cache.generation();
        let principal = verifier.verify(jwt.reveal()).await?;
        self.cache.put(&digest, principal.clone(), now, generation);
        Ok(principal)
    }

    fn note_use(&self, principal: &Principal, now: i64) {
        if let Some(token) = principal.token {
            self.usage.note(token, now);
        }
    }
}
