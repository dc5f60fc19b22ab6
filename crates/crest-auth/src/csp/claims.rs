//! What an access token says (a JWT's claims), as CSP's tokens say it.

use serde::{Deserialize, Serialize};

/// The claims of an access token. `crest_src` names what it was issued from (an API token or an
/// app's secret generation), so that revoking that ends the token too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    #[serde(default)]
    pub azp: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub context: String,
    pub context_name: String,
    #[serde(default)]
    pub perms: Vec<String>,
    /// The same roles, space-separated, as OAuth scopes are written.
    #[serde(default)]
    pub scope: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(default)]
    pub jti: String,
    #[serde(default)]
    pub username: String,
    /// Absent from other issuers' tokens.
    #[serde(default)]
    pub crest_src: String,
}

/// What an access token was issued from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An organization API token, by id.
    ApiToken(String),
    /// A server-to-server app, by client id, and the generation of its secret.
    App { id: String, generation: i64 },
}

impl Source {
    pub fn encode(&self) -> String {
        match self {
            Self::ApiToken(id) => format!("t:{id}"),
            Self::App { id, generation } => format!("a:{generation}:{id}"),
        }
    }

    pub fn decode(raw: &str) -> Option<Self> {
        if let Some(id) = raw.strip_prefix("t:") {
            return Some(Self::ApiToken(id.to_owned()));
        }
        let rest = raw.strip_prefix("a:")?;
        let (generation, id) = rest.split_once(':')?;
        Some(Self::App {
            id: id.to_owned(),
            generation: generation.parse().ok()?,
        })
    }
}

/// The issuer every token names: the instance's public URL, never the request's.
pub fn issuer(public_url: &str) -> String {
    format!("{public_url}/csp/gateway/am")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_round_trip() {
        for s in [
            Source::ApiToken("abc".into()),
            Source::App {
                id: "x:y".into(),
                generation: 3,
            },
        ] {
            assert_eq!(Source::decode(&s.encode()), Some(s));
        }
        assert_eq!(Source::decode("z:1"), None);
    }
}
