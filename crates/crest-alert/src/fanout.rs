//! Who is told what: a check's changes as notices to the targets of each severity (A-15, §2.3).
//!
//! A classic alert has one level of targets, its severity. A threshold alert has targets per
//! severity, and a level is "firing" while the alert fires at that severity or a higher one:
//! when SEVERE is met, the SEVERE, WARN, SMOKE and INFO targets are all notified. A level that
//! starts firing is told the alert opened, one that stops is told it resolved, and one that fires
//! on while the failing series or the highest severity change is told it was updated — so a
//! SEVERE alert falling back to WARN resolves for the SEVERE targets and updates the WARN ones,
//! as the docs say. Changes about the alert as a whole (no data, invalid) go to every level.

use crate::check::Change;
use crest_domain::alert::Severity;
pub use crest_notify::Trigger;

/// One notice: the targets of `level` are told of `trigger`. `severity_changed` marks an update
/// that changed the alert's highest severity (targets subscribed to `ALERT_SEVERITY_UPDATE`
/// receive those too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub level: Severity,
    pub trigger: Trigger,
    pub severity_changed: bool,
}

/// The notices of a check's `changes` for target `levels` (the severities that have targets),
/// given the highest failing severity `before` and `after` the check.
pub fn notices(
    changes: &[Change],
    before: Option<Severity>,
    after: Option<Severity>,
    levels: &[Severity],
) -> Vec<Notice> {
    let mut out = Vec::new();
    let firing = |at: Option<Severity>, level: Severity| at.is_some_and(|s| s >= level);
    let mut push = |level: Severity, trigger: Trigger, severity_changed: bool| {
        let n = Notice {
            level,
            trigger,
            severity_changed,
        };
        if !out.contains(&n) {
            out.push(n);
        }
    };
    for change in changes {
        for &level in levels {
            let (was, is) = (firing(before, level), firing(after, level));
            match change {
                Change::Opened(_) | Change::Resolved(_) | Change::Updated { .. } => {
                    let changed = matches!(
                        change,
                        Change::Updated {
                            severity: Some(_),
                            ..
                        }
                    );
                    match (was, is) {
                        (false, true) => push(level, Trigger::AlertOpened, changed),
                        (true, false) => push(level, Trigger::AlertResolved, changed),
                        (true, true) => push(level, Trigger::AlertUpdated, changed),
                        (false, false) => {}
                    }
                }
                Change::Retriggered if is => push(level, Trigger::AlertRetriggered, false),
                Change::Maintenance if is => push(level, Trigger::AlertMaintenance, false),
                Change::Retriggered | Change::Maintenance => {}
                Change::NoData => push(level, Trigger::AlertNoData, false),
                Change::NoDataMaintenance => push(level, Trigger::AlertNoDataMaintenance, false),
                Change::NoDataResolved => push(level, Trigger::AlertNoDataResolved, false),
                Change::Invalid(_) => push(level, Trigger::AlertInvalid, false),
                Change::NoLongerInvalid => push(level, Trigger::AlertNoLongerInvalid, false),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Severity::*;

    const LEVELS: [Severity; 3] = [Smoke, Warn, Severe];

    fn of(list: &[Notice], trigger: Trigger) -> Vec<Severity> {
        list.iter()
            .filter(|n| n.trigger == trigger)
            .map(|n| n.level)
            .collect()
    }

    #[test]
    fn opening_at_warn_tells_the_warn_and_milder_targets() {
        let n = notices(&[Change::Opened(Warn)], None, Some(Warn), &LEVELS);
        assert_eq!(of(&n, Trigger::AlertOpened), vec![Smoke, Warn]);
        assert_eq!(n.len(), 2);
    }

    #[test]
    fn rising_to_severe_opens_for_severe_and_updates_the_others() {
        let change = Change::Updated {
            newly_failing: vec![],
            recovered: vec![],
            severity: Some((Warn, Severe)),
        };
        let n = notices(&[change], Some(Warn), Some(Severe), &LEVELS);
        assert_eq!(of(&n, Trigger::AlertOpened), vec![Severe]);
        assert_eq!(of(&n, Trigger::AlertUpdated), vec![Smoke, Warn]);
        assert!(n.iter().all(|x| x.severity_changed));
    }

    #[test]
    fn falling_back_to_warn_resolves_severe_and_updates_the_others() {
        let change = Change::Updated {
            newly_failing: vec![],
            recovered: vec![],
            severity: Some((Severe, Warn)),
        };
        let n = notices(&[change], Some(Severe), Some(Warn), &LEVELS);
        assert_eq!(of(&n, Trigger::AlertResolved), vec![Severe]);
        assert_eq!(of(&n, Trigger::AlertUpdated), vec![Smoke, Warn]);
    }

    #[test]
    fn resolving_tells_every_level_that_was_firing() {
        let n = notices(&[Change::Resolved(Warn)], Some(Warn), None, &LEVELS);
        assert_eq!(of(&n, Trigger::AlertResolved), vec![Smoke, Warn]);
    }

    #[test]
    fn no_data_goes_to_every_level() {
        let n = notices(&[Change::NoData], None, None, &LEVELS);
        assert_eq!(of(&n, Trigger::AlertNoData), LEVELS.to_vec());
    }
}
