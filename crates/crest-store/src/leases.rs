//! Leases (see `crest_domain::lease`): one row per lease, taken and renewed by one atomic
//! `INSERT ... ON CONFLICT DO UPDATE ... WHERE`, the same text on SQLite and PostgreSQL.

use async_trait::async_trait;
use crest_domain::clock::EpochMillis;
use crest_domain::lease::LeaseStore;
use crest_domain::store::StoreError;

use crate::sql_store::SqlStore;
use crate::write::write_tx;

/// Inserts the lease, or takes over the row when it has run out or is this holder's own. A
/// refused update touches no row. On PostgreSQL a racing insert waits for the other's row and then
/// checks the condition against it; on SQLite writes run one at a time.
const ACQUIRE: &str = "INSERT INTO leases (name, holder, until_ms) VALUES ($1, $2, $3) \
     ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms \
     WHERE leases.until_ms <= $4 OR leases.holder = excluded.holder";

#[async_trait]
impl LeaseStore for SqlStore {
    async fn try_acquire_lease(
        &self,
        name: &str,
        holder: &str,
        now: EpochMillis,
        ttl_ms: i64,
    ) -> Result<bool, StoreError> {
        let until = now.saturating_add(ttl_ms.max(0));
        write_tx!(&self.db, |tx, dialect| {
            let held = sqlx::query(ACQUIRE)
                .bind(name)
                .bind(holder)
                .bind(until)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.commit_bookkeeping().await?;
            Ok(held)
        })
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let released = sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
                .bind(name)
                .bind(holder)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.commit_bookkeeping().await?;
            Ok(released)
        })
    }
}
