//! What the stores of versioned objects (alerts, dashboards, derived metrics) share: JSON
//! columns, the rows of a version log and its cap of [`MAX_VERSIONS`] per object, and, for kinds
//! whose log is dropped with the object ([`Versioned`]), saving a version and reading the log.

use crest_domain::clock::EpochMillis;
use crest_domain::store::StoreError;
use crest_domain::version_log::{MAX_VERSIONS, SavedVersion};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::db::{Db, with_pool};
use crate::error::DbError;
use crate::write::write_tx;

/// A kind's tables: `main` has `id`, `document`, `version`, `updated_ms`, `updater` and
/// `trashed_ms`; `versions` has `(key, version)`, `document`, `update_user`, `update_time` and
/// `change`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Versioned {
    pub main: &'static str,
    pub versions: &'static str,
    /// The column of `versions` that names the object.
    pub key: &'static str,
}

impl Versioned {
    /// The statement that writes one version row: binds the object's id, the version, the
    /// document, who and when, and the change ([`add_version!`]).
    pub(crate) fn insert_version(self) -> String {
        format!(
            "INSERT INTO {} ({}, version, document, update_user, update_time, change) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            self.versions, self.key
        )
    }
}

/// Writes one version row in the open transaction `$tx` with the statement of
/// [`Versioned::insert_version`] (compiled once per backend, as `write_tx!` bodies are).
macro_rules! add_version {
    ($tx:expr, $sql:expr, $id:expr, $version:expr, $document:expr, $by:expr, $at:expr, $change:expr) => {
        sqlx::query($sql)
            .bind($id)
            .bind($version)
            .bind($document)
            .bind($by)
            .bind($at)
            .bind($change)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use add_version;

/// A value written to a JSON column; `what` says what could not be written.
pub(crate) fn to_json<T: Serialize>(what: &'static str, value: &T) -> Result<String, DbError> {
    serde_json::to_string(value).map_err(|e| DbError::Store(StoreError::other(what).because(e)))
}

/// A JSON column read back; `what` names what is corrupt when it does not parse.
pub(crate) fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, DbError> {
    serde_json::from_str(text).map_err(|e| DbError::Store(StoreError::corrupt(what).because(e)))
}

/// A version column as a version number.
pub(crate) fn version_number(v: i64) -> Result<u32, DbError> {
    u32::try_from(v).map_err(|_| DbError::Store(StoreError::corrupt("a version number")))
}

/// The cap as a number SQL compares with.
pub(crate) fn kept_versions() -> i64 {
    i64::try_from(MAX_VERSIONS).unwrap_or(i64::MAX)
}

/// One row of a version log, as `SELECT version, document, update_user, update_time, change`
/// reads it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct VersionRow {
    version: i64,
    document: String,
    update_user: String,
    update_time: i64,
    change: String,
}

impl VersionRow {
    pub(crate) fn saved(self) -> Result<SavedVersion, DbError> {
        Ok(SavedVersion {
            version: version_number(self.version)?,
            document: from_json("a saved version's document", &self.document)?,
            update_user: self.update_user,
            update_time: self.update_time,
            change: self.change,
        })
    }
}

/// Saves `document` as the next version of the object `id` outside the trash; `None` when there
/// is no such object, else the new version's number.
pub(crate) async fn save(
    db: &Db,
    t: Versioned,
    id: &str,
    document: &Map<String, Value>,
    now: EpochMillis,
    by: &str,
    change: &str,
) -> Result<Option<u32>, StoreError> {
    let document = to_json("cannot write a document", document)?;
    let update = format!(
        "UPDATE {} SET document = $1, version = version + 1, updated_ms = $2, \
         updater = $3 WHERE id = $4 AND trashed_ms IS NULL RETURNING version",
        t.main
    );
    let log = t.insert_version();
    let trim = format!(
        "DELETE FROM {} WHERE {} = $1 AND version <= $2",
        t.versions, t.key
    );
    write_tx!(db, |tx, dialect| {
        let version: Option<i64> = sqlx::query_scalar(&update)
            .bind(&document)
            .bind(now)
            .bind(by)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(version) = version else {
            tx.rollback().await?;
            return Ok(None);
        };
        add_version!(tx, &log, id, version, &document, by, now, change);
        sqlx::query(&trim)
            .bind(id)
            .bind(version - kept_versions())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(version_number(version)?))
    })
}

/// The versions kept of the object `id`, newest first.
pub(crate) async fn history(
    db: &Db,
    t: Versioned,
    id: &str,
) -> Result<Vec<SavedVersion>, StoreError> {
    let sql = format!(
        "SELECT version, document, update_user, update_time, change \
         FROM {} WHERE {} = $1 ORDER BY version DESC",
        t.versions, t.key
    );
    with_pool!(db, read, |pool, dialect| {
        let rows: Vec<VersionRow> = sqlx::query_as(&sql).bind(id).fetch_all(pool).await?;
        rows.into_iter().map(VersionRow::saved).collect()
    })
}
