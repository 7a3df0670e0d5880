//! The leak check of partner-facing reports: every output is scanned, before it is written, for
//! every string it must not contain, and a hit fails the report with an error naming what
//! leaked and where.
//!
//! What must not appear in partner `P`'s report: the name and id of every other partner, the
//! names of their people and respondents, `P`'s own notes not marked shareable (in any round, on
//! either side), the texts of `P`'s plan, and the names of `P`'s respondents not shown (on a side
//! too small to be named, or of an earlier round). What may: `P`'s own name, id and people, the
//! respondents shown, the organisation and the consultant.
//!
//! Text is compared as words: both the output and the strings are taken as their letters and
//! digits in lower case, every other run of characters one space, so no escaping (HTML entities,
//! Markdown or Typst backslashes), markup (`**bold**`, tags between words), case or line break
//! hides a string; and a string counts only as whole words, so `Zon` is not found in
//! `Zonnepanelen`. In HTML and SVG the text and the attribute values are read (tag names, and
//! the style sheet, are not text). A string found inside a longer one that may appear is not a
//! leak: partner `Hendrix` is not leaked by `Hendrix Plaatbewerking` in that partner's own
//! report, but is in any other.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::AhoCorasick;

use crate::model::{Assessment, PartnerEvaluation};
use crate::share::context::SharedContext;

/// A note or plan text shorter than this (as words) is not searched for: so short a text cannot
/// be told from the report's own words.
const MIN_TEXT: usize = 12;

/// What a string is, for the error that names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    /// The name or id of a partner (its id).
    Partner(String),
    /// A person of a partner (its id): a key person or a respondent.
    Person(String),
    /// A note of the report's partner not marked shareable (the question).
    Note(String),
    /// A text of the report's partner's plan.
    Plan,
    /// A respondent of the report's partner not shown (a side too small to be named).
    Respondent,
}

impl What {
    fn describe(&self, text: &str) -> String {
        let short: String = text.chars().take(60).collect();
        let more = if short.len() < text.len() { "…" } else { "" };
        match self {
            What::Partner(id) => format!("the name or id of partner `{id}` (`{text}`)"),
            What::Person(id) => format!("`{text}`, a person of partner `{id}`"),
            What::Note(question) => format!("an internal note on `{question}` (“{short}{more}”)"),
            What::Plan => format!("a text of the relationship's plan (“{short}{more}”)"),
            What::Respondent => format!("the name of respondent `{text}`, on a side too small to be named"),
        }
    }
}

/// A string found where it must not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// The output, as a path in the output folder.
    pub file: String,
    /// 1-based, in characters.
    pub line: usize,
    pub column: usize,
    /// What leaked, in words.
    pub what: String,
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.line, self.column, self.what)
    }
}

/// The strings of every partner of the workspace (its name and id, its people and
/// respondents), each with the partners it belongs to: made once per build, and searched in
/// every partner-facing report for those that belong to another partner.
pub struct Index {
    /// Every string, as words, and whose it is.
    patterns: Vec<String>,
    owners: Vec<BTreeMap<String, What>>,
    searcher: AhoCorasick,
}

impl Index {
    /// The index of `assessments` (every valid answer file, of every partner and round) and of
    /// the partners `names` lists (name or id to id, broken ones too).
    pub fn new(assessments: &[Assessment], names: &BTreeMap<String, String>) -> crate::Result<Index> {
        let mut strings: BTreeMap<String, BTreeMap<String, What>> = BTreeMap::new();
        let mut add = |text: &str, id: &str, what: What| {
            let words = words(text);
            if !words.is_empty() {
                strings.entry(words).or_default().entry(id.to_owned()).or_insert(what);
            }
        };
        for (name, id) in names {
            add(name, id, What::Partner(id.clone()));
        }
        for a in assessments {
            for person in a.answers.values().flat_map(|answer| &answer.people) {
                add(&person.name, &a.id, What::Person(a.id.clone()));
            }
            if let Some(respondent) = &a.respondent {
                add(respondent, &a.id, What::Person(a.id.clone()));
            }
        }
        let (patterns, owners): (Vec<String>, Vec<_>) = strings.into_iter().unzip();
        Ok(Index { searcher: searcher(&patterns)?, patterns, owners })
    }
}

/// The strings of one partner-facing report: the index of every partner's, and its own: those
/// it must not contain (the partner's internal notes, its plan, its respondents not shown), and
/// those it may.
pub struct Secrets {
    index: std::sync::Arc<Index>,
    /// The report's partner.
    id: String,
    /// Its own strings, as words; the first `forbidden` are the forbidden ones.
    patterns: Vec<String>,
    whats: Vec<What>,
    forbidden: usize,
    searcher: AhoCorasick,
}

