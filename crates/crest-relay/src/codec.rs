//! The binary form of a whole [`Batch`] as the log stores it: compact, versioned, and decoded
//! strictly (every length checked against the bytes that follow, trailing bytes refused).
//!
//! Version 1, all integers LEB128 varints unless said otherwise:
//!
//! ```text
//! batch     = version:u8(=1) series_count series* histogram_count histogram*
//! series    = key_len key:bytes sample_count sample*
//! sample    = timestamp:zigzag(delta from the previous sample of the series, the first from 0)
//!             value:f64 bits, 8 bytes little-endian
//! histogram = metric:str source:str tag_count (key:str value:str)* (keys strictly ascending)
//!             granularity:u8 (Granularity::code) merge:u8 (0 or 1) timestamp:zigzag
//!             centroid_count (mean:f64 bits, 8 bytes LE  count:varint ≤ u32::MAX)*
//! str       = len bytes (UTF-8)
//! ```
//!
//! Version 2 is a version-1 batch compressed, for a log whose bytes cross the network and are
//! stored by every replica (JetStream): `version:u8(=2) plain_len:varint block`, where `block` is
//! one LZ4 block that decompresses to exactly `plain_len` bytes of a version-1 batch. Series keys
//! repeat their parts from series to series, so a typical entry shrinks to about a third.
//! [`decode`] reads either version; `plain_len` is checked against what the block can hold before
//! anything is allocated for it.
//!
//! Series keys are kept as the canonical bytes the batch holds (not checked here: the engine
//! checks them, as it would without the log), so a batch decodes to exactly what was encoded.

use std::collections::BTreeMap;

use crest_series::{Batch, Centroid, Distribution, Granularity, HistogramPoint, Sample, SeriesKey};

use crate::error::LogError;

/// The format written by [`encode`].
pub const VERSION: u8 = 1;
/// The format written by [`encode_compressed`].
pub const COMPRESSED_VERSION: u8 = 2;
/// The most bytes a compressed batch may claim to decompress to (a damaged length must not drive
/// a large allocation; no entry the log takes comes near it).
pub const MAX_PLAIN_BYTES: usize = 256 << 20;
/// The most an LZ4 block can expand: a literal-free sequence of one token byte and 255-byte
/// length bytes encodes at most 255 bytes per byte.
const MAX_EXPANSION: usize = 255;

/// The bytes of `batch` in the log's format.
pub fn encode(batch: &Batch) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        16 + batch.points().saturating_mul(10) + batch.series_len().saturating_mul(48),
    );
    out.push(VERSION);
    put_varint(&mut out, batch.series_len() as u64);
    for series in batch.series() {
        put_bytes(&mut out, series.canonical);
        put_varint(&mut out, series.samples.len() as u64);
        let mut previous = 0i64;
        for sample in series.samples {
            put_zigzag(&mut out, sample.timestamp.wrapping_sub(previous));
            previous = sample.timestamp;
            out.extend_from_slice(&sample.value.to_bits().to_le_bytes());
        }
    }
    put_varint(&mut out, batch.histograms.len() as u64);
    for point in &batch.histograms {
        put_bytes(&mut out, point.key.metric.as_bytes());
        put_bytes(&mut out, point.key.source.as_bytes());
        put_varint(&mut out, point.key.tags.len() as u64);
        for (k, v) in &point.key.tags {
            put_bytes(&mut out, k.as_bytes());
            put_bytes(&mut out, v.as_bytes());
        }
        out.push(point.granularity.code());
        out.push(u8::from(point.merge));
        put_zigzag(&mut out, point.distribution.timestamp);
        put_varint(&mut out, point.distribution.centroids.len() as u64);
        for c in &point.distribution.centroids {
            out.extend_from_slice(&c.mean.to_bits().to_le_bytes());
            put_varint(&mut out, u64::from(c.count));
        }
    }
    out
}

