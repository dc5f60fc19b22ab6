//! The value model. An expression evaluates to a set of series (possibly empty: NO DATA) or a set
//! of histogram series. A series is discrete (its points, one per second at most, in time order) or
//! continuous: a constant, or a generator evaluated only at the instants someone needs (the partner
//! series' timestamps in an operation, the bucket starts of the chart), as wql.md §2.2 suggests.
//! Non-finite results (NaN, ±Inf) are never stored: they are absent points.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crest_series::Centroid;

/// `(epoch seconds, value)`.
pub(crate) type Point = (i64, f64);

/// A continuous series' value at an instant, `None` where it has none.
pub(crate) type Generator = Arc<dyn Fn(i64) -> Option<f64> + Send + Sync>;

/// A series' identity. `source` is `None` for a constant and for an aggregate not grouped by
/// sources; `source_tags` are the `tag=` values of the selector that chose this series' source
/// (what `sourceTags` grouping groups by).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Meta {
    pub metric: String,
    pub source: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub source_tags: Vec<String>,
}

impl Meta {
    /// What binary operators match on by default: the source and the point tags, not the metric.
    pub(crate) fn match_key(&self) -> (Option<&str>, &BTreeMap<String, String>) {
        (self.source.as_deref(), &self.tags)
    }
}

#[derive(Clone)]
pub(crate) enum Points {
    Discrete(Vec<Point>),
    Constant(f64),
    Generator(Generator),
}

impl fmt::Debug for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Points::Discrete(p) => f.debug_tuple("Discrete").field(p).finish(),
            Points::Constant(c) => f.debug_tuple("Constant").field(c).finish(),
            Points::Generator(_) => f.write_str("Generator"),
        }
    }
}

impl Points {
    /// Discrete points with the non-finite ones left out.
    pub(crate) fn discrete(points: Vec<Point>) -> Self {
        Points::Discrete(finite(points))
    }

    /// A constant, or no points at all when it is not finite.
    pub(crate) fn constant(value: f64) -> Self {
        if value.is_finite() {
            Points::Constant(value)
        } else {
            Points::Discrete(Vec::new())
        }
    }

    /// A generator whose non-finite values are absent.
    pub(crate) fn generator(f: impl Fn(i64) -> Option<f64> + Send + Sync + 'static) -> Self {
        Points::Generator(Arc::new(move |t| f(t).filter(|v| v.is_finite())))
    }

    pub(crate) fn is_continuous(&self) -> bool {
        !matches!(self, Points::Discrete(_))
    }

    /// A continuous series' value at `t` (`None` for a discrete one: use a sampler).
    pub(crate) fn continuous_at(&self, t: i64) -> Option<f64> {
        match self {
            Points::Discrete(_) => None,
            Points::Constant(c) => Some(*c),
            Points::Generator(g) => g(t),
        }
    }

    /// The same series with `f` applied to every value (point-wise functions keep discreteness).
    pub(crate) fn map(self, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Self {
        match self {
            Points::Discrete(p) => {
                Points::discrete(p.into_iter().map(|(t, v)| (t, f(v))).collect())
            }
            Points::Constant(c) => Points::constant(f(c)),
            Points::Generator(g) => Points::generator(move |t| g(t).map(&f)),
        }
    }
}

/// Keeps the finite points.
pub(crate) fn finite(mut points: Vec<Point>) -> Vec<Point> {
    points.retain(|(_, v)| v.is_finite());
    points
}

#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub meta: Meta,
    pub points: Points,
    /// A number written in the query: it has no identity and matches every series.
    pub literal: bool,
}

impl Series {
    pub(crate) fn new(meta: Meta, points: Points) -> Self {
        Self {
            meta,
            points,
            literal: false,
        }
    }

    pub(crate) fn literal(value: f64) -> Self {
        Self {
            meta: Meta::default(),
            points: Points::constant(value),
            literal: true,
        }
    }
}

/// One histogram series: its distributions, in time order, stamped at their bin's start (seconds).
#[derive(Debug, Clone)]
pub(crate) struct HistSeries {
    pub meta: Meta,
    pub dists: Vec<(i64, Vec<Centroid>)>,
}

#[derive(Debug, Clone)]
pub(crate) enum Value {
    Series(Vec<Series>),
    Histograms(Vec<HistSeries>),
}

impl Value {
    /// The same value with `set` applied to the identity of every series (or histogram series).
    pub(crate) fn try_map_meta<E>(
        self,
        set: impl Fn(&mut Meta) -> Result<(), E>,
    ) -> Result<Value, E> {
        Ok(match self {
            Value::Series(mut s) => {
                for x in &mut s {
                    set(&mut x.meta)?;
                }
                Value::Series(s)
            }
            Value::Histograms(mut h) => {
                for x in &mut h {
                    set(&mut x.meta)?;
                }
                Value::Histograms(h)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_values_are_absent() {
        let p = Points::discrete(vec![(1, 1.0), (2, f64::NAN), (3, f64::INFINITY), (4, -2.0)]);
        match p {
            Points::Discrete(p) => assert_eq!(p, vec![(1, 1.0), (4, -2.0)]),
            other => panic!("{other:?}"),
        }
        assert!(matches!(Points::constant(f64::NAN), Points::Discrete(p) if p.is_empty()));
        let g = Points::generator(|t| Some(1.0 / t as f64));
        assert_eq!(g.continuous_at(0), None);
        assert_eq!(g.continuous_at(4), Some(0.25));
    }

    #[test]
    fn map_keeps_the_kind() {
        let d = Points::discrete(vec![(1, 2.0)]).map(|v| -v);
        assert!(matches!(d, Points::Discrete(ref p) if p == &vec![(1, -2.0)]));
        let c = Points::constant(3.0).map(|v| v * 2.0);
        assert_eq!(c.continuous_at(99), Some(6.0));
        assert!(
            matches!(Points::constant(0.0).map(|v| 1.0 / v), Points::Discrete(p) if p.is_empty())
        );
    }
}
