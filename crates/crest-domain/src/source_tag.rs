//! Source tags and source names: what the API accepts as a tag on a source (`env.prod`,
//! `k8s.ns:default`) and as a source's name.
//!
//! The rules come from the product documentation, page "Organizing with Tags"
//! (`tags_overview.html`) for tags and "Wavefront Data Format" (`wavefront_data_format.html`) for
//! sources; where a page is silent the choice is Crest's and says so.

use std::fmt;
use std::str::FromStr;

/// The longest source tag, in bytes. The documentation gives no limit; 256 is Crest's.
pub const MAX_TAG_LEN: usize = 256;

/// The longest source name, in bytes: "The length of the source field should be less than 1024
/// characters" ("Wavefront Data Format"), so at most 1023 (bytes, which bounds characters too).
pub const MAX_SOURCE_NAME_LEN: usize = 1023;

/// Why a string is not a source tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceTagError {
    /// The tag is empty.
    #[error("a source tag must not be empty")]
    Empty,
    /// The tag is over [`MAX_TAG_LEN`] bytes.
    #[error("a source tag may be at most {max} bytes long, got {len}")]
    TooLong { len: usize, max: usize },
    /// The tag holds a character outside the allowed set.
    #[error(
        "source tag '{tag}' contains '{found}'; tags may contain only letters a-z and A-Z, digits, \
         '-', '_', ':' and '.' between path components"
    )]
    InvalidCharacter { tag: String, found: char },
    /// The tag starts or ends with a dot, or has two dots in a row.
    #[error("source tag '{tag}' has an empty path component (a leading, trailing or doubled '.')")]
    EmptyComponent { tag: String },
}

/// A source tag: dot-separated path components of letters, digits, `-`, `_` and `:`.
///
/// Tags keep their case (`MyApp` and `myapp` are distinct tags) but are searched without it;
/// [`SourceTag::folded`] gives the form to compare.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceTag(String);

impl SourceTag {
    /// The tag the API uses to hide a source (`Source.hidden` is stored as this tag).
    pub const HIDDEN: &'static str = "hidden";

    /// Checks a tag. Nothing is trimmed: whitespace is not a tag character.
    ///
    /// * Characters: "Tag names can contain alphanumeric (a-z, A-Z, 0-9), dash (-), underscore
    ///   (_), and colon (:) characters" ("Organizing with Tags", Manage Object Tags); ASCII only.
    /// * Hierarchy: "The hierarchy is defined by separating tag components with a dot (.)"
    ///   ("Organizing with Tags", Select and Search Using Tag Paths), so every component between
    ///   dots must be non-empty.
    /// * Length: at most [`MAX_TAG_LEN`] bytes (Crest's choice; the page gives none).
    pub fn parse(raw: &str) -> Result<Self, SourceTagError> {
        if raw.is_empty() {
            return Err(SourceTagError::Empty);
        }
        if raw.len() > MAX_TAG_LEN {
            return Err(SourceTagError::TooLong {
                len: raw.len(),
                max: MAX_TAG_LEN,
            });
        }
        if let Some(found) = raw.chars().find(|&c| !is_tag_char(c) && c != '.') {
            return Err(SourceTagError::InvalidCharacter {
                tag: raw.to_owned(),
                found,
            });
        }
        if raw.split('.').any(str::is_empty) {
            return Err(SourceTagError::EmptyComponent {
                tag: raw.to_owned(),
            });
        }
        Ok(Self(raw.to_owned()))
    }

    /// The tag as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tag lower-cased, for case-insensitive search and comparison ("when you search for
    /// tags, the search process is case insensitive", "Organizing with Tags").
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The dot-separated path components (`env.prod` → `env`, `prod`).
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    /// Whether this is the [`SourceTag::HIDDEN`] tag (in any case).
    pub fn is_hidden(&self) -> bool {
        self.0.eq_ignore_ascii_case(Self::HIDDEN)
    }
}

/// A character allowed inside a tag path component.
fn is_tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':')
}

