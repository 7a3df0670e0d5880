//! The last line of defence of a build against work that runs away: a thread that looks at the
//! process's memory and at the reports under way a few times a second, and stops the whole build
//! with a clear message when memory passes `[limits] memory_mb` or a report has been under way
//! much longer than `render_seconds`.
//!
//! Neither Tera nor Typst can be interrupted from outside, so stopping means ending the process.
//! That is safe at any instant: every file is written to a temporary file and renamed, the
//! journal tells the next build which files are its own, and the lock goes with the process.
//! The ordinary limits (output size and time in the template writer, the `typst` executable's
//! timeout) fail one report gracefully long before this fires.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How often the watchdog looks.
const INTERVAL: Duration = Duration::from_millis(100);

/// The grace beyond `render_seconds` before a report under way stops the build (the template
/// writer's own time limit fails it first when the template writes at all): a tenth of it, at
/// least a second and at most half a minute.
fn grace(time: Duration) -> Duration {
    (time / 10).clamp(Duration::from_secs(1), Duration::from_secs(30))
}

/// A running watchdog; it stops when dropped.
pub struct Watchdog {
    shared: Arc<Shared>,
    /// Dropped to stop the thread at once, rather than when it next wakes.
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    tasks: Mutex<BTreeMap<u64, (String, Instant)>>,
    next: AtomicU64,
}

/// A task under way; it is done when dropped.
pub struct Task<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for Task<'_> {
    fn drop(&mut self) {
        if let Ok(mut tasks) = self.shared.tasks.lock() {
            tasks.remove(&self.id);
        }
    }
}

impl Watchdog {
    /// Starts watching: memory above `memory_mb` MiB, or a task under way longer than `time`
    /// (plus a grace), ends the process with exit code 2.
    pub fn start(memory_mb: u64, time: Duration) -> std::io::Result<Watchdog> {
        let shared = Arc::new(Shared { tasks: Mutex::new(BTreeMap::new()), next: AtomicU64::new(0) });
        let watched = Arc::clone(&shared);
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::Builder::new().name("trustmap-watchdog".into()).spawn(move || {
            watch(&watched, &stopped, memory_mb.saturating_mul(1024 * 1024), time.saturating_add(grace(time)))
        })?;
        Ok(Watchdog { shared, stop: Some(stop), thread: Some(thread) })
    }

    /// Registers a task (`what` names it in the message) until the guard is dropped.
    pub fn task(&self, what: String) -> Task<'_> {
        let id = self.shared.next.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut tasks) = self.shared.tasks.lock() {
            tasks.insert(id, (what, Instant::now()));
        }
        Task { shared: &self.shared, id }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn watch(shared: &Shared, stopped: &mpsc::Receiver<()>, max_bytes: u64, max_time: Duration) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
        let under_way = || -> String {
            let tasks = shared.tasks.lock().map(|t| t.values().map(|(w, _)| w.clone()).collect::<Vec<_>>());
            tasks.map(|t| t.join(", ")).unwrap_or_default()
        };
        if let Some(rss) = resident_bytes()
            && rss > max_bytes
        {
            stop(&format!(
                "the build used more than {} MiB of memory (`memory_mb` under `[limits]`) while making: {}; a template may loop or an input may be far larger than usual",
                max_bytes / (1024 * 1024),
                under_way()
            ));
        }
        let slow = shared.tasks.lock().ok().and_then(|tasks| {
            tasks.values().find(|(_, started)| started.elapsed() > max_time).map(|(what, _)| what.clone())
        });
        if let Some(what) = slow {
            stop(&format!(
                "{what} took more than {} s (`render_seconds` under `[limits]`, and a grace); a template may loop",
                max_time.as_secs()
            ));
        }
    }
}

fn stop(why: &str) -> ! {
    eprintln!("error: stopped the build: {why}");
    eprintln!("note: the reports written so far are complete; the next build recognises them");
    std::process::exit(2)
}

/// The process's resident memory, where the system tells it.
fn resident_bytes() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        Some(pages * u64::try_from(page).ok()?)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_come_and_go_and_memory_is_read() {
        let dog = Watchdog::start(1 << 20, Duration::from_secs(600)).unwrap();
        {
            let _task = dog.task("a report".into());
            assert_eq!(dog.shared.tasks.lock().unwrap().len(), 1);
        }
        assert!(dog.shared.tasks.lock().unwrap().is_empty());
        #[cfg(target_os = "linux")]
        assert!(resident_bytes().is_some_and(|b| b > 1024 * 1024));
    }
}
