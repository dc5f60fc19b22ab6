//! The search engine's adapter: wire requests in, pages and facet values out, for every entity.
//!
//! An entity joins by implementing [`Searchable`] for its wire model (its keys are that model's
//! JSON properties) and by adding its three routes in `routes/search.rs`.

use crest_search::{Document, FacetFilter, RawCriterion, Schema, Search, SearchError, SortKey};
use crest_types::accounts::{
    Account, CustomerFacingUserObject, RoleDTO, ServiceAccount, UserGroupModel,
};
use crest_types::alert::Alert;
use crest_types::cloud::CloudIntegration;
use crest_types::dashboard::DashboardJson;
use crest_types::derived::DerivedMetricDefinition;
use crest_types::event::Event;
use crest_types::maintenance::MaintenanceWindow;
use crest_types::notificant::Notificant;
use crest_types::paging::{PageRequest, Paged, Sorting};
use crest_types::proxy::Proxy;
use crest_types::search::{
    FacetSearchRequestContainer, FacetsResponseContainer, FacetsSearchRequestContainer,
    SearchQuery, SortableSearchRequest,
};
use crest_types::source::Source as WireSource;
use crest_types::tokens::ApiTokenModel;
use serde::Serialize;

use crate::error::ApiError;

/// A wire model that search can return.
pub(crate) trait Searchable: Serialize {
    const SCHEMA: Schema;

    /// The item as the engine sees it: its JSON representation (and, for tagged entities, tags).
    fn document(&self) -> Document {
        serde_json::to_value(self).map_or_else(|_| Document::default(), |v| Document::from_json(&v))
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        Self::BadRequest(e.to_string())
    }
}

pub(crate) fn criteria(query: Option<Vec<SearchQuery>>) -> Vec<RawCriterion> {
    query
        .unwrap_or_default()
        .into_iter()
        .map(|q| RawCriterion {
            key: q.key,
            value: q.value,
            values: q.values,
            matching: q.matching_method,
            negated: q.negated,
            start: q.start,
            end: q.end,
        })
        .collect()
}

/// `offset` and `limit` of a search body, by the API's paging rules.
pub(crate) fn page_request(
    offset: Option<i64>,
    limit: Option<i64>,
) -> Result<PageRequest, ApiError> {
    Ok(PageRequest::from_numbers(offset, limit)?)
}

/// Runs the engine on a blocking thread: matching costs items × criteria × values, which the
/// limits bound (`crest_search::limits`) but which is still CPU work the async workers should not
/// carry while other requests (`/healthz` among them) wait.
pub(crate) async fn blocking<R: Send + 'static>(
    work: impl FnOnce() -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::internal_caused_by("the search task failed", e))?
}

/// The matching items, ordered, without their documents.
fn matching<T: Searchable>(
    items: Vec<T>,
    query: Option<Vec<SearchQuery>>,
    sort: Option<&Sorting>,
) -> Result<Vec<(Document, T)>, ApiError> {
    let sort = sort.map(|s| SortKey {
        field: s.field.clone(),
        ascending: s.ascending,
        default: s.default.unwrap_or(false),
    });
    let search = Search::new(&T::SCHEMA, criteria(query), sort)?;
    Ok(search.run(items.into_iter().map(|t| (t.document(), t)).collect()))
}

/// Every item that matches the criteria, in no particular order.
pub(crate) fn matches<T: Searchable>(
    items: Vec<T>,
    query: Option<Vec<SearchQuery>>,
) -> Result<Vec<T>, ApiError> {
    Ok(matching(items, query, None)?
        .into_iter()
        .map(|(_, t)| t)
        .collect())
}

/// `POST /api/v2/search/{entity}`: a page of the items that match, in the order asked for, with
/// the exact number of matches in `totalItems`.
pub(crate) fn entities<T: Searchable>(
    items: Vec<T>,
    body: Option<SortableSearchRequest>,
) -> Result<Paged<T>, ApiError> {
    let body = body.unwrap_or_default();
    let page = page_request(body.offset, body.limit)?;
    let found = matching(items, body.query, body.sort.as_ref())?;
    let total = found.len() as u64;
    let items = found
        .into_iter()
        .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
        .take(page.limit as usize)
        .map(|(_, t)| t)
        .collect();
    let mut paged = page.page(items, total);
    paged.sort = body.sort;
    Ok(paged)
}

