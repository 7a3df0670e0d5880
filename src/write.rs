//! Writes files atomically: the bytes go to a temporary file in the target folder, which is then
//! renamed over the target, so a reader (or an interrupted run) sees the old file or the new one,
//! never half of one. Files get the mode a plain file creation would give (0666 less the umask),
//! not the temporary file's 0600, but for trustmap's own caches ([`private`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::{Error, Result};

/// The name every temporary file starts with; a file named like this and ending in
/// [`TEMP_SUFFIX`] is always trustmap's, so one left behind by a killed run may be removed.
pub const TEMP_PREFIX: &str = ".trustmap-";
/// The end of every temporary file's name.
pub const TEMP_SUFFIX: &str = ".tmp";

/// Whether an existing target may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Allow,
    Refuse,
}

/// A file written in full beside its target, not yet in place.
pub struct Staged {
    tmp: NamedTempFile,
    path: PathBuf,
}

/// Writes `contents` to a temporary file beside `path` (creating parent folders) and flushes it
/// to disk; [`Staged::commit`] then puts it in place.
pub fn stage(path: &Path, contents: &[u8]) -> Result<Staged> {
    let werr = |cause| Error::Write { path: path.to_path_buf(), cause };
    let mut tmp = temp_beside(path, false).map_err(werr)?;
    tmp.write_all(contents).map_err(werr)?;
    tmp.as_file().sync_all().map_err(werr)?;
    Ok(Staged { tmp, path: path.to_path_buf() })
}

/// A new temporary file beside `path` (its parent folders created), named as this module names
/// them; readable by its owner only when `private`, else with the mode a plain file creation
/// would give.
fn temp_beside(path: &Path, private: bool) -> std::io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX);
    if !private {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // The mode passed to open(2), so the umask applies as for any new file.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
    }
    builder.tempfile_in(dir)
}

/// Writes to `path` atomically what `write` writes, readable by its owner only and not synced
/// to disk: for trustmap's caches, which are not deliverables (one lost to a crash is read as
/// absent), and which quote the client's answers.
pub fn private(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(temp_beside(path, true)?);
    write(&mut out)?;
    out.into_inner()
        .map_err(std::io::IntoInnerError::into_error)?
        .persist(path)
        .map(drop)
        .map_err(|e| e.error)
}

impl Staged {
    /// The file it will become.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the temporary file over the target.
    pub fn commit(self, overwrite: Overwrite) -> Result<()> {
        let path = self.path;
        let werr = |cause| Error::Write { path: path.clone(), cause };
        match overwrite {
            Overwrite::Allow => self.tmp.persist(&path).map(drop).map_err(|e| werr(e.error)),
            Overwrite::Refuse => self.tmp.persist_noclobber(&path).map(drop).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::Exists(path.clone())
                } else {
                    werr(e.error)
                }
            }),
        }
    }
}

/// Writes `contents` to `path` atomically, creating parent folders.
pub fn atomic(path: &Path, contents: &[u8], overwrite: Overwrite) -> Result<()> {
    stage(path, contents)?.commit(overwrite)
}

/// Whether `name` is that of a temporary file this module makes.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) && name.len() > TEMP_PREFIX.len() + 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_clobber_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/a.txt");
        atomic(&file, b"one", Overwrite::Refuse).unwrap();
        assert!(matches!(atomic(&file, b"two", Overwrite::Refuse), Err(Error::Exists(_))));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "one");
        atomic(&file, b"three", Overwrite::Allow).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "three");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.txt"]);
    }

    #[test]
    fn temp_names_are_recognised() {
        assert!(is_temp_name(".trustmap-a1B2c3.tmp"));
        assert!(!is_temp_name(".trustmap-journal"));
        assert!(!is_temp_name("trustmap-a1B2c3.tmp"));
    }
}
