//! [`GroupStore`] on SQL: user groups, their members and roles; and the link-table helpers they
//! share with roles.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::group::{GroupRecord, NewGroup};
use crest_domain::store::{GroupStore, StoreError};

use crate::accounts::split_ids;
use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct GroupRow {
    id: String,
    name: String,
    description: String,
    system: bool,
    created_ms: i64,
    roles: Option<String>,
    members: Option<String>,
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn groups(&self) -> Result<Vec<GroupRecord>, StoreError> {
        self.select_groups(None).await
    }

    async fn group(&self, id: &str) -> Result<Option<GroupRecord>, StoreError> {
        Ok(self.select_groups(Some(id)).await?.pop())
    }

    async fn create_group(&self, group: &NewGroup) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO user_groups (id, name, description, system, created_ms) \
                 VALUES ($1, $2, $3, FALSE, $4) ON CONFLICT (name) DO NOTHING",
            )
            .bind(&group.id)
            .bind(&group.name)
            .bind(&group.description)
            .bind(group.now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if created {
                for role in &group.roles {
                    sqlx::query("INSERT INTO group_roles (group_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(&group.id)
                        .bind(role)
                        .execute(&mut *tx)
                        .await
                        ?;
                }
            }
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn update_group(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
        roles: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query(
                "UPDATE user_groups SET name = COALESCE($1, name), description = COALESCE($2, description) \
                 WHERE id = $3",
            )
            .bind(name)
            .bind(description)
            .bind(id)
            .execute(&mut *tx)
            .await
            ?
            .rows_affected()
                == 1;
            if found && let Some(roles) = roles {
                sqlx::query("DELETE FROM group_roles WHERE group_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                for role in roles {
                    sqlx::query("INSERT INTO group_roles (group_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                        .bind(id)
                        .bind(role)
                        .execute(&mut *tx)
                        .await
                        ?;
                }
            }
            tx.end(found).await?;
            Ok(found)
        })
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

impl SqlStore {
    /// All groups, or the one with this id.
    async fn select_groups(&self, id: Option<&str>) -> Result<Vec<GroupRecord>, StoreError> {
        let rows: Vec<GroupRow> = with_pool!(&self.db, read, |pool, dialect| {
            let j = dialect.join_text();
            Ok(sqlx::query_as(&format!(
                "SELECT g.id, g.name, g.description, g.system, g.created_ms, \
                 (SELECT {j}(r.role_id, ',') FROM group_roles r WHERE r.group_id = g.id) AS roles, \
                 (SELECT {j}(m.account_id, ',') FROM user_group_members m WHERE m.group_id = g.id) AS members \
                 FROM user_groups g WHERE ($1 IS NULL OR g.id = $1) ORDER BY g.name, g.id"
            ))
            .bind(id)
            .fetch_all(pool)
            .await?)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| GroupRecord {
                roles: split_ids(r.roles.as_deref()),
                members: split_ids(r.members.as_deref()),
                id: r.id,
                name: r.name,
                description: r.description,
                system: r.system,
                created_ms: r.created_ms,
            })
            .collect())
    }

    /// Deletes the row with this id from `table` (one of crest's own table names).
    pub(crate) async fn delete_row(
        &self,
        table: &'static str,
        id: &str,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let removed = sqlx::query(&format!("DELETE FROM {table} WHERE id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(removed).await?;
            Ok(removed)
        })
    }

    /// Adds (or removes) the pairs (`many`, `one`) of a link table, in one transaction. Table and
    /// column names are crest's own, never input.
    pub(crate) async fn link_pairs(
        &self,
        table: &'static str,
        many_column: &'static str,
        one_column: &'static str,
        many: &[String],
        one: &str,
        linked: bool,
    ) -> Result<(), StoreError> {
        if many.is_empty() {
            return Ok(());
        }
        let sql = if linked {
            format!(
                "INSERT INTO {table} ({many_column}, {one_column}) VALUES ($1, $2) ON CONFLICT DO NOTHING"
            )
        } else {
            format!("DELETE FROM {table} WHERE {many_column} = $1 AND {one_column} = $2")
        };
        write_tx!(&self.db, |tx, dialect| {
            for item in many {
                sqlx::query(&sql)
                    .bind(item)
                    .bind(one)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })
    }
}
