//! The data path as handlers reach it: the engine's three interfaces, and the registration of the
//! sources that report.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use crest_domain::Chain;
use crest_domain::clock::Clock;
use crest_domain::resource_store::ResourceStore;
use crest_domain::source::Sources;
use crest_series::{SeriesCatalog, SeriesReader, SeriesWriter};

/// The time-series engine behind the data endpoints, whichever it is.
#[derive(Debug, Clone)]
pub struct DataPath {
    pub writer: Arc<dyn SeriesWriter>,
    pub reader: Arc<dyn SeriesReader>,
    pub catalog: Arc<dyn SeriesCatalog>,
}

impl DataPath {
    /// One engine that implements all three interfaces.
    pub fn of<E>(engine: Arc<E>) -> Self
    where
        E: SeriesWriter + SeriesReader + SeriesCatalog + 'static,
    {
        Self {
            writer: engine.clone(),
            reader: engine.clone(),
            catalog: engine,
        }
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

    /// The sources among `sources` this process has not registered yet.
    pub fn unknown(&self, sources: &[String]) -> Vec<String> {
        let Ok(known) = self.known.lock() else {
            return sources.to_vec();
        };
        sources
            .iter()
            .filter(|s| !known.contains(s.as_str()))
            .cloned()
            .collect()
    }

    /// Registers each source that does not exist yet (as created by `by`); a failure is logged,
    /// and the source is tried again with its next point.
    pub async fn register(&self, by: &str, sources: &[String]) {
        let registry = Sources::new(self.resources.as_ref(), self.clock.as_ref());
        for source in sources {
            match registry.register_reporting(by, source).await {
                Ok(_) => self.remember(source),
                Err(e) => {
                    tracing::warn!(source, error = %Chain(&e), "cannot register a reporting source")
                }
            }
        }
    }

    fn remember(&self, source: &str) {
        if let Ok(mut known) = self.known.lock() {
            if known.len() >= REMEMBERED_SOURCES {
                known.clear();
            }
            known.insert(source.to_owned());
        }
    }
}
