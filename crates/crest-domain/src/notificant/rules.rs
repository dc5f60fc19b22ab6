//! What a client may send as an alert target, and the checks it passes before anything is
//! stored: required fields, the enums, recipients by method, templates that parse, headers and
//! routes.

use std::collections::BTreeMap;

use crest_notify::{Template, Trigger};

use crate::DomainError;
use crate::notificant::record::{Method, Route};
use crate::random::Random;

/// The most custom HTTP headers a target sends.
pub const MAX_HEADERS: usize = 50;
/// The most routes a target holds.
pub const MAX_ROUTES: usize = 100;
/// The most addresses an EMAIL target's recipient lists.
const MAX_ADDRESSES: usize = 100;
const MAX_TITLE_CHARS: usize = 256;
const MAX_TEXT_CHARS: usize = 8_192;
const MAX_URL_CHARS: usize = 2_048;
/// The content types the API knows (`Notificant.contentType`).
const CONTENT_TYPES: [&str; 5] = [
    "application/json",
    "text/html",
    "text/plain",
    "application/x-www-form-urlencoded",
    "",
];
/// Headers the delivery sets itself.
const RESERVED_HEADERS: [&str; 6] = [
    "content-type",
    "content-length",
    "host",
    "transfer-encoding",
    "connection",
    "te",
];

/// `AlertRoute` as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteInput {
    pub method: Option<String>,
    pub target: Option<String>,
    pub filter: Option<String>,
}

/// `Notificant` without the server's fields; every field may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificantInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub method: Option<String>,
    pub recipient: Option<String>,
    pub template: Option<String>,
    pub triggers: Option<Vec<String>>,
    pub content_type: Option<String>,
    pub custom_http_headers: Option<BTreeMap<String, String>>,
    pub email_subject: Option<String>,
    pub is_html_content: Option<bool>,
    pub routes: Option<Vec<RouteInput>>,
}

/// The checked fields of an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Checked {
    pub title: String,
    pub description: String,
    pub method: Method,
    pub recipient: String,
    pub template: String,
    pub triggers: Vec<Trigger>,
    pub content_type: String,
    pub custom_http_headers: BTreeMap<String, String>,
    pub email_subject: Option<String>,
    pub is_html_content: bool,
    pub routes: Vec<Route>,
}

impl Checked {
    /// The target these fields make, with its bookkeeping.
    pub(crate) fn into_record(
        self,
        id: String,
        created_ms: crate::clock::EpochMillis,
        creator: &str,
        updated_ms: crate::clock::EpochMillis,
        updater: &str,
    ) -> crate::notificant::record::NotificantRecord {
        crate::notificant::record::NotificantRecord {
            id,
            title: self.title,
            description: self.description,
            method: self.method,
            recipient: self.recipient,
            template: self.template,
            triggers: self.triggers,
            content_type: self.content_type,
            custom_http_headers: self.custom_http_headers,
            email_subject: self.email_subject,
            is_html_content: self.is_html_content,
            routes: self.routes,
            created_ms,
            creator: creator.to_owned(),
            updated_ms,
            updater: updater.to_owned(),
        }
    }
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::Invalid(message.into())
}

fn required(field: &str, value: Option<String>) -> Result<String, DomainError> {
    value.ok_or_else(|| invalid(format!("{field} is required")))
}

fn bounded(field: &str, value: &str, max: usize, lines: bool) -> Result<(), DomainError> {
    if value.chars().count() > max {
        return Err(invalid(format!("{field} is longer than {max} characters")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(invalid(format!("{field} holds a control character")));
    }
    Ok(())
}

/// A new target's id: 16 letters and digits.
pub fn new_id(random: &dyn Random) -> Result<String, DomainError> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes)?;
    Ok(bytes
        .iter()
        .map(|b| {
            let i = usize::from(*b) % ALPHABET.len();
            ALPHABET.get(i).copied().map_or('A', char::from)
        })
        .collect())
}

/// A Mustache template that parses, or a 400 saying where it does not.
fn template(field: &str, text: &str) -> Result<(), DomainError> {
    Template::parse(text)
        .map(|_| ())
        .map_err(|e| invalid(format!("{field}: {e}")))
}

/// One email address: `local@domain`, no spaces.
fn email_address(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address.len() <= 254
        && address
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, ',' | '<' | '>' | '"'))
}

