//! Markdown answer files: YAML front matter with the metadata, then one section per answer.
//! A section starts at a heading that carries a question id (`## … {#trust.expertise}`) and runs
//! to the next heading. In it, lines such as `Score: 4` give the answer's fields; everything else
//! is the note. The result has the same shape as a YAML answer file.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::node::{self, Key, Node, SyntaxError, Value};
use crate::answer_file::{self, Field, Kind, PERSON};
use crate::diagnostic::{Lines, Span};

pub(super) enum Parsed {
    /// No front matter at all.
    NotAnAssessment,
    /// Front matter opened but never closed.
    Unclosed,
    /// Front matter that does not start on the first line: the line where it does.
    Late(u32),
    Syntax(SyntaxError),
    /// The answer-file tree, and problems of the Markdown that lose nothing on their own.
    Tree(Node, Vec<Problem>),
}

/// A problem in the Markdown body.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Problem {
    pub span: Span,
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// Whether the file is an error (rather than only worth a warning).
    pub error: bool,
}

/// Where the front matter of a Markdown answer file stands.
pub struct FrontMatter<'a> {
    /// The YAML between the `---` lines (to the end of the file when it is not closed).
    pub yaml: &'a str,
    /// The body after the closing line, with the line number it starts on; `None` when the
    /// front matter is not closed.
    pub body: Option<(&'a str, u32)>,
}

/// The front matter of a Markdown file that opens with a `---` line.
pub fn front_matter(text: &str) -> Option<FrontMatter<'_>> {
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return None;
    }
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    for (n, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            let body = &text[offset + line.len()..];
            return Some(FrontMatter { yaml: &text[front_start..offset], body: Some((body, n as u32 + 3)) });
        }
        offset += line.len();
    }
    Some(FrontMatter { yaml: &text[front_start..], body: None })
}

/// The line of a `---` further down that opens what looks like an answer file's front matter
/// (a `partner:` or `role:` line follows before the next `---`).
fn late_front_matter(text: &str) -> Option<u32> {
    let lines: Vec<&str> = text.lines().collect();
    lines.iter().enumerate().skip(1).find_map(|(i, line)| {
        (line.trim_end() == "---"
            && lines[i + 1..]
                .iter()
                .take_while(|l| l.trim_end() != "---")
                .any(|l| l.starts_with("partner:") || l.starts_with("role:")))
        .then_some(i as u32 + 1)
    })
}

pub(super) fn parse(text: &str) -> Parsed {
    let Some(front) = front_matter(text) else {
        return late_front_matter(text).map_or(Parsed::NotAnAssessment, Parsed::Late);
    };
    let Some((body, body_line)) = front.body else { return Parsed::Unclosed };
    let mut root = match node::parse_yaml(front.yaml) {
        Ok(root) => root,
        Err(e) => return Parsed::Syntax(SyntaxError { span: e.span.shifted(1), ..e }),
    };
    root.shift(1);
    let (answers, problems) = sections(body, body_line);
    if let Value::Map(entries) = &mut root.value {
        let span = Span::new(body_line, 1, 1);
        entries.push((Key { name: "answers".into(), span }, Node::new(Value::Map(answers), span)));
    }
    Parsed::Tree(root, problems)
}

/// A heading with a question id: where its id stands and where its section runs.
struct Section {
    id: String,
    id_span: Span,
    level: HeadingLevel,
    body: std::ops::Range<usize>,
}

/// Finds the answer sections of the body and turns each into an answer node; also the problems
/// that would otherwise lose an answer without a word.
fn sections(body: &str, first_line: u32) -> (Vec<(Key, Node)>, Vec<Problem>) {
    let lines = Lines::from_line(body, first_line);
    let (found, blocks, mut problems) = headings(body, &lines);
    let masked = mask(body, &blocks);
    problems.extend(stray_fields(&masked, &found, &lines));
    problems.sort_by_key(|p| (p.span.line, p.span.column));
    let answers = found
        .into_iter()
        .map(|s| {
            let value = answer(body, &masked, &lines, s.body, s.id_span);
            (Key { name: s.id, span: s.id_span }, value)
        })
        .collect();
    (answers, problems)
}

