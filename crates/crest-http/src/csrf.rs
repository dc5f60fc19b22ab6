//! Cross-site request forgery defences for requests a session cookie authenticates: a state-changing
//! request must come from this server's own pages (`Origin`, `Sec-Fetch-Site`) and carry the
//! session's synchronizer token in `X-CSRF-Token`. Requests with a Bearer token never reach here.

use axum::http::{HeaderMap, HeaderName, Method, header};
use crest_domain::session::SessionSecret;

use crate::error::ApiError;
use crate::state::HttpSettings;

pub(crate) const X_CSRF_TOKEN: HeaderName = HeaderName::from_static("x-csrf-token");
const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Methods that never change anything (and so need no token).
fn is_safe(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// `scheme://host[:port]` of a URL, as browsers write it in `Origin`.
fn origin_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest
        .find('/')
        .map_or(url.len(), |i| url.len() - rest.len() + i);
    Some(&url[..end])
}

/// A request that a browser sent from another site (or could have): a foreign `Origin`, or
/// `Sec-Fetch-Site` other than `same-origin`. Requests without either header (not from a modern
/// browser) pass this check; the token check still applies to them.
pub(crate) fn check_same_origin(
    headers: &HeaderMap,
    settings: &HttpSettings,
) -> Result<(), ApiError> {
    // Every value counts: a request with two of either header passes only if all of them do.
    if headers
        .get_all(SEC_FETCH_SITE)
        .iter()
        .any(|site| site.as_bytes() != b"same-origin")
    {
        return Err(ApiError::Forbidden(
            "a cross-site request cannot use a session; scripts use Authorization: Bearer <token>"
                .into(),
        ));
    }
    // The address the browser used (`Host`), which may differ from the public URL (127.0.0.1 or
    // localhost). A rebinding site that names itself here carries none of this server's cookies.
    let scheme = if settings.secure_cookies {
        "https"
    } else {
        "http"
    };
    let by_host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|host| format!("{scheme}://{host}"));
    let own = |origin: &str| {
        origin_of(&settings.public_url).is_some_and(|o| o.eq_ignore_ascii_case(origin))
            || by_host
                .as_deref()
                .is_some_and(|o| o.eq_ignore_ascii_case(origin))
    };
    if headers
        .get_all(header::ORIGIN)
        .iter()
        .all(|origin| origin.to_str().is_ok_and(own))
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "a request from another origin cannot use a session".into(),
        ))
    }
}

/// The checks for a request that a session cookie authenticates.
pub(crate) fn check_session_request(
    method: &Method,
    headers: &HeaderMap,
    secret: &SessionSecret,
    settings: &HttpSettings,
) -> Result<(), ApiError> {
    if is_safe(method) {
        return Ok(());
    }
    check_same_origin(headers, settings)?;
    let presented = headers
        .get(X_CSRF_TOKEN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if secret.csrf_token().matches(presented) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "the X-CSRF-Token header is missing or wrong for this session".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("https://crest.example/base/"),
            Some("https://crest.example")
        );
        assert_eq!(origin_of("crest.example"), None);
    }
}
