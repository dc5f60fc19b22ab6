//! What each service's configuration must hold: its credentials, required fields (the `required`
//! flags of the API models), regular expressions and enumerated lists.

use serde_json::{Map, Value};

use super::error::CloudIntegrationError;
use super::java_regex::{self, JavaRegexError};
use super::service::CloudService;

/// The categories of `gcp.categoriesToFetch` (GCPConfiguration).
pub const GCP_CATEGORIES: [&str; 31] = [
    "APPENGINE",
    "BIGQUERY",
    "BIGTABLE",
    "CLOUDFUNCTIONS",
    "CLOUDIOT",
    "CLOUDSQL",
    "CLOUDTASKS",
    "COMPUTE",
    "CONTAINER",
    "DATAFLOW",
    "DATAPROC",
    "DATASTORE",
    "FIREBASEDATABASE",
    "FIREBASEHOSTING",
    "FIRESTORE",
    "INTERCONNECT",
    "KUBERNETES",
    "LOADBALANCING",
    "LOGGING",
    "ML",
    "MONITORING",
    "PUBSUB",
    "REDIS",
    "ROUTER",
    "RUN",
    "SERVICERUNTIME",
    "SPANNER",
    "STORAGE",
    "TPU",
    "VPN",
    "APIGEE",
];

/// The categories of `vrops.categoriesToFetch` (VropsConfiguration).
pub const VROPS_CATEGORIES: [&str; 2] = ["VMWARE_CLUSTERCOMPUTERESOURCE", "VMWARE_DATASTORE"];

/// The categories of `azureActivityLog.categoryFilter` (AzureActivityLogConfiguration).
pub const AZURE_ACTIVITY_LOG_CATEGORIES: [&str; 5] = [
    "ADMINISTRATIVE",
    "SERVICEHEALTH",
    "ALERT",
    "AUTOSCALE",
    "SECURITY",
];

/// How a service authenticates: the `baseCredentials` object and its required fields.
#[derive(Debug, Clone, Copy)]
enum Credentials {
    None,
    /// AWSBaseCredentials.
    Aws,
    /// AzureBaseCredentials.
    Azure,
}

impl Credentials {
    const fn required(self) -> &'static [&'static str] {
        match self {
            Self::None => &[],
            Self::Aws => &["roleArn", "externalId"],
            Self::Azure => &["clientId", "clientSecret", "tenant"],
        }
    }
}

/// The rules of one service's configuration.
#[derive(Debug)]
struct Rules {
    credentials: Credentials,
    /// Required non-blank strings.
    required: &'static [&'static str],
    /// Optional regular expressions.
    regexes: &'static [&'static str],
    /// Optional lists of regular expressions.
    regex_lists: &'static [&'static str],
    /// Optional lists of objects, each with an optional regular expression: (list, field).
    nested_regexes: &'static [(&'static str, &'static str)],
    /// Optional enumerated lists: (field, allowed values).
    enum_lists: &'static [(&'static str, &'static [&'static str])],
}

const NO_RULES: Rules = Rules {
    credentials: Credentials::None,
    required: &[],
    regexes: &[],
    regex_lists: &[],
    nested_regexes: &[],
    enum_lists: &[],
};

const METRIC_FILTER: &[&str] = &["metricFilterRegex"];

fn rules(service: CloudService) -> Rules {
    match service {
        CloudService::CloudWatch => Rules {
            credentials: Credentials::Aws,
            regexes: &[
                "metricFilterRegex",
                "pointTagFilterRegex",
                "s3BucketNameFilterRegex",
            ],
            ..NO_RULES
        },
        CloudService::CloudTrail => Rules {
            credentials: Credentials::Aws,
            required: &["bucketName", "region"],
            ..NO_RULES
        },
        CloudService::Ec2 => Rules {
            credentials: Credentials::Aws,
            regexes: &["metricFilterRegex", "pointTagFilterRegex"],
            ..NO_RULES
        },
        CloudService::Gcp => Rules {
            required: &["projectId", "gcpJsonKey"],
            regexes: METRIC_FILTER,
            enum_lists: &[("categoriesToFetch", &GCP_CATEGORIES)],
            ..NO_RULES
        },
        CloudService::GcpBilling => Rules {
            required: &["projectId", "gcpJsonKey", "gcpApiKey"],
            ..NO_RULES
        },
        CloudService::Azure => Rules {
            credentials: Credentials::Azure,
            regexes: METRIC_FILTER,
            ..NO_RULES
        },
        CloudService::AzureActivityLog => Rules {
            credentials: Credentials::Azure,
            enum_lists: &[("categoryFilter", &AZURE_ACTIVITY_LOG_CATEGORIES)],
            ..NO_RULES
        },
        CloudService::NewRelic => Rules {
            required: &["apiKey"],
            regexes: &["appFilterRegex", "hostFilterRegex"],
            nested_regexes: &[("newRelicMetricFilters", "metricFilterRegex")],
            ..NO_RULES
        },
        CloudService::AppDynamics => Rules {
            required: &["controllerName", "userName", "encryptedPassword"],
            regex_lists: &["appFilterRegex"],
            ..NO_RULES
        },
        CloudService::Vrops => Rules {
            required: &["vropsAPIToken"],
            regexes: METRIC_FILTER,
            enum_lists: &[("categoriesToFetch", &VROPS_CATEGORIES)],
            ..NO_RULES
        },
        CloudService::Snowflake => Rules {
            required: &["accountID", "userName", "privateKey"],
            regexes: METRIC_FILTER,
            ..NO_RULES
        },
        CloudService::Dynatrace => Rules {
            required: &["dynatraceAPIToken"],
            regexes: METRIC_FILTER,
            ..NO_RULES
        },
    }
}

