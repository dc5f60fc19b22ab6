//! Managing the identity service: server-to-server apps (Accounts, i.e. `aoa:admin`) and a user's
//! own organization API tokens, under `/api/crest/v1/csp/`.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::csp::api_token::{self, CspTokenRecord, NewCspToken};
use crest_domain::csp::app::{self, CspAppRecord, NewCspApp};
use crest_types::csp::{
    CspApiToken, CspApiTokenCreated, CspApiTokenWrite, CspApp, CspAppCredentials, CspAppWrite,
    ResponseContainerCspApiTokenCreated, ResponseContainerCspAppCredentials,
    ResponseContainerListCspApiToken, ResponseContainerListCspApp,
};
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

fn app_wire(a: &CspAppRecord) -> CspApp {
    CspApp {
        client_id: a.id.clone(),
        name: a.name.clone(),
        description: a.description.clone(),
        roles: a.roles.clone(),
        access_token_ttl_minutes: a.ttl_minutes,
        created_epoch_millis: a.created_ms,
    }
}

fn token_wire(t: &CspTokenRecord) -> CspApiToken {
    CspApiToken {
        id: t.id.clone(),
        name: t.name.clone(),
        roles: t.roles.clone(),
        created_epoch_millis: t.created_ms,
        expires_epoch_millis: t.expires_ms,
        revoked: t.revoked,
    }
}

async fn org_id(state: &AppState) -> Result<String, ApiError> {
    Ok(state.issuer.org_id().await?)
}

/// Every server-to-server app of the organization. Needs Accounts.
#[utoipa::path(
    get,
    path = "/api/crest/v1/csp/apps",
    operation_id = "getCspApps",
    tag = "Crest",
    summary = "List server-to-server OAuth apps",
    responses((status = 200, description = "The apps", body = ResponseContainerListCspApp))
)]
pub(crate) async fn get_csp_apps(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<ResponseContainerListCspApp>, ApiError> {
    let apps = state.store.csp_apps().await?;
    Ok(Json(ResponseContainerListCspApp::ok(
        apps.iter().map(app_wire).collect(),
    )))
}

/// Creates an app; its secret is shown this once. Nobody gives an app a role they do not hold.
#[utoipa::path(
    post,
    path = "/api/crest/v1/csp/apps",
    operation_id = "createCspApp",
    tag = "Crest",
    summary = "Create a server-to-server OAuth app",
    request_body = CspAppWrite,
    responses(
        (status = 200, description = "Its credentials, shown once", body = ResponseContainerCspAppCredentials),
        (status = 400, description = "A bad name, role or lifetime", body = StatusEnvelope),
        (status = 403, description = "A role the caller does not hold", body = StatusEnvelope),
        (status = 409, description = "An original subscription makes no apps", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_csp_app(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CspAppWrite>,
) -> Result<Json<ResponseContainerCspAppCredentials>, ApiError> {
    state.settings.subscription.makes_csp_credentials()?;
    let (app, secret) = app::create(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        NewCspApp {
            name: body.name,
            description: body.description,
            roles: body.roles,
            ttl_minutes: body.access_token_ttl_minutes,
        },
    )
    .await?;
    crate::audit::name("id", &app.id);
    Ok(Json(ResponseContainerCspAppCredentials::ok(
        CspAppCredentials {
            client_id: app.id,
            client_secret: secret.reveal().to_owned(),
            org_id: org_id(&state).await?,
        },
    )))
}

/// Gives an app a new secret, shown this once: the old secret and every access token issued
/// from it stop working.
#[utoipa::path(
    post,
    path = "/api/crest/v1/csp/apps/{id}/secret",
    operation_id = "regenerateCspAppSecret",
    tag = "Crest",
    summary = "Regenerate an app's secret",
    params(("id" = String, Path, description = "The app's client id")),
    responses(
        (status = 200, description = "The new credentials, shown once", body = ResponseContainerCspAppCredentials),
        (status = 403, description = "The app holds what the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such app", body = StatusEnvelope),
        (status = 409, description = "An original subscription makes no secrets", body = StatusEnvelope)
    )
)]
pub(crate) async fn regenerate_csp_app_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerCspAppCredentials>, ApiError> {
    state.settings.subscription.makes_csp_credentials()?;
    let secret = app::regenerate_secret(
        state.store.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        &id,
    )
    .await?;
    Ok(Json(ResponseContainerCspAppCredentials::ok(
        CspAppCredentials {
            client_id: id,
            client_secret: secret.reveal().to_owned(),
            org_id: org_id(&state).await?,
        },
    )))
}

/// Deletes an app; its access tokens stop working.
#[utoipa::path(
    delete,
    path = "/api/crest/v1/csp/apps/{id}",
    operation_id = "deleteCspApp",
    tag = "Crest",
    summary = "Delete a server-to-server OAuth app",
    params(("id" = String, Path, description = "The app's client id")),
    responses(
        (status = 200, description = "Deleted", body = StatusEnvelope),
        (status = 403, description = "The app holds what the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such app", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_csp_app(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    app::delete(state.store.as_ref(), caller.principal(), &id).await?;
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}

fn users_only(caller: &Caller) -> Result<(), ApiError> {
    if caller.principal().kind == AccountKind::User {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "organization API tokens belong to users".into(),
        ))
    }
}

/// The caller's own organization API tokens (never their secrets), revoked ones too.
#[utoipa::path(
    get,
    path = "/api/crest/v1/csp/tokens",
    operation_id = "getCspApiTokens",
    tag = "Crest",
    summary = "List your organization API tokens",
    responses((status = 200, description = "Your tokens", body = ResponseContainerListCspApiToken))
)]
pub(crate) async fn get_csp_api_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ResponseContainerListCspApiToken>, ApiError> {
    users_only(&caller)?;
    let tokens = state
        .store
        .csp_tokens_of(&caller.principal().account)
        .await?;
    Ok(Json(ResponseContainerListCspApiToken::ok(
        tokens.iter().map(token_wire).collect(),
    )))
}

