//! What a line is, told by its first characters (the proxy's `DataFormat` auto-detection).

/// The kind of one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Anything not recognised below: `<metric> <value> ...`.
    Metric,
    /// `!M `, `!H ` or `!D `.
    Histogram,
    /// `@SourceTag...` or `@SourceDescription...`.
    SourceTag,
    /// `@Event...`.
    Event,
    /// `{...}`: a span-logs JSON line.
    SpanLogs,
    /// `[...]`: a JSON array of logs.
    JsonLogs,
}

/// The kind of a line (leading whitespace already skipped).
pub fn classify(line: &str) -> LineKind {
    let bytes = line.as_bytes();
    match bytes.first() {
        Some(b'@') if line.starts_with("@SourceTag") || line.starts_with("@SourceDescription") => {
            LineKind::SourceTag
        }
        Some(b'@') if line.starts_with("@Event") => LineKind::Event,
        Some(b'!') if matches!(bytes.get(1..3), Some([b'M' | b'H' | b'D', b' '])) => {
            LineKind::Histogram
        }
        Some(b'{') if line.trim_end().ends_with('}') => LineKind::SpanLogs,
        Some(b'[') if line.trim_end().ends_with(']') => LineKind::JsonLogs,
        _ => LineKind::Metric,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_characters_tell_the_kind() {
        for (line, kind) in [
            ("cpu 1 source=a", LineKind::Metric),
            ("\"cpu\" 1 source=a", LineKind::Metric),
            ("!M 1 #1 2 m source=a", LineKind::Histogram),
            ("!H #1 2 m", LineKind::Histogram),
            ("!D #1 2 m", LineKind::Histogram),
            ("!m #1 2 m", LineKind::Metric),
            ("!M#1", LineKind::Metric),
            ("@SourceTag action=add source=a t", LineKind::SourceTag),
            (
                "@SourceDescription action=delete source=a",
                LineKind::SourceTag,
            ),
            ("@Event 1 2 name", LineKind::Event),
            ("{\"traceId\": 1}", LineKind::SpanLogs),
            ("{unclosed", LineKind::Metric),
            ("[{\"message\": 1}]", LineKind::JsonLogs),
            ("@Other 1", LineKind::Metric),
        ] {
            assert_eq!(classify(line), kind, "{line}");
        }
    }
}
