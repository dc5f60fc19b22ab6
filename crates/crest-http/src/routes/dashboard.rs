//! The `Dashboard` API group's dashboards themselves: list, create, read, update, the trash and
//! favorites. A dashboard is kept as the JSON its client sent (fields crest does not interpret
//! included) and answered with the server's fields set over it. Reads are open to every caller
//! the dashboard's ACL admits; changes need the Dashboards permission and the ACL's leave to
//! modify; favorites are the caller's own.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use crest_domain::customer_tags::{customer_tags, with_tags};
use crest_domain::dashboard::{DashboardView, Dashboards, Shelf, chart_count};
use crest_domain::event::{Change, Subject};
use crest_types::alert::AccessControlListSimple;
use crest_types::dashboard::{
    Dashboard, DashboardJson, ResponseContainerDashboard, ResponseContainerPagedDashboard,
};
use crest_types::envelope::StatusEnvelope;
use crest_types::source::ResponseContainer;
use serde_json::{Map, Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::query_params::QueryParams;
use crate::routes::object_acl::access;
use crate::routes::system_event;
use crate::state::AppState;

pub(crate) fn dashboards(state: &AppState) -> Dashboards<'_> {
    Dashboards::new(state.resources.as_ref(), state.clock.as_ref())
}

/// The dashboard as the API shows it to the caller: the JSON it was saved with (the current one,
/// or an older version's), the server's fields over it, and `sections` and
/// `tags.customerTags` always present.
pub(crate) fn wire(view: &DashboardView) -> DashboardJson {
    let r = &view.record;
    let tags = customer_tags(&r.document);
    let mut m = with_tags(r.document.clone(), &tags);
    let mut put = |key: &str, value: Value| {
        m.insert(key.to_owned(), value);
    };
    put("id", json!(r.id));
    put("url", json!(r.id));
    put("createdEpochMillis", json!(r.created_ms));
    put("updatedEpochMillis", json!(r.updated_ms));
    put("creatorId", json!(r.creator));
    put("updaterId", json!(r.updater));
    put("deleted", json!(view.in_trash));
    put("hidden", json!(false));
    put("systemOwned", json!(false));
    put("orphan", json!(false));
    put("favorite", json!(view.favorite));
    put("numFavorites", json!(r.favorites.len()));
    put("numCharts", json!(chart_count(&r.document)));
    put("modifyAclAccess", json!(view.can_modify));
    let acl = AccessControlListSimple {
        can_modify: Some(r.acl.can_modify.clone()),
        can_view: Some(r.acl.can_view.clone()),
    };
    put("acl", serde_json::to_value(acl).unwrap_or(Value::Null));
    if m.get("sections").is_none_or(|s| !s.is_array()) {
        m.insert("sections".into(), json!([]));
    }
    DashboardJson(m)
}

fn answer(view: &DashboardView) -> Json<ResponseContainerDashboard> {
    Json(ResponseContainerDashboard::ok(wire(view)))
}

/// A client's dashboard as a JSON object.
fn document_of(body: Option<Value>) -> Result<Map<String, Value>, ApiError> {
    match body {
        Some(Value::Object(map)) => Ok(map),
        None | Some(Value::Null) => Err(ApiError::BadRequest(
            "the body must be a dashboard (a JSON object)".into(),
        )),
        Some(_) => Err(ApiError::BadRequest(
            "the body must be a dashboard (a JSON object), not another JSON value".into(),
        )),
    }
}

/// The dashboards outside the trash the caller may view, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard",
    operation_id = "getAllDashboard",
    tag = "Dashboard",
    summary = "Get all dashboards for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of dashboards", body = ResponseContainerPagedDashboard)
    )
)]
pub(crate) async fn get_all_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedDashboard>, ApiError> {
    let who = access(&state, &caller).await?;
    let all = dashboards(&state).list(Shelf::Live, &who).await?;
    Ok(Json(ResponseContainerPagedDashboard::ok(
        page.page_of(&all, wire),
    )))
}

