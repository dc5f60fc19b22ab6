//! Server-to-server OAuth apps: a client id and a secret exchanged for access tokens.

use crate::authority::{self, Act};
use crate::clock::{Clock, EpochMillis};
use crate::csp::role::ServiceRoles;
use crate::error::DomainError;
use crate::principal::Principal;
use crate::random::Random;
use crate::secret::RandomSecret;
use crate::store::{CspStore, Store};
use crate::token::TokenDigest;

/// The shortest and longest access-token lifetimes an app may have, in minutes.
pub const MIN_TTL_MINUTES: u32 = 1;
pub const MAX_TTL_MINUTES: u32 = 300;
/// An app's access-token lifetime when none is given.
pub const DEFAULT_TTL_MINUTES: u32 = 30;

/// An app as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspAppRecord {
    /// The client id.
    pub id: String,
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub ttl_minutes: u32,
    pub secret_digest: TokenDigest,
    /// Bumped by every new secret: access tokens name the generation they came from.
    pub generation: i64,
    pub created_ms: EpochMillis,
}

/// What a new app is.
#[derive(Debug, Clone)]
pub struct NewCspApp {
    pub name: String,
    pub description: String,
    pub roles: Vec<String>,
    pub ttl_minutes: Option<u32>,
}

/// Creates an app; its secret is returned this once. Nobody gives an app more than their own
/// credential holds.
pub async fn create(
    store: &dyn CspStore,
    clock: &dyn Clock,
    random: &dyn Random,
    caller: &Principal,
    new: NewCspApp,
) -> Result<(CspAppRecord, RandomSecret), DomainError> {
    let name = new.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(DomainError::Invalid(
            "an app's name is 1 to 255 characters".into(),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::Invalid(
            "an app's name may not contain control characters".into(),
        ));
    }
    let roles = ServiceRoles::parse(&new.roles)?;
    authority::may_issue(caller, None, "an app with these roles", roles.standing())?;
    let ttl = new.ttl_minutes.unwrap_or(DEFAULT_TTL_MINUTES);
    if !(MIN_TTL_MINUTES..=MAX_TTL_MINUTES).contains(&ttl) {
        return Err(DomainError::Invalid(format!(
            "an access token lives {MIN_TTL_MINUTES} to {MAX_TTL_MINUTES} minutes"
        )));
    }
    let secret = RandomSecret::generate(random)?;
    let record = CspAppRecord {
        id: random.uuid()?.simple().to_string(),
        name,
        description: new.description,
        roles: roles.names(),
        ttl_minutes: ttl,
        secret_digest: secret.digest(),
        generation: 1,
        created_ms: clock.now_millis(),
    };
    store.create_csp_app(&record).await?;
    Ok((record, secret))
}

/// Checks a client id and secret; `None` unless both match an app.
pub async fn authenticate(
    store: &dyn CspStore,
    client_id: &str,
    secret: &str,
) -> Result<Option<CspAppRecord>, DomainError> {
    let Some(secret) = RandomSecret::presented(secret) else {
        return Ok(None);
    };
    let digest = secret.digest();
    let app = store.csp_app(client_id.trim()).await?;
    // TokenDigest compares in constant time.
    Ok(app.filter(|a| a.secret_digest == digest))
}

/// Finds the app and refuses unless the caller holds everything it holds.
async fn may_act_on(
    store: &dyn Store,
    caller: &Principal,
    act: Act,
    id: &str,
) -> Result<CspAppRecord, DomainError> {
    let app = store
        .csp_app(id.trim())
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no app {id}")))?;
    let roles = ServiceRoles::from_claims(&app.roles);
    authority::may_act_on(caller, None, act, &format!("app {id}"), roles.standing())?;
    Ok(app)
}

/// Gives an app a new secret: the old one, and every access token issued from it, stop working.
/// The new secret is returned this once.
pub async fn regenerate_secret(
    store: &dyn Store,
    random: &dyn Random,
    caller: &Principal,
    id: &str,
) -> Result<RandomSecret, DomainError> {
    may_act_on(store, caller, Act::RegenerateSecret, id).await?;
    let secret = RandomSecret::generate(random)?;
    if !store.replace_csp_app_secret(id, &secret.digest()).await? {
        return Err(DomainError::NotFound(format!("no app {id}")));
    }
    Ok(secret)
}

/// Deletes an app; its access tokens stop working.
pub async fn delete(store: &dyn Store, caller: &Principal, id: &str) -> Result<(), DomainError> {
    may_act_on(store, caller, Act::Delete, id).await?;
    if store.delete_csp_app(id).await? {
        Ok(())
    } else {
        Err(DomainError::NotFound(format!("no app {id}")))
    }
}
