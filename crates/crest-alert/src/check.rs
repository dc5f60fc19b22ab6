//! One check of one alert: each severity's answer judged series by series, the failing sets
//! folded into the alert's state, and what changed since the previous check (A-11 … A-16, M-3).

use std::collections::{BTreeMap, BTreeSet};

use crate::series::{Judgement, SeriesKey, judge};
use crate::window::{MINUTE_MS, Timing};
use crest_domain::alert::Severity;

/// Why a condition could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryFailure {
    /// The query does not parse (the UI's SYNTAX_ERROR: `INVALID` plus `querySyntaxError`).
    pub syntax: bool,
    pub message: String,
}

/// A condition's answer over the check's window: each series with its per-minute means, or why
/// there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Series(Vec<(SeriesKey, Vec<(i64, f64)>)>),
    Failed(QueryFailure),
}

/// A series failing at one severity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailingSeries {
    pub key: SeriesKey,
    pub severity: Severity,
    /// When it started failing (the check that first found it so).
    pub since_ms: i64,
    /// The judgement's `observed` and `firing` at the latest check.
    pub observed: usize,
    pub firing: usize,
}

/// What the previous check left (the default: an alert never checked).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Previous {
    /// Failing series, one entry per severity a series fails at.
    pub failing: Vec<FailingSeries>,
    pub no_data: bool,
    pub invalid: bool,
    /// Series held back by a maintenance window at the previous check.
    pub in_maintenance: Vec<SeriesKey>,
    /// The last time a notification went out for this alert.
    pub last_notified_ms: Option<i64>,
}

/// What a check needs besides the answers.
pub struct CheckInput<'a> {
    pub now_ms: i64,
    pub timing: Timing,
    /// `notificationResendFrequencyMinutes`, when positive.
    pub resend_minutes: Option<u32>,
    pub previous: &'a Previous,
    /// Whether a maintenance window holds back this series (always true when one holds back the
    /// whole alert).
    pub in_maintenance: &'a dyn Fn(&SeriesKey) -> bool,
}

impl std::fmt::Debug for CheckInput<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckInput")
            .field("now_ms", &self.now_ms)
            .field("timing", &self.timing)
            .field("resend_minutes", &self.resend_minutes)
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

/// What changed at a check, in the order it is reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// No series failed before and some do now, at this (highest) severity.
    Opened(Severity),
    /// Still firing, with series newly failing or recovered (`alert-detail` events) or another
    /// highest severity.
    Updated {
        newly_failing: Vec<SeriesKey>,
        recovered: Vec<SeriesKey>,
        severity: Option<(Severity, Severity)>,
    },
    /// Some series failed before and none does now; the severity it fired at.
    Resolved(Severity),
    /// A firing alert, with no other change, due for `notificationResendFrequencyMinutes`.
    Retriggered,
    /// A firing alert had series come under a maintenance window.
    Maintenance,
    /// The conditions answered no data in the window.
    NoData,
    /// As [`Change::NoData`], while a maintenance window holds the alert.
    NoDataMaintenance,
    /// Data again after [`Change::NoData`].
    NoDataResolved,
    /// A condition could not be evaluated.
    Invalid(QueryFailure),
    /// Every condition evaluated again.
    NoLongerInvalid,
}

/// What a check concludes: the alert's new state and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub failing: Vec<FailingSeries>,
    /// Not failing but true in more than half the trigger window, with the highest such severity.
    pub prefiring: Vec<(SeriesKey, Severity)>,
    pub in_maintenance: Vec<SeriesKey>,
    /// The highest severity at which a series fails: the alert fires while there is one.
    pub severity: Option<Severity>,
    pub no_data: bool,
    pub invalid: Option<QueryFailure>,
    pub changes: Vec<Change>,
    /// Series the conditions answered (their minutes' values summed into `observed`).
    pub series_seen: usize,
}

impl Check {
    /// The state the next check starts from; `notified` tells whether this check's changes sent
    /// a notification.
    pub fn previous(&self, now_ms: i64, before: &Previous, notified: bool) -> Previous {
        Previous {
            failing: self.failing.clone(),
            no_data: self.no_data,
            invalid: self.invalid.is_some(),
            in_maintenance: self.in_maintenance.clone(),
            last_notified_ms: if notified {
                Some(now_ms)
            } else {
                before.last_notified_ms
            },
        }
    }

    /// Each failing series once, at the highest severity it fails at.
    pub fn failing_by_series(&self) -> Vec<&FailingSeries> {
        let mut best: BTreeMap<&SeriesKey, &FailingSeries> = BTreeMap::new();
        for f in &self.failing {
            let e = best.entry(&f.key).or_insert(f);
            if f.severity > e.severity {
                *e = f;
            }
        }
        best.into_values().collect()
    }
}

/// The highest severity among `failing`.
fn highest(failing: &[FailingSeries]) -> Option<Severity> {
    failing.iter().map(|f| f.severity).max()
}

