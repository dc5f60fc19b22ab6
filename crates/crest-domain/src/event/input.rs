//! An event as a client describes it, and the checks it passes before anything is stored.

use std::collections::BTreeMap;

use crate::DomainError;
use crate::clock::EpochMillis;

/// Below this, a time is in seconds (real clients, the Python SDK among them, send seconds where
/// the model says milliseconds); 10^11 ms is March 1973, 10^11 s is the year 5138.
pub const SECONDS_BELOW: i64 = 100_000_000_000;
/// The longest name, in characters.
pub const MAX_NAME_CHARS: usize = 1_024;
/// The most annotations one event holds.
pub const MAX_ANNOTATIONS: usize = 256;
/// The longest annotation value, in characters.
pub const MAX_ANNOTATION_CHARS: usize = 65_536;
/// The most tags one event holds.
pub const MAX_EVENT_TAGS: usize = 1_000;
/// The most hosts (and, per key, dimension values) one event names.
pub const MAX_HOSTS: usize = 1_000;

/// `Event` without the server's fields. Every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventInput {
    pub name: Option<String>,
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    pub annotations: Option<BTreeMap<String, String>>,
    pub hosts: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub dimensions: Option<BTreeMap<String, Vec<String>>>,
    pub alert_tags: Option<Vec<String>>,
    pub metrics_used: Option<Vec<String>>,
}

/// A time as the API takes it: milliseconds, or seconds when below [`SECONDS_BELOW`].
pub const fn to_millis(t: i64) -> i64 {
    if t < SECONDS_BELOW {
        t.saturating_mul(1000)
    } else {
        t
    }
}

/// An event tag: letters, digits, `_`, `-`, `:` and `.`, at most 256 characters.
pub fn event_tag_valid(tag: &str) -> bool {
    !tag.is_empty()
        && tag.chars().count() <= 256
        && tag
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

/// The checked parts of an input, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prepared {
    pub name: String,
    pub start_ms: EpochMillis,
    pub end_ms: Option<EpochMillis>,
    pub annotations: BTreeMap<String, String>,
    pub hosts: Vec<String>,
    pub tags: Vec<String>,
    pub dimensions: BTreeMap<String, Vec<String>>,
    pub alert_tags: Vec<String>,
    pub metrics_used: Vec<String>,
}

/// Checks the tags, and answers them in code-point order, each once.
pub(crate) fn tag_set(tags: Vec<String>) -> Result<Vec<String>, DomainError> {
    if tags.len() > MAX_EVENT_TAGS {
        return Err(invalid(format!(
            "an event holds at most {MAX_EVENT_TAGS} tags; the request names {}",
            tags.len()
        )));
    }
    for t in &tags {
        if !event_tag_valid(t) {
            return Err(invalid(format!(
                "invalid event tag '{t}': use letters, digits, '_', '-', ':' and '.' (at most 256 characters)"
            )));
        }
    }
    let mut tags = tags;
    tags.sort();
    tags.dedup();
    Ok(tags)
}

fn time(what: &str, t: Option<i64>) -> Result<Option<EpochMillis>, DomainError> {
    match t {
        None | Some(0) => Ok(None),
        Some(t) if t < 0 => Err(invalid(format!("{what} must not be negative (got {t})"))),
        Some(t) => Ok(Some(to_millis(t))),
    }
}

fn names(what: &str, list: Vec<String>) -> Result<Vec<String>, DomainError> {
    if list.len() > MAX_HOSTS {
        return Err(invalid(format!(
            "an event names at most {MAX_HOSTS} {what}; the request names {}",
            list.len()
        )));
    }
    if list.iter().any(|h| h.trim().is_empty()) {
        return Err(invalid(format!("an event's {what} may not be blank")));
    }
    Ok(list)
}