/// An `http` or `https` URL with a host.
fn web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The recipient of a method, in its canonical form (addresses trimmed, joined by `,`).
fn recipient(field: &str, method: Method, text: &str) -> Result<String, DomainError> {
    let text = text.trim();
    match method {
        Method::Email => {
            let addresses: Vec<&str> = text
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect();
            if addresses.is_empty() {
                return Err(invalid(format!(
                    "{field} of an EMAIL target lists email addresses, separated by commas"
                )));
            }
            if addresses.len() > MAX_ADDRESSES {
                return Err(invalid(format!(
                    "{field} lists more than {MAX_ADDRESSES} addresses"
                )));
            }
            if let Some(bad) = addresses.iter().find(|a| !email_address(a)) {
                return Err(invalid(format!("{field}: '{bad}' is not an email address")));
            }
            Ok(addresses.join(","))
        }
        Method::Webhook => {
            if web_url(text) {
                Ok(text.to_owned())
            } else {
                Err(invalid(format!(
                    "{field} of a WEBHOOK target is an http:// or https:// URL, not '{text}'"
                )))
            }
        }
        Method::PagerDuty => {
            if !text.is_empty()
                && text.len() <= 64
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                Ok(text.to_owned())
            } else {
                Err(invalid(format!(
                    "{field} of a PAGERDUTY target is a routing key (letters and digits)"
                )))
            }
        }
    }
}

fn method(field: &str, text: &str) -> Result<Method, DomainError> {
    Method::parse(text).ok_or_else(|| {
        invalid(format!(
            "{field} '{text}' is not one of WEBHOOK, EMAIL, PAGERDUTY"
        ))
    })
}

fn triggers(given: Option<Vec<String>>) -> Result<Vec<Trigger>, DomainError> {
    let given = given.ok_or_else(|| invalid("triggers is required"))?;
    let mut out = Vec::new();
    for name in given {
        let trigger = Trigger::parse(name.trim())
            .ok_or_else(|| invalid(format!("'{name}' is not a trigger")))?;
        if !out.contains(&trigger) {
            out.push(trigger);
        }
    }
    if out.is_empty() {
        return Err(invalid("triggers lists no trigger"));
    }
    Ok(out)
}

fn headers(
    given: Option<BTreeMap<String, String>>,
) -> Result<BTreeMap<String, String>, DomainError> {
    let given = given.unwrap_or_default();
    if given.len() > MAX_HEADERS {
        return Err(invalid(format!(
            "customHttpHeaders holds more than {MAX_HEADERS} headers"
        )));
    }
    for (name, value) in &given {
        let token = !name.is_empty()
            && name.len() <= 256
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            return Err(invalid(format!(
                "customHttpHeaders: '{name}' is not a header name"
            )));
        }
        if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(invalid(format!(
                "customHttpHeaders may not set '{name}' (contentType sets the content type)"
            )));
        }
        if value.len() > MAX_TEXT_CHARS || value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(invalid(format!(
                "customHttpHeaders: the value of '{name}' holds a control character or is too long"
            )));
        }
    }
    Ok(given)
}

fn routes(given: Option<Vec<RouteInput>>) -> Result<Vec<Route>, DomainError> {
    let given = given.unwrap_or_default();
    if given.len() > MAX_ROUTES {
        return Err(invalid(format!(
            "routes holds more than {MAX_ROUTES} routes"
        )));
    }
    given
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let field = format!("routes[{i}]");
            let m = method(
                &format!("{field}.method"),
                &required(&format!("{field}.method"), r.method)?,
            )?;
            let target = recipient(
                &format!("{field}.target"),
                m,
                &required(&format!("{field}.target"), r.target)?,
            )?;
            let filter = required(&format!("{field}.filter"), r.filter)?;
            let mut parts = filter.split_whitespace();
            let (Some(key), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(invalid(format!(
                    "{field}.filter is one key and one value separated by a space, as \"env prod\", not '{filter}'"
                )));
            };
            bounded(&format!("{field}.filter"), &filter, MAX_TITLE_CHARS, false)?;
            Ok(Route {
                method: m,
                target,
                key: key.to_owned(),
                value: value.to_owned(),
            })
        })
        .collect()
}

