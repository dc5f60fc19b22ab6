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
use utoipa::openapi::path::{Operation as DocumentedOperation, PathItem};
use utoipa::openapi::security::SecurityRequirement;
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

/// Registers `routes` behind the guard for `operation`, and documents the credentials the guard
/// accepts on every documented operation that does not say otherwise (the session endpoints
/// document `security(())`: a browser's cookie).
///
/// The route table is built by every test, so a route paired with an operation it does not
/// document fails them all here; see [`try_guarded`].
#[expect(
    clippy::panic,
    reason = "a route paired with the wrong operation is a programming error, refused when the \
              router is built, which every test does"
)]
pub(crate) fn guarded(
    operation: Operation,
    routes: UtoipaMethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    match try_guarded(operation, routes) {
        Ok(routes) => routes,
        Err(mispaired) => panic!("the route table is wrong: {mispaired}"),
    }
}

/// [`guarded`], refusing routes whose documented `operationId` is not `operation`'s API name (or,
/// for a search operation `search<X>Entities`, one of its facet operations `search<X>ForFacets`
/// and `search<X>ForFacet`).
pub(crate) fn try_guarded(
    operation: Operation,
    (schemas, mut paths, method_router): UtoipaMethodRouter<AppState>,
) -> Result<UtoipaMethodRouter<AppState>, Mispaired> {
    let mut documented = 0;
    for (path, item) in &mut paths.paths {
        for documented_op in documented_operations(item) {
            documented += 1;
            let id = documented_op.operation_id.as_deref().unwrap_or_default();
            if !names_operation(id, operation) {
                return Err(Mispaired::OtherOperation {
                    operation,
                    path: path.clone(),
                    found: id.to_owned(),
                    expected: operation.api_name(),
                });
            }
            documented_op.security.get_or_insert_with(|| {
                GUARD_SCHEMES
                    .map(|s| SecurityRequirement::new(s, NO_SCOPES))
                    .into()
            });
        }
    }
    if documented == 0 {
        return Err(Mispaired::Undocumented(operation));
    }
    let guard = axum::middleware::from_fn(move |request: Request, next: Next| {
        guard(operation, request, next)
    });
    Ok((schemas, paths, method_router.route_layer(guard)))
}

/// The credentials the guard accepts, as `ApiDoc` names their schemes: a token in
/// `X-AUTH-TOKEN`, or in `Authorization: Bearer`.
const GUARD_SCHEMES: [&str; 2] = ["api_key", "bearer"];
const NO_SCOPES: [&str; 0] = [];

/// A route paired in the route table with an operation it does not document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Mispaired {
    #[error("{operation:?} guards `{path}`, documented as {found:?}; expected {expected:?}")]
    OtherOperation {
        operation: Operation,
        path: String,
        found: String,
        expected: &'static str,
    },
    #[error("{0:?} guards routes that document no operation")]
    Undocumented(Operation),
}

/// Facet operations whose real names do not follow their search's (the published client's
/// spelling, kept so that its calls match).
const MISSPELT_FACETS: [(Operation, &str); 2] = [
    (
        Operation::SearchNotificantEntities,
        "searchNotficantForFacets",
    ),
    (Operation::SearchWebHookEntities, "searchWebhookForFacets"),
];

/// Whether a documented `operationId` is `operation`: its API name, or one of the two facet
/// operations every search operation serves beside itself.
fn names_operation(operation_id: &str, operation: Operation) -> bool {
    let name = operation.api_name();
    if operation_id == name || MISSPELT_FACETS.contains(&(operation, operation_id)) {
        return true;
    }
    let Some(search) = name
        .strip_prefix("search")
        .and_then(|rest| rest.strip_suffix("Entities"))
    else {
        return false;
    };
    operation_id
        .strip_prefix("search")
        .and_then(|rest| rest.strip_prefix(search))
        .is_some_and(|facet| facet == "ForFacets" || facet == "ForFacet")
}

