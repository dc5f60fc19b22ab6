//! Accepting access tokens: RS256 signatures by a known key, this issuer, this organization, a
//! live source, and at least one service role.

use std::sync::Arc;

use crest_domain::account::{AccountId, AccountKind};
use crest_domain::clock::Clock;
use crest_domain::csp::role::ServiceRoles;
use crest_domain::principal::Principal;
use crest_domain::store::Store;
use jsonwebtoken::{Algorithm, Validation};

use crate::authenticate::AuthError;
use crate::csp::claims::{AccessClaims, Source};
use crate::csp::issue::Issuer;
use crate::csp::remote::RemoteKeys;

/// Clock skew tolerated on `exp` and `iat`.
pub const LEEWAY_SECS: u64 = 60;
/// The account id prefix under which apps act.
pub const APP_ACCOUNT_PREFIX: &str = "csp-app::";

/// An issuer this instance does not run, trusted through its published keys.
#[derive(Debug)]
pub struct TrustedIssuer {
    pub keys: RemoteKeys,
    /// The `iss` its tokens carry.
    pub issuer: String,
    /// The organization whose tokens are accepted (`context_name`).
    pub org_id: String,
}

/// Checks access tokens: those of this instance's own issuer (against its keys and, for their
/// source, the store), or, when configured, only those of a trusted external issuer.
#[derive(Debug, Clone)]
pub struct AccessVerifier {
    issuer: Arc<Issuer>,
    trusted: Option<Arc<TrustedIssuer>>,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl AccessVerifier {
    pub fn new(issuer: Arc<Issuer>, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            issuer,
            trusted: None,
            store,
            clock,
        }
    }

    /// Accepts the trusted issuer's tokens instead of this instance's own.
    #[must_use]
    pub fn trusting(mut self, trusted: Option<Arc<TrustedIssuer>>) -> Self {
        self.trusted = trusted;
        self
    }

    /// The principal the token stands for, or why it stands for nobody.
    pub async fn verify(&self, jwt: &str) -> Result<Principal, AuthError> {
        let header = jsonwebtoken::decode_header(jwt).map_err(|_| AuthError::Invalid)?;
        // Only RS256, only by a key of ours: `none`, HMAC and embedded keys never get this far.
        if header.alg != Algorithm::RS256 || header.jwk.is_some() || header.jku.is_some() {
            return Err(AuthError::Invalid);
        }
        let kid = header.kid.ok_or(AuthError::Invalid)?;
        let key = match &self.trusted {
            Some(t) => t.keys.decoding_key(&kid, self.clock.as_ref()).await,
            None => self.issuer.keys().decoding_key(&kid).await,
        }
        .ok_or(AuthError::Invalid)?;
        let expected_issuer = self
            .trusted
            .as_ref()
            .map_or_else(|| self.issuer.issuer().to_owned(), |t| t.issuer.clone());
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_aud = false;
        validation.set_issuer(&[expected_issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        let claims = jsonwebtoken::decode::<AccessClaims>(jwt, &key, &validation)
            .map_err(|_| AuthError::Invalid)?
            .claims;
        let now_secs = self.clock.now_millis() / 1000;
        let leeway = i64::try_from(LEEWAY_SECS).unwrap_or(60);
        if claims.iat > now_secs + leeway || claims.exp <= now_secs - leeway {
            return Err(AuthError::Invalid);
        }
        let roles = ServiceRoles::from_claims(&claims.perms);
        if let Some(trusted) = &self.trusted {
            if claims.context_name != trusted.org_id {
                return Err(AuthError::Invalid);
            }
            return external_principal(&claims, &roles);
        }
        if claims.context_name != self.issuer.org_id().await? {
            return Err(AuthError::Invalid);
        }
        let source = Source::decode(&claims.crest_src).ok_or(AuthError::Invalid)?;
        let principal = match source {
            Source::ApiToken(id) => {
                let token = self
                    .store
                    .csp_token(&id)
                    .await?
                    .filter(|t| t.usable_at(self.clock.now_millis()))
                    .ok_or(AuthError::Invalid)?;
                let account = self
                    .store
                    .account(&token.account)
                    .await?
                    .filter(|a| a.active)
                    .ok_or(AuthError::Invalid)?;
                // The roles granted at the exchange, within what the user holds now.
                let held =
                    ServiceRoles::of_account(account.effective_permissions(), account.super_admin);
                let roles = roles.within(&held);
                if roles.is_empty() {
                    return Err(AuthError::NoServiceAccess);
                }
                Principal {
                    permissions: roles.permissions(),
                    super_admin: roles.is_super_admin(),
                    super_admin_mode_off: false,
                    kind: AccountKind::User,
                    account: account.id,
                    token: None,
                }
            }
            Source::App { id, generation } => {
                let app = self
                    .store
                    .csp_app(&id)
                    .await?
                    .filter(|a| a.generation == generation)
                    .ok_or(AuthError::Invalid)?;
                if roles.is_empty() {
                    return Err(AuthError::NoServiceAccess);
                }
                Principal {
                    permissions: roles.permissions(),
                    super_admin: roles.is_super_admin(),
                    super_admin_mode_off: false,
                    kind: AccountKind::ServiceAccount,
                    account: AccountId::from_trusted(format!("{APP_ACCOUNT_PREFIX}{}", app.id)),
                    token: None,
                }
            }
        };
        Ok(principal)
    }
}

/// A principal of the trusted issuer: its roles decide; the sources of its tokens are that
/// issuer's to revoke (their lifetime bounds how long a revoked one lingers).
fn external_principal(claims: &AccessClaims, roles: &ServiceRoles) -> Result<Principal, AuthError> {
    if roles.is_empty() {
        return Err(AuthError::NoServiceAccess);
    }
    let person = AccountId::parse(&claims.username)
        .ok()
        .filter(|id| id.as_str().contains('@'));
    let (account, kind) = match person {
        Some(id) => (id, AccountKind::User),
        None => (
            AccountId::from_trusted(format!("{APP_ACCOUNT_PREFIX}{}", claims.sub)),
            AccountKind::ServiceAccount,
        ),
    };
    Ok(Principal {
        permissions: roles.permissions(),
        super_admin: roles.is_super_admin(),
        super_admin_mode_off: false,
        kind,
        account,
        token: None,
    })
}
