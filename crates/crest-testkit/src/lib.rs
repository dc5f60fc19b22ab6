//! Test support: a throw-away PostgreSQL database per test.
//!
//! The server is `CREST_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`).
//! When it cannot be reached, PostgreSQL cases are skipped with a message on stderr, except under
//! CI (`CI` set), where that fails the run.

#![allow(
    clippy::expect_used,
    reason = "test support: a failed set-up should stop the test"
)]

use std::str::FromStr;

use sqlx::Connection;

pub mod memory_store;

pub use memory_store::MemoryStore;

const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn base_url() -> String {
    std::env::var("CREST_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_PG.to_owned())
}

/// A database created for one test; call [`PgTestDb::drop_db`] when done.
#[derive(Debug)]
pub struct PgTestDb {
    pub url: String,
    name: String,
}

impl PgTestDb {
    /// Creates an empty database, or returns `None` (outside CI) when no server answers.
    pub async fn create() -> Option<Self> {
        let base = base_url();
        let mut conn = match sqlx::PgConnection::connect(&base).await {
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
        let opts = sqlx::postgres::PgConnectOptions::from_str(&base).expect("a valid URL");
        let url = format!(
            "postgres://{}@{}:{}/{name}",
            opts.get_username(),
            opts.get_host(),
            opts.get_port()
        );
        Some(Self { url, name })
    }

    /// Drops the database, closing any connection still open to it.
    pub async fn drop_db(self) {
        if let Ok(mut conn) = sqlx::PgConnection::connect(&base_url()).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
        }
    }
}
