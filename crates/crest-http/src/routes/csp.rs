//! The VMware Cloud services–compatible identity service under `/csp/gateway/am/api/`: the token
//! exchanges the real SDKs, proxies and scripts perform, and the keys that verify the tokens.
//! Every answer here, errors included, is in CSP's shape, not the API's envelope.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crest_auth::csp::issue::{ExchangeError, Issued};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::CspError;
use crate::error::csp::CspErrorBody;
use crate::extract::Source;
use crate::failure_limit::fingerprint;
use crate::state::AppState;

/// Turns an exchange's failure into its answer, counting credential failures: past the budget of
/// the (address, credential) pair or of the address, the answer is a 429.
fn refused(state: &AppState, source: &str, credential: &str, error: ExchangeError) -> CspError {
    if matches!(
        error,
        ExchangeError::InvalidToken | ExchangeError::InvalidClient
    ) && let Some(wait) =
        state
            .failures
            .fail(source, fingerprint(credential), state.clock.now_millis())
    {
        return CspError::too_many(wait);
    }
    error.into()
}

/// A successful exchange, as CSP answers it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub(crate) struct TokenResponse {
    access_token: String,
    token_type: String,
    expires_in: i64,
    scope: String,
    id_token: String,
    refresh_token: String,
}

fn token_response(issued: Issued) -> Response {
    let body = TokenResponse {
        id_token: issued.access_token.clone(),
        access_token: issued.access_token,
        token_type: "bearer".into(),
        expires_in: issued.expires_in,
        scope: issued.scope,
        // Clients exchange their API token (or credentials) again; no refresh token is issued.
        refresh_token: String::new(),
    };
    let mut response = Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The body, or why it could not be read, in CSP's shape (a body over the size limit that declared
/// no length is caught here).
fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, CspError> {
    body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the request body is larger than this server accepts (CREST_MAX_BODY_BYTES)".to_owned()
        } else {
            "the request body could not be read".to_owned()
        };
        CspError::new(status, "invalid_request", message)
    })
}

/// The parameters the token endpoints read. A repeated one is named in the refusal; any other
/// name is not echoed (a client may have put a secret where a name goes).
const KNOWN_PARAMETERS: [&str; 10] = [
    "api_token",
    "refresh_token",
    "grant_type",
    "client_id",
    "client_secret",
    "username",
    "password",
    "passcode",
    "orgId",
    "scope",
];

/// The request's parameters: the query string and a form body. A parameter sent more than once
/// (twice in the body, twice in the query, or in both) is a 400 `invalid_request`, as RFC 6749
/// §3.2 requires, rather than one of the values picked silently.
fn parameters(
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<HashMap<String, String>, CspError> {
    let mut pairs: Vec<(String, String)> = match query {
        Some(q) => serde_urlencoded::from_str(q)
            .map_err(|_| CspError::bad_request("the query string is malformed"))?,
        None => Vec::new(),
    };
    if !body.iter().all(u8::is_ascii_whitespace) {
        let form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|ct| {
                ct.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !form {
            return Err(CspError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "invalid_request",
                "send parameters as application/x-www-form-urlencoded",
            ));
        }
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
            .map_err(|_| CspError::bad_request("the form body is malformed"))?;
        pairs.extend(fields);
    }
    let mut params = HashMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        if params.contains_key(&name) {
            return Err(CspError::bad_request(
                match KNOWN_PARAMETERS.iter().find(|k| **k == name) {
                    Some(known) => format!(
                        "the parameter {known} is sent more than once; send each parameter once"
                    ),
                    None => "a parameter is sent more than once; send each parameter once".into(),
                },
            ));
        }
        params.insert(name, value);
    }
    if params
        .iter()
        .any(|(name, value)| name.contains('\0') || value.contains('\0'))
    {
        return Err(CspError::bad_request(crate::nul::REFUSAL));
    }
    Ok(params)
}

fn field<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// An original subscription has no identity service.
fn onboarded_only(state: &AppState) -> Result<(), CspError> {
    if state.settings.subscription.accepts_access_tokens() {
        Ok(())
    } else {
        Err(CspError::new(
            StatusCode::FORBIDDEN,
            "access_denied",
            "this instance serves an original subscription: use API tokens",
        ))
    }
}

fn unsupported_grant(message: &str) -> CspError {
    CspError::new(StatusCode::BAD_REQUEST, "unsupported_grant_type", message)
}

/// What the client-credentials endpoints say of any other grant type. The password grant is not
/// a person's password: the 2023 docs' "username and password" are an app's client id and secret.
const CLIENT_CREDENTIALS_ONLY: &str = "grant_type must be client_credentials: send a \
     server-to-server app's client id and secret (HTTP Basic, client_id/client_secret or \
     username/password). There is no password grant for people: a user exchanges an organization \
     API token at /csp/gateway/am/api/auth/api-tokens/authorize";

