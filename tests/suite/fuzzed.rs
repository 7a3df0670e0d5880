//! Inputs the fuzzers (`fuzz/`) once failed on, kept under `tests/fixtures/fuzz/<target>/` and
//! run through the same checks as their target, so that what was fixed stays fixed.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};
use trustmap::load::{self, Loaded};
use trustmap::model::Format;
use trustmap::questionnaire::Questionnaire;
use trustmap::render::note;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    files.sort();
    files
}

/// A file loads without a panic, and a valid one claims its own id.
fn load_and_claim(text: &str, format: Format) {
    let text = load::normalise_line_ends(text);
    if let Loaded::Document(doc) = load::parse(Path::new("fuzz"), text, format)
        && let checked = trustmap::validate::validate(&doc, Questionnaire::get(), 100_000)
        && let Some(a) = checked.assessment
    {
        assert_eq!(checked.id.as_deref(), Some(a.id.as_str()), "a valid file claims its own id");
    }
}

#[test]
fn loader_inputs_the_fuzzers_found() {
    for (target, format) in [("load_yaml", Format::Yaml), ("load_markdown", Format::Markdown)] {
        for file in inputs(target) {
            load_and_claim(&String::from_utf8_lossy(&std::fs::read(&file).unwrap()), format);
        }
    }
}

#[test]
fn note_inputs_the_fuzzers_found() {
    for file in inputs("note_render") {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        let md = format!("before\n\n{}\n\nafter\n", note::to_markdown(&text));
        for event in Parser::new_ext(&md, Options::all()) {
            assert!(
                !matches!(event, Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Image { .. })),
                "{}: {event:?}",
                file.display()
            );
        }
        assert!(md.ends_with("\n\nafter\n"), "{}", file.display());
        let typst = note::to_typst(&text);
        assert!(typst::syntax::parse(&typst).errors_and_warnings().0.is_empty(), "{}", file.display());
    }
}
