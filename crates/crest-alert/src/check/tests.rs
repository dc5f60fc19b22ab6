//! The check's rules on the docs' worked examples and small made-up alerts.

use super::*;

fn at(h: i64, m: i64) -> i64 {
    (h * 60 + m) * MINUTE_MS
}

fn key(host: &str) -> SeriesKey {
    SeriesKey {
        host: Some(host.to_owned()),
        label: "m".to_owned(),
        tags: BTreeMap::new(),
    }
}

fn timing(trigger: u32, resolve: u32) -> Timing {
    Timing {
        trigger_minutes: trigger,
        resolve_minutes: resolve,
        realtime: false,
    }
}

fn none(_: &SeriesKey) -> bool {
    false
}

/// Runs one check at `now` over `answers` after `prev`.
fn run(
    answers: &[(Severity, Answer)],
    now: i64,
    t: Timing,
    prev: &Previous,
    held: &dyn Fn(&SeriesKey) -> bool,
) -> Check {
    check(
        answers,
        &CheckInput {
            now_ms: now,
            timing: t,
            resend_minutes: None,
            previous: prev,
            in_maintenance: held,
        },
    )
}

/// One series `h1` with value `f(minute)` for each minute of 10:00–10:59 where it is `Some`.
fn series(f: impl Fn(i64) -> Option<f64>) -> Vec<(SeriesKey, Vec<(i64, f64)>)> {
    vec![(
        key("h1"),
        (0..60)
            .filter_map(|m| f(m).map(|v| (at(10, m), v)))
            .collect(),
    )]
}

#[test]
fn the_docs_example_fires_at_10_26_and_resolves_at_10_36() {
    // trigger window 5, resolve window 10, checked every minute; false until 10:20, true
    // 10:21–10:25, then false until 10:30 and absent after
    let data = series(|m| match m {
        21..=25 => Some(1.0),
        0..=30 => Some(0.0),
        _ => None,
    });
    let answers = [(Severity::Warn, Answer::Series(data))];
    let mut prev = Previous::default();
    let mut fired_at = None;
    let mut resolved_at = None;
    for minute in 20..=40 {
        let now = at(10, minute) + 17_000;
        let c = run(&answers, now, timing(5, 10), &prev, &none);
        for change in &c.changes {
            match change {
                Change::Opened(Severity::Warn) => fired_at = Some(minute),
                Change::Resolved(Severity::Warn) => resolved_at = Some(minute),
                _ => {}
            }
        }
        prev = c.previous(now, &prev, false);
    }
    assert_eq!(fired_at, Some(26));
    assert_eq!(resolved_at, Some(36));
}

#[test]
fn a_false_minute_in_the_window_keeps_1_1_0_from_firing() {
    // C26: minutes=3, one value a minute 1, 1, 0
    let data = series(|m| match m {
        0 | 1 => Some(1.0),
        2 => Some(0.0),
        _ => None,
    });
    let c = run(
        &[(Severity::Warn, Answer::Series(data))],
        at(10, 3),
        timing(3, 3),
        &Previous::default(),
        &none,
    );
    assert_eq!(c.severity, None);
    assert!(c.changes.is_empty(), "{:?}", c.changes);
}

#[test]
fn no_data_then_data_again() {
    let empty = [(Severity::Warn, Answer::Series(Vec::new()))];
    let c = run(&empty, at(10, 5), timing(2, 2), &Previous::default(), &none);
    assert!(c.no_data);
    assert_eq!(c.changes, vec![Change::NoData]);
    assert_eq!(c.severity, None, "no data is not firing");
    let prev = c.previous(at(10, 5), &Previous::default(), false);
    // still no data: no second notice
    let again = run(&empty, at(10, 6), timing(2, 2), &prev, &none);
    assert!(again.changes.is_empty());
    let data = series(|m| (m == 6).then_some(0.0));
    let back = run(
        &[(Severity::Warn, Answer::Series(data))],
        at(10, 7),
        timing(2, 2),
        &prev,
        &none,
    );
    assert!(!back.no_data);
    assert_eq!(back.changes, vec![Change::NoDataResolved]);
}

