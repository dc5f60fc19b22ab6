//! The template context (the product's properties, iterators and functions) built from a
//! [`Notification`], and the composed subject.

use std::collections::BTreeMap;

use crate::functions::Function;
use crate::notification::{Category, Notification, Series, Severity, Trigger};
use crate::value::{LimitKind, Value};

/// `[SEVERITY] HEADING: name`, the subject of a notification without a subject of its own.
pub fn subject_of(n: &Notification) -> String {
    format!(
        "[{}] {}: {}",
        n.severity.as_str(),
        n.trigger.heading(),
        n.name
    )
}

const fn limit_kind(c: Category) -> LimitKind {
    match c {
        Category::Failing => LimitKind::Failing,
        Category::InMaintenance => LimitKind::InMaintenance,
        Category::NewlyFailing => LimitKind::NewlyFailing,
        Category::Recovered => LimitKind::Recovered,
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A time as the product prints it: `04/15/2020 23:11:22 +0000` (UTC); unset is empty.
pub(crate) fn time_text(ms: Option<i64>) -> String {
    let Some(ms) = ms else {
        return String::new();
    };
    let secs = ms.div_euclid(1000);
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{mo:02}/{d:02}/{y:04} {:02}:{:02}:{:02} +0000",
        s / 3600,
        (s % 3600) / 60,
        s % 60
    )
}

fn epoch(ms: Option<i64>) -> Value {
    ms.map_or_else(|| Value::str(""), Value::Int)
}

fn number(x: Option<f64>) -> Value {
    x.map_or(Value::Null, Value::Float)
}

fn tag_text(tags: &BTreeMap<String, String>) -> Vec<String> {
    tags.iter().map(|(k, v)| format!("{k}={v}")).collect()
}

fn alert_series(s: &Series) -> Value {
    Value::map([
        ("host", Value::str(&s.host)),
        ("label", Value::str(&s.label)),
        ("tags", Value::Tags(s.tags.clone())),
        (
            "observed",
            Value::Int(i64::try_from(s.observed).unwrap_or(i64::MAX)),
        ),
        (
            "firing",
            Value::Int(i64::try_from(s.firing).unwrap_or(i64::MAX)),
        ),
        (
            "stats",
            Value::map([
                ("first", number(s.stats.first)),
                ("last", number(s.stats.last)),
                ("min", number(s.stats.min)),
                ("max", number(s.stats.max)),
                ("mean", number(s.stats.mean)),
            ]),
        ),
    ])
}

/// `host (label) [k=v]… : last`, one series of the update message.
fn series_line(s: &Series) -> String {
    let tags: String = tag_text(&s.tags).iter().map(|t| format!("[{t}]")).collect();
    let last = s.stats.last.map(|v| format!(" : {v}")).unwrap_or_default();
    let tags = if tags.is_empty() {
        tags
    } else {
        format!(" {tags}")
    };
    format!("{} ({}){tags}{last}", s.host, s.label)
}

fn hosts(series: &[Series]) -> Vec<String> {
    let mut seen = Vec::<String>::new();
    for s in series {
        if !seen.contains(&s.host) {
            seen.push(s.host.clone());
        }
    }
    seen
}

fn category_values(root: &mut BTreeMap<String, Value>, c: Category, series: &[Series]) {
    let kind = limit_kind(c);
    let p = c.prefix();
    let host_list = hosts(series);
    root.insert(
        format!("{p}Hosts"),
        Value::Limited(kind, host_list.iter().map(Value::str).collect()),
    );
    root.insert(
        format!("{p}Series"),
        Value::Limited(
            kind,
            series
                .iter()
                .map(|s| {
                    Value::List(vec![
                        Value::str(&s.host),
                        Value::str(&s.label),
                        Value::strs(&tag_text(&s.tags)),
                    ])
                })
                .collect(),
        ),
    );
    root.insert(
        format!("{p}AlertSeries"),
        Value::Limited(kind, series.iter().map(alert_series).collect()),
    );
    let source_tags = Value::Limited(
        kind,
        series
            .iter()
            .map(|s| {
                Value::map([
                    ("host", Value::str(&s.host)),
                    ("sourceTags", Value::strs(&s.source_tags)),
                ])
            })
            .collect(),
    );
    root.insert(format!("{p}HostSourceTags"), source_tags.clone());
    root.insert(format!("{p}HostToSourceTags"), source_tags);
    root.insert(format!("{p}Limit"), Value::LimitOf(kind));
    root.insert(
        format!("{p}LimitExceed"),
        Value::LimitExceeded(kind, series.len()),
    );
}

/// The context templates read, for a notification; links start at `external_url` (this
/// instance's address, without a trailing `/`).
pub fn context_of(n: &Notification, external_url: &str) -> Value {
    let none: Vec<Series> = Vec::new();
    let of = |c: Category| n.series.get(&c).unwrap_or(&none);
    let mut root: BTreeMap<String, Value> = BTreeMap::new();
    let mut put = |k: &str, v: Value| {
        root.insert(k.to_owned(), v);
    };
    put(
        "additionalInformation",
        Value::str(&n.additional_information),
    );
    put("alertId", Value::str(&n.alert_id));
    put("condition", Value::str(&n.condition));
    put("errorMessage", Value::str(&n.error_message));
    put("name", Value::str(&n.name));
    put("notificationId", Value::str(&n.notification_id));
    put("reason", Value::str(n.trigger.as_str()));
    put("subject", Value::str(subject_of(n)));
    put("heading", Value::str(n.trigger.heading()));
    put("severity", Value::str(n.severity.as_str()));
    put("alertRoute", Value::str(&n.alert_route));
    put("secureMetricDetails", Value::Bool(false));
    put(
        "url",
        Value::str(format!("{external_url}/api/v2/alert/{}", n.alert_id)),
    );
    put(
        "chartUrl",
        Value::str(format!(
            "{external_url}/api/v2/chart/api?q={}&s={}&g=m",
            query_escape(&n.condition),
            n.started_ms.or(n.created_ms).unwrap_or_default()
        )),
    );
    for (name, ms) in [
        ("created", n.created_ms),
        ("started", n.started_ms),
        ("since", n.since_ms),
        ("ended", n.ended_ms),
        ("snoozedUntil", n.snoozed_until_ms),
    ] {
        put(&format!("{name}Time"), Value::str(time_text(ms)));
        put(&format!("{name}Epoch"), epoch(ms));
    }
    for (name, severity) in [
        ("severityInfo", Severity::Info),
        ("severitySmoke", Severity::Smoke),
        ("severityWarn", Severity::Warn),
        ("severitySevere", Severity::Severe),
    ] {
        put(name, Value::Bool(n.severity == severity));
    }
    for (name, trigger) in [
        ("isAlertOpened", Trigger::AlertOpened),
        ("isAlertUpdated", Trigger::AlertUpdated),
        ("isAlertResolved", Trigger::AlertResolved),
        ("isAlertMaintenance", Trigger::AlertMaintenance),
        ("isAlertSnoozed", Trigger::AlertSnoozed),
        ("isAlertRetriggered", Trigger::AlertRetriggered),
        ("isAlertNoData", Trigger::AlertNoData),
        ("isAlertNoDataResolved", Trigger::AlertNoDataResolved),
        ("isAlertTesting", Trigger::AlertTesting),
    ] {
        put(name, Value::Bool(n.trigger == trigger));
    }
    put("alertTags", Value::strs(&n.alert_tags));
    put("imageLinks", Value::strs(&n.image_links));
    put("runbookLinks", Value::strs(&n.runbook_links));
    put(
        "alertTriageDashboardLinks",
        Value::strs(&n.triage_dashboard_links),
    );
    put("tracingPageLinks", Value::strs(&n.tracing_page_links));
    put("groupByKeys", Value::strs(&n.group_by_keys));
    put(
        "filterByKVs",
        Value::Limited(
            LimitKind::FilterByKVs,
            n.filter_by_kvs
                .iter()
                .map(|f| {
                    Value::map([
                        ("key", Value::str(&f.key)),
                        ("predicate", Value::str(&f.predicate)),
                        ("value", Value::str(&f.value)),
                    ])
                })
                .collect(),
        ),
    );
    put(
        "contributingKVs",
        Value::Limited(
            LimitKind::ContributingKVs,
            n.contributing_kvs
                .iter()
                .map(|(k, vs)| Value::map([("key", Value::str(k)), ("value", Value::strs(vs))]))
                .collect(),
        ),
    );
    put(
        "hostsFailingMessage",
        Value::str(
            of(Category::Failing)
                .iter()
                .map(|s| format!("{} ({})", s.host, s.label))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    let update = {
        let mut lines = Vec::new();
        for (category, title) in [
            (Category::NewlyFailing, "Newly Affected"),
            (Category::Recovered, "Recovered"),
        ] {
            for s in of(category) {
                lines.push(format!("{title}: {}", series_line(s)));
            }
        }
        lines.join("\n")
    };
    put("updateMessage", Value::str(update));
    for kind in [
        LimitKind::Default,
        LimitKind::FilterByKVs,
        LimitKind::ContributingKVs,
    ] {
        put(kind.read_back(), Value::LimitOf(kind));
    }
    for (name, f) in Function::named() {
        put(name, Value::Function(f));
    }
    for c in Category::ALL {
        category_values(&mut root, c, of(c));
    }
    Value::Map(root)
}

/// Percent-encodes a query value (everything but the unreserved characters).
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Template;

    fn sample() -> Notification {
        let mut n = Notification::test("66dc2064".into(), 1_586_992_282_000);
        n.alert_id = "1460761882996".into();
        n.name = "Alert on Data rate (Test)".into();
        n.severity = Severity::Smoke;
        n.trigger = Trigger::AlertOpened;
        n.condition = "rate(ts(~proxy.points.2878.received)) > 4".into();
        n.alert_tags = vec!["production".into(), "mysql".into()];
        n.series = BTreeMap::from([(
            Category::Failing,
            vec![Series {
                host: "localhost".into(),
                label: "~proxy.points.2878.received".into(),
                ..Series::default()
            }],
        )]);
        n
    }

    fn render(t: &str, n: &Notification) -> String {
        Template::parse(t)
            .expect("parses")
            .render(&context_of(n, "https://crest.example"))
            .expect("renders")
    }

    #[test]
    fn times_print_as_the_product_does() {
        assert_eq!(
            time_text(Some(1_586_992_282_000)),
            "04/15/2020 23:11:22 +0000"
        );
        assert_eq!(time_text(Some(0)), "01/01/1970 00:00:00 +0000");
        assert_eq!(time_text(None), "");
    }

    #[test]
    fn the_documented_sample_properties() {
        let n = sample();
        assert_eq!(
            render("{{{subject}}}", &n),
            "[SMOKE] OPENED: Alert on Data rate (Test)"
        );
        assert_eq!(
            render("{{{hostsFailingMessage}}}", &n),
            "localhost (~proxy.points.2878.received)"
        );
        assert_eq!(render("{{createdTime}}", &n), "04/15/2020 23:11:22 +0000");
        assert_eq!(
            render(
                "{{reason}} {{severitySmoke}} {{#isAlertOpened}}open{{/isAlertOpened}}",
                &n
            ),
            "ALERT_OPENED true open"
        );
        assert_eq!(
            render("{{#alertTags}}{{.}},{{/alertTags}}", &n),
            "production,mysql,"
        );
        assert_eq!(
            render("{{{url}}}", &n),
            "https://crest.example/api/v2/alert/1460761882996"
        );
        assert_eq!(render("{{endedTime}}|{{endedEpoch}}", &n), "|");
    }

    #[test]
    fn series_iterators_expose_their_fields() {
        let n = Notification::test("x".into(), 0);
        let t = "{{#failingAlertSeries}}{{host}} {{label}} {{#tags}}{{env}}{{/tags}} {{observed}}/{{firing}} {{stats.mean}}{{/failingAlertSeries}}";
        assert_eq!(
            render(t, &n),
            "crest-test-source crest.test.metric test 5/5 1.5"
        );
        assert_eq!(
            render("{{#failingSeries}}{{.}}{{/failingSeries}}", &n),
            "[crest-test-source, crest.test.metric, [env=test]]"
        );
        assert_eq!(
            render(
                "{{#failingHosts}}{{.}}{{/failingHosts}} {{failingLimit}}",
                &n
            ),
            "crest-test-source 500"
        );
        assert_eq!(
            render("{{{updateMessage}}}", &n),
            "Newly Affected: crest-test-source (crest.test.metric) [env=test] : 2"
        );
    }
}
