//! Alert routing: the part of a notification one route of a target hears. A route's filter is one
//! `key value` pair (`source`, `metric`, or a point tag's name) compared exactly; the route's
//! recipient hears only the series that match it, with `alertRoute` naming the filter.

use crate::notification::{Notification, Series};

/// Whether `series` matches the filter `key value`.
pub fn route_matches(key: &str, value: &str, series: &Series) -> bool {
    match key {
        "source" => series.host == value,
        "metric" => series.label == value,
        tag => series.tags.get(tag).is_some_and(|v| v == value),
    }
}

/// The notification as the route `key value` hears it: each category's series cut to those that
/// match, or `None` when none does (the route's recipient is not told).
pub fn routed(notification: &Notification, key: &str, value: &str) -> Option<Notification> {
    let mut out = notification.clone();
    let mut any = false;
    for list in out.series.values_mut() {
        list.retain(|s| route_matches(key, value, s));
        any |= !list.is_empty();
    }
    if !any {
        return None;
    }
    out.alert_route = format!("{key} {value}");
    Some(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::notification::Category;

    fn series(host: &str, label: &str, env: &str) -> Series {
        Series {
            host: host.into(),
            label: label.into(),
            tags: BTreeMap::from([("env".to_owned(), env.to_owned())]),
            ..Series::default()
        }
    }

    fn sample() -> Notification {
        let mut n = Notification::test("n1".into(), 0);
        n.series = BTreeMap::from([
            (
                Category::Failing,
                vec![series("h1", "cpu", "prod"), series("h2", "cpu", "dev")],
            ),
            (Category::NewlyFailing, vec![series("h2", "cpu", "dev")]),
        ]);
        n
    }

    #[test]
    fn a_route_hears_only_its_series() {
        let n = sample();
        let prod = routed(&n, "env", "prod").expect("h1 matches");
        assert_eq!(prod.alert_route, "env prod");
        assert_eq!(
            prod.series[&Category::Failing],
            [series("h1", "cpu", "prod")]
        );
        assert!(prod.series[&Category::NewlyFailing].is_empty());
        let h2 = routed(&n, "source", "h2").expect("h2 matches");
        assert_eq!(h2.series[&Category::NewlyFailing].len(), 1);
        assert!(routed(&n, "metric", "cpu").is_some());
    }

    #[test]
    fn a_route_that_matches_nothing_is_not_told() {
        let n = sample();
        assert!(routed(&n, "env", "staging").is_none());
        assert!(routed(&n, "metric", "mem").is_none());
        assert!(routed(&n, "source", "h1 ").is_none(), "compared exactly");
    }
}
