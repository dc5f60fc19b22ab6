//! What the stores of versioned objects (alerts, dashboards) share: JSON columns, the rows of a
//! version log, and its cap of [`MAX_VERSIONS`] per object.

use crest_domain::store::StoreError;
use crest_domain::version_log::{MAX_VERSIONS, SavedVersion};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::DbError;

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
