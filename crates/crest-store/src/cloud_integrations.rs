//! Cloud integrations and AWS external ids.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::cloud_integration::{
    CloudIntegrationChange, CloudIntegrationRecord, CloudIntegrationStore,
};
use crest_domain::store::StoreError;

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    name: String,
    service: String,
    settings: String,
    disabled: bool,
    created_ms: i64,
    creator: String,
    updated_ms: i64,
    updater: String,
    trashed_ms: Option<i64>,
}

impl From<Row> for CloudIntegrationRecord {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            name: r.name,
            service: r.service,
            settings: r.settings,
            disabled: r.disabled,
            created_ms: r.created_ms,
            creator: r.creator,
            updated_ms: r.updated_ms,
            updater: r.updater,
            trashed_ms: r.trashed_ms,
        }
    }
}

const COLUMNS: &str = "id, name, service, settings, disabled, created_ms, creator, updated_ms, \
    updater, trashed_ms";

#[async_trait]
impl CloudIntegrationStore for SqlStore {
    async fn cloud_integrations(&self) -> Result<Vec<CloudIntegrationRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM cloud_integrations ORDER BY created_ms, id"
            ))
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn cloud_integration(
        &self,
        id: &str,
    ) -> Result<Option<CloudIntegrationRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM cloud_integrations WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await?;
            Ok(row.map(Into::into))
        })
    }

    async fn create_cloud_integration(&self, r: &CloudIntegrationRecord) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(&format!(
                "INSERT INTO cloud_integrations ({COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .bind(&r.id)
            .bind(&r.name)
            .bind(&r.service)
            .bind(&r.settings)
            .bind(r.disabled)
            .bind(r.created_ms)
            .bind(&r.creator)
            .bind(r.updated_ms)
            .bind(&r.updater)
            .bind(r.trashed_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    async fn update_cloud_integration(
        &self,
        id: &str,
        change: &CloudIntegrationChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE cloud_integrations SET name = $1, service = $2, settings = $3, \
                 updated_ms = $4, updater = $5 WHERE id = $6 AND trashed_ms IS NULL",
            )
            .bind(&change.name)
            .bind(&change.service)
            .bind(&change.settings)
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

    async fn set_cloud_integration_disabled(
        &self,
        id: &str,
        disabled: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE cloud_integrations SET disabled = $1, updated_ms = $2, updater = $3 \
                 WHERE id = $4 AND trashed_ms IS NULL",
            )
            .bind(disabled)
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

    async fn create_aws_external_id(
        &self,
        id: &str,
        now: EpochMillis,
        by: &str,
    ) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO aws_external_ids (id, created_ms, creator) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(now)
            .bind(by)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    async fn aws_external_id_exists(&self, id: &str) -> Result<bool, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let found: Option<(String,)> =
                sqlx::query_as("SELECT id FROM aws_external_ids WHERE id = $1")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            Ok(found.is_some())
        })
    }

    async fn delete_aws_external_id(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("DELETE FROM aws_external_ids WHERE id = $1")
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
