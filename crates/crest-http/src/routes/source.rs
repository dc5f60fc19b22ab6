//! The `Source` API group: sources and their metadata (description and tags). Reads are open to
//! every caller; changes need the Source Tags permission.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use crest_domain::source::{SourceInput, SourceQuery, SourceRecord, Sources};
use crest_types::envelope::StatusEnvelope;
use crest_types::paging::{PageRequest, Paged};
use crest_types::source::{
    ResponseContainer, ResponseContainerPagedSource, ResponseContainerSource,
    ResponseContainerTagsResponse, Source as WireSource,
};
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery};
use crate::state::AppState;

pub(crate) fn sources(state: &AppState) -> Sources<'_> {
    Sources::new(state.resources.as_ref(), state.clock.as_ref())
}

/// A source as the API shows it.
pub(crate) fn wire(r: &SourceRecord) -> WireSource {
    WireSource {
        id: Some(r.id.clone()),
        source_name: Some(r.id.clone()),
        description: r.description.clone(),
        tags: Some(r.tags.iter().map(|t| (t.clone(), true)).collect()),
        hidden: Some(r.hidden()),
        created_epoch_millis: Some(r.created_ms),
        creator_id: Some(r.creator.clone()),
        updated_epoch_millis: Some(r.updated_ms),
        updater_id: Some(r.updater.clone()),
        marked_new_epoch_millis: r.marked_new_ms,
    }
}

fn input(body: WireSource) -> SourceInput {
    SourceInput {
        id: body.id,
        source_name: body.source_name,
        description: body.description,
        tags: body.tags,
    }
}

fn answer(r: &SourceRecord) -> Json<ResponseContainerSource> {
    Json(ResponseContainerSource::ok(wire(r)))
}

