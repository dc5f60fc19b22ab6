//! One rule for U+0000 wherever a client can put it (path, query, JSON body, form body): a 400
//! that says so. PostgreSQL's text cannot hold the character, so without this rule the same
//! request would be stored by SQLite and fail with a 500 on PostgreSQL.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use percent_encoding::percent_decode;

use crate::error::{ApiError, error_response};

/// What the refusal says, in either error shape.
pub(crate) const REFUSAL: &str =
    "the request holds a NUL character (U+0000), which no name, id, value or field may contain";

/// Whether percent-encoded text (a path, a query string, a form body) decodes to a NUL.
pub(crate) fn encoded_has_nul(raw: &[u8]) -> bool {
    raw.contains(&0) || percent_decode(raw).any(|b| b == 0)
}

/// Whether a JSON text holds U+0000 in a string or a key (written `\u0000`; a raw NUL byte is
/// not JSON, and is refused too).
pub(crate) fn json_has_nul(bytes: &[u8]) -> bool {
    let mut in_string = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == 0 {
            return true;
        }
        if in_string {
            match b {
                b'\\' => {
                    if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000") {
                        return true;
                    }
                    // Skip the escaped character (`\"`, `\\`, the `u` of `\uXXXX`).
                    i += 2;
                    continue;
                }
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        }
        i += 1;
    }
    false
}

/// Refuses a request whose path or query string holds a NUL, before routing: the ids in paths
/// and the values of every query parameter (search values, names, filters).
pub(crate) async fn refuse_nul_in_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let nul = encoded_has_nul(uri.path().as_bytes())
        || uri.query().is_some_and(|q| encoded_has_nul(q.as_bytes()));
    if nul {
        return error_response(uri.path(), ApiError::BadRequest(REFUSAL.into()));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nul_is_found_in_strings_and_keys_only_as_a_real_nul() {
        assert!(json_has_nul(br#"{"name":"a\u0000b"}"#));
        assert!(json_has_nul(br#"{"a\u0000":1}"#));
        assert!(json_has_nul(b"{\"name\":\"a\0\"}"));
        assert!(
            json_has_nul(br#"["x", "\\\u0000"]"#),
            "an escaped backslash, then NUL"
        );
        assert!(
            !json_has_nul(br#"{"name":"a\\u0000b"}"#),
            "a backslash, then text"
        );
        assert!(json_has_nul(br#""\u00000""#), "NUL, then a digit");
        assert!(!json_has_nul(br#""\u0001""#));
        assert!(!json_has_nul(br#"{"name":"\"u0000"}"#));
        assert!(!json_has_nul(br#"{"n":"\u0041"}"#));
        assert!(!json_has_nul(b"null"));
    }

    #[test]
    fn encoded_nul_is_found_after_decoding() {
        assert!(encoded_has_nul(b"/api/v2/account/sa%3A%3Aa%00b"));
        assert!(encoded_has_nul(b"name=a%00"));
        assert!(!encoded_has_nul(b"name=a%2500"), "a percent sign, then 00");
        assert!(!encoded_has_nul(b"/api/v2/account/sa%3A%3Aa"));
    }
}
