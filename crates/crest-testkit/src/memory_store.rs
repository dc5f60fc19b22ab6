//! [`MemoryStore`]: every role trait of the domain's store, in memory, for fast unit tests of the
//! domain's rules. It keeps the rules the SQL stores keep (unique names, the token limit, the last
//! active Super Admin, cascades on delete); what it does not model is durability, concurrency
//! between processes and the audit event that goes with each change.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::audit::{AuditEvent, AuditRecord};
use crest_domain::clock::EpochMillis;
use crest_domain::csp::api_token::CspTokenRecord;
use crest_domain::csp::app::CspAppRecord;
use crest_domain::csp::signing_key::SigningKeyRecord;
use crest_domain::group::{
    EVERYONE_GROUP_ID, EVERYONE_GROUP_NAME, GroupRecord, NewGroup, SERVICE_ACCOUNTS_GROUP_ID,
    SERVICE_ACCOUNTS_GROUP_NAME,
};
use crest_domain::invite::InviteRecord;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::role::{NewRole, RoleChange, RoleRecord};
use crest_domain::session::SessionRecord;
use crest_domain::store::{
    AccountChange, AccountPage, AccountStore, AccountsDeleted, AuditLog, BootstrapApplied,
    BootstrapPlan, BootstrapStore, CspKeyStore, CspStore, GroupStore, InviteStore, NewAccount,
    NewToken, PasswordStore, RoleStore, SessionStore, StoreBackend, StoreError, TokenCreated,
    TokenOwner, TokenStore, TokenUseLog,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

#[derive(Debug, Clone)]
struct Account {
    kind: AccountKind,
    active: bool,
    super_admin: bool,
    description: String,
    permissions: PermissionSet,
    created_ms: EpochMillis,
    password_hash: Option<String>,
    sessions_ended_ms: Option<EpochMillis>,
}

#[derive(Debug, Clone)]
struct Role {
    name: String,
    description: String,
    permissions: PermissionSet,
    created_ms: EpochMillis,
    updated_ms: EpochMillis,
    updated_by: String,
}

#[derive(Debug, Clone)]
struct Group {
    name: String,
    description: String,
    system: bool,
    created_ms: EpochMillis,
}

#[derive(Debug, Clone)]
struct Token {
    id: TokenId,
    digest: [u8; 32],
    account: String,
    name: String,
    created_ms: EpochMillis,
    last_used_ms: Option<EpochMillis>,
    sealed: Option<Vec<u8>>,
    revoked: bool,
}

impl Token {
    fn record(&self) -> TokenRecord {
        TokenRecord {
            id: self.id,
            account: AccountId::from_trusted(self.account.clone()),
            name: self.name.clone(),
            created_ms: self.created_ms,
            last_used_ms: self.last_used_ms,
            sealed: self.sealed.clone(),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    accounts: BTreeMap<String, Account>,
    /// (account, role)
    account_roles: BTreeSet<(String, String)>,
    /// (group, account)
    members: BTreeSet<(String, String)>,
    /// (group, role)
    group_roles: BTreeSet<(String, String)>,
    roles: BTreeMap<String, Role>,
    groups: BTreeMap<String, Group>,
    /// In creation order.
    tokens: Vec<Token>,
    bootstrap_token: Option<TokenId>,
    sessions: HashMap<[u8; 32], SessionRecord>,
    csp_apps: BTreeMap<String, CspAppRecord>,
    /// In creation order, with when each was revoked.
    csp_tokens: Vec<(CspTokenRecord, Option<EpochMillis>)>,
    org_id: Option<String>,
    signing_keys: Vec<SigningKeyRecord>,
    invites: BTreeMap<String, (InviteRecord, [u8; 32])>,
    audit: Vec<AuditRecord>,
}

impl State {
    fn record(&self, id: &str) -> Option<AccountRecord> {
        let a = self.accounts.get(id)?;
        let roles: Vec<String> = self
            .account_roles
            .iter()
            .filter(|(acc, _)| acc == id)
            .map(|(_, r)| r.clone())
            .collect();
        let groups: Vec<String> = self
            .members
            .iter()
            .filter(|(_, acc)| acc == id)
            .map(|(g, _)| g.clone())
            .collect();
        let mut united_roles = roles.clone();
        united_roles.extend(
            self.group_roles
                .iter()
                .filter(|(g, _)| groups.contains(g))
                .map(|(_, r)| r.clone()),
        );
        united_roles.sort();
        united_roles.dedup();
        let united_permissions = united_roles
            .iter()
            .filter_map(|r| self.roles.get(r))
            .fold(a.permissions, |all, r| all.union(r.permissions));
        Some(AccountRecord {
            id: AccountId::from_trusted(id.to_owned()),
            kind: a.kind,
            active: a.active,
            super_admin: a.super_admin,
            description: a.description.clone(),
            permissions: a.permissions,
            united_permissions,
            roles,
            united_roles,
            groups,
            created_ms: a.created_ms,
        })
    }

    fn role_record(&self, id: &str) -> Option<RoleRecord> {
        let r = self.roles.get(id)?;
        Some(RoleRecord {
            id: id.to_owned(),
            name: r.name.clone(),
            description: r.description.clone(),
            permissions: r.permissions,
            created_ms: r.created_ms,
            updated_ms: r.updated_ms,
            updated_by: r.updated_by.clone(),
            accounts: self
                .account_roles
                .iter()
                .filter(|(_, role)| role == id)
                .map(|(a, _)| a.clone())
                .collect(),
            groups: self
                .group_roles
                .iter()
                .filter(|(_, role)| role == id)
                .map(|(g, _)| g.clone())
                .collect(),
        })
    }

    fn group_record(&self, id: &str) -> Option<GroupRecord> {
        let g = self.groups.get(id)?;
        Some(GroupRecord {
            id: id.to_owned(),
            name: g.name.clone(),
            description: g.description.clone(),
            system: g.system,
            created_ms: g.created_ms,
            roles: self
                .group_roles
                .iter()
                .filter(|(group, _)| group == id)
                .map(|(_, r)| r.clone())
                .collect(),
            members: self
                .members
                .iter()
                .filter(|(group, _)| group == id)
                .map(|(_, a)| a.clone())
                .collect(),
        })
    }

    fn remove_account(&mut self, id: &str) -> bool {
        if self.accounts.remove(id).is_none() {
            return false;
        }
        self.account_roles.retain(|(a, _)| a != id);
        self.members.retain(|(_, a)| a != id);
        self.tokens.retain(|t| t.account != id);
        self.sessions.retain(|_, s| s.account.as_str() != id);
        self.csp_tokens.retain(|(t, _)| t.account.as_str() != id);
        self.invites.remove(id);
        true
    }

    fn link(
        set: &mut BTreeSet<(String, String)>,
        pair: (String, String),
        linked: bool,
        exists: bool,
    ) -> Result<(), StoreError> {
        if linked {
            if !exists {
                return Err(StoreError::other("a link to something that does not exist"));
            }
            set.insert(pair);
        } else {
            set.remove(&pair);
        }
        Ok(())
    }
}

/// The domain's store in memory; starts with the two system groups, as a migrated database does.
#[derive(Debug)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        let mut state = State::default();
        for (id, name, description) in [
            (EVERYONE_GROUP_ID, EVERYONE_GROUP_NAME, "Every user account"),
            (
                SERVICE_ACCOUNTS_GROUP_ID,
                SERVICE_ACCOUNTS_GROUP_NAME,
                "Every service account",
            ),
        ] {
            state.groups.insert(
                id.to_owned(),
                Group {
                    name: name.to_owned(),
                    description: description.to_owned(),
                    system: true,
                    created_ms: 0,
                },
            );
        }
        Self {
            state: Mutex::new(state),
        }
    }

    /// Makes an existing account a Super Admin (or not), as only the bootstrap and the
    /// database itself do; `false` when there is no such account.
    pub fn set_super_admin(&self, id: &AccountId, super_admin: bool) -> bool {
        match self.lock() {
            Ok(mut s) => match s.accounts.get_mut(id.as_str()) {
                Some(a) => {
                    a.super_admin = super_admin;
                    true
                }
                None => false,
            },
            Err(_) => false,
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::other("the memory store is poisoned"))
    }
}

#[async_trait]
impl StoreBackend for MemoryStore {
    fn backend(&self) -> &'static str {
        "memory"
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.lock().map(|_| ())
    }
}

