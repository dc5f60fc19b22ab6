//! A searchable item: its fields by key, each holding one or more values.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

/// One value of a field, kept as written (for facets) and lower-cased (for matching).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FieldValue {
    pub(crate) original: String,
    pub(crate) folded: String,
    pub(crate) number: Option<f64>,
}

impl FieldValue {
    fn text(s: &str) -> Self {
        Self {
            original: s.to_owned(),
            folded: s.to_lowercase(),
            number: None,
        }
    }

    fn number(n: &serde_json::Number) -> Self {
        let text = n.to_string();
        Self {
            folded: text.clone(),
            original: text,
            number: n.as_f64(),
        }
    }

    /// The order of sorted results: numbers by value, text ignoring case (then as written, so the
    /// order is total and the same everywhere).
    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        match (self.number, other.number) {
            (Some(a), Some(b)) => a.total_cmp(&b),
            _ => self
                .folded
                .cmp(&other.folded)
                .then_with(|| self.original.cmp(&other.original)),
        }
    }
}

/// An item as the engine sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    fields: BTreeMap<String, Vec<FieldValue>>,
    tags: Vec<FieldValue>,
}

impl Document {
    /// Reads an item's JSON representation. Each property is a key; a nested object's properties
    /// are also keys of their own (`parent.child`), and the parent key itself holds the nested
    /// objects' `id` and `name` (or, lacking those, all their values). Booleans read as `true` and
    /// `false`; nulls are absent.
    pub fn from_json(value: &Value) -> Self {
        let mut doc = Self::default();
        if let Value::Object(map) = value {
            for (key, v) in map {
                doc.add(key, v);
            }
        }
        doc
    }

    /// Sets the item's tags, searched by the `tags` and `tagpath` keys.
    #[must_use]
    pub fn with_tags<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, tags: I) -> Self {
        self.tags = tags
            .into_iter()
            .map(|t| FieldValue::text(t.as_ref()))
            .collect();
        self
    }

    fn add(&mut self, key: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::Bool(b) => self.push(key, FieldValue::text(if *b { "true" } else { "false" })),
            Value::Number(n) => self.push(key, FieldValue::number(n)),
            Value::String(s) => self.push(key, FieldValue::text(s)),
            Value::Array(items) => {
                for item in items {
                    self.add(key, item);
                }
            }
            Value::Object(map) => {
                let identity: Vec<&Value> =
                    ["id", "name"].iter().filter_map(|k| map.get(*k)).collect();
                let mut nested = Self::default();
                for (child, v) in map {
                    nested.add(child, v);
                }
                for (child, values) in nested.fields {
                    self.fields
                        .entry(format!("{key}.{child}"))
                        .or_default()
                        .extend(values.iter().cloned());
                    if identity.is_empty() {
                        self.fields
                            .entry(key.to_owned())
                            .or_default()
                            .extend(values);
                    }
                }
                for v in identity {
                    self.add(key, v);
                }
            }
        }
    }

    fn push(&mut self, key: &str, value: FieldValue) {
        self.fields.entry(key.to_owned()).or_default().push(value);
    }

    pub(crate) fn values(&self, key: &str) -> &[FieldValue] {
        self.fields.get(key).map_or(&[], Vec::as_slice)
    }

    pub(crate) fn tags(&self) -> &[FieldValue] {
        &self.tags
    }

    /// Every value of every field, for free-text search.
    pub(crate) fn all_values(&self) -> impl Iterator<Item = &FieldValue> {
        self.fields.values().flatten().chain(&self.tags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(doc: &Document, key: &str) -> Vec<String> {
        doc.values(key).iter().map(|v| v.original.clone()).collect()
    }

    #[test]
    fn json_properties_become_keys() {
        let doc = Document::from_json(&json!({
            "identifier": "Ann@Example.com",
            "active": true,
            "created": 17,
            "groups": ["a", "b"],
            "userGroups": [{"id": "g1", "name": "Everyone", "roles": [{"id": "r1", "name": "Ops"}]}],
            "settings": {"x": 1},
            "gone": null
        }));
        assert_eq!(texts(&doc, "identifier"), ["Ann@Example.com"]);
        assert_eq!(doc.values("identifier")[0].folded, "ann@example.com");
        assert_eq!(texts(&doc, "active"), ["true"]);
        assert_eq!(doc.values("created")[0].number, Some(17.0));
        assert_eq!(texts(&doc, "groups"), ["a", "b"]);
        assert_eq!(texts(&doc, "userGroups"), ["g1", "Everyone"]);
        assert_eq!(texts(&doc, "userGroups.roles"), ["r1", "Ops"]);
        assert_eq!(texts(&doc, "settings"), ["1"]);
        assert_eq!(texts(&doc, "settings.x"), ["1"]);
        assert!(doc.values("gone").is_empty());
    }
}
