//! The `ApiToken` API group: service accounts' tokens, the caller's own, and the organization's.
//!
//! A token's secret appears once, as `tokenID` in the answer that created it; every listing shows
//! its public id instead. A token may be named by either in a path or a body.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::service_account;
use crest_domain::token_vault::SecretReader;
use crest_types::envelope::StatusEnvelope;
use crest_types::tokens::{
    ResponseContainerApiTokenModel, ResponseContainerListApiTokenModel,
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
    )
)]
pub(crate) async fn get_tokens_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &owner, state.vault(&caller)).await?,
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
    )
)]
pub(crate) async fn generate_token_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<UserApiTokenWrite>>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    let name = body.and_then(|b| b.token_name);
    let (new_id, secret) = service_account::generate_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        &owner,
        name.as_deref(),
        state.sealer(),
    )
    .await?;
    let records = state.store.tokens_of(&owner.id).await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_with_new_secret(&records, &owner, new_id, &secret, state.vault(&caller)),
    )))
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
    )
)]
pub(crate) async fn update_token_name_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, token)): Path<(String, String)>,
    ApiJson(body): ApiJson<UserApiTokenWrite>,
) -> Result<Json<ResponseContainerUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    rename(&state, &caller, &owner, &token, body).await
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
    )
)]
pub(crate) async fn delete_token_service_account(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, token)): Path<(String, String)>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let owner = service_account::find(state.store.as_ref(), &id).await?;
    name_token(&state, &owner, &token).await;
    service_account::revoke_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &owner,
        &token,
    )
    .await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &owner, state.vault(&caller)).await?,
    )))
}

/// Shared by the caller's and the service accounts' rename.
/// Names the token in the audit trail by its public id (a path may name it by its secret, which
/// the trail never holds); an unknown token is left for the operation to refuse.
async fn name_token(state: &AppState, owner: &crest_domain::account::AccountRecord, raw: &str) {
    if let Ok(id) = service_account::resolve_token(state.store.as_ref(), &owner.id, raw).await {
        crate::audit::name("token", id);
    }
}

async fn rename(
    state: &AppState,
    caller: &Caller,
    owner: &crest_domain::account::AccountRecord,
    token: &str,
    body: UserApiTokenWrite,
) -> Result<Json<ResponseContainerUserApiToken>, ApiError> {
    let store = state.store.as_ref();
    let token_id = service_account::resolve_token(store, &owner.id, token).await?;
    crate::audit::name("token", token_id);
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
        caller.principal(),
        owner,
        &token_id.to_string(),
        body.token_name.as_deref(),
    )
    .await?;
    Ok(Json(ResponseContainerUserApiToken::ok(present::token(
        &renamed,
        owner,
        state.vault(caller),
    ))))
}

/// The caller's own tokens.
#[utoipa::path(
    get,
    path = "/api/v2/apitoken",
    operation_id = "getAllTokens",
    tag = "ApiToken",
    summary = "Get all api tokens for a user",
    responses((status = 200, description = "The caller's tokens, by public id", body = ResponseContainerListUserApiToken))
)]
pub(crate) async fn get_all_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let me = service_account::existing(state.store.as_ref(), &caller.principal().account).await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &me, state.vault(&caller)).await?,
    )))
}

/// A new token for the caller (a user holding API Tokens; at most 20). Answers with all of the
/// caller's tokens; the new one comes last and carries its secret, shown this once.
#[utoipa::path(
    post,
    path = "/api/v2/apitoken",
    operation_id = "createToken",
    tag = "ApiToken",
    summary = "Create new api token",
    responses(
        (status = 200, description = "Every token; the last is new and carries its secret", body = ResponseContainerListUserApiToken),
        (status = 400, description = "The caller holds 20 tokens already, or is a service account", body = StatusEnvelope),
        (status = 403, description = "The caller lacks API Tokens", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let me = service_account::existing(state.store.as_ref(), &caller.principal().account).await?;
    if me.kind != AccountKind::User {
        return Err(ApiError::BadRequest(
            "service accounts get their tokens from someone with the Accounts permission".into(),
        ));
    }
    let (new_id, secret) = service_account::generate_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        &me,
        None,
        state.sealer(),
    )
    .await?;
    // The token's public id, never its secret.
    crate::audit::name("token", new_id);
    let records = state.store.tokens_of(&me.id).await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_with_new_secret(&records, &me, new_id, &secret, state.vault(&caller)),
    )))
}

