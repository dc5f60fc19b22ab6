//! The secrets a cloud integration holds: which fields they are, how a client asks to keep the
//! stored one on update, and how reads hide them.

use serde_json::{Map, Value};

use super::error::CloudIntegrationError;
use super::service::CloudService;
use super::settings::IntegrationSettings;

/// What reads show in place of a stored secret, and what a client may send back to keep it.
///
/// Chosen to be unmistakable (no real key, token or password looks like it) and to say what
/// sending it back does.
pub const SECRET_PLACEHOLDER: &str = "<secret: unchanged>";

/// Values that, sent on update in a secret field, keep the stored secret: [`SECRET_PLACEHOLDER`]
/// and the API's own `saved_secret` (Azure client secret) and `saved_api_key` (GCP billing API
/// key), accepted for every secret field. A `gcpJsonKey` may also be the documented
/// `{"project_id": "%s"}` stub.
pub const KEEP_VALUES: [&str; 3] = [SECRET_PLACEHOLDER, "saved_secret", "saved_api_key"];

/// The secret fields of a service's configuration, as paths inside it.
pub fn secret_paths(service: CloudService) -> &'static [&'static [&'static str]] {
    match service {
        CloudService::CloudWatch | CloudService::CloudTrail | CloudService::Ec2 => &[],
        CloudService::Gcp => &[&["gcpJsonKey"]],
        CloudService::GcpBilling => &[&["gcpJsonKey"], &["gcpApiKey"]],
        CloudService::Azure | CloudService::AzureActivityLog => {
            &[&["baseCredentials", "clientSecret"]]
        }
        CloudService::NewRelic => &[&["apiKey"]],
        CloudService::AppDynamics => &[&["encryptedPassword"]],
        CloudService::Vrops => &[&["vropsAPIToken"]],
        CloudService::Snowflake => &[&["privateKey"], &["password"]],
        CloudService::Dynatrace => &[&["dynatraceAPIToken"]],
    }
}

/// The settings as a client may read them: every secret present replaced by
/// [`SECRET_PLACEHOLDER`].
pub fn masked(settings: &IntegrationSettings) -> Map<String, Value> {
    let mut out = settings.settings.clone();
    if let Some(Value::Object(config)) = out.get_mut(settings.service.config_key()) {
        for path in secret_paths(settings.service) {
            if let Some((leaf, parent)) = parent_mut(config, path)
                && let Some(v) = parent.get_mut(leaf)
            {
                *v = Value::String(SECRET_PLACEHOLDER.to_owned());
            }
        }
    }
    out
}

/// Replaces every keep-value in `config`'s secret fields by the stored secret.
pub(super) fn keep_stored_secrets(
    service: CloudService,
    config: &mut Map<String, Value>,
    stored: Option<&IntegrationSettings>,
) -> Result<(), CloudIntegrationError> {
    for path in secret_paths(service) {
        keep_one(service, config, path, stored)?;
    }
    Ok(())
}

fn keep_one(
    service: CloudService,
    config: &mut Map<String, Value>,
    path: &[&str],
    stored: Option<&IntegrationSettings>,
) -> Result<(), CloudIntegrationError> {
    let Some((leaf, parent)) = parent_mut(config, path) else {
        return Ok(());
    };
    let Some(Value::String(sent)) = parent.get(leaf) else {
        return Ok(());
    };
    if !is_keep_value(leaf, sent) {
        return Ok(());
    }
    let field = format!("{}.{}", service.config_key(), path.join("."));
    let Some(stored) = stored else {
        return Err(CloudIntegrationError::KeepOnCreate { path: field });
    };
    let kept = stored_value(stored, service, path)
        .ok_or(CloudIntegrationError::NothingStoredToKeep { path: field })?;
    parent.insert(leaf.to_owned(), Value::String(kept.to_owned()));
    Ok(())
}

/// On update of an AWS integration, an omitted `baseCredentials.externalId` is the stored one.
pub(super) fn keep_external_id(
    service: CloudService,
    config: &mut Map<String, Value>,
    stored: Option<&IntegrationSettings>,
) {
    const PATH: [&str; 2] = ["baseCredentials", "externalId"];
    if !service.is_aws() {
        return;
    }
    let Some(Value::Object(credentials)) = config.get_mut(PATH[0]) else {
        return;
    };
    if credentials.contains_key(PATH[1]) {
        return;
    }
    if let Some(kept) = stored.and_then(|s| stored_value(s, service, &PATH)) {
        credentials.insert(PATH[1].to_owned(), Value::String(kept.to_owned()));
    }
}

/// Whether `sent`, in the field named `leaf`, asks to keep the stored secret.
fn is_keep_value(leaf: &str, sent: &str) -> bool {
    let sent = sent.trim();
    KEEP_VALUES.contains(&sent) || (leaf == "gcpJsonKey" && is_project_id_stub(sent))
}

/// The documented `{"project_id": "%s"}` form: a JSON object whose only key is `project_id`.
fn is_project_id_stub(sent: &str) -> bool {
    serde_json::from_str::<Map<String, Value>>(sent)
        .is_ok_and(|m| m.len() == 1 && m.contains_key("project_id"))
}

/// The non-blank string stored at `path` in `stored`'s configuration, if it is for `service`.
fn stored_value<'a>(
    stored: &'a IntegrationSettings,
    service: CloudService,
    path: &[&str],
) -> Option<&'a str> {
    if stored.service != service {
        return None;
    }
    let mut at = stored.settings.get(service.config_key())?;
    for segment in path {
        at = at.get(segment)?;
    }
    at.as_str().filter(|s| !s.trim().is_empty())
}

/// The last segment of `path` and the object holding it, when every step is an object.
fn parent_mut<'v, 'p>(
    config: &'v mut Map<String, Value>,
    path: &'p [&'p str],
) -> Option<(&'p str, &'v mut Map<String, Value>)> {
    let (leaf, steps) = path.split_last()?;
    let mut at = config;
    for step in steps {
        at = at.get_mut(*step)?.as_object_mut()?;
    }
    Some((leaf, at))
}
