//! Where a request's credential comes from: `Authorization: Bearer …` or `X-AUTH-TOKEN: …`, or,
//! from a browser, its session cookie.

use crest_domain::session::SessionSecret;
use crest_domain::token::{ApiTokenSecret, MAX_CREDENTIAL_LEN};
use secrecy::{ExposeSecret, SecretString};

/// A credential taken from a request, not yet checked against the store.
#[derive(Debug, Clone)]
pub enum Credential {
    /// An opaque API token (a UUID for the product's tokens).
    ApiToken(ApiTokenSecret),
    /// An access token of the identity service (a signed JWT).
    AccessToken(AccessToken),
    /// A browser session's cookie. Whoever reads it from a request also checks that a state-changing
    /// request carries the session's CSRF token.
    Session(SessionSecret),
}

/// A JWT as a client presented it, unverified. Redacts itself.
#[derive(Clone)]
pub struct AccessToken(SecretString);

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl AccessToken {
    /// A compact JWS (`header.payload.signature`, the header starting as JSON does), or `None`.
    pub fn recognize(token: &str) -> Option<Self> {
        let looks_like_jwt = token.starts_with("eyJ")
            && token.bytes().filter(|b| *b == b'.').count() == 2
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='));
        looks_like_jwt.then(|| Self(SecretString::from(token.to_owned())))
    }

    pub fn reveal(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Why no usable credential could be read from a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("no credential was sent")]
    Missing,
    #[error("the Authorization header is malformed")]
    Malformed,
}

impl Credential {
    /// Picks the credential from the two headers clients use. `Authorization` wins when both are
    /// sent; `X-AUTH-TOKEN` may carry a `Bearer ` prefix, as some scripts send it.
    pub fn from_headers(
        authorization: Option<&[u8]>,
        x_auth_token: Option<&[u8]>,
    ) -> Result<Self, CredentialError> {
        if let Some(value) = authorization {
            let value = std::str::from_utf8(value).map_err(|_| CredentialError::Malformed)?;
            let token = strip_bearer(value).ok_or(CredentialError::Malformed)?;
            return Self::from_token(token);
        }
        if let Some(value) = x_auth_token {
            let value = std::str::from_utf8(value).map_err(|_| CredentialError::Malformed)?;
            let token = strip_bearer(value).unwrap_or(value);
            return Self::from_token(token);
        }
        Err(CredentialError::Missing)
    }

    /// A token passed in some other way (the `?token=` of `/api/daemon/test`).
    pub fn from_token(token: &str) -> Result<Self, CredentialError> {
        if token.len() > MAX_CREDENTIAL_LEN {
            return Err(CredentialError::Malformed);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(CredentialError::Missing);
        }
        if let Some(jwt) = AccessToken::recognize(token) {
            return Ok(Self::AccessToken(jwt));
        }
        ApiTokenSecret::parse(token)
            .map(Self::ApiToken)
            .map_err(|_| CredentialError::Malformed)
    }
}

/// `Bearer <token>` with the scheme in any case and exactly one space (or more) before the token.
fn strip_bearer(value: &str) -> Option<&str> {
    let value = value.trim_start();
    let (scheme, rest) = value.split_at_checked(6)?;
    if !scheme.eq_ignore_ascii_case("bearer") || !rest.starts_with(' ') {
        return None;
    }
    let token = rest.trim_start_matches(' ');
    (!token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T: &str = "0a1b2c3d-0000-4000-8000-000000000000";

    fn token_of(c: Result<Credential, CredentialError>) -> Option<String> {
        c.ok().map(|c| match c {
            Credential::ApiToken(t) => t.reveal().to_owned(),
            Credential::AccessToken(t) => t.reveal().to_owned(),
            Credential::Session(t) => t.reveal().to_owned(),
        })
    }

    #[test]
    fn jwts_are_access_tokens() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
        assert!(matches!(
            Credential::from_token(jwt),
            Ok(Credential::AccessToken(_))
        ));
        assert!(matches!(
            Credential::from_token(T),
            Ok(Credential::ApiToken(_))
        ));
        assert!(!format!("{:?}", Credential::from_token(jwt)).contains("eyJ"));
    }

    #[test]
    fn bearer_and_x_auth_token() {
        let bearer = format!("Bearer {T}");
        assert_eq!(
            token_of(Credential::from_headers(Some(bearer.as_bytes()), None)).as_deref(),
            Some(T)
        );
        assert_eq!(
            token_of(Credential::from_headers(None, Some(T.as_bytes()))).as_deref(),
            Some(T)
        );
        assert_eq!(
            token_of(Credential::from_headers(None, Some(bearer.as_bytes()))).as_deref(),
            Some(T)
        );
    }

    #[test]
    fn authorization_wins() {
        let bearer = format!("Bearer {T}");
        let got = token_of(Credential::from_headers(
            Some(bearer.as_bytes()),
            Some(b"other"),
        ));
        assert_eq!(got.as_deref(), Some(T));
    }

    #[test]
    fn malformed_headers() {
        for h in [
            "Bearer",
            "Bearer ",
            "Basic Zm9vOmJhcg==",
            "bearer\tx",
            "Bearerx",
        ] {
            assert!(
                Credential::from_headers(Some(h.as_bytes()), None).is_err(),
                "{h}"
            );
        }
        let long = format!("Bearer {}", "x".repeat(9000));
        assert_eq!(
            Credential::from_headers(Some(long.as_bytes()), None).err(),
            Some(CredentialError::Malformed)
        );
        assert_eq!(
            Credential::from_headers(None, None).err(),
            Some(CredentialError::Missing)
        );
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic(a in proptest::collection::vec(any::<u8>(), 0..64),
                                         b in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Credential::from_headers(Some(&a), Some(&b));
            let _ = Credential::from_headers(None, Some(&b));
        }
    }
}
