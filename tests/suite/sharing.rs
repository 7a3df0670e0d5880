//! Partner-facing reports (`build --audience partner`): one relationship only, in every format,
//! with the leak check that proves it, tried with adversarial workspaces.

use std::path::Path;

use super::build::samples_copy;
use super::{trustmap, workspace};

/// Every file under `dir`, as (path relative to `dir`, text; a PDF as the text a reader sees).
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        let text = match rel.ends_with(".pdf") {
            true => super::pdf::text(entry.path()),
            false => std::fs::read_to_string(entry.path()).unwrap(),
        };
        out.push((rel, text));
    }
    out
}

/// Asserts that no file under `dir` (nor its name) holds any of `secrets`, ignoring case.
fn holds_none(dir: &Path, secrets: &[&str]) {
    for (file, text) in files(dir) {
        let (file_l, text_l) = (file.to_lowercase(), text.to_lowercase());
        for s in secrets {
            let s = s.to_lowercase();
            assert!(!file_l.contains(&s) && !text_l.contains(&s), "`{s}` is in {}/{file}", dir.display());
        }
    }
}

#[test]
fn the_samples_give_one_folder_per_partner_with_that_relationship_only_in_every_format() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build", "-q", "--audience", "partner", "--format", "html,md,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    // Nothing internal is made: no index, no network report, no internal partner reports.
    let mut top: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    top.sort();
    assert_eq!(top, ["evaluation.json", "manifest.json", "shared"]);
    let dir = out.join("shared/medivorm");
    let all = files(&dir);
    let names: Vec<&str> = all.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        ["charts/medivorm-radar.svg", "medivorm.html", "medivorm.md", "medivorm.pdf"],
        "nothing but this partner's report sits in its folder"
    );
    for (file, text) in &all {
        // Both sides, by name, with the partner's own view beside ours.
        for must in ["Medivorm B.V.", "Van Dijk Precisietechniek B.V."] {
            assert!(text.contains(must), "{file} lacks {must}");
        }
        if file.ends_with(".svg") {
            continue;
        }
        assert!(text.contains("Gezamenlijk relatiebeeld"), "{file}");
        assert!(
            text.contains("Vertrouwelijk: alleen voor Van Dijk Precisietechniek B.V. en Medivorm B.V."),
            "{file}"
        );
        assert!(!text.contains("intern gebruik"), "{file} carries the internal confidentiality line");
        // A shared note of each side is shown; the internal ones are not.
        assert!(text.contains("vier van de zes"), "{file} lacks the partner's shared note");
        assert!(
            text.contains("validatiedossier"),
            "{file} lacks our shared note (Markdown `Notitie delen: ja`)"
        );
    }
    // One respondent on each side: answers as the side's aggregate, no names (each respondent
    // is shown only where they are named as a key person).
    holds_none(&dir, &["Femke de Wit (manager inkoop", "Eva Smit (consultant)"]);
    let md = std::fs::read_to_string(dir.join("medivorm.md")).unwrap();
    assert_eq!(md.matches("Marieke Jansen").count(), 1, "{md}");
    assert!(md.contains("| Marieke Jansen | commercieel directeur |"), "{md}");
    // No other partner, and no note left internal, in any format.
    let internal_note = "Technisch is Van Dijk sterk";
    let others = ["Hendrix", "Brabant", "Tecmaro", "Lumetra", "Kempen", "Rijnmond", "Hogeschool", "Kwadraat"];
    holds_none(&dir, &others);
    holds_none(&dir, &[internal_note, "index.html", "network", "../"]);
    // Three respondents on our side of Lumetra: they are named, with each item's spread.
    let lumetra = std::fs::read_to_string(out.join("shared/lumetra-systems/lumetra-systems.md")).unwrap();
    assert!(lumetra.contains("spreiding"), "{lumetra}");
    for other in ["Medivorm", "Hendrix"] {
        assert!(!lumetra.contains(other));
    }
    // A flag about our internal position (the partner's share of our revenue) stays internal.
    let internal = trustmap(ws.path(), &["evaluate", "--format", "json"]);
    let evaluation: serde_json::Value = serde_json::from_str(&internal.stdout).unwrap();
    let concentrated: Vec<&str> = evaluation["partners"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["flags"].as_array().unwrap().iter().any(|f| f["code"] == "revenue-concentration"))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(!concentrated.is_empty(), "the samples have a partner with a revenue concentration");
    for id in concentrated {
        let md = std::fs::read_to_string(out.join(format!("shared/{id}/{id}.md"))).unwrap();
        assert!(!md.contains("omzet"), "{id}: {md}");
    }
    // Desired partners have no relationship to review: no report, and a note says so.
    assert!(!out.join("shared/lichtwerk-fotonica").exists());
}

