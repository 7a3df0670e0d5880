//! What `trustmap check` says about broken answer files, one fixture folder per case under
//! `tests/fixtures/diagnostics/<case>/`: the files in `ws/` are checked, and what is printed
//! must be exactly `expected.txt` (the human output) and `expected.json` (`--format json`), with
//! the exit code on the first line of `expected.txt`. Run with `TRUSTMAP_BLESS=1` to write the
//! expectations from what is printed now, then read the diff.

use std::path::Path;

use super::{copy_dir, trustmap};

fn expectation(dir: &Path, name: &str, actual: &str, bless: bool, failures: &mut Vec<String>) {
    let path = dir.join(name);
    if bless {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        failures.push(format!(
            "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
            path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&path).display()
        ));
    }
}

#[test]
fn check_says_what_each_fixture_expects() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diagnostics");
    let bless = std::env::var_os("TRUSTMAP_BLESS").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 8, "the cases are there: {cases:?}");
    let mut failures = Vec::new();
    for case in &cases {
        let ws = tempfile::tempdir().unwrap();
        copy_dir(&case.join("ws"), ws.path());
        let text = trustmap(ws.path(), &["check"]);
        assert_eq!(text.stderr, "", "{}", case.display());
        expectation(
            case,
            "expected.txt",
            &format!("exit {}\n{}", text.code, text.stdout),
            bless,
            &mut failures,
        );
        let json = trustmap(ws.path(), &["check", "--format", "json"]);
        assert_eq!(json.code, text.code, "{}", case.display());
        serde_json::from_str::<serde_json::Value>(&json.stdout).expect("the JSON output is JSON");
        expectation(case, "expected.json", &json.stdout, bless, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
