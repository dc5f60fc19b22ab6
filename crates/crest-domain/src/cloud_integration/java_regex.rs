//! Java regular expressions, checked the way the real service checked them: translated to
//! fancy-regex syntax where the two differ, then compiled (never matched here).
//!
//! fancy-regex already takes most of `java.util.regex`: look-around, back references (numbered and
//! `\k<name>`), named groups, atomic groups, possessive quantifiers, `&&` class intersection. What
//! it lacks or reads differently is rewritten first:
//!
//! * `\Q…\E` literal quoting (to `\x{..}` escapes);
//! * POSIX classes `\p{Lower}`, `\p{Alpha}`, … `\p{XDigit}` (to their US-ASCII sets, as Java
//!   defines them);
//! * `java.lang.Character` classes `\p{javaLowerCase}`, … (to the Unicode sets they stand for);
//! * octal `\0ooo` and control `\cX` escapes; `\h`, `\v` and their negations (Java's horizontal
//!   and vertical whitespace, which fancy-regex reads as hex digit and vertical tab);
//! * the `d` (UNIX_LINES) embedded flag, which only changes what `.` and `$` match (dropped).
//!
//! Refused with a clear message: Unicode blocks (`\p{InGreek}`, `\p{block=…}`), `\X` and `\b{g}`.

use fancy_regex::{CompileError, RegexBuilder};

/// The longest pattern compiled; longer ones are refused unread.
pub const MAX_REGEX_BYTES: usize = 4096;

/// Why a Java regular expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JavaRegexError {
    /// The pattern is over [`MAX_REGEX_BYTES`].
    #[error("the pattern is {len} bytes long; at most {max} are allowed")]
    TooLong { len: usize, max: usize },
    /// The pattern uses Java syntax this server cannot check.
    #[error("{0}")]
    Unsupported(String),
    /// The pattern does not compile; the compiler's message.
    #[error("{0}")]
    Invalid(String),
}

/// Compiles a Java regular expression. Compilation is bounded (fancy-regex limits program and
/// automaton sizes); the returned regex keeps fancy-regex's default backtrack limit for matching.
pub fn compile(pattern: &str) -> Result<fancy_regex::Regex, JavaRegexError> {
    if pattern.len() > MAX_REGEX_BYTES {
        return Err(JavaRegexError::TooLong {
            len: pattern.len(),
            max: MAX_REGEX_BYTES,
        });
    }
    let translated = translate(pattern)?;
    RegexBuilder::new(&translated)
        .build()
        .map_err(|e| JavaRegexError::Invalid(describe(&e)))
}

/// Rewrites the Java-only syntax of `pattern` into fancy-regex syntax (see the module docs).
pub fn translate(pattern: &str) -> Result<String, JavaRegexError> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut class_depth = 0usize;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i = escape(&chars, i, &mut out)?,
            '[' => {
                class_depth += 1;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a literal, not its end.
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(']');
                i += 1;
            }
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                i = flag_group(&chars, i, &mut out);
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Java's vertical whitespace (`\v`), as a class body.
const VERTICAL: &str = r"\n\x0B\f\r\x{85}\x{2028}\x{2029}";
/// Java's horizontal whitespace (`\h`), as a class body.
const HORIZONTAL: &str = r"\x20\t\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}";

