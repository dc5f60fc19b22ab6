//! The store as request handlers see it. Every write of a trait whose data a verified credential
//! depends on ([`BootstrapStore`], [`AccountStore`], [`TokenStore`], [`RoleStore`],
//! [`GroupStore`], [`CspStore`]) forgets the verified tokens, so a change (a revoked token, a
//! removed permission, a deactivated account, a deleted app) holds for every request that starts
//! after the write returns. There is no choice per method: each write of those traits empties the
//! cache, even when it fails (it may have changed something first).
//!
//! The other traits hold nothing the cache depends on: sessions and password hashes are read
//! afresh by every sign-in and every session request, invitations are not credentials, the trail
//! and token use are never read by authentication, and signing keys are only ever added. They pass
//! through whole.

use std::sync::Arc;

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::audit::{AuditEvent, AuditRecord};
use crest_domain::clock::{Clock, EpochMillis};
use crest_domain::csp::api_token::CspTokenRecord;
use crest_domain::csp::app::CspAppRecord;
use crest_domain::csp::signing_key::SigningKeyRecord;
use crest_domain::group::{GroupRecord, NewGroup};
use crest_domain::invite::InviteRecord;
use crest_domain::permission::Permission;
use crest_domain::role::{NewRole, RoleChange, RoleRecord};
use crest_domain::session::SessionRecord;
use crest_domain::store::{
    AccountChange, AccountPage, AccountStore, AccountsDeleted, AuditLog, BootstrapApplied,
    BootstrapPlan, BootstrapStore, CspKeyStore, CspStore, GroupStore, InviteStore, NewAccount,
    NewToken, PasswordStore, RoleStore, SessionStore, Store, StoreBackend, StoreError,
    TokenCreated, TokenOwner, TokenStore, TokenUseLog,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

use crate::account_pages::AccountPages;
use crate::cache::TokenCache;

/// Wraps a store; invalidates the token cache (and with it the account list's cached pages)
/// after each write of the cached concerns.
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

    /// The end of every write of a cached concern.
    fn after<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        // Even a failed write may have changed something before it failed: forget either way.
        self.cache.invalidate_all();
        result
    }
}

// The cached concerns: reads pass through, every write ends in `after`.

#[async_trait]
impl BootstrapStore for NotifyingStore {
    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        self.after(self.inner.apply_bootstrap(plan).await)
    }
}

#[async_trait]
impl AccountStore for NotifyingStore {
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
        self.after(self.inner.create_account(account).await)
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.update_account(id, change, now).await)
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

    async fn delete_accounts(&self, ids: &[AccountId]) -> Result<AccountsDeleted, StoreError> {
        self.after(self.inner.delete_accounts(ids).await)
    }
}

#[async_trait]
impl TokenStore for NotifyingStore {
    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        self.inner.token_owner(digest).await
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
        self.after(self.inner.create_token(token, limit).await)
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        self.after(self.inner.rename_token(account, token, name).await)
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.revoke_token(account, token, now).await)
    }
}

#[async_trait]
impl RoleStore for NotifyingStore {
    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError> {
        self.inner.roles().await
    }

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError> {
        self.inner.role(id).await
    }

    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError> {
        self.after(self.inner.create_role(role).await)
    }

    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.update_role(id, change, now, by).await)
    }

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError> {
        self.after(self.inner.delete_role(id).await)
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
}

#[async_trait]
impl GroupStore for NotifyingStore {
    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        self.inner.groups().await
    }

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        self.inner.group(id).await
    }

    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError> {
        self.after(self.inner.create_group(group).await)
    }

    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.update_group(id, name, description, roles).await)
    }

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError> {
        self.after(self.inner.delete_group(id).await)
    }

    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError> {
        self.after(self.inner.set_group_members(group, accounts, member).await)
    }

    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError> {
        self.after(self.inner.set_group_roles(group, roles, held).await)
    }
}

#[async_trait]
impl CspStore for NotifyingStore {
    async fn create_csp_app(&self, app: &CspAppRecord) -> Result<(), StoreError> {
        self.after(self.inner.create_csp_app(app).await)
    }

    async fn csp_app(&self, id: &str) -> Result<Option<CspAppRecord>, StoreError> {
        self.inner.csp_app(id).await
    }

