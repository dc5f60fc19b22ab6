//! The life cycle of an event, computed at read time from its start, its end and the clock:
//! PENDING before it starts, ONGOING until it ends (or for ever, without an end), ENDED after.

use crate::clock::EpochMillis;

/// An event left open this long after its start is closed by the product ("events ongoing for 60
/// days are auto-closed"); crest reads it as ended at that moment, with no job to run.
pub const AUTO_CLOSE_MS: EpochMillis = 60 * 24 * 60 * 60 * 1000;

/// "You cannot have more than 1000 ongoing events": a new open user event beyond them is refused.
pub const MAX_ONGOING_USER_EVENTS: u64 = 1_000;

/// The span around an event its related events are looked for in ("time span of one hour").
pub const RELATED_SPAN_MS: EpochMillis = 60 * 60 * 1000;

/// `runningState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunningState {
    Pending,
    Ongoing,
    Ended,
}

impl RunningState {
    /// The state at `now` of an event from `start` to `end` (`None`: open).
    pub fn of(start: EpochMillis, end: Option<EpochMillis>, now: EpochMillis) -> Self {
        if start > now {
            Self::Pending
        } else if end.is_some_and(|e| e <= now) {
            Self::Ended
        } else {
            Self::Ongoing
        }
    }

    /// The API's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Ongoing => "ONGOING",
            Self::Ended => "ENDED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_follows_the_clock() {
        assert_eq!(RunningState::of(10, None, 9), RunningState::Pending);
        assert_eq!(RunningState::of(10, Some(11), 9), RunningState::Pending);
        assert_eq!(RunningState::of(10, None, 10), RunningState::Ongoing);
        assert_eq!(RunningState::of(10, None, 1_000_000), RunningState::Ongoing);
        assert_eq!(RunningState::of(10, Some(11), 10), RunningState::Ongoing);
        assert_eq!(RunningState::of(10, Some(11), 11), RunningState::Ended);
    }
}
