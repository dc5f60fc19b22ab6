//! Why a cloud integration was refused, each reason naming the field it is about.

use crate::error::DomainError;

/// A cloud integration the server will not accept, or a stored one it cannot read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudIntegrationError {
    /// `name` is absent or blank.
    #[error("name is required")]
    NameRequired,
    /// `name` is longer than the limit.
    #[error("name is {len} characters long; at most {max} are allowed")]
    NameTooLong { len: usize, max: usize },
    /// `name` holds a control or format character (U+0000–U+001F, bidi overrides, zero-width…).
    #[error("name may not contain control or format characters (found U+{code:04X})")]
    NameHidden { code: u32 },
    /// `service` is absent or blank.
    #[error("service is required")]
    ServiceRequired,
    /// `service` names no known cloud service.
    #[error("service '{given}' is not one of {valid}")]
    UnknownService { given: String, valid: String },
    /// The configuration property for the service is absent.
    #[error("{key} is required when service is {service}")]
    ConfigurationMissing {
        service: &'static str,
        key: &'static str,
    },
    /// A field that must be a JSON object is something else.
    #[error("{path} must be an object")]
    NotAnObject { path: String },
    /// A field has the wrong JSON type.
    #[error("{path} must be {expected}")]
    WrongType {
        path: String,
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("{path} is required")]
    Required { path: String },
    /// A required string is empty or whitespace.
    #[error("{path} must not be blank")]
    Blank { path: String },
    /// A regular expression is longer than the server will compile.
    #[error("{path} is {len} bytes long; a regular expression may be at most {max} bytes")]
    RegexTooLong {
        path: String,
        len: usize,
        max: usize,
    },
    /// A regular expression does not compile.
    #[error("{path} is not a valid regular expression: {message}")]
    InvalidRegex { path: String, message: String },
    /// A value of an enumerated list is not one of the allowed values.
    #[error("{path}: '{given}' is not one of {valid}")]
    UnknownEnumValue {
        path: String,
        given: String,
        valid: String,
    },
    /// `serviceRefreshRateInMins` is outside the allowed range.
    #[error("serviceRefreshRateInMins must be between {min} and {max} minutes, got {given}")]
    RefreshRateOutOfRange { given: String, min: u64, max: u64 },
    /// A key of `additionalTags` is empty or whitespace.
    #[error("additionalTags keys must not be blank")]
    BlankTagKey,
    /// A keep-the-stored-secret value was sent when creating an integration.
    #[error(
        "{path}: there is no stored secret to keep when creating an integration; send the secret itself"
    )]
    KeepOnCreate { path: String },
    /// A keep-the-stored-secret value was sent, but the stored integration holds no such secret.
    #[error("{path}: nothing stored to keep; send the secret itself")]
    NothingStoredToKeep { path: String },
    /// Stored settings could not be read back (the store holds something this code did not write).
    #[error("stored cloud integration settings are unreadable: {0}")]
    Stored(String),
}

impl From<CloudIntegrationError> for DomainError {
    fn from(e: CloudIntegrationError) -> Self {
        match e {
            CloudIntegrationError::Stored(_) => {
                DomainError::internal("reading a stored cloud integration", e)
            }
            _ => DomainError::Invalid(e.to_string()),
        }
    }
}