/// Translates the escape starting at `chars[i]` (a backslash); returns where scanning resumes.
fn escape(chars: &[char], i: usize, out: &mut String) -> Result<usize, JavaRegexError> {
    let Some(&next) = chars.get(i + 1) else {
        // A trailing backslash: let the compiler say so.
        out.push('\\');
        return Ok(i + 1);
    };
    match next {
        'Q' => {
            let start = i + 2;
            let end = (start..chars.len())
                .find(|&j| chars.get(j) == Some(&'\\') && chars.get(j + 1) == Some(&'E'))
                .unwrap_or(chars.len());
            for &ch in chars.get(start..end).unwrap_or_default() {
                push_literal(ch, out);
            }
            Ok((end + 2).min(chars.len()))
        }
        'p' | 'P' => {
            let negated = next == 'P';
            let (name, resume) = if chars.get(i + 2) == Some(&'{') {
                match (i + 3..chars.len()).find(|&j| chars.get(j) == Some(&'}')) {
                    Some(close) => (
                        chars
                            .get(i + 3..close)
                            .unwrap_or_default()
                            .iter()
                            .collect::<String>(),
                        close + 1,
                    ),
                    None => {
                        return Err(JavaRegexError::Invalid(
                            "unclosed character family: \\p{ without }".to_owned(),
                        ));
                    }
                }
            } else {
                match chars.get(i + 2) {
                    Some(&ch) => (ch.to_string(), i + 3),
                    None => {
                        return Err(JavaRegexError::Invalid(
                            "\\p must name a character class".to_owned(),
                        ));
                    }
                }
            };
            match property(&name)? {
                Some(body) => {
                    out.push('[');
                    if negated {
                        out.push('^');
                    }
                    out.push_str(body);
                    out.push(']');
                }
                None => out.extend(chars.get(i..resume).unwrap_or_default()),
            }
            Ok(resume)
        }
        '0' => {
            // Java octal: \0n, \0nn, \0mnn with m <= 3.
            let digits: Vec<u32> = chars
                .get(i + 2..)
                .unwrap_or_default()
                .iter()
                .take(3)
                .map_while(|ch| ch.to_digit(8))
                .collect();
            let take = match digits.as_slice() {
                [] => {
                    return Err(JavaRegexError::Invalid(
                        "illegal octal escape sequence \\0".to_owned(),
                    ));
                }
                [m, _, _] if *m <= 3 => 3,
                [_, _, ..] => 2,
                [_] => 1,
            };
            let value = digits.iter().take(take).fold(0, |acc, d| acc * 8 + d);
            out.push_str(&format!("\\x{{{value:X}}}"));
            Ok(i + 2 + take)
        }
        'c' => match chars.get(i + 2) {
            Some(&ch) => {
                let value = u32::from(ch) ^ 64;
                out.push_str(&format!("\\x{{{value:X}}}"));
                Ok(i + 3)
            }
            None => Err(JavaRegexError::Invalid(
                "illegal control escape sequence \\c".to_owned(),
            )),
        },
        'v' | 'V' | 'h' | 'H' => {
            out.push('[');
            if next.is_ascii_uppercase() {
                out.push('^');
            }
            out.push_str(if next.eq_ignore_ascii_case(&'v') {
                VERTICAL
            } else {
                HORIZONTAL
            });
            out.push(']');
            Ok(i + 2)
        }
        'X' => Err(JavaRegexError::Unsupported(
            "\\X (an extended grapheme cluster) is not supported".to_owned(),
        )),
        'b' if chars.get(i + 2) == Some(&'{') => Err(JavaRegexError::Unsupported(
            "\\b{g} (a grapheme cluster boundary) is not supported".to_owned(),
        )),
        _ => {
            out.push('\\');
            out.push(next);
            Ok(i + 2)
        }
    }
}

/// A character matched literally, in or out of a class and whatever the flags.
fn push_literal(ch: char, out: &mut String) {
    if ch.is_ascii_alphanumeric() || (!ch.is_ascii() && !ch.is_whitespace()) {
        out.push(ch);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", u32::from(ch)));
    }
}

/// Copies the group opening at `chars[i]` (`(?`), dropping the `d` flag from an embedded flag
/// group; returns where scanning resumes.
fn flag_group(chars: &[char], i: usize, out: &mut String) -> usize {
    let start = i + 2;
    let end = (start..chars.len())
        .find(|&j| {
            !matches!(
                chars.get(j),
                Some('i' | 'd' | 'm' | 's' | 'u' | 'x' | 'U' | '-')
            )
        })
        .unwrap_or(chars.len());
    let terminator = chars.get(end).copied();
    if end == start || !matches!(terminator, Some(')' | ':')) {
        out.push('(');
        return i + 1;
    }
    let flags: String = chars
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .filter(|&&c| c != 'd')
        .collect();
    match terminator {
        Some(')') if flags.chars().all(|c| c == '-') => {}
        Some(':') if flags.chars().all(|c| c == '-') => out.push_str("(?:"),
        Some(t) => {
            out.push_str("(?");
            out.push_str(&flags);
            out.push(t);
        }
        None => {}
    }
    end + 1
}

