//! Postings: for each metric, source, tag key and `tag=value`, the bitmap of series ids holding it,
//! and the evaluation of a `Filter` on them.

use std::collections::BTreeMap;
use std::ops::Bound;

use crest_series::{Filter, Pattern, SeriesKey, Term};
use roaring::RoaringBitmap;
use rustc_hash::FxHashMap;

/// The inverted index over every series id.
#[derive(Debug, Default)]
pub(crate) struct Postings {
    all: RoaringBitmap,
    metrics: BTreeMap<String, RoaringBitmap>,
    sources: BTreeMap<String, RoaringBitmap>,
    /// Tag key → (tag value → ids).
    tags: FxHashMap<String, BTreeMap<String, RoaringBitmap>>,
    /// Tag key → ids having it.
    tag_keys: FxHashMap<String, RoaringBitmap>,
}

/// The entries of a sorted map whose names could match a pattern: one for an exact name, the
/// range sharing the literal prefix for a glob.
fn union_matching(map: &BTreeMap<String, RoaringBitmap>, pattern: &Pattern) -> RoaringBitmap {
    match pattern {
        Pattern::Exact(name) => map.get(name).cloned().unwrap_or_default(),
        Pattern::Glob(_) | Pattern::Regex(_) => {
            let prefix = pattern.literal_prefix();
            let mut out = RoaringBitmap::new();
            for (name, ids) in map.range::<str, _>((Bound::Included(prefix), Bound::Unbounded)) {
                if !name.starts_with(prefix) {
                    break;
                }
                if pattern.matches(name) {
                    out |= ids;
                }
            }
            out
        }
    }
}

impl Postings {
    pub(crate) fn add(&mut self, id: u32, key: &SeriesKey) {
        self.all.insert(id);
        self.metrics
            .entry(key.metric.clone())
            .or_default()
            .insert(id);
        self.sources
            .entry(key.source.clone())
            .or_default()
            .insert(id);
        for (k, v) in &key.tags {
            self.tags
                .entry(k.clone())
                .or_default()
                .entry(v.clone())
                .or_default()
                .insert(id);
            self.tag_keys.entry(k.clone()).or_default().insert(id);
        }
    }

    /// Exactly the ids whose keys the filter matches (every term is evaluated exactly, so `Not`
    /// can subtract).
    pub(crate) fn eval(&self, filter: &Filter) -> RoaringBitmap {
        match filter {
            Filter::Term(term) => self.term(term),
            Filter::And(all) => {
                let mut parts = all.iter();
                let Some(first) = parts.next() else {
                    return self.all.clone();
                };
                let mut out = self.eval(first);
                for f in parts {
                    if out.is_empty() {
                        break;
                    }
                    out &= self.eval(f);
                }
                out
            }
            Filter::Or(any) => any.iter().fold(RoaringBitmap::new(), |mut acc, f| {
                acc |= self.eval(f);
                acc
            }),
            Filter::Not(inner) => &self.all - self.eval(inner),
        }
    }

    fn term(&self, term: &Term) -> RoaringBitmap {
        match term {
            Term::Metric(p) => union_matching(&self.metrics, p),
            Term::Source(p) => union_matching(&self.sources, p),
            Term::Tag { key, value } => self
                .tags
                .get(key)
                .map(|values| union_matching(values, value))
                .unwrap_or_default(),
            Term::HasTag(key) => self.tag_keys.get(key).cloned().unwrap_or_default(),
        }
    }

    /// Metric names starting with `prefix`, sorted, whose ids meet `within`.
    pub(crate) fn metrics(
        &self,
        prefix: &str,
        within: &RoaringBitmap,
        limit: usize,
    ) -> Vec<String> {
        self.metrics
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .filter(|(_, ids)| !ids.is_disjoint(within))
            .map(|(name, _)| name.clone())
            .take(limit)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;
    use proptest::prelude::*;

    fn keys() -> Vec<SeriesKey> {
        vec![
            SeriesKey::new("cpu.user", "web-1").with_tag("env", "prod"),
            SeriesKey::new("cpu.sys", "web-2").with_tag("env", "dev"),
            SeriesKey::new("mem", "web-1"),
            SeriesKey::new("cpu", "db").with_tag("dc", "x"),
        ]
    }

    fn pattern() -> impl Strategy<Value = Pattern> {
        prop_oneof![
            "(cpu|mem|web|db|prod|dev|x)[.a-z0-9-]{0,5}".prop_map(|s| Pattern::parse(&s)),
            "[a-z.*-]{0,6}".prop_map(|s| Pattern::parse(&s)),
            prop::sample::select(vec!["cpu(\\..*)?", "(web|db)-?[0-9]*", "[dp].*", "x"])
                .prop_map(|r| Pattern::regex(r).expect("a valid regex")),
        ]
    }

    fn filter() -> impl Strategy<Value = Filter> {
        let term = prop_oneof![
            pattern().prop_map(|p| Filter::Term(Term::Metric(p))),
            pattern().prop_map(|p| Filter::Term(Term::Source(p))),
            ("(env|dc)", pattern()).prop_map(|(key, value)| Filter::Term(Term::Tag { key, value })),
            "(env|dc|zz)".prop_map(|k| Filter::Term(Term::HasTag(k))),
        ];
        term.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::And),
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Filter::Or),
                inner.prop_map(|f| Filter::Not(Box::new(f))),
            ]
        })
    }

    proptest! {
        #[test]
        fn postings_select_exactly_what_the_reference_matches(f in filter()) {
            let mut p = Postings::default();
            for (id, k) in (0u32..).zip(keys()) {
                p.add(id, &k);
            }
            let got: Vec<u32> = p.eval(&f).iter().collect();
            let want: Vec<u32> = (0u32..).zip(keys()).filter(|(_, k)| f.matches(k)).map(|(i, _)| i).collect();
            prop_assert_eq!(got, want);
        }
    }
}
