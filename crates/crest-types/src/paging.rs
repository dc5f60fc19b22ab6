//! The paged container shared by every list and search answer, and the `offset`/`limit` rules.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The number of items a page holds when the caller names no `limit`, or `limit=0`.
pub const DEFAULT_LIMIT: u32 = 100;
/// The most items one page may hold; larger requests are clamped to it.
pub const MAX_LIMIT: u32 = 1000;
/// The largest `offset` accepted: the API's offsets are Java `int`/`long` values, and the stores
/// count in signed 64-bit integers. A larger offset is refused, never clamped or echoed.
pub const MAX_OFFSET: u64 = i64::MAX.unsigned_abs();

/// `Sorting`: the field a page is ordered by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sorting {
    pub field: String,
    pub ascending: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<bool>,
}

/// `Paged<X>`: one page of a longer list.
///
/// `items`, `offset`, `limit`, `totalItems` and `moreItems` are always present; `cursor` and `sort`
/// only where the listing has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub offset: u64,
    pub limit: u32,
    pub total_items: u64,
    pub more_items: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<Sorting>,
}

/// Declares the documentation schema of one `Paged<X>` under its official name (`PagedAccount`, …).
///
/// Answers are serialized through the generic [`Paged`]; this type only names its shape in the
/// OpenAPI document, and a test checks that both carry the same fields.
#[macro_export]
macro_rules! paged_schema {
    ($(#[$meta:meta])* $name:ident, $item:ty) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub items: Vec<$item>,
            pub offset: u64,
            pub limit: u32,
            pub total_items: u64,
            pub more_items: bool,
            pub cursor: Option<String>,
            pub sort: Option<$crate::paging::Sorting>,
        }
    };
}

/// A validated page request: where a page starts and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// Why a page request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequestError {
    Offset(String),
    Limit(String),
}

impl std::fmt::Display for PageRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Offset(v) => write!(
                f,
                "offset must be an integer from 0 to {MAX_OFFSET}, got '{v}'"
            ),
            Self::Limit(v) => write!(f, "limit must be a non-negative integer, got '{v}'"),
        }
    }
}

impl std::error::Error for PageRequestError {}

impl PageRequest {
    /// The one paging rule, whatever the request came in: `offset` is 0 to [`MAX_OFFSET`]
    /// (larger is refused); `limit` 0 means the default page size ([`DEFAULT_LIMIT`], as if it
    /// were left out), and a limit above [`MAX_LIMIT`] is clamped to it.
    pub fn new(offset: u64, limit: u64) -> Result<Self, PageRequestError> {
        if offset > MAX_OFFSET {
            return Err(PageRequestError::Offset(offset.to_string()));
        }
        let limit = if limit == 0 {
            DEFAULT_LIMIT
        } else {
            clamp_limit(limit)
        };
        Ok(Self { offset, limit })
    }

    /// Reads `offset` and `limit` as the query string gives them: absent (or empty) means the
    /// default, then [`PageRequest::new`]'s rule; anything negative or non-numeric is refused.
    pub fn parse(offset: Option<&str>, limit: Option<&str>) -> Result<Self, PageRequestError> {
        let offset = match offset.map(str::trim) {
            None | Some("") => 0,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| *n <= MAX_OFFSET)
                .ok_or_else(|| PageRequestError::Offset(v.to_owned()))?,
        };
        let limit = match limit.map(str::trim) {
            None | Some("") => 0,
            Some(v) => {
                // Huge but well-formed numbers are still numbers: clamp them rather than refuse.
                if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    v.parse::<u64>().unwrap_or(u64::MAX)
                } else {
                    return Err(PageRequestError::Limit(v.to_owned()));
                }
            }
        };
        Self::new(offset, limit)
    }

    /// Reads `offset` and `limit` as a JSON body gives them (search requests), by the same rules.
    pub fn from_numbers(offset: Option<i64>, limit: Option<i64>) -> Result<Self, PageRequestError> {
        let offset = match offset {
            None => 0,
            Some(n) => u64::try_from(n).map_err(|_| PageRequestError::Offset(n.to_string()))?,
        };
        let limit = match limit {
            None => 0,
            Some(n) => u64::try_from(n).map_err(|_| PageRequestError::Limit(n.to_string()))?,
        };
        Self::new(offset, limit)
    }

    /// This page of a whole list held in memory, each item mapped, with the list's length as the
    /// total.
    pub fn page_of<T, U>(&self, all: &[T], map: impl FnMut(&T) -> U) -> Paged<U> {
        let items = all
            .iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(self.limit as usize)
            .map(map)
            .collect();
        self.page(items, all.len() as u64)
    }

    /// A page of `items` cut from a list of `total` items that starts at this request's offset.
    pub fn page<T>(&self, items: Vec<T>, total: u64) -> Paged<T> {
        let end = self.offset.saturating_add(items.len() as u64);
        Paged {
            items,
            offset: self.offset,
            limit: self.limit,
            total_items: total,
            more_items: end < total,
            cursor: None,
            sort: None,
        }
    }
}