/// The HTML comments of the body (`<!-- … -->`, as a section's note leaves them out), each
/// with the question of the section it stands in (`None` before the first).
pub(super) fn comments(body: &str) -> Vec<(Option<String>, &str)> {
    let (sections, _, _) = headings(body, &Lines::from_line(body, 1));
    let mut found = Vec::new();
    let mut offset = 0;
    while let Some(start) = comment_start(&body[offset..]).map(|s| offset + s) {
        // As the note reader ends it: at the first `-->`, so `<!-->` is an empty comment; one
        // never closed is text.
        let Some(end) = body[start..].find("-->").map(|e| start + e) else { break };
        let id = sections.iter().rev().find(|s| s.body.start <= start).map(|s| s.id.clone());
        found.push((id, body.get(start + 4..end).unwrap_or_default()));
        offset = (end + 3).min(body.len());
    }
    found
}

/// The sections of the body, its code and HTML blocks, and the headings that mean to name a
/// question but name none.
fn headings(body: &str, lines: &Lines) -> (Vec<Section>, Vec<std::ops::Range<usize>>, Vec<Problem>) {
    let mut found: Vec<Section> = Vec::new();
    let mut problems = Vec::new();
    let mut open: Option<(Option<String>, HeadingLevel, std::ops::Range<usize>)> = None;
    // Code and HTML blocks hold text, never fields.
    let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
    let parser = Parser::new_ext(body, Options::ENABLE_HEADING_ATTRIBUTES | Options::ENABLE_TABLES);
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { id, level, .. }) => {
                // A section runs to the next heading with an id or of its own level or higher;
                // a sub-heading without an id stays inside it.
                let ends = |s: &&mut Section| s.body.end == body.len() && (id.is_some() || level <= s.level);
                if let Some(last) = found.last_mut().filter(ends) {
                    last.body.end = range.start;
                }
                open = Some((id.map(|s| s.to_string()), level, range));
            }
            Event::End(TagEnd::Heading(_)) => {
                let Some((id, level, heading)) = open.take() else { continue };
                let source = &body[heading.clone()];
                let Some(id) = id.filter(|id| !id.is_empty()) else {
                    problems.extend(unread_attribute(source, heading.start, lines));
                    continue;
                };
                let at = source.rfind(&format!("#{id}")).map_or(heading.start, |i| heading.start + i + 1);
                let id_span = lines.span(at, id.len());
                found.push(Section { id, id_span, level, body: heading.end..body.len() });
            }
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => blocks.push(range),
            _ => {}
        }
    }
    (found, blocks, problems)
}

/// A heading that ends in an attribute block meant to name a question but naming none
/// (`{# trust.expertise }`, `{#}`): the answer under it would be lost.
fn unread_attribute(source: &str, at: usize, lines: &Lines) -> Option<Problem> {
    let text = source.trim_end();
    let open = text.rfind('{')?;
    let block = &text[open..];
    if !block.ends_with('}') || !block.contains('#') {
        return None;
    }
    let wanted: String =
        block.split('#').nth(1)?.trim_matches(|c: char| c.is_whitespace() || c == '}').into();
    let help = if wanted.is_empty() {
        "end the heading with the question id, e.g. `{#trust.expertise}`".to_owned()
    } else {
        format!("write `{{#{wanted}}}`, with no space after `#`")
    };
    Some(Problem {
        span: lines.span(at + open, block.len()),
        code: "heading-without-id",
        message: format!("`{block}` names no question, so the answer under this heading is not read"),
        help: Some(help),
        error: true,
    })
}

/// Field lines (`Score: 4`) outside every question's section: they are not read.
fn stray_fields(masked: &str, sections: &[Section], lines: &Lines) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut offset = 0;
    // Sections stand in the order of the text: one pass over both.
    let mut next = 0;
    for line in masked.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        while sections.get(next).is_some_and(|s| s.body.end <= start) {
            next += 1;
        }
        if sections.get(next).is_some_and(|s| s.body.contains(&start)) {
            continue;
        }
        if let Some((field, key_at, value_at, _)) = field_line(line) {
            let word = line[key_at..value_at].trim_end().trim_end_matches(':');
            problems.push(Problem {
                span: lines.span(start + key_at, value_at - key_at),
                code: "field-outside-section",
                message: format!("this `{word}:` line is outside every question's section, so it is not read"),
                help: Some(format!(
                    "move it under the heading of its question (a heading ending in `{{#question.id}}`); it would give `{}`",
                    field.name
                )),
                error: false,
            });
        }
    }
    problems
}

