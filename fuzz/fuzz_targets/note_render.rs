//! A note rendered to each output language: no panic, and nothing in the result can act.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Options, Parser, Tag};
use trustmap::render::note;

fn safe(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("mailto:")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let md = format!("before\n\n{}\n\nafter\n", note::to_markdown(text));
    for event in Parser::new_ext(&md, Options::all()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML {h:?} from {text:?}"),
            Event::Start(Tag::Image { dest_url, .. }) => panic!("an image of {dest_url:?} from {text:?}"),
            Event::Start(Tag::Link { dest_url, .. }) => assert!(safe(&dest_url), "a link to {dest_url:?}"),
            _ => {}
        }
    }
    assert!(md.ends_with("\n\nafter\n"));
    let html = note::to_html(text);
    for tag in html.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        assert!(
            !tag.starts_with("img")
                && !tag.starts_with("script")
                && !tag.to_ascii_lowercase().contains(" on"),
            "<{tag}>"
        );
        if let Some(at) = tag.find("href=\"") {
            assert!(safe(&tag[at + 6..]), "<{tag}>");
        }
    }
    let typst = note::to_typst(text);
    let root = typst::syntax::parse(&typst);
    assert!(root.errors_and_warnings().0.is_empty(), "{typst:?} from {text:?}");
});
