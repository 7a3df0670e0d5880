//! The bounded scheduler: reports are made on the worker pool with at most as many under way as
//! the pool has threads, each written as soon as it is made.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Runs `f` on the items on `pool`, with at most as many items under way as the pool has
/// threads, and returns the results in the items' order. Once `stop` holds for a result (or `f`
/// panics), no further item is started; those get `None`.
///
/// This is not a parallel iterator on purpose. Typst's PDF exporter waits for its background
/// work with `rayon::yield_now`, which runs whatever job the pool has queued: with a parallel
/// iterator that is another partner's whole document, started inside the unfinished one, and
/// so on down. Memory then grew with the size of the batch (200 partners took 560 MB). Here each
/// item becomes a pool job only when one of a fixed set of feeder threads takes it, so at most
/// that many documents are ever in memory, however large the batch.
pub fn each_bounded<T: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    stop: impl Fn(&T, &R) -> bool + Sync,
) -> Vec<Option<R>> {
    /// Stops the others when its feeder unwinds.
    struct StopOnPanic<'a>(&'a AtomicBool);
    impl Drop for StopOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::SeqCst);
            }
        }
    }
    let (next, stopped) = (AtomicUsize::new(0), AtomicBool::new(false));
    let feeders = pool.current_num_threads().clamp(1, items.len().max(1));
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..feeders)
            .map(|_| {
                scope.spawn(|| {
                    let _guard = StopOnPanic(&stopped);
                    let mut done = Vec::new();
                    while !stopped.load(Ordering::SeqCst) {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(index) else { break };
                        let result = pool.install(|| f(item));
                        if stop(item, &result) {
                            stopped.store(true, Ordering::SeqCst);
                        }
                        done.push((index, result));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    for (index, result) in done {
        results[index] = Some(result);
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `run` over 40 items with a task that, like Typst's PDF exporter, yields to rayon
    /// while it waits; returns how many tasks were under way at most, and the results.
    fn most_under_way(
        run: impl FnOnce(&[usize], &(dyn Fn(&usize) -> usize + Sync)) -> Vec<usize>,
    ) -> (usize, Vec<usize>) {
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let task = |x: &usize| {
            most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            for _ in 0..3 {
                rayon::yield_now();
            }
            now.fetch_sub(1, Ordering::SeqCst);
            x * 2
        };
        let items: Vec<usize> = (0..40).collect();
        let results = run(&items, &task);
        (most.load(Ordering::SeqCst), results)
    }

    #[test]
    fn at_most_as_many_reports_are_under_way_as_the_pool_has_threads() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let (most, results) = most_under_way(|items, task| {
                each_bounded(&pool, items, task, |_, _| false).into_iter().map(Option::unwrap).collect()
            });
            assert!(most <= threads, "{most} under way with {threads} threads");
            assert_eq!(results, (0..40).map(|x| x * 2).collect::<Vec<_>>(), "in the items' order");
        }
        // What it guards against: a parallel iterator's queued items are started by the yield,
        // inside the unfinished one.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let (most, _) = most_under_way(|items, task| {
            use rayon::prelude::*;
            pool.install(|| items.par_iter().map(task).collect())
        });
        assert!(most > 1, "a parallel iterator nests its items");
    }

    #[test]
    fn no_item_is_started_after_one_stops_the_run() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let items: Vec<usize> = (0..10).collect();
        let results = each_bounded(&pool, &items, |x| x * 2, |x, _| *x == 3);
        assert_eq!(results, [Some(0), Some(2), Some(4), Some(6), None, None, None, None, None, None]);
    }
}
