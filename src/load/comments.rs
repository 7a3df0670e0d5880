//! The comments of an answer file, for `trustmap convert` to carry over: a YAML file's `#` lines
//! (and the comments after a value), a Markdown file's front-matter comments and its
//! `<!-- … -->`. Each is kept with what it stands by: the file's head (above the answers), a
//! question (above its key, in its mapping, or in its section), or the tail (after the last).
//! Only a file that has been loaded without errors is read here, so its YAML is well formed.

use std::collections::BTreeMap;

use crate::model::Format;

/// A file's comments, each a line of text without its `#` or `<!--`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comments {
    /// Above the answers: the file's own notes on the partner (the modeline left out).
    pub head: Vec<String>,
    /// By question id: above its key or in its section.
    pub questions: BTreeMap<String, Vec<String>>,
    /// After the last answer.
    pub tail: Vec<String>,
}

/// Whose a comment is.
#[derive(Debug, Clone, PartialEq)]
enum Owner {
    Head,
    Question(String),
}

impl Comments {
    /// No comments (a new file's).
    pub const NONE: Comments = Comments { head: Vec::new(), questions: BTreeMap::new(), tail: Vec::new() };

    /// The comments of `text`, an answer file in `format`.
    pub fn read(text: &str, format: Format) -> Comments {
        let mut comments = Comments::default();
        match format {
            Format::Yaml => yaml(text, &mut comments),
            Format::Markdown => {
                let Some(front) = super::markdown::front_matter(text) else { return comments };
                yaml(front.yaml, &mut comments);
                // The front matter has no answers: what stood after its last key is the head's.
                comments.head.append(&mut comments.tail);
                if let Some((body, _)) = front.body {
                    for (id, comment) in super::markdown::comments(body) {
                        let lines = comment_lines(comment);
                        match id {
                            Some(id) => comments.questions.entry(id).or_default().extend(lines),
                            None => comments.head.extend(lines),
                        }
                    }
                }
            }
        }
        comments
    }

    fn push(&mut self, owner: &Owner, line: String) {
        match owner {
            Owner::Head => self.head.push(line),
            Owner::Question(id) => self.questions.entry(id.clone()).or_default().push(line),
        }
    }
}

/// The lines of an HTML comment's text, without the blank ones around them and the indent they
/// share (the first line's own, after `<!--`, is its space).
fn comment_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    if let Some(first) = lines.first_mut() {
        *first = first.trim_start();
    }
    let first = lines.iter().position(|l| !l.trim().is_empty()).unwrap_or(lines.len());
    let last = lines.iter().rposition(|l| !l.trim().is_empty()).map_or(first, |l| l + 1);
    let indent = lines[first..last]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    lines[first..last].iter().map(|l| l.get(indent..).unwrap_or("").to_owned()).collect()
}

/// The comment after `#`: one space dropped, the rest as written.
fn after_hash(text: &str) -> String {
    text.strip_prefix(' ').unwrap_or(text).trim_end().to_owned()
}

/// Reads the comments of a YAML document line by line: a line whose first character is `#` is
/// a comment unless it stands in a block scalar (`|`, `>`) or a quoted scalar that runs over
/// lines; a `#` after a value and a space is one too. A comment belongs to the next key; once
/// inside a question (its mapping, its list of people), to that question.
fn yaml(text: &str, out: &mut Comments) {
    let mut pending: Vec<String> = Vec::new();
    let mut owner = Owner::Head;
    let (mut in_answers, mut question_indent) = (false, None::<usize>);
    // The column a block scalar's lines must be indented past; the quote a scalar left open.
    let (mut block, mut quote) = (None::<usize>, None::<char>);
    for line in text.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if let Some(parent) = block {
            if content.is_empty() || indent > parent {
                continue;
            }
            block = None;
        }
        if let Some(q) = quote {
            if let Some(end) = closing_quote(line, q) {
                quote = None;
                if let Some(comment) = trailing_comment(&line[end..], false) {
                    out.push(&owner, comment);
                }
            }
            continue;
        }
        if content.is_empty() || content == "---" || content == "..." {
            continue;
        }
        if let Some(comment) = content.strip_prefix('#') {
            if !comment.trim_start().starts_with("yaml-language-server:") {
                pending.push(after_hash(comment));
            }
            continue;
        }
        // Whose is this line, and so the comments above it?
        let (column, key, value) = entry(line);
        if indent == 0 {
            in_answers = key == Some("answers");
            owner = Owner::Head;
            question_indent = None;
        } else if in_answers && question_indent.is_none_or(|q| indent <= q) {
            question_indent = Some(indent);
            owner = key.map_or(Owner::Head, |k| Owner::Question(k.to_owned()));
        }
        for comment in pending.drain(..) {
            out.push(&owner, comment);
        }
        // What the value opens, and the comment after it. A line with neither a key nor a list
        // item continues a plain scalar: a quote there is text.
        let value = value.trim_start();
        let starts_value = key.is_some() || line.trim_start().starts_with('-');
        let opening = value.chars().next().filter(|c| starts_value && matches!(c, '"' | '\''));
        if starts_value && value.starts_with(['|', '>']) {
            block = Some(column);
            if let Some(comment) = trailing_comment(value, false) {
                out.push(&owner, comment);
            }
        } else if let Some(q) = opening {
            match closing_quote(&value[1..], q) {
                Some(end) => {
                    if let Some(comment) = trailing_comment(&value[1 + end..], false) {
                        out.push(&owner, comment);
                    }
                }
                None => quote = Some(q),
            }
        } else if let Some(comment) = trailing_comment(value, starts_value && value.starts_with(['[', '{'])) {
            out.push(&owner, comment);
        }
    }
    out.tail.extend(pending);
}

