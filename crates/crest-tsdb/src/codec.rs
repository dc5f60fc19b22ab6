//! Little-endian integers and LEB128 varints: written into a buffer, read back with every length
//! and count checked, so corrupt bytes give an error, never a panic or a huge allocation.
#![deny(clippy::arithmetic_side_effects)]

/// Where and why decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DecodeError {
    pub offset: usize,
    pub reason: &'static str,
}

pub(crate) fn put_u8(out: &mut Vec<u8>, v: u8) {
    out.push(v);
}

pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_i64(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(&v.to_le_bytes());
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        let [low, ..] = (v & 0x7f).to_le_bytes();
        out.push(low | 0x80);
        v >>= 7;
    }
    let [low, ..] = v.to_le_bytes();
    out.push(low);
}

/// Signed values as varints, small magnitudes short.
pub(crate) fn put_zigzag(out: &mut Vec<u8>, v: i64) {
    put_varint(out, zigzag(v));
}

pub(crate) fn zigzag(v: i64) -> u64 {
    (v.wrapping_shl(1) ^ (v >> 63)).cast_unsigned()
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    (v >> 1).cast_signed() ^ (v & 1).cast_signed().wrapping_neg()
}

/// A cursor over bytes whose every read is checked.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    pub(crate) fn error(&self, reason: &'static str) -> DecodeError {
        DecodeError {
            offset: self.pos,
            reason,
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(self.error("length overflows"))?;
        let out = self
            .bytes
            .get(self.pos..end)
            .ok_or(self.error("length runs past the end"))?;
        self.pos = end;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let bytes = self.take(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        let [b] = self.array::<1>()?;
        Ok(b)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, DecodeError> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    pub(crate) fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.error("varint overflows 64 bits"));
            }
            out |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        Err(self.error("varint longer than 10 bytes"))
    }

    pub(crate) fn zigzag(&mut self) -> Result<i64, DecodeError> {
        Ok(unzigzag(self.varint()?))
    }

    /// A varint that fits in `u32`.
    pub(crate) fn varint_u32(&mut self) -> Result<u32, DecodeError> {
        let v = self.varint()?;
        u32::try_from(v).map_err(|_| self.error("value exceeds 32 bits"))
    }

    /// A count of items that each take at least `min_bytes`: refused when the remaining bytes
    /// cannot hold them, so a corrupt count never drives a large allocation.
    pub(crate) fn count(&mut self, min_bytes: usize) -> Result<usize, DecodeError> {
        let n = self.varint()?;
        let n = usize::try_from(n).map_err(|_| self.error("count exceeds memory"))?;
        let need = n
            .checked_mul(min_bytes)
            .ok_or(self.error("count overflows"))?;
        if need > self.remaining() {
            return Err(self.error("count exceeds the bytes that follow"));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::arithmetic_side_effects,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn varints_and_zigzags_round_trip(u in any::<u64>(), i in any::<i64>()) {
            let mut out = Vec::new();
            put_varint(&mut out, u);
            put_zigzag(&mut out, i);
            let mut r = Reader::new(&out);
            prop_assert_eq!(r.varint().unwrap(), u);
            prop_assert_eq!(r.zigzag().unwrap(), i);
            prop_assert!(r.is_empty());
        }

        #[test]
        fn any_bytes_decode_to_a_value_or_an_error(bytes in proptest::collection::vec(any::<u8>(), 0..24)) {
            let mut r = Reader::new(&bytes);
            let _ = r.varint();
            let _ = r.count(1);
            let _ = r.u64();
        }
    }

    #[test]
    fn counts_beyond_the_remaining_bytes_are_refused() {
        let mut out = Vec::new();
        put_varint(&mut out, 1 << 40);
        assert!(Reader::new(&out).count(1).is_err());
        assert!(Reader::new(&[0xff; 11]).varint().is_err());
    }
}
