//! The store interface: the few operations the domain needs from persistent storage.
//!
//! Implementations (SQLite, PostgreSQL) live in `crest-store`; each write here is atomic and, once
//! it returns, durable.

use std::fmt::Debug;

use async_trait::async_trait;

use crate::account::{AccountId, AccountKind, AccountRecord};
use crate::audit::{AuditEvent, AuditRecord};
use crate::clock::EpochMillis;
use crate::csp::api_token::CspTokenRecord;
use crate::csp::app::CspAppRecord;
use crate::csp::signing_key::SigningKeyRecord;
use crate::group::{GroupRecord, NewGroup};
use crate::invite::InviteRecord;
use crate::permission::{Permission, PermissionSet};
use crate::role::{NewRole, RoleChange, RoleRecord};
use crate::session::SessionRecord;
use crate::token::{TokenDigest, TokenId, TokenRecord};

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be reached or refused the connection.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The write conflicts with data already stored.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The stored data is not what this version of crest expects.
    #[error("unexpected stored data: {0}")]
    Corrupt(String),
    /// Any other database failure.
    #[error("store failure: {0}")]
    Other(String),
}

/// The account that owns a token, as read while authenticating a request.
#[derive(Debug, Clone)]
pub struct TokenOwner {
    pub token_id: TokenId,
    pub digest: TokenDigest,
    pub revoked: bool,
    pub account: AccountRecord,
}

/// One page of accounts and the total count they were cut from.
#[derive(Debug, Clone)]
pub struct AccountPage {
    pub items: Vec<AccountRecord>,
    pub total: u64,
}

/// What the bootstrap asks the store to make true, in one transaction.
#[derive(Debug, Clone)]
pub struct BootstrapPlan {
    pub admin: AccountId,
    pub permissions: PermissionSet,
    /// The public id the token gets if it has to be stored.
    pub token_id: TokenId,
    pub token_digest: TokenDigest,
    pub token_name: String,
    pub now: EpochMillis,
    /// Do nothing unless the store holds no account at all (a first start).
    pub only_if_empty: bool,
}

/// What applying a [`BootstrapPlan`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootstrapApplied {
    /// The administrator and the token were created.
    Created,
    /// Everything was already as planned.
    Unchanged,
    /// The administrator existed; the token is new and the previous bootstrap token was revoked.
    TokenReplaced,
    /// `only_if_empty` was set and the store already holds accounts.
    Skipped,
}

/// A new account; it joins its kind's system group.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: AccountId,
    pub kind: AccountKind,
    pub active: bool,
    pub description: String,
    pub permissions: PermissionSet,
    pub now: EpochMillis,
}

/// Changes to an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub active: Option<bool>,
    pub description: Option<String>,
    /// Replaces the account's direct permissions.
    pub permissions: Option<PermissionSet>,
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: TokenId,
    pub digest: TokenDigest,
    pub account: AccountId,
    pub name: String,
    pub now: EpochMillis,
    /// The secret sealed with the operator's key, when tokens are retrievable.
    pub sealed: Option<Vec<u8>>,
}

/// What storing a token did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenCreated {
    Created,
    /// The account already holds the most tokens allowed; nothing was stored.
    LimitReached,
    NoSuchAccount,
}

/// Persistent storage for crest's domain.
#[async_trait]
pub trait Store: Send + Sync + Debug {
    /// Which backend this is (`sqlite`, `postgres`), for logs and diagnostics.
    fn backend(&self) -> &'static str;

    /// Succeeds when the store can serve requests.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The token with this digest and its account, revoked or not.
    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError>;

    /// Applies the bootstrap plan atomically.
    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError>;

    /// Accounts in identifier order.
    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError>;

    /// Every account of one kind, in identifier order.
    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError>;

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError>;

    /// Creates the account; `false` when one with that id exists already (nothing changes).
    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError>;

    /// Applies the change; `false` when there is no such account.
    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Grants (or revokes) one direct permission; `false` when there is no such account.
    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Deletes the account and, with it, its tokens; `false` when there is no such account.
    async fn delete_account(&self, id: &AccountId) -> Result<bool, StoreError>;

    /// Sets (or, with `None`, clears) a user's password hash; `false` when there is no such account.
    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// The account's password hash, if it has an account and a password.
    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError>;

