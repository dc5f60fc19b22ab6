//! [`RoleStore`] on SQL: roles, their permissions and who holds them.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::role::{NewRole, RoleChange, RoleRecord};
use crest_domain::store::{RoleStore, StoreError};

use crate::accounts::{parse_permissions, split_ids};
use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct RoleRow {
    id: String,
    name: String,
    description: String,
    created_ms: i64,
    updated_ms: i64,
    updated_by: String,
    permissions: Option<String>,
    accounts: Option<String>,
    groups: Option<String>,
}

#[async_trait]
impl RoleStore for SqlStore {
    async fn roles(&self) -> Result<Vec<RoleRecord>, StoreError> {
        self.select_roles(None).await
    }

    async fn role(&self, id: &str) -> Result<Option<RoleRecord>, StoreError> {
        Ok(self.select_roles(Some(id)).await?.pop())
    }

    async fn create_role(&self, role: &NewRole) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO roles (id, name, description, created_ms, updated_ms, updated_by) \
                 VALUES ($1, $2, $3, $4, $4, $5) ON CONFLICT (name) DO NOTHING",
            )
            .bind(&role.id)
            .bind(&role.name)
            .bind(&role.description)
            .bind(role.now)
            .bind(&role.by)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if created {
                for p in role.permissions.iter() {
                    sqlx::query(
                        "INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)",
                    )
                    .bind(&role.id)
                    .bind(p.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn update_role(
        &self,
        id: &str,
        change: &RoleChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query(
                "UPDATE roles SET name = COALESCE($1, name), description = COALESCE($2, description), \
                 updated_ms = $3, updated_by = $4 WHERE id = $5",
            )
            .bind(change.name.as_deref())
            .bind(change.description.as_deref())
            .bind(now)
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await
            ?
            .rows_affected()
                == 1;
            if found && let Some(permissions) = change.permissions {
                sqlx::query("DELETE FROM role_permissions WHERE role_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for p in permissions.iter() {
                    sqlx::query(
                        "INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)",
                    )
                    .bind(id)
                    .bind(p.as_str())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.end(found).await?;
            Ok(found)
        })
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
}

impl SqlStore {
    /// All roles, or the one with this id.
    async fn select_roles(&self, id: Option<&str>) -> Result<Vec<RoleRecord>, StoreError> {
        let rows: Vec<RoleRow> = with_pool!(&self.db, read, |pool, dialect| {
            let j = dialect.join_text();
            Ok(sqlx::query_as(&format!(
                "SELECT r.id, r.name, r.description, r.created_ms, r.updated_ms, r.updated_by, \
                 (SELECT {j}(p.permission, ',') FROM role_permissions p WHERE p.role_id = r.id) AS permissions, \
                 (SELECT {j}(a.account_id, ',') FROM account_roles a WHERE a.role_id = r.id) AS accounts, \
                 (SELECT {j}(g.group_id, ',') FROM group_roles g WHERE g.role_id = r.id) AS groups \
                 FROM roles r WHERE ($1 IS NULL OR r.id = $1) ORDER BY r.name, r.id"
            ))
            .bind(id)
            .fetch_all(pool)
            .await?)
        })?;
        rows.into_iter()
            .map(|r| {
                Ok(RoleRecord {
                    permissions: parse_permissions(r.permissions.as_deref())?,
                    accounts: split_ids(r.accounts.as_deref()),
                    groups: split_ids(r.groups.as_deref()),
                    id: r.id,
                    name: r.name,
                    description: r.description,
                    created_ms: r.created_ms,
                    updated_ms: r.updated_ms,
                    updated_by: r.updated_by,
                })
            })
            .collect()
    }
}
