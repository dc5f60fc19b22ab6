//! The `f=` query parameter of `POST /report`: which line format a body holds.

/// A body's format. Crest takes the metric formats, source tags and events; the others are named so that
/// a client is told clearly that they are not taken yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Metric lines (`f=wavefront`, its alias `f=graphite_v2`, or no `f`), and source tag lines.
    Wavefront,
    /// Distribution lines `!M`/`!H`/`!D` (`f=histogram`), and source tag lines.
    Histogram,
    /// Only `@SourceTag`/`@SourceDescription` lines (`f=sourceTag`).
    SourceTag,
    /// Only `@Event` lines (`f=event`).
    Event,
}

/// Formats the product takes on `/report` that crest does not take yet.
const NOT_SUPPORTED: [&str; 6] = [
    "trace",
    "spanLogs",
    "log",
    "logs_json_arr",
    "logs_json_lines",
    "logs_json_cloudwatch",
];

/// Why an `f=` value is refused (a 400 naming it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A format of the product that crest does not take yet.
    #[error(
        "f={0}: crest does not take this format yet (it takes wavefront, histogram, sourceTag and event)"
    )]
    NotSupported(String),
    /// Not a format of the product at all.
    #[error(
        "f={0}: unknown format (expected wavefront, graphite_v2, histogram, sourceTag or event)"
    )]
    Unknown(String),
}

impl Format {
    /// The format an `f=` parameter names (case-sensitive, as the product's constants are).
    pub fn from_param(f: Option<&str>) -> Result<Format, FormatError> {
        match f {
            None | Some("wavefront" | "graphite_v2") => Ok(Format::Wavefront),
            Some("histogram") => Ok(Format::Histogram),
            Some("sourceTag") => Ok(Format::SourceTag),
            Some("event") => Ok(Format::Event),
            Some(name) if NOT_SUPPORTED.contains(&name) => {
                Err(FormatError::NotSupported(name.to_owned()))
            }
            Some(name) => Err(FormatError::Unknown(name.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::from_param(None), Ok(Format::Wavefront));
        assert_eq!(Format::from_param(Some("wavefront")), Ok(Format::Wavefront));
        assert_eq!(
            Format::from_param(Some("graphite_v2")),
            Ok(Format::Wavefront)
        );
        assert_eq!(Format::from_param(Some("histogram")), Ok(Format::Histogram));
        assert_eq!(Format::from_param(Some("sourceTag")), Ok(Format::SourceTag));
        assert_eq!(Format::from_param(Some("event")), Ok(Format::Event));
        for name in NOT_SUPPORTED {
            let err = Format::from_param(Some(name)).unwrap_err();
            assert_eq!(err, FormatError::NotSupported(name.to_owned()));
            assert!(err.to_string().contains(name));
        }
        assert_eq!(
            Format::from_param(Some("Wavefront")),
            Err(FormatError::Unknown("Wavefront".to_owned()))
        );
        assert_eq!(
            Format::from_param(Some("")),
            Err(FormatError::Unknown(String::new()))
        );
    }
}
