//! The `MaintenanceWindow` API group: windows that mute alerts for a while (times in epoch
//! seconds, running state read from the clock), deleted outright. Reads are open to every
//! caller; changes need the Alerts permission.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::maintenance::{MaintenanceWindowRecord, WindowSpec, Windows};
use crest_types::envelope::StatusEnvelope;
use crest_types::maintenance::{
    MaintenanceWindow, ResponseContainerMaintenanceWindow, ResponseContainerPagedMaintenanceWindow,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::routes::system_event::{WindowChange, note_window};
use crate::state::AppState;

/// The order of windows in sorted answers before any other key (the service's observed value).
const SORT_ATTR: i64 = 1_000_000;

pub(crate) fn windows(state: &AppState) -> Windows<'_> {
    Windows::new(state.resources.as_ref(), state.clock.as_ref())
}

/// The window as the API shows it.
pub(crate) fn wire(w: &MaintenanceWindowRecord, now: i64) -> MaintenanceWindow {
    let s = &w.spec;
    MaintenanceWindow {
        created_epoch_millis: Some(w.created_ms),
        creator_id: Some(w.creator.clone()),
        customer_id: Some("crest".to_owned()),
        end_time_in_seconds: Some(s.end_time_in_seconds),
        event_name: Some(w.event_name()),
        host_tag_group_host_names_group_anded: Some(s.host_tag_group_host_names_group_anded),
        id: Some(w.id.clone()),
        point_tag_filter: s.point_tag_filter.clone(),
        point_tag_filter_anded: Some(s.point_tag_filter_anded),
        reason: Some(s.reason.clone()),
        relevant_customer_tags: Some(s.relevant_customer_tags.clone()),
        relevant_customer_tags_anded: Some(s.relevant_customer_tags_anded),
        relevant_host_names: Some(s.relevant_host_names.clone()),
        relevant_host_tags: Some(s.relevant_host_tags.clone()),
        relevant_host_tags_anded: Some(s.relevant_host_tags_anded),
        running_state: Some(w.running_state(now).as_str().to_owned()),
        sort_attr: Some(SORT_ATTR),
        start_time_in_seconds: Some(s.start_time_in_seconds),
        targets: Some(s.targets.clone()),
        title: Some(s.title.clone()),
        updated_epoch_millis: Some(w.updated_ms),
        updater_id: Some(w.updater.clone()),
    }
}

/// What the client set; the server's fields are ignored.
fn spec_of(body: Option<MaintenanceWindow>) -> Result<WindowSpec, ApiError> {
    let b = body.unwrap_or_default();
    let start = b
        .start_time_in_seconds
        .ok_or_else(|| ApiError::BadRequest("'startTimeInSeconds' is required".into()))?;
    let end = b
        .end_time_in_seconds
        .ok_or_else(|| ApiError::BadRequest("'endTimeInSeconds' is required".into()))?;
    Ok(WindowSpec {
        title: b.title.unwrap_or_default(),
        reason: b.reason.unwrap_or_default(),
        start_time_in_seconds: start,
        end_time_in_seconds: end,
        relevant_customer_tags: b.relevant_customer_tags.unwrap_or_default(),
        relevant_customer_tags_anded: b.relevant_customer_tags_anded.unwrap_or(false),
        relevant_host_tags: b.relevant_host_tags.unwrap_or_default(),
        relevant_host_tags_anded: b.relevant_host_tags_anded.unwrap_or(false),
        relevant_host_names: b.relevant_host_names.unwrap_or_default(),
        host_tag_group_host_names_group_anded: b
            .host_tag_group_host_names_group_anded
            .unwrap_or(false),
        point_tag_filter: b.point_tag_filter.filter(|f| !f.trim().is_empty()),
        point_tag_filter_anded: b.point_tag_filter_anded.unwrap_or(false),
        targets: b.targets.unwrap_or_default(),
    })
}

fn answer(
    state: &AppState,
    w: &MaintenanceWindowRecord,
) -> Json<ResponseContainerMaintenanceWindow> {
    Json(ResponseContainerMaintenanceWindow::ok(wire(
        w,
        state.clock.now_millis(),
    )))
}

