//! Query text to tokens, in the two modes of wql.md §1.1: expression mode (operators, numbers,
//! windows, identifiers, `.method(`) and filter mode, inside `ts()`/`hs()`/`cs()`/`events()` and
//! key lists, where `-`, `.`, `*`, `~`, `:`, `∆`, `Δ` are name characters. The parser picks the mode
//! for each token it asks for.

use crate::ast::{BinaryOp, Window, WindowUnit};
use crate::error::{ParseError, describe};
use crate::names::{is_ident_char, is_ident_start, is_name_char};

/// Which characters make a name: see the module doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Expr,
    Filter,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    End,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    /// `==`: not WQL; lexed so that the error can say so.
    EqEq,
    Ne,
    /// `?=` (filter mode).
    Maybe,
    /// `[+]`, `[and]`, ...
    Strict(BinaryOp),
    /// `.` before a method name (expression mode).
    Dot,
    Percent,
    LBrace,
    RBrace,
    Pipe,
    Number(f64),
    Window(Window),
    /// A quoted string, escapes resolved.
    Str(String),
    /// `/.../` (filter mode), `\/` resolved to `/`.
    Regex(String),
    /// `[A-Za-z_][A-Za-z0-9_]*` (expression mode).
    Ident(String),
    /// A bare name (filter mode), or a docs placeholder `<name>` taken literally.
    Name(String),
    /// `$name`
    AliasRef(String),
    /// `${name}`
    Variable(String),
}

/// A token and the byte range it covers in the query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The token that starts at or after byte `pos` of `src` (whitespace skipped), read in `mode`.
pub(crate) fn lex(src: &str, pos: usize, mode: Mode) -> Result<Token, ParseError> {
    let rest = src.get(pos..).unwrap_or("");
    let text = rest.trim_start();
    let start = pos + (rest.len() - text.len());
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return Ok(Token {
            tok: Tok::End,
            start,
            end: start,
        });
    };
    let second = chars.next();
    let fixed = |tok: Tok, len: usize| {
        Ok(Token {
            tok,
            start,
            end: start + len,
        })
    };
    match (first, mode) {
        ('(', _) => fixed(Tok::LParen, 1),
        (')', _) => fixed(Tok::RParen, 1),
        (',', _) => fixed(Tok::Comma, 1),
        ('"' | '\'', _) => quoted(src, start, text, first),
        ('$', _) => dollar(src, start, text, mode),
        ('!', _) if second == Some('=') => fixed(Tok::Ne, 2),
        ('=', Mode::Filter) => fixed(Tok::Eq, 1),
        ('?', Mode::Filter) if second == Some('=') => fixed(Tok::Maybe, 2),
        ('/', Mode::Filter) => regex(src, start, text),
        ('<', Mode::Filter) => placeholder(src, start, text),
        (c, Mode::Filter) if is_name_char(c) => {
            let len = run_len(text, is_name_char);
            fixed(Tok::Name(text.get(..len).unwrap_or("").to_owned()), len)
        }
        (c, Mode::Expr) if c.is_ascii_digit() => number(src, start, text),
        ('.', Mode::Expr) if second.is_some_and(|c| c.is_ascii_digit()) => number(src, start, text),
        ('.', Mode::Expr) => fixed(Tok::Dot, 1),
        (c, Mode::Expr) if is_ident_start(c) => {
            let len = run_len(text, is_ident_char);
            fixed(Tok::Ident(text.get(..len).unwrap_or("").to_owned()), len)
        }
        ('+', Mode::Expr) => fixed(Tok::Plus, 1),
        ('-', Mode::Expr) => fixed(Tok::Minus, 1),
        ('*', Mode::Expr) => fixed(Tok::Star, 1),
        ('/', Mode::Expr) => fixed(Tok::Slash, 1),
        ('<', Mode::Expr) if second == Some('=') => fixed(Tok::Le, 2),
        ('<', Mode::Expr) => fixed(Tok::Lt, 1),
        ('>', Mode::Expr) if second == Some('=') => fixed(Tok::Ge, 2),
        ('>', Mode::Expr) => fixed(Tok::Gt, 1),
        ('=', Mode::Expr) if second == Some('=') => fixed(Tok::EqEq, 2),
        ('=', Mode::Expr) => fixed(Tok::Eq, 1),
        ('%', Mode::Expr) => fixed(Tok::Percent, 1),
        ('{', Mode::Expr) => fixed(Tok::LBrace, 1),
        ('}', Mode::Expr) => fixed(Tok::RBrace, 1),
        ('|', Mode::Expr) => fixed(Tok::Pipe, 1),
        ('[', Mode::Expr) => strict(src, start, text),
        (c, Mode::Expr) => Err(ParseError::at(
            src,
            start,
            "an expression or an operator",
            describe(&c.to_string()),
        )),
        (c, Mode::Filter) => Err(ParseError::at(
            src,
            start,
            "a name, a quoted string, a /regex/ or a filter operator",
            describe(&c.to_string()),
        )),
    }
}

