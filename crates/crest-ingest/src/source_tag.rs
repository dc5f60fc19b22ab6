//! Source tag lines: `@SourceTag action=add|save|delete source=<s> <tag> ...` and
//! `@SourceDescription action=save|delete source=<s> ["<description>"]`, as java-lib's
//! `ReportSourceTagDecoder` reads them: up to two pairs first, then every remaining token is a
//! value.

use std::borrow::Cow;

use crate::refusal::{Refusal, parse};
use crate::tags::parse_pair;
use crate::tokenizer::Tokenizer;

/// One change to a source's tags or description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceTagOp {
    AddTag {
        source: String,
        tag: String,
    },
    RemoveTag {
        source: String,
        tag: String,
    },
    /// Replaces the source's whole set of tags.
    SetTags {
        source: String,
        tags: Vec<String>,
    },
    SetDescription {
        source: String,
        description: String,
    },
    RemoveDescription {
        source: String,
    },
}

/// The action of a line, in java-lib's (case-insensitive) words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Add,
    Save,
    Delete,
}

impl Action {
    fn java_name(self) -> &'static str {
        match self {
            Action::Add => "ADD",
            Action::Save => "SAVE",
            Action::Delete => "DELETE",
        }
    }
}

/// A source tag line's source (as written) and its operations, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTagLine<'a> {
    pub source: Cow<'a, str>,
    description: bool,
    action: Action,
    values: Vec<Cow<'a, str>>,
}

impl SourceTagLine<'_> {
    /// The operations of the line for `source` (the caller's stored form of it).
    pub fn ops(self, source: &str) -> Vec<SourceTagOp> {
        let source = source.to_owned();
        let values = self.values.into_iter().map(Cow::into_owned);
        match (self.description, self.action) {
            (false, Action::Add) => values
                .map(|tag| SourceTagOp::AddTag {
                    source: source.clone(),
                    tag,
                })
                .collect(),
            (false, Action::Delete) => values
                .map(|tag| SourceTagOp::RemoveTag {
                    source: source.clone(),
                    tag,
                })
                .collect(),
            (false, Action::Save) => vec![SourceTagOp::SetTags {
                source,
                tags: values.collect(),
            }],
            (true, Action::Delete) => vec![SourceTagOp::RemoveDescription { source }],
            (true, Action::Add | Action::Save) => values
                .take(1)
                .map(|description| SourceTagOp::SetDescription {
                    source: source.clone(),
                    description,
                })
                .collect(),
        }
    }
}

/// Parses one source tag line (java-lib's checks and messages).
pub fn parse_source_tag(line: &str) -> Result<SourceTagLine<'_>, Refusal> {
    let mut tokens = Tokenizer::new(line);
    let literal = tokens.next()?.unwrap_or(Cow::Borrowed(""));
    let description = match literal.as_ref() {
        "@SourceTag" => false,
        "@SourceDescription" => true,
        other => return Err(parse(format!("'{other}' is not allowed here!"))),
    };
    let mut action = None;
    let mut source = None;
    for _ in 0..2 {
        if !tokens.has_next() {
            break;
        }
        let (key, value) = parse_pair(&mut tokens)?;
        match key.as_ref() {
            "action" => action = Some(value),
            "source" => source = Some(value),
            _ => {}
        }
    }
    let action = match action {
        None => return Err(parse("No 'action' provided")),
        Some(a) if a.eq_ignore_ascii_case("add") => Action::Add,
        Some(a) if a.eq_ignore_ascii_case("save") => Action::Save,
        Some(a) if a.eq_ignore_ascii_case("delete") => Action::Delete,
        Some(a) => return Err(parse(format!("Invalid action '{a}'!"))),
    };
    let Some(source) = source else {
        return Err(parse("No 'source' provided"));
    };
    let mut values = Vec::new();
    while let Some(token) = tokens.next()? {
        values.push(token);
    }
    let operation = if description {
        "SOURCE_DESCRIPTION"
    } else {
        "SOURCE_TAG"
    };
    if values.is_empty() && !(description && action == Action::Delete) {
        return Err(parse(format!(
            "No data provided for operation `{operation}` action: {}",
            action.java_name()
        )));
    }
    if description && values.len() > 1 {
        return Err(parse("Only one description expected"));
    }
    Ok(SourceTagLine {
        source,
        description,
        action,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(line: &str) -> Result<Vec<SourceTagOp>, Refusal> {
        let parsed = parse_source_tag(line)?;
        let source = parsed.source.to_string();
        Ok(parsed.ops(&source))
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn the_operations_of_each_action() {
        assert_eq!(
            ops("@SourceTag action=add source=web1 web prod").unwrap(),
            [
                SourceTagOp::AddTag {
                    source: s("web1"),
                    tag: s("web")
                },
                SourceTagOp::AddTag {
                    source: s("web1"),
                    tag: s("prod")
                }
            ]
        );
        assert_eq!(
            ops("@SourceTag source=web1 action=DELETE prod").unwrap(),
            [SourceTagOp::RemoveTag {
                source: s("web1"),
                tag: s("prod")
            }]
        );
        assert_eq!(
            ops("@SourceTag action=save source=web1 a b").unwrap(),
            [SourceTagOp::SetTags {
                source: s("web1"),
                tags: vec![s("a"), s("b")]
            }]
        );
        assert_eq!(
            ops("@SourceDescription action=save source=web1 \"front-end web server\"").unwrap(),
            [SourceTagOp::SetDescription {
                source: s("web1"),
                description: s("front-end web server")
            }]
        );
        assert_eq!(
            ops("@SourceDescription action=delete source=web1").unwrap(),
            [SourceTagOp::RemoveDescription { source: s("web1") }]
        );
    }

    #[test]
    fn refusals() {
        for (line, reason) in [
            (
                "@SourceTag source=a x",
                "Tag keys and values must be separated by '=', nothing found after 'x'",
            ),
            ("@SourceTag source=a other=b x", "No 'action' provided"),
            ("@SourceTag action=put source=a x", "Invalid action 'put'!"),
            ("@SourceTag action=add x=y z", "No 'source' provided"),
            (
                "@SourceTag action=add source=a",
                "No data provided for operation `SOURCE_TAG` action: ADD",
            ),
            (
                "@SourceDescription action=save source=a",
                "No data provided for operation `SOURCE_DESCRIPTION` action: SAVE",
            ),
            (
                "@SourceDescription action=save source=a one two",
                "Only one description expected",
            ),
            (
                "@SourceTagX action=add source=a t",
                "'@SourceTagX' is not allowed here!",
            ),
            ("m 1 source=a", "'m' is not allowed here!"),
        ] {
            assert_eq!(ops(line), Err(parse(reason)), "{line}");
        }
    }
}