/// `Authorization: Basic base64(id:secret)`, when sent.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, CspError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let malformed = || {
        CspError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "the Basic credentials are malformed",
        )
    };
    let value = value.to_str().map_err(|_| malformed())?.trim();
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(malformed());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(malformed());
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| malformed())?;
    let text = String::from_utf8(decoded).map_err(|_| malformed())?;
    let (id, secret) = text.split_once(':').ok_or_else(malformed)?;
    Ok(Some((id.to_owned(), secret.to_owned())))
}

/// Exchanges an organization API token (`api_token`, or the older `refresh_token`, in a form body
/// or the query) for an access token that lives 30 minutes.
#[utoipa::path(
    post,
    path = "/csp/gateway/am/api/auth/api-tokens/authorize",
    operation_id = "getAccessTokenByApiRefreshTokenUsingPOST",
    tag = "CSP",
    summary = "Exchange an organization API token for an access token",
    request_body(content_type = "application/x-www-form-urlencoded", description = "api_token (or refresh_token), optional grant_type and passcode"),
    responses(
        (status = 200, description = "The access token", body = TokenResponse),
        (status = 400, description = "A bad, expired or revoked API token, or a repeated parameter", body = CspErrorBody),
        (status = 429, description = "Too many failures from this address (see Retry-After)", body = CspErrorBody)
    )
)]
pub(crate) async fn exchange_api_token(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, CspError> {
    onboarded_only(&state)?;
    let params = parameters(&headers, query.as_deref(), &read_body(body)?)?;
    if let Some(grant) = field(&params, "grant_type")
        && !matches!(grant, "api_token" | "refresh_token")
    {
        return Err(unsupported_grant(
            "grant_type must be api_token or refresh_token here (or be left out); a \
             server-to-server app uses /csp/gateway/am/api/auth/authorize",
        ));
    }
    let token = field(&params, "api_token")
        .or_else(|| field(&params, "refresh_token"))
        .ok_or_else(|| CspError::bad_request("send the API token as api_token"))?;
    match state.issuer.exchange_api_token(token).await {
        Ok(issued) => Ok(token_response(issued)),
        Err(e) => Err(refused(&state, &source, token, e)),
    }
}

/// The client id and secret a request sends: HTTP Basic wins over form fields (as CSP documents
/// it); otherwise `client_id`/`client_secret` or, as the 2023 docs describe the exchange,
/// `username`/`password`, but not both pairs at once.
fn client_secret_pair(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(String, String), CspError> {
    if let Some(pair) = basic_credentials(headers)? {
        return Ok(pair);
    }
    let pair = |id: &str, secret: &str| match (field(params, id), field(params, secret)) {
        (Some(id), Some(secret)) => Some((id.to_owned(), secret.to_owned())),
        _ => None,
    };
    match (
        pair("client_id", "client_secret"),
        pair("username", "password"),
    ) {
        (Some(_), Some(_)) => Err(CspError::bad_request(
            "send the client credentials one way: HTTP Basic, client_id/client_secret or \
             username/password",
        )),
        (Some(p), None) | (None, Some(p)) => Ok(p),
        (None, None) => Err(CspError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "send the client id and secret with HTTP Basic authentication (or as \
             client_id/client_secret, or username/password)",
        )),
    }
}

async fn client_credentials(
    state: &AppState,
    source: &str,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<Response, CspError> {
    onboarded_only(state)?;
    match field(params, "grant_type") {
        Some("client_credentials") => {}
        Some(_) => return Err(unsupported_grant(CLIENT_CREDENTIALS_ONLY)),
        None => {
            return Err(CspError::bad_request(
                "grant_type=client_credentials is required",
            ));
        }
    }
    let (id, secret) = client_secret_pair(headers, params)?;
    match state
        .issuer
        .exchange_client_credentials(&id, &secret, field(params, "orgId"))
        .await
    {
        Ok(issued) => Ok(token_response(issued)),
        Err(e) => Err(refused(state, source, &id, e)),
    }
}

/// Exchanges a server-to-server app's client id and secret (HTTP Basic, or `client_id` and
/// `client_secret` form fields, or `username` and `password` as the 2023 docs describe it) for an
/// access token, with `grant_type=client_credentials` and an optional `orgId`. There is no
/// password grant for people.
#[utoipa::path(
    post,
    path = "/csp/gateway/am/api/auth/authorize",
    operation_id = "getAccessTokenByClientCredentialsUsingPOST",
    tag = "CSP",
    summary = "Exchange client credentials for an access token",
    request_body(content_type = "application/x-www-form-urlencoded", description = "grant_type=client_credentials, optional orgId; credentials in HTTP Basic, or client_id/client_secret, or username (app id)/password (secret)"),
    responses(
        (status = 200, description = "The access token", body = TokenResponse),
        (status = 400, description = "Another grant type or organization, or a repeated parameter", body = CspErrorBody),
        (status = 401, description = "Bad client credentials", body = CspErrorBody),
        (status = 429, description = "Too many failures from this address (see Retry-After)", body = CspErrorBody)
    )
)]
pub(crate) async fn exchange_client_credentials(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, CspError> {
    let params = parameters(&headers, query.as_deref(), &read_body(body)?)?;
    client_credentials(&state, &source, &headers, &params).await
}

/// The later docs' form of the client-credentials exchange: the app id in `username`, its secret
/// in `password`, `grant_type=client_credentials`. There is no password grant for people.
#[utoipa::path(
    post,
    path = "/csp/gateway/am/api/auth/token",
    operation_id = "getTokenForAuthorizationGrantTypeUsingPOST",
    tag = "CSP",
    summary = "Exchange client credentials (username/password form) for an access token",
    request_body(content_type = "application/x-www-form-urlencoded", description = "grant_type=client_credentials, username (app id), password (secret)"),
    responses(
        (status = 200, description = "The access token", body = TokenResponse),
        (status = 400, description = "Another grant type", body = CspErrorBody),
        (status = 401, description = "Bad client credentials", body = CspErrorBody),
        (status = 429, description = "Too many failures from this address (see Retry-After)", body = CspErrorBody)
    )
)]
pub(crate) async fn exchange_token(
    State(state): State<AppState>,
    Source(source): Source,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, CspError> {
    let params = parameters(&headers, query.as_deref(), &read_body(body)?)?;
    client_credentials(&state, &source, &headers, &params).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct KeyFormat {
    format: Option<String>,
}

/// The public key that verifies access tokens: SPKI PEM in `value` by default, `?format=jwks`
/// for every current key as a JWK set, `?format=pem` for the PEM alone.
#[utoipa::path(
    get,
    path = "/csp/gateway/am/api/auth/token-public-key",
    operation_id = "getTokenPublicKeyUsingGET",
    tag = "CSP",
    summary = "The public key that verifies access tokens",
    params(("format" = Option<String>, Query, description = "jwks or pem; a JSON object with the PEM in value by default")),
    responses(
        (status = 200, description = "The key"),
        (status = 503, description = "The first key is still being made", body = CspErrorBody)
    )
)]
pub(crate) async fn token_public_key(
    State(state): State<AppState>,
    axum::extract::Query(format): axum::extract::Query<KeyFormat>,
) -> Result<Response, CspError> {
    let keys = state.issuer.keys().public_keys();
    let newest = keys.first().ok_or_else(|| {
        CspError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "the signing key is still being made; try again",
        )
    })?;
    Ok(
        match format
            .format
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("jwks") => Json(jwks(&keys)).into_response(),
            Some("pem") => (
                [(header::CONTENT_TYPE, "application/x-pem-file")],
                newest.pem.clone(),
            )
                .into_response(),
            _ => Json(serde_json::json!({
                "alg": "RS256",
                "kid": newest.kid,
                "value": newest.pem,
                "issuer": state.issuer.issuer(),
            }))
            .into_response(),
        },
    )
}

fn jwks(keys: &[crest_auth::csp::keys::PublicKey]) -> serde_json::Value {
    serde_json::json!({
        "keys": keys.iter().map(|k| serde_json::json!({
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": k.kid, "n": k.n, "e": k.e,
        })).collect::<Vec<_>>()
    })
}

/// OpenID Connect discovery: the issuer, the key set and the token endpoints, all under
/// `CREST_PUBLIC_URL`.
#[utoipa::path(
    get,
    path = "/csp/gateway/am/api/.well-known/openid-configuration",
    operation_id = "getOpenIdConfigurationUsingGET",
    tag = "CSP",
    summary = "OpenID Connect discovery document",
    responses((status = 200, description = "The discovery document"))
)]
pub(crate) async fn openid_configuration(State(state): State<AppState>) -> Response {
    let base = format!("{}/csp/gateway/am/api", state.settings.public_url);
    Json(serde_json::json!({
        "issuer": state.issuer.issuer(),
        "jwks_uri": format!("{base}/auth/token-public-key?format=jwks"),
        "token_endpoint": format!("{base}/auth/authorize"),
        "grant_types_supported": ["client_credentials", "api_token", "refresh_token"],
        "response_types_supported": ["token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
    }))
    .into_response()
}