impl fmt::Display for SourceTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for SourceTag {
    type Err = SourceTagError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl AsRef<str> for SourceTag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why a string is not a source name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceNameError {
    /// The name is empty or whitespace.
    #[error("a source name must not be blank")]
    Blank,
    /// The name is over [`MAX_SOURCE_NAME_LEN`] bytes.
    #[error("a source name must be less than {limit} bytes long, got {len}", limit = MAX_SOURCE_NAME_LEN + 1)]
    TooLong { len: usize },
    /// The name holds a control or format character.
    #[error("a source name must not contain control or format characters (found U+{0:04X})")]
    ControlCharacter(u32),
}

/// Checks a source name (a source's id): non-blank, less than 1024 bytes, no control or format
/// characters.
///
/// Deliberately permissive. "Wavefront Data Format" lists a-z, A-Z, 0-9, `-`, `_` and `.` as the
/// valid characters of `source=` in the line protocol, but sources reach the API from other
/// routes too (integrations name them after hosts, IPs, cloud and Kubernetes objects), so only
/// what can never be a name is refused. The length limit is that page's.
pub fn source_name_valid(name: &str) -> Result<(), SourceNameError> {
    if name.trim().is_empty() {
        return Err(SourceNameError::Blank);
    }
    if name.len() > MAX_SOURCE_NAME_LEN {
        return Err(SourceNameError::TooLong { len: name.len() });
    }
    if let Some(c) = crate::text::hidden_char(name) {
        return Err(SourceNameError::ControlCharacter(u32::from(c)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn conformance_tags_parse() {
        for t in [
            "env.prod",
            "tier.frontend",
            "k8s.ns:default",
            "app.web",
            "hidden",
            "a-b_c:d.E9",
        ] {
            assert_eq!(SourceTag::parse(t).map(|t| t.to_string()), Ok(t.to_owned()));
        }
        assert!(SourceTag::parse("hidden").is_ok_and(|t| t.is_hidden()));
        assert!(SourceTag::parse("Hidden").is_ok_and(|t| t.is_hidden()));
        assert!(SourceTag::parse("hidden.x").is_ok_and(|t| !t.is_hidden()));
    }

    #[test]
    fn folded_is_lower_case_and_components_split() {
        let t = SourceTag::parse("MyService.MyApp").unwrap();
        assert_eq!(t.as_str(), "MyService.MyApp");
        assert_eq!(t.folded(), "myservice.myapp");
        assert_eq!(t.components().collect::<Vec<_>>(), ["MyService", "MyApp"]);
    }

    #[test]
    fn refusals() {
        assert_eq!(SourceTag::parse(""), Err(SourceTagError::Empty));
        for t in ["a..b", ".a", "a.", "."] {
            assert!(matches!(
                SourceTag::parse(t),
                Err(SourceTagError::EmptyComponent { .. })
            ));
        }
        for (t, c) in [
            (" env", ' '),
            ("env ", ' '),
            ("a/b", '/'),
            ("é", 'é'),
            ("~x", '~'),
            ("a*", '*'),
        ] {
            assert_eq!(
                SourceTag::parse(t),
                Err(SourceTagError::InvalidCharacter {
                    tag: t.to_owned(),
                    found: c
                })
            );
        }
        assert!(SourceTag::parse(&"a".repeat(MAX_TAG_LEN)).is_ok());
        assert_eq!(
            SourceTag::parse(&"a".repeat(MAX_TAG_LEN + 1)),
            Err(SourceTagError::TooLong {
                len: MAX_TAG_LEN + 1,
                max: MAX_TAG_LEN
            })
        );
    }

    #[test]
    fn source_names() {
        for ok in [
            "node-1a2b.eu-west_1.example.com",
            "web-abc-0",
            "10.0.0.1",
            "2001:db8::1",
            "ns/pod name",
        ] {
            assert_eq!(source_name_valid(ok), Ok(()), "{ok}");
        }
        assert_eq!(source_name_valid(""), Err(SourceNameError::Blank));
        assert_eq!(source_name_valid(" \t"), Err(SourceNameError::Blank));
        assert_eq!(
            source_name_valid("a\nb"),
            Err(SourceNameError::ControlCharacter(0x0A))
        );
        assert_eq!(source_name_valid(&"a".repeat(MAX_SOURCE_NAME_LEN)), Ok(()));
        assert_eq!(
            source_name_valid(&"a".repeat(MAX_SOURCE_NAME_LEN + 1)),
            Err(SourceNameError::TooLong {
                len: MAX_SOURCE_NAME_LEN + 1
            })
        );
    }

    /// One path component: 1 to 8 characters of the tag alphabet.
    const COMPONENT: &str = "[a-zA-Z0-9_:-]{1,8}";

    proptest! {
        #[test]
        fn accepts_every_tag_of_the_alphabet(parts in proptest::collection::vec(COMPONENT, 1..8)) {
            let tag = parts.join(".");
            prop_assert_eq!(SourceTag::parse(&tag).map(|t| t.as_str().to_owned()), Ok(tag));
        }

        #[test]
        fn refuses_any_disallowed_character(
            parts in proptest::collection::vec(COMPONENT, 1..4),
            bad in any::<char>().prop_filter("disallowed", |c| !is_tag_char(*c) && *c != '.'),
            at in any::<prop::sample::Index>(),
        ) {
            let tag = parts.join(".");
            let mut chars: Vec<char> = tag.chars().collect();
            let i = at.index(chars.len() + 1);
            chars.insert(i, bad);
            let tag: String = chars.into_iter().collect();
            prop_assert!(SourceTag::parse(&tag).is_err());
        }

        #[test]
        fn accepts_exactly_the_grammar(s in "[a-z.:_~ -]{0,12}") {
            let valid = !s.is_empty()
                && s.chars().all(|c| is_tag_char(c) || c == '.')
                && s.split('.').all(|p| !p.is_empty());
            prop_assert_eq!(SourceTag::parse(&s).is_ok(), valid);
        }
    }
}
