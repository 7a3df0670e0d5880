//! The casebook: relationships judged as a consultant would, one folder per case under
//! `tests/fixtures/cases/<case>/` with its answer files and `expected.toml` (the verdicts and
//! flags expected, the reason and its source), written before the code was run on them. Every
//! case is evaluated by `trustmap evaluate --format json`; every expectation must hold. The
//! book's "Casebook" chapter is made from the same folders: run with `TRUSTMAP_BLESS=1` to
//! write it anew, then read the diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use super::trustmap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    title: String,
    situation: String,
    reason: String,
    source: String,
    #[serde(default)]
    partners: BTreeMap<String, PartnerExpected>,
    network: Option<NetworkExpected>,
}

/// Acceptable verdicts: one, or any of several.
#[derive(Deserialize)]
#[serde(untagged)]
enum Verdicts {
    One(String),
    Any(Vec<String>),
}

impl Verdicts {
    fn allows(&self, verdict: &str) -> bool {
        match self {
            Verdicts::One(v) => v == verdict,
            Verdicts::Any(vs) => vs.iter().any(|v| v == verdict),
        }
    }

    fn text(&self) -> String {
        match self {
            Verdicts::One(v) => format!("`{v}`"),
            Verdicts::Any(vs) => vs.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(" or "),
        }
    }
}

/// `deny_unknown_fields` does not work with `flatten`: [`check`] checks the verdict keys.
#[derive(Deserialize)]
struct PartnerExpected {
    #[serde(flatten)]
    verdicts: BTreeMap<String, Verdicts>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
    #[serde(default)]
    partner_flags: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkExpected {
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
}

/// A verdict of the evaluation by its casebook key: `overall`, `P1`..`P5`, `P1_relationship`.
fn verdict<'a>(partner: &'a Value, key: &str) -> Option<&'a str> {
    if key == "overall" {
        return partner["overall_verdict"].as_str();
    }
    // `P3` is the verdict of our view, `P3_relationship` the relationship's.
    let (id, field) = key.split_once('_').unwrap_or((key, "verdict"));
    partner["propositions"].as_array()?.iter().find(|p| p["id"] == id)?[field].as_str()
}

/// The flags raised, by code: the highest severity, and whether the partner's view raised one.
fn flags(list: &Value) -> BTreeMap<String, (String, bool)> {
    let rank = |s: &str| ["info", "warning", "critical"].iter().position(|x| *x == s).unwrap_or(0);
    let mut out: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for f in list.as_array().into_iter().flatten() {
        let (code, severity) =
            (f["code"].as_str().unwrap_or_default(), f["severity"].as_str().unwrap_or_default());
        let theirs = f["side"] == "partner";
        let entry = out.entry(code.to_owned()).or_insert((severity.to_owned(), theirs));
        if rank(severity) > rank(&entry.0) {
            entry.0 = severity.to_owned();
        }
        entry.1 |= theirs;
    }
    out
}

