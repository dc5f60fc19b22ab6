//! The text of one spied item, in the forms wftop reads: a point as
//! `"<metric>" source="<source>" <epoch ms> <value> "<key>"="<value>" …`, a distribution in the
//! histogram line format with the same quoting, a new name as `<TYPE> "<name>"`.

use std::fmt::Write as _;

use crest_series::{Granularity, HistogramPoint, Sample, SeriesKey};

use crate::spy::IdType;

/// `text` in double quotes, with `"` and `\` escaped.
fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

fn tags(out: &mut String, key: &SeriesKey) {
    for (k, v) in &key.tags {
        out.push(' ');
        quoted(out, k);
        out.push('=');
        quoted(out, v);
    }
}

/// One point. Values are written in the shortest form that reads back to the same number.
pub(crate) fn point(out: &mut String, key: &SeriesKey, sample: &Sample) {
    quoted(out, &key.metric);
    out.push_str(" source=");
    quoted(out, &key.source);
    // Writing to a String cannot fail.
    let _ = write!(out, " {} {}", sample.timestamp, sample.value);
    tags(out, key);
    out.push('\n');
}

fn granularity_mark(g: Granularity) -> &'static str {
    match g {
        Granularity::Minute => "!M",
        Granularity::Hour => "!H",
        Granularity::Day => "!D",
    }
}

/// One distribution: `!M <epoch s> #<count> <mean> … "<metric>" source="<source>" <tags>`.
pub(crate) fn histogram(out: &mut String, h: &HistogramPoint) {
    let _ = write!(
        out,
        "{} {}",
        granularity_mark(h.granularity),
        h.distribution.timestamp.div_euclid(1000)
    );
    for c in &h.distribution.centroids {
        let _ = write!(out, " #{} {}", c.count, c.mean);
    }
    out.push(' ');
    quoted(out, &h.key.metric);
    out.push_str(" source=");
    quoted(out, &h.key.source);
    tags(out, &h.key);
    out.push('\n');
}

/// One new name.
pub(crate) fn id(out: &mut String, id_type: IdType, text: &str) {
    out.push_str(id_type.name());
    out.push(' ');
    quoted(out, text);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::{Centroid, Distribution};

    #[test]
    fn a_point_reads_as_wftop_reads_it() {
        let key = SeriesKey::new("cpu.load", "web-1")
            .with_tag("env", "prod")
            .with_tag("a\"b", "c\\d");
        let mut out = String::new();
        point(
            &mut out,
            &key,
            &Sample {
                timestamp: 1_581_459_686_000,
                value: 1.0,
            },
        );
        point(
            &mut out,
            &key,
            &Sample {
                timestamp: 1,
                value: 0.1,
            },
        );
        assert_eq!(
            out,
            "\"cpu.load\" source=\"web-1\" 1581459686000 1 \"a\\\"b\"=\"c\\\\d\" \"env\"=\"prod\"\n\
             \"cpu.load\" source=\"web-1\" 1 0.1 \"a\\\"b\"=\"c\\\\d\" \"env\"=\"prod\"\n"
        );
    }

    #[test]
    fn a_distribution_reads_as_a_histogram_line() {
        let h = HistogramPoint {
            key: SeriesKey::new("latency", "h").with_tag("env", "dev"),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: 1_700_000_040_000,
                centroids: vec![
                    Centroid {
                        mean: 5.1,
                        count: 10,
                    },
                    Centroid {
                        mean: 30.0,
                        count: 20,
                    },
                ],
            },
            merge: true,
        };
        let mut out = String::new();
        histogram(&mut out, &h);
        assert_eq!(
            out,
            "!M 1700000040 #10 5.1 #20 30 \"latency\" source=\"h\" \"env\"=\"dev\"\n"
        );
    }

    #[test]
    fn a_new_name_reads_with_its_type() {
        let mut out = String::new();
        id(&mut out, IdType::String, "env=prod");
        assert_eq!(out, "STRING \"env=prod\"\n");
    }
}
