//! Series matching for binary operators and two-series functions (wql.md §2.4): which left series
//! pairs with which right series, and whose metadata the result carries.
//!
//! - A number written in the query matches every series of the other side.
//! - Without `[op]` (strict), a side with exactly one series matches every series of the other.
//! - Otherwise series pair when their keys are equal: the source and the whole point-tag map, or
//!   the listed keys under `by (...)` (`source` names the source). The metric is not part of it.
//! - Per key, one series on one side matches all of the other side's; several on both sides is
//!   ambiguous and gives nothing for that key ("the system doesn't pick one"). `groupLeft` allows
//!   many on the left only, `groupRight` many on the right only.
//! - Unmatched series are dropped; the caller gets a warning naming how many.
//! - The result carries the metadata of the side that has several series for the key (the "more
//!   detailed side"), of the named side under `groupLeft`/`groupRight`, and otherwise of the side
//!   with more series overall (the left one on a tie).

use std::collections::BTreeMap;

use crest_wql::{GroupSide, Matching};

use crate::value::{Meta, Series};

/// The indices of the left and the right series that share one key.
type Sides = (Vec<usize>, Vec<usize>);

/// One matched pair: indices into the left and right sides, and whether the result takes the left
/// side's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pair {
    pub left: usize,
    pub right: usize,
    pub left_meta: bool,
}

/// The pairs, and how many series of either side found no partner.
pub(crate) fn pairs(
    left: &[Series],
    right: &[Series],
    strict: bool,
    matching: Option<&Matching>,
) -> (Vec<Pair>, usize) {
    if left.is_empty() || right.is_empty() {
        return (Vec::new(), left.len() + right.len());
    }
    let more_left = left.len() >= right.len();
    let all_right = |left_meta: bool| {
        (0..right.len())
            .map(|r| Pair {
                left: 0,
                right: r,
                left_meta,
            })
            .collect::<Vec<Pair>>()
    };
    let all_left = || {
        (0..left.len())
            .map(|l| Pair {
                left: l,
                right: 0,
                left_meta: true,
            })
            .collect::<Vec<Pair>>()
    };
    let (left_literal, right_literal) = (is_literal(left), is_literal(right));
    if left_literal {
        return (all_right(right_literal), 0);
    }
    if right_literal {
        return (all_left(), 0);
    }
    if !strict && matching.is_none() {
        if left.len() == 1 {
            return (all_right(right.len() == 1), 0);
        }
        if right.len() == 1 {
            return (all_left(), 0);
        }
    }
    let key = |m: &Meta| -> Vec<Option<String>> {
        match matching {
            Some(by) => by
                .keys
                .iter()
                .map(|k| match k.as_str() {
                    "source" | "sources" | "host" => m.source.clone(),
                    "metric" | "metrics" => Some(m.metric.clone()),
                    tag => m.tags.get(tag).cloned(),
                })
                .collect(),
            None => {
                let (source, tags) = m.match_key();
                std::iter::once(source.map(str::to_owned))
                    .chain(
                        tags.iter()
                            .flat_map(|(k, v)| [Some(k.clone()), Some(v.clone())]),
                    )
                    .collect()
            }
        }
    };
    let mut groups: BTreeMap<Vec<Option<String>>, Sides> = BTreeMap::new();
    for (i, s) in left.iter().enumerate() {
        groups.entry(key(&s.meta)).or_default().0.push(i);
    }
    for (i, s) in right.iter().enumerate() {
        groups.entry(key(&s.meta)).or_default().1.push(i);
    }
    let side = matching.and_then(|m| m.side);
    let mut out = Vec::new();
    let mut unmatched = 0usize;
    for (ls, rs) in groups.values() {
        let ok = match side {
            Some(GroupSide::Left) => rs.len() == 1,
            Some(GroupSide::Right) => ls.len() == 1,
            None => ls.len() == 1 || rs.len() == 1,
        };
        if !ok || ls.is_empty() || rs.is_empty() {
            unmatched += ls.len() + rs.len();
            continue;
        }
        let left_meta = match side {
            Some(GroupSide::Left) => true,
            Some(GroupSide::Right) => false,
            None if ls.len() > 1 => true,
            None if rs.len() > 1 => false,
            None => more_left,
        };
        for &l in ls {
            for &r in rs {
                out.push(Pair {
                    left: l,
                    right: r,
                    left_meta,
                });
            }
        }
    }
    out.sort_by_key(|p| (p.left, p.right));
    (out, unmatched)
}

fn is_literal(side: &[Series]) -> bool {
    matches!(side, [only] if only.literal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Points;

    fn on(source: &str) -> Series {
        Series::new(
            Meta {
                metric: "m".into(),
                source: Some(source.into()),
                ..Meta::default()
            },
            Points::constant(1.0),
        )
    }

    fn lr(p: &[Pair]) -> Vec<(usize, usize, bool)> {
        p.iter().map(|p| (p.left, p.right, p.left_meta)).collect()
    }

    #[test]
    fn equal_keys_pair_and_the_rest_is_dropped() {
        let (p, unmatched) = pairs(
            &[on("a"), on("b"), on("c")],
            &[on("b"), on("c"), on("d")],
            false,
            None,
        );
        assert_eq!(lr(&p), vec![(1, 0, true), (2, 1, true)]);
        assert_eq!(unmatched, 2);
    }

    #[test]
    fn singletons_broadcast_unless_strict() {
        let left = [on("a"), on("b"), on("c")];
        let (p, _) = pairs(&left, &[on("a")], false, None);
        assert_eq!(lr(&p), vec![(0, 0, true), (1, 0, true), (2, 0, true)]);
        let (p, _) = pairs(&left, &[on("a")], true, None);
        assert_eq!(lr(&p), vec![(0, 0, true)]);
        let (p, _) = pairs(&[Series::literal(2.0)], &left, true, None);
        assert_eq!(lr(&p), vec![(0, 0, false), (0, 1, false), (0, 2, false)]);
    }
}