/// The length in bytes of the longest prefix of `text` whose characters satisfy `class`.
fn run_len(text: &str, class: fn(char) -> bool) -> usize {
    text.char_indices()
        .find(|&(_, c)| !class(c))
        .map_or(text.len(), |(i, _)| i)
}

/// `'...'` or `"..."`: `\"`, `\'` and `\\` stand for the character; any other `\x` is kept as
/// written (backslash included), so regexes inside strings keep their escapes.
fn quoted(src: &str, start: usize, text: &str, quote: char) -> Result<Token, ParseError> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c == quote {
            return Ok(Token {
                tok: Tok::Str(value),
                start,
                end: start + i + c.len_utf8(),
            });
        }
        if c == '\\' {
            match chars.next() {
                Some((_, e @ ('"' | '\'' | '\\'))) => value.push(e),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => break,
            }
        } else {
            value.push(c);
        }
    }
    Err(ParseError::at(
        src,
        start,
        format!("a closing {quote} for this string"),
        "end of query",
    ))
}

/// `/regex/`: `\/` stands for `/`; any other `\x` is kept as written. An empty regex is refused.
fn regex(src: &str, start: usize, text: &str) -> Result<Token, ParseError> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if value.is_empty() => {
                return Err(ParseError::at(src, start, "a non-empty /regex/", "'//'"));
            }
            '/' => {
                return Ok(Token {
                    tok: Tok::Regex(value),
                    start,
                    end: start + i + 1,
                });
            }
            '\\' => match chars.next() {
                Some((_, '/')) => value.push('/'),
                Some((_, e)) => {
                    value.push('\\');
                    value.push(e);
                }
                None => break,
            },
            _ => value.push(c),
        }
    }
    Err(ParseError::at(
        src,
        start,
        "a closing / for this regex",
        "end of query",
    ))
}

/// The docs' placeholder `<metric_name>` in filter mode, read as the literal name it spells.
fn placeholder(src: &str, start: usize, text: &str) -> Result<Token, ParseError> {
    let inner = text.get(1..).unwrap_or("");
    let len = run_len(inner, is_name_char);
    if len > 0 && inner.get(len..).is_some_and(|after| after.starts_with('>')) {
        let end = len + 2;
        return Ok(Token {
            tok: Tok::Name(text.get(..end).unwrap_or("").to_owned()),
            start,
            end: start + end,
        });
    }
    Err(ParseError::at(
        src,
        start,
        "a name, a quoted string or a /regex/",
        "'<'",
    ))
}

/// `${any text but a brace}` in both modes, `$alias` in expression mode.
fn dollar(src: &str, start: usize, text: &str, mode: Mode) -> Result<Token, ParseError> {
    let after = text.get(1..).unwrap_or("");
    if let Some(body) = after.strip_prefix('{') {
        let Some(close) = body.find('}') else {
            return Err(ParseError::at(
                src,
                start,
                "'}' closing this ${variable}",
                "end of query",
            ));
        };
        let name = body.get(..close).unwrap_or("");
        if name.is_empty() || name.contains('{') {
            return Err(ParseError::at(
                src,
                start,
                "a variable name inside ${...}",
                describe(text.get(..close + 3).unwrap_or(text)),
            ));
        }
        return Ok(Token {
            tok: Tok::Variable(name.to_owned()),
            start,
            end: start + close + 3,
        });
    }
    let len = run_len(after, is_ident_char);
    if mode == Mode::Expr && len > 0 {
        return Ok(Token {
            tok: Tok::AliasRef(after.get(..len).unwrap_or("").to_owned()),
            start,
            end: start + 1 + len,
        });
    }
    Err(ParseError::at(
        src,
        start,
        if mode == Mode::Expr {
            "an alias name or {variable} after '$'"
        } else {
            "{variable} after '$'"
        },
        describe(text.get(..1 + len.max(1)).unwrap_or("$")),
    ))
}

