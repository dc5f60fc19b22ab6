//! Turning a [`Batch`] into `/api/v1/import` JSON lines, after checking that VictoriaMetrics will
//! keep everything in it (it answers 204 while dropping a line with a `null` value, a timestamp
//! outside its window, labels beyond 30, empty labels; it truncates long names and values:
//! §1.1 and §8 of the reference). Also the precision check (§2) and the numbering of points that
//! share a series and a millisecond.
//!
//! Decisions where the reference is silent: a batch is checked whole before anything is sent, and
//! refused whole; negative zero counts as rounded (VictoriaMetrics reads it back as `0`); the
//! numbering of same-millisecond points is kept for at most [`DUP_MEMORY`] (series, millisecond)
//! pairs and forgotten whole beyond that (see the crate's documentation for what that means).

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};

use crest_series::{Batch, Granularity, SeriesKey};

use crate::error::VictoriaError;

/// The most samples one import line carries (VictoriaMetrics holds a whole line in memory).
pub const MAX_LINE_SAMPLES: usize = 10_000;
/// The most samples one import request carries.
pub const MAX_REQUEST_SAMPLES: usize = 32_768;
/// The most series the adapter remembers (see [`Memory`]); beyond, it forgets them all.
pub const DUP_MEMORY: usize = 1 << 22;

/// VictoriaMetrics' `-maxLabelsPerTimeseries` default (extra labels are dropped silently).
pub const MAX_LABELS: usize = 30;
/// Longer label names are truncated silently.
pub const MAX_LABEL_NAME_BYTES: usize = 256;
/// Longer label values (`-maxLabelValueLen`) are truncated silently.
pub const MAX_LABEL_VALUE_BYTES: usize = 16 * 1024;
/// VictoriaMetrics drops samples more than two days ahead of its clock; a margin for clock skew.
const FUTURE_MS: i64 = 2 * 86_400_000 - 600_000;
/// A margin on the retention edge (VictoriaMetrics' clock may be ahead of ours).
const PAST_MARGIN_MS: i64 = 3_600_000;

/// The adapter's own labels.
pub(crate) const DUP_LABEL: &str = "_crest_dup";
pub(crate) const HIST_LABEL: &str = "_crest_hist";
pub(crate) const PART_LABEL: &str = "_crest_part";
const RESERVED_PREFIX: &str = "_crest_";

/// Values VictoriaMetrics would not read back as written, found in one batch.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PrecisionFindings {
    /// Values with more than 12 significant digits (or negative zero), which are rounded.
    pub rounded: u64,
    /// Values that lose digits to a larger neighbour of their series in the batch (one exponent per
    /// block, issue #9448).
    pub mixed: u64,
    /// One of them, for the message.
    pub example: Option<f64>,
}

/// A finite value's shortest decimal form: (significant digits, exponent of the first, exponent
/// of the last); `None` for zero.
fn decimal(v: f64) -> Option<(i32, i32, i32)> {
    if v == 0.0 {
        return None;
    }
    // Whole numbers below 10^15 (counters, most gauges) without formatting: the digits between
    // the first and the last non-zero one.
    let magnitude = v.abs();
    if let Some(n) = whole_below_1e15(magnitude) {
        return digits_form(n, 0);
    }
    // A few decimal places (gauges in tenths or hundredths) without formatting either: a whole
    // n below 10^15 with n / 10^k reading back as the value is the value's shortest form, as no
    // two decimals of at most 15 digits round to one double.
    for (places, scale) in [(1i32, 10.0f64), (2, 100.0), (3, 1000.0)] {
        let scaled = (magnitude * scale).round();
        if scaled < 1e15 && scaled / scale == magnitude {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let form = digits_form(scaled as u64, -places);
            if form.is_some() {
                return form;
            }
        }
    }
    formatted(v)
}

/// A non-negative value as an integer when it is a whole number below 10^15 (a truncating cast
/// and back, cheaper than `fract`'s call).
#[inline]
fn whole_below_1e15(magnitude: f64) -> Option<u64> {
    if !(0.0..1e15).contains(&magnitude) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = magnitude as u64;
    #[allow(clippy::cast_precision_loss)] // below 10^15 < 2^53: exact
    let back = n as f64;
    (back == magnitude).then_some(n)
}

/// The form of `n` × 10^`last`: the digits between `n`'s first and last non-zero one (its trailing
/// zeros moved into the exponent); `None` for zero.
fn digits_form(mut n: u64, mut last: i32) -> Option<(i32, i32, i32)> {
    if n == 0 {
        return None;
    }
    while n.is_multiple_of(10) {
        n /= 10;
        last += 1;
    }
    let digits = i32::try_from(n.ilog10()).ok()? + 1;
    Some((digits, last + digits - 1, last))
}

/// [`decimal`] read off the value's shortest round-trip form (zmij's, without allocating: this
/// runs for every value that is not a whole number). The form may be fixed (`0.00123`) or
/// scientific (`1.23e-7`, `5e+20`); either way, the digits between its first and last non-zero
/// one are the significant digits.
fn formatted(v: f64) -> Option<(i32, i32, i32)> {
    if v == 0.0 || !v.is_finite() {
        return None;
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(v.abs());
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let point = i32::try_from(mantissa.find('.').unwrap_or(mantissa.len())).ok()?;
    let digits = mantissa.bytes().filter(u8::is_ascii_digit);
    let (mut first, mut last) = (None, 0i32);
    for (i, d) in (0i32..).zip(digits) {
        if d != b'0' {
            first.get_or_insert(i);
            last = i;
        }
    }
    let first = first?;
    // The digit at index i (the point not counted) stands for 10^(exponent + point - 1 - i).
    let top = exponent + point - 1;
    Some((last - first + 1, top - first, top - last))
}

/// The most significant digits VictoriaMetrics keeps of a value (`conversionPrecision`).
pub const KEPT_DIGITS: i32 = 12;
/// The widest span of decimal places one block keeps (its mantissas are 64-bit integers).
pub const BLOCK_SPAN: i32 = 17;

/// Which of one series' `values` VictoriaMetrics would not keep exactly.
pub fn precision(values: impl Iterator<Item = f64>) -> PrecisionFindings {
    precision_with(values, &mut Vec::new())
}

/// [`precision`] with a scratch buffer that the caller keeps between series.
fn precision_with(
    values: impl Iterator<Item = f64>,
    forms: &mut Vec<(f64, (i32, i32, i32))>,
) -> PrecisionFindings {
    let mut found = PrecisionFindings::default();
    let mut top = i32::MIN;
    forms.clear();
    for v in values {
        if v == 0.0 && v.is_sign_negative() {
            found.rounded += 1;
            found.example.get_or_insert(v);
        }
        if let Some(form @ (digits, first, _)) = decimal(v) {
            top = top.max(first);
            if digits > KEPT_DIGITS {
                found.rounded += 1;
                found.example.get_or_insert(v);
            }
            forms.push((v, form));
        }
    }
    for &(v, (digits, _, last)) in forms.iter() {
        // Digits kept: at most KEPT_DIGITS, and none below the block's span from its top.
        let last = last.max(last + digits - KEPT_DIGITS);
        if top.saturating_sub(last) > BLOCK_SPAN {
            found.mixed += 1;
            found.example.get_or_insert(v);
        }
    }
    found
}

fn check_label(name: &str, value: &str, what: &str) -> Result<(), VictoriaError> {
    if name.len() > MAX_LABEL_NAME_BYTES {
        return Err(VictoriaError::Refused(format!(
            "{what} {name:?} is longer than {MAX_LABEL_NAME_BYTES} bytes"
        )));
    }
    if value.len() > MAX_LABEL_VALUE_BYTES {
        return Err(VictoriaError::Refused(format!(
            "the value of {what} {name:?} is longer than {MAX_LABEL_VALUE_BYTES} bytes"
        )));
    }
    Ok(())
}

/// A series key read in place from its canonical bytes (see [`SeriesKey::canonical`]).
#[derive(Debug)]
struct KeyView<'a> {
    metric: &'a str,
    source: &'a str,
    tags: Vec<(&'a str, &'a str)>,
}

