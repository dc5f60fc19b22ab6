//! API tokens: the secret a client presents, the digest the store keeps, the public id listings show.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::DomainError;
use crate::random::Random;

/// The most API tokens one account may hold at once.
pub const MAX_TOKENS_PER_ACCOUNT: usize = 20;
/// The longest token name accepted.
pub const MAX_TOKEN_NAME_LEN: usize = 255;

/// A token as listings show it: its public id, never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: TokenId,
    pub account: crate::account::AccountId,
    pub name: String,
    pub created_ms: crate::clock::EpochMillis,
    pub last_used_ms: Option<crate::clock::EpochMillis>,
    /// The secret sealed with the operator's key, when tokens are retrievable (see `token_vault`).
    pub sealed: Option<Vec<u8>>,
}

/// The longest credential the server will even look at; anything longer is refused unread.
pub const MAX_CREDENTIAL_LEN: usize = 4096;

/// A token's secret value. It redacts itself in `Debug`, is never serialized, and is shown to a
/// person exactly once, in the answer that created it.
#[derive(Clone)]
pub struct ApiTokenSecret(SecretString);

impl ApiTokenSecret {
    /// Reads a credential as a client sent it. UUID-shaped tokens are put in their canonical
    /// (lower-case, hyphenated) form, so the same token matches however its case was typed.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DomainError::Invalid("an empty credential".into()));
        }
        if raw.len() > MAX_CREDENTIAL_LEN {
            return Err(DomainError::Invalid("the credential is too long".into()));
        }
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(DomainError::Invalid(
                "a credential may not contain whitespace".into(),
            ));
        }
        let canonical = match uuid::Uuid::try_parse(raw) {
            Ok(u) => u.hyphenated().to_string(),
            Err(_) => raw.to_owned(),
        };
        Ok(Self(SecretString::from(canonical)))
    }

    /// A fresh token: a random UUID, as the product's tokens are.
    pub fn generate(random: &dyn Random) -> Result<Self, DomainError> {
        Ok(Self(SecretString::from(
            random.uuid()?.hyphenated().to_string(),
        )))
    }

    /// Whether the token has the shape of the product's tokens (a UUID).
    pub fn is_uuid_shaped(&self) -> bool {
        uuid::Uuid::try_parse(self.0.expose_secret()).is_ok()
    }

    pub fn digest(&self) -> TokenDigest {
        TokenDigest(Sha256::digest(self.0.expose_secret().as_bytes()).into())
    }

    /// The secret itself, for the single answer that hands it to its owner.
    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiTokenSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiTokenSecret(<redacted>)")
    }
}

/// The SHA-256 digest of a token: all the store ever keeps of its secret.
#[derive(Clone, Copy)]
pub struct TokenDigest([u8; 32]);

impl TokenDigest {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        <[u8; 32]>::try_from(bytes).ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for TokenDigest {
    /// Constant time, whatever the inputs.
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for TokenDigest {}

impl fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenDigest(<redacted>)")
    }
}

/// A token's public identifier: a UUID of its own, unrelated to the secret, safe to list and log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenId(uuid::Uuid);

impl TokenId {
    pub fn generate(random: &dyn Random) -> Result<Self, DomainError> {
        Ok(Self(random.uuid()?))
    }

    pub fn parse(raw: &str) -> Option<Self> {
        uuid::Uuid::try_parse(raw.trim()).ok().map(Self)
    }

    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn uuid_tokens_match_in_any_case() {
        let a = ApiTokenSecret::parse("0A1B2C3D-0000-4000-8000-00000000000F").expect("valid");
        let b = ApiTokenSecret::parse("0a1b2c3d-0000-4000-8000-00000000000f").expect("valid");
        assert_eq!(a.digest(), b.digest());
    }

    #[test]
    fn secrets_redact_themselves() {
        let t = ApiTokenSecret::generate(&SequenceRandom::new(7)).expect("token");
        let shown = format!("{t:?} {:?}", t.digest());
        assert!(!shown.contains(t.reveal()));
        assert!(t.is_uuid_shaped());
    }

    #[test]
    fn malformed_credentials_are_refused() {
        assert!(ApiTokenSecret::parse("").is_err());
        assert!(ApiTokenSecret::parse("a b").is_err());
        assert!(ApiTokenSecret::parse(&"x".repeat(MAX_CREDENTIAL_LEN + 1)).is_err());
    }
}
