//! The line tokenizer of the Wavefront formats, as java-lib's `StringParser` splits a line.
//!
//! Rules: whitespace between tokens is skipped (Java's `Character.isWhitespace`); a token that
//! starts with `"` or `'` runs to the next same quote not preceded by `\`, and `\<quote>` is the
//! only escape (the backslash is dropped; every other backslash stays); `=` and a `#` at the start
//! of a token are tokens of their own; any other token ends at a space, a tab or `=`. A quoted token
//! is returned without its quotes and is otherwise indistinguishable from an unquoted one, exactly
//! as in java-lib (so `"="` is the `=` token).
#![deny(clippy::arithmetic_side_effects)]

use std::borrow::Cow;

/// Why a line could not be split into tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// A quoted token has no closing quote: java-lib's message.
    #[error("Unmatched quote character: ({0})")]
    UnmatchedQuote(char),
}

/// The tokens of one line, read one at a time (with one token of look-ahead).
#[derive(Debug, Clone)]
pub struct Tokenizer<'a> {
    line: &'a str,
    pos: usize,
    peeked: Option<Result<Option<Cow<'a, str>>, TokenError>>,
}

impl<'a> Tokenizer<'a> {
    pub fn new(line: &'a str) -> Self {
        Self {
            line,
            pos: 0,
            peeked: None,
        }
    }

    /// The next token without consuming it; `Ok(None)` at the end of the line.
    pub fn peek(&mut self) -> Result<Option<&str>, TokenError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.advance());
        }
        match &self.peeked {
            Some(Ok(Some(token))) => Ok(Some(token.as_ref())),
            Some(Err(e)) => Err(*e),
            _ => Ok(None),
        }
    }

    /// The next token; `Ok(None)` at the end of the line.
    #[allow(clippy::should_implement_trait)]
    #[inline]
    pub fn next(&mut self) -> Result<Option<Cow<'a, str>>, TokenError> {
        match self.peeked.take() {
            Some(result) => result,
            None => self.advance(),
        }
    }

    /// Whether another token follows (a token error counts as one: reading it will fail).
    pub fn has_next(&mut self) -> bool {
        !matches!(self.peek(), Ok(None))
    }

    /// The next `key=value` pair when both are plain (unquoted, printable ASCII first bytes, the
    /// `=` right after the key and the value right after it): exactly the three tokens
    /// [`Tokenizer::next`] would give, read in one scan. `None` (nothing consumed) otherwise.
    #[inline]
    pub fn plain_pair(&mut self) -> Option<(&'a str, &'a str)> {
        if self.peeked.is_some() {
            return None;
        }
        let line = self.line;
        let bytes = line.as_bytes();
        let mut start = self.pos;
        while let Some(b' ' | b'\t') = bytes.get(start) {
            start = start.saturating_add(1);
        }
        let plain_first = |b: Option<&u8>| {
            b.is_some_and(|&b| b > b' ' && b < 0x80 && !matches!(b, b'"' | b'\'' | b'=' | b'#'))
        };
        if !plain_first(bytes.get(start)) {
            return None;
        }
        let key_len = bytes
            .get(start..)?
            .iter()
            .position(|&b| b == b' ' || b == b'\t' || b == b'=')?;
        let eq = start.saturating_add(key_len);
        if bytes.get(eq) != Some(&b'=') {
            return None;
        }
        let value_start = eq.saturating_add(1);
        if !plain_first(bytes.get(value_start)) {
            return None;
        }
        let rest = bytes.get(value_start..)?;
        let value_len = rest
            .iter()
            .position(|&b| b == b' ' || b == b'\t' || b == b'=')
            .unwrap_or(rest.len());
        let value_end = value_start.saturating_add(value_len);
        let key = line.get(start..eq)?;
        let value = line.get(value_start..value_end)?;
        self.pos = value_end;
        Some((key, value))
    }

    #[inline]
    fn advance(&mut self) -> Result<Option<Cow<'a, str>>, TokenError> {
        let bytes = self.line.as_bytes();
        let mut start = self.pos;
        // The usual separators are single spaces: skip those inline, the rest the general way.
        while let Some(b' ' | b'\t') = bytes.get(start) {
            start = start.saturating_add(1);
        }
        if bytes
            .get(start)
            .is_some_and(|&b| b >= 0x80 || is_java_whitespace(char::from(b)))
        {
            let rest = self.line.get(start..).unwrap_or("");
            start = start.saturating_add(skip_whitespace(rest));
        }
        let Some(rest) = self.line.get(start..) else {
            self.pos = self.line.len();
            return Ok(None);
        };
        let Some(&first) = rest.as_bytes().first() else {
            self.pos = self.line.len();
            return Ok(None);
        };
        match first {
            b'"' | b'\'' => {
                let (token, used) = quoted(rest, first)?;
                self.pos = start.saturating_add(used);
                Ok(Some(token))
            }
            b'=' | b'#' => {
                self.pos = start.saturating_add(1);
                Ok(Some(Cow::Borrowed(rest.get(..1).unwrap_or(""))))
            }
            _ => {
                // Tokens are short: a plain scan beats a vectorised search's set-up.
                let end = rest
                    .bytes()
                    .position(|b| b == b' ' || b == b'\t' || b == b'=')
                    .unwrap_or(rest.len());
                self.pos = start.saturating_add(end);
                Ok(Some(Cow::Borrowed(rest.get(..end).unwrap_or(""))))
            }
        }
    }
}

