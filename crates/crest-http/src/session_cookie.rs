//! The session cookie: reading it from a request, and the `Set-Cookie` values that hand it to a
//! browser or take it back.

use axum::http::{HeaderMap, HeaderValue, header};
use crest_domain::session::SessionSecret;

use crate::error::ApiError;

/// The cookie's name over plain HTTP.
const PLAIN_NAME: &str = "crest_session";
/// Its name under TLS: the `__Host-` prefix makes browsers insist on `Secure`, `Path=/` and no
/// `Domain`, so no sibling host can plant or overwrite it.
const SECURE_NAME: &str = "__Host-crest_session";

fn name(secure: bool) -> &'static str {
    if secure { SECURE_NAME } else { PLAIN_NAME }
}

/// The session secret a request's `Cookie` headers carry, if any has the shape of one.
pub(crate) fn read(headers: &HeaderMap, secure: bool) -> Option<SessionSecret> {
    let wanted = name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .and_then(|(_, value)| SessionSecret::parse(value))
}

/// Hands the session to the browser: script cannot read it, other sites' requests do not carry it.
/// It lasts as long as the browser keeps session cookies; the server ends it sooner.
pub(crate) fn set(secret: &SessionSecret, secure: bool) -> Result<HeaderValue, ApiError> {
    cookie(secure, secret.reveal(), "")
}

/// Tells the browser to forget the session.
pub(crate) fn clear(secure: bool) -> Result<HeaderValue, ApiError> {
    cookie(secure, "", "; Max-Age=0")
}

/// The one shape of the cookie, so that setting and clearing always name the same cookie.
fn cookie(secure: bool, value: &str, lifetime: &str) -> Result<HeaderValue, ApiError> {
    let secure_flag = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict{secure_flag}{lifetime}",
        name(secure)
    ))
    .map_err(|_| ApiError::internal("a session cookie that is not a header value"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_domain::random::SequenceRandom;

    #[test]
    fn the_cookie_round_trips_under_its_name() {
        let secret = SessionSecret::generate(&SequenceRandom::new(3)).expect("random");
        for secure in [false, true] {
            let set = set(&secret, secure).expect("header");
            let pair = set
                .to_str()
                .expect("ascii")
                .split(';')
                .next()
                .expect("pair");
            let mut headers = HeaderMap::new();
            headers.insert(
                header::COOKIE,
                HeaderValue::from_str(&format!("theme=dark; {pair}; other=1")).expect("value"),
            );
            let read = read(&headers, secure).expect("found");
            assert!(read.digest() == secret.digest());
            // The other transport's name is not this session.
            assert!(super::read(&headers, !secure).is_none());
            assert!(
                set.to_str()
                    .expect("ascii")
                    .contains("HttpOnly; SameSite=Strict")
            );
            assert_eq!(set.to_str().expect("ascii").contains("Secure"), secure);
            let cleared = clear(secure).expect("header");
            let cleared = cleared.to_str().expect("ascii");
            assert!(
                cleared.starts_with(&format!("{}=;", name(secure))),
                "{cleared}"
            );
            assert!(cleared.ends_with("; Max-Age=0"), "{cleared}");
        }
        let mut junk = HeaderMap::new();
        junk.insert(
            header::COOKIE,
            HeaderValue::from_static("crest_session=<script>"),
        );
        assert!(read(&junk, false).is_none());
    }
}
