//! High-entropy secrets (app secrets, organization API tokens, invitation links): random, shown
//! once, kept as SHA-256 digests and compared in constant time.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::DomainError;
use crate::random::Random;
use crate::token::TokenDigest;

/// The longest secret looked at; anything longer is refused unread.
const MAX_LEN: usize = 512;

/// A secret as generated or as a client sent it. Redacts itself.
#[derive(Clone)]
pub struct RandomSecret(SecretString);

impl fmt::Debug for RandomSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RandomSecret(<redacted>)")
    }
}

impl RandomSecret {
    /// 256 random bits as 64 hexadecimal characters.
    pub fn generate(random: &dyn Random) -> Result<Self, DomainError> {
        let mut bytes = [0u8; 32];
        random.fill(&mut bytes)?;
        Ok(Self(SecretString::from(hex::encode(bytes))))
    }

    /// A secret a client presented; `None` when it cannot be one (empty, too long).
    pub fn presented(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        (!raw.is_empty() && raw.len() <= MAX_LEN).then(|| Self(SecretString::from(raw.to_owned())))
    }

    pub fn digest(&self) -> TokenDigest {
        TokenDigest::from_bytes(Sha256::digest(self.0.expose_secret().as_bytes()).into())
    }

    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}
