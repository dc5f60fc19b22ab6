//! The `Search` API group for accounts, service accounts, users, groups, roles, tokens, cloud
//! integrations, proxies and alert targets (sources have their own module, `source_search.rs`): each
//! entity's items are loaded here and handed to the one engine (`crate::search`).

use axum::Json;
use axum::extract::{Path, State};
use crest_domain::account::AccountKind;
use crest_domain::cloud_integration::Shelf;
use crest_types::accounts::{
    Account, CustomerFacingUserObject, ResponseContainerPagedAccount,
    ResponseContainerPagedCustomerFacingUserObject, ResponseContainerPagedRoleDTO,
    ResponseContainerPagedServiceAccount, ResponseContainerPagedUserGroupModel, RoleDTO,
    ServiceAccount, UserGroupModel,
};
use crest_types::cloud::{CloudIntegration, ResponseContainerPagedCloudIntegration};
use crest_types::envelope::StatusEnvelope;
use crest_types::notificant::{Notificant, ResponseContainerPagedNotificant};
use crest_types::proxy::{Proxy, ResponseContainerPagedProxy};
use crest_types::search::{
    FacetSearchRequestContainer, FacetsSearchRequestContainer, ResponseContainerFacetResponse,
    ResponseContainerFacetsResponseContainer, SortableSearchRequest,
};
use crest_types::tokens::{ApiTokenModel, ResponseContainerPagedApiTokenModel};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::present::{self, Directory};
use crate::routes::{cloud_integration, notificant, proxy};
use crate::search;
use crate::state::AppState;

/// Declares the three search routes of one entity: its entities, several facets, one facet.
macro_rules! search_routes {
    (
        load = $load:ident, item = $item:ty, container = $container:ty,
        entities = ($entities:ident, $entities_path:literal, $entities_id:literal, $summary:literal),
        facets = ($facets:ident, $facets_path:literal, $facets_id:literal),
        facet = ($facet:ident, $facet_path:literal, $facet_id:literal) $(,)?
    ) => {
        #[doc = $summary]
        #[utoipa::path(
            post,
            path = $entities_path,
            operation_id = $entities_id,
            tag = "Search",
            summary = $summary,
            request_body(content = Option<SortableSearchRequest>, description = "Criteria (all must hold), order and page"),
            responses(
                (status = 200, description = "A page of matches", body = $container),
                (status = 400, description = "An unknown key, method or page value", body = StatusEnvelope)
            )
        )]
        pub(crate) async fn $entities(
            State(state): State<AppState>,
            caller: Caller,
            ApiJson(body): ApiJson<Option<SortableSearchRequest>>,
        ) -> Result<Json<$container>, ApiError> {
            let items: Vec<$item> = $load(&state, &caller).await?;
            let page = search::blocking(move || search::entities(items, body)).await?;
            Ok(Json(<$container>::ok(page)))
        }

        $crate::routes::search::facet_routes!(
            load = $load,
            item = $item,
            facets = ($facets, $facets_path, $facets_id),
            facet = ($facet, $facet_path, $facet_id),
        );
    };
}
pub(crate) use search_routes;