impl Secrets {
    /// The strings of `shown`, the report of `p`, whose answer files are `files` (of every round
    /// and side), in a workspace of `index`.
    pub fn new(
        p: &PartnerEvaluation,
        shown: &SharedContext,
        files: &[&Assessment],
        index: std::sync::Arc<Index>,
    ) -> crate::Result<Secrets> {
        let mut forbidden: BTreeMap<String, What> = BTreeMap::new();
        let mut add = |text: &str, what: What, min: usize| {
            let words = words(text);
            if words.chars().count() >= min {
                forbidden.entry(words).or_insert(what);
            }
        };
        let mut shared = BTreeSet::new();
        for a in files {
            // Every respondent of the partner's, of any round: those shown are allowed below.
            if let Some(respondent) = &a.respondent {
                add(respondent, What::Respondent, 1);
            }
            for (question, answer) in &a.answers {
                match (&answer.note, answer.share_note == Some(true)) {
                    (Some(note), true) => {
                        shared.insert(words(note));
                    }
                    (Some(note), false) => add(note, What::Note(question.clone()), MIN_TEXT),
                    _ => {}
                }
            }
        }
        if let Some(plan) = &p.plan {
            let target = plan.target.iter().filter_map(|t| t.reason.as_deref());
            let actions = plan
                .actions
                .iter()
                .flat_map(|a| std::iter::once(a.what.as_str()).chain(a.outcome.as_deref()));
            for text in target.chain(actions) {
                add(text, What::Plan, MIN_TEXT);
            }
        }
        // What may appear: the partner itself, its people, the respondents shown, both sides'
        // names, the consultant; and a shareable note is no internal one.
        let r = &shown.relationship;
        let people = r.people.partner.iter().chain(&r.people.own).map(|x| x.name.as_str());
        let named =
            [&r.ours, &r.theirs].into_iter().flatten().flat_map(|s| s.names.iter().map(String::as_str));
        let allowed: BTreeSet<String> = [p.partner.as_str(), p.id.as_str(), &shown.us, &shown.them]
            .into_iter()
            .chain(shown.org.consultant.as_deref())
            .chain(people)
            .chain(named)
            .map(words)
            .filter(|w| !w.is_empty())
            .collect();
        forbidden.retain(|w, _| !shared.contains(w));
        Secrets::of(index, &p.id, forbidden, allowed)
    }

    /// The secrets of a report of partner `id`, of strings already as [`words`]: those
    /// `forbidden` that are not `allowed`.
    fn of(
        index: std::sync::Arc<Index>,
        id: &str,
        mut forbidden: BTreeMap<String, What>,
        allowed: BTreeSet<String>,
    ) -> crate::Result<Secrets> {
        forbidden.retain(|w, _| !w.is_empty() && !allowed.contains(w));
        let count = forbidden.len();
        let (mut patterns, mut whats): (Vec<String>, Vec<What>) = forbidden.into_iter().unzip();
        patterns.extend(allowed);
        whats.resize(patterns.len(), What::Plan);
        Ok(Secrets {
            index,
            id: id.to_owned(),
            searcher: searcher(&patterns)?,
            patterns,
            whats,
            forbidden: count,
        })
    }

    /// The leaks in `text`, the output `file` (HTML or SVG when `markup`); the file's path is
    /// searched too.
    pub fn scan(&self, file: &str, text: &str, markup: bool) -> Vec<Leak> {
        let mut leaks = self.search(file, &words_of(visible(file, false)), file);
        leaks.extend(self.search(file, &words_of(visible(text, markup)), text));
        leaks
    }

