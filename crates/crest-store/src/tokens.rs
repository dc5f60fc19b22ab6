//! API tokens: finding a token's owner by digest, and each account's tokens.

use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::store::{NewToken, StoreError, TokenCreated, TokenOwner};
use crest_domain::token::{TokenDigest, TokenId, TokenRecord};

use crate::accounts::{AccountRow, account_columns};
use crate::db::with_pool;
use crate::error::store_error;
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

impl SqlStore {
    pub(crate) async fn find_token_owner(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<TokenOwner>, StoreError> {
        let row: Option<TokenOwnerRow> = with_pool!(&self.db, read, |pool, dialect| {
            let sql = format!(
                "SELECT t.id AS token_id, t.digest, t.revoked_ms, {} \
                 FROM api_tokens t JOIN accounts a ON a.id = t.account_id WHERE t.digest = $1",
                account_columns(dialect)
            );
            sqlx::query_as(&sql)
                .bind(digest.as_bytes().as_slice())
                .fetch_optional(pool)
                .await
                .map_err(store_error)?
        });
        row.map(|r| {
            Ok(TokenOwner {
                token_id: TokenId::parse(&r.token_id)
                    .ok_or_else(|| StoreError::Corrupt("token id".into()))?,
                digest: TokenDigest::from_slice(&r.digest)
                    .ok_or_else(|| StoreError::Corrupt("token digest".into()))?,
                revoked: r.revoked_ms.is_some(),
                account: r.account.into_record()?,
            })
        })
        .transpose()
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
            id: TokenId::parse(&self.id).ok_or_else(|| StoreError::Corrupt("token id".into()))?,
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
    pub(crate) async fn account_tokens(
        &self,
        account: &AccountId,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let rows: Vec<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens \
                 WHERE account_id = $1 AND revoked_ms IS NULL ORDER BY created_ms, id"
            ))
            .bind(account.as_str())
            .fetch_all(pool)
            .await
            .map_err(store_error)?
        });
        rows.into_iter().map(TokenRow::into_record).collect()
    }

    /// Unrevoked tokens: all of them, or the one with this id.
    pub(crate) async fn live_tokens(
        &self,
        id: Option<TokenId>,
    ) -> Result<Vec<TokenRecord>, StoreError> {
        let id = id.map(|i| i.to_string());
        let rows: Vec<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens \
                 WHERE revoked_ms IS NULL AND ($1 IS NULL OR id = $1) ORDER BY account_id, created_ms, id"
            ))
            .bind(id.as_deref())
            .fetch_all(pool)
            .await
            .map_err(store_error)?
        });
        rows.into_iter().map(TokenRow::into_record).collect()
    }

    pub(crate) async fn touch_tokens(
        &self,
        uses: &[(TokenId, EpochMillis)],
    ) -> Result<(), StoreError> {
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
                .await
                .map_err(store_error)?;
            }
            // Token use is no one's action.
            tx.commit_bookkeeping().await
        })
    }

    pub(crate) async fn insert_token(
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
            .await
            .map_err(store_error)?;
            if exists.is_none() {
                tx.rollback().await?;
                return Ok(TokenCreated::NoSuchAccount);
            }
            let held: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM api_tokens WHERE account_id = $1 AND revoked_ms IS NULL",
            )
            .bind(token.account.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(store_error)?;
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
            .await
            .map_err(store_error)?;
            tx.commit().await?;
            Ok(TokenCreated::Created)
        })
    }

    pub(crate) async fn set_token_name(
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
            .await
            .map_err(store_error)?;
            tx.end(row.is_some()).await?;
            row
        });
        row.map(TokenRow::into_record).transpose()
    }

    pub(crate) async fn mark_token_revoked(
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
            .await
            .map_err(store_error)?
            .rows_affected()
                == 1;
            tx.end(revoked).await?;
            Ok(revoked)
        })
    }
}
