//! Trusting an external issuer (another crest, or any CSP-compatible service) through the keys it
//! publishes as a JWK set, so that the identity service and the API can run apart.

use std::sync::RwLock;

use crest_domain::clock::{Clock, EpochMillis};

use crate::csp::throttle::OncePer;
use jsonwebtoken::DecodingKey;
use serde::Deserialize;

/// The least time between two fetches of the key set (an unknown `kid` triggers one).
const REFETCH_INTERVAL_MS: EpochMillis = 1000;

#[derive(Debug, Deserialize)]
struct Jwks {
    keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Jwk {
    kid: Option<String>,
    kty: String,
    n: Option<String>,
    e: Option<String>,
}

/// The external issuer's keys, fetched from its JWK set and refreshed on an unknown `kid`.
pub struct RemoteKeys {
    jwks_url: String,
    http: reqwest::Client,
    keys: RwLock<Vec<(String, DecodingKey)>>,
    fetched: OncePer,
}

impl std::fmt::Debug for RemoteKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteKeys")
            .field("jwks_url", &self.jwks_url)
            .finish_non_exhaustive()
    }
}

impl RemoteKeys {
    pub fn new(jwks_url: String) -> Self {
        Self {
            jwks_url,
            http: reqwest::Client::new(),
            keys: RwLock::new(Vec::new()),
            fetched: OncePer::default(),
        }
    }

    /// The key for `kid`, fetching the set again (at most once a second) when it is unknown.
    pub async fn decoding_key(&self, kid: &str, clock: &dyn Clock) -> Option<DecodingKey> {
        if let Some(key) = self.find(kid) {
            return Some(key);
        }
        let due = self.fetched.try_at(clock.now_millis(), REFETCH_INTERVAL_MS);
        if !due {
            return None;
        }
        match self.fetch().await {
            Ok(keys) => {
                if let Ok(mut k) = self.keys.write() {
                    *k = keys;
                }
                self.find(kid)
            }
            Err(e) => {
                tracing::warn!(url = %self.jwks_url, "could not fetch the trusted issuer's keys: {e}");
                None
            }
        }
    }

    fn find(&self, kid: &str) -> Option<DecodingKey> {
        let keys = self.keys.read().ok()?;
        keys.iter().find(|(k, _)| k == kid).map(|(_, d)| d.clone())
    }

    async fn fetch(&self) -> Result<Vec<(String, DecodingKey)>, String> {
        let set: Jwks = self
            .http
            .get(&self.jwks_url)
            .timeout(std::time::Duration::from_secs(10))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        Ok(set
            .keys
            .into_iter()
            .filter(|k| k.kty == "RSA")
            .filter_map(|k| {
                let key =
                    DecodingKey::from_rsa_components(k.n.as_deref()?, k.e.as_deref()?).ok()?;
                Some((k.kid?, key))
            })
            .collect())
    }
}
