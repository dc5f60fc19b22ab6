//! Turning a client's cloud integration into the settings the server keeps, on create or update.

use serde_json::{Map, Value};

use super::error::CloudIntegrationError;
use super::rules;
use super::secrets::{keep_external_id, keep_stored_secrets};
use super::service::CloudService;
use super::settings::IntegrationSettings;

/// Properties that belong to the server whatever a client sends (dropped from input), plus the
/// write-only `forceSave` flag.
pub const SERVER_FIELDS: [&str; 16] = [
    "id",
    "createdEpochMillis",
    "creatorId",
    "updatedEpochMillis",
    "updaterId",
    "inTrash",
    "deleted",
    "disabled",
    "lastError",
    "lastErrorEvent",
    "lastErrorMs",
    "lastMetricCount",
    "lastProcessingTimestamp",
    "lastProcessorId",
    "lastReceivedDataPointMs",
    "forceSave",
];

/// The longest `name`, in characters (the API documents no limit; 255 is Crest's).
pub const MAX_NAME_CHARS: usize = 255;

/// The `serviceRefreshRateInMins` used when a client sends none (the product's default).
pub const DEFAULT_REFRESH_RATE_MINS: u64 = 5;

/// The allowed `serviceRefreshRateInMins`: from every minute to once a day. The API documents no
/// range; these bounds are Crest's.
pub const REFRESH_RATE_MINS: std::ops::RangeInclusive<u64> = 1..=1440;

/// Validates a client's cloud integration and returns the settings to keep.
///
/// `stored` is `None` on create and the integration's current settings on update; on update a
/// secret sent as a keep-value (see [`super::KEEP_VALUES`]) is the stored one, and an AWS
/// `baseCredentials.externalId` left out is the stored one. Server fields and the configurations
/// of other services are dropped; JSON nulls count as absent.
pub fn prepare(
    input: Map<String, Value>,
    stored: Option<&IntegrationSettings>,
) -> Result<IntegrationSettings, CloudIntegrationError> {
    let mut input = without_nulls(input);
    for field in SERVER_FIELDS {
        input.remove(field);
    }

    let name = name(input.get("name"))?;
    let service = service(input.get("service"))?;
    let key = service.config_key();
    let mut config = match input.remove(key) {
        None => {
            return Err(CloudIntegrationError::ConfigurationMissing {
                service: service.as_str(),
                key,
            });
        }
        Some(Value::Object(config)) => config,
        Some(_) => {
            return Err(CloudIntegrationError::NotAnObject {
                path: key.to_owned(),
            });
        }
    };
    keep_stored_secrets(service, &mut config, stored)?;
    keep_external_id(service, &mut config, stored);
    rules::check(service, &mut config)?;

    let mut settings = Map::new();
    settings.insert("name".to_owned(), Value::String(name.clone()));
    settings.insert(
        "service".to_owned(),
        Value::String(service.as_str().to_owned()),
    );
    settings.insert(key.to_owned(), Value::Object(config));
    if let Some(tags) = input.remove("additionalTags") {
        settings.insert("additionalTags".to_owned(), additional_tags(tags)?);
    }
    settings.insert(
        "serviceRefreshRateInMins".to_owned(),
        Value::from(refresh_rate(input.get("serviceRefreshRateInMins"))?),
    );
    if let Some(reuse) = input.remove("reuseExternalIdCredential") {
        if !reuse.is_string() {
            return Err(CloudIntegrationError::WrongType {
                path: "reuseExternalIdCredential".to_owned(),
                expected: "a string",
            });
        }
        settings.insert("reuseExternalIdCredential".to_owned(), reuse);
    }
    Ok(IntegrationSettings {
        name,
        service,
        settings,
    })
}

/// `name`: required, trimmed, non-blank, at most [`MAX_NAME_CHARS`] characters.
fn name(value: Option<&Value>) -> Result<String, CloudIntegrationError> {
    let name = match value {
        None => return Err(CloudIntegrationError::NameRequired),
        Some(Value::String(s)) => s.trim(),
        Some(_) => {
            return Err(CloudIntegrationError::WrongType {
                path: "name".to_owned(),
                expected: "a string",
            });
        }
    };
    if name.is_empty() {
        return Err(CloudIntegrationError::NameRequired);
    }
    if let Some(c) = crate::text::hidden_char(name) {
        return Err(CloudIntegrationError::NameHidden { code: u32::from(c) });
    }
    let len = name.chars().count();
    if len > MAX_NAME_CHARS {
        return Err(CloudIntegrationError::NameTooLong {
            len,
            max: MAX_NAME_CHARS,
        });
    }
    Ok(name.to_owned())
}

/// `service`: required, one of [`CloudService::ALL`] in any case.
fn service(value: Option<&Value>) -> Result<CloudService, CloudIntegrationError> {
    match value {
        None => Err(CloudIntegrationError::ServiceRequired),
        Some(Value::String(s)) if s.trim().is_empty() => {
            Err(CloudIntegrationError::ServiceRequired)
        }
        Some(Value::String(s)) => CloudService::parse(s),
        Some(_) => Err(CloudIntegrationError::WrongType {
            path: "service".to_owned(),
            expected: "a string",
        }),
    }
}

/// `additionalTags`: an object of strings with non-blank keys.
fn additional_tags(tags: Value) -> Result<Value, CloudIntegrationError> {
    let Value::Object(map) = &tags else {
        return Err(CloudIntegrationError::NotAnObject {
            path: "additionalTags".to_owned(),
        });
    };
    for (k, v) in map {
        if k.trim().is_empty() {
            return Err(CloudIntegrationError::BlankTagKey);
        }
        if !v.is_string() {
            return Err(CloudIntegrationError::WrongType {
                path: format!("additionalTags.{k}"),
                expected: "a string",
            });
        }
    }
    Ok(tags)
}

/// `serviceRefreshRateInMins`: within [`REFRESH_RATE_MINS`], [`DEFAULT_REFRESH_RATE_MINS`] when
/// absent.
fn refresh_rate(value: Option<&Value>) -> Result<u64, CloudIntegrationError> {
    let Some(value) = value else {
        return Ok(DEFAULT_REFRESH_RATE_MINS);
    };
    let out_of_range = || CloudIntegrationError::RefreshRateOutOfRange {
        given: value.to_string(),
        min: *REFRESH_RATE_MINS.start(),
        max: *REFRESH_RATE_MINS.end(),
    };
    match value {
        Value::Number(n) if n.is_u64() || n.is_i64() => n
            .as_u64()
            .filter(|m| REFRESH_RATE_MINS.contains(m))
            .ok_or_else(out_of_range),
        _ => Err(CloudIntegrationError::WrongType {
            path: "serviceRefreshRateInMins".to_owned(),
            expected: "an integer",
        }),
    }
}

/// The object with every null member removed, at any depth.
fn without_nulls(map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k, strip(v)))
        .collect()
}

fn strip(value: Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(without_nulls(m)),
        Value::Array(items) => Value::Array(items.into_iter().map(strip).collect()),
        other => other,
    }
}
