//! A search over sources as the store runs it: conditions on the name, description and tags, and
//! a cursor (the id after which the page starts, in id order).

use crate::source::record::SourceRecord;

/// How text is folded for case-insensitive matching, by the store and by search alike.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// What a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceField {
    /// The source's name (which is also its id).
    Name,
    Description,
    /// Any one of the source's tags.
    Tag,
    /// The name, the description or any tag.
    Any,
}

/// How a condition's value is compared with a field's (both folded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMatch {
    Contains,
    StartsWith,
    Exact,
    /// The value itself or any path below it (`a.b` matches `a.b` and `a.b.c`).
    TagPath,
}

/// One condition; a query's conditions must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceCondition {
    /// The field matches any one of `values` (compared folded with [`fold`]), or, when
    /// `negated`, none.
    Text {
        field: SourceField,
        matching: TextMatch,
        values: Vec<String>,
        negated: bool,
    },
    /// Holds for every source, or for none.
    Constant(bool),
}

/// A page of a search: the sources with ids after `after` that meet every condition, in id order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceQuery {
    pub conditions: Vec<SourceCondition>,
    /// The id (exclusive) the page resumes after.
    pub after: Option<String>,
    /// At least 1.
    pub limit: u32,
    pub ascending: bool,
}

/// One page of sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePage {
    pub items: Vec<SourceRecord>,
    /// Whether sources after this page meet the conditions.
    pub more: bool,
}