/// A line as its key's column, its key (unquoted) if it has one, and what follows the key's
/// `:` (or the list item's `- `).
fn entry(line: &str) -> (usize, Option<&str>, &str) {
    let mut column = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    while let Some(item) = rest.strip_prefix("- ").or_else(|| (rest == "-").then_some("")) {
        column += rest.len() - item.len() + (item.len() - item.trim_start().len());
        rest = item.trim_start();
    }
    // The key ends at the first `: ` (or a final `:`) outside quotes.
    let mut quoted = None;
    for (i, c) in rest.char_indices() {
        match (quoted, c) {
            (None, '"' | '\'') if i == 0 => quoted = Some(c),
            (Some(q), c) if c == q => quoted = None,
            (None, ':') if rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '\t']) => {
                let key = rest[..i].trim().trim_matches(['"', '\'']);
                return (column, Some(key), &rest[i + 1..]);
            }
            (None, '#') if i > 0 && rest[..i].ends_with([' ', '\t']) => break,
            _ => {}
        }
    }
    (column, None, rest)
}

/// Where the quote `q` that opened before `text` closes (the byte after it); `''` in a single-
/// quoted scalar and `\"` in a double-quoted one do not close it.
fn closing_quote(text: &str, q: char) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if q == '"' => {
                chars.next();
            }
            c if c == q => {
                if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                } else {
                    return Some(i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

/// The comment after a value (`4  # why`): a `#` at the start or after a space; in a flow
/// collection (`flow`), outside its quoted scalars, while in plain text a quote is text.
/// (Every character looked for is ASCII, so bytes will do.)
fn trailing_comment(text: &str, flow: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let (mut i, mut before) = (0, b' ');
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'#' && matches!(before, b' ' | b'\t') {
            return Some(after_hash(&text[i + 1..]));
        }
        if flow && matches!(c, b'"' | b'\'') && matches!(before, b' ' | b'\t' | b'[' | b'{' | b',' | b':') {
            i += 1 + closing_quote(&text[i + 1..], char::from(c))?;
        } else {
            i += 1;
        }
        before = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_comments_stay_with_what_they_stand_by_and_text_that_looks_like_one_is_not() {
        let text = "# yaml-language-server: $schema=x.json\n# Why we talk to them.\npartner: Smit # our biggest\nrole: supplier\nanswers:\n\n  # Box 2. Trust\n  trust.expertise: 4  # asked twice\n  # on agreements\n  trust.keeps_agreements:\n    score: 3\n    # inside\n    note: |\n      # not a comment\n      text\n    share_note: true\n  trust.openness: \"a # b\" # after a quote\n  trust.benevolence: 'it''s\n    # not one either'\n  key_people.ours:\n    people:\n      - name: Anna # the only one\n        role: |\n          # text\n# at the end\n";
        let c = Comments::read(text, Format::Yaml);
        assert_eq!(c.head, ["Why we talk to them.", "our biggest"]);
        assert_eq!(c.questions["trust.expertise"], ["Box 2. Trust", "asked twice"]);
        assert_eq!(c.questions["trust.keeps_agreements"], ["on agreements", "inside"]);
        assert_eq!(c.questions["trust.openness"], ["after a quote"]);
        assert!(!c.questions.contains_key("trust.benevolence"), "{c:?}");
        assert_eq!(c.questions["key_people.ours"], ["the only one"]);
        assert_eq!(c.tail, ["at the end"]);

        // A plain scalar's next line that starts with a quote, and quotes in plain text.
        let text = "partner: X\nanswers:\n  trust.expertise:\n    note: plain start\n      'continued here\n    # kept\n  trust.openness:\n    note: rock 'n roll # one\n  trust.benevolence:\n    note: a \"b # two\" c\n# end\n";
        let c = Comments::read(text, Format::Yaml);
        assert_eq!(c.questions["trust.openness"], ["kept", "one"], "{c:?}");
        assert_eq!(c.questions["trust.benevolence"], ["two\" c"]);
        assert_eq!(c.tail, ["end"]);
    }

    proptest::proptest! {
        /// Any text, in either format, is read without a panic (convert only reads files that
        /// loaded, but the reader must not rely on it for its safety).
        #[test]
        fn any_text_is_read_without_a_panic(text in "(---\n|[-#:|>'\"<!{}\\ a-z\n]|<!--|-->|<!-->|é)*") {
            Comments::read(&text, Format::Yaml);
            Comments::read(&format!("---\n{text}\n---\n{text}"), Format::Markdown);
        }
    }

    #[test]
    fn markdown_comments_are_the_front_matters_and_each_sections() {
        let text = "---\n# about them\npartner: Smit\n---\n\n# Smit\n\n<!-- before any question -->\n\n## Q {#trust.expertise}\n\n<!--\n  1 = low\n  5 = high\n-->\n\nScore: 4\n\nA note \\<!-- not a comment.\n\n## R {#trust.openness}\n\nScore: 2 <!-- inline -->\n";
        let c = Comments::read(text, Format::Markdown);
        assert_eq!(c.head, ["about them", "before any question"]);
        assert_eq!(c.questions["trust.expertise"], ["1 = low", "5 = high"]);
        assert_eq!(c.questions["trust.openness"], ["inline"]);

        // Indented with a no-break space; and a `<!--` never closed is text, as for the note.
        let text = "---\npartner: X\n---\n\n## Q {#trust.expertise}\n\n<!--\n first\n\u{a0}second\n-->\n\nA note <!-- never closed\n## R {#trust.openness}\n";
        let c = Comments::read(text, Format::Markdown);
        assert_eq!(c.questions["trust.expertise"], [" first", "\u{a0}second"]);
        assert!(!c.questions.contains_key("trust.openness"), "{c:?}");
    }
}