/// The class body standing for a Java `\p{name}` that fancy-regex lacks or reads differently;
/// `None` when fancy-regex reads it as Java does.
fn property(name: &str) -> Result<Option<&'static str>, JavaRegexError> {
    let body = match name {
        // POSIX classes: US-ASCII only in Java (without UNICODE_CHARACTER_CLASS).
        "Lower" => "a-z",
        "Upper" => "A-Z",
        "ASCII" => r"\x00-\x7F",
        "Alpha" => "a-zA-Z",
        "Digit" => "0-9",
        "Alnum" => "a-zA-Z0-9",
        "Punct" => r"\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E",
        "Graph" => r"\x21-\x7E",
        "Print" => r"\x20-\x7E",
        "Blank" => r"\x20\t",
        "Cntrl" => r"\x00-\x1F\x7F",
        "XDigit" => "0-9a-fA-F",
        "Space" => r"\t\n\x0B\f\r\x20",
        // java.lang.Character predicates.
        "javaLowerCase" => r"\p{Lowercase}",
        "javaUpperCase" => r"\p{Uppercase}",
        "javaTitleCase" => r"\p{Lt}",
        "javaDigit" => r"\p{Nd}",
        "javaDefined" => r"\P{Cn}",
        "javaLetter" => r"\p{L}",
        "javaLetterOrDigit" => r"\p{L}\p{Nd}",
        "javaAlphabetic" => r"\p{Alphabetic}",
        "javaIdeographic" => r"\p{Ideographic}",
        "javaSpaceChar" => r"\p{Z}",
        "javaWhitespace" => {
            r"\t\n\x0B\f\r\x1C-\x20\x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}\x{2028}\x{2029}\x{205F}\x{3000}"
        }
        "javaMirrored" => r"\p{Bidi_Mirrored}",
        "javaISOControl" => r"\x00-\x1F\x7F-\x{9F}",
        "javaIdentifierIgnorable" => r"\x00-\x08\x0E-\x1B\x7F-\x{9F}\p{Cf}",
        "javaJavaIdentifierStart" => r"\p{L}\p{Nl}\p{Sc}\p{Pc}",
        "javaJavaIdentifierPart" => {
            r"\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}\x00-\x08\x0E-\x1B\x7F-\x{9F}\p{Cf}"
        }
        "javaUnicodeIdentifierStart" => r"\p{ID_Start}",
        "javaUnicodeIdentifierPart" => r"\p{ID_Continue}\x00-\x08\x0E-\x1B\x7F-\x{9F}\p{Cf}",
        _ if name.starts_with("java") => {
            return Err(JavaRegexError::Invalid(format!(
                "unknown character property \\p{{{name}}}"
            )));
        }
        _ if is_block(name) => {
            return Err(JavaRegexError::Unsupported(format!(
                "Unicode blocks (\\p{{{name}}}) are not supported; use a script (\\p{{Is…}}) or a range"
            )));
        }
        _ => return Ok(None),
    };
    Ok(Some(body))
}

