//! Sources and their tags.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::source::{
    MAX_TAGS_PER_SOURCE, SourceChange, SourcePage, SourceQuery, SourceRecord, SourceStore,
    TagChange, fold,
};
use crest_domain::store::StoreError;

use crate::bounded::{PgStatementGuard, SqliteStatementGuard};
use crate::db::{Db, with_pool};
use crate::error::DbError;
use crate::source_query::{self, Bind, PAGE_COLUMNS};
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// A source joined with one of its tags (or none).
type Row = (
    String,
    Option<String>,
    i64,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
);

/// Folds rows (in id order, a source's rows together) into sources with their tags.
fn sources(rows: Vec<Row>) -> Vec<SourceRecord> {
    let mut out: Vec<SourceRecord> = Vec::new();
    for (id, description, created_ms, creator, updated_ms, updater, marked_new_ms, tag) in rows {
        if out.last().is_none_or(|s| s.id != id) {
            out.push(SourceRecord {
                id,
                description,
                tags: Vec::new(),
                created_ms,
                creator,
                updated_ms,
                updater,
                marked_new_ms,
            });
        }
        if let (Some(tag), Some(last)) = (tag, out.last_mut()) {
            last.tags.push(tag);
        }
    }
    for s in &mut out {
        s.tags.sort();
    }
    out
}

fn one_source_sql() -> String {
    format!(
        "SELECT {PAGE_COLUMNS} FROM sources p LEFT JOIN source_tags t ON t.source_id = p.id \
         WHERE p.id = $1"
    )
}

macro_rules! insert_tag {
    ($tx:expr, $id:expr, $tag:expr) => {
        sqlx::query(
            "INSERT INTO source_tags (source_id, tag, tag_folded) VALUES ($1, $2, $3) \
             ON CONFLICT (source_id, tag_folded) DO NOTHING",
        )
        .bind($id)
        .bind($tag)
        .bind(fold($tag))
        .execute(&mut *$tx)
        .await?
    };
}

#[async_trait]
impl SourceStore for SqlStore {
    async fn source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&one_source_sql())
                .bind(id)
                .fetch_all(pool)
                .await?;
            Ok(sources(rows).pop())
        })
    }

    async fn create_source(&self, source: &SourceRecord) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(
                "INSERT INTO sources (id, name_folded, description, description_folded, \
                 created_ms, creator, updated_ms, updater, marked_new_ms) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
            )
            .bind(&source.id)
            .bind(fold(&source.id))
            .bind(source.description.as_deref())
            .bind(source.description.as_deref().map(fold))
            .bind(source.created_ms)
            .bind(&source.creator)
            .bind(source.updated_ms)
            .bind(&source.updater)
            .bind(source.marked_new_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if created {
                for tag in &source.tags {
                    insert_tag!(tx, &source.id, tag.as_str());
                }
            }
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn update_source(
        &self,
        id: &str,
        change: &SourceChange,
        now: EpochMillis,
        by: &str,
    ) -> Result<Option<SourceRecord>, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let (set_description, description) = match &change.description {
                Some(d) => (true, d.as_deref()),
                None => (false, None),
            };
            let found = sqlx::query(
                "UPDATE sources SET \
                 description = CASE WHEN $1 THEN $2 ELSE description END, \
                 description_folded = CASE WHEN $1 THEN $3 ELSE description_folded END, \
                 updated_ms = $4, updater = $5 WHERE id = $6",
            )
            .bind(set_description)
            .bind(description)
            .bind(description.map(fold))
            .bind(now)
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !found {
                return Ok(None);
            }
            match &change.tags {
                TagChange::Keep => {}
                TagChange::Replace(tags) => {
                    sqlx::query("DELETE FROM source_tags WHERE source_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    for tag in tags {
                        insert_tag!(tx, id, tag.as_str());
                    }
                }
                TagChange::Add(tag) => {
                    // Below the limit only. The UPDATE above holds the source's row lock until
                    // commit, so concurrent additions to one source count one after the other.
                    sqlx::query(
                        "INSERT INTO source_tags (source_id, tag, tag_folded) \
                         SELECT $1, $2, $3 WHERE (SELECT COUNT(*) FROM source_tags \
                         WHERE source_id = $1) < $4 \
                         ON CONFLICT (source_id, tag_folded) DO NOTHING",
                    )
                    .bind(id)
                    .bind(tag.as_str())
                    .bind(tag.folded())
                    .bind(i64::try_from(MAX_TAGS_PER_SOURCE).unwrap_or(i64::MAX))
                    .execute(&mut *tx)
                    .await?;
                }
                TagChange::Remove(tag) => {
                    sqlx::query("DELETE FROM source_tags WHERE source_id = $1 AND tag_folded = $2")
                        .bind(id)
                        .bind(fold(tag))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let rows: Vec<Row> = sqlx::query_as(&one_source_sql())
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(sources(rows).pop())
        })
    }

    async fn delete_source(&self, id: &str) -> Result<Option<SourceRecord>, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let rows: Vec<Row> = sqlx::query_as(&one_source_sql())
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
            let removed = sqlx::query("DELETE FROM sources WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            tx.end(removed).await?;
            Ok(sources(rows).pop())
        })
    }

    async fn search_sources(&self, query: &SourceQuery) -> Result<SourcePage, StoreError> {
        let statement = source_query::page(query);
        // The search's cost grows with the request (bounded by the search limits), so its
        // statement runs under a guard: cut off at the statement timeout, and cancelled when the
        // request ends before it (see `bounded`).
        macro_rules! fetch {
            ($conn:expr) => {{
                let mut q = sqlx::query_as::<_, Row>(&statement.sql);
                for bind in &statement.binds {
                    q = match bind {
                        Bind::Text(s) => q.bind(s.as_str()),
                        Bind::Int(n) => q.bind(*n),
                    };
                }
                match $conn {
                    Some(conn) => q.fetch_all(conn).await,
                    None => Err(sqlx::Error::PoolClosed),
                }
            }};
        }
        let rows: Result<Vec<Row>, DbError> = async {
            Ok(match &self.db {
                Db::Sqlite { read, .. } => {
                    let mut guard = SqliteStatementGuard::acquire(read).await?;
                    let rows = fetch!(guard.conn());
                    guard.finish().await?;
                    rows?
                }
                Db::Postgres { pool } => {
                    let mut guard = PgStatementGuard::acquire(pool).await?;
                    let rows = fetch!(guard.conn());
                    guard.finish();
                    rows?
                }
            })
        }
        .await;
        let mut items = sources(rows?);
        let more = items.len() > query.limit as usize;
        items.truncate(query.limit as usize);
        Ok(SourcePage { items, more })
    }
}
