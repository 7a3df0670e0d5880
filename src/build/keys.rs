//! Incremental builds: each report's files are recorded in the manifest with a key, the sha256
//! of everything they are made from (trustmap's version and questionnaire, the templates and
//! labels, the settings of the formats, the branding, and the report's data: a partner's
//! evaluation and answer files, the whole network's for the network report). A build makes
//! again only the reports whose key changed, or whose files are no longer all there; `--force`
//! makes every one.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::model::OutputFormat;
use crate::outdir::{Entry, Previous};

/// The part of every key that all reports of a build share, and the fingerprints of the
/// templates of each kind of report.
pub struct Keys<'a> {
    base: String,
    renderer: &'a crate::render::Renderer,
}

pub use crate::model::sha256_json as hash;

impl<'a> Keys<'a> {
    /// The shared part: `settings` (the formats, the PDF settings, whatever else the build's
    /// files depend on besides their data); and the templates `renderer` renders with.
    pub fn new(renderer: &'a crate::render::Renderer, settings: &impl Serialize) -> Keys<'a> {
        let questionnaire = crate::questionnaire::Questionnaire::get();
        Keys { base: hash(&(env!("CARGO_PKG_VERSION"), questionnaire, settings)), renderer }
    }

    /// The key of a report of `kind` (`partner`, `network`, `shared`) made from `data`.
    pub fn of(&self, kind: &str, data: &impl Serialize) -> String {
        hash(&(&self.base, kind, self.renderer.fingerprint(kind), data))
    }
}

/// Which reports a build makes, by their keys: those whose key changed or whose files are not
/// all there (every one with `force`); the entries of the others are carried over.
pub struct Fresh<'a> {
    previous: &'a Previous,
    stamp: Option<&'a super::Stamp>,
    out: &'a Path,
    formats: &'a BTreeSet<OutputFormat>,
    force: bool,
    /// The entries of the reports not made again.
    pub carried: Vec<Entry>,
}

impl<'a> Fresh<'a> {
    /// `stamp` tells which of the previous build's files are as it left them without reading them.
    pub fn new(
        previous: &'a Previous,
        stamp: Option<&'a super::Stamp>,
        out: &'a Path,
        formats: &'a BTreeSet<OutputFormat>,
        force: bool,
    ) -> Self {
        Fresh { previous, stamp, out, formats, force, carried: Vec::new() }
    }

    /// Whether the report of `who` (a partner or the network, and its audience) with `key`
    /// must be made; if not, its files' entries are carried over.
    pub fn needs(&mut self, who: (Option<&str>, bool), key: &str) -> bool {
        if self.force {
            return true;
        }
        match unchanged(self.previous, self.stamp, self.out, who, self.formats, key) {
            Some(entries) => {
                self.carried.extend(entries);
                false
            }
            None => true,
        }
    }
}

/// The entries of a report's files from the previous build, when that build made them with
/// `key` in every one of `formats` and they all still hold those bytes in `out` (read, unless
/// `stamp` vouches for them): the report need not be made again. `partner` is the report's (`None` for the network report), `shared` its audience.
pub fn unchanged(
    previous: &Previous,
    stamp: Option<&super::Stamp>,
    out: &Path,
    (partner, shared): (Option<&str>, bool),
    formats: &BTreeSet<OutputFormat>,
    key: &str,
) -> Option<Vec<Entry>> {
    let entries: Vec<&Entry> = (previous.report(partner, shared))
        .filter(|e| !e.bundle && e.format.is_some_and(|f| formats.contains(&f)))
        .collect();
    let all_there = formats.iter().all(|f| entries.iter().any(|e| e.format == Some(*f)));
    // Each file must still hold what the previous build wrote: one changed by hand, or put in
    // a report's place, is the user's, and the report is made to say so.
    let intact = |e: &Entry| {
        stamp.is_some_and(|stamp| stamp.vouches(out, &e.path))
            || std::fs::read(out.join(&e.path)).is_ok_and(|b| crate::outdir::sha256(&b) == e.sha256)
    };
    let same = entries.iter().all(|e| e.key.as_deref() == Some(key) && intact(e));
    (all_there && same).then(|| entries.into_iter().cloned().collect())
}