    /// Ends every browser session of the account (a forced logout, or sign-out everywhere).
    /// `false` when there is no such account.
    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError>;

    /// When the account's sessions were last ended, if ever.
    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError>;

    /// Stores a new browser session.
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session whose secret has this digest, if it was not ended.
    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError>;

    /// Records that the session was used at `now`.
    async fn touch_session(&self, digest: &TokenDigest, now: EpochMillis)
    -> Result<(), StoreError>;

    /// Switches Super Admin mode of one session; `false` when there is no such session.
    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError>;

    /// Ends every session of the account but `keep` (after a password change made in `keep`).
    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError>;

    /// Ends one session (sign-out); `false` when there was no such session.
    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError>;

    /// Forgets sessions that expired: last used at or before `idle_before`, or started at or
    /// before `started_before`. Returns how many.
    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError>;

    /// The organization's id: `candidate` becomes it unless one is stored already.
    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError>;

    /// The signing keys, oldest first.
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError>;

    async fn add_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError>;

    async fn create_csp_app(&self, app: &CspAppRecord) -> Result<(), StoreError>;

    async fn csp_app(&self, id: &str) -> Result<Option<CspAppRecord>, StoreError>;

    async fn create_csp_token(&self, token: &CspTokenRecord) -> Result<(), StoreError>;

    /// An organization API token by the digest of its secret, revoked or not.
    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<CspTokenRecord>, StoreError>;

    /// An organization API token by its id, revoked or not.
    async fn csp_token(&self, id: &str) -> Result<Option<CspTokenRecord>, StoreError>;

    /// Every app, by name.
    async fn csp_apps(&self) -> Result<Vec<CspAppRecord>, StoreError>;

    /// Replaces an app's secret and bumps its generation (ending the access tokens issued from
    /// the old secret); `false` when there is no such app.
    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError>;

    /// `false` when there is no such app.
    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError>;

    /// A user's organization API tokens, revoked ones too, oldest first.
    async fn csp_tokens_of(&self, account: &AccountId) -> Result<Vec<CspTokenRecord>, StoreError>;

    /// Revokes one of the account's organization API tokens; `false` when it holds no such token.
    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Stores an invitation for the account, replacing any earlier one.
    async fn put_invite(
        &self,
        invite: &InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError>;

    /// Removes the invitation with this digest and returns its account, if it exists and has not
    /// expired at `now` (an expired one is removed too).
    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError>;

    /// Pending invitations, oldest first.
    async fn invites(&self) -> Result<Vec<InviteRecord>, StoreError>;

    /// The account's tokens that are not revoked, oldest first.
    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError>;

    /// Every token of the organization that is not revoked, by account, oldest first.
    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;

    /// One token that is not revoked, by its public id.
    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError>;

    /// Stores a token unless the account already holds `limit` of them (checked atomically).
    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError>;

    /// Renames one of the account's tokens; `None` when it holds no such (unrevoked) token.
    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError>;

    /// Revokes one of the account's tokens, for good; `false` when it holds no such token.
    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError>;

    /// Records when tokens were last used: each pair sets `last_used` to the later of the stored
    /// and the given time.
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError>;

    /// Appends an event to the audit trail.
    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError>;

    /// Corrects the target and outcome of event `id`, which a change's transaction committed
    /// before its request ended (see [`crate::audit::PendingAudit::finish`]).
    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError>;

    /// The newest events first, a page at a time, and how many there are.
    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError>;

    /// Every role, by name.
    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError>;

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError>;

    /// `false` when the name is taken (nothing changes).
    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError>;

    /// `false` when there is no such role; a taken name is a `Conflict`.
    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError>;

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError>;

    /// Assigns the role to (or takes it from) accounts and groups, which must exist.
    async fn set_role_assignees(
        &self,
        role: &str,
        accounts: &[AccountId],
        groups: &[String],
        assigned: bool,
    ) -> Result<(), StoreError>;

    /// Every group, by name.
    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError>;

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError>;

    /// `false` when the name is taken (nothing changes).
    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError>;

    /// Renames, redescribes and (when `roles` is given) replaces the roles of a group.
    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError>;

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError>;

    /// Adds accounts to (or removes them from) a group.
    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError>;

    /// Adds roles to (or removes them from) a group.
    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError>;
}
