//! Property tests: no generated string changes the structure of any output. Values are escaped
//! for HTML, Markdown and Typst; notes are converted to each; the results are parsed back (by
//! pulldown-cmark, by Typst's own parser) and checked to be text where a value was put, and
//! nothing but safe markup where a note was.

use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use trustmap::render::{escape, note};
use typst::syntax::{SyntaxKind, SyntaxNode};

/// Strings made of what breaks markup in any of the three languages, and anything else.
fn nasty() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "<",
        ">",
        "&",
        "\"",
        "'",
        "`",
        "```",
        "~~~",
        "*",
        "**",
        "_",
        "[",
        "]",
        "(",
        ")",
        "![",
        "](",
        "]:",
        "<!--",
        "-->",
        "<?",
        "<!",
        "<script>",
        "javascript:",
        "data:",
        "http://x.y/",
        "www.x.y",
        "#",
        "#read(\"/etc/passwd\")",
        "$",
        "@",
        "=",
        "-",
        "+",
        "/",
        "//",
        "/*",
        ":",
        "{",
        "}",
        "{{",
        "{%",
        "|",
        "\\",
        "\n",
        "\r",
        "\r\n",
        "\t",
        "\u{1b}",
        "\u{0}",
        "\u{202e}",
        " ",
        "    ",
        "1.",
        "2)",
        "> ",
        "- ",
        "...",
        "--",
        "é",
        "日本",
        "😀",
        "&lt;",
        "&#x6a;",
        "\u{a0}",
        "\u{2028}",
    ]);
    prop::collection::vec(
        prop_oneof![fragments.prop_map(str::to_owned), any::<char>().prop_map(String::from)],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// The shape of Markdown: its events with the text left out.
fn shape(md: &str) -> Vec<String> {
    Parser::new_ext(md, Options::all())
        .filter_map(|e| match e {
            Event::Text(_) => None,
            other => Some(format!("{other:?}")),
        })
        .collect()
}

/// The text of Markdown, as a viewer shows it (GitHub does not make quotes curly).
fn text(md: &str) -> String {
    Parser::new_ext(md, Options::all() - Options::ENABLE_SMART_PUNCTUATION)
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

fn md_escaped(s: &str) -> String {
    escape::markdown_text(s)
}

/// What an escaped value must show: its text, line breaks as spaces, control characters gone.
fn shown(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Every node kind in a Typst tree.
fn kinds(node: &SyntaxNode, out: &mut Vec<SyntaxKind>) {
    out.push(node.kind());
    for child in node.children() {
        kinds(child, out);
    }
}

/// The function names called in a Typst tree.
fn calls(node: &SyntaxNode, out: &mut Vec<String>) {
    if node.kind() == SyntaxKind::FuncCall
        && let Some(callee) = node.children().next()
    {
        out.push(callee.full_text().to_string());
    }
    for child in node.children() {
        calls(child, out);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn a_markdown_value_is_text_wherever_it_stands(s in nasty()) {
        let value = md_escaped(&s);
        // A value of white space alone leaves its line empty; that is the template's shape.
        let blank = shown(&s).trim().is_empty();
        for (template, with) in [
            ("| a | X |\n|---|---|\n| b | X |\n", "| a | x |\n|---|---|\n| b | x |\n"),
            ("# X\n\nafter\n", "# x\n\nafter\n"),
            ("X\n\nafter\n", "x\n\nafter\n"),
            ("- X\n- b\n", "- x\n- b\n"),
            ("**X** · after\n", "**x** · after\n"),
        ] {
            let md = template.replace('X', &value);
            if !blank {
                prop_assert_eq!(shape(&md), shape(with), "{:?} in {:?} gives {:?}", s, template, md);
            }
        }
        let md = format!("a {value} b\n");
        // As a viewer shows it: runs of white space are one space.
        let collapse = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
        let (got, want) = (collapse(&text(&md)), collapse(&format!("a {} b", shown(&s))));
        prop_assert_eq!(got, want, "the text survives");
    }

    #[test]
    fn a_typst_value_is_text_wherever_it_stands(s in nasty()) {
        let value = escape::typst_text(&s);
        for source in [value.clone(), format!("= Title\n{value}\n"), format!("#strong[{value}]"), format!("a {value} b")] {
            let root = typst::syntax::parse(&source);
            prop_assert!(root.errors_and_warnings().0.is_empty(), "{:?} gives an error in {:?}", s, source);
            let mut found = Vec::new();
            kinds(&root, &mut found);
            for kind in found {
                prop_assert!(
                    // A value of white space alone can leave a blank line, so a paragraph break.
                    matches!(kind, SyntaxKind::Markup | SyntaxKind::Text | SyntaxKind::Space | SyntaxKind::Escape | SyntaxKind::Parbreak
                        | SyntaxKind::Heading | SyntaxKind::HeadingMarker | SyntaxKind::Hash | SyntaxKind::FuncCall
                        | SyntaxKind::Ident | SyntaxKind::Args | SyntaxKind::ContentBlock | SyntaxKind::LeftBracket
                        | SyntaxKind::RightBracket),
                    "{:?} gives a {:?} node in {:?}", s, kind, source
                );
            }
            let mut names = Vec::new();
            calls(&root, &mut names);
            prop_assert!(names.iter().all(|n| n == "strong"), "{:?} calls {:?}", s, names);
        }
        let literal = escape::typst_string(&s);
        let root = typst::syntax::parse_code(&format!("let x = {literal}"));
        prop_assert!(root.errors_and_warnings().0.is_empty(), "{:?} as a string literal: {}", s, literal);
    }

    #[test]
    fn an_html_value_has_no_markup(s in nasty()) {
        let mut out = Vec::new();
        escape::escape_html(&s, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        prop_assert!(!html.contains(['<', '>', '"', '\'']) && !html.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
    }

    #[test]
    fn a_note_in_markdown_stays_a_quote_and_inert(s in nasty()) {
        let quoted = note::to_markdown(&s);
        let md = format!("before\n\n{quoted}\n\nafter\n");
        let events: Vec<Event> = Parser::new_ext(&md, Options::all()).collect();
        let tail: Vec<String> = events.iter().rev().take(3).map(|e| format!("{e:?}")).collect();
        prop_assert_eq!(tail, ["End(Paragraph)", "Text(Borrowed(\"after\"))", "Start(Paragraph)"], "{:?} swallows what follows: {:?}", s, md);
        for event in &events {
            match event {
                Event::Html(_) | Event::InlineHtml(_) => prop_assert!(false, "{:?} gives raw HTML: {:?}", s, md),
                Event::Start(Tag::Image { .. }) => prop_assert!(false, "{:?} gives an image: {:?}", s, md),
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let lower = dest_url.to_ascii_lowercase();
                    prop_assert!(lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("mailto:"),
                        "{:?} gives a link to {:?}", s, dest_url);
                }
                Event::Start(Tag::Heading { .. }) | Event::End(TagEnd::Heading(_)) => {
                    prop_assert!(false, "{:?} gives a heading: {:?}", s, md)
                }
                _ => {}
            }
        }
    }

    #[test]
    fn a_note_in_html_has_only_safe_markup(s in nasty()) {
        let html = note::to_html(&s);
        for tag in html.split('<').skip(1).map(|t| &t[..t.find('>').unwrap_or(t.len())]) {
            let name: String = tag.trim_start_matches('/').chars().take_while(char::is_ascii_alphanumeric).collect();
            prop_assert!(
                ["p", "em", "strong", "del", "code", "pre", "ul", "ol", "li", "blockquote", "a", "hr", "br", "h1", "h2", "h3",
                 "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"].contains(&name.as_str()),
                "{:?} gives <{}>", s, tag
            );
            prop_assert!(!tag.to_ascii_lowercase().contains(" on"), "{:?} gives <{}>", s, tag);
            if let Some(at) = tag.find("href=\"") {
                let target = tag[at + 6..].to_ascii_lowercase();
                prop_assert!(target.starts_with("http:") || target.starts_with("https:") || target.starts_with("mailto:"),
                    "{:?} gives <{}>", s, tag);
            }
        }
    }

    #[test]
    fn a_note_in_typst_calls_only_what_notes_may(s in nasty()) {
        let source = note::to_typst(&s);
        let root = typst::syntax::parse(&source);
        prop_assert!(root.errors_and_warnings().0.is_empty(), "{:?} gives Typst with an error: {:?}", s, source);
        let mut names = Vec::new();
        calls(&root, &mut names);
        for name in names {
            prop_assert!(["raw", "emph", "strong", "strike", "link", "quote", "line"].contains(&name.as_str()),
                "{:?} calls {}: {:?}", s, name, source);
        }
        let mut found = Vec::new();
        kinds(&root, &mut found);
        prop_assert!(!found.contains(&SyntaxKind::Equation) && !found.contains(&SyntaxKind::Label)
            && !found.contains(&SyntaxKind::Ref) && !found.contains(&SyntaxKind::Link), "{:?}: {:?}", s, source);
    }
}