/// `POST /api/v2/search/{entity}/facets`: the values of each named facet over the matching items,
/// at most `limit` values per facet.
pub(crate) fn facets<T: Searchable>(
    items: Vec<T>,
    body: Option<FacetsSearchRequestContainer>,
) -> Result<FacetsResponseContainer, ApiError> {
    let body = body.unwrap_or_default();
    let names = body
        .facets
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::BadRequest("name at least one facet in 'facets'".into()))?;
    crest_search::limits::check_facets(&names)?;
    let limit = page_request(None, body.limit)?.limit;
    let filter = FacetFilter::new(
        body.facet_query,
        body.facet_query_matching_method.as_deref(),
    )?;
    let found = matching(items, body.query, None)?;
    let mut out = std::collections::BTreeMap::new();
    for name in names {
        let mut values =
            crest_search::facet_values(&T::SCHEMA, found.iter().map(|(d, _)| d), &name, &filter)?;
        values.truncate(limit as usize);
        out.insert(name, values);
    }
    Ok(FacetsResponseContainer { facets: out, limit })
}

/// `POST /api/v2/search/{entity}/{facet}`: a page of one facet's values over the matching items.
pub(crate) fn facet<T: Searchable>(
    items: Vec<T>,
    facet: &str,
    body: Option<FacetSearchRequestContainer>,
) -> Result<Paged<String>, ApiError> {
    let body = body.unwrap_or_default();
    let page = page_request(body.offset, body.limit)?;
    let filter = FacetFilter::new(
        body.facet_query,
        body.facet_query_matching_method.as_deref(),
    )?;
    let found = matching(items, body.query, None)?;
    let values =
        crest_search::facet_values(&T::SCHEMA, found.iter().map(|(d, _)| d), facet, &filter)?;
    Ok(page.page_of(&values, Clone::clone))
}

impl Searchable for Account {
    const SCHEMA: Schema = Schema {
        entity: "account",
        keys: &[
            "identifier",
            "groups",
            "roles",
            "userGroups",
            "unitedPermissions",
            "unitedRoles",
        ],
        tags: false,
    };
}

impl Searchable for ServiceAccount {
    const SCHEMA: Schema = Schema {
        entity: "serviceaccount",
        keys: &[
            "identifier",
            "active",
            "description",
            "groups",
            "roles",
            "roles.createdEpochMillis",
            "roles.customer",
            "roles.description",
            "roles.id",
            "roles.lastUpdatedAccountId",
            "roles.lastUpdatedMs",
            "roles.linkedAccountsCount",
            "roles.linkedGroupsCount",
            "roles.name",
            "roles.permissions",
            "roles.sampleLinkedAccounts",
            "roles.sampleLinkedGroups",
            "userGroups",
            "userGroups.customer",
            "userGroups.description",
            "userGroups.id",
            "userGroups.name",
            "userGroups.properties",
            "userGroups.roles",
            "unitedPermissions",
            "unitedRoles",
            "tokens",
            "tokens.account",
            "tokens.accountType",
            "tokens.dateGenerated",
            "tokens.lastUsed",
            "tokens.tokenID",
            "tokens.tokenName",
            "lastUsed",
        ],
        tags: false,
    };
}

impl Searchable for CustomerFacingUserObject {
    const SCHEMA: Schema = Schema {
        entity: "user",
        keys: &[
            "id",
            "identifier",
            "customer",
            "self",
            "escapedIdentifier",
            "groups",
            "userGroups",
            "unitedPermissions",
            "unitedRoles",
            "lastSuccessfulLogin",
        ],
        tags: false,
    };
}