    async fn csp_apps(&self) -> Result<Vec<CspAppRecord>, StoreError> {
        self.inner.csp_apps().await
    }

    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.replace_csp_app_secret(id, digest).await)
    }

    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError> {
        self.after(self.inner.delete_csp_app(id).await)
    }

    async fn create_csp_token(&self, token: &CspTokenRecord) -> Result<(), StoreError> {
        self.after(self.inner.create_csp_token(token).await)
    }

    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<CspTokenRecord>, StoreError> {
        self.inner.csp_token_by_digest(digest).await
    }

    async fn csp_token(&self, id: &str) -> Result<Option<CspTokenRecord>, StoreError> {
        self.inner.csp_token(id).await
    }

    async fn csp_tokens_of(&self, account: &AccountId) -> Result<Vec<CspTokenRecord>, StoreError> {
        self.inner.csp_tokens_of(account).await
    }

    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.after(self.inner.revoke_csp_token(account, id, now).await)
    }
}

// The concerns nothing cached depends on: whole traits pass through.

#[async_trait]
impl StoreBackend for NotifyingStore {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }
}

#[async_trait]
impl PasswordStore for NotifyingStore {
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
}

#[async_trait]
impl SessionStore for NotifyingStore {
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
}

#[async_trait]
impl TokenUseLog for NotifyingStore {
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError> {
        self.inner.record_token_use(uses).await
    }
}

#[async_trait]
impl CspKeyStore for NotifyingStore {
    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError> {
        self.inner.org_id_or_init(candidate).await
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        self.inner.signing_keys().await
    }

    async fn add_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        self.inner.add_signing_key(key).await
    }
}

#[async_trait]
impl InviteStore for NotifyingStore {
    async fn put_invite(
        &self,
        invite: &InviteRecord,
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

    async fn invites(&self) -> Result<Vec<InviteRecord>, StoreError> {
        self.inner.invites().await
    }
}

#[async_trait]
impl AuditLog for NotifyingStore {
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
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crest_domain::permission::PermissionSet;
    use crest_testkit::MemoryStore;

    use super::*;

    /// The role traits whose writes must empty the cache, and the files that declare them.
    const CACHED_TRAITS: &[(&str, &str)] = &[
        (
            "BootstrapStore",
            include_str!("../../crest-domain/src/store/accounts.rs"),
        ),
        (
            "AccountStore",
            include_str!("../../crest-domain/src/store/accounts.rs"),
        ),
        (
            "TokenStore",
            include_str!("../../crest-domain/src/store/tokens.rs"),
        ),
        (
            "RoleStore",
            include_str!("../../crest-domain/src/store/roles.rs"),
        ),
        (
            "GroupStore",
            include_str!("../../crest-domain/src/store/groups.rs"),
        ),
        (
            "CspStore",
            include_str!("../../crest-domain/src/store/csp.rs"),
        ),
    ];

    /// The methods a trait declares: each `fn name(` between `pub trait Name` and its closing
    /// brace.
    fn methods_of(source: &str, name: &str) -> Vec<String> {
        let start = source
            .find(&format!("pub trait {name}:"))
            .unwrap_or_else(|| panic!("no trait {name}"));
        let body = &source[start..];
        let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
        body.match_indices("fn ")
            .map(|(at, _)| {
                let rest = &body[at + 3..];
                rest[..rest.find('(').unwrap_or(0)].to_owned()
            })
            .collect()
    }

    const WRITE: bool = true;
    const READ: bool = false;

    /// Calls one method through the wrapper; asserts that the cache was emptied if and only if
    /// it is a write, and notes the method as covered.
    macro_rules! check {
        ($seen:ident, $cache:ident, $write:expr, $name:literal, $call:expr) => {{
            let before = $cache.generation();
            // Some calls fail (a missing account, a taken name): a failed write forgets too.
            let _ = $call.await;
            let moved = $cache.generation() != before;
            assert_eq!(
                moved, $write,
                "{}: a write must empty the token cache, a read must not",
                $name
            );
            $seen.insert($name.to_owned());
        }};
    }

