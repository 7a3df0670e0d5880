//! Markdown answer files: YAML front matter with the metadata, then one section per answer.
//! A section starts at a heading that carries a question id (`## … {#trust.expertise}`) and runs
//! to the next heading. In it, lines such as `Score: 4` give the answer's fields; everything else
//! is the note. The result has the same shape as a YAML answer file.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::node::{self, Key, Node, SyntaxError, Value};
use crate::diagnostic::Span;

pub(super) enum Parsed {
    /// No front matter at all.
    NotAnAssessment,
    /// Front matter opened but never closed.
    Unclosed,
    Syntax(SyntaxError),
    Tree(Node),
}

/// The field lines a section understands: the words a consultant may type (English and Dutch,
/// any case) and the answer field each gives.
const FIELDS: &[(&[&str], &str)] = &[
    (&["score"], "score"),
    (&["person", "persoon"], "people"),
    (&["breach", "schending"], "breach"),
    (&["resolved", "opgelost"], "resolved"),
    (&["growth", "groei"], "growth_pct"),
    (&["revenue share", "omzetaandeel"], "revenue_share_pct"),
];

/// Maps byte offsets of a text to 1-based line and column (in characters).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: u32,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, first_line: u32) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { text, starts, first_line }
    }

    /// The span of `len_bytes` bytes at `offset`; offsets inside a character are moved back to
    /// its start, so any offset is safe.
    fn span(&self, offset: usize, len_bytes: usize) -> Span {
        let floor = |mut i: usize| {
            i = i.min(self.text.len());
            while !self.text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let offset = floor(offset);
        let end = floor(offset.saturating_add(len_bytes)).max(offset);
        let index = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(index).copied().unwrap_or(0);
        let column = self.text[start..offset].chars().count() as u32 + 1;
        let len = self.text[offset..end].chars().count() as u32;
        Span::new(self.first_line + index as u32, column, len.max(1))
    }
}

pub(super) fn parse(text: &str) -> Parsed {
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("---") {
        return Parsed::NotAnAssessment;
    }
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let front_start = offset;
    let mut close = None;
    for (n, line) in lines.enumerate() {
        if matches!(line.trim_end(), "---" | "...") {
            close = Some((offset, offset + line.len(), n as u32 + 2));
            break;
        }
        offset += line.len();
    }
    let Some((front_end, body_start, close_line)) = close else {
        return Parsed::Unclosed;
    };
    let mut root = match node::parse_yaml(&text[front_start..front_end]) {
        Ok(root) => root,
        Err(e) => return Parsed::Syntax(SyntaxError { span: e.span.shifted(1), ..e }),
    };
    root.shift(1);
    let body = &text[body_start..];
    let answers = sections(body, close_line + 1);
    if let Value::Map(entries) = &mut root.value {
        let span = Span::new(close_line + 1, 1, 1);
        entries.push((Key { name: "answers".into(), span }, Node::new(Value::Map(answers), span)));
    }
    Parsed::Tree(root)
}

/// A heading with a question id: where its id stands and where its section runs.
struct Section {
    id: String,
    id_span: Span,
    level: HeadingLevel,
    body: std::ops::Range<usize>,
}

/// Finds the answer sections of the body and turns each into an answer node.
fn sections(body: &str, first_line: u32) -> Vec<(Key, Node)> {
    let lines = Lines::new(body, first_line);
    let mut found: Vec<Section> = Vec::new();
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
                let Some((Some(id), level, heading)) = open.take() else { continue };
                let source = &body[heading.clone()];
                let at = source.rfind(&format!("#{id}")).map_or(heading.start, |i| heading.start + i + 1);
                let id_span = lines.span(at, id.len());
                found.push(Section { id, id_span, level, body: heading.end..body.len() });
            }
            Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock) => blocks.push(range),
            _ => {}
        }
    }
    let masked = mask(body, &blocks);
    found
        .into_iter()
        .map(|s| {
            let value = answer(body, &masked, &lines, s.body, s.id_span);
            (Key { name: s.id, span: s.id_span }, value)
        })
        .collect()
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

/// The text with every HTML comment blanked out byte for byte (newlines kept).
fn mask_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
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
        let key = Key { name: field.into(), span: lines.span(start + key_at, value_at - key_at) };
        let value_span = lines.span(start + value_at, value.len());
        if field == "people" {
            let person = person(value, start + value_at, lines);
            people.get_or_insert_with(|| (key, Vec::new())).1.push(person);
        } else {
            fields.push((key, Node::new(scalar(field, value), value_span)));
        }
    }
    if let Some((key, items)) = people {
        let span = key.span;
        fields.push((key, Node::new(Value::Seq(items), span)));
    }
    let note = strip_comments(&note);
    let note = note.trim_matches(|c: char| c == '\n' || c == '\r').trim_end();
    if !note.trim().is_empty() {
        fields.push((Key { name: "note".into(), span: at }, Node::new(Value::Str(note.into()), at)));
    }
    if fields.is_empty() {
        return Node::new(Value::Null, at);
    }
    Node::new(Value::Map(fields), at)
}

/// Recognises `Word: value` (optionally as a list item). Returns the field, the byte offsets of
/// the keyword and of the value within the line, and the value text.
fn field_line(line: &str) -> Option<(&'static str, usize, usize, &str)> {
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
    let field = FIELDS.iter().find(|(words, _)| words.contains(&word.as_str()))?.1;
    let after = &rest[colon + 1..];
    let value = after.trim();
    let value_at = key_at + colon + 1 + (after.len() - after.trim_start().len());
    Some((field, key_at, value_at, value))
}

/// The typed value of a field line, as YAML would have given it.
fn scalar(field: &str, text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    let lower = text.to_lowercase();
    let parsed = match field {
        "score" => {
            let number = lower.strip_suffix("/5").unwrap_or(&lower).trim();
            number
                .parse::<i64>()
                .map(Value::Int)
                .ok()
                .or_else(|| number.parse::<f64>().ok().map(Value::Float))
        }
        "breach" | "resolved" => match lower.as_str() {
            "yes" | "ja" | "true" => Some(Value::Bool(true)),
            "no" | "nee" | "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => {
            let number = lower.strip_suffix('%').unwrap_or(&lower).trim().replace(',', ".");
            number
                .parse::<i64>()
                .map(Value::Int)
                .ok()
                .or_else(|| number.parse::<f64>().ok().map(Value::Float))
        }
    };
    parsed.unwrap_or_else(|| Value::Str(text.into()))
}

/// `Name | role | frequency` into a person map, each part with its own position.
fn person(text: &str, at: usize, lines: &Lines) -> Node {
    let names = ["name", "role", "contact"];
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
        let name = names.get(i).copied().unwrap_or("extra");
        entries.push((Key { name: name.into(), span }, Node::new(Value::Str(value.into()), span)));
    }
    Node::new(Value::Map(entries), lines.span(at, text.len()))
}

/// Removes HTML comments (`<!-- … -->`), which hold guidance in files made by `trustmap new`.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
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
            Parsed::Tree(t) => t,
            _ => panic!("not a tree"),
        }
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
        let root = tree(text);
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
    fn dutch_words_percentages_and_comments() {
        assert_eq!(scalar("growth_pct", "12,5 %"), Value::Float(12.5));
        assert_eq!(scalar("breach", "Ja"), Value::Bool(true));
        assert_eq!(scalar("score", "vier"), Value::Str("vier".into()));
        assert_eq!(strip_comments("a\n<!-- x -->\n\nb"), "a\n\nb");
        assert_eq!(mask_comments("a<!-- é\n-->b"), "a       \n   b");
    }
}