impl Searchable for UserGroupModel {
    const SCHEMA: Schema = Schema {
        entity: "usergroup",
        keys: &[
            "id",
            "name",
            "description",
            "customer",
            "createdEpochMillis",
            "properties",
            "properties.nameEditable",
            "properties.rolesEditable",
            "properties.usersEditable",
            "roles",
            "roles.createdEpochMillis",
            "roles.customer",
            "roles.description",
            "roles.id",
            "roles.lastUpdatedAccountId",
            "roles.lastUpdatedMs",
            "roles.linkedAccountsCount",
            "roles.linkedGroupsCount",
            "roles.name",
            "roles.permissions",
            "roles.sampleLinkedAccounts",
            "roles.sampleLinkedGroups",
            "roleCount",
            "users",
            "userCount",
        ],
        tags: false,
    };
}

impl Searchable for RoleDTO {
    const SCHEMA: Schema = Schema {
        entity: "role",
        keys: &[
            "id",
            "name",
            "description",
            "customer",
            "permissions",
            "createdEpochMillis",
            "lastUpdatedMs",
            "lastUpdatedAccountId",
            "linkedAccountsCount",
            "linkedGroupsCount",
            "sampleLinkedAccounts",
            "sampleLinkedGroups",
            "sampleLinkedGroups.customer",
            "sampleLinkedGroups.description",
            "sampleLinkedGroups.id",
            "sampleLinkedGroups.name",
            "sampleLinkedGroups.properties",
            "sampleLinkedGroups.roles",
        ],
        tags: false,
    };
}

impl Searchable for ApiTokenModel {
    const SCHEMA: Schema = Schema {
        entity: "token",
        keys: &[
            "id",
            "name",
            "account",
            "accountType",
            "customer",
            "createdEpochMillis",
            "dateGenerated",
            "lastUsed",
        ],
        tags: false,
    };
}

impl Searchable for Proxy {
    const SCHEMA: Schema = Schema {
        entity: "proxy",
        keys: &[
            "bytesLeftForBuffer",
            "bytesPerMinuteForBuffer",
            "collectorRateLimit",
            "collectorSetsRateLimit",
            "customerId",
            "deleted",
            "ephemeral",
            "eventsRateLimit",
            "histoDisabled",
            "histogramRateLimit",
            "hostname",
            "id",
            "inTrash",
            "lastCheckInTime",
            "lastErrorEvent",
            "lastErrorEvent.alertTags",
            "lastErrorEvent.annotations",
            "lastErrorEvent.canClose",
            "lastErrorEvent.canDelete",
            "lastErrorEvent.computedHlps",
            "lastErrorEvent.createdAt",
            "lastErrorEvent.createdEpochMillis",
            "lastErrorEvent.creatorId",
            "lastErrorEvent.creatorType",
            "lastErrorEvent.dimensions",
            "lastErrorEvent.endTime",
            "lastErrorEvent.hosts",
            "lastErrorEvent.id",
            "lastErrorEvent.isEphemeral",
            "lastErrorEvent.isUserEvent",
            "lastErrorEvent.metricsUsed",
            "lastErrorEvent.name",
            "lastErrorEvent.runningState",
            "lastErrorEvent.startTime",
            "lastErrorEvent.summarizedEvents",
            "lastErrorEvent.table",
            "lastErrorEvent.tags",
            "lastErrorEvent.updatedAt",
            "lastErrorEvent.updatedEpochMillis",
            "lastErrorEvent.updaterId",
            "lastErrorTime",
            "lastKnownError",
            "localQueueSize",
            "logsDisabled",
            "name",
            "preprocessorRules",
            "proxyname",
            "shutdown",
            "sourceTagsRateLimit",
            "spanLogsDisabled",
            "spanLogsRateLimit",
            "spanRateLimit",
            "sshAgent",
            "status",
            "statusCause",
            "timeDrift",
            "traceDisabled",
            "truncate",
            "userId",
            "version",
        ],
        tags: false,
    };
}

impl Searchable for Notificant {
    const SCHEMA: Schema = Schema {
        entity: "notificant",
        keys: &[
            "contentType",
            "createdEpochMillis",
            "creatorId",
            "customHttpHeaders",
            "customHttpHeaders.*",
            "customerId",
            "description",
            "emailSubject",
            "id",
            "isHtmlContent",
            "method",
            "recipient",
            "routes",
            "routes.filter",
            "routes.method",
            "routes.target",
            "template",
            "title",
            "triggers",
            "updatedEpochMillis",
            "updaterId",
        ],
        tags: false,
    };
}

