//! A cloud integration's client-owned settings as the server keeps them, and their stored form.

use std::fmt;

use serde_json::{Map, Value};

use super::error::CloudIntegrationError;
use super::secrets::masked;
use super::service::CloudService;

/// The client-owned part of a cloud integration, validated by [`super::prepare`].
///
/// `settings` is the JSON object kept: `name` (trimmed), `service` (its enum value), the one
/// configuration for the service (secrets included), `additionalTags`,
/// `serviceRefreshRateInMins` and `reuseExternalIdCredential`. `name` and `service` repeat the
/// fields of the same names, which win when the two differ. `Debug` hides the secrets.
#[derive(Clone, PartialEq)]
pub struct IntegrationSettings {
    pub name: String,
    pub service: CloudService,
    pub settings: Map<String, Value>,
}

impl IntegrationSettings {
    /// The settings as stored: a JSON object in a string.
    pub fn to_stored(&self) -> String {
        Value::Object(self.with_identity()).to_string()
    }

    /// Reads back what [`IntegrationSettings::to_stored`] wrote.
    pub fn from_stored(stored: &str) -> Result<Self, CloudIntegrationError> {
        let settings: Map<String, Value> = serde_json::from_str(stored)
            .map_err(|e| CloudIntegrationError::Stored(format!("not a JSON object: {e}")))?;
        let name = settings
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| CloudIntegrationError::Stored("no name".to_owned()))?
            .to_owned();
        let service = settings
            .get("service")
            .and_then(Value::as_str)
            .ok_or_else(|| CloudIntegrationError::Stored("no service".to_owned()))
            .and_then(|s| {
                CloudService::parse(s).map_err(|e| CloudIntegrationError::Stored(e.to_string()))
            })?;
        if !settings
            .get(service.config_key())
            .is_some_and(Value::is_object)
        {
            return Err(CloudIntegrationError::Stored(format!(
                "no {} configuration",
                service.config_key()
            )));
        }
        Ok(Self {
            name,
            service,
            settings,
        })
    }

    /// The settings with `name` and `service` taken from the struct's fields.
    fn with_identity(&self) -> Map<String, Value> {
        let mut out = self.settings.clone();
        out.insert("name".to_owned(), Value::String(self.name.clone()));
        out.insert(
            "service".to_owned(),
            Value::String(self.service.as_str().to_owned()),
        );
        out
    }
}

impl fmt::Debug for IntegrationSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntegrationSettings")
            .field("name", &self.name)
            .field("service", &self.service)
            .field("settings", &masked(self))
            .finish()
    }
}
