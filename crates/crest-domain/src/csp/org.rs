//! The organization this instance belongs to: its id is what clients send as `orgId` and what
//! access tokens carry as `context` and `context_name`.

use crate::error::DomainError;
use crate::random::Random;
use crate::store::CspKeyStore;

/// The organization's id: made once (a random UUID), kept in the store, the same for every
/// instance that shares it.
pub async fn org_id(store: &dyn CspKeyStore, random: &dyn Random) -> Result<String, DomainError> {
    let candidate = random.uuid()?.to_string();
    Ok(store.org_id_or_init(&candidate).await?)
}
