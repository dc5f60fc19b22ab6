//! Derived metrics: one row each (the definition and the runner's findings as JSON), and their
//! version log, kept as alerts' are (`version_log.rs`).

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::derived::{DerivedMetricStore, DerivedRecord, DerivedRuntime};
use crest_domain::store::StoreError;
use crest_domain::version_log::SavedVersion;
use serde_json::{Map, Value};

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::version_log::{self, Versioned, add_version, from_json, to_json, version_number};
use crate::write::write_tx;

const TABLES: Versioned = Versioned {
    main: "derived_metrics",
    versions: "derived_metric_versions",
    key: "derived_metric_id",
};

/// One row, as selected by [`COLUMNS`].
#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    document: String,
    version: i64,
    created_ms: i64,
    creator: String,
    updated_ms: i64,
    updater: String,
    trashed_ms: Option<i64>,
    runtime: String,
}

const COLUMNS: &str =
    "id, document, version, created_ms, creator, updated_ms, updater, trashed_ms, runtime";

fn record(r: Row) -> Result<DerivedRecord, DbError> {
    Ok(DerivedRecord {
        document: from_json("a derived metric's definition", &r.document)?,
        version: version_number(r.version)?,
        runtime: from_json("a derived metric's runtime state", &r.runtime)?,
        id: r.id,
        created_ms: r.created_ms,
        creator: r.creator,
        updated_ms: r.updated_ms,
        updater: r.updater,
        trashed_ms: r.trashed_ms,
    })
}

#[async_trait]
impl DerivedMetricStore for SqlStore {
    async fn derived_metric(&self, id: &str) -> Result<Option<DerivedRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM derived_metrics WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional(pool)
            .await?;
            row.map(record).transpose()
        })
    }

    async fn derived_metrics(&self) -> Result<Vec<DerivedRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM derived_metrics ORDER BY id"
            ))
            .fetch_all(pool)
            .await?;
            rows.into_iter().map(record).collect()
        })
    }

    async fn create_derived_metric(
        &self,
        d: &DerivedRecord,
        change: &str,
    ) -> Result<bool, StoreError> {
        let document = to_json("cannot write a derived metric's definition", &d.document)?;
        let runtime = to_json("cannot write a derived metric's runtime state", &d.runtime)?;
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO derived_metrics (id, document, version, created_ms, creator, \
                 updated_ms, updater, trashed_ms, runtime) \
                 VALUES ($1, $2, 1, $3, $4, $5, $6, NULL, $7) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&d.id)
            .bind(&document)
            .bind(d.created_ms)
            .bind(&d.creator)
            .bind(d.updated_ms)
            .bind(&d.updater)
            .bind(&runtime)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if created {
                add_version!(
                    tx,
                    &TABLES.insert_version(),
                    &d.id,
                    1_i64,
                    &document,
                    &d.creator,
                    d.created_ms,
                    change
                );
            }
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn save_derived_metric(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        version_log::save(&self.db, TABLES, id, document, now, by, change).await
    }

    async fn derived_metric_history(&self, id: &str) -> Result<Vec<SavedVersion>, StoreError> {
        version_log::history(&self.db, TABLES, id).await
    }

    async fn record_derived_run(
        &self,
        id: &str,
        runtime: &DerivedRuntime,
    ) -> Result<bool, StoreError> {
        let runtime = to_json("cannot write a derived metric's runtime state", runtime)?;
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE derived_metrics SET runtime = $1 WHERE id = $2")
                .bind(&runtime)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if changed {
                tx.commit_bookkeeping().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(changed)
        })
    }
}
