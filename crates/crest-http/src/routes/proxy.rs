//! The `Proxy` API group: the proxies that checked in, their status read at the time of asking,
//! the operator's rename, remote shutdown and truncate (delivered at the next check-in), the
//! configuration and preprocessor rules each proxy saved, and the trash. Everything needs the
//! Proxies permission.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::proxy::{Proxies, ProxyChange, ProxyView};
use crest_types::envelope::StatusEnvelope;
use crest_types::proxy::{
    Proxy, ResponseContainerMap, ResponseContainerPagedProxy, ResponseContainerProxy,
};
use serde_json::Value;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, Paging};
use crate::routes::cloud_integration::SkipTrash;
use crate::state::AppState;

pub(crate) fn proxies(state: &AppState) -> Proxies<'_> {
    Proxies::new(state.resources.as_ref(), state.clock.as_ref())
}

/// The proxy as the API shows it.
pub(crate) fn wire(view: &ProxyView) -> Proxy {
    let r = &view.record;
    Proxy {
        customer_id: Some("crest".to_owned()),
        deleted: Some(view.in_trash),
        ephemeral: Some(r.ephemeral),
        hostname: Some(r.hostname.clone()),
        id: Some(r.id.clone()),
        in_trash: Some(view.in_trash),
        last_check_in_time: Some(r.last_check_in_ms),
        name: Some(r.display_name()),
        preprocessor_rules: rules_text(r.preprocessor_rules.as_deref()),
        proxyname: Some(r.proxyname.clone()),
        shutdown: Some(r.shutdown),
        ssh_agent: Some(false),
        status: Some(view.status.as_str().to_owned()),
        status_cause: Some(String::new()),
        time_drift: Some(r.time_drift_ms),
        truncate: Some(r.truncate),
        user_id: Some(r.user_id.clone()),
        version: Some(r.version.clone()),
        ..Proxy::default()
    }
}

/// `Proxy.preprocessorRules`: the YAML of the rules the proxy saved (`proxyRules`).
fn rules_text(saved: Option<&str>) -> Option<String> {
    let saved: Value = serde_json::from_str(saved?).ok()?;
    saved.get("proxyRules")?.as_str().map(str::to_owned)
}

fn answer(view: &ProxyView) -> Json<ResponseContainerProxy> {
    Json(ResponseContainerProxy::ok(wire(view)))
}

/// A saved JSON object as a map (an empty one when the proxy saved nothing).
fn map_of(saved: Option<&str>) -> Result<BTreeMap<String, Value>, ApiError> {
    match saved {
        None => Ok(BTreeMap::new()),
        Some(text) => serde_json::from_str(text).map_err(|e| {
            ApiError::internal_caused_by("a proxy's saved document does not read back", e)
        }),
    }
}

