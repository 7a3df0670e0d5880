//! Per-format escaping, so no answer text can inject markup into any output: the escape
//! functions Tera applies to every `{{ value }}`, and the `note` filters that turn a Markdown
//! note into safe HTML, inert Markdown or (for PDFs) Typst markup.

use std::io::Write;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Markdown escaping for text that lands inside Markdown syntax (headings, table cells, list
/// items): every character that could start markup gets a backslash, and line breaks become
/// spaces so a value cannot start a block of its own.
pub fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '{' | '}'
            | '$' => {
                buf.push('\\');
                buf.push(c);
            }
            '\n' | '\r' => buf.push(' '),
            _ => buf.push(c),
        }
    }
    out.write_all(buf.as_bytes())
}

/// Typst markup escaping: every character that could start markup, code (`#`), maths (`$`), a
/// label, a reference or a comment gets a backslash; line breaks become spaces.
pub fn escape_typst(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(typst_text(input).as_bytes())
}

/// [`escape_typst`] as a string.
pub fn typst_text(input: &str) -> String {
    let mut buf = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '=' | '-' | '+' | '/'
            | '~' | '"' | '\'' | ':' | '{' | '}' => {
                buf.push('\\');
                buf.push(c);
            }
            '\n' | '\r' => buf.push(' '),
            _ => buf.push(c),
        }
    }
    buf
}

/// A Typst string literal (with quotes) holding `input` verbatim.
pub fn typst_string(input: &str) -> String {
    let mut buf = String::with_capacity(input.len() + 2);
    buf.push('"');
    for c in input.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            _ => buf.push(c),
        }
    }
    buf.push('"');
    buf
}

/// A Markdown note as Typst markup: paragraphs, emphasis, lists, code and links are kept; all
/// text is escaped, raw HTML is shown as text, and every embedded expression ends with `;` so
/// the text after it (`.yaml`, `(…)`) cannot continue it as code.
pub fn note_to_typst(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut code: Option<String> = None;
    for event in Parser::new_ext(markdown, options()) {
        if let Some(buf) = code.as_mut() {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    out.push_str("\n#raw(block: true, ");
                    out.push_str(&typst_string(buf.trim_end()));
                    out.push_str(");\n");
                    code = None;
                }
                Event::Text(t) => buf.push_str(&t),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&typst_text(&t)),
            Event::Code(t) => {
                out.push_str("#raw(");
                out.push_str(&typst_string(&t));
                out.push_str(");");
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("\\\n"),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::Start(Tag::Strikethrough) => out.push_str("#strike["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => out.push_str("];"),
            Event::Start(Tag::Link { dest_url, .. }) if safe_url(&dest_url) && !dest_url.is_empty() => {
                out.push_str("#link(");
                out.push_str(&typst_string(&dest_url));
                out.push_str(")[");
            }
            Event::Start(Tag::Link { .. }) => out.push_str("#["),
            Event::End(TagEnd::Link) => out.push_str("];"),
            Event::Start(Tag::Heading { .. }) => out.push_str("\n\n#strong["),
            Event::End(TagEnd::Heading(_)) => out.push_str("];\n\n"),
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str(if lists.is_empty() { "\n\n" } else { "\n" }),
            Event::Start(Tag::List(start)) => {
                lists.push(start);
                out.push('\n');
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                out.push('\n');
            }
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                out.push_str(if lists.last().copied().flatten().is_some() { "+ " } else { "- " });
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::Start(Tag::BlockQuote(_)) => out.push_str("#quote(block: true)["),
            Event::End(TagEnd::BlockQuote(_)) => out.push_str("];\n"),
            Event::Rule => out.push_str("\n#line(length: 100%);\n"),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// [`escape_markdown`] as a string.
fn markdown_text(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len());
    let _ = escape_markdown(input, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Whether a link target is safe to keep: relative, anchors, http(s) and mailto only.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') && !scheme.contains('?') && !scheme.contains('#') => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// A Markdown note as HTML: raw HTML is shown as text, images become their description (no
/// external requests), and links with unsafe schemes (`javascript:`) lose their target.
pub fn note_to_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        Event::Start(Tag::Image { dest_url, .. }) => Event::Text(format!("[{dest_url}] ").into()),
        Event::End(TagEnd::Image) => Event::Text(CowStr::Borrowed("")),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// A Markdown note for a Markdown report: kept as written, but raw HTML is made inert
/// (`<` becomes `&lt;` inside HTML only) and the note is quoted, so its headings or lists
/// cannot break the report's structure.
pub fn note_to_markdown(markdown: &str) -> String {
    let mut inert = String::with_capacity(markdown.len());
    let mut last = 0;
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if range.start < last {
            continue;
        }
        let source = &markdown[range.clone()];
        let replacement = match &event {
            Event::Html(_) | Event::InlineHtml(_) => source.replace('<', "&lt;"),
            // Images would be fetched by whoever views the report: show the address instead.
            Event::Start(Tag::Image { dest_url, .. }) => format!("\\[{}\\]", markdown_text(dest_url)),
            Event::Start(Tag::Link { dest_url, .. }) if !safe_url(dest_url) => {
                let label = source.rfind("](").map_or(source, |end| &source[1.min(end)..end]);
                markdown_text(label)
            }
            _ => continue,
        };
        inert.push_str(&markdown[last..range.start]);
        inert.push_str(&replacement);
        last = range.end;
    }
    inert.push_str(&markdown[last..]);
    inert
        .lines()
        .map(|l| if l.is_empty() { ">".to_owned() } else { format!("> {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        let mut out = Vec::new();
        escape_markdown(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn markdown_values_cannot_start_markup() {
        assert_eq!(md("<script>*x*</script>|[a](b)"), r"\<script\>\*x\*\</script\>\|\[a\](b)");
        assert_eq!(md("a\n# b"), r"a \# b");
        assert_eq!(md("{{ x }}"), r"\{\{ x \}\}");
    }

    #[test]
    fn notes_in_html_keep_formatting_but_not_html() {
        let html =
            note_to_html("**vet** <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)");
        assert!(html.contains("<strong>vet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn notes_in_typst_cannot_continue_an_expression() {
        let typst =
            note_to_typst("Zie `abc`.text.rev().len(), *lean*.Daarna **dit**(en) [l](https://x.nl).pdf");
        assert_eq!(
            typst,
            "Zie #raw(\"abc\");.text.rev().len(), #emph[lean];.Daarna #strong[dit];(en) #link(\"https://x.nl\")[l];.pdf"
        );
    }

    #[test]
    fn notes_in_markdown_lose_unsafe_links_and_images() {
        let out = note_to_markdown("[klik](javascript:alert(4)) ![i](http://track/x.png) [ok](https://a.nl)");
        assert_eq!(out, "> klik \\[http://track/x.png\\] [ok](https://a.nl)");
    }

    #[test]
    fn notes_in_markdown_are_quoted_and_inert() {
        let out = note_to_markdown("# Kop\n\n<b>x</b> en `<code>`");
        assert_eq!(out, "> # Kop\n>\n> &lt;b>x&lt;/b> en `<code>`");
    }
}
