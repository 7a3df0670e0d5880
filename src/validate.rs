//! Checks a loaded [`Document`] against the questionnaire and turns it into an [`Assessment`].
//! Every problem is collected, never just the first; an assessment comes out only when there is
//! no error. Also the checks across files (two files claiming the same partner and round).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::Path;

use crate::answer_file::{self, GROWTH_PCT, METADATA, PERSON, REVENUE_SHARE_PCT, SCORE};
use crate::diagnostic::{Diagnostic, Lines, Severity, Span, did_you_mean, shown};
use crate::load::{Document, Key, Node, Value};
use crate::model::{
    Answer, Assessment, Date, Frequency, Lang, MAX_ID_LEN, Person, Perspective, Role, Status, is_slug,
    slugify,
};
use crate::questionnaire::{Question, Questionnaire};

/// The outcome of validating one document.
#[derive(Debug)]
pub struct Checked {
    /// Present only when there is no error.
    pub assessment: Option<Assessment>,
    /// The partner id the file claims, when it can be told even though the file has errors
    /// (so a build can keep that partner's previous reports rather than call them stale).
    pub id: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Validates one document; a note longer than `max_note_bytes` is an error.
pub fn validate(doc: &Document, questionnaire: &Questionnaire, max_note_bytes: usize) -> Checked {
    let mut v = Validator {
        path: &doc.path,
        questionnaire,
        lines: Lines::new(&doc.text),
        max_note_bytes,
        diagnostics: doc.diagnostics.clone(),
        id: None,
    };
    let assessment = v.assessment(&doc.root);
    let has_error = v.diagnostics.iter().any(Diagnostic::is_error);
    Checked { assessment: assessment.filter(|_| !has_error), id: v.id, diagnostics: v.diagnostics }
}

/// The partner id a tree claims, by the same rules as a valid file's: its `id`, else its
/// `partner` made a slug. `None` when that cannot be told for sure: a key given twice, an `id`
/// that is not valid, or (when the tree was read from `lossy` text, invalid bytes replaced by
/// `�`) a value holding a replaced byte.
pub fn claimed_id(root: &Node, lossy: bool, lines: &Lines) -> Option<String> {
    let Value::Map(entries) = &root.value else { return None };
    let value = |key: &str| {
        let mut found = entries.iter().filter(|(k, _)| k.name == key);
        let first = found.next();
        if found.next().is_some() {
            return Err(());
        }
        Ok(first.map(|(_, v)| v))
    };
    let text = |node: &Node| {
        let raw = match &node.value {
            Value::Str(s) if !(lossy && s.contains('\u{fffd}')) => crate::load::normalise_line_ends(s.trim()),
            Value::Int(_) | Value::Float(_) => written(node, lines),
            _ => return None,
        };
        Some(clean_text(&raw, false).0).filter(|t| !t.is_empty())
    };
    match value("id").ok()? {
        Some(id) => text(id).filter(|id| is_slug(id) && id.len() <= MAX_ID_LEN),
        None => value("partner").ok()?.and_then(text).map(|p| slugify(&p)).filter(|id| !id.is_empty()),
    }
}

/// A scalar as it was written in the file (a number is not reformatted: `3.10` stays `3.10`).
fn written(node: &Node, lines: &Lines) -> String {
    let formatted = match &node.value {
        Value::Str(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => node.type_name().to_owned(),
    };
    if !matches!(node.value, Value::Int(_) | Value::Float(_)) {
        return formatted;
    }
    lines
        .line(node.span.line)
        .map(|line| {
            line.chars().skip(node.span.column as usize - 1).take(node.span.len as usize).collect::<String>()
        })
        .map(|raw| raw.trim().to_owned())
        .filter(|raw| raw.chars().any(|c| c.is_ascii_digit()))
        .unwrap_or(formatted)
}

/// Text without control characters, which could drive a terminal or hide text: a note keeps its
/// line breaks and tabs, a one-line value has them as spaces. Also the first character left out.
/// The warning that `what` at `span` held the control character `c`, which was left out.
pub(crate) fn control_character(path: &Path, span: Span, what: &str, c: char) -> Diagnostic {
    let message = format!("`{what}` holds the control character U+{:04X}; it is left out", c as u32);
    Diagnostic::error(path, span, "control-character", message)
        .with_severity(Severity::Warning)
        .with_help("remove it from the file; control characters have no place in a report")
}

pub(crate) fn clean_text(text: &str, note: bool) -> (String, Option<char>) {
    let keep = |c: char| !c.is_control() || (note && matches!(c, '\n' | '\t'));
    if text.chars().all(keep) {
        return (text.to_owned(), None);
    }
    let first = text.chars().find(|c| !keep(*c));
    let clean = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| keep(*c))
        .collect::<String>()
        .trim()
        .to_owned();
    (clean, first)
}

struct Validator<'a> {
    path: &'a Path,
    questionnaire: &'a Questionnaire,
    /// The file's lines, to quote values as they were written.
    lines: Lines<'a>,
    max_note_bytes: usize,
    diagnostics: Vec<Diagnostic>,
    id: Option<String>,
}

