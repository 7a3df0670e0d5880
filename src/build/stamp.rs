//! The build with nothing to do. A build that ends clean leaves a stamp in the user's cache
//! folder (`$XDG_CACHE_HOME/trustmap/stamps/`, else `~/.cache/…`; one file per output folder,
//! named by the sha256 of its path), so that the output folder holds the reports and nothing
//! that differs from one machine or run to the next: what each input file
//! and each file it left in the folder looked like on disk (size, modification and change times,
//! inode), the settings it ran with, and what it told the user. The next build into the folder
//! first looks at its inputs and outputs the same way; when none changed it repeats what the
//! last one said and is done, without reading or evaluating anything.
//!
//! The stamp is a cache and never the only safeguard: any difference, or a stamp that cannot be
//! read, means an ordinary build. A file whose times fall within the file system's timestamp
//! granularity of the moment it was looked at ("racily clean", as git calls it) could change
//! without its times showing it, so its sha256 is recorded too and compared each time.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Summary;
use crate::discover::Found;
use crate::outdir::{self, MANIFEST, Manifest, sha256};
use crate::reporter::Reporter;
use crate::settings::BuildSettings;

/// The folder of the stamps; `None` without a cache folder.
pub fn folder() -> Option<std::path::PathBuf> {
    let absolute =
        |var: &str| std::env::var_os(var).map(std::path::PathBuf::from).filter(|p| p.is_absolute());
    let cache = absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache")))?;
    Some(cache.join("trustmap/stamps"))
}

/// Where the stamp of the output folder `out` is kept; `None` without a cache folder.
fn place(out: &Path) -> Option<std::path::PathBuf> {
    beside(out, "json")
}

/// A file in the stamps' folder for the output folder `out`, named by the sha256 of its path
/// and ending in `.<ext>`; `None` without a cache folder.
pub(super) fn beside(out: &Path, ext: &str) -> Option<std::path::PathBuf> {
    let out = out.canonicalize().ok()?;
    Some(folder()?.join(format!("{}.{ext}", sha256(out.as_os_str().as_encoded_bytes()))))
}

/// What a file looked like on disk: enough that any write to it shows. Written as an array,
/// as the stamp holds thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, i64, i64, u64)", into = "(u64, i64, i64, u64)")]
pub(super) struct Stat {
    len: u64,
    /// Modification and change times, in nanoseconds since the epoch.
    mtime: i64,
    ctime: i64,
    ino: u64,
}

impl From<(u64, i64, i64, u64)> for Stat {
    fn from((len, mtime, ctime, ino): (u64, i64, i64, u64)) -> Stat {
        Stat { len, mtime, ctime, ino }
    }
}

impl From<Stat> for (u64, i64, i64, u64) {
    fn from(s: Stat) -> Self {
        (s.len, s.mtime, s.ctime, s.ino)
    }
}