impl<'a> KeyView<'a> {
    /// `None` when the bytes are not a canonical key (as [`SeriesKey::from_canonical`] says).
    fn parse(canonical: &'a [u8]) -> Option<Self> {
        let (metric, source, mut parts) = split_key(canonical)?;
        let mut tags: Vec<(&str, &str)> = Vec::new();
        while let Some(k) = parts.next() {
            let v = parts.next()?;
            if tags.iter().any(|(seen, _)| *seen == k) {
                return None;
            }
            tags.push((k, v));
        }
        Some(Self {
            metric,
            source,
            tags,
        })
    }

    fn of(key: &'a SeriesKey) -> Self {
        Self {
            metric: &key.metric,
            source: &key.source,
            tags: key
                .tags
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }

    /// Checks the key as VictoriaMetrics would keep it, with `internal` labels of the adapter's
    /// own besides.
    fn check(&self, internal: usize) -> Result<(), VictoriaError> {
        check_parts(
            self.metric,
            self.source,
            self.tags.iter().copied(),
            internal,
        )
    }

    /// The labels as a JSON object, with a duplicate number when it is not 0.
    fn write_json(&self, dup: u32, out: &mut Vec<u8>) -> Result<(), VictoriaError> {
        out.extend_from_slice(b"{\"__name__\":");
        json_str(self.metric, out)?;
        if !self.source.is_empty() {
            out.extend_from_slice(b",\"source\":");
            json_str(self.source, out)?;
        }
        for (k, v) in &self.tags {
            out.push(b',');
            json_str(k, out)?;
            out.push(b':');
            json_str(v, out)?;
        }
        if dup > 0 {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(DUP_LABEL.as_bytes());
            out.extend_from_slice(b"\":\"");
            out.extend_from_slice(dup.to_string().as_bytes());
            out.push(b'"');
        }
        out.push(b'}');
        Ok(())
    }
}

/// A key's parts checked as VictoriaMetrics would keep them, with `internal` labels of the
/// adapter's own besides.
fn check_parts<'t>(
    metric: &str,
    source: &str,
    tags: impl Iterator<Item = (&'t str, &'t str)>,
    internal: usize,
) -> Result<(), VictoriaError> {
    if metric.is_empty() {
        return Err(VictoriaError::Refused("a metric name is empty".into()));
    }
    check_label("__name__", metric, "the metric name")?;
    let mut count = 1;
    if !source.is_empty() {
        check_label("source", source, "the source")?;
        count += 1;
    }
    for (k, v) in tags {
        if k.is_empty() || k == "source" || k == "__name__" || k.starts_with(RESERVED_PREFIX) {
            return Err(VictoriaError::Refused(format!(
                "the point tag name {k:?} is reserved (source, __name__, _crest_*) or empty"
            )));
        }
        if v.is_empty() {
            return Err(VictoriaError::Refused(format!(
                "the point tag {k:?} of {metric} has an empty value, which VictoriaMetrics drops"
            )));
        }
        check_label(k, v, "the point tag")?;
        count += 1;
    }
    if count + internal > MAX_LABELS {
        return Err(VictoriaError::Refused(format!(
            "{metric} has {} labels with the adapter's own, more than VictoriaMetrics' {MAX_LABELS}",
            count + internal
        )));
    }
    Ok(())
}

/// The metric of the key in `canonical`, checked as [`checked_key`] checks it but without building
/// a [`KeyView`] (the check before logging looks at every series of every batch): a key whose
/// tags are in strictly increasing order, as [`SeriesKey`] writes them, is read in place; any
/// other goes through [`checked_key`].
fn checked_metric(canonical: &[u8]) -> Result<&str, VictoriaError> {
    match in_order(canonical) {
        Some((metric, source, tags)) => {
            check_parts(metric, source, pairs(tags), 1).map(|()| metric)
        }
        None => checked_key(canonical).map(|key| key.metric),
    }
}

/// A canonical key's metric, source and tag pairs (still joined by NULs; `None` for no tags)
/// when its tags are whole pairs in strictly increasing order of name; `None` for anything else.
fn in_order(canonical: &[u8]) -> Option<(&str, &str, Option<&str>)> {
    let (metric, source, mut all) = split_key(canonical)?;
    let tags = all.rest;
    let mut previous: Option<&str> = None;
    while let Some(name) = all.next() {
        all.next()?;
        if previous.is_some_and(|p| !before(p, name)) {
            return None;
        }
        previous = Some(name);
    }
    Some((metric, source, tags))
}

/// A canonical key's metric and source, and its tag parts still to read; `None` when the bytes are
/// not UTF-8 ending in a NUL with a metric and a source.
fn split_key(canonical: &[u8]) -> Option<(&str, &str, Parts<'_>)> {
    let body = std::str::from_utf8(canonical).ok()?.strip_suffix('\0')?;
    let mut all = parts(Some(body));
    let metric = all.next()?;
    let source = all.next()?;
    Some((metric, source, all))
}

/// Whether tag name `a` sorts before `b`, most often known from their first bytes.
fn before(a: &str, b: &str) -> bool {
    match (a.as_bytes().first(), b.as_bytes().first()) {
        (Some(x), Some(y)) if x != y => x < y,
        _ => a < b,
    }
}

/// The parts of NUL-joined text (`None`: no parts at all), each found by a plain scan (keys are
/// short: a call to memchr per part costs more). A NUL is one byte of UTF-8, so every cut is at a
/// character boundary.
#[derive(Debug, Clone)]
struct Parts<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let text = self.rest?;
        match text.bytes().position(|b| b == 0) {
            Some(at) => {
                self.rest = text.get(at + 1..);
                text.get(..at)
            }
            None => self.rest.take(),
        }
    }
}

fn parts(text: Option<&str>) -> Parts<'_> {
    Parts { rest: text }
}

/// The (name, value) pairs of tags joined by NULs (see [`in_order`]).
fn pairs(tags: Option<&str>) -> impl Iterator<Item = (&str, &str)> {
    let mut parts = parts(tags);
    std::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
}

fn json_str(s: &str, out: &mut Vec<u8>) -> Result<(), VictoriaError> {
    serde_json::to_writer(out, s).map_err(cannot_write)
}

fn cannot_write(e: serde_json::Error) -> VictoriaError {
    VictoriaError::Refused(format!("a line cannot be written: {e}"))
}