/// Metadata read from the file, before required keys are checked.
#[derive(Default)]
struct Meta {
    partner: Option<String>,
    id: Option<String>,
    role: Option<Role>,
    strategic: Option<bool>,
    status: Option<Status>,
    date: Option<Date>,
    perspective: Option<Perspective>,
    respondent: Option<String>,
    assessor: Option<String>,
    lang: Option<Lang>,
    answers: BTreeMap<String, Answer>,
}

impl Validator<'_> {
    fn error(&mut self, span: Span, code: &'static str, message: String) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::error(self.path, span, code, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    fn assessment(&mut self, root: &Node) -> Option<Assessment> {
        let Value::Map(entries) = &root.value else {
            let found = root.type_name();
            self.error(
                root.span,
                "wrong-type",
                format!("expected a mapping of metadata keys, found {found}"),
            );
            return None;
        };
        let mut meta = Meta::default();
        let mut spans = BTreeMap::new();
        for (key, value) in self.unique(entries) {
            spans.insert(key.name.clone(), key.span);
            self.metadata(&mut meta, key, value);
        }
        let mut missing = false;
        for required in METADATA.iter().filter(|k| k.required).map(|k| k.name) {
            if !spans.contains_key(required) {
                missing = true;
                self.error(root.span, "missing-key", format!("missing required key `{required}`"));
            }
        }
        self.id = claimed_id(root, false, &self.lines);
        let partner = meta.partner?;
        let id = match meta.id {
            Some(id) => id,
            None => {
                let id = slugify(&partner);
                if id.is_empty() {
                    let span = spans["partner"];
                    self.error(
                        span,
                        "invalid-slug",
                        format!("cannot derive an id from {}", shown(&partner)),
                    )
                    .help = Some("add an `id:` made of lowercase letters, digits and `-`".into());
                    return None;
                }
                id
            }
        };
        if missing {
            return None;
        }
        Some(Assessment {
            source: self.path.to_path_buf(),
            partner,
            id,
            role: meta.role?,
            strategic: meta.strategic.unwrap_or(false),
            status: meta.status.unwrap_or(Status::Current),
            date: meta.date?,
            perspective: meta.perspective.unwrap_or(Perspective::Own),
            respondent: meta.respondent,
            assessor: meta.assessor,
            lang: meta.lang,
            answers: meta.answers,
            spans,
        })
    }

    /// The entries of a mapping, reporting and dropping repeated keys.
    fn unique<'n>(&mut self, entries: &'n [(Key, Node)]) -> Vec<&'n (Key, Node)> {
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        let mut out = Vec::with_capacity(entries.len());
        for entry in entries {
            if let Some(first) = seen.get(entry.0.name.as_str()) {
                let first = *first;
                self.error(
                    entry.0.span,
                    "duplicate-key",
                    format!("{} is given twice", shown(&entry.0.name)),
                )
                .help = Some(format!("first given at line {}", first.line));
            } else {
                seen.insert(&entry.0.name, entry.0.span);
                out.push(entry);
            }
        }
        out
    }

    /// Reads one metadata key: only a key of [`METADATA`] is read.
    fn metadata(&mut self, meta: &mut Meta, key: &Key, value: &Node) {
        match answer_file::metadata_key(&key.name).map(|k| k.name) {
            Some("partner") => meta.partner = self.text(value, "partner"),
            Some("id") => {
                meta.id = self.text(value, "id").and_then(|id| {
                    if is_slug(&id) && id.len() > MAX_ID_LEN {
                        self.error(
                            value.span,
                            "id-too-long",
                            format!("the id is {} characters long, more than {MAX_ID_LEN}", id.len()),
                        )
                        .help = Some(format!("use a shorter id, e.g. `{}`", slugify(&id)));
                        return None;
                    }
                    if is_slug(&id) {
                        return Some(id);
                    }
                    let hint = slugify(&id);
                    let d =
                        self.error(value.span, "invalid-slug", format!("{} is not a valid id", shown(&id)));
                    d.help = Some(if hint.is_empty() {
                        "use lowercase letters, digits and `-`".into()
                    } else {
                        format!("use lowercase letters, digits and `-`, e.g. `{hint}`")
                    });
                    None
                })
            }
            Some("role") => meta.role = self.keyword(value, "role", Role::ALL, Role::parse),
            Some("strategic") => meta.strategic = self.boolean(value, "strategic"),
            Some("status") => meta.status = self.keyword(value, "status", Status::ALL, Status::parse),
            Some("date") => meta.date = self.date(value),
            Some("perspective") => {
                meta.perspective = self.keyword(value, "perspective", Perspective::ALL, Perspective::parse)
            }
            Some("respondent") => meta.respondent = self.text(value, "respondent"),
            Some("assessor") => meta.assessor = self.text(value, "assessor"),
            Some("lang") => meta.lang = self.keyword(value, "lang", Lang::ALL, Lang::parse),
            Some("answers") => meta.answers = self.answers(value),
            _ => {
                let help = did_you_mean(&key.name, answer_file::names(METADATA));
                let d = self.error(key.span, "unknown-key", format!("unknown key {}", shown(&key.name)));
                let known = answer_file::names(METADATA).collect::<Vec<_>>().join(", ");
                d.help = help.or_else(|| Some(format!("known keys: {known}")));
            }
        }
    }

    fn written(&self, node: &Node) -> String {
        written(node, &self.lines)
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = match &node.value {
            Value::Str(s) => format!("text {}", shown(s)),
            Value::Int(_) | Value::Float(_) | Value::Bool(_) => shown(&self.written(node)),
            _ => node.type_name().to_owned(),
        };
        self.error(node.span, "wrong-type", format!("`{what}` must be {expected}, found {found}"));
    }

    /// Free text; a number written where text is expected (a partner called `3M` is text, `1910`
    /// is a number to YAML) is taken as it was written. Control characters, which could drive a
    /// terminal or hide text, are left out with a warning (a note keeps its line breaks and tabs).
    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        let text = match &node.value {
            // A carriage return is a line end, as in a file.
            Value::Str(s) => crate::load::normalise_line_ends(s.trim()),
            Value::Int(_) | Value::Float(_) => self.written(node),
            _ => {
                self.wrong_type(node, what, "text");
                return None;
            }
        };
        let (text, dropped) = clean_text(&text, what == "note");
        if let Some(first) = dropped {
            self.diagnostics.push(control_character(self.path, node.span, what, first));
        }
        if text.is_empty() {
            self.error(node.span, "empty-value", format!("`{what}` is empty"));
            return None;
        }
        if what == "note" && text.len() > self.max_note_bytes {
            self.error(
                node.span,
                "note-too-long",
                format!(
                    "the note is {} bytes long, more than the limit of {}",
                    text.len(),
                    self.max_note_bytes
                ),
            )
            .help = Some("shorten it, or raise `note_bytes` under `[limits]` in trustmap.toml".into());
            return None;
        }
        Some(text)
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, what, "`true` or `false`");
                None
            }
        }
    }

    fn keyword<T>(
        &mut self,
        node: &Node,
        what: &str,
        all: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Value::Str(text) = &node.value else {
            self.wrong_type(node, what, &format!("one of {}", quoted(all)));
            return None;
        };
        if let Some(value) = parse(text.trim()) {
            return Some(value);
        }
        let help = did_you_mean(&text.to_lowercase(), all.iter().copied())
            .unwrap_or_else(|| format!("expected one of {}", quoted(all)));
        self.error(node.span, "unknown-value", format!("unknown {what} {}", shown(text))).help = Some(help);
        None
    }

    fn date(&mut self, node: &Node) -> Option<Date> {
        let Value::Str(text) = &node.value else {
            self.wrong_type(node, "date", "a date `YYYY-MM-DD`");
            return None;
        };
        let date = Date::parse(text.trim());
        if date.is_none() {
            self.error(node.span, "bad-date", format!("{} is not a valid date", shown(text))).help =
                Some("write the date as `YYYY-MM-DD`, e.g. `2026-03-15`".into());
        }
        date
    }

    fn answers(&mut self, node: &Node) -> BTreeMap<String, Answer> {
        let mut answers = BTreeMap::new();
        let entries = match &node.value {
            Value::Null => return answers,
            Value::Map(entries) => entries,
            _ => {
                self.wrong_type(node, "answers", "a mapping from question id to answer");
                return answers;
            }
        };
        for (key, value) in self.unique(entries) {
            let Some(question) = self.questionnaire.question(&key.name) else {
                let help = did_you_mean(&key.name, self.questionnaire.question_ids());
                let d = self.error(
                    key.span,
                    "unknown-question",
                    format!("unknown question id {}", shown(&key.name)),
                );
                d.help = help.or_else(|| Some("`trustmap questions` lists every id".into()));
                continue;
            };
            if let Some(answer) = self.answer(question, value)
                && answer != Answer::default()
            {
                answers.insert(key.name.clone(), answer);
            }
        }
        answers
    }

    fn answer(&mut self, question: &Question, node: &Node) -> Option<Answer> {
        match &node.value {
            Value::Null => Some(Answer::default()),
            Value::Map(entries) => self.answer_fields(question, entries),
            Value::Seq(_) => {
                let (min, max) = (SCORE.start(), SCORE.end());
                self.wrong_type(
                    node,
                    &question.id,
                    &format!("a score from {min} to {max} or a mapping with `score` and `note`"),
                );
                None
            }
            _ => Some(Answer { score: self.score(node)?, ..Answer::default() }),
        }
    }

    /// Reads the fields of an answer: only a field of [`answer_file::FIELDS`] that the question
    /// takes is read.
    fn answer_fields(&mut self, question: &Question, entries: &[(Key, Node)]) -> Option<Answer> {
        let mut answer = Answer::default();
        let mut ok = true;
        for (key, value) in self.unique(entries) {
            if value.value == Value::Null {
                continue;
            }
            let field = answer_file::field(&key.name).filter(|f| f.taken_by(question.extra));
            match field.map(|f| f.name) {
                Some("score") => answer.score = self.score(value).flatten(),
                Some("note") => answer.note = self.text(value, "note"),
                Some("share_note") => answer.share_note = self.boolean(value, "share_note"),
                Some("people") => answer.people = self.people(value),
                Some("breach") => answer.breach = self.boolean(value, "breach"),
                Some("resolved") => answer.resolved = self.boolean(value, "resolved"),
                Some("growth_pct") => answer.growth_pct = self.percent(value, "growth_pct", GROWTH_PCT),
                Some("revenue_share_pct") => {
                    answer.revenue_share_pct = self.percent(value, "revenue_share_pct", REVENUE_SHARE_PCT)
                }
                _ => {
                    ok = false;
                    self.unknown_field(question, key);
                }
            }
        }
        if answer.resolved.is_some() && answer.breach != Some(true) {
            let span = entries.iter().find(|(k, _)| k.name == "resolved").map_or(Span::START, |e| e.0.span);
            self.diagnostics.push(
                Diagnostic::error(
                    self.path,
                    span,
                    "resolved-without-breach",
                    "`resolved` is given but `breach` is not `true`",
                )
                .with_severity(Severity::Warning)
                .with_help("set `breach: true` if trust was breached, or remove `resolved`"),
            );
        }
        if answer.share_note == Some(true) && answer.note.is_none() {
            let span = entries.iter().find(|(k, _)| k.name == "share_note").map_or(Span::START, |e| e.0.span);
            self.diagnostics.push(
                Diagnostic::error(
                    self.path,
                    span,
                    "share-note-without-note",
                    "`share_note` is given but there is no note",
                )
                .with_severity(Severity::Warning)
                .with_help("write the note to share under `note`, or remove `share_note`"),
            );
        }
        ok.then_some(answer)
    }

    fn unknown_field(&mut self, question: &Question, key: &Key) {
        let allowed: Vec<&str> = answer_file::fields_of(question.extra).map(|f| f.name).collect();
        let owner = answer_file::field(&key.name)
            .and_then(|f| f.extra)
            .and_then(|extra| self.questionnaire.questions().find(|q| q.extra == Some(extra)));
        let d = self.error(
            key.span,
            "unknown-field",
            format!("`{}` has no field {}", question.id, shown(&key.name)),
        );
        d.help = Some(match owner {
            Some(q) => format!("`{}` belongs to questions such as `{}`", key.name, q.id),
            None => did_you_mean(&key.name, allowed.iter().copied())
                .unwrap_or_else(|| format!("fields here: {}", allowed.join(", "))),
        });
    }

    /// A score on the [`SCORE`] scale; `Some(None)` for an explicit null.
    fn score(&mut self, node: &Node) -> Option<Option<u8>> {
        let (min, max) = (*SCORE.start(), *SCORE.end());
        match node.value {
            Value::Null => Some(None),
            Value::Int(s) if (i64::from(min)..=i64::from(max)).contains(&s) => Some(Some(s as u8)),
            // `4.0` is the whole number 4.
            Value::Float(s) if s.fract() == 0.0 && (f64::from(min)..=f64::from(max)).contains(&s) => {
                Some(Some(s as u8))
            }
            Value::Int(_) | Value::Float(_) => {
                let found = shown(&self.written(node));
                let whole = match node.value {
                    Value::Float(s) => s.fract() == 0.0 || !s.is_finite(),
                    _ => true,
                };
                let (code, message) = match whole {
                    true => ("score-range", format!("score must be from {min} to {max}, found {found}")),
                    false => (
                        "not-integer",
                        format!("score must be a whole number from {min} to {max}, found {found}"),
                    ),
                };
                self.error(node.span, code, message);
                None
            }
            _ => {
                self.wrong_type(node, "score", &format!("a whole number from {min} to {max}"));
                None
            }
        }
    }

    fn percent(&mut self, node: &Node, what: &str, range: RangeInclusive<i32>) -> Option<f64> {
        let (min, max) = (*range.start(), *range.end());
        let value = match node.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => {
                self.wrong_type(node, what, "a percentage (a number)");
                return None;
            }
        };
        if !(f64::from(min)..=f64::from(max)).contains(&value) {
            let found = shown(&self.written(node));
            self.error(
                node.span,
                "out-of-range",
                format!("`{what}` must be from {min} to {max}, found {found}"),
            );
            return None;
        }
        Some(value)
    }

    fn people(&mut self, node: &Node) -> Vec<Person> {
        let Value::Seq(items) = &node.value else {
            self.wrong_type(node, "people", "a list of people");
            return Vec::new();
        };
        items.iter().filter_map(|item| self.person(item)).collect()
    }

    fn person(&mut self, node: &Node) -> Option<Person> {
        let entries = match &node.value {
            Value::Str(_) => {
                return Some(Person { name: self.text(node, "name")?, role: None, contact: None });
            }
            Value::Map(entries) => entries,
            _ => {
                self.wrong_type(node, "person", "a mapping with `name`, `role` and `contact`");
                return None;
            }
        };
        let (mut name, mut role, mut contact) = (None, None, None);
        for (key, value) in self.unique(entries) {
            match answer_file::person_key(&key.name).map(|k| k.name) {
                Some("name") => name = self.text(value, "name"),
                Some("role") => role = self.text(value, "role"),
                Some("contact") => contact = self.keyword(value, "contact", Frequency::ALL, Frequency::parse),
                _ => {
                    let keys: Vec<&str> = answer_file::names(PERSON).collect();
                    let help = did_you_mean(&key.name, keys.iter().copied())
                        .unwrap_or_else(|| format!("a person has {}", quoted(&keys)));
                    self.error(key.span, "unknown-key", format!("unknown key {}", shown(&key.name))).help =
                        Some(help);
                }
            }
        }
        if name.is_none() && !entries.iter().any(|(k, _)| k.name == "name") {
            self.error(node.span, "missing-key", "a person needs a `name`".into());
        }
        Some(Person { name: name?, role, contact })
    }
}