#[async_trait]
impl BootstrapStore for MemoryStore {
    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        let mut s = self.lock()?;
        if plan.only_if_empty && !s.accounts.is_empty() {
            return Ok(BootstrapApplied::Skipped);
        }
        let admin = plan.admin.as_str().to_owned();
        let digest = *plan.token_digest.as_bytes();
        if let Some(t) = s.tokens.iter().find(|t| t.digest == digest)
            && t.account != admin
        {
            return Err(StoreError::conflict(
                "the bootstrap token belongs to another account",
            ));
        }
        let created = !s.accounts.contains_key(&admin);
        let account = s.accounts.entry(admin.clone()).or_insert(Account {
            kind: AccountKind::User,
            active: true,
            super_admin: true,
            description: String::new(),
            permissions: PermissionSet::default(),
            created_ms: plan.now,
            password_hash: None,
            sessions_ended_ms: None,
        });
        account.super_admin = true;
        account.active = true;
        account.permissions = account.permissions.union(plan.permissions);
        s.members
            .insert((EVERYONE_GROUP_ID.to_owned(), admin.clone()));
        if s.tokens.iter().any(|t| t.digest == digest) {
            return Ok(if created {
                BootstrapApplied::Created
            } else {
                BootstrapApplied::Unchanged
            });
        }
        if let Some(previous) = s.bootstrap_token
            && let Some(t) = s.tokens.iter_mut().find(|t| t.id == previous)
        {
            t.revoked = true;
        }
        s.tokens.push(Token {
            id: plan.token_id,
            digest,
            account: admin,
            name: plan.token_name.clone(),
            created_ms: plan.now,
            last_used_ms: None,
            sealed: None,
            revoked: false,
        });
        s.bootstrap_token = Some(plan.token_id);
        Ok(if created {
            BootstrapApplied::Created
        } else {
            BootstrapApplied::TokenReplaced
        })
    }
}

