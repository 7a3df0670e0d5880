//! Writes files atomically: the text goes to a temporary file in the target folder, which is then
//! renamed over the target, so a reader (or an interrupted run) sees the old file or the new one,
//! never half of one.

use std::io::Write as _;
use std::path::Path;

use crate::{Error, Result};

/// Whether an existing target may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Allow,
    Refuse,
}

/// Writes `contents` to `path` atomically, creating parent folders.
pub fn atomic(path: &Path, contents: &[u8], overwrite: Overwrite) -> Result<()> {
    let werr = |cause| Error::Write { path: path.to_path_buf(), cause };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(werr)?;
    let mut tmp =
        tempfile::Builder::new().prefix(".trustmap-").suffix(".tmp").tempfile_in(dir).map_err(werr)?;
    tmp.write_all(contents).map_err(werr)?;
    tmp.as_file().sync_all().map_err(werr)?;
    match overwrite {
        Overwrite::Allow => tmp.persist(path).map(drop).map_err(|e| werr(e.error)),
        Overwrite::Refuse => tmp.persist_noclobber(path).map(drop).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists(path.to_path_buf())
            } else {
                werr(e.error)
            }
        }),
    }
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
}