/// Checks an input and fills in what the rules give: the name from `annotations.prettyName`, a
/// missing or zero start as `now`, seconds as milliseconds, an end equal to the start as an
/// instant (`start + 1`).
pub(crate) fn prepare(input: EventInput, now: EpochMillis) -> Result<Prepared, DomainError> {
    let annotations = input.annotations.unwrap_or_default();
    if annotations.len() > MAX_ANNOTATIONS {
        return Err(invalid(format!(
            "an event holds at most {MAX_ANNOTATIONS} annotations; the request has {}",
            annotations.len()
        )));
    }
    for (k, v) in &annotations {
        if k.is_empty() {
            return Err(invalid("an annotation's key may not be empty"));
        }
        if v.chars().nth(MAX_ANNOTATION_CHARS).is_some() {
            return Err(invalid(format!(
                "annotation '{k}' is longer than {MAX_ANNOTATION_CHARS} characters"
            )));
        }
    }
    let name = annotations
        .get("prettyName")
        .filter(|n| !n.trim().is_empty())
        .cloned()
        .or(input.name)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| invalid("an event needs a name"))?;
    if name.chars().nth(MAX_NAME_CHARS).is_some() {
        return Err(invalid(format!(
            "an event's name is at most {MAX_NAME_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(invalid("an event's name may not hold control characters"));
    }
    let start_ms = time("startTime", input.start_time)?.unwrap_or(now);
    let end_ms = match time("endTime", input.end_time)? {
        Some(end) if end < start_ms => {
            return Err(invalid(format!(
                "endTime ({end}) is before startTime ({start_ms})"
            )));
        }
        Some(end) if end == start_ms => Some(start_ms.saturating_add(1)),
        other => other,
    };
    let dimensions = input.dimensions.unwrap_or_default();
    if dimensions.len() > MAX_ANNOTATIONS {
        return Err(invalid(format!(
            "an event holds at most {MAX_ANNOTATIONS} dimensions"
        )));
    }
    let mut checked = BTreeMap::new();
    for (k, v) in dimensions {
        checked.insert(k, names("dimension values", v)?);
    }
    Ok(Prepared {
        name,
        start_ms,
        end_ms,
        annotations,
        hosts: names("hosts", input.hosts.unwrap_or_default())?,
        tags: tag_set(input.tags.unwrap_or_default())?,
        dimensions: checked,
        alert_tags: names("alert tags", input.alert_tags.unwrap_or_default())?,
        metrics_used: names("metrics", input.metrics_used.unwrap_or_default())?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_700_000_000_000;

    fn named(name: &str) -> EventInput {
        EventInput {
            name: Some(name.into()),
            ..EventInput::default()
        }
    }

    #[test]
    fn start_defaults_to_now_and_seconds_become_milliseconds() {
        let p = prepare(named("a"), NOW).expect("valid");
        assert_eq!((p.start_ms, p.end_ms), (NOW, None));
        let p = prepare(
            EventInput {
                start_time: Some(0),
                end_time: Some(0),
                ..named("a")
            },
            NOW,
        )
        .expect("valid");
        assert_eq!((p.start_ms, p.end_ms), (NOW, None));
        let p = prepare(
            EventInput {
                start_time: Some(1_795_881_521),
                end_time: Some(1_795_881_581),
                ..named("a")
            },
            NOW,
        )
        .expect("valid");
        assert_eq!(
            (p.start_ms, p.end_ms),
            (1_795_881_521_000, Some(1_795_881_581_000))
        );
        let p = prepare(
            EventInput {
                start_time: Some(NOW),
                end_time: Some(NOW),
                ..named("a")
            },
            NOW,
        )
        .expect("valid");
        assert_eq!(p.end_ms, Some(NOW + 1), "an instant");
    }

    #[test]
    fn bad_input_is_refused() {
        for bad in [
            EventInput::default(),
            named("  "),
            named("a\u{7}b"),
            EventInput {
                start_time: Some(-1),
                ..named("a")
            },
            EventInput {
                start_time: Some(NOW),
                end_time: Some(NOW - 1),
                ..named("a")
            },
            EventInput {
                tags: Some(vec!["bad tag".into()]),
                ..named("a")
            },
            EventInput {
                hosts: Some(vec![String::new()]),
                ..named("a")
            },
        ] {
            assert!(
                matches!(prepare(bad.clone(), NOW), Err(DomainError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn pretty_name_wins_and_tags_are_a_set() {
        let p = prepare(
            EventInput {
                annotations: Some(BTreeMap::from([("prettyName".into(), "Pretty".into())])),
                tags: Some(vec!["b".into(), "a.x:1".into(), "b".into()]),
                ..named("plain")
            },
            NOW,
        )
        .expect("valid");
        assert_eq!(p.name, "Pretty");
        assert_eq!(p.tags, ["a.x:1", "b"]);
    }
}
