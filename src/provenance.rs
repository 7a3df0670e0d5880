//! Where a build's inputs came from, for the manifest and the reports' footers: the git commit
//! of the workspace, and whether the inputs differ from it ("dirty"). Read once per build.
//!
//! A received workspace may carry a repository whose configuration names commands (an
//! `core.fsmonitor` hook, clean and smudge filters, hooks). None of them may run, and nothing in
//! `.git` may be written. So trustmap asks `git` only for `rev-parse` and `ls-tree`, which read
//! objects and run no configured command, with `core.fsmonitor` off and optional locks off; it
//! never runs `git status`. Whether an input differs from the commit is decided here, by hashing
//! its bytes as git hashes a blob and comparing with the commit's tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sha2::Digest as _;

use crate::process::{self, Ran};

/// Where the inputs of a build came from, for the manifest and the reports' footers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The commit of the workspace's repository.
    pub commit: Option<String>,
    /// Whether the inputs differ from that commit.
    pub dirty: bool,
}

/// How long one `git` call may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(30);

/// What went into a build: the files read, and the folders whose every answer file was read
/// (a file deleted from one of them since the commit also makes the inputs dirty).
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    pub files: Vec<&'a Path>,
    pub folders: Vec<&'a Path>,
}

/// The provenance of a build of `workspace` that read `files` (all answer files, when `whole`):
/// its `trustmap.toml`, templates and logo count as inputs too.
pub fn of_build(
    workspace: &crate::workspace::Workspace,
    files: &[PathBuf],
    folders: &[PathBuf],
    whole: bool,
) -> Provenance {
    let root = &workspace.root;
    let config = root.join(crate::workspace::CONFIG_FILE);
    let templates = workspace.template_files();
    let logo = workspace.config.report.logo.as_ref().map(|l| root.join(l));
    let files: Vec<&Path> = files
        .iter()
        .map(PathBuf::as_path)
        .chain(workspace.found.then_some(config.as_path()))
        .chain(templates.iter().map(PathBuf::as_path))
        .chain(logo.as_deref())
        .collect();
    let folders = if whole { folders.iter().map(PathBuf::as_path).collect() } else { Vec::new() };
    read(root, &Inputs { files, folders })
}

/// The commit of the repository that holds `root`, if any, and whether `inputs` differ from it.
pub fn read(root: &Path, inputs: &Inputs) -> Provenance {
    let Some(head) = git(root, &["rev-parse", "--show-toplevel", "HEAD"]) else {
        return Provenance::default();
    };
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.lines();
    let (Some(top), Some(commit)) = (lines.next(), lines.next()) else { return Provenance::default() };
    let (top, commit) = (PathBuf::from(top), commit.trim().to_owned());
    let dirty = dirty(&top, &commit, inputs).unwrap_or(true);
    Provenance { commit: Some(commit), dirty }
}

/// The commit checked out in the repository that holds `root`, if any: all a later build needs
/// to tell that the provenance of unchanged inputs is unchanged too. Without a `.git` above
/// `root` (and no `GIT_DIR`), git is not asked.
pub fn commit(root: &Path) -> Option<String> {
    let in_repository = std::env::var_os("GIT_DIR").is_some()
        || root.canonicalize().ok()?.ancestors().any(|dir| dir.join(".git").exists());
    if !in_repository {
        return None;
    }
    let head = git(root, &["rev-parse", "HEAD"])?;
    Some(String::from_utf8_lossy(&head).trim().to_owned())
}

