//! The keys access tokens are signed with, as the store keeps them.

use std::fmt;

use crate::clock::EpochMillis;

/// One RS256 signing key: its id (`kid`) and its private key (PKCS#8 PEM). Redacts itself.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub private_pem: String,
    pub created_ms: EpochMillis,
}

impl fmt::Debug for SigningKeyRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKeyRecord")
            .field("kid", &self.kid)
            .field("created_ms", &self.created_ms)
            .finish_non_exhaustive()
    }
}
