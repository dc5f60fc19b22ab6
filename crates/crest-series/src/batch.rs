//! A batch of points to append: each series as its canonical key bytes, all keys in one buffer and
//! all samples in another, so that building and appending one costs no allocation per series.
//! [`crate::BatchBuilder`] builds one sample by sample.

use std::borrow::Borrow;
use std::hash::Hasher;

use rustc_hash::FxHasher;

use crate::histogram::HistogramPoint;
use crate::key::SeriesKey;
use crate::point::Sample;

/// The hash a batch keeps of each key's canonical bytes ([`SeriesKey::canonical`]), so that an
/// engine's key → id map need not hash a key again. FxHash: fast and unkeyed, like the maps it
/// feeds (which take keys that ingestion has already bounded in length and count).
pub fn canonical_hash(canonical: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(canonical);
    hasher.finish()
}

/// Where one series' key and samples end in the batch's buffers, and its key's hash.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Span {
    pub(crate) key_end: usize,
    pub(crate) samples_end: usize,
    pub(crate) hash: u64,
}

/// What one acknowledgement covers: every sample and distribution in it is durable once
/// [`crate::SeriesWriter::append`] returns `Ok`. Series are in the order they were pushed; a key
/// pushed twice is two entries of one series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Every series' canonical key bytes, one after the other.
    keys: Vec<u8>,
    /// Every series' samples, one series after the other, each in arrival order.
    samples: Vec<Sample>,
    spans: Vec<Span>,
    pub histograms: Vec<HistogramPoint>,
}

/// One series of a batch, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchSeries<'a> {
    /// The key in [`SeriesKey::canonical`] form.
    pub canonical: &'a [u8],
    /// [`canonical_hash`] of `canonical`.
    pub hash: u64,
    pub samples: &'a [Sample],
}

impl BatchSeries<'_> {
    /// The key as an owned [`SeriesKey`]; `None` when the bytes pushed were not a canonical key.
    pub fn key(&self) -> Option<SeriesKey> {
        SeriesKey::from_canonical(self.canonical)
    }
}

impl Batch {
    /// Room for `series` series with `key_bytes` bytes of keys and `samples` samples in all.
    pub fn with_capacity(series: usize, key_bytes: usize, samples: usize) -> Self {
        Self {
            keys: Vec::with_capacity(key_bytes),
            samples: Vec::with_capacity(samples),
            spans: Vec::with_capacity(series),
            histograms: Vec::new(),
        }
    }

    /// A batch of series already laid out (by [`crate::BatchBuilder`]): `spans` ascending within
    /// `keys` and `samples`, each hash its key's.
    pub(crate) fn from_grouped(keys: Vec<u8>, samples: Vec<Sample>, spans: Vec<Span>) -> Self {
        Self {
            keys,
            samples,
            spans,
            histograms: Vec::new(),
        }
    }

    /// A batch of the given series and no histograms.
    pub fn from_series<K, S>(series: impl IntoIterator<Item = (K, S)>) -> Self
    where
        K: Borrow<SeriesKey>,
        S: IntoIterator,
        S::Item: Borrow<Sample>,
    {
        let mut batch = Batch::default();
        for (key, samples) in series {
            batch.push_series(key.borrow(), samples);
        }
        batch
    }

    /// A batch of the given distributions and no plain series.
    pub fn from_histograms(histograms: Vec<HistogramPoint>) -> Self {
        Self {
            histograms,
            ..Self::default()
        }
    }

    /// Adds a series and its samples.
    pub fn push_series<S>(&mut self, key: &SeriesKey, samples: impl IntoIterator<Item = S>)
    where
        S: Borrow<Sample>,
    {
        let start = self.keys.len();
        key.write_canonical(&mut self.keys);
        self.close_series(start, samples);
    }

    /// Adds a series by its key's canonical bytes ([`SeriesKey::write_canonical`]'s format, which
    /// the caller vouches for: engines refuse, when they first meet it, a key that does not decode).
    pub fn push_canonical<S>(&mut self, canonical: &[u8], samples: impl IntoIterator<Item = S>)
    where
        S: Borrow<Sample>,
    {
        let start = self.keys.len();
        self.keys.extend_from_slice(canonical);
        self.close_series(start, samples);
    }

    /// Ends the series whose key bytes start at `key_start`.
    fn close_series<S>(&mut self, key_start: usize, samples: impl IntoIterator<Item = S>)
    where
        S: Borrow<Sample>,
    {
        let hash = canonical_hash(self.keys.get(key_start..).unwrap_or_default());
        self.samples
            .extend(samples.into_iter().map(|s| *s.borrow()));
        self.spans.push(Span {
            key_end: self.keys.len(),
            samples_end: self.samples.len(),
            hash,
        });
    }

    /// Every series, in the order pushed.
    pub fn series(&self) -> impl ExactSizeIterator<Item = BatchSeries<'_>> + '_ {
        let mut key_start = 0usize;
        let mut samples_start = 0usize;
        self.spans.iter().map(move |span| {
            let canonical = self.keys.get(key_start..span.key_end).unwrap_or_default();
            let samples = self
                .samples
                .get(samples_start..span.samples_end)
                .unwrap_or_default();
            key_start = span.key_end;
            samples_start = span.samples_end;
            BatchSeries {
                canonical,
                hash: span.hash,
                samples,
            }
        })
    }

    /// The number of series entries (a key pushed twice counts twice).
    pub fn series_len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty() && self.histograms.is_empty()
    }

    pub fn points(&self) -> usize {
        self.samples.len() + self.histograms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(timestamp: i64, value: f64) -> Sample {
        Sample { timestamp, value }
    }

    #[test]
    fn series_come_back_in_push_order_with_their_own_samples() {
        let a = SeriesKey::new("cpu", "h1").with_tag("dc", "x");
        let b = SeriesKey::new("mem", "h2");
        let mut batch = Batch::default();
        batch.push_series(&a, [s(1, 1.0), s(2, 2.0)]);
        batch.push_series(&b, Vec::<Sample>::new());
        batch.push_canonical(&b.canonical(), [s(3, 3.0)].iter());
        let got: Vec<_> = batch.series().collect();
        assert_eq!(got.len(), 3);
        assert_eq!(batch.series_len(), 3);
        assert_eq!(got[0].key(), Some(a.clone()));
        assert_eq!(got[0].canonical, a.canonical().as_slice());
        assert_eq!(got[0].samples, [s(1, 1.0), s(2, 2.0)]);
        assert_eq!(got[1].key(), Some(b.clone()));
        assert!(got[1].samples.is_empty());
        assert_eq!(got[2].key(), Some(b.clone()));
        assert_eq!(got[2].samples, [s(3, 3.0)]);
        assert_eq!(got[1].hash, got[2].hash);
        assert_eq!(got[0].hash, canonical_hash(&a.canonical()));
        assert_ne!(got[0].hash, got[1].hash);
        assert_eq!(batch.points(), 3);
        assert!(!batch.is_empty());
    }

    #[test]
    fn a_batch_of_empty_series_is_empty() {
        let batch = Batch::from_series([(SeriesKey::new("m", "s"), Vec::<Sample>::new())]);
        assert!(batch.is_empty());
        assert_eq!(batch.points(), 0);
        assert_eq!(batch.series_len(), 1);
    }

    #[test]
    fn bytes_that_are_not_a_key_do_not_decode() {
        let mut batch = Batch::default();
        batch.push_canonical(b"no terminator", [s(1, 1.0)]);
        assert_eq!(batch.series().next().and_then(|x| x.key()), None);
    }
}