fn quoted(words: &[&str]) -> String {
    words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
}

/// The checks across files: two files claiming the same partner, round, side and respondent;
/// and one id derived from two different partner names (two companies that would be merged
/// into one, with a false trend).
pub fn across_files(assessments: &[&Assessment]) -> Vec<Diagnostic> {
    let mut sorted: Vec<&Assessment> = assessments.to_vec();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    let mut out = duplicates(&sorted);
    out.extend(collisions(&sorted));
    out
}

/// Reports partner ids claimed by two files of the same round, side and respondent.
fn duplicates(sorted: &[&Assessment]) -> Vec<Diagnostic> {
    let mut seen: BTreeMap<(&str, Date, Perspective, Option<&str>), &Assessment> = BTreeMap::new();
    let mut out = Vec::new();
    for a in sorted.iter().copied() {
        let key = (a.id.as_str(), a.date, a.perspective, a.respondent.as_deref());
        if let Some(first) = seen.get(&key) {
            let at = if a.id_is_explicit() { a.span("id") } else { a.span("partner") };
            out.push(
                Diagnostic::error(
                    &a.source,
                    at,
                    "duplicate-partner",
                    format!(
                        "partner id `{}` for {} is also claimed by `{}`",
                        a.id,
                        a.date,
                        crate::diagnostic::path_shown(&first.source)
                    ),
                )
                .with_help("give one of the files another `id`, `date`, `perspective` or `respondent`"),
            );
        } else {
            seen.insert(key, a);
        }
    }
    out
}

