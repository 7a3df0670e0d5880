//! The manifest: every file a build left in the output folder, with the sha256 of the bytes it
//! wrote, the report it belongs to and the answer files it was made from.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Result;
use crate::model::OutputFormat;
use crate::write::{Overwrite, atomic};

/// The name of the manifest in the output folder.
pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Serialize, Deserialize, Default)]
pub struct Manifest {
    pub trustmap: String,
    pub commit: Option<String>,
    pub dirty: bool,
    pub files: Vec<Entry>,
}

/// One file in the output folder.
#[derive(Debug, Serialize, Deserialize, Clone, PartialEq)]
pub struct Entry {
    pub path: String,
    pub sha256: String,
    pub inputs: Vec<String>,
    /// The partner a file belongs to, if it is a partner's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner: Option<String>,
    /// The output format it belongs to (a chart of a Markdown report is `md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<OutputFormat>,
    /// Whether it is the bundle of the deliverable.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bundle: bool,
    /// Whether it belongs to a partner-facing report (`--audience partner`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
    /// The key of the report it belongs to: the sha256 of everything it was made from (see
    /// `build::keys`); a later build with the same key need not make it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl Manifest {
    /// Reads the manifest at `path`: none there is an empty one; one that cannot be read (not
    /// JSON, or not a regular file: a link, a pipe) is an empty one and the reason why.
    pub fn read(path: &Path) -> (Manifest, Option<String>) {
        match super::read_own(path) {
            Ok(None) => (Manifest::default(), None),
            Err(e) => (Manifest::default(), Some(e)),
            Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
                Ok(manifest) => (manifest, None),
                Err(e) => (Manifest::default(), Some(e.to_string())),
            },
        }
    }

    /// A manifest of no files, with this one's version and provenance.
    pub fn header(&self) -> Manifest {
        Manifest {
            trustmap: self.trustmap.clone(),
            commit: self.commit.clone(),
            dirty: self.dirty,
            files: Vec::new(),
        }
    }

    /// As JSON, the way it is written.
    pub fn json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)? + "\n")
    }

    /// Writes it atomically.
    /// Writes it at `path`, unless the file there already holds these bytes (a build that
    /// changed nothing leaves the folder as it was).
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = self.json()?;
        if super::read_own(path).ok().flatten().is_some_and(|old| old == json.as_bytes()) {
            return Ok(());
        }
        atomic(path, json.as_bytes(), Overwrite::Allow)
    }
}

/// The previous build's files, by path: which partner a file with errors belonged to, and whose
/// reports there were.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    entries: Vec<Entry>,
    /// Where each report's entries are in `entries`, by its partner (`None`: the network) and
    /// audience (`true`: partner-facing): a build asks this of every partner, so it is not a
    /// search of every file each time.
    reports: BTreeMap<(Option<String>, bool), Vec<usize>>,
}

impl Previous {
    pub fn new(mut entries: Vec<Entry>) -> Previous {
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let mut reports: BTreeMap<_, Vec<usize>> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            reports.entry((e.partner.clone(), e.shared)).or_default().push(i);
        }
        Previous { entries, reports }
    }

    /// The entries of the manifest in the output folder `out` (none when it cannot be read).
    pub fn read(out: &Path) -> Previous {
        Previous::new(Manifest::read(&out.join(MANIFEST)).0.files)
    }

    /// Every entry, by path.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }

    /// The entry of the file at `path`.
    pub fn get(&self, path: &str) -> Option<&Entry> {
        let at = self.entries.binary_search_by(|e| e.path.as_str().cmp(path)).ok()?;
        Some(&self.entries[at])
    }

    /// The entries of the report of `partner` (`None`: the network) for the audience `shared`.
    pub fn report(&self, partner: Option<&str>, shared: bool) -> impl Iterator<Item = &Entry> {
        let at = self.reports.get(&(partner.map(str::to_owned), shared));
        at.into_iter().flatten().map(|&i| &self.entries[i])
    }

    /// The partner whose reports were made from the answer file `input` (as the manifest names
    /// it). A partner's files name their own inputs; the network's name every partner's.
    pub fn made_from(&self, input: &str) -> Option<String> {
        self.entries
            .iter()
            .find(|e| e.partner.is_some() && e.inputs.iter().any(|i| i == input))?
            .partner
            .clone()
    }

    /// The partners that had reports.
    pub fn partners(&self) -> impl Iterator<Item = &str> {
        self.reports.keys().filter_map(|(partner, _)| partner.as_deref())
    }

    /// Whether partner `id` (the network, for `None`) has an internal report in every one of
    /// `formats` in the output folder `out`, made by a previous build and still there.
    pub fn has_reports(
        &self,
        id: Option<&str>,
        out: &Path,
        formats: &std::collections::BTreeSet<OutputFormat>,
    ) -> bool {
        formats
            .iter()
            .all(|f| self.report(id, false).any(|e| e.format == Some(*f) && out.join(&e.path).is_file()))
    }
}

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
