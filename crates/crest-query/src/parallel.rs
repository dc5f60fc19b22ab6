//! Work over many series split across threads: a large read's per-series passes (stamping in
//! seconds, pre-alignment) run on up to [`MAX_THREADS`] scoped threads, each taking a run of
//! consecutive series, so the answer's order is the input's.

/// A pass touching at least this many points is split across threads.
pub(crate) const PARALLEL_POINTS: usize = 1 << 18;
/// At most this many threads share one pass.
const MAX_THREADS: usize = 4;

/// How many threads a pass over `points` points gets.
pub(crate) fn threads_for(points: usize) -> usize {
    if points < PARALLEL_POINTS {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, MAX_THREADS))
}

/// `f` applied to every item, in order, on `threads` threads (the caller's among them).
pub(crate) fn map<T, U, F>(items: Vec<T>, threads: usize, f: F) -> Vec<U>
where
    T: Send,
    U: Send,
    F: Fn(T) -> U + Sync,
{
    if threads <= 1 || items.len() < 2 {
        return items.into_iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::with_capacity(threads);
    let mut items = items.into_iter();
    loop {
        let chunk: Vec<T> = items.by_ref().take(per_thread).collect();
        if chunk.is_empty() {
            break;
        }
        chunks.push(chunk);
    }
    let f = &f;
    std::thread::scope(|scope| {
        let mut chunks = chunks.into_iter();
        let first = chunks.next();
        let others: Vec<_> = chunks
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out: Vec<U> = first.map_or_else(Vec::new, |c| c.into_iter().map(f).collect());
        for other in others {
            match other.join() {
                Ok(part) => out.extend(part),
                // a panic in `f` is a bug; let it surface where it would have without threads
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_order_is_kept_whatever_the_threads() {
        let items: Vec<u32> = (0..1001).collect();
        for threads in [1, 2, 3, 4, 7] {
            let got = map(items.clone(), threads, |x| x * 2);
            assert_eq!(got, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
        assert!(map(Vec::<u32>::new(), 4, |x| x).is_empty());
        assert_eq!(threads_for(10), 1);
    }
}
