//! [`CspStore`] and [`CspKeyStore`] on SQL: the identity service's data, the organization id,
//! signing keys, apps and API tokens.

use async_trait::async_trait;
use crest_domain::account::AccountId;
use crest_domain::clock::EpochMillis;
use crest_domain::csp::api_token::CspTokenRecord;
use crest_domain::csp::app::CspAppRecord;
use crest_domain::csp::signing_key::SigningKeyRecord;
use crest_domain::store::{CspKeyStore, CspStore, StoreError};
use crest_domain::token::TokenDigest;

use crate::db::with_pool;
use crate::sql_store::SqlStore;
use crate::write::write_tx;

const ORG_ID_KEY: &str = "csp_org_id";

fn join(roles: &[String]) -> String {
    roles.join(",")
}

fn split(roles: &str) -> Vec<String> {
    roles
        .split(',')
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

fn digest(bytes: &[u8]) -> Result<TokenDigest, StoreError> {
    TokenDigest::from_slice(bytes).ok_or_else(|| StoreError::corrupt("a secret digest"))
}

#[derive(Debug, sqlx::FromRow)]
struct AppRow {
    id: String,
    name: String,
    description: String,
    roles: String,
    ttl_minutes: i32,
    secret_digest: Vec<u8>,
    generation: i64,
    created_ms: i64,
}

impl AppRow {
    fn into_record(self) -> Result<CspAppRecord, StoreError> {
        Ok(CspAppRecord {
            secret_digest: digest(&self.secret_digest)?,
            roles: split(&self.roles),
            ttl_minutes: u32::try_from(self.ttl_minutes)
                .map_err(|e| StoreError::corrupt("an app's lifetime").because(e))?,
            id: self.id,
            name: self.name,
            description: self.description,
            generation: self.generation,
            created_ms: self.created_ms,
        })
    }
}

#[derive(Debug, sqlx::FromRow)]
struct TokenRow {
    id: String,
    digest: Vec<u8>,
    account_id: String,
    name: String,
    roles: String,
    created_ms: i64,
    expires_ms: Option<i64>,
    revoked_ms: Option<i64>,
}

impl TokenRow {
    fn into_record(self) -> Result<CspTokenRecord, StoreError> {
        Ok(CspTokenRecord {
            digest: digest(&self.digest)?,
            roles: split(&self.roles),
            account: AccountId::from_trusted(self.account_id),
            id: self.id,
            name: self.name,
            created_ms: self.created_ms,
            expires_ms: self.expires_ms,
            revoked: self.revoked_ms.is_some(),
        })
    }
}

const TOKEN_COLUMNS: &str =
    "id, digest, account_id, name, roles, created_ms, expires_ms, revoked_ms";
const APP_COLUMNS: &str =
    "id, name, description, roles, ttl_minutes, secret_digest, generation, created_ms";

#[async_trait]
impl CspKeyStore for SqlStore {
    async fn org_id_or_init(&self, candidate: &str) -> Result<String, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(ORG_ID_KEY)
            .bind(candidate)
            .execute(&mut *tx)
            .await?;
            let org_id = sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = $1")
                .bind(ORG_ID_KEY)
                .fetch_one(&mut *tx)
                .await?;
            // The organization's id is made once, lazily: no one's action.
            tx.commit_bookkeeping().await?;
            Ok(org_id)
        })
    }

    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
        with_pool!(&self.db, read, |pool, dialect| {
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT kid, private_pem, created_ms FROM csp_signing_keys ORDER BY created_ms, kid",
            )
            .fetch_all(pool)
            .await
            ?;
            Ok(rows
                .into_iter()
                .map(|(kid, private_pem, created_ms)| SigningKeyRecord {
                    kid,
                    private_pem,
                    created_ms,
                })
                .collect())
        })
    }

    async fn add_signing_key(&self, key: &SigningKeyRecord) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(
                "INSERT INTO csp_signing_keys (kid, private_pem, created_ms) VALUES ($1, $2, $3)",
            )
            .bind(&key.kid)
            .bind(&key.private_pem)
            .bind(key.created_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit_bookkeeping().await
        })
    }
}

