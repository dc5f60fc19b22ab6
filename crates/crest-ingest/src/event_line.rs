//! Event lines: `@Event <start> [<end>] <name> k=v ...`, as java-lib's `EventDecoder` reads them.
//!
//! `host=` (repeatable) names the hosts, `tag=` and `eventTag=` (repeatable) the tags; any other
//! key given once is an annotation, a key given more than once a dimension with every value. An
//! event with no end, or an end not after its start, is an instant: it ends at start + 1. Times
//! are told by magnitude like a point's ([`crate::timestamp`]), so the seconds the Python SDK
//! writes in proxy mode are read as seconds.

use std::collections::BTreeMap;

use crate::refusal::{Refusal, parse};
use crate::tags::parse_pairs;
use crate::timestamp::{looks_like_timestamp, timestamp_millis};
use crate::tokenizer::Tokenizer;

/// One event as a line describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLine {
    pub start_ms: i64,
    pub end_ms: i64,
    pub name: String,
    pub annotations: BTreeMap<String, String>,
    pub hosts: Vec<String>,
    pub tags: Vec<String>,
    pub dimensions: BTreeMap<String, Vec<String>>,
}

fn time(token: &str, what: &str) -> Result<i64, Refusal> {
    timestamp_millis(token).ok_or_else(|| parse(format!("Invalid {what}: {token}")))
}

/// Parses one `@Event` line.
pub fn parse_event(line: &str) -> Result<EventLine, Refusal> {
    let mut tokens = Tokenizer::new(line);
    let literal = tokens.next()?.unwrap_or_default();
    if literal != "@Event" {
        return Err(parse(format!("'{literal}' is not allowed here!")));
    }
    let start = match tokens.next()? {
        Some(t) if looks_like_timestamp(&t) => time(&t, "start time")?,
        Some(t) => return Err(parse(format!("Invalid start time: {t}"))),
        None => return Err(parse("Event start time is missing")),
    };
    let second = tokens
        .next()?
        .ok_or_else(|| parse("Event name is missing"))?;
    // A second time is there when a digit-led token is followed by another token that is not
    // its `=`; otherwise it is the name.
    let (end, name) =
        if looks_like_timestamp(&second) && tokens.peek()?.is_some_and(|next| next != "=") {
            let end = time(&second, "end time")?;
            let name = tokens
                .next()?
                .ok_or_else(|| parse("Event name is missing"))?;
            (Some(end), name)
        } else {
            (None, second)
        };
    if name.trim().is_empty() {
        return Err(parse("Event name is empty"));
    }
    let mut pairs = Vec::new();
    parse_pairs(&mut tokens, &mut pairs)?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (k, _) in &pairs {
        *counts.entry(k.as_ref()).or_default() += 1;
    }
    let mut event = EventLine {
        start_ms: start,
        end_ms: match end {
            Some(e) if e > start => e,
            _ => start.saturating_add(1),
        },
        name: name.into_owned(),
        annotations: BTreeMap::new(),
        hosts: Vec::new(),
        tags: Vec::new(),
        dimensions: BTreeMap::new(),
    };
    for (k, v) in &pairs {
        let (k, v) = (k.as_ref(), v.to_string());
        match k {
            "host" => event.hosts.push(v),
            "tag" | "eventTag" => event.tags.push(v),
            _ if counts.get(k).copied().unwrap_or(0) > 1 => {
                event.dimensions.entry(k.to_owned()).or_default().push(v)
            }
            _ => {
                event.annotations.insert(k.to_owned(), v);
            }
        }
    }
    Ok(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoders_example() {
        let e = parse_event(
            "@Event 1569423200123 1569423260123 \"Event name for testing\" type=deployment-event \
             host=app1 severity=INFO host=app2 tag=eventtag1 description=\"Deployment event\" \
             k=1 k=2",
        )
        .expect("valid");
        assert_eq!(e.start_ms, 1_569_423_200_123);
        assert_eq!(e.end_ms, 1_569_423_260_123);
        assert_eq!(e.name, "Event name for testing");
        assert_eq!(e.hosts, ["app1", "app2"]);
        assert_eq!(e.tags, ["eventtag1"]);
        assert_eq!(e.annotations["type"], "deployment-event");
        assert_eq!(e.annotations["severity"], "INFO");
        assert_eq!(e.annotations["description"], "Deployment event");
        assert_eq!(e.dimensions["k"], ["1", "2"]);
        assert!(!e.annotations.contains_key("k"));
    }

    #[test]
    fn instants_seconds_and_refusals() {
        let e = parse_event("@Event 1569423200123 name").expect("valid");
        assert_eq!((e.end_ms, e.name.as_str()), (1_569_423_200_124, "name"));
        let e = parse_event("@Event 1569423200123 1569423200000 name").expect("valid");
        assert_eq!(e.end_ms, 1_569_423_200_124, "an end before the start");
        let e = parse_event(
            "@Event 1795881528 1795881588 \"name\" severity=\"severe\" tag=\"env:test\"",
        )
        .expect("valid");
        assert_eq!(
            (e.start_ms, e.end_ms),
            (1_795_881_528_000, 1_795_881_588_000)
        );
        assert_eq!(e.tags, ["env:test"]);
        for bad in [
            "@Event",
            "@Event x name",
            "@Event 1569423200123",
            "@Event 1569423200123 \"\"",
            "@Event 1569423200123 name key",
            "@event 1569423200123 name",
        ] {
            assert!(parse_event(bad).is_err(), "{bad}");
        }
    }
}
