//! The `trustmap` binary: parses the command line, runs the library, prints the error chain and
//! maps the outcome to an exit code (0 ok, 1 problems in the inputs, 2 usage or setup error).

use std::io::{IsTerminal as _, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use trustmap::cli::Cli;
use trustmap::commands::{Outcome, run};
use trustmap::diagnostic::path_shown;
use trustmap::reporter::Reporter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out, &|quiet, colour| Box::new(Terminal::new(quiet, colour)));
    let flushed = out.flush().map_err(trustmap::Error::Io);
    match result.and_then(|outcome| flushed.map(|()| outcome)) {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(trustmap::Error::Io(e) | trustmap::Error::Write { cause: e, .. }) if is_broken_pipe(&e) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", e.with_causes());
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
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

    fn status(&self, line: &str) {
        if !self.quiet {
            self.line(line);
        }
    }

    fn waiting(&self, out: &Path) {
        self.line(&format!("waiting for another trustmap build that is writing to `{}` …", path_shown(out)));
    }
}
