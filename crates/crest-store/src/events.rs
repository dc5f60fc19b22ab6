//! Events: one row each, the fields read only whole kept as one JSON document.

use std::collections::BTreeMap;

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::event::{AUTO_CLOSE_MS, EventOrigin, EventQuery, EventRecord, EventStore};
use crest_domain::store::StoreError;
use serde::{Deserialize, Serialize};

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// The `doc` column.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Doc {
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    dimensions: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    alert_tags: Vec<String>,
    #[serde(default)]
    metrics_used: Vec<String>,
}

type Row = (
    String,
    i64,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    i64,
    String,
    i64,
    String,
    i64,
);

const COLUMNS: &str = "id, start_ms, end_ms, name, origin, alert_id, doc, created_ms, creator, \
    updated_ms, updater, version";

fn doc_of(e: &EventRecord) -> Result<String, DbError> {
    serde_json::to_string(&Doc {
        annotations: e.annotations.clone(),
        hosts: e.hosts.clone(),
        tags: e.tags.clone(),
        dimensions: e.dimensions.clone(),
        alert_tags: e.alert_tags.clone(),
        metrics_used: e.metrics_used.clone(),
    })
    .map_err(|e| DbError::Store(StoreError::other("cannot write an event's fields").because(e)))
}

fn record(row: Row) -> Result<EventRecord, DbError> {
    let (
        id,
        start_ms,
        end_ms,
        name,
        origin,
        alert_id,
        doc,
        created_ms,
        creator,
        updated_ms,
        updater,
        version,
    ) = row;
    let origin = EventOrigin::parse(&origin)
        .ok_or_else(|| DbError::Store(StoreError::corrupt("an event's origin")))?;
    let doc: Doc = serde_json::from_str(&doc)
        .map_err(|e| DbError::Store(StoreError::corrupt("an event's fields").because(e)))?;
    Ok(EventRecord {
        id,
        name,
        start_ms,
        end_ms,
        annotations: doc.annotations,
        hosts: doc.hosts,
        tags: doc.tags,
        dimensions: doc.dimensions,
        origin,
        alert_id,
        alert_tags: doc.alert_tags,
        metrics_used: doc.metrics_used,
        created_ms,
        creator,
        updated_ms,
        updater,
        version,
    })
}

/// The page statement of a query, and whether it binds the cursor and the alert.
fn page_sql(q: &EventQuery) -> String {
    let (cmp, order) = if q.ascending {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    let mut sql = format!("SELECT {COLUMNS} FROM events WHERE start_ms >= $1 AND start_ms <= $2");
    let mut next = 3;
    if q.after.is_some() {
        sql.push_str(&format!(
            " AND (start_ms {cmp} ${a} OR (start_ms = ${a} AND id {cmp} ${b}))",
            a = next,
            b = next + 1
        ));
        next += 2;
    }
    if q.alert_id.is_some() {
        sql.push_str(&format!(" AND alert_id = ${next}"));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY start_ms {order}, id {order} LIMIT ${next}"
    ));
    sql
}

#[async_trait]
impl EventStore for SqlStore {
    async fn event(&self, id: &str) -> Result<Option<EventRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            row.map(record).transpose()
        })
    }

    async fn create_event(&self, e: &EventRecord) -> Result<bool, StoreError> {
        let doc = doc_of(e).map_err(StoreError::from)?;
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(&format!(
                "INSERT INTO events ({COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (id) DO NOTHING"
            ))
            .bind(&e.id)
            .bind(e.start_ms)
            .bind(e.end_ms)
            .bind(&e.name)
            .bind(e.origin.as_str())
            .bind(e.alert_id.as_deref())
            .bind(&doc)
            .bind(e.created_ms)
            .bind(&e.creator)
            .bind(e.updated_ms)
            .bind(&e.updater)
            .bind(e.version)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn replace_event(&self, e: &EventRecord, version: i64) -> Result<bool, StoreError> {
        let doc = doc_of(e).map_err(StoreError::from)?;
        write_tx!(&self.db, |tx, dialect| {
            let replaced = sqlx::query(
                "UPDATE events SET start_ms = $1, end_ms = $2, name = $3, origin = $4, \
                 alert_id = $5, doc = $6, updated_ms = $7, updater = $8, version = $9 \
                 WHERE id = $10 AND version = $11",
            )
            .bind(e.start_ms)
            .bind(e.end_ms)
            .bind(&e.name)
            .bind(e.origin.as_str())
            .bind(e.alert_id.as_deref())
            .bind(&doc)
            .bind(e.updated_ms)
            .bind(&e.updater)
            .bind(version.saturating_add(1))
            .bind(&e.id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(replaced).await?;
            Ok(replaced)
        })
    }

    async fn delete_event(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let removed = sqlx::query("DELETE FROM events WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(removed).await?;
            Ok(removed)
        })
    }

    async fn events(&self, q: &EventQuery) -> Result<Vec<EventRecord>, StoreError> {
        let sql = page_sql(q);
        with_pool!(&self.db, read, |pool, dialect| {
            let mut query = sqlx::query_as::<_, Row>(&sql)
                .bind(q.earliest_start)
                .bind(q.latest_start);
            if let Some((start, id)) = &q.after {
                query = query.bind(*start).bind(id.as_str());
            }
            if let Some(alert) = &q.alert_id {
                query = query.bind(alert.as_str());
            }
            let rows = query
                .bind(i64::from(q.limit.max(1)))
                .fetch_all(pool)
                .await?;
            rows.into_iter().map(record).collect()
        })
    }

    async fn count_open_user_events(&self, since: EpochMillis) -> Result<u64, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM events \
                 WHERE origin = 'user' AND end_ms IS NULL AND start_ms > $1",
            )
            .bind(since)
            .fetch_one(pool)
            .await?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    async fn purge_events(&self, cutoff: EpochMillis) -> Result<u64, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let removed =
                sqlx::query("DELETE FROM events WHERE COALESCE(end_ms, start_ms + $1) <= $2")
                    .bind(AUTO_CLOSE_MS)
                    .bind(cutoff)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            tx.commit_bookkeeping().await?;
            Ok(removed)
        })
    }
}