#[test]
fn an_internal_build_and_a_partner_facing_one_leave_each_other_s_files_alone() {
    let ws = samples_copy();
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--format", "html"]).code, 0);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "html", "--audience", "partner"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    assert!(out.join("network.html").is_file() && out.join("partners/medivorm.html").is_file());
    assert!(out.join("shared/medivorm/medivorm.html").is_file());
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--format", "html"]).code, 0);
    assert!(out.join("shared/medivorm/medivorm.html").is_file());
    // The network report links the internal reports only, never the partner-facing ones.
    let network = std::fs::read_to_string(out.join("network.html")).unwrap();
    assert!(network.contains("partners/medivorm.html") && !network.contains("shared/"));
}

const ANSWERS: &str = "answers:\n  trust.expertise:\n    score: 2\n    note: Onder ons gezegd levert deze partner steeds te laat.\n  trust.keeps_agreements: 3\n  key_people.partner_influence:\n    score: 4\n    people: [Anna Smit]\n";

/// A workspace of two partners, one's name inside the other's, and a person working with both.
fn two_partners(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let hendrix = format!(
        "partner: Hendrix\nid: hendrix\nrole: supplier\ndate: 2026-03-01\nrespondent: Piet Klaassen\n{ANSWERS}"
    );
    let plaat = format!(
        "partner: Hendrix Plaatbewerking\nid: hendrix-plaatbewerking\nrole: supplier\ndate: 2026-03-01\nrespondent: Joke Visser\n{ANSWERS}"
    );
    let mut files: Vec<(&str, &str)> = vec![
        ("trustmap.toml", "organisation = \"Acme B.V.\"\nlang = \"nl\"\n"),
        ("assessments/hendrix.yaml", &hendrix),
        ("assessments/hendrix-plaatbewerking.yaml", &plaat),
    ];
    files.extend(extra);
    workspace(&files)
}

#[test]
fn a_name_inside_another_s_and_a_person_of_both_partners_are_no_leak() {
    let ws = two_partners(&[]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "html,md,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports/shared");
    // Hendrix Plaatbewerking's own name holds "Hendrix": its report is made, and names Anna Smit,
    // who works with both.
    let plaat =
        std::fs::read_to_string(out.join("hendrix-plaatbewerking/hendrix-plaatbewerking.html")).unwrap();
    assert!(plaat.contains("Anna Smit"));
    let hendrix = out.join("hendrix");
    assert!(std::fs::read_to_string(hendrix.join("hendrix.html")).unwrap().contains("Anna Smit"));
    holds_none(&hendrix, &["Plaatbewerking", "Piet Klaassen", "Onder ons gezegd"]);
    // The key person both relationships share is a network finding: it stays internal.
    holds_none(&hendrix, &["knelpunt", "key-person-bottleneck"]);
}

