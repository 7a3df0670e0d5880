//! The leak check of partner-facing reports: every output is scanned, before it is written, for
//! every string it must not contain, and a hit fails the report with an error naming what
//! leaked and where.
//!
//! What must not appear in partner `P`'s report: the name and id of every other partner, and the
//! names of the people on their side (their key people, and who answered for them); `P`'s own
//! notes not marked shareable (in any round, on either side); and the names of `P`'s respondents
//! not shown (on a side too small to be named, or of an earlier round). What may: `P`'s own name,
//! id and people, the respondents shown, the organisation and the consultant. Our own staff (our
//! key people, who answered for us) are no other partner's secret.
//!
//! Text is compared as words: letters and digits, accents folded and in lower case, every other
//! run of characters one space, and invisible characters (a soft hyphen, a zero-width space)
//! dropped; so no escaping (HTML entities, Markdown or Typst backslashes, Typst strings), case,
//! accent or line break hides a string. A string counts as whole words (`Zon` is not found in
//! `Zonnepanelen`); one of eight letters and digits or more is also found across what splits a
//! word (`Kem**pen** Metaalhandel`). In HTML and SVG the text and the attribute values are read
//! (tag names, the style sheet and an embedded image are not text); in Typst, function names
//! (`#strong`) are not. A string found inside a longer one that may appear is not a leak:
//! partner `Hendrix` is not leaked by `Hendrix Plaatbewerking` in that partner's own report, but
//! is in any other.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::model::{Assessment, PartnerEvaluation, Perspective};
use crate::share::context::SharedContext;

/// A note must have this many letters and digits, and [`MIN_NOTE_WORDS`] words, to be searched
/// for: a shorter text cannot be told from the report's own words.
const MIN_NOTE_LETTERS: usize = 12;
const MIN_NOTE_WORDS: usize = 3;
/// A string of this many letters and digits or more is also searched for across what splits a
/// word; a shorter one could be part of any word.
const MIN_JOINED: usize = 8;

/// What a string is, for the error that names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    /// The name or id of a partner (its id).
    Partner(String),
    /// A person of a partner (its id): a key person or a respondent.
    Person(String),
    /// A note of the report's partner not marked shareable (the question).
    Note(String),
    /// A respondent of the report's partner not shown.
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
            What::Respondent => format!("`{text}`, a respondent who is not shown (too few on that side)"),
        }
    }
}

/// What a string that may appear excuses inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Allow {
    /// The partner's own name and id, the two sides' names, the consultant: anything.
    Identity,
    /// A person shown: a one-word name (`Hendrix` in `Jan Hendrix`), not a longer one.
    Person,
    /// A shareable note: an internal note it repeats (the writer chose to share it).
    Shared,
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

/// Strings as [`words`], and searchers for them: as whole words, and (the long ones) with the
/// spaces left out.
struct Patterns {
    words: Vec<String>,
    spaced: AhoCorasick,
    joined: AhoCorasick,
    /// The pattern each joined one is.
    long: Vec<usize>,
}

impl Patterns {
    fn new(words: Vec<String>) -> crate::Result<Patterns> {
        let long: Vec<usize> = (0..words.len())
            .filter(|&i| words[i].chars().filter(|c| *c != ' ').count() >= MIN_JOINED)
            .collect();
        let joined: Vec<String> = long.iter().map(|&i| words[i].replace(' ', "")).collect();
        let searcher = |patterns: &[String]| {
            AhoCorasick::new(patterns)
                .map_err(|e| crate::Error::System(format!("cannot search the report for leaks ({e})")))
        };
        Ok(Patterns { spaced: searcher(&words)?, joined: searcher(&joined)?, long, words })
    }

    /// Where each pattern is in `text` (as [`Text`]): (pattern, start, end) in `text.spaced`
    /// for whole words, then in `text.joined`.
    fn find(&self, text: &Text) -> [Vec<(usize, usize, usize)>; 2] {
        let bytes = text.spaced.as_bytes();
        let whole = |start: usize, end: usize| {
            (start == 0 || bytes[start - 1] == b' ') && (end == bytes.len() || bytes[end] == b' ')
        };
        let spaced = (self.spaced.find_overlapping_iter(text.spaced.as_str()))
            .filter(|m| whole(m.start(), m.end()))
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        let joined = (self.joined.find_overlapping_iter(text.joined.as_str()))
            .map(|m| (self.long[m.pattern().as_usize()], m.start(), m.end()))
            .collect();
        [spaced, joined]
    }
}

