//! Numbers as Java reads them: `Double.parseDouble` for values and centroid means,
//! `Integer.parseInt` for centroid counts.
//!
//! `parse_java_double` takes exactly Java's grammar: optional leading and trailing characters
//! `<= ' '` (Java's `trim`), an optional sign, then `NaN`, `Infinity`, a decimal number (`1`, `1.`,
//! `.5`, `1.5e-3`) or a hexadecimal one (`0x1.8p1`, the binary exponent required), a decimal or
//! hexadecimal number optionally followed by one of `d`, `D`, `f`, `F` (ignored, as
//! `parseDouble` ignores it). Decimal digits are converted by Rust's `str::parse::<f64>`, which
//! rounds correctly, as Java does; hexadecimal ones are converted here with round-half-even.
#![deny(clippy::arithmetic_side_effects)]

/// `Double.parseDouble(text)`, or `None` where Java throws `NumberFormatException`.
pub fn parse_java_double(text: &str) -> Option<f64> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let bytes = trimmed.as_bytes();
    let (negative, unsigned) = match bytes.first() {
        Some(b'-') => (true, bytes.get(1..)?),
        Some(b'+') => (false, bytes.get(1..)?),
        _ => (false, bytes),
    };
    let magnitude = match unsigned.first()? {
        b'N' => (unsigned == b"NaN").then_some(f64::NAN)?,
        b'I' => (unsigned == b"Infinity").then_some(f64::INFINITY)?,
        b'0' if matches!(unsigned.get(1), Some(b'x' | b'X')) => hex(unsigned.get(2..)?)?,
        _ => decimal(unsigned)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A decimal number without its sign, in Java's grammar; the suffix is dropped.
fn decimal(bytes: &[u8]) -> Option<f64> {
    let body = match bytes.last()? {
        b'd' | b'D' | b'f' | b'F' => bytes.get(..bytes.len().checked_sub(1)?)?,
        _ => bytes,
    };
    let digits = |from: usize| -> usize {
        body.get(from..)
            .map_or(0, |s| s.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let int_digits = digits(0);
    let mut i = int_digits;
    let mut frac_digits = 0;
    if body.get(i) == Some(&b'.') {
        i = i.checked_add(1)?;
        frac_digits = digits(i);
        i = i.checked_add(frac_digits)?;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        i = i.checked_add(1)?;
        if matches!(body.get(i), Some(b'+' | b'-')) {
            i = i.checked_add(1)?;
        }
        let exp_digits = digits(i);
        if exp_digits == 0 {
            return None;
        }
        i = i.checked_add(exp_digits)?;
    }
    if i != body.len() {
        return None;
    }
    if let Some(exact) = small_decimal(body, int_digits, frac_digits) {
        return Some(exact);
    }
    // The grammar above is a subset of what Rust's parser accepts, so this only converts.
    std::str::from_utf8(body).ok()?.parse::<f64>().ok()
}

/// Powers of ten a double holds exactly.
const EXACT_POWERS: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `digits[.digits]` (no exponent) of at most 15 digits in all: the digits as an integer below
/// 2^53 and a power of ten are both exact, and one IEEE division rounds correctly, so this is
/// the correctly rounded value (Clinger's fast path).
fn small_decimal(body: &[u8], int_digits: usize, frac_digits: usize) -> Option<f64> {
    let total = int_digits.checked_add(frac_digits)?;
    let expected_len = if body.contains(&b'.') {
        total.checked_add(1)?
    } else {
        total
    };
    if total > 15 || body.len() != expected_len {
        return None;
    }
    let mut mantissa: u64 = 0;
    for &b in body {
        if b != b'.' {
            mantissa = mantissa
                .checked_mul(10)?
                .checked_add(u64::from(b.wrapping_sub(b'0')))?;
        }
    }
    let power = EXACT_POWERS.get(frac_digits)?;
    // Below 10^15 < 2^53: exact.
    #[allow(clippy::cast_precision_loss)]
    let mantissa = mantissa as f64;
    Some(mantissa / power)
}

/// A hexadecimal number after its `0x`, in Java's grammar (`p` exponent required).
fn hex(bytes: &[u8]) -> Option<f64> {
    let body = match bytes.last()? {
        b'd' | b'D' | b'f' | b'F' => bytes.get(..bytes.len().checked_sub(1)?)?,
        _ => bytes,
    };
    let p = body.iter().position(|&b| b == b'p' || b == b'P')?;
    let (mantissa, exponent) = body.split_at(p);
    let exponent = exponent.get(1..)?;
    let (exp_negative, exp_digits) = match exponent.first() {
        Some(b'-') => (true, exponent.get(1..)?),
        Some(b'+') => (false, exponent.get(1..)?),
        _ => (false, exponent),
    };
    if exp_digits.is_empty() || !exp_digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Huge exponents saturate: the value is then 0 or infinite anyway.
    let mut exp: i64 = 0;
    for &d in exp_digits {
        exp = exp
            .saturating_mul(10)
            .saturating_add(i64::from(d.wrapping_sub(b'0')));
    }
    if exp_negative {
        exp = exp.saturating_neg();
    }
    let (int_part, frac_part) = match mantissa.iter().position(|&b| b == b'.') {
        Some(dot) => {
            let (a, b) = mantissa.split_at(dot);
            (a, b.get(1..)?)
        }
        None => (mantissa, &[][..]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    // Accumulate up to 60 significant bits exactly; later non-zero digits only set a sticky bit.
    let mut bits: u64 = 0;
    let mut sticky = false;
    let mut scale: i64 = 0; // binary exponent adjustment for digits not accumulated / fraction
    let mut started = false;
    for (i, &c) in int_part.iter().chain(frac_part.iter()).enumerate() {
        let d = u64::from(hex_digit(c)?);
        let in_fraction = i >= int_part.len();
        if !started && d == 0 {
            if in_fraction {
                scale = scale.saturating_sub(4);
            }
            continue;
        }
        started = true;
        if bits >> 56 == 0 {
            bits = (bits << 4) | d;
            if in_fraction {
                scale = scale.saturating_sub(4);
            }
        } else {
            sticky |= d != 0;
            if !in_fraction {
                scale = scale.saturating_add(4);
            }
        }
    }
    if bits == 0 {
        return Some(0.0);
    }
    Some(compose(bits, sticky, exp.saturating_add(scale)))
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(c.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

/// `bits × 2^exp` (plus a sticky bit below `bits`) rounded half-to-even to a double.
fn compose(bits: u64, sticky: bool, exp: i64) -> f64 {
    // Normalise so that the top bit is bit 63.
    let lz = bits.leading_zeros();
    let m = bits << lz;
    // Value = m × 2^(exp - lz); as 1.f × 2^e: e = exp - lz + 63.
    let e = exp.saturating_sub(i64::from(lz)).saturating_add(63);
    if e > 1023 {
        return f64::INFINITY;
    }
    // Number of mantissa bits kept (53 for normal numbers, fewer for subnormals).
    let keep: i64 = if e >= -1022 {
        53
    } else {
        53i64.saturating_sub((-1022i64).saturating_sub(e))
    };
    if keep < 0 {
        return 0.0;
    }
    let drop = 64i64.saturating_sub(keep);
    let drop_u32 = u32::try_from(drop).unwrap_or(64);
    let kept = if drop_u32 >= 64 { 0 } else { m >> drop_u32 };
    let rest_bits = if drop_u32 >= 64 {
        m
    } else if drop_u32 == 0 {
        0
    } else {
        m << (64u32.saturating_sub(drop_u32))
    };
    let half = 1u64 << 63;
    let round_up = rest_bits > half || (rest_bits == half && (sticky || kept & 1 == 1));
    let mut kept = kept.saturating_add(u64::from(round_up));
    let mut e = e;
    if keep == 53 && kept >> 53 != 0 {
        kept >>= 1;
        e = e.saturating_add(1);
        if e > 1023 {
            return f64::INFINITY;
        }
    }
    if e >= -1022 && kept >> 52 != 0 {
        // Normal: biased exponent e + 1023, 52 fraction bits.
        let biased = u64::try_from(e.saturating_add(1023)).unwrap_or(0);
        f64::from_bits((biased << 52) | (kept & ((1u64 << 52) - 1)))
    } else {
        // Subnormal (or rounded up into the smallest normal, which the same bits express).
        f64::from_bits(kept)
    }
}

/// `Integer.parseInt(text)`: an optional sign and decimal digits within `i32`, nothing else.
pub fn parse_java_int(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    let digits = match bytes.first()? {
        b'+' | b'-' => bytes.get(1..)?,
        _ => bytes,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    text.parse::<i32>().ok()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn java_decimal_syntax() {
        for (text, want) in [
            ("1", 1.0),
            ("-1.5", -1.5),
            ("+2", 2.0),
            ("1.", 1.0),
            (".5", 0.5),
            ("1e3", 1000.0),
            ("1E-3", 0.001),
            ("4.5e+0", 4.5),
            ("42422.0", 42422.0),
            ("7d", 7.0),
            ("7.25F", 7.25),
            (" 3 ", 3.0),
            ("\t3\n", 3.0),
            ("Infinity", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("1e400", f64::INFINITY),
            ("1e-400", 0.0),
        ] {
            assert_eq!(parse_java_double(text), Some(want), "{text}");
        }
        assert!(parse_java_double("NaN").unwrap().is_nan());
        assert!(parse_java_double("-NaN").unwrap().is_nan());
    }

    #[test]
    fn what_java_refuses() {
        for text in [
            "",
            " ",
            "NaNx",
            "nan",
            "inf",
            "infinity",
            "INFINITY",
            "1e",
            "e5",
            ".",
            "1.2.3",
            "--1",
            "+-1",
            "1 2",
            "0x",
            "0x1",
            "0x1.8",
            "1_000",
            "１",
            "1e5d5",
            "NaNd",
            "Infinityf",
            "d",
            "0xp1",
        ] {
            assert_eq!(parse_java_double(text), None, "{text:?}");
        }
    }

    #[test]
    fn hexadecimal_floats() {
        for (text, want) in [
            ("0x1p0", 1.0),
            ("0x1.8p1", 3.0),
            ("-0X10P-4", -1.0),
            ("0x.8p0", 0.5),
            ("0x1.fffffffffffffp1023", f64::MAX),
            ("0x1p-1074", f64::from_bits(1)),
            ("0x1p-1075", 0.0),
            ("0x1.8p-1075", f64::from_bits(1)),
            ("0x1p1024", f64::INFINITY),
            ("0x0p0", 0.0),
            ("0x1.00000000000008p0", 1.0),
            ("0x1.000000000000080001p0", 1.0 + f64::EPSILON),
            ("0x1.00000000000018p0", 1.0 + 2.0 * f64::EPSILON),
            ("0x1p0d", 1.0),
        ] {
            assert_eq!(parse_java_double(text), Some(want), "{text}");
        }
    }

    #[test]
    fn java_ints() {
        assert_eq!(parse_java_int("20"), Some(20));
        assert_eq!(parse_java_int("+20"), Some(20));
        assert_eq!(parse_java_int("-3"), Some(-3));
        assert_eq!(parse_java_int("2147483648"), None);
        assert_eq!(parse_java_int("1.0"), None);
        assert_eq!(parse_java_int(""), None);
        assert_eq!(parse_java_int("+"), None);
    }

    proptest! {
        #[test]
        fn every_finite_double_round_trips_through_its_text(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            prop_assert_eq!(parse_java_double(&format!("{v:e}")).map(f64::to_bits), Some(bits));
            prop_assert_eq!(parse_java_double(&format!("{v:?}")).map(f64::to_bits), Some(bits));
        }

        #[test]
        fn hex_text_of_a_double_reads_back(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite() && v != 0.0);
            let exp = ((bits >> 52) & 0x7ff) as i64;
            let frac = bits & ((1u64 << 52) - 1);
            let sign = if v < 0.0 { "-" } else { "" };
            let text = if exp == 0 {
                format!("{sign}0x0.{frac:013x}p-1022")
            } else {
                format!("{sign}0x1.{frac:013x}p{}", exp - 1023)
            };
            prop_assert_eq!(parse_java_double(&text).map(f64::to_bits), Some(bits));
        }

        #[test]
        fn short_decimals_agree_with_the_general_conversion(text in "[0-9]{0,9}(\\.[0-9]{0,9})?") {
            prop_assert_eq!(
                parse_java_double(&text).map(f64::to_bits),
                text.parse::<f64>().ok().filter(|_| text != "." && !text.is_empty()).map(f64::to_bits)
            );
        }

        #[test]
        fn never_panics(text in "\\PC*") {
            let _ = parse_java_double(&text);
            let _ = parse_java_int(&text);
        }
    }
}
