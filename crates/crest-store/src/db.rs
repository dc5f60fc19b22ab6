//! The connection pools of either backend, and the macro that runs one piece of SQL code on both.

use std::str::FromStr;
use std::time::Duration;

use crest_domain::store::StoreError;
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

use crate::bounded::STATEMENT_TIMEOUT;
use crate::error::DbError;
use crate::location::{SQLITE_FILE, StoreLocation};

/// How long a statement waits for another process's SQLite write lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a request waits for a pooled connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(15);

/// Open pools: SQLite keeps one writer connection (writes queue in-process instead of contending
/// for the file lock) and several readers; PostgreSQL one pool for both.
#[derive(Debug, Clone)]
pub(crate) enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres { pool: PgPool },
}

/// Runs `$body` with `$pool` bound to the backend's pool (`read` or `write` side) and `$dialect`
/// to its [`Dialect`](crate::dialect::Dialect). The body is compiled once per backend, so the same
/// query code serves both without a dynamic driver.
///
/// The body is an async block that returns `Result<_, DbError>`, so `?` takes driver errors as
/// they are (and `return` leaves the body); the macro's value is that result with the error
/// classified once, as a [`StoreError`](crest_domain::store::StoreError).
macro_rules! with_pool {
    ($db:expr, $side:ident, |$pool:ident, $dialect:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { $side: $pool, .. } => {
                #[allow(
                    unused_variables,
                    reason = "not every body asks for the dialect; `expect` would fail those that do"
                )]
                let $dialect = $crate::dialect::Dialect::Sqlite;
                let result: ::std::result::Result<_, $crate::error::DbError> =
                    async { $body }.await;
                result.map_err(::crest_domain::store::StoreError::from)
            }
            $crate::db::Db::Postgres { pool: $pool } => {
                #[allow(
                    unused_variables,
                    reason = "not every body asks for the dialect; `expect` would fail those that do"
                )]
                let $dialect = $crate::dialect::Dialect::Postgres;
                let result: ::std::result::Result<_, $crate::error::DbError> =
                    async { $body }.await;
                result.map_err(::crest_domain::store::StoreError::from)
            }
        }
    };
}
pub(crate) use with_pool;

/// Whether opening a store may create it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Open {
    /// `crest serve`: create the data directory, the file and the schema when missing.
    CreateIfMissing,
    /// `crest admin`: the store must exist already (crest's tables are there); nothing is
    /// created when it does not.
    ExistingOnly,
}

/// A table every crest store has had since its first migration.
const MARKER_TABLE: &str = "accounts";

/// Every pool's check before it hands out a connection: one still inside a transaction is closed
/// (which rolls the transaction back) and another opened in its place. sqlx's driver counts a
/// transaction open from the moment its `BEGIN` ran; a task cancelled after that but before its
/// `Transaction` existed (a client hanging up mid-request, a background task stopped at
/// shutdown) hands the connection back still counted as in a transaction, and every custom
/// `BEGIN` on it then fails (`InvalidSavePointStatement`). With SQLite's single write connection
/// that would refuse every write until a restart.
fn not_in_a_transaction<C: Connection>(
    conn: &mut C,
    _: sqlx::pool::PoolConnectionMetadata,
) -> std::pin::Pin<Box<dyn Future<Output = Result<bool, sqlx::Error>> + Send + '_>> {
    let usable = !conn.is_in_transaction();
    if !usable {
        tracing::warn!(
            "a pooled connection was handed back inside a transaction; it is closed and replaced"
        );
    }
    Box::pin(std::future::ready(Ok(usable)))
}

fn no_store_here(location: &StoreLocation) -> StoreError {
    StoreError::unavailable(format!(
        "no crest store at {location}: check --data-dir / CREST_DATA_DIR (or CREST_DATABASE_URL); \
         `crest serve` creates the store on its first start, `crest admin` never does"
    ))
}

impl Db {
    /// Connects and brings the schema up to date; with [`Open::ExistingOnly`], only a store that
    /// exists already.
    pub(crate) async fn open(location: &StoreLocation, mode: Open) -> Result<Self, StoreError> {
        Ok(Self::connect(location, mode).await?)
    }

