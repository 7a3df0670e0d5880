//! The Markdown loader (front matter, sections, field lines) and the validator on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use trustmap::load::{self, Loaded};
use trustmap::model::Format;
use trustmap::questionnaire::Questionnaire;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = load::normalise_line_ends(text);
    if let Loaded::Document(doc) = load::parse(Path::new("fuzz.md"), text.clone(), Format::Markdown) {
        let checked = trustmap::validate::validate(&doc, Questionnaire::get(), 100_000);
        if let Some(a) = checked.assessment {
            assert_eq!(checked.id.as_deref(), Some(a.id.as_str()));
        }
    }
    if let Some(front) = load::front_matter(&text)
        && let Some(root) = load::node::parse_partial(front.yaml)
    {
        let _ = trustmap::validate::claimed_id(&root, false, &trustmap::diagnostic::Lines::new(front.yaml));
    }
});