/// A text as words: spaced, and with the spaces left out, each byte with the offset in the
/// original it came from.
struct Text {
    spaced: String,
    spaced_at: Vec<usize>,
    joined: String,
    joined_at: Vec<usize>,
}

impl Text {
    fn new(chars: Vec<(usize, char)>) -> Text {
        let (spaced, spaced_at) = words_of(chars);
        let (mut joined, mut joined_at) = (String::new(), Vec::new());
        for (c, at) in spaced.chars().zip(spaced.char_indices().map(|(i, _)| spaced_at[i])) {
            if c != ' ' {
                joined.push(c);
                joined_at.extend(std::iter::repeat_n(at, c.len_utf8()));
            }
        }
        Text { spaced, spaced_at, joined, joined_at }
    }
}

/// The names of the people on one partner's side (its key people, who answered for it), of
/// every partner of the workspace, with the partners they belong to; and the partners' names and
/// ids. Made once per build, and searched in every partner-facing report for those that belong
/// to another partner.
pub struct Index {
    patterns: Patterns,
    owners: Vec<BTreeMap<String, What>>,
    /// The sha256 of every string and whose it is.
    fingerprint: String,
}

impl Index {
    /// The index of `assessments` (every valid answer file, of every partner and round) and of
    /// the partners `names` lists (name or id to id, broken ones too).
    pub fn new(assessments: &[Assessment], names: &BTreeMap<String, String>) -> crate::Result<Index> {
        let mut strings: BTreeMap<String, BTreeMap<String, What>> = BTreeMap::new();
        let mut add = |text: &str, id: &str, what: &What| {
            let words = words(text);
            if !words.is_empty() {
                strings.entry(words).or_default().entry(id.to_owned()).or_insert_with(|| what.clone());
            }
        };
        for (name, id) in names {
            add(name, id, &What::Partner(id.clone()));
        }
        for a in assessments {
            let what = What::Person(a.id.clone());
            for name in their_people(a) {
                // A one-word name (`Anna`, `Directeur`) cannot be told from an ordinary word.
                for name in person_names(name).filter(|n| words(n).contains(' ')) {
                    add(name, &a.id, &what);
                }
            }
        }
        let fingerprint = crate::model::sha256_json(
            &strings.iter().map(|(w, o)| (w, o.keys().collect::<Vec<_>>())).collect::<Vec<_>>(),
        );
        let (words, owners): (Vec<String>, Vec<_>) = strings.into_iter().unzip();
        Ok(Index { patterns: Patterns::new(words)?, owners, fingerprint })
    }
}

/// The people on the partner's side a file names: from our view, its key people (`partner_*`);
/// from the partner's own view, its own (`own_*`) and who answered.
fn their_people(a: &Assessment) -> impl Iterator<Item = &str> {
    let theirs = if a.perspective == Perspective::Own { "key_people.partner_" } else { "key_people.own_" };
    let people = (a.answers.iter())
        .filter(move |(id, _)| id.starts_with(theirs))
        .flat_map(|(_, answer)| answer.people.iter().map(|p| p.name.as_str()));
    let respondent = a.respondent.as_deref().filter(|_| a.perspective == Perspective::Partner);
    people.chain(respondent)
}

/// A person as written (`Jan de Boer (inkoop)`) and the name in it (`Jan de Boer`): what comes
/// before a parenthesis or a comma.
fn person_names(text: &str) -> impl Iterator<Item = &str> {
    let name = text.split(['(', ',', '/']).next().unwrap_or(text).trim();
    std::iter::once(text).chain((name != text.trim() && !name.is_empty()).then_some(name))
}

/// The strings of one partner-facing report: the index of every partner's, and its own: those
/// it must not contain (the partner's internal notes, its respondents not shown), and those it
/// may.
pub struct Secrets {
    index: Arc<Index>,
    /// The report's partner.
    id: String,
    /// Its own strings: the forbidden ones (with what they are), then the allowed ones.
    patterns: Patterns,
    forbidden: Vec<What>,
    allowed: Vec<Allow>,
}

