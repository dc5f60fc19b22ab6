//! Which maintenance windows apply to one series of one alert (M-3), for the evaluator: the
//! window must be ongoing, match the alert's tags, and match the series' source, source tags and
//! point tags.

use std::collections::BTreeMap;

use crate::clock::EpochMillis;
use crate::maintenance::window::{MaintenanceWindowRecord, RunningState, WindowSpec};

/// One series as the evaluator sees it.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Its source (host).
    pub host: &'a str,
    /// The source's tags.
    pub host_tags: &'a [String],
    pub point_tags: &'a BTreeMap<String, String>,
}

/// Whether an alert tag matches a window's tag pattern: dot-separated components compared one by
/// one, `*` matching any single component (`example.*.prod` matches `example.latency.prod`, not
/// `example.prod`).
pub fn tag_path_matches(pattern: &str, tag: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let t: Vec<&str> = tag.split('.').collect();
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| *p == "*" || p == t)
}

/// A group of criteria: every one (`anded`) or any one must hold.
fn group<T>(items: &[T], anded: bool, hit: impl Fn(&T) -> bool) -> bool {
    if anded {
        items.iter().all(hit)
    } else {
        items.iter().any(hit)
    }
}

/// Whether the window covers an alert with these tags. No alert tags in the window: every alert.
pub fn applies_to_alert(spec: &WindowSpec, alert_tags: &[String]) -> bool {
    spec.relevant_customer_tags.is_empty()
        || group(
            &spec.relevant_customer_tags,
            spec.relevant_customer_tags_anded,
            |p| alert_tags.iter().any(|t| tag_path_matches(p, t)),
        )
}

/// `*` in a point-tag value matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(after) = text.strip_prefix(head) else {
                return false;
            };
            if rest.is_empty() {
                return true;
            }
            (0..=after.len())
                .filter(|i| after.is_char_boundary(*i))
                .any(|i| after.get(i..).is_some_and(|tail| glob(rest, tail)))
        }
    }
}

/// The `key=value` terms of a `pointTagFilter`; they may be separated by spaces, commas, `and` or
/// `or` (which of the two applies is `pointTagFilterAnded`), and values may be quoted.
pub(crate) fn point_terms(filter: &str) -> Vec<(String, String)> {
    filter
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| {
            !w.is_empty() && !w.eq_ignore_ascii_case("and") && !w.eq_ignore_ascii_case("or")
        })
        .filter_map(|w| {
            let (k, v) = w.split_once('=')?;
            let unquote = |s: &str| s.trim_matches(|c| c == '"' || c == '\'').to_owned();
            Some((unquote(k), unquote(v)))
        })
        .collect()
}

/// Whether the window covers this series: its source criteria (names, tags, combined by OR
/// unless `hostTagGroupHostNamesGroupAnded`; none means every source) and its point-tag filter.
pub fn applies_to_series(spec: &WindowSpec, series: &Series<'_>) -> bool {
    let names = !spec.relevant_host_names.is_empty();
    let tags = !spec.relevant_host_tags.is_empty();
    let by_name = || spec.relevant_host_names.iter().any(|n| n == series.host);
    let by_tag = || {
        group(
            &spec.relevant_host_tags,
            spec.relevant_host_tags_anded,
            |t| series.host_tags.contains(t),
        )
    };
    let source = match (names, tags) {
        (false, false) => true,
        (true, false) => by_name(),
        (false, true) => by_tag(),
        (true, true) if spec.host_tag_group_host_names_group_anded => by_name() && by_tag(),
        (true, true) => by_name() || by_tag(),
    };
    let terms = spec
        .point_tag_filter
        .as_deref()
        .map(point_terms)
        .unwrap_or_default();
    let points = terms.is_empty()
        || group(&terms, spec.point_tag_filter_anded, |(k, v)| {
            series.point_tags.get(k).is_some_and(|have| glob(v, have))
        });
    source && points
}

