//! The store as request handlers see it: every successful write forgets the verified tokens, so a
//! change (a revoked token, a removed permission, a deactivated account) holds for every request
//! that starts after the write returns.

use std::sync::Arc;

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::audit::{AuditEvent, AuditRecord};
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::group::{GroupRecord, NewGroup};
use crest_domain::permission::Permission;
use crest_domain::role::{NewRole, RoleChange, RoleRecord};
use crest_domain::session::SessionRecord;
use crest_domain::store::{
    AccountChange, AccountPage, BootstrapApplied, BootstrapPlan, NewAccount, NewToken, Store,
    StoreError, TokenCreated, TokenOwner,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

use crate::account_pages::AccountPages;
use crate::cache::TokenCache;

/// Wraps a store; invalidates the token cache (and with it the account list's cached pages)
/// after each write.
#[derive(Debug, Clone)]
pub struct NotifyingStore {
    inner: Arc<dyn Store>,
    cache: Arc<TokenCache>,
    /// Pages of the account list, valid while `cache`'s generation holds (at most 1 s).
    pages: Arc<AccountPages>,
    clock: Arc<dyn Clock>,
}

impl NotifyingStore {
    pub(crate) fn new(
        inner: Arc<dyn Store>,
        cache: Arc<TokenCache>,
        pages: Arc<AccountPages>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            inner,
            cache,
            pages,
            clock,
        }
    }

    fn after<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        // Even a failed write may have changed something before it failed: forget either way.
        self.cache.invalidate_all();
        result
    }
}

#[async_trait]
impl Store for NotifyingStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        self.inner.token_owner(digest).await
    }

    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        let r = self.inner.apply_bootstrap(plan).await;
        self.after(r)
    }

    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError> {
        let (now, generation) = (self.clock.now_millis(), self.cache.generation());
        if let Some(page) = self.pages.get(offset, limit, now, generation) {
            return Ok(page);
        }
        let page = self.inner.list_accounts(offset, limit).await?;
        self.pages.put(offset, limit, &page, now, generation);
        Ok(page)
    }

    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError> {
        self.inner.accounts_of_kind(kind).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        self.inner.account(id).await
    }

    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError> {
        let r = self.inner.create_account(account).await;
        self.after(r)
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let r = self.inner.update_account(id, change, now).await;
        self.after(r)
    }

    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let r = self
            .inner
            .set_permission(id, permission, granted, now)
            .await;
        self.after(r)
    }

    async fn delete_account(&self, id: &AccountId) -> Result<bool, StoreError> {
        let r = self.inner.delete_account(id).await;
        self.after(r)
    }

    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.inner.set_password_hash(id, hash, now).await
    }

    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError> {
        self.inner.password_hash(id).await
    }

    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError> {
        self.inner.end_sessions(id, now).await
    }

    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError> {
        self.inner.sessions_ended(id).await
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.inner.create_session(session).await
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.session(digest).await
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<(), StoreError> {
        self.inner.touch_session(digest, now).await
    }

    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError> {
        self.inner.set_session_super_admin_mode(digest, on).await
    }

    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.inner.end_other_sessions(id, keep).await
    }

    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError> {
        self.inner.delete_session(digest).await
    }

    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError> {
        self.inner.purge_sessions(idle_before, started_before).await
    }

    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError> {
        self.inner.org_id_or_init(candidate).await
    }

    async fn signing_keys(
        &self,
    ) -> Result<Vec<crest_domain::csp::signing_key::SigningKeyRecord>, StoreError> {
        self.inner.signing_keys().await
    }

    async fn add_signing_key(
        &self,
        key: &crest_domain::csp::signing_key::SigningKeyRecord,
    ) -> Result<(), StoreError> {
        self.inner.add_signing_key(key).await
    }

    async fn create_csp_app(
        &self,
        app: &crest_domain::csp::app::CspAppRecord,
    ) -> Result<(), StoreError> {
        self.inner.create_csp_app(app).await
    }

    async fn csp_app(
        &self,
        id: &str,
    ) -> Result<Option<crest_domain::csp::app::CspAppRecord>, StoreError> {
        self.inner.csp_app(id).await
    }

    async fn create_csp_token(
        &self,
        token: &crest_domain::csp::api_token::CspTokenRecord,
    ) -> Result<(), StoreError> {
        self.inner.create_csp_token(token).await
    }

    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.inner.csp_token_by_digest(digest).await
    }

    async fn csp_token(
        &self,
        id: &str,
    ) -> Result<Option<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.inner.csp_token(id).await
    }

    async fn csp_apps(&self) -> Result<Vec<crest_domain::csp::app::CspAppRecord>, StoreError> {
        self.inner.csp_apps().await
    }

    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError> {
        let r = self.inner.replace_csp_app_secret(id, digest).await;
        self.after(r)
    }

    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError> {
        let r = self.inner.delete_csp_app(id).await;
        self.after(r)
    }

    async fn csp_tokens_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.inner.csp_tokens_of(account).await
    }

    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let r = self.inner.revoke_csp_token(account, id, now).await;
        self.after(r)
    }

    async fn put_invite(
        &self,
        invite: &crest_domain::invite::InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.inner.put_invite(invite, digest).await
    }

    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError> {
        self.inner.take_invite(digest, now).await
    }

    async fn invites(&self) -> Result<Vec<crest_domain::invite::InviteRecord>, StoreError> {
        self.inner.invites().await
    }

    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError> {
        self.inner.tokens_of(id).await
    }

    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.inner.all_tokens().await
    }

    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
        self.inner.token(id).await
    }

    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError> {
        let r = self.inner.create_token(token, limit).await;
        self.after(r)
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let r = self.inner.rename_token(account, token, name).await;
        self.after(r)
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let r = self.inner.revoke_token(account, token, now).await;
        self.after(r)
    }

    /// Not a change that affects authentication: the cache stays.
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError> {
        self.inner.record_token_use(uses).await
    }

    /// The trail changes nothing that authentication reads: the cache stays.
    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        self.inner.record_audit(event).await
    }

    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError> {
        self.inner.correct_audit(id, target, outcome).await
    }

    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        self.inner.audit_events(offset, limit).await
    }

    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError> {
        self.inner.roles().await
    }

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError> {
        self.inner.role(id).await
    }

    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError> {
        let r = self.inner.create_role(role).await;
        self.after(r)
    }

    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        let r = self.inner.update_role(id, change, now, by).await;
        self.after(r)
    }

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError> {
        let r = self.inner.delete_role(id).await;
        self.after(r)
    }

    async fn set_role_assignees(
        &self,
        role: &str,
        accounts: &[AccountId],
        groups: &[String],
        assigned: bool,
    ) -> Result<(), StoreError> {
        let r = self
            .inner
            .set_role_assignees(role, accounts, groups, assigned)
            .await;
        self.after(r)
    }

    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        self.inner.groups().await
    }

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        self.inner.group(id).await
    }

    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError> {
        let r = self.inner.create_group(group).await;
        self.after(r)
    }

    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        let r = self.inner.update_group(id, name, description, roles).await;
        self.after(r)
    }

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError> {
        let r = self.inner.delete_group(id).await;
        self.after(r)
    }

    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError> {
        let r = self.inner.set_group_members(group, accounts, member).await;
        self.after(r)
    }

    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError> {
        let r = self.inner.set_group_roles(group, roles, held).await;
        self.after(r)
    }
}