/// Checks an input; the first problem found is the error, and nothing is stored.
pub(crate) fn check(input: NotificantInput) -> Result<Checked, DomainError> {
    let title = required("title", input.title)?;
    bounded("title", &title, MAX_TITLE_CHARS, false)?;
    if title.trim().is_empty() {
        return Err(invalid("title may not be empty"));
    }
    let description = required("description", input.description)?;
    bounded("description", &description, MAX_TEXT_CHARS, true)?;
    let m = method("method", &required("method", input.method)?)?;
    let recipient = recipient("recipient", m, &required("recipient", input.recipient)?)?;
    let body = required("template", input.template)?;
    template("template", &body)?;
    let triggers = triggers(input.triggers)?;
    let content_type = match input.content_type {
        Some(ct) => {
            if !CONTENT_TYPES.contains(&ct.as_str()) {
                return Err(invalid(format!(
                    "contentType '{ct}' is not one of {}",
                    CONTENT_TYPES
                        .iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            ct
        }
        None if m == Method::Webhook => "application/json".to_owned(),
        None => String::new(),
    };
    let email_subject = match input.email_subject {
        Some(s) if s.contains(['\n', '\r']) => {
            return Err(invalid("Email subject cannot contain new line"));
        }
        Some(s) if s.is_empty() => None,
        Some(s) => {
            bounded("emailSubject", &s, MAX_TEXT_CHARS, false)?;
            template("emailSubject", &s)?;
            Some(s)
        }
        None => None,
    };
    Ok(Checked {
        title,
        description,
        method: m,
        recipient,
        template: body,
        triggers,
        content_type,
        custom_http_headers: headers(input.custom_http_headers)?,
        email_subject,
        is_html_content: input.is_html_content.unwrap_or(m == Method::Email),
        routes: routes(input.routes)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook() -> NotificantInput {
        NotificantInput {
            title: Some("n1".into()),
            description: Some("d".into()),
            method: Some("WEBHOOK".into()),
            recipient: Some("http://127.0.0.1:9/hook".into()),
            template: Some("{\"r\":\"{{{reason}}}\"}".into()),
            triggers: Some(vec!["ALERT_OPENED".into(), "ALERT_OPENED".into()]),
            ..NotificantInput::default()
        }
    }

    fn refused(change: impl FnOnce(&mut NotificantInput)) -> String {
        let mut input = webhook();
        change(&mut input);
        match check(input) {
            Err(DomainError::Invalid(m)) => m,
            other => format!("not refused: {other:?}"),
        }
    }

    #[test]
    fn a_webhook_gets_json_and_its_triggers_once() {
        let c = check(webhook()).expect("valid");
        assert_eq!(c.content_type, "application/json");
        assert_eq!(c.triggers, vec![Trigger::AlertOpened]);
        assert!(!c.is_html_content);
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(refused(|i| i.title = None), "title is required");
        assert!(refused(|i| i.method = Some("SMS".into())).contains("'SMS' is not one of"));
        assert!(refused(|i| i.recipient = Some("ftp://x".into())).contains("http:// or https://"));
        assert!(
            refused(|i| i.triggers = Some(vec!["NOPE".into()])).contains("'NOPE' is not a trigger")
        );
        assert!(refused(|i| i.triggers = Some(vec![])).contains("no trigger"));
        assert!(refused(|i| i.content_type = Some("image/png".into())).contains("contentType"));
        assert!(refused(|i| i.template = Some("{{#a}}".into())).contains("line 1, column 1"));
        assert!(refused(|i| i.email_subject = Some("a\nb".into())).contains("new line"));
        assert!(
            refused(|i| i.custom_http_headers =
                Some(BTreeMap::from([("Content-Type".into(), "x".into())])))
            .contains("may not set")
        );
        assert!(
            refused(
                |i| i.custom_http_headers = Some(BTreeMap::from([("X-A".into(), "a\r\nb".into())]))
            )
            .contains("control")
        );
        assert!(
            refused(|i| i.routes = Some(vec![RouteInput {
                method: Some("EMAIL".into()),
                target: Some("a@example.com".into()),
                filter: Some("env".into()),
            }]))
            .contains("routes[0].filter")
        );
    }

    #[test]
    fn email_recipients_are_a_comma_list_of_addresses() {
        let mut input = webhook();
        input.method = Some("email".into());
        input.recipient = Some(" a@example.com , b@example.org".into());
        let c = check(input.clone()).expect("valid");
        assert_eq!(c.method, Method::Email);
        assert_eq!(c.recipient, "a@example.com,b@example.org");
        assert_eq!(c.content_type, "");
        assert!(c.is_html_content);
        input.recipient = Some("a@example.com, nobody".into());
        assert!(check(input).is_err());
    }

    #[test]
    fn routes_keep_their_key_and_value() {
        let mut input = webhook();
        input.routes = Some(vec![RouteInput {
            method: Some("PAGERDUTY".into()),
            target: Some("0123456789abcdef0123456789abcdef".into()),
            filter: Some("env prod".into()),
        }]);
        let c = check(input).expect("valid");
        let route = c.routes.first().expect("one route");
        assert_eq!(route.filter(), "env prod");
        assert_eq!(route.method, Method::PagerDuty);
    }

    #[test]
    fn ids_are_sixteen_letters_and_digits() {
        let id = new_id(&crate::random::SequenceRandom::new(7)).expect("id");
        assert_eq!(id.len(), 16);
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
