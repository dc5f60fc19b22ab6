//! [`SqlStore`]: the domain's store interface over either SQL backend.

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::audit::{AuditEvent, AuditRecord};
use crest_domain::clock::EpochMillis;
use crest_domain::group::{GroupRecord, NewGroup};
use crest_domain::permission::Permission;
use crest_domain::role::{NewRole, RoleChange, RoleRecord};
use crest_domain::session::SessionRecord;
use crest_domain::store::{
    AccountChange, AccountPage, BootstrapApplied, BootstrapPlan, NewAccount, NewToken, Store,
    StoreError, TokenCreated, TokenOwner,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

use crate::db::{Db, Open, with_pool};
use crate::error::store_error;
use crate::location::StoreLocation;

/// A store on SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct SqlStore {
    pub(crate) db: Db,
    backend: &'static str,
}

impl SqlStore {
    /// Opens (creating if needed) and migrates the store at `location`, as `crest serve` does.
    pub async fn open(location: &StoreLocation) -> Result<Self, StoreError> {
        Ok(Self {
            db: Db::open(location, Open::CreateIfMissing).await?,
            backend: location.backend(),
        })
    }

    /// Opens the store at `location` only if it exists (crest's tables are there), as
    /// `crest admin` does: a mistyped data directory or database is an error, and nothing is
    /// created. An existing store is migrated like [`SqlStore::open`] would.
    pub async fn open_existing(location: &StoreLocation) -> Result<Self, StoreError> {
        Ok(Self {
            db: Db::open(location, Open::ExistingOnly).await?,
            backend: location.backend(),
        })
    }

    /// The statement timeout a pooled PostgreSQL connection runs with, as `SHOW
    /// statement_timeout` reads it; `None` on SQLite (see [`crate::bounded`]).
    pub async fn statement_timeout(&self) -> Result<Option<String>, StoreError> {
        self.db.statement_timeout().await
    }

    /// Closes every connection; pending writes have already been committed.
    pub async fn close(&self) {
        self.db.close().await;
    }
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.backend
    }

    async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query("SELECT 1")
                .execute(pool)
                .await
                .map(|_| ())
                .map_err(store_error)
        })
    }

    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        self.find_token_owner(digest).await
    }

    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        self.bootstrap(plan).await
    }

    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError> {
        self.accounts_page(offset, limit).await
    }

    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError> {
        self.accounts_where("a.kind", kind.as_str()).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.accounts_where("a.id", id.as_str()).await?.pop())
    }

    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError> {
        self.insert_account(account).await
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.change_account(id, change, now).await
    }

    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.change_permission(id, permission, granted, now).await
    }

    async fn delete_account(&self, id: &AccountId) -> Result<bool, StoreError> {
        self.remove_account(id).await
    }

    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.write_password_hash(id, hash, now).await
    }

    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError> {
        self.read_password_hash(id).await
    }

    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError> {
        self.write_sessions_ended(id, now).await
    }

    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError> {
        self.read_sessions_ended(id).await
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.insert_session(session).await
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError> {
        self.find_session(digest).await
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<(), StoreError> {
        self.write_session_seen(digest, now).await
    }

    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError> {
        self.write_session_super_admin_mode(digest, on).await
    }

    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.remove_sessions_but(id, keep).await
    }

    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError> {
        self.remove_session(digest).await
    }

    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError> {
        self.remove_expired_sessions(idle_before, started_before)
            .await
    }

    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError> {
        self.init_org_id(candidate).await
    }

    async fn signing_keys(
        &self,
    ) -> Result<Vec<crest_domain::csp::signing_key::SigningKeyRecord>, StoreError> {
        self.read_signing_keys().await
    }

    async fn add_signing_key(
        &self,
        key: &crest_domain::csp::signing_key::SigningKeyRecord,
    ) -> Result<(), StoreError> {
        self.insert_signing_key(key).await
    }

    async fn create_csp_app(
        &self,
        app: &crest_domain::csp::app::CspAppRecord,
    ) -> Result<(), StoreError> {
        self.insert_csp_app(app).await
    }

    async fn csp_app(
        &self,
        id: &str,
    ) -> Result<Option<crest_domain::csp::app::CspAppRecord>, StoreError> {
        self.read_csp_app(id).await
    }

    async fn create_csp_token(
        &self,
        token: &crest_domain::csp::api_token::CspTokenRecord,
    ) -> Result<(), StoreError> {
        self.insert_csp_token(token).await
    }

    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.read_csp_token(Some(digest), None).await
    }

    async fn csp_token(
        &self,
        id: &str,
    ) -> Result<Option<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.read_csp_token(None, Some(id)).await
    }

    async fn csp_apps(&self) -> Result<Vec<crest_domain::csp::app::CspAppRecord>, StoreError> {
        self.read_csp_apps().await
    }

    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError> {
        self.write_csp_app_secret(id, digest).await
    }

    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError> {
        self.remove_csp_app(id).await
    }

    async fn csp_tokens_of(
        &self,
        account: &AccountId,
    ) -> Result<Vec<crest_domain::csp::api_token::CspTokenRecord>, StoreError> {
        self.read_csp_tokens_of(account).await
    }

    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.write_csp_token_revoked(account, id, now).await
    }

    async fn put_invite(
        &self,
        invite: &crest_domain::invite::InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.upsert_invite(invite, digest).await
    }

    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError> {
        self.remove_invite(digest, now).await
    }

    async fn invites(&self) -> Result<Vec<crest_domain::invite::InviteRecord>, StoreError> {
        self.pending_invites().await
    }

    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError> {
        self.account_tokens(id).await
    }

    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.live_tokens(None).await
    }

    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self.live_tokens(Some(id)).await?.pop())
    }

    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError> {
        self.insert_token(token, limit).await
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        self.set_token_name(account, token, name).await
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        self.mark_token_revoked(account, token, now).await
    }

    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError> {
        self.touch_tokens(uses).await
    }

    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        self.insert_audit(event).await
    }

    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError> {
        self.update_audit(id, target, outcome).await
    }

    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        self.select_audit(offset, limit).await
    }

    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError> {
        self.select_roles(None).await
    }

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError> {
        Ok(self.select_roles(Some(id)).await?.pop())
    }

    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError> {
        self.insert_role(role).await
    }

    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        self.change_role(id, change, now, by).await
    }

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError> {
        self.delete_row("roles", id).await
    }

    async fn set_role_assignees(
        &self,
        role: &str,
        accounts: &[AccountId],
        groups: &[String],
        assigned: bool,
    ) -> Result<(), StoreError> {
        let accounts: Vec<String> = accounts.iter().map(|a| a.as_str().to_owned()).collect();
        self.link_pairs(
            "account_roles",
            "account_id",
            "role_id",
            &accounts,
            role,
            assigned,
        )
        .await?;
        self.link_pairs("group_roles", "group_id", "role_id", groups, role, assigned)
            .await
    }

    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        self.select_groups(None).await
    }

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        Ok(self.select_groups(Some(id)).await?.pop())
    }

    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError> {
        self.insert_group(group).await
    }

    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        self.change_group(id, name, description, roles).await
    }

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError> {
        self.delete_row("user_groups", id).await
    }

    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError> {
        let accounts: Vec<String> = accounts.iter().map(|a| a.as_str().to_owned()).collect();
        self.link_pairs(
            "user_group_members",
            "account_id",
            "group_id",
            &accounts,
            group,
            member,
        )
        .await
    }

    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError> {
        self.link_pairs("group_roles", "role_id", "group_id", roles, group, held)
            .await
    }
}
