//! What one spy stream asks for: which data, the documented filters, and how much of it.

use crest_series::{DELTA_PREFIX, SeriesKey};

/// The share shown when the request names none (1%).
pub const DEFAULT_SAMPLING: f64 = 0.01;
/// The most a request may ask for (5%, as the product documents: "0 to .05"); more is lowered to it.
pub const MAX_SAMPLING: f64 = 0.05;

/// Which stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpyKind {
    /// Points of series that are not delta counters.
    Points,
    /// Points of delta counters (`∆` names).
    Deltas,
    Histograms,
    /// Spans (crest takes none yet: the stream shows its header and stays open).
    Spans,
    /// Names seen for the first time.
    Ids,
}

impl SpyKind {
    pub fn name(self) -> &'static str {
        match self {
            SpyKind::Points => "points",
            SpyKind::Deltas => "delta counters",
            SpyKind::Histograms => "histograms",
            SpyKind::Spans => "spans",
            SpyKind::Ids => "new ids",
        }
    }
}

/// What a new name is (`type=` of `/api/spy/ids`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdType {
    Metric,
    Span,
    Host,
    /// A point tag as one `key=value` string.
    String,
}

impl IdType {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_uppercase().as_str() {
            "METRIC" => Some(IdType::Metric),
            "SPAN" => Some(IdType::Span),
            "HOST" => Some(IdType::Host),
            "STRING" => Some(IdType::String),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            IdType::Metric => "METRIC",
            IdType::Span => "SPAN",
            IdType::Host => "HOST",
            IdType::String => "STRING",
        }
    }
}

/// One stream's request, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SpyRequest {
    pub kind: SpyKind,
    /// Case-sensitive prefix of the name (metric, counter, histogram, span, or new id).
    pub name_prefix: String,
    /// Case-sensitive prefix of the source.
    pub host_prefix: String,
    /// Tag keys an item must carry, every one.
    pub tag_keys: Vec<String>,
    /// For `Ids`: only this type.
    pub id_type: Option<IdType>,
    /// The share shown, after lowering to [`MAX_SAMPLING`].
    pub sampling: f64,
    /// The share asked for, when it was lowered.
    pub asked: Option<f64>,
    /// Whether the header names the number of ingesters (`# backends: 1`), as wftop asks.
    pub include_scaling_factor: bool,
}

impl SpyRequest {
    /// A request with no filter at the default share.
    pub fn new(kind: SpyKind) -> Self {
        Self {
            kind,
            name_prefix: String::new(),
            host_prefix: String::new(),
            tag_keys: Vec::new(),
            id_type: None,
            sampling: DEFAULT_SAMPLING,
            asked: None,
            include_scaling_factor: false,
        }
    }

