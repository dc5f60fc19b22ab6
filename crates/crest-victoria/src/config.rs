//! Where VictoriaMetrics is and how the adapter treats what it cannot keep exactly.

use std::sync::Arc;

/// Where to send writes and reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoints {
    /// One `victoria-metrics` process, e.g. `http://127.0.0.1:8428` (`CREST_VICTORIA_URL`).
    Single { url: String },
    /// A cluster: vminsert (`CREST_VICTORIA_INSERT_URL`, e.g. `http://vminsert:8480`), vmselect
    /// (`CREST_VICTORIA_SELECT_URL`, e.g. `http://vmselect:8481`) and the tenant
    /// (`accountID[:projectID]`). Writes go to `/insert/<tenant>/prometheus/…`, reads to
    /// `/select/<tenant>/prometheus/…`, deletes to `/delete/<tenant>/prometheus/…`. `storage`
    /// lists the vmstorage nodes (`:8482`) for `/internal/force_flush`, which vminsert and vmselect
    /// do not serve; it may be empty.
    Cluster {
        insert_url: String,
        select_url: String,
        tenant: String,
        storage: Vec<String>,
    },
}

impl Endpoints {
    fn trim(url: &str) -> &str {
        url.trim_end_matches('/')
    }

    /// The prefix of write paths (`/api/v1/import` follows).
    pub(crate) fn insert_base(&self) -> String {
        match self {
            Endpoints::Single { url } => Self::trim(url).to_owned(),
            Endpoints::Cluster {
                insert_url, tenant, ..
            } => format!("{}/insert/{tenant}/prometheus", Self::trim(insert_url)),
        }
    }

    /// The prefix of read paths (`/api/v1/export` and the others follow).
    pub(crate) fn select_base(&self) -> String {
        match self {
            Endpoints::Single { url } => Self::trim(url).to_owned(),
            Endpoints::Cluster {
                select_url, tenant, ..
            } => format!("{}/select/{tenant}/prometheus", Self::trim(select_url)),
        }
    }

    /// The prefix of the delete path.
    pub(crate) fn delete_base(&self) -> String {
        match self {
            Endpoints::Single { url } => Self::trim(url).to_owned(),
            Endpoints::Cluster {
                select_url, tenant, ..
            } => format!("{}/delete/{tenant}/prometheus", Self::trim(select_url)),
        }
    }

    /// Where `/internal/force_flush` is served.
    pub(crate) fn flush_bases(&self) -> Vec<String> {
        match self {
            Endpoints::Single { url } => vec![Self::trim(url).to_owned()],
            Endpoints::Cluster { storage, .. } => {
                storage.iter().map(|s| Self::trim(s).to_owned()).collect()
            }
        }
    }

    /// From crest's settings: `CREST_VICTORIA_URL` alone, or the insert and select URLs with a
    /// tenant (`0` when none is given). `None` when neither is set; an error when only half of a
    /// cluster is.
    pub fn from_settings(
        url: Option<&str>,
        insert_url: Option<&str>,
        select_url: Option<&str>,
        tenant: Option<&str>,
    ) -> Result<Option<Self>, String> {
        match (url, insert_url, select_url) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(
                "set either CREST_VICTORIA_URL or CREST_VICTORIA_INSERT_URL and CREST_VICTORIA_SELECT_URL, not both"
                    .to_owned(),
            ),
            (Some(url), None, None) => Ok(Some(Endpoints::Single {
                url: url.to_owned(),
            })),
            (None, Some(i), Some(s)) => {
                let tenant = tenant.unwrap_or("0");
                let valid = tenant.split(':').count() <= 2
                    && tenant
                        .split(':')
                        .all(|p| !p.is_empty() && p.parse::<u32>().is_ok());
                if !valid {
                    return Err(format!(
                        "the VictoriaMetrics tenant must be accountID[:projectID] (unsigned 32-bit numbers), not {tenant:?}"
                    ));
                }
                Ok(Some(Endpoints::Cluster {
                    insert_url: i.to_owned(),
                    select_url: s.to_owned(),
                    tenant: tenant.to_owned(),
                    storage: Vec::new(),
                }))
            }
            (None, Some(_), None) | (None, None, Some(_)) => Err(
                "a VictoriaMetrics cluster needs both CREST_VICTORIA_INSERT_URL and CREST_VICTORIA_SELECT_URL"
                    .to_owned(),
            ),
            (None, None, None) => Ok(None),
        }
    }
}

/// What to do with a value VictoriaMetrics would round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Write it and count it ([`crate::VictoriaEngine::precision`]).
    #[default]
    Report,
    /// Refuse the batch, naming the value.
    Refuse,
}

/// The clock the adapter validates timestamps against (epoch ms).
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// Everything the adapter needs.
#[derive(Clone)]
pub struct VictoriaConfig {
    pub endpoints: Endpoints,
    /// VictoriaMetrics' `-retentionPeriod` in ms: older points would be dropped on import, so they
    /// are refused. Default: 31 days (VictoriaMetrics' default of one month).
    pub retention_ms: i64,
    pub precision: Precision,
    /// Calls `/internal/force_flush` after every append, so that a read right after an
    /// acknowledgement sees it (tests; it makes data visible, not durable).
    pub flush_after_write: bool,
    /// Subtracted from every timestamp written and added back to every timestamp read. Zero in
    /// production; tests move fixed future dates (the shared suite writes in 2027) into the past
    /// VictoriaMetrics accepts.
    pub time_shift_ms: i64,
    pub clock: Clock,
    /// How long one HTTP request may take.
    pub timeout: std::time::Duration,
}

