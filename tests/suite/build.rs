//! `trustmap build`: the reports on disk, partial failure, atomic writes and stale files,
//! templates, branding, languages, injection through every text field, determinism.

use std::path::{Path, PathBuf};

use super::{copy_dir, trustmap, workspace};

/// A copy of the samples outside any git repository (so no commit id ends up in the output).
pub fn samples_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&super::samples(), dir.path());
    // Reports a local build left in the samples are not part of them.
    let _ = std::fs::remove_dir_all(dir.path().join("reports"));
    dir
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    files
}

const PARTNER: &str = "partner: Alfa B.V.\nid: alfa\nrole: customer\ndate: 2026-03-01\nanswers:\n  trust.expertise: 4\n  trust.openness: 3\n";

#[test]
fn the_samples_build_into_a_complete_deliverable() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = ws.path().join("reports");
    for file in ["index.html", "network.html", "network.md", "manifest.json", "charts/network-map.svg"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let partners = tree(&out.join("partners"));
    let html = partners.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).count();
    assert_eq!(html, 12, "{partners:?}");
    let brabant = read(out.join("partners/brabant-oppervlaktetechniek.html"));
    assert!(brabant.contains("<title>Brabant Oppervlaktetechniek B.V. · Partnerrapport</title>"));
    assert!(brabant.contains("<svg"), "the radar chart is inline");
    assert!(
        brabant.contains("kritiek · onopgeloste schending van vertrouwen</strong>"),
        "the flag by its name"
    );
    assert!(!brabant.contains("unresolved-breach"), "not by its code: a client reads the report");
    for external in ["src=\"http", "href=\"http", "url(http", "@import", "<script"] {
        assert!(!brabant.contains(external), "no external requests or scripts: {external}");
    }
    let md = read(out.join("partners/brabant-oppervlaktetechniek.md"));
    assert!(
        md.contains("![Radardiagram van de vijf stellingen](charts/brabant-oppervlaktetechniek-radar.svg)")
    );
    assert!(out.join("partners/charts/brabant-oppervlaktetechniek-radar.svg").is_file());
    let manifest: serde_json::Value = serde_json::from_str(&read(out.join("manifest.json"))).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), tree(&out).len() - 1, "every file but the manifest is listed");
    let entry = files.iter().find(|f| f["path"] == "partners/medivorm.html").unwrap();
    assert_eq!(entry["sha256"].as_str().unwrap().len(), 64);
    let inputs: Vec<&str> = entry["inputs"].as_array().unwrap().iter().map(|i| i.as_str().unwrap()).collect();
    assert_eq!(
        inputs,
        [
            "assessments/medivorm/medivorm-2026-03-15-partner.yaml",
            "assessments/medivorm/medivorm-2026-03-15.md"
        ]
    );
    assert_eq!(manifest["commit"], serde_json::Value::Null);
    super::links::assert_all_resolve(&out);
    super::links::assert_markdown_inert(&out);
}