/// One check: `answers` holds each severity's condition's answer (one, at the alert's severity,
/// for a classic alert).
pub fn check(answers: &[(Severity, Answer)], input: &CheckInput<'_>) -> Check {
    let prev = input.previous;
    let before = highest(&prev.failing);
    if let Some(failure) = answers.iter().find_map(|(_, a)| match a {
        Answer::Failed(f) => Some(f.clone()),
        Answer::Series(_) => None,
    }) {
        // An alert that cannot be evaluated keeps its series as they were.
        let mut changes = Vec::new();
        if !prev.invalid {
            changes.push(Change::Invalid(failure.clone()));
        }
        return Check {
            failing: prev.failing.clone(),
            prefiring: Vec::new(),
            in_maintenance: prev.in_maintenance.clone(),
            severity: before,
            no_data: prev.no_data,
            invalid: Some(failure),
            changes,
            series_seen: 0,
        };
    }
    let was_failing: BTreeMap<(&SeriesKey, Severity), &FailingSeries> = prev
        .failing
        .iter()
        .map(|f| ((&f.key, f.severity), f))
        .collect();
    let mut failing = Vec::new();
    let mut prefiring: BTreeMap<SeriesKey, Severity> = BTreeMap::new();
    let mut held: BTreeSet<SeriesKey> = BTreeSet::new();
    let mut seen: BTreeSet<&SeriesKey> = BTreeSet::new();
    let mut has_data = false;
    for (severity, answer) in answers {
        let Answer::Series(series) = answer else {
            continue;
        };
        for (key, minutes) in series {
            seen.insert(key);
            let earlier = was_failing.get(&(key, *severity)).copied();
            let j: Judgement = judge(minutes, earlier.is_some(), input.now_ms, input.timing);
            has_data |= j.has_data;
            if (input.in_maintenance)(key) {
                // evaluated, but its result does not change the alert: it stays as it was
                held.insert(key.clone());
                failing.extend(earlier.cloned());
                continue;
            }
            if j.failing {
                failing.push(FailingSeries {
                    key: key.clone(),
                    severity: *severity,
                    since_ms: earlier.map_or(input.now_ms, |e| e.since_ms),
                    observed: j.observed,
                    firing: j.firing,
                });
            } else if j.prefiring {
                let e = prefiring.entry(key.clone()).or_insert(*severity);
                *e = (*e).max(*severity);
            }
        }
    }
    // (a failing series the conditions no longer answer has no data, so it is not carried over:
    // it recovers)
    failing.sort_by(|a, b| (&a.key, a.severity).cmp(&(&b.key, b.severity)));
    failing.dedup_by(|a, b| a.key == b.key && a.severity == b.severity);
    let after = highest(&failing);
    let mut changes = Vec::new();
    if prev.invalid {
        changes.push(Change::NoLongerInvalid);
    }
    let held_now: Vec<SeriesKey> = held.into_iter().collect();
    match (before, after) {
        (None, Some(s)) => changes.push(Change::Opened(s)),
        (Some(s), None) => changes.push(Change::Resolved(s)),
        (Some(b), Some(a)) => {
            let old: BTreeSet<&SeriesKey> = prev.failing.iter().map(|f| &f.key).collect();
            let new: BTreeSet<&SeriesKey> = failing.iter().map(|f| &f.key).collect();
            let newly_failing: Vec<SeriesKey> =
                new.difference(&old).map(|k| (*k).clone()).collect();
            let recovered: Vec<SeriesKey> = old.difference(&new).map(|k| (*k).clone()).collect();
            let severity = (a != b).then_some((b, a));
            let newly_held = held_now.iter().any(|k| !prev.in_maintenance.contains(k));
            if !newly_failing.is_empty() || !recovered.is_empty() || severity.is_some() {
                changes.push(Change::Updated {
                    newly_failing,
                    recovered,
                    severity,
                });
            } else if newly_held {
                changes.push(Change::Maintenance);
            } else if resend_due(input, prev) {
                changes.push(Change::Retriggered);
            }
        }
        (None, None) => {}
    }
    let no_data = !has_data;
    if no_data && !prev.no_data {
        let all_held = !seen.is_empty() && seen.iter().all(|k| (input.in_maintenance)(k));
        changes.push(if all_held {
            Change::NoDataMaintenance
        } else {
            Change::NoData
        });
    } else if !no_data && prev.no_data {
        changes.push(Change::NoDataResolved);
    }
    let failing_keys: BTreeSet<&SeriesKey> = failing.iter().map(|f| &f.key).collect();
    Check {
        prefiring: prefiring
            .into_iter()
            .filter(|(k, _)| !failing_keys.contains(k))
            .collect(),
        severity: after,
        failing,
        in_maintenance: held_now,
        no_data,
        invalid: None,
        changes,
        series_seen: seen.len(),
    }
}

/// Whether a still-firing alert is due to be notified again.
fn resend_due(input: &CheckInput<'_>, prev: &Previous) -> bool {
    let Some(minutes) = input.resend_minutes.filter(|m| *m > 0) else {
        return false;
    };
    let every = i64::from(minutes).saturating_mul(MINUTE_MS);
    prev.last_notified_ms
        .is_none_or(|last| input.now_ms.saturating_sub(last) >= every)
}

#[cfg(test)]
mod tests;
