//! The one way a write reaches either database: [`WriteTx`], a write transaction whose commit
//! also inserts the current request's pending audit event, so that a change and its event are
//! durable together (see `crest_domain::audit`).
//!
//! Every write in this crate goes through [`write_tx!`]; `tests` below fails the build's tests
//! if a module reaches the write pool another way.

use std::ops::{Deref, DerefMut};

use crest_domain::audit;
use sqlx::{Database, Pool, Postgres, Sqlite, Transaction};

use crate::dialect::Dialect;
use crate::error::DbError;

/// An open write transaction. It ends in one of three ways: [`WriteTx::commit`] (a change: its
/// audit event goes with it), [`WriteTx::end`] (commit if something changed, else roll back),
/// or [`WriteTx::commit_bookkeeping`] (a write that is no one's action: token use, session
/// activity, purges, keys, the bootstrap, the audit trail itself). Dropped, it rolls back.
#[derive(Debug)]
pub(crate) struct WriteTx<DB: Database> {
    tx: Transaction<'static, DB>,
}

impl<DB: Database> WriteTx<DB> {
    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite, see [`Dialect::begin_write`]).
    pub(crate) async fn begin(pool: &Pool<DB>, dialect: Dialect) -> Result<Self, DbError> {
        let tx = pool.begin_with(dialect.begin_write()).await?;
        Ok(Self { tx })
    }

    /// Undoes everything; the request's event stays pending.
    pub(crate) async fn rollback(self) -> Result<(), DbError> {
        Ok(self.tx.rollback().await?)
    }

    /// Commits a write that records no one's action, without the pending audit event.
    pub(crate) async fn commit_bookkeeping(self) -> Result<(), DbError> {
        Ok(self.tx.commit().await?)
    }
}

impl<DB: Database> Deref for WriteTx<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl<DB: Database> DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The audited commit, written once and compiled for each backend.
macro_rules! audited_commit {
    ($db:ty) => {
        impl WriteTx<$db> {
            /// Commits a change together with the current request's pending audit event (when
            /// there is one and no earlier transaction of the request took it).
            pub(crate) async fn commit(mut self) -> Result<(), DbError> {
                let claim = audit::claim();
                let id = match &claim {
                    Some(claim) => {
                        let e = claim.event();
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO audit_events (at_ms, actor, action, target, source, outcome) \
                             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind(e.at_ms)
                        .bind(&e.actor)
                        .bind(&e.action)
                        .bind(&e.target)
                        .bind(&e.source)
                        .bind(i32::from(e.outcome))
                        .fetch_one(&mut *self.tx)
                        .await?;
                        Some(id)
                    }
                    None => None,
                };
                self.tx.commit().await?;
                if let (Some(claim), Some(id)) = (claim, id) {
                    claim.written(id);
                }
                Ok(())
            }

            /// Commits (with the audit event) when the transaction `changed` something; rolls
            /// back otherwise, leaving the event to the edge (a 404 and the like).
            pub(crate) async fn end(self, changed: bool) -> Result<(), DbError> {
                if changed {
                    self.commit().await
                } else {
                    self.rollback().await
                }
            }
        }
    };
}

audited_commit!(Sqlite);
audited_commit!(Postgres);

/// Runs `$body` with `$tx` bound to a new [`WriteTx`] on the write side of `$db` and `$dialect`
/// to its dialect; the body, compiled once per backend, ends the transaction. As with
/// [`with_pool!`](crate::db::with_pool), `?` in the body takes driver errors, and the macro's
/// value is a `Result<_, StoreError>`.
macro_rules! write_tx {
    ($db:expr, |$tx:ident, $dialect:ident| $body:expr) => {
        $crate::db::with_pool!($db, write, |pool, $dialect| {
            #[allow(
                unused_mut,
                reason = "only bodies that write through `$tx` need it mutable; `expect` would fail the others"
            )]
            let mut $tx = $crate::write::WriteTx::begin(pool, $dialect).await?;
            $body
        })
    };
}
pub(crate) use write_tx;