/// Declares the two facet routes of one entity: several facets, one facet.
macro_rules! facet_routes {
    (
        load = $load:ident, item = $item:ty,
        facets = ($facets:ident, $facets_path:literal, $facets_id:literal),
        facet = ($facet:ident, $facet_path:literal, $facet_id:literal) $(,)?
    ) => {
        /// The values of one or more facets over the matching items.
        #[utoipa::path(
            post,
            path = $facets_path,
            operation_id = $facets_id,
            tag = "Search",
            summary = "Lists the values of one or more facets",
            request_body(content = Option<FacetsSearchRequestContainer>, description = "The facets and the criteria"),
            responses(
                (status = 200, description = "Each facet's values", body = ResponseContainerFacetsResponseContainer),
                (status = 400, description = "No facet named, or an unknown key", body = StatusEnvelope)
            )
        )]
        pub(crate) async fn $facets(
            State(state): State<AppState>,
            caller: Caller,
            ApiJson(body): ApiJson<Option<FacetsSearchRequestContainer>>,
        ) -> Result<Json<ResponseContainerFacetsResponseContainer>, ApiError> {
            let items: Vec<$item> = $load(&state, &caller).await?;
            let facets = search::blocking(move || search::facets(items, body)).await?;
            Ok(Json(ResponseContainerFacetsResponseContainer::ok(facets)))
        }

        /// A page of one facet's values over the matching items.
        #[utoipa::path(
            post,
            path = $facet_path,
            operation_id = $facet_id,
            tag = "Search",
            summary = "Lists the values of a specific facet",
            params(("facet" = String, Path, description = "The facet (a search key)")),
            request_body(content = Option<FacetSearchRequestContainer>, description = "The criteria and the page"),
            responses(
                (status = 200, description = "A page of the facet's values", body = ResponseContainerFacetResponse),
                (status = 400, description = "An unknown facet or key", body = StatusEnvelope)
            )
        )]
        pub(crate) async fn $facet(
            State(state): State<AppState>,
            caller: Caller,
            Path(facet): Path<String>,
            ApiJson(body): ApiJson<Option<FacetSearchRequestContainer>>,
        ) -> Result<Json<ResponseContainerFacetResponse>, ApiError> {
            let items: Vec<$item> = $load(&state, &caller).await?;
            let page = search::blocking(move || search::facet(items, &facet, body)).await?;
            Ok(Json(ResponseContainerFacetResponse::ok(page)))
        }
    };
}
pub(crate) use facet_routes;

search_routes!(
    load = accounts,
    item = Account,
    container = ResponseContainerPagedAccount,
    entities = (
        search_account_entities,
        "/api/v2/search/account",
        "searchAccountEntities",
        "Search over a customer's accounts"
    ),
    facets = (
        search_account_for_facets,
        "/api/v2/search/account/facets",
        "searchAccountForFacets"
    ),
    facet = (
        search_account_for_facet,
        "/api/v2/search/account/{facet}",
        "searchAccountForFacet"
    ),
);

search_routes!(
    load = service_accounts,
    item = ServiceAccount,
    container = ResponseContainerPagedServiceAccount,
    entities = (
        search_service_account_entities,
        "/api/v2/search/serviceaccount",
        "searchServiceAccountEntities",
        "Search over a customer's service accounts"
    ),
    facets = (
        search_service_account_for_facets,
        "/api/v2/search/serviceaccount/facets",
        "searchServiceAccountForFacets"
    ),
    facet = (
        search_service_account_for_facet,
        "/api/v2/search/serviceaccount/{facet}",
        "searchServiceAccountForFacet"
    ),
);

search_routes!(
    load = users,
    item = CustomerFacingUserObject,
    container = ResponseContainerPagedCustomerFacingUserObject,
    entities = (
        search_user_entities,
        "/api/v2/search/user",
        "searchUserEntities",
        "Search over a customer's users"
    ),
    facets = (
        search_user_for_facets,
        "/api/v2/search/user/facets",
        "searchUserForFacets"
    ),
    facet = (
        search_user_for_facet,
        "/api/v2/search/user/{facet}",
        "searchUserForFacet"
    ),
);

search_routes!(
    load = user_groups,
    item = UserGroupModel,
    container = ResponseContainerPagedUserGroupModel,
    entities = (
        search_user_group_entities,
        "/api/v2/search/usergroup",
        "searchUserGroupEntities",
        "Search over a customer's user groups"
    ),
    facets = (
        search_user_group_for_facets,
        "/api/v2/search/usergroup/facets",
        "searchUserGroupForFacets"
    ),
    facet = (
        search_user_group_for_facet,
        "/api/v2/search/usergroup/{facet}",
        "searchUserGroupForFacet"
    ),
);

