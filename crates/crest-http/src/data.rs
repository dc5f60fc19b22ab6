//! The data path as handlers reach it: the engine's three interfaces, and the registration of the
//! sources that report.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crest_domain::clock::Clock;
use crest_domain::resource_store::ResourceStore;
use crest_domain::source::Sources;
use crest_domain::source::{SourceCondition, SourceField, SourceQuery, TextMatch, fold};
use crest_domain::{Chain, DomainError};
use crest_query::{QueryError, QueryLimits, SourceTags};
use crest_series::{Pattern, SeriesCatalog, SeriesReader, SeriesWriter};

use crate::ingest_gate::IngestGate;
use crate::spy::{SpyHub, SpyingWriter};

/// The time-series engine behind the data endpoints, whichever it is.
#[derive(Debug, Clone)]
pub struct DataPath {
    /// The engine's writer behind the ingestion spy.
    pub writer: Arc<dyn SeriesWriter>,
    pub reader: Arc<dyn SeriesReader>,
    pub catalog: Arc<dyn SeriesCatalog>,
    /// What one chart query may do.
    pub query: QuerySettings,
    /// The open `/api/spy` streams, which see what `writer` acknowledges.
    pub spy: Arc<SpyHub>,
    /// How many bodies of lines are taken at once, and how long one waits for its turn.
    pub gate: IngestGate,
}

impl DataPath {
    /// One engine that implements all three interfaces.
    pub fn of<E>(engine: Arc<E>) -> Self
    where
        E: SeriesWriter + SeriesReader + SeriesCatalog + 'static,
    {
        let spy = Arc::new(SpyHub::new(engine.clone()));
        Self {
            writer: Arc::new(SpyingWriter::new(engine.clone(), spy.clone())),
            reader: engine.clone(),
            catalog: engine,
            query: QuerySettings::default(),
            spy,
            gate: IngestGate::default(),
        }
    }

    pub fn with_query_settings(mut self, query: QuerySettings) -> Self {
        self.query = query;
        self
    }

    pub fn with_ingest_gate(mut self, gate: IngestGate) -> Self {
        self.gate = gate;
        self
    }
}

/// How many reporting sources are remembered as registered before the memory is started afresh
/// (a source forgotten is only looked up in the store again).
const REMEMBERED_SOURCES: usize = 100_000;

/// Makes every source that reports a Source of the Source API, through [`Sources`], the one
/// place that creates them. Sources already registered by this process are remembered, so that a
/// steady stream of points costs no store call; a source deleted through the API while
/// remembered comes back when this process next starts afresh (or fills its memory).
#[derive(Debug)]
pub struct SourceRegistrar {
    resources: Arc<dyn ResourceStore>,
    clock: Arc<dyn Clock>,
    known: Mutex<HashSet<String>>,
}

impl SourceRegistrar {
    pub fn new(resources: Arc<dyn ResourceStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            resources,
            clock,
            known: Mutex::new(HashSet::new()),
        }
    }

    /// Claims the sources among `sources` that this process has neither registered nor is
    /// registering: the caller registers exactly those (so that concurrent requests naming the
    /// same new source register it once).
    pub fn claim(&self, sources: &[String]) -> Vec<String> {
        let Ok(mut known) = self.known.lock() else {
            return sources.to_vec();
        };
        let mut claimed = Vec::new();
        for source in sources {
            if !known.contains(source.as_str()) {
                if known.len() >= REMEMBERED_SOURCES {
                    known.clear();
                }
                known.insert(source.clone());
                claimed.push(source.clone());
            }
        }
        claimed
    }

    /// Registers each claimed source that does not exist yet (as created by `by`). A failure is
    /// logged once per call and its sources are released, to be tried again with their next
    /// points.
    pub async fn register(&self, by: &str, sources: &[String]) {
        let registry = Sources::new(self.resources.as_ref(), self.clock.as_ref());
        let mut failed = 0usize;
        let mut first_error = None;
        for source in sources {
            match registry.register_reporting(by, source).await {
                Ok(_) => {}
                // A name the Source API refuses stays refused: not tried again.
                Err(DomainError::Invalid(reason)) => {
                    tracing::debug!(source, reason, "a reporting source cannot be a Source");
                }
                Err(e) => {
                    failed += 1;
                    self.forget(source);
                    first_error.get_or_insert(e);
                }
            }
        }
        if let Some(e) = first_error {
            tracing::warn!(failed, error = %Chain(&e), "cannot register reporting sources; they are tried again with their next points");
        }
    }

    fn forget(&self, source: &str) {
        if let Ok(mut known) = self.known.lock() {
            known.remove(source);
        }
    }
}

