//! The trash for every kind that has one: a `trashed_ms` column on the kind's table.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::store::StoreError;
use crest_domain::trash::{RETENTION_MS, TrashKind, TrashStore};

use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// The table that holds a kind's objects; each has `id`, `trashed_ms`, `updated_ms`, `updater`.
const fn table(kind: TrashKind) -> &'static str {
    match kind {
        TrashKind::CloudIntegration => "cloud_integrations",
        TrashKind::Proxy => "proxies",
        TrashKind::Alert => "alerts",
        TrashKind::Dashboard => "dashboards",
        TrashKind::DerivedMetric => "derived_metrics",
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
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(&sql)
                .bind(now)
                .bind(by)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
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
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(&sql)
                .bind(now)
                .bind(by)
                .bind(id)
                .bind(now.saturating_sub(RETENTION_MS))
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn remove_for_good(&self, kind: TrashKind, id: &str) -> Result<bool, StoreError> {
        let sql = format!("DELETE FROM {} WHERE id = $1", table(kind));
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(&sql)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn purge_expired(&self, cutoff: EpochMillis) -> Result<u64, StoreError> {
        let mut removed = 0;
        for kind in TrashKind::ALL {
            let sql = format!("DELETE FROM {} WHERE trashed_ms <= $1", table(kind));
            removed += write_tx!(&self.db, |tx, dialect| {
                let count = sqlx::query(&sql)
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                tx.commit_bookkeeping().await?;
                Ok(count)
            })?;
        }
        Ok(removed)
    }
}
