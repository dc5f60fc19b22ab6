//! Distributions: the histograms of `!M`/`!H`/`!D` lines, binned per minute, hour or day.

use crate::key::SeriesKey;

/// The bin a distribution belongs to; queried as `<name>.m`, `.h` or `.d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Granularity {
    Minute,
    Hour,
    Day,
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Granularity::Minute, Granularity::Hour, Granularity::Day];

    /// The bin's width in milliseconds.
    pub fn millis(self) -> i64 {
        match self {
            Granularity::Minute => 60_000,
            Granularity::Hour => 3_600_000,
            Granularity::Day => 86_400_000,
        }
    }

    /// The start of the bin holding `timestamp`.
    pub fn floor(self, timestamp: i64) -> i64 {
        timestamp
            .div_euclid(self.millis())
            .saturating_mul(self.millis())
    }

    /// The suffix the query language reads the histogram by: `m`, `h` or `d`.
    pub fn suffix(self) -> &'static str {
        match self {
            Granularity::Minute => "m",
            Granularity::Hour => "h",
            Granularity::Day => "d",
        }
    }

    /// How long after a bin a `_merge=false` distribution may still replace the bin's content (the
    /// product's documented overwrite windows).
    pub fn overwrite_window_millis(self) -> i64 {
        match self {
            Granularity::Minute => 30 * 60_000,
            Granularity::Hour => 6 * 3_600_000,
            Granularity::Day => 86_400_000,
        }
    }

    /// A stable one-byte code for engines that store it.
    pub fn code(self) -> u8 {
        match self {
            Granularity::Minute => 0,
            Granularity::Hour => 1,
            Granularity::Day => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.code() == code)
    }
}

/// One centroid: `count` values around `mean`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Centroid {
    pub mean: f64,
    pub count: u32,
}

/// A distribution at the start of its bin.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub timestamp: i64,
    pub centroids: Vec<Centroid>,
}

impl Distribution {
    /// Adds another distribution of the same bin: centroids with the same mean (to the bit) are
    /// combined, the rest kept in order of mean. Lossless.
    pub fn merge(&mut self, other: &Distribution) {
        self.centroids.extend_from_slice(&other.centroids);
        self.centroids.sort_by(|a, b| a.mean.total_cmp(&b.mean));
        let mut merged: Vec<Centroid> = Vec::with_capacity(self.centroids.len());
        for c in self.centroids.drain(..) {
            match merged.last_mut() {
                Some(last) if last.mean.to_bits() == c.mean.to_bits() => {
                    last.count = last.count.saturating_add(c.count);
                }
                _ => merged.push(c),
            }
        }
        self.centroids = merged;
    }

    pub fn count(&self) -> u64 {
        self.centroids.iter().map(|c| u64::from(c.count)).sum()
    }
}

/// One reported distribution, as a batch carries it. `key.metric` is the name as reported (without
/// the granularity suffix).
#[derive(Debug, Clone, PartialEq)]
pub struct HistogramPoint {
    pub key: SeriesKey,
    pub granularity: Granularity,
    /// The distribution, its timestamp already at the start of its bin.
    pub distribution: Distribution,
    /// `false` when the line carried `_merge=false`: it replaces what the bin held instead of adding to it.
    pub merge: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_floor_to_their_start() {
        assert_eq!(Granularity::Minute.floor(61_500), 60_000);
        assert_eq!(Granularity::Hour.floor(3_599_999), 0);
        assert_eq!(Granularity::Day.floor(-1), -86_400_000);
    }

    #[test]
    fn merging_combines_equal_means_and_sorts() {
        let mut a = Distribution {
            timestamp: 0,
            centroids: vec![Centroid {
                mean: 30.0,
                count: 20,
            }],
        };
        a.merge(&Distribution {
            timestamp: 0,
            centroids: vec![
                Centroid {
                    mean: 5.1,
                    count: 10,
                },
                Centroid {
                    mean: 30.0,
                    count: 1,
                },
            ],
        });
        assert_eq!(
            a.centroids,
            vec![
                Centroid {
                    mean: 5.1,
                    count: 10
                },
                Centroid {
                    mean: 30.0,
                    count: 21
                }
            ]
        );
        assert_eq!(a.count(), 31);
    }

    #[test]
    fn codes_round_trip() {
        for g in Granularity::ALL {
            assert_eq!(Granularity::from_code(g.code()), Some(g));
        }
    }
}