fn clamp_limit(n: u64) -> u32 {
    u32::try_from(n.min(u64::from(MAX_LIMIT))).unwrap_or(MAX_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_apply_when_absent() {
        assert_eq!(PageRequest::parse(None, None), Ok(PageRequest::default()));
        assert_eq!(
            PageRequest::parse(Some(""), Some("")),
            Ok(PageRequest::default())
        );
    }

    #[test]
    fn large_limits_are_clamped() {
        let p = PageRequest::parse(None, Some("5000")).expect("valid");
        assert_eq!(p.limit, MAX_LIMIT);
        let p = PageRequest::parse(None, Some("99999999999999999999999")).expect("valid");
        assert_eq!(p.limit, MAX_LIMIT);
    }

    #[test]
    fn limit_zero_means_the_default_everywhere() {
        assert_eq!(
            PageRequest::parse(None, Some("0")).map(|p| p.limit),
            Ok(DEFAULT_LIMIT)
        );
        assert_eq!(
            PageRequest::parse(None, Some("000")).map(|p| p.limit),
            Ok(DEFAULT_LIMIT)
        );
        assert_eq!(
            PageRequest::from_numbers(None, Some(0)).map(|p| p.limit),
            Ok(DEFAULT_LIMIT)
        );
        assert_eq!(PageRequest::new(0, 0).map(|p| p.limit), Ok(DEFAULT_LIMIT));
    }

    #[test]
    fn offsets_beyond_i64_are_refused_never_echoed() {
        let max = i64::MAX.to_string();
        assert_eq!(
            PageRequest::parse(Some(&max), None).map(|p| p.offset),
            Ok(MAX_OFFSET)
        );
        for beyond in [
            "9223372036854775808",
            "18446744073709551615",
            "99999999999999999999",
        ] {
            let e = PageRequest::parse(Some(beyond), None).expect_err(beyond);
            assert_eq!(
                e.to_string(),
                format!("offset must be an integer from 0 to 9223372036854775807, got '{beyond}'")
            );
        }
        assert!(PageRequest::new(MAX_OFFSET + 1, 1).is_err());
        assert_eq!(
            PageRequest::from_numbers(Some(i64::MAX), None).map(|p| p.offset),
            Ok(MAX_OFFSET)
        );
    }

    #[test]
    fn negative_and_garbage_are_refused() {
        assert!(PageRequest::parse(None, Some("-1")).is_err());
        assert!(PageRequest::parse(Some("-5"), None).is_err());
        assert!(PageRequest::parse(None, Some("ten")).is_err());
        assert!(PageRequest::parse(Some("1.5"), None).is_err());
    }

    #[test]
    fn body_numbers_follow_the_same_rules() {
        assert_eq!(
            PageRequest::from_numbers(None, None),
            Ok(PageRequest::default())
        );
        let p = PageRequest::from_numbers(Some(5), Some(5000)).expect("valid");
        assert_eq!((p.offset, p.limit), (5, MAX_LIMIT));
        assert!(PageRequest::from_numbers(Some(-1), None).is_err());
        assert!(PageRequest::from_numbers(None, Some(-1)).is_err());
    }

    #[test]
    fn page_of_cuts_a_window() {
        let all: Vec<u32> = (0..5).collect();
        let page = PageRequest {
            offset: 3,
            limit: 10,
        }
        .page_of(&all, |n| n * 10);
        assert_eq!(
            (page.items, page.total_items, page.more_items),
            (vec![30, 40], 5, false)
        );
        let page = PageRequest {
            offset: 9,
            limit: 1,
        }
        .page_of(&all, |n| *n);
        assert!(page.items.is_empty());
    }

    #[test]
    fn more_items_reflects_the_rest() {
        let p = PageRequest {
            offset: 2,
            limit: 2,
        };
        let page = p.page(vec![1, 2], 5);
        assert!(page.more_items);
        let page = p.page(vec![1, 2], 4);
        assert!(!page.more_items);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn parse_never_panics_and_limit_is_bounded(o in ".{0,24}", l in ".{0,24}") {
            if let Ok(p) = PageRequest::parse(Some(&o), Some(&l)) {
                prop_assert!(p.limit <= MAX_LIMIT);
            }
        }

        #[test]
        fn every_non_negative_limit_is_accepted(n in 1u64..u64::MAX) {
            let p = PageRequest::parse(None, Some(&n.to_string())).expect("numbers are valid");
            prop_assert_eq!(u64::from(p.limit), n.min(u64::from(MAX_LIMIT)));
        }

        /// The query string and a JSON body agree on every pair of numbers both can carry.
        #[test]
        fn query_and_body_follow_one_rule(o in 0i64..i64::MAX, l in 0i64..i64::MAX) {
            prop_assert_eq!(
                PageRequest::parse(Some(&o.to_string()), Some(&l.to_string())),
                PageRequest::from_numbers(Some(o), Some(l))
            );
        }
    }
}
