//! The identity service's error shape: every answer under `/csp/`, errors included, is in CSP's
//! OAuth shape (`message`, `error`, `error_description`), not the API's envelope.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use crest_auth::csp::issue::ExchangeError;
use crest_domain::Chain;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ApiError;

/// A failure in CSP's shape: `message`, and the OAuth `error` and `error_description`.
#[derive(Debug)]
pub(crate) struct CspError {
    status: StatusCode,
    error: &'static str,
    message: String,
    retry_after: Option<u64>,
}

/// The body of every CSP error.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct CspErrorBody {
    #[serde(rename = "statusCode")]
    status_code: u16,
    error: String,
    error_description: String,
    message: String,
}

impl CspError {
    pub(crate) fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            error,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn too_many(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                "too many failed attempts; try again later",
            )
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }
}

impl IntoResponse for CspError {
    fn into_response(self) -> Response {
        let body = CspErrorBody {
            status_code: self.status.as_u16(),
            error: self.error.to_owned(),
            error_description: self.message.clone(),
            message: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// An API error in CSP's shape: the same status and message, with the OAuth error code that fits
/// the status. (Logging is the caller's: [`super::Shape::answer`].)
impl From<ApiError> for CspError {
    fn from(e: ApiError) -> Self {
        let status = e.status();
        let error = match &e {
            ApiError::NotFound(_) => "not_found",
            ApiError::TooManyRequests(_) => "slow_down",
            ApiError::Unavailable(_) => "temporarily_unavailable",
            ApiError::Internal(_) => "server_error",
            _ => "invalid_request",
        };
        let retry_after = match e {
            ApiError::TooManyRequests(seconds) => Some(seconds),
            _ => None,
        };
        Self {
            retry_after,
            ..Self::new(status, error, e.to_string())
        }
    }
}

impl From<ExchangeError> for CspError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::InvalidToken => {
                Self::new(StatusCode::BAD_REQUEST, "invalid_grant", e.to_string())
            }
            ExchangeError::InvalidClient => {
                Self::new(StatusCode::UNAUTHORIZED, "invalid_client", e.to_string())
            }
            ExchangeError::WrongOrganization => Self::bad_request(e.to_string()),
            ExchangeError::Key(k) => {
                tracing::error!("token signing failed: {}", Chain(&k));
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the identity service cannot sign tokens right now; try again",
                )
            }
            ExchangeError::Store(s) => {
                tracing::warn!("token exchange failed: {}", Chain(&s));
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "temporarily_unavailable",
                    "the store is unavailable; try again",
                )
            }
        }
    }
}