fn documented_operations(item: &mut PathItem) -> impl Iterator<Item = &mut DocumentedOperation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.options,
        &mut item.head,
        &mut item.patch,
        &mut item.trace,
    ]
    .into_iter()
    .flatten()
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
                audit::record(&state, &actor, operation.api_name(), &target, &source, 403).await;
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
        action: operation.api_name().to_owned(),
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use utoipa_axum::routes;

    use super::*;
    use crate::routes::{account, search, session, source_search};

    fn documented(routes: UtoipaMethodRouter<AppState>) -> Value {
        serde_json::to_value(routes.1).expect("paths serialize")
    }

    #[test]
    fn a_route_paired_with_another_operation_is_refused() {
        let refused = try_guarded(Operation::GetAccount, routes!(account::delete_account)).err();
        assert_eq!(
            refused,
            Some(Mispaired::OtherOperation {
                operation: Operation::GetAccount,
                path: "/api/v2/account/{id}".into(),
                found: "deleteAccount".into(),
                expected: "getAccount",
            })
        );
    }

    #[test]
    #[should_panic(expected = "the route table is wrong: GetAccount guards `/api/v2/account/{id}`")]
    fn building_a_mispaired_route_table_fails() {
        let _ = guarded(Operation::GetAccount, routes!(account::delete_account));
    }

    #[test]
    fn a_search_operation_guards_its_own_facets_only() {
        let op = Operation::SearchUserEntities;
        assert!(try_guarded(op, routes!(search::search_user_entities)).is_ok());
        assert!(try_guarded(op, routes!(search::search_user_for_facets)).is_ok());
        assert!(try_guarded(op, routes!(search::search_user_for_facet)).is_ok());
        // `searchUserGroupForFacets` begins like a facet of `searchUser…`.
        assert!(try_guarded(op, routes!(search::search_user_group_for_facets)).is_err());
        assert!(try_guarded(op, routes!(search::search_user_group_entities)).is_err());
        let sources = Operation::SearchTaggedSourceEntities;
        assert!(
            try_guarded(
                sources,
                routes!(source_search::search_tagged_source_for_facet)
            )
            .is_ok()
        );
        assert!(try_guarded(sources, routes!(search::search_user_for_facet)).is_err());
    }

    #[test]
    fn names_operation_accepts_exactly_the_name_and_a_search_operations_facets() {
        use Operation as Op;
        let cases = [
            ("getAccount", Op::GetAccount, true),
            ("GetAccount", Op::GetAccount, false),
            ("getAccountForFacets", Op::GetAccount, false),
            ("searchRoleEntities", Op::SearchRoleEntities, true),
            ("searchRoleForFacets", Op::SearchRoleEntities, true),
            ("searchRoleForFacet", Op::SearchRoleEntities, true),
            ("searchRoleForFacetz", Op::SearchRoleEntities, false),
            ("searchRoleEntitiesForFacet", Op::SearchRoleEntities, false),
            ("searchForFacet", Op::SearchRoleEntities, false),
            ("", Op::SearchRoleEntities, false),
        ];
        for (id, op, expected) in cases {
            assert_eq!(names_operation(id, op), expected, "{id} for {op:?}");
        }
    }

    #[test]
    fn guarded_routes_document_the_guards_credentials_unless_they_declare_their_own() {
        let guarded = try_guarded(Operation::DeleteAccount, routes!(account::delete_account))
            .map(documented)
            .expect("paired");
        assert_eq!(
            guarded["/api/v2/account/{id}"]["delete"]["security"],
            json!([{ "api_key": [] }, { "bearer": [] }])
        );
        // The session endpoints document the browser's cookie (no scheme) themselves.
        let session = try_guarded(Operation::GetSession, routes!(session::get_session))
            .map(documented)
            .expect("paired");
        assert_eq!(
            session["/api/crest/v1/session"]["get"]["security"],
            json!([{}])
        );
    }
}
