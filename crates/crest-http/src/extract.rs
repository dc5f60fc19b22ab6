//! Extractors that read requests the way the real clients send them, and refuse bad input in the
//! API's envelope.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use crest_types::paging::PageRequest;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body. Accepts `application/json` (any parameters) or no content type; other types are
/// a 415, malformed JSON a 400, an oversized body a 413, all in the envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_or_absent(req.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "this operation consumes application/json".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection.status().as_u16() {
                413 => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest(rejection.body_text()),
            })?;
        json_body(&bytes).map(Self)
    }
}

/// A JSON body's bytes as `T`: gunzipped when they are gzip, empty read as `null` (so that
/// optional bodies may be left out), NUL refused, and a malformed body a 400 that says where.
pub(crate) fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = gunzipped(bytes)?;
    // An empty body reads as JSON `null`, so that optional bodies may be left out.
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &bytes
    };
    if crate::nul::json_has_nul(bytes) {
        return Err(ApiError::BadRequest(crate::nul::REFUSAL.into()));
    }
    // The message names where the body went wrong (`newRelic.apiKey: invalid type…`) when
    // that is known, and always where in the text (`… at line 1 column 5`).
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = body_path(e.path());
        let inner = e.into_inner();
        match path {
            None => ApiError::BadRequest(format!("malformed JSON body: {inner}")),
            Some(path) => ApiError::BadRequest(format!("malformed JSON body at {path}: {inner}")),
        }
    })?;
    json.end()
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON body: {e}")))?;
    Ok(value)
}

/// Where in the body deserialization failed, as `userGroups[0].name`, up to the first part the
/// parser could not name (a key that is not a string yet, say); `None` when nothing is known.
fn body_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => break,
        }
    }
    (!out.is_empty()).then_some(out)
}

fn json_or_absent(headers: &HeaderMap) -> bool {
    match headers.get(header::CONTENT_TYPE).map(|v| v.to_str()) {
        None => true,
        Some(Ok(ct)) => {
            let essence = ct.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case("application/json")
                || essence.to_ascii_lowercase().ends_with("+json")
        }
        Some(Err(_)) => false,
    }
}

/// The most bytes a gzip request body may hold once decompressed.
pub(crate) const GUNZIPPED_MAX_BYTES: usize = 16 * 1024 * 1024;

/// A body as sent, or gunzipped when it is gzip (by its bytes, whatever `Content-Encoding` says):
/// wavefront-proxy compresses every request, its source-tag calls included, and no JSON or text
/// body starts with gzip's magic bytes.
pub(crate) fn gunzipped(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, ApiError> {
    gunzipped_at_most(bytes, GUNZIPPED_MAX_BYTES)
}

/// [`gunzipped`] with a limit of the caller's: more than `limit` bytes once decompressed is a 413.
pub(crate) fn gunzipped_at_most(
    bytes: &[u8],
    limit: usize,
) -> Result<std::borrow::Cow<'_, [u8]>, ApiError> {
    crest_ingest::decompress(bytes, limit).map_err(|e| match e {
        crest_ingest::BodyError::TooLarge { .. } => ApiError::PayloadTooLarge,
        other => ApiError::BadRequest(other.to_string()),
    })
}

/// A form body (`application/x-www-form-urlencoded`), for the few operations that take one; any
/// other content type is a 415, a malformed body a 400, both in the envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiForm<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|rejection| match rejection.status().as_u16() {
                    413 => ApiError::PayloadTooLarge,
                    _ => ApiError::BadRequest(rejection.body_text()),
                })?;
        if crate::nul::encoded_has_nul(&bytes) {
            return Err(ApiError::BadRequest(crate::nul::REFUSAL.into()));
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|form| Self(form.0))
            .map_err(|rejection| match rejection.status().as_u16() {
                413 => ApiError::PayloadTooLarge,
                415 => ApiError::UnsupportedMediaType(
                    "this operation consumes application/x-www-form-urlencoded".into(),
                ),
                _ => ApiError::BadRequest(rejection.body_text()),
            })
    }
}

/// Query parameters; a value of the wrong type is a 400 in the envelope.
#[derive(Debug, Clone)]
pub(crate) struct ApiQuery<T>(pub(crate) T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|e: QueryRejection| ApiError::BadRequest(e.body_text()))
    }
}

/// The address a request came from (empty when the server does not know it), for the audit trail.
#[derive(Debug, Clone)]
pub(crate) struct Source(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(crate::audit::source(&parts.extensions)))
    }
}

/// `?offset=&limit=`, validated: negative or non-numeric values are a 400, large limits clamped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paging(pub(crate) PageRequest);

#[derive(Deserialize)]
struct RawPaging {
    offset: Option<String>,
    limit: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ApiQuery(raw) = ApiQuery::<RawPaging>::from_request_parts(parts, state).await?;
        Ok(Self(PageRequest::parse(
            raw.offset.as_deref(),
            raw.limit.as_deref(),
        )?))
    }
}

/// Deserializes a query boolean in any case (`true`, `True`, `TRUE`…), as the generated Python
/// client sends Python's `str(bool)`.
pub(crate) mod flex_bool {
    use serde::{Deserialize, Deserializer, de::Error};