impl Stat {
    /// The file at `path` (through a link when `follow`); `None` when there is none.
    fn of(path: &Path, follow: bool) -> Option<Stat> {
        let meta = if follow { std::fs::metadata(path) } else { std::fs::symlink_metadata(path) }.ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
            Some(Stat {
                len: meta.len(),
                mtime: ns(meta.mtime(), meta.mtime_nsec()),
                ctime: ns(meta.ctime(), meta.ctime_nsec()),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let mtime = meta.modified().ok().map_or(0, nanos);
            Some(Stat { len: meta.len(), mtime, ctime: mtime, ino: 0 })
        }
    }

    /// The running trustmap's executable: a rebuilt one may read and make files otherwise.
    pub(super) fn exe() -> Option<Stat> {
        std::env::current_exe().ok().and_then(|exe| Stat::of(&exe, true))
    }

    /// Whether the file could have been written again since `at` without its times showing
    /// it: its times are within the file system's granularity of `at` (two seconds where the
    /// times have no fraction of a second, as on FAT; otherwise a few clock ticks).
    fn racy(&self, at: i64) -> bool {
        let coarse = self.mtime % 1_000_000_000 == 0 && self.ctime % 1_000_000_000 == 0;
        let window = if coarse { 2_000_000_000 } else { 50_000_000 };
        self.mtime.max(self.ctime) >= at.saturating_sub(window)
    }
}

/// Nanoseconds since the epoch.
fn nanos(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A file as a build saw it: its [`Stat`] (`None`: there was no file), and its sha256 when its
/// stat alone cannot be trusted (see [`Stat::racy`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Seen {
    stat: Option<Stat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

impl Seen {
    /// The file at `path` as it is now, seen at `at` (through a link when `follow`), with the
    /// sha256 of its bytes when its stat alone cannot be trusted.
    fn now(path: &Path, follow: bool, at: i64) -> Seen {
        let stat = Stat::of(path, follow);
        Seen { stat, sha256: stat.filter(|s| s.racy(at)).and_then(|_| hash(path)) }
    }

    /// Whether the file at `path` is still as seen, `current` being its stat now.
    fn still(&self, path: &Path, current: Option<Stat>) -> bool {
        current == self.stat && self.sha256.as_ref().is_none_or(|sha| hash(path).as_ref() == Some(sha))
    }
}

/// The sha256 of the regular file at `path`, if it can be read (a FIFO among the answer files
/// is not waited on).
fn hash(path: &Path) -> Option<String> {
    use crate::load::read::{Links, regular};
    regular(path, u64::MAX, Links::Follow).ok().map(|bytes| sha256(&bytes))
}

/// The inputs of a build as they were when it started: every answer file found, the templates
/// and labels, the plans, `trustmap.toml` and the logo.
pub struct Inputs {
    files: BTreeMap<String, Seen>,
}

impl Inputs {
    /// Looks at the inputs of a build with settings `s` that found the answer files `found`.
    pub fn take(s: &BuildSettings, found: &Found) -> Inputs {
        let at = nanos(std::time::SystemTime::now());
        let ws = &s.workspace;
        let under = |dir: std::path::PathBuf| {
            walkdir::WalkDir::new(dir)
                .follow_links(true)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(walkdir::DirEntry::into_path)
        };
        let paths: BTreeSet<std::path::PathBuf> = (found.files.iter().cloned())
            .chain(under(ws.templates()))
            .chain(ws.plans().into_iter().flat_map(under))
            .chain(std::iter::once(ws.root.join(crate::workspace::CONFIG_FILE)))
            .chain(ws.config.report.logo.as_ref().map(|logo| ws.root.join(logo)))
            .collect();
        let files = paths
            .into_iter()
            .map(|path| {
                let seen = Seen::now(&path, true, at);
                (path.to_string_lossy().into_owned(), seen)
            })
            .collect();
        Inputs { files }
    }

    /// The stat of the input at `path` as this build found it, when it would show any write
    /// since (the file's times were not too recent to trust, see [`Stat::racy`]).
    pub(super) fn trusted(&self, path: &Path) -> Option<Stat> {
        let seen = self.files.get(path.to_str()?)?;
        seen.stat.filter(|_| seen.sha256.is_none())
    }
}

/// What a build told its user, to tell again when the next one has nothing to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Said {
    Diagnostics(String),
    Error(String),
    Warning(String),
    Note(String),
}

/// A reporter that passes everything on to another and keeps what was said.
pub struct Recorder<'a> {
    inner: &'a dyn Reporter,
    said: Mutex<Vec<Said>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Reporter) -> Self {
        Recorder { inner, said: Mutex::new(Vec::new()) }
    }

    fn keep(&self, said: Said) {
        if let Ok(mut all) = self.said.lock() {
            all.push(said);
        }
    }
}

impl Reporter for Recorder<'_> {
    fn colour(&self) -> bool {
        self.inner.colour()
    }
    fn stage(&self, what: &'static str, len: usize) {
        self.inner.stage(what, len);
    }
    fn step(&self) {
        self.inner.step();
    }
    fn done(&self) {
        self.inner.done();
    }
    fn diagnostics(&self, text: &str) {
        self.keep(Said::Diagnostics(text.to_owned()));
        self.inner.diagnostics(text);
    }
    fn error(&self, message: &str) {
        self.keep(Said::Error(message.to_owned()));
        self.inner.error(message);
    }
    fn warning(&self, message: &str) {
        self.keep(Said::Warning(message.to_owned()));
        self.inner.warning(message);
    }
    fn note(&self, message: &str) {
        self.keep(Said::Note(message.to_owned()));
        self.inner.note(message);
    }
    fn status(&self, line: &str) {
        self.inner.status(line);
    }
    fn waiting(&self, out: &Path) {
        self.inner.waiting(out);
    }
}

