//! The YAML loader and validator on any bytes: no panic, and a failed file's partner is read
//! as a valid file's would be.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use trustmap::load::{self, Loaded};
use trustmap::model::Format;
use trustmap::questionnaire::Questionnaire;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = load::normalise_line_ends(text);
    match load::parse(Path::new("fuzz.yaml"), text.clone(), Format::Yaml) {
        Loaded::Document(doc) => {
            let checked = trustmap::validate::validate(&doc, Questionnaire::get(), 100_000);
            if let Some(a) = checked.assessment {
                assert_eq!(
                    checked.id.as_deref(),
                    Some(a.id.as_str()),
                    "the claimed id is the valid file's id"
                );
            }
        }
        Loaded::Failed { .. } | Loaded::Skipped(_) => {
            if let Some(root) = load::node::parse_partial(&text) {
                let _ =
                    trustmap::validate::claimed_id(&root, false, &trustmap::diagnostic::Lines::new(&text));
            }
        }
    }
});
