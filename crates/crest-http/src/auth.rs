//! Authentication at the edge: every guarded route names its operation, and this middleware turns
//! the request's credential into an authorized caller before the handler runs.

use axum::extract::{FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, header};
use axum::middleware::Next;
use axum::response::Response;
use crest_auth::{AuthError, Authorized, Credential, CredentialError, Operation, authorize};
use crest_domain::audit::{AuditEvent, PendingAudit};
use crest_domain::session::SessionSecret;
use utoipa_axum::router::UtoipaMethodRouter;

use crate::audit;
use crate::csrf;
use crate::error::ApiError;
use crate::session_cookie;
use crate::state::AppState;

pub(crate) const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

/// The authorized caller of the current request. Only the guard creates it; a handler on a route
/// without a guard cannot obtain one and fails closed.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) Authorized);

impl Caller {
    pub(crate) fn principal(&self) -> &crest_domain::principal::Principal {
        self.0.principal()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::internal("a handler ran without its authorization guard"))
    }
}

/// The browser session whose cookie authenticated the current request. The guard puts it beside
/// the caller only when the cookie was the credential (a token header always wins), so the
/// session endpoints and the password change learn it from the one place that chose it.
#[derive(Debug, Clone)]
pub(crate) struct BrowserSession(pub(crate) SessionSecret);

impl<S: Send + Sync> FromRequestParts<S> for BrowserSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<BrowserSession>()
            .cloned()
            .ok_or(ApiError::Unauthorized("this is not a browser session"))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for BrowserSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<BrowserSession>().cloned())
    }
}

/// Registers `routes` behind the guard for `operation`.
pub(crate) fn guarded(
    operation: Operation,
    (schemas, paths, method_router): UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    let guard = axum::middleware::from_fn(move |request: Request, next: Next| {
        guard(operation, request, next)
    });
    (schemas, paths, method_router.route_layer(guard))
}

async fn guard(
    operation: Operation,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    // The router puts its state into every request's extensions (see `router`).
    let state = request
        .extensions()
        .get::<AppState>()
        .cloned()
        .ok_or_else(|| ApiError::internal("the router's state is missing"))?;
    let source = audit::source(request.extensions());
    let credential = credential(&request, &state)?;
    let target = if operation.changes_state() {
        audit::target(&mut request, operation).await
    } else {
        String::new()
    };
    let caller = match authenticate_and_authorize(&state, &credential, operation, &source).await {
        Ok(caller) => caller,
        Err((error, actor)) => {
            // A refused change by a known account is a security event too.
            if let (Some(actor), ApiError::Forbidden(_)) = (actor, &error)
                && operation.changes_state()
            {
                audit::record(&state, &actor, &operation.api_name(), &target, &source, 403).await;
            }
            return Err(error);
        }
    };
    let actor = caller.principal().account.to_string();
    if let Credential::Session(secret) = credential {
        request.extensions_mut().insert(BrowserSession(secret));
    }
    request.extensions_mut().insert(caller);
    if !operation.changes_state() {
        return Ok(next.run(request).await);
    }
    // The change's own transaction commits this event with it (see `crest_domain::audit`); the
    // handler may name the target once it knows it (a new id, the ids its body names).
    let pending = PendingAudit::new(AuditEvent {
        at_ms: state.clock.now_millis(),
        actor,
        action: operation.api_name(),
        target,
        source,
        outcome: 0,
    });
    let response = pending.scope(next.run(request)).await;
    audit::finish(&state, &pending, response.status().as_u16()).await;
    Ok(response)
}

/// The request's credential: a token header wins; without one, a browser's session cookie, which
/// must pass the CSRF checks when the request can change anything.
fn credential(request: &Request, state: &AppState) -> Result<Credential, ApiError> {
    let headers = request.headers();
    match Credential::from_headers(
        headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()),
        headers.get(X_AUTH_TOKEN).map(|v| v.as_bytes()),
    ) {
        Err(CredentialError::Missing) => {
            let secure = state.settings.secure_cookies;
            let secret = session_cookie::read(headers, secure).ok_or(CredentialError::Missing)?;
            csrf::check_session_request(request.method(), headers, &secret, &state.settings)?;
            Ok(Credential::Session(secret))
        }
        other => Ok(other?),
    }
}

/// The one path from a credential to an authorized caller, shared by the guard and by the few
/// operations that take their credential from elsewhere (`/api/daemon/test?token=`). A refusal
/// comes with the account it concerned, when that is known; the use of a revoked token is
/// written to the audit trail here.
pub(crate) async fn authenticate_and_authorize(
    state: &AppState,
    credential: &Credential,
    operation: Operation,
    source: &str,
) -> Result<Caller, (ApiError, Option<String>)> {
    let principal = match state.authenticator.authenticate(credential).await {
        Ok(p) => p,
        Err(AuthError::Revoked { account, token }) => {
            let target = format!("token={token}");
            audit::record(
                state,
                &account,
                "tokenUsedAfterRevocation",
                &target,
                source,
                401,
            )
            .await;
            return Err((
                AuthError::Revoked {
                    account: account.clone(),
                    token,
                }
                .into(),
                Some(account),
            ));
        }
        Err(e) => return Err((e.into(), None)),
    };
    tracing::debug!(account = %principal.account, ?operation, "authenticated");
    let account = principal.account.to_string();
    authorize(principal, operation)
        .map(Caller)
        .map_err(|denied| (denied.into(), Some(account)))
}