/// What the last clean build into an output folder saw and said.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    /// The settings, trustmap itself, the commit of the workspace and the colour of messages.
    key: String,
    inputs: BTreeMap<String, Seen>,
    /// Every file of the manifest, and the manifest: each holds what the manifest records.
    outputs: BTreeMap<String, Seen>,
    /// Whether the manifest is as the stamp saw it, once asked.
    #[serde(skip)]
    manifest: std::sync::OnceLock<bool>,
    said: Vec<Said>,
    /// The report files the build left, and its bundle.
    files: usize,
    bundle: Option<String>,
}

/// The key of a build with settings `s` (whose messages are in colour when `colour`): what,
/// besides its files, could make it turn out differently.
fn key(s: &BuildSettings, colour: bool) -> String {
    // How many threads do the work and whether progress is drawn change nothing in the files.
    let settings = BuildSettings { jobs: 0, jobs_asked: None, quiet: false, ..s.clone() };
    let commit = crate::provenance::commit(&s.workspace.root);
    crate::model::sha256_json(&(
        env!("CARGO_PKG_VERSION"),
        format!("{settings:?}"),
        Stat::exe(),
        commit,
        colour,
    ))
}

impl Stamp {
    /// The stamp of the output folder `out`, if it has one that can be read.
    pub fn read(out: &Path) -> Option<Stamp> {
        let bytes = outdir::read_own(&place(out)?).ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    /// Whether the stamp vouches, without the file being read, that the output folder `out`'s
    /// file at `path` still holds what the manifest in the folder records.
    pub fn vouches(&self, out: &Path, path: &str) -> bool {
        // The manifest is written just before the stamp, so its times are always too close to
        // trust (see [`Stat::racy`]): it is read, once, and compared by its sha256.
        let manifest = || {
            let path = out.join(MANIFEST);
            self.outputs.get(MANIFEST).is_some_and(|seen| seen.still(&path, Stat::of(&path, false)))
        };
        let seen = self.outputs.get(path);
        *self.manifest.get_or_init(manifest)
            && seen.is_some_and(|seen| seen.sha256.is_none() && seen.stat == Stat::of(&out.join(path), false))
    }

    /// When nothing a build with settings `s` reads has changed since the stamp was made, and
    /// every file it left is as it left it: tells the user again what that build said, and
    /// returns its summary. Waits for another build into the folder to end first.
    pub fn replay(&self, s: &BuildSettings, inputs: &Inputs, reporter: &dyn Reporter) -> Option<Summary> {
        if s.force || s.dump_context || s.since.is_some() {
            return None;
        }
        let _lock = outdir::Lock::take(&s.out, || reporter.waiting(&s.out)).ok()?;
        // A build that started since this stamp was read has removed it.
        let now = Stamp::read(&s.out)?;
        // The inputs as this build found them, against the stamp's: a file whose stat could
        // not be trusted then is compared by its bytes.
        let same = |(p, seen): (&String, &Seen), (q, current): (&String, &Seen)| {
            p == q && (seen == current || seen.still(Path::new(p), current.stat))
        };
        let same_inputs = now.inputs.len() == inputs.files.len()
            && now.inputs.iter().zip(&inputs.files).all(|(a, b)| same(a, b));
        let outputs: Vec<(&String, &Seen)> = now.outputs.iter().collect();
        let fresh = same_inputs
            && now.key == key(s, reporter.colour())
            && outputs.par_iter().all(|(path, seen)| {
                let path = s.out.join(path);
                seen.still(&path, Stat::of(&path, false))
            });
        if !fresh {
            return None;
        }
        for said in &now.said {
            match said {
                Said::Diagnostics(text) => reporter.diagnostics(text),
                Said::Error(message) => reporter.error(message),
                Said::Warning(message) => reporter.warning(message),
                Said::Note(message) => reporter.note(message),
            }
        }
        Some(Summary { unchanged: now.files, bundle: now.bundle.clone(), ..Summary::default() })
    }

    /// Removes the stamp of the output folder `out`: a build into it has begun.
    pub fn remove(out: &Path) {
        if let Some(place) = place(out) {
            let _ = std::fs::remove_file(place);
        }
    }

    /// Stamps the output folder `out` after a build with settings `s` that began with `inputs`,
    /// told its user what `recorder` kept and ended with `summary`; only a build that ended
    /// clean, and only when every file its manifest lists holds what it records. `previous` is
    /// the stamp the build began with: files it saw unchanged are not read again.
    pub fn write(
        s: &BuildSettings,
        inputs: Inputs,
        recorder: Recorder,
        summary: &Summary,
        previous: Option<&Stamp>,
    ) {
        let clean = !summary.has_errors && !summary.incomplete && summary.notices == 0;
        if !clean || s.dump_context || s.since.is_some() {
            return;
        }
        let out = &s.out;
        let Ok(Some(bytes)) = outdir::read_own(&out.join(MANIFEST)) else { return };
        let Ok(manifest) = serde_json::from_slice::<Manifest>(&bytes) else { return };
        let manifest_sha = sha256(&bytes);
        // Each file is checked to hold what the manifest records: read, unless the build began
        // with a stamp that vouched for it and it has not been written since.
        let at = nanos(std::time::SystemTime::now());
        let old = previous.filter(|p| *p.manifest.get().unwrap_or(&false));
        let seen = |path: &str, sha: &str| -> Option<Seen> {
            let full = out.join(path);
            let stat = Stat::of(&full, false)?;
            let vouched = old
                .and_then(|p| p.outputs.get(path))
                .is_some_and(|o| o.stat == Some(stat) && o.sha256.is_none());
            let bytes = (!vouched || stat.racy(at)).then(|| hash(&full));
            if bytes.as_ref().is_some_and(|b| b.as_deref() != Some(sha)) {
                return None;
            }
            Some(Seen { stat: Some(stat), sha256: bytes.flatten().filter(|_| stat.racy(at)) })
        };
        let files: Vec<(&str, &str)> = (manifest.files.iter().map(|e| (e.path.as_str(), e.sha256.as_str())))
            .chain(std::iter::once((MANIFEST, manifest_sha.as_str())))
            .collect();
        let Some(outputs) =
            files.par_iter().map(|&(path, sha)| Some((path.to_owned(), seen(path, sha)?))).collect()
        else {
            return;
        };
        let stamp = Stamp {
            key: key(s, recorder.colour()),
            inputs: inputs.files,
            outputs,
            manifest: std::sync::OnceLock::new(),
            said: recorder.said.into_inner().unwrap_or_default(),
            files: summary.written + summary.unchanged,
            bundle: summary.bundle.clone(),
        };
        // A cache: a stamp that cannot be written only means that the next build looks at
        // everything again.
        let Some(place) = place(out) else { return };
        let _ = crate::write::private(&place, |w| serde_json::to_writer(w, &stamp).map_err(Into::into));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(outputs: BTreeMap<String, Seen>) -> Stamp {
        let manifest = std::sync::OnceLock::new();
        let (key, inputs, said) = (String::new(), BTreeMap::new(), Vec::new());
        Stamp { key, inputs, outputs, manifest, said, files: 1, bundle: None }
    }

    /// A build writes its manifest just before its stamp, so the stamp holds the manifest's
    /// sha256 rather than trusting its times: the next build reads the manifest to compare, and
    /// then trusts the stat of every report, rather than reading them all.
    #[test]
    fn a_stamp_vouches_for_the_reports_beside_a_manifest_written_just_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("network.html"), "<p>network</p>").unwrap();
        std::fs::write(out.join(MANIFEST), "{\"files\":[]}").unwrap();
        let now = nanos(std::time::SystemTime::now());
        let later = now.saturating_add(3_600_000_000_000);
        let outputs = BTreeMap::from([
            ("network.html".to_owned(), Seen::now(&out.join("network.html"), false, later)),
            (MANIFEST.to_owned(), Seen::now(&out.join(MANIFEST), false, now)),
        ]);
        assert!(outputs[MANIFEST].sha256.is_some(), "the manifest was written just now");
        assert!(stamp(outputs.clone()).vouches(out, "network.html"));
        assert!(!stamp(outputs.clone()).vouches(out, "partners/absent.html"));
        // Another manifest: nothing in the folder is vouched for.
        std::fs::write(out.join(MANIFEST), "{\"files\":[1]}").unwrap();
        assert!(!stamp(outputs).vouches(out, "network.html"));
    }
}
