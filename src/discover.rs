//! Finds the answer files under the paths a command was given: walks folders in sorted order and
//! skips hidden folders, the output folder, `templates/` and build folders.

use std::path::{Path, PathBuf};

use walkdir::{DirEntry, WalkDir};

use crate::load::format_of;
use crate::{Error, Result};

/// Folder names that never hold answer files.
const SKIPPED_DIRS: &[&str] = &["templates", "target", "node_modules"];

/// Every answer file under `paths`, sorted and without repeats. `exclude` lists folders to leave
/// out (the output folder). A path that does not exist is an error; a file named directly is
/// taken whatever its extension, so that the loader can say why it is not an answer file.
pub fn discover(paths: &[PathBuf], exclude: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let exclude: Vec<PathBuf> = exclude.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(Error::NotFound(path.clone()));
        }
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        let walker = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skipped(e, &exclude));
        for entry in walker {
            let entry = entry.map_err(|e| Error::Read {
                path: e.path().map_or_else(|| path.clone(), Path::to_path_buf),
                cause: e.into(),
            })?;
            if entry.file_type().is_file() && format_of(entry.path()).is_some() {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
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
