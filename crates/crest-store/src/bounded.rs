//! Bounds on the store's statements: the statement timeout, and the cancellation of a search's
//! statement when the request that started it is gone (its future dropped).
//!
//! sqlx does not cancel a statement whose future is dropped: PostgreSQL runs it to the end (the
//! pool waits for it before handing the connection out again), and a SQLite worker thread steps
//! it to the end. So a search runs on a connection held by a guard: PostgreSQL's is cancelled
//! with `pg_cancel_backend` from another connection, SQLite's is interrupted by a progress
//! handler, and either connection is then closed rather than pooled again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool};

/// The longest a statement may run. PostgreSQL holds every connection to it
/// (`statement_timeout`, unless the database URL's `options` set one); SQLite holds the search's
/// statement to it through a progress handler (every other SQLite statement is an index lookup
/// or a write bounded by the request limits).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// How many SQLite virtual-machine steps pass between two looks at the clock.
const SQLITE_STEPS_PER_CHECK: i32 = 1_000;

/// A pooled PostgreSQL connection whose statement is cancelled if the guard is dropped before
/// [`PgStatementGuard::finish`].
pub(crate) struct PgStatementGuard {
    conn: Option<PoolConnection<Postgres>>,
    pool: PgPool,
    pid: i32,
}

impl PgStatementGuard {
    pub(crate) async fn acquire(pool: &PgPool) -> Result<Self, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *conn)
            .await?;
        Ok(Self {
            conn: Some(conn),
            pool: pool.clone(),
            pid,
        })
    }

    /// The connection, while the guard holds it.
    pub(crate) fn conn(&mut self) -> Option<&mut PgConnection> {
        self.conn.as_deref_mut()
    }

    /// The statement has ended: the connection goes back to the pool.
    pub(crate) fn finish(mut self) {
        drop(self.conn.take());
    }
}

impl Drop for PgStatementGuard {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        // The statement may still run: cancel it from another connection, then close this one
        // (after the cancel, so that the cancel cannot reach a later statement on it).
        conn.close_on_drop();
        let (pool, pid) = (self.pool.clone(), self.pid);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let cancelled = sqlx::query("SELECT pg_cancel_backend($1)")
                    .bind(pid)
                    .execute(&pool)
                    .await;
                if let Err(e) = cancelled {
                    tracing::warn!(error = %e, pid, "could not cancel an abandoned statement");
                } else {
                    tracing::debug!(pid, "cancelled the statement of a request that ended");
                }
                drop(conn);
            });
        }
    }
}

/// A pooled SQLite connection whose statements are interrupted after [`STATEMENT_TIMEOUT`], or
/// as soon as the guard is dropped before [`SqliteStatementGuard::finish`].
pub(crate) struct SqliteStatementGuard {
    conn: Option<PoolConnection<Sqlite>>,
    gone: Arc<AtomicBool>,
}

impl SqliteStatementGuard {
    pub(crate) async fn acquire(pool: &SqlitePool) -> Result<Self, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let gone = Arc::new(AtomicBool::new(false));
        let deadline = Instant::now() + STATEMENT_TIMEOUT;
        let flag = Arc::clone(&gone);
        conn.lock_handle()
            .await?
            .set_progress_handler(SQLITE_STEPS_PER_CHECK, move || {
                // `false` interrupts the statement.
                !flag.load(Ordering::Relaxed) && Instant::now() < deadline
            });
        Ok(Self {
            conn: Some(conn),
            gone,
        })
    }

    /// The connection, while the guard holds it.
    pub(crate) fn conn(&mut self) -> Option<&mut SqliteConnection> {
        self.conn.as_deref_mut()
    }

    /// The statement has ended: the handler goes, the connection back to the pool.
    pub(crate) async fn finish(mut self) -> Result<(), sqlx::Error> {
        // The connection stays in the guard until the handler is gone: should this future be
        // dropped meanwhile, the guard closes it.
        if let Some(conn) = self.conn.as_mut() {
            conn.lock_handle().await?.remove_progress_handler();
        }
        drop(self.conn.take());
        Ok(())
    }
}

impl Drop for SqliteStatementGuard {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            // Interrupts a statement still running at its next check; the connection, whose
            // handler now refuses every statement, is closed instead of pooled.
            self.gone.store(true, Ordering::Relaxed);
            conn.close_on_drop();
        }
    }
}
