//! Reading accounts and their direct permissions.

use crest_domain::account::{AccountId, AccountKind, AccountRecord};
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::store::{AccountPage, StoreError};

use crate::db::with_pool;
use crate::dialect::Dialect;
use crate::error::store_error;
use crate::sql_store::SqlStore;

/// The columns every account query selects, with the permissions joined into one text column.
pub(crate) fn account_columns(dialect: Dialect) -> String {
    format!(
        "a.id, a.kind, a.active, a.super_admin, a.created_ms, {}(p.permission, ',') AS permissions",
        dialect.join_text()
    )
}

pub(crate) const ACCOUNT_GROUP_BY: &str = "a.id, a.kind, a.active, a.super_admin, a.created_ms";

/// One account as a query returns it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) active: bool,
    pub(crate) super_admin: bool,
    pub(crate) created_ms: i64,
    pub(crate) permissions: Option<String>,
}

/// An account with the number of accounts the whole listing holds.
#[derive(Debug, sqlx::FromRow)]
struct CountedAccountRow {
    #[sqlx(flatten)]
    account: AccountRow,
    total: i64,
}

impl AccountRow {
    pub(crate) fn into_record(self) -> Result<AccountRecord, StoreError> {
        let kind = AccountKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("account kind '{}'", self.kind)))?;
        Ok(AccountRecord {
            id: AccountId::from_trusted(self.id),
            kind,
            active: self.active,
            super_admin: self.super_admin,
            permissions: parse_permissions(self.permissions.as_deref())?,
            created_ms: self.created_ms,
        })
    }
}

fn parse_permissions(joined: Option<&str>) -> Result<PermissionSet, StoreError> {
    joined
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<Permission>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

impl SqlStore {
    pub(crate) async fn accounts_page(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<AccountPage, StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        with_pool!(&self.db, read, |pool, dialect| {
            // One round trip: the page and, through a window over the grouped rows, the total.
            let sql = format!(
                "SELECT {}, COUNT(*) OVER () AS total \
                 FROM accounts a LEFT JOIN account_permissions p ON p.account_id = a.id \
                 GROUP BY {ACCOUNT_GROUP_BY} ORDER BY a.id LIMIT $1 OFFSET $2",
                account_columns(dialect)
            );
            let rows: Vec<CountedAccountRow> = sqlx::query_as(&sql)
                .bind(i64::from(limit))
                .bind(offset)
                .fetch_all(pool)
                .await
                .map_err(store_error)?;
            let total = match rows.first() {
                Some(first) => first.total,
                // A page past the end (or of size 0) carries no row to read the total from.
                None => sqlx::query_scalar("SELECT COUNT(*) FROM accounts")
                    .fetch_one(pool)
                    .await
                    .map_err(store_error)?,
            };
            Ok(AccountPage {
                items: rows
                    .into_iter()
                    .map(|r| r.account.into_record())
                    .collect::<Result<_, _>>()?,
                total: u64::try_from(total).unwrap_or_default(),
            })
        })
    }
}