    /// The forbidden strings among `words` that are not part of a longer allowed one, each at
    /// its first place.
    fn search(&self, file: &str, (words, origins): &(String, Vec<usize>), text: &str) -> Vec<Leak> {
        let bytes = words.as_bytes();
        let whole = |start: usize, end: usize| {
            (start == 0 || bytes[start - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ')
        };
        let found = |searcher: &AhoCorasick| -> Vec<(usize, usize, usize)> {
            (searcher.find_overlapping_iter(words.as_str()))
                .filter(|m| whole(m.start(), m.end()))
                .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
                .collect()
        };
        let own = found(&self.searcher);
        let allowed: Vec<(usize, usize)> =
            own.iter().filter(|(i, ..)| *i >= self.forbidden).map(|&(_, s, e)| (s, e)).collect();
        // The strings of other partners (not also this report's own), then this report's.
        let others = found(&self.index.searcher).into_iter().filter_map(|(i, start, end)| {
            let pattern = &self.index.patterns[i];
            let mut whose = self.index.owners[i].iter().filter(|(id, _)| **id != self.id);
            let what = whose.next()?.1;
            let allowed = self.patterns[self.forbidden..].binary_search(pattern).is_ok();
            (!allowed).then(|| (start, end, what.describe(pattern), pattern))
        });
        let mine = (own.iter().filter(|(i, ..)| *i < self.forbidden)).map(|&(i, start, end)| {
            (start, end, self.whats[i].describe(&self.patterns[i]), &self.patterns[i])
        });
        let mut seen = BTreeSet::new();
        let mut leaks = Vec::new();
        for (start, end, what, pattern) in others.chain(mine) {
            let excused = allowed.iter().any(|&(s, e)| s <= start && end <= e && e - s > end - start);
            if excused || !seen.insert(pattern.clone()) {
                continue;
            }
            let (line, column) = position(text, origins[start]);
            leaks.push(Leak { file: file.to_owned(), line, column, what });
        }
        leaks
    }
}

/// A searcher for every one of `patterns`, overlapping matches too.
fn searcher(patterns: &[String]) -> crate::Result<AhoCorasick> {
    AhoCorasick::new(patterns)
        .map_err(|e| crate::Error::System(format!("cannot search the report for leaks ({e})")))
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// `text` as words: letters and digits in lower case, every other run one space.
pub fn words(text: &str) -> String {
    words_of(text.char_indices().collect()).0
}

/// [`words`] of characters at byte offsets, with the offset of each byte of the result.
fn words_of(chars: Vec<(usize, char)>) -> (String, Vec<usize>) {
    let (mut out, mut origins) = (String::new(), Vec::new());
    let mut gap = false;
    for (at, c) in chars {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
                origins.push(at);
            }
            gap = false;
            for lower in c.to_lowercase() {
                out.push(lower);
                origins.extend(std::iter::repeat_n(at, lower.len_utf8()));
            }
        } else {
            gap = true;
        }
    }
    (out, origins)
}

/// The characters of `text` a reader can see or a program can read, with their byte offsets:
/// for markup (HTML, SVG), the text and attribute values, entities decoded, without tags or the
/// style sheet; for any other text, all of it, entities decoded too (Markdown may hold them).
fn visible(text: &str, markup: bool) -> Vec<(usize, char)> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.char_indices().peekable();
    let mut in_tag: Option<char> = None; // inside a tag: the quote of the value being read, or '>'
    let mut skip_until: Option<&str> = None;
    while let Some((at, c)) = rest.next() {
        if let Some(end) = skip_until {
            if !text[at..].starts_with(end) {
                continue;
            }
            skip_until = None;
        }
        match (markup, in_tag, c) {
            (true, None, '<') => {
                let tag = &text[at + 1..];
                if tag.starts_with("!--") {
                    // A comment is read as text (a reader of the source sees it).
                    out.push((at, ' '));
                    continue;
                }
                if tag.get(..5).is_some_and(|name| name.eq_ignore_ascii_case("style")) {
                    skip_until = Some("</");
                    out.push((at, ' '));
                    continue;
                }
                in_tag = Some('>');
                out.push((at, ' '));
            }
            (true, Some('>'), '>') => in_tag = None,
            // An embedded file (the logo, as a `data:` URI) is no text: its base64 could hold
            // any short word.
            (true, Some('>'), '"' | '\'') if text[at + 1..].starts_with("data:") => {
                let end = text[at + 1..].find(c).map_or(text.len(), |i| at + 1 + i);
                while rest.next_if(|&(i, _)| i <= end).is_some() {}
            }
            (true, Some('>'), '"' | '\'') => {
                in_tag = Some(c);
                out.push((at, ' '));
            }
            (true, Some(q), _) if q != '>' && c == q => {
                in_tag = Some('>');
                out.push((at, ' '));
            }
            (true, Some('>'), _) => {}
            (_, _, '&') => match entity(&text[at..]) {
                Some((decoded, len)) => {
                    out.push((at, decoded));
                    for _ in 1..len {
                        rest.next();
                    }
                }
                None => out.push((at, c)),
            },
            _ => out.push((at, c)),
        }
    }
    out
}

