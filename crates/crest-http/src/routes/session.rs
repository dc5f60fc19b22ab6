//! Browser sessions: signing in and out, the session the web UI reads, Super Admin mode, and a
//! Super Admin's forced logout of a user.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use crest_auth::password::SignInError;
use crest_domain::account::AccountRecord;
use crest_domain::session::{IDLE_TIMEOUT_MS, SessionRecord, SessionSecret};
use crest_domain::user_account;
use crest_types::crest::{ResponseContainerSessionInfo, SessionInfo, SignIn, SuperAdminMode};
use crest_types::envelope::{ResponseStatus, StatusEnvelope};

use crate::auth::{BrowserSession, Caller};
use crate::csrf;
use crate::error::ApiError;
use crate::extract::{ApiJson, Source};
use crate::failure_limit::fingerprint;
use crate::session_cookie;
use crate::state::AppState;

/// Signs in with an email address and a password, and starts a browser session: the answer sets
/// the session cookie and carries the CSRF token for the session's state-changing requests.
/// Failures are rate-limited per address and account: past the budget, the password is not even
/// checked (429 with `Retry-After`). Only from this server's own pages (a foreign `Origin` is
/// refused).
#[utoipa::path(
    post,
    path = "/api/crest/v1/session",
    operation_id = "signIn",
    tag = "Crest",
    summary = "Sign in to the web UI",
    request_body = SignIn,
    responses(
        (status = 200, description = "Signed in; `Set-Cookie` carries the session", body = ResponseContainerSessionInfo),
        (status = 401, description = "The email address or the password is wrong", body = StatusEnvelope),
        (status = 403, description = "A request from another origin", body = StatusEnvelope),
        (status = 429, description = "Too many failures; try again after `Retry-After` seconds", body = StatusEnvelope)
    ),
    security(())
)]
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    csrf::check_same_origin(&headers, &state.settings)?;
    let who = fingerprint(&body.email.trim().to_lowercase());
    let now = state.clock.now_millis();
    if let Some(wait) = state.sign_in_failures.blocked(&source, who, now) {
        state
            .passwords
            .record_throttled(body.email.trim(), &source)
            .await?;
        return Err(ApiError::TooManyRequests(wait));
    }
    let account = match state
        .passwords
        .sign_in(body.email.trim(), &body.password, &source)
        .await
    {
        Ok(account) => account,
        Err(SignInError::Rejected) => {
            return Err(match state.sign_in_failures.fail(&source, who, now) {
                Some(wait) => ApiError::TooManyRequests(wait),
                None => ApiError::Unauthorized("the email address or the password is wrong"),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let (secret, session) = state.sessions.start(&account).await?;
    let secure = state.settings.secure_cookies;
    let mut response = Json(ResponseContainerSessionInfo::ok(info(
        &state, &account, &secret, &session,
    )))
    .into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie::set(&secret, secure)?);
    Ok(response)
}

/// The signed-in session: who it is, what it may do, and its CSRF token.
#[utoipa::path(
    get,
    path = "/api/crest/v1/session",
    operation_id = "getSession",
    tag = "Crest",
    summary = "The current browser session",
    responses(
        (status = 200, description = "The session", body = ResponseContainerSessionInfo),
        (status = 401, description = "Not signed in (or not a browser session)", body = StatusEnvelope)
    ),
    security(())
)]
pub(crate) async fn get_session(
    State(state): State<AppState>,
    caller: Caller,
    BrowserSession(secret): BrowserSession,
) -> Result<Json<ResponseContainerSessionInfo>, ApiError> {
    let session = live(&state, &secret).await?;
    let account =
        user_account::find(state.store.as_ref(), caller.principal().account.as_str()).await?;
    Ok(Json(ResponseContainerSessionInfo::ok(info(
        &state, &account, &secret, &session,
    ))))
}

