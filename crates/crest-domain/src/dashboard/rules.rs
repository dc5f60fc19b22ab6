//! The rules a dashboard's JSON goes through on every write: the server's fields dropped, the id
//! and the URL made one, and the model the clients read checked (D-1, D-2, X-3).

use serde_json::{Map, Value};

use crate::DomainError;
use crate::customer_tags::check_tags;
use crate::dashboard::schema::{DASHBOARD, check};

/// The fields the server sets: dropped from what a client sends, filled in on every answer
/// (Terraform's list of them, and the flags crest answers for itself).
pub const SERVER_FIELDS: &[&str] = &[
    "createdEpochMillis",
    "updatedEpochMillis",
    "creatorId",
    "updaterId",
    "customer",
    "viewsLastDay",
    "viewsLastWeek",
    "viewsLastMonth",
    "numCharts",
    "numFavorites",
    "favorite",
    "deleted",
    "inTrash",
    "hidden",
    "systemOwned",
    "orphan",
    "modifyAclAccess",
    "acl",
];

/// The longest id (and URL), in characters.
pub(crate) const MAX_ID_CHARS: usize = 255;
/// The longest name, in characters.
const MAX_NAME_CHARS: usize = 1_024;

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

fn slug_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn text_of<'a>(doc: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, DomainError> {
    match doc.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("'{key}' must be a string"))),
    }
}

/// Whether `id` can be a dashboard's id: letters, digits, `_` and `-`, at most 255 of them.
pub(crate) fn check_id(id: &str) -> Result<(), DomainError> {
    if slug_ok(id) {
        Ok(())
    } else {
        Err(invalid(format!(
            "a dashboard's id (its URL) is 1 to {MAX_ID_CHARS} letters, digits, '_' and '-', not '{id}'"
        )))
    }
}

/// Checks a dashboard a client sent and returns it as stored, with its id. `id` and `url` are one
/// (either may be left out); on an update, `path_id` is the id the path names and the body may
/// not name another. Every other field is kept as it came.
pub fn normalize(
    mut doc: Map<String, Value>,
    path_id: Option<&str>,
) -> Result<(String, Map<String, Value>), DomainError> {
    for key in SERVER_FIELDS {
        doc.remove(*key);
    }
    let id = text_of(&doc, "id")?.map(str::to_owned);
    let url = text_of(&doc, "url")?.map(str::to_owned);
    let id = match (id, url, path_id) {
        (Some(id), Some(url), _) if id != url => {
            return Err(invalid(format!(
                "a dashboard's 'id' is its 'url': '{id}' and '{url}' differ"
            )));
        }
        (Some(id), _, _) | (None, Some(id), _) => id,
        (None, None, Some(path)) => path.to_owned(),
        (None, None, None) => {
            return Err(invalid(
                "a dashboard needs an 'id' or a 'url' (its URL slug: letters, digits, '_' and '-')",
            ));
        }
    };
    check_id(&id)?;
    if let Some(path) = path_id
        && path != id
    {
        return Err(invalid(format!(
            "the body names dashboard '{id}' but the path names '{path}'"
        )));
    }
    doc.insert("id".into(), Value::String(id.clone()));
    doc.insert("url".into(), Value::String(id.clone()));
    let name = text_of(&doc, "name")?.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(invalid("'name' is required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(invalid(format!(
            "'name' is longer than {MAX_NAME_CHARS} characters"
        )));
    }
    check_tags(&doc, "a dashboard")?;
    check(&DASHBOARD, &doc, "")?;
    Ok((id, doc))
}

/// How many charts the dashboard's sections hold (`numCharts`).
pub fn chart_count(doc: &Map<String, Value>) -> usize {
    let list = |v: Option<&Value>| v.and_then(Value::as_array).cloned().unwrap_or_default();
    list(doc.get("sections"))
        .iter()
        .flat_map(|s| list(s.get("rows")))
        .map(|r| list(r.get("charts")).len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    fn minimal() -> Value {
        json!({
            "name": "D",
            "url": "d-1",
            "sections": [{"name": "S", "rows": [{"charts": [
                {"name": "C", "sources": [{"name": "q", "query": "ts(x)"}],
                 "chartSettings": {"type": "line", "min": 1}}
            ]}]}],
            "unknown": {"kept": [1, null, "x"]}
        })
    }

    fn message(v: Value, path: Option<&str>) -> String {
        normalize(doc(v), path)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn the_url_becomes_the_id_and_unknown_fields_stay() {
        let (id, stored) = normalize(doc(minimal()), None).unwrap_or_default();
        assert_eq!(id, "d-1");
        assert_eq!(stored.get("id"), Some(&json!("d-1")));
        assert_eq!(
            stored.get("unknown"),
            Some(&json!({"kept": [1, null, "x"]}))
        );
        assert_eq!(
            stored
                .get("sections")
                .and_then(|s| s.pointer("/0/rows/0/charts/0/chartSettings")),
            Some(&json!({"type": "line", "min": 1}))
        );
        assert_eq!(chart_count(&stored), 1);
    }

    #[test]
    fn ids_are_slugs_and_one_with_the_url() {
        let mut v = minimal();
        v["id"] = json!("other");
        assert!(message(v, None).contains("differ"));
        let mut v = minimal();
        v["url"] = json!("has space");
        assert!(message(v, None).contains("letters, digits"));
        assert!(message(minimal(), Some("d-2")).contains("path names 'd-2'"));
        let mut v = minimal();
        v.as_object_mut().map(|o| o.remove("url"));
        assert!(message(v.clone(), None).contains("needs an 'id'"));
        assert_eq!(
            normalize(doc(v), Some("d-3"))
                .map(|(id, _)| id)
                .ok()
                .as_deref(),
            Some("d-3")
        );
    }

    #[test]
    fn the_model_is_checked_where_it_lies() {
        let mut v = minimal();
        v["sections"][0]["rows"][0]["charts"][0]["chartSettings"]["type"] = json!("pies");
        assert!(
            message(v, None)
                .contains("'sections[0].rows[0].charts[0].chartSettings.type' must be one of")
        );
        let mut v = minimal();
        v["sections"][0]["rows"][0]["charts"][0]["sources"][0]
            .as_object_mut()
            .map(|o| o.remove("query"));
        assert!(
            message(v, None)
                .contains("'sections[0].rows[0].charts[0].sources[0].query' is required")
        );
        let mut v = minimal();
        v.as_object_mut().map(|o| o.remove("sections"));
        assert!(message(v, None).contains("'sections' is required"));
        let mut v = minimal();
        v["parameterDetails"] = json!({"env": {"parameterType": "SOMETIMES"}});
        assert!(message(v, None).contains("'parameterDetails.env.parameterType' must be one of"));
        let mut v = minimal();
        v["eventFilterType"] = json!(3);
        assert!(message(v, None).contains("'eventFilterType' must be a string"));
        let mut v = minimal();
        v["name"] = json!(" ");
        assert!(message(v, None).contains("'name' is required"));
    }

    #[test]
    fn server_fields_are_dropped() {
        let mut v = minimal();
        v["numFavorites"] = json!(7);
        v["acl"] = json!({"canView": ["x"]});
        v["creatorId"] = json!("someone");
        let (_, stored) = normalize(doc(v), None).unwrap_or_default();
        for key in ["numFavorites", "acl", "creatorId"] {
            assert!(!stored.contains_key(key), "{key}");
        }
    }
}
