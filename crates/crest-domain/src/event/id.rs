//! Event ids as the product forms them: `<startTime ms>:<name>`, then `:<n>` for the n-th other
//! event with the same start and name (`1551229468000:Alert test1:1`).

use crate::clock::EpochMillis;

/// The id of an event starting at `start_ms` with `name`; `n` > 0 tells apart events that share
/// both.
pub fn event_id(start_ms: EpochMillis, name: &str, n: u32) -> String {
    if n == 0 {
        format!("{start_ms}:{name}")
    } else {
        format!("{start_ms}:{name}:{n}")
    }
}

/// The start time an id opens with (its digits before the first `:`), as a cursor needs it.
pub fn start_of_id(id: &str) -> Option<EpochMillis> {
    let (digits, _) = id.split_once(':')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_their_start_and_name() {
        assert_eq!(
            event_id(1_490_000_000_000, "Event API Example", 0),
            "1490000000000:Event API Example"
        );
        assert_eq!(event_id(5, "a:b", 2), "5:a:b:2");
        assert_eq!(
            start_of_id("1551229468000:Alert Fired: x:0"),
            Some(1_551_229_468_000)
        );
        for bad in ["", "abc", ":x", "12", "-1:x", "1a:x"] {
            assert_eq!(start_of_id(bad), None, "{bad}");
        }
    }
}
