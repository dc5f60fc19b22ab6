//! Passwords of user accounts: validated, hashed with Argon2id, verified in constant time.
//!
//! Hashing is deliberately slow (tens of milliseconds); callers on an async runtime run these
//! functions on a blocking thread (`crest-auth`'s `password` module does).

use argon2::password_hash::{PasswordHash as Phc, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use secrecy::{ExposeSecret, SecretString};

use crate::error::DomainError;
use crate::random::Random;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The longest password accepted, in bytes: enough for any passphrase, and a bound on the work an
/// unauthenticated request can cause.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A password as a person typed it; never printed, never logged.
#[derive(Clone)]
pub struct Password(SecretString);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// A password to set: at least [`MIN_PASSWORD_CHARS`] characters, at most
    /// [`MAX_PASSWORD_BYTES`] bytes.
    pub fn new(raw: &str) -> Result<Self, DomainError> {
        if raw.chars().count() < MIN_PASSWORD_CHARS {
            return Err(DomainError::Invalid(format!(
                "a password has at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        Self::candidate(raw)
    }

    /// A password offered at sign-in: only the length bound applies.
    pub fn candidate(raw: &str) -> Result<Self, DomainError> {
        if raw.len() > MAX_PASSWORD_BYTES {
            return Err(DomainError::Invalid(format!(
                "a password has at most {MAX_PASSWORD_BYTES} bytes"
            )));
        }
        Ok(Self(SecretString::from(raw.to_owned())))
    }

    fn bytes(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

/// A stored password hash (a PHC string: algorithm, parameters, salt, hash).
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl std::fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl PasswordHash {
    /// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes) and a fresh salt.
    pub fn create(password: &Password, random: &dyn Random) -> Result<Self, DomainError> {
        let mut salt = [0u8; 16];
        random.fill(&mut salt)?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| DomainError::internal("password salt", e.to_string()))?;
        let hash = Argon2::default()
            .hash_password(password.bytes(), &salt)
            .map_err(|e| DomainError::internal("password hashing", e.to_string()))?;
        Ok(Self(hash.to_string()))
    }

    /// Wraps a hash read back from the store.
    pub fn from_stored(phc: String) -> Self {
        Self(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the password matches (the comparison inside is constant-time). A malformed stored
    /// hash matches nothing.
    pub fn verify(&self, password: &Password) -> bool {
        Phc::new(&self.0).is_ok_and(|phc| {
            Argon2::default()
                .verify_password(password.bytes(), &phc)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn hashes_verify_only_their_password_and_never_print_it() {
        let random = SequenceRandom::new(7);
        let pw = Password::new("correct horse").expect("valid");
        let hash = PasswordHash::create(&pw, &random).expect("hashed");
        assert!(hash.as_str().starts_with("$argon2id$"));
        assert!(hash.verify(&pw));
        assert!(!hash.verify(&Password::candidate("correct horsE").expect("valid")));
        assert!(!PasswordHash::from_stored("garbage".into()).verify(&pw));
        let other = PasswordHash::create(&pw, &random).expect("hashed");
        assert_ne!(hash, other, "each hash has its own salt");
        assert!(!format!("{pw:?}{hash:?}").contains("horse"));
    }

    #[test]
    fn lengths_are_bounded() {
        assert!(Password::new("short").is_err());
        assert!(Password::candidate("short").is_ok());
        assert!(Password::candidate(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }
}
