//! Making and converting answer files: `init`, `new` → fill in → `check`, `convert` round trips,
//! and the JSON Schema against the samples.

use std::path::Path;

use trustmap::load::{self, Loaded};
use trustmap::model::{Assessment, Format};
use trustmap::questionnaire::Questionnaire;

use super::{sample_files, trustmap, workspace};

/// Loads and validates a file through the library, as `check` does.
fn assessment(path: &Path) -> Assessment {
    let Loaded::Document(doc) = load::load(path, u64::MAX) else { panic!("{} did not load", path.display()) };
    let checked = trustmap::validate::validate(&doc, Questionnaire::get(), usize::MAX);
    checked.assessment.unwrap_or_else(|| panic!("{} invalid: {:?}", path.display(), checked.diagnostics))
}

/// The parts of an assessment that must survive a conversion.
fn content(a: &Assessment) -> Assessment {
    Assessment { source: Default::default(), spans: Default::default(), ..a.clone() }
}

#[test]
fn init_makes_a_workspace_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let run = trustmap(dir.path(), &["init", "ws", "--organisation", "Van Dijk B.V."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ws = dir.path().join("ws");
    for file in ["trustmap.toml", ".gitignore", "trustmap.schema.json", "assessments/.gitkeep"] {
        assert!(ws.join(file).is_file(), "{file} missing");
    }
    assert!(!ws.join("assessments/example-partner.yaml").exists(), "no example in the client's network");
    // VS Code maps the schema to the answer files, by a path that is there.
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(ws.join(".vscode/settings.json")).unwrap()).unwrap();
    let schemas = settings["yaml.schemas"].as_object().unwrap();
    let (schema, globs) = schemas.iter().next().unwrap();
    assert!(ws.join(schema).is_file(), "{schema}");
    assert!(globs.as_array().unwrap().iter().any(|g| g == "assessments/**/*.yaml"), "{globs}");
    assert!(
        std::fs::read_to_string(ws.join("trustmap.toml"))
            .unwrap()
            .contains("organisation = \"Van Dijk B.V.\"")
    );
    let run = trustmap(&ws, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let again = trustmap(dir.path(), &["init", "ws"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    // With --example, a filled-in partner that checks and builds at once.
    let run = trustmap(dir.path(), &["init", "demo", "--example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let demo = dir.path().join("demo");
    assert!(demo.join("assessments/example-partner.yaml").is_file());
    assert_eq!(trustmap(&demo, &["build", "--format", "md", "-q"]).code, 0);
}

#[test]
fn init_in_a_repository_keeps_its_gitignore_and_writes_all_or_nothing() {
    let dir = workspace(&[(".gitignore", "target/")]);
    let run = trustmap(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ignore = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    assert_eq!(ignore, "target/\n/reports/\n", "the line is appended, nothing else changes");
    // One file of the workspace already there: init writes nothing at all.
    std::fs::remove_file(dir.path().join("trustmap.toml")).unwrap();
    assert_eq!(trustmap(dir.path(), &["init"]).code, 2, "the schema is there");
    assert!(!dir.path().join("trustmap.toml").exists(), "all or nothing: no half-made workspace");
    assert_eq!(std::fs::read_to_string(dir.path().join(".gitignore")).unwrap(), ignore);
}

#[test]
fn new_then_fill_in_then_check() {
    let dir = workspace(&[("trustmap.toml", "lang = \"en\"\n"), ("trustmap.schema.json", "{}")]);
    for (format, filled) in [("yaml", "  trust.expertise: 4\n"), ("md", "Score: 4\n")] {
        let run = trustmap(
            dir.path(),
            &["new", "Café Noord & Zn.", "--role", "alliance", "--format", format, "--date", "2026-04-01"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let path = dir.path().join(format!("assessments/cafe-noord-zn-2026-04-01.{format}"));
        let blank = std::fs::read_to_string(&path).unwrap();
        assert!(blank.contains("Do they have sufficient expertise in-house?"), "{blank}");
        for id in Questionnaire::get().question_ids() {
            assert!(blank.contains(id), "{id} missing from the {format} form");
        }
        if format == "yaml" {
            assert!(
                blank.starts_with("# yaml-language-server: $schema=../trustmap.schema.json\n"),
                "{blank}"
            );
        }
        // A blank form is valid: nothing answered yet.
        assert_eq!(trustmap(dir.path(), &["check", path.to_str().unwrap()]).code, 0);
        let empty = if format == "yaml" { "  trust.expertise:\n" } else { "Score:\n" };
        std::fs::write(&path, blank.replacen(empty, filled, 1)).unwrap();
        let run = trustmap(dir.path(), &["check", path.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stdout);
        let a = assessment(&path);
        assert_eq!(a.answers["trust.expertise"].score, Some(4));
        assert_eq!(a.answers.len(), 1);
        assert_eq!(a.partner, "Café Noord & Zn.");
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn new_refuses_to_overwrite() {
    let dir = workspace(&[("x.yaml", "keep me")]);
    let run = trustmap(dir.path(), &["new", "X", "--role", "other", "-o", "x.yaml"]);
    assert_eq!(run.code, 2);
    assert_eq!(std::fs::read_to_string(dir.path().join("x.yaml")).unwrap(), "keep me");
}

/// Every answer file among the test fixtures that loads and validates without a problem (the
/// hostile ones that are valid, and those of the diagnostics cases).
fn valid_fixture_files() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let found = walkdir::WalkDir::new(&root).sort_by_file_name().into_iter().filter_map(Result::ok);
    found
        .filter(|e| e.file_type().is_file() && load::format_of(e.path()).is_some())
        .map(|e| e.into_path())
        .filter(|path| {
            let Loaded::Document(doc) = load::load(path, 1 << 20) else { return false };
            let checked = trustmap::validate::validate(&doc, Questionnaire::get(), usize::MAX);
            checked.assessment.is_some() && checked.diagnostics.is_empty()
        })
        .collect()
}

#[test]
fn every_sample_and_fixture_survives_a_round_trip_through_the_other_format() {
    let fixtures = valid_fixture_files();
    assert!(fixtures.len() >= 10, "fixtures found: {fixtures:?}");
    for path in sample_files().into_iter().chain(fixtures) {
        let original = assessment(&path);
        let there = if path.extension().unwrap() == "md" { "yaml" } else { "md" };
        let back = path.extension().unwrap().to_str().unwrap();
        // Converted in a folder of its own: a fixture's workspace settings may be hostile.
        let dir = tempfile::tempdir().unwrap();
        let start = dir.path().join(format!("start.{back}"));
        std::fs::copy(&path, &start).unwrap();
        let mid = dir.path().join(format!("mid.{there}"));
        let end = dir.path().join(format!("end.{back}"));
        let run = trustmap(
            dir.path(),
            &["convert", start.to_str().unwrap(), "--to", there, "-o", mid.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
        let run = trustmap(
            dir.path(),
            &["convert", mid.to_str().unwrap(), "--to", back, "-o", end.to_str().unwrap()],
        );
        assert_eq!(run.code, 0, "{}: {}", path.display(), run.stderr);
        assert_eq!(content(&assessment(&mid)), content(&original), "{}", path.display());
        assert_eq!(content(&assessment(&end)), content(&original), "{}", path.display());
        assert_eq!(own_comments(&end), own_comments(&path), "{}: a comment was lost", path.display());
    }
}

/// Every comment line of an answer file that is not a form's guidance, sorted.
fn own_comments(path: &std::path::Path) -> Vec<String> {
    use trustmap::load::comments::Comments;
    let format = if path.extension().unwrap() == "md" { Format::Markdown } else { Format::Yaml };
    let text = std::fs::read_to_string(path).unwrap();
    let (c, _) = trustmap::emit::carried(Comments::read(&text, format));
    let mut lines: Vec<String> =
        c.head.into_iter().chain(c.questions.into_values().flatten()).chain(c.tail).collect();
    lines.sort();
    lines
}

#[test]
fn convert_keeps_a_forms_guidance_and_the_files_own_comments_where_they_stand() {
    let dir = workspace(&[("trustmap.toml", "")]);
    let run = trustmap(dir.path(), &["new", "Smit", "--role", "supplier", "--date", "2026-03-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let form = dir.path().join("assessments/smit-2026-03-15.yaml");
    let text = std::fs::read_to_string(&form).unwrap();
    let text = text
        .replacen("partner: Smit\n", "# Our biggest supplier --> since 2019.\npartner: Smit\n", 1)
        .replacen("  trust.expertise:\n", "  # asked Jan --> twice\n  trust.expertise: 4  # firm\n", 1)
        .replacen(
            "  trust.openness:\n",
            "  trust.openness:\n    score: 2\n    # said in confidence\n    note: |\n      #hashtag, a note and not a comment\n",
            1,
        );
    std::fs::write(&form, &text).unwrap();
    let run =
        trustmap(dir.path(), &["convert", "assessments/smit-2026-03-15.yaml", "--to", "md", "-o", "smit.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(dir.path().join("smit.md")).unwrap();
    // Still a form: every question with its scale, the unanswered ones too.
    assert!(
        md.contains("{#trust.benevolence}") && md.contains("1 = Duidelijk onvoldoende expertise in huis"),
        "{md}"
    );
    // The file's own comments, by what they stood by; `-->` cannot end an HTML comment early.
    let (front, body) = md.split_once("\n---\n").unwrap();
    assert!(front.contains("# Our biggest supplier --> since 2019."), "{md}");
    let expertise = body.split("{#trust.expertise}").nth(1).unwrap().split("### ").next().unwrap();
    assert!(
        expertise.contains("<!--\nasked Jan -- > twice\nfirm\n-->") && expertise.contains("Score: 4"),
        "{expertise}"
    );
    let openness = body.split("{#trust.openness}").nth(1).unwrap().split("### ").next().unwrap();
    assert!(openness.contains("<!-- said in confidence -->"), "{openness}");
    assert!(openness.contains("#hashtag, a note and not a comment"), "the note is the note: {openness}");

    let run = trustmap(dir.path(), &["convert", "smit.md", "--to", "yaml", "-o", "back.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let back = std::fs::read_to_string(dir.path().join("back.yaml")).unwrap();
    assert!(back.contains("  # asked Jan -- > twice\n  # firm\n  trust.expertise: 4\n"), "{back}");
    assert!(
        back.contains("#   1 = Duidelijk onvoldoende expertise in huis")
            && back.contains("  trust.benevolence:\n")
    );
    assert_eq!(back.matches("# Hebben zij voldoende expertise in huis?").count(), 1, "guidance once: {back}");
    assert!(back.contains("# Our biggest supplier --> since 2019.\npartner: Smit"), "{back}");
    assert_eq!(own_comments(&dir.path().join("back.yaml")), own_comments(&dir.path().join("smit.md")));

    // A comment cannot become a line of its own in the other format: a line separator in it is
    // a space (a carriage return, as everywhere, ends a line).
    std::fs::write(
        dir.path().join("sly.md"),
        "---\npartner: X\nrole: other\ndate: 2026-01-01\n---\n\n## Q {#trust.expertise}\n\n<!-- a\u{2028}partner: Evil\rrole: customer -->\n\nScore: 3\n",
    )
    .unwrap();
    let run = trustmap(dir.path(), &["convert", "sly.md", "--to", "yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("  # a partner: Evil\n  # role: customer\n  trust.expertise: 3"),
        "{}",
        run.stdout
    );

    // A file that was not a form does not become one; its comments still go with it.
    std::fs::write(
        dir.path().join("plain.yaml"),
        "partner: X\nrole: other\ndate: 2026-01-01\nanswers:\n  # why blank\n  trust.openness:\n  # 3 = Voldoende expertise voor het gewone werk\n  trust.expertise: 3\n",
    )
    .unwrap();
    let run = trustmap(dir.path(), &["convert", "plain.yaml", "--to", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("1 = ") && !run.stdout.contains("{#trust.benevolence}"), "{}", run.stdout);
    assert!(run.stdout.contains("{#trust.openness}\n\n<!-- why blank -->\n"), "{}", run.stdout);
    // A comment of the user's that reads as a line of a scale is the user's.
    assert!(run.stdout.contains("<!-- 3 = Voldoende expertise voor het gewone werk -->"), "{}", run.stdout);
}

#[test]
fn convert_keeps_awkward_text_and_refuses_what_it_cannot_keep() {
    let note = "Line one: with a colon\n\n  indented # not a comment\n- \"quoted\" & <b>";
    let text = format!(
        "partner: \"Yes\"\nrole: other\ndate: 2026-01-01\nrespondent: \"#1: 'x'\"\nanswers:\n  trust.openness:\n    score: 2\n    note: {}\n",
        serde_json::Value::from(note)
    );
    let dir = workspace(&[("a.yaml", &text)]);
    let run = trustmap(dir.path(), &["convert", "a.yaml", "--to", "md", "-o", "a.md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = assessment(&dir.path().join("a.md"));
    assert_eq!(md.answers["trust.openness"].note.as_deref(), Some(note));
    assert_eq!(md.partner, "Yes");
    assert_eq!(md.respondent.as_deref(), Some("#1: 'x'"));

    let tricky = "partner: X\nrole: other\ndate: 2026-01-01\nanswers:\n  trust.openness:\n    note: \"Score: 5 was asked\"\n";
    let dir = workspace(&[("a.yaml", tricky)]);
    let run = trustmap(dir.path(), &["convert", "a.yaml", "--to", "md"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be written as Markdown"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

#[test]
fn the_schema_accepts_every_sample_and_rejects_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let run = trustmap(dir.path(), &["schema"]);
    assert_eq!(run.code, 0);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in sample_files() {
        // Markdown samples are checked in their YAML form.
        let yaml = if path.extension().unwrap() == "md" {
            trustmap(dir.path(), &["convert", path.to_str().unwrap(), "--to", "yaml"]).stdout
        } else {
            std::fs::read_to_string(&path).unwrap()
        };
        let value: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let base = "partner: X\nrole: customer\ndate: \"2026-01-01\"\n";
    for bad in [
        format!("{base}answers:\n  trust.expertise: 7\n"),
        format!("{base}answers:\n  trust.expertise: {{score: 2.5}}\n"),
        format!("{base}answers:\n  trust.expertize: 3\n"),
        format!("{base}answers:\n  trust.expertise: {{people: [Anna]}}\n"),
        format!("{base}answers:\n  key_people.own_confidant: {{people: [{{name: A, contact: soms}}]}}\n"),
        "partner: X\nrole: klant\ndate: \"2026-01-01\"\n".into(),
        format!("{base}id: Not A Slug\n"),
        format!("{base}colour: red\n"),
        format!("{base}respondent: \"\"\n"),
        format!("{base}id: {}\n", "a".repeat(65)),
        format!("{base}answers:\n  trust.expertise: {{note: \"\"}}\n"),
        format!("{base}answers:\n  key_people.own_confidant: {{people: [{{name: A, role: \"\"}}]}}\n"),
        "partner: X\nrole: customer\n".into(),
    ] {
        let value: serde_json::Value = serde_saphyr::from_str(&bad).unwrap();
        assert!(!validator.is_valid(&value), "schema accepted:\n{bad}");
    }
}

/// The schema's verdict on `value` as a JSON Schema validator (with formats checked) gives it:
/// each error's place and message.
fn schema_errors(value: &serde_json::Value) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let schema: serde_json::Value = serde_json::from_str(&trustmap(dir.path(), &["schema"]).stdout).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    validator.iter_errors(value).map(|e| (e.instance_path().to_string(), e.to_string())).collect()
}

#[test]
fn each_wrong_value_gets_its_own_message_in_the_editor() {
    let file = |extra: serde_json::Value| {
        let mut base = serde_json::json!({ "partner": "X", "role": "customer", "date": "2026-01-01" });
        base.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        base
    };
    // A score out of range is reported as such, at the score, and only that.
    let errors = schema_errors(&file(serde_json::json!({ "answers": { "trust.expertise": 7 } })));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "/answers/trust.expertise");
    assert!(errors[0].1.contains("maximum of 5"), "{errors:?}");
    let errors =
        schema_errors(&file(serde_json::json!({ "answers": { "trust.expertise": { "score": 0 } } })));
    assert!(errors.len() == 1 && errors[0].1.contains("minimum of 1"), "{errors:?}");
    // A date that does not exist.
    let errors = schema_errors(&file(serde_json::json!({ "date": "2026-02-30" })));
    assert!(errors.len() == 1 && errors[0].0 == "/date", "{errors:?}");
    // A person without a name.
    let people =
        serde_json::json!({ "answers": { "key_people.own_confidant": { "people": [{ "role": "CEO" }] } } });
    let errors = schema_errors(&file(people));
    assert!(errors.len() == 1 && errors[0].1.contains("name"), "{errors:?}");
}

#[test]
fn the_editor_and_trustmap_agree_on_the_words_for_yes_and_no() {
    let dir = tempfile::tempdir().unwrap();
    for word in ["yes", "No", "ON", "off", "y", "TRUE", "ja", "nee", "1"] {
        std::fs::write(
            dir.path().join("a.yaml"),
            format!("partner: X\nrole: customer\ndate: 2026-01-01\nstrategic: {word}\n"),
        )
        .unwrap();
        let trustmap_accepts = trustmap(dir.path(), &["check", "a.yaml"]).code == 0;
        // As the editor's YAML 1.2 reads them: `true` in any case a boolean, `1` a number, the
        // rest text.
        let as_read: serde_json::Value = match word {
            "1" => 1.into(),
            w if w.eq_ignore_ascii_case("true") => true.into(),
            w => w.into(),
        };
        let value = serde_json::json!({ "partner": "X", "role": "customer", "date": "2026-01-01", "strategic": as_read });
        let schema_accepts = schema_errors(&value).is_empty();
        assert_eq!(trustmap_accepts, schema_accepts, "`strategic: {word}`");
    }
}

#[test]
fn init_leaves_an_editor_set_up_of_the_users_own_as_it_is() {
    let mine = "{ \"editor.tabSize\": 3 }\n";
    let dir = workspace(&[(".vscode/settings.json", mine)]);
    let run = trustmap(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join(".vscode/settings.json")).unwrap(), mine);
    assert!(run.stdout.contains("left") && run.stdout.contains("yaml.schemas"), "{}", run.stdout);
    assert!(dir.path().join(".vscode/extensions.json").is_file());
}

#[test]
fn the_samples_name_the_schema_they_are_checked_against() {
    let samples = super::samples();
    let dir = tempfile::tempdir().unwrap();
    let schema = trustmap(dir.path(), &["schema"]).stdout;
    let bundled = std::fs::read_to_string(samples.join("trustmap.schema.json")).unwrap();
    assert!(
        bundled == schema,
        "samples/trustmap.schema.json is not `trustmap schema`: run `trustmap schema > samples/trustmap.schema.json`"
    );
    for path in sample_files().into_iter().filter(|p| p.extension().unwrap() == "yaml") {
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{}: {first}", path.display()));
        let named = path.parent().unwrap().join(target);
        assert_eq!(
            named.canonicalize().unwrap(),
            samples.join("trustmap.schema.json").canonicalize().unwrap()
        );
    }
}
