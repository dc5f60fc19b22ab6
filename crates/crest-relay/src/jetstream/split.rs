//! Cutting a batch whose encoding (compressed: [`codec::encode_compressed`]) is over NATS's max
//! payload into consecutive batches that each fit, in order, without losing or reordering a point.

use crest_series::Batch;

use crate::codec;
use crate::error::LogError;

/// The compressed encodings of `batch`, or of consecutive parts of it when the whole is over `limit` bytes:
/// each at most `limit` bytes, in the batch's order (series in push order, each series' samples in
/// order, then the distributions). Decoded and put back together they hold exactly the batch's
/// points. Fails (before anything is logged) when a single point encodes over the limit.
pub(crate) fn encode_within(batch: &Batch, limit: usize) -> Result<Vec<Vec<u8>>, LogError> {
    let mut payloads = Vec::new();
    push_encoded(batch, limit, &mut payloads)?;
    Ok(payloads)
}

/// Encodes `batch` into `payloads`, halving it (and each half in turn) until every part fits.
/// Each level encodes every point once, and there are about log2(points / points per payload)
/// levels.
fn push_encoded(batch: &Batch, limit: usize, payloads: &mut Vec<Vec<u8>>) -> Result<(), LogError> {
    let encoded = codec::encode_compressed(batch);
    if encoded.len() <= limit {
        payloads.push(encoded);
        return Ok(());
    }
    let Some((front, back)) = split_in_two(batch) else {
        return Err(LogError::corrupt(format!(
            "one point of the batch encodes to {} bytes, over the NATS server's max payload of {limit} bytes",
            encoded.len()
        )));
    };
    push_encoded(&front, limit, payloads)?;
    push_encoded(&back, limit, payloads)
}

/// How much of a batch a part takes: a sample, a distribution, or a series without samples (kept
/// so that the parts still name every series entry of the batch).
fn units(batch: &Batch) -> usize {
    batch
        .series()
        .map(|series| series.samples.len().max(1))
        .sum::<usize>()
        + batch.histograms.len()
}

/// The batch cut into a front and a back of about the same number of units (a series' samples may
/// be cut between the two: the back then carries the rest of that series under the same key);
/// `None` when it holds a single unit.
pub(crate) fn split_in_two(batch: &Batch) -> Option<(Batch, Batch)> {
    let total = units(batch);
    if total < 2 {
        return None;
    }
    let mut front_left = total / 2;
    let mut front = Batch::default();
    let mut back = Batch::default();
    for series in batch.series() {
        let weight = series.samples.len().max(1);
        if front_left >= weight {
            front.push_canonical(series.canonical, series.samples);
            front_left -= weight;
        } else if front_left == 0 {
            back.push_canonical(series.canonical, series.samples);
        } else {
            // Only a series with more samples than front_left lands here, so both parts have some.
            let (head, tail) = series.samples.split_at(front_left);
            front.push_canonical(series.canonical, head);
            back.push_canonical(series.canonical, tail);
            front_left = 0;
        }
    }
    let histograms_in_front = front_left.min(batch.histograms.len());
    let (head, tail) = batch.histograms.split_at(histograms_in_front);
    front.histograms = head.to_vec();
    back.histograms = tail.to_vec();
    Some((front, back))
}

#[cfg(test)]
mod tests {
    use crest_series::{Distribution, Granularity, HistogramPoint, Sample, SeriesKey};

    use super::*;

    fn samples(count: usize) -> Vec<Sample> {
        (0..count)
            .map(|i| Sample {
                timestamp: i as i64 * 1000,
                value: i as f64,
            })
            .collect()
    }

    fn histogram(timestamp: i64) -> HistogramPoint {
        HistogramPoint {
            key: SeriesKey::new("latency", "h1"),
            granularity: Granularity::Minute,
            distribution: Distribution {
                timestamp,
                centroids: vec![],
            },
            merge: true,
        }
    }

    /// Every (key, sample) in order, and the distributions, of several batches put together.
    fn points(batches: &[Batch]) -> (Vec<(Vec<u8>, Sample)>, Vec<HistogramPoint>) {
        let mut samples = Vec::new();
        let mut histograms = Vec::new();
        for batch in batches {
            for series in batch.series() {
                samples.extend(
                    series
                        .samples
                        .iter()
                        .map(|s| (series.canonical.to_vec(), *s)),
                );
            }
            histograms.extend(batch.histograms.iter().cloned());
        }
        (samples, histograms)
    }

    fn mixed_batch() -> Batch {
        let mut batch = Batch::default();
        batch.push_series(&SeriesKey::new("cpu", "h1"), samples(7));
        batch.push_series(&SeriesKey::new("empty", "h1"), samples(0));
        batch.push_series(&SeriesKey::new("mem", "h2").with_tag("dc", "x"), samples(3));
        batch.histograms = (0..4).map(|i| histogram(i * 60_000)).collect();
        batch
    }

    #[test]
    fn halves_keep_every_point_in_order() {
        let batch = mixed_batch();
        let (front, back) = split_in_two(&batch).unwrap();
        assert_eq!(units(&front) + units(&back), units(&batch));
        assert_eq!(units(&front), units(&batch) / 2);
        assert_eq!(points(&[front, back]), points(&[batch]));
    }

    #[test]
    fn a_single_point_does_not_split() {
        let single = Batch::from_series([(SeriesKey::new("m", "s"), samples(1))]);
        assert!(split_in_two(&single).is_none());
        assert!(split_in_two(&Batch::default()).is_none());
        assert!(split_in_two(&Batch::from_histograms(vec![histogram(0)])).is_none());
    }

    #[test]
    fn parts_fit_the_limit_and_decode_to_the_batch() {
        let mut batch = mixed_batch();
        batch.push_series(&SeriesKey::new("long", "h3"), samples(500));
        let whole = codec::encode_compressed(&batch).len();
        let limit = whole / 5;
        let payloads = encode_within(&batch, limit).unwrap();
        assert!(payloads.len() >= 5, "{} parts", payloads.len());
        assert!(payloads.iter().all(|p| p.len() <= limit));
        let decoded: Vec<Batch> = payloads.iter().map(|p| codec::decode(p).unwrap()).collect();
        assert_eq!(points(&decoded), points(&[batch]));
    }

    #[test]
    fn a_batch_within_the_limit_is_one_payload() {
        let batch = mixed_batch();
        let encoded = codec::encode_compressed(&batch);
        assert_eq!(encoded.first(), Some(&codec::COMPRESSED_VERSION));
        assert_eq!(encode_within(&batch, encoded.len()).unwrap(), vec![encoded]);
    }

    #[test]
    fn a_point_over_the_limit_is_refused() {
        let batch = Batch::from_series([(SeriesKey::new("m", "s"), samples(1))]);
        let err = encode_within(&batch, 4).unwrap_err();
        assert!(matches!(err, LogError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().contains("max payload of 4 bytes"), "{err}");
    }
}