/// Every window, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/maintenancewindow",
    operation_id = "getAllMaintenanceWindow",
    tag = "MaintenanceWindow",
    summary = "Get all maintenance windows for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of windows", body = ResponseContainerPagedMaintenanceWindow)
    )
)]
pub(crate) async fn get_all_maintenance_window(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedMaintenanceWindow>, ApiError> {
    let all = windows(&state).list().await?;
    let now = state.clock.now_millis();
    Ok(Json(ResponseContainerPagedMaintenanceWindow::ok(
        page.page_of(&all, |w| wire(w, now)),
    )))
}

/// Creates a window. It needs a title, an end after its start, and at least one of the relevant
/// alert tags, source tags or source names.
#[utoipa::path(
    post,
    path = "/api/v2/maintenancewindow",
    operation_id = "createMaintenanceWindow",
    tag = "MaintenanceWindow",
    summary = "Create a maintenance window",
    request_body(content = MaintenanceWindow, description = "The window; times in epoch seconds"),
    responses(
        (status = 200, description = "The window as created", body = ResponseContainerMaintenanceWindow),
        (status = 400, description = "An invalid window", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Alerts permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_maintenance_window(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<MaintenanceWindow>>,
) -> Result<Json<ResponseContainerMaintenanceWindow>, ApiError> {
    let by = caller.principal().account.to_string();
    let created = windows(&state).create(&by, spec_of(body)?).await?;
    note_window(&state, &by, WindowChange::Created(&created)).await;
    Ok(answer(&state, &created))
}

/// One window.
#[utoipa::path(
    get,
    path = "/api/v2/maintenancewindow/{id}",
    operation_id = "getMaintenanceWindow",
    tag = "MaintenanceWindow",
    summary = "Get a specific maintenance window",
    params(("id" = String, Path, description = "The window's id")),
    responses(
        (status = 200, description = "The window", body = ResponseContainerMaintenanceWindow),
        (status = 404, description = "No such window", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_maintenance_window(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerMaintenanceWindow>, ApiError> {
    let w = windows(&state).get(&id).await?;
    Ok(answer(&state, &w))
}

/// Replaces a window's fields: setting its end to now closes it early, raising it extends it.
#[utoipa::path(
    put,
    path = "/api/v2/maintenancewindow/{id}",
    operation_id = "updateMaintenanceWindow",
    tag = "MaintenanceWindow",
    summary = "Update a specific maintenance window",
    params(("id" = String, Path, description = "The window's id")),
    request_body(content = MaintenanceWindow, description = "The window as it should be"),
    responses(
        (status = 200, description = "The window as changed", body = ResponseContainerMaintenanceWindow),
        (status = 400, description = "An invalid window", body = StatusEnvelope),
        (status = 404, description = "No such window", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_maintenance_window(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<MaintenanceWindow>>,
) -> Result<Json<ResponseContainerMaintenanceWindow>, ApiError> {
    if let Some(named) = body.as_ref().and_then(|b| b.id.as_deref())
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names maintenance window '{named}' but the path names '{id}'"
        )));
    }
    let by = caller.principal().account.to_string();
    let spec = spec_of(body)?;
    let before = windows(&state).get(&id).await?;
    let changed = windows(&state).update(&by, &id, spec).await?;
    let change = WindowChange::Updated {
        before: &before,
        after: &changed,
    };
    note_window(&state, &by, change).await;
    Ok(answer(&state, &changed))
}

/// Deletes a window outright (windows have no trash).
#[utoipa::path(
    delete,
    path = "/api/v2/maintenancewindow/{id}",
    operation_id = "deleteMaintenanceWindow",
    tag = "MaintenanceWindow",
    summary = "Delete a specific maintenance window",
    params(("id" = String, Path, description = "The window's id")),
    responses(
        (status = 200, description = "The window as it was", body = ResponseContainerMaintenanceWindow),
        (status = 404, description = "No such window", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_maintenance_window(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerMaintenanceWindow>, ApiError> {
    let gone = windows(&state).delete(&id).await?;
    let by = caller.principal().account.to_string();
    note_window(&state, &by, WindowChange::Deleted(&gone)).await;
    Ok(answer(&state, &gone))
}
