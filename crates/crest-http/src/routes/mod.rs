//! The API's routes, one module per API group (named after the generated client's `*Api` class).

pub(crate) mod account;
pub(crate) mod daemon;
pub(crate) mod health;
pub(crate) mod wavefront;

use crest_auth::Operation;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_doc::ApiDoc;
use crate::auth::guarded;
use crate::state::AppState;

/// Every documented route with the operation that authorizes it: the route table.
pub(crate) fn api_routes() -> OpenApiRouter<AppState> {
    use utoipa::OpenApi as _;
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(guarded(
            Operation::GetClusterInfo,
            routes!(wavefront::get_cluster_info),
        ))
        .routes(guarded(
            Operation::GetAllAccounts,
            routes!(account::get_all_accounts),
        ))
        // Authenticates with `?token=` rather than a header; see the handler.
        .routes(routes!(daemon::daemon_test))
}
