//! The cloud services an integration can pull from, and the JSON property holding each one's
//! configuration.

use std::fmt;
use std::str::FromStr;

use super::error::CloudIntegrationError;

/// The `service` of a cloud integration (the API's `CloudIntegration.service` enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloudService {
    CloudWatch,
    CloudTrail,
    Ec2,
    Gcp,
    GcpBilling,
    Azure,
    AzureActivityLog,
    NewRelic,
    AppDynamics,
    Vrops,
    Snowflake,
    Dynatrace,
}

impl CloudService {
    /// Every service, in the API's order.
    pub const ALL: [CloudService; 12] = [
        Self::CloudWatch,
        Self::CloudTrail,
        Self::Ec2,
        Self::Gcp,
        Self::GcpBilling,
        Self::Azure,
        Self::AzureActivityLog,
        Self::NewRelic,
        Self::AppDynamics,
        Self::Vrops,
        Self::Snowflake,
        Self::Dynatrace,
    ];

    /// Reads a service name in any case, ignoring surrounding whitespace (`ec2`, `cloudTrail`).
    pub fn parse(raw: &str) -> Result<Self, CloudIntegrationError> {
        let wanted = raw.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| CloudIntegrationError::UnknownService {
                given: wanted.to_owned(),
                valid: Self::valid_names(),
            })
    }

    /// The enum value on the wire (`CLOUDTRAIL`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CloudWatch => "CLOUDWATCH",
            Self::CloudTrail => "CLOUDTRAIL",
            Self::Ec2 => "EC2",
            Self::Gcp => "GCP",
            Self::GcpBilling => "GCPBILLING",
            Self::Azure => "AZURE",
            Self::AzureActivityLog => "AZUREACTIVITYLOG",
            Self::NewRelic => "NEWRELIC",
            Self::AppDynamics => "APPDYNAMICS",
            Self::Vrops => "VROPS",
            Self::Snowflake => "SNOWFLAKE",
            Self::Dynatrace => "DYNATRACE",
        }
    }

    /// The `CloudIntegration` property that holds this service's configuration (`cloudTrail`).
    pub const fn config_key(self) -> &'static str {
        match self {
            Self::CloudWatch => "cloudWatch",
            Self::CloudTrail => "cloudTrail",
            Self::Ec2 => "ec2",
            Self::Gcp => "gcp",
            Self::GcpBilling => "gcpBilling",
            Self::Azure => "azure",
            Self::AzureActivityLog => "azureActivityLog",
            Self::NewRelic => "newRelic",
            Self::AppDynamics => "appDynamics",
            Self::Vrops => "vrops",
            Self::Snowflake => "snowflake",
            Self::Dynatrace => "dynatrace",
        }
    }

    /// Whether the service is an AWS one (authenticated by role ARN and external id).
    pub const fn is_aws(self) -> bool {
        matches!(self, Self::CloudWatch | Self::CloudTrail | Self::Ec2)
    }

    /// Whether the service is an Azure one (authenticated by client id, secret and tenant).
    pub const fn is_azure(self) -> bool {
        matches!(self, Self::Azure | Self::AzureActivityLog)
    }

    fn valid_names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

impl fmt::Display for CloudService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CloudService {
    type Err = CloudIntegrationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_case_and_whitespace() {
        assert_eq!(CloudService::parse("ec2"), Ok(CloudService::Ec2));
        assert_eq!(
            CloudService::parse("cloudTrail"),
            Ok(CloudService::CloudTrail)
        );
        assert_eq!(
            CloudService::parse("CLOUDWATCH"),
            Ok(CloudService::CloudWatch)
        );
        assert_eq!(
            CloudService::parse("  gcpBilling\t"),
            Ok(CloudService::GcpBilling)
        );
        for s in CloudService::ALL {
            assert_eq!(CloudService::parse(s.as_str()), Ok(s));
            assert_eq!(CloudService::parse(&s.as_str().to_lowercase()), Ok(s));
            assert!(s.config_key().eq_ignore_ascii_case(s.as_str()));
        }
    }

    #[test]
    fn refuses_unknown_listing_valid_names() {
        let e = CloudService::parse("s3").err();
        let msg = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("'s3'"), "{msg}");
        assert!(
            msg.contains("CLOUDWATCH") && msg.contains("DYNATRACE"),
            "{msg}"
        );
    }

    #[test]
    fn aws_services() {
        let aws: Vec<_> = CloudService::ALL
            .into_iter()
            .filter(|s| s.is_aws())
            .collect();
        assert_eq!(
            aws,
            [
                CloudService::CloudWatch,
                CloudService::CloudTrail,
                CloudService::Ec2
            ]
        );
    }
}
