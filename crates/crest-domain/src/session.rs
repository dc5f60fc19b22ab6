//! Browser sessions: the secret a browser holds in its cookie, the record the store keeps of it
//! (a digest, never the secret), the token that guards its state-changing requests, and how long
//! a session lasts.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::account::AccountId;
use crate::clock::EpochMillis;
use crate::error::DomainError;
use crate::random::Random;
use crate::token::TokenDigest;

/// A session unused for this long has ended (30 minutes).
pub const IDLE_TIMEOUT_MS: EpochMillis = 30 * 60 * 1000;
/// A session ends this long after sign-in, however busy (12 hours).
pub const ABSOLUTE_TIMEOUT_MS: EpochMillis = 12 * 60 * 60 * 1000;
/// How stale a session's last-seen time may get before a request writes it again: a request
/// writes at most once a minute, and idle expiry is exact to within this much.
pub const TOUCH_INTERVAL_MS: EpochMillis = 60 * 1000;
/// The random bytes of a session secret (256 bits).
const SECRET_BYTES: usize = 32;
/// The longest cookie value looked at; anything longer is not a session.
const MAX_SECRET_LEN: usize = 128;

/// What the store keeps of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub digest: TokenDigest,
    pub account: AccountId,
    pub created_ms: EpochMillis,
    /// When a request last used it (to within [`TOUCH_INTERVAL_MS`]).
    pub seen_ms: EpochMillis,
    /// A Super Admin switched Super Admin mode on in this session.
    pub super_admin_mode: bool,
}

impl SessionRecord {
    /// When the session ends unless it is used again.
    pub fn expires_ms(&self) -> EpochMillis {
        (self.created_ms + ABSOLUTE_TIMEOUT_MS).min(self.seen_ms + IDLE_TIMEOUT_MS)
    }

    pub fn is_live(&self, now: EpochMillis) -> bool {
        now < self.expires_ms()
    }

    /// Whether a request at `now` should record that the session was seen.
    pub fn needs_touch(&self, now: EpochMillis) -> bool {
        now - self.seen_ms >= TOUCH_INTERVAL_MS
    }
}

/// The secret in a browser's session cookie: 256 random bits, hex-encoded. Redacts itself.
#[derive(Clone)]
pub struct SessionSecret(SecretString);

impl SessionSecret {
    pub fn generate(random: &dyn Random) -> Result<Self, DomainError> {
        let mut bytes = [0u8; SECRET_BYTES];
        random.fill(&mut bytes)?;
        Ok(Self(SecretString::from(hex::encode(bytes))))
    }

    /// A cookie value as a browser sent it; `None` when it cannot be a session secret.
    pub fn parse(raw: &str) -> Option<Self> {
        let shaped = !raw.is_empty()
            && raw.len() <= MAX_SECRET_LEN
            && raw.bytes().all(|b| b.is_ascii_hexdigit());
        shaped.then(|| Self(SecretString::from(raw.to_ascii_lowercase())))
    }

    pub fn digest(&self) -> TokenDigest {
        TokenDigest::from_bytes(Sha256::digest(self.0.expose_secret().as_bytes()).into())
    }

    /// The synchronizer token of this session: derived from its secret, so that only a page
    /// that was handed it (and the server, which sees the cookie) knows it.
    pub fn csrf_token(&self) -> CsrfToken {
        let mut hasher = Sha256::new();
        hasher.update(b"crest-csrf\0");
        hasher.update(self.0.expose_secret().as_bytes());
        CsrfToken(hex::encode(hasher.finalize()))
    }

    /// The secret itself, for the `Set-Cookie` header that hands it to the browser.
    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret(<redacted>)")
    }
}

/// A session's anti-CSRF token, as the page sends it back in `X-CSRF-Token`.
#[derive(Clone, PartialEq, Eq)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// Whether `presented` is this token, compared in constant time.
    pub fn matches(&self, presented: &str) -> bool {
        self.0.len() == presented.len() && bool::from(self.0.as_bytes().ct_eq(presented.as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CsrfToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CsrfToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SequenceRandom;

    #[test]
    fn a_session_ends_when_idle_or_old() {
        let record = |created_ms, seen_ms| SessionRecord {
            digest: TokenDigest::from_bytes([0; 32]),
            account: AccountId::parse("a@example.com").expect("id"),
            created_ms,
            seen_ms,
            super_admin_mode: false,
        };
        let fresh = record(0, 0);
        assert!(fresh.is_live(IDLE_TIMEOUT_MS - 1));
        assert!(!fresh.is_live(IDLE_TIMEOUT_MS));
        let busy = record(0, ABSOLUTE_TIMEOUT_MS - 1);
        assert!(busy.is_live(ABSOLUTE_TIMEOUT_MS - 1));
        assert!(!busy.is_live(ABSOLUTE_TIMEOUT_MS));
        assert!(!fresh.needs_touch(TOUCH_INTERVAL_MS - 1));
        assert!(fresh.needs_touch(TOUCH_INTERVAL_MS));
    }

    #[test]
    fn secrets_parse_back_and_derive_their_csrf_token() {
        let secret = SessionSecret::generate(&SequenceRandom::new(7)).expect("random");
        assert_eq!(secret.reveal().len(), 64);
        let parsed = SessionSecret::parse(&secret.reveal().to_ascii_uppercase()).expect("parse");
        assert!(parsed.digest() == secret.digest());
        let csrf = secret.csrf_token();
        assert!(parsed.csrf_token().matches(csrf.as_str()));
        assert!(!csrf.matches(""));
        assert!(!csrf.matches(secret.reveal()));
        assert!(SessionSecret::parse("").is_none());
        assert!(SessionSecret::parse("not-hex").is_none());
        assert!(SessionSecret::parse(&"a".repeat(129)).is_none());
        assert!(!format!("{secret:?}").contains(secret.reveal()));
    }
}
