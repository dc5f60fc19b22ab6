//! Browser sessions: a Super Admin's forced logout of a user.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::user_account;
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::AppState;

/// Ends every browser session of a user, as the product's forced logout does. Only a Super Admin
/// may (with an API token, which carries Super Admin mode). API tokens are not affected: revoke
/// those separately.
#[utoipa::path(
    post,
    path = "/api/logout/{identifier}",
    operation_id = "logoutUser",
    tag = "Crest",
    summary = "Log a user out of every browser session",
    params(("identifier" = String, Path, description = "The user's email address")),
    responses(
        (status = 200, description = "Their sessions have ended", body = StatusEnvelope),
        (status = 403, description = "The caller is not a Super Admin", body = StatusEnvelope),
        (status = 404, description = "No such user", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn logout_user(
    State(state): State<AppState>,
    _caller: Caller,
    Path(identifier): Path<String>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    let user = user_account::find(state.store.as_ref(), &identifier).await?;
    state
        .store
        .end_sessions(&user.id, state.clock.now_millis())
        .await?;
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}