impl Searchable for CloudIntegration {
    const SCHEMA: Schema = Schema {
        entity: "cloudintegration",
        keys: &[
            "id",
            "name",
            "service",
            "disabled",
            "inTrash",
            "deleted",
            "createdEpochMillis",
            "creatorId",
            "updatedEpochMillis",
            "updaterId",
            "serviceRefreshRateInMins",
            "additionalTags",
            "additionalTags.*",
            "lastError",
            "lastErrorMs",
            "lastMetricCount",
            "lastProcessingTimestamp",
            "lastReceivedDataPointMs",
            "cloudWatch",
            "cloudWatch.baseCredentials",
            "cloudWatch.instanceSelectionTags",
            "cloudWatch.instanceSelectionTagsExpr",
            "cloudWatch.metricFilterRegex",
            "cloudWatch.namespaces",
            "cloudWatch.pointTagFilterRegex",
            "cloudWatch.s3BucketNameFilterRegex",
            "cloudWatch.threadDistributionInMins",
            "cloudWatch.volumeSelectionTags",
            "cloudWatch.volumeSelectionTagsExpr",
            "cloudTrail",
            "cloudTrail.baseCredentials",
            "cloudTrail.bucketName",
            "cloudTrail.filterRule",
            "cloudTrail.prefix",
            "cloudTrail.region",
            "ec2",
            "ec2.baseCredentials",
            "ec2.hostNameTags",
            "ec2.instanceSelectionTagsExpr",
            "ec2.metricFilterRegex",
            "ec2.pointTagFilterRegex",
            "ec2.volumeSelectionTagsExpr",
            "gcp",
            "gcp.categoriesToFetch",
            "gcp.customMetricPrefix",
            "gcp.disableDeltaCounts",
            "gcp.disableHistogram",
            "gcp.disableHistogramToMetricConversion",
            "gcp.gcpJsonKey",
            "gcp.histogramGroupingFunction",
            "gcp.metricFilterRegex",
            "gcp.projectId",
            "gcpBilling",
            "gcpBilling.gcpApiKey",
            "gcpBilling.gcpJsonKey",
            "gcpBilling.projectId",
            "azure",
            "azure.baseCredentials",
            "azure.categoryFilter",
            "azure.metricFilterRegex",
            "azure.resourceGroupFilter",
            "azureActivityLog",
            "azureActivityLog.baseCredentials",
            "azureActivityLog.categoryFilter",
            "newRelic",
            "newRelic.apiKey",
            "newRelic.appFilterRegex",
            "newRelic.hostFilterRegex",
            "newRelic.newRelicMetricFilters",
            "appDynamics",
            "appDynamics.appFilterRegex",
            "appDynamics.controllerName",
            "appDynamics.enableAppInfraMetrics",
            "appDynamics.enableBackendMetrics",
            "appDynamics.enableBusinessTrxMetrics",
            "appDynamics.enableErrorMetrics",
            "appDynamics.enableIndividualNodeMetrics",
            "appDynamics.enableOverallPerfMetrics",
            "appDynamics.enableRollup",
            "appDynamics.enableServiceEndpointMetrics",
            "appDynamics.encryptedPassword",
            "appDynamics.userName",
            "vrops",
            "vrops.adapterNames",
            "vrops.baseURL",
            "vrops.categoriesToFetch",
            "vrops.metricFilterRegex",
            "vrops.organizationID",
            "vrops.vropsAPIToken",
            "snowflake",
            "snowflake.accountID",
            "snowflake.metricFilterRegex",
            "snowflake.password",
            "snowflake.privateKey",
            "snowflake.role",
            "snowflake.userName",
            "snowflake.warehouse",
            "dynatrace",
            "dynatrace.dynatraceAPIToken",
            "dynatrace.environmentID",
            "dynatrace.metricFilterRegex",
            "forceSave",
            "lastErrorEvent",
            "lastProcessorId",
            "reuseExternalIdCredential",
        ],
        tags: false,
    };
}