/// A quoted token at the start of `rest` (which starts with `quote`): the unescaped text and the
/// bytes used, quotes included.
fn quoted(rest: &str, quote: u8) -> Result<(Cow<'_, str>, usize), TokenError> {
    let bytes = rest.as_bytes();
    let mut from = 1usize;
    let mut escaped = false;
    loop {
        let tail = bytes.get(from..).unwrap_or(&[]);
        let Some(offset) = memchr::memchr(quote, tail) else {
            return Err(TokenError::UnmatchedQuote(char::from(quote)));
        };
        let at = from.saturating_add(offset);
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        if before == Some(&b'\\') {
            escaped = true;
            from = at.saturating_add(1);
            continue;
        }
        let inner = rest.get(1..at).unwrap_or("");
        let used = at.saturating_add(1);
        if !escaped {
            return Ok((Cow::Borrowed(inner), used));
        }
        let q = char::from(quote);
        let pattern = ['\\', q];
        let mut out = String::with_capacity(inner.len());
        let mut chunk_start = 0usize;
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\\' && chars.peek().map(|&(_, n)| n) == Some(q) {
                out.push_str(inner.get(chunk_start..i).unwrap_or(""));
                out.push(q);
                chars.next();
                chunk_start = i.saturating_add(pattern.len());
            }
        }
        out.push_str(inner.get(chunk_start..).unwrap_or(""));
        return Ok((Cow::Owned(out), used));
    }
}

/// Whether `c` is whitespace to Java's `Character.isWhitespace`.
#[inline]
pub fn is_java_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{0B}'
            | '\u{0C}'
            | '\r'
            | '\u{1C}'..='\u{1F}'
            | ' '
            | '\u{1680}'
            | '\u{2000}'..='\u{2006}'
            | '\u{2008}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// How many bytes of leading Java whitespace `text` starts with.
#[inline]
pub fn skip_whitespace(text: &str) -> usize {
    // Fast path: the usual separators are ASCII spaces.
    let bytes = text.as_bytes();
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        if b == b' ' || b == b'\t' {
            i = i.saturating_add(1);
        } else if b < 0x80 && !is_java_whitespace(char::from(b)) {
            return i;
        } else {
            break;
        }
    }
    let rest = text.get(i..).unwrap_or("");
    let non_white = rest
        .char_indices()
        .find(|&(_, c)| !is_java_whitespace(c))
        .map_or(rest.len(), |(at, _)| at);
    i.saturating_add(non_white)
}

