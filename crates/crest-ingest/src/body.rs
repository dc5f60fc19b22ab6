//! Request bodies: gzip (one member or several) is undone, anything else is taken as it is.

use std::borrow::Cow;
use std::io::Read;

use flate2::read::MultiGzDecoder;
use libdeflater::Decompressor;

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
    match one_member(body, max_bytes) {
        Some(out) => Ok(Cow::Owned(out)),
        None => members(body, max_bytes).map(Cow::Owned),
    }
}

/// The general reading of a gzip body: every member in turn, streamed, stopping at `max_bytes`.
fn members(body: &[u8], max_bytes: usize) -> Result<Vec<u8>, BodyError> {
    let mut decoder = MultiGzDecoder::new(body);
    let mut out: Vec<u8> = Vec::with_capacity(expected_size(body).min(max_bytes));
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match decoder.read(&mut chunk) {
            Ok(0) => return Ok(out),
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

/// A gzip member's first bytes: the magic and the method (deflate, the only one gzip defines).
const MEMBER_START: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The usual body, one gzip member, decompressed in one call (libdeflate) into a buffer of the
/// size its trailer states. `None` leaves the body to the general reading, which also gives every
/// error: when the stated size is over `max_bytes`, when a second member may follow (the bytes
/// that start one appear after the first byte), when the output is not what the trailer states
/// (a lie, a size over 4 GiB, corrupt data), when there may be bytes after the member.
///
/// libdeflate reads the first member and checks it against that member's own trailer, wherever it
/// ends, without saying where. The output is also checked against the body's last eight bytes, so
/// the member's trailer is those same eight bytes; and those eight bytes must appear nowhere else
/// in the body, so the member's trailer is the one at the end: the member is the whole body.
fn one_member(body: &[u8], max_bytes: usize) -> Option<Vec<u8>> {
    let (crc, size) = trailer(body)?;
    let stated = usize::try_from(size).ok()?;
    if stated > max_bytes || stated > body.len().saturating_mul(DEFLATE_MAX_RATIO) {
        return None;
    }
    if memchr::memmem::find(body.get(1..)?, &MEMBER_START).is_some() {
        return None;
    }
    let end = body.len().checked_sub(8)?;
    let last = body.get(end..)?;
    if memchr::memmem::find(body, last) != Some(end) {
        return None;
    }
    let mut out = vec![0u8; stated];
    let written = Decompressor::new().gzip_decompress(body, &mut out).ok()?;
    (written == stated && crc == libdeflater::crc32(&out)).then_some(out)
}

/// A gzip body's last eight bytes: the CRC-32 and the size (modulo 2^32) its last member states.
fn trailer(body: &[u8]) -> Option<(u32, u32)> {
    let at = body.len().checked_sub(8)?;
    let crc = <[u8; 4]>::try_from(body.get(at..at + 4)?).ok()?;
    let size = <[u8; 4]>::try_from(body.get(at + 4..)?).ok()?;
    Some((u32::from_le_bytes(crc), u32::from_le_bytes(size)))
}

/// What a gzip body is likely to hold, to size the output once: the size its (last) member's
/// trailer states, which is the whole output for the usual single member. A hint only (a client
/// may state anything, and `decompress` still stops at its limit): at most what deflate can expand
/// the body to (1,032 to 1), and four times the body when the trailer states less than the body.
fn expected_size(body: &[u8]) -> usize {
    let stated = trailer(body).map_or(0, |(_, size)| usize::try_from(size).unwrap_or(usize::MAX));
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

    #[test]
    fn one_member_is_read_in_one_call_and_anything_else_by_the_general_reading() {
        let data = b"m 1 source=a\n".repeat(100);
        let one = gzip(&data);
        assert_eq!(one_member(&one, 1 << 20), Some(data.clone()));
        // Over the limit: the general reading says so.
        assert_eq!(one_member(&one, data.len() - 1), None);
        // A second member, or bytes after the member, even bytes ending with its trailer.
        let mut two = one.clone();
        two.extend(gzip(b"b 2 source=y\n"));
        assert_eq!(one_member(&two, 1 << 20), None);
        let mut same_twice = one.clone();
        same_twice.extend(&one);
        assert_eq!(one_member(&same_twice, 1 << 20), None);
        let mut trailing = one.clone();
        trailing.extend(b"junk");
        assert_eq!(one_member(&trailing, 1 << 20), None);
        assert!(matches!(
            decompress(&trailing, 1 << 20),
            Err(BodyError::Corrupt(_))
        ));
        // Bytes after the member that end with its own trailer, and a second member whose header
        // was damaged (so that it does not start as a member), are left to the general reading.
        let mut echoed = one.clone();
        echoed.extend(&one[one.len() - 8..]);
        assert_eq!(one_member(&echoed, 1 << 20), None);
        assert!(decompress(&echoed, 1 << 20).is_err());
        let mut damaged = one.clone();
        damaged.extend(&one);
        damaged[one.len() + 2] ^= 1;
        assert_eq!(one_member(&damaged, 1 << 20), None);
        assert!(decompress(&damaged, 1 << 20).is_err());
    }

    /// A body cut from `members` gzip members of `data`, then changed as `change` says.
    fn mangled(data: &[u8], members: usize, change: (u8, usize, u8)) -> Vec<u8> {
        let mut body = Vec::new();
        for _ in 0..members {
            body.extend(gzip(data));
        }
        let (kind, at, byte) = change;
        let at = at % body.len();
        match kind % 4 {
            0 => {}
            1 => body[at] ^= byte | 1,
            2 => body.truncate(at.max(2)),
            _ => body.extend(std::iter::repeat_n(byte, at % 16 + 1)),
        }
        body
    }

    proptest! {
        #[test]
        fn the_one_call_reading_answers_as_the_general_one(
            data in proptest::collection::vec(any::<u8>(), 0..2048),
            members_n in 1usize..3,
            change in (any::<u8>(), any::<usize>(), any::<u8>()),
            max in 0usize..8192,
        ) {
            let body = mangled(&data, members_n, change);
            prop_assume!(body.starts_with(&GZIP_MAGIC));
            let general = members(&body, max);
            if let Some(fast) = one_member(&body, max) {
                prop_assert_eq!(Some(&fast), general.as_ref().ok());
            }
            match (decompress(&body, max), general) {
                (Ok(a), Ok(b)) => prop_assert_eq!(&*a, &b[..]),
                (Err(BodyError::TooLarge { .. }), Err(BodyError::TooLarge { .. }))
                | (Err(BodyError::Corrupt(_)), Err(BodyError::Corrupt(_))) => {}
                (a, b) => prop_assert!(false, "{:?} against {:?}", a.map(|o| o.len()), b.map(|o| o.len())),
            }
        }

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