    async fn connect(location: &StoreLocation, mode: Open) -> Result<Self, DbError> {
        let db = match location {
            StoreLocation::Sqlite { data_dir } => {
                let file = data_dir.join(SQLITE_FILE);
                if mode == Open::ExistingOnly && !file.is_file() {
                    return Err(no_store_here(location).into());
                }
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    StoreError::unavailable(format!(
                        "cannot create the data directory {}",
                        data_dir.display()
                    ))
                    .because(e)
                })?;
                let options = SqliteConnectOptions::new()
                    .filename(file)
                    .create_if_missing(mode == Open::CreateIfMissing)
                    .journal_mode(SqliteJournalMode::Wal)
                    // Every commit reaches the disk before it is acknowledged.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true);
                // A connection to a local file cannot go stale, so pooled connections are handed
                // out without the round trip to their worker thread that a ping would cost.
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .before_acquire(not_in_a_transaction)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options.clone())
                    .await?;
                if mode == Open::ExistingOnly {
                    let found: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                    )
                    .bind(MARKER_TABLE)
                    .fetch_one(&write)
                    .await?;
                    if found == 0 {
                        write.close().await;
                        return Err(no_store_here(location).into());
                    }
                }
                sqlx::migrate!("./migrations/sqlite").run(&write).await?;
                let read = SqlitePoolOptions::new()
                    .max_connections(4)
                    .test_before_acquire(false)
                    .before_acquire(not_in_a_transaction)
                    .min_connections(1)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(options.read_only(true))
                    .await?;
                Self::Sqlite { read, write }
            }
            StoreLocation::Postgres { url } => {
                let options = PgConnectOptions::from_str(url)?;
                // Migrations run on a connection of their own, without the statement timeout:
                // a migration may rewrite a large table. sqlx holds an advisory lock while
                // migrating, so instances starting together migrate once.
                let mut migrating = PgConnection::connect_with(&options).await?;
                if mode == Open::ExistingOnly {
                    let found: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                        .bind(MARKER_TABLE)
                        .fetch_one(&mut migrating)
                        .await?;
                    if !found {
                        migrating.close().await?;
                        return Err(no_store_here(location).into());
                    }
                }
                sqlx::migrate!("./migrations/postgres")
                    .run(&mut migrating)
                    .await?;
                migrating.close().await?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .before_acquire(not_in_a_transaction)
                    .min_connections(1)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(bounded_options(options))
                    .await?;
                Self::Postgres { pool }
            }
        };
        Ok(db)
    }

    /// The statement timeout every pooled connection runs with (PostgreSQL's `SHOW
    /// statement_timeout`); `None` on SQLite, whose search is bounded by a progress handler.
    pub(crate) async fn statement_timeout(&self) -> Result<Option<String>, StoreError> {
        match self {
            Self::Sqlite { .. } => Ok(None),
            Self::Postgres { pool } => sqlx::query_scalar("SHOW statement_timeout")
                .fetch_one(pool)
                .await
                .map(Some)
                .map_err(|e| DbError::from(e).into()),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Self::Postgres { pool } => pool.close().await,
        }
    }
}

/// Every pooled PostgreSQL connection starts with the statement timeout (unless the URL's
/// `options` set one: the operator's choice wins) and without JIT compilation, which costs
/// seconds on a statement with many conditions and gains nothing on crest's short queries.
fn bounded_options(options: PgConnectOptions) -> PgConnectOptions {
    let set_by_url = options
        .get_options()
        .is_some_and(|o| o.contains("statement_timeout"));
    let options = options.options([("jit", "off")]);
    if set_by_url {
        options
    } else {
        options.options([(
            "statement_timeout",
            format!("{}ms", STATEMENT_TIMEOUT.as_millis()),
        )])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connection handed back counted as inside a transaction, as a task cancelled right after
    /// its `BEGIN` leaves it, does not refuse the writes after it.
    #[tokio::test]
    async fn a_connection_left_in_a_transaction_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let location = StoreLocation::Sqlite {
            data_dir: dir.path().to_path_buf(),
        };
        let db = Db::open(&location, Open::CreateIfMissing)
            .await
            .expect("open");
        let Db::Sqlite { write, .. } = &db else {
            panic!("a SQLite location opens SQLite");
        };
        {
            let mut conn = write.acquire().await.expect("the write connection");
            let tx = conn
                .begin_with(crate::dialect::Dialect::Sqlite.begin_write())
                .await
                .expect("begin");
            // No `Transaction` is left to roll back: the connection goes back counted as in one.
            std::mem::forget(tx);
            assert!(conn.is_in_transaction());
        }
        let mut tx = write
            .begin_with(crate::dialect::Dialect::Sqlite.begin_write())
            .await
            .expect("the next write begins");
        sqlx::query("CREATE TABLE after_the_leak (x INTEGER)")
            .execute(&mut *tx)
            .await
            .expect("write");
        tx.commit().await.expect("commit");
        db.close().await;
    }
}
