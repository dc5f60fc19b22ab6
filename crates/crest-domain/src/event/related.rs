//! Which events are related to an event, for the related-event searches
//! (`/api/v2/search/event/related/{id}`): events that overlap it in time (as read now) and share
//! a source, an event tag or an alert tag with it. The reference says no more than "related events
//! … with a similarity score"; crest scores them by what they share: the number of shared sources
//! and tags over the number of sources and tags either has (Jaccard's index), from 0 to 1.

use std::collections::BTreeSet;

use crate::clock::EpochMillis;
use crate::event::record::EventRecord;

/// How an event is related to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// The sources both name.
    pub common_sources: Vec<String>,
    /// The event tags and alert tags both carry.
    pub common_tags: Vec<String>,
    /// Shared over all, from 0 (exclusive) to 1.
    pub score: f64,
}

fn marks(e: &EventRecord) -> BTreeSet<String> {
    e.hosts
        .iter()
        .map(|h| format!("source:{}", h.to_lowercase()))
        .chain(e.tags.iter().map(|t| format!("tag:{t}")))
        .chain(e.alert_tags.iter().map(|t| format!("tag:{t}")))
        .collect()
}

/// How `other` is related to `event` at `now`: `None` when it is the event itself, does not
/// overlap it, or shares nothing with it.
pub fn relation(event: &EventRecord, other: &EventRecord, now: EpochMillis) -> Option<Relation> {
    if other.id == event.id {
        return None;
    }
    let own_end = event.end_at(now).unwrap_or(now.max(event.start_ms));
    if !other.overlaps(event.start_ms, own_end, now) {
        return None;
    }
    let (mine, theirs) = (marks(event), marks(other));
    let shared: Vec<&String> = mine.intersection(&theirs).collect();
    if shared.is_empty() {
        return None;
    }
    let all = mine.union(&theirs).count();
    #[allow(clippy::cast_precision_loss)]
    let score = shared.len() as f64 / all.max(1) as f64;
    let pick = |prefix: &str| {
        shared
            .iter()
            .filter_map(|m| m.strip_prefix(prefix).map(str::to_owned))
            .collect()
    };
    Some(Relation {
        common_sources: pick("source:"),
        common_tags: pick("tag:"),
        score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventOrigin;
    use std::collections::BTreeMap;

    fn ev(id: &str, start: i64, end: Option<i64>, hosts: &[&str], tags: &[&str]) -> EventRecord {
        EventRecord {
            id: id.into(),
            name: id.into(),
            start_ms: start,
            end_ms: end,
            annotations: BTreeMap::new(),
            hosts: hosts.iter().map(|h| (*h).to_owned()).collect(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            dimensions: BTreeMap::new(),
            origin: EventOrigin::User,
            alert_id: None,
            alert_tags: Vec::new(),
            metrics_used: Vec::new(),
            created_ms: 0,
            creator: String::new(),
            updated_ms: 0,
            updater: String::new(),
            version: 1,
        }
    }

    #[test]
    fn related_events_overlap_and_share_a_source_or_tag() {
        let event = ev("a", 100, Some(200), &["h1", "h2"], &["deploy"]);
        let same_host = ev("b", 150, Some(300), &["H1"], &[]);
        let r = relation(&event, &same_host, 1000).unwrap();
        assert_eq!(r.common_sources, ["h1"]);
        assert!((r.score - 1.0 / 3.0).abs() < 1e-12);
        let same_tag = ev("c", 50, None, &[], &["deploy"]);
        assert_eq!(
            relation(&event, &same_tag, 1000).unwrap().common_tags,
            ["deploy"]
        );
        assert!(relation(&event, &ev("d", 300, Some(400), &["h1"], &[]), 1000).is_none());
        assert!(relation(&event, &ev("e", 150, Some(160), &["h9"], &["x"]), 1000).is_none());
        assert!(relation(&event, &event, 1000).is_none());
    }
}
