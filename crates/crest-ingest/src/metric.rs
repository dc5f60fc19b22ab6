//! Metric lines: `<metric> <value> [<timestamp>] [k=v ...]`, parsed as java-lib's
//! `ReportPointDecoder` reads them (name, value, optional timestamp, then pairs to the end).

use std::borrow::Cow;

use crate::numbers::parse_java_double;
use crate::refusal::{Refusal, parse};
use crate::tags::parse_pairs;
use crate::timestamp::{looks_like_timestamp, timestamp_millis};
use crate::tokenizer::Tokenizer;
use crate::validate::Tag;

/// A metric line's parts (its pairs go to the caller's buffer).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricLine<'a> {
    pub metric: Cow<'a, str>,
    pub value: f64,
    /// Epoch milliseconds, when the line has a timestamp.
    pub timestamp: Option<i64>,
}

/// Parses one metric line; its pairs (unordered, as written) into `tags`.
pub fn parse_metric<'a>(line: &'a str, tags: &mut Vec<Tag<'a>>) -> Result<MetricLine<'a>, Refusal> {
    let mut tokens = Tokenizer::new(line);
    let metric = tokens.next()?.unwrap_or(Cow::Borrowed(""));
    let value = match tokens.next()? {
        None => return Err(parse("Value is missing")),
        Some(token) => match parse_java_double(&token) {
            Some(v) => v,
            None => return Err(parse(format!("Invalid value: {token}"))),
        },
    };
    let timestamp = match tokens.peek()? {
        Some(token) if looks_like_timestamp(token) => match timestamp_millis(token) {
            Some(t) => {
                tokens.next()?;
                Some(t)
            }
            None => return Err(parse(format!("Invalid timestamp value: {token}"))),
        },
        _ => None,
    };
    parse_pairs(&mut tokens, tags)?;
    Ok(MetricLine {
        metric,
        value,
        timestamp,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_a_metric_line() {
        let mut tags = Vec::new();
        let got = parse_metric(
            "\"cpu.load\" -1.5e2 1796425270 source=a k=\"v w\"",
            &mut tags,
        )
        .unwrap();
        assert_eq!(got.metric, "cpu.load");
        assert_eq!(got.value, -150.0);
        assert_eq!(got.timestamp, Some(1_796_425_270_000));
        assert_eq!(tags.len(), 2);
        let got = parse_metric("m 1 source=a", &mut tags).unwrap();
        assert_eq!(got.timestamp, None);
    }

    #[test]
    fn parse_failures_and_their_reasons() {
        let mut tags = Vec::new();
        for (line, reason) in [
            ("m", "Value is missing"),
            ("bad line without value", "Invalid value: line"),
            ("m NaNx source=a", "Invalid value: NaNx"),
            ("m 1 17x source=a", "Invalid timestamp value: 17x"),
            (
                "m 1 source=a extra",
                "Tag keys and values must be separated by '=', nothing found after 'extra'",
            ),
            (
                "m 1 2 3",
                "Tag keys and values must be separated by '=', nothing found after '3'",
            ),
            ("m 1 \"source=a", "Unmatched quote character: (\")"),
        ] {
            assert_eq!(parse_metric(line, &mut tags), Err(parse(reason)), "{line}");
        }
    }
}
