//! [`PasswordStore`] on SQL: what password sign-in reads and writes, the hashes (Argon2id).

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::store::{PasswordStore, StoreError};

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[async_trait]
impl PasswordStore for SqlStore {
    async fn set_password_hash(
        &self,
        id: &AccountId,
        hash: Option<&str>,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query(
                "UPDATE accounts SET password_hash = $1, updated_ms = $2 WHERE id = $3",
            )
            .bind(hash)
            .bind(now)
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(found).await?;
            Ok(found)
        })
    }

    async fn password_hash(&self, id: &AccountId) -> Result<Option<String>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_scalar::<_, Option<String>>(
                "SELECT password_hash FROM accounts WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map(Option::flatten)?)
        })
    }
}
