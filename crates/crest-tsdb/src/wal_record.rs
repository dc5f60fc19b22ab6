//! The payloads of WAL records: series definitions, and batches (new series, samples with
//! delta-encoded timestamps and raw value bits, distributions with their arrival sequence).
#![deny(clippy::arithmetic_side_effects)]

use crest_series::{Centroid, Sample, SeriesKey};

use crate::codec::{DecodeError, Reader, put_u8, put_u64, put_varint, put_zigzag};
use crate::head::HistEntry;
use crate::registry::Kind;

/// A series definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Def {
    pub id: u32,
    pub kind: Kind,
    pub key: SeriesKey,
}

/// A batch record read back; replay reuses one for every record, so decoding does not allocate
/// per series.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DecodedBatch {
    pub defs: Vec<Def>,
    /// Every series' samples, one after the other.
    pub samples: Vec<Sample>,
    /// Each series' id and sample count, in the order of `samples`.
    pub series: Vec<(u32, usize)>,
    pub hists: Vec<(u32, HistEntry)>,
}

impl DecodedBatch {
    /// Each series' id and samples.
    pub(crate) fn series_samples(&self) -> impl Iterator<Item = (u32, &[Sample])> {
        let mut rest = self.samples.as_slice();
        self.series.iter().map(move |(id, n)| {
            let (this, next) = rest.split_at_checked(*n).unwrap_or((rest, &[]));
            rest = next;
            (*id, this)
        })
    }
}

pub(crate) fn put_count(out: &mut Vec<u8>, n: usize) {
    put_varint(out, n as u64);
}

pub(crate) fn put_def(out: &mut Vec<u8>, id: u32, kind: Kind, canonical: &[u8]) {
    put_varint(out, u64::from(id));
    put_u8(out, kind.code());
    put_count(out, canonical.len());
    out.extend_from_slice(canonical);
}

/// One series' samples: id, count, timestamps as zigzag deltas, then the values' bits.
pub(crate) fn put_samples(out: &mut Vec<u8>, id: u32, samples: &[Sample]) {
    put_varint(out, u64::from(id));
    put_count(out, samples.len());
    let mut prev = 0i64;
    for s in samples {
        put_zigzag(out, s.timestamp.wrapping_sub(prev));
        prev = s.timestamp;
    }
    for s in samples {
        put_u64(out, s.value.to_bits());
    }
}

pub(crate) fn put_hist(
    out: &mut Vec<u8>,
    id: u32,
    timestamp: i64,
    merge: bool,
    centroids: &[Centroid],
) {
    put_varint(out, u64::from(id));
    put_zigzag(out, timestamp);
    put_u8(out, u8::from(merge));
    put_count(out, centroids.len());
    for c in centroids {
        put_u64(out, c.mean.to_bits());
        put_varint(out, u64::from(c.count));
    }
}

pub(crate) fn decode_defs(r: &mut Reader<'_>) -> Result<Vec<Def>, DecodeError> {
    let n = r.count(3)?;
    let mut defs = Vec::with_capacity(n);
    for _ in 0..n {
        let id = r.varint_u32()?;
        let kind = Kind::from_code(r.u8()?).ok_or(r.error("unknown series kind"))?;
        let len = r.count(1)?;
        let bytes = r.take(len)?;
        let key = SeriesKey::from_canonical(bytes).ok_or(r.error("not a canonical series key"))?;
        defs.push(Def { id, kind, key });
    }
    Ok(defs)
}

pub(crate) fn decode_series_record(payload: &[u8]) -> Result<Vec<Def>, DecodeError> {
    let mut r = Reader::new(payload);
    let defs = decode_defs(&mut r)?;
    if !r.is_empty() {
        return Err(r.error("bytes after the series definitions"));
    }
    Ok(defs)
}

