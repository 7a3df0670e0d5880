//! `build --watch`: a real child process watching a real workspace; a changed answer file is
//! built again and its diagnostics printed, and a fixed one is built again too.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::workspace;

const FILE: &str =
    "partner: Smit Logistiek\nrole: supplier\ndate: 2026-03-15\nanswers:\n  trust.expertise: 4\n";

/// `trustmap` run with `args` in `dir` (its cache folder `cache`), and what it prints on
/// standard error, a line at a time.
struct Watcher {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Watcher {
    fn start(dir: &std::path::Path, args: &[&str], cache: &std::path::Path) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustmap"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", cache)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let (tx, lines) = mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Watcher { child, lines }
    }

    /// Every line printed up to the next "watching" line (a bound only against a hang: no
    /// timing is asserted).
    fn next_build(&self) -> Vec<String> {
        let mut said = Vec::new();
        loop {
            let line =
                self.lines.recv_timeout(Duration::from_secs(120)).expect("the watcher builds and waits");
            if line.starts_with("watching") {
                return said;
            }
            said.push(line);
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_changed_answer_file_is_built_again_with_its_diagnostics() {
    let dir =
        workspace(&[("trustmap.toml", "[report]\nformats = [\"md\"]\n"), ("assessments/smit.yaml", FILE)]);
    // A cache folder inside the workspace: the stamp each build leaves there is no change.
    let watcher = Watcher::start(dir.path(), &["build", "--watch"], &dir.path().join(".cache"));
    let next_build = || watcher.next_build().join("\n");
    let report = dir.path().join("reports/partners/smit-logistiek.md");
    let first = next_build();
    assert!(first.contains("wrote"), "{first}");
    // Nothing changed: no build follows (what the build wrote is not a change).
    let quiet = watcher.lines.recv_timeout(Duration::from_secs(3));
    assert!(quiet.is_err(), "a build started with nothing changed: {quiet:?}");
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
}

/// The body of `GET path` from the server at `address`, with its status line.
fn get(address: &str, path: &str) -> (String, String) {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).expect("the server answers");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_owned(), body.to_owned())
}

#[test]
fn the_served_pages_reload_after_the_next_build_and_nothing_outside_is_served() {
    let dir =
        workspace(&[("trustmap.toml", "[report]\nformats = [\"html\"]\n"), ("assessments/smit.yaml", FILE)]);
    let watcher = Watcher::start(dir.path(), &["build", "--serve", "0"], &super::cache());
    let next_build = || watcher.next_build();
    let first = next_build();
    let address = (first.iter().find_map(|l| l.split("http://").nth(1)))
        .map(|a| a.trim_end_matches('/').to_owned())
        .expect("the server says where it is");
    let (status, page) = get(&address, "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains("Smit Logistiek") && page.contains("/__trustmap/build"), "{page}");
    assert_eq!(get(&address, "/__trustmap/build").1, "1");
    assert!(
        !std::fs::read_to_string(dir.path().join("reports/index.html")).unwrap().contains("__trustmap"),
        "the file on disk is as built"
    );
    for outside in ["/../trustmap.toml", "/%2e%2e/trustmap.toml", "/nothing.html"] {
        assert_eq!(get(&address, outside).0, "HTTP/1.1 404 Not Found", "{outside}");
    }
    std::fs::write(
        dir.path().join("assessments/smit.yaml"),
        FILE.replace("trust.expertise: 4", "trust.expertise: 2"),
    )
    .unwrap();
    next_build();
    assert_eq!(get(&address, "/__trustmap/build").1, "2", "the pages see the new build");
}
