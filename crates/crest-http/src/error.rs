//! The HTTP layer's error, mapped once to the API's error envelope.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use crest_auth::{AuthError, CredentialError, Denied};
use crest_domain::DomainError;
use crest_domain::store::StoreError;
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

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
    #[error("the store is unavailable; try again")]
    Unavailable,
    /// A server crest depends on (the SMTP server) failed.
    #[error("{0}")]
    BadGateway(String),
    /// Details go to the log; the client learns only that something failed on our side.
    #[error("internal server error")]
    Internal(String),
}

impl ApiError {
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
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Internal(detail) => tracing::error!(%detail, "request failed"),
            Self::Unavailable => tracing::warn!("request failed: store unavailable"),
            Self::BadGateway(detail) => tracing::warn!(%detail, "request failed upstream"),
            _ => tracing::debug!(status = status.as_u16(), error = %self, "request refused"),
        }
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
            StoreError::Unavailable { .. } => Self::Unavailable,
            StoreError::Conflict { context, .. } => Self::Conflict(context),
            StoreError::Corrupt { .. } | StoreError::Other { .. } => Self::Internal(e.detail()),
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
            DomainError::Internal(m) => Self::Internal(m),
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