#[test]
fn a_shareable_note_that_names_another_partner_fails_that_report_only() {
    let note = "answers:\n  trust.openness:\n    score: 2\n    share_note: true\n    note: |\n      Net als bij\n      Hendrix Plaatbewerking gaat het mis.\n";
    let blabber = format!("partner: Beta\nid: beta\nrole: customer\ndate: 2026-03-01\n{note}");
    let ws = two_partners(&[("assessments/beta.yaml", &blabber)]);
    let run =
        trustmap(ws.path(), &["build", "--audience", "partner", "--format", "html,md,pdf", "--lang", "en"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("partner `beta`: its partner-facing report was not written"),
        "{}",
        run.stderr
    );
    // Where, and what: the file, line and column, and whose name it is.
    assert!(
        run.stderr.contains("the name or id of partner `hendrix-plaatbewerking`")
            && run.stderr.contains("shared/beta/beta.html:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("typst/shared/beta/beta.typ:"),
        "the PDF's source is checked: {}",
        run.stderr
    );
    assert!(!ws.path().join("reports/shared/beta").exists(), "no file of the failed report is written");
    assert!(ws.path().join("reports/shared/hendrix/hendrix.pdf").is_file(), "the others are");
}

#[test]
fn a_template_that_prints_everything_it_can_reach_shows_one_relationship() {
    let dump = "{{ __tera_context }}";
    let ws = two_partners(&[("templates/shared.html", dump)]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = std::fs::read_to_string(ws.path().join("reports/shared/hendrix/hendrix.html")).unwrap();
    assert!(shown.contains("Hendrix") && shown.contains("Anna Smit"), "{shown}");
    for hidden in ["Plaatbewerking", "Piet Klaassen", "Onder ons gezegd", "network", "plan", "sources"] {
        assert!(!shown.contains(hidden), "`{hidden}` reached the template: {shown}");
    }
    // The context a template gets is the filtered copy, as `--dump-context` shows.
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--dump-context"]);
    let dump: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let shared = dump["shared"].as_array().unwrap();
    assert_eq!(shared.len(), 2);
    let hendrix = serde_json::to_string(&shared[0]).unwrap();
    assert!(hendrix.contains("Anna Smit") && !hendrix.contains("Plaatbewerking"), "{hendrix}");
    // A template that reaches for the network finds nothing there.
    let ws = two_partners(&[(
        "templates/shared.md",
        "{% for p in network.partners %}{{ p.partner }}{% endfor %}",
    )]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("Variable `network` is not defined"), "{}", run.stderr);
    // And one that writes another partner's name itself is stopped by the leak check, in that
    // partner's report only: in its own, the name is no leak.
    let ws =
        two_partners(&[("templates/shared.md", "Over {{ relationship.partner }}: Hendrix Plaatbewerking\n")]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("shared/hendrix/hendrix.md:1:15: the name or id of partner `hendrix-plaatbewerking`"),
        "{}",
        run.stderr
    );
    assert!(ws.path().join("reports/shared/hendrix-plaatbewerking/hendrix-plaatbewerking.md").is_file());
}

#[test]
fn title_footer_language_and_group_size_are_configurable() {
    let config = "organisation = \"Acme B.V.\"\nlang = \"nl\"\n\n[sharing]\nmin_respondents = 1\ntitle = { nl = \"Relatiegesprek {partner}\", en = \"Review with {partner}\" }\nfooter = \"Concept voor het gesprek van 12 mei\"\n";
    let english = "partner: Gamma\nid: gamma\nrole: alliance\ndate: 2026-03-01\nrespondent: Kim Lee\nlang: en\nanswers:\n  trust.expertise: 4\n";
    let ws = two_partners(&[("trustmap.toml", config), ("assessments/gamma.yaml", english)]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "html,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports/shared");
    let hendrix = std::fs::read_to_string(out.join("hendrix/hendrix.html")).unwrap();
    assert!(
        hendrix.contains("<h1>Relatiegesprek Hendrix</h1>") && hendrix.contains("Concept voor het gesprek")
    );
    // With groups of one allowed, the respondent is named.
    assert!(hendrix.contains("Piet Klaassen"));
    // Gamma's files are in English: its report is too.
    let gamma = super::pdf::text(&out.join("gamma/gamma.pdf"));
    assert!(gamma.contains("Review with Gamma") && gamma.contains("Joint relationship review"), "{gamma}");
    assert!(!gamma.contains("Gezamenlijk"), "{gamma}");
}

#[test]
fn a_note_marked_shareable_is_checked_in_both_formats() {
    let yaml = "partner: Alfa\nid: alfa\nrole: customer\ndate: 2026-03-01\nanswers:\n  trust.expertise:\n    score: 4\n    share_note: true\n";
    let md = "---\npartner: Beta\nid: beta\nrole: customer\ndate: 2026-03-01\n---\n\n## Expertise {#trust.expertise}\n\nScore: 4\nNotitie delen: ja\n\nGoed geholpen met de validatie.\n";
    let ws = workspace(&[("assessments/alfa.yaml", yaml), ("assessments/beta.md", md)]);
    let run = trustmap(ws.path(), &["check", "assessments"]);
    assert!(
        run.stdout.contains("assessments/alfa.yaml:8:5") && run.stdout.contains("share-note-without-note"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let beta = std::fs::read_to_string(ws.path().join("reports/shared/beta/beta.md")).unwrap();
    assert!(beta.contains("Goed geholpen met de validatie."), "{beta}");
}

/// A partner file of `id`, with `answers` (YAML lines under `answers:`) and `meta` (more
/// metadata lines).
fn partner(name: &str, id: &str, meta: &str, answers: &str) -> String {
    format!("partner: {name}\nid: {id}\nrole: supplier\ndate: 2026-03-01\n{meta}answers:\n{answers}")
}

#[test]
fn what_splits_or_disguises_a_name_does_not_hide_it() {
    let kempen = partner(
        "Kempen Metaalhandel",
        "kempen",
        "",
        "  trust.expertise: 4\n  key_people.partner_influence:\n    score: 4\n    people: [José Álvarez]\n",
    );
    let notes = [
        ("Net als bij Kem**pen** Metaalhandel.", &["pdf", "html", "md"][..]),
        ("Net als bij Kempen\u{ad}Metaal\u{ad}handel.", &["pdf", "html", "md"]),
        ("Vraag het Jose\u{301} A\u{301}lvarez.", &["pdf", "html", "md"]),
        // A link's title shows in HTML only.
        ("Zie [portaal](https://example.com \"data: Kempen Metaalhandel\").", &["html"]),
        ("Lijst:\n\n```\nKempen Metaalhandel\n```", &["pdf", "html", "md"]),
    ];
    for (note, formats) in notes {
        let indented = note.lines().map(|l| format!("      {l}\n")).collect::<String>();
        let alfa = partner(
            "Alfa",
            "alfa",
            "",
            &format!("  trust.openness:\n    score: 2\n    share_note: true\n    note: |\n{indented}"),
        );
        let ws = workspace(&[("assessments/kempen.yaml", &kempen), ("assessments/alfa.yaml", &alfa)]);
        for &format in formats {
            let run = trustmap(
                ws.path(),
                &["build", "--audience", "partner", "--format", format, "--partner", "alfa"],
            );
            assert_eq!(run.code, 1, "{note:?} in {format}: {}", run.stderr);
            assert!(run.stderr.contains("partner `kempen`"), "{note:?} in {format}: {}", run.stderr);
        }
    }
}

#[test]
fn our_internal_numbers_change_nothing_the_partner_reads() {
    let answers = |share: u8| {
        format!(
            "  dependence.our_competences: 2\n  dependence.their_competences: 5\n  growth.dependence_measures: 2\n  growth.dependence_shift: 2\n  growth.order_portfolio:\n    score: 3\n    growth_pct: 40\n    revenue_share_pct: {share}\n"
        )
    };
    let build = |share: u8| {
        let ws = workspace(&[("assessments/alfa.yaml", &partner("Alfa", "alfa", "", &answers(share)))]);
        let run = trustmap(ws.path(), &["build", "--audience", "internal,partner", "--format", "md"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let read = |path: &str| std::fs::read_to_string(ws.path().join("reports").join(path)).unwrap();
        (read("partners/alfa.md"), read("shared/alfa/alfa.md"))
    };
    let (internal_high, shared_high) = build(62);
    let (internal_low, shared_low) = build(5);
    assert_ne!(internal_high, internal_low, "internally, the revenue share counts");
    assert_eq!(shared_high, shared_low, "for the partner, it is not there to count");
    assert!(!shared_high.contains("omzet"), "{shared_high}");
}

#[test]
fn a_report_that_fails_its_check_takes_its_earlier_one_with_it() {
    let note = "  trust.openness:\n    score: 2\n    share_note: true\n    note: Net als bij Juliet Jachtbouw gaat het mis.\n";
    let india = partner("India Industrie", "india", "", note);
    let ws = workspace(&[("assessments/india.yaml", &india)]);
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--audience", "partner", "--format", "md"]).code, 0);
    let report = ws.path().join("reports/shared/india/india.md");
    assert!(std::fs::read_to_string(&report).unwrap().contains("Juliet Jachtbouw"));
    // Juliet Jachtbouw becomes a partner: India's report would name it.
    let juliet = partner("Juliet Jachtbouw", "juliet", "", "  trust.expertise: 4\n");
    std::fs::write(ws.path().join("assessments/juliet.yaml"), juliet).unwrap();
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!report.exists(), "the earlier report, which names Juliet Jachtbouw, is gone");
    assert!(run.stderr.contains("its earlier partner-facing report was removed"), "{}", run.stderr);
    let manifest = std::fs::read_to_string(ws.path().join("reports/manifest.json")).unwrap();
    assert!(!manifest.contains("shared/india/"), "{manifest}");
}

#[test]
fn a_partner_s_own_view_alone_is_shown_as_theirs() {
    let theirs = partner(
        "Echo Elektro",
        "echo",
        "perspective: partner\n",
        "  trust.expertise: 4\n  key_people.partner_confidant:\n    score: 4\n    people: [Anna Acme]\n  key_people.own_confidant:\n    score: 4\n    people: [Eddy Echo]\n",
    );
    let ws = workspace(&[
        ("trustmap.toml", "organisation = \"Acme B.V.\"\nlang = \"en\"\n"),
        ("assessments/echo.yaml", &theirs),
    ]);
    let run = trustmap(ws.path(), &["build", "--audience", "internal,partner", "--format", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shared = std::fs::read_to_string(ws.path().join("reports/shared/echo/echo.md")).unwrap();
    assert!(shared.contains("Acme B.V. has not (yet) given its own assessment"), "{shared}");
    // Their key person under their name, ours under ours.
    let people = &shared[shared.find("## Key people").unwrap()..];
    let (at_echo, at_acme) = people.split_at(people.find("### Acme B.V.").unwrap());
    assert!(at_echo.contains("Eddy Echo") && at_acme.contains("Anna Acme"), "{people}");
    let internal = std::fs::read_to_string(ws.path().join("reports/partners/echo.md")).unwrap();
    let at_partner = &internal
        [internal.find("### At the partner").unwrap()..internal.find("### In our organisation").unwrap()];
    assert!(at_partner.contains("Eddy Echo") && !at_partner.contains("Anna Acme"), "{internal}");
}

#[test]
fn mirrored_questions_are_put_side_by_side_by_what_they_ask() {
    // We say the partner needs our competences at 4 and we need theirs at 2; the partner says
    // the same from its side: it needs ours at 4 (their `their_competences`), we need its at 2.
    let ours =
        partner("Alfa", "alfa", "", "  dependence.our_competences: 4\n  dependence.their_competences: 2\n");
    let theirs = partner(
        "Alfa",
        "alfa",
        "perspective: partner\n",
        "  dependence.our_competences: 2\n  dependence.their_competences: 4\n",
    );
    let ws = workspace(&[("assessments/alfa.yaml", &ours), ("assessments/alfa-partner.yaml", &theirs)]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md", "--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shared = std::fs::read_to_string(ws.path().join("reports/shared/alfa/alfa.md")).unwrap();
    assert!(shared.contains("On no question are the answers two points or more apart."), "{shared}");
    assert!(!shared.contains("Gap +2") && !shared.contains("Gap -2"), "{shared}");
}

#[test]
fn our_staff_a_one_word_respondent_and_a_repeated_note_are_no_leak() {
    // Our commercial director answers for us about both partners and is our key person; the
    // other partner's respondent is written as a job title.
    let beta = partner(
        "Beta Bouw",
        "beta",
        "respondent: Marieke Jansen\n",
        "  key_people.own_ambassador:\n    score: 4\n    people: [Marieke Jansen]\n",
    );
    let beta_theirs = partner(
        "Beta Bouw",
        "beta",
        "perspective: partner\nrespondent: Directeur\n",
        "  trust.expertise: 3\n",
    );
    let old = "partner: Alfa\nid: alfa\nrole: supplier\ndate: 2025-09-01\nanswers:\n  trust.openness:\n    score: 3\n    note: Zij delen hun planning pas laat met ons.\n";
    let new = partner(
        "Alfa",
        "alfa",
        "",
        "  trust.openness:\n    score: 3\n    share_note: true\n    note: Zij delen hun planning pas laat met ons. Onze commercieel directeur Marieke Jansen bespreekt dit met de directeur.\n",
    );
    let ws = workspace(&[
        ("assessments/beta.yaml", &beta),
        ("assessments/beta-partner.yaml", &beta_theirs),
        ("assessments/alfa-2025.yaml", old),
        ("assessments/alfa.yaml", &new),
    ]);
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md,html"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let alfa = std::fs::read_to_string(ws.path().join("reports/shared/alfa/alfa.md")).unwrap();
    assert!(alfa.contains("Marieke Jansen bespreekt"), "{alfa}");
}

#[test]
fn a_partner_build_leaves_the_internal_reports_of_a_partner_that_is_gone() {
    let ws = two_partners(&[]);
    assert_eq!(
        trustmap(ws.path(), &["build", "-q", "--audience", "internal,partner", "--format", "md"]).code,
        0
    );
    std::fs::remove_file(ws.path().join("assessments/hendrix.yaml")).unwrap();
    let run = trustmap(ws.path(), &["build", "--audience", "partner", "--format", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    assert!(out.join("partners/hendrix.md").is_file(), "the network report, not rebuilt, still links it");
    assert!(!out.join("shared/hendrix").exists(), "its partner-facing report goes");
}
