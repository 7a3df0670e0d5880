//! The output folder under stress: two builds at once, a build killed with SIGKILL mid-way, and
//! the modes of the files written. Real processes, real signals, real files.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{links, trustmap};

/// A workspace of `n` partners, each with a few answers and a note.
fn many_partners(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trustmap.toml"), "organisation = \"Van Dijk\"\n").unwrap();
    std::fs::create_dir(dir.path().join("assessments")).unwrap();
    for i in 0..n {
        let text = format!(
            "partner: Partner {i:04}\nrole: {}\ndate: 2026-03-01\nanswers:\n  trust.expertise: {}\n  trust.openness:\n    score: {}\n    note: Notitie over partner {i}, met *nadruk*.\n  exchange.breaches: {}\n",
            ["customer", "supplier", "alliance"][i % 3],
            1 + i % 5,
            1 + (i / 5) % 5,
            1 + (i / 25) % 5
        );
        std::fs::write(dir.path().join(format!("assessments/p{i:04}.yaml")), text).unwrap();
    }
    dir
}

/// The manifest's files, by path, with their sha256.
fn manifest(out: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap().to_owned(), f["sha256"].as_str().unwrap().to_owned()))
        .collect()
}

/// The folder's files (but the manifest), by path, with their sha256.
fn on_disk(out: &Path) -> BTreeMap<String, String> {
    use sha2::Digest as _;
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().into_owned();
            (rel, format!("{:x}", sha2::Sha256::digest(std::fs::read(e.path()).unwrap())))
        })
        .filter(|(rel, _)| rel != "manifest.json")
        .collect()
}

fn assert_consistent(out: &Path) {
    assert_eq!(manifest(out), on_disk(out), "the manifest lists exactly the files, with their bytes");
    links::assert_all_resolve(out);
}

fn spawn_build(ws: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(["build", "--format", "md,html"])
        .current_dir(ws)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_builds_into_one_folder_take_turns() {
    let ws = many_partners(200);
    let (first, second) = (spawn_build(ws.path()), spawn_build(ws.path()));
    let (first, second) = (first.wait_with_output().unwrap(), second.wait_with_output().unwrap());
    assert!(first.status.success() && second.status.success());
    let said =
        format!("{}{}", String::from_utf8_lossy(&first.stderr), String::from_utf8_lossy(&second.stderr));
    assert!(said.contains("waiting for another trustmap build that is writing to `reports`"), "{said}");
    assert_consistent(&ws.path().join("reports"));
}

#[test]
fn a_build_killed_mid_way_is_repaired_by_the_next() {
    let ws = many_partners(600);
    let out = ws.path().join("reports");
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md,html"]).code, 0);
    // Change every partner, so the next build rewrites every report, and kill it half-way.
    for entry in std::fs::read_dir(ws.path().join("assessments")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().replace("2026-03-01", "2026-04-01");
        std::fs::write(path, text).unwrap();
    }
    let mut child = spawn_build(ws.path());
    let started = Instant::now();
    let journal = out.join(".trustmap-journal");
    while !journal.exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "the build never started writing");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(journal.exists(), "an interrupted build is detectable");
    for (path, _) in on_disk(&out) {
        if path.ends_with(".html") {
            let html = std::fs::read_to_string(out.join(&path)).unwrap();
            assert!(html.trim_end().ends_with("</html>"), "{path} is whole, old or new");
        }
    }
    let run = trustmap(ws.path(), &["build", "--format", "md,html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("was interrupted"), "{}", run.stderr);
    assert!(!journal.exists());
    assert!(on_disk(&out).keys().all(|p| !p.contains(".trustmap-")), "no temporary file is left");
    assert_consistent(&out);
    let p = std::fs::read_to_string(out.join("partners/partner-0599.html")).unwrap();
    assert!(p.contains("2026-04-01"));
}

#[test]
fn files_get_the_mode_a_new_file_gets() {
    let ws = many_partners(2);
    for (umask, mode) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let out = format!("out-{umask}");
        let status = Command::new("sh")
            .args(["-c", &format!("umask {umask} && exec \"$0\" build -q --format md,html -o {out}")])
            .arg(env!("CARGO_BIN_EXE_trustmap"))
            .current_dir(ws.path())
            .status()
            .unwrap();
        assert!(status.success());
        for file in [
            "index.html",
            "manifest.json",
            "partners/partner-0001.md",
            "partners/charts/partner-0001-radar.svg",
        ] {
            let actual =
                std::fs::metadata(ws.path().join(&out).join(file)).unwrap().permissions().mode() & 0o777;
            assert_eq!(actual, mode, "{file} under umask {umask}");
        }
    }
}
