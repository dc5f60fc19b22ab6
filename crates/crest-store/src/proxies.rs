//! Proxies: one row each, written by check-ins (one upsert), by the operator, and by what the
//! proxy saves of itself.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::proxy::{CheckInFields, ProxyRecord, ProxyStore};
use crest_domain::store::StoreError;

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// One row, as selected by [`COLUMNS`].
#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    name: Option<String>,
    proxyname: String,
    hostname: String,
    version: String,
    ephemeral: bool,
    user_id: String,
    last_check_in_ms: i64,
    time_drift_ms: i64,
    shutdown_requested: bool,
    truncate_requested: bool,
    config: Option<String>,
    preprocessor_rules: Option<String>,
    created_ms: i64,
    updated_ms: i64,
    updater: String,
    trashed_ms: Option<i64>,
}

const COLUMNS: &str = "id, name, proxyname, hostname, version, ephemeral, user_id, \
    last_check_in_ms, time_drift_ms, shutdown_requested, truncate_requested, config, \
    preprocessor_rules, created_ms, updated_ms, updater, trashed_ms";

fn record(r: Row) -> ProxyRecord {
    ProxyRecord {
        id: r.id,
        name: r.name,
        proxyname: r.proxyname,
        hostname: r.hostname,
        version: r.version,
        ephemeral: r.ephemeral,
        user_id: r.user_id,
        last_check_in_ms: r.last_check_in_ms,
        time_drift_ms: r.time_drift_ms,
        shutdown: r.shutdown_requested,
        truncate: r.truncate_requested,
        config: r.config,
        preprocessor_rules: r.preprocessor_rules,
        created_ms: r.created_ms,
        updated_ms: r.updated_ms,
        updater: r.updater,
        trashed_ms: r.trashed_ms,
    }
}

#[async_trait]
impl ProxyStore for SqlStore {
    async fn proxy(&self, id: &str) -> Result<Option<ProxyRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM proxies WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            Ok(row.map(record))
        })
    }

    async fn proxies(&self) -> Result<Vec<ProxyRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM proxies ORDER BY id"))
                    .fetch_all(pool)
                    .await?;
            Ok(rows.into_iter().map(record).collect())
        })
    }

    async fn check_in_proxy(&self, f: &CheckInFields) -> Result<ProxyRecord, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let row: Row = sqlx::query_as(&format!(
                "INSERT INTO proxies (id, name, proxyname, hostname, version, ephemeral, user_id, \
                 last_check_in_ms, time_drift_ms, created_ms, updated_ms, updater) \
                 VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $7, $7, $6) \
                 ON CONFLICT (id) DO UPDATE SET proxyname = excluded.proxyname, \
                 hostname = excluded.hostname, version = excluded.version, \
                 ephemeral = excluded.ephemeral, user_id = excluded.user_id, \
                 last_check_in_ms = excluded.last_check_in_ms, \
                 time_drift_ms = excluded.time_drift_ms \
                 RETURNING {COLUMNS}"
            ))
            .bind(&f.id)
            .bind(&f.proxyname)
            .bind(&f.hostname)
            .bind(&f.version)
            .bind(f.ephemeral)
            .bind(&f.user_id)
            .bind(f.now)
            .bind(f.time_drift_ms)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(record(row))
        })
    }

    async fn update_proxy(
        &self,
        id: &str,
        name: Option<&str>,
        shutdown: bool,
        truncate: bool,
        now: EpochMillis,
        by: &str,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE proxies SET name = $1, shutdown_requested = $2, truncate_requested = $3, \
                 updated_ms = $4, updater = $5 WHERE id = $6 AND trashed_ms IS NULL",
            )
            .bind(name)
            .bind(shutdown)
            .bind(truncate)
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

    async fn clear_proxy_truncate(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE proxies SET truncate_requested = FALSE \
                 WHERE id = $1 AND truncate_requested",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn save_proxy_config(&self, id: &str, config: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE proxies SET config = $1 WHERE id = $2")
                .bind(config)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn save_proxy_rules(&self, id: &str, rules: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE proxies SET preprocessor_rules = $1 WHERE id = $2")
                .bind(rules)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn forget_silent_ephemeral_proxies(
        &self,
        cutoff: EpochMillis,
    ) -> Result<u64, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let removed =
                sqlx::query("DELETE FROM proxies WHERE ephemeral AND last_check_in_ms <= $1")
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            tx.commit_bookkeeping().await?;
            Ok(removed)
        })
    }
}
