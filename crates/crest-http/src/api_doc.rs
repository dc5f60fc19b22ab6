//! The OpenAPI document, generated from the route annotations; never edited by hand.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Crest: the Operations for Applications (Wavefront) REST API",
        description = "A self-hosted server for the Operations for Applications REST API. \
            Scripts authenticate with `Authorization: Bearer <token>` (or `X-AUTH-TOKEN: <token>`).",
        license(name = "Apache-2.0")
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "Wavefront", description = "Cluster information"),
        (name = "AccountUserAndServiceAccount", description = "User and service accounts"),
        (name = "ApiToken", description = "API tokens"),
        (name = "Role", description = "Roles: named sets of permissions"),
        (name = "UserGroup", description = "Groups of accounts that share roles"),
        (name = "User", description = "The deprecated user API, kept for older tools"),
        (name = "Crest", description = "Crest's own endpoints, and compatibility endpoints outside the REST API")
    )
)]
pub(crate) struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-AUTH-TOKEN"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as `/api/v2/swagger.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::routes::api_routes().into_openapi()
}
