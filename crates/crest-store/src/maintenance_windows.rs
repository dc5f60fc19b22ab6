//! Maintenance windows: one row each, what the user set kept as JSON.

use async_trait::async_trait;
use crest_domain::maintenance::{MaintenanceWindowRecord, MaintenanceWindowStore, WindowSpec};
use crest_domain::store::StoreError;

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    spec: String,
    created_ms: i64,
    creator: String,
    updated_ms: i64,
    updater: String,
}

const COLUMNS: &str = "id, spec, created_ms, creator, updated_ms, updater";

fn record(r: Row) -> Result<MaintenanceWindowRecord, DbError> {
    let spec: WindowSpec = serde_json::from_str(&r.spec).map_err(|e| {
        DbError::Store(StoreError::corrupt("a maintenance window's fields").because(e))
    })?;
    Ok(MaintenanceWindowRecord {
        id: r.id,
        spec,
        created_ms: r.created_ms,
        creator: r.creator,
        updated_ms: r.updated_ms,
        updater: r.updater,
    })
}

fn spec_text(w: &MaintenanceWindowRecord) -> Result<String, DbError> {
    serde_json::to_string(&w.spec).map_err(|e| {
        DbError::Store(StoreError::other("cannot write a maintenance window's fields").because(e))
    })
}

#[async_trait]
impl MaintenanceWindowStore for SqlStore {
    async fn maintenance_window(
        &self,
        id: &str,
    ) -> Result<Option<MaintenanceWindowRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM maintenance_windows WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await?;
            row.map(record).transpose()
        })
    }

    async fn maintenance_windows(&self) -> Result<Vec<MaintenanceWindowRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM maintenance_windows ORDER BY id"
            ))
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(record).collect()
        })
    }

    async fn create_maintenance_window(
        &self,
        w: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError> {
        let spec = spec_text(w)?;
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO maintenance_windows (id, spec, created_ms, creator, updated_ms, \
                 updater) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&w.id)
            .bind(&spec)
            .bind(w.created_ms)
            .bind(&w.creator)
            .bind(w.updated_ms)
            .bind(&w.updater)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn update_maintenance_window(
        &self,
        w: &MaintenanceWindowRecord,
    ) -> Result<bool, StoreError> {
        let spec = spec_text(w)?;
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE maintenance_windows SET spec = $1, updated_ms = $2, updater = $3 \
                 WHERE id = $4",
            )
            .bind(&spec)
            .bind(w.updated_ms)
            .bind(&w.updater)
            .bind(&w.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn delete_maintenance_window(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("DELETE FROM maintenance_windows WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }
}