    /// Sets the share from the `sampling` parameter: a number from 0 to 1; above
    /// [`MAX_SAMPLING`] it is lowered to it. `Err` names what is wrong.
    pub fn with_sampling(mut self, sampling: Option<&str>) -> Result<Self, String> {
        let Some(text) = sampling else {
            return Ok(self);
        };
        let asked: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("sampling must be a number from 0 to 1, not '{text}'"))?;
        if !(0.0..=1.0).contains(&asked) {
            return Err(format!(
                "sampling must be a number from 0 to 1, not {asked}"
            ));
        }
        self.sampling = asked.min(MAX_SAMPLING);
        self.asked = (asked > MAX_SAMPLING).then_some(asked);
        Ok(self)
    }

    /// Whether a series belongs to this stream's filters (the share aside).
    pub fn admits(&self, key: &SeriesKey) -> bool {
        let delta = key.is_delta();
        let kind_fits = match self.kind {
            SpyKind::Points => !delta,
            SpyKind::Deltas => delta,
            SpyKind::Histograms => true,
            SpyKind::Spans | SpyKind::Ids => false,
        };
        kind_fits
            && self.name_fits(&key.metric)
            && key.source.starts_with(&self.host_prefix)
            && self.tag_keys.iter().all(|k| key.tags.contains_key(k))
    }

    /// A counter may be asked for with or without its `∆`.
    fn name_fits(&self, metric: &str) -> bool {
        metric.starts_with(&self.name_prefix)
            || (self.kind == SpyKind::Deltas
                && metric
                    .strip_prefix(DELTA_PREFIX)
                    .is_some_and(|bare| bare.starts_with(&self.name_prefix)))
    }

    /// Whether a new name belongs to this (ids) stream.
    pub fn admits_id(&self, id_type: IdType, text: &str) -> bool {
        self.kind == SpyKind::Ids
            && self.id_type.is_none_or(|t| t == id_type)
            && text.starts_with(&self.name_prefix)
    }

    /// The lines that open the stream: what it shows, then a divider.
    pub fn header(&self) -> String {
        let mut text = format!("# crest ingestion spy: {}", self.kind.name());
        let mut filters = Vec::new();
        if let Some(t) = self.id_type {
            filters.push(format!("type {}", t.name()));
        }
        if !self.name_prefix.is_empty() {
            filters.push(format!("name starting with \"{}\"", self.name_prefix));
        }
        if !self.host_prefix.is_empty() {
            filters.push(format!("source starting with \"{}\"", self.host_prefix));
        }
        if !self.tag_keys.is_empty() {
            filters.push(format!("with tag keys {}", self.tag_keys.join(", ")));
        }
        if !filters.is_empty() {
            text.push_str("; ");
            text.push_str(&filters.join("; "));
        }
        text.push_str(&format!("; sampling {}", self.sampling));
        if let Some(asked) = self.asked {
            text.push_str(&format!(" (asked {asked}; at most {MAX_SAMPLING})"));
        }
        text.push('\n');
        if self.kind == SpyKind::Spans {
            text.push_str("# crest takes no spans yet: none will be shown\n");
        }
        if self.include_scaling_factor {
            // One process takes every point: what is shown is a sample of all of it.
            text.push_str("# backends: 1\n");
        }
        text.push_str("# ----------------------------------------\n");
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(metric: &str, source: &str) -> SeriesKey {
        SeriesKey::new(metric, source)
    }

    #[test]
    fn sampling_is_a_share_lowered_to_five_percent() {
        let r = SpyRequest::new(SpyKind::Points);
        assert_eq!(r.clone().with_sampling(None).map(|r| r.sampling), Ok(0.01));
        let low = r.clone().with_sampling(Some("0.02")).unwrap();
        assert_eq!((low.sampling, low.asked), (0.02, None));
        let high = r.clone().with_sampling(Some("1")).unwrap();
        assert_eq!((high.sampling, high.asked), (0.05, Some(1.0)));
        assert!(
            high.header()
                .contains("sampling 0.05 (asked 1; at most 0.05)")
        );
        for bad in ["-0.1", "1.5", "lots", "NaN"] {
            let e = r.clone().with_sampling(Some(bad)).unwrap_err();
            assert!(e.contains("sampling must be a number from 0 to 1"), "{e}");
        }
    }

    #[test]
    fn filters_are_case_sensitive_prefixes_and_required_tag_keys() {
        let mut r = SpyRequest::new(SpyKind::Points);
        r.name_prefix = "Cust".into();
        r.host_prefix = "web".into();
        r.tag_keys = vec!["env".into(), "dc".into()];
        let tagged = key("Customer.alerts", "web1")
            .with_tag("env", "prod")
            .with_tag("dc", "eu");
        assert!(r.admits(&tagged));
        assert!(
            !r.admits(
                &key("customer", "web1")
                    .with_tag("env", "p")
                    .with_tag("dc", "e")
            )
        );
        assert!(
            !r.admits(
                &key("Customer", "db1")
                    .with_tag("env", "p")
                    .with_tag("dc", "e")
            )
        );
        assert!(!r.admits(&key("Customer", "web1").with_tag("env", "p")));
    }

    #[test]
    fn points_and_deltas_are_told_apart() {
        let points = SpyRequest::new(SpyKind::Points);
        let mut deltas = SpyRequest::new(SpyKind::Deltas);
        let counter = key("\u{2206}orders", "h");
        assert!(!points.admits(&counter) && deltas.admits(&counter));
        assert!(points.admits(&key("orders", "h")) && !deltas.admits(&key("orders", "h")));
        deltas.name_prefix = "ord".into();
        assert!(deltas.admits(&counter));
    }

    #[test]
    fn ids_filter_by_type_and_prefix() {
        let mut r = SpyRequest::new(SpyKind::Ids);
        r.id_type = IdType::parse("host");
        r.name_prefix = "web".into();
        assert!(r.admits_id(IdType::Host, "web-7"));
        assert!(!r.admits_id(IdType::Metric, "web-7"));
        assert!(!r.admits_id(IdType::Host, "db-1"));
        assert_eq!(IdType::parse("nope"), None);
    }
}
