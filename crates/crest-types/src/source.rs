//! Sources: the hosts telemetry comes from, their tags and descriptions, and the source search.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::envelope::ResponseStatus;
use crate::paging::{Paged, Sorting};
use crate::response_container;
use crate::search::SearchQuery;

/// `Source`: a source of telemetry (usually a host), its description and its tags.
///
/// Every field is optional so that the same type reads client input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// When the source was first seen, in epoch millis. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_epoch_millis: Option<i64>,
    /// Who created the source. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_id: Option<String>,
    /// Description of this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A derived field denoting whether this source has been hidden (e.g. excluding it from query
    /// autocomplete among other things). Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// id of this source, must be exactly equivalent to 'sourceName'.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Epoch Millis when this source was marked as ~status.new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marked_new_epoch_millis: Option<i64>,
    /// The name of the source, usually set by ingested telemetry.
    ///
    /// Required by the API; optional here so that its absence is answered with a clear message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_name: Option<String>,
    /// A Map (String -> boolean) Representing the source tags associated with this source. To create a
    /// tag, set it as a KEY in this map, with associated value equal to true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, bool>>,
    /// When the source was last changed, in epoch millis. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_epoch_millis: Option<i64>,
    /// Who last changed the source. Read-only: set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updater_id: Option<String>,
}

response_container!(
    /// `ResponseContainerSource`.
    ResponseContainerSource,
    Source
);

crate::paged_schema!(
    /// `PagedSource`.
    PagedSource,
    Source
);

response_container!(
    /// `ResponseContainerPagedSource`.
    ResponseContainerPagedSource,
    Paged<Source>,
    schema = PagedSource
);

crate::paged_schema!(
    /// `TagsResponse`: a page of tag names.
    TagsResponse,
    String
);

response_container!(
    /// `ResponseContainerTagsResponse`.
    ResponseContainerTagsResponse,
    Paged<String>,
    schema = TagsResponse
);

/// `ResponseContainer`: the envelope whose `response` is any JSON value, or absent.
///
/// Most tag and description operations answer with it and carry no `response` at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResponseContainer {
    pub status: ResponseStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub response: Option<serde_json::Value>,
}

impl ResponseContainer {
    /// A successful answer with no `response`.
    pub fn ok_empty() -> Self {
        Self {
            status: ResponseStatus::ok(),
            response: None,
        }
    }

    /// A successful answer carrying `response`.
    pub fn ok(response: serde_json::Value) -> Self {
        Self {
            status: ResponseStatus::ok(),
            response: Some(response),
        }
    }
}

