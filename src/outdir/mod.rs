//! The output folder: the one place `build` writes, and the rules that keep a consultant's files
//! safe in it.
//!
//! - It is never, never contains and never lies inside an input folder (checked after resolving
//!   symbolic links), so reports cannot overwrite answer files.
//! - One build at a time: a lock file, held for the whole build and released by the operating
//!   system on any exit, a crash included.
//! - trustmap overwrites or removes only files its manifest records, and only while they still
//!   hold the bytes it recorded: a file of your own, or a report you changed by hand, is left alone
//!   and named in a notice.
//! - Every file is written to a temporary file and renamed into place. Before the renames of a
//!   report, what they will be is appended to a journal; the manifest is written at the end and
//!   the journal removed. After a crash the journal tells the next build which files are its own,
//!   and temporary files left behind are removed.
//! - Nothing is written or removed through a symbolic link inside the folder.
//! - A bundle (the deliverable as one zip) is made last, from the files the manifest lists as
//!   they are on disk, and only when every one still holds the bytes trustmap wrote; a bundle
//!   that was not made again is removed, so a zip never disagrees with the reports beside it.

mod bundle;
mod lock;
mod manifest;
mod merge;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use bundle::Bundle;
pub use lock::Lock;
pub use manifest::{Entry, MANIFEST, Manifest, Previous, sha256};
pub use merge::{Merged, merge};

use crate::model::OutputFormat;
use crate::provenance::Provenance;
use crate::workspace::resolve;
use crate::write::{self, Overwrite};
use crate::{Error, Result};

/// The journal of a build under way: one JSON line per file about to be renamed into place.
const JOURNAL: &str = ".trustmap-journal";

/// One file a build wants to write, relative to the output folder.
#[derive(Debug, Clone)]
pub struct Output {
    pub path: String,
    pub bytes: Bytes,
    pub format: OutputFormat,
    /// The answer files it was made from, as shown in the manifest.
    pub inputs: Vec<String>,
    /// Whether it belongs to a partner-facing report.
    pub shared: bool,
    /// The key of its report (see [`Entry::key`]).
    pub key: Option<String>,
}

/// The bytes of an [`Output`]: its own (a report as rendered, written without a copy), or shared
/// with other outputs (a chart every format of a report shows).
#[derive(Debug, Clone)]
pub enum Bytes {
    Own(Vec<u8>),
    Shared(crate::model::Shared),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Own(bytes) => bytes,
            Bytes::Shared(bytes) => bytes,
        }
    }
}

/// Something the user should know about the output folder; printed as a warning.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Notice {
    /// The manifest could not be read: trustmap cannot tell which files are its own.
    DamagedManifest(String),
    /// A build was interrupted; its journal was used to tell which files are trustmap's.
    Interrupted,
    /// Temporary files of an interrupted build were removed.
    TempFilesRemoved(usize),
    /// A file trustmap would write exists but is not one it wrote.
    NotOurs(String),
    /// A file trustmap wrote has been changed since; it is now the user's.
    ChangedByHand(String),
    /// The bundle asked for was not made, and why.
    NoBundle(String),
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::DamagedManifest(why) => write!(
                f,
                "the manifest cannot be read ({}), so trustmap treats every file already in the output folder as yours and leaves it alone",
                crate::diagnostic::escape_controls(why)
            ),
            Notice::Interrupted => {
                write!(f, "the last build into this folder was interrupted; its files were recognised")
            }
            Notice::TempFilesRemoved(n) => write!(
                f,
                "removed {} left behind by an interrupted build",
                crate::diagnostic::plural(*n, "temporary file")
            ),
            Notice::NotOurs(path) => write!(
                f,
                "`{}` was not written by trustmap, so it was left alone and not updated (move it away to let trustmap write it)",
                crate::diagnostic::escape_controls(path)
            ),
            Notice::ChangedByHand(path) => write!(
                f,
                "`{}` was changed after trustmap wrote it, so it is left alone as yours (delete it to let trustmap write it again)",
                crate::diagnostic::escape_controls(path)
            ),
            Notice::NoBundle(why) => write!(f, "no bundle was made: {why}"),
        }
    }
}

