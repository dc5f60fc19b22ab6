//! Models of the API's resources, under their official names.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::response_container;

/// `ClusterInfoDTO`: what `GET /api/v2/cluster/info` tells any authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterInfoDTO {
    pub cluster_alias: String,
    pub status_page_link: String,
}

response_container!(
    /// `ResponseContainerClusterInfoDTO`.
    ResponseContainerClusterInfoDTO,
    ClusterInfoDTO
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::{Account, PagedAccount, ResponseContainerPagedAccount};

    #[test]
    fn cluster_info_envelope_shape() {
        let body = ResponseContainerClusterInfoDTO::ok(ClusterInfoDTO {
            cluster_alias: "crest".into(),
            status_page_link: "http://localhost:8080/healthz".into(),
        });
        insta::assert_json_snapshot!(body);
    }

    #[test]
    fn paged_account_envelope_shape() {
        let page = crate::paging::PageRequest::default().page(
            vec![Account {
                identifier: "admin@example.com".into(),
                groups: vec!["user_management".into()],
                roles: vec![],
                user_groups: vec![],
                united_permissions: vec!["user_management".into()],
                united_roles: vec![],
            }],
            1,
        );
        insta::assert_json_snapshot!(ResponseContainerPagedAccount::ok(page));
    }

    #[test]
    fn paged_schema_names_the_fields_paged_serializes() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(PagedAccount::schema()).expect("schema serializes");
        let mut documented: Vec<String> = schema["properties"]
            .as_object()
            .expect("an object schema")
            .keys()
            .cloned()
            .collect();
        let page = crate::paging::Paged::<Account> {
            cursor: Some(String::new()),
            sort: Some(crate::paging::Sorting {
                field: "x".into(),
                ascending: true,
                default: None,
            }),
            ..crate::paging::PageRequest::default().page(vec![], 0)
        };
        let mut served: Vec<String> = serde_json::to_value(page)
            .expect("page serializes")
            .as_object()
            .expect("an object")
            .keys()
            .cloned()
            .collect();
        documented.sort();
        served.sort();
        assert_eq!(documented, served);
    }
}