/// The bytes of `batch` in the log's compressed format (version 2; see the module's
/// documentation).
pub fn encode_compressed(batch: &Batch) -> Vec<u8> {
    let plain = encode(batch);
    let bound = lz4_flex::block::get_maximum_output_size(plain.len());
    // The version byte and a varint of at most 10 bytes, then room for the block.
    let mut out = Vec::with_capacity(11 + bound);
    out.push(COMPRESSED_VERSION);
    put_varint(&mut out, plain.len() as u64);
    let header = out.len();
    out.resize(header + bound, 0);
    let written = out
        .get_mut(header..)
        .map(|block| lz4_flex::block::compress_into(&plain, block));
    // The block was sized by the compressor's own bound, so it always fits; were it ever refused,
    // the plain form (version 1) is as good a log entry.
    let written = match written {
        Some(Ok(n)) => n,
        _ => return plain,
    };
    out.truncate(header + written);
    out
}

/// The batch `bytes` hold, in either format; [`LogError::Corrupt`] naming the byte and the reason
/// when they are not exactly one batch of a known version.
pub fn decode(bytes: &[u8]) -> Result<Batch, LogError> {
    if bytes.first() == Some(&COMPRESSED_VERSION) {
        return decode_compressed(bytes);
    }
    decode_plain(bytes)
}

/// A version-2 batch: its block decompressed to exactly the length it claims, then read as a
/// version-1 batch.
fn decode_compressed(bytes: &[u8]) -> Result<Batch, LogError> {
    let mut r = Reader { bytes, pos: 1 };
    let at = r.pos;
    let plain_len = usize::try_from(r.varint()?)
        .map_err(|_| r.corrupt_at(at, "decompressed length exceeds memory"))?;
    let block = bytes.get(r.pos..).unwrap_or_default();
    if plain_len > MAX_PLAIN_BYTES || plain_len > block.len().saturating_mul(MAX_EXPANSION) {
        return Err(r.corrupt_at(at, "decompressed length exceeds what the block can hold"));
    }
    let mut plain = vec![0u8; plain_len];
    match lz4_flex::block::decompress_into(block, &mut plain) {
        Ok(n) if n == plain_len => {}
        Ok(_) => {
            return Err(r.corrupt_at(r.pos, "the block decompresses to fewer bytes than claimed"));
        }
        Err(err) => {
            return Err(r.corrupt_at(r.pos, &format!("the block does not decompress: {err}")));
        }
    }
    // A block holding anything but a version-1 batch (another version 2 included) is refused.
    decode_plain(&plain).map_err(|err| {
        LogError::corrupt(format!(
            "compressed batch is corrupt after decompressing: {err}"
        ))
    })
}

