//! The one suite every [`IngestLog`] passes: the same cases run against the file log and
//! JetStream, as crest-series' suite runs against every engine. Each case gets a fresh, empty log
//! from the caller and answers `Err` with what differed; the caller's test asserts `Ok`
//! ([`run_all`] does both for a factory of fresh logs).
//!
//! What the cases pin down, beyond the trait's documentation:
//! * positions grow strictly and `last_position` is the newest;
//! * `next` hands every entry once, oldest first, at most `max`, the batch as appended; with
//!   nothing to hand it waits up to `wait` (an append meanwhile wakes it) and answers empty;
//! * `shipped_through` is the low-water mark of `shipped` (an entry shipped out of order moves it
//!   only once everything before it is shipped);
//! * `rewind` hands out again every entry after the last trim, shipped or not, and brings
//!   `shipped_through` back to the last trim (the engine lost the rest);
//! * `trim_through` never takes back what `next` handed out; after it, a rewind hands out only
//!   what follows the trim.
//!
//! Compiled with the `suite` feature only, for the logs' tests.

use std::future::Future;
use std::time::Duration;

use crest_series::{Batch, Sample, SeriesKey};

use crate::log::{Entry, IngestLog, Position};

/// A case's verdict: `Err` says what differed.
pub type Outcome = Result<(), String>;

/// How long a case lets `next` wait for an entry it knows is there (or is coming): generous, so
/// a slow machine never fails a case; a log that works answers at once.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long a case lets `next` wait when nothing is there.
const SHORT: Duration = Duration::from_millis(50);

fn check<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Outcome {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn failed<E: std::fmt::Display>(what: &str) -> impl Fn(E) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// A small batch told apart by `n`: one series with two samples and, for odd `n`, nothing else.
pub fn batch(n: u32) -> Batch {
    let key = SeriesKey::new("relay.suite", format!("host-{}", n % 3)).with_tag("n", n.to_string());
    let t = 1_800_000_000_000 + i64::from(n) * 1000;
    Batch::from_series([(
        key,
        vec![
            Sample {
                timestamp: t,
                value: f64::from(n),
            },
            Sample {
                timestamp: t + 1,
                value: f64::from(n) + 0.5,
            },
        ],
    )])
}

/// Every case, by name.
pub fn cases() -> Vec<&'static str> {
    vec![
        "positions_grow_and_the_last_is_known",
        "next_hands_every_entry_once_oldest_first",
        "next_with_nothing_waits_then_answers_empty",
        "an_append_wakes_a_waiting_next",
        "shipped_through_is_the_low_water_mark",
        "rewind_hands_out_every_untrimmed_entry_again",
        "trim_then_rewind_hands_out_only_what_follows",
    ]
}

/// Runs the case `name` against `log` (fresh and empty).
pub async fn run(name: &str, log: &dyn IngestLog) -> Outcome {
    match name {
        "positions_grow_and_the_last_is_known" => positions_grow(log).await,
        "next_hands_every_entry_once_oldest_first" => next_once(log).await,
        "next_with_nothing_waits_then_answers_empty" => next_empty(log).await,
        "an_append_wakes_a_waiting_next" => append_wakes(log).await,
        "shipped_through_is_the_low_water_mark" => low_water(log).await,
        "rewind_hands_out_every_untrimmed_entry_again" => rewind_again(log).await,
        "trim_then_rewind_hands_out_only_what_follows" => trim_then_rewind(log).await,
        other => Err(format!("no case named {other}")),
    }
}

/// Runs every case, each against a fresh log from `make`; the first failure names its case.
pub async fn run_all<L, F, Fut>(mut make: F) -> Outcome
where
    L: IngestLog,
    F: FnMut() -> Fut,
    Fut: Future<Output = L>,
{
    for case in cases() {
        let log = make().await;
        run(case, &log).await.map_err(|e| format!("{case}: {e}"))?;
    }
    Ok(())
}

