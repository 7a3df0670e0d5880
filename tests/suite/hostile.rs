//! Hostile, broken and adversarial inputs, one fixture folder per case under
//! `tests/fixtures/hostile/<case>/`: `ws/` is copied into a fresh folder, `case.toml` says how to
//! set it up (links, FIFOs, generated files, git repositories), which commands to run, and what
//! must hold after each: the exit code, what is and is not printed, which files exist, are
//! unchanged, hold or lack some text, and that every Markdown report is inert and every link in
//! the output resolves. A command that does not end within two minutes fails the case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use wait_timeout::ChildExt as _;

use super::{copy_dir, links};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// What the case is about (the issue item it guards).
    #[allow(dead_code)]
    about: String,
    /// Only as root (to make files another user's), or only as another user (so that file
    /// modes are obeyed); the case is skipped otherwise, with a message.
    #[serde(default)]
    needs: Option<String>,
    #[serde(default)]
    setup: Vec<Action>,
    step: Vec<Step>,
}

/// One change to the workspace.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Action {
    /// `[link, target]`: a symbolic link.
    symlink: Option<[String; 2]>,
    /// A named pipe.
    fifo: Option<String>,
    write: Option<Write>,
    remove: Option<String>,
    /// `git` with these arguments, in the workspace.
    git: Option<Vec<String>>,
    /// `[path, octal mode]`.
    chmod: Option<[String; 2]>,
    /// Made the property of user and group 65534 (nobody).
    chown: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    path: String,
    #[serde(default)]
    text: String,
    /// Raw bytes appended after `text`.
    #[serde(default)]
    bytes: Vec<u8>,
    /// Appended `times` times after that.
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    times: usize,
    /// Then this.
    #[serde(default)]
    tail: String,
    /// Written as UTF-16 (little-endian, no byte order mark).
    #[serde(default)]
    utf16: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    #[serde(default)]
    before: Vec<Action>,
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    /// Run in this folder of the workspace.
    #[serde(default)]
    cwd: Option<String>,
    code: i32,
    #[serde(default)]
    stderr: Vec<String>,
    #[serde(default)]
    not_stderr: Vec<String>,
    #[serde(default)]
    stdout: Vec<String>,
    #[serde(default)]
    not_stdout: Vec<String>,
    /// At most this many bytes on standard error.
    #[serde(default)]
    stderr_max: Option<usize>,
    /// At most this many bytes on standard output.
    #[serde(default)]
    stdout_max: Option<usize>,
    #[serde(default)]
    exist: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    /// Files whose bytes are what they were before the first step.
    #[serde(default)]
    unchanged: Vec<String>,
    /// Files whose bytes are what they were before this step.
    #[serde(default)]
    kept: Vec<String>,
    #[serde(default)]
    contains: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    not_contains: BTreeMap<String, Vec<String>>,
    /// Output folders whose Markdown must be inert and whose links must all resolve.
    #[serde(default)]
    deliverable: Vec<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn apply(ws: &Path, action: &Action) {
    if let Some([link, target]) = &action.symlink {
        let link = ws.join(link);
        std::fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, link).unwrap();
    }
    if let Some(fifo) = &action.fifo {
        let c = std::ffi::CString::new(ws.join(fifo).to_str().unwrap()).unwrap();
        // SAFETY: a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }
    if let Some(w) = &action.write {
        let mut bytes = w.text.as_bytes().to_vec();
        bytes.extend(&w.bytes);
        for _ in 0..w.times {
            bytes.extend(w.repeat.as_bytes());
        }
        bytes.extend(w.tail.as_bytes());
        if w.utf16 {
            let text = String::from_utf8(bytes).unwrap();
            bytes = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        }
        let path = ws.join(&w.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    if let Some(path) = &action.remove {
        let path = ws.join(path);
        if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) }.unwrap();
    }
    if let Some(args) = &action.git {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"])
            .args(args)
            .current_dir(ws)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
    if let Some([path, mode]) = &action.chmod {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = u32::from_str_radix(mode, 8).unwrap();
        std::fs::set_permissions(ws.join(path), std::fs::Permissions::from_mode(mode)).unwrap();
    }
    if let Some(path) = &action.chown {
        std::os::unix::fs::chown(ws.join(path), Some(65534), Some(65534)).unwrap();
    }
}

/// Every file's bytes under `dir`, by relative path.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_string_lossy().into_owned();
            Some((rel, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

struct Output {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(ws: &Path, step: &Step) -> Output {
    let cwd = step.cwd.as_ref().map_or_else(|| ws.to_path_buf(), |c| ws.join(c));
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(step.args.iter().map(|a| a.replace("{ws}", &ws.to_string_lossy())))
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("TRUSTMAP_TRUST_WORKSPACE")
        .envs(&step.env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default());
    let status = match child.wait_timeout(Duration::from_secs(120)).unwrap() {
        Some(status) => status,
        None => {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("`trustmap {}` did not end within two minutes", step.args.join(" "));
        }
    };
    Output { code: status.code().unwrap_or(-1), stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

fn check(name: &str, ws: &Path, step: &Step, before_all: &BTreeMap<String, Vec<u8>>) {
    for action in &step.before {
        apply(ws, action);
    }
    let before = snapshot(ws);
    let out = run(ws, step);
    let what = format!(
        "{name}: `trustmap {}`\n--- stdout\n{}--- stderr\n{}",
        step.args.join(" "),
        out.stdout,
        out.stderr
    );
    assert_eq!(out.code, step.code, "exit code of {what}");
    for s in &step.stderr {
        assert!(out.stderr.contains(s.as_str()), "stderr lacks {s:?}: {what}");
    }
    for s in &step.not_stderr {
        assert!(!out.stderr.contains(s.as_str()), "stderr has {s:?}: {what}");
    }
    for s in &step.stdout {
        assert!(out.stdout.contains(s.as_str()), "stdout lacks {s:?}: {what}");
    }
    for s in &step.not_stdout {
        assert!(!out.stdout.contains(s.as_str()), "stdout has {s:?}: {what}");
    }
    for (stream, text, max) in
        [("stderr", &out.stderr, step.stderr_max), ("stdout", &out.stdout, step.stdout_max)]
    {
        if let Some(max) = max {
            assert!(
                text.len() <= max,
                "{} bytes on {stream}: {}",
                text.len(),
                text.chars().take(2000).collect::<String>()
            );
        }
    }
    for f in &step.exist {
        assert!(ws.join(f).exists(), "{f} is missing after {what}");
    }
    for f in &step.absent {
        assert!(std::fs::symlink_metadata(ws.join(f)).is_err(), "{f} exists after {what}");
    }
    for f in &step.unchanged {
        assert_eq!(std::fs::read(ws.join(f)).ok().as_ref(), before_all.get(f), "{f} changed: {what}");
    }
    for f in &step.kept {
        assert_eq!(std::fs::read(ws.join(f)).ok().as_ref(), before.get(f), "{f} changed: {what}");
    }
    for (f, texts) in &step.contains {
        let text = std::fs::read_to_string(ws.join(f)).unwrap_or_else(|e| panic!("{f}: {e}: {what}"));
        for t in texts {
            assert!(text.contains(t.as_str()), "{f} lacks {t:?}: {what}");
        }
    }
    for (f, texts) in &step.not_contains {
        let text = String::from_utf8_lossy(&std::fs::read(ws.join(f)).unwrap_or_default()).into_owned();
        for t in texts {
            assert!(!text.contains(t.as_str()), "{f} has {t:?}: {what}");
        }
    }
    for dir in &step.deliverable {
        let dir = ws.join(dir);
        links::assert_all_resolve(&dir);
        links::assert_markdown_inert(&dir);
    }
}

#[test]
fn hostile_inputs_are_held_to_the_guarantees() {
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut skipped = Vec::new();
    let mut failed = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(dir.join("case.toml")).unwrap_or_else(|e| panic!("{name}: {e}"));
        let case: Case = toml::from_str(&text).unwrap_or_else(|e| panic!("{name}/case.toml: {e}"));
        match case.needs.as_deref() {
            Some("root") if !is_root() => {
                skipped.push(name);
                continue;
            }
            Some("non-root") if is_root() => {
                skipped.push(name);
                continue;
            }
            _ => {}
        }
        let ws = tempfile::tempdir().unwrap();
        copy_dir(&dir.join("ws"), ws.path());
        let outcome = std::panic::catch_unwind(|| {
            for action in &case.setup {
                apply(ws.path(), action);
            }
            let before_all = snapshot(ws.path());
            for step in &case.step {
                check(&name, ws.path(), step, &before_all);
            }
        });
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failed.push(format!("=== {name}\n{message}"));
        }
        // Let the folder be removed even where a case took permissions away.
        let _ = Command::new("chmod").args(["-R", "u+rwx"]).arg(ws.path()).status();
    }
    if !skipped.is_empty() {
        eprintln!("skipped as this user: {}", skipped.join(", "));
    }
    assert!(failed.is_empty(), "{} of {} cases failed:\n{}", failed.len(), cases.len(), failed.join("\n\n"));
}
