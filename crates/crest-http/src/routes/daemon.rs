//! `GET|POST /api/daemon/test?token=`: may this token run a proxy? (wavefront-cli's and the
//! proxy installer's token check.)

use axum::Json;
use axum::extract::State;
use crest_auth::{Credential, Operation};
use crest_types::envelope::{ResponseStatus, StatusEnvelope};
use serde::Deserialize;

use crate::audit;
use crate::auth::authenticate_and_authorize;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(crate) struct DaemonTestQuery {
    token: Option<String>,
}

/// 200 when the token is valid and its account holds the Proxies permission; 401 otherwise.
/// The token travels in the query, as the clients send it; it is never logged.
#[utoipa::path(
    method(get, post),
    path = "/api/daemon/test",
    operation_id = "testDaemonToken",
    tag = "Crest",
    summary = "Check that a token may manage proxies (used by wavefront-cli and the proxy installer)",
    params(("token" = String, Query, description = "The API token to check")),
    responses(
        (status = 200, description = "The token is valid and may manage proxies", body = StatusEnvelope),
        (status = 401, description = "The token is invalid or may not manage proxies", body = StatusEnvelope)
    )
)]
pub(crate) async fn daemon_test(
    State(state): State<AppState>,
    extensions: axum::http::Extensions,
    ApiQuery(query): ApiQuery<DaemonTestQuery>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    let credential = Credential::from_token(query.token.as_deref().unwrap_or_default())?;
    let source = audit::source(&extensions);
    match authenticate_and_authorize(&state, &credential, Operation::DaemonTest, &source).await {
        Ok(_) => Ok(Json(StatusEnvelope {
            status: ResponseStatus::ok(),
        })),
        Err((ApiError::Forbidden(_), _)) => Err(ApiError::Unauthorized(
            "the token may not manage proxies (it lacks the Proxies permission)",
        )),
        Err((e, _)) => Err(e),
    }
}