search_routes!(
    load = roles,
    item = RoleDTO,
    container = ResponseContainerPagedRoleDTO,
    entities = (
        search_role_entities,
        "/api/v2/search/role",
        "searchRoleEntities",
        "Search over a customer's roles"
    ),
    facets = (
        search_role_for_facets,
        "/api/v2/search/role/facets",
        "searchRoleForFacets"
    ),
    facet = (
        search_role_for_facet,
        "/api/v2/search/role/{facet}",
        "searchRoleForFacet"
    ),
);

search_routes!(
    load = tokens,
    item = ApiTokenModel,
    container = ResponseContainerPagedApiTokenModel,
    entities = (
        search_token_entities,
        "/api/v2/search/token",
        "searchTokenEntities",
        "Search over a customer's api tokens"
    ),
    facets = (
        search_token_for_facets,
        "/api/v2/search/token/facets",
        "searchTokenForFacets"
    ),
    facet = (
        search_token_for_facet,
        "/api/v2/search/token/{facet}",
        "searchTokenForFacet"
    ),
);

search_routes!(
    load = live_cloud_integrations,
    item = CloudIntegration,
    container = ResponseContainerPagedCloudIntegration,
    entities = (
        search_cloud_integration_entities,
        "/api/v2/search/cloudintegration",
        "searchCloudIntegrationEntities",
        "Search over a customer's non-deleted cloud integrations"
    ),
    facets = (
        search_cloud_integration_for_facets,
        "/api/v2/search/cloudintegration/facets",
        "searchCloudIntegrationForFacets"
    ),
    facet = (
        search_cloud_integration_for_facet,
        "/api/v2/search/cloudintegration/{facet}",
        "searchCloudIntegrationForFacet"
    ),
);

search_routes!(
    load = trashed_cloud_integrations,
    item = CloudIntegration,
    container = ResponseContainerPagedCloudIntegration,
    entities = (
        search_cloud_integration_deleted_entities,
        "/api/v2/search/cloudintegration/deleted",
        "searchCloudIntegrationDeletedEntities",
        "Search over a customer's deleted cloud integrations"
    ),
    facets = (
        search_cloud_integration_deleted_for_facets,
        "/api/v2/search/cloudintegration/deleted/facets",
        "searchCloudIntegrationDeletedForFacets"
    ),
    facet = (
        search_cloud_integration_deleted_for_facet,
        "/api/v2/search/cloudintegration/deleted/{facet}",
        "searchCloudIntegrationDeletedForFacet"
    ),
);

async fn accounts(state: &AppState, _: &Caller) -> Result<Vec<Account>, ApiError> {
    let all = state.store.list_accounts(0, u32::MAX).await?;
    Ok(all.items.iter().map(present::account).collect())
}