/// Checks a series' key and answers its labels (without the adapter's own). `internal` is how many
/// labels of its own the adapter adds.
pub fn labels(key: &SeriesKey, internal: usize) -> Result<BTreeMap<String, String>, VictoriaError> {
    KeyView::of(key).check(internal)?;
    let mut out = BTreeMap::new();
    out.insert("__name__".to_owned(), key.metric.clone());
    if !key.source.is_empty() {
        out.insert("source".to_owned(), key.source.clone());
    }
    for (k, v) in &key.tags {
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

/// The window of timestamps (after the shift) VictoriaMetrics keeps: `[low, high)`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub low: i64,
    pub high: i64,
}

impl Window {
    pub fn new(now: i64, retention_ms: i64) -> Self {
        Self {
            low: now
                .saturating_sub(retention_ms)
                .saturating_add(PAST_MARGIN_MS)
                .max(0),
            high: now.saturating_add(FUTURE_MS),
        }
    }

    fn check(&self, stored: i64, metric: &str) -> Result<(), VictoriaError> {
        if stored < self.low || stored >= self.high {
            return Err(VictoriaError::Refused(format!(
                "a point of {metric} at {stored} ms is outside what VictoriaMetrics keeps ([{}, {}) ms: its retention and at most two days ahead)",
                self.low, self.high
            )));
        }
        Ok(())
    }
}

/// What the adapter remembers between appends, one entry per series (keyed by the hash of its
/// canonical key): for a plain series its newest stored millisecond and how many points it holds
/// there; for a histogram series (key and granularity) its newest bin and the bin's next free
/// offset. Points arrive mostly in time order, so a later point at a series' newest millisecond
/// (or a distribution in its newest bin) is numbered after the ones before; a point at an older,
/// already used millisecond is numbered as if it were the first (and collapses with it).
#[derive(Debug, Default)]
pub struct Memory {
    pub(crate) latest: FxHashMap<u64, (i64, u32)>,
    pub(crate) bins: FxHashMap<u64, (i64, i64)>,
}

impl Memory {
    /// Adds what one part of an append changed to what the parts before it changed.
    pub(crate) fn extend(&mut self, changed: Memory) {
        self.latest.extend(changed.latest);
        self.bins.extend(changed.bins);
    }

    /// Takes what an append changed, then forgets everything beyond [`DUP_MEMORY`] series.
    pub(crate) fn apply(&mut self, changed: Memory) {
        self.latest.extend(changed.latest);
        self.bins.extend(changed.bins);
        if self.latest.len() + self.bins.len() > DUP_MEMORY {
            *self = Memory::default();
        }
    }
}

/// What the adapter remembers as one part of an append sees it: what earlier appends left, under
/// what the earlier parts of the same append changed (`over`).
#[derive(Debug, Clone, Copy)]
pub struct Remembered<'m> {
    base: &'m Memory,
    over: Option<&'m Memory>,
}

impl<'m> Remembered<'m> {
    pub fn of(base: &'m Memory) -> Self {
        Self { base, over: None }
    }

    pub fn under(base: &'m Memory, over: &'m Memory) -> Self {
        Self {
            base,
            over: Some(over),
        }
    }

    fn latest(&self, hash: u64) -> Option<(i64, u32)> {
        self.over
            .and_then(|o| o.latest.get(&hash))
            .or_else(|| self.base.latest.get(&hash))
            .copied()
    }

    fn bins(&self, hash: u64) -> Option<(i64, i64)> {
        self.over
            .and_then(|o| o.bins.get(&hash))
            .or_else(|| self.base.bins.get(&hash))
            .copied()
    }
}

/// Keeps the newer of two (time, count) states.
fn newer<T: Copy>(old: Option<(i64, T)>, new: (i64, T)) -> (i64, T) {
    match old {
        Some(o) if o.0 > new.0 => o,
        _ => new,
    }
}

/// One distinct plain series of a batch: its key (read in place), its hash, and its samples in
/// the batch's order.
#[derive(Debug)]
struct Plain<'a> {
    canonical: &'a [u8],
    key: KeyView<'a>,
    hash: u64,
    samples: Out,
}

/// The distinct plain series of a group of batches, found by the hash every batch series carries
/// (its key bytes compared, never hashed again); keys whose hash another key took first are
/// found by their bytes.
#[derive(Debug, Default)]
struct Distinct<'a> {
    series: Vec<Plain<'a>>,
    by_hash: FxHashMap<u64, usize>,
    collided: FxHashMap<&'a [u8], usize>,
}

impl<'a> Distinct<'a> {
    /// The index of `series` among the distinct ones, its key checked when first seen.
    fn index(&mut self, series: &crest_series::BatchSeries<'a>) -> Result<usize, VictoriaError> {
        let canonical = series.canonical;
        match self.by_hash.get(&series.hash) {
            Some(&at)
                if self
                    .series
                    .get(at)
                    .is_some_and(|p| p.canonical == canonical) =>
            {
                return Ok(at);
            }
            Some(_) => {
                if let Some(&at) = self.collided.get(canonical) {
                    return Ok(at);
                }
            }
            None => {}
        }
        let at = self.series.len();
        self.series.push(Plain {
            canonical,
            key: checked_key(canonical)?,
            hash: series.hash,
            samples: Out::default(),
        });
        match self.by_hash.entry(series.hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(canonical, at);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
        Ok(at)
    }
}

/// One VictoriaMetrics series' samples, before they are cut into lines.
#[derive(Debug, Default)]
struct Out {
    values: Vec<f64>,
    timestamps: Vec<i64>,
}

impl Out {
    /// Appends `samples`, their times shifted to what VictoriaMetrics stores.
    fn samples_from(&mut self, samples: &[crest_series::Sample], shift: i64) {
        self.values.extend(samples.iter().map(|s| s.value));
        self.timestamps
            .extend(samples.iter().map(|s| s.timestamp.saturating_sub(shift)));
    }
}

/// The key in `canonical`, read in place and checked as VictoriaMetrics would keep it (with the
/// one label of the adapter's own a plain series may carry).
fn checked_key(canonical: &[u8]) -> Result<KeyView<'_>, VictoriaError> {
    let key = KeyView::parse(canonical)
        .ok_or_else(|| VictoriaError::Refused("a series key is not a canonical key".into()))?;
    key.check(1)?;
    Ok(key)
}

/// A batch as import request bodies, with what it changes in [`Memory`] (applied only once every
/// request succeeded, so a retried batch is numbered the same way).
#[derive(Debug, Default)]
pub struct Encoded {
    pub bodies: Vec<String>,
    pub points: usize,
    pub new_series: usize,
    pub precision: PrecisionFindings,
    pub(crate) memory: Memory,
}

/// Encodes and checks `batch`. `memory` is read, not changed: the changes are in the answer.
pub fn encode(
    batch: &Batch,
    memory: &Memory,
    window: Window,
    shift: i64,
) -> Result<Encoded, VictoriaError> {
    encode_as(&[batch], memory, window, shift, Build::Bodies)
}

/// Checks `batch` as [`encode`] does (the same refusals, the same precision findings), without
/// writing the request bodies.
pub fn check(
    batch: &Batch,
    memory: &Memory,
    window: Window,
    shift: i64,
) -> Result<Encoded, VictoriaError> {
    encode_as(&[batch], memory, window, shift, Build::CheckOnly)
}

