//! One series at one check: its per-minute means against the trigger or resolve window (A-8,
//!

use std::collections::BTreeMap;

use crate::window::{Timing, window};

/// A series as an alert names it: its source, its metric (the answer's label) and point tags.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub host: Option<String>,
    pub label: String,
    pub tags: BTreeMap<String, String>,
}

/// What one series' minutes say at one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Judgement {
    /// It fails: not failing before, its trigger window has at least one true minute and no false
    /// one; failing before, its resolve window still has a true minute.
    pub failing: bool,
    /// Not failing, yet true in more than half the minutes of its trigger window (the docs'
    /// "failing for greater than 50% of the checks in the window determined by `minutes`").
    pub prefiring: bool,
    /// Minutes with a value in the window that decided (`observed` of the template context).
    pub observed: usize,
    /// True minutes in that window: those keeping a failing series from resolving (`firing`).
    pub firing: usize,
    /// Any minute with a value in the longer of the two windows.
    pub has_data: bool,
}

/// Judges a series on its per-minute means `minutes` (`(minute start in epoch ms, mean)`, any
/// order): a minute is true when its mean is not 0, false when it is 0, and absent (neither)
/// when the series has no value in it or the mean is not a number. `was_failing` picks the
/// window: the resolve window for a failing series, the trigger window otherwise.
pub fn judge(
    minutes: &[(i64, f64)],
    was_failing: bool,
    check_ms: i64,
    timing: Timing,
) -> Judgement {
    let count = |span: u32| {
        let (start, end) = window(check_ms, span, timing.realtime);
        let mut trues = 0usize;
        let mut falses = 0usize;
        for (t, v) in minutes {
            if *t < start || *t >= end || v.is_nan() {
                continue;
            }
            if *v == 0.0 {
                falses += 1;
            } else {
                trues += 1;
            }
        }
        (trues, falses)
    };
    let (t_true, t_false) = count(timing.trigger_minutes);
    let (l_true, l_false) = count(timing.longest_minutes());
    let has_data = l_true + l_false > 0;
    if was_failing {
        let (r_true, r_false) = count(timing.resolve_minutes);
        return Judgement {
            failing: r_true > 0,
            prefiring: false,
            observed: r_true + r_false,
            firing: r_true,
            has_data,
        };
    }
    let failing = t_true > 0 && t_false == 0;
    let half = usize::try_from(timing.trigger_minutes).unwrap_or(usize::MAX) / 2;
    Judgement {
        failing,
        prefiring: !failing && t_true > half && t_true > 0,
        observed: t_true + t_false,
        firing: t_true,
        has_data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::MINUTE_MS;

    fn at(h: i64, m: i64) -> i64 {
        (h * 60 + m) * MINUTE_MS
    }

    fn timing(trigger: u32, resolve: u32) -> Timing {
        Timing {
            trigger_minutes: trigger,
            resolve_minutes: resolve,
            realtime: false,
        }
    }

    #[test]
    fn one_true_minute_and_otherwise_no_data_fires() {
        let minutes = [(at(10, 22), 1.0)];
        let j = judge(&minutes, false, at(10, 26) + 5_000, timing(5, 5));
        assert!(j.failing);
        assert_eq!((j.observed, j.firing), (1, 1));
    }

    #[test]
    fn a_single_false_minute_keeps_it_from_firing() {
        let minutes = [(at(10, 21), 1.0), (at(10, 22), 0.0), (at(10, 23), 1.0)];
        let j = judge(&minutes, false, at(10, 26), timing(5, 5));
        assert!(!j.failing);
        assert!(!j.prefiring, "2 true minutes of 5 is not more than half");
    }

    #[test]
    fn the_docs_9_9_9_3_9_minute_mean_is_true() {
        // KAT-21: `ts(m) > 4` over 9,9,9,3,9 in one minute averages 0.8
        let mean = [1.0, 1.0, 1.0, 0.0, 1.0].iter().sum::<f64>() / 5.0;
        let j = judge(&[(at(10, 25), mean)], false, at(10, 26), timing(1, 1));
        assert!(j.failing);
    }

    #[test]
    fn the_align_min_variant_is_false() {
        // KAT-21: `align(1m, min, ts(m) > 4)` gives 0 for that minute
        let j = judge(&[(at(10, 25), 0.0)], false, at(10, 26), timing(1, 1));
        assert!(!j.failing);
        assert!(j.has_data);
    }

    #[test]
    fn a_failing_series_resolves_only_without_a_true_minute_in_the_resolve_window() {
        // true 10:21–10:25, then false: still failing at 10:35 (10:25 is in 10:25–10:34), not at 10:36
        let mut minutes: Vec<(i64, f64)> = (21..=25).map(|m| (at(10, m), 1.0)).collect();
        minutes.extend((26..=40).map(|m| (at(10, m), 0.0)));
        assert!(judge(&minutes, true, at(10, 35), timing(5, 10)).failing);
        assert!(!judge(&minutes, true, at(10, 36), timing(5, 10)).failing);
    }

    #[test]
    fn a_resolve_window_without_data_resolves() {
        let j = judge(&[(at(10, 0), 1.0)], true, at(10, 30), timing(5, 10));
        assert!(!j.failing);
        assert!(!j.has_data);
    }

    #[test]
    fn true_in_more_than_half_the_trigger_window_is_prefiring() {
        let minutes = [
            (at(10, 21), 1.0),
            (at(10, 22), 1.0),
            (at(10, 23), 0.0),
            (at(10, 24), 1.0),
        ];
        let j = judge(&minutes, false, at(10, 26), timing(5, 5));
        assert!(!j.failing);
        assert!(j.prefiring);
    }

    #[test]
    fn a_not_a_number_minute_counts_as_absent() {
        let minutes = [(at(10, 24), f64::NAN), (at(10, 25), 2.0)];
        assert!(judge(&minutes, false, at(10, 26), timing(5, 5)).failing);
    }
}