impl std::fmt::Debug for VictoriaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VictoriaConfig")
            .field("endpoints", &self.endpoints)
            .field("retention_ms", &self.retention_ms)
            .field("precision", &self.precision)
            .field("flush_after_write", &self.flush_after_write)
            .field("time_shift_ms", &self.time_shift_ms)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl VictoriaConfig {
    pub fn new(endpoints: Endpoints, clock: Clock) -> Self {
        Self {
            endpoints,
            retention_ms: 31 * 86_400_000,
            precision: Precision::Report,
            flush_after_write: false,
            time_shift_ms: 0,
            clock,
            timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// What the adapter needs to know of how VictoriaMetrics runs, read from its `/flags`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerFlags {
    /// `-retentionPeriod` in ms (default: one month of 31 days).
    pub retention_ms: i64,
    /// `-dedup.minScrapeInterval` in ms (default 0: off).
    pub dedup_ms: i64,
}

const DAY_MS: i64 = 86_400_000;

/// A Go duration of one unit (`1ms`, `2s`, `5m`, `1h`, `0`, `0s`) in ms.
fn duration_ms(text: &str) -> Option<i64> {
    if text == "0" {
        return Some(0);
    }
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let scale = match unit {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    n.checked_mul(scale)
}

/// A `-retentionPeriod` (a number of months, or with `h`, `d`, `w`, `y`) in ms.
fn retention_ms(text: &str) -> Option<i64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: i64 = number.parse().ok()?;
    let scale = match unit {
        "" => 31 * DAY_MS,
        "h" => 3_600_000,
        "d" => DAY_MS,
        "w" => 7 * DAY_MS,
        "y" => 365 * DAY_MS,
        _ => return None,
    };
    n.checked_mul(scale)
}

impl ServerFlags {
    /// Reads the text `/flags` answers (`-name="value"` lines); flags not listed keep their
    /// defaults. An error names a value it cannot read.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut flags = ServerFlags {
            retention_ms: 31 * DAY_MS,
            dedup_ms: 0,
        };
        for line in text.lines() {
            let Some((name, value)) = line.trim().split_once('=') else {
                continue;
            };
            let value = value.trim_matches('"');
            match name {
                "-retentionPeriod" => {
                    flags.retention_ms = retention_ms(value)
                        .ok_or_else(|| format!("cannot read -retentionPeriod={value:?}"))?;
                }
                "-dedup.minScrapeInterval" => {
                    flags.dedup_ms = duration_ms(value)
                        .ok_or_else(|| format!("cannot read -dedup.minScrapeInterval={value:?}"))?;
                }
                _ => {}
            }
        }
        Ok(flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_paths_carry_the_tenant() {
        let e = Endpoints::from_settings(
            None,
            Some("http://i:8480/"),
            Some("http://s:8481"),
            Some("7:3"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.insert_base(), "http://i:8480/insert/7:3/prometheus");
        assert_eq!(e.select_base(), "http://s:8481/select/7:3/prometheus");
        assert_eq!(e.delete_base(), "http://s:8481/delete/7:3/prometheus");
        let single = Endpoints::from_settings(Some("http://v:8428/"), None, None, None)
            .unwrap()
            .unwrap();
        assert_eq!(single.insert_base(), "http://v:8428");
        assert_eq!(single.flush_bases(), vec!["http://v:8428".to_owned()]);
    }

    #[test]
    fn flags_are_read_with_their_defaults() {
        let f = ServerFlags::parse(
            "-dedup.minScrapeInterval=\"1ms\"\n-httpListenAddr=\":8428\"\n-retentionPeriod=\"100y\"\n",
        )
        .unwrap();
        assert_eq!(
            f,
            ServerFlags {
                retention_ms: 100 * 365 * DAY_MS,
                dedup_ms: 1
            }
        );
        let d = ServerFlags::parse("").unwrap();
        assert_eq!(
            d,
            ServerFlags {
                retention_ms: 31 * DAY_MS,
                dedup_ms: 0
            }
        );
        assert_eq!(
            ServerFlags::parse("-retentionPeriod=\"3\"")
                .unwrap()
                .retention_ms,
            93 * DAY_MS
        );
        assert_eq!(
            ServerFlags::parse("-retentionPeriod=\"2w\"")
                .unwrap()
                .retention_ms,
            14 * DAY_MS
        );
        assert!(ServerFlags::parse("-retentionPeriod=\"1.5y\"").is_err());
        assert!(ServerFlags::parse("-dedup.minScrapeInterval=\"1m30s\"").is_err());
    }

    #[test]
    fn half_a_cluster_or_a_bad_tenant_is_refused() {
        assert!(Endpoints::from_settings(None, Some("http://i"), None, None).is_err());
        assert!(Endpoints::from_settings(Some("http://v"), Some("http://i"), None, None).is_err());
        assert!(
            Endpoints::from_settings(None, Some("http://i"), Some("http://s"), Some("x")).is_err()
        );
        assert!(
            Endpoints::from_settings(None, Some("http://i"), Some("http://s"), Some("1:2:3"))
                .is_err()
        );
        assert_eq!(Endpoints::from_settings(None, None, None, None), Ok(None));
    }
}
