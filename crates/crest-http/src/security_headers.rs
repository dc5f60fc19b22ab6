//! The headers that harden every response: a strict Content-Security-Policy (pages may load only
//! this server's own scripts, styles and images, and may not be framed), no MIME sniffing, no
//! referrer, isolation from other sites' windows, HSTS under TLS, and no caching unless a
//! response says otherwise.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::router::DOCS_UI_PATH;

/// The policy of every page of the web UI.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/// The documentation UI (Swagger UI) sets style attributes as it renders; scripts stay as strict.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Whether the server is reached over TLS (then browsers are told to insist on it).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverTls(pub(crate) bool);

pub(crate) async fn security_headers(
    State(OverTls(tls)): State<OverTls>,
    request: Request,
    next: Next,
) -> Response {
    let docs = request.uri().path().starts_with(DOCS_UI_PATH);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = if docs { DOCS_POLICY } else { POLICY };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if tls {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