#[async_trait]
impl AccountStore for MemoryStore {
    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError> {
        let s = self.lock()?;
        let items = s
            .accounts
            .keys()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(limit as usize)
            .filter_map(|id| s.record(id))
            .collect();
        Ok(AccountPage {
            items,
            total: s.accounts.len() as u64,
        })
    }

    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError> {
        let s = self.lock()?;
        Ok(s.accounts
            .iter()
            .filter(|(_, a)| a.kind == kind)
            .filter_map(|(id, _)| s.record(id))
            .collect())
    }

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.lock()?.record(id.as_str()))
    }

    async fn create_account(&self, account: &NewAccount) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        let id = account.id.as_str().to_owned();
        if s.accounts.contains_key(&id) {
            return Ok(false);
        }
        s.accounts.insert(
            id.clone(),
            Account {
                kind: account.kind,
                active: account.active,
                super_admin: false,
                description: account.description.clone(),
                permissions: account.permissions,
                created_ms: account.now,
                password_hash: None,
                sessions_ended_ms: None,
            },
        );
        let group = match account.kind {
            AccountKind::User => EVERYONE_GROUP_ID,
            AccountKind::ServiceAccount => SERVICE_ACCOUNTS_GROUP_ID,
        };
        s.members.insert((group.to_owned(), id));
        Ok(true)
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        _now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        let Some(a) = s.accounts.get_mut(id.as_str()) else {
            return Ok(false);
        };
        if let Some(active) = change.active {
            a.active = active;
        }
        if let Some(description) = &change.description {
            a.description.clone_from(description);
        }
        if let Some(permissions) = change.permissions {
            a.permissions = permissions;
        }
        Ok(true)
    }

    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        _now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        let Some(a) = s.accounts.get_mut(id.as_str()) else {
            return Ok(false);
        };
        let one = PermissionSet::from_iter([permission]);
        a.permissions = if granted {
            a.permissions.union(one)
        } else {
            a.permissions.without(one)
        };
        Ok(true)
    }

    async fn delete_accounts(&self, ids: &[AccountId]) -> Result<AccountsDeleted, StoreError> {
        let mut s = self.lock()?;
        let super_admins: Vec<&String> = s
            .accounts
            .iter()
            .filter(|(_, a)| a.super_admin && a.active && a.kind == AccountKind::User)
            .map(|(id, _)| id)
            .collect();
        let leaving = super_admins
            .iter()
            .filter(|a| ids.iter().any(|id| id.as_str() == a.as_str()))
            .count();
        if leaving > 0 && leaving >= super_admins.len() {
            return Ok(AccountsDeleted::LastSuperAdmin);
        }
        let mut deleted = Vec::new();
        for id in ids {
            if s.remove_account(id.as_str()) {
                deleted.push(id.clone());
            }
        }
        Ok(AccountsDeleted::Deleted(deleted))
    }
}

