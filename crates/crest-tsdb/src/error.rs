//! The engine's one error type, keeping every cause, and its mapping onto `SeriesError`.

use std::path::PathBuf;

use crest_series::SeriesError;

/// Why the engine could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum TsdbError {
    /// A file operation failed.
    #[error("I/O error on {path}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Stored bytes failed a check (checksum, length, format).
    #[error("{file} is corrupt at byte {offset}: {reason}")]
    Corrupt {
        file: PathBuf,
        offset: u64,
        reason: String,
    },
    /// Another process (or another engine in this one) holds the directory.
    #[error("the data directory {dir} is already open in another engine")]
    Locked { dir: PathBuf },
    /// The column codec refused to compress a block's columns.
    #[error("cannot compress the columns of {file}")]
    Codec {
        file: PathBuf,
        #[source]
        source: pco::errors::PcoError,
    },
    /// An earlier write or sync of the WAL failed; the engine refuses writes until reopened, since
    /// it can no longer tell what is durable.
    #[error("the write-ahead log failed earlier and accepts no more writes: {reason}")]
    Poisoned { reason: String },
    /// A thread decoding part of a read stopped without an answer.
    #[error("a thread reading blocks stopped unexpectedly")]
    ReadThread,
    /// The engine was closed.
    #[error("the engine is closed")]
    Closed,
    /// A read would touch more than its limits allow.
    #[error("the query selects more {what} than the limit of {limit}")]
    LimitExceeded { what: &'static str, limit: usize },
    /// A batch's series key is not in canonical form (`SeriesKey::write_canonical`: a part holds
    /// a NUL, tags are out of order or repeated, or the bytes end without a NUL); nothing of the
    /// batch is written.
    #[error(
        "a series key of the batch is not in canonical form (a part holding a NUL byte, tags out of order)"
    )]
    InvalidKey,
    /// A batch cannot be written as one WAL record.
    #[error("a batch of {bytes} bytes is too large for one write-ahead log record")]
    BatchTooLarge { bytes: usize },
}

impl TsdbError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TsdbError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(
        file: impl Into<PathBuf>,
        offset: u64,
        reason: impl Into<String>,
    ) -> Self {
        TsdbError::Corrupt {
            file: file.into(),
            offset,
            reason: reason.into(),
        }
    }
}

impl From<TsdbError> for SeriesError {
    fn from(error: TsdbError) -> Self {
        match error {
            TsdbError::LimitExceeded { what, limit } => SeriesError::LimitExceeded { what, limit },
            TsdbError::Corrupt { .. } => SeriesError::Corrupt {
                context: error.to_string(),
                source: Some(Box::new(error)),
            },
            other => SeriesError::unavailable_because(other.to_string(), other),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;

    #[test]
    fn limits_stay_the_callers_error_and_corruption_keeps_its_cause() {
        let e: SeriesError = TsdbError::LimitExceeded {
            what: "series",
            limit: 3,
        }
        .into();
        assert!(matches!(e, SeriesError::LimitExceeded { limit: 3, .. }));
        let e: SeriesError = TsdbError::corrupt("/d/wal/00000001.wal", 17, "bad crc").into();
        match e {
            SeriesError::Corrupt { context, source } => {
                assert!(context.contains("00000001.wal") && context.contains("17"));
                assert!(source.is_some());
            }
            other => panic!("{other:?}"),
        }
    }
}