/// Renames one of the caller's tokens.
#[utoipa::path(
    put,
    path = "/api/v2/apitoken/{id}",
    operation_id = "updateTokenName",
    tag = "ApiToken",
    summary = "Update the name of the specified api token",
    params(("id" = String, Path, description = "The token's public id (or the token itself)")),
    request_body = UserApiTokenWrite,
    responses(
        (status = 200, description = "The renamed token", body = ResponseContainerUserApiToken),
        (status = 400, description = "The body names another token than the path", body = StatusEnvelope),
        (status = 404, description = "The caller holds no such token", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_token_name(
    State(state): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<UserApiTokenWrite>,
) -> Result<Json<ResponseContainerUserApiToken>, ApiError> {
    let me = service_account::existing(state.store.as_ref(), &caller.principal().account).await?;
    rename(&state, &caller, &me, &token, body).await
}

/// Revokes one of the caller's tokens, immediately and for good.
#[utoipa::path(
    delete,
    path = "/api/v2/apitoken/{id}",
    operation_id = "deleteToken",
    tag = "ApiToken",
    summary = "Delete the specified api token",
    params(("id" = String, Path, description = "The token's public id (or the token itself)")),
    responses(
        (status = 200, description = "The caller's remaining tokens", body = ResponseContainerListUserApiToken),
        (status = 404, description = "The caller holds no such token", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
) -> Result<Json<ResponseContainerListUserApiToken>, ApiError> {
    let me = service_account::existing(state.store.as_ref(), &caller.principal().account).await?;
    name_token(&state, &me, &token).await;
    service_account::revoke_token(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &me,
        &token,
    )
    .await?;
    Ok(Json(ResponseContainerListUserApiToken::ok(
        present::tokens_of(state.store.as_ref(), &me, state.vault(&caller)).await?,
    )))
}

/// Every token of the organization, users' and service accounts' (public ids).
#[utoipa::path(
    get,
    path = "/api/v2/apitoken/customertokens",
    operation_id = "getCustomerTokens",
    tag = "ApiToken",
    summary = "Get all api tokens for a customer",
    responses((status = 200, description = "Every token", body = ResponseContainerListApiTokenModel))
)]
pub(crate) async fn get_customer_tokens(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListApiTokenModel>, ApiError> {
    let models = present::all_token_models(state.store.as_ref()).await?;
    Ok(Json(ResponseContainerListApiTokenModel::ok(models)))
}

/// One token of the organization.
#[utoipa::path(
    get,
    path = "/api/v2/apitoken/customertokens/{id}",
    operation_id = "getCustomerToken",
    tag = "ApiToken",
    summary = "Get the specified api token for a customer",
    params(("id" = String, Path, description = "The token's public id (or the token itself)")),
    responses(
        (status = 200, description = "The token", body = ResponseContainerApiTokenModel),
        (status = 404, description = "No such token", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_customer_token(
    State(state): State<AppState>,
    _caller: Caller,
    Path(token): Path<String>,
) -> Result<Json<ResponseContainerApiTokenModel>, ApiError> {
    let store = state.store.as_ref();
    let record = service_account::resolve_any_token(store, &token).await?;
    let owner = service_account::existing(store, &record.account).await?;
    Ok(Json(ResponseContainerApiTokenModel::ok(
        present::token_model(&record, &owner),
    )))
}

/// Revokes any token of the organization, named by `tokenID` in the body.
#[utoipa::path(
    put,
    path = "/api/v2/apitoken/customertokens/revoke",
    operation_id = "deleteCustomerToken",
    tag = "ApiToken",
    summary = "Delete the specified api token for a customer",
    request_body = UserApiTokenWrite,
    responses(
        (status = 200, description = "The revoked token", body = ResponseContainerUserApiToken),
        (status = 400, description = "No tokenID in the body", body = StatusEnvelope),
        (status = 404, description = "No such token", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_customer_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<UserApiTokenWrite>,
) -> Result<Json<ResponseContainerUserApiToken>, ApiError> {
    let store = state.store.as_ref();
    let named = body
        .token_id
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest("tokenID names the token to revoke".into()))?;
    let record = service_account::resolve_any_token(store, &named).await?;
    crate::audit::name("token", record.id);
    let owner = service_account::existing(store, &record.account).await?;
    service_account::revoke_token(
        store,
        state.clock.as_ref(),
        caller.principal(),
        &owner,
        &record.id.to_string(),
    )
    .await?;
    Ok(Json(ResponseContainerUserApiToken::ok(present::token(
        &record,
        &owner,
        SecretReader::none(),
    ))))
}