/// Whether the whole text is Java whitespace (a blank line).
#[inline]
pub fn is_blank(text: &str) -> bool {
    skip_whitespace(text) == text.len()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Result<Vec<String>, TokenError> {
        let mut t = Tokenizer::new(line);
        let mut out = Vec::new();
        while let Some(token) = t.next()? {
            out.push(token.into_owned());
        }
        Ok(out)
    }

    #[test]
    fn splits_on_spaces_tabs_and_equals() {
        assert_eq!(
            tokens("m 1 source = x\tk=v").unwrap(),
            ["m", "1", "source", "=", "x", "k", "=", "v"]
        );
    }

    #[test]
    fn quotes_of_either_kind_and_only_the_quote_escape() {
        assert_eq!(
            tokens(r#""a b"'c d' "x\"y" 'p\'q' "back\slash""#).unwrap(),
            ["a b", "c d", "x\"y", "p'q", "back\\slash"]
        );
        assert_eq!(tokens(r#""say \'hi\'""#).unwrap(), [r"say \'hi\'"]);
    }

    #[test]
    fn a_quoted_token_ends_at_its_quote_even_without_a_space() {
        assert_eq!(tokens(r#""k"="v"x"#).unwrap(), ["k", "=", "v", "x"]);
    }

    #[test]
    fn hash_is_a_token_only_at_the_start() {
        assert_eq!(
            tokens("!M #20 30.0 a#b").unwrap(),
            ["!M", "#", "20", "30.0", "a#b"]
        );
    }

    #[test]
    fn an_unmatched_quote_is_an_error() {
        assert_eq!(tokens(r#"m "abc"#), Err(TokenError::UnmatchedQuote('"')));
        assert_eq!(
            TokenError::UnmatchedQuote('\'').to_string(),
            "Unmatched quote character: (')"
        );
        assert_eq!(tokens(r#"m "abc\""#), Err(TokenError::UnmatchedQuote('"')));
    }

    #[test]
    fn java_whitespace_is_skipped_between_tokens_but_does_not_end_a_token() {
        assert_eq!(tokens("\u{3000} a\u{0B}b  c ").unwrap(), ["a\u{0B}b", "c"]);
        assert!(is_blank(" \t\r\u{2003}"));
        assert!(!is_blank(" \u{A0}"));
    }

    #[test]
    fn plain_pairs_are_the_tokens_next_would_give() {
        for line in [
            "a=b c=d",
            "  a=b\tc=d",
            "a=\"b\"",
            "a =b",
            "a= b",
            "\"a\"=b",
            "a=#b",
            "a==b",
            "a=b=c",
            "#=b",
            "a=b#c",
            "é=b",
            "a=é",
            "a=b\u{0B}c",
            "a=",
            "=b",
            "a",
            "a=b'c'",
        ] {
            let mut fast = Tokenizer::new(line);
            let mut slow = Tokenizer::new(line);
            match fast.plain_pair() {
                Some((k, v)) => {
                    assert_eq!(slow.next().unwrap().as_deref(), Some(k), "{line}");
                    assert_eq!(slow.next().unwrap().as_deref(), Some("="), "{line}");
                    assert_eq!(slow.next().unwrap().as_deref(), Some(v), "{line}");
                }
                None => assert_eq!(fast.pos, 0, "{line}"),
            }
            let rest_fast: Vec<_> = std::iter::from_fn(|| fast.next().ok().flatten()).collect();
            let rest_slow: Vec<_> = std::iter::from_fn(|| slow.next().ok().flatten()).collect();
            assert_eq!(rest_fast, rest_slow, "{line}");
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_pairs_never_differ_from_three_tokens(line in "[ab =#\"'\t\\\\é\u{0B}]{0,24}") {
            let mut fast = Tokenizer::new(&line);
            let mut slow = Tokenizer::new(&line);
            let mut fast_tokens = Vec::new();
            loop {
                if let Some((k, v)) = fast.plain_pair() {
                    fast_tokens.extend([k.to_owned(), "=".to_owned(), v.to_owned()]);
                    continue;
                }
                match fast.next() {
                    Ok(Some(t)) => fast_tokens.push(t.into_owned()),
                    Ok(None) => break,
                    Err(e) => { fast_tokens.push(format!("{e}")); break; }
                }
            }
            let mut slow_tokens = Vec::new();
            loop {
                match slow.next() {
                    Ok(Some(t)) => slow_tokens.push(t.into_owned()),
                    Ok(None) => break,
                    Err(e) => { slow_tokens.push(format!("{e}")); break; }
                }
            }
            proptest::prop_assert_eq!(fast_tokens, slow_tokens);
        }
    }

    #[test]
    fn peek_does_not_consume() {
        let mut t = Tokenizer::new("a b");
        assert_eq!(t.peek().unwrap(), Some("a"));
        assert_eq!(t.next().unwrap().as_deref(), Some("a"));
        assert!(t.has_next());
        assert_eq!(t.next().unwrap().as_deref(), Some("b"));
        assert!(!t.has_next());
    }
}