/// Every proxy not in the trash, in id order, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v2/proxy",
    operation_id = "getAllProxy",
    tag = "Proxy",
    summary = "Get all proxies for a customer",
    params(
        ("offset" = Option<u64>, Query, description = "Where the page starts"),
        ("limit" = Option<u32>, Query, description = "Page size: 100 by default, at most 1000")
    ),
    responses(
        (status = 200, description = "A page of proxies", body = ResponseContainerPagedProxy),
        (status = 403, description = "The caller lacks the Proxies permission", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_all_proxy(
    State(state): State<AppState>,
    _caller: Caller,
    Paging(page): Paging,
) -> Result<Json<ResponseContainerPagedProxy>, ApiError> {
    let all = proxies(&state)
        .list(crest_domain::proxy::Shelf::Live)
        .await?;
    let wired: Vec<Proxy> = all.iter().map(wire).collect();
    Ok(Json(ResponseContainerPagedProxy::ok(
        page.page_of(&wired, Clone::clone),
    )))
}

/// One proxy, in the trash or not.
#[utoipa::path(
    get,
    path = "/api/v2/proxy/{id}",
    operation_id = "getProxy",
    tag = "Proxy",
    summary = "Get a specific proxy",
    params(("id" = String, Path, description = "The proxy's id (its UUID)")),
    responses(
        (status = 200, description = "The proxy", body = ResponseContainerProxy),
        (status = 404, description = "No such proxy", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_proxy(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerProxy>, ApiError> {
    Ok(answer(&proxies(&state).get(&id).await?))
}

/// Renames a proxy, or asks it to shut down or to drop its queue at its next check-in. Only
/// `name`, `shutdown` and `truncate` are read; a missing one stays as it is.
#[utoipa::path(
    put,
    path = "/api/v2/proxy/{id}",
    operation_id = "updateProxy",
    tag = "Proxy",
    summary = "Update the name of a specific proxy",
    description = "`{\"name\": …}` renames the proxy (check-ins keep the name); `{\"shutdown\": true}` tells it to shut down at each check-in until set back to false; `{\"truncate\": true}` tells it to drop its queue at its next check-in.",
    params(("id" = String, Path, description = "The proxy's id")),
    request_body(content = Proxy, description = "Example Body:  <pre>{   \"name\": \"New Name for proxy\" }</pre>"),
    responses(
        (status = 200, description = "The proxy as changed", body = ResponseContainerProxy),
        (status = 400, description = "An empty or invalid name", body = StatusEnvelope),
        (status = 404, description = "No such proxy", body = StatusEnvelope),
        (status = 409, description = "The proxy is in the trash", body = StatusEnvelope)
    )
)]
pub(crate) async fn update_proxy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Option<Proxy>>,
) -> Result<Json<ResponseContainerProxy>, ApiError> {
    let body = body.unwrap_or_default();
    if let Some(named) = body.id.as_deref()
        && named != id
    {
        return Err(ApiError::BadRequest(format!(
            "the body names proxy '{named}' but the path names '{id}'"
        )));
    }
    let change = ProxyChange {
        name: body.name,
        shutdown: body.shutdown,
        truncate: body.truncate,
    };
    let by = caller.principal().account.to_string();
    Ok(answer(&proxies(&state).update(&by, &id, change).await?))
}

/// Moves a proxy to the trash; with `skipTrash`, or when it is in the trash already, removes it
/// for good. An active proxy may be deleted: it keeps running until shut down.
#[utoipa::path(
    delete,
    path = "/api/v2/proxy/{id}",
    operation_id = "deleteProxy",
    tag = "Proxy",
    summary = "Delete a specific proxy",
    params(
        ("id" = String, Path, description = "The proxy's id"),
        ("skipTrash" = Option<bool>, Query, description = "Remove for good instead of moving to the trash")
    ),
    responses(
        (status = 200, description = "The proxy as the delete left it", body = ResponseContainerProxy),
        (status = 404, description = "No such proxy", body = StatusEnvelope)
    )
)]
pub(crate) async fn delete_proxy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<SkipTrash>,
) -> Result<Json<ResponseContainerProxy>, ApiError> {
    let by = caller.principal().account.to_string();
    let view = proxies(&state).delete(&by, &id, query.skip_trash()).await?;
    Ok(answer(&view))
}

/// Brings a proxy back from the trash.
#[utoipa::path(
    post,
    path = "/api/v2/proxy/{id}/undelete",
    operation_id = "undeleteProxy",
    tag = "Proxy",
    summary = "Undelete a specific proxy",
    params(("id" = String, Path, description = "The proxy's id")),
    responses(
        (status = 200, description = "The restored proxy", body = ResponseContainerProxy),
        (status = 400, description = "The proxy is not in the trash", body = StatusEnvelope),
        (status = 404, description = "No such proxy", body = StatusEnvelope)
    )
)]
pub(crate) async fn undelete_proxy(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerProxy>, ApiError> {
    let by = caller.principal().account.to_string();
    Ok(answer(&proxies(&state).undelete(&by, &id).await?))
}

/// The configuration the proxy last posted to `/api/v2/wfproxy/saveConfig` (`{}` before it did).
#[utoipa::path(
    get,
    path = "/api/v2/proxy/{id}/config",
    operation_id = "getProxyConfig",
    tag = "Proxy",
    summary = "Get a specific proxy config",
    params(("id" = String, Path, description = "The proxy's id")),
    responses(
        (status = 200, description = "The proxy's effective configuration, as it reported it", body = ResponseContainerMap),
        (status = 404, description = "No such proxy", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_proxy_config(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerMap>, ApiError> {
    let view = proxies(&state).get(&id).await?;
    Ok(Json(ResponseContainerMap::ok(map_of(
        view.record.config.as_deref(),
    )?)))
}

/// The preprocessor rules the proxy last posted to `/api/v2/wfproxy/savePreprocessorRules`
/// (`{proxyRules, proxyRulesFilePath?, proxyRulesId?}`; `{}` before it did).
#[utoipa::path(
    get,
    path = "/api/v2/proxy/{id}/preprocessorRules",
    operation_id = "getProxyPreprocessorRules",
    tag = "Proxy",
    summary = "Get a specific proxy preprocessor rules",
    params(("id" = String, Path, description = "The proxy's id")),
    responses(
        (status = 200, description = "The proxy's rules, as it reported them", body = ResponseContainerMap),
        (status = 404, description = "No such proxy", body = StatusEnvelope)
    )
)]
pub(crate) async fn get_proxy_preprocessor_rules(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ResponseContainerMap>, ApiError> {
    let view = proxies(&state).get(&id).await?;
    Ok(Json(ResponseContainerMap::ok(map_of(
        view.record.preprocessor_rules.as_deref(),
    )?)))
}