/// `[+]`, `[-]`, `[*]`, `[/]`, `[<]`, `[<=]`, `[>]`, `[>=]`, `[=]`, `[!=]`, `[and]`, `[or]`.
fn strict(src: &str, start: usize, text: &str) -> Result<Token, ParseError> {
    let close = text.get(..8).unwrap_or(text).find(']');
    let op = close.and_then(|close| {
        let inner = text.get(1..close)?;
        let op = match inner {
            "+" => BinaryOp::Add,
            "-" => BinaryOp::Sub,
            "*" => BinaryOp::Mul,
            "/" => BinaryOp::Div,
            "<" => BinaryOp::Lt,
            "<=" => BinaryOp::Le,
            ">" => BinaryOp::Gt,
            ">=" => BinaryOp::Ge,
            "=" => BinaryOp::Eq,
            "!=" => BinaryOp::Ne,
            _ if inner.eq_ignore_ascii_case("and") => BinaryOp::And,
            _ if inner.eq_ignore_ascii_case("or") => BinaryOp::Or,
            _ => return None,
        };
        Some((op, close + 1))
    });
    match op {
        Some((op, len)) => Ok(Token {
            tok: Tok::Strict(op),
            start,
            end: start + len,
        }),
        None => Err(ParseError::at(
            src,
            start,
            "a strict operator such as [+] or [and]",
            describe(text.get(..close.map_or(1, |c| c + 1)).unwrap_or("[")),
        )),
    }
}

/// A number (`12`, `1.5`, `.5`, with an SI suffix `k M G T P E Z Y` scaling by 1000ⁿ) or a time
/// window (`5m`: whole number and unit). No exponent notation.
fn number(src: &str, start: usize, text: &str) -> Result<Token, ParseError> {
    let digits = |from: usize| {
        text.get(from..)
            .map_or(0, |t| t.bytes().take_while(u8::is_ascii_digit).count())
    };
    let mut len = digits(0);
    let fraction = text.get(len..).is_some_and(|t| t.starts_with('.')) && digits(len + 1) > 0;
    let whole = !fraction;
    if fraction {
        len += 1 + digits(len + 1);
    }
    let numeral = text.get(..len).unwrap_or("");
    let suffix_len = text.get(len..).map_or(0, |t| run_len(t, is_ident_char));
    let suffix = text.get(len..len + suffix_len).unwrap_or("");
    let end = start + len + suffix_len;
    let bad = |expected: &str| {
        Err(ParseError::at(
            src,
            start,
            expected,
            describe(text.get(..len + suffix_len).unwrap_or(numeral)),
        ))
    };
    let unit = match suffix {
        "ms" => Some(WindowUnit::Millis),
        "s" => Some(WindowUnit::Seconds),
        "m" => Some(WindowUnit::Minutes),
        "h" => Some(WindowUnit::Hours),
        "d" => Some(WindowUnit::Days),
        "w" => Some(WindowUnit::Weeks),
        "vw" => Some(WindowUnit::ViewWindows),
        "bw" => Some(WindowUnit::Buckets),
        _ => None,
    };
    if let Some(unit) = unit {
        if !whole {
            return bad("a whole number of time units");
        }
        let Ok(amount) = numeral.parse::<u64>() else {
            return bad("a time window that fits in 64 bits");
        };
        return Ok(Token {
            tok: Tok::Window(Window { amount, unit }),
            start,
            end,
        });
    }
    let exponent = match suffix {
        "" => 0,
        "k" => 3,
        "M" => 6,
        "G" => 9,
        "T" => 12,
        "P" => 15,
        "E" => 18,
        "Z" => 21,
        "Y" => 24,
        _ => return bad("a number, a time window (5m, 1h, 2vw) or an SI suffix (k M G T P E Z Y)"),
    };
    let Ok(value) = format!("0{numeral}e{exponent}").parse::<f64>() else {
        return bad("a number");
    };
    if !value.is_finite() {
        return bad("a number within the range of a 64-bit float");
    }
    Ok(Token {
        tok: Tok::Number(value),
        start,
        end,
    })
}
