//! The closed vocabularies of an alert: its type, its severities, and the entries of a `target`.

use crate::DomainError;

/// `alertType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertType {
    Classic,
    Threshold,
}

impl AlertType {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "CLASSIC" => Some(Self::Classic),
            "THRESHOLD" => Some(Self::Threshold),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Classic => "CLASSIC",
            Self::Threshold => "THRESHOLD",
        }
    }
}

/// A severity, lowest first: the one notifications speak of too.
pub use crest_notify::Severity;

/// The most plain email addresses one alert may notify.
pub const MAX_EMAILS: usize = 10;

/// One entry of a `target` string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetEntry {
    Email(String),
    PagerDuty(String),
    /// `target:<id>`: an alert target (notificant).
    Notificant(String),
    /// `webhook:<id>`: the legacy spelling of a notificant.
    Webhook(String),
}

impl TargetEntry {
    /// The notificant's id for `target:` and `webhook:` entries.
    pub fn notificant_id(&self) -> Option<&str> {
        match self {
            Self::Notificant(id) | Self::Webhook(id) => Some(id),
            Self::Email(_) | Self::PagerDuty(_) => None,
        }
    }

    /// The entry as written back into `target` and `targetEndpoints`.
    pub fn text(&self) -> String {
        match self {
            Self::Email(e) => e.clone(),
            Self::PagerDuty(k) => format!("pd:{k}"),
            Self::Notificant(id) => format!("target:{id}"),
            Self::Webhook(id) => format!("webhook:{id}"),
        }
    }
}

fn id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn email_ok(address: &str) -> bool {
    let mut parts = address.splitn(2, '@');
    let (Some(local), Some(domain)) = (parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address.len() <= 254
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',')
}

/// Reads a comma-separated `target`: `email | pd:<key> | target:<id> | webhook:<id>`; empty
/// entries are skipped. More than [`MAX_EMAILS`] emails is refused with the service's own words.
pub fn parse_targets(text: &str) -> Result<Vec<TargetEntry>, DomainError> {
    let mut entries = Vec::new();
    for raw in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let entry = if let Some(key) = raw.strip_prefix("pd:") {
            if !id_ok(key) {
                return Err(DomainError::Invalid(format!(
                    "the PagerDuty key in target entry '{raw}' is empty or malformed"
                )));
            }
            TargetEntry::PagerDuty(key.to_owned())
        } else if let Some(id) = raw.strip_prefix("target:") {
            if !id_ok(id) {
                return Err(DomainError::Invalid(format!(
                    "target entry '{raw}' does not name an alert target id"
                )));
            }
            TargetEntry::Notificant(id.to_owned())
        } else if let Some(id) = raw.strip_prefix("webhook:") {
            if !id_ok(id) {
                return Err(DomainError::Invalid(format!(
                    "target entry '{raw}' does not name a webhook id"
                )));
            }
            TargetEntry::Webhook(id.to_owned())
        } else if email_ok(raw) {
            TargetEntry::Email(raw.to_owned())
        } else {
            return Err(DomainError::Invalid(format!(
                "target entry '{raw}' is neither an email address, pd:<key>, target:<id> nor webhook:<id>"
            )));
        };
        entries.push(entry);
    }
    let emails = entries
        .iter()
        .filter(|e| matches!(e, TargetEntry::Email(_)))
        .count();
    if emails > MAX_EMAILS {
        return Err(DomainError::Invalid(
            "Invalid notification specified: null".into(),
        ));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_every_form() {
        let entries =
            parse_targets("a@example.com, target:Sp71L2NuJWFZt67Y,pd:0123abcd,webhook:W1,")
                .unwrap_or_default();
        assert_eq!(
            entries,
            vec![
                TargetEntry::Email("a@example.com".into()),
                TargetEntry::Notificant("Sp71L2NuJWFZt67Y".into()),
                TargetEntry::PagerDuty("0123abcd".into()),
                TargetEntry::Webhook("W1".into()),
            ]
        );
    }

    #[test]
    fn more_than_ten_emails_is_the_services_error() {
        let many: Vec<String> = (0..11).map(|i| format!("u{i}@example.com")).collect();
        let err = parse_targets(&many.join(",")).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("Invalid notification specified: null"));
        assert!(parse_targets(&many[..10].join(",")).is_ok());
    }

    #[test]
    fn malformed_entries_are_refused() {
        assert!(parse_targets("nobody").is_err());
        assert!(parse_targets("target:").is_err());
        assert!(parse_targets("pd:").is_err());
        assert!(parse_targets("a b@example.com").is_err());
    }

    #[test]
    fn severities_rank_and_read_in_either_case() {
        assert!(Severity::Severe > Severity::Warn);
        assert_eq!(Severity::parse("warn"), Some(Severity::Warn));
        assert_eq!(Severity::parse("CRITICAL"), None);
        assert_eq!(AlertType::parse("threshold"), Some(AlertType::Threshold));
    }
}
