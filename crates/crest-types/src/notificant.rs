//! Alert targets: the `Notificant` model (also the legacy Webhook API's), its routes and its
//! containers.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::paging::Paged;
use crate::response_container;

/// `AlertRoute`: series matching `filter` (`"key value"`) are notified at `target` by `method`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertRoute {
    /// String that filters the route. Space delimited. Currently only allows single key value
    /// pair.  filter: env* prod*
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// `WEBHOOK`, `PAGERDUTY` or `EMAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The end point: an email address, a PagerDuty routing key or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// `Notificant`: an alert target. Every field is optional on input (the domain says which are
/// required); responses carry every required field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notificant {
    /// The value of the Content-Type header of the webhook POST request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// A string->string map specifying the custom HTTP header key / value pairs that will be
    /// sent in the requests of this web hook
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_http_headers: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Description
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The subject title of an email notification target
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Determine whether the email alert target content is sent as html or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_html_content: Option<bool>,
    /// The notification method used for notification target: `WEBHOOK`, `EMAIL` or
    /// `PAGERDUTY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The end point for the notification target. EMAIL: email address. PAGERDUTY: PagerDuty
    /// routing Key. WEBHOOK: URL end point
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// List of routing targets that this notificant will notify.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<AlertRoute>>,
    /// A mustache template that will form the body of the POST request, email and summary of
    /// the PagerDuty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// Title
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// A list of occurrences on which this webhook will be fired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
}

crate::paged_schema!(
    /// `PagedNotificant`.
    PagedNotificant,
    Notificant
);

response_container!(
    /// `ResponseContainerNotificant`.
    ResponseContainerNotificant,
    Notificant
);

response_container!(
    /// `ResponseContainerPagedNotificant`.
    ResponseContainerPagedNotificant,
    Paged<Notificant>,
    schema = PagedNotificant
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_carry_the_official_names() {
        assert_eq!(Notificant::name(), "Notificant");
        assert_eq!(AlertRoute::name(), "AlertRoute");
        assert_eq!(PagedNotificant::name(), "PagedNotificant");
    }
}