/// Checks `batch` for what VictoriaMetrics would drop (the refusals of [`check`]) without looking
/// for values it would round: the check before logging when rounding is reported, not refused
/// (the shipper's encoding finds and counts those).
pub fn check_refusals(batch: &Batch, window: Window, shift: i64) -> Result<(), VictoriaError> {
    encode_as(&[batch], &Memory::default(), window, shift, Build::Refusals).map(|_| ())
}

/// Whether an encoding writes its request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Build {
    Bodies,
    CheckOnly,
    /// A check without the precision findings.
    Refusals,
}

fn encode_as(
    batches: &[&Batch],
    memory: &Memory,
    window: Window,
    shift: i64,
    build: Build,
) -> Result<Encoded, VictoriaError> {
    let gathered = gather(batches, Remembered::of(memory), window, shift, build)?;
    let mut bodies: Vec<Vec<u8>> = Vec::new();
    gathered.write(&mut |body| bodies.push(body))?;
    let mut enc = gathered.enc;
    enc.bodies = bodies
        .into_iter()
        .map(|b| {
            String::from_utf8(b)
                .map_err(|e| VictoriaError::Refused(format!("a line cannot be written: {e}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(enc)
}

/// A batch checked and numbered, ready to be written as request bodies.
#[derive(Debug)]
pub struct Gathered<'a> {
    /// What the encoding found, without bodies.
    pub enc: Encoded,
    plain: Vec<Plain<'a>>,
    /// Each plain series' duplicate numbers (`None`: all 0).
    numbers: Vec<Option<Vec<u32>>>,
    histograms: BTreeMap<BTreeMap<String, String>, Out>,
    bodies: bool,
}

/// Checks `batches` as one batch, in order, and numbers their points; nothing written yet (see
/// [`Gathered::write`]), so a refusal is known before any request is sent.
pub fn gather_all<'a>(
    batches: &[&'a Batch],
    memory: Remembered<'_>,
    window: Window,
    shift: i64,
) -> Result<Gathered<'a>, VictoriaError> {
    gather(batches, memory, window, shift, Build::Bodies)
}

fn gather<'a>(
    batches: &[&'a Batch],
    memory: Remembered<'_>,
    window: Window,
    shift: i64,
    build: Build,
) -> Result<Gathered<'a>, VictoriaError> {
    let bodies = build == Build::Bodies;
    let measure_precision = build != Build::Refusals;
    let mut out: BTreeMap<BTreeMap<String, String>, Out> = BTreeMap::new();
    let mut enc = Encoded::default();
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    // Next offsets per (histogram series, bin) in this batch.
    let mut offsets: FxHashMap<(u64, i64), i64> = FxHashMap::default();
    // Each distinct series of the batch, checked once however often it comes (a group of log
    // entries holds the same series many times), its samples gathered in the batch's order.
    let mut distinct = Distinct::default();
    // Each batch series' index among the distinct ones (the bodies only), and how many samples
    // each distinct one gathers: its buffers are sized once before they are filled.
    let mut which: Vec<usize> = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    let mut forms = Vec::new();
    for series in batches.iter().flat_map(|b| b.series()) {
        let metric = if bodies {
            let known = distinct.series.len();
            let index = distinct.index(&series)?;
            if index >= known && memory.latest(series.hash).is_none() {
                // New to the group and to what earlier appends left: counted once, when found.
                enc.new_series += 1;
            }
            which.push(index);
            counts.resize(distinct.series.len(), 0);
            if let Some(count) = counts.get_mut(index) {
                *count += series.samples.len();
            }
            distinct.series.get(index).map_or("", |p| p.key.metric)
        } else {
            // A check looks at each series of the batch as it comes (checking a key twice is
            // harmless, and cheaper than finding it again).
            checked_metric(series.canonical)?
        };
        if measure_precision {
            if !bodies && memory.latest(series.hash).is_none() && seen.insert(series.hash) {
                enc.new_series += 1;
            }
            let found = precision_with(series.samples.iter().map(|s| s.value), &mut forms);
            enc.precision.rounded += found.rounded;
            enc.precision.mixed += found.mixed;
            if enc.precision.example.is_none() {
                enc.precision.example = found.example;
            }
        }
        for s in series.samples {
            if !s.value.is_finite() {
                return Err(VictoriaError::Refused(format!(
                    "a point of {metric} has the value {}, which VictoriaMetrics cannot store",
                    s.value
                )));
            }
            window.check(s.timestamp.saturating_sub(shift), metric)?;
        }
        enc.points += series.samples.len();
    }
    let mut plain = distinct.series;
    if bodies {
        for (series, count) in plain.iter_mut().zip(&counts) {
            series.samples.values.reserve_exact(*count);
            series.samples.timestamps.reserve_exact(*count);
        }
        for (series, index) in batches.iter().flat_map(|b| b.series()).zip(&which) {
            if let Some(target) = plain.get_mut(*index) {
                target.samples.samples_from(series.samples, shift);
            }
        }
    }
    let mut numbers: Vec<Option<Vec<u32>>> = Vec::new();
    if bodies {
        for series in &plain {
            let prior = memory.latest(series.hash);
            let (found, state) = numbered(&series.samples.timestamps, prior);
            if let Some(state) = state {
                enc.memory.latest.insert(series.hash, state);
            }
            numbers.push(found);
        }
    }
    for h in batches.iter().flat_map(|b| &b.histograms) {
        let key = &h.key;
        let base = labels(key, 2)?;
        let mut canonical = key.canonical();
        canonical.push(h.granularity.code());
        let hash = crest_series::canonical_hash(&canonical);
        if memory.bins(hash).is_none() && seen.insert(hash) {
            enc.new_series += 1;
        }
        let bin = h.granularity.floor(h.distribution.timestamp);
        let stored_bin = bin.saturating_sub(shift);
        window.check(stored_bin, &key.metric)?;
        let centroids = &h.distribution.centroids;
        if measure_precision {
            let found = precision(centroids.iter().map(|c| c.mean));
            enc.precision.rounded += found.rounded;
            enc.precision.mixed += found.mixed;
            if enc.precision.example.is_none() {
                enc.precision.example = found.example;
            }
        }
        if let Some(c) = centroids.iter().find(|c| !c.mean.is_finite()) {
            return Err(VictoriaError::Refused(format!(
                "a distribution of {} has a centroid at {}, which VictoriaMetrics cannot store",
                key.metric, c.mean
            )));
        }
        let slot = (hash, stored_bin);
        let offset = match offsets.get(&slot) {
            Some(o) => *o,
            None => match memory.bins(hash) {
                Some((at, next)) if at == stored_bin => next,
                _ => 0,
            },
        };
        let n = i64::try_from(centroids.len()).unwrap_or(i64::MAX);
        let used = n.max(1);
        if offset.saturating_add(used) > h.granularity.millis() {
            return Err(VictoriaError::Refused(format!(
                "the bin at {bin} of {} holds more centroids than it has milliseconds",
                key.metric
            )));
        }
        offsets.insert(slot, offset + used);
        let state = enc
            .memory
            .bins
            .get(&hash)
            .copied()
            .or_else(|| memory.bins(hash));
        let after = newer(state, (stored_bin, 0));
        let next = offsets.get(&(hash, after.0)).copied().unwrap_or(after.1);
        enc.memory.bins.insert(hash, (after.0, next));
        enc.points += 1;
        if !bodies {
            continue;
        }
        let at = stored_bin + offset;
        let part = |name: &str| {
            let mut labels = base.clone();
            labels.insert(HIST_LABEL.to_owned(), h.granularity.suffix().to_owned());
            labels.insert(PART_LABEL.to_owned(), name.to_owned());
            labels
        };
        #[allow(clippy::cast_precision_loss)] // n is a centroid count, far below 2^52
        let op = (n + 1) as f64;
        let op_line = out.entry(part("op")).or_default();
        op_line.values.push(if h.merge { op } else { -op });
        op_line.timestamps.push(at);
        let means = out.entry(part("mean")).or_default();
        for (c, i) in centroids.iter().zip(0i64..) {
            means.values.push(c.mean);
            means.timestamps.push(at + i);
        }
        let counts = out.entry(part("count")).or_default();
        for (c, i) in centroids.iter().zip(0i64..) {
            counts.values.push(f64::from(c.count));
            counts.timestamps.push(at + i);
        }
    }
    Ok(Gathered {
        enc,
        plain,
        numbers,
        histograms: out,
        bodies,
    })
}

impl Gathered<'_> {
    /// Writes the request bodies, handing each to `sink` as soon as it is full (nothing for a
    /// check).
    pub fn write(&self, sink: &mut dyn FnMut(Vec<u8>)) -> Result<(), VictoriaError> {
        if !self.bodies {
            return Ok(());
        }
        let mut writer = Bodies::new(sink);
        for (series, numbers) in self.plain.iter().zip(&self.numbers) {
            match numbers {
                None => writer.lines(
                    |out| series.key.write_json(0, out),
                    &series.samples.values,
                    &series.samples.timestamps,
                )?,
                Some(numbers) => {
                    let mut dups: Vec<u32> = numbers.clone();
                    dups.sort_unstable();
                    dups.dedup();
                    for dup in dups {
                        let (values, timestamps): (Vec<f64>, Vec<i64>) = numbers
                            .iter()
                            .zip(series.samples.values.iter().zip(&series.samples.timestamps))
                            .filter(|(n, _)| **n == dup)
                            .map(|(_, (v, t))| (*v, *t))
                            .unzip();
                        writer.lines(
                            |out| series.key.write_json(dup, out),
                            &values,
                            &timestamps,
                        )?;
                    }
                }
            }
        }
        for (labels, series) in &self.histograms {
            writer.lines(
                |buf| serde_json::to_writer(buf, labels).map_err(cannot_write),
                &series.values,
                &series.timestamps,
            )?;
        }
        writer.finish();
        Ok(())
    }
}

/// The duplicate number of each of a series' samples (stored times in the batch's order), and
/// the series' state to remember after them, given its remembered state `prior` (its newest
/// millisecond and how many points it holds there). A sample's number is how many samples of the
/// batch before it share its millisecond, plus the remembered count when that millisecond is the
/// remembered one. `None` for the numbers when every one is 0 (almost always: times only grow).
#[allow(clippy::type_complexity)]
fn numbered(
    timestamps: &[i64],
    prior: Option<(i64, u32)>,
) -> (Option<Vec<u32>>, Option<(i64, u32)>) {
    let Some(&newest) = timestamps.iter().max() else {
        return (None, None);
    };
    let increasing = timestamps.windows(2).all(|w| w.first() < w.get(1));
    let at_prior = |t: i64| match prior {
        Some((at, count)) if at == t => count,
        _ => 0,
    };
    let numbers = if increasing {
        if timestamps.iter().all(|t| at_prior(*t) == 0) {
            None
        } else {
            Some(timestamps.iter().map(|t| at_prior(*t)).collect())
        }
    } else if all_distinct_and_new(timestamps, prior) {
        // Out of order but no millisecond shared (entries logged by requests in flight together
        // interleave their times): every number is 0, found without numbering sample by sample.
        None
    } else {
        // in order of time, then of arrival: each run of one millisecond counts up
        let mut order: Vec<usize> = (0..timestamps.len()).collect();
        order.sort_by_key(|i| (timestamps.get(*i).copied().unwrap_or_default(), *i));
        let mut numbers = vec![0u32; timestamps.len()];
        let mut previous: Option<(i64, u32)> = None;
        for i in order {
            let t = timestamps.get(i).copied().unwrap_or_default();
            let n = match previous {
                Some((p, n)) if p == t => n.saturating_add(1),
                _ => at_prior(t),
            };
            previous = Some((t, n));
            if let Some(slot) = numbers.get_mut(i) {
                *slot = n;
            }
        }
        if numbers.iter().all(|n| *n == 0) {
            None
        } else {
            Some(numbers)
        }
    };
    let at_newest = timestamps.iter().filter(|t| **t == newest).count();
    let at_newest = u32::try_from(at_newest).unwrap_or(u32::MAX);
    let state = match prior {
        Some(kept @ (at, _)) if at > newest => kept,
        _ => (newest, at_prior(newest).saturating_add(at_newest)),
    };
    (numbers, Some(state))
}

/// Whether no two of `timestamps` are equal and none is the remembered millisecond that already
/// holds points: then every sample's duplicate number is 0.
fn all_distinct_and_new(timestamps: &[i64], prior: Option<(i64, u32)>) -> bool {
    let mut sorted = timestamps.to_vec();
    sorted.sort_unstable();
    let distinct = sorted.windows(2).all(|w| w.first() != w.get(1));
    let new = match prior {
        Some((at, count)) if count > 0 => sorted.binary_search(&at).is_err(),
        _ => true,
    };
    distinct && new
}

/// Import request bodies as they are written: JSON lines of at most [`MAX_LINE_SAMPLES`] samples,
/// at most [`MAX_REQUEST_SAMPLES`] samples a body, each handed to the sink once full.
struct Bodies<'s> {
    sink: &'s mut dyn FnMut(Vec<u8>),
    body: Vec<u8>,
    in_body: usize,
}