/// The character an HTML entity at the start of `text` stands for, and the entity's length in
/// characters (all ASCII).
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..12).unwrap_or(text).find(';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_letters_and_digits_in_lower_case() {
        assert_eq!(words("Smit & Zn. — **Kempen**\n  Metaal"), "smit zn kempen metaal");
        assert_eq!(words("3M"), "3m");
        assert_eq!(words("Müller-Lüdenscheid"), "müller lüdenscheid");
    }

    #[test]
    fn markup_is_read_as_its_text_and_attribute_values() {
        let html = "<p class=\"x\">Smit &amp; <strong>Zn</strong></p><img src=\"data:image/png;base64,a+zon/b\" alt='Kempen &#x27;s'><style>p { overflow: auto }</style>tail – é";
        let text: String = visible(html, true).into_iter().map(|(_, c)| c).collect();
        assert_eq!(words(&text), "x smit zn kempen s tail é");
        assert_eq!(words_of(visible("a &lt;b&gt;", false)).0, "a b");
    }

    /// The secrets of a report of partner `p`, in a workspace whose other partners are `others`
    /// (name and id), with its own forbidden and `allowed` strings.
    fn secrets(others: &[(&str, &str)], own: &[(&str, What)], allowed: &[&str]) -> Secrets {
        let names = others.iter().map(|(name, id)| (name.to_string(), id.to_string())).collect();
        let index = Index::new(&[], &names).unwrap();
        let own = own.iter().map(|(t, w)| (words(t), w.clone())).collect();
        Secrets::of(std::sync::Arc::new(index), "p", own, allowed.iter().map(|t| words(t)).collect()).unwrap()
    }

    #[test]
    fn a_name_inside_a_longer_allowed_name_is_no_leak_but_alone_it_is() {
        let s = secrets(&[("Hendrix", "hendrix")], &[], &["Hendrix Plaatbewerking B.V."]);
        assert!(s.scan("a.html", "<h1>Hendrix Plaatbewerking B.V.</h1>", true).is_empty());
        let leaks = s.scan("a.html", "<h1>Hendrix Plaatbewerking B.V.</h1>\n<p>Zie ook Hendrix.</p>", true);
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!((leaks[0].line, leaks[0].column), (2, 12));
        assert!(leaks[0].what.contains("`hendrix`"), "{}", leaks[0].what);
        // The other way round: the longer name of another partner is a leak in the shorter's report.
        let s = secrets(&[("Hendrix Plaatbewerking", "hp")], &[], &["Hendrix"]);
        assert_eq!(s.scan("a.md", "Hendrix\\ Plaatbewerking", false).len(), 1);
    }

    #[test]
    fn escaping_markup_case_and_line_breaks_hide_nothing_but_words_must_be_whole() {
        let s = secrets(
            &[("Smit & Zn", "smit"), ("Zon", "zon")],
            &[("Dit blijft echt onder ons, beloofd.", What::Note("trust.openness".into()))],
            &[],
        );
        assert_eq!(s.scan("a.html", "<td>SMIT &amp; ZN</td>", true).len(), 1);
        assert_eq!(s.scan("a.typ", "[Smit \\& Zn]", false).len(), 1);
        assert!(s.scan("a.md", "Zonnepanelen en zonne-energie", false).is_empty());
        assert_eq!(s.scan("a.md", "de zon schijnt", false).len(), 1);
        let note = "<p>Dit <strong>blijft</strong> echt\n onder <em>ons</em>, beloofd.</p>";
        let leaks = s.scan("a.html", note, true);
        assert_eq!(leaks.len(), 1);
        assert!(leaks[0].what.contains("internal note on `trust.openness`"), "{}", leaks[0].what);
        // The file's own path is searched too.
        assert_eq!(s.scan("shared/zon/zon.html", "", true).len(), 1);
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position("ab\ncé d", 7), (2, 4));
        assert_eq!(position("x", 0), (1, 1));
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    #[test]
    fn a_string_of_the_report_s_own_partner_and_of_another_is_no_leak_in_its_report() {
        // Anna Smit works with both p and q.
        let names = BTreeMap::from([("Q B.V.".to_string(), "q".to_string())]);
        let mut index = Index::new(&[], &names).unwrap();
        index.patterns.push("anna smit".into());
        index.owners.push(["p", "q"].map(|id| (id.to_string(), What::Person(id.into()))).into());
        index.searcher = searcher(&index.patterns).unwrap();
        let index = std::sync::Arc::new(index);
        let allowed: BTreeSet<String> = ["anna smit".to_string()].into();
        let p = Secrets::of(index.clone(), "p", BTreeMap::new(), allowed).unwrap();
        assert!(p.scan("p.md", "Anna Smit", false).is_empty());
        assert_eq!(p.scan("p.md", "Anna Smit en Q B.V.", false).len(), 1);
        // In a third partner's report, she is q's (or p's) person.
        let r = Secrets::of(index, "r", BTreeMap::new(), BTreeSet::new()).unwrap();
        let leaks = r.scan("r.md", "Anna Smit", false);
        assert!(leaks.len() == 1 && leaks[0].what.contains("a person of partner"), "{leaks:?}");
    }
}
