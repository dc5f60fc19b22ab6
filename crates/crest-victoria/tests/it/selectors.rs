//! The translation of crest's `*` patterns into VictoriaMetrics regexes selects exactly what
//! `Pattern::matches` selects: checked with Rust's regex engine over many patterns, and with
//! VictoriaMetrics' own (Go's RE2, anchored by VictoriaMetrics) over a universe of awkward names.

use crest_series::suite::T0;
use crest_series::{
    Batch, Filter, Pattern, ReadLimits, Sample, SeriesKey, SeriesReader as _, SeriesWriter as _,
    Term, TimeRange,
};
use crest_victoria::selector::{Matcher, Op, glob_to_regex, glob_to_vm_regex, selectors};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::{Vm, suite_shift};

/// The sorted metric names VictoriaMetrics exports for `selectors` at the stored time `at`.
async fn export_names(url: &str, selectors: &[String], at: i64) -> Vec<String> {
    if selectors.is_empty() {
        return Vec::new();
    }
    let mut form: Vec<(&str, String)> = selectors.iter().map(|s| ("match[]", s.clone())).collect();
    form.push(("start", format!("{}.000", at / 1000 - 1)));
    form.push(("end", format!("{}.000", at / 1000 + 1)));
    let body = reqwest::Client::new()
        .post(format!("{url}/api/v1/export"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(
        body.status().is_success(),
        "{selectors:?}: {}",
        body.text().await.unwrap()
    );
    let mut names: Vec<String> = body
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["metric"]["__name__"].as_str().unwrap().to_owned()
        })
        .collect();
    names.sort();
    names
}

/// Characters that are regex syntax, escapes, non-ASCII, and plain.
const ALPHABET: &[&str] = &["a", ".", "(", "\\", "\u{2206}", "|", "["];

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..=max).prop_map(|v| v.concat())
}

fn pattern(max: usize) -> impl Strategy<Value = String> {
    let mut with_star: Vec<&str> = ALPHABET.to_vec();
    with_star.push("*");
    with_star.push("*");
    proptest::collection::vec(proptest::sample::select(with_star), 0..=max).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn the_regex_matches_what_the_glob_matches(glob in pattern(6), name in text(6)) {
        let re = regex::Regex::new(&format!("^(?:{})$", glob_to_regex(&glob))).unwrap();
        prop_assert_eq!(re.is_match(&name), Pattern::Glob(glob.clone()).matches(&name));
    }
}

/// Every name of up to three characters over a small alphabet of trouble.
fn universe() -> Vec<String> {
    let chars = ["a", ".", "(", "\\", "\u{2206}", "*"];
    let mut names: Vec<String> = Vec::new();
    let mut last: Vec<String> = vec![String::new()];
    for _ in 0..3 {
        last = last
            .iter()
            .flat_map(|p| chars.iter().map(move |c| format!("{p}{c}")))
            .collect();
        names.extend(last.iter().cloned());
    }
    names
}

#[test]
fn victoria_metrics_selects_exactly_what_the_glob_matches() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let vm = runtime.block_on(Vm::start());
    let engine = vm.engine();
    let names = universe();
    let batch = Batch::from_series(
        names
            .iter()
            .map(|n| {
                (
                    SeriesKey::new(n.clone(), n.clone()).with_tag("t", format!("v{n}")),
                    vec![Sample {
                        timestamp: T0,
                        value: 1.0,
                    }],
                )
            })
            .collect::<Vec<_>>(),
    );
    runtime.block_on(engine.append(batch)).unwrap();
    let range = TimeRange::new(T0 - 1000, T0 + 1000);
    let stored = T0 - suite_shift();
    let mut runner = TestRunner::new(Config {
        cases: 256,
        ..Config::default()
    });
    let chars = prop_oneof![
        Just("a"),
        Just("."),
        Just("("),
        Just("\\"),
        Just("\u{2206}"),
        Just("*"),
        Just("*")
    ];
    let strategy = (
        proptest::collection::vec(chars, 0..=4).prop_map(|v| v.concat()),
        0..3u8,
    );
    runner
        .run(&strategy, |(glob, on)| {
            let p = Pattern::Glob(glob.clone());
            let filter = Filter::Term(match on {
                0 => Term::Metric(p.clone()),
                1 => Term::Source(p.clone()),
                _ => Term::Tag {
                    key: "t".into(),
                    value: Pattern::Glob(format!("v{glob}")),
                },
            });
            // Ask VictoriaMetrics directly with the reads' own selectors (the engine would check
            // every series again with Filter::matches, hiding a selector that asks for too much).
            let wanted = selectors(&filter, &[Matcher::new("_crest_hist", Op::Eq, "")]);
            let got = runtime.block_on(export_names(&vm.url, &wanted, stored));
            // And through the engine, for the names it answers.
            let through: Vec<String> = runtime
                .block_on(engine.select(&filter, range, ReadLimits::default()))
                .unwrap()
                .into_iter()
                .map(|d| d.key.metric)
                .collect();
            let mut want: Vec<String> = names.iter().filter(|n| p.matches(n)).cloned().collect();
            want.sort();
            // Exact where the selector says the glob exactly; a superset where it widens a final
            // non-ASCII piece (VictoriaMetrics 1.79.5's suffix quirk, see selector.rs).
            let probe = if on == 2 {
                format!("v{glob}")
            } else {
                glob.clone()
            };
            if glob_to_vm_regex(&probe) == glob_to_regex(&probe) {
                prop_assert_eq!(&got, &want, "VictoriaMetrics, pattern {:?} on {}", glob, on);
            } else {
                prop_assert!(
                    want.iter().all(|w| got.contains(w)),
                    "VictoriaMetrics, pattern {:?} on {}: {:?} misses some of {:?}",
                    glob,
                    on,
                    got,
                    want
                );
            }
            prop_assert_eq!(&through, &want, "the engine, pattern {:?} on {}", glob, on);
            Ok(())
        })
        .unwrap();
}
