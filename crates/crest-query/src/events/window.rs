//! Which events a query window shows: wql.md §2.9's table (KAT-42, alerts-dashboards-events-
//! proxies.md E-3), followed literally. An event is shown when it starts before the window's end
//! and is open or ends after the window's start, except one that starts before the window and
//! ends after it (row 4: "no longer returned", for performance, since 2018.10).
//!
//! Where the table is silent: an event starting exactly at the window's start counts as starting
//! after it, one ending exactly at the window's end as ending before it, and one ending exactly at
//! the window's start as ended before it (the window is `[start, end)`, an event `[start, end)`).
//! The later edition of the docs also marks row 5 (open, started before the window) "no"; the
//! reference's table and KAT-42 show it, so crest shows it.

/// Whether an event from `start` to `end` (`None`: open) is shown in the window `[from, to)`
/// (all epoch milliseconds).
pub(crate) fn in_window(start: i64, end: Option<i64>, from: i64, to: i64) -> bool {
    if start >= to {
        return false;
    }
    match end {
        None => true,
        Some(end) => end > from && !(start < from && end > to),
    }
}

#[cfg(test)]
mod tests {
    use super::in_window;

    #[test]
    fn the_documented_table() {
        let (s, e) = (1000, 2000);
        let rows: [(i64, Option<i64>, bool); 9] = [
            (100, Some(200), false),
            (1100, Some(1900), true),
            (900, Some(1100), true),
            (900, Some(2100), false),
            (900, None, true),
            (1100, Some(2100), true),
            (2100, None, false),
            (1100, None, true),
            (2100, Some(2200), false),
        ];
        for (i, (start, end, shown)) in rows.into_iter().enumerate() {
            assert_eq!(in_window(start, end, s, e), shown, "row {}", i + 1);
        }
    }

    #[test]
    fn edges() {
        assert!(in_window(1000, Some(1001), 1000, 2000));
        assert!(!in_window(2000, None, 1000, 2000));
        assert!(!in_window(900, Some(1000), 1000, 2000));
        assert!(in_window(900, Some(2000), 1000, 2000));
    }
}
