//! The `{"status": …, "response": …}` envelope that wraps every API answer, errors included.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether a call succeeded; the generated clients accept exactly these two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum StatusResult {
    Ok,
    Error,
}

/// `ResponseStatus`: `code` mirrors the HTTP status of the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ResponseStatus {
    pub result: StatusResult,
    pub message: String,
    pub code: u16,
}

impl ResponseStatus {
    pub fn ok() -> Self {
        Self {
            result: StatusResult::Ok,
            message: String::new(),
            code: 200,
        }
    }

    pub fn error(code: u16, message: impl Into<String>) -> Self {
        Self {
            result: StatusResult::Error,
            message: message.into(),
            code,
        }
    }
}

/// The envelope with no `response`: every error, and the few answers that carry only a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusEnvelope {
    pub status: ResponseStatus,
}

/// Declares `ResponseContainer<Name>` wire types: `{status, response}` around one payload type,
/// each with the model name the real API gives it.
#[macro_export]
macro_rules! response_container {
    ($(#[$meta:meta])* $name:ident, $payload:ty $(, schema = $schema:ty)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        pub struct $name {
            pub status: $crate::envelope::ResponseStatus,
            $(#[schema(value_type = $schema)])?
            pub response: $payload,
        }

        impl $name {
            /// A successful answer carrying `response`.
            pub fn ok(response: $payload) -> Self {
                Self { status: $crate::envelope::ResponseStatus::ok(), response }
            }
        }
    };
}

response_container!(
    /// `ResponseContainerListString`.
    ResponseContainerListString,
    Vec<String>
);
