//! Who watches, and what each is shown. The writer asks the hub to pick what to show from a batch
//! before the engine takes it ([`SpyHub::pick`]), and hands the picks over once the batch is
//! acknowledged ([`SpyHub::deliver`]): a watcher sees only acknowledged data. A watcher that
//! reads slower than data comes misses some (the spy is a sample); its memory is bounded.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use crest_series::{Batch, Filter, Pattern, SeriesCatalog, SeriesKey, Term, canonical_hash};
use tokio::sync::mpsc;

use crate::spy::request::{SpyKind, SpyRequest};
use crate::spy::sampler::Sampler;
use crate::spy::{IdType, line};

/// The most streams watched at once, over every kind.
pub const MAX_WATCHERS: usize = 16;
/// Chunks (one per batch) queued for a watcher before further ones are dropped.
const QUEUED_CHUNKS: usize = 8;
/// The most bytes of lines one batch adds to one watcher's chunk.
const CHUNK_BYTES: usize = 256 * 1024;
/// Names remembered as known before the memory starts afresh (and names are looked up again).
const KNOWN_NAMES: usize = 1_000_000;
/// The most names one batch looks up in the engine; the rest wait for a later batch.
const LOOKUPS_PER_BATCH: usize = 256;

/// Why a stream cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    #[error("at most {MAX_WATCHERS} spy streams may be open at once; try again later")]
    TooMany,
    #[error("the server is shutting down")]
    Closed,
}

#[derive(Debug)]
struct Watcher {
    id: u64,
    request: SpyRequest,
    sampler: Sampler,
    tx: mpsc::Sender<Bytes>,
}

#[derive(Debug, Default)]
struct Watchers {
    next_id: u64,
    list: Vec<Watcher>,
    closed: bool,
}

/// Names the engine is known to hold: hashes of `(type, name)` and of whole series keys.
#[derive(Debug, Default)]
struct Known {
    names: HashSet<u64>,
    series: HashSet<u64>,
}

impl Known {
    fn make_room(&mut self) {
        if self.names.len() + self.series.len() >= KNOWN_NAMES {
            self.names.clear();
            self.series.clear();
        }
    }
}

/// The lines picked from one batch, for the watchers that were there.
#[derive(Debug, Default)]
pub struct Picked {
    chunks: Vec<(u64, String)>,
    /// New names, to remember and to show once the batch is acknowledged.
    ids: Vec<(IdType, String)>,
    /// Series whose every name was found known or new.
    series: Vec<u64>,
    /// The share at which the new names were picked.
    ids_rate: f64,
}

/// Every open spy stream of this process.
#[derive(Debug)]
pub struct SpyHub {
    watchers: Mutex<Watchers>,
    /// Streams open (any kind): zero means appends pass straight through.
    open: AtomicUsize,
    catalog: Arc<dyn SeriesCatalog>,
    known: Mutex<Known>,
    /// Picks which unknown names are looked up, at the highest share an ids stream asks for
    /// (each stream then keeps its own share of those); its share is zero while no ids stream is
    /// open, and then appends look nothing up.
    id_sampler: Mutex<Sampler>,
}

/// One open stream: its first lines, then what the hub sends. Dropping it closes the stream.
#[derive(Debug)]
pub struct Watch {
    hub: Arc<SpyHub>,
    id: u64,
    pub header: String,
    rx: mpsc::Receiver<Bytes>,
}

impl Watch {
    /// The next chunk of lines; `None` once the hub closed.
    pub async fn next(&mut self) -> Option<Bytes> {
        self.rx.recv().await
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.hub.leave(self.id);
    }
}

