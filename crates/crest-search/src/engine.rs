//! The engine: which documents match every criterion, in which order, and their facet values.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::criterion::{Criterion, Matching, RawCriterion, SortKey};
use crate::document::{Document, FieldValue};
use crate::error::SearchError;

/// Searches every field.
pub const FREETEXT: &str = "freetext";
/// Searches the tags.
pub const TAGS: &str = "tags";
/// Searches the tags hierarchically, whatever the criterion's method.
pub const TAGPATH: &str = "tagpath";

/// What an entity offers to search: its name (for errors) and its keys, the properties of its
/// JSON representation.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub entity: &'static str,
    /// The properties, and the nested properties that are real (`userGroups.name` where
    /// `userGroups` holds objects with a `name`), spelled as the JSON spells them. A dotted key
    /// is known only when it is listed here.
    pub keys: &'static [&'static str],
    /// Whether the entity has tags (`tags` and `tagpath` keys).
    pub tags: bool,
}

impl Schema {
    /// The key as the documents spell it. Keys are matched ignoring case (`Identifier` is
    /// `identifier`); a nested property (`userGroups.name`) is known only where the schema lists
    /// it, so `identifier.x` or `roles.name` on an entity whose roles are plain ids is refused
    /// rather than matching nothing.
    fn canonical(&self, key: &str) -> Result<String, SearchError> {
        let special = [FREETEXT, TAGS, TAGPATH];
        if let Some(s) = special.iter().find(|s| s.eq_ignore_ascii_case(key))
            && (self.tags || *s == FREETEXT)
        {
            return Ok((*s).to_owned());
        }
        if let Some(known) = self.keys.iter().find(|k| k.eq_ignore_ascii_case(key)) {
            return Ok((*known).to_owned());
        }
        // `map.*` declares a map: each of its entries is a key (`additionalTags.env`).
        let entry = self.keys.iter().find_map(|k| {
            let prefix = k.strip_suffix('*').filter(|p| p.ends_with('.'))?;
            let head = key.get(..prefix.len())?;
            let rest = key.get(prefix.len()..).filter(|r| !r.is_empty())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| format!("{prefix}{rest}"))
        });
        match entry {
            Some(known) => Ok(known),
            None => Err(SearchError::UnknownKey {
                entity: self.entity,
                key: key.to_owned(),
                known: self.known_keys(),
            }),
        }
    }

    fn known_keys(&self) -> String {
        let mut all: Vec<&str> = self.keys.to_vec();
        all.push(FREETEXT);
        if self.tags {
            all.extend([TAGS, TAGPATH]);
        }
        all.join(", ")
    }
}

/// A validated search: every criterion must hold; the order is the sort key's, else the order the
/// items were given in (the entity's default order).
#[derive(Debug, Clone)]
pub struct Search {
    criteria: Vec<Criterion>,
    sort: Option<SortKey>,
}

impl Search {
    pub fn new(
        schema: &Schema,
        raw: Vec<RawCriterion>,
        sort: Option<SortKey>,
    ) -> Result<Self, SearchError> {
        crate::limits::check_criteria(&raw)?;
        if let Some(s) = &sort {
            crate::limits::check_key("a sort field", &s.field)?;
        }
        let mut criteria = Vec::with_capacity(raw.len());
        for r in raw {
            let mut c = Criterion::parse(r)?;
            c.key = schema.canonical(&c.key)?;
            criteria.push(c);
        }
        let sort = match sort {
            Some(s) if !s.default => Some(SortKey {
                field: schema.canonical(&s.field)?,
                ..s
            }),
            _ => None,
        };
        Ok(Self { criteria, sort })
    }

    /// The criteria, each with its key as the schema spells it, so that a store can narrow what it
    /// reads before the engine decides.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// Whether the document meets every criterion.
    pub fn matches(&self, doc: &Document) -> bool {
        self.criteria.iter().all(|c| holds(c, doc))
    }

    /// The matching items, ordered. The sort is stable, so equal items keep their given order.
    pub fn run<T>(&self, items: Vec<(Document, T)>) -> Vec<(Document, T)> {
        let mut found: Vec<(Document, T)> =
            items.into_iter().filter(|(d, _)| self.matches(d)).collect();
        if let Some(sort) = &self.sort {
            found.sort_by(|(a, _), (b, _)| {
                let order = compare_first(a.values(&sort.field), b.values(&sort.field));
                if sort.ascending {
                    order
                } else {
                    order.reverse()
                }
            });
        }
        found
    }
}