/// A name compared for "the same partner": case, spacing and accents aside.
fn same_name(name: &str) -> String {
    deunicode::deunicode(name).to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reports an id that files derive from different partner names: `A&B Logistiek` and `A-B
/// Logistiek` both give `a-b-logistiek`. Files that state the id themselves (`id:`) say they
/// mean one partner, so only a derived id is questioned. Each such file after the first name is
/// reported, pointing at the first.
fn collisions(sorted: &[&Assessment]) -> Vec<Diagnostic> {
    let mut first: BTreeMap<&str, &Assessment> = BTreeMap::new();
    let mut out = Vec::new();
    for a in sorted.iter().copied() {
        let Some(other) = first.get(a.id.as_str()).copied() else {
            first.insert(&a.id, a);
            continue;
        };
        if same_name(&a.partner) == same_name(&other.partner)
            || (a.id_is_explicit() && other.id_is_explicit())
        {
            continue;
        }
        let at = other.span("partner");
        out.push(
            Diagnostic::error(
                &a.source,
                a.span("partner"),
                "id-collision",
                format!(
                    "{} ({}) and {} ({}, in `{}` line {}) both give the id `{}`, so they would be read as one partner",
                    shown(&a.partner),
                    a.role,
                    shown(&other.partner),
                    other.role,
                    crate::diagnostic::path_shown(&other.source),
                    at.line,
                    a.id
                ),
            )
            .with_help(
                "if they are different partners, give each an `id:` of its own; if they are the same, write the name the same way in both (or give both the same `id:`)",
            ),
        );
    }
    out
}