#[cfg(test)]
mod tests {
    /// The crate's modules, as compiled in.
    const SOURCES: &[(&str, &str)] = &[
        ("accounts.rs", include_str!("accounts.rs")),
        ("alerts.rs", include_str!("alerts.rs")),
        ("audit.rs", include_str!("audit.rs")),
        ("bootstrap.rs", include_str!("bootstrap.rs")),
        ("bounded.rs", include_str!("bounded.rs")),
        (
            "cloud_integrations.rs",
            include_str!("cloud_integrations.rs"),
        ),
        ("csp.rs", include_str!("csp.rs")),
        ("dashboards.rs", include_str!("dashboards.rs")),
        ("derived_metrics.rs", include_str!("derived_metrics.rs")),
        ("events.rs", include_str!("events.rs")),
        ("groups.rs", include_str!("groups.rs")),
        ("invites.rs", include_str!("invites.rs")),
        ("leases.rs", include_str!("leases.rs")),
        (
            "maintenance_windows.rs",
            include_str!("maintenance_windows.rs"),
        ),
        ("notificants.rs", include_str!("notificants.rs")),
        ("proxies.rs", include_str!("proxies.rs")),
        ("roles.rs", include_str!("roles.rs")),
        ("sessions.rs", include_str!("sessions.rs")),
        ("sign_in.rs", include_str!("sign_in.rs")),
        ("source_query.rs", include_str!("source_query.rs")),
        ("sources.rs", include_str!("sources.rs")),
        ("sql_store.rs", include_str!("sql_store.rs")),
        ("tokens.rs", include_str!("tokens.rs")),
        ("trash.rs", include_str!("trash.rs")),
        ("version_log.rs", include_str!("version_log.rs")),
    ];

    /// The writes that are no one's action, and may commit without the pending audit event.
    const BOOKKEEPING: &[&str] = &[
        "fn apply_bootstrap",
        "fn record_token_use",
        "fn touch_session",
        "fn purge_sessions",
        "fn add_signing_key",
        "fn org_id_or_init",
        "fn purge_expired",
        "fn purge_events",
        "fn forget_silent_ephemeral_proxies",
        "fn record_audit",
        "fn correct_audit",
        "fn try_acquire_lease",
        "fn release_lease",
        "fn record_evaluation",
        "fn record_derived_run",
    ];

    /// The function a line belongs to: the last `fn ` line above it.
    fn enclosing_fn(source: &str, at: usize) -> &str {
        source[..at]
            .lines()
            .rev()
            .find_map(|l| l.find("fn ").map(|i| &l[i..]))
            .unwrap_or_default()
    }

    #[test]
    fn every_module_of_the_crate_is_checked() {
        let on_disk: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))
            .expect("src")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".rs"))
            .filter(|n| {
                ![
                    "lib.rs",
                    "db.rs",
                    "dialect.rs",
                    "error.rs",
                    "location.rs",
                    "write.rs",
                ]
                .contains(&n.as_str())
            })
            .collect();
        for name in on_disk {
            assert!(
                SOURCES.iter().any(|(n, _)| *n == name),
                "{name} is a new module: add it to SOURCES so that its writes are checked"
            );
        }
    }

    /// A write path that reaches the database without [`WriteTx`] (or ends one without its
    /// audit event, outside the bookkeeping writes) would commit a change with no audit row.
    #[test]
    fn every_write_goes_through_the_audited_transaction() {
        for (name, source) in SOURCES {
            for forbidden in ["with_pool!(&self.db, write", "begin_with(", ".begin()"] {
                assert!(
                    !source.contains(forbidden),
                    "{name} writes with `{forbidden}`: use write_tx! and WriteTx::commit"
                );
            }
            for (at, _) in source.match_indices("commit_bookkeeping()") {
                let function = enclosing_fn(source, at);
                assert!(
                    BOOKKEEPING.iter().any(|b| function.starts_with(b)),
                    "{name}: `{function}` commits without the audit event but is not a \
                     bookkeeping write"
                );
            }
        }
    }
}
