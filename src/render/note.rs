//! Answer notes, written in Markdown by the consultant, turned into each output language so that
//! nothing in them can act: no script, no remote image, no live `javascript:`/`data:` link, no
//! markup of the report's own language, in any viewer.
//!
//! All three start from the same events: the note is parsed once (CommonMark with tables and
//! strikethrough), raw HTML becomes text, images become their description and address as text,
//! links keep only an `http(s)`/`mailto` target, and nesting deeper than [`MAX_DEPTH`] is
//! flattened (a note of a thousand nested quotes must not break a PDF). The Markdown output is
//! written anew from these events, every text escaped, rather than patched from the note's
//! source: escaping by patching can itself create syntax (`<` made `&lt;` turns a raw-HTML line
//! into live Markdown).

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd, html};

use super::escape::{markdown_inline, markdown_line_start, typst_string, typst_text};
use crate::links::link_target;

/// Containers (lists, quotes, emphasis) nest at most this deep; deeper ones are flattened.
pub const MAX_DEPTH: usize = 8;

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Whether an event opens (`Some(true)`) or closes (`Some(false)`) a container that counts
/// towards the depth.
fn nesting(event: &Event) -> Option<bool> {
    let container = |tag: &Tag| {
        matches!(
            tag,
            Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::Item
                | Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Link { .. }
        )
    };
    let closes = |tag: &TagEnd| {
        matches!(
            tag,
            TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Item
                | TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
        )
    };
    match event {
        Event::Start(tag) if container(tag) => Some(true),
        Event::End(tag) if closes(tag) => Some(false),
        _ => None,
    }
}

/// Events as they are made, with adjacent texts joined into one, however the parser split
/// them (at an escape, say), so that what a text starts with is seen whole. Texts are gathered
/// in one buffer, so a note of thousands of escapes stays linear.
struct Joined<'a> {
    out: Vec<Event<'a>>,
    text: String,
}

impl<'a> Joined<'a> {
    fn push(&mut self, event: Event<'a>) {
        match event {
            Event::Text(t) => self.text.push_str(&t),
            event => {
                self.flush();
                self.out.push(event);
            }
        }
    }

    fn flush(&mut self) {
        if !self.text.is_empty() {
            self.out.push(Event::Text(std::mem::take(&mut self.text).into()));
        }
    }
}

/// The note's events, made inert and flat enough for every output.
fn events(markdown: &str) -> Vec<Event<'_>> {
    let mut out = Joined { out: Vec::new(), text: String::new() };
    let mut depth = 0usize;
    // For each open container: whether it was kept (within the depth) or dropped.
    let mut open: Vec<bool> = Vec::new();
    let mut image = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        let event = match event {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::InlineMath(t) | Event::DisplayMath(t) => Event::Text(t),
            Event::FootnoteReference(t) => Event::Text(format!("[^{t}]").into()),
            Event::TaskListMarker(done) => Event::Text(if done { "[x] " } else { "[ ] " }.into()),
            // A code block's info string would become an attribute in HTML: it is left out.
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(CowStr::Borrowed(""))))
            }
            // An image is never fetched: its description stays, its address follows as text.
            Event::Start(Tag::Image { dest_url, .. }) => {
                image += 1;
                out.push(Event::Text(format!("[{dest_url}] ").into()));
                continue;
            }
            Event::End(TagEnd::Image) => {
                image = image.saturating_sub(1);
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => match link_target(&dest_url, false)
            {
                Some(url) => Event::Start(Tag::Link { link_type, dest_url: url.into(), title, id }),
                // The link loses its target; its text stays.
                None => Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::Borrowed(""),
                    title: CowStr::Borrowed(""),
                    id,
                }),
            },
            other => other,
        };
        let event =
            if image > 0 && !matches!(event, Event::Text(_) | Event::Code(_)) { continue } else { event };
        match nesting(&event) {
            Some(true) => {
                let keep = depth < MAX_DEPTH;
                open.push(keep);
                if keep {
                    depth += 1;
                    out.push(event);
                }
            }
            Some(false) => {
                if open.pop().unwrap_or(false) {
                    depth -= 1;
                    out.push(event);
                }
            }
            None => out.push(event),
        }
    }
    out.flush();
    out.out
}