/// An output folder opened for one build: locked, with the previous build's manifest.
pub struct OutputDir {
    path: PathBuf,
    _lock: lock::Lock,
    /// The previous manifest's entries (with those an interrupted build's journal recorded), by
    /// path; shared with the build, which asks them whose reports there were.
    old: Arc<Previous>,
    /// The other bytes (as sha256) a file may hold and still be trustmap's, besides those its
    /// entry in `old` records: those an interrupted build's journal recorded.
    journaled: BTreeMap<String, BTreeSet<String>>,
    journal: Mutex<Option<std::fs::File>>,
    notices: Mutex<Vec<Notice>>,
}

/// Folders an output folder must stay clear of.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// Folders that hold inputs (answer files, templates): the output folder may not be one,
    /// contain one or lie inside one.
    pub folders: Vec<PathBuf>,
    /// The workspace root: the output folder may not be it or contain it (lying inside it is
    /// the normal case).
    pub root: Option<PathBuf>,
}

impl OutputDir {
    /// Checks `path` against the inputs, creates it, takes its lock (waiting for another build
    /// into it, after calling `waiting`), and reads the previous manifest.
    pub fn open(path: &Path, inputs: &Inputs, waiting: impl FnOnce()) -> Result<OutputDir> {
        check_clear(path, inputs)?;
        if let Ok(meta) = std::fs::symlink_metadata(path)
            && !meta.is_dir()
            && !std::fs::metadata(path).is_ok_and(|m| m.is_dir())
        {
            return Err(Error::OutputNotFolder(path.to_path_buf()));
        }
        std::fs::create_dir_all(path).map_err(|e| Error::Write { path: path.to_path_buf(), cause: e })?;
        let lock = lock::Lock::take(path, waiting)?;
        let mut notices = Vec::new();
        let (manifest, damaged) = Manifest::read(&path.join(MANIFEST));
        notices.extend(damaged.map(Notice::DamagedManifest));
        let mut journaled: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut old: BTreeMap<String, Entry> =
            manifest.files.into_iter().filter(|e| inside(&e.path)).map(|e| (e.path.clone(), e)).collect();
        let journal =
            read_own(&path.join(JOURNAL)).map_err(|why| Error::Journal { path: path.join(JOURNAL), why })?;
        if let Some(bytes) = journal {
            let text = String::from_utf8_lossy(&bytes);
            notices.push(Notice::Interrupted);
            // A line cut short by the crash is simply not recognised.
            for line in text.lines() {
                if let Ok(e) = serde_json::from_str::<Entry>(line)
                    && inside(&e.path)
                {
                    // A file the interrupted build wrote first is as much the previous build's
                    // as those its manifest lists; which of the two builds' bytes it holds is
                    // not known, so its report is made again (no key).
                    let entry = old.entry(e.path.clone()).or_insert_with(|| e.clone());
                    entry.key = None;
                    if entry.sha256 != e.sha256 {
                        journaled.entry(e.path).or_default().insert(e.sha256);
                    }
                }
            }
        }
        let removed = remove_temp_files(path, old.keys());
        if removed > 0 {
            notices.push(Notice::TempFilesRemoved(removed));
        }
        Ok(OutputDir {
            path: path.to_path_buf(),
            _lock: lock,
            old: Arc::new(Previous::new(old.into_values().collect())),
            journaled,
            journal: Mutex::new(None),
            notices: Mutex::new(notices),
        })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The previous build's files.
    pub fn previous(&self) -> Arc<Previous> {
        Arc::clone(&self.old)
    }

    /// Whether the file at `rel`, holding bytes with this `sha` (sha256), is still trustmap's:
    /// the previous manifest records these bytes for it, or an interrupted build's journal does.
    fn ours(&self, rel: &str, sha: &str) -> bool {
        self.old.get(rel).is_some_and(|e| e.sha256 == sha)
            || self.journaled.get(rel).is_some_and(|known| known.contains(sha))
    }

    /// What the user should be told so far.
    pub fn notices(&self) -> Vec<Notice> {
        self.notices.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// Records a notice, once.
    fn notice(&self, notice: Notice) {
        if let Ok(mut n) = self.notices.lock()
            && !n.contains(&notice)
        {
            n.push(notice);
        }
    }

    /// Writes files of one report. A file that exists and is not trustmap's is left alone
    /// (with a notice); one that already holds these bytes is not touched. Returns the manifest
    /// entries of the files that now hold the report's bytes.
    pub fn write(&self, partner: Option<&str>, outputs: Vec<Output>) -> Result<Vec<Entry>> {
        let files = outputs.into_iter().map(|o| {
            let entry = Entry {
                sha256: manifest::sha256(o.bytes.as_ref()),
                path: o.path,
                inputs: o.inputs,
                partner: partner.map(str::to_owned),
                format: Some(o.format),
                bundle: false,
                shared: o.shared,
                key: o.key,
            };
            (entry, o.bytes)
        });
        self.write_files(files.collect())
    }

    /// Writes a file that belongs to no report and no format (`evaluation.json`), as
    /// [`OutputDir::write`] writes a report's; it is stale when a build does not write it again.
    pub fn write_other(&self, path: &str, bytes: &[u8]) -> Result<Vec<Entry>> {
        let entry = Entry {
            path: path.to_string(),
            sha256: manifest::sha256(bytes),
            inputs: Vec::new(),
            partner: None,
            format: None,
            bundle: false,
            shared: false,
            key: None,
        };
        self.write_files(vec![(entry, bytes)])
    }

    /// Writes files with their manifest entries as they are (another build's, merged).
    pub fn write_entries(&self, files: Vec<(Entry, Vec<u8>)>) -> Result<Vec<Entry>> {
        self.write_files(files)
    }

    /// Writes files with their manifest entries, as [`OutputDir::write`] does.
    fn write_files(&self, files: Vec<(Entry, impl AsRef<[u8]>)>) -> Result<Vec<Entry>> {
        let mut staged = Vec::new();
        let mut entries = Vec::new();
        let mut journal = Vec::new();
        for (entry, bytes) in files {
            if !inside(&entry.path) {
                return Err(Error::OutsideOutput(entry.path));
            }
            no_links(&self.path, &entry.path)?;
            let target = self.path.join(&entry.path);
            match self.ownership(&target, &entry.path, &entry.sha256)? {
                Ownership::Free => {
                    staged.push((write::stage(&target, bytes.as_ref())?, Overwrite::Refuse));
                    journal.push(entry.clone());
                }
                Ownership::Ours => {
                    staged.push((write::stage(&target, bytes.as_ref())?, Overwrite::Allow));
                    journal.push(entry.clone());
                }
                Ownership::Same => {}
                Ownership::NotOurs => {
                    self.notice(Notice::NotOurs(entry.path));
                    continue;
                }
                Ownership::ChangedByHand => {
                    self.notice(Notice::ChangedByHand(entry.path));
                    continue;
                }
            }
            entries.push(entry);
        }
        self.journal(&journal)?;
        for (file, overwrite) in staged {
            let rel = entries.iter().position(|e| self.path.join(&e.path) == file.path());
            match file.commit(overwrite) {
                // Someone put a file there since it was looked at: it is theirs.
                Err(Error::Exists(_)) => {
                    if let Some(i) = rel {
                        self.notice(Notice::NotOurs(entries.remove(i).path));
                    }
                }
                other => other?,
            }
        }
        Ok(entries)
    }

    /// Whose the file at `target` (`rel` in the folder) is, when it is to get bytes `new`.
    fn ownership(&self, target: &Path, rel: &str, new: &str) -> Result<Ownership> {
        let Some(sha) = self.current(target)? else { return Ok(Ownership::Free) };
        // A file the journal names is in `old` too.
        Ok(match self.ours(rel, &sha) {
            true if sha == new => Ownership::Same,
            true => Ownership::Ours,
            false if self.old.get(rel).is_none() => Ownership::NotOurs,
            false => Ownership::ChangedByHand,
        })
    }

    /// Appends entries to the journal and flushes it to disk, before their files are renamed
    /// into place.
    fn journal(&self, entries: &[Entry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let path = self.path.join(JOURNAL);
        let werr = |cause| Error::Write { path: path.clone(), cause };
        let mut guard =
            self.journal.lock().map_err(|_| Error::System("the journal lock is poisoned".into()))?;
        if guard.is_none() {
            let file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(werr)?;
            *guard = Some(file);
        }
        let Some(file) = guard.as_mut() else { return Ok(()) };
        let mut text = String::new();
        for e in entries {
            text.push_str(&serde_json::to_string(e)?);
            text.push('\n');
        }
        file.write_all(text.as_bytes()).map_err(werr)?;
        file.sync_data().map_err(werr)
    }

    /// Ends the build: removes the previous build's files that `prune` says are stale (only
    /// those still holding the bytes trustmap wrote; none without `prune`) and its bundle, makes
    /// the `bundle` asked for, writes the manifest of what is now in the folder, and removes the
    /// journal. Returns the paths removed.
    pub fn finish(
        self,
        written: Vec<Entry>,
        provenance: Provenance,
        prune: Option<&Prune>,
        bundle: Option<&Bundle>,
    ) -> Result<Finished> {
        let mut entries: BTreeMap<String, Entry> = written.into_iter().map(|e| (e.path.clone(), e)).collect();
        let mut removed = Vec::new();
        for old in self.old.entries() {
            let path = &old.path;
            if entries.contains_key(path) {
                continue;
            }
            // Earlier bundles are dealt with once this build's is made (below).
            if old.bundle {
                continue;
            }
            no_links(&self.path, path)?;
            let target = self.path.join(path);
            let stale = prune.is_some_and(|p| p.stale(old));
            if stale {
                self.remove_ours(path, &mut removed)?;
                continue;
            }
            // Only the bytes the manifest records are trustmap's (no others in the journal).
            if !self.journaled.contains_key(path) {
                // Kept as it is: only whether it is still there is checked.
                if std::fs::symlink_metadata(&target).is_ok() {
                    entries.insert(path.clone(), old.clone());
                }
                continue;
            }
            let Some(sha) = self.current(&target)? else { continue };
            if self.ours(path, &sha) {
                entries.insert(path.clone(), Entry { sha256: sha, ..old.clone() });
            } else {
                self.notice(Notice::ChangedByHand(path.clone()));
            }
        }
        let mut manifest = Manifest {
            trustmap: env!("CARGO_PKG_VERSION").into(),
            commit: provenance.commit,
            dirty: provenance.dirty,
            files: entries.into_values().collect(),
        };
        let mut bundled = None;
        if let Some(bundle) = bundle {
            match self.bundle(bundle, &manifest)? {
                Ok(entry) => {
                    bundled = entry.as_ref().map(|e| e.path.clone());
                    manifest.files.extend(entry);
                    manifest.files.sort_by(|a, b| a.path.cmp(&b.path));
                }
                Err(why) => self.notice(Notice::NoBundle(why)),
            }
        }
        // Every earlier bundle but the one just made in its place goes: a zip never disagrees
        // with the reports beside it.
        for path in self.old.entries().filter(|e| e.bundle).map(|e| &e.path) {
            if bundled.as_ref() != Some(path) {
                self.remove_ours(path, &mut removed)?;
            }
        }
        manifest.write(&self.path.join(MANIFEST))?;
        remove_journal(&self.path)?;
        let notices = self.notices();
        Ok(Finished { removed, notices, bundled })
    }

    /// Removes the earlier build's file `rel` (adding it to `removed`) if it still holds bytes
    /// trustmap wrote; one changed since is the user's and stays, with a notice.
    fn remove_ours(&self, rel: &str, removed: &mut Vec<String>) -> Result<()> {
        no_links(&self.path, rel)?;
        let target = self.path.join(rel);
        let Some(sha) = self.current(&target)? else { return Ok(()) };
        if !self.ours(rel, &sha) {
            self.notice(Notice::ChangedByHand(rel.to_owned()));
            return Ok(());
        }
        match std::fs::remove_file(&target) {
            Ok(()) => removed.push(rel.to_owned()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(Error::Write { path: target, cause: err }),
        }
        // The folders it leaves empty go too (a partner-facing report's own folder): only an
        // empty folder can be removed, so nothing of anyone's is lost.
        for dir in Path::new(rel).ancestors().skip(1).filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::remove_dir(self.path.join(dir)).is_err() {
                break;
            }
        }
        Ok(())
    }

    /// Makes and writes the bundle of the report files `manifest` lists, with a manifest of
    /// them; or says why it cannot: a report that could not be updated, or one changed since
    /// trustmap wrote it. Returns the bundle's entry (none if its path is not trustmap's).
    fn bundle(
        &self,
        bundle: &Bundle,
        manifest: &Manifest,
    ) -> Result<std::result::Result<Option<Entry>, String>> {
        let lost = self.notices().into_iter().find_map(|n| match n {
            Notice::NotOurs(path) | Notice::ChangedByHand(path) => Some(path),
            _ => None,
        });
        if let Some(path) = lost {
            let path = crate::diagnostic::escape_controls(&path);
            return Ok(Err(format!("`{path}` is not trustmap's, so the reports are not all this build's")));
        }
        let files: Vec<Entry> =
            manifest.files.iter().filter(|e| e.format != Some(OutputFormat::Typ)).cloned().collect();
        let mut contents: Vec<(String, Vec<u8>)> = Vec::with_capacity(files.len() + 1);
        for entry in &files {
            let bytes = read_own(&self.path.join(&entry.path)).ok().flatten();
            match bytes {
                Some(bytes) if manifest::sha256(&bytes) == entry.sha256 => {
                    contents.push((entry.path.clone(), bytes))
                }
                _ => {
                    let path = crate::diagnostic::escape_controls(&entry.path);
                    return Ok(Err(format!("`{path}` is gone or was changed after trustmap wrote it")));
                }
            }
        }
        let inner = Manifest { files, ..manifest.header() };
        contents.push((MANIFEST.into(), inner.json()?.into_bytes()));

        contents.sort_by(|a, b| a.0.cmp(&b.0));
        let listed: Vec<(&str, &[u8])> = contents.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
        let bytes = bundle.zip(&listed)?;
        let entry = Entry {
            path: bundle.file_name(),
            sha256: manifest::sha256(&bytes),
            inputs: Vec::new(),
            partner: None,
            format: None,
            bundle: true,
            shared: false,
            key: None,
        };
        Ok(Ok(self.write_files(vec![(entry, bytes)])?.pop()))
    }

    /// The sha256 of the file at `target` now, or `None` when there is none. Something that is
    /// not a regular file (a pipe, a folder) matches no sha256, so it is never taken for
    /// trustmap's.
    fn current(&self, target: &Path) -> Result<Option<String>> {
        match read_own(target) {
            Ok(bytes) => Ok(bytes.map(|b| manifest::sha256(&b))),
            Err(why) => Ok(Some(format!("({why})"))),
        }
    }
}

/// Which of the previous build's files a build makes stale.
#[derive(Debug)]
pub struct Prune<'a> {
    /// The formats written now.
    pub formats: &'a BTreeSet<OutputFormat>,
    /// Whether internal reports (the network's, the partners') and partner-facing ones were
    /// made now.
    pub internal: bool,
    pub shared: bool,
    /// Whether the network report was made now (not by a shard other than the first).
    pub network: bool,
    /// The partners whose reports were made now.
    pub rebuilt: &'a BTreeSet<String>,
    /// The partners whose files failed: their last good reports stay.
    pub failed: &'a BTreeSet<String>,
    /// The partners whose partner-facing report failed: their earlier one goes.
    pub withdrawn: &'a BTreeSet<String>,
    /// Every partner of the workspace; `None` when it was not read whole and cleanly, so that
    /// no partner can be said to be gone.
    pub present: Option<&'a BTreeSet<String>>,
}

impl Prune<'_> {
    fn stale(&self, e: &Entry) -> bool {
        let of_an_audience_written = if e.shared { self.shared } else { self.internal || e.format.is_none() };
        let of_a_written_format =
            of_an_audience_written && e.format.is_none_or(|f| self.formats.contains(&f));
        match e.partner.as_deref() {
            // A partner-facing report that could not be made again is not left from an earlier
            // build: what this build could not check is not handed over.
            Some(id) if e.shared && self.withdrawn.contains(id) => true,
            // The network's files, and those of partners rebuilt now: a file of a format written
            // now that was not written again (a chart that is no longer drawn) is stale.
            None => of_a_written_format && (self.network || e.format.is_none()),
            Some(id) if self.rebuilt.contains(id) => of_a_written_format && !self.failed.contains(id),
            // A partner whose files failed keeps its last good reports; one that is gone from a
            // workspace read whole and cleanly is stale, in the audiences written now (the
            // index and network report this build leaves alone still link its reports).
            Some(id) => {
                of_an_audience_written
                    && !self.failed.contains(id)
                    && self.present.is_some_and(|p| !p.contains(id))
            }
        }
    }
}

/// What a finished build did to the folder.
#[derive(Debug, Default)]
pub struct Finished {
    pub removed: Vec<String>,
    pub notices: Vec<Notice>,
    /// The bundle's path, when one was made.
    pub bundled: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ownership {
    /// No file there.
    Free,
    /// A file trustmap wrote, unchanged since.
    Ours,
    /// A file trustmap wrote that already holds exactly the new bytes.
    Same,
    /// A file trustmap did not write.
    NotOurs,
    /// A file trustmap wrote, changed since.
    ChangedByHand,
}

fn remove_journal(out: &Path) -> Result<()> {
    let path = out.join(JOURNAL);
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::Write { path, cause: e }),
    }
}

