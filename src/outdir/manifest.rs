//! The manifest: every file a build left in the output folder, with the sha256 of the bytes it
//! wrote, the report it belongs to and the answer files it was made from.

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

    /// Writes it atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        atomic(path, (serde_json::to_string_pretty(self)? + "\n").as_bytes(), Overwrite::Allow)
    }
}

/// The sha256 of `bytes`, in lowercase hex.
pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}