async fn append_all(
    log: &dyn IngestLog,
    ns: impl IntoIterator<Item = u32>,
) -> Result<Vec<Position>, String> {
    let mut out = Vec::new();
    for n in ns {
        out.push(log.append(&batch(n)).await.map_err(failed("append"))?);
    }
    Ok(out)
}

/// Calls `next` until `want` entries came (or one call answers empty), in batches of `max`.
async fn take(log: &dyn IngestLog, want: usize, max: usize) -> Result<Vec<Entry>, String> {
    let mut out: Vec<Entry> = Vec::new();
    while out.len() < want {
        let got = log.next(max, PATIENCE).await.map_err(failed("next"))?;
        if got.len() > max {
            return Err(format!("next({max}) handed out {} entries", got.len()));
        }
        if got.is_empty() {
            break;
        }
        out.extend(got);
    }
    Ok(out)
}

fn positions(entries: &[Entry]) -> Vec<Position> {
    entries.iter().map(|e| e.position).collect()
}

async fn shipped_through(log: &dyn IngestLog) -> Result<Position, String> {
    log.shipped_through()
        .await
        .map_err(failed("shipped_through"))
}

async fn nothing_more(log: &dyn IngestLog, what: &str) -> Outcome {
    let more = log.next(16, SHORT).await.map_err(failed("next"))?;
    check(what, positions(&more), Vec::new())
}

