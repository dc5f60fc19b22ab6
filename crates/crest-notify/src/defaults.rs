//! The built-in templates: for simple targets (an email address, `pd:key` in an alert's
//! `target`) and the starting point of a new webhook. Crest's own wording; the product says its
//! own "may change from release to release".

/// The subject of an email when the target sets none: `[SEVERITY] HEADING: name`.
pub const DEFAULT_EMAIL_SUBJECT: &str = "{{{subject}}}";

/// A generic webhook: the notification as one JSON document.
pub const DEFAULT_WEBHOOK: &str = r#"{
  "alertId": "{{#jsonEscape}}{{{alertId}}}{{/jsonEscape}}",
  "notificationId": "{{#jsonEscape}}{{{notificationId}}}{{/jsonEscape}}",
  "reason": "{{{reason}}}",
  "name": "{{#jsonEscape}}{{{name}}}{{/jsonEscape}}",
  "severity": "{{{severity}}}",
  "severitySmoke": {{severitySmoke}},
  "severityInfo": {{severityInfo}},
  "severityWarn": {{severityWarn}},
  "severitySevere": {{severitySevere}},
  "condition": "{{#jsonEscape}}{{{condition}}}{{/jsonEscape}}",
  "url": "{{#jsonEscape}}{{{url}}}{{/jsonEscape}}",
  "chartUrl": "{{#jsonEscape}}{{{chartUrl}}}{{/jsonEscape}}",
  "createdTime": "{{{createdTime}}}",
  "startedTime": "{{{startedTime}}}",
  "endedTime": "{{{endedTime}}}",
  "subject": "{{#jsonEscape}}{{{subject}}}{{/jsonEscape}}",
  "additionalInformation": "{{#jsonEscape}}{{{additionalInformation}}}{{/jsonEscape}}",
  "hostsFailingMessage": "{{#jsonEscape}}{{{hostsFailingMessage}}}{{/jsonEscape}}",
  "updateMessage": "{{#jsonEscape}}{{{updateMessage}}}{{/jsonEscape}}",
  "alertTags": [{{#trimTrailingComma}}{{#alertTags}}"{{#jsonEscape}}{{{.}}}{{/jsonEscape}}",{{/alertTags}}{{/trimTrailingComma}}],
  "runbookLinks": [{{#trimTrailingComma}}{{#runbookLinks}}"{{#jsonEscape}}{{{.}}}{{/jsonEscape}}",{{/runbookLinks}}{{/trimTrailingComma}}],
  "failingSources": [{{#trimTrailingComma}}{{#failingHosts}}"{{#jsonEscape}}{{{.}}}{{/jsonEscape}}",{{/failingHosts}}{{/trimTrailingComma}}],
  "failingSeriesExceedLimit": {{failingLimitExceed}}
}
"#;

/// A plain-text email.
pub const DEFAULT_PLAIN_EMAIL: &str = "{{{heading}}}: {{{name}}}

Reason: {{{reason}}}
Severity: {{{severity}}}
Condition: {{{condition}}}
Created: {{{createdTime}}}
{{#isAlertOpened}}Affected since: {{{sinceTime}}}
{{/isAlertOpened}}
{{#isAlertResolved}}Ended: {{{endedTime}}}
{{/isAlertResolved}}
{{#isAlertSnoozed}}Snoozed until: {{{snoozedUntilTime}}}
{{/isAlertSnoozed}}
URL: {{{url}}}
{{#additionalInformation}}

{{{additionalInformation}}}
{{/additionalInformation}}
{{#hostsFailingMessage}}
Failing: {{{hostsFailingMessage}}}
{{/hostsFailingMessage}}
{{#updateMessage}}
{{{updateMessage}}}
{{/updateMessage}}
{{#runbookLinks}}
Runbook: {{{.}}}
{{/runbookLinks}}
";

/// An HTML email.
pub const DEFAULT_HTML_EMAIL: &str = "<html><body>
<h2>{{heading}}: {{name}}</h2>
<p>Reason: {{reason}}<br>Severity: {{severity}}<br>Condition: <code>{{condition}}</code><br>Created: {{createdTime}}
{{#isAlertOpened}}<br>Affected since: {{sinceTime}}{{/isAlertOpened}}
{{#isAlertResolved}}<br>Ended: {{endedTime}}{{/isAlertResolved}}
{{#isAlertSnoozed}}<br>Snoozed until: {{snoozedUntilTime}}{{/isAlertSnoozed}}</p>
<p><a href=\"{{url}}\">Open the alert</a></p>
{{#additionalInformation}}<p>{{additionalInformation}}</p>{{/additionalInformation}}
{{#hostsFailingMessage}}<p>Failing: {{hostsFailingMessage}}</p>{{/hostsFailingMessage}}
{{#runbookLinks}}<p><a href=\"{{.}}\">Runbook</a></p>{{/runbookLinks}}
</body></html>
";

/// The summary of a PagerDuty incident.
pub const DEFAULT_PAGERDUTY: &str =
    "{{{subject}}}{{#hostsFailingMessage}} - {{{hostsFailingMessage}}}{{/hostsFailingMessage}}";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Notification, Template, context_of};

    #[test]
    fn the_defaults_parse_and_the_webhook_is_json() {
        let n = Notification::test("n-1".into(), 1_586_992_282_000);
        let context = context_of(&n, "https://crest.example");
        for t in [
            DEFAULT_EMAIL_SUBJECT,
            DEFAULT_PLAIN_EMAIL,
            DEFAULT_HTML_EMAIL,
            DEFAULT_PAGERDUTY,
        ] {
            Template::parse(t)
                .expect("parses")
                .render(&context)
                .expect("renders");
        }
        let body = Template::parse(DEFAULT_WEBHOOK)
            .expect("parses")
            .render(&context)
            .expect("renders");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["reason"], "ALERT_TESTING");
        assert_eq!(json["severityInfo"], true);
        assert_eq!(
            json["failingSources"],
            serde_json::json!(["crest-test-source"])
        );
        assert_eq!(
            json["subject"],
            "[INFO] TESTING: Test notification from Crest"
        );
    }
}
