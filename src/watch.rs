//! `trustmap build --watch`: a build, then another each time something it reads changes (an
//! answer file, a plan, a template, `trustmap.toml`, the logo), until interrupted. Each build is
//! an ordinary incremental one: only the reports whose inputs changed are made again, and its
//! diagnostics are printed as it finds them.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher as _};

use crate::{Error, Result};

/// How long the files must be quiet before a build starts: an editor saving a file, or a
/// `git checkout`, is a burst of events, and one build follows it, not one per event.
const QUIET: Duration = Duration::from_millis(200);

/// Runs `build` now and after every change under `root` or `extra` (the answer files given on
/// the command line outside it), leaving out `out` and the stamps' folder (what the builds
/// write: a cache folder inside the workspace would otherwise start a build after each build)
/// and `.git`. Returns only on an error of the watching itself.
pub fn run(root: &Path, extra: &[PathBuf], out: &Path, mut build: impl FnMut()) -> Result<()> {
    let (tx, rx) = mpsc::channel();
    let mut watcher =
        notify::recommended_watcher(tx).map_err(|e| Error::System(format!("cannot watch files ({e})")))?;
    let watched: Vec<PathBuf> = std::iter::once(root.to_path_buf())
        .chain(extra.iter().filter(|p| !p.starts_with(root)).cloned())
        .collect();
    for path in &watched {
        watcher.watch(path, RecursiveMode::Recursive).map_err(|e| {
            Error::System(format!("cannot watch {} ({e})", crate::diagnostic::path_shown(path)))
        })?;
    }
    // Paths compared as the watcher reports them: absolute.
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let written: Vec<PathBuf> =
        std::iter::once(absolute(out)).chain(crate::build::stamp::folder().map(|f| absolute(&f))).collect();
    let relevant = |event: &notify::Event| {
        !event.kind.is_access()
            && event.paths.iter().any(|p| {
                // Under a folder the builds write, or one made on the way to it.
                !written.iter().any(|w| p.starts_with(w) || w.starts_with(p))
                    && !p.components().any(|c| c.as_os_str() == ".git")
                    && !p.file_name().is_some_and(|n| crate::write::is_temp_name(&n.to_string_lossy()))
            })
    };
    loop {
        build();
        // Wait for a change that matters, then for the files to be quiet.
        loop {
            match rx.recv() {
                Ok(Ok(event)) if relevant(&event) => break,
                Ok(_) => continue,
                Err(_) => return Err(Error::System("the file watcher stopped".into())),
            }
        }
        while rx.recv_timeout(QUIET).is_ok() {}
    }
}