    pub(crate) fn parse(s: &str) -> Option<bool> {
        if s.eq_ignore_ascii_case("true") {
            Some(true)
        } else if s.eq_ignore_ascii_case("false") {
            Some(false)
        } else {
            None
        }
    }

    pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<bool>, D::Error> {
        let raw = Option::<String>::deserialize(d)?;
        raw.map(|s| parse(&s).ok_or_else(|| D::Error::custom(format!("'{s}' is not a boolean"))))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::flex_bool::parse;
    use proptest::prelude::*;

    #[test]
    fn booleans_in_any_case() {
        for (s, b) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
            ("False", false),
        ] {
            assert_eq!(parse(s), Some(b));
        }
        assert_eq!(parse("yes"), None);
        assert_eq!(parse(""), None);
    }

    proptest! {
        #[test]
        fn only_true_and_false_parse(s in ".{0,8}") {
            let lower = s.to_ascii_lowercase();
            prop_assert_eq!(parse(&s).is_some(), lower == "true" || lower == "false");
        }
    }
}

#[cfg(test)]
mod body_tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use tower::ServiceExt;

    use super::ApiJson;

    async fn call(
        content_type: Option<&str>,
        body: &'static str,
    ) -> (StatusCode, serde_json::Value) {
        let app = Router::new().route(
            "/echo",
            post(|ApiJson(v): ApiJson<serde_json::Value>| async move { axum::Json(v) }),
        );
        let mut req = Request::post("/echo");
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let resp = app
            .oneshot(req.body(Body::from(body)).expect("request"))
            .await
            .expect("infallible");
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON"))
    }

    #[tokio::test]
    async fn json_bodies_are_read_and_bad_ones_refused_in_the_envelope() {
        let (status, body) = call(Some("application/json; charset=utf-8"), "[1,2]").await;
        assert_eq!((status, body), (StatusCode::OK, serde_json::json!([1, 2])));
        let (status, _) = call(None, "{}").await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = call(Some("application/json"), "{not json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["status"]["result"], "ERROR");
        assert_eq!(body["status"]["code"], 400);
        let (status, body) = call(Some("text/xml"), "<a/>").await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert_eq!(body["status"]["code"], 415);
    }

    /// A malformed body's message says what is wrong and where in the text, and names the field
    /// only when the parser knows it: never `at ?`.
    #[tokio::test]
    async fn malformed_bodies_are_described_plainly() {
        #[derive(serde::Deserialize)]
        #[expect(
            dead_code,
            reason = "deserialized only, to provoke the parser's messages"
        )]
        struct Search {
            limit: Option<i64>,
            query: Option<Vec<Query>>,
        }
        #[derive(serde::Deserialize)]
        #[expect(
            dead_code,
            reason = "deserialized only, to provoke the parser's messages"
        )]
        struct Query {
            key: String,
        }
        async fn message(body: &'static str) -> String {
            let app = Router::new().route(
                "/typed",
                post(|ApiJson(_): ApiJson<Option<Search>>| async { "ok" }),
            );
            let resp = app
                .oneshot(
                    Request::post("/typed")
                        .header("content-type", "application/json")
                        .body(Body::from(body))
                        .expect("request"),
                )
                .await
                .expect("infallible");
            assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
            let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
                .await
                .expect("body");
            let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
            v["status"]["message"]
                .as_str()
                .expect("a message")
                .to_owned()
        }
        assert_eq!(
            message("{nope").await,
            "malformed JSON body: key must be a string at line 1 column 2"
        );
        assert_eq!(
            message("x").await,
            "malformed JSON body: expected value at line 1 column 1"
        );
        assert_eq!(
            message(r#"{"limit": }"#).await,
            "malformed JSON body at limit: expected value at line 1 column 11"
        );
        assert_eq!(
            message(r#"{"limit": "ten"}"#).await,
            r#"malformed JSON body at limit: invalid type: string "ten", expected i64 at line 1 column 15"#
        );
        assert_eq!(
            message(r#"{"query": [{"key": 5}]}"#).await,
            "malformed JSON body at query[0].key: invalid type: integer `5`, expected a string at line 1 column 20"
        );
        assert_eq!(
            message("{} x").await,
            "malformed JSON body: trailing characters at line 1 column 4"
        );
        let (_, body) = call(Some("application/json"), "{not json").await;
        let text = body["status"]["message"].as_str().expect("a message");
        assert!(!text.contains('?'), "{text}");
    }

    /// Ids travel percent-encoded with nothing safe (`sa::x` → `sa%3A%3Ax`); the router matches
    /// the raw path, so `%2F` never splits a segment, and `Path` decodes after routing.
    #[tokio::test]
    async fn path_ids_are_decoded_after_routing() {
        use axum::extract::Path;
        use axum::routing::get;
        let app = Router::new().route(
            "/account/{id}",
            get(|Path(id): Path<String>| async move { id }),
        );
        let resp = app
            .oneshot(
                Request::get("/account/sa%3A%3Ax%2Fb%20c%40d.com")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(resp.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(resp.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&bytes[..], b"sa::x/b c@d.com");
    }
}