impl Searchable for WireSource {
    const SCHEMA: Schema = Schema {
        entity: "source",
        keys: &["id", "sourceName", "description"],
        tags: true,
    };

    /// Its name and description, and its tags (`hidden` among them when it is hidden).
    fn document(&self) -> Document {
        let fields = serde_json::json!({
            "id": self.id,
            "sourceName": self.source_name,
            "description": self.description,
        });
        let tags = self
            .tags
            .iter()
            .flatten()
            .filter(|(_, on)| **on)
            .map(|(t, _)| t.as_str());
        Document::from_json(&fields).with_tags(tags)
    }
}

impl Searchable for Event {
    const SCHEMA: Schema = Schema {
        entity: "event",
        keys: &[
            "id",
            "name",
            "startTime",
            "endTime",
            "runningState",
            "annotations",
            "annotations.*",
            "hosts",
            "dimensions",
            "dimensions.*",
            "creatorType",
            "creatorId",
            "updaterId",
            "isUserEvent",
            "isEphemeral",
            "canClose",
            "canDelete",
            "createdEpochMillis",
            "updatedEpochMillis",
            "alertTags",
            "metricsUsed",
        ],
        tags: true,
    };

    /// Its JSON representation, with its tags as the tags `tags` and `tagpath` search.
    fn document(&self) -> Document {
        let doc = serde_json::to_value(self)
            .map_or_else(|_| Document::default(), |v| Document::from_json(&v));
        doc.with_tags(self.tags.iter().flatten())
    }
}

impl Searchable for Alert {
    const SCHEMA: Schema = Schema {
        entity: "alert",
        keys: &[
            "acl",
            "acl.canModify",
            "acl.canView",
            "activeMaintenanceWindows",
            "additionalInformation",
            "alertChartBase",
            "alertChartDescription",
            "alertChartUnits",
            "alertSources",
            "alertTriageDashboards",
            "alertType",
            "alertsLastDay",
            "alertsLastMonth",
            "alertsLastWeek",
            "application",
            "chartAttributes",
            "chartSettings",
            "condition",
            "conditionQBEnabled",
            "conditionQBSerialization",
            "conditionQueryType",
            "conditions",
            "createUserId",
            "created",
            "createdEpochMillis",
            "creatorId",
            "deleted",
            "displayExpression",
            "displayExpressionQBEnabled",
            "displayExpressionQBSerialization",
            "displayExpressionQueryType",
            "enablePDIncidentBySeries",
            "evaluateRealtimeData",
            "event",
            "failingHostLabelPairLinks",
            "failingHostLabelPairs",
            "failingHostLabelPairs.host",
            "failingHostLabelPairs.label",
            "hidden",
            "hostsUsed",
            "id",
            "inMaintenanceHostLabelPairs",
            "inTrash",
            "includeObsoleteMetrics",
            "ingestionPolicyId",
            "lastErrorMessage",
            "lastEventTime",
            "lastFailedTime",
            "lastNotificationMillis",
            "lastProcessedMillis",
            "lastQueryTime",
            "metricsUsed",
            "minutes",
            "modifyAclAccess",
            "name",
            "noDataEvent",
            "notificants",
            "notificationResendFrequencyMinutes",
            "numPointsInFailureFrame",
            "orphan",
            "pointsScannedAtLastQuery",
            "prefiringHostLabelPairs",
            "processRateMinutes",
            "queryFailing",
            "querySyntaxError",
            "resolveAfterMinutes",
            "runbookLinks",
            "secureMetricDetails",
            "service",
            "severity",
            "severityList",
            "snoozed",
            "sortAttr",
            "status",
            "systemAlertVersion",
            "systemOwned",
            "tagpaths",
            "tags",
            "tags.customerTags",
            "target",
            "targetEndpoints",
            "targetInfo",
            "targetInfo.id",
            "targetInfo.method",
            "targetInfo.name",
            "targets",
            "triageDashboards",
            "updateUserId",
            "updated",
            "updatedEpochMillis",
            "updaterId",
        ],
        tags: true,
    };