#[async_trait]
impl PasswordStore for MemoryStore {
    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        _now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        Ok(match s.accounts.get_mut(id.as_str()) {
            Some(a) => {
                a.password_hash = hash.map(str::to_owned);
                true
            }
            None => false,
        })
    }

    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError> {
        let s = self.lock()?;
        Ok(s.accounts
            .get(id.as_str())
            .and_then(|a| a.password_hash.clone()))
    }
}

#[async_trait]
impl SessionStore for MemoryStore {
    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        let Some(a) = s.accounts.get_mut(id.as_str()) else {
            return Ok(false);
        };
        a.sessions_ended_ms = Some(now);
        s.sessions.retain(|_, session| session.account != *id);
        Ok(true)
    }

    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError> {
        let s = self.lock()?;
        Ok(s.accounts
            .get(id.as_str())
            .and_then(|a| a.sessions_ended_ms))
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        if !s.accounts.contains_key(session.account.as_str()) {
            return Err(StoreError::other("a session of no account"));
        }
        s.sessions
            .insert(*session.digest.as_bytes(), session.clone());
        Ok(())
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.lock()?.sessions.get(digest.as_bytes()).cloned())
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<(), StoreError> {
        if let Some(session) = self.lock()?.sessions.get_mut(digest.as_bytes()) {
            session.seen_ms = session.seen_ms.max(now);
        }
        Ok(())
    }

    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError> {
        Ok(match self.lock()?.sessions.get_mut(digest.as_bytes()) {
            Some(session) => {
                session.super_admin_mode = on;
                true
            }
            None => false,
        })
    }

    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.lock()?
            .sessions
            .retain(|digest, session| session.account != *id || digest == keep.as_bytes());
        Ok(())
    }

    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError> {
        Ok(self.lock()?.sessions.remove(digest.as_bytes()).is_some())
    }

    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError> {
        let mut s = self.lock()?;
        let before = s.sessions.len();
        s.sessions
            .retain(|_, x| x.seen_ms > idle_before && x.created_ms > started_before);
        Ok((before - s.sessions.len()) as u64)
    }
}

