//! [`SessionStore`] on SQL: browser sessions, created at sign-in, read by every
//! cookie-authenticated request, ended by sign-out, a forced logout, or expiry.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::session::SessionRecord;
use crest_domain::store::{SessionStore, StoreError};
use crest_domain::token::TokenDigest;

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct SessionRow {
    digest: Vec<u8>,
    account_id: String,
    created_ms: i64,
    seen_ms: i64,
    super_admin_mode: bool,
}

impl SessionRow {
    fn into_record(self) -> Result<SessionRecord, StoreError> {
        Ok(SessionRecord {
            digest: TokenDigest::from_slice(&self.digest)
                .ok_or_else(|| StoreError::corrupt("session digest"))?,
            account: AccountId::parse(&self.account_id)
                .map_err(|_| StoreError::corrupt("session account"))?,
            created_ms: self.created_ms,
            seen_ms: self.seen_ms,
            super_admin_mode: self.super_admin_mode,
        })
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn end_sessions(&self, id: &AccountId, now: EpochMillis) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let found = sqlx::query("UPDATE accounts SET sessions_ended_ms = $1 WHERE id = $2")
                .bind(now)
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
            tx.end(found).await?;
            Ok(found)
        })
    }

    async fn sessions_ended(&self, id: &AccountId) -> Result<Option<EpochMillis>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_scalar::<_, Option<i64>>(
                "SELECT sessions_ended_ms FROM accounts WHERE id = $1",
            )
            .bind(id.as_str())
            .fetch_optional(pool)
            .await
            .map(Option::flatten)?)
        })
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO sessions (digest, account_id, created_ms, seen_ms, super_admin_mode) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(session.digest.as_bytes().as_slice())
            .bind(session.account.as_str())
            .bind(session.created_ms)
            .bind(session.seen_ms)
            .bind(session.super_admin_mode)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    async fn session(&self, digest: &TokenDigest) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_as(
                "SELECT digest, account_id, created_ms, seen_ms, super_admin_mode \
                 FROM sessions WHERE digest = $1",
            )
            .bind(digest.as_bytes().as_slice())
            .fetch_optional(pool)
            .await?)
        })?;
        row.map(SessionRow::into_record).transpose()
    }

    async fn touch_session(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            // Never backwards: two instances may touch the same session out of order.
            sqlx::query("UPDATE sessions SET seen_ms = $1 WHERE digest = $2 AND seen_ms < $1")
                .bind(now)
                .bind(digest.as_bytes().as_slice())
                .execute(&mut *tx)
                .await?;
            tx.commit_bookkeeping().await
        })
    }

    async fn set_session_super_admin_mode(
        &self,
        digest: &TokenDigest,
        on: bool,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed =
                sqlx::query("UPDATE sessions SET super_admin_mode = $1 WHERE digest = $2")
                    .bind(on)
                    .bind(digest.as_bytes().as_slice())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                    == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn delete_session(&self, digest: &TokenDigest) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("DELETE FROM sessions WHERE digest = $1")
                .bind(digest.as_bytes().as_slice())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn end_other_sessions(
        &self,
        id: &AccountId,
        keep: &TokenDigest,
    ) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND digest <> $2")
                .bind(id.as_str())
                .bind(keep.as_bytes().as_slice())
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })
    }

    async fn purge_sessions(
        &self,
        idle_before: EpochMillis,
        started_before: EpochMillis,
    ) -> Result<u64, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let count = sqlx::query("DELETE FROM sessions WHERE seen_ms <= $1 OR created_ms <= $2")
                .bind(idle_before)
                .bind(started_before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit_bookkeeping().await?;
            Ok(count)
        })
    }
}
