//! The exchanges: an organization API token, or an app's client id and secret, for an access
//! token.

use std::sync::Arc;

use crest_domain::clock::Clock;
use crest_domain::csp::app;
use crest_domain::csp::org;
use crest_domain::csp::role::ServiceRoles;
use crest_domain::random::Random;
use crest_domain::secret::RandomSecret;
use crest_domain::store::{Store, StoreError};
use tokio::sync::OnceCell;

use crate::csp::claims::{AccessClaims, Source, issuer};
use crate::csp::keys::{KeyError, KeyRing};

/// How long an access token from an API token lives, fixed, as CSP's did.
pub const API_TOKEN_ACCESS_TTL_SECS: i64 = 1800;
/// The organization roles: Owner (full), Administrator (manages lower roles), Member.
pub const ORG_OWNER: &str = "csp:org_owner";
pub const ORG_ADMIN: &str = "csp:org_admin";
pub const ORG_MEMBER: &str = "csp:org_member";

/// The organization role an access token from a user's API token carries: never more than the
/// token's own roles grant. Owner only for an `aoa:*` (or `aoa:superAdmin`) token of a Super Admin
/// (the organization's owner); Administrator only for a token that carries `aoa:admin`, which its
/// user must hold; every other token, a roleless one included, is a Member's.
fn org_role(account: &crest_domain::account::AccountRecord, roles: &ServiceRoles) -> &'static str {
    if account.super_admin && roles.is_super_admin() {
        ORG_OWNER
    } else if roles
        .permissions()
        .contains(crest_domain::permission::Permission::UserManagement)
    {
        ORG_ADMIN
    } else {
        ORG_MEMBER
    }
}

/// Why an exchange gave no token.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// A bad, expired or revoked API token (400 `invalid_grant`).
    #[error("the API token is not valid, or has expired or been revoked")]
    InvalidToken,
    /// Bad client credentials (401 `invalid_client`).
    #[error("the client credentials are not valid")]
    InvalidClient,
    /// The request names another organization (400 `invalid_request`).
    #[error("the app does not belong to the organization the request names")]
    WrongOrganization,
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An access token and what the answer says of it.
#[derive(Debug, Clone)]
pub struct Issued {
    pub access_token: String,
    pub expires_in: i64,
    /// The granted roles, space-separated.
    pub scope: String,
}

/// Who an access token is for, and what it grants.
struct Grant<'a> {
    sub: &'a str,
    azp: &'a str,
    username: &'a str,
    org_role: &'a str,
    roles: &'a ServiceRoles,
    ttl_secs: i64,
    source: &'a Source,
}

/// Issues access tokens.
#[derive(Debug)]
pub struct Issuer {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    keys: Arc<KeyRing>,
    issuer: String,
    org: OnceCell<String>,
}

impl Issuer {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        keys: Arc<KeyRing>,
        public_url: &str,
    ) -> Self {
        Self {
            store,
            clock,
            random,
            keys,
            issuer: issuer(public_url),
            org: OnceCell::new(),
        }
    }

    pub fn keys(&self) -> &Arc<KeyRing> {
        &self.keys
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The organization's id (read once, then remembered).
    pub async fn org_id(&self) -> Result<String, StoreError> {
        self.org
            .get_or_try_init(|| async {
                org::org_id(self.store.as_ref(), self.random.as_ref())
                    .await
                    .map_err(|e| StoreError::other("reading the organization's id").because(e))
            })
            .await
            .cloned()
    }

    /// Exchanges an organization API token. Its roles are cut to what its user holds now.
    pub async fn exchange_api_token(&self, raw: &str) -> Result<Issued, ExchangeError> {
        let secret = RandomSecret::presented(raw).ok_or(ExchangeError::InvalidToken)?;
        let token = self
            .store
            .csp_token_by_digest(&secret.digest())
            .await?
            .filter(|t| t.digest == secret.digest())
            .filter(|t| t.usable_at(self.clock.now_millis()))
            .ok_or(ExchangeError::InvalidToken)?;
        let account = self
            .store
            .account(&token.account)
            .await?
            .filter(|a| a.active)
            .ok_or(ExchangeError::InvalidToken)?;
        let held = ServiceRoles::of_account(account.effective_permissions(), account.super_admin);
        let roles = ServiceRoles::from_claims(&token.roles).within(&held);
        self.issue(Grant {
            sub: account.id.as_str(),
            azp: "crest_api_token",
            username: account.id.as_str(),
            org_role: org_role(&account, &roles),
            roles: &roles,
            ttl_secs: API_TOKEN_ACCESS_TTL_SECS,
            source: &Source::ApiToken(token.id),
        })
        .await
    }

    /// Exchanges an app's client id and secret; `org` (the request's `orgId`), when given, must
    /// be this organization.
    pub async fn exchange_client_credentials(
        &self,
        client_id: &str,
        secret: &str,
        org: Option<&str>,
    ) -> Result<Issued, ExchangeError> {
        let app = app::authenticate(self.store.as_ref(), client_id, secret)
            .await
            .map_err(|_| ExchangeError::InvalidClient)?
            .ok_or(ExchangeError::InvalidClient)?;
        if let Some(org) = org.map(str::trim).filter(|o| !o.is_empty())
            && org != self.org_id().await?
        {
            return Err(ExchangeError::WrongOrganization);
        }
        let roles = ServiceRoles::from_claims(&app.roles);
        self.issue(Grant {
            sub: &app.id,
            azp: &app.id,
            username: &app.name,
            org_role: ORG_MEMBER,
            roles: &roles,
            ttl_secs: i64::from(app.ttl_minutes) * 60,
            source: &Source::App {
                id: app.id.clone(),
                generation: app.generation,
            },
        })
        .await
    }

    async fn issue(&self, grant: Grant<'_>) -> Result<Issued, ExchangeError> {
        let Grant {
            sub,
            azp,
            username,
            org_role,
            roles,
            ttl_secs,
            source,
        } = grant;
        let org = self.org_id().await?;
        // One clock reading for both ends of the token's life.
        let iat = self.clock.now_millis() / 1000;
        let mut perms = vec![org_role.to_owned()];
        perms.extend(roles.expanded());
        let claims = AccessClaims {
            sub: sub.to_owned(),
            azp: azp.to_owned(),
            domain: "crest".to_owned(),
            context: org.clone(),
            context_name: org,
            scope: perms.join(" "),
            perms,
            iss: self.issuer.clone(),
            iat,
            exp: iat + ttl_secs,
            jti: self
                .random
                .uuid()
                .map_err(|e| ExchangeError::Key(KeyError::Broken(e.to_string())))?
                .to_string(),
            username: username.to_owned(),
            crest_src: source.encode(),
        };
        let access_token = self.keys.sign(&claims).await?;
        Ok(Issued {
            access_token,
            expires_in: ttl_secs,
            scope: claims.scope,
        })
    }
}
