//! The four severities, ordered from the mildest.

use std::fmt;

/// An alert's severity; `Info < Smoke < Warn < Severe`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Smoke,
    Warn,
    Severe,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Severity; 4] = [
        Severity::Info,
        Severity::Smoke,
        Severity::Warn,
        Severity::Severe,
    ];

    /// The API's name: `INFO`, `SMOKE`, `WARN`, `SEVERE`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Smoke => "SMOKE",
            Severity::Warn => "WARN",
            Severity::Severe => "SEVERE",
        }
    }

    /// The severity an API name (any case: threshold alerts key `conditions` in lower case)
    /// stands for.
    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_in_any_case() {
        for s in Severity::ALL {
            assert_eq!(Severity::parse(s.name()), Some(s));
            assert_eq!(Severity::parse(&s.name().to_lowercase()), Some(s));
        }
        assert_eq!(Severity::parse("CRITICAL"), None);
        assert!(Severity::Info < Severity::Severe);
    }
}