    #[tokio::test]
    async fn every_write_of_a_cached_concern_empties_the_cache_and_no_read_does() {
        let cache = Arc::new(TokenCache::default());
        let s = NotifyingStore::new(
            Arc::new(MemoryStore::new()),
            cache.clone(),
            Arc::default(),
            Arc::new(crest_domain::clock::ManualClock::new(0)),
        );
        let mut seen = BTreeSet::new();
        let id = AccountId::from_trusted("sa::checked".into());
        let digest = TokenDigest::from_bytes([7; 32]);
        let token_id = TokenId::parse("6f0c5b1e-2a44-4c43-9d55-2d1e7f3b9a10").expect("uuid");
        let plan = BootstrapPlan {
            admin: AccountId::from_trusted("admin@example.com".into()),
            permissions: PermissionSet::default(),
            token_id: TokenId::parse("0b7c9a8e-1f2d-4e3c-8b4a-5d6e7f809a1b").expect("uuid"),
            token_digest: TokenDigest::from_bytes([9; 32]),
            token_name: "bootstrap".into(),
            now: 1,
            only_if_empty: false,
        };
        let account = NewAccount {
            id: id.clone(),
            kind: AccountKind::ServiceAccount,
            active: true,
            description: String::new(),
            permissions: PermissionSet::default(),
            now: 1,
        };
        let token = NewToken {
            id: token_id,
            digest,
            account: id.clone(),
            name: "t".into(),
            now: 1,
            sealed: None,
        };
        let role = NewRole {
            id: "role-1".into(),
            name: "Role".into(),
            description: String::new(),
            permissions: PermissionSet::default(),
            now: 1,
            by: "test".into(),
        };
        let group = NewGroup {
            id: "group-1".into(),
            name: "Group".into(),
            description: String::new(),
            roles: Vec::new(),
            now: 1,
        };
        let app = CspAppRecord {
            id: "app-1".into(),
            name: "App".into(),
            description: String::new(),
            roles: Vec::new(),
            ttl_minutes: 30,
            secret_digest: TokenDigest::from_bytes([3; 32]),
            generation: 1,
            created_ms: 1,
        };
        let csp_token = CspTokenRecord {
            id: "csp-token-1".into(),
            account: plan.admin.clone(),
            name: "t".into(),
            roles: Vec::new(),
            digest: TokenDigest::from_bytes([4; 32]),
            created_ms: 1,
            expires_ms: None,
            revoked: false,
        };
        let ids = [id.clone()];
        let groups = [group.id.clone()];
        let roles = [role.id.clone()];

        check!(
            seen,
            cache,
            WRITE,
            "apply_bootstrap",
            s.apply_bootstrap(&plan)
        );

        check!(
            seen,
            cache,
            WRITE,
            "create_account",
            s.create_account(&account)
        );
        check!(seen, cache, READ, "list_accounts", s.list_accounts(0, 10));
        check!(
            seen,
            cache,
            READ,
            "accounts_of_kind",
            s.accounts_of_kind(AccountKind::User)
        );
        check!(seen, cache, READ, "account", s.account(&id));
        let change = AccountChange::default();
        check!(
            seen,
            cache,
            WRITE,
            "update_account",
            s.update_account(&id, &change, 2)
        );
        let p = Permission::AgentManagement;
        check!(
            seen,
            cache,
            WRITE,
            "set_permission",
            s.set_permission(&id, p, true, 2)
        );

        check!(
            seen,
            cache,
            WRITE,
            "create_token",
            s.create_token(&token, 20)
        );
        check!(seen, cache, READ, "token_owner", s.token_owner(&digest));
        check!(seen, cache, READ, "tokens_of", s.tokens_of(&id));
        check!(seen, cache, READ, "all_tokens", s.all_tokens());
        check!(seen, cache, READ, "token", s.token(token_id));
        check!(
            seen,
            cache,
            WRITE,
            "rename_token",
            s.rename_token(&id, token_id, "u")
        );
        check!(
            seen,
            cache,
            WRITE,
            "revoke_token",
            s.revoke_token(&id, token_id, 3)
        );

        check!(seen, cache, WRITE, "create_role", s.create_role(&role));
        check!(seen, cache, READ, "roles", s.roles());
        check!(seen, cache, READ, "role", s.role(&role.id));
        let role_change = RoleChange::default();
        check!(
            seen,
            cache,
            WRITE,
            "update_role",
            s.update_role(&role.id, &role_change, 3, "t")
        );

        check!(seen, cache, WRITE, "create_group", s.create_group(&group));
        check!(seen, cache, READ, "groups", s.groups());
        check!(seen, cache, READ, "group", s.group(&group.id));
        check!(
            seen,
            cache,
            WRITE,
            "update_group",
            s.update_group(&group.id, None, None, None)
        );
        check!(
            seen,
            cache,
            WRITE,
            "set_group_members",
            s.set_group_members(&group.id, &ids, true)
        );
        check!(
            seen,
            cache,
            WRITE,
            "set_group_roles",
            s.set_group_roles(&group.id, &roles, true)
        );
        check!(
            seen,
            cache,
            WRITE,
            "set_role_assignees",
            s.set_role_assignees(&role.id, &ids, &groups, true)
        );
        check!(
            seen,
            cache,
            WRITE,
            "delete_group",
            s.delete_group(&group.id)
        );
        check!(seen, cache, WRITE, "delete_role", s.delete_role(&role.id));

        check!(seen, cache, WRITE, "create_csp_app", s.create_csp_app(&app));
        check!(seen, cache, READ, "csp_app", s.csp_app(&app.id));
        check!(seen, cache, READ, "csp_apps", s.csp_apps());
        check!(
            seen,
            cache,
            WRITE,
            "replace_csp_app_secret",
            s.replace_csp_app_secret(&app.id, &digest)
        );
        check!(
            seen,
            cache,
            WRITE,
            "delete_csp_app",
            s.delete_csp_app(&app.id)
        );
        check!(
            seen,
            cache,
            WRITE,
            "create_csp_token",
            s.create_csp_token(&csp_token)
        );
        check!(
            seen,
            cache,
            READ,
            "csp_token_by_digest",
            s.csp_token_by_digest(&csp_token.digest)
        );
        check!(seen, cache, READ, "csp_token", s.csp_token(&csp_token.id));
        check!(
            seen,
            cache,
            READ,
            "csp_tokens_of",
            s.csp_tokens_of(&csp_token.account)
        );
        check!(
            seen,
            cache,
            WRITE,
            "revoke_csp_token",
            s.revoke_csp_token(&csp_token.account, &csp_token.id, 4)
        );

        check!(seen, cache, WRITE, "delete_account", s.delete_account(&id));
        check!(
            seen,
            cache,
            WRITE,
            "delete_accounts",
            s.delete_accounts(&ids)
        );

        let declared: BTreeSet<String> = CACHED_TRAITS
            .iter()
            .flat_map(|(name, source)| methods_of(source, name))
            .collect();
        assert_eq!(
            declared, seen,
            "every method of a cached concern's trait needs a case here (a write: WRITE)"
        );
    }