async fn positions_grow(log: &dyn IngestLog) -> Outcome {
    check(
        "last position of an empty log",
        log.last_position().await.map_err(failed("last_position"))?,
        Position(0),
    )?;
    let mut seen = append_all(log, 0..5).await?;
    let (five, six, seven) = (batch(5), batch(6), batch(7));
    let (a, b, c) = tokio::join!(log.append(&five), log.append(&six), log.append(&seven));
    for p in [a, b, c] {
        seen.push(p.map_err(failed("concurrent append"))?);
    }
    if seen.first().is_none_or(|p| *p < Position(1)) {
        return Err(format!("the first position is not at least 1: {seen:?}"));
    }
    if seen
        .get(..5)
        .is_some_and(|s| s.windows(2).any(|w| w.first() >= w.get(1)))
    {
        return Err(format!(
            "positions of sequential appends do not grow: {seen:?}"
        ));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    check("distinct positions", sorted.len(), seen.len())?;
    let newest = sorted.last().copied().unwrap_or_default();
    check(
        "last position",
        log.last_position().await.map_err(failed("last_position"))?,
        newest,
    )
}

async fn next_once(log: &dyn IngestLog) -> Outcome {
    let appended = append_all(log, 0..7).await?;
    let got = take(log, 7, 3).await?;
    check("positions handed out, in order", positions(&got), appended)?;
    let batches: Vec<Batch> = got.into_iter().map(|e| e.batch).collect();
    check("batches handed out", batches, (0..7).map(batch).collect())?;
    nothing_more(log, "entries handed out twice").await?;
    let later = append_all(log, [7]).await?;
    let got = take(log, 1, 16).await?;
    check("an entry appended later", positions(&got), later)
}

async fn next_empty(log: &dyn IngestLog) -> Outcome {
    let got = log.next(16, SHORT).await.map_err(failed("next"))?;
    check("entries of an empty log", got, Vec::new())
}

async fn append_wakes(log: &dyn IngestLog) -> Outcome {
    let (got, appended) = tokio::join!(log.next(16, PATIENCE), async {
        tokio::time::sleep(SHORT).await;
        log.append(&batch(1)).await
    });
    let appended = appended.map_err(failed("append"))?;
    let got = got.map_err(failed("next"))?;
    check(
        "entries handed to the next that was waiting",
        positions(&got),
        vec![appended],
    )
}

async fn low_water(log: &dyn IngestLog) -> Outcome {
    let through = || shipped_through(log);
    check(
        "shipped through, nothing shipped",
        through().await?,
        Position(0),
    )?;
    let ps = append_all(log, 0..4).await?;
    let got = take(log, 4, 16).await?;
    check("handed out", positions(&got), ps.clone())?;
    let at = |i: usize| ps.get(i).copied().unwrap_or_default();
    log.shipped(&[at(1)]).await.map_err(failed("shipped"))?;
    check(
        "shipped through, the second shipped first",
        through().await?,
        Position(0),
    )?;
    log.shipped(&[at(0)]).await.map_err(failed("shipped"))?;
    check(
        "shipped through, the first two shipped",
        through().await?,
        at(1),
    )?;
    log.shipped(&[at(3)]).await.map_err(failed("shipped"))?;
    check(
        "shipped through, a gap at the third",
        through().await?,
        at(1),
    )?;
    log.shipped(&[at(2)]).await.map_err(failed("shipped"))?;
    check("shipped through, all shipped", through().await?, at(3))?;
    let more = append_all(log, 4..6).await?;
    check(
        "shipped through, two more appended",
        through().await?,
        at(3),
    )?;
    let got = take(log, 2, 16).await?;
    log.shipped(&positions(&got))
        .await
        .map_err(failed("shipped"))?;
    check(
        "shipped through, the last two shipped together",
        through().await?,
        more.last().copied().unwrap_or_default(),
    )
}

async fn rewind_again(log: &dyn IngestLog) -> Outcome {
    let ps = append_all(log, 0..5).await?;
    let got = take(log, 5, 16).await?;
    // The first three reached the engine, the last two were handed out only.
    log.shipped(ps.get(..3).unwrap_or_default())
        .await
        .map_err(failed("shipped"))?;
    log.rewind().await.map_err(failed("rewind"))?;
    check(
        "shipped through after a rewind",
        shipped_through(log).await?,
        Position(0),
    )?;
    let again = take(log, 5, 2).await?;
    check(
        "positions handed out again, in order",
        positions(&again),
        ps.clone(),
    )?;
    check("entries handed out again", again, got)?;
    nothing_more(log, "entries handed out a third time").await?;
    log.shipped(&ps).await.map_err(failed("shipped"))?;
    check(
        "shipped through once everything is shipped again",
        shipped_through(log).await?,
        ps.last().copied().unwrap_or_default(),
    )
}

async fn trim_then_rewind(log: &dyn IngestLog) -> Outcome {
    let ps = append_all(log, 0..6).await?;
    let got = take(log, 6, 16).await?;
    check("handed out", positions(&got), ps.clone())?;
    let at = |i: usize| ps.get(i).copied().unwrap_or_default();
    log.shipped(ps.get(..4).unwrap_or_default())
        .await
        .map_err(failed("shipped"))?;
    log.trim_through(at(2))
        .await
        .map_err(failed("trim_through"))?;
    nothing_more(log, "entries handed out again by a trim").await?;
    log.rewind().await.map_err(failed("rewind"))?;
    check(
        "shipped through after a rewind",
        shipped_through(log).await?,
        at(2),
    )?;
    let again = take(log, 3, 16).await?;
    check(
        "positions handed out after the trim and a rewind",
        positions(&again),
        ps.get(3..).unwrap_or_default().to_vec(),
    )?;
    nothing_more(log, "trimmed entries handed out").await?;
    log.shipped(&positions(&again))
        .await
        .map_err(failed("shipped"))?;
    log.trim_through(at(5))
        .await
        .map_err(failed("trim_through"))?;
    log.rewind().await.map_err(failed("rewind"))?;
    nothing_more(log, "entries after trimming everything and a rewind").await?;
    let later = append_all(log, [6]).await?;
    if later.first().is_none_or(|p| *p <= at(5)) {
        return Err(format!(
            "a position after a trim does not grow: {later:?} after {:?}",
            at(5)
        ));
    }
    check(
        "an entry appended after the trim",
        positions(&take(log, 1, 16).await?),
        later,
    )
}
