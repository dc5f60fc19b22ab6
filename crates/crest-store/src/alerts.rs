//! Alerts: one row each (the document, ACL and runtime as JSON), and their version log, capped
//! at [`MAX_VERSIONS`](crest_domain::version_log::MAX_VERSIONS) per alert.

use async_trait::async_trait;
use crest_domain::alert::{Acl, AlertRecord, AlertRuntime, AlertStore, AlertVersion};
use crest_domain::clock::EpochMillis;
use crest_domain::store::StoreError;
use serde_json::{Map, Value};

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::version_log::{self, Versioned, add_version, from_json, to_json, version_number};

const TABLES: Versioned = Versioned {
    main: "alerts",
    versions: "alert_versions",
    key: "alert_id",
};
use crate::write::write_tx;

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
    acl: String,
    snoozed: Option<i64>,
    runtime: String,
}

const COLUMNS: &str = "id, document, version, created_ms, creator, updated_ms, updater, \
    trashed_ms, acl, snoozed, runtime";

fn record(r: Row) -> Result<AlertRecord, DbError> {
    Ok(AlertRecord {
        document: from_json::<Map<String, Value>>("an alert's document", &r.document)?,
        version: version_number(r.version)?,
        acl: from_json::<Acl>("an alert's ACL", &r.acl)?,
        runtime: from_json::<AlertRuntime>("an alert's runtime state", &r.runtime)?,
        id: r.id,
        created_ms: r.created_ms,
        creator: r.creator,
        updated_ms: r.updated_ms,
        updater: r.updater,
        trashed_ms: r.trashed_ms,
        snoozed: r.snoozed,
    })
}

fn records(rows: Vec<Row>) -> Result<Vec<AlertRecord>, DbError> {
    rows.into_iter().map(record).collect()
}

#[async_trait]
impl AlertStore for SqlStore {
    async fn alert(&self, id: &str) -> Result<Option<AlertRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM alerts WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            row.map(record).transpose()
        })
    }

    async fn alerts(&self) -> Result<Vec<AlertRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM alerts ORDER BY id"))
                    .fetch_all(pool)
                    .await?;
            records(rows)
        })
    }

    async fn create_alert(&self, a: &AlertRecord, change: &str) -> Result<bool, StoreError> {
        let document = to_json("cannot write an alert's document", &a.document)?;
        let acl = to_json("cannot write an alert's ACL", &a.acl)?;
        let runtime = to_json("cannot write an alert's runtime state", &a.runtime)?;
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO alerts (id, document, version, created_ms, creator, updated_ms, \
                 updater, trashed_ms, acl, snoozed, runtime) \
                 VALUES ($1, $2, 1, $3, $4, $5, $6, NULL, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&a.id)
            .bind(&document)
            .bind(a.created_ms)
            .bind(&a.creator)
            .bind(a.updated_ms)
            .bind(&a.updater)
            .bind(&acl)
            .bind(a.snoozed)
            .bind(&runtime)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if created {
                add_version!(
                    tx,
                    &TABLES.insert_version(),
                    &a.id,
                    1_i64,
                    &document,
                    &a.creator,
                    a.created_ms,
                    change
                );
            }
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn save_alert(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        version_log::save(&self.db, TABLES, id, document, now, by, change).await
    }

    async fn alert_history(&self, id: &str) -> Result<Vec<AlertVersion>, StoreError> {
        version_log::history(&self.db, TABLES, id).await
    }

    async fn set_alert_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        let acl = to_json("cannot write an alert's ACL", acl)?;
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE alerts SET acl = $1 WHERE id = $2")
                .bind(&acl)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn set_alert_snooze(
        &self,
        id: &str,
        snoozed: Option<EpochMillis>,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE alerts SET snoozed = $1 WHERE id = $2")
                .bind(snoozed)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn record_evaluation(
        &self,
        id: &str,
        runtime: &AlertRuntime,
    ) -> Result<bool, StoreError> {
        let runtime = to_json("cannot write an alert's runtime state", runtime)?;
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE alerts SET runtime = $1 WHERE id = $2")
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

    async fn list_alerts_for_evaluation(&self) -> Result<Vec<AlertRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE trashed_ms IS NULL ORDER BY id"
            ))
            .fetch_all(pool)
            .await?;
            records(rows)
        })
    }
}
