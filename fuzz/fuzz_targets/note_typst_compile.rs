//! The Markdown-to-Typst path all the way: a note's Typst compiles with the embedded engine,
//! whatever the note.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trustmap::pdf::{Engine, Job, PdfSettings, compile};
use trustmap::render::note;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if text.len() > 4096 {
        return;
    }
    let source = format!("= Note\n\n{}\n", note::to_typst(text));
    let job = Job { template: "fuzz.typ", source, assets: Vec::new(), date: trustmap::model::Date::EPOCH };
    let settings =
        PdfSettings { engine: Engine::Embedded, pdf_a: false, timeout: std::time::Duration::from_secs(60) };
    if let Err(trustmap::pdf::Failure::Typst(problems)) = compile(&job, &settings) {
        panic!("{problems:?} for {text:?}");
    }
});