#[async_trait]
impl TokenStore for MemoryStore {
    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        let s = self.lock()?;
        let Some(t) = s.tokens.iter().find(|t| t.digest == *digest.as_bytes()) else {
            return Ok(None);
        };
        Ok(s.record(&t.account).map(|account| TokenOwner {
            token_id: t.id,
            digest: TokenDigest::from_bytes(t.digest),
            revoked: t.revoked,
            account,
        }))
    }

    async fn tokens_of(&self, id: &AccountId) -> Result<Vec<TokenRecord>, StoreError> {
        let s = self.lock()?;
        Ok(s.tokens
            .iter()
            .filter(|t| !t.revoked && t.account == id.as_str())
            .map(Token::record)
            .collect())
    }

    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let s = self.lock()?;
        let mut all: Vec<TokenRecord> = s
            .tokens
            .iter()
            .filter(|t| !t.revoked)
            .map(Token::record)
            .collect();
        all.sort_by(|a, b| a.account.cmp(&b.account));
        Ok(all)
    }

    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
        let s = self.lock()?;
        Ok(s.tokens
            .iter()
            .find(|t| !t.revoked && t.id == id)
            .map(Token::record))
    }

    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError> {
        let mut s = self.lock()?;
        let account = token.account.as_str();
        if !s.accounts.contains_key(account) {
            return Ok(TokenCreated::NoSuchAccount);
        }
        let held = s
            .tokens
            .iter()
            .filter(|t| !t.revoked && t.account == account)
            .count();
        if held >= limit {
            return Ok(TokenCreated::LimitReached);
        }
        if s.tokens
            .iter()
            .any(|t| t.id == token.id || t.digest == *token.digest.as_bytes())
        {
            return Err(StoreError::conflict(
                "a token with this id or secret exists",
            ));
        }
        s.tokens.push(Token {
            id: token.id,
            digest: *token.digest.as_bytes(),
            account: account.to_owned(),
            name: token.name.clone(),
            created_ms: token.now,
            last_used_ms: None,
            sealed: token.sealed.clone(),
            revoked: false,
        });
        Ok(TokenCreated::Created)
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let mut s = self.lock()?;
        Ok(s.tokens
            .iter_mut()
            .find(|t| !t.revoked && t.id == token && t.account == account.as_str())
            .map(|t| {
                name.clone_into(&mut t.name);
                t.record()
            }))
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        _now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        Ok(
            match s
                .tokens
                .iter_mut()
                .find(|t| !t.revoked && t.id == token && t.account == account.as_str())
            {
                Some(t) => {
                    t.revoked = true;
                    true
                }
                None => false,
            },
        )
    }
}

#[async_trait]
impl TokenUseLog for MemoryStore {
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        for (id, at) in uses {
            if let Some(t) = s.tokens.iter_mut().find(|t| t.id == *id) {
                t.last_used_ms = Some(t.last_used_ms.map_or(*at, |l| l.max(*at)));
            }
        }
        Ok(())
    }
}

#[async_trait]
impl RoleStore for MemoryStore {
    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError> {
        let s = self.lock()?;
        let mut all: Vec<RoleRecord> = s.roles.keys().filter_map(|id| s.role_record(id)).collect();
        all.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        Ok(all)
    }

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError> {
        Ok(self.lock()?.role_record(id))
    }

    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if s.roles.values().any(|r| r.name == role.name) {
            return Ok(false);
        }
        if s.roles.contains_key(&role.id) {
            return Err(StoreError::conflict("a role with this id exists"));
        }
        s.roles.insert(
            role.id.clone(),
            Role {
                name: role.name.clone(),
                description: role.description.clone(),
                permissions: role.permissions,
                created_ms: role.now,
                updated_ms: role.now,
                updated_by: role.by.clone(),
            },
        );
        Ok(true)
    }

    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if let Some(name) = &change.name
            && s.roles
                .iter()
                .any(|(other, r)| other != id && r.name == *name)
        {
            return Err(StoreError::conflict("a role with this name exists"));
        }
        let Some(r) = s.roles.get_mut(id) else {
            return Ok(false);
        };
        if let Some(name) = &change.name {
            r.name.clone_from(name);
        }
        if let Some(description) = &change.description {
            r.description.clone_from(description);
        }
        if let Some(permissions) = change.permissions {
            r.permissions = permissions;
        }
        r.updated_ms = now;
        by.clone_into(&mut r.updated_by);
        Ok(true)
    }

    async fn delete_role(&self, id: &str) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if s.roles.remove(id).is_none() {
            return Ok(false);
        }
        s.account_roles.retain(|(_, r)| r != id);
        s.group_roles.retain(|(_, r)| r != id);
        Ok(true)
    }

    async fn set_role_assignees(
        &self,
        role: &str,
        accounts: &[AccountId],
        groups: &[String],
        assigned: bool,
    ) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        let role_exists = s.roles.contains_key(role);
        for account in accounts {
            let exists = role_exists && s.accounts.contains_key(account.as_str());
            let pair = (account.as_str().to_owned(), role.to_owned());
            State::link(&mut s.account_roles, pair, assigned, exists)?;
        }
        for group in groups {
            let exists = role_exists && s.groups.contains_key(group);
            let pair = (group.clone(), role.to_owned());
            State::link(&mut s.group_roles, pair, assigned, exists)?;
        }
        Ok(())
    }
}

