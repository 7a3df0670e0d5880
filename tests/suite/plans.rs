//! Plans across the workspace: `trustmap actions` lists the open actions, overdue first, as a
//! table or JSON, and fails a CI job on an overdue one when asked.

use super::build::samples_copy;
use super::{trustmap, workspace};

#[test]
fn on_a_terminal_actions_fits_its_table_to_the_width() {
    let ws = samples_copy();
    let piped = trustmap(ws.path(), &["actions", "--today", "2026-03-15"]).stdout;
    assert!(piped.lines().any(|l| l.chars().count() > 100), "the table is wider than the terminal: {piped}");
    let (shown, code) = super::on_terminal(ws.path(), &["actions", "--today", "2026-03-15"], 90);
    assert_eq!(code, 0, "{shown}");
    assert!(shown.lines().all(|l| l.chars().count() <= 90), "{shown}");
    // Every word of the table is there, as often as when piped.
    let words = |text: &str| {
        let mut words: Vec<&str> = text.split_whitespace().filter(|w| !w.starts_with("--")).collect();
        words.sort_unstable();
        words.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(words(&shown), words(&piped));
    // The overdue action's text goes on under itself, in its column.
    let lines: Vec<Vec<char>> = shown.lines().map(|l| l.chars().collect()).collect();
    let row = &lines[2];
    let at = (0..row.len()).find(|&i| row[i..].starts_with(&['A', '1', ' '])).expect("the first action");
    let under = |line: &Vec<char>| line.len() > at && line[at - 2..at] == [' ', ' '] && line[at] != ' ';
    assert!(lines[3..5].iter().all(under), "{shown}");
}

#[test]
fn actions_lists_the_open_ones_overdue_first_and_can_fail_ci() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["actions", "--today", "2026-03-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("Partner") && lines[1].starts_with("---"), "{}", run.stdout);
    assert!(
        lines[2].starts_with("Brabant Oppervlaktetechniek B.V.  A1 ") && lines[2].ends_with("te laat"),
        "{}",
        run.stdout
    );
    assert!(
        lines[3].starts_with("Hendrix Plaatbewerking B.V.") && !lines[3].contains("te laat"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 4, "done and dropped actions are not open: {}", run.stdout);
    // For CI: exit 1 while an action is overdue, and not before it is.
    assert_eq!(trustmap(ws.path(), &["actions", "--today", "2026-03-15", "--fail-on-overdue"]).code, 1);
    assert_eq!(trustmap(ws.path(), &["actions", "--today", "2026-01-31", "--fail-on-overdue"]).code, 0);
    let json = trustmap(ws.path(), &["actions", "--format", "json", "--today", "2026-03-15", "--lang", "en"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let open = json["open"].as_array().unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(
        (open[0]["partner"].as_str(), open[0]["overdue"].as_bool()),
        (Some("brabant-oppervlaktetechniek"), Some(true))
    );
    assert_eq!(open[1]["owner"], "partner");
    assert!(trustmap(ws.path(), &["actions", "--today", "2026-13-01"]).stderr.contains("not a real day"));
}

#[test]
fn a_bad_plan_is_named_and_fails_the_listing_but_the_others_are_listed() {
    let alfa =
        "partner: Alfa B.V.\nid: alfa\nrole: customer\ndate: 2026-03-01\nanswers:\n  trust.expertise: 4\n";
    let beta =
        "partner: Beta B.V.\nid: beta\nrole: supplier\ndate: 2026-03-01\nanswers:\n  trust.expertise: 2\n";
    let good = "partner: alfa\nactions:\n  - id: A1\n    do: |\n      Call\n      them\n    answers: P1\n    owner: ours\n    due: 2026-02-01\n";
    let bad = "partner: beta\nactions:\n  - id: B1\n    do: Visit\n    answers: P1\n    owner: ours\n    due: 2026-04-31\n";
    let ws = workspace(&[
        ("assessments/alfa.yaml", alfa),
        ("assessments/beta.yaml", beta),
        ("plans/alfa.yaml", good),
        ("plans/beta.yaml", bad),
    ]);
    let run = trustmap(ws.path(), &["actions", "--today", "2026-03-01", "--lang", "en"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("plans/beta.yaml:7:10"), "{}", run.stderr);
    assert!(
        run.stdout.contains("Alfa B.V.  A1 Call them") && run.stdout.contains("overdue"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("B1"));
}

#[test]
fn plan_proposes_an_action_per_unanswered_flag_and_keeps_every_line_of_the_plan() {
    let ws = samples_copy();
    let path = ws.path().join("plans/brabant-oppervlaktetechniek.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    let dry = trustmap(ws.path(), &["plan", "brabant oppervlaktetechniek b.v.", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.starts_with("would add 4 proposed actions"), "{}", dry.stdout);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "a dry run changes nothing");
    let run = trustmap(ws.path(), &["plan", "brabant-oppervlaktetechniek"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("A3 (declining)"), "numbered after A1, A2: {}", run.stdout);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&before), "every existing line kept as it was");
    // The unresolved breach already has A1: no second action for it.
    assert!(!after[before.len()..].contains("unresolved-breach"));
    assert_eq!(after.matches("status: proposed").count(), 4);
    // The result is a valid plan, and a second run has nothing to add.
    assert_eq!(trustmap(ws.path(), &["check"]).code, 0);
    let again = trustmap(ws.path(), &["plan", "brabant-oppervlaktetechniek"]);
    assert!(again.stdout.contains("nothing to propose"), "{}", again.stdout);
    // A partner without a plan gets one; a misspelt one gets a suggestion.
    assert_eq!(trustmap(ws.path(), &["plan", "hardingsbedrijf-oost"]).code, 0);
    let made = std::fs::read_to_string(ws.path().join("plans/hardingsbedrijf-oost.yaml")).unwrap();
    assert!(made.starts_with("partner: hardingsbedrijf-oost\nactions:\n"), "{made}");
    let miss = trustmap(ws.path(), &["plan", "hardingsbedrijf-ost"]);
    assert_eq!(miss.code, 2);
    assert!(miss.stderr.contains("did you mean `hardingsbedrijf-oost`?"), "{}", miss.stderr);
}

#[test]
fn plan_refuses_a_plan_it_cannot_add_to_without_rewriting_it() {
    let alfa = "partner: Alfa B.V.\nid: alfa\nrole: customer\ndate: 2026-03-01\nanswers:\n  trust.expertise: 1\n  trust.keeps_agreements: 1\n";
    let flow = "partner: alfa\nactions: [{id: A1, do: Call, answers: P1, owner: ours}]\n";
    let ws = workspace(&[("assessments/alfa.yaml", alfa), ("plans/alfa.yaml", flow)]);
    let run = trustmap(ws.path(), &["plan", "alfa"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("cannot add actions to `plans/alfa.yaml`"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(ws.path().join("plans/alfa.yaml")).unwrap(), flow, "left as it was");
    let broken = "partner: alfa\nactions:\n  - id: A1\n    owner: nobody\n";
    std::fs::write(ws.path().join("plans/alfa.yaml"), broken).unwrap();
    let run = trustmap(ws.path(), &["plan", "alfa"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("plans/alfa.yaml:4:12"), "its problems are shown: {}", run.stderr);
    assert_eq!(std::fs::read_to_string(ws.path().join("plans/alfa.yaml")).unwrap(), broken);
    // A broken plan of this partner's under another name: no second plan beside it.
    std::fs::remove_file(ws.path().join("plans/alfa.yaml")).unwrap();
    std::fs::write(ws.path().join("plans/ours.yaml"), broken).unwrap();
    let run = trustmap(ws.path(), &["plan", "alfa"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("plans/ours.yaml:4:12") && !ws.path().join("plans/alfa.yaml").exists());
    // An id at the end of the numbers is an error, not a crash.
    let last =
        "partner: alfa\nactions:\n  - id: A4294967295\n    do: Call\n    answers: P1\n    owner: ours\n";
    std::fs::write(ws.path().join("plans/ours.yaml"), last).unwrap();
    let run = trustmap(ws.path(), &["plan", "alfa"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(ws.path().join("plans/ours.yaml")).unwrap(), last);
}

#[test]
fn new_from_starts_the_next_round_and_respondents_and_sides_do_not_collide() {
    let ws = samples_copy();
    let folder = ws.path().join("assessments/hendrix-plaatbewerking");
    let run = trustmap(ws.path(), &["new", "Hendrix Plaatbewerking B.V.", "--from", "--date", "2026-09-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Beside the partner's earlier files, metadata and key persons carried over, no scores.
    // The respondent is carried over too, and named in the file's name.
    let next =
        std::fs::read_to_string(folder.join("hendrix-plaatbewerking-2026-09-15-henk-van-dijk.yaml")).unwrap();
    for kept in [
        "role: alliance",
        "strategic: true",
        "date: 2026-09-15",
        "assessor: Eva Smit",
        "- name: Joris Hendrix",
    ] {
        assert!(next.contains(kept), "{kept}: {next}");
    }
    assert!(!next.contains("score:") && !next.contains("note:"), "scores and notes start blank: {next}");
    // A second respondent of the same round, and the partner's view, get names of their own.
    let run = trustmap(
        ws.path(),
        &["new", "hendrix-plaatbewerking", "--from", "--date", "2026-09-15", "--respondent", "Jan de Vries"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let second =
        std::fs::read_to_string(folder.join("hendrix-plaatbewerking-2026-09-15-jan-de-vries.yaml")).unwrap();
    assert!(second.contains("respondent: Jan de Vries"));
    let run =
        trustmap(ws.path(), &["new", "medivorm", "--from", "--partner-perspective", "--date", "2026-09-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let theirs =
        std::fs::read_to_string(ws.path().join(
            "assessments/medivorm/medivorm-2026-09-15-partner-femke-de-wit-manager-inkoop-medivorm.yaml",
        ))
        .unwrap();
    assert!(theirs.contains("perspective: partner"), "{theirs}");
    // In the partner's words: the other side is their partner, the client.
    assert!(
        theirs.contains("# Welke competenties van uw organisatie zijn interessant voor uw partner?"),
        "{theirs}"
    );
    assert!(
        theirs.contains("#   1 = Niemand; uw partner bespreekt niets vertrouwelijks"),
        "and its scale: {theirs}"
    );
    let ours =
        std::fs::read_to_string(folder.join("hendrix-plaatbewerking-2026-09-15-henk-van-dijk.yaml")).unwrap();
    assert!(!ours.contains("interessant voor uw partner?"), "our side keeps our wording");
    // --keep-answers carries the scores over, to be revised.
    let run = trustmap(ws.path(), &["new", "tecmaro", "--from", "--keep-answers", "--date", "2026-09-15"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        std::fs::read_to_string(ws.path().join("assessments/tecmaro-2026-09-15-tom-hendriks.yaml"))
            .unwrap()
            .contains("score:")
    );
    // Every new file is a valid answer file; nothing earlier to start from is an error.
    assert_eq!(trustmap(ws.path(), &["check"]).code, 0);
    let run = trustmap(ws.path(), &["new", "tecmaro", "--from", "--date", "2026-01-01"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no valid answer file of our view dated before the new round"),
        "{}",
        run.stderr
    );
    // Without --from, --role is still required.
    assert_eq!(trustmap(ws.path(), &["new", "Nieuw B.V."]).code, 2);
}

/// Runs `git` in `dir` with a fixed identity, and asserts it worked.
fn git(dir: &std::path::Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.email=test@example.com", "-c", "user.name=Test", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn changes_since_a_tagged_deliverable_or_an_earlier_output_folder() {
    let ws = samples_copy();
    let dir = ws.path();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "round 1"]);
    git(dir, &["tag", "delivery-1"]);
    assert_eq!(trustmap(dir, &["build", "--format", "md", "-q", "-o", "delivery-1-out"]).code, 0);
    // Between the deliverables: an action done, a partner gone, a new round of Tecmaro.
    let plan = dir.join("plans/brabant-oppervlaktetechniek.yaml");
    std::fs::write(
        &plan,
        std::fs::read_to_string(&plan).unwrap().replace("status: in_progress", "status: done"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("assessments/hogeschool-dommeldal-2026-03-15.yaml")).unwrap();
    assert_eq!(
        trustmap(dir, &["new", "tecmaro", "--from", "--keep-answers", "--date", "2026-09-15"]).code,
        0
    );
    let next = dir.join("assessments/tecmaro-2026-09-15-tom-hendriks.yaml");
    let text = std::fs::read_to_string(&next).unwrap();
    let better =
        text.replace("trust.keeps_agreements:\n    score: 2", "trust.keeps_agreements:\n    score: 5");
    assert_ne!(better, text, "the new round is changed");
    std::fs::write(&next, better).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "round 2"]);

    let run = trustmap(dir, &["changes", "--since", "delivery-1", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["since"], "delivery-1");
    assert_eq!(json["removed"], serde_json::json!(["Hogeschool Dommeldal"]));
    let partners = json["partners"].as_array().unwrap();
    let by = |id: &str| partners.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("{id}: {json}"));
    assert_eq!(by("brabant-oppervlaktetechniek")["actions_closed"], serde_json::json!(["A1"]));
    let tecmaro = by("tecmaro");
    assert_eq!(
        (tecmaro["round_before"].as_str(), tecmaro["round_now"].as_str()),
        (Some("2026-03-15"), Some("2026-09-15"))
    );
    let p1 = tecmaro["propositions"].as_array().unwrap().iter().find(|p| p["id"] == "P1").expect("P1 moved");
    assert!(p1["delta"].as_f64().unwrap() > 0.0, "{p1}");
    assert_eq!(json["summary"]["actions_closed"], 1);
    // The same against the output folder of the first deliverable, without git.
    let folder = trustmap(dir, &["changes", "--since", "delivery-1-out", "--format", "json"]);
    let folder: serde_json::Value = serde_json::from_str(&folder.stdout).unwrap();
    assert_eq!(folder["partners"], json["partners"], "a folder and the tag give the same changes");
    // In words, naming what is compared against.
    let text = trustmap(dir, &["changes", "--since", "delivery-1"]).stdout;
    assert!(text.starts_with("Veranderingen sinds delivery-1\n"), "{text}");
    assert!(
        text.contains("Vervallen partners: Hogeschool Dommeldal") && text.contains("Acties afgesloten: A1"),
        "{text}"
    );
    // A revision that is not there, or that could be an option, is refused; a build with it
    // leaves no output folder behind.
    for bad in ["no-such-tag", "--output=x"] {
        let run = trustmap(dir, &["changes", "--since", bad]);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert_eq!(trustmap(dir, &["build", "--since", bad, "-o", "never"]).code, 2);
        assert!(!dir.join("never").exists());
    }
    // The network report says the same, in every format, naming the revision.
    let run = trustmap(dir, &["build", "--since", "delivery-1", "--format", "html,md,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(dir.join("reports/network.md")).unwrap();
    let section = md.split("## Veranderingen sinds de vorige levering").nth(1).expect("a changes section");
    assert!(
        section.contains("Vergeleken met delivery-1")
            && section.contains("**Vervallen partners:** Hogeschool Dommeldal"),
        "{section}"
    );
    assert!(section.contains("- Acties afgesloten: A1"), "{section}");
    let html = std::fs::read_to_string(dir.join("reports/network.html")).unwrap();
    assert!(html.contains("<h2 id=\"changes\">Veranderingen sinds de vorige levering</h2>"));
    let pdf = super::pdf::text(&dir.join("reports/network.pdf"));
    assert!(pdf.contains("Vergeleken met delivery-1"), "{pdf}");
}

#[test]
fn the_plan_schema_accepts_the_sample_plans_and_rejects_bad_ones() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["schema", "--plan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut plans = 0;
    for entry in std::fs::read_dir(ws.path().join("plans")).unwrap() {
        let path = entry.unwrap().path();
        let value: serde_json::Value =
            serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        plans += 1;
    }
    assert_eq!(plans, 3);
    let action = "partner: x\nactions:\n  - {id: A1, do: Call, answers: P1, owner: ours";
    for bad in [
        "target: {type: strategic}\n".to_string(),
        "partner: x\ntarget: {P2: excellent}\n".into(),
        "partner: x\ntarget: {P6: strong}\n".into(),
        format!("{action}, status: doing}}\n"),
        format!("{action}, due: 31-01-2026}}\n"),
        "partner: x\nactions:\n  - {id: A1, do: Call, answers: unresolved-breeches, owner: ours}\n".into(),
        "partner: x\nactions:\n  - {id: A1, do: Call, answers: P1}\n".into(),
    ] {
        let value: serde_json::Value = serde_saphyr::from_str(&bad).unwrap();
        assert!(!validator.is_valid(&value), "accepted: {bad}");
    }
}

/// Runs `git` in `dir` with `input` on standard input; its trimmed output.
fn git_with(dir: &std::path::Path, args: &[&str], input: &str) -> String {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .args(["-c", "user.email=test@example.com", "-c", "user.name=Test"])
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn a_revision_whose_tree_climbs_out_writes_nothing_outside() {
    // A tree git's index would refuse, made by hand: assessments/../../<name>.
    let ws = samples_copy();
    let dir = ws.path();
    git(dir, &["init", "-q"]);
    let outside = dir.parent().unwrap().join(format!("escaped-{}.yaml", std::process::id()));
    let name = outside.file_name().unwrap().to_str().unwrap().to_string();
    let blob =
        git_with(dir, &["hash-object", "-w", "--stdin"], "partner: X\nrole: customer\ndate: 2026-01-01\n");
    let inner = git_with(dir, &["mktree"], &format!("100644 blob {blob}\t{name}\n"));
    let up = git_with(dir, &["mktree"], &format!("040000 tree {inner}\t..\n"));
    let upper = git_with(dir, &["mktree"], &format!("040000 tree {up}\t..\n"));
    let root = git_with(dir, &["mktree"], &format!("040000 tree {upper}\tassessments\n"));
    let commit = git_with(dir, &["commit-tree", &root, "-m", "evil"], "");
    git(dir, &["tag", "evil", &commit]);
    let run = trustmap(dir, &["changes", "--since", "evil"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!outside.exists(), "nothing is written outside the temporary folder");
    let _ = std::fs::remove_file(&outside);
}

#[test]
fn one_file_is_checked_alone_and_a_changed_plan_makes_the_build_dirty() {
    let ws = samples_copy();
    let dir = ws.path();
    // A single answer file is checked without the plans, which name partners it does not hold.
    let run = trustmap(dir, &["check", "assessments/tecmaro-2026-03-15.yaml"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Plans are inputs of the reports: one changed since the commit makes the build dirty.
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "round 1"]);
    assert_eq!(trustmap(dir, &["build", "--format", "md", "-q"]).code, 0);
    let manifest = |dir: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("reports/manifest.json")).unwrap()).unwrap()
    };
    assert_eq!(manifest(dir)["dirty"], false);
    let plan = dir.join("plans/tecmaro.yaml");
    std::fs::write(&plan, std::fs::read_to_string(&plan).unwrap().replace("transactional", "collaborative"))
        .unwrap();
    assert_eq!(trustmap(dir, &["build", "--format", "md", "-q"]).code, 0);
    assert_eq!(manifest(dir)["dirty"], true);
}

#[test]
fn a_relationship_type_of_the_workspace_asks_only_for_a_level_a_target_can_be() {
    let toml = "[targets.types.preferred]\nP1 = \"strong\"\nP2 = \"insufficient\"\n";
    let ws = workspace(&[("trustmap.toml", toml), ("assessments/.keep", "")]);
    let run = trustmap(ws.path(), &["check"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("trustmap.toml:3:6") && run.stderr.contains("`at_risk`"), "{}", run.stderr);
}

#[test]
fn changes_read_the_revision_with_its_own_folders() {
    let ws = samples_copy();
    let dir = ws.path();
    let toml = dir.join("trustmap.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, text.replace("assessments = \"assessments\"", "assessments = \"./assessments\""))
        .unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "round 1"]);
    // Today the answer files live elsewhere; the revision is read with its own folders.
    std::fs::rename(dir.join("assessments"), dir.join("interviews")).unwrap();
    std::fs::write(&toml, text.replace("assessments = \"assessments\"", "assessments = \"interviews\""))
        .unwrap();
    let run = trustmap(dir, &["changes", "--since", "HEAD", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["added"], serde_json::json!([]), "{json}");
    assert_eq!(json["removed"], serde_json::json!([]), "{json}");
    assert_eq!(json["unchanged"], 12, "{json}");
}

#[test]
fn plan_adds_in_the_files_own_style_and_line_ends() {
    let ws = samples_copy();
    let path = ws.path().join("plans/tecmaro.yaml");
    let before = "\u{feff}partner: tecmaro\r\nactions:\r\n- id: A1\r\n  do: Call\r\n  answers: P1\r\n  owner: ours\r\n";
    std::fs::write(&path, before).unwrap();
    let run = trustmap(ws.path(), &["plan", "tecmaro"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(before), "every byte kept, the byte order mark too");
    assert!(after[before.len()..].contains("\r\n- id: A2\r\n  do: "), "{after:?}");
    assert_eq!(after.matches('\n').count(), after.matches("\r\n").count(), "CRLF throughout");
    assert_eq!(trustmap(ws.path(), &["check"]).code, 0);
}

#[test]
fn an_action_on_a_flag_since_resolved_says_so_and_how_far_its_proposition_moved() {
    let round = |date: &str, score: u8, resolved: bool| {
        format!(
            "partner: Alfa B.V.\nid: alfa\nrole: customer\ndate: {date}\nanswers:\n  exchange.breaches:\n    score: {score}\n    breach: true\n    resolved: {resolved}\n  exchange.partner_vulnerability: 4\n  exchange.own_vulnerability: 4\n"
        )
    };
    let plan = "partner: alfa\nactions:\n  - id: A1\n    do: Settle the claim\n    answers: unresolved-breach\n    owner: ours\n    agreed: 2026-01-01\n    status: done\n";
    let ws = workspace(&[
        ("assessments/alfa-2026-01-01.yaml", &round("2026-01-01", 1, false)),
        ("assessments/alfa-2026-06-01.yaml", &round("2026-06-01", 4, true)),
        ("plans/alfa.yaml", plan),
    ]);
    let run = trustmap(ws.path(), &["build", "--format", "md", "--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = std::fs::read_to_string(ws.path().join("reports/partners/alfa.md")).unwrap();
    let row = md.lines().find(|l| l.starts_with("| **A1**")).expect("the action's row");
    assert!(row.contains("(resolved)"), "{row}");
    let moved = row.rsplit('|').nth(1).unwrap().trim();
    assert!(moved.starts_with("P3 +"), "the proposition the flag is about, and its move: {row}");
}