/// A page cut by cursor: `cursor` names the page's last source when more follow.
pub(crate) fn cursor_page<T>(
    items: Vec<T>,
    limit: u32,
    more: bool,
    last: Option<String>,
) -> Paged<T> {
    let total = items.len() as u64 + u64::from(more);
    Paged {
        items,
        offset: 0,
        limit,
        total_items: total,
        more_items: more,
        cursor: if more { last } else { None },
        sort: None,
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct CursorQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// Every source, in id order, a page at a time: pass the previous page's `cursor` (its last id)
/// to read the next.
#[utoipa::path(
    get,
    path = "/api/v2/source",
    operation_id = "getAllSource",
    tag = "Source",
    summary = "Get all sources for a customer",
    params(
        ("cursor" = Option<String>, Query, description = "The id after which the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of sources", body = ResponseContainerPagedSource),
        (status = 400, description = "A limit that is not a number", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_all_source(
    State(state): State<AppState>,
    _caller: Caller,
    ApiQuery(query): ApiQuery<CursorQuery>,
) -> Result<Json<ResponseContainerPagedSource>, ApiError> {
    let limit = PageRequest::parse(None, query.limit.as_deref())?
        .limit
        .max(1);
    let page = sources(&state)
        .page(&SourceQuery {
            conditions: Vec::new(),
            after: query.cursor.filter(|c| !c.is_empty()),
            limit,
            ascending: true,
        })
        .await?;
    let last = page.items.last().map(|s| s.id.clone());
    let items = page.items.iter().map(wire).collect();
    Ok(Json(ResponseContainerPagedSource::ok(cursor_page(
        items, limit, page.more, last,
    ))))
}

/// One source.
#[utoipa::path(
    get,
    path = "/api/v2/source/{id}",
    operation_id = "getSource",
    tag = "Source",
    summary = "Get a specific source for a customer",
    params(("id" = String, Path, description = "The source's id (its name)")),
    responses(
        (status = 200, description = "The source", body = ResponseContainerSource),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_source(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerSource>, ApiError> {
    Ok(answer(&sources(&state).get(&id).await?))
}

/// Creates a source's metadata; `id` must equal `sourceName` (either may be left out).
#[utoipa::path(
    post,
    path = "/api/v2/source",
    operation_id = "createSource",
    tag = "Source",
    summary = "Create metadata (description or tags) for a specific source",
    request_body(content = WireSource, description = "The source: id, description, tags"),
    responses(
        (status = 200, description = "The new source", body = ResponseContainerSource),
        (status = 400, description = "No id, ids that differ, or an invalid tag", body = StatusEnvelope),
        (status = 409, description = "The source exists already", body = StatusEnvelope)
    )
)]
pub(crate) async fn create_source(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Option<WireSource>>,
) -> Result<Json<ResponseContainerSource>, ApiError> {
    let body = body.ok_or_else(|| ApiError::BadRequest("a source body is required".into()))?;
    let by = caller.principal().account.to_string();
    let created = sources(&state).create(&by, input(body)).await?;
    crate::audit::name("id", &created.id);
    Ok(answer(&created))
}

/// Replaces a source's description and tags, each when the body has it. The `hidden` property is
/// stored as a tag: add `"hidden": true` to the tags to set it.
#[utoipa::path(
    put,
    path = "/api/v2/source/{id}",
    operation_id = "updateSource",
    tag = "Source",
    summary = "Update metadata (description or tags) for a specific source.",
    params(("id" = String, Path, description = "The source's id")),
    request_body(content = WireSource, description = "The source's new metadata"),
    responses(
        (status = 200, description = "The source as updated", body = ResponseContainerSource),
        (status = 400, description = "An id that differs from the path's, or an invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_source(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<WireSource>>,
) -> Result<Json<ResponseContainerSource>, ApiError> {
    let body = body.ok_or_else(|| ApiError::BadRequest("a source body is required".into()))?;
    let by = caller.principal().account.to_string();
    Ok(answer(
        &sources(&state).update(&by, &id, input(body)).await?,
    ))
}

/// Removes a source's metadata (description and tags).
#[utoipa::path(
    delete,
    path = "/api/v2/source/{id}",
    operation_id = "deleteSource",
    tag = "Source",
    summary = "Delete metadata (description and tags) for a specific source",
    params(("id" = String, Path, description = "The source's id")),
    responses(
        (status = 200, description = "The source as it was", body = ResponseContainerSource),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_source(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerSource>, ApiError> {
    Ok(answer(&sources(&state).delete(&id).await?))
}

/// A text body as clients send it: a JSON string (`"web frontend"`), or the raw text.
#[derive(Debug)]
pub(crate) struct TextBody(String);

impl<S: Send + Sync> FromRequest<S> for TextBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            match rejection.status().as_u16() {
                413 => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest(rejection.body_text()),
            }
        })?;
        Ok(Self(text_of(&crate::extract::gunzipped(&bytes)?)?))
    }
}

fn text_of(bytes: &[u8]) -> Result<String, ApiError> {
    match serde_json::from_slice::<Option<String>>(bytes) {
        Ok(text) => Ok(text.unwrap_or_default()),
        Err(_) => std::str::from_utf8(bytes)
            .map(|s| s.trim_end_matches(['\r', '\n']).to_owned())
            .map_err(|_| ApiError::BadRequest("the description is not UTF-8 text".into())),
    }
}

/// Sets a source's description; an empty one removes it.
#[utoipa::path(
    post,
    path = "/api/v2/source/{id}/description",
    operation_id = "setDescription",
    tag = "Source",
    summary = "Set description associated with a specific source",
    params(("id" = String, Path, description = "The source's id")),
    request_body(content = String, description = "The description: a JSON string, or raw text"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_description(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    TextBody(text): TextBody,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    sources(&state).set_description(&by, &id, text).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Removes a source's description.
#[utoipa::path(
    delete,
    path = "/api/v2/source/{id}/description",
    operation_id = "removeDescription",
    tag = "Source",
    summary = "Remove description from a specific source",
    params(("id" = String, Path, description = "The source's id")),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_description(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    sources(&state).remove_description(&by, &id).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// A source's tags, in code-point order.
#[utoipa::path(
    get,
    path = "/api/v2/source/{id}/tag",
    operation_id = "getSourceTags",
    tag = "Source",
    summary = "Get all tags associated with a specific source",
    params(("id" = String, Path, description = "The source's id")),
    responses(
        (status = 200, description = "The tags", body = ResponseContainerTagsResponse),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_source_tags(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerTagsResponse>, ApiError> {
    let source = sources(&state).get(&id).await?;
    let all = PageRequest {
        offset: 0,
        limit: u32::try_from(source.tags.len()).unwrap_or(u32::MAX),
    };
    Ok(Json(ResponseContainerTagsResponse::ok(
        all.page_of(&source.tags, Clone::clone),
    )))
}

/// Replaces every tag of a source; if one is invalid, nothing changes.
#[utoipa::path(
    post,
    path = "/api/v2/source/{id}/tag",
    operation_id = "setSourceTags",
    tag = "Source",
    summary = "Set all tags associated with a specific source",
    params(("id" = String, Path, description = "The source's id")),
    request_body(content = Vec<String>, description = "The tags"),
    responses(
        (status = 200, description = "Set", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn set_source_tags(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Vec<String>>>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    sources(&state)
        .set_tags(&by, &id, &body.unwrap_or_default())
        .await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Adds a tag to a source.
#[utoipa::path(
    put,
    path = "/api/v2/source/{id}/tag/{tagValue}",
    operation_id = "addSourceTag",
    tag = "Source",
    summary = "Add a tag to a specific source",
    params(
        ("id" = String, Path, description = "The source's id"),
        ("tagValue" = String, Path, description = "The tag: dot-separated parts of letters, digits, '-', '_' and ':'")
    ),
    responses(
        (status = 200, description = "Added", body = ResponseContainer),
        (status = 400, description = "An invalid tag", body = StatusEnvelope),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn add_source_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    sources(&state).add_tag(&by, &id, &tag).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

/// Removes a tag from a source; a tag the source lacks changes nothing.
#[utoipa::path(
    delete,
    path = "/api/v2/source/{id}/tag/{tagValue}",
    operation_id = "removeSourceTag",
    tag = "Source",
    summary = "Remove a tag from a specific source",
    params(
        ("id" = String, Path, description = "The source's id"),
        ("tagValue" = String, Path, description = "The tag")
    ),
    responses(
        (status = 200, description = "Removed", body = ResponseContainer),
        (status = 404, description = "No such source", body = StatusEnvelope)
    )
)]
pub(crate) async fn remove_source_tag(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, tag)): Path<(String, String)>,
) -> Result<Json<ResponseContainer>, ApiError> {
    let by = caller.principal().account.to_string();
    sources(&state).remove_tag(&by, &id, &tag).await?;
    Ok(Json(ResponseContainer::ok_empty()))
}

#[cfg(test)]
mod tests {
    use super::text_of;

    #[test]
    fn descriptions_arrive_as_json_strings_or_raw_text() {
        assert_eq!(
            text_of(b"\"web frontend\"").ok(),
            Some("web frontend".into())
        );
        assert_eq!(text_of(b"web frontend\n").ok(), Some("web frontend".into()));
        assert_eq!(
            text_of(b"\"a \\\"quoted\\\" word\"").ok(),
            Some("a \"quoted\" word".into())
        );
        assert_eq!(text_of(b"null").ok(), Some(String::new()));
        assert!(text_of(&[0xff, 0xfe]).is_err());
    }
}
