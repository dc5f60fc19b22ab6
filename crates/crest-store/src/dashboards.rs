//! Dashboards: one row each (the JSON and the ACL as text), their version log (capped per id, and
//! kept after a delete for good), and who marked which as a favorite.

use std::collections::BTreeMap;

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::dashboard::{DashboardHistory, DashboardRecord, DashboardStore};
use crest_domain::object_acl::Acl;
use crest_domain::store::StoreError;
use serde_json::{Map, Value};

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::version_log::{VersionRow, from_json, kept_versions, to_json, version_number};
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
}

const COLUMNS: &str =
    "id, document, version, created_ms, creator, updated_ms, updater, trashed_ms, acl";

fn record(r: Row, favorites: Vec<String>) -> Result<DashboardRecord, DbError> {
    Ok(DashboardRecord {
        document: from_json::<Map<String, Value>>("a dashboard's document", &r.document)?,
        version: version_number(r.version)?,
        acl: from_json::<Acl>("a dashboard's ACL", &r.acl)?,
        id: r.id,
        created_ms: r.created_ms,
        creator: r.creator,
        updated_ms: r.updated_ms,
        updater: r.updater,
        trashed_ms: r.trashed_ms,
        favorites,
    })
}

/// Writes a version row and drops those beyond the cap.
macro_rules! add_version {
    ($tx:expr, $id:expr, $version:expr, $document:expr, $by:expr, $now:expr, $change:expr, $acl:expr) => {{
        sqlx::query(
            "INSERT INTO dashboard_versions (dashboard_id, version, document, update_user, \
             update_time, change, acl) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($id)
        .bind($version)
        .bind($document)
        .bind($by)
        .bind($now)
        .bind($change)
        .bind($acl)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM dashboard_versions WHERE dashboard_id = $1 AND version <= $2")
            .bind($id)
            .bind($version - kept_versions())
            .execute(&mut *$tx)
            .await?;
    }};
}

#[async_trait]
impl DashboardStore for SqlStore {
    async fn dashboard(&self, id: &str) -> Result<Option<DashboardRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM dashboards WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            let Some(row) = row else {
                return Ok(None);
            };
            let favorites: Vec<String> = sqlx::query_scalar(
                "SELECT account FROM dashboard_favorites WHERE dashboard_id = $1 ORDER BY account",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            record(row, favorites).map(Some)
        })
    }

    async fn dashboards(&self) -> Result<Vec<DashboardRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM dashboards ORDER BY id"))
                    .fetch_all(pool)
                    .await?;
            let pairs: Vec<(String, String)> = sqlx::query_as(
                "SELECT dashboard_id, account FROM dashboard_favorites \
                 ORDER BY dashboard_id, account",
            )
            .fetch_all(pool)
            .await?;
            let mut favorites: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (dashboard, account) in pairs {
                favorites.entry(dashboard).or_default().push(account);
            }
            rows.into_iter()
                .map(|r| {
                    let marked = favorites.remove(&r.id).unwrap_or_default();
                    record(r, marked)
                })
                .collect()
        })
    }

    async fn create_dashboard(
        &self,
        d: &DashboardRecord,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        let document = to_json("cannot write a dashboard's document", &d.document)?;
        let acl = to_json("cannot write a dashboard's ACL", &d.acl)?;
        write_tx!(&self.db, |tx, dialect| {
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(version) FROM dashboard_versions WHERE dashboard_id = $1",
            )
            .bind(&d.id)
            .fetch_one(&mut *tx)
            .await?;
            let version = last.unwrap_or(0) + 1;
            let created = sqlx::query(
                "INSERT INTO dashboards (id, document, version, created_ms, creator, updated_ms, \
                 updater, trashed_ms, acl) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&d.id)
            .bind(&document)
            .bind(version)
            .bind(d.created_ms)
            .bind(&d.creator)
            .bind(d.updated_ms)
            .bind(&d.updater)
            .bind(&acl)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !created {
                tx.rollback().await?;
                return Ok(None);
            }
            add_version!(
                tx,
                &d.id,
                version,
                &document,
                &d.creator,
                d.created_ms,
                change,
                &acl
            );
            tx.commit().await?;
            Ok(Some(version_number(version)?))
        })
    }

    async fn save_dashboard(
        &self,
        id: &str,
        document: &Map<String, Value>,
        now: EpochMillis,
        by: &str,
        change: &str,
    ) -> Result<Option<u32>, StoreError> {
        let document = to_json("cannot write a dashboard's document", document)?;
        write_tx!(&self.db, |tx, dialect| {
            let saved: Option<(i64, String)> = sqlx::query_as(
                "UPDATE dashboards SET document = $1, version = version + 1, updated_ms = $2, \
                 updater = $3 WHERE id = $4 AND trashed_ms IS NULL RETURNING version, acl",
            )
            .bind(&document)
            .bind(now)
            .bind(by)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((version, acl)) = saved else {
                tx.rollback().await?;
                return Ok(None);
            };
            add_version!(tx, id, version, &document, by, now, change, &acl);
            tx.commit().await?;
            Ok(Some(version_number(version)?))
        })
    }

    async fn dashboard_history(&self, id: &str) -> Result<DashboardHistory, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<VersionRow> = sqlx::query_as(
                "SELECT version, document, update_user, update_time, change \
                 FROM dashboard_versions WHERE dashboard_id = $1 ORDER BY version DESC",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            let acl: Option<String> = sqlx::query_scalar(
                "SELECT acl FROM dashboard_versions WHERE dashboard_id = $1 \
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            Ok(DashboardHistory {
                versions: rows
                    .into_iter()
                    .map(VersionRow::saved)
                    .collect::<Result<_, _>>()?,
                acl: match acl {
                    Some(text) => from_json("a dashboard version's ACL", &text)?,
                    None => Acl::default(),
                },
            })
        })
    }

    async fn set_dashboard_acl(&self, id: &str, acl: &Acl) -> Result<bool, StoreError> {
        let acl = to_json("cannot write a dashboard's ACL", acl)?;
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("UPDATE dashboards SET acl = $1 WHERE id = $2")
                .bind(&acl)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if changed {
                sqlx::query("UPDATE dashboard_versions SET acl = $1 WHERE dashboard_id = $2")
                    .bind(&acl)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn set_dashboard_favorite(
        &self,
        id: &str,
        account: &str,
        favorite: bool,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let live: Option<String> = sqlx::query_scalar(
                "SELECT id FROM dashboards WHERE id = $1 AND trashed_ms IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if live.is_none() {
                tx.rollback().await?;
                return Ok(false);
            }
            let sql = if favorite {
                "INSERT INTO dashboard_favorites (dashboard_id, account) VALUES ($1, $2) \
                 ON CONFLICT (dashboard_id, account) DO NOTHING"
            } else {
                "DELETE FROM dashboard_favorites WHERE dashboard_id = $1 AND account = $2"
            };
            sqlx::query(sql)
                .bind(id)
                .bind(account)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }
}