impl<'s> Bodies<'s> {
    fn new(sink: &'s mut dyn FnMut(Vec<u8>)) -> Self {
        Self {
            sink,
            body: Self::fresh(),
            in_body: 0,
        }
    }

    /// An empty body with room for a full one's samples (a value and a time take about 25
    /// bytes), so that writing it does not grow and copy it again and again.
    fn fresh() -> Vec<u8> {
        Vec::with_capacity(MAX_REQUEST_SAMPLES.saturating_mul(26))
    }

    /// One series' lines: `labels` writes its labels as a JSON object.
    fn lines(
        &mut self,
        labels: impl Fn(&mut Vec<u8>) -> Result<(), VictoriaError>,
        values: &[f64],
        timestamps: &[i64],
    ) -> Result<(), VictoriaError> {
        for (values, timestamps) in values
            .chunks(MAX_LINE_SAMPLES)
            .zip(timestamps.chunks(MAX_LINE_SAMPLES))
        {
            if values.is_empty() {
                continue;
            }
            if self.in_body > 0 && self.in_body + values.len() > MAX_REQUEST_SAMPLES {
                (self.sink)(std::mem::replace(&mut self.body, Self::fresh()));
                self.in_body = 0;
            }
            let body = &mut self.body;
            body.extend_from_slice(b"{\"metric\":");
            labels(body)?;
            body.extend_from_slice(b",\"values\":[");
            write_values(values, body);
            body.extend_from_slice(b"],\"timestamps\":[");
            let mut digits = itoa::Buffer::new();
            for (i, t) in timestamps.iter().enumerate() {
                if i > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(digits.format(*t).as_bytes());
            }
            body.extend_from_slice(b"]}\n");
            self.in_body += values.len();
        }
        Ok(())
    }