/// Compares two items by the first value of the sort field; items without the field come last
/// in ascending order (and so first in descending order).
fn compare_first(a: &[FieldValue], b: &[FieldValue]) -> Ordering {
    match (a.first(), b.first()) {
        (Some(x), Some(y)) => x.compare(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn holds(c: &Criterion, doc: &Document) -> bool {
    let (values, matching): (Box<dyn Iterator<Item = &FieldValue>>, Matching) = match c.key.as_str()
    {
        FREETEXT => (Box::new(doc.all_values()), c.matching),
        TAGS => (Box::new(doc.tags().iter()), c.matching),
        TAGPATH => (Box::new(doc.tags().iter()), Matching::TagPath),
        key => (Box::new(doc.values(key).iter()), c.matching),
    };
    let found = values.into_iter().any(|v| {
        let value_ok =
            c.values.is_empty() || c.values.iter().any(|w| matching.matches(&v.folded, w));
        let range_ok = !c.has_range() || v.number.is_some_and(|n| c.in_range(n));
        value_ok && range_ok
    });
    found != c.negated
}

/// How facet values are narrowed (`facetQuery`, `facetQueryMatchingMethod`).
#[derive(Debug, Clone, Default)]
pub struct FacetFilter {
    pub query: Option<String>,
    pub matching: Matching,
}

impl FacetFilter {
    pub fn new(query: Option<String>, matching: Option<&str>) -> Result<Self, SearchError> {
        if let Some(q) = &query {
            crate::limits::check_value("facetQuery", q)?;
        }
        Ok(Self {
            query: query.filter(|q| !q.is_empty()).map(|q| q.to_lowercase()),
            matching: Matching::parse(matching)?,
        })
    }
}

/// The distinct values of one facet across the documents, filtered, sorted ignoring case. Values
/// that differ only in case are one value, written as first seen in that order.
pub fn facet_values<'a>(
    schema: &Schema,
    docs: impl IntoIterator<Item = &'a Document>,
    facet: &str,
    filter: &FacetFilter,
) -> Result<Vec<String>, SearchError> {
    crate::limits::check_key("a facet's name", facet)?;
    let key = schema.canonical(facet)?;
    let mut distinct: BTreeMap<(String, String), ()> = BTreeMap::new();
    for doc in docs {
        let values = match key.as_str() {
            TAGS | TAGPATH => doc.tags(),
            FREETEXT => continue,
            k => doc.values(k),
        };
        for v in values {
            if filter
                .query
                .as_deref()
                .is_none_or(|q| filter.matching.matches(&v.folded, q))
            {
                distinct.insert((v.folded.clone(), v.original.clone()), ());
            }
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(distinct.len());
    let mut last: Option<String> = None;
    for (folded, original) in distinct.into_keys() {
        if last.as_deref() != Some(folded.as_str()) {
            out.push(original);
            last = Some(folded);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: Schema = Schema {
        entity: "thing",
        keys: &["name", "created", "groups", "active"],
        tags: true,
    };

    fn docs() -> Vec<(Document, &'static str)> {
        vec![
            (
                Document::from_json(&json!({"name": "Beta", "created": 20, "groups": ["ops"], "active": true}))
                    .with_tags(["env.prod"]),
                "beta",
            ),
            (
                Document::from_json(&json!({"name": "alpha", "created": 10, "groups": ["dev", "ops"], "active": false}))
                    .with_tags(["env.dev"]),
                "alpha",
            ),
            (
                Document::from_json(&json!({"name": "Gamma", "created": 30, "active": true})),
                "gamma",
            ),
        ]
    }

    fn q(key: &str, value: &str, matching: &str) -> RawCriterion {
        RawCriterion {
            key: Some(key.into()),
            value: Some(value.into()),
            matching: Some(matching.into()),
            ..RawCriterion::default()
        }
    }

    fn names(search: &Search) -> Vec<&'static str> {
        search.run(docs()).into_iter().map(|(_, n)| n).collect()
    }

    fn sorted(field: &str, ascending: bool) -> Option<SortKey> {
        Some(SortKey {
            field: field.into(),
            ascending,
            default: false,
        })
    }

    #[test]
    fn criteria_are_anded_and_case_insensitive() {
        let s = Search::new(
            &SCHEMA,
            vec![q("groups", "OPS", "EXACT"), q("Name", "A", "CONTAINS")],
            sorted("name", true),
        )
        .expect("valid");
        assert_eq!(names(&s), ["alpha", "beta"]);
    }

    #[test]
    fn negation_values_and_ranges() {
        let not_ops = RawCriterion {
            negated: Some(true),
            ..q("groups", "ops", "EXACT")
        };
        assert_eq!(
            names(&Search::new(&SCHEMA, vec![not_ops], None).expect("valid")),
            ["gamma"]
        );
        let either = RawCriterion {
            values: Some(vec!["gam".into(), "alp".into()]),
            ..q("name", "", "STARTSWITH")
        };
        assert_eq!(
            names(&Search::new(&SCHEMA, vec![either], None).expect("valid")),
            ["alpha", "gamma"]
        );
        let range = RawCriterion {
            key: Some("created".into()),
            start: Some(15),
            end: Some(30),
            ..RawCriterion::default()
        };
        assert_eq!(
            names(&Search::new(&SCHEMA, vec![range], sorted("created", false)).expect("valid")),
            ["gamma", "beta"]
        );
    }

    #[test]
    fn tags_tagpath_and_freetext() {
        let s = Search::new(&SCHEMA, vec![q("tagpath", "env", "CONTAINS")], None).expect("valid");
        assert_eq!(names(&s), ["beta", "alpha"]);
        let s = Search::new(&SCHEMA, vec![q("tags", "PROD", "CONTAINS")], None).expect("valid");
        assert_eq!(names(&s), ["beta"]);
        let s = Search::new(&SCHEMA, vec![q("freetext", "dev", "CONTAINS")], None).expect("valid");
        assert_eq!(names(&s), ["alpha"]);
    }

    #[test]
    fn only_declared_nested_keys_are_known() {
        const NESTED: Schema = Schema {
            entity: "nested",
            keys: &["name", "owner", "owner.name", "labels", "labels.*"],
            tags: false,
        };
        let items = || {
            vec![(
                Document::from_json(&json!({
                    "name": "a",
                    "owner": {"id": "o1", "name": "Ann"},
                    "labels": {"team": "ann"}
                })),
                "a",
            )]
        };
        let found = |key: &str| {
            Search::new(&NESTED, vec![q(key, "ann", "EXACT")], None).map(|s| {
                s.run(items())
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(found("owner.name"), Ok(vec!["a"]));
        assert_eq!(found("Owner.NAME"), Ok(vec!["a"]));
        assert_eq!(found("owner"), Ok(vec!["a"]));
        assert_eq!(found("Labels.team"), Ok(vec!["a"]));
        assert_eq!(found("labels.other"), Ok(vec![]));
        for unknown in [
            "owner.id",
            "name.x",
            "owner.name.x",
            "roles.name",
            "owner.",
            "labels.",
        ] {
            let e = found(unknown).expect_err(unknown);
            assert_eq!(
                e.to_string(),
                format!(
                    "'{unknown}' is not a search key of nested; the keys are: name, owner, owner.name, labels, labels.*, freetext"
                )
            );
        }
        assert!(Search::new(&NESTED, vec![], sorted("owner.id", true)).is_err());
        assert!(facet_values(&NESTED, &[], "name.x", &FacetFilter::default()).is_err());
    }

    #[test]
    fn unknown_keys_and_sort_fields_are_refused() {
        assert!(matches!(
            Search::new(&SCHEMA, vec![q("password", "x", "EXACT")], None),
            Err(SearchError::UnknownKey { .. })
        ));
        assert!(Search::new(&SCHEMA, vec![], sorted("secret", true)).is_err());
        let no_tags = Schema {
            tags: false,
            ..SCHEMA
        };
        assert!(Search::new(&no_tags, vec![q("tags", "x", "EXACT")], None).is_err());
    }

    proptest::proptest! {
        /// A criterion and its negation split the items between them, and an ascending sort orders
        /// the matches by their lower-cased value.
        #[test]
        fn negation_partitions_and_sorting_orders(
            names in proptest::collection::vec("[a-cA-C]{0,3}", 0..12),
            needle in "[a-cA-C]{0,2}",
            matching in proptest::sample::select(vec!["CONTAINS", "STARTSWITH", "EXACT", "TAGPATH"]),
        ) {
            let items: Vec<(Document, usize)> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (Document::from_json(&json!({"name": n})), i))
                .collect();
            let criterion = q("name", &needle, matching);
            let yes = Search::new(&SCHEMA, vec![criterion.clone()], sorted("name", true)).expect("valid");
            let no = Search::new(&SCHEMA, vec![RawCriterion { negated: Some(true), ..criterion }], None)
                .expect("valid");
            let found: Vec<usize> = yes.run(items.clone()).into_iter().map(|(_, i)| i).collect();
            let rest: Vec<usize> = no.run(items).into_iter().map(|(_, i)| i).collect();
            proptest::prop_assert_eq!(found.len() + rest.len(), names.len());
            proptest::prop_assert!(found.iter().all(|i| !rest.contains(i)));
            let folded: Vec<String> = found.iter().map(|i| names[*i].to_lowercase()).collect();
            proptest::prop_assert!(folded.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn facets_are_distinct_filtered_and_sorted() {
        let all: Vec<Document> = docs().into_iter().map(|(d, _)| d).collect();
        let every = FacetFilter::default();
        assert_eq!(
            facet_values(&SCHEMA, &all, "groups", &every).expect("valid"),
            ["dev", "ops"]
        );
        assert_eq!(
            facet_values(&SCHEMA, &all, "name", &every).expect("valid"),
            ["alpha", "Beta", "Gamma"]
        );
        let filter = FacetFilter::new(Some("A".into()), Some("STARTSWITH")).expect("valid");
        assert_eq!(
            facet_values(&SCHEMA, &all, "name", &filter).expect("valid"),
            ["alpha"]
        );
        assert!(facet_values(&SCHEMA, &all, "nope", &every).is_err());
    }
}
