//! `build --watch`: a real child process watching a real workspace; a changed answer file is
//! built again and its diagnostics printed, and a fixed one is built again too.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::workspace;

const FILE: &str =
    "partner: Smit Logistiek\nrole: supplier\ndate: 2026-03-15\nanswers:\n  trust.expertise: 4\n";

#[test]
fn a_changed_answer_file_is_built_again_with_its_diagnostics() {
    let dir =
        workspace(&[("trustmap.toml", "[report]\nformats = [\"md\"]\n"), ("assessments/smit.yaml", FILE)]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(["build", "--watch"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", super::cache())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let (tx, rx) = mpsc::channel();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in stderr.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Everything printed up to the next "watching" line (a bound only against a hang: no timing
    // is asserted).
    let next_build = || {
        let mut said = Vec::new();
        loop {
            let line = rx.recv_timeout(Duration::from_secs(120)).expect("the watcher builds and waits");
            if line.starts_with("watching") {
                return said.join("\n");
            }
            said.push(line);
        }
    };
    let report = dir.path().join("reports/partners/smit-logistiek.md");
    let first = next_build();
    assert!(first.contains("wrote"), "{first}");
    let before = std::fs::read_to_string(&report).unwrap();

    let file = dir.path().join("assessments/smit.yaml");
    std::fs::write(&file, FILE.replace("trust.expertise: 4", "trust.expertise: 7")).unwrap();
    let broken = next_build();
    assert!(broken.contains("score-range") && broken.contains("smit.yaml:5:20"), "{broken}");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), before, "the last good report is kept");

    std::fs::write(&file, FILE.replace("trust.expertise: 4", "trust.expertise: 2")).unwrap();
    let fixed = next_build();
    assert!(fixed.contains("wrote") && !fixed.contains("error"), "{fixed}");
    assert_ne!(std::fs::read_to_string(&report).unwrap(), before, "the report shows the new score");
    child.kill().unwrap();
    child.wait().unwrap();
}
