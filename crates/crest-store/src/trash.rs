//! The trash for every kind that has one: a `trashed_ms` column on the kind's table.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::store::StoreError;
use crest_domain::trash::{RETENTION_MS, TrashKind, TrashStore};

use crate::db::with_pool;
use crate::error::store_error;
use crate::sql_store::SqlStore;

/// The table that holds a kind's objects; each has `id`, `trashed_ms`, `updated_ms`, `updater`.
const fn table(kind: TrashKind) -> &'static str {
    match kind {
        TrashKind::CloudIntegration => "cloud_integrations",
    }
}

#[async_trait]
impl TrashStore for SqlStore {
    async fn move_to_trash(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE {} SET trashed_ms = $1, updated_ms = $1, updater = $2 \
             WHERE id = $3 AND trashed_ms IS NULL",
            table(kind)
        );
        with_pool!(&self.db, write, |pool, dialect| {
            sqlx::query(&sql)
                .bind(now)
                .bind(by)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
                .map_err(store_error)
        })
    }

    async fn restore(
        &self,
        kind: TrashKind,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        let sql = format!(
            "UPDATE {} SET trashed_ms = NULL, updated_ms = $1, updater = $2 \
             WHERE id = $3 AND trashed_ms IS NOT NULL AND trashed_ms > $4",
            table(kind)
        );
        with_pool!(&self.db, write, |pool, dialect| {
            sqlx::query(&sql)
                .bind(now)
                .bind(by)
                .bind(id)
                .bind(now.saturating_sub(RETENTION_MS))
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
                .map_err(store_error)
        })
    }

    async fn remove_for_good(&self, kind: TrashKind, id: &str) -> Result<bool, StoreError> {
        let sql = format!("DELETE FROM {} WHERE id = $1", table(kind));
        with_pool!(&self.db, write, |pool, dialect| {
            sqlx::query(&sql)
                .bind(id)
                .execute(pool)
                .await
                .map(|r| r.rows_affected() == 1)
                .map_err(store_error)
        })
    }

    async fn purge_expired(&self, cutoff: EpochMillis) -> Result<u64, StoreError> {
        let mut removed = 0;
        for kind in TrashKind::ALL {
            let sql = format!("DELETE FROM {} WHERE trashed_ms <= $1", table(kind));
            removed += with_pool!(&self.db, write, |pool, dialect| {
                sqlx::query(&sql)
                    .bind(cutoff)
                    .execute(pool)
                    .await
                    .map(|r| r.rows_affected())
                    .map_err(store_error)
            })?;
        }
        Ok(removed)
    }
}