/// Removes the temporary files an interrupted run left in the folders trustmap writes into (the
/// output folder and the folders of the files it recorded; never through a link, and not in a
/// folder of its own, which may be another build's output folder); returns how many.
fn remove_temp_files<'a>(out: &Path, files: impl Iterator<Item = &'a String>) -> usize {
    let mut folders: BTreeSet<PathBuf> = files
        .filter_map(|f| Path::new(f).parent().map(|p| out.join(p)))
        .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir()))
        .collect();
    folders.insert(out.to_path_buf());
    let mut removed = 0;
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.filter_map(std::result::Result::ok) {
            let temp = write::is_temp_name(&entry.file_name().to_string_lossy());
            if temp
                && entry.file_type().is_ok_and(|t| t.is_file())
                && std::fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}

/// Reads a file of the output folder that trustmap may have written: `None` when there is
/// none; an error when it is not a regular file or is reached through a link.
pub(crate) fn read_own(path: &Path) -> std::result::Result<Option<Vec<u8>>, String> {
    use crate::load::read::{Links, Refused, regular};
    match regular(path, u64::MAX, Links::Refuse) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(Refused::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(Refused::Io(e)) if e.raw_os_error() == Some(libc::ELOOP) => Err("a symbolic link".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether a manifest path stays inside the output folder.
pub fn inside(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Refuses to write or remove through a symbolic link inside the output folder, which could
/// point anywhere.
fn no_links(out: &Path, rel: &str) -> Result<()> {
    let mut path = out.to_path_buf();
    for part in Path::new(rel).components() {
        path.push(part);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::SymlinkInOutput(path));
        }
    }
    Ok(())
}

/// How the output folder and an input folder overlap.
fn overlap(out: &Path, input: &Path) -> Option<&'static str> {
    if out == input {
        Some("is")
    } else if input.starts_with(out) {
        Some("contains")
    } else if out.starts_with(input) {
        Some("lies inside")
    } else {
        None
    }
}

/// Refuses an output folder that is, contains or lies inside an input folder, or that is or
/// contains the workspace root or lies inside its `.git`.
fn check_clear(out: &Path, inputs: &Inputs) -> Result<()> {
    let real = resolve(out)?;
    let refuse = |relation: &'static str, input: &Path| Error::OutputOverlap {
        out: out.to_path_buf(),
        relation,
        input: input.to_path_buf(),
    };
    for folder in &inputs.folders {
        let Ok(input) = resolve(folder) else { continue };
        if let Some(relation) = overlap(&real, &input) {
            return Err(refuse(relation, folder));
        }
    }
    if let Some(root) = &inputs.root
        && let Ok(input) = resolve(root)
    {
        match overlap(&real, &input) {
            Some(relation @ ("is" | "contains")) => return Err(refuse(relation, root)),
            _ if real.starts_with(input.join(".git")) => {
                return Err(refuse("lies inside", &root.join(".git")));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_paths_must_stay_inside() {
        assert!(inside("partners/a.html"));
        assert!(!inside("../a.html"));
        assert!(!inside("/etc/passwd"));
        assert!(!inside("partners/../../x"));
        assert!(!inside("./a.html"));
    }

    #[test]
    fn resolving_follows_links_and_takes_missing_parts_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir(real.join("a")).unwrap();
        std::os::unix::fs::symlink(real.join("a"), real.join("link")).unwrap();
        assert_eq!(resolve(&real.join("link/new/x")).unwrap(), real.join("a/new/x"));
        assert_eq!(resolve(&real.join("link/new/../y")).unwrap(), real.join("a/y"));
        assert_eq!(resolve(&real.join("link/..")).unwrap(), real);
    }

    #[test]
    fn an_output_folder_overlapping_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("assessments/sub")).unwrap();
        let inputs = Inputs { folders: vec![root.join("assessments")], root: Some(root.clone()) };
        for (out, relation) in [
            (root.join("assessments"), "is"),
            (root.join("assessments/sub"), "lies inside"),
            (root.join("assessments/new"), "lies inside"),
            (root.clone(), "contains"),
            (PathBuf::from("/"), "contains"),
            (root.join(".git/reports"), "lies inside"),
        ] {
            let err = check_clear(&out, &inputs).unwrap_err();
            assert!(
                matches!(&err, Error::OutputOverlap { relation: r, .. } if *r == relation),
                "{}: {err}",
                out.display()
            );
        }
        check_clear(&root.join("reports"), &inputs).unwrap();
    }
}
