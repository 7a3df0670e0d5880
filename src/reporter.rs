//! How the library tells its user what a command is doing. The library only talks to the
//! [`Reporter`] it is given and never writes to the terminal itself; the binary's reporter draws
//! progress bars and writes messages to standard error.

use std::path::Path;

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
    /// What a command did, in one line (`wrote 12 files …`); not when quiet.
    fn status(&self, line: &str);
    /// The command waits for another build to let go of the output folder `out`.
    fn waiting(&self, out: &Path);
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
    fn status(&self, _: &str) {}
    fn waiting(&self, _: &Path) {}
}
