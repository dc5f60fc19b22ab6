//! Events: the `Event` model, its pages and containers, the event search body, and the alert
//! firing details (`SourceLabelPair`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::Paged;
use crate::response_container;
use crate::search::SearchQuery;

/// `Event`: a mark on the timeline. Every field is optional so that the same type reads client
/// input; the server always writes `name`, `startTime` and `annotations` (the published clients
/// require them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The list of tags on the alert which created this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_tags: Option<Vec<String>>,
    /// A string->string map of additional annotations on the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_close: Option<bool>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_delete: Option<bool>,
    /// All the host/label/tags of the event. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_hlps: Option<Vec<SourceLabelPair>>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// `USER`, `ALERT` or `SYSTEM`. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_type: Option<Vec<String>>,
    /// A map from a string to a list of strings of additional dimension info on the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<BTreeMap<String, Vec<String>>>,
    /// End time of the event, in epoch millis. Set to startTime + 1 for an instantaneous event;
    /// absent while the event is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// A list of sources/hosts affected by the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<Vec<String>>,
    /// `startTime:name[:n]`. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether the event is an artificial event (never for a stored one). Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_ephemeral: Option<bool>,
    /// Whether this event was created by a user, versus the system. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_user_event: Option<bool>,
    /// A list of metrics affected by the event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics_used: Option<Vec<String>>,
    /// The name of the event. If 'annotations.prettyName' is present, 'name' will be equivalent to
    /// that value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `ONGOING`, `PENDING` or `ENDED`, at the time of the read. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_state: Option<String>,
    /// Start time of the event, in epoch millis (seconds are accepted). Missing or 0: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summarized_events: Option<i64>,
    /// The customer. Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Event tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<i64>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    /// Read-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
}

/// `SourceLabelPair`: one series an alert fired on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceLabelPair {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firing: Option<i64>,
    /// Source (or host).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<i64>,
    /// `INFO`, `SMOKE`, `WARN` or `SEVERE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// Start time of this failing HLP, in epoch millis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// `EventTimeRange`: a window of start times.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTimeRange {
    /// Events whose start time occurs after this value are returned. Default: two hours ago.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_start_time_epoch_millis: Option<i64>,
    /// Events whose start time occurs before this value are returned. Default: now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_start_time_epoch_millis: Option<i64>,
}

/// `EventSearchRequest`: criteria (all must hold), a window of start times and a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventSearchRequest {
    /// The id (exclusive) from which search results resume returning: the last id of the
    /// previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The number of results to return. Default: 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// A list of queries by which to limit the search results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Vec<SearchQuery>>,
    /// The window of start times related events are looked for in (the related-event searches
    /// only; by default an hour around the event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_event_time_range: Option<EventTimeRange>,
    /// `SCORE_ASC`, `SCORE_DES` or `NONE`; crest has no similarity score, so every value orders
    /// by time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_score_method: Option<String>,
    /// Whether to sort event results ascending in start time. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_time_ascending: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_range: Option<EventTimeRange>,
}

/// `RelatedData`: how a related event is tied to the event asked about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelatedData {
    /// If this event is generated by an alert, the description of that alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_description: Option<String>,
    /// Chart Link of the anomaly to which this event is related.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anomaly_chart_link: Option<String>,
    /// Set of common dimensions between the 2 events, presented in key=value format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_dimensions: Option<Vec<String>>,
    /// Set of common metrics/labels between the 2 events or anomalies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_metrics: Option<Vec<String>>,
    /// Set of common sources between the 2 events or anomalies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_sources: Option<Vec<String>>,
    /// Enhanced score to sort related events and anomalies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced_score: Option<f64>,
    /// ID of the event to which this event is related.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_id: Option<String>,
    /// Text summary of why the two events are related.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// `RelatedEvent`: an [`Event`] with why it is related to the event asked about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RelatedEvent {
    #[serde(flatten)]
    pub event: Event,
    /// Data concerning how this event is related to the event in the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_data: Option<RelatedData>,
    /// How similar the two events are, from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity_score: Option<f64>,
}

/// `ReportEventAnomalyDTO`: a related event or a related anomaly (crest detects no anomalies, so
/// always an event).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(clippy::upper_case_acronyms)]
pub struct ReportEventAnomalyDTO {
    /// A related anomaly; never set by crest.
    #[serde(
        default,
        rename = "relatedAnomalyDTO",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Object>)]
    pub related_anomaly_dto: Option<serde_json::Value>,
    #[serde(
        default,
        rename = "relatedEventDTO",
        skip_serializing_if = "Option::is_none"
    )]
    pub related_event_dto: Option<RelatedEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub similarity_score: Option<f64>,
}

crate::paged_schema!(
    /// `PagedRelatedEvent`.
    PagedRelatedEvent,
    RelatedEvent
);

response_container!(
    /// `ResponseContainerPagedRelatedEvent`.
    ResponseContainerPagedRelatedEvent,
    Paged<RelatedEvent>,
    schema = PagedRelatedEvent
);

crate::paged_schema!(
    /// `PagedReportEventAnomalyDTO`.
    PagedReportEventAnomalyDTO,
    ReportEventAnomalyDTO
);

response_container!(
    /// `ResponseContainerPagedReportEventAnomalyDTO`.
    ResponseContainerPagedReportEventAnomalyDTO,
    Paged<ReportEventAnomalyDTO>,
    schema = PagedReportEventAnomalyDTO
);

response_container!(
    /// `ResponseContainerEvent`.
    ResponseContainerEvent,
    Event
);

crate::paged_schema!(
    /// `PagedEvent`.
    PagedEvent,
    Event
);

response_container!(
    /// `ResponseContainerPagedEvent`.
    ResponseContainerPagedEvent,
    Paged<Event>,
    schema = PagedEvent
);

response_container!(
    /// `ResponseContainerSetSourceLabelPair`.
    ResponseContainerSetSourceLabelPair,
    Vec<SourceLabelPair>
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_keeps_every_official_field_name() {
        let json = r#"{
            "alertTags": ["a"], "annotations": {"severity": "info"}, "canClose": true,
            "canDelete": true, "computedHlps": [{"host": "h"}], "createdAt": 1,
            "createdEpochMillis": 1, "creatorId": "c", "creatorType": ["USER"],
            "dimensions": {"k": ["v"]}, "endTime": 2, "hosts": ["h"], "id": "1:n",
            "isEphemeral": false, "isUserEvent": true, "metricsUsed": ["m"], "name": "n",
            "runningState": "ENDED", "startTime": 1, "summarizedEvents": 0, "table": "t",
            "tags": ["x"], "updatedAt": 1, "updatedEpochMillis": 1, "updaterId": "u"
        }"#;
        let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(expected.as_object().expect("an object").len(), 25);
        let parsed: Event = serde_json::from_str(json).expect("the body parses");
        assert_eq!(serde_json::to_value(&parsed).expect("serializes"), expected);
    }

    #[test]
    fn the_search_body_reads_the_clients_fields() {
        let body: EventSearchRequest = serde_json::from_str(
            r#"{"query":[{"key":"name","value":"deploy 1","matchingMethod":"EXACT"}],
                "timeRange":{"earliestStartTimeEpochMillis":1,"latestStartTimeEpochMillis":2},
                "cursor":"1:a","limit":5,"sortTimeAscending":true,"sortScoreMethod":"NONE"}"#,
        )
        .expect("parses");
        assert_eq!(body.limit, Some(5));
        assert_eq!(
            body.time_range
                .as_ref()
                .and_then(|t| t.latest_start_time_epoch_millis),
            Some(2)
        );
    }
}
