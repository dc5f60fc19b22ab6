//! Proxies: the `Proxy` model of the Proxy API, its containers, and what the proxy protocol
//! answers a check-in with (`AgentConfiguration`, not enveloped).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::event::Event;
use crate::paging::Paged;
use crate::response_container;

/// `Proxy`: a wavefront-proxy that checked in. Every field is optional so that the same type reads
/// the operator's update (`{"name": …}`, `{"shutdown": true}`, `{"truncate": true}`); the server's
/// fields are ignored on input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Proxy {
    /// Number of bytes of space remaining in the persistent disk queue of this proxy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_left_for_buffer: Option<i64>,
    /// Bytes used per minute by the persistent disk queue of this proxy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_minute_for_buffer: Option<i64>,
    /// Proxy's rate limit
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector_rate_limit: Option<i64>,
    /// When true, this proxy's rate limit is controlled remotely
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collector_sets_rate_limit: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// When true, this proxy is expected to be ephemeral (possibly hosted on a short-lived
    /// container) and will be deleted after a period of inactivity (not checking in)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral: Option<bool>,
    /// Proxy's rate limit for events
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events_rate_limit: Option<f64>,
    /// Proxy's histogram feature disabled
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histo_disabled: Option<bool>,
    /// Proxy's rate limit for histograms
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub histogram_rate_limit: Option<i64>,
    /// Host name of the machine running the proxy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_trash: Option<bool>,
    /// Last time when this proxy checked in (in milliseconds since the unix epoch)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check_in_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_event: Option<Event>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_time: Option<i64>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_known_error: Option<String>,
    /// Number of items in the persistent disk queue of this proxy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_queue_size: Option<i64>,
    /// Proxy's logs feature disabled for customer
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs_disabled: Option<bool>,
    /// Proxy name (modifiable)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Proxy's preprocessor rules
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preprocessor_rules: Option<String>,
    /// Proxy name set by customer
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxyname: Option<String>,
    /// When true, attempt to shut down this proxy remotely
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shutdown: Option<bool>,
    /// Proxy's rate limit for source tag operations
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_tags_rate_limit: Option<f64>,
    /// Proxy's span logs feature disabled
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_logs_disabled: Option<bool>,
    /// Proxy's rate limit for span logs
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_logs_rate_limit: Option<i64>,
    /// Proxy's rate limit for spans
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span_rate_limit: Option<i64>,
    /// deprecated
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_agent: Option<bool>,
    /// the proxy's status: `ACTIVE`, `STOPPED_UNKNOWN`, `STOPPED_BY_SERVER` or `TOKEN_EXPIRED`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The reason why the proxy is in current status
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_cause: Option<String>,
    /// Time drift of the proxy's clock compared to Wavefront servers
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_drift: Option<i64>,
    /// Proxy's spans feature disabled
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_disabled: Option<bool>,
    /// When true, attempt to truncate down this proxy backlog remotely
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate: Option<bool>,
    /// The user associated with this proxy
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

crate::paged_schema!(
    /// `PagedProxy`.
    PagedProxy,
    Proxy
);

response_container!(
    /// `ResponseContainerProxy`.
    ResponseContainerProxy,
    Proxy
);

response_container!(
    /// `ResponseContainerPagedProxy`.
    ResponseContainerPagedProxy,
    Paged<Proxy>,
    schema = PagedProxy
);

/// `ResponseContainerMap`: a JSON object (`{str: object}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ResponseContainerMap {
    pub status: crate::envelope::ResponseStatus,
    #[schema(value_type = Object)]
    pub response: BTreeMap<String, serde_json::Value>,
}

impl ResponseContainerMap {
    /// A successful answer carrying `response`.
    pub fn ok(response: BTreeMap<String, serde_json::Value>) -> Self {
        Self {
            status: crate::envelope::ResponseStatus::ok(),
            response,
        }
    }
}

/// `ValidationConfiguration`: the limits the proxy checks each item against before sending it
/// (java-lib's names; a missing field takes the proxy's own default).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidationConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_length_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram_length_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_length_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_count_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_key_length_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations_value_length_limit: Option<u32>,
}

/// `AgentConfiguration`: the answer to a proxy's check-in, sent bare (no envelope), without the
/// fields crest leaves at the proxy's defaults.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AgentConfiguration {
    /// The server's time, in epoch milliseconds; the proxy sets its clock by it.
    pub current_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_any_host_keys: Option<bool>,
    /// The proxy is to shut down.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shut_off_agents: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shut_off_message: Option<String>,
    /// The proxy is to drop its queued data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncate_queue: Option<bool>,
    /// Whether `pointsPerBatch` overrides the proxy's own batch size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collector_sets_points_per_batch: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_per_batch: Option<i64>,
    /// Whether the per-type rate limits below replace the proxy's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collector_sets_rate_limit: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram_disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_logs_disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logs_disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_configuration: Option<ValidationConfiguration>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_carry_the_official_names() {
        assert_eq!(Proxy::name(), "Proxy");
        assert_eq!(PagedProxy::name(), "PagedProxy");
        assert_eq!(ResponseContainerMap::name(), "ResponseContainerMap");
    }

    #[test]
    fn a_minimal_configuration_is_the_time_alone() {
        let c = AgentConfiguration {
            current_time: 1,
            ..AgentConfiguration::default()
        };
        assert_eq!(
            serde_json::to_value(c).expect("serializes"),
            serde_json::json!({"currentTime": 1})
        );
    }
}
