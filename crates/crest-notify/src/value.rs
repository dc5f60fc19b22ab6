//! What a template reads: a tree of values, with the product's functions (lambdas), iteration
//! limits and their read-backs as values of their own.

use std::collections::BTreeMap;

use crate::functions::Function;

/// The lists whose iteration a template may limit (`setFailingLimit` and the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LimitKind {
    /// `setDefaultIterationLimit`: every limited list without a limit of its own.
    Default,
    Failing,
    InMaintenance,
    NewlyFailing,
    Recovered,
    FilterByKVs,
    ContributingKVs,
}

impl LimitKind {
    pub const ALL: [LimitKind; 7] = [
        Self::Default,
        Self::Failing,
        Self::InMaintenance,
        Self::NewlyFailing,
        Self::Recovered,
        Self::FilterByKVs,
        Self::ContributingKVs,
    ];

    /// The read-back's name (`failingLimit`); the setter is `set` and the name capitalised.
    pub const fn read_back(self) -> &'static str {
        match self {
            Self::Default => "defaultIterationLimit",
            Self::Failing => "failingLimit",
            Self::InMaintenance => "inMaintenanceLimit",
            Self::NewlyFailing => "newlyFailingLimit",
            Self::Recovered => "recoveredLimit",
            Self::FilterByKVs => "filterByKVsLimit",
            Self::ContributingKVs => "contributingKVsLimit",
        }
    }

    /// The setter's name (`setFailingLimit`).
    pub const fn setter(self) -> &'static str {
        match self {
            Self::Default => "setDefaultIterationLimit",
            Self::Failing => "setFailingLimit",
            Self::InMaintenance => "setInMaintenanceLimit",
            Self::NewlyFailing => "setNewlyFailingLimit",
            Self::Recovered => "setRecoveredLimit",
            Self::FilterByKVs => "setFilterByKVsLimit",
            Self::ContributingKVs => "setContributingKVsLimit",
        }
    }
}

/// A value in a template's context.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Str(String),
    Int(i64),
    Float(f64),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    /// A list whose iteration stops at the limit of its kind.
    Limited(LimitKind, Vec<Value>),
    /// Point tags: a section iterates the pairs; inside, `key`, `value` and the tag's own name
    /// read them, and `{{.}}` prints `key=value`.
    Tags(BTreeMap<String, String>),
    /// One pair of [`Value::Tags`].
    Pair(String, String),
    /// A function applied to the rendered text of its section.
    Function(Function),
    /// The current limit of a kind, as a number.
    LimitOf(LimitKind),
    /// Whether a limited list holds more than its kind's limit (`failingLimitExceed`).
    LimitExceeded(LimitKind, usize),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Self::Str(s.into())
    }

    /// A list of strings.
    pub fn strs<S: AsRef<str>>(items: &[S]) -> Self {
        Self::List(items.iter().map(|s| Self::str(s.as_ref())).collect())
    }

    /// A map from its pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Self {
        Self::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The member `name` of a map-like value.
    pub(crate) fn member(&self, name: &str) -> Option<&Value> {
        match self {
            Self::Map(m) => m.get(name),
            _ => None,
        }
    }

    /// A JSON document as a value (numbers that fit stay integers).
    pub fn from_json(json: &serde_json::Value) -> Self {
        match json {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(b) => Self::Bool(*b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Self::Float(n.as_f64().unwrap_or(0.0)), Self::Int),
            serde_json::Value::String(s) => Self::Str(s.clone()),
            serde_json::Value::Array(a) => Self::List(a.iter().map(Self::from_json).collect()),
            serde_json::Value::Object(o) => Self::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Self::from_json(v)))
                    .collect(),
            ),
        }
    }
}