#[async_trait]
impl GroupStore for MemoryStore {
    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        let s = self.lock()?;
        let mut all: Vec<GroupRecord> = s
            .groups
            .keys()
            .filter_map(|id| s.group_record(id))
            .collect();
        all.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        Ok(all)
    }

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        Ok(self.lock()?.group_record(id))
    }

    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if s.groups.values().any(|g| g.name == group.name) {
            return Ok(false);
        }
        if s.groups.contains_key(&group.id) {
            return Err(StoreError::conflict("a group with this id exists"));
        }
        s.groups.insert(
            group.id.clone(),
            Group {
                name: group.name.clone(),
                description: group.description.clone(),
                system: false,
                created_ms: group.now,
            },
        );
        for role in &group.roles {
            let exists = s.roles.contains_key(role);
            let pair = (group.id.clone(), role.clone());
            State::link(&mut s.group_roles, pair, true, exists)?;
        }
        Ok(true)
    }

    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if let Some(name) = name
            && s.groups
                .iter()
                .any(|(other, g)| other != id && g.name == name)
        {
            return Err(StoreError::conflict("a group with this name exists"));
        }
        let Some(g) = s.groups.get_mut(id) else {
            return Ok(false);
        };
        if let Some(name) = name {
            name.clone_into(&mut g.name);
        }
        if let Some(description) = description {
            description.clone_into(&mut g.description);
        }
        if let Some(roles) = roles {
            s.group_roles.retain(|(group, _)| group != id);
            for role in roles {
                let exists = s.roles.contains_key(role);
                let pair = (id.to_owned(), role.clone());
                State::link(&mut s.group_roles, pair, true, exists)?;
            }
        }
        Ok(true)
    }

    async fn delete_group(&self, id: &str) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        if s.groups.remove(id).is_none() {
            return Ok(false);
        }
        s.members.retain(|(g, _)| g != id);
        s.group_roles.retain(|(g, _)| g != id);
        Ok(true)
    }

    async fn set_group_members(
        &self,
        group: &str,
        accounts: &[AccountId],
        member: bool,
    ) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        let group_exists = s.groups.contains_key(group);
        for account in accounts {
            let exists = group_exists && s.accounts.contains_key(account.as_str());
            let pair = (group.to_owned(), account.as_str().to_owned());
            State::link(&mut s.members, pair, member, exists)?;
        }
        Ok(())
    }

    async fn set_group_roles(
        &self,
        group: &str,
        roles: &[String],
        held: bool,
    ) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        let group_exists = s.groups.contains_key(group);
        for role in roles {
            let exists = group_exists && s.roles.contains_key(role);
            let pair = (group.to_owned(), role.clone());
            State::link(&mut s.group_roles, pair, held, exists)?;
        }
        Ok(())
    }
}