/// Creates a dashboard from its JSON, kept whole. Its id is its `url` (either may be left out);
/// an `acl` in it becomes its ACL.
#[utoipa::path(
    post,
    path = "/api/v2/dashboard",
    operation_id = "createDashboard",
    tag = "Dashboard",
    summary = "Create a specific dashboard",
    request_body(content = Dashboard, description = "The dashboard: its id (= url), name and sections; any other field is kept as sent"),
    responses(
        (status = 200, description = "The dashboard as created", body = ResponseContainerDashboard),
        (status = 400, description = "An invalid dashboard, or an id in use", body = StatusEnvelope),
        (status = 403, description = "The caller lacks the Dashboards permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<Value>>,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let document = document_of(body)?;
    let who = access(&state, &caller).await?;
    let view = dashboards(&state).create(&who, document).await?;
    crate::audit::name("id", &view.record.id);
    Ok(answer(&view))
}

/// One dashboard, in the trash or not.
#[utoipa::path(
    get,
    path = "/api/v2/dashboard/{id}",
    operation_id = "getDashboard",
    tag = "Dashboard",
    summary = "Get a specific dashboard",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    responses(
        (status = 200, description = "The dashboard", body = ResponseContainerDashboard),
        (status = 404, description = "No such dashboard (or its ACL hides it)", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let who = access(&state, &caller).await?;
    Ok(answer(&dashboards(&state).get(&id, &who).await?))
}

/// Replaces a dashboard's JSON (a new version); its ACL stays.
#[utoipa::path(
    put,
    path = "/api/v2/dashboard/{id}",
    operation_id = "updateDashboard",
    tag = "Dashboard",
    summary = "Update a specific dashboard",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    request_body(content = Dashboard, description = "The dashboard as it should be; any field is kept as sent"),
    responses(
        (status = 200, description = "The dashboard as changed", body = ResponseContainerDashboard),
        (status = 400, description = "An invalid dashboard, or one that names another id", body = StatusEnvelope),
        (status = 403, description = "No Dashboards permission, or the ACL forbids it", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope),
        (status = 409, description = "The dashboard is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Value>>,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let document = document_of(body)?;
    let who = access(&state, &caller).await?;
    Ok(answer(
        &dashboards(&state).update(&who, &id, document).await?,
    ))
}

/// Moves a dashboard to the trash; with `skipTrash`, or when it is in the trash already, removes
/// it for good (its versions stay readable).
#[utoipa::path(
    delete,
    path = "/api/v2/dashboard/{id}",
    operation_id = "deleteDashboard",
    tag = "Dashboard",
    summary = "Delete a specific dashboard",
    params(
        ("id" = String, Path, description = "The dashboard's id (its URL slug)"),
        ("skipTrash" = Option<bool>, Query, description = "Remove for good instead of moving to the trash")
    ),
    responses(
        (status = 200, description = "The dashboard as the delete left it", body = ResponseContainerDashboard),
        (status = 403, description = "No Dashboards permission, or the ACL forbids it", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let skip = QueryParams::parse(query.as_deref())?
        .flag("skipTrash")?
        .unwrap_or(false);
    let who = access(&state, &caller).await?;
    let view = dashboards(&state).delete(&who, &id, skip).await?;
    let name = view
        .record
        .document
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or(&id);
    let subject = Subject {
        id: &id,
        name,
        by: &who.account,
        tags: &[],
        details: skip.then_some("removed for good"),
    };
    system_event::note(&state, Change::DashboardDeleted, subject).await;
    Ok(answer(&view))
}

/// Brings a dashboard back from the trash.
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/{id}/undelete",
    operation_id = "undeleteDashboard",
    tag = "Dashboard",
    summary = "Undelete a specific dashboard",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    responses(
        (status = 200, description = "The restored dashboard", body = ResponseContainerDashboard),
        (status = 400, description = "The dashboard is not in the trash", body = StatusEnvelope),
        (status = 404, description = "No such dashboard", body = StatusEnvelope)
    )
)]
pub(crate) async fn undelete_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerDashboard>, ApiError> {
    let who = access(&state, &caller).await?;
    Ok(answer(&dashboards(&state).undelete(&who, &id).await?))
}

async fn mark(
    state: &AppState,
    caller: &Caller,
    id: &str,
    favorite: bool,
) -> Result<Json<ResponseContainer>, ApiError> {
    let who = access(state, caller).await?;
    dashboards(state).favorite(&who, id, favorite).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Marks a dashboard as one of the caller's favorites (again is harmless).
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/{id}/favorite",
    operation_id = "favoriteDashboard",
    tag = "Dashboard",
    summary = "Mark a dashboard as favorite",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    responses(
        (status = 200, description = "Marked", body = ResponseContainer),
        (status = 404, description = "No such dashboard", body = StatusEnvelope),
        (status = 409, description = "The dashboard is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn favorite_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainer>, ApiError> {
    mark(&state, &caller, &id, true).await
}

/// Unmarks a dashboard as one of the caller's favorites (again is harmless).
#[utoipa::path(
    post,
    path = "/api/v2/dashboard/{id}/unfavorite",
    operation_id = "unfavoriteDashboard",
    tag = "Dashboard",
    summary = "Unmark a dashboard as favorite",
    params(("id" = String, Path, description = "The dashboard's id (its URL slug)")),
    responses(
        (status = 200, description = "Unmarked", body = ResponseContainer),
        (status = 404, description = "No such dashboard", body = StatusEnvelope),
        (status = 409, description = "The dashboard is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn unfavorite_dashboard(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainer>, ApiError> {
    mark(&state, &caller, &id, false).await
}
