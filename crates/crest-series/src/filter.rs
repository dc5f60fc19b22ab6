//! Which series a read wants: a boolean expression over the metric, the source and point tags.
//!
//! Source tags (`tag=`) are metadata of sources, not of series, so they never reach an engine: the
//! query layer resolves them to source terms first.

use crate::key::SeriesKey;

/// A string pattern: exact, or with `*` wildcards (matching any run of characters, none included).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    Exact(String),
    Glob(String),
}

impl Pattern {
    /// `Glob` when the text holds a `*`, `Exact` otherwise.
    pub fn parse(text: &str) -> Self {
        if text.contains('*') {
            Pattern::Glob(text.to_owned())
        } else {
            Pattern::Exact(text.to_owned())
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Exact(want) => want == text,
            Pattern::Glob(glob) => glob_matches(glob.as_bytes(), text.as_bytes()),
        }
    }

    /// The literal text before the first wildcard: every match starts with it (an engine may use it
    /// to narrow a scan).
    pub fn literal_prefix(&self) -> &str {
        match self {
            Pattern::Exact(s) => s,
            Pattern::Glob(g) => g.split('*').next().unwrap_or(""),
        }
    }
}

/// `*` matches any run of bytes; everything else matches itself. Iterative, with one backtrack
/// point, so its work is bounded by `pattern.len() * text.len()`.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if Some(c) == text.get(t) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

/// One condition on a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Term {
    Metric(Pattern),
    Source(Pattern),
    /// The point tag `key` exists and its value matches.
    Tag {
        key: String,
        value: Pattern,
    },
    /// The point tag `key` exists, whatever its value.
    HasTag(String),
}

impl Term {
    pub fn matches(&self, key: &SeriesKey) -> bool {
        match self {
            Term::Metric(p) => p.matches(&key.metric),
            Term::Source(p) => p.matches(&key.source),
            Term::Tag { key: k, value } => key.tags.get(k).is_some_and(|v| value.matches(v)),
            Term::HasTag(k) => key.tags.contains_key(k),
        }
    }
}

/// A boolean expression of terms. `And(vec![])` matches every series, `Or(vec![])` none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Filter {
    Term(Term),
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

impl Filter {
    /// Every series of one metric (an exact name).
    pub fn metric(name: &str) -> Self {
        Filter::Term(Term::Metric(Pattern::Exact(name.to_owned())))
    }

    /// Every series of one metric on one source (both exact), as the raw query asks.
    pub fn metric_on(name: &str, source: &str) -> Self {
        Filter::And(vec![
            Filter::metric(name),
            Filter::Term(Term::Source(Pattern::Exact(source.to_owned()))),
        ])
    }

    /// The reference semantics: engines may evaluate a filter any way they like (postings, label
    /// selectors) but must select exactly the series this answers `true` for.
    pub fn matches(&self, key: &SeriesKey) -> bool {
        match self {
            Filter::Term(t) => t.matches(key),
            Filter::And(all) => all.iter().all(|f| f.matches(key)),
            Filter::Or(any) => any.iter().any(|f| f.matches(key)),
            Filter::Not(f) => !f.matches(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn globs_match_runs_of_anything() {
        let g = Pattern::parse("cpu.*.user*");
        assert!(g.matches("cpu.0.user") && g.matches("cpu.all.user.pct"));
        assert!(!g.matches("cpu.user") && !g.matches("mem.0.user"));
        assert!(Pattern::parse("*").matches(""));
        assert_eq!(g.literal_prefix(), "cpu.");
    }

    #[test]
    fn filters_combine_terms() {
        let key = SeriesKey::new("cpu", "web-1").with_tag("env", "prod");
        let f = Filter::And(vec![
            Filter::metric("cpu"),
            Filter::Not(Box::new(Filter::Term(Term::Tag {
                key: "env".into(),
                value: Pattern::parse("dev*"),
            }))),
        ]);
        assert!(f.matches(&key));
        assert!(!Filter::Or(vec![]).matches(&key));
        assert!(Filter::And(vec![]).matches(&key));
        assert!(Filter::Term(Term::HasTag("env".into())).matches(&key));
    }

    fn naive(p: &[u8], t: &[u8]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some((b'*', rest)) => (0..=t.len()).any(|i| naive(rest, &t[i..])),
            Some((c, rest)) => t.first() == Some(c) && naive(rest, &t[1..]),
        }
    }

    proptest! {
        #[test]
        fn glob_agrees_with_a_naive_matcher(p in "[ab*]{0,8}", t in "[ab]{0,10}") {
            prop_assert_eq!(glob_matches(p.as_bytes(), t.as_bytes()), naive(p.as_bytes(), t.as_bytes()));
        }
    }
}
