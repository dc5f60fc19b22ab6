//! [`BootstrapStore`] on SQL: applying the bootstrap plan in one transaction.

use async_trait::async_trait;
use crest_domain::account::AccountKind;
use crest_domain::group::EVERYONE_GROUP_ID;
use crest_domain::store::{BootstrapApplied, BootstrapPlan, BootstrapStore, StoreError};

use crate::dialect::BOOTSTRAP_LOCK;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// The `meta` key that remembers which token the bootstrap installed.
const BOOTSTRAP_TOKEN_KEY: &str = "bootstrap_token_id";

#[async_trait]
impl BootstrapStore for SqlStore {
    async fn apply_bootstrap(&self, plan: &BootstrapPlan) -> Result<BootstrapApplied, StoreError> {
        let admin = plan.admin.as_str();
        let digest = plan.token_digest.as_bytes().as_slice();
        write_tx!(&self.db, |tx, dialect| {
            if let Some(lock) = dialect.serialize_tx() {
                sqlx::query(lock)
                    .bind(BOOTSTRAP_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            if plan.only_if_empty {
                let any: Option<String> = sqlx::query_scalar("SELECT id FROM accounts LIMIT 1")
                    .fetch_optional(&mut *tx)
                    .await?;
                if any.is_some() {
                    tx.rollback().await?;
                    return Ok(BootstrapApplied::Skipped);
                }
            }
            let created = sqlx::query(
                "INSERT INTO accounts (id, kind, active, super_admin, created_ms, updated_ms) \
                 VALUES ($1, $2, TRUE, TRUE, $3, $3) ON CONFLICT (id) DO NOTHING",
            )
            .bind(admin)
            .bind(AccountKind::User.as_str())
            .bind(plan.now)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !created {
                sqlx::query(
                    "UPDATE accounts SET super_admin = TRUE, active = TRUE, updated_ms = $1 \
                     WHERE id = $2 AND (super_admin = FALSE OR active = FALSE)",
                )
                .bind(plan.now)
                .bind(admin)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO user_group_members (group_id, account_id) VALUES ($1, $2) \
                 ON CONFLICT (group_id, account_id) DO NOTHING",
            )
            .bind(EVERYONE_GROUP_ID)
            .bind(admin)
            .execute(&mut *tx)
            .await?;
            for permission in plan.permissions.iter() {
                sqlx::query(
                    "INSERT INTO account_permissions (account_id, permission) VALUES ($1, $2) \
                     ON CONFLICT (account_id, permission) DO NOTHING",
                )
                .bind(admin)
                .bind(permission.as_str())
                .execute(&mut *tx)
                .await?;
            }
            let existing: Option<(String, String)> =
                sqlx::query_as("SELECT id, account_id FROM api_tokens WHERE digest = $1")
                    .bind(digest)
                    .fetch_optional(&mut *tx)
                    .await?;
            let applied = match existing {
                Some((_, owner)) if owner != admin => {
                    return Err(StoreError::conflict(
                        "the bootstrap token belongs to another account",
                    )
                    .into());
                }
                // The token is in place (even if someone revoked it since: revocation is final).
                Some(_) => {
                    if created {
                        BootstrapApplied::Created
                    } else {
                        BootstrapApplied::Unchanged
                    }
                }
                None => {
                    let previous: Option<String> =
                        sqlx::query_scalar("SELECT value FROM meta WHERE key = $1")
                            .bind(BOOTSTRAP_TOKEN_KEY)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if let Some(previous) = previous {
                        sqlx::query(
                            "UPDATE api_tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL",
                        )
                        .bind(plan.now)
                        .bind(previous)
                        .execute(&mut *tx)
                        .await
                        ?;
                    }
                    let token_id = plan.token_id.to_string();
                    sqlx::query(
                        "INSERT INTO api_tokens (id, digest, account_id, name, created_ms) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&token_id)
                    .bind(digest)
                    .bind(admin)
                    .bind(&plan.token_name)
                    .bind(plan.now)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO meta (key, value) VALUES ($1, $2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    )
                    .bind(BOOTSTRAP_TOKEN_KEY)
                    .bind(&token_id)
                    .execute(&mut *tx)
                    .await?;
                    if created {
                        BootstrapApplied::Created
                    } else {
                        BootstrapApplied::TokenReplaced
                    }
                }
            };
            tx.commit_bookkeeping().await?;
            Ok(applied)
        })
    }
}
