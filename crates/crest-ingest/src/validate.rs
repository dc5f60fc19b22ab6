//! The service's checks of a parsed point, with java-lib's `Validation` messages (WF-4xx).
//!
//! Lengths are Java string lengths (UTF-16 units), as the service measures them. The checks run in
//! java-lib's order (source, name length, name characters, tag count, then each tag's key+value,
//! key length, key characters, empty value, value length), so a line with several faults is
//! answered with the one the service would name. Tags are checked in key order.

use std::borrow::Cow;

use crate::options::Limits;
use crate::tokenizer::is_blank;

/// A point tag as parsed: key and value, borrowed from the line where no escape was undone.
pub type Tag<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Bytes allowed anywhere in a metric name or tag key: `,` `-` `.` `/` 0–9, A–Z, a–z, `_` (1),
/// every other byte 0: a byte-class table.
// Indexing in a constant cannot fail at run time: a wrong index stops the build.
#[allow(clippy::indexing_slicing)]
pub(crate) const ALLOWED: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        if matches!(b, 44..=57 | 65..=90 | 97..=122 | 95) {
            table[b] = 1;
        }
        b += 1;
    }
    table
};

/// Whether every byte is allowed; no early exit, so the loop has no branch per byte.
#[inline]
fn all_allowed(bytes: &[u8]) -> bool {
    bytes.iter().fold(1u8, |ok, &b| {
        ok & ALLOWED.get(usize::from(b)).copied().unwrap_or(0)
    }) == 1
}

/// The delta prefixes: ∆ U+2206 (stored) and Δ U+0394 (normalised to it).
const INCREMENT: &str = "\u{2206}";
const GREEK_DELTA: &str = "\u{0394}";

/// java-lib's `charactersAreValid`: the allowed ASCII characters; the first may also be `~`, `∆`
/// or `Δ`, and after a delta prefix the second may be `~`. The empty name is not valid.
#[inline]
pub fn characters_are_valid(name: &str) -> bool {
    let rest = if let Some(rest) = name
        .strip_prefix(INCREMENT)
        .or_else(|| name.strip_prefix(GREEK_DELTA))
    {
        rest.strip_prefix('~').unwrap_or(rest)
    } else if let Some(rest) = name.strip_prefix('~') {
        rest
    } else if name.is_empty() {
        return false;
    } else {
        name
    };
    all_allowed(rest.as_bytes())
}

/// Whether the name is a delta counter's (∆ or Δ first).
pub fn is_delta(name: &str) -> bool {
    name.starts_with(INCREMENT) || name.starts_with(GREEK_DELTA)
}

/// The name as stored: Δ U+0394 first becomes ∆ U+2206 (crest-series' `DELTA_PREFIX`).
pub fn normalise_delta(name: Cow<'_, str>) -> Cow<'_, str> {
    match name.strip_prefix(GREEK_DELTA) {
        Some(rest) => Cow::Owned(format!("{INCREMENT}{rest}")),
        None => name,
    }
}

/// Java's `String.length()`.
#[inline]
pub fn java_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}

/// What kind of name is checked: metric names and histogram names have their own limits and codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Metric,
    Histogram,
}

