//! `trustmap merge`: joins the output folders of a sharded build (`build --shard K/N`, one per CI
//! runner) into one, with one manifest. Each shard's files must still hold the bytes its
//! manifest records, a path two shards both hold must hold the same bytes in each (the evaluation
//! snapshot every shard writes), and the shards must come from the same commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Entry, Inputs, MANIFEST, Manifest, OutputDir, inside, no_links, sha256};
use crate::provenance::Provenance;
use crate::{Error, Result};

/// What a merge did.
pub struct Merged {
    /// The files of the joined folder.
    pub files: usize,
}

/// Joins the folders `shards` into `out`.
pub fn merge(shards: &[PathBuf], out: &Path, waiting: impl FnOnce()) -> Result<Merged> {
    let fail = |message: String| Error::Merge(message);
    let shown = |dir: &Path, path: &str| crate::diagnostic::path_shown(&dir.join(path));
    let mut files: BTreeMap<String, (Entry, Vec<u8>, &Path)> = BTreeMap::new();
    let mut header: Option<(Option<String>, bool, &Path)> = None;
    for dir in shards {
        if !dir.join(MANIFEST).is_file() {
            return Err(fail(format!(
                "`{}` has no manifest: it is not the output of a build",
                shown(dir, "")
            )));
        }
        let (manifest, damaged) = Manifest::read(&dir.join(MANIFEST));
        if let Some(why) = damaged {
            return Err(fail(format!("the manifest of `{}` cannot be read ({why})", shown(dir, ""))));
        }
        match &header {
            Some((commit, dirty, first)) if (commit, *dirty) != (&manifest.commit, manifest.dirty) => {
                return Err(fail(format!(
                    "`{}` and `{}` were built from different inputs (their commits differ)",
                    shown(first, ""),
                    shown(dir, "")
                )));
            }
            Some(_) => {}
            None => header = Some((manifest.commit.clone(), manifest.dirty, dir)),
        }
        // A shard's bundle is its own part only: it is not carried over.
        for e in manifest.files.into_iter().filter(|e| !e.bundle) {
            if !inside(&e.path) {
                return Err(fail(format!("the manifest of `{}` names `{}`", shown(dir, ""), e.path)));
            }
            no_links(dir, &e.path)?;
            let bytes = std::fs::read(dir.join(&e.path))
                .map_err(|cause| Error::Read { path: dir.join(&e.path), cause })?;
            if sha256(&bytes) != e.sha256 {
                return Err(fail(format!("`{}` was changed since it was built", shown(dir, &e.path))));
            }
            match files.get(&e.path) {
                Some((other, _, there)) if other.sha256 != e.sha256 => {
                    return Err(fail(format!(
                        "`{}` and `{}` differ: the shards overlap",
                        shown(there, &e.path),
                        shown(dir, &e.path)
                    )));
                }
                Some(_) => {}
                None => {
                    files.insert(e.path.clone(), (e, bytes, dir));
                }
            }
        }
    }
    let (commit, dirty, _) = header.unwrap_or((None, false, out));
    let into = OutputDir::open(out, &Inputs { folders: shards.to_vec(), root: None }, waiting)?;
    let count = files.len();
    let entries = into.write_entries(files.into_values().map(|(e, bytes, _)| (e, bytes)).collect())?;
    into.finish(entries, Provenance { commit, dirty }, None, None)?;
    Ok(Merged { files: count })
}
