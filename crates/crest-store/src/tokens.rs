//! Finding the owner of an API token by the token's digest.

use crest_domain::store::{StoreError, TokenOwner};
use crest_domain::token::{TokenDigest, TokenId};

use crate::accounts::{ACCOUNT_GROUP_BY, AccountRow, account_columns};
use crate::db::with_pool;
use crate::error::store_error;
use crate::sql_store::SqlStore;

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
                 FROM api_tokens t JOIN accounts a ON a.id = t.account_id \
                 LEFT JOIN account_permissions p ON p.account_id = a.id \
                 WHERE t.digest = $1 \
                 GROUP BY t.id, t.digest, t.revoked_ms, {ACCOUNT_GROUP_BY}",
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
