//! The chart's frame: its window, bucket and clock, the time range a read covers, and the time
//! windows written in a query (`5m`, `2bw`, a bare number of minutes) in seconds.

use crest_wql::{Arg, Expr, Window, WindowUnit};

use crate::error::QueryError;
use crate::interp::edge_start;
use crate::request::{QueryRequest, Summarization};

/// The longest time window a query may name (ten years): bounds every shifted or widened read.
pub(crate) const MAX_WINDOW_SECONDS: i64 = 10 * 366 * 86_400;

/// The latest instant a request may name (epoch seconds, in the year 5138): keeps every sum of
/// instants and windows far from overflow.
pub(crate) const MAX_EPOCH: i64 = 100_000_000_000;

/// A half-open range of epoch seconds, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Range {
    pub from: i64,
    pub to: i64,
}

impl Range {
    /// The smallest range covering both.
    pub(crate) fn union(self, other: Range) -> Range {
        Range {
            from: self.from.min(other.from),
            to: self.to.max(other.to),
        }
    }

    /// Starting `seconds` earlier.
    pub(crate) fn back(self, seconds: i64) -> Range {
        Range {
            from: self.from.saturating_sub(seconds),
            to: self.to,
        }
    }

    /// Moved by `seconds` (earlier when negative).
    pub(crate) fn shift(self, seconds: i64) -> Range {
        Range {
            from: self.from.saturating_add(seconds),
            to: self.to.saturating_add(seconds),
        }
    }

    /// Widened to whole buckets of `width` seconds.
    pub(crate) fn aligned(self, width: i64) -> Range {
        let width = width.max(1);
        Range {
            from: self.from.div_euclid(width).saturating_mul(width),
            to: self
                .to
                .div_euclid(width)
                .saturating_add(1)
                .saturating_mul(width),
        }
    }
}

/// The frame one query is evaluated in (epoch seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chart {
    pub start: i64,
    pub end: i64,
    pub granularity: i64,
    /// The chart bucket: the granularity, widened when `p` asks for fewer points.
    pub bucket: i64,
    /// How the chart summarises a bucket (and how an aggregation pre-aligns its input).
    pub summarization: Summarization,
    pub now: i64,
    /// Where the live-edge zone begins (see [`edge_start`]).
    pub edge: i64,
    /// The obsolescence period (seconds): how far `default()`, `last()` and `next()` fill without
    /// a window.
    pub obsolete_after: i64,
}

impl Chart {
    pub(crate) fn new(request: &QueryRequest) -> Result<Self, QueryError> {
        if request.end <= request.start {
            return Err(QueryError::exec(format!(
                "the query window is empty: start {} is not before end {}",
                request.start, request.end
            )));
        }
        for (what, t) in [
            ("start", request.start),
            ("end", request.end),
            ("now", request.now),
        ] {
            if !(-MAX_EPOCH..=MAX_EPOCH).contains(&t) {
                return Err(QueryError::exec(format!(
                    "{what} {t} is not an epoch second this server can chart"
                )));
            }
        }
        if request.granularity < 1 || request.granularity > MAX_WINDOW_SECONDS {
            return Err(QueryError::exec(format!(
                "granularity must be a positive number of seconds up to ten years, not {}",
                request.granularity
            )));
        }
        if request.obsolete_after < 1 || request.obsolete_after > MAX_WINDOW_SECONDS {
            return Err(QueryError::exec(format!(
                "the obsolescence period must be a positive number of seconds up to ten years, not {}",
                request.obsolete_after
            )));
        }
        Ok(Self {
            start: request.start,
            end: request.end,
            granularity: request.granularity,
            bucket: crate::bucket::width(request),
            summarization: request.summarization,
            now: request.now,
            edge: edge_start(request.start, request.end, request.now),
            obsolete_after: request.obsolete_after,
        })
    }

    /// The window `[start, end)` in epoch milliseconds.
    pub(crate) fn window_ms(&self) -> (i64, i64) {
        (
            self.start.saturating_mul(1000),
            self.end.saturating_mul(1000),
        )
    }

    /// The view window's length.
    pub(crate) fn view(&self) -> i64 {
        self.end.saturating_sub(self.start)
    }

    /// What a plain selector reads: the window from the start of its first bucket, plus a margin on
    /// both sides for interpolation and first differences (a tenth of the window, at least 5 minutes
    /// and a bucket, at most an hour; the docs do not say how far neighbours may be: wql.md §6
    /// silent 1).
    pub(crate) fn base_range(&self) -> Range {
        let margin = (self.view() / 10).clamp(300, 3600).max(self.granularity);
        Range {
            from: self
                .start
                .div_euclid(self.granularity)
                .saturating_mul(self.granularity)
                .saturating_sub(margin),
            to: self.end.saturating_add(margin),
        }
    }

    /// A written window in seconds: `Window` arguments by their unit (`vw` = the view window,
    /// `bw` = the chart bucket), a bare number as minutes. Under a second, or beyond ten years, is
    /// refused.
    pub(crate) fn window(&self, arg: &Arg, function: &str) -> Result<i64, QueryError> {
        let seconds = match arg {
            Arg::Window(w) => self.window_seconds(*w),
            Arg::Expr(Expr::Number(n)) if *n >= 0.0 && n.fract() == 0.0 && *n <= 1e9 => {
                // a whole number of minutes under 10^9: exact
                #[allow(clippy::cast_possible_truncation)]
                let minutes = *n as i64;
                Some(minutes.saturating_mul(60))
            }
            _ => None,
        };
        match seconds {
            Some(s) if (1..=MAX_WINDOW_SECONDS).contains(&s) => Ok(s),
            _ => Err(QueryError::exec(format!(
                "{function}(): expected a time window of whole seconds up to ten years (such as 5m or 1h), got {}",
                describe(arg)
            ))),
        }
    }

    fn window_seconds(&self, w: Window) -> Option<i64> {
        let amount = i64::try_from(w.amount).ok()?;
        let unit = match w.unit {
            WindowUnit::Millis => {
                return (amount % 1000 == 0).then_some(amount / 1000);
            }
            WindowUnit::Seconds => 1,
            WindowUnit::Minutes => 60,
            WindowUnit::Hours => 3600,
            WindowUnit::Days => 86_400,
            WindowUnit::Weeks => 604_800,
            WindowUnit::ViewWindows => self.view(),
            WindowUnit::Buckets => self.granularity,
        };
        amount.checked_mul(unit)
    }
}

/// An argument as the user wrote it, roughly, for error messages.
pub(crate) fn describe(arg: &Arg) -> String {
    match arg {
        Arg::Expr(Expr::Number(n)) => n.to_string(),
        Arg::Expr(_) => "an expression".to_owned(),
        Arg::Window(w) => format!("a window of {} {:?}", w.amount, w.unit),
        Arg::Str(s) => format!("\"{s}\""),
        Arg::Word(w) => w.clone(),
        Arg::Percent(p) => format!("{p}%"),
        Arg::Named { name, value } => format!("{name}={value}"),
    }
}
