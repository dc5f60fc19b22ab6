//! Test support: a throw-away PostgreSQL database per test, a throw-away VictoriaMetrics, the
//! domain's store in memory, and the series interface in memory (the model the engines are checked
//! against).
//!
//! The server is `CREST_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When it cannot be reached, PostgreSQL cases are skipped with a message on stderr, except under
//! CI (`CI` set), where that fails the run.

#![expect(
    clippy::expect_used,
    reason = "test support: a failed set-up should stop the test"
)]

use std::str::FromStr;

use sqlx::Connection;
use sqlx::postgres::PgConnectOptions;

pub mod memory_series;
pub mod memory_store;
pub mod victoria;

pub use memory_series::MemorySeries;
pub use memory_store::MemoryStore;

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn base_url() -> String {
    std::env::var("CREST_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_owned())
}

/// A database created for one test. It is dropped by [`PgTestDb::drop_db`], or else when the
/// value is dropped, so that a test that panics does not leave its database behind.
#[derive(Debug)]
pub struct PgTestDb {
    /// `CREST_TEST_DATABASE_URL` with only the database changed: user, password, host and every
    /// parameter (`sslmode`, `options`, …) are kept.
    pub url: String,
    name: String,
    /// Where `DROP DATABASE` is sent from: the server's own database, not this one.
    admin: PgConnectOptions,
    dropped: bool,
}

impl PgTestDb {
    /// Creates an empty database, or returns `None` (outside CI) when no server answers.
    pub async fn create() -> Option<Self> {
        let base = base_url();
        let admin = PgConnectOptions::from_str(&base).expect("CREST_TEST_DATABASE_URL is a URL");
        let mut conn = match sqlx::PgConnection::connect_with(&admin).await {
            Ok(c) => c,
            Err(e) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL at CREST_TEST_DATABASE_URL is unreachable under CI: {e}"
                );
                eprintln!("SKIPPED a PostgreSQL case: no server at CREST_TEST_DATABASE_URL ({e})");
                return None;
            }
        };
        let name = format!("crest_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create a test database");
        let url = with_database(&base, &name);
        Some(Self {
            url,
            name,
            admin,
            dropped: false,
        })
    }

    /// Drops the database, closing any connection still open to it.
    pub async fn drop_db(mut self) {
        drop_database(&self.admin, &self.name).await;
        self.dropped = true;
    }
}

impl Drop for PgTestDb {
    /// The database of a test that ended without [`PgTestDb::drop_db`] (a panic, say). `Drop`
    /// cannot await, and may run inside the test's runtime, so the drop runs on a thread of its
    /// own with a runtime of its own, and this waits for it.
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        let (admin, name) = (self.admin.clone(), std::mem::take(&mut self.name));
        let dropper =
            std::thread::spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt.block_on(drop_database(&admin, &name)),
                    Err(e) => eprintln!("test database {name} left behind: no runtime ({e})"),
                }
            });
        if dropper.join().is_err() {
            eprintln!("a test database was left behind: its drop panicked");
        }
    }
}

async fn drop_database(admin: &PgConnectOptions, name: &str) {
    if let Ok(mut conn) = sqlx::PgConnection::connect_with(admin).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

/// `base` with its database (the URL's path) replaced by `name`, and nothing else changed.
/// `PgConnectOptions` has no lossless way back to a URL (`to_url_lossy` leaves out `options`,
/// among others), so the path is swapped in the text, then the result is checked by parsing it.
fn with_database(base: &str, name: &str) -> String {
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let rest = base.get(authority_start..).unwrap_or_default();
    let path_start = authority_start + rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let tail = base.get(path_start..).unwrap_or_default();
    let path_end = path_start + tail.find(['?', '#']).unwrap_or(tail.len());
    let url = format!(
        "{}/{name}{}",
        base.get(..path_start).unwrap_or_default(),
        base.get(path_end..).unwrap_or_default()
    );
    let parsed = PgConnectOptions::from_str(&url).expect("the test database's URL parses");
    assert_eq!(parsed.get_database(), Some(name), "{url}");
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_database_changes_in_the_url() {
        let cases = [
            (
                "postgres://postgres@127.0.0.1:5432/postgres",
                "postgres://postgres@127.0.0.1:5432/t1",
            ),
            (
                "postgres://crest:s%40cr%2Ft@db.example:6543/main?sslmode=require&options=-c%20x%3D1",
                "postgres://crest:s%40cr%2Ft@db.example:6543/t1?sslmode=require&options=-c%20x%3D1",
            ),
            ("postgres://u:p@h", "postgres://u:p@h/t1"),
            (
                "postgres://u:p@h?sslmode=disable",
                "postgres://u:p@h/t1?sslmode=disable",
            ),
        ];
        for (base, expected) in cases {
            let url = with_database(base, "t1");
            assert_eq!(url, expected);
            let (before, after) = (
                PgConnectOptions::from_str(base).expect("base"),
                PgConnectOptions::from_str(&url).expect("url"),
            );
            assert_eq!(after.get_username(), before.get_username());
            assert_eq!(after.get_host(), before.get_host());
            assert_eq!(after.get_port(), before.get_port());
        }
    }

    #[test]
    fn the_password_survives() {
        let url = with_database("postgres://crest:s%40cr%2Ft@h:5432/postgres", "t1");
        assert!(url.contains(":s%40cr%2Ft@"), "{url}");
    }
}