async fn service_accounts(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<ServiceAccount>, ApiError> {
    present::all_service_accounts(state.store.as_ref(), state.vault(caller)).await
}

async fn users(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<CustomerFacingUserObject>, ApiError> {
    let records = state.store.accounts_of_kind(AccountKind::User).await?;
    let me = &caller.principal().account;
    Ok(records
        .iter()
        .map(|r| present::customer_facing_user(r, &r.id == me))
        .collect())
}

async fn user_groups(state: &AppState, _: &Caller) -> Result<Vec<UserGroupModel>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(state
        .store
        .groups()
        .await?
        .iter()
        .map(|g| dir.group(g))
        .collect())
}

async fn roles(state: &AppState, _: &Caller) -> Result<Vec<RoleDTO>, ApiError> {
    let dir = Directory::load(state.store.as_ref()).await?;
    Ok(state
        .store
        .roles()
        .await?
        .iter()
        .map(|r| dir.role(r))
        .collect())
}

async fn tokens(state: &AppState, _: &Caller) -> Result<Vec<ApiTokenModel>, ApiError> {
    present::all_token_models(state.store.as_ref()).await
}

async fn cloud_integrations_on(
    state: &AppState,
    shelf: Shelf,
) -> Result<Vec<CloudIntegration>, ApiError> {
    cloud_integration::integrations(state)
        .list(shelf)
        .await?
        .iter()
        .map(cloud_integration::wire)
        .collect()
}

async fn live_cloud_integrations(
    state: &AppState,
    _: &Caller,
) -> Result<Vec<CloudIntegration>, ApiError> {
    cloud_integrations_on(state, Shelf::Live).await
}

async fn trashed_cloud_integrations(
    state: &AppState,
    _: &Caller,
) -> Result<Vec<CloudIntegration>, ApiError> {
    cloud_integrations_on(state, Shelf::Trash).await
}

search_routes!(
    load = live_proxies,
    item = Proxy,
    container = ResponseContainerPagedProxy,
    entities = (
        search_proxy_entities,
        "/api/v2/search/proxy",
        "searchProxyEntities",
        "Search over a customer's non-deleted proxies"
    ),
    facets = (
        search_proxy_for_facets,
        "/api/v2/search/proxy/facets",
        "searchProxyForFacets"
    ),
    facet = (
        search_proxy_for_facet,
        "/api/v2/search/proxy/{facet}",
        "searchProxyForFacet"
    ),
);

search_routes!(
    load = trashed_proxies,
    item = Proxy,
    container = ResponseContainerPagedProxy,
    entities = (
        search_proxy_deleted_entities,
        "/api/v2/search/proxy/deleted",
        "searchProxyDeletedEntities",
        "Search over a customer's deleted proxies"
    ),
    facets = (
        search_proxy_deleted_for_facets,
        "/api/v2/search/proxy/deleted/facets",
        "searchProxyDeletedForFacets"
    ),
    facet = (
        search_proxy_deleted_for_facet,
        "/api/v2/search/proxy/deleted/{facet}",
        "searchProxyDeletedForFacet"
    ),
);

async fn proxies_on(
    state: &AppState,
    shelf: crest_domain::proxy::Shelf,
) -> Result<Vec<Proxy>, ApiError> {
    Ok(proxy::proxies(state)
        .list(shelf)
        .await?
        .iter()
        .map(proxy::wire)
        .collect())
}

async fn live_proxies(state: &AppState, _: &Caller) -> Result<Vec<Proxy>, ApiError> {
    proxies_on(state, crest_domain::proxy::Shelf::Live).await
}

async fn trashed_proxies(state: &AppState, _: &Caller) -> Result<Vec<Proxy>, ApiError> {
    proxies_on(state, crest_domain::proxy::Shelf::Trash).await
}

search_routes!(
    load = all_notificants,
    item = Notificant,
    container = ResponseContainerPagedNotificant,
    entities = (
        search_notificant_entities,
        "/api/v2/search/notificant",
        "searchNotificantEntities",
        "Search over a customer's notificants"
    ),
    facets = (
        search_notificant_for_facets,
        "/api/v2/search/notificant/facets",
        "searchNotficantForFacets"
    ),
    facet = (
        search_notificant_for_facet,
        "/api/v2/search/notificant/{facet}",
        "searchNotificantForFacet"
    ),
);

search_routes!(
    load = webhooks,
    item = Notificant,
    container = ResponseContainerPagedNotificant,
    entities = (
        search_web_hook_entities,
        "/api/v2/search/webhook",
        "searchWebHookEntities",
        "Search over a customer's webhooks"
    ),
    facets = (
        search_webhook_for_facets,
        "/api/v2/search/webhook/facets",
        "searchWebhookForFacets"
    ),
    facet = (
        search_web_hook_for_facet,
        "/api/v2/search/webhook/{facet}",
        "searchWebHookForFacet"
    ),
);

async fn notificants_of(
    state: &AppState,
    listing: crest_domain::notificant::Listing,
) -> Result<Vec<Notificant>, ApiError> {
    Ok(notificant::notificants(state)
        .list(listing)
        .await?
        .iter()
        .map(notificant::wire)
        .collect())
}

async fn all_notificants(state: &AppState, _: &Caller) -> Result<Vec<Notificant>, ApiError> {
    notificants_of(state, crest_domain::notificant::Listing::All).await
}

async fn webhooks(state: &AppState, _: &Caller) -> Result<Vec<Notificant>, ApiError> {
    notificants_of(state, crest_domain::notificant::Listing::Webhooks).await
}
