//! Which series a read wants: a boolean expression over the metric, the source and point tags.
//!
//! Source tags (`tag=`) are metadata of sources, not of series, so they never reach an engine: the
//! query layer resolves them to source terms first.

use crate::key::SeriesKey;

/// A string pattern: exact, with `*` wildcards (matching any run of characters, none included), or a
/// regular expression matched against the whole value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    Exact(String),
    Glob(String),
    Regex(WholeMatch),
}

/// A regular expression that must match the whole value (`/app-[0-9]+/` matches `app-12`, not
/// `my-app-12`). Compiled once, with its size bounded ([`WholeMatch::SIZE_LIMIT`]); the `regex`
/// crate matches in time linear in the value. Two are equal when their texts are.
#[derive(Debug, Clone)]
pub struct WholeMatch {
    text: String,
    compiled: regex::Regex,
}

impl WholeMatch {
    /// The most memory one compiled expression may take (bytes).
    pub const SIZE_LIMIT: usize = 1 << 20;

    /// Compiles `text` anchored at both ends; the error names what is wrong with it.
    pub fn new(text: &str) -> Result<Self, String> {
        let compiled = regex::RegexBuilder::new(&format!("^(?:{text})$"))
            .size_limit(Self::SIZE_LIMIT)
            .dfa_size_limit(Self::SIZE_LIMIT)
            .nest_limit(64)
            .build()
            .map_err(|e| format!("invalid regular expression /{text}/: {e}"))?;
        Ok(Self {
            text: text.to_owned(),
            compiled,
        })
    }

    /// The expression as written (without the anchors).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn matches(&self, value: &str) -> bool {
        self.compiled.is_match(value)
    }
}

impl PartialEq for WholeMatch {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for WholeMatch {}

impl std::hash::Hash for WholeMatch {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
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

    /// A whole-value regular expression (see [`WholeMatch::new`]).
    pub fn regex(text: &str) -> Result<Self, String> {
        WholeMatch::new(text).map(Pattern::Regex)
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            Pattern::Exact(want) => want == text,
            Pattern::Glob(glob) => glob_matches(glob.as_bytes(), text.as_bytes()),
            Pattern::Regex(re) => re.matches(text),
        }
    }

    /// The literal text before the first wildcard: every match starts with it (an engine may use it
    /// to narrow a scan). Empty for a regular expression (an engine scans every name).
    pub fn literal_prefix(&self) -> &str {
        match self {
            Pattern::Exact(s) => s,
            Pattern::Glob(g) => g.split('*').next().unwrap_or(""),
            Pattern::Regex(_) => "",
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
    fn regexes_match_the_whole_value() {
        let r = Pattern::regex("app-[0-9]+").unwrap();
        assert!(r.matches("app-12") && !r.matches("my-app-12") && !r.matches("app-12x"));
        let alt = Pattern::regex("mon-(primary|secondary)").unwrap();
        assert!(alt.matches("mon-primary") && !alt.matches("mon-primaryx"));
        assert!(Pattern::regex("a|b").unwrap().matches("b"));
        assert!(!Pattern::regex("a|b").unwrap().matches("ab"));
        assert_eq!(r.literal_prefix(), "");
        assert_eq!(r, Pattern::regex("app-[0-9]+").unwrap());
        assert!(Pattern::regex("(unclosed").is_err());
        assert!(Pattern::regex("a{1000}{1000}").is_err());
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
