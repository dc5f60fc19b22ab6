//! [`InviteStore`] on SQL: pending invitations, by the digest of their link's secret.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::invite::InviteRecord;
use crest_domain::store::{InviteStore, StoreError};
use crest_domain::token::TokenDigest;

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

type InviteRow = (String, String, i64, i64);

#[async_trait]
impl InviteStore for SqlStore {
    async fn put_invite(
        &self,
        invite: &InviteRecord,
        digest: &TokenDigest,
    ) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO invites (account_id, digest, invited_by, created_ms, expires_ms) \
                 VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (account_id) DO UPDATE SET digest = excluded.digest, \
                 invited_by = excluded.invited_by, created_ms = excluded.created_ms, \
                 expires_ms = excluded.expires_ms",
            )
            .bind(invite.account.as_str())
            .bind(digest.as_bytes().as_slice())
            .bind(&invite.invited_by)
            .bind(invite.created_ms)
            .bind(invite.expires_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    async fn take_invite(
        &self,
        digest: &TokenDigest,
        now: EpochMillis,
    ) -> Result<Option<AccountId>, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let row: Option<(String, i64)> = sqlx::query_as(
                "DELETE FROM invites WHERE digest = $1 RETURNING account_id, expires_ms",
            )
            .bind(digest.as_bytes().as_slice())
            .fetch_optional(&mut *tx)
            .await?;
            tx.end(row.is_some()).await?;
            Ok(row
                .filter(|(_, expires)| *expires > now)
                .map(|(id, _)| AccountId::from_trusted(id)))
        })
    }

    async fn invites(&self) -> Result<Vec<InviteRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<InviteRow> = sqlx::query_as(
                "SELECT account_id, invited_by, created_ms, expires_ms FROM invites \
                 ORDER BY created_ms, account_id",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(id, by, created, expires)| InviteRecord {
                    account: AccountId::from_trusted(id),
                    invited_by: by,
                    created_ms: created,
                    expires_ms: expires,
                })
                .collect())
        })
    }
}
