//! What the routes of objects with ACLs, versions and tags (alerts, dashboards) share: the caller
//! as an ACL sees them, ACLs read and changed through their DTOs (the whole of each ACL
//! endpoint, for any [`AclObjects`]), a page of versions, and a list of tags answered whole.

use std::collections::BTreeMap;

use crest_domain::group::EVERYONE_GROUP_ID;
use crest_domain::object_acl::{AccessCheck, Acl, AclEdit, AclObjects};
use crest_domain::version_log::SavedVersion;
use crest_types::alert::{
    AccessControlElement, AccessControlListReadDTO, AccessControlListWriteDTO, HistoryEntry,
    ResponseContainerListAccessControlListReadDTO,
};
use crest_types::paging::{PageRequest, Paged};
use crest_types::source::{ResponseContainer, ResponseContainerTagsResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::query_params::QueryParams;
use crate::state::AppState;

/// The caller as ACLs see them: their account, their groups (Everyone included) and whether they
/// act as Super Admin.
pub(crate) async fn access(state: &AppState, caller: &Caller) -> Result<AccessCheck, ApiError> {
    let p = caller.principal();
    let account = p.account.to_string();
    let mut groups: Vec<String> = state
        .store
        .groups()
        .await?
        .into_iter()
        .filter(|g| g.members.contains(&account))
        .map(|g| g.id)
        .collect();
    groups.push(EVERYONE_GROUP_ID.to_owned());
    Ok(AccessCheck {
        account,
        groups,
        super_admin: p.super_admin && !p.super_admin_mode_off,
    })
}

/// `GET /api/v2/<kind>/acl`: the ACLs of the objects named by the repeated `id` parameter.
pub(crate) async fn read_acls(
    state: &AppState,
    caller: &Caller,
    query: Option<&str>,
    objects: &impl AclObjects,
) -> Result<ResponseContainerListAccessControlListReadDTO, ApiError> {
    let params = QueryParams::parse(query)?;
    let ids: Vec<String> = params.all("id").map(str::to_owned).collect();
    let who = access(state, caller).await?;
    let acls = objects.acls(&who, &ids).await?;
    Ok(ResponseContainerListAccessControlListReadDTO::ok(
        read_dtos(state, &acls).await?,
    ))
}

/// `/api/v2/<kind>/acl/add`, `/remove` and `/set`: the body's changes, applied by `edit`.
pub(crate) async fn change_acls(
    state: &AppState,
    caller: &Caller,
    edit: AclEdit,
    body: Option<Vec<AccessControlListWriteDTO>>,
    objects: &impl AclObjects,
) -> Result<ResponseContainer, ApiError> {
    let changes = write_changes(body)?;
    let who = access(state, caller).await?;
    objects.edit_acls(&who, edit, &changes).await?;
    Ok(ResponseContainer::ok_empty())
}

/// ACLs as `AccessControlListReadDTO`s: each id with its group's name (an account's id is its
/// name).
pub(crate) async fn read_dtos(
    state: &AppState,
    acls: &[(String, Acl)],
) -> Result<Vec<AccessControlListReadDTO>, ApiError> {
    let groups: BTreeMap<String, String> = state
        .store
        .groups()
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    let element = |id: &String| AccessControlElement {
        description: None,
        name: Some(groups.get(id).cloned().unwrap_or_else(|| id.clone())),
        id: Some(id.clone()),
    };
    Ok(acls
        .iter()
        .map(|(id, acl)| AccessControlListReadDTO {
            entity_id: Some(id.clone()),
            modify_acl: Some(acl.can_modify.iter().map(element).collect()),
            view_acl: Some(acl.can_view.iter().map(element).collect()),
        })
        .collect())
}

/// The changes a body of `AccessControlListWriteDTO`s asks for, each with its object's id.
pub(crate) fn write_changes(
    body: Option<Vec<AccessControlListWriteDTO>>,
) -> Result<Vec<(String, Acl)>, ApiError> {
    body.unwrap_or_default()
        .into_iter()
        .map(|dto| {
            let id = dto
                .entity_id
                .filter(|i| !i.is_empty())
                .ok_or_else(|| ApiError::BadRequest("each entry needs an 'entityId'".into()))?;
            Ok((
                id,
                Acl {
                    can_view: dto.view_acl.unwrap_or_default(),
                    can_modify: dto.modify_acl.unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// A page of an object's versions as `HistoryEntry`s.
pub(crate) fn history_page(
    page: PageRequest,
    id: &str,
    versions: &[SavedVersion],
    in_trash: bool,
) -> Paged<HistoryEntry> {
    page.page_of(versions, |v| HistoryEntry {
        change_description: Some(vec![v.change.clone()]),
        id: Some(id.to_owned()),
        in_trash: Some(in_trash),
        update_time: Some(v.update_time),
        update_user: Some(v.update_user.clone()),
        version: Some(i64::from(v.version)),
    })
}

/// A version number from the path.
pub(crate) fn version_number(text: &str) -> Result<u32, ApiError> {
    text.trim()
        .parse::<u32>()
        .map_err(|_| ApiError::BadRequest(format!("the version must be a number, not '{text}'")))
}

/// Every tag, as one page.
pub(crate) fn all_tags(tags: &[String]) -> ResponseContainerTagsResponse {
    let all = PageRequest {
        offset: 0,
        limit: u32::try_from(tags.len()).unwrap_or(u32::MAX),
    };
    ResponseContainerTagsResponse::ok(all.page_of(tags, Clone::clone))
}
