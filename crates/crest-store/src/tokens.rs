//! [`TokenStore`] and [`TokenUseLog`] on SQL: API tokens, found by digest or by account.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::store::{
    NewToken, StoreError, TokenCreated, TokenOwner, TokenStore, TokenUseLog,
};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

use crate::accounts::{AccountRow, account_columns};
use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

#[derive(Debug, sqlx::FromRow)]
struct TokenOwnerRow {
    token_id: String,
    digest: Vec<u8>,
    revoked_ms: Option<i64>,
    #[sqlx(flatten)]
    account: AccountRow,
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn token_owner(&self, digest: &TokenDigest) -> Result<Option<TokenOwner>, StoreError> {
        let row: Option<TokenOwnerRow> = with_pool!(&self.db, read, |pool, dialect| {
            let sql = format!(
                "SELECT t.id AS token_id, t.digest, t.revoked_ms, {} \
                 FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.digest = $1",
                account_columns(dialect)
            );
            Ok(sqlx::query_as(&sql)
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(pool)
                .await?)
        })?;
        row.map(|r| {
            Ok(TokenOwner {
                token_id: TokenId::parse(&r.token_id)
                    .ok_or_else(|| StoreError::corrupt("token id"))?,
                digest: TokenDigest::from_slice(&r.digest)
                    .ok_or_else(|| StoreError::corrupt("token digest"))?,
                revoked: r.revoked_ms.is_some(),
                account: r.account.into_record()?,
            })
        })
        .transpose()
    }

    async fn tokens_of(&self, account: &AccountId) -> Result<Vec<TokenRecord>, StoreError> {
        let rows: Vec<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens \
                 WHERE account_id = $1 AND revoked_ms IS NULL ORDER BY created_ms, id"
            ))
            .bind(account.as_str())
            .fetch_all(pool)
            .await?)
        })?;
        rows.into_iter().map(TokenRow::into_record).collect()
    }

    async fn all_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        self.live_tokens(None).await
    }

    async fn token(&self, id: TokenId) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self.live_tokens(Some(id)).await?.pop())
    }

    async fn create_token(
        &self,
        token: &NewToken,
        limit: usize,
    ) -> Result<TokenCreated, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        write_tx!(&self.db, |tx, dialect| {
            // Lock the account so that two requests cannot both take the last free place.
            let exists: Option<String> = sqlx::query_scalar(&format!(
                "SELECT id FROM accounts WHERE id = $1{}",
                dialect.for_update()
            ))
            .bind(token.account.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            if exists.is_none() {
                tx.rollback().await?;
                return Ok(TokenCreated::NoSuchAccount);
            }
            let held: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM api_tokens WHERE account_id = $1 AND revoked_ms IS NULL",
            )
            .bind(token.account.as_str())
            .fetch_one(&mut *tx)
            .await?;
            if held >= limit {
                tx.rollback().await?;
                return Ok(TokenCreated::LimitReached);
            }
            sqlx::query(
                "INSERT INTO api_tokens (id, digest, account_id, name, created_ms, sealed_secret) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(token.id.to_string())
            .bind(token.digest.as_bytes().as_slice())
            .bind(token.account.as_str())
            .bind(&token.name)
            .bind(token.now)
            .bind(token.sealed.as_deref())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(TokenCreated::Created)
        })
    }

    async fn rename_token(
        &self,
        account: &AccountId,
        token: TokenId,
        name: &str,
    ) -> Result<Option<TokenRecord>, StoreError> {
        let row: Option<TokenRow> = write_tx!(&self.db, |tx, dialect| {
            let row: Option<TokenRow> = sqlx::query_as(&format!(
                "UPDATE api_tokens SET name = $1 \
                 WHERE id = $2 AND account_id = $3 AND revoked_ms IS NULL RETURNING {TOKEN_COLUMNS}"
            ))
            .bind(name)
            .bind(token.to_string())
            .bind(account.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            tx.end(row.is_some()).await?;
            Ok(row)
        })?;
        row.map(TokenRow::into_record).transpose()
    }

    async fn revoke_token(
        &self,
        account: &AccountId,
        token: TokenId,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let revoked = sqlx::query(
                "UPDATE api_tokens SET revoked_ms = $1 \
                 WHERE id = $2 AND account_id = $3 AND revoked_ms IS NULL",
            )
            .bind(now)
            .bind(token.to_string())
            .bind(account.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(revoked).await?;
            Ok(revoked)
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct TokenRow {
    id: String,
    account_id: String,
    name: String,
    created_ms: i64,
    last_used_ms: Option<i64>,
    sealed_secret: Option<Vec<u8>>,
}

impl TokenRow {
    fn into_record(self) -> Result<TokenRecord, StoreError> {
        Ok(TokenRecord {
            id: TokenId::parse(&self.id).ok_or_else(|| StoreError::corrupt("token id"))?,
            account: AccountId::from_trusted(self.account_id),
            name: self.name,
            created_ms: self.created_ms,
            last_used_ms: self.last_used_ms,
            sealed: self.sealed_secret,
        })
    }
}

const TOKEN_COLUMNS: &str = "id, account_id, name, created_ms, last_used_ms, sealed_secret";

impl SqlStore {
    /// Unrevoked tokens: all of them, or the one with this id.
    pub(crate) async fn live_tokens(
        &self,
        id: Option<TokenId>,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let id = id.map(|i| i.to_string());
        let rows: Vec<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens \
                 WHERE revoked_ms IS NULL AND ($1 IS NULL OR id = $1) ORDER BY account_id, created_ms, id"
            ))
            .bind(id.as_deref())
            .fetch_all(pool)
            .await?)
        })?;
        rows.into_iter().map(TokenRow::into_record).collect()
    }
}

#[async_trait]
impl TokenUseLog for SqlStore {
    async fn record_token_use(&self, uses: &[(TokenId, EpochMillis)]) -> Result<(), StoreError> {
        if uses.is_empty() {
            return Ok(());
        }
        write_tx!(&self.db, |tx, dialect| {
            for (id, at) in uses {
                sqlx::query(
                    "UPDATE api_tokens SET last_used_ms = $1 \
                     WHERE id = $2 AND (last_used_ms IS NULL OR last_used_ms < $1)",
                )
                .bind(*at)
                .bind(id.to_string())
                .execute(&mut *tx)
                .await?;
            }
            // Token use is no one's action.
            tx.commit_bookkeeping().await
        })
    }
}
