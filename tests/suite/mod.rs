//! Shared helpers: run the real binary on real files in a temporary folder.

mod browser;
mod build;
mod cases;
mod check;
mod crash;
mod diagnostics;
mod docs;
mod evaluate;
mod files;
mod fuzzed;
mod hostile;
mod import;
mod incremental;
mod links;
mod pdf;
mod plans;
mod properties;
mod sharing;
mod shell;
mod snapshots;
mod watch;

use std::path::{Path, PathBuf};
use std::process::Command;

/// What a run of the binary printed and returned.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The cache folder the tests give trustmap (for its stamps of what each build saw), so that
/// they leave nothing in the user's own.
pub fn cache() -> std::path::PathBuf {
    std::env::temp_dir().join("trustmap-tests-cache")
}

/// `program` to run in `dir` as the tests run trustmap: colour off, the tests' cache folder,
/// no `SOURCE_DATE_EPOCH` from the environment.
fn command(program: &str, dir: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", cache())
        .env_remove("SOURCE_DATE_EPOCH");
    command
}

/// Runs `trustmap` with `args` in `dir`, with colour off.
pub fn trustmap(dir: &Path, args: &[&str]) -> Run {
    let output = command(env!("CARGO_BIN_EXE_trustmap"), dir).args(args).output().expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs the binary in `dir` on a terminal `columns` wide (a pseudo-terminal made by `script`,
/// from util-linux, which every Debian has): what the terminal showed, standard output and
/// error together, with `\n` line ends; and the exit code.
pub fn on_terminal(dir: &Path, args: &[&str], columns: u16) -> (String, i32) {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_trustmap"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let shell = format!("stty rows 40 cols {columns}; {}", quoted.join(" "));
    let output = command("script", dir)
        .args(["--quiet", "--return", "--command", &shell, "/dev/null"])
        .output()
        .expect("`script` (util-linux) runs");
    (String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n"), output.status.code().unwrap_or(-1))
}

/// A temporary folder with the given files written into it.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Copies the folder `from` (if there is one) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    if !from.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The repository's sample workspace.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Every answer file of the samples.
pub fn sample_files() -> Vec<PathBuf> {
    trustmap::discover::discover(&[samples().join("assessments")], &[], &samples()).unwrap().files
}
