//! Histogram lines: `{!M|!H|!D} [<ts>] #<count> <mean> [#<count> <mean> ...] <name> [k=v ...]`,
//! parsed as java-lib's `ReportHistogramDecoder` reads them.

use std::borrow::Cow;

use crest_series::{Centroid, Granularity};

use crate::numbers::{parse_java_double, parse_java_int};
use crate::refusal::{Refusal, parse, rule};
use crate::tags::parse_pairs;
use crate::timestamp::{looks_like_timestamp, timestamp_millis};
use crate::tokenizer::Tokenizer;
use crate::validate::{EMPTY_HISTOGRAM, Tag};

/// A histogram line's parts (its pairs go to the caller's buffer).
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramLine<'a> {
    pub granularity: Granularity,
    /// Epoch milliseconds as given (not yet floored to the bin), when the line has a timestamp.
    pub timestamp: Option<i64>,
    /// The centroids with a positive count, in line order.
    pub centroids: Vec<Centroid>,
    pub name: Cow<'a, str>,
}

/// Parses one histogram line with at most `max_centroids` centroids; its pairs into `tags`.
///
/// Centroids whose count is 0 or negative are dropped (java-lib's storage step drops them too);
/// a line left without any is refused with WF-405. Means must be finite numbers.
pub fn parse_histogram<'a>(
    line: &'a str,
    max_centroids: usize,
    tags: &mut Vec<Tag<'a>>,
) -> Result<HistogramLine<'a>, Refusal> {
    let mut tokens = Tokenizer::new(line);
    let bin = tokens.next()?.unwrap_or(Cow::Borrowed(""));
    let granularity = match bin.as_ref() {
        "!M" => Granularity::Minute,
        "!H" => Granularity::Hour,
        "!D" => Granularity::Day,
        other => return Err(parse(format!("'{other}' is not allowed here!"))),
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
    let mut centroids = Vec::new();
    let mut seen = 0usize;
    while tokens.peek()? == Some("#") {
        seen = seen.saturating_add(1);
        if seen > max_centroids {
            return Err(parse(format!("Too many centroids (max {max_centroids})")));
        }
        tokens.next()?;
        let count = match tokens.next()? {
            None => return Err(parse("Unexpected end of line, expected: centroid weight")),
            Some(t) => parse_java_int(&t)
                .ok_or_else(|| parse(format!("Expected: centroid weight, got: {t}")))?,
        };
        let mean = match tokens.next()? {
            None => return Err(parse("Unexpected end of line, expected: centroid value")),
            Some(t) => match parse_java_double(&t) {
                Some(m) if m.is_finite() => m,
                _ => return Err(parse(format!("Expected: centroid value, got: {t}"))),
            },
        };
        if let Ok(count) = u32::try_from(count)
            && count > 0
        {
            centroids.push(Centroid { mean, count });
        }
    }
    if seen == 0 || centroids.is_empty() {
        return Err(rule(EMPTY_HISTOGRAM));
    }
    let name = match tokens.next()? {
        Some(name) => name,
        None => return Err(parse("Unexpected end of line, expected: histogram name")),
    };
    parse_pairs(&mut tokens, tags)?;
    Ok(HistogramLine {
        granularity,
        timestamp,
        centroids,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_the_sdk_line() {
        let mut tags = Vec::new();
        let got = parse_histogram(
            "!M 1795881521 #20 30.0 #10 5.1 \"request.latency\" source=\"appServer1\" \"region\"=\"us-west\"",
            100,
            &mut tags,
        )
        .unwrap();
        assert_eq!(got.granularity, Granularity::Minute);
        assert_eq!(got.timestamp, Some(1_795_881_521_000));
        assert_eq!(
            got.centroids,
            [
                Centroid {
                    mean: 30.0,
                    count: 20
                },
                Centroid {
                    mean: 5.1,
                    count: 10
                }
            ]
        );
        assert_eq!(got.name, "request.latency");
        assert_eq!(tags.len(), 2);
    }

    #[test]
    fn failures() {
        let mut tags = Vec::new();
        for (line, want) in [
            ("!M 1795881521 m source=a", rule(EMPTY_HISTOGRAM)),
            ("!M #0 1 m source=a", rule(EMPTY_HISTOGRAM)),
            (
                "!M #",
                parse("Unexpected end of line, expected: centroid weight"),
            ),
            (
                "!M #2",
                parse("Unexpected end of line, expected: centroid value"),
            ),
            ("!M #2.5 1 m", parse("Expected: centroid weight, got: 2.5")),
            ("!M #2 x m", parse("Expected: centroid value, got: x")),
            ("!M #2 NaN m", parse("Expected: centroid value, got: NaN")),
            (
                "!M #2 1",
                parse("Unexpected end of line, expected: histogram name"),
            ),
            ("!X #2 1 m", parse("'!X' is not allowed here!")),
            ("!M #1 1 #1 2 #1 3 m", parse("Too many centroids (max 2)")),
        ] {
            assert_eq!(parse_histogram(line, 2, &mut tags), Err(want), "{line}");
        }
    }

    #[test]
    fn non_positive_counts_are_dropped() {
        let mut tags = Vec::new();
        let got = parse_histogram("!H #-1 1 #0 2 #3 4 m", 100, &mut tags).unwrap();
        assert_eq!(
            got.centroids,
            [Centroid {
                mean: 4.0,
                count: 3
            }]
        );
    }
}
