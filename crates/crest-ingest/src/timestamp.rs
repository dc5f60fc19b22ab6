//! Timestamps of metric and histogram lines: recognised by a leading digit, read as a Java double,
//! their unit told by magnitude, answered in epoch milliseconds.
//!
//! As java-lib's `parseTimestamp`: the token is a timestamp only when its first character is an
//! ASCII digit (so no negative times); it is parsed with `Double.parseDouble` (fractions allowed)
//! and truncated to a whole number; below 10^12 it is seconds (the milliseconds are
//! `(long)(1000 × t)`, keeping a fraction's milliseconds), below 10^13 milliseconds, below 10^16
//! microseconds (÷ 1000), else nanoseconds (÷ 10^6). Divisions truncate, as Java's do. A token of
//! plain digits is read exactly as an integer (Java's double would round nanoseconds).
#![deny(clippy::arithmetic_side_effects)]

use crate::numbers::parse_java_double;

/// Whether a token would be read as a timestamp (its first character is a digit).
pub fn looks_like_timestamp(token: &str) -> bool {
    token.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// The epoch milliseconds of a timestamp token, or `None` when it is not a Java double.
pub fn timestamp_millis(token: &str) -> Option<i64> {
    if let Some(whole) = plain_integer(token) {
        return Some(by_magnitude(whole, None));
    }
    let value = parse_java_double(token)?;
    Some(by_magnitude(saturating_i64(value), Some(value)))
}

/// The unit rule on the whole number (and, for seconds, the exact value with its fraction).
fn by_magnitude(whole: i64, value: Option<f64>) -> i64 {
    if whole < 1_000_000_000_000 {
        match value {
            Some(v) => saturating_i64(v * 1000.0),
            None => whole.saturating_mul(1000),
        }
    } else if whole < 10_000_000_000_000 {
        whole
    } else if whole < 10_000_000_000_000_000 {
        whole.checked_div(1000).unwrap_or(0)
    } else {
        whole.checked_div(1_000_000).unwrap_or(0)
    }
}

/// Plain digits (the usual case) read exactly as an integer; `None` for anything else, or for
/// more than `i64` holds. (Java reads them through a double, which rounds nanosecond timestamps
/// above 2^53 and can move them by a millisecond; crest keeps the digits.)
fn plain_integer(token: &str) -> Option<i64> {
    let bytes = token.as_bytes();
    if bytes.is_empty() || bytes.len() > 19 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: i64 = 0;
    for &b in bytes {
        n = n
            .checked_mul(10)?
            .checked_add(i64::from(b.wrapping_sub(b'0')))?;
    }
    Some(n)
}

/// Java's `(long) d`: truncation toward zero, saturating at the ends, NaN as 0. Rust's `as` does
/// exactly that.
#[allow(clippy::cast_possible_truncation)]
pub fn saturating_i64(value: f64) -> i64 {
    value as i64
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_is_told_by_magnitude() {
        let t = 1_796_425_270i64;
        assert_eq!(timestamp_millis("1796425270"), Some(t * 1000));
        assert_eq!(timestamp_millis("1796425270123"), Some(t * 1000 + 123));
        assert_eq!(timestamp_millis("1796425270123456"), Some(t * 1000 + 123));
        assert_eq!(
            timestamp_millis("1796425270123456789"),
            Some(t * 1000 + 123)
        );
        assert_eq!(timestamp_millis("1796425270.5"), Some(t * 1000 + 500));
        assert_eq!(timestamp_millis("1796425270123.9"), Some(t * 1000 + 123));
        assert_eq!(timestamp_millis("1.79642527e9"), Some(t * 1000));
        assert_eq!(timestamp_millis("0"), Some(0));
        assert_eq!(timestamp_millis("1e400"), Some(i64::MAX / 1_000_000));
        assert_eq!(timestamp_millis("17x"), None);
    }

    #[test]
    fn only_a_leading_digit_makes_a_timestamp() {
        assert!(looks_like_timestamp("1796425270"));
        assert!(!looks_like_timestamp("-1"));
        assert!(!looks_like_timestamp(".5"));
        assert!(!looks_like_timestamp("source"));
        assert!(!looks_like_timestamp(""));
    }
}
