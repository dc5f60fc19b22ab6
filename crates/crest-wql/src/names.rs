//! The character classes and reserved words that the lexer reads and the printer must respect.

/// A character of a bare name inside `ts()`, `hs()`, `cs()` and `events()` (wql.md §1.1), also
/// used for bare words in argument lists and for group keys.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '~' | '*' | ':' | '∆' | 'Δ')
}

/// The first character of an identifier in expression mode (function, alias, keyword).
pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

/// A later character of an identifier in expression mode.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `text` can be written as a bare name in filter mode (otherwise it must be quoted).
pub(crate) fn is_bare_name(text: &str) -> bool {
    !text.is_empty() && text.chars().all(is_name_char)
}

/// The boolean keywords of a filter, which a name must be quoted to mean.
pub(crate) fn is_filter_keyword(text: &str) -> bool {
    ["and", "or", "not"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(text))
}

/// Whether a filter key written bare means the source or a source tag rather than a point tag.
pub(crate) fn is_reserved_key(text: &str) -> bool {
    ["source", "host", "tag"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(text))
}

/// Words that, written bare right after an operand or an operator, are read as syntax (`by (..)`,
/// `groupLeft`): a call or join reference with such a name is printed in parentheses.
pub(crate) fn is_position_keyword(text: &str) -> bool {
    ["by", "without", "groupLeft", "groupRight"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(text))
}