    fn finish(mut self) {
        if !self.body.is_empty() {
            (self.sink)(std::mem::take(&mut self.body));
        }
    }
}

/// Finite values as JSON numbers, comma-separated: whole ones below 10^15 as integers (`42`, read
/// by VictoriaMetrics as 42.0), the rest in their shortest round-trip form (`12.3`, `1e-7`).
fn write_values(values: &[f64], body: &mut Vec<u8>) {
    let mut digits = itoa::Buffer::new();
    let mut shortest = zmij::Buffer::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        // Negative zero keeps its sign through the float form.
        if let Some(n) = whole_below_1e15(v.abs())
            && (*v != 0.0 || v.is_sign_positive())
        {
            if v.is_sign_negative() {
                body.push(b'-');
            }
            body.extend_from_slice(digits.format(n).as_bytes());
        } else {
            body.extend_from_slice(shortest.format(*v).as_bytes());
        }
    }
}

/// The granularity a `_crest_hist` label names.
pub(crate) fn granularity(suffix: &str) -> Option<Granularity> {
    Granularity::ALL.into_iter().find(|g| g.suffix() == suffix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crest_series::{Centroid, Distribution, HistogramPoint, Sample};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// A part of a canonical key: short names, the adapter's own and reserved ones, empty ones,
    /// some over VictoriaMetrics' limits, and bytes that are not UTF-8 or hold a NUL.
    fn key_part() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            24 => "[a-z]{0,3}".prop_map(String::into_bytes),
            8 => "[a-c]{0,1}".prop_map(String::into_bytes),
            1 => Just(b"source".to_vec()),
            1 => Just(b"__name__".to_vec()),
            1 => Just(b"_crest_dup".to_vec()),
            1 => Just(vec![b'x'; MAX_LABEL_NAME_BYTES + 1]),
            1 => Just(vec![b'v'; MAX_LABEL_VALUE_BYTES + 1]),
            1 => Just(vec![0xff]),
            1 => Just(b"a\0b".to_vec()),
        ]
    }

    /// Both readings of `canonical` refuse it the same way, or read the same metric.
    fn same_check(canonical: &[u8]) -> Result<(), TestCaseError> {
        let view = checked_key(canonical).map(|key| key.metric);
        let in_place = checked_metric(canonical);
        match (&view, &in_place) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "{view:?} against {in_place:?}"),
        }
        Ok(())
    }

    #[test]
    fn the_in_place_key_check_answers_as_the_key_view_at_the_edges() {
        for canonical in [
            &b""[..],
            b"\0",
            b"m\0",
            b"m\0h",
            b"m\0h\0",
            b"m\0\0",
            b"m\0h\0\0",
            b"m\0h\0\0\0",
            b"m\0h\0k\0",
            b"m\0h\0k\0v\0",
            b"m\0h\0a\0v\0b\0w\0",
            b"m\0h\0b\0v\0a\0w\0",
            b"m\0h\0a\0v\0a\0w\0",
            b"m\0h\0ab\0v\0aa\0w\0",
            b"\0h\0",
            b"m\xff\0h\0",
        ] {
            same_check(canonical).unwrap();
        }
    }

    proptest! {
        /// The check before logging reads keys in place; it answers as the reading through
        /// [`KeyView`] does, for keys in order, out of order, with repeated or odd tags, too many
        /// labels, and bytes that are no canonical key.
        #[test]
        fn the_in_place_key_check_answers_as_the_key_view(
            parts in proptest::collection::vec(key_part(), 0..70),
            sorted in any::<bool>(),
            last_nul in any::<bool>(),
        ) {
            let mut parts = parts;
            if sorted && parts.len() > 2 {
                // Tags in order of name, as a SeriesKey writes them.
                let mut tags: Vec<Vec<Vec<u8>>> = parts[2..].chunks(2).map(<[_]>::to_vec).collect();
                tags.sort();
                parts.truncate(2);
                parts.extend(tags.into_iter().flatten());
            }
            let mut canonical = parts.join(&0u8);
            if last_nul {
                canonical.push(0);
            }
            same_check(&canonical)?;
        }

        /// The same on keys of many plain tags in order, up to past VictoriaMetrics' label limit.
        #[test]
        fn the_in_place_key_check_counts_labels_as_the_key_view(
            tags in proptest::collection::btree_map("[a-z]{1,3}", "[a-z]{1,2}", 0..40),
            source in "[a-z]{0,2}",
        ) {
            let key = SeriesKey { metric: "m".into(), source, tags };
            same_check(&key.canonical())?;
        }

        /// `numbered` against the rule as first written: a count per (millisecond) kept sample by
        /// sample, the remembered state updated after each.
        #[test]
        fn numbering_counts_earlier_samples_of_the_same_millisecond(
            timestamps in proptest::collection::vec(0i64..6, 0..40),
            prior in proptest::option::of((0i64..6, 0u32..3)),
        ) {
            check_numbering(&timestamps, prior)?;
        }

        /// The same on times that are mostly distinct and out of order (groups of entries that
        /// requests in flight together logged).
        #[test]
        fn numbering_of_sparse_times_out_of_order(
            timestamps in proptest::collection::vec(0i64..200, 0..40),
            prior in proptest::option::of((0i64..200, 0u32..3)),
        ) {
            check_numbering(&timestamps, prior)?;
        }
    }

    #[test]
    fn series_that_share_a_hash_stay_apart() {
        let a = SeriesKey::new("a", "h").canonical();
        let b = SeriesKey::new("b", "h").canonical();
        let series = |canonical: &'static [u8]| crest_series::BatchSeries {
            canonical,
            hash: 7,
            samples: &[],
        };
        let (a, b): (&'static [u8], &'static [u8]) = (a.leak(), b.leak());
        let mut distinct = Distinct::default();
        assert_eq!(distinct.index(&series(a)).unwrap(), 0);
        assert_eq!(distinct.index(&series(b)).unwrap(), 1);
        assert_eq!(distinct.index(&series(a)).unwrap(), 0);
        assert_eq!(distinct.index(&series(b)).unwrap(), 1);
        assert_eq!(distinct.series.len(), 2);
    }

    fn check_numbering(
        timestamps: &[i64],
        prior: Option<(i64, u32)>,
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        {
            let mut local: HashMap<i64, u32> = HashMap::new();
            let mut state = prior;
            let mut want = Vec::new();
            for t in timestamps {
                let first = match prior {
                    Some((at, count)) if at == *t => count,
                    _ => 0,
                };
                let n = local.get(t).copied().unwrap_or(first);
                local.insert(*t, n + 1);
                want.push(n);
                let after = newer(state, (*t, 0));
                state = Some((after.0, local.get(&after.0).copied().unwrap_or(after.1)));
            }
            let (numbers, got) = numbered(timestamps, prior);
            prop_assert_eq!(numbers.unwrap_or_else(|| vec![0; timestamps.len()]), want);
            if !timestamps.is_empty() {
                prop_assert_eq!(got, state);
            }
        }
        Ok(())
    }

    fn s(timestamp: i64, value: f64) -> Sample {
        Sample { timestamp, value }
    }

    fn window() -> Window {
        Window::new(1_000_000_000_000, 365 * 86_400_000)
    }

    const T: i64 = 1_000_000_000_000;

    #[test]
    fn values_beyond_twelve_digits_are_counted_as_rounded() {
        assert_eq!(precision([1.5, 2.25, 123_456.789].into_iter()).rounded, 0);
        let p = precision([0.1 + 0.2, 1.0].into_iter());
        assert_eq!((p.rounded, p.mixed), (1, 0));
        assert_eq!(p.example, Some(0.1 + 0.2));
        assert_eq!(precision([-0.0].into_iter()).rounded, 1);
        assert_eq!(
            precision([0.0, 1e300].into_iter()),
            PrecisionFindings::default()
        );
    }

    #[test]
    fn whole_numbers_have_the_decimal_form_their_formatting_gives() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut values: Vec<f64> = vec![
            1.0,
            9.0,
            10.0,
            100.0,
            120_000.0,
            999_999_999_999_999.0,
            1e14,
            123_456_789_012.0,
            -5.0,
            -1000.0,
            7e3,
        ];
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = x % 16;
            #[allow(clippy::cast_precision_loss)]
            values.push((x % 10u64.pow(u32::try_from(digits).unwrap())) as f64);
        }
        for v in values {
            assert_eq!(decimal(v), formatted(v), "{v}");
            assert_eq!(formatted(v), scientific(v), "{v}");
        }
    }

    #[test]
    fn values_with_a_few_decimals_have_the_form_their_formatting_gives() {
        for n in -20_000i64..20_000 {
            for scale in [10.0, 100.0, 1000.0, 10_000.0] {
                #[allow(clippy::cast_precision_loss)]
                let v = n as f64 / scale;
                assert_eq!(decimal(v), scientific(v), "{v}");
            }
        }
        for v in [
            0.1,
            0.3,
            12.3,
            99.99,
            0.001,
            1e-3,
            123_456_789_012.5,
            0.1 + 0.2,
            1.0 / 3.0,
        ] {
            assert_eq!(decimal(v), scientific(v), "{v}");
        }
    }

    /// The decimal form as Rust's own shortest scientific formatting gives it (the oracle).
    fn scientific(v: f64) -> Option<(i32, i32, i32)> {
        if v == 0.0 || !v.is_finite() {
            return None;
        }
        let text = format!("{:e}", v.abs());
        let (mantissa, exponent) = text.split_once('e')?;
        let exponent: i32 = exponent.parse().ok()?;
        let digits = i32::try_from(mantissa.chars().filter(char::is_ascii_digit).count()).ok()?;
        Some((digits, exponent, exponent - (digits - 1)))
    }

    proptest! {
        /// zmij's shortest form and Rust's agree on every value's significant digits.
        #[test]
        fn the_decimal_form_matches_rusts_shortest_formatting(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assert_eq!(formatted(v), scientific(v), "{:e}", v);
        }

        #[test]
        fn the_decimal_form_of_short_decimals_matches(n in -10_000_000i64..10_000_000, scale in 0i32..12) {
            #[allow(clippy::cast_precision_loss)]
            let v = n as f64 / 10f64.powi(scale);
            prop_assert_eq!(formatted(v), scientific(v), "{:e}", v);
            prop_assert_eq!(decimal(v), scientific(v), "{:e}", v);
        }

        /// The shortcuts of whole numbers and of a few decimal places give what formatting gives.
        #[test]
        fn every_values_decimal_form_matches_rusts(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            if v.is_finite() {
                prop_assert_eq!(decimal(v), scientific(v), "{:e}", v);
            }
        }

        #[test]
        fn large_values_with_decimals_match(n in 0u64..(1u64 << 53), scale in prop::sample::select(vec![10.0, 100.0, 1000.0])) {
            #[allow(clippy::cast_precision_loss)]
            let v = n as f64 / scale;
            prop_assert_eq!(decimal(v), scientific(v), "{:e}", v);
        }
    }

    #[test]
    fn mixed_magnitudes_are_counted() {
        // #9448: one 1e18 turns 0.001 and 3.14159 into 0 and 3.
        let p = precision([0.001, 3.25159, 42.5, 1e18].into_iter());
        assert_eq!(p.rounded, 0);
        assert_eq!(p.mixed, 3);
        assert_eq!(precision([0.001, 1e12].into_iter()).mixed, 0);
    }

    #[test]
    fn what_victoria_metrics_would_drop_is_refused() {
        let memory = Memory::default();
        let refused = |key: SeriesKey, sample: Sample| {
            let batch = Batch::from_series([(key, vec![sample])]);
            let checked = match check(&batch, &memory, window(), 0) {
                Err(VictoriaError::Refused(m)) => m,
                other => panic!("the check let it through: {other:?}"),
            };
            match encode(&batch, &memory, window(), 0) {
                Err(VictoriaError::Refused(m)) => {
                    assert_eq!(m, checked, "the check refuses as the encoding does");
                    m
                }
                other => panic!("{other:?}"),
            }
        };
        assert!(refused(SeriesKey::new("m", "s"), s(T, f64::NAN)).contains("NaN"));
        assert!(refused(SeriesKey::new("m", "s"), s(T, f64::INFINITY)).contains("inf"));
        assert!(refused(SeriesKey::new("m", "s"), s(T + 3 * 86_400_000, 1.0)).contains("outside"));
        assert!(
            refused(SeriesKey::new("m", "s"), s(T - 400 * 86_400_000, 1.0)).contains("outside")
        );
        assert!(refused(SeriesKey::new("m", "s"), s(1_000_000_000, 1.0)).contains("outside"));
        assert!(refused(SeriesKey::new("m", "s").with_tag("k", ""), s(T, 1.0)).contains("empty"));
        assert!(
            refused(SeriesKey::new("m", "s").with_tag("source", "x"), s(T, 1.0))
                .contains("reserved")
        );
        assert!(
            refused(
                SeriesKey::new("m", "s").with_tag("_crest_dup", "1"),
                s(T, 1.0)
            )
            .contains("reserved")
        );
        assert!(refused(SeriesKey::new("", "s"), s(T, 1.0)).contains("empty"));
        let mut many = SeriesKey::new("m", "s");
        for i in 0..28 {
            many = many.with_tag(format!("t{i}"), "v");
        }
        assert!(refused(many, s(T, 1.0)).contains("labels"));
        assert!(
            refused(
                SeriesKey::new("m", "s").with_tag("k".repeat(300), "v"),
                s(T, 1.0)
            )
            .contains("bytes")
        );
        assert!(
            refused(
                SeriesKey::new("m", "s").with_tag("k", "v".repeat(20_000)),
                s(T, 1.0)
            )
            .contains("bytes")
        );
    }

    #[test]
    fn the_check_finds_what_the_encoding_finds_without_writing_bodies() {
        let key = SeriesKey::new("m", "s").with_tag("k", "v");
        let mut batch = Batch::from_series([(
            key,
            vec![s(T, 1.0), s(T, 2.0), s(T + 1, 0.1 + 0.2), s(T + 2, 1e18)],
        )]);
        batch.histograms.push(HistogramPoint {
            key: SeriesKey::new("lat", "a"),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: T,
                centroids: vec![Centroid {
                    mean: 0.1 + 0.2,
                    count: 2,
                }],
            },
            merge: true,
        });
        let encoded = encode(&batch, &Memory::default(), window(), 0).unwrap();
        let checked = check(&batch, &Memory::default(), window(), 0).unwrap();
        assert!(!encoded.bodies.is_empty());
        assert!(checked.bodies.is_empty());
        assert_eq!(checked.points, encoded.points);
        assert_eq!(checked.new_series, encoded.new_series);
        assert_eq!(checked.precision, encoded.precision);
        assert!(encoded.precision.rounded > 0 && encoded.precision.mixed > 0);
        // the two points of one millisecond are two VictoriaMetrics series, labels made once each
        let body = encoded.bodies.concat();
        assert_eq!(
            body.lines()
                .filter(|l| l.contains("\"__name__\":\"m\""))
                .count(),
            2
        );
        assert_eq!(body.matches(DUP_LABEL).count(), 1);
    }

    #[test]
    fn the_time_shift_moves_what_is_checked_and_written() {
        let batch =
            Batch::from_series([(SeriesKey::new("m", ""), vec![s(T + 10 * 86_400_000, 1.0)])]);
        assert!(encode(&batch, &Memory::default(), window(), 0).is_err());
        let enc = encode(&batch, &Memory::default(), window(), 10 * 86_400_000).unwrap();
        assert_eq!(
            enc.bodies,
            vec![format!(
                "{{\"metric\":{{\"__name__\":\"m\"}},\"values\":[1],\"timestamps\":[{T}]}}\n"
            )]
        );
    }

    #[test]
    fn points_sharing_a_millisecond_are_numbered_across_appends() {
        let key = SeriesKey::new("m", "s");
        let batch = Batch::from_series([(key.clone(), vec![s(T, 1.0), s(T, 2.0), s(T + 1, 3.0)])]);
        let mut memory = Memory::default();
        let enc = encode(&batch, &memory, window(), 0).unwrap();
        assert_eq!((enc.points, enc.new_series), (3, 1));
        let body = &enc.bodies[0];
        assert!(body.contains(&format!("{{\"metric\":{{\"__name__\":\"m\",\"source\":\"s\"}},\"values\":[1,3],\"timestamps\":[{T},{}]}}", T + 1)), "{body}");
        assert!(body.contains("\"_crest_dup\":\"1\""), "{body}");
        memory.apply(enc.memory);
        let again = encode(
            &Batch::from_series([(key, vec![s(T + 1, 4.0)])]),
            &memory,
            window(),
            0,
        )
        .unwrap();
        assert_eq!(again.new_series, 0);
        assert!(
            again.bodies[0].contains("\"_crest_dup\":\"1\""),
            "{:?}",
            again.bodies
        );
    }

    #[test]
    fn memory_holds_one_entry_per_series_at_its_newest_millisecond() {
        let key = SeriesKey::new("m", "s");
        let mut memory = Memory::default();
        for batch in [
            vec![s(T + 5, 1.0), s(T + 3, 1.0), s(T + 5, 2.0)],
            vec![s(T + 5, 3.0)],
        ] {
            let enc = encode(
                &Batch::from_series([(key.clone(), batch)]),
                &memory,
                window(),
                0,
            )
            .unwrap();
            memory.apply(enc.memory);
        }
        assert_eq!(memory.latest.len(), 1);
        assert_eq!(memory.latest.values().next(), Some(&(T + 5, 3)));
        // An older millisecond already used is not remembered: numbered as the first again.
        let older = encode(
            &Batch::from_series([(key, vec![s(T + 3, 9.0)])]),
            &memory,
            window(),
            0,
        )
        .unwrap();
        assert!(
            !older.bodies[0].contains("_crest_dup"),
            "{:?}",
            older.bodies
        );
        assert_eq!(older.memory.latest.values().next(), Some(&(T + 5, 3)));
    }

    #[test]
    fn numbers_are_written_in_a_form_1_79_5_parses() {
        // 1.79.5 cannot read `.123` or `20.` (fixed in 1.79.7).
        let values = [
            20.0,
            0.123,
            -0.5,
            1e300,
            5e-324,
            123_456_789.0,
            -1e-7,
            0.0,
            -0.0,
            1e15,
            1e16,
        ];
        let batch = Batch::from_series([(
            SeriesKey::new("m", "s"),
            values
                .iter()
                .zip(0i64..)
                .map(|(v, i)| s(T + i, *v))
                .collect::<Vec<_>>(),
        )]);
        let body = encode(&batch, &Memory::default(), window(), 0)
            .unwrap()
            .bodies[0]
            .clone();
        let line: serde_json::Value = serde_json::from_str(body.trim()).unwrap();
        let text = body
            .split("\"values\":[")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap();
        for number in text.split(',') {
            assert!(
                !number.starts_with('.') && !number.starts_with("-.") && !number.ends_with('.'),
                "{number}"
            );
        }
        let read: Vec<u64> = line["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap().to_bits())
            .collect();
        let want: Vec<u64> = values.iter().map(|v| v.to_bits()).collect();
        assert_eq!(read, want, "{text}");
    }

    #[test]
    fn long_series_are_cut_into_lines_and_requests() {
        let samples: Vec<Sample> = (0..(MAX_REQUEST_SAMPLES as i64 + 5))
            .map(|i| s(T + i, 1.0))
            .collect();
        let enc = encode(
            &Batch::from_series([(SeriesKey::new("m", "s"), samples)]),
            &Memory::default(),
            window(),
            0,
        )
        .unwrap();
        assert_eq!(enc.bodies.len(), 2);
        assert_eq!(
            enc.bodies[0].lines().count(),
            MAX_REQUEST_SAMPLES / MAX_LINE_SAMPLES
        );
        assert_eq!(enc.bodies[1].lines().count(), 1);
    }

    #[test]
    fn distributions_take_consecutive_milliseconds_of_their_bin() {
        let key = SeriesKey::new("lat", "a");
        let point = |centroids: Vec<Centroid>, merge| HistogramPoint {
            key: key.clone(),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp: T,
                centroids,
            },
            merge,
        };
        let batch = Batch::from_histograms(vec![
            point(
                vec![
                    Centroid {
                        mean: 1.5,
                        count: 2,
                    },
                    Centroid {
                        mean: 3.0,
                        count: 1,
                    },
                ],
                true,
            ),
            point(
                vec![Centroid {
                    mean: 9.0,
                    count: 4,
                }],
                false,
            ),
        ]);
        let enc = encode(&batch, &Memory::default(), window(), 0).unwrap();
        let body = &enc.bodies[0];
        let b = Granularity::Minute.floor(T);
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(lines.len(), 3, "{body}");
        assert!(lines[0].contains(&format!("\"_crest_part\":\"count\",\"source\":\"a\"}},\"values\":[2,1,4],\"timestamps\":[{b},{},{}]", b + 1, b + 2)), "{body}");
        assert!(
            lines[1].contains("\"_crest_part\":\"mean\",\"source\":\"a\"},\"values\":[1.5,3,9]"),
            "{body}"
        );
        assert!(lines[2].contains(&format!("\"_crest_part\":\"op\",\"source\":\"a\"}},\"values\":[3,-2],\"timestamps\":[{b},{}]", b + 2)), "{body}");
        assert_eq!((enc.points, enc.new_series), (2, 1));
    }
}
