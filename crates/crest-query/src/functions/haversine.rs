//! `haversine(lat1, long1, lat2, long2)` (wql.md §2.10.8): the great-circle distance between two
//! points given in degrees, each argument a number or an expression. The four sides are matched as
//! a binary operator's are (`lat1` with `long1`, `lat2` with `long2`, then the two pairs) and
//! interpolated at the union of their timestamps.
//!
//! The docs give no formula and no radius (wql.md §6 silent 9), but their two screenshots do give
//! answers: `haversine(37.4419, 122.1430, 52.5200, 13.4050)` = 4903.81 ("miles") and
//! `haversine(-122.3271205, 47.6788206, -122.5271205, 47.6788206)` = 13.833. Both are the haversine
//! formula with an Earth radius of 3963 miles (the equatorial radius, rounded), so the answer is in
//! miles, and a latitude outside ±90° is taken as it is, as the second example shows.

use crest_wql::Call;

use super::args::{arity, expr_at, name};
use crate::error::QueryError;
use crate::eval::{Ctx, eval_series};
use crate::interp::combine_all;
use crate::matching::pairs;
use crate::value::{Points, Series, Value};

/// The Earth's radius the service's answers agree with, in miles.
pub(crate) const EARTH_RADIUS_MILES: f64 = 3963.0;

/// The distance in miles between two points given in degrees.
pub(crate) fn distance(lat1: f64, long1: f64, lat2: f64, long2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let half_dphi = (phi2 - phi1) / 2.0;
    let half_dlambda = (long2 - long1).to_radians() / 2.0;
    let a = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
    2.0 * EARTH_RADIUS_MILES * a.sqrt().min(1.0).asin()
}

/// A matched set of arguments: the identity the result takes, and each argument's points.
struct Matched {
    head: Series,
    parts: Vec<Points>,
}

impl Matched {
    fn of(s: Series) -> Self {
        Self {
            head: Series {
                meta: s.meta,
                points: Points::Discrete(Vec::new()),
                literal: s.literal,
            },
            parts: vec![s.points],
        }
    }
}

/// The matched pairs of two sides (wql.md §2.4), their arguments side by side.
fn join(left: Vec<Matched>, right: Vec<Matched>, ctx: &Ctx<'_>) -> Vec<Matched> {
    let heads = |side: &[Matched]| side.iter().map(|m| m.head.clone()).collect::<Vec<_>>();
    let (matched, unmatched) = pairs(&heads(&left), &heads(&right), false, None);
    if unmatched > 0 {
        ctx.warn(format!(
            "{unmatched} series were not included in all queries"
        ));
    }
    matched
        .into_iter()
        .filter_map(|p| {
            let (l, r) = (left.get(p.left)?, right.get(p.right)?);
            let meta = if p.left_meta {
                &l.head.meta
            } else {
                &r.head.meta
            };
            Some(Matched {
                head: Series {
                    meta: meta.clone(),
                    points: Points::Discrete(Vec::new()),
                    literal: l.head.literal && r.head.literal,
                },
                parts: l.parts.iter().chain(&r.parts).cloned().collect(),
            })
        })
        .collect()
}

pub(crate) fn haversine(call: &Call, ctx: &Ctx<'_>, depth: usize) -> Result<Value, QueryError> {
    arity(call, 4, 4)?;
    let mut sides = Vec::with_capacity(4);
    for i in 0..4 {
        let series = eval_series(expr_at(call, i)?, ctx, depth, name(call))?;
        sides.push(series.into_iter().map(Matched::of).collect::<Vec<_>>());
    }
    let mut sides = sides.into_iter();
    let (Some(lat1), Some(long1), Some(lat2), Some(long2)) =
        (sides.next(), sides.next(), sides.next(), sides.next())
    else {
        return Ok(Value::Series(Vec::new()));
    };
    let first = join(lat1, long1, ctx);
    let second = join(lat2, long2, ctx);
    let edge = ctx.chart.edge;
    let mut out = Vec::new();
    for m in join(first, second, ctx) {
        let points = combine_all(&m.parts, edge, |v| match v {
            [lat1, long1, lat2, long2] => Some(distance(*lat1, *long1, *lat2, *long2)),
            _ => None,
        });
        if let Points::Discrete(d) = &points {
            ctx.tick(d.len())?;
        }
        out.push(Series { points, ..m.head });
    }
    Ok(Value::Series(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_screenshots_answer_with_a_radius_of_3963_miles() {
        // ts_haversine.md (2020): Palo Alto - Berlin, shown as 4903.81
        let d = distance(37.4419, 122.1430, 52.5200, 13.4050);
        assert!((d - 4903.81).abs() < 0.005, "{d}");
        // ts_haversine.md (2018): 0.2 degrees of latitude apart, shown as 13.833:
        // 2 · 3963 · asin(sin(0.1°)) = 3963 · 0.2 · π / 180 = 13.8335
        let d = distance(-122.327_120_5, 47.678_820_6, -122.527_120_5, 47.678_820_6);
        assert!((d - 13.8335).abs() < 0.0005, "{d}");
    }

    #[test]
    fn a_quarter_of_the_equator_and_a_point_to_itself() {
        // from (0, 0) to (0, 90): a quarter of the circumference, π/2 · 3963
        let d = distance(0.0, 0.0, 0.0, 90.0);
        assert!(
            (d - 3963.0 * std::f64::consts::FRAC_PI_2).abs() < 1e-9,
            "{d}"
        );
        // pole to pole: π · 3963
        let d = distance(90.0, 0.0, -90.0, 0.0);
        assert!((d - 3963.0 * std::f64::consts::PI).abs() < 1e-9, "{d}");
        assert_eq!(distance(52.52, 13.405, 52.52, 13.405), 0.0);
    }
}
