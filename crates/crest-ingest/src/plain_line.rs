//! The common metric line read in one pass: `<name> <value> [<timestamp>] key=value ...` in
//! printable ASCII, tokens apart by spaces, nothing quoted, every part valid.
//!
//! Almost every line a proxy or an SDK sends has this shape. The general reading (tokenizer,
//! pairs, source rules, validation) scans such a line several times; this reads it once, checking
//! each byte's class as it goes. It answers `None`, having decided nothing, for any line it does
//! not take whole: a quote, a tab, a byte beyond ASCII, a `~` or delta name, a repeated key, a
//! `tag` key, `source` beside `host`, a limit reached, a value or a timestamp that does not read.
//! The general reading then takes the line and gives it its answer or its refusal, so that what a
//! line gives never depends on which reading took it (the property test in `ingest` compares the
//! two on every kind of line).
//!
//! A line is read in two halves: the head (name, value, timestamp) and the tail (the tags as
//! written), which depends on nothing else. A body names most series on many lines in the same
//! bytes, so `ingest` reads a tail it has taken before only once.
#![deny(clippy::arithmetic_side_effects)]

use crate::numbers::parse_java_double;
use crate::options::Limits;
use crate::timestamp::timestamp_millis;
use crate::validate::ALLOWED;

/// A byte allowed in a metric name or a tag key (`validate`'s table).
const NAME: u8 = 1;
/// A byte allowed in a plain tag value or number: printable ASCII but the space and `=`.
const VALUE: u8 = 2;

/// Each byte's classes.
// Indexing in a constant cannot fail at run time: a wrong index stops the build.
#[allow(clippy::indexing_slicing)]
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let mut class = 0u8;
        if ALLOWED[b] == 1 {
            class |= NAME;
        }
        if b > 0x20 && b < 0x7f && b != 0x3d {
            class |= VALUE;
        }
        table[b] = class;
        b += 1;
    }
    table
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

/// A line taken whole: its parts as written (the source not yet lower-cased).
#[cfg(test)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlainLine<'a> {
    pub metric: &'a str,
    pub source: &'a str,
    pub value: f64,
    /// Epoch milliseconds, when the line has a timestamp.
    pub timestamp: Option<i64>,
}

/// The part of a plain line before its tags, read as [`read_plain`] reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PlainHead<'a> {
    pub metric: &'a str,
    pub value: f64,
    /// Epoch milliseconds, when the line has a timestamp.
    pub timestamp: Option<i64>,
    /// The rest of the line, the tags as written: what [`read_tail`] reads. Two lines whose
    /// metric and tail are the same bytes name the same series, or are both left to the general
    /// reading.
    pub tail: &'a str,
}

/// Reads `line` (leading whitespace already skipped) when it has the plain shape and every part
/// passes the checks of `limits`; its tags, without the source, into `tags` sorted by key. (The
/// reading in `ingest` takes the two halves apart, [`read_head`] and [`read_tail`].)
#[cfg(test)]
pub(crate) fn read_plain<'a>(
    line: &'a str,
    limits: &Limits,
    tags: &mut Vec<(&'a str, &'a str)>,
) -> Option<PlainLine<'a>> {
    tags.clear();
    let head = read_head(line, limits)?;
    let source = read_tail(head.tail, limits, tags)?;
    Some(PlainLine {
        metric: head.metric,
        source,
        value: head.value,
        timestamp: head.timestamp,
    })
}

/// The metric, value and timestamp of `line` when they have the plain shape, and its tail.
pub(crate) fn read_head<'a>(line: &'a str, limits: &Limits) -> Option<PlainHead<'a>> {
    let mut scan = Scan {
        line,
        bytes: line.as_bytes(),
        pos: 0,
    };
    let metric = scan.token(NAME)?;
    if metric.len() > limits.metric_name {
        return None;
    }
    let value = scan.token(VALUE).filter(|t| opens_plainly(t))?;
    let value = parse_java_double(value)?;
    scan.skip_spaces();
    let timestamp = if scan.peek().is_some_and(|b| b.is_ascii_digit()) {
        Some(timestamp_millis(scan.token(VALUE)?)?)
    } else {
        None
    };
    Some(PlainHead {
        metric,
        value,
        timestamp,
        tail: line.get(scan.pos..)?,
    })
}