/// Checks `config` (the object under `service.config_key()`) against the service's rules,
/// rewriting enumerated values to their canonical spelling.
pub(super) fn check(
    service: CloudService,
    config: &mut Map<String, Value>,
) -> Result<(), CloudIntegrationError> {
    let key = service.config_key();
    let rules = rules(service);

    let required_credentials = rules.credentials.required();
    if !required_credentials.is_empty() {
        let path = format!("{key}.baseCredentials");
        let credentials = match config.get("baseCredentials") {
            None => return Err(CloudIntegrationError::Required { path }),
            Some(Value::Object(c)) => c,
            Some(_) => return Err(CloudIntegrationError::NotAnObject { path }),
        };
        for field in required_credentials {
            require_string(credentials, field, &path)?;
        }
    }
    for field in rules.required {
        require_string(config, field, key)?;
    }
    for field in rules.regexes {
        if let Some(v) = config.get(*field) {
            check_regex(&format!("{key}.{field}"), v)?;
        }
    }
    for field in rules.regex_lists {
        if let Some(v) = config.get(*field) {
            let path = format!("{key}.{field}");
            for (i, item) in list(v, &path)?.iter().enumerate() {
                check_regex(&format!("{path}[{i}]"), item)?;
            }
        }
    }
    for (field, inner) in rules.nested_regexes {
        if let Some(v) = config.get(*field) {
            let path = format!("{key}.{field}");
            for (i, item) in list(v, &path)?.iter().enumerate() {
                let item_path = format!("{path}[{i}]");
                let item = item
                    .as_object()
                    .ok_or_else(|| CloudIntegrationError::NotAnObject {
                        path: item_path.clone(),
                    })?;
                if let Some(regex) = item.get(*inner) {
                    check_regex(&format!("{item_path}.{inner}"), regex)?;
                }
            }
        }
    }
    for (field, allowed) in rules.enum_lists {
        if let Some(v) = config.get_mut(*field) {
            let path = format!("{key}.{field}");
            canonical_enum_list(v, allowed, &path)?;
        }
    }
    Ok(())
}

/// `object[field]` must be a non-blank string.
fn require_string(
    object: &Map<String, Value>,
    field: &str,
    parent: &str,
) -> Result<(), CloudIntegrationError> {
    let path = format!("{parent}.{field}");
    match object.get(field) {
        None => Err(CloudIntegrationError::Required { path }),
        Some(Value::String(s)) if s.trim().is_empty() => Err(CloudIntegrationError::Blank { path }),
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err(CloudIntegrationError::WrongType {
            path,
            expected: "a string",
        }),
    }
}

fn list<'v>(value: &'v Value, path: &str) -> Result<&'v Vec<Value>, CloudIntegrationError> {
    value
        .as_array()
        .ok_or_else(|| CloudIntegrationError::WrongType {
            path: path.to_owned(),
            expected: "a list",
        })
}

/// `value` must be a string that compiles as a Java regular expression.
fn check_regex(path: &str, value: &Value) -> Result<(), CloudIntegrationError> {
    let pattern = value
        .as_str()
        .ok_or_else(|| CloudIntegrationError::WrongType {
            path: path.to_owned(),
            expected: "a string",
        })?;
    match java_regex::compile(pattern) {
        Ok(_) => Ok(()),
        Err(JavaRegexError::TooLong { len, max }) => Err(CloudIntegrationError::RegexTooLong {
            path: path.to_owned(),
            len,
            max,
        }),
        Err(e) => Err(CloudIntegrationError::InvalidRegex {
            path: path.to_owned(),
            message: e.to_string(),
        }),
    }
}

/// Every member of the list must name one of `allowed` in any case; each becomes that name.
fn canonical_enum_list(
    value: &mut Value,
    allowed: &[&str],
    path: &str,
) -> Result<(), CloudIntegrationError> {
    let items = value
        .as_array_mut()
        .ok_or_else(|| CloudIntegrationError::WrongType {
            path: path.to_owned(),
            expected: "a list of strings",
        })?;
    for (i, item) in items.iter_mut().enumerate() {
        let item_path = format!("{path}[{i}]");
        let given = item
            .as_str()
            .ok_or_else(|| CloudIntegrationError::WrongType {
                path: item_path.clone(),
                expected: "a string",
            })?
            .trim();
        let canonical = allowed
            .iter()
            .find(|a| a.eq_ignore_ascii_case(given))
            .ok_or_else(|| CloudIntegrationError::UnknownEnumValue {
                path: item_path.clone(),
                given: given.to_owned(),
                valid: allowed.join(", "),
            })?;
        *item = Value::String((*canonical).to_owned());
    }
    Ok(())
}