/// Checks a point's source, name and tags (sorted by key, without `source`/`host`) in the
/// service's order; the first failure's message.
pub fn validate(
    kind: NameKind,
    source: &str,
    name: &str,
    tags: &[Tag<'_>],
    limits: &Limits,
) -> Result<(), String> {
    if is_blank(source) {
        return Err("WF-406: Source/host name is required".to_owned());
    }
    let source_len = java_len(source);
    if source_len > limits.source {
        return Err(format!(
            "WF-407: Source/host name is too long ({source_len} characters, max: {}): {source}",
            limits.source
        ));
    }
    let name_len = java_len(name);
    match kind {
        NameKind::Metric if name_len > limits.metric_name => {
            return Err(format!(
                "WF-408: Metric name is too long ({name_len} characters, max: {}): {name}",
                limits.metric_name
            ));
        }
        NameKind::Histogram if name_len > limits.histogram_name => {
            return Err(format!(
                "WF-409: Histogram name is too long ({name_len} characters, max: {}): {name}",
                limits.histogram_name
            ));
        }
        _ => {}
    }
    if !characters_are_valid(name) {
        return Err(format!(
            "WF-400: Point metric has illegal character(s): {name}"
        ));
    }
    if tags.len() > limits.tags_per_point {
        return Err(format!(
            "WF-410: Too many point tags ({}, max {}): ",
            tags.len(),
            limits.tags_per_point
        ));
    }
    for (key, value) in tags {
        validate_tag(key, value, limits)?;
    }
    Ok(())
}

#[inline]
fn validate_tag(key: &str, value: &str, limits: &Limits) -> Result<(), String> {
    let key_len = java_len(key);
    let value_len = java_len(value);
    if key_len.saturating_add(value_len) >= 255 {
        return Err(format!(
            "WF-411: Point tag (key+value) too long ({} characters, max: 255): {key}={value}",
            key_len.saturating_add(value_len).saturating_add(1)
        ));
    }
    if key_len > limits.tag_key {
        return Err(format!(
            "WF-412: Point tag key is too long ({key_len} characters, max: {}): {key}",
            limits.tag_key
        ));
    }
    if !characters_are_valid(key) {
        return Err(format!(
            "WF-401: Point tag key has illegal character(s): {key}"
        ));
    }
    if is_blank(value) {
        return Err(format!(
            "WF-414: Point tag value for {key} is empty or missing"
        ));
    }
    if value_len > limits.tag_value {
        return Err(format!(
            "WF-413: Point tag value is too long ({value_len} characters, max: {}): {value}",
            limits.tag_value
        ));
    }
    Ok(())
}

/// WF-404: a delta counter's value must be positive (NaN is refused too: it is not positive).
pub const DELTA_NOT_POSITIVE: &str = "WF-404: Delta metrics cannot be non-positive";
/// WF-405: a histogram without a centroid of positive count.
pub const EMPTY_HISTOGRAM: &str = "WF-405: Empty histogram";

/// The proxy's range check: strictly after `now - past` and strictly before `now + future`.
pub fn in_time_range(timestamp: i64, now_ms: i64, limits: &Limits) -> bool {
    timestamp > now_ms.saturating_sub(limits.past_millis)
        && timestamp < now_ms.saturating_add(limits.future_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(k: &str, v: &str) -> Tag<'static> {
        (Cow::Owned(k.to_owned()), Cow::Owned(v.to_owned()))
    }

    #[test]
    fn the_character_rules_of_java_lib() {
        for ok in [
            "a",
            "cpu.usage",
            "a,b-c./d_0Z",
            "~internal",
            "\u{2206}cnt",
            "\u{0394}cnt",
            "\u{2206}~sdk.count",
            "\u{2206}",
        ] {
            assert!(characters_are_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "a b",
            "a~",
            "~~a",
            "a\u{2206}",
            "a:b",
            "a*",
            "é",
            "\u{2206}\u{2206}",
            "~\u{2206}",
            "a\"b",
        ] {
            assert!(!characters_are_valid(bad), "{bad}");
        }
    }

    #[test]
    fn greek_delta_is_stored_as_increment() {
        assert_eq!(normalise_delta(Cow::Borrowed("\u{0394}x")), "\u{2206}x");
        assert_eq!(normalise_delta(Cow::Borrowed("\u{2206}x")), "\u{2206}x");
        assert!(is_delta("\u{0394}x") && is_delta("\u{2206}x") && !is_delta("x"));
    }

    #[test]
    fn java_lengths_count_utf16_units() {
        assert_eq!(java_len("abc"), 3);
        assert_eq!(java_len("é"), 1);
        assert_eq!(java_len("😀"), 2);
    }

    #[test]
    fn each_check_and_its_message() {
        let l = Limits::default();
        let m = NameKind::Metric;
        let long = |n| "s".repeat(n);
        let cases: Vec<(String, String, Vec<Tag<'static>>, NameKind, &str)> = vec![
            (
                " ".into(),
                "m".into(),
                vec![],
                m,
                "WF-406: Source/host name is required",
            ),
            (
                long(129),
                "m".into(),
                vec![],
                m,
                "WF-407: Source/host name is too long (129 characters, max: 128): ",
            ),
            (
                "h".into(),
                long(257),
                vec![],
                m,
                "WF-408: Metric name is too long (257 characters, max: 256): sss",
            ),
            (
                "h".into(),
                long(257),
                vec![],
                NameKind::Histogram,
                "WF-409: Histogram name is too long (257 characters, max: 256): sss",
            ),
            (
                "h".into(),
                "a b".into(),
                vec![],
                m,
                "WF-400: Point metric has illegal character(s): a b",
            ),
            (
                "h".into(),
                "m".into(),
                (0..21).map(|i| tag(&format!("k{i:02}"), "v")).collect(),
                m,
                "WF-410: Too many point tags (21, max 20): ",
            ),
            (
                "h".into(),
                "m".into(),
                vec![tag("k", &long(254))],
                m,
                "WF-411: Point tag (key+value) too long (256 characters, max: 255): k=sss",
            ),
            (
                "h".into(),
                "m".into(),
                vec![tag(&long(65), "v")],
                m,
                "WF-412: Point tag key is too long (65 characters, max: 64): sss",
            ),
            (
                "h".into(),
                "m".into(),
                vec![tag("a:b", "v")],
                m,
                "WF-401: Point tag key has illegal character(s): a:b",
            ),
            (
                "h".into(),
                "m".into(),
                vec![tag("k", " ")],
                m,
                "WF-414: Point tag value for k is empty or missing",
            ),
        ];
        for (source, name, tags, kind, want) in cases {
            let got = validate(kind, &source, &name, &tags, &l).unwrap_err();
            assert!(got.starts_with(want), "{got} / {want}");
        }
        let small = Limits {
            tag_value: 10,
            ..Limits::default()
        };
        assert_eq!(
            validate(m, "h", "m", &[tag("k", &long(11))], &small).unwrap_err(),
            "WF-413: Point tag value is too long (11 characters, max: 10): sssssssssss"
        );
        assert!(validate(m, "h", "m", &[tag("k", &long(253))], &l).is_ok());
    }

    #[test]
    fn the_time_range_is_open_at_both_ends() {
        let l = Limits::default();
        let now = 10_000_000_000_000;
        assert!(in_time_range(now, now, &l));
        assert!(!in_time_range(now - l.past_millis, now, &l));
        assert!(in_time_range(now - l.past_millis + 1, now, &l));
        assert!(!in_time_range(now + l.future_millis, now, &l));
        assert!(in_time_range(now + l.future_millis - 1, now, &l));
    }
}
