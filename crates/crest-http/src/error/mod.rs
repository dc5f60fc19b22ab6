//! The HTTP layer's error, and the one place that decides how an error is answered: in the API's
//! envelope, or in CSP's shape under `/csp/` (`csp.rs`).

pub(crate) mod csp;

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use crest_auth::{AuthError, CredentialError, Denied};
use crest_domain::error::{BoxError, Internal};
use crest_domain::permission::UnknownPermission;
use crest_domain::store::StoreError;
use crest_domain::{Chain, DomainError};
use crest_series::SeriesError;
use crest_types::envelope::{ResponseStatus, StatusEnvelope};
use crest_types::paging::PageRequestError;

pub(crate) use csp::CspError;

/// Every way an API request can fail.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("the {0} method is not allowed on this resource")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the request body is larger than this server accepts (CREST_MAX_BODY_BYTES)")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many failures; the client may try again after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyRequests(u64),
    /// Too much is under way (a bounded number of streams is open); the message names the bound.
    #[error("{0}")]
    Busy(String),
    /// The store cannot be reached; the cause goes to the log.
    #[error("the store is unavailable; try again")]
    Unavailable(#[source] StoreError),
    /// The time-series engine cannot take or read points now; the cause goes to the log.
    #[error("the time-series engine is unavailable; try again")]
    DataUnavailable(#[source] SeriesError),
    /// The proxy protocol's push-back (429): crest cannot take data now (the engine or the store
    /// is unavailable or behind); the proxy keeps the batch and sends it again later. The cause
    /// goes to the log.
    #[error("crest cannot take this batch now; back off and send it again")]
    PushBack(#[source] Box<ApiError>),
    /// This application was built without a time-series engine.
    #[error("this server has no time-series engine")]
    NoEngine,
    /// A server crest depends on (the SMTP server) failed.
    #[error("{0}")]
    BadGateway(String),
    /// The cause goes to the log; the client learns only that something failed on our side.
    #[error("internal server error")]
    Internal(#[source] Internal),
}

impl ApiError {
    /// A failure on our side with no underlying error.
    pub fn internal(context: impl Into<Cow<'static, str>>) -> Self {
        Self::Internal(Internal::new(context))
    }

    /// A failure on our side caused by `source`.
    pub fn internal_caused_by(
        context: impl Into<Cow<'static, str>>,
        source: impl Into<BoxError>,
    ) -> Self {
        Self::Internal(Internal::caused_by(context, source))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests(_) | Self::Busy(_) | Self::PushBack(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unavailable(_) | Self::DataUnavailable(_) | Self::NoEngine => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logs the failure by its class: ours at `error` with every cause in one line, a dependency's
    /// at `warn`, the client's at `debug`. Error messages never hold secrets.
    fn log(&self) {
        match self {
            Self::Internal(e) => tracing::error!(detail = %Chain(e), "request failed"),
            Self::Unavailable(e) => {
                tracing::warn!(detail = %Chain(e), "request failed: store unavailable")
            }
            Self::DataUnavailable(e) => {
                tracing::warn!(detail = %Chain(e), "request failed: time-series engine unavailable")
            }
            Self::BadGateway(detail) => tracing::warn!(%detail, "request failed upstream"),
            Self::PushBack(e) => tracing::warn!(detail = %Chain(e), "pushed back a proxy's batch"),
            _ => tracing::debug!(status = self.status().as_u16(), error = %self, "request refused"),
        }
    }
}

/// Answers `e` in the shape of the service `path` belongs to: CSP's under `/csp/`, the API's
/// envelope everywhere else. Handlers answer through their own error type; this is for the layers
/// and fallbacks that run before a handler is chosen.
pub(crate) fn error_response(path: &str, e: ApiError) -> Response {
    Shape::of(path).answer(e)
}

/// The two shapes an error is answered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The API's `{"status": {…}}` envelope.
    Envelope,
    /// The identity service's OAuth shape.
    Csp,
}

impl Shape {
    /// The shape of errors under `path`.
    pub(crate) fn of(path: &str) -> Self {
        if path.starts_with("/csp/") {
            Self::Csp
        } else {
            Self::Envelope
        }
    }

    /// `e`, answered in this shape.
    pub(crate) fn answer(self, e: ApiError) -> Response {
        match self {
            Self::Envelope => e.into_response(),
            Self::Csp => {
                e.log();
                CspError::from(e).into_response()
            }
        }
    }

    /// A client error with a status and message of its own (the framework's plain-text
    /// rejections), answered in this shape.
    pub(crate) fn client_error(self, status: StatusCode, message: String) -> Response {
        match self {
            Self::Envelope => {
                let body = StatusEnvelope {
                    status: ResponseStatus::error(status.as_u16(), message),
                };
                (status, axum::Json(body)).into_response()
            }
            Self::Csp => CspError::new(status, "invalid_request", message).into_response(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        self.log();
        let body = StatusEnvelope {
            status: ResponseStatus::error(status.as_u16(), self.to_string()),
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Self::TooManyRequests(seconds) = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { context, .. } => Self::Conflict(context),
            e @ StoreError::Unavailable { .. } => Self::Unavailable(e),
            e @ (StoreError::Corrupt { .. } | StoreError::Other { .. }) => {
                Self::internal_caused_by("the store failed", e)
            }
        }
    }
}

impl From<SeriesError> for ApiError {
    fn from(e: SeriesError) -> Self {
        match e {
            e @ (SeriesError::LimitExceeded { .. } | SeriesError::Refused { .. }) => {
                Self::BadRequest(e.to_string())
            }
            e @ SeriesError::Unavailable { .. } => Self::DataUnavailable(e),
            e @ SeriesError::Corrupt { .. } => {
                Self::internal_caused_by("the time-series engine failed", e)
            }
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(m) => Self::BadRequest(m),
            DomainError::NotFound(m) => Self::NotFound(m),
            DomainError::Forbidden(m) => Self::Forbidden(m),
            DomainError::Conflict(m) => Self::Conflict(m),
            DomainError::Store(s) => s.into(),
            DomainError::Internal(e) => Self::Internal(e),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Invalid | AuthError::Revoked { .. } => {
                Self::Unauthorized("the token is not valid")
            }
            AuthError::NoServiceAccess => Self::Unauthorized("User has no access to service"),
            AuthError::Store(s) => s.into(),
        }
    }
}

impl From<CredentialError> for ApiError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Missing => {
                Self::Unauthorized("authentication is required: send Authorization: Bearer <token>")
            }
            CredentialError::Malformed => Self::Unauthorized("the credential is malformed"),
        }
    }
}

impl From<UnknownPermission> for ApiError {
    fn from(e: UnknownPermission) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl From<PageRequestError> for ApiError {
    fn from(e: PageRequestError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

impl From<Denied> for ApiError {
    fn from(e: Denied) -> Self {
        Self::Forbidden(e.to_string())
    }
}

impl From<crest_auth::password::SignInError> for ApiError {
    fn from(e: crest_auth::password::SignInError) -> Self {
        match e {
            crest_auth::password::SignInError::Rejected => {
                Self::Unauthorized("the email address or the password is wrong")
            }
            crest_auth::password::SignInError::Domain(d) => d.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::captured_log::Captured;

    use super::*;

    /// What answering `e` logs, and the answer.
    fn logged(e: ApiError, path: &str) -> (String, Response) {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, || error_response(path, e));
        let log = captured.text();
        (log, response)
    }

    #[test]
    fn a_500_logs_every_cause_in_one_line_and_tells_the_client_nothing() {
        let io = std::io::Error::other("database is locked");
        let e = ApiError::from(DomainError::internal("recording a sign-in", io));
        assert_eq!(e.to_string(), "internal server error");
        let (log, response) = logged(e, "/api/v2/account");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(log.lines().count(), 1, "{log}");
        assert!(
            log.contains("internal error: recording a sign-in: database is locked"),
            "{log}"
        );

        let e = ApiError::from(StoreError::corrupt("a role without a name"));
        let (log, _) = logged(e, "/api/v2/role");
        assert!(
            log.contains(
                "internal error: the store failed: unexpected stored data: a role without a name"
            ),
            "{log}"
        );
    }

    #[test]
    fn the_path_alone_chooses_the_shape() {
        let (_, csp) = logged(
            ApiError::PayloadTooLarge,
            "/csp/gateway/am/api/auth/authorize",
        );
        assert_eq!(csp.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            csp.headers().get(header::CACHE_CONTROL),
            Some(&HeaderValue::from_static("no-store"))
        );
        let (_, api) = logged(ApiError::PayloadTooLarge, "/api/v2/account");
        assert_eq!(api.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(api.headers().get(header::CACHE_CONTROL), None);
        assert_eq!(Shape::of("/csp/x"), Shape::Csp);
        assert_eq!(Shape::of("/cspx"), Shape::Envelope);
    }
}
