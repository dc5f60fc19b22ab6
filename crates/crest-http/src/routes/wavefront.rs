//! The `Wavefront` API group: cluster information.

use axum::Json;
use axum::extract::State;
use crest_types::models::{ClusterInfoDTO, ResponseContainerClusterInfoDTO};

use crate::auth::Caller;
use crate::state::AppState;

/// Answers any authenticated caller, whatever its permissions.
#[utoipa::path(
    get,
    path = "/api/v2/cluster/info",
    operation_id = "getClusterInfo",
    tag = "Wavefront",
    summary = "API endpoint to get cluster info",
    responses(
        (status = 200, description = "Cluster information", body = ResponseContainerClusterInfoDTO),
        (status = 401, description = "No valid credential", body = crest_types::envelope::StatusEnvelope)
    )
)]
pub(crate) async fn get_cluster_info(
    State(state): State<AppState>,
    _caller: Caller,
) -> Json<ResponseContainerClusterInfoDTO> {
    Json(ResponseContainerClusterInfoDTO::ok(ClusterInfoDTO {
        cluster_alias: "crest".into(),
        status_page_link: format!("{}/healthz", state.settings.public_url),
    }))
}