/// How much one chart query may do (`CREST_QUERY_MAX_SERIES`, `CREST_QUERY_MAX_POINTS`,
/// `CREST_QUERY_TIMEOUT_SECONDS`), and when a series is obsolete
/// (`CREST_QUERY_OBSOLETE_AFTER_DAYS`).
#[derive(Debug, Clone, Copy)]
pub struct QuerySettings {
    pub limits: QueryLimits,
    /// The time budget; past it the query stops with `Timeout`.
    pub timeout: Duration,
    /// A series without a point for this long is obsolete: left out of queries unless they ask
    /// for `includeObsoleteMetrics=true`.
    pub obsolete_after: Duration,
}

impl QuerySettings {
    pub fn new(max_series: usize, max_points: usize, timeout: Duration) -> Self {
        Self {
            limits: QueryLimits {
                max_series,
                max_points,
            },
            timeout,
            obsolete_after: default_obsolete_after(),
        }
    }

    pub fn with_obsolete_after(self, obsolete_after: Duration) -> Self {
        Self {
            obsolete_after,
            ..self
        }
    }
}

fn default_obsolete_after() -> Duration {
    Duration::from_secs(crest_query::DEFAULT_OBSOLETE_AFTER.unsigned_abs())
}

impl Default for QuerySettings {
    fn default() -> Self {
        Self {
            limits: QueryLimits {
                max_series: 100_000,
                max_points: 50_000_000,
            },
            timeout: Duration::from_secs(60),
            obsolete_after: default_obsolete_after(),
        }
    }
}

/// The most sources one `tag=` filter may stand for.
const MAX_TAGGED_SOURCES: usize = 100_000;
/// Sources read from the store per statement while resolving a `tag=` filter.
const TAGGED_SOURCES_PAGE: u32 = 1_000;

/// Resolves the query language's `tag=` (source tag) filters to the sources carrying a matching
/// tag, through the Source store (tags compare without regard to case, as the Source API's do).
#[derive(Debug)]
pub struct TaggedSources {
    resources: Arc<dyn ResourceStore>,
    clock: Arc<dyn Clock>,
}

impl TaggedSources {
    pub fn new(resources: Arc<dyn ResourceStore>, clock: Arc<dyn Clock>) -> Self {
        Self { resources, clock }
    }
}

#[async_trait::async_trait]
impl SourceTags for TaggedSources {
    async fn sources_tagged(&self, tag: &Pattern) -> Result<Vec<String>, QueryError> {
        let registry = Sources::new(self.resources.as_ref(), self.clock.as_ref());
        let folded = match tag {
            Pattern::Exact(t) => Pattern::Exact(fold(t)),
            Pattern::Glob(g) => Pattern::Glob(fold(g)),
            other => other.clone(),
        };
        let mut query = SourceQuery {
            conditions: vec![SourceCondition::Text {
                field: SourceField::Tag,
                matching: TextMatch::StartsWith,
                values: vec![fold(folded.literal_prefix())],
                negated: false,
            }],
            after: None,
            limit: TAGGED_SOURCES_PAGE,
            ascending: true,
        };
        let mut out = Vec::new();
        loop {
            let page = registry
                .page(&query)
                .await
                .map_err(|e| QueryError::Execution(format!("source tags cannot be read: {e}")))?;
            query.after = page.items.last().map(|s| s.id.clone());
            out.extend(
                page.items
                    .into_iter()
                    .filter(|s| s.tags.iter().any(|t| folded.matches(&fold(t))))
                    .map(|s| s.id),
            );
            if out.len() > MAX_TAGGED_SOURCES {
                return Err(QueryError::Limit(format!(
                    "a tag= filter matches more than {MAX_TAGGED_SOURCES} sources"
                )));
            }
            if !page.more || query.after.is_none() {
                return Ok(out);
            }
        }
    }
}
