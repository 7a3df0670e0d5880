//! `trustmap check`: every diagnostic with its exact location, the output formats, exit codes.

use super::{trustmap, workspace};

const HEAD: &str = "partner: Bakkerij De Korenaar\nrole: customer\ndate: 2026-03-15\n";

/// Checks one file and returns `(line, column, code)` of each diagnostic, plus the JSON.
fn diagnostics(name: &str, text: &str) -> (Vec<(u64, u64, String)>, serde_json::Value) {
    let dir = workspace(&[(name, text)]);
    let run = trustmap(dir.path(), &["check", "--format", "json", name]);
    let json: serde_json::Value =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    let found = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (found, json)
}

/// A case: its name, the file's text, and the `(line, column, code)` expected.
type Case = (&'static str, String, Vec<(u64, u64, String)>);

fn at(line: u64, column: u64, code: &str) -> (u64, u64, String) {
    (line, column, code.to_owned())
}

#[test]
fn every_yaml_problem_is_reported_at_its_place() {
    let cases: &[Case] = &[
        ("unknown key", format!("{HEAD}partnr: x\n"), vec![at(4, 1, "unknown-key")]),
        ("missing keys", "partner: X\n".into(), vec![at(1, 1, "missing-key"), at(1, 1, "missing-key")]),
        (
            "unknown question",
            format!("{HEAD}answers:\n  trust.expertize: 4\n"),
            vec![at(5, 3, "unknown-question")],
        ),
        ("score range", format!("{HEAD}answers:\n  trust.expertise: 7\n"), vec![at(5, 20, "score-range")]),
        (
            "score zero",
            format!("{HEAD}answers:\n  trust.expertise: {{score: 0}}\n"),
            vec![at(5, 28, "score-range")],
        ),
        ("not integer", format!("{HEAD}answers:\n  trust.expertise: 3.5\n"), vec![at(5, 20, "not-integer")]),
        (
            "score text",
            format!("{HEAD}answers:\n  trust.openness:\n    score: veel\n"),
            vec![at(6, 12, "wrong-type")],
        ),
        ("wrong type", format!("{HEAD}strategic: ja\n"), vec![at(4, 12, "wrong-type")]),
        ("bad date", "partner: X\nrole: customer\ndate: 2026-02-30\n".into(), vec![at(3, 7, "bad-date")]),
        ("bad enum", "partner: X\nrole: suplier\ndate: 2026-02-03\n".into(), vec![at(2, 7, "unknown-value")]),
        ("duplicate key", format!("{HEAD}role: supplier\n"), vec![at(4, 1, "duplicate-key")]),
        ("bad slug", format!("{HEAD}id: De Korenaar\n"), vec![at(4, 5, "invalid-slug")]),
        (
            "field not allowed here",
            format!("{HEAD}answers:\n  trust.expertise:\n    people: [Anna]\n"),
            vec![at(6, 5, "unknown-field")],
        ),
        (
            "bad frequency",
            format!(
                "{HEAD}answers:\n  key_people.partner_influence:\n    people:\n      - name: Anna\n        contact: fortnightly\n"
            ),
            vec![at(8, 18, "unknown-value")],
        ),
        (
            "percent range",
            format!("{HEAD}answers:\n  growth.order_portfolio:\n    revenue_share_pct: 120\n"),
            vec![at(6, 24, "out-of-range")],
        ),
        ("syntax", format!("{HEAD}answers: [1, 2\n"), vec![at(4, 10, "yaml-syntax")]),
        (
            "several at once",
            format!("{HEAD}answers:\n  trust.expertise: 9\n  trust.openess: 2\n  trust.benevolence: 2.5\n"),
            vec![at(5, 20, "score-range"), at(6, 3, "unknown-question"), at(7, 22, "not-integer")],
        ),
    ];
    for (name, text, expected) in cases {
        let (found, _) = diagnostics("a.yaml", text);
        assert_eq!(&found, expected, "case `{name}`:\n{text}");
    }
}

#[test]
fn suggestions_name_the_closest_key() {
    let (_, json) = diagnostics("a.yaml", &format!("{HEAD}answers:\n  trust.expertize: 4\n"));
    assert_eq!(json[0]["help"], "did you mean `trust.expertise`?");
    let (_, json) = diagnostics("a.yaml", "partner: X\nrole: suplier\ndate: 2026-01-01\n");
    assert_eq!(json[0]["help"], "did you mean `supplier`?");
    assert_eq!(json[0]["message"], "unknown role `suplier`");
}

#[test]
fn every_markdown_problem_is_reported_at_its_place() {
    let front = "---\npartner: Smit Logistiek\nrole: supplier\ndate: 2026-03-15\n---\n";
    let cases: &[Case] = &[
        (
            "score range",
            format!("{front}\n## Q {{#trust.expertise}}\n\nScore: 6/5\n"),
            vec![at(9, 8, "score-range")],
        ),
        (
            "unknown id",
            format!("{front}## Q {{#trust.expertis}}\nScore: 3\n"),
            vec![at(6, 8, "unknown-question")],
        ),
        (
            "duplicate question",
            format!("{front}## A {{#trust.openness}}\nScore: 3\n## B {{#trust.openness}}\nScore: 4\n"),
            vec![at(8, 8, "duplicate-key")],
        ),
        (
            "front matter key",
            "---\npartner: X\nrole: customer\ndate: 2026-01-01\nstatus: gewenst\n---\n".into(),
            vec![at(5, 9, "unknown-value")],
        ),
        (
            "front matter unclosed",
            "---\npartner: X\nrole: customer\n".into(),
            vec![at(1, 1, "front-matter-unclosed")],
        ),
        (
            "front matter syntax",
            "---\npartner: [X\nrole: customer\n---\n".into(),
            vec![at(3, 5, "yaml-syntax")],
        ),
        (
            "bad person",
            format!(
                "{front}## Q {{#key_people.own_confidant}}\n- Person: Marieke Jansen | directeur | soms\n"
            ),
            vec![at(7, 40, "unknown-value")],
        ),
        (
            "breach word",
            format!("{front}## Q {{#exchange.breaches}}\nBreach: misschien\n"),
            vec![at(7, 9, "wrong-type")],
        ),
    ];
    for (name, text, expected) in cases {
        let (found, _) = diagnostics("a.md", text);
        assert_eq!(&found, expected, "case `{name}`:\n{text}");
    }
}

#[test]
fn text_output_shows_the_line_and_a_caret() {
    let dir = workspace(&[("a.yaml", &format!("{HEAD}answers:\n  trust.expertise: 7\n"))]);
    let run = trustmap(dir.path(), &["check", "a.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "error[score-range]: score must be from 1 to 5, found `7`\n --> a.yaml:5:20\n  |\n5 |   trust.expertise: 7\n  |                    ^\n\n1 answer file: 1 error in 1 file\n"
    );
}

#[test]
fn github_format_writes_annotations() {
    let dir = workspace(&[("a.yaml", &format!("{HEAD}answers:\n  trust.expertize: 4\n"))]);
    let run = trustmap(dir.path(), &["check", "--format", "github", "a.yaml"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        "::error file=a.yaml,line=5,col=3,title=unknown-question::unknown question id `trust.expertize` (did you mean `trust.expertise`?)\n"
    );
}

#[test]
fn exit_codes_tell_valid_invalid_and_usage() {
    let dir = workspace(&[("ok.yaml", HEAD), ("README.md", "# Notes\n")]);
    let run = trustmap(dir.path(), &["check", "."]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("]: no YAML front matter"), "{}", run.stdout);
    assert!(run.stdout.contains("--> ./README.md:1:1\n"), "{}", run.stdout);
    assert!(run.stdout.ends_with("1 answer file: all valid\n"), "{}", run.stdout);
    assert_eq!(trustmap(dir.path(), &["check", "missing"]).code, 2);
    assert_eq!(trustmap(dir.path(), &["check", "--format", "xml"]).code, 2);
    let run = trustmap(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn two_files_claiming_one_partner_and_round_are_reported() {
    let dir = workspace(&[
        ("a.yaml", HEAD),
        ("b.md", &format!("---\n{HEAD}---\n")),
        ("c.yaml", &format!("{HEAD}respondent: Jan\n")),
    ]);
    let run = trustmap(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1, "{json:#}");
    assert_eq!(list[0]["code"], "duplicate-partner");
    assert!(list[0]["path"].as_str().unwrap().ends_with("b.md"));
    assert_eq!((list[0]["line"].as_u64(), list[0]["column"].as_u64()), (Some(2), Some(1)));
    // b.md had nothing wrong on its own, so its text was not kept: it is read again to quote
    // the line the problem is on.
    let text = trustmap(dir.path(), &["check", "."]);
    assert!(text.stdout.contains("2 | partner: Bakkerij De Korenaar"), "{}", text.stdout);
}

#[test]
fn hidden_output_and_template_folders_are_not_read() {
    let bad = "partner: [\n";
    let dir = workspace(&[
        ("trustmap.toml", "output = \"out\"\n"),
        ("assessments/ok.yaml", HEAD),
        ("assessments/.git/x.yaml", bad),
        ("assessments/templates/x.yaml", bad),
        ("out/x.yaml", bad),
    ]);
    let run = trustmap(dir.path(), &["check", "."]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = trustmap(&dir.path().join("assessments"), &["check"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
}

#[test]
fn config_errors_point_into_trustmap_toml() {
    let dir =
        workspace(&[("trustmap.toml", "lang = \"nl\"\nouptut = \"x\"\n"), ("assessments/a.yaml", HEAD)]);
    let run = trustmap(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("error[config]: unknown field `ouptut`"), "{}", run.stderr);
    assert!(run.stderr.contains("--> ./trustmap.toml:2:1\n"), "{}", run.stderr);
}

#[test]
fn the_samples_are_valid() {
    let run = trustmap(&super::samples(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