impl Secrets {
    /// The strings of `shown`, the report of `p`, whose answer files are `files` (of every round
    /// and side), in a workspace of `index`.
    pub fn new(
        p: &PartnerEvaluation,
        shown: &SharedContext,
        files: &[&Assessment],
        index: Arc<Index>,
    ) -> crate::Result<Secrets> {
        let mut forbidden: BTreeMap<String, What> = BTreeMap::new();
        let mut allowed: BTreeMap<String, Allow> = BTreeMap::new();
        let note = |text: &str| {
            let words = words(text);
            let letters = words.chars().filter(|c| *c != ' ').count();
            (letters >= MIN_NOTE_LETTERS && words.split(' ').count() >= MIN_NOTE_WORDS).then_some(words)
        };
        for a in files {
            // Every respondent of the partner's, of any round: those shown are allowed below.
            for name in a.respondent.iter().flat_map(|r| person_names(r)) {
                forbidden.entry(words(name)).or_insert(What::Respondent);
            }
            for (question, answer) in &a.answers {
                let Some(text) = answer.note.as_deref().and_then(note) else { continue };
                if answer.share_note == Some(true) {
                    allowed.insert(text, Allow::Shared);
                } else {
                    forbidden.insert(text, What::Note(question.clone()));
                }
            }
        }
        // What may appear: the partner itself, both sides' names, the consultant; its people and
        // the respondents shown.
        let r = &shown.relationship;
        let identity = [p.partner.as_str(), p.id.as_str(), &shown.us, &shown.them];
        for name in identity.into_iter().chain(shown.common.org.consultant.as_deref()) {
            allowed.insert(words(name), Allow::Identity);
        }
        let people = r.people.partner.iter().chain(&r.people.own).map(|x| x.name.as_str());
        let named =
            [&r.ours, &r.theirs].into_iter().flatten().flat_map(|s| s.names.iter().map(String::as_str));
        for name in people.chain(named).flat_map(person_names) {
            allowed.entry(words(name)).or_insert(Allow::Person);
        }
        Secrets::of(index, &p.id, forbidden, allowed)
    }

    /// The secrets of a report of partner `id`, of strings already as [`words`]: those
    /// `forbidden` that are not `allowed` (as a whole).
    fn of(
        index: Arc<Index>,
        id: &str,
        mut forbidden: BTreeMap<String, What>,
        allowed: BTreeMap<String, Allow>,
    ) -> crate::Result<Secrets> {
        forbidden.retain(|w, _| !w.is_empty() && !allowed.contains_key(w));
        let allowed: Vec<(String, Allow)> = allowed.into_iter().filter(|(w, _)| !w.is_empty()).collect();
        let (words, forbidden): (Vec<String>, Vec<What>) = forbidden.into_iter().unzip();
        let (allowed_words, allowed): (Vec<String>, Vec<Allow>) = allowed.into_iter().unzip();
        let patterns = Patterns::new(words.into_iter().chain(allowed_words).collect())?;
        Ok(Secrets { index, id: id.to_owned(), patterns, forbidden, allowed })
    }

    /// The sha256 of every string the report is checked for: a report made before with the
    /// same is checked again only if its other inputs changed.
    pub fn fingerprint(&self) -> String {
        let allowed: Vec<String> = self.allowed.iter().map(|a| format!("{a:?}")).collect();
        crate::model::sha256_json(&(
            &self.index.fingerprint,
            &self.id,
            &self.patterns.words,
            self.forbidden.len(),
            allowed,
        ))
    }

    /// The allowed string `words`, if it is one, as [`Allow`].
    fn allows(&self, words: &str) -> Option<Allow> {
        let allowed = &self.patterns.words[self.forbidden.len()..];
        allowed.binary_search_by(|w| w.as_str().cmp(words)).ok().map(|i| self.allowed[i])
    }

    /// The leaks in `text`, the output `file`; the file's path is searched too.
    pub fn scan(&self, file: &str, text: &str) -> Vec<Leak> {
        let mut leaks = self.search(file, &Text::new(visible(file, Syntax::Text)), file);
        leaks.extend(self.search(file, &Text::new(visible(text, Syntax::of(file))), text));
        leaks
    }

