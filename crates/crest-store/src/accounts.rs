//! [`AccountStore`] on SQL: accounts and their direct permissions.

use async_trait::async_trait;
use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::clock::EpochMillis;
use crest_domain::group::{EVERYONE_GROUP_ID, SERVICE_ACCOUNTS_GROUP_ID};
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::store::{
    AccountChange, AccountPage, AccountStore, AccountsDeleted, NewAccount, StoreError,
};

use crate::db::with_pool;
use crate::dialect::Dialect;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// The columns every account query selects (from `accounts a`): the account, its direct
/// permissions, those of its roles and of its groups' roles, its roles, its groups' roles and its
/// groups, each joined into one comma-separated text column by an indexed, correlated subquery
/// (so that a page costs the same however many accounts the store holds).
pub(crate) fn account_columns(dialect: Dialect) -> String {
    let j = dialect.join_text();
    format!(
        "a.id, a.kind, a.active, a.super_admin, a.description, a.created_ms, \
         (SELECT {j}(p.permission, ',') FROM account_permissions p WHERE p.account_id = a.id) AS permissions, \
         (SELECT {j}(rp.permission, ',') FROM account_roles ar \
            JOIN role_permissions rp ON rp.role_id = ar.role_id WHERE ar.account_id = a.id) AS role_permissions, \
         (SELECT {j}(rp.permission, ',') FROM user_group_members m \
            JOIN group_roles gr ON gr.group_id = m.group_id \
            JOIN role_permissions rp ON rp.role_id = gr.role_id WHERE m.account_id = a.id) AS group_permissions, \
         (SELECT {j}(ar.role_id, ',') FROM account_roles ar WHERE ar.account_id = a.id) AS roles, \
         (SELECT {j}(gr.role_id, ',') FROM user_group_members m \
            JOIN group_roles gr ON gr.group_id = m.group_id WHERE m.account_id = a.id) AS group_roles, \
         (SELECT {j}(m.group_id, ',') FROM user_group_members m WHERE m.account_id = a.id) AS user_groups"
    )
}

/// One account as a query returns it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) active: bool,
    pub(crate) super_admin: bool,
    pub(crate) description: String,
    pub(crate) created_ms: i64,
    pub(crate) permissions: Option<String>,
    pub(crate) role_permissions: Option<String>,
    pub(crate) group_permissions: Option<String>,
    pub(crate) roles: Option<String>,
    pub(crate) group_roles: Option<String>,
    pub(crate) user_groups: Option<String>,
}

impl AccountRow {
    pub(crate) fn into_record(self) -> Result<AccountRecord, StoreError> {
        let direct = parse_permissions(self.permissions.as_deref())?;
        let kind = AccountKind::parse(&self.kind)
            .ok_or_else(|| StoreError::corrupt(format!("account kind '{}'", self.kind)))?;
        Ok(AccountRecord {
            id: AccountId::from_trusted(self.id),
            kind,
            active: self.active,
            super_admin: self.super_admin,
            description: self.description,
            permissions: direct,
            united_permissions: direct
                .union(parse_permissions(self.role_permissions.as_deref())?)
                .union(parse_permissions(self.group_permissions.as_deref())?),
            united_roles: {
                let mut all = split_ids(self.roles.as_deref());
                all.extend(split_ids(self.group_roles.as_deref()));
                all.sort();
                all.dedup();
                all
            },
            roles: split_ids(self.roles.as_deref()),
            groups: split_ids(self.user_groups.as_deref()),
            created_ms: self.created_ms,
        })
    }
}

