//! The product's template functions (Mustache lambdas): each receives the rendered text of its
//! section and returns what replaces it. Also the HTML escape of `{{x}}`.

use crate::value::LimitKind;

/// A function a section may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// Escapes the text for use inside a JSON string.
    JsonEscape,
    /// Escapes the text for XML 1.0 and drops the characters XML 1.0 cannot hold.
    Xml10Escape,
    /// Escapes the text for XML 1.1 (restricted characters become references).
    Xml11Escape,
    /// Drops a comma that ends the text (with the white space after it).
    TrimTrailingComma,
    /// Turns every white-space character into a plain space.
    ConvertWhiteSpace,
    /// Reads the text as epoch milliseconds and writes whole seconds.
    ConvertEpochMillisToSeconds,
    /// Sets an iteration limit from the text (a number) and writes nothing.
    SetLimit(LimitKind),
}

impl Function {
    /// Every function by the name templates use.
    pub fn named() -> Vec<(&'static str, Function)> {
        let mut all = vec![
            ("jsonEscape", Self::JsonEscape),
            ("xml10Escape", Self::Xml10Escape),
            ("xml11Escape", Self::Xml11Escape),
            ("trimTrailingComma", Self::TrimTrailingComma),
            ("convertWhiteSpace", Self::ConvertWhiteSpace),
            (
                "convertEpochMillisToSeconds",
                Self::ConvertEpochMillisToSeconds,
            ),
        ];
        all.extend(
            LimitKind::ALL
                .iter()
                .map(|k| (k.setter(), Self::SetLimit(*k))),
        );
        all
    }

    /// Applies a text function; `None` for [`Function::SetLimit`], which the renderer handles.
    pub(crate) fn apply(self, text: &str) -> Option<String> {
        Some(match self {
            Self::JsonEscape => json_escape(text),
            Self::Xml10Escape => xml_escape(text, false),
            Self::Xml11Escape => xml_escape(text, true),
            Self::TrimTrailingComma => trim_trailing_comma(text),
            Self::ConvertWhiteSpace => text
                .chars()
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect(),
            Self::ConvertEpochMillisToSeconds => text
                .trim()
                .parse::<i64>()
                .map_or_else(|_| text.to_owned(), |ms| ms.div_euclid(1000).to_string()),
            Self::SetLimit(_) => return None,
        })
    }
}

/// `{{x}}`: the text with `&`, `<`, `>`, `"` and `'` escaped for HTML.
pub(crate) fn html_escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

fn xml_escape(text: &str, xml11: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let code = u32::from(c);
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\0' | '\u{fffe}' | '\u{ffff}' => {}
            _ if code < 0x20 || (0x7f..=0x84).contains(&code) || (0x86..=0x9f).contains(&code) => {
                if xml11 {
                    out.push_str(&format!("&#{code};"));
                } else if code >= 0x7f {
                    // Discouraged but allowed in XML 1.0.
                    out.push(c);
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn trim_trailing_comma(text: &str) -> String {
    let trimmed = text.trim_end();
    trimmed
        .strip_suffix(',')
        .map_or_else(|| text.to_owned(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(f: Function, text: &str) -> String {
        f.apply(text).unwrap_or_default()
    }

    #[test]
    fn text_functions() {
        assert_eq!(
            apply(Function::JsonEscape, "a\"b\\\n\u{1}"),
            "a\\\"b\\\\\\n\\u0001"
        );
        assert_eq!(
            apply(Function::Xml10Escape, "<a & 'b'>\u{1}"),
            "&lt;a &amp; &apos;b&apos;&gt;"
        );
        assert_eq!(apply(Function::Xml11Escape, "x\u{1}"), "x&#1;");
        assert_eq!(
            apply(Function::TrimTrailingComma, "\"a\",\"b\",\n "),
            "\"a\",\"b\""
        );
        assert_eq!(apply(Function::TrimTrailingComma, "a,b"), "a,b");
        assert_eq!(apply(Function::ConvertWhiteSpace, "a\nb\tc"), "a b c");
        assert_eq!(
            apply(Function::ConvertEpochMillisToSeconds, " 1460761882996 "),
            "1460761882"
        );
        assert_eq!(apply(Function::ConvertEpochMillisToSeconds, "soon"), "soon");
        let mut out = String::new();
        html_escape("<a href=\"x\">&'", &mut out);
        assert_eq!(out, "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }
}
