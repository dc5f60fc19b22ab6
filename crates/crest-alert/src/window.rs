//! Where a check's window of minutes lies.

/// One minute in milliseconds.
pub const MINUTE_MS: i64 = 60_000;

/// An alert's timing: the trigger window, the resolve window and whether the last, still
/// filling minute counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// `minutes`: the trigger window, at least 1.
    pub trigger_minutes: u32,
    /// `resolveAfterMinutes`: the resolve window (the trigger window when unset), at least 1.
    pub resolve_minutes: u32,
    /// `evaluateRealtimeData`: the minute the check falls in is the window's last.
    pub realtime: bool,
}

impl Timing {
    /// The longer of the two windows: what one query must cover for both.
    pub fn longest_minutes(&self) -> u32 {
        self.trigger_minutes.max(self.resolve_minutes).max(1)
    }
}

/// The window `[start, end)` (epoch ms, whole minutes) of `minutes` minutes that a check at
/// `check_ms` evaluates: its last minute is the one before the minute of the check ("the last
/// summarization data point = check time rounded down to the minute − 1 minute"), or the minute of
/// the check itself when `realtime`. A 5-minute window checked at 1:09:32 is 1:04–1:08 (ends at
/// 1:09:00).
pub fn window(check_ms: i64, minutes: u32, realtime: bool) -> (i64, i64) {
    let minute = check_ms.div_euclid(MINUTE_MS).saturating_mul(MINUTE_MS);
    let end = if realtime {
        minute.saturating_add(MINUTE_MS)
    } else {
        minute
    };
    let start = end.saturating_sub(i64::from(minutes.max(1)).saturating_mul(MINUTE_MS));
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64, m: i64, s: i64) -> i64 {
        ((h * 60 + m) * 60 + s) * 1000
    }

    #[test]
    fn a_five_minute_window_checked_at_1_09_32_is_1_04_to_1_08() {
        assert_eq!(window(at(1, 9, 32), 5, false), (at(1, 4, 0), at(1, 9, 0)));
    }

    #[test]
    fn realtime_takes_the_minute_of_the_check() {
        assert_eq!(window(at(1, 9, 32), 5, true), (at(1, 5, 0), at(1, 10, 0)));
    }

    #[test]
    fn a_check_on_the_minute_ends_there() {
        assert_eq!(
            window(at(10, 26, 0), 5, false),
            (at(10, 21, 0), at(10, 26, 0))
        );
    }
}