/// The windows among `windows` that are ongoing at `now` and apply to this series of an alert
/// with these tags.
pub fn applying<'w>(
    windows: &'w [MaintenanceWindowRecord],
    now: EpochMillis,
    alert_tags: &[String],
    series: &Series<'_>,
) -> Vec<&'w MaintenanceWindowRecord> {
    windows
        .iter()
        .filter(|w| w.running_state(now) == RunningState::Ongoing)
        .filter(|w| applies_to_alert(&w.spec, alert_tags) && applies_to_series(&w.spec, series))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn spec() -> WindowSpec {
        WindowSpec {
            title: "w".into(),
            start_time_in_seconds: 0,
            end_time_in_seconds: 100,
            ..WindowSpec::default()
        }
    }

    #[test]
    fn alert_tags_match_per_path_component() {
        assert!(tag_path_matches("example.*.*", "example.latency.prod"));
        assert!(tag_path_matches(
            "example.latency.*",
            "example.latency.prod"
        ));
        assert!(tag_path_matches("example.*.prod", "example.latency.prod"));
        assert!(!tag_path_matches("example.*.prod", "example.latency.dev"));
        assert!(!tag_path_matches("example.*", "example.latency.prod"));
        assert!(tag_path_matches("ct1", "ct1"));
    }

    #[test]
    fn alert_tags_are_ored_unless_anded() {
        let mut s = WindowSpec {
            relevant_customer_tags: strings(&["a", "b"]),
            ..spec()
        };
        assert!(applies_to_alert(&s, &strings(&["a"])));
        s.relevant_customer_tags_anded = true;
        assert!(!applies_to_alert(&s, &strings(&["a"])));
        assert!(applies_to_alert(&s, &strings(&["a", "b", "c"])));
        assert!(applies_to_alert(&spec(), &[]), "no alert tags: every alert");
    }

    fn series<'a>(
        host: &'a str,
        tags: &'a [String],
        points: &'a BTreeMap<String, String>,
    ) -> Series<'a> {
        Series {
            host,
            host_tags: tags,
            point_tags: points,
        }
    }

    #[test]
    fn source_names_and_tags_combine_by_or_unless_grouped() {
        let none = BTreeMap::new();
        let east = strings(&["EastCoastSources"]);
        let mut s = WindowSpec {
            relevant_host_names: strings(&["app-1"]),
            relevant_host_tags: east.clone(),
            ..spec()
        };
        assert!(applies_to_series(&s, &series("app-1", &[], &none)));
        assert!(applies_to_series(&s, &series("app-2", &east, &none)));
        assert!(!applies_to_series(&s, &series("app-2", &[], &none)));
        s.host_tag_group_host_names_group_anded = true;
        assert!(!applies_to_series(&s, &series("app-1", &[], &none)));
        assert!(applies_to_series(&s, &series("app-1", &east, &none)));
        assert!(
            applies_to_series(&spec(), &series("any", &[], &none)),
            "no source criteria"
        );
    }

    #[test]
    fn source_tags_are_ored_unless_anded() {
        let none = BTreeMap::new();
        let mut s = WindowSpec {
            relevant_host_tags: strings(&["a", "b"]),
            ..spec()
        };
        let only_a = strings(&["a"]);
        assert!(applies_to_series(&s, &series("h", &only_a, &none)));
        s.relevant_host_tags_anded = true;
        assert!(!applies_to_series(&s, &series("h", &only_a, &none)));
        assert!(applies_to_series(
            &s,
            &series("h", &strings(&["a", "b"]), &none)
        ));
    }

    #[test]
    fn point_tag_filters_match_with_wildcards_and_their_flag() {
        let points: BTreeMap<String, String> = [("env".to_owned(), "prod-1".to_owned())]
            .into_iter()
            .collect();
        let mut s = WindowSpec {
            point_tag_filter: Some("env=prod-* and az=\"us\"".into()),
            ..spec()
        };
        assert!(applies_to_series(&s, &series("h", &[], &points)));
        s.point_tag_filter_anded = true;
        assert!(!applies_to_series(&s, &series("h", &[], &points)));
        assert_eq!(
            point_terms("a=1, b='x'"),
            vec![("a".into(), "1".into()), ("b".into(), "x".into())]
        );
    }

    #[test]
    fn only_ongoing_windows_apply() {
        let none = BTreeMap::new();
        let w = MaintenanceWindowRecord {
            id: "1".into(),
            spec: WindowSpec {
                relevant_customer_tags: strings(&["ct1"]),
                ..spec()
            },
            created_ms: 0,
            creator: "u".into(),
            updated_ms: 0,
            updater: "u".into(),
        };
        let windows = vec![w];
        let tags = strings(&["ct1"]);
        assert_eq!(
            applying(&windows, 50_000, &tags, &series("h", &[], &none)).len(),
            1
        );
        assert!(applying(&windows, 100_000, &tags, &series("h", &[], &none)).is_empty());
        assert!(applying(&windows, 50_000, &strings(&["x"]), &series("h", &[], &none)).is_empty());
    }
}
