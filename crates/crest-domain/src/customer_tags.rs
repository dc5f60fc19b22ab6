//! `tags.customerTags`, the tags of the objects whose tags live in their document (alerts,
//! dashboards): reading them, checking them, and the tag endpoints' changes.

use serde_json::{Map, Value};

use crate::DomainError;
use crate::event::event_tag_valid;
use crate::object_acl::AclEdit;

/// The most tags on one object.
pub const MAX_TAGS: usize = 256;

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

fn refuse(tag: impl std::fmt::Display) -> DomainError {
    invalid(format!(
        "tag {tag} is not made of letters, digits, '-', '_', ':' and '.'"
    ))
}

/// The document's `tags.customerTags` (empty when absent).
pub fn customer_tags(doc: &Map<String, Value>) -> Vec<String> {
    doc.get("tags")
        .and_then(|t| t.get("customerTags"))
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The document with `tags.customerTags` replaced (other keys of `tags` kept).
pub fn with_tags(mut doc: Map<String, Value>, tags: &[String]) -> Map<String, Value> {
    let mut holder = doc
        .remove("tags")
        .and_then(|t| t.as_object().cloned())
        .unwrap_or_default();
    holder.insert(
        "customerTags".into(),
        Value::Array(tags.iter().cloned().map(Value::String).collect()),
    );
    doc.insert("tags".into(), Value::Object(holder));
    doc
}

/// Refuses a `tags` that is not `{customerTags: [tag]}` with at most [`MAX_TAGS`] valid tags
/// (`what` names the object in the message).
pub fn check_tags(doc: &Map<String, Value>, what: &str) -> Result<(), DomainError> {
    let Some(tags) = doc.get("tags").filter(|t| !t.is_null()) else {
        return Ok(());
    };
    if !tags.is_object() {
        return Err(invalid("'tags' must be an object: {customerTags: [tags]}"));
    }
    let list = match tags.get("customerTags") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(list)) => list,
        Some(_) => return Err(invalid("'tags.customerTags' must be a list of strings")),
    };
    if list.len() > MAX_TAGS {
        return Err(invalid(format!("{what} has at most {MAX_TAGS} tags")));
    }
    for tag in list {
        match tag.as_str() {
            Some(t) if event_tag_valid(t) => {}
            _ => return Err(refuse(tag)),
        }
    }
    Ok(())
}

/// What one change of the tag endpoints does to a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Retagged {
    /// The tags as they end up.
    pub tags: Vec<String>,
    /// The document with them, or `None` when its tags stay as they were.
    pub changed: Option<Map<String, Value>>,
}

/// Applies one change of the tag endpoints to a document's tags. An invalid tag changes nothing.
pub fn retag(
    doc: &Map<String, Value>,
    edit: AclEdit,
    tags: &[String],
) -> Result<Retagged, DomainError> {
    if let Some(bad) = tags.iter().find(|t| !event_tag_valid(t)) {
        return Err(refuse(format!("'{bad}'")));
    }
    let mut current = customer_tags(doc);
    let before = current.clone();
    edit.apply(&mut current, tags);
    if current.len() > MAX_TAGS {
        return Err(invalid(format!("an object has at most {MAX_TAGS} tags")));
    }
    if current == before {
        return Ok(Retagged {
            tags: current,
            changed: None,
        });
    }
    Ok(Retagged {
        changed: Some(with_tags(doc.clone(), &current)),
        tags: current,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn retag_changes_only_when_the_tags_change() {
        let d = doc(json!({"name": "x", "tags": {"customerTags": ["a"]}}));
        let Retagged { tags, changed } = retag(&d, AclEdit::Add, &["a".into()]).unwrap_or_default();
        assert_eq!(tags, vec!["a"]);
        assert!(changed.is_none());
        let Retagged { tags, changed } = retag(&d, AclEdit::Add, &["b".into()]).unwrap_or_default();
        assert_eq!(tags, vec!["a", "b"]);
        assert_eq!(
            changed.map(|c| customer_tags(&c)),
            Some(vec!["a".into(), "b".into()])
        );
        assert!(retag(&d, AclEdit::Set, &["no spaces".into()]).is_err());
    }

    #[test]
    fn tags_must_be_a_list_of_valid_tags() {
        assert!(check_tags(&doc(json!({"tags": {"customerTags": ["ok:1.x"]}})), "x").is_ok());
        assert!(check_tags(&doc(json!({"tags": {"customerTags": "a"}})), "x").is_err());
        assert!(check_tags(&doc(json!({"tags": {"customerTags": ["a b"]}})), "x").is_err());
        assert!(check_tags(&doc(json!({"tags": "a"})), "x").is_err());
    }
}
