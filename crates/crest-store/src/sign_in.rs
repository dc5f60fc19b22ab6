//! What sign-in reads and writes: password hashes (Argon2id), and the forced end of an account's
//! sessions.

use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::store::StoreError;

use crate::db::with_pool;
use crate::error::store_error;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

impl SqlStore {
    pub(crate) async fn write_password_hash(
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
            .await
            .map_err(store_error)?
            .rows_affected()
                == 1;
            tx.end(found).await?;
            Ok(found)
        })
    }

    pub(crate) async fn read_password_hash(
        &self,
        id: &AccountId,
    ) -> Result<Option<String>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT password_hash FROM accounts WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
            .map_err(store_error)
        })
    }

    pub(crate) async fn write_sessions_ended(
        &self,
        id: &AccountId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query("UPDATE accounts SET sessions_ended_ms = $1 WHERE id = $2")
                .bind(now)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(store_error)?
                .rows_affected()
                == 1;
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            tx.end(found).await?;
            Ok(found)
        })
    }

    pub(crate) async fn read_sessions_ended(
        &self,
        id: &AccountId,
    ) -> Result<Option<EpochMillis>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT sessions_ended_ms FROM accounts WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map(Option::flatten)
            .map_err(store_error)
        })
    }
}
