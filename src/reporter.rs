//! How the library tells its user what a long command is doing. The library only talks to the
//! [`Reporter`] it is given; [`Terminal`] is the binary's, which draws progress bars on a
//! terminal and writes messages to standard error.

use std::io::IsTerminal as _;
use std::path::Path;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::diagnostic::path_shown;

/// What a command tells its user while it runs.
pub trait Reporter: Sync {
    /// Whether diagnostics are drawn in colour.
    fn colour(&self) -> bool {
        false
    }
    /// Starts a stage of `len` steps (`loading`, `rendering`); the last one started ends.
    fn stage(&self, what: &'static str, len: usize);
    /// One step of the stage done.
    fn step(&self);
    /// The stage is over.
    fn done(&self);
    /// Diagnostics, rendered.
    fn diagnostics(&self, text: &str);
    /// Something went wrong that does not stop the command (one partner's PDF).
    fn error(&self, message: &str);
    fn warning(&self, message: &str);
    fn note(&self, message: &str);
    /// The command waits for another build to let go of the output folder `out`.
    fn waiting(&self, out: &Path);
}

/// The terminal: a progress bar when standard error is a terminal and not `quiet`; messages on
/// standard error (notes only when not `quiet`).
pub struct Terminal {
    quiet: bool,
    colour: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Terminal {
    pub fn new(quiet: bool, colour: bool) -> Terminal {
        Terminal { quiet, colour, bar: Mutex::new(None) }
    }

    /// Prints a line above the progress bar, if one is drawn.
    fn line(&self, text: &str) {
        match self.bar.lock().ok().as_ref().and_then(|b| b.as_ref().cloned()) {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}

impl Reporter for Terminal {
    fn colour(&self) -> bool {
        self.colour
    }

    fn stage(&self, what: &'static str, len: usize) {
        self.done();
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::new(len as u64);
        if let Ok(style) = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(what);
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn step(&self) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(1);
        }
    }

    fn done(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }

    fn diagnostics(&self, text: &str) {
        if !text.is_empty() {
            self.line(text.trim_end_matches('\n'));
        }
    }

    fn error(&self, message: &str) {
        self.line(&format!("error: {message}"));
    }

    fn warning(&self, message: &str) {
        self.line(&format!("warning: {message}"));
    }

    fn note(&self, message: &str) {
        if !self.quiet {
            self.line(&format!("note: {message}"));
        }
    }

    fn waiting(&self, out: &Path) {
        self.line(&format!("waiting for another trustmap build that is writing to `{}` …", path_shown(out)));
    }
}

/// A reporter that says nothing (for benchmarks and callers that only want the result).
pub struct Silent;

impl Reporter for Silent {
    fn stage(&self, _: &'static str, _: usize) {}
    fn step(&self) {}
    fn done(&self) {}
    fn diagnostics(&self, _: &str) {}
    fn error(&self, _: &str) {}
    fn warning(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn waiting(&self, _: &Path) {}
}
