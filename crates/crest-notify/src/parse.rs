//! The Mustache parser: template text to a tree of text, variables and sections, with the
//! standard's comments, standalone lines and set-delimiter tags. Partials are refused.

use std::fmt;

/// The longest template accepted, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;
/// The deepest nesting of sections accepted.
pub const MAX_DEPTH: usize = 32;

/// A name as a template writes it: `.` (the current item) or dotted parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Name {
    Implicit,
    Path(Vec<String>),
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Implicit => f.write_str("."),
            Self::Path(parts) => f.write_str(&parts.join(".")),
        }
    }
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Text(String),
    Variable {
        name: Name,
        escape: bool,
    },
    Section {
        name: Name,
        inverted: bool,
        children: Vec<Node>,
    },
}

/// Why a template does not parse, and where (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template error at line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A parsed template, ready to render any number of times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub(crate) nodes: Vec<Node>,
}

impl Template {
    /// Parses `text`; a template that does not parse says where.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        if text.len() > MAX_TEMPLATE_BYTES {
            return Err(ParseError {
                line: 1,
                column: 1,
                message: format!("the template is longer than {MAX_TEMPLATE_BYTES} bytes"),
            });
        }
        Parser::new(text).run().map(|nodes| Self { nodes })
    }
}

fn position(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A section opened and not yet closed.
struct Open {
    name: Name,
    inverted: bool,
    children: Vec<Node>,
    at: usize,
}

struct Parser<'t> {
    text: &'t str,
    open: String,
    close: String,
    /// Where the text not yet consumed starts.
    pos: usize,
    stack: Vec<Open>,
    top: Vec<Node>,
}

/// What a tag is, by its sigil.
enum Tag {
    Variable(Name, bool),
    Section(Name, bool),
    Close(Name),
    Comment,
    Delimiters(String, String),
}

impl Tag {
    fn may_stand_alone(&self) -> bool {
        !matches!(self, Self::Variable(..))
    }
}