/// The text with code and HTML blocks and every HTML comment blanked out byte for byte
/// (newlines kept), so offsets still match and nothing in them is read as a field.
fn mask(text: &str, blocks: &[std::ops::Range<usize>]) -> String {
    let mut bytes = mask_comments(text).into_bytes();
    for range in blocks {
        for b in &mut bytes[range.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Where the first HTML comment in `text` starts. A `<!--` written `\<!--` is text, as in
/// CommonMark: that is how a note that holds `<!--` is written (see [`escape_note`]).
fn comment_start(text: &str) -> Option<usize> {
    text.match_indices("<!--").map(|(i, _)| i).find(|&i| !text[..i].ends_with('\\'))
}

/// A note as a Markdown answer file holds it: `<!--` escaped, so it is not taken for a comment,
/// and a line that starts a code fence escaped, so a fence the note leaves open cannot swallow
/// the questions after it. [`note_text`] undoes exactly this.
pub fn escape_note(note: &str) -> String {
    let lines = note.split_inclusive('\n').map(|line| match fence_at(line) {
        Some(at) => format!("{}\\{}", &line[..at], &line[at..]),
        None => line.to_owned(),
    });
    lines.collect::<String>().replace("<!--", "\\<!--")
}

/// The note `text` as written in a Markdown answer file: comments dropped, escapes undone.
fn note_text(text: &str) -> String {
    let text = strip_comments(text).replace("\\<!--", "<!--");
    let lines = text.split_inclusive('\n').map(|line| match fence_at(line) {
        Some(at) if line[at..].starts_with('\\') => format!("{}{}", &line[..at], &line[at + 1..]),
        _ => line.to_owned(),
    });
    lines.collect()
}

/// Where a line's code fence (```` ``` ```` or `~~~`, after up to three spaces and any number of
/// backslashes) begins, counting the backslashes in.
fn fence_at(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = line[indent..].trim_start_matches('\\');
    (indent <= 3 && (rest.starts_with("```") || rest.starts_with("~~~"))).then_some(indent)
}

/// The text with every HTML comment blanked out byte for byte (newlines kept).
fn mask_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = comment_start(rest) {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("-->").map_or(rest.len(), |e| start + e + 3);
        out.extend(rest[start..end].bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Turns one section into a map of fields (or `Null` when the section is empty). Fields are
/// read from `masked` (code, HTML and comments blanked), the note from the original text.
fn answer(body: &str, masked: &str, lines: &Lines, range: std::ops::Range<usize>, at: Span) -> Node {
    let mut fields: Vec<(Key, Node)> = Vec::new();
    let mut people: Option<(Key, Vec<Node>)> = None;
    let mut note = String::new();
    let mut offset = range.start;
    for line in masked[range].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let original = &body[start..offset];
        let Some((field, key_at, value_at, value)) = field_line(line) else {
            note.push_str(original);
            continue;
        };
        let key = Key { name: field.name.into(), span: lines.span(start + key_at, value_at - key_at) };
        let value_span = lines.span(start + value_at, value.len());
        if field.kind == Kind::People {
            let person = person(value, start + value_at, lines);
            people.get_or_insert_with(|| (key, Vec::new())).1.push(person);
        } else {
            fields.push((key, Node::new(Value::from_text(&field.kind, value), value_span)));
        }
    }
    if let Some((key, items)) = people {
        let span = key.span;
        fields.push((key, Node::new(Value::Seq(items), span)));
    }
    let note = note_text(&note);
    let note = note.trim_matches(|c: char| c == '\n' || c == '\r').trim_end();
    if !note.trim().is_empty() {
        fields.push((Key { name: "note".into(), span: at }, Node::new(Value::Str(note.into()), at)));
    }
    if fields.is_empty() {
        return Node::new(Value::Null, at);
    }
    Node::new(Value::Map(fields), at)
}

/// Recognises `Word: value` (optionally as a list item), with a field's word from
/// [`answer_file::FIELDS`]. Returns the field, the byte offsets of the keyword and of the value
/// within the line, and the value text.
fn field_line(line: &str) -> Option<(&'static Field, usize, usize, &str)> {
    let content = line.trim_end();
    let indent = content.len() - content.trim_start().len();
    let mut rest = &content[indent..];
    let mut key_at = indent;
    if let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("* ")) {
        key_at += rest.len() - r.len();
        rest = r;
    }
    let colon = rest.find(':')?;
    let word = rest[..colon].trim().to_lowercase();
    let field = answer_file::markdown_field(&word)?;
    let after = &rest[colon + 1..];
    let value = after.trim();
    let value_at = key_at + colon + 1 + (after.len() - after.trim_start().len());
    Some((field, key_at, value_at, value))
}

/// `Name | role | frequency` into a person map (the [`PERSON`] keys in order), each part with its
/// own position.
fn person(text: &str, at: usize, lines: &Lines) -> Node {
    let mut entries = Vec::new();
    let mut offset = at;
    for (i, part) in text.split('|').enumerate() {
        let lead = part.len() - part.trim_start().len();
        let value = part.trim();
        let span = lines.span(offset + lead, value.len());
        offset += part.len() + 1;
        if value.is_empty() {
            continue;
        }
        let name = PERSON.get(i).map_or("extra", |k| k.name);
        entries.push((Key { name: name.into(), span }, Node::new(Value::Str(value.into()), span)));
    }
    Node::new(Value::Map(entries), lines.span(at, text.len()))
}

/// Removes HTML comments (`<!-- … -->`), which hold guidance in files made by `trustmap new`.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = comment_start(rest) {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    // Lines that held only a comment leave blank lines behind; fold runs of them.
    let mut folded = String::with_capacity(out.len());
    let mut blank = 0;
    for line in out.split_inclusive('\n') {
        if line.trim().is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        folded.push_str(line);
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node {
        match parse(text) {
            Parsed::Tree(t, problems) => {
                assert_eq!(problems, [], "no problems");
                t
            }
            _ => panic!("not a tree"),
        }
    }

    fn problems(text: &str) -> Vec<(u32, u32, &'static str)> {
        match parse(text) {
            Parsed::Tree(_, problems) => {
                problems.iter().map(|p| (p.span.line, p.span.column, p.code)).collect()
            }
            _ => panic!("not a tree"),
        }
    }

    #[test]
    fn headings_that_name_no_question_and_stray_fields_are_reported() {
        let text = "---\npartner: X\n---\nScore: 3\n## Q {# trust.expertise }\nScore: 4\n## R {#}\nScore: 2\n## S {#trust.openness}\nScore: 5\n";
        assert_eq!(
            problems(text),
            [
                (4, 1, "field-outside-section"),
                (5, 6, "heading-without-id"),
                (6, 1, "field-outside-section"),
                (7, 6, "heading-without-id"),
                (8, 1, "field-outside-section"),
            ]
        );
    }

    #[test]
    fn front_matter_after_a_title_is_found() {
        assert!(matches!(parse("# Smit\n\n---\npartner: Smit\nrole: supplier\n---\n"), Parsed::Late(3)));
        assert!(matches!(parse("# README\n\n---\n\nText\n"), Parsed::NotAnAssessment));
    }

    fn answers(root: &Node) -> &[(Key, Node)] {
        let Value::Map(entries) = &root.value else { panic!() };
        let Value::Map(answers) = &entries.last().unwrap().1.value else { panic!() };
        answers
    }

    #[test]
    fn sections_give_fields_and_notes_with_positions() {
        let text = "---\npartner: X\n---\n\n# Box\n\n## Expertise? {#trust.expertise}\n\nScore: 4/5\n\nGood *people*.\n\n## Next {#trust.openness}\n- Person: Anna | CEO | weekly\n";
        let root = tree(text);
        let a = answers(&root);
        assert_eq!(a[0].0.name, "trust.expertise");
        assert_eq!(a[0].0.span, Span::new(7, 17, 15));
        let Value::Map(fields) = &a[0].1.value else { panic!() };
        assert_eq!(fields[0].1.value, Value::Int(4));
        assert_eq!(fields[0].1.span, Span::new(9, 8, 3));
        assert_eq!(fields[1].1.value, Value::Str("Good *people*.".into()));
        let Value::Map(fields) = &a[1].1.value else { panic!() };
        let Value::Seq(people) = &fields[0].1.value else { panic!() };
        let Value::Map(person) = &people[0].value else { panic!() };
        assert_eq!(person[2].1.value, Value::Str("weekly".into()));
        assert_eq!(person[2].1.span, Span::new(14, 24, 6));
    }

    #[test]
    fn field_words_in_code_fences_are_note_text() {
        let text = "---\npartner: X\n---\n## Q {#trust.expertise}\n```\nScore: 9\n```\n";
        let root = tree(text);
        let Value::Map(fields) = &answers(&root)[0].1.value else { panic!() };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].0.name, "note");
    }

    #[test]
    fn field_words_in_comments_are_guidance() {
        let text = "---\npartner: X\n---\n## Q {#exchange.breaches}\n<!--\nBreach: yes/no\n-->\nBreach: no\n";
        let root = tree(text);
        let Value::Map(fields) = &answers(&root)[0].1.value else { panic!() };
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].1.value, Value::Bool(false));
        assert_eq!(fields[0].1.span, Span::new(8, 9, 2));
    }

    #[test]
    fn sub_headings_stay_in_their_section_and_blocks_hold_no_fields() {
        let text = "---\npartner: X\n---\n## Q {#trust.expertise}\n### Toelichting\n    Score: 9\n<div>\nScore: 8\n</div>\n\nScore: 4\n## Next\nScore: 1\n";
        assert_eq!(
            problems(text),
            [(13, 1, "field-outside-section")],
            "the score under `## Next` is not read"
        );
        let text = text.replace("## Next\nScore: 1\n", "");
        let root = tree(&text);
        let Value::Map(fields) = &answers(&root)[0].1.value else { panic!() };
        assert_eq!(fields[0].1.value, Value::Int(4));
        assert_eq!(fields.len(), 2, "score and note: {fields:?}");
    }

    #[test]
    fn ids_written_with_spaces_or_classes_after_multibyte_text_do_not_panic() {
        let text = "---\npartner: X\n---\n## éééééééé { .c #trust.openness }\nScore: 4\n";
        let root = tree(text);
        let a = answers(&root);
        assert_eq!(a[0].0.name, "trust.openness");
        assert_eq!(a[0].0.span, Span::new(4, 19, 14));
    }

    #[test]
    fn front_matter_must_open_and_close() {
        assert!(matches!(parse("# README\n"), Parsed::NotAnAssessment));
        assert!(matches!(parse("---\npartner: X\n"), Parsed::Unclosed));
    }

    #[test]
    fn a_note_that_holds_a_comment_marker_is_written_so_it_reads_back() {
        for note in [
            "<!-- x -->",
            "a <!-- b\nc --> d",
            "\\<!-- y",
            "\\\\<!--",
            "<!--<!--",
            "plain",
            "`x` ```\ncode\n```",
            "  ~~~ open\n\\```\n    ```",
        ] {
            assert_eq!(note_text(&escape_note(note)), note, "{note:?}");
        }
        assert_eq!(note_text("a <!-- guidance --> b"), "a  b", "a real comment is still guidance");
    }

    #[test]
    fn dutch_words_percentages_and_comments() {
        let typed = Value::from_text;
        assert_eq!(typed(&Kind::Percent(answer_file::GROWTH_PCT), "12,5 %"), Value::Float(12.5));
        assert_eq!(typed(&Kind::Bool, "Ja"), Value::Bool(true));
        assert_eq!(typed(&Kind::Score, "vier"), Value::Str("vier".into()));
        assert_eq!(typed(&Kind::Score, "4/5"), Value::Int(4));
        assert_eq!(strip_comments("a\n<!-- x -->\n\nb"), "a\n\nb");
        assert_eq!(mask_comments("a<!-- é\n-->b"), "a       \n   b");
    }
}