/// Signs this session out and clears its cookie.
#[utoipa::path(
    delete,
    path = "/api/crest/v1/session",
    operation_id = "endSession",
    tag = "Crest",
    summary = "Sign out",
    responses(
        (status = 200, description = "Signed out", body = StatusEnvelope),
        (status = 401, description = "Not signed in", body = StatusEnvelope),
        (status = 403, description = "The CSRF token is missing or wrong", body = StatusEnvelope)
    ),
    security(())
)]
pub(crate) async fn end_session(
    State(state): State<AppState>,
    _caller: Caller,
    BrowserSession(secret): BrowserSession,
) -> Result<Response, ApiError> {
    state.sessions.end(&secret).await?;
    signed_out(&state)
}

/// Signs out every session of the signed-in user, on every device, this one included.
#[utoipa::path(
    post,
    path = "/api/crest/v1/session/sign-out-everywhere",
    operation_id = "endAllSessions",
    tag = "Crest",
    summary = "Sign out everywhere",
    responses(
        (status = 200, description = "Every session has ended", body = StatusEnvelope),
        (status = 401, description = "Not signed in", body = StatusEnvelope),
        (status = 403, description = "The CSRF token is missing or wrong", body = StatusEnvelope)
    ),
    security(())
)]
pub(crate) async fn end_all_sessions(
    State(state): State<AppState>,
    caller: Caller,
    _session: BrowserSession,
) -> Result<Response, ApiError> {
    state
        .sessions
        .end_everywhere(&caller.principal().account)
        .await?;
    signed_out(&state)
}

/// Switches Super Admin mode of this session (Super Admins only). With the mode off, a Super
/// Admin acts with their ordinary permissions.
#[utoipa::path(
    put,
    path = "/api/crest/v1/session/super-admin-mode",
    operation_id = "setSuperAdminMode",
    tag = "Crest",
    summary = "Switch Super Admin mode",
    request_body = SuperAdminMode,
    responses(
        (status = 200, description = "The session with the mode as asked", body = ResponseContainerSessionInfo),
        (status = 401, description = "Not signed in", body = StatusEnvelope),
        (status = 403, description = "Not a Super Admin, or the CSRF token is missing or wrong", body = StatusEnvelope)
    ),
    security(())
)]
pub(crate) async fn set_super_admin_mode(
    State(state): State<AppState>,
    caller: Caller,
    BrowserSession(secret): BrowserSession,
    ApiJson(body): ApiJson<SuperAdminMode>,
) -> Result<Json<ResponseContainerSessionInfo>, ApiError> {
    let account =
        user_account::find(state.store.as_ref(), caller.principal().account.as_str()).await?;
    let session = state
        .sessions
        .set_super_admin_mode(&secret, &account, body.enabled)
        .await?
        .ok_or(ApiError::Unauthorized("the session has ended"))?;
    Ok(Json(ResponseContainerSessionInfo::ok(info(
        &state, &account, &secret, &session,
    ))))
}

async fn live(state: &AppState, secret: &SessionSecret) -> Result<SessionRecord, ApiError> {
    state
        .sessions
        .current(secret)
        .await?
        .ok_or(ApiError::Unauthorized("the session has ended"))
}

fn signed_out(state: &AppState) -> Result<Response, ApiError> {
    let mut response = Json(StatusEnvelope {
        status: ResponseStatus::ok(),
    })
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie::clear(state.settings.secure_cookies)?,
    );
    Ok(response)
}

fn info(
    state: &AppState,
    account: &AccountRecord,
    secret: &SessionSecret,
    session: &SessionRecord,
) -> SessionInfo {
    let super_admin_mode = account.super_admin && session.super_admin_mode;
    SessionInfo {
        identifier: account.id.to_string(),
        csrf_token: secret.csrf_token().as_str().to_owned(),
        permissions: account
            .effective_permissions()
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        super_admin: account.super_admin,
        super_admin_mode,
        created_epoch_millis: session.created_ms,
        expires_epoch_millis: session.expires_ms(),
        idle_timeout_millis: IDLE_TIMEOUT_MS,
        subscription: state.settings.subscription.to_string(),
        tokens_retrievable: state.settings.token_vault.is_some(),
    }
}

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
    )
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