    /// Its JSON representation, with `severity` holding every severity a threshold alert has
    /// (its `severityList`), and its tags.
    fn document(&self) -> Document {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let (Some(obj), Some(list)) = (value.as_object_mut(), self.severity_list.clone()) {
            obj.insert("severity".into(), serde_json::json!(list));
        }
        let tags = self
            .tags
            .as_ref()
            .and_then(|t| t.customer_tags.clone())
            .unwrap_or_default();
        Document::from_json(&value).with_tags(tags)
    }
}

impl Searchable for DashboardJson {
    const SCHEMA: Schema = Schema {
        entity: "dashboard",
        keys: &[
            "acl",
            "acl.canModify",
            "acl.canView",
            "chartTitleBgColor",
            "chartTitleColor",
            "chartTitleScalar",
            "createdEpochMillis",
            "creatorId",
            "customer",
            "dashboardAttributes",
            "defaultEndTime",
            "defaultStartTime",
            "defaultTimeWindow",
            "deleted",
            "description",
            "disableRefreshInLiveMode",
            "displayDescription",
            "displayQueryParameters",
            "displaySectionTableOfContents",
            "eventFilterType",
            "eventQuery",
            "favorite",
            "forceV2UI",
            "hidden",
            "hideChartWarning",
            "id",
            "includeObsoleteMetrics",
            "modifyAclAccess",
            "name",
            "numCharts",
            "numFavorites",
            "orphan",
            "parameterDetails",
            "parameterDetails.*",
            "parameters",
            "parameters.*",
            "sections",
            "sections.id",
            "sections.name",
            "sections.rows",
            "sections.sectionFilter",
            "systemOwned",
            "tags",
            "tags.customerTags",
            "updatedEpochMillis",
            "updaterId",
            "url",
            "viewsLastDay",
            "viewsLastMonth",
            "viewsLastWeek",
        ],
        tags: true,
    };

    /// Its JSON, with its tags as the tags `tags` and `tagpath` search.
    fn document(&self) -> Document {
        let tags = crest_domain::customer_tags::customer_tags(&self.0);
        Document::from_json(&serde_json::Value::Object(self.0.clone())).with_tags(tags)
    }
}

impl Searchable for DerivedMetricDefinition {
    const SCHEMA: Schema = Schema {
        entity: "derivedmetric",
        keys: &[
            "additionalInformation",
            "createUserId",
            "created",
            "createdEpochMillis",
            "creatorId",
            "deleted",
            "hostsUsed",
            "id",
            "inTrash",
            "includeObsoleteMetrics",
            "lastErrorMessage",
            "lastFailedTime",
            "lastProcessedMillis",
            "lastQueryTime",
            "metricsUsed",
            "minutes",
            "name",
            "pointsScannedAtLastQuery",
            "processRateMinutes",
            "query",
            "queryFailing",
            "queryQBEnabled",
            "queryQBSerialization",
            "status",
            "tagpaths",
            "tags",
            "tags.customerTags",
            "updateUserId",
            "updated",
            "updatedEpochMillis",
            "updaterId",
        ],
        tags: true,
    };

    /// Its JSON representation, and its tags.
    fn document(&self) -> Document {
        let value = serde_json::to_value(self).unwrap_or_default();
        let tags = self
            .tags
            .as_ref()
            .and_then(|t| t.customer_tags.clone())
            .unwrap_or_default();
        Document::from_json(&value).with_tags(tags)
    }
}

