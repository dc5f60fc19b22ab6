//! [`AuditLog`] on SQL: the audit trail, append-only.

use async_trait::async_trait;
use crest_domain::audit::{AuditEvent, AuditRecord};
use crest_domain::store::{AuditLog, StoreError};

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at_ms: i64,
    actor: String,
    action: String,
    target: String,
    source: String,
    outcome: i32,
}

#[async_trait]
impl AuditLog for SqlStore {
    async fn record_audit(&self, event: &AuditEvent) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO audit_events (at_ms, actor, action, target, source, outcome) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(event.at_ms)
            .bind(&event.actor)
            .bind(&event.action)
            .bind(&event.target)
            .bind(&event.source)
            .bind(i32::from(event.outcome))
            .execute(&mut *tx)
            .await?;
            // The trail itself: never a second copy of the request's pending event.
            tx.commit_bookkeeping().await
        })
    }

    async fn correct_audit(&self, id: i64, target: &str, outcome: u16) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query("UPDATE audit_events SET target = $1, outcome = $2 WHERE id = $3")
                .bind(target)
                .bind(i32::from(outcome))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit_bookkeeping().await
        })
    }

    async fn audit_events(
        &self,
        offset: u64,
        limit: u32,
    ) -> Result<(Vec<AuditRecord>, u64), StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let (rows, total): (Vec<AuditRow>, i64) = with_pool!(&self.db, read, |pool, dialect| {
            let rows = sqlx::query_as(
                "SELECT id, at_ms, actor, action, target, source, outcome FROM audit_events \
                 ORDER BY id DESC LIMIT $1 OFFSET $2",
            )
            .bind(i64::from(limit))
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let total = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
                .fetch_one(pool)
                .await?;
            Ok((rows, total))
        })?;
        let records = rows
            .into_iter()
            .map(|r| AuditRecord {
                id: r.id,
                event: AuditEvent {
                    at_ms: r.at_ms,
                    actor: r.actor,
                    action: r.action,
                    target: r.target,
                    source: r.source,
                    outcome: u16::try_from(r.outcome).unwrap_or_default(),
                },
            })
            .collect();
        Ok((records, u64::try_from(total).unwrap_or_default()))
    }
}