/// The source of a line's tail (its tags as written) when every tag is plain and within
/// `limits`; the other tags into `tags`, sorted by key. Depends on the tail's bytes and the
/// limits alone.
pub(crate) fn read_tail<'a>(
    tail: &'a str,
    limits: &Limits,
    tags: &mut Vec<(&'a str, &'a str)>,
) -> Option<&'a str> {
    tags.clear();
    let mut scan = Scan {
        line: tail,
        bytes: tail.as_bytes(),
        pos: 0,
    };
    let mut source = None;
    while let Some((key, value)) = scan.pair()? {
        match key {
            "source" | "host" => {
                if source.replace(value).is_some() {
                    return None;
                }
            }
            "tag" => return None,
            _ => {
                if key.len() > limits.tag_key
                    || key.len().checked_add(value.len())? >= 255
                    || value.len() > limits.tag_value
                {
                    return None;
                }
                tags.push((key, value));
            }
        }
    }
    let source = source.filter(|s| s.len() <= limits.source)?;
    if tags.len() > limits.tags_per_point || !sort_distinct(tags) {
        return None;
    }
    Some(source)
}

/// Whether a value token starts as the tokenizer reads a plain token (not a quote, not `#`).
fn opens_plainly(token: &str) -> bool {
    !matches!(token.as_bytes().first(), Some(b'"' | b'\'' | b'#'))
}

/// Sorts `tags` by key; false when a key repeats (which order equal keys take does not matter:
/// the line is then left to the general reading).
fn sort_distinct(tags: &mut [(&str, &str)]) -> bool {
    tags.sort_unstable_by(|a, b| a.0.cmp(b.0));
    tags.windows(2).all(|w| matches!(w, [a, b] if a.0 != b.0))
}

/// A position in the line.
struct Scan<'a> {
    line: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.pos = self.pos.saturating_add(1);
        }
    }

    /// The next token, up to a space or the end, when all its bytes are of class `want`.
    fn token(&mut self, want: u8) -> Option<&'a str> {
        self.skip_spaces();
        let start = self.pos;
        let mut all = want;
        while let Some(b) = self.peek().filter(|&b| b != b' ') {
            all &= class(b);
            self.pos = self.pos.saturating_add(1);
        }
        (all == want && self.pos > start).then(|| self.line.get(start..self.pos))?
    }

    /// The next `key=value`: `Some(None)` at the end of the line, `None` for anything but a
    /// name, `=` and a plain value with nothing between them.
    fn pair(&mut self) -> Option<Option<(&'a str, &'a str)>> {
        self.skip_spaces();
        if self.peek().is_none() {
            return Some(None);
        }
        let start = self.pos;
        while self.peek().is_some_and(|b| class(b) & NAME != 0) {
            self.pos = self.pos.saturating_add(1);
        }
        let eq = self.pos;
        if eq == start || self.peek() != Some(b'=') {
            return None;
        }
        self.pos = eq.saturating_add(1);
        let value = self.token(VALUE).filter(|t| opens_plainly(t))?;
        // `token` skipped no space: the value follows the `=` directly.
        if value.len() != self.pos.saturating_sub(eq).saturating_sub(1) {
            return None;
        }
        Some(Some((self.line.get(start..eq)?, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Option<(PlainLine<'_>, Vec<(&str, &str)>)> {
        let mut tags = Vec::new();
        let got = read_plain(line, &Limits::default(), &mut tags)?;
        Some((got, tags))
    }

    #[test]
    fn a_plain_line_is_read_whole() {
        let (line, tags) = read("cpu.load 1.5 1796425270 source=Web-1 dc=x  app=y").unwrap();
        assert_eq!(
            line,
            PlainLine {
                metric: "cpu.load",
                source: "Web-1",
                value: 1.5,
                timestamp: Some(1_796_425_270_000),
            }
        );
        assert_eq!(tags, [("app", "y"), ("dc", "x")]);
        let (line, tags) = read("m -2 host=h").unwrap();
        assert_eq!((line.source, line.timestamp, line.value), ("h", None, -2.0));
        assert!(tags.is_empty());
    }

    #[test]
    fn anything_unusual_is_left_to_the_general_reading() {
        for line in [
            "m 1 source=a k= v",
            "m 1 source=a k =v",
            "m 1 source=a k=\"v\"",
            "m 1 source=a k='v'",
            "m 1 source=a k=#v",
            "m 1 source=a k=v=w",
            "m 1 source=a\tk=v",
            "m 1 source=a k=v k=w",
            "m 1 source=a host=b",
            "m 1 source=a tag=t",
            "m 1 k=v",
            "\"m\" 1 source=a",
            "~m 1 source=a",
            "m x source=a",
            "m 1 17x source=a",
            "m 1 source=a extra",
            "m 1 source=é",
            "m 1 1=2 source=a",
            "m 1 source=",
        ] {
            assert_eq!(read(line), None, "{line}");
        }
    }

    #[test]
    fn limits_are_left_to_the_general_reading() {
        let long = "v".repeat(300);
        assert_eq!(read(&format!("m 1 source=a k={long}")), None);
        let many: String = (0..21).map(|i| format!(" k{i}=v")).collect();
        assert_eq!(read(&format!("m 1 source=a{many}")), None);
    }
}
