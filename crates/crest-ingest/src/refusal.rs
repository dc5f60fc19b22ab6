//! Why a line was refused, and the message a client is told for it.

use crate::tokenizer::TokenError;

/// A refused line's cause. Parse failures are worded as the proxy words them (WF-300 with the
/// line and java-lib's reason); rule failures carry their whole message (WF-4xx and crest's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The line does not follow the format: java-lib's reason (`Invalid value: x`, ...).
    Parse(String),
    /// The line parsed but breaks a rule: the whole message.
    Rule(String),
}

impl Refusal {
    /// The message for the line: `WF-300 Cannot parse: "<line>", reason: "<reason>"` for parse
    /// failures, the rule's own message otherwise.
    pub fn message(self, line: &str) -> String {
        match self {
            Refusal::Parse(reason) => {
                format!("WF-300 Cannot parse: \"{line}\", reason: \"{reason}\"")
            }
            Refusal::Rule(message) => message,
        }
    }
}

impl From<TokenError> for Refusal {
    fn from(e: TokenError) -> Self {
        Refusal::Parse(e.to_string())
    }
}

/// A parse failure's reason.
pub fn parse(reason: impl Into<String>) -> Refusal {
    Refusal::Parse(reason.into())
}

/// A rule failure's message.
pub fn rule(message: impl Into<String>) -> Refusal {
    Refusal::Rule(message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_failures_quote_the_line_and_the_reason() {
        assert_eq!(
            parse("Invalid value: NaNx").message("m NaNx source=a"),
            "WF-300 Cannot parse: \"m NaNx source=a\", reason: \"Invalid value: NaNx\""
        );
        assert_eq!(
            rule("WF-405: Empty histogram").message("x"),
            "WF-405: Empty histogram"
        );
    }
}