#[test]
fn a_firing_alert_whose_data_stops_resolves_and_has_no_data() {
    let data = series(|m| (m < 5).then_some(1.0));
    let answers = [(Severity::Warn, Answer::Series(data))];
    let c = run(
        &answers,
        at(10, 5),
        timing(2, 2),
        &Previous::default(),
        &none,
    );
    assert_eq!(c.changes, vec![Change::Opened(Severity::Warn)]);
    let prev = c.previous(at(10, 5), &Previous::default(), true);
    let later = run(&answers, at(10, 9), timing(2, 2), &prev, &none);
    assert_eq!(
        later.changes,
        vec![Change::Resolved(Severity::Warn), Change::NoData]
    );
}

#[test]
fn severities_move_from_warn_to_severe_and_back() {
    // warn: value > 5, severe: value > 10; per minute 7 (warn), 12 (both), 7 (warn)
    let value = |m: i64| match m {
        0..=1 => 7.0,
        2..=3 => 12.0,
        _ => 7.0,
    };
    let warn = |m: i64| Some(if value(m) > 5.0 { 1.0 } else { 0.0 });
    let severe = |m: i64| Some(if value(m) > 10.0 { 1.0 } else { 0.0 });
    let answers = [
        (Severity::Warn, Answer::Series(series(warn))),
        (Severity::Severe, Answer::Series(series(severe))),
    ];
    let mut prev = Previous::default();
    let mut seen = Vec::new();
    for minute in 1..=6 {
        let now = at(10, minute);
        let c = run(&answers, now, timing(1, 1), &prev, &none);
        seen.push((minute, c.severity, c.changes.clone()));
        prev = c.previous(now, &prev, !c.changes.is_empty());
    }
    assert_eq!(
        seen[0],
        (
            1,
            Some(Severity::Warn),
            vec![Change::Opened(Severity::Warn)]
        )
    );
    assert_eq!(seen[1], (2, Some(Severity::Warn), vec![]));
    assert_eq!(
        seen[2],
        (
            3,
            Some(Severity::Severe),
            vec![Change::Updated {
                newly_failing: vec![],
                recovered: vec![],
                severity: Some((Severity::Warn, Severity::Severe)),
            }]
        )
    );
    assert_eq!(
        seen[4],
        (
            5,
            Some(Severity::Warn),
            vec![Change::Updated {
                newly_failing: vec![],
                recovered: vec![],
                severity: Some((Severity::Severe, Severity::Warn)),
            }]
        )
    );
}

#[test]
fn a_maintenance_window_holds_back_one_series_but_not_the_other() {
    let both = vec![
        (key("held"), vec![(at(10, 4), 1.0)]),
        (key("free"), vec![(at(10, 4), 1.0)]),
    ];
    let held = |k: &SeriesKey| k.host.as_deref() == Some("held");
    let c = run(
        &[(Severity::Warn, Answer::Series(both))],
        at(10, 5),
        timing(1, 1),
        &Previous::default(),
        &held,
    );
    let failing: Vec<&str> = c
        .failing
        .iter()
        .filter_map(|f| f.key.host.as_deref())
        .collect();
    assert_eq!(failing, vec!["free"]);
    assert_eq!(c.in_maintenance, vec![key("held")]);
    assert_eq!(c.changes, vec![Change::Opened(Severity::Warn)]);
}

