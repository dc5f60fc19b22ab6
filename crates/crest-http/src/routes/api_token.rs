//! The `ApiToken` API group: the tokens of service accounts.
//!
//! A token's secret appears once, as `tokenID` in the answer that created it; every listing shows
//! its public id instead. A token may be named by either in a path or a body.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::service_account;
use crest_types::envelope::StatusEnvelope;
use crest_types::tokens::{
    ResponseContainerListUserApiToken, ResponseContainerUserApiToken, UserApiTokenWrite,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::present;
use crate::state::AppState;

/// The service account's tokens.
#[utoipa::path(
    get,
    path = "/api/v2/apitoken/serviceaccount/{id}",
    operation_id = "getTokensServiceAccount",
    tag = "ApiToken",
    summary = "Get all api tokens for the given service account",
    params(("id" = String, Path, description = "The service account's identifier")),
    responses(
        (status = 200, description = "Its tokens, by public id", body = ResponseContainerListUserApiToken),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn get_tokens_service_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &owner).await?,
    )))
}

/// Generates a token for the service account (at most 20 per account). Answers with all of its
/// tokens; the new one comes last and carries its secret, shown this once.
#[utoipa::path(
    post,
    path = "/api/v2/apitoken/serviceaccount/{id}",
    operation_id = "generateTokenServiceAccount",
    tag = "ApiToken",
    summary = "Create a new api token for the service account",
    params(("id" = String, Path, description = "The service account's identifier")),
    request_body(content = Option<UserApiTokenWrite>, description = "An optional name: {\"tokenName\": …}"),
    responses(
        (status = 200, description = "Every token; the last is new and carries its secret", body = ResponseContainerListUserApiToken),
        (status = 400, description = "The account holds 20 tokens already", body = StatusEnvelope),
        (status = 404, description = "No such service account", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn generate_token_service_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<UserApiTokenWrite>>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    let name = body.and_then(|b| b.token_name);
    let (new_id, secret) = service_account::generate_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        &owner.id,
        name.as_deref(),
    )
    .await?;
    let records = state.store.tokens_of(&owner.id).await?;
    let (mut older, mut new): (Vec<_>, Vec<_>) = records.iter().partition(|t| t.id != new_id);
    let mut listed: Vec<_> = older.drain(..).map(|t| present::token(t, &owner)).collect();
    if let Some(created) = new.pop() {
        let mut shown = present::token(created, &owner);
        shown.token_id = secret.reveal().to_owned();
        listed.push(shown);
    }
    Ok(Json(ResponseContainerListUserApiToken::ok(listed)))
}

/// Renames one of the service account's tokens.
#[utoipa::path(
    put,
    path = "/api/v2/apitoken/serviceaccount/{id}/{token}",
    operation_id = "updateTokenNameServiceAccount",
    tag = "ApiToken",
    summary = "Update the name of the specified api token for the given service account",
    params(
        ("id" = String, Path, description = "The service account's identifier"),
        ("token" = String, Path, description = "The token's public id (or the token itself)")
    ),
    request_body = UserApiTokenWrite,
    responses(
        (status = 200, description = "The renamed token", body = ResponseContainerUserApiToken),
        (status = 400, description = "The body names another token than the path", body = StatusEnvelope),
        (status = 404, description = "No such service account or token", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn update_token_name_service_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path((id, token)): Path<(String, String)>,
    ApiJson(body): ApiJson<UserApiTokenWrite>,
) -> Result<Json<ResponseContainerUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    let store = state.store.as_ref();
    let token_id = service_account::resolve_token(store, &owner.id, &token).await?;
    if let Some(named) = body.token_id.as_deref().filter(|t| !t.trim().is_empty())
        && service_account::resolve_token(store, &owner.id, named)
            .await
            .ok()
            != Some(token_id)
    {
        return Err(ApiError::BadRequest(
            "the body names another token than the path".into(),
        ));
    }
    let renamed = service_account::rename_token(
        store,
        &owner.id,
        &token_id.to_string(),
        body.token_name.as_deref(),
    )
    .await?;
    Ok(Json(ResponseContainerUserApiToken::ok(present::token(
        &renamed, &owner,
    ))))
}

/// Revokes one of the service account's tokens, immediately and for good.
#[utoipa::path(
    delete,
    path = "/api/v2/apitoken/serviceaccount/{id}/{token}",
    operation_id = "deleteTokenServiceAccount",
    tag = "ApiToken",
    summary = "Delete the specified api token of the given service account",
    params(
        ("id" = String, Path, description = "The service account's identifier"),
        ("token" = String, Path, description = "The token's public id (or the token itself)")
    ),
    responses(
        (status = 200, description = "The tokens that remain", body = ResponseContainerListUserApiToken),
        (status = 404, description = "No such service account or token", body = StatusEnvelope)
    ),
    security(("api_key" = []), ("bearer" = []))
)]
pub(crate) async fn delete_token_service_account(
    State(state): State<AppState>,
    _caller: Caller,
    Path((id, token)): Path<(String, String)>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    service_account::revoke_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        &owner.id,
        &token,
    )
    .await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &owner).await?,
    )))
}
