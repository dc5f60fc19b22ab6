//! The alert evaluator of reference §1.4: what one check of an alert concludes.
//!
//! A check runs each severity's condition over a window of whole minutes (`window.rs`), judges
//! every answered series on its per-minute means (`series.rs`: fire on at least one true and no
//! false minute, resolve on no true minute), and turns the failing sets into the alert's new
//! state and the changes it notifies (`check.rs`). Who is told of each change, severity by
//! severity, is `fanout.rs`'s. Nothing here reads data, a clock or a store: the caller hands in
//! the check's time and each condition's answer, so every rule is tested on plain values.

pub mod check;
pub mod condition;
pub mod derived;
pub mod fanout;
pub mod round;
pub mod series;
pub mod spec;
pub mod window;

pub use check::{Answer, Change, Check, CheckInput, FailingSeries, Previous, QueryFailure, check};
pub use condition::{Sources, Unreadable, answer};
pub use crest_domain::alert::Severity;
pub use derived::{DerivedReport, DerivedRoundError, DerivedRunner, DerivedRunnerStore};
pub use fanout::{Notice, Trigger, notices};
pub use round::{Evaluator, EvaluatorStore, Notifier, Outgoing, RoundError, RoundReport};
pub use series::{Judgement, SeriesKey, judge};
pub use spec::AlertSpec;
pub use window::{MINUTE_MS, Timing, window};