#[test]
fn a_series_failing_when_maintenance_begins_stays_as_it_was() {
    let on = vec![(key("h1"), vec![(at(10, 4), 1.0)])];
    let c = run(
        &[(Severity::Warn, Answer::Series(on))],
        at(10, 5),
        timing(1, 1),
        &Previous::default(),
        &none,
    );
    let prev = c.previous(at(10, 5), &Previous::default(), true);
    let off = vec![(key("h1"), vec![(at(10, 5), 0.0)])];
    let all = |_: &SeriesKey| true;
    let held = run(
        &[(Severity::Warn, Answer::Series(off.clone()))],
        at(10, 6),
        timing(1, 1),
        &prev,
        &all,
    );
    assert_eq!(
        held.severity,
        Some(Severity::Warn),
        "not resolved by maintenance"
    );
    assert_eq!(held.changes, vec![Change::Maintenance]);
    let prev = held.previous(at(10, 6), &prev, false);
    let after = run(
        &[(Severity::Warn, Answer::Series(off))],
        at(10, 6),
        timing(1, 1),
        &prev,
        &none,
    );
    assert_eq!(after.changes, vec![Change::Resolved(Severity::Warn)]);
}

#[test]
fn a_failing_query_is_invalid_and_keeps_the_series() {
    let on = vec![(key("h1"), vec![(at(10, 4), 1.0)])];
    let c = run(
        &[(Severity::Warn, Answer::Series(on))],
        at(10, 5),
        timing(1, 1),
        &Previous::default(),
        &none,
    );
    let prev = c.previous(at(10, 5), &Previous::default(), true);
    let failure = QueryFailure {
        syntax: false,
        message: "Timeout".to_owned(),
    };
    let bad = run(
        &[(Severity::Warn, Answer::Failed(failure.clone()))],
        at(10, 6),
        timing(1, 1),
        &prev,
        &none,
    );
    assert_eq!(bad.invalid.as_ref(), Some(&failure));
    assert_eq!(bad.severity, Some(Severity::Warn));
    assert_eq!(bad.changes, vec![Change::Invalid(failure)]);
    let prev = bad.previous(at(10, 6), &prev, true);
    let good = run(
        &[(
            Severity::Warn,
            Answer::Series(vec![(key("h1"), vec![(at(10, 6), 1.0)])]),
        )],
        at(10, 7),
        timing(1, 1),
        &prev,
        &none,
    );
    assert_eq!(good.changes, vec![Change::NoLongerInvalid]);
}

#[test]
fn a_still_firing_alert_is_retriggered_every_resend_period() {
    let on: Vec<(SeriesKey, Vec<(i64, f64)>)> =
        vec![(key("h1"), (0..30).map(|m| (at(10, m), 1.0)).collect())];
    let answers = [(Severity::Warn, Answer::Series(on))];
    let mut prev = Previous::default();
    let mut retriggered = Vec::new();
    for minute in 1..=12 {
        let now = at(10, minute);
        let c = check(
            &answers,
            &CheckInput {
                now_ms: now,
                timing: timing(1, 1),
                resend_minutes: Some(5),
                previous: &prev,
                in_maintenance: &none,
            },
        );
        if c.changes.contains(&Change::Retriggered) {
            retriggered.push(minute);
        }
        prev = c.previous(now, &prev, !c.changes.is_empty());
    }
    assert_eq!(retriggered, vec![6, 11]);
}

#[test]
fn newly_failing_and_recovered_series_are_an_update() {
    let first = vec![
        (key("a"), vec![(at(10, 4), 1.0)]),
        (key("b"), vec![(at(10, 4), 0.0)]),
    ];
    let c = run(
        &[(Severity::Warn, Answer::Series(first))],
        at(10, 5),
        timing(1, 1),
        &Previous::default(),
        &none,
    );
    let prev = c.previous(at(10, 5), &Previous::default(), true);
    let second = vec![
        (key("a"), vec![(at(10, 5), 0.0)]),
        (key("b"), vec![(at(10, 5), 1.0)]),
    ];
    let c = run(
        &[(Severity::Warn, Answer::Series(second))],
        at(10, 6),
        timing(1, 1),
        &prev,
        &none,
    );
    assert_eq!(
        c.changes,
        vec![Change::Updated {
            newly_failing: vec![key("b")],
            recovered: vec![key("a")],
            severity: None,
        }]
    );
    assert_eq!(c.failing.first().map(|f| f.since_ms), Some(at(10, 6)));
}