pub(crate) fn split_ids(joined: Option<&str>) -> Vec<String> {
    let mut ids: Vec<String> = joined
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

pub(crate) fn parse_permissions(joined: Option<&str>) -> Result<PermissionSet, StoreError> {
    joined
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Permission>()
                .map_err(|e| StoreError::corrupt("a permission").because(e))
        })
        .collect()
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn list_accounts(&self, offset: u64, limit: u32) -> Result<AccountPage, StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        with_pool!(&self.db, read, |pool, dialect| {
            // The count is separate: a window over every row would evaluate every row's
            // subqueries, not just the page's.
            let sql = format!(
                "SELECT {} FROM accounts a ORDER BY a.id LIMIT $1 OFFSET $2",
                account_columns(dialect)
            );
            let rows: Vec<AccountRow> = sqlx::query_as(&sql)
                .bind(i64::from(limit))
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
                .fetch_one(pool)
                .await?;
            Ok(AccountPage {
                items: rows
                    .into_iter()
                    .map(AccountRow::into_record)
                    .collect::<Result<_, _>>()?,
                total: u64::try_from(total).unwrap_or_default(),
            })
        })
    }

    async fn accounts_of_kind(&self, kind: AccountKind) -> Result<Vec<AccountRecord>, StoreError> {
        self.accounts_where("a.kind", kind.as_str()).await
    }

    async fn account(&self, id: &AccountId) -> Result<Option<AccountRecord>, StoreError> {
        Ok(self.accounts_where("a.id", id.as_str()).await?.pop())
    }

    async fn create_account(&self, new: &NewAccount) -> Result<bool, StoreError> {
        let group = match new.kind {
            AccountKind::User => EVERYONE_GROUP_ID,
            AccountKind::ServiceAccount => SERVICE_ACCOUNTS_GROUP_ID,
        };
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO accounts (id, kind, active, super_admin, description, created_ms, updated_ms) \
                 VALUES ($1, $2, $3, FALSE, $4, $5, $5) ON CONFLICT (id) DO NOTHING",
            )
            .bind(new.id.as_str())
            .bind(new.kind.as_str())
            .bind(new.active)
            .bind(&new.description)
            .bind(new.now)
            .execute(&mut *tx)
            .await
            ?
            .rows_affected()
                == 1;
            if !created {
                tx.rollback().await?;
                return Ok(false);
            }
            for permission in new.permissions.iter() {
                sqlx::query(
                    "INSERT INTO account_permissions (account_id, permission) VALUES ($1, $2)",
                )
                .bind(new.id.as_str())
                .bind(permission.as_str())
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("INSERT INTO user_group_members (group_id, account_id) VALUES ($1, $2)")
                .bind(group)
                .bind(new.id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    async fn update_account(
        &self,
        id: &AccountId,
        change: &AccountChange,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query(
                "UPDATE accounts SET active = COALESCE($1, active), \
                 description = COALESCE($2, description), updated_ms = $3 WHERE id = $4",
            )
            .bind(change.active)
            .bind(change.description.as_deref())
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if found && let Some(permissions) = change.permissions {
                sqlx::query("DELETE FROM account_permissions WHERE account_id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?;
                for permission in permissions.iter() {
                    sqlx::query(
                        "INSERT INTO account_permissions (account_id, permission) VALUES ($1, $2)",
                    )
                    .bind(id.as_str())
                    .bind(permission.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.end(found).await?;
            Ok(found)
        })
    }

    async fn set_permission(
        &self,
        id: &AccountId,
        permission: Permission,
        granted: bool,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query("UPDATE accounts SET updated_ms = $1 WHERE id = $2")
                .bind(now)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if found {
                let sql = if granted {
                    "INSERT INTO account_permissions (account_id, permission) VALUES ($1, $2) \
                     ON CONFLICT (account_id, permission) DO NOTHING"
                } else {
                    "DELETE FROM account_permissions WHERE account_id = $1 AND permission = $2"
                };
                sqlx::query(sql)
                    .bind(id.as_str())
                    .bind(permission.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            tx.end(found).await?;
            Ok(found)
        })
    }

    async fn delete_accounts(&self, ids: &[AccountId]) -> Result<AccountsDeleted, StoreError> {
        if ids.is_empty() {
            return Ok(AccountsDeleted::Deleted(Vec::new()));
        }
        write_tx!(&self.db, |tx, dialect| {
            // Lock the active Super Admins (PostgreSQL; SQLite's write lock is the database's),
            // so that of two deletions racing for the last two, the second reads what the first
            // left and is refused.
            let super_admins: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM accounts WHERE super_admin AND active AND kind = $1 \
                 ORDER BY id{}",
                dialect.for_update()
            ))
            .bind(AccountKind::User.as_str())
            .fetch_all(&mut *tx)
            .await?;
            let leaving = super_admins
                .iter()
                .filter(|a| ids.iter().any(|id| id.as_str() == a.as_str()))
                .count();
            if leaving > 0 && leaving >= super_admins.len() {
                tx.rollback().await?;
                return Ok(AccountsDeleted::LastSuperAdmin);
            }
            let mut deleted = Vec::with_capacity(ids.len());
            for id in ids {
                let removed = sqlx::query("DELETE FROM accounts WHERE id = $1")
                    .bind(id.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
                if removed {
                    deleted.push(id.clone());
                }
            }
            tx.end(!deleted.is_empty()).await?;
            Ok(AccountsDeleted::Deleted(deleted))
        })
    }
}

impl SqlStore {
    /// The accounts whose `filter` column (one of this crate's, never input) equals `value`.
    pub(crate) async fn accounts_where(
        &self,
        filter: &'static str,
        value: &str,
    ) -> Result<Vec<AccountRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let sql = format!(
                "SELECT {} FROM accounts a WHERE {filter} = $1 ORDER BY a.id",
                account_columns(dialect)
            );
            let rows: Vec<AccountRow> = sqlx::query_as(&sql).bind(value).fetch_all(pool).await?;
            Ok(rows
                .into_iter()
                .map(AccountRow::into_record)
                .collect::<Result<_, _>>()?)
        })
    }
}