#[async_trait]
impl CspStore for MemoryStore {
    async fn create_csp_app(&self, app: &CspAppRecord) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        if s.csp_apps.contains_key(&app.id) || s.csp_apps.values().any(|a| a.name == app.name) {
            return Err(StoreError::conflict("an app with this id or name exists"));
        }
        s.csp_apps.insert(app.id.clone(), app.clone());
        Ok(())
    }

    async fn csp_app(&self, id: &str) -> Result<Option<CspAppRecord>, StoreError> {
        Ok(self.lock()?.csp_apps.get(id).cloned())
    }

    async fn csp_apps(&self) -> Result<Vec<CspAppRecord>, StoreError> {
        let mut all: Vec<CspAppRecord> = self.lock()?.csp_apps.values().cloned().collect();
        all.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        Ok(all)
    }

    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError> {
        Ok(match self.lock()?.csp_apps.get_mut(id) {
            Some(app) => {
                app.secret_digest = *digest;
                app.generation += 1;
                true
            }
            None => false,
        })
    }

    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.lock()?.csp_apps.remove(id).is_some())
    }

    async fn create_csp_token(&self, token: &CspTokenRecord) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        if s.csp_tokens
            .iter()
            .any(|(t, _)| t.id == token.id || t.digest.as_bytes() == token.digest.as_bytes())
        {
            return Err(StoreError::conflict(
                "a token with this id or secret exists",
            ));
        }
        let mut token = token.clone();
        token.revoked = false;
        s.csp_tokens.push((token, None));
        Ok(())
    }

    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<CspTokenRecord>, StoreError> {
        Ok(self
            .lock()?
            .csp_tokens
            .iter()
            .find(|(t, _)| t.digest.as_bytes() == digest.as_bytes())
            .map(|(t, _)| t.clone()))
    }

    async fn csp_token(&self, id: &str) -> Result<Option<CspTokenRecord>, StoreError> {
        Ok(self
            .lock()?
            .csp_tokens
            .iter()
            .find(|(t, _)| t.id == id)
            .map(|(t, _)| t.clone()))
    }

    async fn csp_tokens_of(&self, account: &AccountId) -> Result<Vec<CspTokenRecord>, StoreError> {
        Ok(self
            .lock()?
            .csp_tokens
            .iter()
            .filter(|(t, _)| t.account == *account)
            .map(|(t, _)| t.clone())
            .collect())
    }

    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        Ok(
            match s
                .csp_tokens
                .iter_mut()
                .find(|(t, _)| t.id == id && t.account == *account)
            {
                Some((t, revoked_ms)) => {
                    t.revoked = true;
                    revoked_ms.get_or_insert(now);
                    true
                }
                None => false,
            },
        )
    }
}

#[async_trait]
impl CspKeyStore for MemoryStore {
    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError> {
        Ok(self
            .lock()?
            .org_id
            .get_or_insert_with(|| candidate.to_owned())
            .clone())
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let mut keys = self.lock()?.signing_keys.clone();
        keys.sort_by(|a, b| (a.created_ms, &a.kid).cmp(&(b.created_ms, &b.kid)));
        Ok(keys)
    }

    async fn add_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        if s.signing_keys.iter().any(|k| k.kid == key.kid) {
            return Err(StoreError::conflict("a key with this kid exists"));
        }
        s.signing_keys.push(key.clone());
        Ok(())
    }
}

#[async_trait]
impl InviteStore for MemoryStore {
    async fn put_invite(
        &self,
        invite: &InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError> {
        self.lock()?.invites.insert(
            invite.account.as_str().to_owned(),
            (invite.clone(), *digest.as_bytes()),
        );
        Ok(())
    }

    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError> {
        let mut s = self.lock()?;
        let Some(account) = s
            .invites
            .iter()
            .find(|(_, (_, d))| d == digest.as_bytes())
            .map(|(a, _)| a.clone())
        else {
            return Ok(None);
        };
        Ok(s.invites
            .remove(&account)
            .filter(|(invite, _)| invite.expires_ms > now)
            .map(|(invite, _)| invite.account))
    }

    async fn invites(&self) -> Result<Vec<InviteRecord>, StoreError> {
        let mut all: Vec<InviteRecord> = self
            .lock()?
            .invites
            .values()
            .map(|(i, _)| i.clone())
            .collect();
        all.sort_by(|a, b| (a.created_ms, &a.account).cmp(&(b.created_ms, &b.account)));
        Ok(all)
    }
}

#[async_trait]
impl AuditLog for MemoryStore {
    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        let mut s = self.lock()?;
        let id = i64::try_from(s.audit.len()).unwrap_or(i64::MAX) + 1;
        s.audit.push(AuditRecord {
            id,
            event: event.clone(),
        });
        Ok(())
    }

    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError> {
        if let Some(r) = self.lock()?.audit.iter_mut().find(|r| r.id == id) {
            target.clone_into(&mut r.event.target);
            r.event.outcome = outcome;
        }
        Ok(())
    }

    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        let s = self.lock()?;
        let page = s
            .audit
            .iter()
            .rev()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(limit as usize)
            .cloned()
            .collect();
        Ok((page, s.audit.len() as u64))
    }
}
