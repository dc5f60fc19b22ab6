//! The compatibility setting that makes API tokens retrievable, as the original product's Copy
//! icon did: each new token's secret is also kept sealed (ChaCha20-Poly1305) with a key the
//! operator provides, and listings show it again. Off by default; the digest stays the only thing
//! authentication uses.

use std::fmt;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

use crate::account::AccountRecord;
use crate::authority::{self, Act};
use crate::error::{DomainError, Internal};
use crate::principal::Principal;
use crate::random::Random;
use crate::token::{ApiTokenSecret, TokenId, TokenRecord};

const NONCE_LEN: usize = 12;

/// The operator's key and the cipher made from it. Redacts itself.
#[derive(Clone)]
pub struct TokenVault(ChaCha20Poly1305);

impl fmt::Debug for TokenVault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenVault(<key redacted>)")
    }
}

/// The vault as one caller may use it: it opens the tokens of an account only when the caller
/// holds everything that account holds (`authority`); for anyone else a listing shows public ids.
#[derive(Debug, Clone, Copy)]
pub struct SecretReader<'a> {
    vault: Option<&'a TokenVault>,
    caller: Option<&'a Principal>,
}

impl<'a> SecretReader<'a> {
    pub fn new(vault: Option<&'a TokenVault>, caller: &'a Principal) -> Self {
        Self {
            vault,
            caller: Some(caller),
        }
    }

    /// A reader that opens nothing.
    pub const fn none() -> Self {
        Self {
            vault: None,
            caller: None,
        }
    }

    /// The secret of `token`, owned by `owner`, when it was sealed and the caller may read it.
    pub fn open(&self, token: &TokenRecord, owner: &AccountRecord) -> Option<ApiTokenSecret> {
        let (vault, caller) = (self.vault?, self.caller?);
        let sealed = token.sealed.as_deref()?;
        authority::may_act_on_account(caller, owner, Act::ReadSecrets).ok()?;
        vault.open(sealed, token.id)
    }
}

impl TokenVault {
    /// Reads a key written as 64 hexadecimal characters (32 bytes), surrounding whitespace allowed.
    pub fn from_hex(text: &str) -> Result<Self, DomainError> {
        let bytes = hex::decode(text.trim()).map_err(|_| {
            DomainError::Invalid("the token retrieval key must be 64 hexadecimal characters".into())
        })?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            DomainError::Invalid(
                "the token retrieval key must be 32 bytes (64 hex characters)".into(),
            )
        })?;
        Ok(Self(ChaCha20Poly1305::new(Key::from_slice(&key))))
    }

    /// Seals a token's secret, bound to its public id: `nonce ‖ ciphertext`.
    pub fn seal(
        &self,
        secret: &ApiTokenSecret,
        id: TokenId,
        random: &dyn Random,
    ) -> Result<Vec<u8>, DomainError> {
        let mut nonce = [0u8; NONCE_LEN];
        random.fill(&mut nonce)?;
        let aad = id.as_uuid();
        let sealed = self
            .0
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret.reveal().as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| Internal::new("sealing a token failed"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// The secret sealed for this token, or `None` when it was sealed with another key, for
    /// another token, or altered.
    pub fn open(&self, sealed: &[u8], id: TokenId) -> Option<ApiTokenSecret> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let aad = id.as_uuid();
        let plain = self
            .0
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        ApiTokenSecret::parse(std::str::from_utf8(&plain).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn sealed_secrets_open_only_for_their_token_and_key() {
        let rng = SequenceRandom::new(5);
        let vault = TokenVault::from_hex(KEY).expect("valid key");
        let secret = ApiTokenSecret::generate(&rng).expect("secret");
        let id = TokenId::generate(&rng).expect("id");
        let sealed = vault.seal(&secret, id, &rng).expect("sealed");
        assert!(
            !sealed
                .windows(8)
                .any(|w| secret.reveal().as_bytes().windows(8).any(|s| s == w))
        );
        assert_eq!(
            vault.open(&sealed, id).map(|s| s.digest()),
            Some(secret.digest())
        );
        let other_id = TokenId::generate(&rng).expect("id");
        assert!(vault.open(&sealed, other_id).is_none());
        let other_key = TokenVault::from_hex(&KEY.replace("00", "ff")).expect("valid");
        assert!(other_key.open(&sealed, id).is_none());
        let mut tampered = sealed.clone();
        tampered[20] ^= 1;
        assert!(vault.open(&tampered, id).is_none());
        assert!(vault.open(&[1, 2, 3], id).is_none());
        assert!(TokenVault::from_hex("abcd").is_err());
        assert!(!format!("{vault:?}").contains("0001"));
    }
}