/// Generates an organization API token for the caller, with scopes within the caller's own roles
/// and a lifetime (none: it never lapses); the secret is shown this once.
#[utoipa::path(
    post,
    path = "/api/crest/v1/csp/tokens",
    operation_id = "createCspApiToken",
    tag = "Crest",
    summary = "Generate an organization API token",
    request_body = CspApiTokenWrite,
    responses(
        (status = 200, description = "The token, shown once", body = ResponseContainerCspApiTokenCreated),
        (status = 400, description = "A bad role or lifetime", body = StatusEnvelope),
        (status = 403, description = "A role the caller does not hold", body = StatusEnvelope),
        (status = 409, description = "An original subscription makes no organization API tokens", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_csp_api_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CspApiTokenWrite>,
) -> Result<Json<ResponseContainerCspApiTokenCreated>, ApiError> {
    state.settings.subscription.makes_csp_credentials()?;
    users_only(&caller)?;
    let (record, secret) = api_token::create(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        NewCspToken {
            account: caller.principal().account.clone(),
            name: body.name,
            roles: body.roles,
            ttl_minutes: body.ttl_minutes,
        },
    )
    .await?;
    Ok(Json(ResponseContainerCspApiTokenCreated::ok(
        CspApiTokenCreated {
            token: secret.reveal().to_owned(),
            org_id: org_id(&state).await?,
            details: token_wire(&record),
        },
    )))
}

/// Revokes one of the caller's organization API tokens, for good; the access tokens issued from
/// it stop working.
#[utoipa::path(
    delete,
    path = "/api/crest/v1/csp/tokens/{id}",
    operation_id = "revokeCspApiToken",
    tag = "Crest",
    summary = "Revoke one of your organization API tokens",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 200, description = "Revoked", body = StatusEnvelope),
        (status = 404, description = "No such token of yours", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_csp_api_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StatusEnvelope>, ApiError> {
    users_only(&caller)?;
    api_token::revoke(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &caller.principal().account,
        &id,
    )
    .await?;
    Ok(Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    }))
}
