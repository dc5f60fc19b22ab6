//! The `Role` API group: named sets of permissions and where they are assigned.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::access;
use crest_domain::permission::{Permission, PermissionSet};
use crest_domain::role::{RoleChange, RoleRecord};
use crest_types::accounts::{
    ResponseContainerPagedRoleDTO, ResponseContainerRoleDTO, RoleCreateDTO, RoleUpdateDTO,
};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::present::Directory;
use crate::state::AppState;

async fn answer(
    state: &AppState,
    role: &RoleRecord,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(Json(ResponseContainerRoleDTO::ok(dir.role(role))))
}

/// Every role, a page at a time, by name.
#[utoipa::path(
    get,
    path = "/api/v2/role",
    operation_id = "getAllRoles",
    tag = "Role",
    summary = "Get all roles",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses((status = 200, description = "A page of roles", body = ResponseContainerPagedRoleDTO))
)]
pub(crate) async fn get_all_roles(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedRoleDTO>, ApiError> {
    let roles = state.store.roles().await?;
    let dir = Directory::load(state.store.as_ref()).await?;
    let page = page.page_of(&roles, |x| dir.role(x));
    Ok(Json(ResponseContainerPagedRoleDTO::ok(page)))
}

/// One role.
#[utoipa::path(
    get,
    path = "/api/v2/role/{id}",
    operation_id = "getRole",
    tag = "Role",
    summary = "Get a role by ID",
    params(("id" = String, Path, description = "The role's id")),
    responses(
        (status = 200, description = "The role", body = ResponseContainerRoleDTO),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_role(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let role = access::find_role(state.store.as_ref(), &id).await?;
    answer(&state, &role).await
}

/// Creates a role. Nobody puts into a role a permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/role",
    operation_id = "createRole",
    tag = "Role",
    summary = "Create a role",
    request_body = RoleCreateDTO,
    responses(
        (status = 200, description = "The new role", body = ResponseContainerRoleDTO),
        (status = 400, description = "No name, or an unknown permission", body = StatusEnvelope),
        (status = 403, description = "A permission the caller does not hold", body = StatusEnvelope),
        (status = 409, description = "The name is taken", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_role(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<RoleCreateDTO>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let permissions = PermissionSet::parse_names(body.permissions.as_deref().unwrap_or_default())?;
    let role = access::create_role(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        body.name.as_deref().unwrap_or_default(),
        body.description.as_deref().unwrap_or_default(),
        permissions,
    )
    .await?;
    crate::audit::name("id", &role.id);
    answer(&state, &role).await
}

/// Updates a role's name, description and permissions.
#[utoipa::path(
    put,
    path = "/api/v2/role/{id}",
    operation_id = "updateRole",
    tag = "Role",
    summary = "Update a role by ID",
    params(("id" = String, Path, description = "The role's id")),
    request_body = RoleUpdateDTO,
    responses(
        (status = 200, description = "The role", body = ResponseContainerRoleDTO),
        (status = 400, description = "Invalid input, or another id in the body", body = StatusEnvelope),
        (status = 403, description = "A permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_role(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleUpdateDTO>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    if body.id.as_deref().is_some_and(|b| !b.is_empty() && b != id) {
        return Err(ApiError::BadRequest(
            "the body names another role than the path".into(),
        ));
    }
    let change = RoleChange {
        name: body.name,
        description: body.description,
        permissions: body
            .permissions
            .as_deref()
            .map(PermissionSet::parse_names)
            .transpose()?,
    };
    let role = access::update_role(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        &id,
        change,
    )
    .await?;
    answer(&state, &role).await
}

/// Deletes a role; the accounts and groups that held it lose its permissions at once.
#[utoipa::path(
    delete,
    path = "/api/v2/role/{id}",
    operation_id = "deleteRole",
    tag = "Role",
    summary = "Delete a role by ID",
    params(("id" = String, Path, description = "The role's id")),
    responses(
        (status = 200, description = "The role as it was", body = ResponseContainerRoleDTO),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_role(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let role = access::find_role(state.store.as_ref(), &id).await?;
    let shown = answer(&state, &role).await?;
    state.store.delete_role(&id).await?;
    Ok(shown)
}

async fn assignees(
    state: &AppState,
    caller: &Caller,
    id: &str,
    ids: &[String],
    assigned: bool,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let role =
        access::set_role_assignees(state.store.as_ref(), caller.principal(), id, ids, assigned)
            .await?;
    answer(state, &role).await
}

/// Assigns the role to accounts and groups (ids in one list). Nobody hands out a role holding a
/// permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/role/{id}/addAssignees",
    operation_id = "addAssignees",
    tag = "Role",
    summary = "Add accounts and groups to a role",
    params(("id" = String, Path, description = "The role's id")),
    request_body(content = Vec<String>, description = "Account and group ids"),
    responses(
        (status = 200, description = "The role", body = ResponseContainerRoleDTO),
        (status = 400, description = "An unknown account or group", body = StatusEnvelope),
        (status = 403, description = "The role holds a permission the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_assignees(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    crate::audit::name_all("assignees", &ids);
    assignees(&state, &caller, &id, &ids, true).await
}

/// Takes the role from accounts and groups.
#[utoipa::path(
    post,
    path = "/api/v2/role/{id}/removeAssignees",
    operation_id = "removeAssignees",
    tag = "Role",
    summary = "Remove accounts and groups from a role",
    params(("id" = String, Path, description = "The role's id")),
    request_body(content = Vec<String>, description = "Account and group ids"),
    responses(
        (status = 200, description = "The role", body = ResponseContainerRoleDTO),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_assignees(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    crate::audit::name_all("assignees", &ids);
    assignees(&state, &caller, &id, &ids, false).await
}

async fn permission_on_roles(
    state: &AppState,
    caller: &Caller,
    permission: &str,
    ids: &[String],
    granted: bool,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    let permission: Permission = permission.parse()?;
    if ids.is_empty() {
        return Err(ApiError::BadRequest("name at least one role".into()));
    }
    let last = access::set_permission_on_roles(
        state.store.as_ref(),
        state.clock.as_ref(),
        caller.principal(),
        permission,
        ids,
        granted,
    )
    .await?
    .ok_or_else(|| ApiError::BadRequest("name at least one role".into()))?;
    answer(state, &last).await
}

/// Grants one permission to several roles (the answer shows the last of them).
#[utoipa::path(
    post,
    path = "/api/v2/role/grant/{permission}",
    operation_id = "grantPermissionToRoles",
    tag = "Role",
    summary = "Grant a permission to roles",
    params(("permission" = String, Path, description = "The permission, e.g. alerts_management")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The last role", body = ResponseContainerRoleDTO),
        (status = 400, description = "Unknown permission or no role named", body = StatusEnvelope),
        (status = 403, description = "The caller does not hold the permission", body = StatusEnvelope),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn grant_permission_to_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    crate::audit::name_all("roles", &ids);
    permission_on_roles(&state, &caller, &permission, &ids, true).await
}

/// Revokes one permission from several roles (the answer shows the last of them).
#[utoipa::path(
    post,
    path = "/api/v2/role/revoke/{permission}",
    operation_id = "revokePermissionFromRoles",
    tag = "Role",
    summary = "Revoke a permission from roles",
    params(("permission" = String, Path, description = "The permission, e.g. alerts_management")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The last role", body = ResponseContainerRoleDTO),
        (status = 400, description = "Unknown permission or no role named", body = StatusEnvelope),
        (status = 404, description = "No such role", body = StatusEnvelope)
    )
)]
pub(crate) async fn revoke_permission_from_roles(
    State(state): State<AppState>,
    caller: Caller,
    Path(permission): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerRoleDTO>, ApiError> {
    crate::audit::name_all("roles", &ids);
    permission_on_roles(&state, &caller, &permission, &ids, false).await
}