/// `SourceSearchRequestContainer`: criteria (all must hold) and a cursor-paged window of sources.
///
/// `offset` and `sort` are not part of the official model, but clients built for the other search
/// bodies send them: they are read so that such bodies parse, and left out of the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceSearchRequestContainer {
    /// A list of queries by which to limit the search results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<Vec<SearchQuery>>,
    /// The id (exclusive) from which search results resume returning: the `id` of the last source
    /// of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The number of results to return. Default: 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    /// Whether to fetch obsolete sources. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_obsolete: Option<bool>,
    /// Whether to sort source results ascending lexicographically by id/sourceName. Default: true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort_sources_ascending: Option<bool>,
    /// Not in the official model: tolerated and ignored (`cursor` pages sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub offset: Option<i64>,
    /// Not in the official model: tolerated and ignored (`sortSourcesAscending` orders sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(ignore)]
    pub sort: Option<Sorting>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;

    #[test]
    fn source_with_tags_shape() {
        let source = Source {
            id: Some("web-01.example.com".into()),
            source_name: Some("web-01.example.com".into()),
            description: Some("front web server".into()),
            tags: Some(BTreeMap::from([
                ("env.prod".into(), true),
                ("role.web".into(), true),
            ])),
            hidden: Some(false),
            marked_new_epoch_millis: Some(1_700_000_000_000),
            created_epoch_millis: Some(1_700_000_000_000),
            updated_epoch_millis: Some(1_700_000_100_000),
            creator_id: Some("admin@example.com".into()),
            updater_id: Some("admin@example.com".into()),
        };
        insta::assert_json_snapshot!(ResponseContainerSource::ok(source));
    }

    #[test]
    fn tags_response_envelope_shape() {
        let page = crate::paging::PageRequest::default()
            .page(vec!["env.prod".to_owned(), "role.web".to_owned()], 2);
        insta::assert_json_snapshot!(ResponseContainerTagsResponse::ok(page));
    }

    #[test]
    fn source_keeps_every_official_field_name() {
        let json = r#"{
            "createdEpochMillis": 1700000000000,
            "creatorId": "creatorId-value",
            "description": "description-value",
            "hidden": true,
            "id": "id-value",
            "markedNewEpochMillis": 1700000000000,
            "sourceName": "sourceName-value",
            "tags": {"k1": true, "k2": false},
            "updatedEpochMillis": 1700000000000,
            "updaterId": "updaterId-value"
        }"#;
        let expected: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(expected.as_object().expect("an object").len(), 10);
        let parsed: Source = serde_json::from_str(json).expect("the body parses");
        assert_eq!(serde_json::to_value(&parsed).expect("serializes"), expected);
        let empty: Source = serde_json::from_str(r#"{"unknown":1}"#).expect("parses");
        assert_eq!(
            serde_json::to_value(&empty).expect("serializes"),
            serde_json::json!({})
        );
    }

    #[test]
    fn empty_response_container_carries_only_the_status() {
        assert_eq!(
            serde_json::to_value(ResponseContainer::ok_empty()).expect("serializes"),
            serde_json::json!({"status": {"result": "OK", "message": "", "code": 200}})
        );
        let schema = serde_json::to_value(ResponseContainer::schema()).expect("serializes");
        assert_eq!(schema["required"], serde_json::json!(["status"]));
    }

    #[test]
    fn source_search_tolerates_offset_and_sort_but_does_not_document_them() {
        let json = r#"{
            "query": [{"key": "sourceName", "value": "web", "matchingMethod": "STARTSWITH"}],
            "cursor": "web-01.example.com",
            "limit": 50,
            "includeObsolete": false,
            "sortSourcesAscending": true,
            "offset": 0,
            "sort": {"field": "sourceName", "ascending": true}
        }"#;
        let parsed: SourceSearchRequestContainer = serde_json::from_str(json).expect("parses");
        assert_eq!(parsed.limit, Some(50));
        assert_eq!(parsed.offset, Some(0));
        assert_eq!(
            parsed.sort.as_ref().map(|s| s.field.as_str()),
            Some("sourceName")
        );
        let query = parsed.query.as_deref().expect("query");
        assert_eq!(query[0].key.as_deref(), Some("sourceName"));
        assert_eq!(query[0].matching_method.as_deref(), Some("STARTSWITH"));
        // `SearchQuery` writes its absent fields as `null`; compare the rest of the body exactly.
        let mut served = serde_json::to_value(&parsed).expect("serializes");
        let mut sent: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        for body in [&mut served, &mut sent] {
            body.as_object_mut().expect("an object").remove("query");
        }
        assert_eq!(served, sent);
        let empty: SourceSearchRequestContainer = serde_json::from_str("{}").expect("parses");
        assert_eq!(empty, SourceSearchRequestContainer::default());

        let schema =
            serde_json::to_value(SourceSearchRequestContainer::schema()).expect("serializes");
        let mut documented: Vec<&str> = schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .map(String::as_str)
            .collect();
        documented.sort_unstable();
        assert_eq!(
            documented,
            [
                "cursor",
                "includeObsolete",
                "limit",
                "query",
                "sortSourcesAscending"
            ]
        );
    }

    #[test]
    fn tags_response_documents_the_paged_shape() {
        let schema = serde_json::to_value(TagsResponse::schema()).expect("serializes");
        let mut documented: Vec<&str> = schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .map(String::as_str)
            .collect();
        documented.sort_unstable();
        assert_eq!(
            documented,
            [
                "cursor",
                "items",
                "limit",
                "moreItems",
                "offset",
                "sort",
                "totalItems"
            ]
        );
        assert_eq!(TagsResponse::name(), "TagsResponse");
        assert_eq!(PagedSource::name(), "PagedSource");
    }
}