#[async_trait]
impl CspStore for SqlStore {
    async fn create_csp_app(&self, app: &CspAppRecord) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(&format!(
                "INSERT INTO csp_apps ({APP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .bind(&app.id)
            .bind(&app.name)
            .bind(&app.description)
            .bind(join(&app.roles))
            .bind(i32::try_from(app.ttl_minutes).unwrap_or(i32::MAX))
            .bind(app.secret_digest.as_bytes().as_slice())
            .bind(app.generation)
            .bind(app.created_ms)
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        })
    }

    async fn csp_app(&self, id: &str) -> Result<Option<CspAppRecord>, StoreError> {
        let row: Option<AppRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(
                sqlx::query_as(&format!("SELECT {APP_COLUMNS} FROM csp_apps WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?,
            )
        })?;
        row.map(AppRow::into_record).transpose()
    }

    async fn create_csp_token(&self, token: &CspTokenRecord) -> Result<(), StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            sqlx::query(&format!(
                "INSERT INTO csp_api_tokens ({TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)"
            ))
            .bind(&token.id)
            .bind(token.digest.as_bytes().as_slice())
            .bind(token.account.as_str())
            .bind(&token.name)
            .bind(join(&token.roles))
            .bind(token.created_ms)
            .bind(token.expires_ms)
            .execute(&mut *tx)
            .await
            ?;
            tx.commit().await
        })
    }

    async fn csp_token_by_digest(
        &self,
        digest: &TokenDigest,
    ) -> Result<Option<CspTokenRecord>, StoreError> {
        self.read_csp_token(Some(digest), None).await
    }

    async fn csp_token(&self, id: &str) -> Result<Option<CspTokenRecord>, StoreError> {
        self.read_csp_token(None, Some(id)).await
    }

    async fn csp_apps(&self) -> Result<Vec<CspAppRecord>, StoreError> {
        let rows: Vec<AppRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_as(&format!(
                "SELECT {APP_COLUMNS} FROM csp_apps ORDER BY name, id"
            ))
            .fetch_all(pool)
            .await?)
        })?;
        rows.into_iter().map(AppRow::into_record).collect()
    }

    async fn replace_csp_app_secret(
        &self,
        id: &str,
        digest: &TokenDigest,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE csp_apps SET secret_digest = $1, generation = generation + 1 WHERE id = $2",
            )
            .bind(digest.as_bytes().as_slice())
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn delete_csp_app(&self, id: &str) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query("DELETE FROM csp_apps WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }

    async fn csp_tokens_of(&self, account: &AccountId) -> Result<Vec<CspTokenRecord>, StoreError> {
        let rows: Vec<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            Ok(sqlx::query_as(&format!(
                "SELECT {TOKEN_COLUMNS} FROM csp_api_tokens WHERE account_id = $1 ORDER BY created_ms, id"
            ))
            .bind(account.as_str())
            .fetch_all(pool)
            .await?)
        })?;
        rows.into_iter().map(TokenRow::into_record).collect()
    }

    async fn revoke_csp_token(
        &self,
        account: &AccountId,
        id: &str,
        now: EpochMillis,
    ) -> Result<bool, StoreError> {
        write_tx!(&self.db, |tx, dialect| {
            let changed = sqlx::query(
                "UPDATE csp_api_tokens SET revoked_ms = COALESCE(revoked_ms, $1) \
                 WHERE id = $2 AND account_id = $3",
            )
            .bind(now)
            .bind(id)
            .bind(account.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.end(changed).await?;
            Ok(changed)
        })
    }
}

impl SqlStore {
    async fn read_csp_token(
        &self,
        by_digest: Option<&TokenDigest>,
        by_id: Option<&str>,
    ) -> Result<Option<CspTokenRecord>, StoreError> {
        let row: Option<TokenRow> = with_pool!(&self.db, read, |pool, dialect| {
            let sql =
                format!("SELECT {TOKEN_COLUMNS} FROM csp_api_tokens WHERE digest = $1 OR id = $2");
            Ok(sqlx::query_as(&sql)
                .bind(by_digest.map(|d| d.as_bytes().to_vec()))
                .bind(by_id)
                .fetch_optional(pool)
                .await?)
        })?;
        row.map(TokenRow::into_record).transpose()
    }
}