/// Runs a read-only `git` command in `dir`; its standard output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(dir)
        .args(["--no-optional-locks", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"])
        // A partial clone would fetch missing objects through a transport its configuration
        // names (`core.sshCommand`, `uploadpack`): no fetching, and no transport at all.
        .args(["-c", "protocol.allow=never"])
        .args(args)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0");
    match process::run(&mut cmd, GIT_TIMEOUT) {
        Ok(Ran::Finished { status, stdout, .. }) if status.success() => Some(stdout),
        _ => None,
    }
}

/// Whether any input differs from the commit's tree. `None` when that cannot be told.
fn dirty(top: &Path, commit: &str, inputs: &Inputs) -> Option<bool> {
    let top = top.canonicalize().ok()?;
    let listing = git(&top, &["ls-tree", "-r", "-z", "--full-tree", commit])?;
    // `<mode> <type> <object>\t<path>\0`, paths relative to the top of the repository.
    let mut tree: BTreeMap<String, String> = BTreeMap::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let (head, path) = record.split_once('\t')?;
        let object = head.split(' ').nth(2)?;
        tree.insert(path.to_owned(), object.to_owned());
    }
    let relative = |p: &Path| -> Option<String> {
        let p = p.canonicalize().ok()?;
        let rel = p.strip_prefix(&top).ok()?;
        Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
    };
    let mut read: BTreeSet<String> = BTreeSet::new();
    for file in &inputs.files {
        let Some(rel) = relative(file) else { continue };
        let bytes = std::fs::read(file).ok()?;
        if tree.get(&rel).is_none_or(|object| *object != blob_id(&bytes, object.len())) {
            return Some(true);
        }
        read.insert(rel);
    }
    for folder in &inputs.folders {
        let Some(prefix) = relative(folder) else { continue };
        let prefix = if prefix.is_empty() { prefix } else { format!("{prefix}/") };
        let gone = tree.keys().any(|path| {
            path.starts_with(&prefix)
                && crate::load::format_of(Path::new(path)).is_some()
                && !path[prefix.len()..].split('/').any(|part| part.starts_with('.'))
                && !read.contains(path)
        });
        if gone {
            return Some(true);
        }
    }
    Some(false)
}

/// The id git gives a blob of `bytes`: SHA-1 (40 hex digits) or, in a SHA-256 repository, SHA-256.
fn blob_id(bytes: &[u8], hex_len: usize) -> String {
    let header = format!("blob {}\0", bytes.len());
    if hex_len == 64 {
        let mut h = sha2::Sha256::new();
        h.update(header.as_bytes());
        h.update(bytes);
        format!("{:x}", h.finalize())
    } else {
        let mut h = sha1::Sha1::new();
        h.update(header.as_bytes());
        h.update(bytes);
        format!("{:x}", h.finalize())
    }
}

/// The files at `rev` in the repository of `root` whose paths (relative to `root`) start with
/// one of `prefixes`, with their bytes as committed. Read with `rev-parse`, `ls-tree` and
/// `cat-file blob`, which run no filter, hook or other configured command.
pub fn files_at(root: &Path, rev: &str, prefixes: &[&str]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let root = root.canonicalize().map_err(|e| format!("cannot resolve the workspace ({e})"))?;
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a revision"));
    }
    let commit = git(&root, &["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| format!("`{rev}` is not a commit of the workspace's git repository"))?;
    // The workspace's place in the repository, so that paths can be given relative to it.
    let prefix = git(&root, &["rev-parse", "--show-prefix"])
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .unwrap_or_default();
    let listing = git(&root, &["ls-tree", "-r", "-z", "--full-tree", &commit])
        .ok_or_else(|| format!("cannot list the files of `{rev}`"))?;
    let mut files = Vec::new();
    for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((head, path)) = record.split_once('\t') else { continue };
        let mut parts = head.split(' ');
        let (mode, kind, object) = (parts.next(), parts.next(), parts.next());
        // Regular files only: no symbolic link, no submodule.
        let (Some("100644" | "100755"), Some("blob"), Some(object)) = (mode, kind, object) else { continue };
        let Some(relative) = path.strip_prefix(&prefix) else { continue };
        // A tree can hold any name git's index would refuse (`..`, `.`, a backslash): such a
        // path could lead outside the folder it is written into, and is left out.
        let plain = |part: &str| !part.is_empty() && part != "." && part != ".." && !part.contains('\\');
        if !relative.split('/').all(plain) {
            continue;
        }
        if !prefixes.iter().any(|p| relative == *p || relative.starts_with(&format!("{p}/"))) {
            continue;
        }
        let bytes = git(&root, &["cat-file", "blob", object])
            .ok_or_else(|| format!("cannot read `{path}` at `{rev}`"))?;
        files.push((relative.to_string(), bytes));
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(blob_id(b"hello\n", 40), "ce013625030ba8dba906f756967f9e9ca394464a");
    }
}
