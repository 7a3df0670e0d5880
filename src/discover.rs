//! Finds the answer files under the paths a command was given: walks folders in sorted order and
//! skips hidden folders, the output folder, `templates/` and build folders. An entry that cannot
//! be followed (a broken or looping symbolic link, a folder that cannot be read, a link out of the
//! workspace) becomes a diagnostic when it could be an answer file, and the walk goes on.

use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::load::format_of;
use crate::{Error, Result};

/// Folder names that never hold answer files.
const SKIPPED_DIRS: &[&str] = &["templates", "target", "node_modules"];

/// What a walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// Every answer file, sorted and without repeats.
    pub files: Vec<PathBuf>,
    /// Entries that could not be followed or were refused.
    pub problems: Vec<Diagnostic>,
    /// Whether something that may be an answer file could not be read.
    pub incomplete: bool,
}

/// Every answer file under `paths`. `exclude` lists folders to leave out (the output folder).
/// A symbolic link met on the walk is followed only when it stays inside `root` or one of the
/// `paths`. A path that does not exist is an error; a path named directly that is not a folder
/// is taken whatever it is, so that the loader can say why it is not an answer file.
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf], root: &Path) -> Result<Found> {
    let exclude: Vec<PathBuf> = exclude.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let allowed: Vec<PathBuf> = paths
        .iter()
        .chain(std::iter::once(&root.to_path_buf()))
        .filter_map(|p| p.canonicalize().ok())
        .collect();
    let mut found = Found::default();
    for path in paths {
        if std::fs::symlink_metadata(path).is_err() {
            return Err(Error::NotFound(path.clone()));
        }
        if !path.is_dir() {
            found.files.push(path.clone());
            continue;
        }
        let refused = std::cell::RefCell::new(Vec::new());
        let walker =
            WalkDir::new(path).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
                if e.depth() > 0 && skipped(e, &exclude) {
                    return false;
                }
                match outside(e, &allowed) {
                    Some(problem) => {
                        refused.borrow_mut().push(problem);
                        false
                    }
                    None => true,
                }
            });
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if format_of(entry.path()).is_some() && !entry.file_type().is_dir() {
                        // Regular or not: the loader says what is wrong with a FIFO or a device.
                        found.files.push(entry.into_path());
                    }
                }
                Err(e) => found.error(&e),
            }
        }
        found.problems.extend(refused.into_inner());
    }
    found.files.sort();
    found.files.dedup();
    // A file that could not be read may be a partner's newest round, or its only one.
    found.incomplete = found.problems.iter().any(Diagnostic::is_error);
    Ok(found)
}

/// A problem when `entry` is a symbolic link (to an answer file or a folder) that leads out of
/// every `allowed` folder: a received workspace must not pull private files into its reports.
fn outside(entry: &DirEntry, allowed: &[PathBuf]) -> Option<Diagnostic> {
    let relevant = format_of(entry.path()).is_some() || entry.file_type().is_dir();
    if !entry.path_is_symlink() || !relevant {
        return None;
    }
    let target = entry.path().canonicalize().ok()?;
    if allowed.iter().any(|a| target.starts_with(a)) {
        return None;
    }
    Some(
        Diagnostic::error(
            entry.path(),
            Span::START,
            "link-outside",
            "a symbolic link to outside the workspace; not read",
        )
        .with_help("copy what it points to into the workspace, or name it on the command line"),
    )
}

impl Found {
    fn error(&mut self, e: &walkdir::Error) {
        let Some(path) = e.path() else { return };
        if let Some(ancestor) = e.loop_ancestor() {
            self.problems.push(
                Diagnostic::error(
                    path,
                    Span::START,
                    "link-loop",
                    format!(
                        "a symbolic link back to `{}`, which is already being read; not followed",
                        crate::diagnostic::path_shown(ancestor)
                    ),
                )
                .with_severity(Severity::Warning),
            );
            return;
        }
        let broken_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        let is_dir = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if !broken_link && !is_dir && format_of(path).is_none() {
            return;
        }
        let cause = e.io_error().map_or_else(|| e.to_string(), ToString::to_string);
        let (code, message) = match (broken_link, is_dir) {
            (true, _) if format_of(path).is_none() => return,
            (true, _) => ("broken-link", format!("a symbolic link that cannot be followed ({cause})")),
            (false, true) => (
                "unreadable-folder",
                format!("cannot read this folder ({cause}); answer files in it are missing"),
            ),
            (false, false) => ("unreadable", format!("cannot read file ({cause})")),
        };
        self.problems.push(Diagnostic::error(path, Span::START, code, message));
    }
}

fn skipped(entry: &DirEntry, exclude: &[PathBuf]) -> bool {
    let name = entry.file_name().to_string_lossy();
    if name.starts_with('.') {
        return true;
    }
    if !entry.file_type().is_dir() {
        return false;
    }
    SKIPPED_DIRS.contains(&name.as_ref()) || entry.path().canonicalize().is_ok_and(|p| exclude.contains(&p))
}
