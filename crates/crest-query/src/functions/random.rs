//! `random(n|p%, expr)`: a random subset of the series (`n` of them, or `p%` rounded), and
//! `random()`: a continuous series of random values in `[0, 1)` (wql.md §2.10.3, §2.2).
//!
//! Decision (the docs say repeated calls differ; crest chooses answers that can be checked and
//! cached): the randomness is a hash, with no global generator. The seed is the FNV-1a hash of
//! the query as printed (so spacing does not matter) and of how many `random` calls the evaluation
//! made before this one (so `random() - random()` is not 0). `random(n, expr)` keeps the `n`
//! series whose identity hashes smallest from that seed, as `sample()` does from a fixed one, so
//! the same query over the same series keeps the same subset and another query another; a value
//! of `random()` is SplitMix64 of the seed and the second, its top 53 bits read as a fraction, so
//! an instant shows the same value on every refresh.

use crest_wql::Call;

use super::args::name;
use super::rank::{FNV_OFFSET, hashed_subset};
use crate::error::QueryError;
use crate::eval::Ctx;
use crate::value::{Meta, Points, Series, Value};

pub(crate) fn random(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    let (query, draw) = ctx.random_draw();
    let seed = seed_of(&query, draw);
    if !call.args.is_empty() {
        return hashed_subset(call, ctx, depth, seed);
    }
    let mut s = Series::new(
        Meta {
            metric: name(call).to_owned(),
            ..Meta::default()
        },
        Points::generator(move |t| Some(unit(seed, t))),
    );
    s.literal = true;
    Ok(Value::Series(vec![s]))
}

/// FNV-1a of the query text, then of the draw's number.
fn seed_of(query: &str, draw: u64) -> u64 {
    query
        .as_bytes()
        .iter()
        .chain(&[0])
        .chain(&draw.to_le_bytes())
        .fold(FNV_OFFSET, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// SplitMix64's output for the `t`-th step from `seed`.
fn splitmix64(seed: u64, t: i64) -> u64 {
    #[allow(clippy::cast_sign_loss)]
    let step = t as u64;
    let mut z = seed.wrapping_add(step.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A value in `[0, 1)`: the top 53 bits of the hash as a fraction.
fn unit(seed: u64, t: i64) -> f64 {
    // 53 bits: exact in an f64
    #[allow(clippy::cast_precision_loss)]
    let top = (splitmix64(seed, t) >> 11) as f64;
    top / 9_007_199_254_740_992.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_gives_the_published_sequence() {
        // SplitMix64 seeded with 0 (Vigna's reference implementation): the first three outputs
        assert_eq!(splitmix64(0, 0), 0xe220_a839_7b1d_cdaf);
        assert_eq!(splitmix64(0, 1), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(splitmix64(0, 2), 0x06c4_5d18_8009_454f);
    }

    #[test]
    fn values_are_fractions_that_depend_on_the_query_the_draw_and_the_second() {
        let a = seed_of("random()", 0);
        assert_eq!(a, seed_of("random()", 0));
        assert_ne!(a, seed_of("random()", 1));
        assert_ne!(a, seed_of("random() ", 0));
        // 0xe220a8397b1dcdaf >> 11 over 2^53
        assert_eq!(
            unit(0, 0),
            (0xe220_a839_7b1d_cdaf_u64 >> 11) as f64 / 2f64.powi(53)
        );
        let values: Vec<f64> = (0..10_000).map(|t| unit(a, t)).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        // roughly uniform: a tenth in each tenth, give or take 2 %
        for decile in 0..10 {
            let lo = f64::from(decile) / 10.0;
            let n = values
                .iter()
                .filter(|v| **v >= lo && **v < lo + 0.1)
                .count();
            assert!((800..1200).contains(&n), "{decile}: {n}");
        }
        assert_eq!(unit(a, 42), unit(a, 42));
        assert_ne!(unit(a, 42), unit(a, 43));
    }
}