    /// The forbidden strings in `words` that are not part of a longer allowed one, each once.
    fn search(&self, file: &str, words: &Text, text: &str) -> Vec<Leak> {
        let own = self.patterns.find(words);
        let others = self.index.patterns.find(words);
        let n = self.forbidden.len();
        let mut seen = BTreeSet::new();
        let mut leaks = Vec::new();
        for (stream, at) in [&words.spaced_at, &words.joined_at].into_iter().enumerate() {
            let allowed: Vec<(usize, usize, Allow)> = own[stream]
                .iter()
                .filter(|(i, ..)| *i >= n)
                .map(|&(i, s, e)| (s, e, self.allowed[i - n]))
                .collect();
            // Another partner's strings (not also this report's), then this report's own.
            let theirs = others[stream].iter().filter_map(|&(i, start, end)| {
                let pattern = &self.index.patterns.words[i];
                let what = self.index.owners[i].iter().find(|(id, _)| **id != self.id)?.1;
                // A shareable note that is nothing but another partner's name shares no name.
                let allowed = self.allows(pattern).is_some_and(|a| a != Allow::Shared);
                (!allowed).then_some((start, end, what, pattern))
            });
            let mine = (own[stream].iter().filter(|(i, ..)| *i < n))
                .map(|&(i, start, end)| (start, end, &self.forbidden[i], &self.patterns.words[i]));
            for (start, end, what, pattern) in theirs.chain(mine) {
                let excused = allowed.iter().any(|&(s, e, allow)| {
                    let inside = s <= start && end <= e && e - s > end - start;
                    inside
                        && match allow {
                            Allow::Identity => true,
                            Allow::Person => !pattern.contains(' '),
                            Allow::Shared => matches!(what, What::Note(_)),
                        }
                });
                if excused || !seen.insert(pattern.clone()) {
                    continue;
                }
                let (line, column) = position(text, at[start]);
                leaks.push(Leak { file: file.to_owned(), line, column, what: what.describe(pattern) });
            }
        }
        leaks
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

/// `text` as words: letters and digits, accents folded, in lower case; every other run one space.
pub fn words(text: &str) -> String {
    words_of(text.char_indices().collect()).0
}

/// Characters that show nothing: a soft hyphen, zero-width spaces and joiners, a byte order mark.
fn invisible(c: char) -> bool {
    matches!(c, '\u{AD}' | '\u{34F}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// [`words`] of characters at byte offsets, with the offset of each byte of the result.
fn words_of(chars: Vec<(usize, char)>) -> (String, Vec<usize>) {
    let (mut out, mut origins) = (String::new(), Vec::new());
    let mut gap = false;
    for (at, c) in chars.into_iter().filter(|(_, c)| !invisible(*c)) {
        let folded = if c.is_ascii() { None } else { deunicode::deunicode_char(c) };
        let mut one = |c: char| {
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
        };
        match folded {
            Some(folded) => folded.chars().for_each(&mut one),
            None => one(c),
        }
    }
    (out, origins)
}

/// The syntax of an output, which tells what in it is text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    /// HTML or SVG: text and attribute values.
    Markup,
    /// Typst: all but function names; string escapes decoded.
    Typst,
    /// All of it (Markdown, a path).
    Text,
}

impl Syntax {
    fn of(file: &str) -> Syntax {
        match file.rsplit('.').next() {
            Some("html" | "svg") => Syntax::Markup,
            Some("typ") => Syntax::Typst,
            _ => Syntax::Text,
        }
    }
}

/// The characters of `text` a reader can see or a program can read, with their byte offsets,
/// entities decoded (Markdown may hold them too); see [`Syntax`].
fn visible(text: &str, syntax: Syntax) -> Vec<(usize, char)> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.char_indices().peekable();
    let mut in_tag: Option<char> = None; // inside a tag: the quote of the value being read, or '>'
    let mut skip_until: Option<&str> = None;
    let markup = syntax == Syntax::Markup;
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
                out.push((at, ' '));
                if tag.starts_with("!--") {
                    // A comment is read as text (a reader of the source sees it).
                } else if tag.get(..5).is_some_and(|name| name.eq_ignore_ascii_case("style")) {
                    skip_until = Some("</");
                } else {
                    in_tag = Some('>');
                }
            }
            (true, Some('>'), '>') => in_tag = None,
            // An embedded image (the logo, as a `data:` URI) is no text: its base64 could hold
            // any short word.
            (true, Some('>'), '"' | '\'') if text[at + 1..].starts_with("data:image/") => {
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
            // A Typst function name (`#strong[…]`) is code; an escape in a string (`\n`, `\t`,
            // `\u{…}`) is the character it stands for.
            _ if syntax == Syntax::Typst && c == '#' => {
                while rest.next_if(|&(_, c)| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).is_some() {}
            }
            _ if syntax == Syntax::Typst && c == '\\' => match rest.peek().map(|&(_, c)| c) {
                Some('n' | 't' | 'r') => {
                    rest.next();
                    out.push((at, ' '));
                }
                Some('u') => {
                    let code = text[at + 2..].strip_prefix('{').and_then(|t| t.split_once('}'));
                    let decoded =
                        code.and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok()).and_then(char::from_u32);
                    match (code, decoded) {
                        (Some((hex, _)), Some(decoded)) => {
                            let end = at + 3 + hex.len();
                            while rest.next_if(|&(i, _)| i <= end).is_some() {}
                            out.push((at, decoded));
                        }
                        _ => out.push((at, ' ')),
                    }
                }
                _ => out.push((at, ' ')),
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

    /// The secrets of a report of partner `p`, in a workspace whose other partners are `others`
    /// (name and id), with its own forbidden and allowed strings.
    fn secrets(others: &[(&str, &str)], own: &[(&str, What)], allowed: &[(&str, Allow)]) -> Secrets {
        let names = others.iter().map(|(name, id)| (name.to_string(), id.to_string())).collect();
        let index = Index::new(&[], &names).unwrap();
        let own = own.iter().map(|(t, w)| (words(t), w.clone())).collect();
        let allowed = allowed.iter().map(|(t, a)| (words(t), *a)).collect();
        Secrets::of(Arc::new(index), "p", own, allowed).unwrap()
    }

    #[test]
    fn words_are_letters_and_digits_folded_and_in_lower_case() {
        assert_eq!(words("Smit & Zn. — **Kempen**\n  Metaal"), "smit zn kempen metaal");
        assert_eq!(words("3M"), "3m");
        assert_eq!(words("Müller-Lüdenscheid"), "muller ludenscheid");
        // Decomposed accents, a soft hyphen and a zero-width space change nothing.
        assert_eq!(words("Jose\u{301} Lu\u{ad}me\u{200b}tra"), "jose lumetra");
    }

    #[test]
    fn markup_is_read_as_its_text_and_attribute_values() {
        let html = "<p class=\"x\">Smit &amp; <strong>Zn</strong></p><img src=\"data:image/png;base64,a+zon/b\" alt='Kempen &#x27;s'><style>p { overflow: auto }</style>tail – é";
        let text: String = visible(html, Syntax::Markup).into_iter().map(|(_, c)| c).collect();
        assert_eq!(words(&text), "x smit zn kempen s tail e");
        assert_eq!(words_of(visible("a &lt;b&gt;", Syntax::Text)).0, "a b");
        let typst = "#strong[Kem]#emph[pen] #raw(\"Lijst:\\nKempen\\tMetaal\\u{61}\")";
        let text: String = visible(typst, Syntax::Typst).into_iter().map(|(_, c)| c).collect();
        assert_eq!(words(&text), "kem pen lijst kempen metaala");
    }

    #[test]
    fn a_name_inside_a_longer_allowed_name_is_no_leak_but_alone_it_is() {
        let s = secrets(&[("Hendrix", "hendrix")], &[], &[("Hendrix Plaatbewerking B.V.", Allow::Identity)]);
        assert!(s.scan("a.html", "<h1>Hendrix Plaatbewerking B.V.</h1>").is_empty());
        let leaks = s.scan("a.html", "<h1>Hendrix Plaatbewerking B.V.</h1>\n<p>Zie ook Hendrix.</p>");
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert_eq!((leaks[0].line, leaks[0].column), (2, 12));
        assert!(leaks[0].what.contains("`hendrix`"), "{}", leaks[0].what);
        // The other way round: the longer name of another partner is a leak in the shorter's report.
        let s = secrets(&[("Hendrix Plaatbewerking", "hp")], &[], &[("Hendrix", Allow::Identity)]);
        assert_eq!(s.scan("a.md", "Hendrix\\ Plaatbewerking").len(), 1);
        // A person's name excuses a surname in it, not another partner's whole name.
        let s = secrets(
            &[("Hendrix", "h"), ("Kempen Metaalhandel", "k")],
            &[],
            &[("Jan Hendrix", Allow::Person), ("Jan Jansen (ex-Kempen Metaalhandel)", Allow::Person)],
        );
        assert!(s.scan("a.md", "Jan Hendrix").is_empty());
        assert_eq!(s.scan("a.md", "Jan Jansen (ex-Kempen Metaalhandel)").len(), 1);
    }

    #[test]
    fn escaping_markup_case_accents_and_line_breaks_hide_nothing_but_words_must_be_whole() {
        let s = secrets(
            &[("Smit & Zn", "smit"), ("Zon", "zon"), ("Kempen Metaalhandel", "kempen")],
            &[("Dit blijft echt onder ons, beloofd.", What::Note("trust.openness".into()))],
            &[("Dit blijft echt onder ons, beloofd. En nog iets.", Allow::Shared)],
        );
        assert_eq!(s.scan("a.html", "<td>SMIT &amp; ZN</td>").len(), 1);
        assert_eq!(s.scan("a.typ", "[Smit \\& Zn]").len(), 1);
        assert!(s.scan("a.md", "Zonnepanelen en zonne-energie").is_empty());
        assert_eq!(s.scan("a.md", "de zon schijnt").len(), 1);
        // A long name split by markup inside a word is still found.
        assert_eq!(s.scan("a.md", "bij Kem**pen** Metaal\u{ad}handel").len(), 1);
        assert_eq!(s.scan("a.typ", "bij Kem#strong[pen] Metaalhandel").len(), 1);
        let note = "<p>Dit <strong>blijft</strong> echt\n onder <em>ons</em>, beloofd.</p>";
        let leaks = s.scan("a.html", note);
        assert_eq!(leaks.len(), 1);
        assert!(leaks[0].what.contains("internal note on `trust.openness`"), "{}", leaks[0].what);
        // A shareable note that repeats an internal one shares it; a name in it is still a leak.
        assert!(s.scan("a.md", "Dit blijft echt onder ons, beloofd. En nog iets.").is_empty());
        // The file's own path is searched too.
        assert_eq!(s.scan("shared/zon/zon.html", "").len(), 1);
        let s =
            secrets(&[("Kempen Metaalhandel", "kempen")], &[], &[("Kempen Metaalhandel!", Allow::Shared)]);
        assert_eq!(s.scan("a.md", "Kempen Metaalhandel!").len(), 1);
    }

    #[test]
    fn positions_count_lines_and_characters() {
        assert_eq!(position("ab\ncé d", 7), (2, 4));
        assert_eq!(position("x", 0), (1, 1));
    }

    #[test]
    fn a_string_of_the_report_s_own_partner_and_of_another_is_no_leak_in_its_report() {
        // Anna Smit works with both p and q.
        let names = BTreeMap::from([("Q B.V.".to_string(), "q".to_string())]);
        let mut index = Index::new(&[], &names).unwrap();
        let mut words = index.patterns.words.clone();
        words.push("anna smit".into());
        index.patterns = Patterns::new(words).unwrap();
        index.owners.push(["p", "q"].map(|id| (id.to_string(), What::Person(id.into()))).into());
        let index = Arc::new(index);
        let allowed = BTreeMap::from([("anna smit".to_string(), Allow::Person)]);
        let p = Secrets::of(index.clone(), "p", BTreeMap::new(), allowed).unwrap();
        assert!(p.scan("p.md", "Anna Smit").is_empty());
        assert_eq!(p.scan("p.md", "Anna Smit en Q B.V.").len(), 1);
        // In a third partner's report, she is q's (or p's) person.
        let r = Secrets::of(index, "r", BTreeMap::new(), BTreeMap::new()).unwrap();
        let leaks = r.scan("r.md", "Anna Smit");
        assert!(leaks.len() == 1 && leaks[0].what.contains("a person of partner"), "{leaks:?}");
    }
}