impl<'t> Parser<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            open: "{{".to_owned(),
            close: "}}".to_owned(),
            pos: 0,
            stack: Vec::new(),
            top: Vec::new(),
        }
    }

    fn error(&self, at: usize, message: impl Into<String>) -> ParseError {
        let (line, column) = position(self.text, at);
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }

    fn nodes(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some(open) => &mut open.children,
            None => &mut self.top,
        }
    }

    fn push_text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        let nodes = self.nodes();
        if let Some(Node::Text(last)) = nodes.last_mut() {
            last.push_str(text);
        } else {
            nodes.push(Node::Text(text.to_owned()));
        }
    }

    fn slice(&self, from: usize, to: usize) -> &'t str {
        self.text.get(from..to).unwrap_or_default()
    }

    fn run(mut self) -> Result<Vec<Node>, ParseError> {
        loop {
            let rest = self.slice(self.pos, self.text.len());
            let Some(found) = rest.find(self.open.as_str()) else {
                self.push_text(rest);
                break;
            };
            let start = self.pos + found;
            let (tag, end) = self.tag(start)?;
            let (before_end, after) = self.standalone(start, end, &tag);
            let before = self.slice(self.pos, before_end);
            self.push_text(before);
            self.pos = after;
            self.apply(tag, start)?;
        }
        if let Some(open) = self.stack.last() {
            return Err(self.error(open.at, format!("section '{}' is never closed", open.name)));
        }
        Ok(self.top)
    }

    /// Where the text before a tag ends and where parsing resumes: a standalone section,
    /// comment or delimiter tag takes its whole line with it.
    fn standalone(&self, start: usize, end: usize, tag: &Tag) -> (usize, usize) {
        if !tag.may_stand_alone() {
            return (start, end);
        }
        let line_start = self.slice(0, start).rfind('\n').map_or(0, |i| i + 1);
        if line_start < self.pos
            || !self
                .slice(line_start, start)
                .chars()
                .all(|c| c == ' ' || c == '\t')
        {
            return (start, end);
        }
        let after = self.slice(end, self.text.len());
        let blank = after.len() - after.trim_start_matches([' ', '\t']).len();
        let tail = after.get(blank..).unwrap_or_default();
        let newline = if tail.starts_with("\r\n") {
            2
        } else if tail.starts_with('\n') {
            1
        } else if tail.is_empty() {
            0
        } else {
            return (start, end);
        };
        (line_start, end + blank + newline)
    }

    /// Reads the tag at `start`; returns it and where it ends.
    fn tag(&self, start: usize) -> Result<(Tag, usize), ParseError> {
        let inner = start + self.open.len();
        let rest = self.slice(inner, self.text.len());
        let triple = self.open == "{{" && rest.starts_with('{');
        let closing = if triple {
            format!("}}{}", self.close)
        } else {
            self.close.clone()
        };
        let Some(len) = rest.find(closing.as_str()) else {
            return Err(self.error(start, format!("tag is never closed by '{closing}'")));
        };
        let content = rest.get(..len).unwrap_or_default();
        let end = inner + len + closing.len();
        let name = |s: &str| self.name(s, start);
        let tag = if triple {
            Tag::Variable(name(content.get(1..).unwrap_or_default())?, false)
        } else if let Some(n) = content.strip_prefix('&') {
            Tag::Variable(name(n)?, false)
        } else if let Some(n) = content.strip_prefix('#') {
            Tag::Section(name(n)?, false)
        } else if let Some(n) = content.strip_prefix('^') {
            Tag::Section(name(n)?, true)
        } else if let Some(n) = content.strip_prefix('/') {
            Tag::Close(name(n)?)
        } else if content.starts_with('!') {
            Tag::Comment
        } else if let Some(d) = content.strip_prefix('=') {
            self.delimiters(d, start)?
        } else if content.starts_with('>') || content.starts_with('<') {
            return Err(self.error(start, "partials are not supported"));
        } else {
            Tag::Variable(name(content)?, true)
        };
        Ok((tag, end))
    }

    fn name(&self, text: &str, at: usize) -> Result<Name, ParseError> {
        let text = text.trim();
        if text == "." {
            return Ok(Name::Implicit);
        }
        if text.is_empty() {
            return Err(self.error(at, "a tag without a name"));
        }
        let parts: Vec<String> = text.split('.').map(str::to_owned).collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || p.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(self.error(at, format!("'{text}' is not a name")));
        }
        Ok(Name::Path(parts))
    }

    fn delimiters(&self, text: &str, at: usize) -> Result<Tag, ParseError> {
        let bad = || self.error(at, "a delimiter tag is written {{=<open> <close>=}}");
        let inner = text.trim().strip_suffix('=').ok_or_else(bad)?;
        let mut parts = inner.split_whitespace();
        let (Some(open), Some(close), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if open.contains('=') || close.contains('=') {
            return Err(bad());
        }
        Ok(Tag::Delimiters(open.to_owned(), close.to_owned()))
    }

    fn apply(&mut self, tag: Tag, at: usize) -> Result<(), ParseError> {
        match tag {
            Tag::Variable(name, escape) => self.nodes().push(Node::Variable { name, escape }),
            Tag::Comment => {}
            Tag::Delimiters(open, close) => {
                self.open = open;
                self.close = close;
            }
            Tag::Section(name, inverted) => {
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.error(at, format!("sections nest deeper than {MAX_DEPTH}")));
                }
                self.stack.push(Open {
                    name,
                    inverted,
                    children: Vec::new(),
                    at,
                });
            }
            Tag::Close(name) => {
                let Some(open) = self.stack.pop() else {
                    return Err(self.error(at, format!("'{name}' closes no open section")));
                };
                if open.name != name {
                    return Err(self.error(
                        at,
                        format!("'{name}' closes section '{}' opened before it", open.name),
                    ));
                }
                self.nodes().push(Node::Section {
                    name: open.name,
                    inverted: open.inverted,
                    children: open.children,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Template::parse(text)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(
            err("a\n  {{#x}}b"),
            "template error at line 2, column 3: section 'x' is never closed"
        );
        assert!(err("{{#a}}{{/b}}").contains("closes section 'a'"));
        assert!(err("{{/a}}").contains("closes no open section"));
        assert!(err("ab {{x").contains("line 1, column 4"));
        assert!(err("{{}}").contains("without a name"));
        assert!(err("{{a b}}").contains("not a name"));
        assert!(err("{{> p}}").contains("partials"));
        assert!(err("{{=<%>=}}").contains("delimiter"));
    }

    #[test]
    fn depth_is_bounded() {
        let deep = "{{#a}}".repeat(MAX_DEPTH + 1) + &"{{/a}}".repeat(MAX_DEPTH + 1);
        assert!(err(&deep).contains("deeper"));
        let ok = "{{#a}}".repeat(MAX_DEPTH) + &"{{/a}}".repeat(MAX_DEPTH);
        assert!(Template::parse(&ok).is_ok());
    }

    #[test]
    fn standalone_tags_take_their_line() {
        let t = Template::parse("a\n  {{#x}}  \nb\n{{/x}}\nc").expect("parses");
        assert_eq!(
            t.nodes,
            vec![
                Node::Text("a\n".into()),
                Node::Section {
                    name: Name::Path(vec!["x".into()]),
                    inverted: false,
                    children: vec![Node::Text("b\n".into())],
                },
                Node::Text("c".into()),
            ]
        );
    }
}
