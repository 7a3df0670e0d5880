//! `build --watch`: a real child process watching a real workspace; a changed answer file is
//! built again and its diagnostics printed, and a fixed one is built again too. And `--open`,
//! with a browser (`$BROWSER`) that writes down what it was asked to open.

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
        Self::start_with_browser(dir, args, cache, std::path::Path::new("/nonexistent"))
    }

    fn start_with_browser(
        dir: &std::path::Path,
        args: &[&str],
        cache: &std::path::Path,
        browser: &std::path::Path,
    ) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trustmap"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("XDG_CACHE_HOME", cache)
            .env("BROWSER", browser)
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
    let browser = Browser::new();
    let watcher = Watcher::start_with_browser(
        dir.path(),
        &["build", "--serve", "0", "--open"],
        &super::cache(),
        &browser.program,
    );
    let next_build = || watcher.next_build();
    let first = next_build();
    let address = (first.iter().find_map(|l| l.split("http://").nth(1)))
        .map(|a| a.trim_end_matches('/').to_owned())
        .expect("the server says where it is");
    assert_eq!(browser.opened(), format!("http://{address}/"), "--open opens the served index");
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
    assert_eq!(browser.calls(), 1, "the browser is opened after the first build only");
}

/// A browser: a script that appends each thing it is asked to open to a file.
struct Browser {
    _dir: tempfile::TempDir,
    program: std::path::PathBuf,
    log: std::path::PathBuf,
}

impl Browser {
    fn new() -> Browser {
        let dir = tempfile::tempdir().unwrap();
        let (program, log) = (dir.path().join("browser"), dir.path().join("opened"));
        std::fs::write(&program, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()))
            .unwrap();
        std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        Browser { _dir: dir, program, log }
    }

    /// What it was asked to open first, once it has been (the browser is started in the
    /// background; the wait is a bound against a hang, not a timing).
    fn opened(&self) -> String {
        for _ in 0..600 {
            if let Some(line) =
                std::fs::read_to_string(&self.log).ok().and_then(|l| l.lines().next().map(str::to_owned))
            {
                return line;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the browser was not opened");
    }

    fn calls(&self) -> usize {
        std::fs::read_to_string(&self.log).map_or(0, |l| l.lines().count())
    }
}

#[test]
fn open_opens_the_index_or_else_the_network_report_and_a_missing_browser_is_no_failure() {
    for (formats, opened) in [("html", "reports/index.html"), ("md", "reports/network.md")] {
        let dir = workspace(&[
            ("trustmap.toml", &format!("[report]\nformats = [\"{formats}\"]\n")),
            ("assessments/smit.yaml", FILE),
        ]);
        let browser = Browser::new();
        let run = Command::new(env!("CARGO_BIN_EXE_trustmap"))
            .args(["build", "--open"])
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", super::cache())
            .env("BROWSER", &browser.program)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let expected = std::path::absolute(dir.path().join(opened)).unwrap();
        assert_eq!(browser.opened(), expected.to_string_lossy(), "{formats}");
    }
    let dir = workspace(&[("assessments/smit.yaml", FILE)]);
    let run = Command::new(env!("CARGO_BIN_EXE_trustmap"))
        .args(["build", "--open"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("XDG_CACHE_HOME", super::cache())
        .env("BROWSER", dir.path().join("no-such-browser"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && stderr.contains("cannot open"), "{stderr}");
    assert!(dir.path().join("reports/index.html").is_file());
}