impl Searchable for MaintenanceWindow {
    const SCHEMA: Schema = Schema {
        entity: "maintenancewindow",
        keys: &[
            "createdEpochMillis",
            "creatorId",
            "customerId",
            "endTimeInSeconds",
            "eventName",
            "hostTagGroupHostNamesGroupAnded",
            "id",
            "pointTagFilter",
            "pointTagFilterAnded",
            "reason",
            "relevantCustomerTags",
            "relevantCustomerTagsAnded",
            "relevantHostNames",
            "relevantHostTags",
            "relevantHostTagsAnded",
            "runningState",
            "sortAttr",
            "startTimeInSeconds",
            "targets",
            "title",
            "updatedEpochMillis",
            "updaterId",
        ],
        tags: false,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// The schema a property's schema stands for: through `$ref`, `oneOf`/`allOf` (nullable
    /// wrappers) and arrays, to the object or scalar underneath.
    fn resolve<'a>(doc: &'a Value, mut v: &'a Value) -> &'a Value {
        for _ in 0..8 {
            if let Some(r) = v["$ref"].as_str() {
                let name = r.rsplit('/').next().unwrap_or_default();
                v = &doc["components"]["schemas"][name];
            } else if let Some(inner) = ["oneOf", "anyOf", "allOf"]
                .iter()
                .find_map(|k| v[*k].as_array())
                .and_then(|all| all.iter().find(|s| s["type"] != "null"))
            {
                v = inner;
            } else if v["items"].is_object() {
                v = &v["items"];
            } else {
                break;
            }
        }
        v
    }

    /// The keys an entity's JSON representation has, by the OpenAPI document: its properties, and
    /// one level of the properties of those that hold objects.
    fn keys_by_openapi(model: &str) -> Vec<String> {
        let doc = serde_json::to_value(crate::api_doc::openapi()).expect("a JSON document");
        let schema = &doc["components"]["schemas"][model];
        let properties = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{model} has properties"));
        let mut keys = Vec::new();
        for (name, property) in properties {
            keys.push(name.clone());
            let inner = resolve(&doc, property);
            if let Some(children) = inner["properties"].as_object() {
                keys.extend(children.keys().map(|c| format!("{name}.{c}")));
            } else if inner["additionalProperties"].is_object() {
                keys.push(format!("{name}.*"));
            }
        }
        keys.sort();
        keys
    }

    fn declared(schema: &Schema) -> Vec<String> {
        let mut keys: Vec<String> = schema.keys.iter().map(|k| (*k).to_owned()).collect();
        keys.sort();
        keys
    }

    /// Every entity's keys are exactly its JSON properties and their nested properties: no key
    /// that matches nothing, no real one refused.
    #[test]
    fn search_keys_are_the_json_properties() {
        let mut wrong = Vec::new();
        for (model, schema) in [
            ("Account", Account::SCHEMA),
            ("ServiceAccount", ServiceAccount::SCHEMA),
            ("CustomerFacingUserObject", CustomerFacingUserObject::SCHEMA),
            ("UserGroupModel", UserGroupModel::SCHEMA),
            ("RoleDTO", RoleDTO::SCHEMA),
            ("ApiTokenModel", ApiTokenModel::SCHEMA),
            ("CloudIntegration", CloudIntegration::SCHEMA),
            ("Proxy", Proxy::SCHEMA),
            ("Notificant", Notificant::SCHEMA),
            ("Dashboard", DashboardJson::SCHEMA),
        ] {
            let expected = keys_by_openapi(model);
            if declared(&schema) != expected {
                wrong.push(format!("{model}: {expected:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn dotted_keys_that_are_not_nested_properties_are_refused() {
        let query = |key: &str| {
            Some(vec![SearchQuery {
                key: Some(key.to_owned()),
                value: Some("x".into()),
                ..SearchQuery::default()
            }])
        };
        let refused =
            |schema: &Schema, key: &str| Search::new(schema, criteria(query(key)), None).is_err();
        assert!(refused(&Account::SCHEMA, "identifier.x"));
        assert!(refused(&Account::SCHEMA, "userGroups.name"));
        assert!(refused(&Account::SCHEMA, "roles.name"));
        assert!(refused(
            &CustomerFacingUserObject::SCHEMA,
            "userGroups.name"
        ));
        assert!(!refused(&ServiceAccount::SCHEMA, "userGroups.name"));
        assert!(!refused(&ServiceAccount::SCHEMA, "roles.name"));
        assert!(!refused(&UserGroupModel::SCHEMA, "roles.name"));
        assert!(!refused(&RoleDTO::SCHEMA, "sampleLinkedGroups.name"));
    }
}