/// Checks one case; gives its failures and its chapter section.
fn check(case: &Path, expected: &Expected, json: &Value) -> (Vec<String>, String) {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let mut failures = Vec::new();
    let mut fail = |what: String| failures.push(format!("{name}: {what}"));
    let mut said = Vec::new();
    let mut wanted = Vec::new();
    for (id, exp) in &expected.partners {
        let Some(p) = json["partners"].as_array().and_then(|ps| ps.iter().find(|p| p["id"] == id.as_str()))
        else {
            fail(format!("no partner `{id}` in the evaluation"));
            continue;
        };
        let raised = flags(&p["flags"]);
        for (key, verdicts) in &exp.verdicts {
            let known = key == "overall"
                || ["P1", "P2", "P3", "P4", "P5"]
                    .iter()
                    .any(|p| key == p || *key == format!("{p}_relationship"));
            assert!(known, "{name}: `{key}` is not a key of expected.toml");
            let actual = verdict(p, key).unwrap_or("(none)");
            wanted.push(format!("{id} {key} {}", verdicts.text()));
            if !verdicts.allows(actual) {
                fail(format!("{id} {key}: expected {}, evaluated `{actual}`", verdicts.text()));
            }
        }
        for code in &exp.flags {
            if !raised.contains_key(code) {
                fail(format!("{id}: expected flag `{code}`, not raised"));
            }
        }
        for code in &exp.partner_flags {
            if !raised.get(code).is_some_and(|(_, theirs)| *theirs) {
                fail(format!("{id}: expected flag `{code}` from the partner's view, not raised"));
            }
        }
        for code in &exp.absent {
            if raised.contains_key(code) {
                fail(format!("{id}: flag `{code}` raised, expected not"));
            }
        }
        for (code, severity) in &exp.severity {
            match raised.get(code) {
                Some((actual, _)) if actual == severity => {}
                Some((actual, _)) => {
                    fail(format!("{id}: flag `{code}` is `{actual}`, expected `{severity}`"))
                }
                None => fail(format!("{id}: expected flag `{code}` ({severity}), not raised")),
            }
        }
        if !exp.flags.is_empty() || !exp.partner_flags.is_empty() {
            let codes: Vec<String> =
                exp.flags.iter().chain(&exp.partner_flags).map(|c| format!("`{c}`")).collect();
            wanted.push(format!("{id} flags {}", codes.join(", ")));
        }
        if !exp.absent.is_empty() {
            let codes: Vec<String> = exp.absent.iter().map(|c| format!("`{c}`")).collect();
            wanted.push(format!("{id} not {}", codes.join(", ")));
        }
        said.push(summary(p, &raised));
    }
    if let Some(net) = &expected.network {
        let raised = flags(&json["network"]["flags"]);
        for code in &net.flags {
            if !raised.contains_key(code) {
                fail(format!("network: expected flag `{code}`, not raised"));
            }
        }
        for code in &net.absent {
            if raised.contains_key(code) {
                fail(format!("network: flag `{code}` raised, expected not"));
            }
        }
        let codes: Vec<String> = raised.iter().map(|(c, (s, _))| format!("`{c}` ({s})")).collect();
        if !net.flags.is_empty() {
            wanted.push(format!(
                "network flags {}",
                net.flags.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        if !net.absent.is_empty() {
            wanted.push(format!(
                "network not {}",
                net.absent.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        said.push(format!(
            "network flags: {}",
            if codes.is_empty() { "none".into() } else { codes.join(", ") }
        ));
    }
    let mut section = String::new();
    let _ = writeln!(section, "## {}\n", expected.title);
    let _ = writeln!(section, "{}\n", expected.situation);
    let _ = writeln!(section, "- **Expected:** {}.", wanted.join("; "));
    let _ = writeln!(section, "- **Why:** {} ({})", expected.reason, expected.source);
    let _ = writeln!(section, "- **trustmap:** {}", said.join(" "));
    let _ = writeln!(section, "- **Files:** `tests/fixtures/cases/{name}/`\n");
    (failures, section)
}

/// What the evaluation says of a partner, in one line.
fn summary(p: &Value, raised: &BTreeMap<String, (String, bool)>) -> String {
    let mut parts = Vec::new();
    for r in p["propositions"].as_array().into_iter().flatten() {
        let mut text =
            format!("{} `{}`", r["id"].as_str().unwrap_or("?"), r["verdict"].as_str().unwrap_or("?"));
        let caps: Vec<&str> =
            r["caps"].as_array().into_iter().flatten().filter_map(|c| c["rule"].as_str()).collect();
        if !caps.is_empty() {
            text.push_str(&format!(" (capped: {})", caps.join(", ")));
        }
        if let Some(rel) = r["relationship"].as_str() {
            text.push_str(&format!(", relationship `{rel}`"));
        }
        parts.push(text);
    }
    parts.push(format!("overall `{}`", p["overall_verdict"].as_str().unwrap_or("?")));
    let codes: Vec<String> = raised
        .iter()
        .map(|(c, (s, theirs))| format!("`{c}` ({s}{})", if *theirs { ", partner" } else { "" }))
        .collect();
    format!(
        "{}: {}; flags: {}.",
        p["id"].as_str().unwrap_or("?"),
        parts.join(", "),
        if codes.is_empty() { "none".into() } else { codes.join(", ") }
    )
}

#[test]
fn the_casebook_holds_and_the_chapter_shows_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    cases.sort();
    assert!(cases.len() >= 30, "the casebook has its cases: {}", cases.len());
    let mut failures = Vec::new();
    let mut chapter = String::from(
        "# Casebook\n\n\
         Relationships as a consultant would judge them, each written down — with the verdicts and \
         flags expected, and why — before `trustmap` was run on it. The test suite evaluates every \
         case and fails when an expectation does not hold, so this chapter is also what the current \
         version says. Verdicts in backquotes; \"capped\" names the condition that held a verdict \
         below its score (see [How relationships are scored](scoring.md)).\n\n",
    );
    for case in &cases {
        let text = std::fs::read_to_string(case.join("expected.toml")).unwrap();
        let expected: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
        let run = trustmap(case, &["evaluate", "--format", "json", "."]);
        let json: Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}\n{}", case.display(), run.stderr));
        assert_eq!(run.code, 0, "{}: {}", case.display(), run.stderr);
        let (failed, section) = check(case, &expected, &json);
        failures.extend(failed);
        chapter.push_str(&section);
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src/casebook.md");
    if std::env::var_os("TRUSTMAP_BLESS").is_some() {
        std::fs::write(&path, &chapter).unwrap();
    } else {
        assert!(
            std::fs::read_to_string(&path).unwrap_or_default() == chapter,
            "book/src/casebook.md is not what the cases say: run with TRUSTMAP_BLESS=1 and read the diff"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of the casebook's expectations fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
