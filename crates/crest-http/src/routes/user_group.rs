//! The `UserGroup` API group: groups of accounts that share roles.

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::access;
use crest_domain::group::GroupRecord;
use crest_types::accounts::{
    ResponseContainerPagedUserGroupModel, ResponseContainerUserGroupModel, UserGroupWrite,
};
use crest_types::envelope::StatusEnvelope;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, Paging};
use crate::present::Directory;
use crate::state::AppState;

async fn answer(
    state: &AppState,
    group: &GroupRecord,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(Json(ResponseContainerUserGroupModel::ok(dir.group(group))))
}

/// Every group, a page at a time, by name (Everyone and Service Accounts included).
#[utoipa::path(
    get,
    path = "/api/v2/usergroup",
    operation_id = "getAllUserGroups",
    tag = "UserGroup",
    summary = "Get all user groups for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses((status = 200, description = "A page of groups", body = ResponseContainerPagedUserGroupModel))
)]
pub(crate) async fn get_all_user_groups(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedUserGroupModel>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    let groups = state.store.groups().await?;
    let page = page.page_of(&groups, |x| dir.group(x));
    Ok(Json(ResponseContainerPagedUserGroupModel::ok(page)))
}

/// One group.
#[utoipa::path(
    get,
    path = "/api/v2/usergroup/{id}",
    operation_id = "getUserGroup",
    tag = "UserGroup",
    summary = "Get a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_user_group(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    let group = access::find_group(state.store.as_ref(), &id).await?;
    answer(&state, &group).await
}

/// Creates a group with roles. Groups hold roles, never permissions, and do not nest.
#[utoipa::path(
    post,
    path = "/api/v2/usergroup",
    operation_id = "createUserGroup",
    tag = "UserGroup",
    summary = "Create a specific user group",
    request_body = UserGroupWrite,
    responses(
        (status = 200, description = "The new group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "No name, or an unknown role", body = StatusEnvelope),
        (status = 403, description = "A role holding a permission the caller does not", body = StatusEnvelope),
        (status = 409, description = "The name is taken", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_user_group(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<UserGroupWrite>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    let group = access::create_group(
        state.store.as_ref(),
        state.clock.as_ref(),
        state.random.as_ref(),
        caller.principal(),
        body.name.as_deref().unwrap_or_default(),
        body.description.as_deref().unwrap_or_default(),
        body.role_ids.as_deref().unwrap_or_default(),
    )
    .await?;
    crate::audit::name("id", &group.id);
    answer(&state, &group).await
}

/// Updates a group's name, description and (when `roleIDs` is sent) its roles.
#[utoipa::path(
    put,
    path = "/api/v2/usergroup/{id}",
    operation_id = "updateUserGroup",
    tag = "UserGroup",
    summary = "Update a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    request_body = UserGroupWrite,
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "Invalid input, a system group renamed, another id in the body", body = StatusEnvelope),
        (status = 403, description = "A role holding a permission the caller does not", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_user_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserGroupWrite>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    if body.id.as_deref().is_some_and(|b| !b.is_empty() && b != id) {
        return Err(ApiError::BadRequest(
            "the body names another group than the path".into(),
        ));
    }
    let group = access::update_group(
        state.store.as_ref(),
        caller.principal(),
        &id,
        body.name.as_deref(),
        body.description.as_deref(),
        body.role_ids.as_deref(),
    )
    .await?;
    answer(&state, &group).await
}

/// Deletes a group; Everyone and Service Accounts cannot be deleted.
#[utoipa::path(
    delete,
    path = "/api/v2/usergroup/{id}",
    operation_id = "deleteUserGroup",
    tag = "UserGroup",
    summary = "Delete a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    responses(
        (status = 200, description = "The group as it was", body = ResponseContainerUserGroupModel),
        (status = 400, description = "A system group", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_user_group(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    let group = access::find_group(state.store.as_ref(), &id).await?;
    let shown = answer(&state, &group).await?;
    access::delete_group(state.store.as_ref(), &id).await?;
    Ok(shown)
}

/// Adds accounts to the group. Everyone's members are fixed; only service accounts join Service Accounts.
#[utoipa::path(
    post,
    path = "/api/v2/usergroup/{id}/addUsers",
    operation_id = "addUsersToUserGroup",
    tag = "UserGroup",
    summary = "Add multiple users to a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "An unknown id, or a change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "Handing out a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_users_to_user_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    let group =
        access::set_group_members(state.store.as_ref(), caller.principal(), &id, &ids, true)
            .await?;
    answer(&state, &group).await
}

/// Removes accounts from the group; nobody leaves Everyone.
#[utoipa::path(
    post,
    path = "/api/v2/usergroup/{id}/removeUsers",
    operation_id = "removeUsersFromUserGroup",
    tag = "UserGroup",
    summary = "Remove multiple users from a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    request_body(content = Vec<String>, description = "Account ids"),
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "An unknown id, or a change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "Handing out a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_users_from_user_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    crate::audit::name_all("accounts", &ids);
    let group =
        access::set_group_members(state.store.as_ref(), caller.principal(), &id, &ids, false)
            .await?;
    answer(&state, &group).await
}

/// Adds roles to the group; nobody hands out a role holding a permission they do not hold.
#[utoipa::path(
    post,
    path = "/api/v2/usergroup/{id}/addRoles",
    operation_id = "addRolesToUserGroup",
    tag = "UserGroup",
    summary = "Add multiple roles to a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "An unknown id, or a change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "Handing out a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_roles_to_user_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    crate::audit::name_all("roles", &ids);
    let group =
        access::set_group_roles(state.store.as_ref(), caller.principal(), &id, &ids, true).await?;
    answer(&state, &group).await
}

/// Removes roles from the group.
#[utoipa::path(
    post,
    path = "/api/v2/usergroup/{id}/removeRoles",
    operation_id = "removeRolesFromUserGroup",
    tag = "UserGroup",
    summary = "Remove multiple roles from a specific user group",
    params(("id" = String, Path, description = "The group's id")),
    request_body(content = Vec<String>, description = "Role ids"),
    responses(
        (status = 200, description = "The group", body = ResponseContainerUserGroupModel),
        (status = 400, description = "An unknown id, or a change the group does not allow", body = StatusEnvelope),
        (status = 403, description = "Handing out a permission the caller does not hold", body = StatusEnvelope),
        (status = 404, description = "No such group", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_roles_from_user_group(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(ids): ApiJson<Vec<String>>,
) -> Result<Json<ResponseContainerUserGroupModel>, ApiError> {
    crate::audit::name_all("roles", &ids);
    let group =
        access::set_group_roles(state.store.as_ref(), caller.principal(), &id, &ids, false).await?;
    answer(&state, &group).await
}