/// Decodes a batch record into `out` (cleared first). `first_seq` is the arrival sequence of the
/// record's first distribution when it has none; it ends one past its last.
pub(crate) fn decode_batch(
    payload: &[u8],
    first_seq: &mut u64,
    out: &mut DecodedBatch,
) -> Result<(), DecodeError> {
    out.samples.clear();
    out.series.clear();
    out.hists.clear();
    let mut r = Reader::new(payload);
    out.defs = decode_defs(&mut r)?;
    let n_series = r.count(2)?;
    for _ in 0..n_series {
        let id = r.varint_u32()?;
        let n = r.count(9)?;
        let start = out.samples.len();
        let mut prev = 0i64;
        for _ in 0..n {
            prev = prev.wrapping_add(r.zigzag()?);
            out.samples.push(Sample {
                timestamp: prev,
                value: 0.0,
            });
        }
        for s in out.samples.get_mut(start..).unwrap_or_default() {
            s.value = f64::from_bits(r.u64()?);
        }
        out.series.push((id, n));
    }
    let n_hists = r.count(4)?;
    if n_hists > 0 {
        *first_seq = r.varint()?;
    }
    let mut seq = *first_seq;
    for _ in 0..n_hists {
        let id = r.varint_u32()?;
        let timestamp = r.zigzag()?;
        let merge = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.error("merge flag is neither 0 nor 1")),
        };
        let n = r.count(9)?;
        let mut centroids = Vec::with_capacity(n);
        for _ in 0..n {
            let mean = f64::from_bits(r.u64()?);
            let count = r.varint_u32()?;
            centroids.push(Centroid { mean, count });
        }
        out.hists.push((
            id,
            HistEntry {
                timestamp,
                seq,
                merge,
                centroids,
            },
        ));
        seq = seq.checked_add(1).ok_or(r.error("sequence overflows"))?;
    }
    if !r.is_empty() {
        return Err(r.error("bytes after the batch"));
    }
    *first_seq = seq;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;
    use crest_series::Granularity;
    use proptest::prelude::*;

    fn encode(b: &DecodedBatch, first_seq: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_count(&mut out, b.defs.len());
        for d in &b.defs {
            put_def(&mut out, d.id, d.kind, &d.key.canonical());
        }
        put_count(&mut out, b.series.len());
        for (id, s) in b.series_samples() {
            put_samples(&mut out, id, s);
        }
        put_count(&mut out, b.hists.len());
        if !b.hists.is_empty() {
            put_varint(&mut out, first_seq);
        }
        for (id, h) in &b.hists {
            put_hist(&mut out, *id, h.timestamp, h.merge, &h.centroids);
        }
        out
    }

    fn sample() -> impl Strategy<Value = Sample> {
        (any::<i64>(), any::<u64>()).prop_map(|(timestamp, bits)| Sample {
            timestamp,
            value: f64::from_bits(bits),
        })
    }

    proptest! {
        #[test]
        fn batches_round_trip_bit_for_bit(
            series in proptest::collection::vec((any::<u32>(), proptest::collection::vec(sample(), 0..20)), 0..5),
            hists in proptest::collection::vec((any::<u32>(), any::<i64>(), any::<bool>(), proptest::collection::vec((any::<u64>(), any::<u32>()), 0..4)), 0..4),
            first_seq in 0u64..1 << 60,
        ) {
            let batch = DecodedBatch {
                defs: vec![Def { id: 3, kind: Kind::Histogram(Granularity::Hour), key: SeriesKey::new("m", "s").with_tag("k", "v") }],
                samples: series.iter().flat_map(|(_, s)| s.iter().copied()).collect(),
                series: series.iter().map(|(id, s)| (*id, s.len())).collect(),
                hists: hists.into_iter().enumerate().map(|(i, (id, timestamp, merge, cs))| (id, HistEntry {
                    timestamp, merge, seq: first_seq + i as u64,
                    centroids: cs.into_iter().map(|(m, count)| Centroid { mean: f64::from_bits(m), count }).collect(),
                })).collect(),
            };
            let bytes = encode(&batch, first_seq);
            let mut seq = first_seq;
            let mut back = DecodedBatch::default();
            decode_batch(&bytes, &mut seq, &mut back).unwrap();
            let as_bits = |b: &DecodedBatch| format!("{:?}", b.series_samples().map(|(i, s)| (i, s.iter().map(|x| (x.timestamp, x.value.to_bits())).collect::<Vec<_>>())).collect::<Vec<_>>());
            prop_assert_eq!(as_bits(&back), as_bits(&batch));
            prop_assert_eq!(&back.defs, &batch.defs);
            prop_assert_eq!(back.hists.len(), batch.hists.len());
            prop_assert_eq!(seq, first_seq + batch.hists.len() as u64);
            // every prefix of a batch is an error, never a panic
            for cut in 0..bytes.len() {
                let mut s = 0;
                let _ = decode_batch(&bytes[..cut], &mut s, &mut back);
            }
        }
    }
}