/// A Markdown note as HTML: formatting kept, raw HTML as text, no images, safe links only.
pub fn to_html(markdown: &str) -> String {
    // A link that lost its target is written as its text alone.
    let mut lost: Vec<bool> = Vec::new();
    let events = events(markdown).into_iter().filter(|event| match event {
        Event::Start(Tag::Link { dest_url, .. }) => {
            lost.push(dest_url.is_empty());
            !dest_url.is_empty()
        }
        Event::End(TagEnd::Link) => !lost.pop().unwrap_or(false),
        _ => true,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// A Markdown note as Typst markup: paragraphs, emphasis, lists, quotes, code and safe links
/// are kept; all text is escaped, and every embedded expression ends with `;` so the text
/// after it (`.yaml`, `(…)`) cannot continue it as code.
pub fn to_typst(markdown: &str) -> String {
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut code: Option<String> = None;
    for event in events(markdown) {
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
            Event::Text(t) => out.push_str(&typst_text(&t)),
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
            Event::Start(Tag::Link { dest_url, .. }) if !dest_url.is_empty() => {
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
            // Table cells are read as text, a row to a line.
            Event::End(TagEnd::TableCell) => out.push_str(" · "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => out.push_str("\\\n"),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Writes Markdown line by line under a prefix for each open block quote and list item.
struct MarkdownWriter {
    out: String,
    /// The prefix of every line: `> ` for a quote, spaces for a list item's continuation.
    prefix: Vec<String>,
    /// A list item's marker, written before its first text in place of the item's entry in
    /// `prefix` (the index).
    marker: Option<(usize, String)>,
    /// Whether the next text starts a line (and so must not read as a block marker).
    line_start: bool,
    /// Whether a blank line is due before the next block.
    gap: bool,
}

impl MarkdownWriter {
    fn new() -> Self {
        MarkdownWriter {
            out: String::new(),
            prefix: vec!["> ".into()],
            marker: None,
            line_start: true,
            gap: false,
        }
    }

    fn prefix(&self) -> String {
        self.prefix.concat()
    }

    /// Ends the current line, if anything is on it.
    fn end_line(&mut self) {
        if !self.line_start {
            self.out.push('\n');
            self.line_start = true;
        }
    }

    /// Starts a block: a blank (quoted) line after the previous one, then the prefix.
    fn block(&mut self) {
        self.end_line();
        if self.gap && self.marker.is_none() {
            self.out.push_str(self.prefix().trim_end());
            self.out.push('\n');
        }
        self.gap = false;
    }

    /// Writes `text` as it is (markup this writer made, already safe).
    fn raw(&mut self, text: &str) {
        if self.line_start {
            // The first line of a list item: its marker stands where the item's continuation
            // lines are indented (also when a quote or another list opens in it at once).
            let marker = self.marker.take();
            for (i, part) in self.prefix.iter().enumerate() {
                match &marker {
                    Some((at, marker)) if *at == i => self.out.push_str(marker),
                    _ => self.out.push_str(part),
                }
            }
            self.line_start = false;
        }
        // Two backtick runs that touch are one: a code span would not close where it should.
        if self.out.ends_with('`') && text.starts_with('`') {
            self.out.push(' ');
        }
        self.out.push_str(text);
    }

    /// Writes text from the note, escaped; at the start of a line, also what would start a list
    /// or a heading there (`-`, `+`, `=`, `1.`), and leading spaces (an indented code block).
    fn text(&mut self, text: &str) {
        let mut escaped = markdown_inline(text);
        if self.line_start {
            escaped = markdown_line_start(&escaped);
        }
        if !escaped.is_empty() {
            self.raw(&escaped);
        }
    }

    fn finish(mut self) -> String {
        self.end_line();
        let out = self.out.trim_end().to_owned();
        if out.is_empty() { ">".into() } else { out }
    }
}

/// A code span: the content between backtick runs longer than any inside it (padded with a
/// space where the content starts or ends with a backtick), on one line.
fn code_span(code: &str) -> String {
    let code: String =
        code.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim_end().to_owned();
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') || code.trim().is_empty() { " " } else { "" };
    format!("{fence}{pad}{code}{pad}{fence}")
}

/// A Markdown note for a Markdown report: written anew as a block quote (so it cannot break the
/// report's structure) from the note's events, every text escaped; formatting, lists, quotes,
/// code and safe links are kept. Nothing in it can be read by a Markdown viewer as raw HTML, an
/// image, an autolink, a link reference or a link to an unsafe address.
pub fn to_markdown(markdown: &str) -> String {
    let mut w = MarkdownWriter::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut code: Option<String> = None;
    let mut links: Vec<Option<String>> = Vec::new();
    let mut table_head = 0usize;
    for event in events(markdown) {
        if let Some(buf) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let buf = code.take().unwrap_or_default();
                    let longest = buf.split(|c| c != '`' && c != '~').map(str::len).max().unwrap_or(0);
                    let fence = "`".repeat(longest.max(2) + 1);
                    w.block();
                    w.raw(&fence);
                    w.end_line();
                    for line in buf.trim_end_matches('\n').split('\n') {
                        w.raw(line);
                        w.end_line();
                    }
                    w.raw(&fence);
                    w.end_line();
                    w.gap = true;
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(t) => w.text(&t),
            Event::Code(t) => w.raw(&code_span(&t)),
            // The note's own line breaks are kept (the report diffs as the note does); the text
            // after one is escaped as the start of a line.
            Event::SoftBreak => w.end_line(),
            Event::HardBreak => {
                w.raw("\\");
                w.end_line();
            }
            Event::Start(Tag::Paragraph) => w.block(),
            Event::End(TagEnd::Paragraph) => {
                w.end_line();
                w.gap = true;
            }
            Event::Start(Tag::Heading { .. }) => {
                w.block();
                w.raw("**");
            }
            Event::End(TagEnd::Heading(_)) => {
                w.raw("**");
                w.end_line();
                w.gap = true;
            }
            Event::Start(Tag::Emphasis) => w.raw("*"),
            Event::End(TagEnd::Emphasis) => w.raw("*"),
            Event::Start(Tag::Strong) => w.raw("**"),
            Event::End(TagEnd::Strong) => w.raw("**"),
            Event::Start(Tag::Strikethrough) => w.raw("~~"),
            Event::End(TagEnd::Strikethrough) => w.raw("~~"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                if dest_url.is_empty() {
                    links.push(None);
                } else {
                    links.push(Some(dest_url.to_string()));
                    w.raw("[");
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(Some(url)) = links.pop() {
                    w.raw(&format!("]({url})"));
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                w.block();
                w.prefix.push("> ".into());
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                w.end_line();
                w.prefix.pop();
                w.gap = true;
            }
            Event::Start(Tag::List(start)) => {
                w.block();
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                w.end_line();
                lists.pop();
                w.gap = true;
            }
            Event::Start(Tag::Item) => {
                w.end_line();
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "- ".into(),
                };
                let width = marker.len();
                w.marker = Some((w.prefix.len(), marker));
                w.prefix.push(" ".repeat(width));
                w.gap = false;
            }
            Event::End(TagEnd::Item) => {
                w.end_line();
                w.prefix.pop();
                w.marker = None;
                w.gap = false;
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::Rule => {
                w.block();
                w.raw("***");
                w.end_line();
                w.gap = true;
            }
            Event::Start(Tag::Table(_)) => {
                w.block();
                table_head = 0;
            }
            Event::End(TagEnd::Table) => {
                w.end_line();
                w.gap = true;
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                w.end_line();
                w.raw("|");
            }
            Event::Start(Tag::TableCell) => {
                w.raw(" ");
                table_head += 1;
            }
            Event::End(TagEnd::TableCell) => w.raw(" |"),
            Event::End(TagEnd::TableHead) => {
                w.end_line();
                w.raw(&format!("|{}", " --- |".repeat(table_head)));
                w.end_line();
            }
            Event::End(TagEnd::TableRow) => w.end_line(),
            _ => {}
        }
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_in_html_keep_formatting_but_not_html() {
        let html = to_html("**vet** <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)");
        assert!(html.contains("<strong>vet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(" x [http://e/x.png] i"), "the link's and the image's text stay: {html}");
        assert_eq!(to_html("[ok](https://a.nl)"), "<p><a href=\"https://a.nl\">ok</a></p>\n");
        assert_eq!(
            to_html("~~~href=\nx\n~~~"),
            "<pre><code>x\n</code></pre>\n",
            "no attribute from the info string"
        );
    }

    #[test]
    fn notes_in_typst_cannot_continue_an_expression() {
        let typst = to_typst("Zie `abc`.text.rev().len(), *lean*.Daarna **dit**(en) [l](https://x.nl).pdf");
        assert_eq!(
            typst,
            "Zie #raw(\"abc\");.text.rev().len(), #emph[lean];.Daarna #strong[dit];(en) #link(\"https://x.nl\")[l];.pdf"
        );
    }

    #[test]
    fn notes_in_markdown_lose_unsafe_links_and_images() {
        let out = to_markdown("[klik](javascript:alert(4)) ![i](http://track/x.png) [ok](https://a.nl)");
        assert_eq!(out, "> klik \\[http://track/x.png\\] i [ok](https://a.nl)");
    }

    #[test]
    fn notes_in_markdown_are_quoted_and_inert() {
        let out = to_markdown("# Kop\n\n<b>x</b> en `<code>`\n\n- een\n- twee\n\n1. a\n2. b");
        assert_eq!(
            out,
            "> **Kop**\n>\n> \\<b\\>x\\</b\\> en `<code>`\n>\n> - een\n> - twee\n>\n> 1. a\n> 2. b"
        );
    }

    #[test]
    fn raw_html_lines_do_not_turn_into_live_markdown() {
        // Escaping `<` in place used to make this a live link and a remote image.
        for note in [
            "<div>\n[x](javascript:alert(1)) ![t](https://evil/t.png)\n</div>",
            "<!-- [x](javascript:alert(1)) -->",
            "<javascript:alert(1)>",
            "[x]: javascript:alert(1)\n\n[click][x]",
            "a\r[x](javascript:alert(1))",
            "<?php [x](data:text/html,1) ?>",
        ] {
            let md = to_markdown(note);
            assert_inert(&md);
        }
    }

    /// Renders Markdown as a plain CommonMark + GFM viewer would (no sanitising) and checks that
    /// nothing in it can act.
    pub(crate) fn assert_inert(md: &str) {
        let mut html = String::new();
        html::push_html(&mut html, Parser::new_ext(md, Options::all()));
        for bad in ["<img", "<script", "<iframe", "<div", "<svg", "<!--", "<?", "src="] {
            assert!(!html.contains(bad), "{md:?} renders as {html}");
        }
        for (at, _) in html.match_indices("href=\"") {
            let target = &html[at + 6..];
            assert!(
                ["http:", "https:", "mailto:"].iter().any(|s| target.starts_with(s)),
                "{md:?} renders a link to {target}"
            );
        }
    }

    #[test]
    fn a_note_of_many_escapes_is_one_text() {
        let note = "\\!".repeat(50_000);
        let events = events(&note);
        assert_eq!(events.len(), 3, "paragraph, one text, end");
        assert_eq!(to_markdown(&note).len(), 2 + 2 * 50_000);
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let note = format!("{}deep", "> ".repeat(1000));
        assert!(to_typst(&note).matches("#quote").count() <= MAX_DEPTH);
        assert!(to_markdown(&note).lines().all(|l| l.matches('>').count() <= MAX_DEPTH + 1));
        assert!(to_html(&note).matches("<blockquote>").count() <= MAX_DEPTH);
    }

    #[test]
    fn text_at_a_line_start_does_not_become_a_block() {
        assert_eq!(to_markdown("\\- a"), "> \\- a");
        assert_eq!(to_markdown("1\\. a"), "> 1\\. a");
        assert_eq!(to_markdown("`` ` ``"), "> `` ` ``");
        assert_eq!(to_markdown("a\n\\- b\n2\\) c\n\\=="), "> a\n> \\- b\n> 2\\) c\n> \\==");
        // Found by the fuzzer: a code span whose neighbour was dropped must still close.
        assert_eq!(to_markdown("`[]()``\0`\0`/`"), "> ``` []()`` ``` `/`");
        // And a quote that opens a list item keeps its `>`.
        assert_eq!(to_markdown("- >      h<d >"), "> - > ```\n>   >  h<d >\n>   > ```");
    }
}
