//! A user changing their own password (administrators set others' through `credential`).

use axum::Json;
use axum::extract::State;
use crest_auth::password::SignInError;
use crest_domain::user_account;
use crest_types::crest::PasswordChange;
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

use crate::auth::{BrowserSession, Caller};
use crate::error::ApiError;
use crate::extract::{ApiJson, Source};
use crate::state::AppState;

/// Changes the caller's own password, given the current one (at least 8 characters). The attempt
/// is checked and recorded like a sign-in. The user's other browser sessions end.
#[utoipa::path(
    post,
    path = "/api/crest/v1/password",
    operation_id = "changeOwnPassword",
    tag = "Crest",
    summary = "Change your own password",
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed", body = StatusEnvelope),
        (status = 400, description = "A short new password, or a service account", body = StatusEnvelope),
        (status = 403, description = "The current password is wrong", body = StatusEnvelope)
    )
)]
pub(crate) async fn change_own_password(
    State(state): State<AppState>,
    caller: Caller,
    Source(source): Source,
    session: Option<BrowserSession>,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    // The browser session that makes the change stays signed in; every other one ends.
    let this_session = session.map(|BrowserSession(secret)| secret.digest());
    let me = caller.principal().account.as_str();
    let account = user_account::find(state.store.as_ref(), me)
        .await
        .map_err(|_| ApiError::BadRequest("service accounts have no password".into()))?;
    match state
        .passwords
        .change_own(
            &account,
            &body.current_password,
            &body.new_password,
            &source,
            this_session.as_ref(),
        )
        .await
    {
        Ok(()) => {}
        // The caller is authenticated; a wrong current password is a refusal, not a 401 that
        // would make clients drop their token.
        Err(SignInError::Rejected) => {
            return Err(ApiError::Forbidden("the current password is wrong".into()));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}
