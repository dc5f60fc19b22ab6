//! Alert targets: one row each, their lists and maps kept as JSON text.

use std::collections::BTreeMap;

use async_trait::async_trait;
use crest_domain::alert::{TargetDirectory, TargetInfo};
use crest_domain::notificant::{Method, NotificantRecord, NotificantStore, Route};
use crest_domain::store::StoreError;
use crest_notify::Trigger;
use serde_json::{Value, json};

use crate::db::with_pool;
use crate::error::DbError;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// One row, as selected by [`COLUMNS`].
#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: String,
    title: String,
    description: String,
    method: String,
    recipient: String,
    template: String,
    triggers: String,
    content_type: String,
    custom_http_headers: String,
    email_subject: Option<String>,
    is_html_content: bool,
    routes: String,
    created_ms: i64,
    creator: String,
    updated_ms: i64,
    updater: String,
}

const COLUMNS: &str = "id, title, description, method, recipient, template, triggers, \
    content_type, custom_http_headers, email_subject, is_html_content, routes, created_ms, \
    creator, updated_ms, updater";

fn corrupt(what: &str) -> DbError {
    DbError::Store(StoreError::corrupt(format!("a notificant's {what}")))
}

fn routes_json(routes: &[Route]) -> String {
    Value::Array(
        routes
            .iter()
            .map(|r| {
                json!({"method": r.method.as_str(), "target": r.target, "key": r.key, "value": r.value})
            })
            .collect(),
    )
    .to_string()
}

fn route_of(v: &Value) -> Option<Route> {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(Route {
        method: Method::parse(&text("method")?)?,
        target: text("target")?,
        key: text("key")?,
        value: text("value")?,
    })
}

fn record(r: Row) -> Result<NotificantRecord, DbError> {
    let names: Vec<String> = serde_json::from_str(&r.triggers).map_err(|_| corrupt("triggers"))?;
    let triggers = names
        .iter()
        .map(|n| Trigger::parse(n).ok_or_else(|| corrupt("triggers")))
        .collect::<Result<Vec<_>, _>>()?;
    let custom_http_headers: BTreeMap<String, String> =
        serde_json::from_str(&r.custom_http_headers).map_err(|_| corrupt("headers"))?;
    let routes: Vec<Value> = serde_json::from_str(&r.routes).map_err(|_| corrupt("routes"))?;
    let routes = routes
        .iter()
        .map(|v| route_of(v).ok_or_else(|| corrupt("routes")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NotificantRecord {
        id: r.id,
        title: r.title,
        description: r.description,
        method: Method::parse(&r.method).ok_or_else(|| corrupt("method"))?,
        recipient: r.recipient,
        template: r.template,
        triggers,
        content_type: r.content_type,
        custom_http_headers,
        email_subject: r.email_subject,
        is_html_content: r.is_html_content,
        routes,
        created_ms: r.created_ms,
        creator: r.creator,
        updated_ms: r.updated_ms,
        updater: r.updater,
    })
}

/// The JSON texts of a record's lists and map.
fn docs(r: &NotificantRecord) -> (String, String, String) {
    let triggers = Value::Array(r.triggers.iter().map(|t| json!(t.as_str())).collect());
    let headers = json!(r.custom_http_headers);
    (
        triggers.to_string(),
        headers.to_string(),
        routes_json(&r.routes),
    )
}

/// The alert targets alerts name, as `targetInfo` shows them: each of the asked ids that names a
/// target, in the order asked.
#[async_trait]
impl TargetDirectory for SqlStore {
    async fn describe(&self, ids: &[String]) -> Result<Vec<TargetInfo>, StoreError> {
        let mut found = Vec::new();
        for id in ids {
            if let Some(record) = self.notificant(id).await? {
                found.push(TargetInfo {
                    id: record.id,
                    method: record.method,
                    name: record.title,
                });
            }
        }
        Ok(found)
    }
}

#[async_trait]
impl NotificantStore for SqlStore {
    async fn notificant(&self, id: &str) -> Result<Option<NotificantRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let row: Option<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM notificants WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            row.map(record).transpose()
        })
    }

    async fn notificants(&self) -> Result<Vec<NotificantRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<Row> =
                sqlx::query_as(&format!("SELECT {COLUMNS} FROM notificants ORDER BY id"))
                    .fetch_all(pool)
                    .await?;
            rows.into_iter().map(record).collect::<Result<Vec<_>, _>>()
        })
    }

    async fn create_notificant(&self, r: &NotificantRecord) -> Result<bool, StoreError> {
        let (triggers, headers, routes) = docs(r);
        write_tx!(&self.db, |tx, dialect| {
            let created = sqlx::query(&format!(
                "INSERT INTO notificants ({COLUMNS}) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (id) DO NOTHING"
            ))
            .bind(&r.id)
            .bind(&r.title)
            .bind(&r.description)
            .bind(r.method.as_str())
            .bind(&r.recipient)
            .bind(&r.template)
            .bind(&triggers)
            .bind(&r.content_type)
            .bind(&headers)
            .bind(&r.email_subject)
            .bind(r.is_html_content)
            .bind(&routes)
            .bind(r.created_ms)
            .bind(&r.creator)
            .bind(r.updated_ms)
            .bind(&r.updater)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(created).await?;
            Ok(created)
        })
    }

    async fn update_notificant(&self, r: &NotificantRecord) -> Result<bool, StoreError> {
        let (triggers, headers, routes) = docs(r);
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE notificants SET title = $1, description = $2, method = $3, \
                 recipient = $4, template = $5, triggers = $6, content_type = $7, \
                 custom_http_headers = $8, email_subject = $9, is_html_content = $10, \
                 routes = $11, updated_ms = $12, updater = $13 WHERE id = $14",
            )
            .bind(&r.title)
            .bind(&r.description)
            .bind(r.method.as_str())
            .bind(&r.recipient)
            .bind(&r.template)
            .bind(&triggers)
            .bind(&r.content_type)
            .bind(&headers)
            .bind(&r.email_subject)
            .bind(r.is_html_content)
            .bind(&routes)
            .bind(r.updated_ms)
            .bind(&r.updater)
            .bind(&r.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn delete_notificant(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let removed = sqlx::query("DELETE FROM notificants WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(removed).await?;
            Ok(removed)
        })
    }
}
