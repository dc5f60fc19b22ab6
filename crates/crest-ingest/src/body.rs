//! Request bodies: gzip (one member or several) is undone, anything else is taken as it is.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::MultiGzDecoder;

/// Why a body cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body, decompressed, is larger than the limit (reading stopped at the limit).
    #[error("the decompressed body is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    /// The body starts like gzip but is not valid gzip.
    #[error("the body is not valid gzip")]
    Corrupt(#[source] std::io::Error),
}

/// The gzip magic bytes.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// How much is read from the decoder at a time.
const CHUNK: usize = 64 * 1024;

/// The body's bytes: gunzipped when it starts with the gzip magic (whatever `Content-Encoding`
/// said), borrowed as-is otherwise. Never holds more than `max_bytes` of output (plus one chunk
/// of scratch), so a gzip bomb stops at the limit.
pub fn decompress(body: &[u8], max_bytes: usize) -> Result<Cow<'_, [u8]>, BodyError> {
    if !body.starts_with(&GZIP_MAGIC) {
        return if body.len() > max_bytes {
            Err(BodyError::TooLarge { limit: max_bytes })
        } else {
            Ok(Cow::Borrowed(body))
        };
    }
    let mut decoder = MultiGzDecoder::new(body);
    let mut out: Vec<u8> = Vec::with_capacity(expected_size(body).min(max_bytes));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match decoder.read(&mut chunk) {
            Ok(0) => return Ok(Cow::Owned(out)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(BodyError::Corrupt(e)),
        };
        let read = chunk.get(..n).unwrap_or(&[]);
        let total = out.len().saturating_add(read.len());
        if total > max_bytes {
            return Err(BodyError::TooLarge { limit: max_bytes });
        }
        if total > out.capacity() {
            let target = out.capacity().saturating_mul(2).max(total).min(max_bytes);
            out.reserve_exact(target.saturating_sub(out.len()));
        }
        out.extend_from_slice(read);
    }
}

/// What a gzip body is likely to hold, to size the output once: the size its (last) member's
/// trailer states, which is the whole output for the usual single member. A hint only (a client
/// may state anything, and `decompress` still stops at its limit): at most what deflate can expand
/// the body to (1,032 to 1), and four times the body when the trailer states less than the body.
fn expected_size(body: &[u8]) -> usize {
    let stated = body
        .len()
        .checked_sub(4)
        .and_then(|at| body.get(at..))
        .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
        .map_or(0, |tail| {
            usize::try_from(u32::from_le_bytes(tail)).unwrap_or(usize::MAX)
        });
    if stated >= body.len() {
        stated.min(body.len().saturating_mul(DEFLATE_MAX_RATIO))
    } else {
        body.len().saturating_mul(4)
    }
}

/// The most deflate expands its input (a run of one byte).
const DEFLATE_MAX_RATIO: usize = 1032;

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use proptest::prelude::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::new(6));
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn plain_bodies_are_borrowed() {
        let body = b"m 1 source=a\n";
        assert!(matches!(decompress(body, 100).unwrap(), Cow::Borrowed(_)));
        assert!(matches!(
            decompress(body, 3),
            Err(BodyError::TooLarge { limit: 3 })
        ));
    }

    #[test]
    fn concatenated_members_are_read_in_order() {
        let mut body = gzip(b"a 1 source=x\n");
        body.extend(gzip(b"b 2 source=y\n"));
        assert_eq!(
            &*decompress(&body, 1 << 20).unwrap(),
            b"a 1 source=x\nb 2 source=y\n"
        );
    }

    #[test]
    fn the_output_is_sized_from_the_trailer_within_bounds() {
        let data = b"m 1 source=a\n".repeat(1000);
        let gz = gzip(&data);
        assert_eq!(expected_size(&gz), data.len());
        let mut lying = gz.clone();
        let at = lying.len() - 4;
        lying[at..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(expected_size(&lying), lying.len() * DEFLATE_MAX_RATIO);
        lying[at..].copy_from_slice(&1u32.to_le_bytes());
        assert_eq!(expected_size(&lying), lying.len() * 4);
        assert_eq!(expected_size(&[0x1f, 0x8b]), 8);
        // The trailer is checked too: a body that states a wrong size is refused.
        assert!(matches!(
            decompress(&lying, 1 << 20),
            Err(BodyError::Corrupt(_))
        ));
    }

    #[test]
    fn a_bomb_stops_at_the_limit() {
        let body = gzip(&vec![b'a'; 8 << 20]);
        assert!(body.len() < 64 << 10);
        assert!(matches!(
            decompress(&body, 1 << 20),
            Err(BodyError::TooLarge { limit }) if limit == 1 << 20
        ));
        assert_eq!(decompress(&body, 8 << 20).unwrap().len(), 8 << 20);
    }

    #[test]
    fn broken_gzip_is_corrupt() {
        let mut body = gzip(b"hello world, hello world");
        let n = body.len();
        body.truncate(n - 6);
        assert!(matches!(
            decompress(&body, 1000),
            Err(BodyError::Corrupt(_))
        ));
        assert!(matches!(
            decompress(&[0x1f, 0x8b, 0, 0], 1000),
            Err(BodyError::Corrupt(_))
        ));
    }

    proptest! {
        #[test]
        fn gzip_round_trips(data in proptest::collection::vec(any::<u8>(), 0..4096), members in 1usize..4) {
            let mut body = Vec::new();
            let mut want = Vec::new();
            for _ in 0..members {
                body.extend(gzip(&data));
                want.extend_from_slice(&data);
            }
            prop_assert_eq!(&*decompress(&body, want.len()).unwrap(), &want[..]);
            if !want.is_empty() {
                let too_large = matches!(
                    decompress(&body, want.len() - 1),
                    Err(BodyError::TooLarge { .. })
                );
                prop_assert!(too_large);
            }
        }
    }
}