/// A version-1 batch.
fn decode_plain(bytes: &[u8]) -> Result<Batch, LogError> {
    let mut r = Reader { bytes, pos: 0 };
    let version = r.u8()?;
    if version != VERSION {
        return Err(r.corrupt_at(0, "unknown batch format version"));
    }
    // A series takes at least 2 bytes (key length, sample count).
    let series_count = r.count(2)?;
    // Sized once from the bytes that follow (keys take at most all of them, a sample at least 9),
    // so that decoding never grows and copies the batch's buffers.
    let mut batch = Batch::with_capacity(series_count, r.remaining(), r.remaining() / 9);
    let mut samples: Vec<Sample> = Vec::new();
    for _ in 0..series_count {
        let key = r.bytes()?;
        // A sample takes at least 9 bytes (a timestamp, a value).
        let n = r.count(9)?;
        samples.clear();
        samples.reserve(n);
        let mut previous = 0i64;
        for _ in 0..n {
            let timestamp = previous.wrapping_add(r.zigzag()?);
            previous = timestamp;
            let value = r.f64()?;
            samples.push(Sample { timestamp, value });
        }
        batch.push_canonical(key, &samples);
    }
    // A histogram takes at least 7 bytes (two names, a tag count, granularity, merge, a
    // timestamp, a centroid count).
    let histogram_count = r.count(7)?;
    let mut histograms = Vec::with_capacity(histogram_count);
    for _ in 0..histogram_count {
        let metric = r.string()?;
        let source = r.string()?;
        let tag_count = r.count(2)?;
        let mut tags = BTreeMap::new();
        let mut last: Option<String> = None;
        for _ in 0..tag_count {
            let at = r.pos;
            let k = r.string()?;
            let v = r.string()?;
            if last.as_ref().is_some_and(|l| *l >= k) {
                return Err(r.corrupt_at(at, "histogram tags are not in strictly ascending order"));
            }
            last = Some(k.clone());
            tags.insert(k, v);
        }
        let at = r.pos;
        let granularity = Granularity::from_code(r.u8()?)
            .ok_or_else(|| r.corrupt_at(at, "unknown histogram granularity"))?;
        let at = r.pos;
        let merge = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.corrupt_at(at, "histogram merge flag is neither 0 nor 1")),
        };
        let timestamp = r.zigzag()?;
        // A centroid takes at least 9 bytes (a mean, a count).
        let n = r.count(9)?;
        let mut centroids = Vec::with_capacity(n);
        for _ in 0..n {
            let mean = r.f64()?;
            let at = r.pos;
            let count = u32::try_from(r.varint()?)
                .map_err(|_| r.corrupt_at(at, "centroid count exceeds u32"))?;
            centroids.push(Centroid { mean, count });
        }
        histograms.push(HistogramPoint {
            key: SeriesKey {
                metric,
                source,
                tags,
            },
            granularity,
            distribution: Distribution {
                timestamp,
                centroids,
            },
            merge,
        });
    }
    if r.pos != bytes.len() {
        return Err(r.corrupt_at(r.pos, "trailing bytes after the batch"));
    }
    batch.histograms = histograms;
    Ok(batch)
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v & 0x7f) as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_zigzag(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Reads the format, refusing anything that does not fit.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn corrupt_at(&self, at: usize, reason: &str) -> LogError {
        LogError::corrupt(format!("encoded batch is corrupt at byte {at}: {reason}"))
    }

    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], LogError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| self.corrupt_at(self.pos, "length overflows"))?;
        let got = self
            .bytes
            .get(self.pos..end)
            .ok_or_else(|| self.corrupt_at(self.pos, "runs past the end"))?;
        self.pos = end;
        Ok(got)
    }

    fn u8(&mut self) -> Result<u8, LogError> {
        let b = self.take(1)?;
        Ok(b.first().copied().unwrap_or(0))
    }

    fn f64(&mut self) -> Result<f64, LogError> {
        let b = self.take(8)?;
        let array: [u8; 8] = b
            .try_into()
            .map_err(|_| self.corrupt_at(self.pos, "runs past the end"))?;
        Ok(f64::from_bits(u64::from_le_bytes(array)))
    }

    fn varint(&mut self) -> Result<u64, LogError> {
        let start = self.pos;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let low = u64::from(byte & 0x7f);
            if shift == 63 && low > 1 {
                return Err(self.corrupt_at(start, "varint overflows 64 bits"));
            }
            value |= low << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(self.corrupt_at(start, "varint is not in its shortest form"));
                }
                return Ok(value);
            }
        }
        Err(self.corrupt_at(start, "varint is longer than 10 bytes"))
    }

    fn zigzag(&mut self) -> Result<i64, LogError> {
        let v = self.varint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count of items that each take at least `min_bytes`: refused when the bytes that follow
    /// cannot hold them, so a damaged count never drives a large allocation.
    fn count(&mut self, min_bytes: usize) -> Result<usize, LogError> {
        let at = self.pos;
        let n = usize::try_from(self.varint()?)
            .map_err(|_| self.corrupt_at(at, "count exceeds memory"))?;
        if n.checked_mul(min_bytes)
            .is_none_or(|need| need > self.remaining())
        {
            return Err(self.corrupt_at(at, "count exceeds the bytes that follow"));
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<&'a [u8], LogError> {
        let n = self.count(1)?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, LogError> {
        let at = self.pos;
        let bytes = self.bytes()?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| self.corrupt_at(at, "a name is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_key() -> impl Strategy<Value = SeriesKey> {
        (
            "[a-z.∆]{0,8}",
            "[a-z0-9-]{0,6}",
            proptest::collection::btree_map("[a-z]{1,4}", "[ -~é]{0,6}", 0..4),
        )
            .prop_map(|(metric, source, tags)| SeriesKey {
                metric,
                source,
                tags,
            })
    }

    fn arb_value(finite: bool) -> BoxedStrategy<f64> {
        if finite {
            prop_oneof![
                -1e300f64..1e300,
                Just(0.0),
                Just(-0.0),
                Just(f64::MIN_POSITIVE)
            ]
            .boxed()
        } else {
            any::<u64>().prop_map(f64::from_bits).boxed()
        }
    }

    fn arb_batch(finite: bool) -> impl Strategy<Value = Batch> {
        let sample = (any::<i64>(), arb_value(finite))
            .prop_map(|(timestamp, value)| Sample { timestamp, value });
        let series = (
            prop_oneof![
                arb_key().prop_map(|k| k.canonical()),
                proptest::collection::vec(any::<u8>(), 0..12)
            ],
            proptest::collection::vec(sample, 0..6),
        );
        let centroid =
            (arb_value(finite), any::<u32>()).prop_map(|(mean, count)| Centroid { mean, count });
        let histogram = (
            arb_key(),
            0u8..3,
            any::<bool>(),
            any::<i64>(),
            proptest::collection::vec(centroid, 0..4),
        )
            .prop_map(|(key, code, merge, timestamp, centroids)| HistogramPoint {
                key,
                granularity: Granularity::from_code(code).unwrap(),
                distribution: Distribution {
                    timestamp,
                    centroids,
                },
                merge,
            });
        (
            proptest::collection::vec(series, 0..5),
            proptest::collection::vec(histogram, 0..3),
        )
            .prop_map(|(series, histograms)| {
                let mut batch = Batch::default();
                for (key, samples) in series {
                    batch.push_canonical(&key, samples);
                }
                batch.histograms = histograms;
                batch
            })
    }

    proptest! {
        #[test]
        fn batches_round_trip(batch in arb_batch(true)) {
            let bytes = encode(&batch);
            prop_assert_eq!(decode(&bytes).unwrap(), batch);
        }

        #[test]
        fn every_value_round_trips_bit_for_bit(batch in arb_batch(false)) {
            let bytes = encode(&batch);
            prop_assert_eq!(encode(&decode(&bytes).unwrap()), bytes);
        }

        #[test]
        fn any_bytes_decode_to_a_batch_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(batch) = decode(&bytes) {
                prop_assert_eq!(encode(&batch), bytes);
            }
        }

        #[test]
        fn every_cut_and_every_extra_byte_is_refused(batch in arb_batch(true), extra in any::<u8>()) {
            let bytes = encode(&batch);
            for cut in 0..bytes.len() {
                prop_assert!(matches!(decode(&bytes[..cut]), Err(LogError::Corrupt { .. })), "cut at {}", cut);
            }
            let mut longer = bytes.clone();
            longer.push(extra);
            prop_assert!(matches!(decode(&longer), Err(LogError::Corrupt { .. })), "one byte more");
        }
    }

    proptest! {
        #[test]
        fn compressed_batches_round_trip_bit_for_bit(batch in arb_batch(false)) {
            let compressed = encode_compressed(&batch);
            prop_assert_eq!(compressed.first(), Some(&COMPRESSED_VERSION));
            prop_assert_eq!(encode(&decode(&compressed).unwrap()), encode(&batch));
        }

        #[test]
        fn every_cut_of_a_compressed_batch_is_refused(batch in arb_batch(true)) {
            let bytes = encode_compressed(&batch);
            for cut in 0..bytes.len() {
                prop_assert!(matches!(decode(&bytes[..cut]), Err(LogError::Corrupt { .. })), "cut at {}", cut);
            }
        }

        #[test]
        fn any_bytes_after_the_compressed_version_decode_or_are_refused(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let mut compressed = vec![COMPRESSED_VERSION];
            compressed.extend_from_slice(&bytes);
            if let Ok(batch) = decode(&compressed) {
                prop_assert_eq!(encode(&decode(&encode_compressed(&batch)).unwrap()), encode(&batch));
            }
        }
    }

    /// A batch shaped like a fleet's: 3,000 series of a few metrics, hosts and tags, three or
    /// four samples each.
    fn fleet_batch() -> Batch {
        let mut batch = Batch::default();
        for i in 0..3000i64 {
            let host = i / 30;
            let key = SeriesKey::new(format!("bench.gauge.{}", i % 10), format!("host-{host}"))
                .with_tag("dc", format!("dc{}", host % 4))
                .with_tag("rack", format!("r{}", host % 16))
                .with_tag("app", format!("app{}", i % 10));
            let samples: Vec<Sample> = (0..3 + i % 2)
                .map(|k| Sample {
                    timestamp: 1_796_000_000_000 + k * 10_000,
                    value: ((i * 7 + k) % 1000) as f64 / 10.0,
                })
                .collect();
            batch.push_series(&key, samples);
        }
        batch
    }

    #[test]
    fn a_fleet_batch_compresses_to_under_half_and_reads_back() {
        let batch = fleet_batch();
        let plain = encode(&batch);
        let compressed = encode_compressed(&batch);
        assert!(
            compressed.len() * 2 < plain.len(),
            "{} of {} bytes",
            compressed.len(),
            plain.len()
        );
        assert_eq!(decode(&compressed).unwrap(), batch);
    }

    #[test]
    fn compressed_damage_is_named_and_allocates_nothing_large() {
        // A claimed length beyond what the block could hold is refused before allocating it.
        let mut huge = vec![COMPRESSED_VERSION];
        put_varint(&mut huge, 1 << 40);
        huge.extend_from_slice(&[0x10, b'x']);
        let err = decode(&huge).unwrap_err().to_string();
        assert!(err.contains("exceeds what the block can hold"), "{err}");
        // Within the block's reach but beyond the cap.
        let mut capped = vec![COMPRESSED_VERSION];
        put_varint(&mut capped, (MAX_PLAIN_BYTES + 1) as u64);
        capped.extend(std::iter::repeat_n(
            0u8,
            MAX_PLAIN_BYTES / MAX_EXPANSION + 1,
        ));
        let err = decode(&capped).unwrap_err().to_string();
        assert!(err.contains("exceeds what the block can hold"), "{err}");
        // A block that decompresses to fewer bytes than claimed.
        let plain = encode(&Batch::default());
        let mut short = vec![COMPRESSED_VERSION];
        put_varint(&mut short, plain.len() as u64 + 1);
        short.extend_from_slice(&lz4_flex::block::compress(&plain));
        let err = decode(&short).unwrap_err().to_string();
        assert!(err.contains("fewer bytes than claimed"), "{err}");
        // A block that holds another compressed batch, not a version-1 one.
        let inner = encode_compressed(&Batch::default());
        let mut nested = vec![COMPRESSED_VERSION];
        put_varint(&mut nested, inner.len() as u64);
        nested.extend_from_slice(&lz4_flex::block::compress(&inner));
        let err = decode(&nested).unwrap_err().to_string();
        assert!(
            err.contains("after decompressing") && err.contains("version"),
            "{err}"
        );
        // A block that is not LZ4.
        let mut garbage = vec![COMPRESSED_VERSION, 3, 0xf0];
        garbage.extend_from_slice(&[0xff; 4]);
        let err = decode(&garbage).unwrap_err().to_string();
        assert!(err.contains("does not decompress"), "{err}");
    }

    #[test]
    fn an_empty_batch_is_three_bytes_and_reads_back() {
        let bytes = encode(&Batch::default());
        assert_eq!(bytes, [VERSION, 0, 0]);
        assert_eq!(decode(&bytes).unwrap(), Batch::default());
    }

    #[test]
    fn damage_is_named() {
        let err = decode(&[3, 0, 0]).unwrap_err().to_string();
        assert!(err.contains("version"), "{err}");
        let err = decode(&[VERSION, 200, 1]).unwrap_err().to_string();
        assert!(err.contains("count exceeds"), "{err}");
        let err = decode(&[VERSION, 0, 0, 7]).unwrap_err().to_string();
        assert!(err.contains("trailing"), "{err}");
        let err = decode(&[VERSION, 0x80, 0]).unwrap_err().to_string();
        assert!(err.contains("shortest"), "{err}");
    }
}