#[test]
fn building_twice_gives_the_same_bytes() {
    let ws = samples_copy();
    assert_eq!(trustmap(ws.path(), &["build", "-o", "one"]).code, 0);
    assert_eq!(trustmap(ws.path(), &["build", "-o", "two", "--jobs", "1"]).code, 0);
    let (one, two) = (ws.path().join("one"), ws.path().join("two"));
    assert_eq!(tree(&one), tree(&two));
    for file in tree(&one) {
        assert_eq!(
            std::fs::read(one.join(&file)).unwrap(),
            std::fs::read(two.join(&file)).unwrap(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn a_broken_file_costs_only_its_own_report() {
    let ws = workspace(&[
        ("trustmap.toml", "organisation = \"Van Dijk\"\n"),
        ("assessments/alfa.yaml", PARTNER),
        ("assessments/beta.yaml", "partner: Beta\nrole: supplier\ndate: 2026-03-01\n"),
    ]);
    assert_eq!(trustmap(ws.path(), &["build"]).code, 0);
    let out = ws.path().join("reports");
    let beta_before = read(out.join("partners/beta.html"));
    std::fs::write(
        ws.path().join("assessments/beta.yaml"),
        "partner: Beta\nrole: supplier\ndate: 2026-13-01\n",
    )
    .unwrap();
    std::fs::write(
        ws.path().join("assessments/alfa.yaml"),
        PARTNER.replace("trust.openness: 3", "trust.openness: 5"),
    )
    .unwrap();
    let run = trustmap(ws.path(), &["build"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--> assessments/beta.yaml:3:7\n"), "{}", run.stderr);
    assert!(read(out.join("partners/alfa.html")).contains(">100</td>"), "alfa was rebuilt");
    assert_eq!(read(out.join("partners/beta.html")), beta_before, "beta keeps its last good report");
}

#[test]
fn a_broken_latest_round_never_brings_back_an_older_one() {
    let old = "partner: Alfa\nid: alfa\nrole: customer\ndate: 2025-01-01\nanswers:\n  trust.expertise: 2\n";
    let ws = workspace(&[("assessments/alfa-old.yaml", old), ("assessments/alfa-new.yaml", PARTNER)]);
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md"]).code, 0);
    let report = ws.path().join("reports/partners/alfa.md");
    let good = read(&report);
    assert!(good.contains("2026-03-01"));
    // A validation error, then a syntax error, in the latest round: the last good report stays.
    for broken in [PARTNER.replace("trust.openness: 3", "trust.openness: 9"), format!("{PARTNER}oops: [\n")] {
        std::fs::write(ws.path().join("assessments/alfa-new.yaml"), broken).unwrap();
        let run = trustmap(ws.path(), &["build", "--format", "md"]);
        assert_eq!(run.code, 1);
        assert_eq!(read(&report), good, "{}", run.stderr);
    }
}

#[test]
fn building_some_paths_prunes_nothing_and_links_are_refused() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        ("assessments/beta.yaml", "partner: Beta\nrole: supplier\ndate: 2026-03-01\n"),
    ]);
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md"]).code, 0);
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md", "assessments/alfa.yaml"]).code, 0);
    assert!(ws.path().join("reports/partners/beta.md").exists(), "beta was not read, so it is not stale");

    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(ws.path().join("reports/partners")).unwrap();
    std::os::unix::fs::symlink(outside.path(), ws.path().join("reports/partners")).unwrap();
    let run = trustmap(ws.path(), &["build", "--format", "md"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("is a symbolic link"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing was written through the link");
}

#[test]
fn stale_reports_are_removed_but_nothing_else() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        ("assessments/beta.yaml", "partner: Beta\nrole: supplier\ndate: 2026-03-01\n"),
        ("reports/notes.txt", "mine"),
    ]);
    assert_eq!(trustmap(ws.path(), &["build"]).code, 0);
    let out = ws.path().join("reports");
    // A manifest entry pointing outside the output folder must never be acted on.
    let outside = ws.path().join("keep.txt");
    std::fs::write(&outside, "outside").unwrap();
    let manifest = read(out.join("manifest.json")).replace(
        "\"files\": [",
        "\"files\": [\n{\"path\": \"../keep.txt\", \"sha256\": \"\", \"inputs\": []},",
    );
    std::fs::write(out.join("manifest.json"), manifest).unwrap();
    std::fs::remove_file(ws.path().join("assessments/beta.yaml")).unwrap();
    let run = trustmap(ws.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!out.join("partners/beta.html").exists());
    assert!(!out.join("partners/beta.md").exists());
    assert!(out.join("partners/alfa.html").exists());
    assert_eq!(read(out.join("notes.txt")), "mine");
    assert_eq!(read(&outside), "outside");
    let names: Vec<String> = tree(&out).iter().map(|p| p.display().to_string()).collect();
    assert!(names.iter().all(|n| !n.contains(".trustmap-")), "no temporary files left: {names:?}");
}

#[test]
fn templates_override_and_extend_the_built_ins() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        (
            "templates/partner.html",
            "{% extends \"builtin/partner.html\" %}{% block footer %}<footer>CUSTOM {{ partner.partner }}</footer>{% endblock footer %}",
        ),
        ("templates/network.md", "# Eigen netwerk: {{ network.partners }}\n"),
    ]);
    let run = trustmap(ws.path(), &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = read(ws.path().join("reports/partners/alfa.html"));
    assert!(html.contains("<footer>CUSTOM Alfa B.V.</footer>"), "{html}");
    assert!(html.contains("<h1>Alfa B.V.</h1>"), "the rest comes from the built-in");
    assert_eq!(read(ws.path().join("reports/network.md")), "# Eigen netwerk: 1\n");
}

#[test]
fn a_workspace_adds_or_replaces_one_section_in_a_few_lines() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        (
            "templates/partner.md",
            "{% extends \"builtin/partner.md\" %}{% block actions %}{{ super() }}## Actieplan\n\n1. Bellen.\n\n{% endblock actions %}",
        ),
        (
            "templates/network.html",
            "{% extends \"builtin/network.html\" %}{% block method %}<p>Eigen methode.</p>{% endblock method %}",
        ),
        (
            "templates/partner.typ",
            "{% extends \"builtin/partner.typ\" %}{% block sides %}= Actieplan\nBellen.\n\n{% endblock sides %}",
        ),
    ]);
    let run = trustmap(ws.path(), &["build", "--format", "md,html,pdf", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    let md = read(out.join("partners/alfa.md"));
    let (attention, plan, first) =
        (md.find("## Wat aandacht vraagt"), md.find("## Actieplan"), md.find("## P1 ·"));
    assert!(attention < plan && plan < first, "the plan sits after the summary, before P1: {md}");
    let html = read(out.join("network.html"));
    assert!(
        html.contains("<p>Eigen methode.</p>") && !html.contains("id=\"method\""),
        "the section is replaced"
    );
    assert!(html.contains("id=\"heatmap\""), "the rest is the built-in's");
    let pdf = super::pdf::text(&out.join("partners/alfa.pdf"));
    assert!(pdf.contains("Actieplan") && !pdf.contains("Beide kanten"), "{pdf}");
}

#[test]
fn a_template_error_names_the_file_line_and_variable() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        ("templates/partner.md", "# {{ partner.partner }}\n\n{{ partner.nmae }}\n"),
    ]);
    let run = trustmap(ws.path(), &["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("partner.md"), "{}", run.stderr);
    assert!(run.stderr.contains("nmae"), "{}", run.stderr);
    assert!(run.stderr.contains(":3:"), "{}", run.stderr);
}

#[test]
fn a_label_typo_in_a_template_names_the_key_and_the_template_line() {
    for (template, text) in [
        ("partner.md", "# {{ partner.partner }}\n\n{{ t(key=\"partner_reprot\") }}\n"),
        ("network.html", "<p>\n{% if t(key=\"verdicts.at_rsik\") %}x{% endif %}</p>\n"),
    ] {
        let ws = workspace(&[("assessments/alfa.yaml", PARTNER), (&format!("templates/{template}"), text)]);
        let run = trustmap(ws.path(), &["build"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let line = if template == "partner.md" { 3 } else { 2 };
        assert!(run.stderr.contains(&format!("templates/{template}:{line}:")), "{}", run.stderr);
        assert!(run.stderr.contains("there is no label `"), "{}", run.stderr);
        let suggestion = if template == "partner.md" { "partner_report" } else { "verdicts.at_risk" };
        assert!(run.stderr.contains(&format!("did you mean `{suggestion}`")), "{}", run.stderr);
    }
}

#[test]
fn a_workspace_rewords_labels_beside_its_templates() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        (
            "templates/labels.yaml",
            "partner_report: {nl: \"Relatierapport\"}\nverdicts:\n  at_risk: {en: \"watch\", nl: \"aandacht\"}\n",
        ),
    ]);
    let run = trustmap(ws.path(), &["build", "--format", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = read(ws.path().join("reports/partners/alfa.md"));
    assert!(md.contains("Relatierapport") && !md.contains("Partnerrapport"), "{md}");
    let run = trustmap(ws.path(), &["build", "--format", "md", "--lang", "en", "-o", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(read(ws.path().join("en/partners/alfa.md")).contains("Partner report"), "English kept");

    let bad = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        ("templates/labels.yaml", "partner_report: {nl: Rapport}\nverdicts:\n  at_rsik: {nl: x}\nround: 3\n"),
    ]);
    let run = trustmap(bad.path(), &["build"]);
    assert_eq!(run.code, 2);
    for needle in [
        "templates/labels.yaml:3:3",
        "there is no label `verdicts.at_rsik`",
        "did you mean `verdicts.at_risk`",
        "templates/labels.yaml:4:8",
        "expected a label or a table of labels, found an integer",
    ] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert!(!bad.path().join("reports").exists(), "nothing is written");
}

#[test]
fn branding_and_language() {
    let logo = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";
    let ws = workspace(&[
        (
            "trustmap.toml",
            "organisation = \"Van Dijk B.V.\"\n[report]\nconsultant = \"Eva Smit\"\nlogo = \"logo.svg\"\naccent = \"#aa3300\"\n",
        ),
        ("logo.svg", logo),
        ("assessments/alfa.yaml", PARTNER),
    ]);
    assert_eq!(trustmap(ws.path(), &["build", "--lang", "en"]).code, 0);
    let html = read(ws.path().join("reports/partners/alfa.html"));
    assert!(html.contains("<img src=\"data:image/svg+xml;base64,"), "the logo is embedded");
    assert!(html.contains("#aa3300"));
    assert!(html.contains("Eva Smit") && html.contains("Van Dijk B.V."));
    assert!(html.contains("Partner report") && html.contains("<html lang=\"en\">"));
    assert_eq!(trustmap(ws.path(), &["build", "--lang", "nl", "-o", "nl"]).code, 0);
    let nl = read(ws.path().join("nl/partners/alfa.html"));
    assert!(nl.contains("Partnerrapport") && nl.contains("<html lang=\"nl\">"));
    assert!(nl.contains("62,5"), "Dutch decimal commas");
    let bad =
        workspace(&[("trustmap.toml", "[report]\naccent = \"red\"\n"), ("assessments/a.yaml", PARTNER)]);
    let run = trustmap(bad.path(), &["build"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`report.accent` must be a colour"), "{}", run.stderr);
}

#[test]
fn injected_markup_stays_text_in_every_format() {
    let evil = "<script>alert(1)</script> **vet** {{ 7*7 }} {% raw %} #read(\"/etc/passwd\") [x](javascript:alert(2)) | pipe";
    let file = format!(
        "partner: {name}\nrole: customer\ndate: 2026-03-01\nrespondent: {name}\nanswers:\n  trust.expertise:\n    score: 4\n    note: {name}\n  key_people.partner_influence:\n    score: 3\n    people:\n      - name: {name}\n        role: {name}\n",
        name = serde_json::Value::from(evil)
    );
    let name = serde_json::Value::from(evil);
    let plan = format!(
        "partner: {name}\ntarget:\n  type: strategic\n  reason: {name}\nactions:\n  - id: {name}\n    do: {name}\n    answers: P1\n    owner: ours\n    outcome: {name}\n"
    );
    let ws = workspace(&[("assessments/evil.yaml", &file), ("plans/evil.yaml", &plan)]);
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    let id = trustmap::model::slugify(evil);
    let report = read(out.join(format!("partners/{id}.html")));
    let section =
        report.split("id=\"plan\"").nth(1).expect("a plan section").split("</section>").next().unwrap();
    assert_eq!(
        section.matches("&lt;script&gt;alert(1)&lt;/script&gt;").count(),
        4,
        "reason, id, what, outcome: {section}"
    );
    let pdf = super::pdf::text(&out.join(format!("partners/{id}.pdf")));
    assert!(pdf.matches("#read(\"/etc/passwd\")").count() >= 4, "Typst code in the plan is text: {pdf}");
    assert!(id.len() <= trustmap::model::MAX_ID_LEN);
    for html in [
        read(out.join(format!("partners/{id}.html"))),
        read(out.join("index.html")),
        read(out.join("network.html")),
    ] {
        assert!(!html.contains("<script"), "raw script tag in HTML");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("{{ 7*7 }}") && !html.contains(" 49 "), "Tera syntax in data is not evaluated");
        assert!(!html.contains("href=\"javascript:"));
    }
    let md = read(out.join(format!("partners/{id}.md")));
    assert!(md.contains(r"\<script\>alert(1)\</script\> \*\*vet\*\* \{\{ 7\*7 \}\}"), "{md}");
    // A line that opens with `<script>` is raw HTML to CommonMark: all of it is shown as text.
    assert!(md.contains(r"> \<script\>alert(1)\</script\> \*\*vet\*\*"), "the note's raw HTML is text: {md}");
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::all()),
    );
    assert!(!html.contains("<script") && !html.contains("href=\"javascript"), "{html}");
}

#[test]
fn dump_context_prints_what_templates_see() {
    let ws = workspace(&[("assessments/alfa.yaml", PARTNER)]);
    let run = trustmap(ws.path(), &["build", "--dump-context", "--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    // The evaluation types themselves, and the facts of the build beside them.
    assert_eq!(json["partners"][0]["partner"]["partner"], "Alfa B.V.");
    assert_eq!(json["partners"][0]["partner"]["propositions"][0]["id"], "P1");
    assert_eq!(json["partners"][0]["sources"][0], "assessments/alfa.yaml");
    assert_eq!(json["partners"][0]["lang"], "en");
    assert_eq!(json["network"]["network"]["partners"], 1);
    assert_eq!(json["network"]["links"]["partners"]["alfa"], "partners/alfa");
    assert!(!ws.path().join("reports").exists(), "nothing is written");
}

#[test]
fn only_the_requested_partner_is_rebuilt() {
    let ws = workspace(&[
        ("assessments/alfa.yaml", PARTNER),
        ("assessments/beta.yaml", "partner: Beta\nrole: supplier\ndate: 2026-03-01\n"),
    ]);
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md", "--partner", "beta", "-q"]).code, 0);
    let out = ws.path().join("reports");
    assert!(out.join("partners/beta.md").exists() && !out.join("partners/alfa.md").exists());
    assert!(!out.join("index.html").exists(), "html was not asked for");
    let run = trustmap(ws.path(), &["build", "--partner", "bta"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no partner `bta`; did you mean `beta`?"), "{}", run.stderr);
    // A partner may be named by its name, in any case and spacing.
    let run = trustmap(ws.path(), &["build", "--format", "md", "--partner", "ALFA  b.v.", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(out.join("partners/alfa.md").exists());
}

#[test]
fn the_confidentiality_line_and_footer_are_the_workspaces_and_no_file_path_is_shown() {
    let ws = workspace(&[
        (
            "trustmap.toml",
            "[report]\nconsultant = \"Eva Smit\"\nconfidential = \"Alleen voor de directie\"\nfooter = \"Opdracht 2026-014\"\n",
        ),
        ("assessments/alfa.yaml", &format!("{PARTNER}assessor: Eva Smit (consultant)\n")),
    ]);
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf", "-q"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    let pdf = super::pdf::text(&out.join("partners/alfa.pdf"));
    for (name, text) in [
        ("html", read(out.join("partners/alfa.html"))),
        ("md", read(out.join("partners/alfa.md"))),
        ("network md", read(out.join("network.md"))),
        ("pdf", pdf),
    ] {
        assert!(text.contains("Alleen voor de directie"), "{name}: the confidentiality line");
        assert!(text.contains("Opdracht 2026-014"), "{name}: the footer");
        assert!(!text.contains("alfa.yaml") && !text.contains("assessments/"), "{name}: no file path");
        assert!(!text.contains("Eva Smit (consultant)"), "{name}: the consultant is not repeated");
    }
    assert!(
        read(out.join("manifest.json")).contains("assessments/alfa.yaml"),
        "the manifest keeps provenance"
    );
}

#[test]
fn the_index_links_each_partners_pdf_and_the_network_pdf_links_them_too() {
    let ws = workspace(&[("assessments/alfa.yaml", PARTNER)]);
    assert_eq!(trustmap(ws.path(), &["build", "--format", "html,pdf", "-q"]).code, 0);
    let out = ws.path().join("reports");
    let index = read(out.join("index.html"));
    assert!(index.contains("href=\"partners/alfa.pdf\"") && index.contains("href=\"network.pdf\""));
    let network = std::fs::read(out.join("network.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&network).contains("partners/alfa.pdf"), "a link in the network PDF");
    // Each HTML report links its own PDF.
    assert!(read(out.join("partners/alfa.html")).contains("<a href=\"alfa.pdf\">Als PDF</a>"));
    assert!(read(out.join("network.html")).contains("<a href=\"network.pdf\">Als PDF</a>"));
    super::links::assert_all_resolve(&out);
    // Without PDFs there is no PDF link.
    assert_eq!(trustmap(ws.path(), &["build", "--format", "html", "-q", "-o", "html-only"]).code, 0);
    for page in ["index.html", "network.html", "partners/alfa.html"] {
        assert!(!read(ws.path().join("html-only").join(page)).contains(".pdf\""), "{page}");
    }
}

#[test]
fn a_build_of_some_files_keeps_the_deliverable_whole() {
    let ws = samples_copy();
    let out = ws.path().join("reports");
    assert_eq!(trustmap(ws.path(), &["build", "--format", "html,md", "-q"]).code, 0);
    let index = read(out.join("index.html"));
    let latest = "assessments/hendrix-plaatbewerking/hendrix-plaatbewerking-2026-03-15.md";
    let run = trustmap(ws.path(), &["build", "--format", "html,md", "--force", latest]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("for 1 partner"), "only the named file's partner is rebuilt: {}", run.stderr);
    assert_eq!(read(out.join("index.html")), index, "the index still shows the whole network");
    let report = read(out.join("partners/hendrix-plaatbewerking.html"));
    assert!(report.contains("+7,2"), "the earlier round is still read: the delta is there");
    super::links::assert_all_resolve(&out);
}

#[test]
fn a_partner_built_into_a_fresh_folder_links_only_what_is_there() {
    let ws = samples_copy();
    let fresh = ws.path().join("fresh");
    let run = trustmap(ws.path(), &["build", "--format", "html,md", "--partner", "tecmaro", "-o", "fresh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let index = read(fresh.join("index.html"));
    assert!(index.contains("Hendrix Plaatbewerking B.V."), "every partner is listed");
    assert!(index.contains("href=\"partners/tecmaro.html\""));
    assert!(!index.contains("href=\"partners/hendrix-plaatbewerking.html\""), "not linked: not there");
    super::links::assert_all_resolve(&fresh);
}

#[test]
fn the_bundle_is_the_deliverable_in_one_zip_with_the_same_bytes_each_time() {
    use std::io::Read as _;
    let ws = samples_copy();
    let args = |out: &'static str| ["build", "--format", "html,md,pdf,typ", "--bundle", "-o", out];
    let run = trustmap(ws.path(), &args("one"));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = "van-dijk-precisietechniek-b-v-2026-03-15";
    assert!(run.stderr.contains(&format!("bundled the deliverable in `one/{name}.zip`")), "{}", run.stderr);
    assert_eq!(
        trustmap(ws.path(), &["build", "--format", "html,md,pdf,typ", "--bundle", "-o", "two", "-j", "1"])
            .code,
        0
    );
    let (one, two) = (ws.path().join("one"), ws.path().join("two"));
    let zipped = std::fs::read(one.join(format!("{name}.zip"))).unwrap();
    assert_eq!(zipped, std::fs::read(two.join(format!("{name}.zip"))).unwrap(), "the same bytes");

    // Every report file the manifest lists, as it is on disk, and a manifest of just those.
    let manifest: serde_json::Value = serde_json::from_str(&read(one.join("manifest.json"))).unwrap();
    let listed: Vec<&serde_json::Value> = manifest["files"].as_array().unwrap().iter().collect();
    let bundle = listed.iter().find(|e| e["bundle"] == true).expect("the manifest lists the bundle");
    assert_eq!(bundle["path"], format!("{name}.zip"));
    let reports: Vec<&str> = listed
        .iter()
        .filter(|e| e["bundle"] != true && e["format"] != "typ")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(reports.iter().any(|p| p.ends_with(".pdf")) && reports.iter().any(|p| p.ends_with(".svg")));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zipped)).unwrap();
    let mut inside: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
    inside.sort();
    let mut expected: Vec<String> =
        reports.iter().chain(&["manifest.json"]).map(|p| format!("{name}/{p}")).collect();
    expected.sort();
    assert_eq!(
        inside, expected,
        "the reports, the manifest and the evaluation; no Typst sources, not itself"
    );
    for path in &reports {
        let mut bytes = Vec::new();
        archive.by_name(&format!("{name}/{path}")).unwrap().read_to_end(&mut bytes).unwrap();
        assert_eq!(bytes, std::fs::read(one.join(path)).unwrap(), "{path}");
    }
    let mut inner = String::new();
    archive.by_name(&format!("{name}/manifest.json")).unwrap().read_to_string(&mut inner).unwrap();
    let inner: serde_json::Value = serde_json::from_str(&inner).unwrap();
    let inner: Vec<&str> =
        inner["files"].as_array().unwrap().iter().map(|e| e["path"].as_str().unwrap()).collect();
    assert_eq!(inner, reports);

    // A build without --bundle removes it: a zip never disagrees with the reports beside it.
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf,typ", "-o", "one"]);
    assert!(run.stderr.contains("removed 1 stale"), "{}", run.stderr);
    assert!(!one.join(format!("{name}.zip")).exists());
    // Made again in its place, it is not counted as removed.
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf,typ", "--bundle", "-o", "one"]);
    assert!(!run.stderr.contains("stale") && one.join(format!("{name}.zip")).is_file(), "{}", run.stderr);
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf,typ", "--bundle", "-o", "one"]);
    assert!(!run.stderr.contains("stale"), "{}", run.stderr);
    // Nor is one made from a report changed by hand, and the one there goes.
    std::fs::write(one.join("partners/tecmaro.html"), "mine").unwrap();
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf,typ", "--bundle", "-o", "one"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no bundle was made: `partners/tecmaro.html`"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("`partners/tecmaro.html` was changed").count(),
        1,
        "said once: {}",
        run.stderr
    );
    assert!(!one.join(format!("{name}.zip")).exists());
}

#[test]
fn plans_set_targets_and_actions_and_every_format_shows_them() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build", "--format", "html,md,pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    // Hendrix is strategic and on target; its done action moved P3 since it was agreed.
    let md = read(out.join("partners/hendrix-plaatbewerking.md"));
    assert!(md.contains("**Type relatie:** strategisch."), "{md}");
    assert!(md.contains("| P3 Interactieproces | sterk | sterk: op doel | +16,7 |"), "{md}");
    assert!(md.contains("| gedaan (afgesproken 2025-09-15) | P3 +16,7 |"), "the move since agreed: {md}");
    // Brabant's claim is overdue (due 2026-01-31, report dated 2026-03-15) and its flag still raised.
    let html = read(out.join("partners/brabant-oppervlaktetechniek.html"));
    assert!(html.contains("2026-01-31 <strong class=\"overdue\">te laat</strong>"), "overdue");
    assert!(
        html.contains("sterk: <span class=\"standing below\">onder doel</span> (-42,9)"),
        "below target in the glance table"
    );
    let pdf = super::pdf::text(&out.join("partners/brabant-oppervlaktetechniek.pdf"));
    assert!(
        pdf.contains("Doel en actieplan") && pdf.contains("onder doel") && pdf.contains("te laat"),
        "{pdf}"
    );
    // The network lists who is furthest below target, Brabant first; Hendrix is on target.
    let network = read(out.join("network.md"));
    let table =
        network.split("## Verst onder hun doel").nth(1).expect("the section").split("## ").next().unwrap();
    let brabant = table.find("Brabant").expect("Brabant is below target");
    assert!(brabant < table.find("Tecmaro").expect("Tecmaro is below target"), "furthest first: {table}");
    assert!(!table.contains("Hendrix"), "on target: {table}");
    assert!(super::pdf::text(&out.join("network.pdf")).contains("Verst onder hun doel"));
    // And the open actions by owner, overdue first.
    let open =
        network.split("## Openstaande acties").nth(1).expect("open actions").split("## ").next().unwrap();
    assert!(open.contains("**Eigenaar wij:** 1 open, 1 te laat · **Eigenaar partner:** 1 open"), "{open}");
    assert!(open.find("Brabant").unwrap() < open.find("Hendrix").unwrap(), "overdue first: {open}");
    // A workspace without plans has no such section.
    std::fs::remove_dir_all(ws.path().join("plans")).unwrap();
    assert_eq!(trustmap(ws.path(), &["build", "--format", "md", "-q"]).code, 0);
    assert!(!read(out.join("network.md")).contains("Verst onder hun doel"));
    assert!(!read(out.join("partners/brabant-oppervlaktetechniek.md")).contains("Doel en actieplan"));
}

#[test]
fn templates_can_be_listed_and_exported() {
    let ws = tempfile::tempdir().unwrap();
    let run = trustmap(ws.path(), &["templates", "list"]);
    assert!(run.stdout.contains("partner.html\n") && run.stdout.contains("network.md\n"), "{}", run.stdout);
    assert_eq!(trustmap(ws.path(), &["templates", "export", "templates"]).code, 0);
    assert!(read(ws.path().join("templates/partner.html")).contains("{% extends \"base.html\" %}"));
    assert!(read(ws.path().join("templates/labels.yaml")).contains("partner_report:"));
    let alfa = ws.path().join("assessments/alfa.yaml");
    std::fs::create_dir_all(alfa.parent().unwrap()).unwrap();
    std::fs::write(&alfa, PARTNER).unwrap();
    let run = trustmap(ws.path(), &["build", "--format", "md"]);
    assert_eq!(run.code, 0, "the exported templates and labels build as they are: {}", run.stderr);
    assert_eq!(trustmap(ws.path(), &["templates", "export", "templates"]).code, 2, "never overwrites");
}

/// A broken file is claimed for a partner by its name (`<id>-<date>.yaml`); a name with a
/// multi-byte character where the date would end is only not a date, never a crash.
#[test]
fn a_broken_file_with_any_name_is_reported_not_a_crash() {
    let dir = workspace(&[
        (
            "assessments/smit.yaml",
            "partner: Smit\nrole: supplier\ndate: 2026-03-15\nanswers:\n  trust.expertise: 4\n",
        ),
        ("assessments/smit-2025-01-0é.yaml", "role: [\n"),
    ]);
    let run = trustmap(dir.path(), &["build", "--format", "md"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("smit-2025-01-0é.yaml") && !run.stderr.contains("panicked"),
        "{}",
        run.stderr
    );
}
