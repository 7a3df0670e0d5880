//! One build at a time per output folder: an exclusive lock on the folder itself (`flock` on
//! the open folder, so no lock file is left among the reports). The operating system releases
//! it when the process ends, however it ends, so a crash leaves no stale lock behind.

use std::fs::{File, TryLockError};
use std::path::Path;

use crate::{Error, Result};

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct Lock {
    _folder: File,
}

impl Lock {
    /// Takes the lock of the folder `out`. When another build holds it, calls `waiting`, then
    /// waits until it is released.
    pub fn take(out: &Path, waiting: impl FnOnce()) -> Result<Lock> {
        let werr = |cause| Error::Write { path: out.to_path_buf(), cause };
        let folder = File::open(out).map_err(werr)?;
        match folder.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                waiting();
                folder.lock().map_err(werr)?;
            }
            Err(TryLockError::Error(e)) => return Err(werr(e)),
        }
        Ok(Lock { _folder: folder })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = Lock::take(dir.path(), || panic!("nobody holds it yet")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_path_buf();
        let second = std::thread::spawn(move || {
            Lock::take(&path, || tx.send(()).unwrap()).unwrap();
        });
        rx.recv().unwrap();
        assert!(!second.is_finished(), "it waits");
        drop(first);
        second.join().unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no lock file");
    }
}