impl SpyHub {
    /// New names are looked up in `catalog` (the engine's).
    pub fn new(catalog: Arc<dyn SeriesCatalog>) -> Self {
        Self {
            watchers: Mutex::new(Watchers::default()),
            open: AtomicUsize::new(0),
            catalog,
            known: Mutex::new(Known::default()),
            id_sampler: Mutex::new(Sampler::new(1, 0.0)),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Watchers> {
        // A panic while holding the lock leaves the list whole: keep using it.
        self.watchers.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_known(&self) -> MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_id_sampler(&self) -> MutexGuard<'_, Sampler> {
        self.id_sampler.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The highest share an ids stream asks for (zero when none is open).
    fn ids_rate(watchers: &Watchers) -> f64 {
        watchers
            .list
            .iter()
            .filter(|w| w.request.kind == SpyKind::Ids)
            .map(|w| w.request.sampling)
            .fold(0.0, f64::max)
    }

    /// Whether anyone watches.
    pub fn is_watched(&self) -> bool {
        self.open.load(Ordering::Acquire) > 0
    }

    /// Opens a stream; `seed` (from the server's randomness) decides its sample.
    pub fn watch(self: &Arc<Self>, request: SpyRequest, seed: u64) -> Result<Watch, WatchError> {
        let mut w = self.lock();
        if w.closed {
            return Err(WatchError::Closed);
        }
        if w.list.len() >= MAX_WATCHERS {
            return Err(WatchError::TooMany);
        }
        let (tx, rx) = mpsc::channel(QUEUED_CHUNKS);
        let id = w.next_id;
        w.next_id += 1;
        let ids = request.kind == SpyKind::Ids;
        let header = request.header();
        w.list.push(Watcher {
            id,
            sampler: Sampler::new(seed, request.sampling),
            request,
            tx,
        });
        self.open.fetch_add(1, Ordering::AcqRel);
        if ids {
            *self.lock_id_sampler() = Sampler::new(seed.rotate_left(32), Self::ids_rate(&w));
        }
        Ok(Watch {
            hub: self.clone(),
            id,
            header,
            rx,
        })
    }

    fn leave(&self, id: u64) {
        let mut w = self.lock();
        let Some(at) = w.list.iter().position(|x| x.id == id) else {
            // Gone already: the hub closed.
            return;
        };
        let left = w.list.remove(at);
        self.open.fetch_sub(1, Ordering::AcqRel);
        if left.request.kind == SpyKind::Ids {
            self.lock_id_sampler().set_rate(Self::ids_rate(&w));
        }
    }

    /// Ends every stream and refuses new ones (the server is stopping): dropping the senders ends
    /// the streams.
    pub fn close(&self) {
        let mut w = self.lock();
        w.closed = true;
        w.list.clear();
        self.open.store(0, Ordering::Release);
        self.lock_id_sampler().set_rate(0.0);
    }

    /// Picks what each watcher is shown of `batch`, before the engine takes it.
    pub async fn pick(&self, batch: &Batch) -> Picked {
        let mut picked = Picked::default();
        if !self.is_watched() {
            return picked;
        }
        let rate = self.lock_id_sampler().rate();
        if rate > 0.0 {
            let (ids, series) = self.new_names(batch).await;
            picked.ids = ids;
            picked.series = series;
            picked.ids_rate = rate;
        }
        let mut w = self.lock();
        let mut positions = Vec::new();
        let mut chunks: Vec<String> = w.list.iter().map(|_| String::new()).collect();
        for series in batch.series() {
            let mut key: Option<Option<SeriesKey>> = None;
            for (watcher, chunk) in w.list.iter_mut().zip(chunks.iter_mut()) {
                if !matches!(watcher.request.kind, SpyKind::Points | SpyKind::Deltas) {
                    continue;
                }
                positions.clear();
                watcher.sampler.take(series.samples.len(), &mut positions);
                if positions.is_empty() || chunk.len() >= CHUNK_BYTES {
                    continue;
                }
                let Some(k) = key.get_or_insert_with(|| series.key()) else {
                    continue;
                };
                if !watcher.request.admits(k) {
                    continue;
                }
                for sample in positions.iter().filter_map(|&i| series.samples.get(i)) {
                    line::point(chunk, k, sample);
                }
            }
        }
        for h in &batch.histograms {
            for (watcher, chunk) in w.list.iter_mut().zip(chunks.iter_mut()) {
                if watcher.request.kind == SpyKind::Histograms
                    && watcher.sampler.hit()
                    && chunk.len() < CHUNK_BYTES
                    && watcher.request.admits(&h.key)
                {
                    line::histogram(chunk, h);
                }
            }
        }
        picked.chunks = w
            .list
            .iter()
            .zip(chunks)
            .filter(|(_, chunk)| !chunk.is_empty())
            .map(|(watcher, chunk)| (watcher.id, chunk))
            .collect();
        picked
    }

    /// Hands what was picked to the watchers still there, once the batch is acknowledged.
    pub fn deliver(&self, picked: Picked) {
        let Picked {
            mut chunks,
            ids,
            series,
            ids_rate,
        } = picked;
        if !ids.is_empty() || !series.is_empty() {
            let mut known = self.lock_known();
            known.make_room();
            known
                .names
                .extend(ids.iter().map(|(t, n)| name_hash(*t, n)));
            known.series.extend(series);
        }
        let mut w = self.lock();
        if !ids.is_empty() {
            for watcher in w.list.iter_mut() {
                if watcher.request.kind != SpyKind::Ids {
                    continue;
                }
                // The names were picked at the highest share; each stream keeps its own of them.
                let keep = if ids_rate > 0.0 {
                    watcher.request.sampling / ids_rate
                } else {
                    0.0
                };
                let mut chunk = String::new();
                for (t, name) in &ids {
                    if watcher.request.admits_id(*t, name)
                        && watcher.sampler.chance(keep)
                        && chunk.len() < CHUNK_BYTES
                    {
                        line::id(&mut chunk, *t, name);
                    }
                }
                if !chunk.is_empty() {
                    chunks.push((watcher.id, chunk));
                }
            }
        }
        for (id, chunk) in chunks {
            if let Some(watcher) = w.list.iter().find(|x| x.id == id) {
                // A full queue drops this chunk: the watcher reads slower than data comes.
                let _ = watcher.tx.try_send(Bytes::from(chunk));
            }
        }
    }

    /// The names of `batch` the engine does not hold yet, and the series all of whose names are
    /// now accounted for. Looks up at most [`LOOKUPS_PER_BATCH`] names.
    async fn new_names(&self, batch: &Batch) -> (Vec<(IdType, String)>, Vec<u64>) {
        let mut wanted: Vec<(IdType, String)> = Vec::new();
        let mut decided: HashMap<u64, bool> = HashMap::new();
        let mut settled = Vec::new();
        {
            let known = self.lock_known();
            let mut sampler = self.lock_id_sampler();
            for series in batch.series() {
                if known.series.contains(&series.hash) {
                    continue;
                }
                let Some(key) = series.key() else { continue };
                let names = names_of(&key);
                let unknown: Vec<(IdType, String)> = names
                    .into_iter()
                    .filter(|(t, n)| !known.names.contains(&name_hash(*t, n)))
                    .collect();
                let mut all_in = true;
                for (t, n) in unknown {
                    let h = name_hash(t, &n);
                    // Only a sample of the unknown names is looked up (and, if new, shown): a name
                    // passed over now is held by the engine by its next appearance.
                    let looked_up = *decided.entry(h).or_insert_with(|| {
                        wanted.len() < LOOKUPS_PER_BATCH && sampler.hit() && {
                            wanted.push((t, n));
                            true
                        }
                    });
                    all_in &= looked_up;
                }
                if all_in {
                    settled.push(series.hash);
                }
            }
        }
        let mut new = Vec::new();
        let mut held = Vec::new();
        for (t, name) in wanted {
            match self.engine_holds(t, &name).await {
                Some(true) => held.push(name_hash(t, &name)),
                Some(false) => new.push((t, name)),
                // Not known either way: neither shown nor remembered; a later batch asks again.
                None => settled.clear(),
            }
        }
        if !held.is_empty() {
            let mut known = self.lock_known();
            known.make_room();
            known.names.extend(held);
        }
        (new, settled)
    }

    /// Whether the engine holds a name already; `None` when it cannot say.
    async fn engine_holds(&self, t: IdType, name: &str) -> Option<bool> {
        match t {
            IdType::Metric => self
                .catalog
                .metrics(name, 1)
                .await
                .ok()
                .map(|found| found.first().is_some_and(|m| m == name)),
            IdType::Host => self
                .catalog
                .series(
                    &Filter::Term(Term::Source(Pattern::Exact(name.to_owned()))),
                    1,
                )
                .await
                .ok()
                .map(|found| !found.is_empty()),
            IdType::String => {
                let (k, v) = name.split_once('=')?;
                self.catalog
                    .series(
                        &Filter::Term(Term::Tag {
                            key: k.to_owned(),
                            value: Pattern::Exact(v.to_owned()),
                        }),
                        1,
                    )
                    .await
                    .ok()
                    .map(|found| !found.is_empty())
            }
            IdType::Span => Some(true),
        }
    }
}

/// The names a series carries: its metric, its source, each tag as `key=value`.
fn names_of(key: &SeriesKey) -> Vec<(IdType, String)> {
    let mut names = Vec::with_capacity(2 + key.tags.len());
    names.push((IdType::Metric, key.metric.clone()));
    names.push((IdType::Host, key.source.clone()));
    names.extend(
        key.tags
            .iter()
            .map(|(k, v)| (IdType::String, format!("{k}={v}"))),
    );
    names
}

fn name_hash(t: IdType, name: &str) -> u64 {
    let mut bytes = Vec::with_capacity(name.len() + 1);
    bytes.push(t as u8);
    bytes.extend_from_slice(name.as_bytes());
    canonical_hash(&bytes)
}