    #[tokio::test]
    async fn the_concerns_nothing_cached_depends_on_leave_the_cache_alone() {
        let cache = Arc::new(TokenCache::default());
        let s = NotifyingStore::new(
            Arc::new(MemoryStore::new()),
            cache.clone(),
            Arc::default(),
            Arc::new(crest_domain::clock::ManualClock::new(0)),
        );
        let mut seen = BTreeSet::new();
        let id = AccountId::from_trusted("someone@example.com".into());
        let digest = TokenDigest::from_bytes([5; 32]);
        check!(
            seen,
            cache,
            READ,
            "set_password_hash",
            s.set_password_hash(&id, Some("h"), 1)
        );
        check!(seen, cache, READ, "end_sessions", s.end_sessions(&id, 1));
        check!(
            seen,
            cache,
            READ,
            "record_token_use",
            s.record_token_use(&[])
        );
        check!(seen, cache, READ, "org_id_or_init", s.org_id_or_init("org"));
        check!(
            seen,
            cache,
            READ,
            "delete_session",
            s.delete_session(&digest)
        );
        check!(seen, cache, READ, "take_invite", s.take_invite(&digest, 1));
        let event = AuditEvent {
            at_ms: 1,
            actor: "a".into(),
            action: "b".into(),
            target: "c".into(),
            source: "d".into(),
            outcome: 200,
        };
        check!(seen, cache, READ, "record_audit", s.record_audit(&event));
        assert_eq!(seen.len(), 7);
    }
}