/// Whether a `\p{…}` name is a Unicode block (`InGreek`, `block=Greek`, `blk=Greek`).
fn is_block(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("block=")
        || lower.starts_with("blk=")
        || name
            .strip_prefix("In")
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The compiler's message, with the underlying syntax error when there is one.
fn describe(e: &fancy_regex::Error) -> String {
    let top = e.to_string();
    let fancy_regex::Error::CompileError(compile) = e else {
        return top;
    };
    let CompileError::InnerError(inner) = compile.as_ref() else {
        return top;
    };
    let mut detail = None;
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(inner);
    while let Some(s) = source {
        detail = Some(s.to_string());
        source = s.source();
    }
    match detail {
        Some(d) => {
            let last = d
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with("error:"))
                .map(|l| l.trim().trim_start_matches("error:").trim().to_owned());
            last.unwrap_or_else(|| d.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        None => top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) {
        if let Err(e) = compile(p) {
            panic!("{p:?} refused: {e} (translated {:?})", translate(p));
        }
    }

    fn err(p: &str) -> JavaRegexError {
        match compile(p) {
            Ok(_) => panic!("{p:?} accepted"),
            Err(e) => e,
        }
    }

    #[test]
    fn accepts_java_syntax() {
        for p in [
            r"^aws.(sqs|ec2).*$",
            r"(?i)foo",
            r"(?<=a)b",
            r"(?<!a)b",
            r"(?!x)y",
            r"(?=x)x",
            r"a*+b",
            r"a++b",
            r"a?+b",
            r"(?>a*)b",
            r"\Qa.b\E",
            r"(?<name>x)",
            r"(?<name>x)\k<name>",
            r"(a)\1",
            r"[a-z&&[^b]]",
            r"\p{L}\p{Lu}\p{IsLatin}\p{IsAlphabetic}",
            r"\x{41}\u0041\x41\t\n\e",
            r"(?ims-x:a)",
            r"\A\z\Z\G\R\b\B",
            r"",
        ] {
            ok(p);
        }
    }

    #[test]
    fn refuses_what_java_refuses() {
        for p in ["(", "[a-", "*a", r"\y", "a)"] {
            assert!(matches!(err(p), JavaRegexError::Invalid(_)), "{p}");
        }
    }

    #[test]
    fn quoting_is_literal() {
        let re = compile(r"\Qa.b\E").ok();
        assert_eq!(re.as_ref().and_then(|r| r.is_match("a.b").ok()), Some(true));
        assert_eq!(
            re.as_ref().and_then(|r| r.is_match("axb").ok()),
            Some(false)
        );
        // Unterminated quoting runs to the end; metacharacters inside a class too.
        ok(r"x\Q(*[");
        ok(r"[\Q]-\E]");
        let re = compile(r"^\Q^$ \E$").ok();
        assert_eq!(re.and_then(|r| r.is_match("^$ ").ok()), Some(true));
    }

    #[test]
    fn posix_and_java_classes_translate() {
        for name in [
            "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print",
            "Blank", "Cntrl", "XDigit", "Space",
        ] {
            ok(&format!(r"\p{{{name}}}"));
            ok(&format!(r"[^\P{{{name}}}x]"));
        }
        for name in [
            "javaLowerCase",
            "javaUpperCase",
            "javaTitleCase",
            "javaDigit",
            "javaDefined",
            "javaLetter",
            "javaLetterOrDigit",
            "javaAlphabetic",
            "javaIdeographic",
            "javaSpaceChar",
            "javaWhitespace",
            "javaMirrored",
            "javaISOControl",
            "javaIdentifierIgnorable",
            "javaJavaIdentifierStart",
            "javaJavaIdentifierPart",
            "javaUnicodeIdentifierStart",
            "javaUnicodeIdentifierPart",
        ] {
            ok(&format!(r"\p{{{name}}}+"));
            ok(&format!(r"[\P{{{name}}}_]"));
        }
        let re = compile(r"^\p{Lower}+$").ok();
        assert_eq!(re.as_ref().and_then(|r| r.is_match("abc").ok()), Some(true));
        assert_eq!(re.and_then(|r| r.is_match("é").ok()), Some(false));
        assert!(matches!(err(r"\p{javaNope}"), JavaRegexError::Invalid(_)));
    }

    #[test]
    fn other_java_escapes_translate() {
        assert_eq!(translate(r"\0101").ok().as_deref(), Some(r"\x{41}"));
        assert_eq!(translate(r"\0777").ok().as_deref(), Some(r"\x{3F}7"));
        assert_eq!(translate(r"\cA").ok().as_deref(), Some(r"\x{1}"));
        ok(r"\0101\cA\h\H\v\V[\h\v]");
        assert!(matches!(err(r"\0"), JavaRegexError::Invalid(_)));
        assert_eq!(translate("(?d)a").ok().as_deref(), Some("a"));
        assert_eq!(translate("(?id)a").ok().as_deref(), Some("(?i)a"));
        assert_eq!(translate("(?d:a)").ok().as_deref(), Some("(?:a)"));
        ok("(?idmsux)a");
    }

    #[test]
    fn refuses_unsupported_clearly() {
        for p in [r"\p{InGreek}", r"\p{block=Greek}", r"\X", r"\b{g}"] {
            assert!(matches!(err(p), JavaRegexError::Unsupported(_)), "{p}");
        }
    }

    #[test]
    fn refuses_long_patterns_unread() {
        let long = "a".repeat(MAX_REGEX_BYTES + 1);
        assert_eq!(
            compile(&long).err(),
            Some(JavaRegexError::TooLong {
                len: MAX_REGEX_BYTES + 1,
                max: MAX_REGEX_BYTES
            })
        );
        ok(&"a".repeat(MAX_REGEX_BYTES));
    }

    #[test]
    fn huge_repetitions_fail_without_hanging() {
        assert!(compile("(a{1000}){1000}{1000}").is_err());
    }
}
