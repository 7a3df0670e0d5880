//! PDF reports through Typst, checked as a reader would: text extracted with `pdftotext`,
//! metadata with `pdfinfo`, byte-identical builds, and both engines on the same sources.

use std::path::Path;
use std::process::Command;

use super::build::samples_copy;
use super::{trustmap, workspace};

/// Runs a poppler tool; poppler-utils is installed by `.ci/run`.
fn poppler(tool: &str, pdf: &Path) -> String {
    let out = Command::new(tool)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-layout", "-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool} is needed for the PDF tests (apt-get install poppler-utils): {e}")
        });
    assert!(out.status.success(), "{tool} failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text as a reader sees it, with runs of white space folded.
pub fn text(pdf: &Path) -> String {
    poppler("pdftotext", pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn sample_pdfs_read_as_reports() {
    let ws = samples_copy();
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf", "--lang", "en"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = ws.path().join("reports");
    let brabant = text(&out.join("partners/brabant-oppervlaktetechniek.pdf"));
    assert!(brabant.contains("Brabant Oppervlaktetechniek B.V."));
    for p in
        ["P1 Trust", "P2 Dependence and commitment", "P3 Interaction process", "P4 Key people", "P5 Growth"]
    {
        assert!(brabant.contains(p), "{p} missing");
    }
    assert!(brabant.contains("A breach of trust has not been resolved"), "flag message missing");
    assert!(brabant.contains("Contents"), "table of contents");
    let info = poppler("pdfinfo", &out.join("partners/brabant-oppervlaktetechniek.pdf"));
    assert!(info.contains("Title:           Brabant Oppervlaktetechniek B.V."), "{info}");
    assert!(info.contains("Author:          Eva Smit"), "{info}");
    assert!(info.contains("Keywords:        trustmap, Partner report, Van Dijk"), "{info}");
    let info = poppler("pdfinfo", &out.join("network.pdf"));
    assert!(info.contains("Keywords:        trustmap, Network report, Van Dijk"), "{info}");
    assert!(info.contains("CreationDate:    Sun Mar 15 00:00:00 2026 UTC"), "the round's date: {info}");
    let network = text(&out.join("network.pdf"));
    assert!(network.contains("Network report") && network.contains("Marieke Jansen"));
}

#[test]
fn two_builds_give_byte_identical_pdfs() {
    let ws = samples_copy();
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--format", "pdf", "-o", "a"]).code, 0);
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--format", "pdf", "-o", "b", "--jobs", "1"]).code, 0);
    for file in ["network.pdf", "partners/medivorm.pdf", "partners/lumetra-systems.pdf"] {
        let a = std::fs::read(ws.path().join("a").join(file)).unwrap();
        let b = std::fs::read(ws.path().join("b").join(file)).unwrap();
        assert!(a == b, "{file} differs between builds");
    }
}

#[test]
fn injected_typst_and_markup_come_out_literally() {
    let evil = "#read(\"/etc/passwd\") #set page(width: 1cm) $x^2$ <script>x</script> @ref *bold* = Heading";
    let file = format!(
        "partner: {name}\nid: evil\nrole: customer\ndate: 2026-03-01\nanswers:\n  trust.expertise:\n    score: 4\n    note: {name}\n  key_people.partner_influence:\n    people:\n      - name: {name}\n",
        name = serde_json::Value::from(evil)
    );
    let ws = workspace(&[("assessments/evil.yaml", &file)]);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf,typ"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = text(&ws.path().join("reports/partners/evil.pdf"));
    assert!(
        pdf.contains(
            "#read(\"/etc/passwd\") #set page(width: 1cm) $x^2$ <script>x</script> @ref *bold* = Heading"
        ),
        "{pdf}"
    );
    assert!(!pdf.contains("root:x:0:0"), "no file was read");
    let info = poppler("pdfinfo", &ws.path().join("reports/partners/evil.pdf"));
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "the page size was not changed: {info}"
    );
    assert!(ws.path().join("reports/typst/partners/evil.typ").is_file(), "--format typ keeps the source");
    assert!(ws.path().join("reports/typst/partners/evil-radar.svg").is_file(), "its assets beside it");
    assert!(!ws.path().join("reports/partners/evil.typ").exists(), "apart from the deliverable");
}

#[test]
fn markdown_notes_cannot_run_typst_code() {
    let note =
        "Zie `abc`.text.rev().len(), ok. Wij werken *lean*.Daarna **dit**(en dat) [l](https://x.nl).pdf";
    let file = format!(
        "partner: Alfa\nrole: other\ndate: 2026-01-02\nanswers:\n  trust.openness:\n    score: 3\n    note: {}\n",
        serde_json::Value::from(note)
    );
    let ws = workspace(&[("assessments/a.yaml", &file)]);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = text(&ws.path().join("reports/partners/alfa.pdf"));
    assert!(pdf.contains("Zie abc.text.rev().len(), ok. Wij werken lean.Daarna dit(en dat) l.pdf"), "{pdf}");
}

#[test]
fn pdf_a_for_archiving() {
    let ws = workspace(&[("assessments/a.yaml", "partner: Alfa\nrole: other\ndate: 2026-01-02\n")]);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf", "--pdf-standard", "a-2b"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(ws.path().join("reports/partners/alfa.pdf")).unwrap();
    let xmp = String::from_utf8_lossy(&bytes);
    assert!(
        xmp.contains("pdfaid:part") && xmp.contains("pdfaid:conformance"),
        "PDF/A identification in the XMP metadata"
    );
}

#[test]
fn pdfs_are_pdf_ua_by_default_with_every_image_described() {
    let ws = workspace(&[
        ("assessments/a.yaml", "partner: Alfa\nrole: other\ndate: 2026-01-02\n"),
        ("assessments/a-2.yaml", "partner: Alfa\nrole: other\ndate: 2026-06-02\n"),
    ]);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf", "--pdf-standard", "a-2b"]);
    assert_eq!(run.code, 0, "PDF/A-2b and PDF/UA-1 together, Typst's validation passed: {}", run.stderr);
    for pdf in ["reports/partners/alfa.pdf", "reports/network.pdf"] {
        let bytes = std::fs::read(ws.path().join(pdf)).unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        assert!(raw.contains("pdfuaid:part"), "{pdf}: PDF/UA identification");
        assert!(raw.contains("DisplayDocTitle"), "{pdf}: the title shows in the window");
    }
    // Typst's UA validation is real: an image without alternative text fails the document.
    std::fs::create_dir_all(ws.path().join("templates")).unwrap();
    std::fs::write(
        ws.path().join("templates/network.typ"),
        "{% include \"report.typ\" %}\n= Map\n#image({{ charts.map_file | str }})\n",
    )
    .unwrap();
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf"]);
    assert_ne!(run.code, 0, "the network PDF fails");
    assert!(run.stderr.contains("PDF/UA-1 error: missing alt text"), "{}", run.stderr);
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf", "--no-pdf-ua"]);
    assert_eq!(run.code, 0, "without PDF/UA it builds: {}", run.stderr);
}

/// The `typst` executable on PATH, if there is one.
fn typst_on_path() -> Option<&'static str> {
    Command::new("typst").arg("--version").output().is_ok().then_some("typst")
}

#[test]
fn a_typst_error_in_a_template_names_the_template_file_and_line() {
    let ws = workspace(&[
        ("assessments/a.yaml", "partner: Alfa\nrole: other\ndate: 2026-01-02\n"),
        (
            "templates/partner.typ",
            "{% for p in partner.propositions -%}\n  - {{ p.id }}\n{%- endfor %}\n= {{ partner.partner }}\n\n#nonsense(1)\n",
        ),
    ]);
    let mut engines = vec![vec!["--pdf-engine", "embedded"]];
    match typst_on_path() {
        Some(typst) => engines.push(vec!["--pdf-engine", "typst-cli", "--typst-bin", typst]),
        None => eprintln!("SKIPPED: no `typst` on PATH, so only the embedded engine's errors were checked"),
    }
    for engine in engines {
        let run = trustmap(ws.path(), &[&["build", "--format", "pdf"][..], &engine].concat());
        assert_eq!(run.code, 1, "the partner's document failed; the rest was written");
        assert!(ws.path().join("reports/network.pdf").is_file());
        assert!(!ws.path().join("reports/partners/alfa.pdf").exists());
        assert!(run.stderr.contains("partner `alfa`"), "{}", run.stderr);
        assert!(
            run.stderr.contains(
                "error[typst]: unknown variable: nonsense\n --> templates/partner.typ:6:2\n  |\n6 | #nonsense(1)\n  |  ^^^^^^^^\n  |\n  = note: generated line"
            ),
            "{engine:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("\nwrote 1 file for 0 partners in "), "{}", run.stderr);
    }
}

#[test]
fn a_typst_error_in_the_network_report_stops_the_build() {
    let ws = workspace(&[
        ("assessments/a.yaml", "partner: Alfa\nrole: other\ndate: 2026-01-02\n"),
        ("assessments/b.yaml", "partner: Beta\nrole: other\ndate: 2026-01-02\n"),
        ("templates/network.typ", "= {{ t(key=\"network_report\") }}\n#nonsense(1)\n"),
    ]);
    // The network report is made last, from the partners in brief once their reports are made.
    let run = trustmap(ws.path(), &["build", "--format", "pdf", "--jobs", "1"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("error[typst]: unknown variable: nonsense\n --> templates/network.typ:2:2\n"),
        "{}",
        run.stderr
    );
    assert!(!ws.path().join("reports/network.pdf").exists());
    assert!(ws.path().join("reports/partners/alfa.pdf").is_file());
    // The same build without the broken template makes only the network report: the partners'
    // reports were recorded with their keys.
    std::fs::remove_file(ws.path().join("templates/network.typ")).unwrap();
    let run = trustmap(ws.path(), &["build", "--format", "pdf", "--jobs", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("wrote 1 file for 0 partners"), "{}", run.stderr);
    assert!(ws.path().join("reports/network.pdf").is_file());
}

#[test]
fn an_error_in_an_included_template_is_placed_in_that_template() {
    // The built-in partner.typ (loops, conditions, trimmed tags) includes this report.typ; the
    // sample data fills it, so every line of the built-in is rendered with its marker.
    let report = format!("{}\n#let broken = (1 +\n", include_str!("../../templates/report.typ"));
    let line = report.lines().count();
    let ws = samples_copy();
    std::fs::create_dir_all(ws.path().join("templates")).unwrap();
    std::fs::write(ws.path().join("templates/report.typ"), &report).unwrap();
    let run = trustmap(ws.path(), &["build", "-q", "--format", "pdf", "--partner", "medivorm"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr
            .contains(&format!("error[typst]: unclosed delimiter\n  --> templates/report.typ:{line}:15\n")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("(generated)"), "every error placed in a template:\n{}", run.stderr);
}

#[test]
fn the_typst_cli_engine_gives_the_same_document() {
    let missing = workspace(&[("assessments/a.yaml", "partner: Alfa\nrole: other\ndate: 2026-01-02\n")]);
    let run = trustmap(
        missing.path(),
        &["build", "--format", "pdf", "--pdf-engine", "typst-cli", "--typst-bin", "/nonexistent/typst"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cargo install typst-cli --locked"), "{}", run.stderr);

    let Some(typst) = typst_on_path() else {
        eprintln!(
            "SKIPPED: no `typst` on PATH, so the typst-cli engine was not compared (cargo install typst-cli --locked)"
        );
        return;
    };
    let ws = samples_copy();
    assert_eq!(trustmap(ws.path(), &["build", "-q", "--format", "pdf", "-o", "embedded"]).code, 0);
    let run = trustmap(
        ws.path(),
        &["build", "-q", "--format", "pdf", "-o", "cli", "--pdf-engine", "typst-cli", "--typst-bin", typst],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in ["network.pdf", "partners/medivorm.pdf", "partners/kempen-metaalhandel.pdf"] {
        let (a, b) = (ws.path().join("embedded").join(file), ws.path().join("cli").join(file));
        let pages =
            |p: &Path| poppler("pdfinfo", p).lines().find(|l| l.starts_with("Pages:")).map(str::to_owned);
        assert_eq!(pages(&a), pages(&b), "{file}: page count");
        assert_eq!(text(&a), text(&b), "{file}: extracted text");
    }
}
