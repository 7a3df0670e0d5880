//! A YAML-shaped value tree in which every key and value remembers where it stands in the
//! source. Both answer-file formats are loaded into it, so one validator serves both.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::answer_file::{Kind, NO, SCORE, YES};
use crate::diagnostic::Span;

/// A value and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in source order; keys are scalars rendered as text.
    Map(Vec<(Key, Node)>),
}

impl Value {
    /// The typed value of a field written as text (a Markdown field line, a spreadsheet's cell),
    /// as YAML would have given it: by what the field holds, in either language (`ja`, `12,5 %`,
    /// `4/5`); what does not read as its kind stays text, for the validator to report.
    pub fn from_text(kind: &Kind, text: &str) -> Value {
        if text.is_empty() {
            return Value::Null;
        }
        let lower = text.to_lowercase();
        let parsed = match kind {
            Kind::Score => {
                let scale = format!("/{}", SCORE.end());
                let number = lower.strip_suffix(scale.as_str()).unwrap_or(&lower).trim();
                number
                    .parse::<i64>()
                    .map(Value::Int)
                    .ok()
                    .or_else(|| number.parse::<f64>().ok().map(Value::Float))
            }
            Kind::Bool => match lower.as_str() {
                word if YES.contains(&word) => Some(Value::Bool(true)),
                word if NO.contains(&word) => Some(Value::Bool(false)),
                _ => None,
            },
            Kind::Percent(_) => {
                let number = lower.strip_suffix('%').unwrap_or(&lower).trim().replace(',', ".");
                number
                    .parse::<i64>()
                    .map(Value::Int)
                    .ok()
                    .or_else(|| number.parse::<f64>().ok().map(Value::Float))
            }
            _ => None,
        };
        parsed.unwrap_or_else(|| Value::Str(text.into()))
    }
}

/// A mapping key and its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Self { value, span }
    }

    /// A short description of the value's type, for "expected X, found Y" messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Moves every span in the tree down by `lines`.
    pub fn shift(&mut self, lines: u32) {
        self.span = self.span.shifted(lines);
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.shift(lines)),
            Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.span = k.span.shifted(lines);
                v.shift(lines);
            }),
            _ => {}
        }
    }

    /// Text form of a scalar, as a key would be written.
    fn scalar_text(&self) -> String {
        match &self.value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Str(s) => s.clone(),
            Value::Seq(_) => "[…]".into(),
            Value::Map(_) => "{…}".into(),
        }
    }
}

/// Converts serde-saphyr's location into ours.
pub(crate) fn span_of(location: &serde_saphyr::Location) -> Span {
    let len = u32::try_from(location.span().len()).unwrap_or(1);
    Span::new(
        u32::try_from(location.line()).unwrap_or(u32::MAX),
        u32::try_from(location.column()).unwrap_or(u32::MAX),
        len.max(1),
    )
}

/// The text at `location` in `text`, if serde-saphyr knows its bytes.
fn written<'t>(location: &serde_saphyr::Location, text: &'t str) -> Option<&'t str> {
    let span = location.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    text.get(start..start.checked_add(len)?)
}

/// The raw shape deserialised by serde-saphyr, converted into [`Node`] afterwards.
enum Raw {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<serde_saphyr::Spanned<Raw>>),
    Map(Vec<(serde_saphyr::Spanned<Raw>, serde_saphyr::Spanned<Raw>)>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Raw, E> {
        Ok(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Str(v))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Raw, D::Error> {
        Raw::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Raw::Map(entries))
    }
}

/// Converts the raw tree of `text` into nodes. A key is named as written: `no:` is the key
/// `no`, although as a value YAML 1.1 reads `no` as false.
fn convert(raw: serde_saphyr::Spanned<Raw>, text: &str) -> Node {
    let span = span_of(&raw.referenced);
    let value = match raw.value {
        Raw::Null => Value::Null,
        Raw::Bool(b) => Value::Bool(b),
        Raw::Int(i) => Value::Int(i),
        Raw::Float(f) => Value::Float(f),
        Raw::Str(s) => Value::Str(s),
        Raw::Seq(items) => Value::Seq(items.into_iter().map(|item| convert(item, text)).collect()),
        Raw::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let written = written(&k.referenced, text);
                    let key = convert(k, text);
                    let name = match key.value {
                        Value::Bool(_) => written.map_or_else(|| key.scalar_text(), str::to_owned),
                        _ => key.scalar_text(),
                    };
                    (Key { name, span: key.span }, convert(v, text))
                })
                .collect(),
        ),
    };
    Node::new(value, span)
}

/// A YAML syntax problem: where, and what.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 50_000;
const MAX_ALIASES: usize = 200;

/// Budgets that stop alias bombs and absurdly deep documents in an answer file.
fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_aliases = MAX_ALIASES;
    budget.max_anchors = MAX_ALIASES;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options
}

/// Parses YAML text into a [`Node`] tree. An empty document is `Null`.
pub fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    use serde_saphyr::MessageFormatter as _;
    if text.trim().is_empty() {
        return Ok(Node::new(Value::Null, Span::START));
    }
    match serde_saphyr::from_str_with_options::<serde_saphyr::Spanned<Raw>>(text, options()) {
        Ok(raw) => Ok(convert(raw, text)),
        Err(err) => {
            let span = err.location().map_or(Span::START, |l| span_of(&l));
            let message = match &err {
                serde_saphyr::Error::Budget { breach, .. } => budget_message(breach),
                _ => serde_saphyr::UserMessageFormatter.format_message(err.without_snippet()).into_owned(),
            };
            let message = if message.contains("recursion limit") {
                budget_message(&Breach::Depth { depth: 0 })
            } else {
                message
            };
            Err(SyntaxError { span, message })
        }
    }
}

use serde_saphyr::budget::BudgetBreach as Breach;

/// What a breached budget means, in words: which limit, and the limit.
fn budget_message(breach: &Breach) -> String {
    let (what, limit) = match breach {
        Breach::Depth { .. } => ("nests deeper than", format!("{MAX_DEPTH} levels")),
        Breach::Nodes { .. } => ("has more values than", format!("{MAX_NODES} nodes")),
        Breach::Aliases { .. } | Breach::AliasAnchorRatio { .. } => {
            ("repeats more than", format!("{MAX_ALIASES} aliases (`*name`)"))
        }
        Breach::Anchors { .. } => ("defines more than", format!("{MAX_ALIASES} anchors (`&name`)")),
        other => return format!("the file is too large or too complex for an answer file ({other:?})"),
    };
    format!("the file {what} an answer file may: at most {limit}")
}

/// The metadata of a file whose YAML does not parse as a whole, as far as it can be read: the
/// top-level entries before the error, and each later top-level entry that could hold a key
/// such as `partner` or `id`, read on its own after those before the error (so aliases to their
/// anchors resolve). `None` when nothing can be read, or when a key is given twice (so the file
/// cannot be said to claim either). Bounded: a few parses, whatever the file.
pub fn parse_partial(text: &str) -> Option<Node> {
    let error_line = match parse_yaml(text) {
        Ok(node) => return Some(node),
        Err(e) => e.span.line as usize,
    };
    // Byte offsets of the lines that start a top-level entry.
    let mut starts = Vec::new();
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let first = line.chars().next().unwrap_or(' ');
        if !first.is_whitespace()
            && !line.starts_with('#')
            && !line.starts_with("---")
            && !line.starts_with("...")
        {
            starts.push((n + 1, offset));
        }
        offset += line.len();
    }
    // The entries wholly before the line of the error.
    let before = starts.iter().rposition(|(line, _)| *line <= error_line).unwrap_or(0);
    let (k, prefix, mut root) = (0..=before).rev().take(8).find_map(|k| {
        let end = starts.get(k).map_or(0, |(_, at)| *at);
        let prefix = &text[..end];
        match parse_yaml(prefix) {
            Ok(node) if matches!(node.value, Value::Map(_)) => Some((k, prefix, node)),
            Ok(node) if node.value == Value::Null => {
                Some((k, prefix, Node::new(Value::Map(Vec::new()), Span::START)))
            }
            _ => None,
        }
    })?;
    let Value::Map(entries) = &mut root.value else { return None };
    // `text` with every byte of `range` that is not a line end made a space: a part left out
    // keeps its lines, so positions in what is parsed are positions in the file.
    let blank = |range: std::ops::Range<usize>| -> String {
        text[range].bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }).collect()
    };
    let candidates = starts.iter().enumerate().skip(k).filter(|(_, (_, at))| {
        let line = text[*at..].lines().next().unwrap_or_default();
        line.contains("partner") || line.contains("id")
    });
    for (j, &(_, at)) in candidates.take(16) {
        let end = starts.get(j + 1).map_or(text.len(), |(_, e)| *e);
        let block = &text[at..end];
        let last = |text: &str| match parse_yaml(text) {
            Ok(Node { value: Value::Map(mut found), .. }) => found.pop(),
            _ => None,
        };
        // After the entries before the error, so that aliases resolve; else alone (a key given
        // twice fails with them, and must be seen).
        let with_prefix = format!("{prefix}{}{block}", blank(prefix.len()..at));
        let alone = format!("{}{block}", blank(0..at));
        let Some(entry) = last(&with_prefix).or_else(|| last(&alone)) else {
            // An `id` or `partner` that cannot be read: the file's partner cannot be told.
            if names_key(block, "id") || names_key(block, "partner") {
                return None;
            }
            continue;
        };
        if entries.iter().any(|(key, _)| key.name == entry.0.name) {
            return None;
        }
        entries.push(entry);
    }
    Some(root)
}

/// Whether `block` opens with the mapping key `key` (quoted or not).
fn names_key(block: &str, key: &str) -> bool {
    let rest = block.trim_start_matches(['"', '\'']);
    rest.strip_prefix(key)
        .map(|r| r.trim_start_matches(['"', '\'']).trim_start())
        .is_some_and(|r| r.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(text: &str) -> Vec<(String, Value)> {
        let Some(Node { value: Value::Map(entries), .. }) = parse_partial(text) else { return Vec::new() };
        entries.into_iter().map(|(k, v)| (k.name, v.value)).collect()
    }

    #[test]
    fn keys_are_named_as_written() {
        let Value::Map(entries) = parse_yaml("no: 1\nYes: 2\n\"on\": 3\ntrue: 4\n").unwrap().value else {
            panic!()
        };
        let names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["no", "Yes", "on", "true"]);
        let Value::Map(entries) = parse_yaml("a: no\n").unwrap().value else { panic!() };
        assert_eq!(entries[0].1.value, Value::Bool(false), "a value stays a boolean");
    }

    #[test]
    fn metadata_is_read_around_a_syntax_error() {
        let s = |x: &str| Value::Str(x.into());
        assert_eq!(
            claimed("partner: A # comment\nrole: x\nanswers:\n  a: [\n"),
            [("partner".into(), s("A")), ("role".into(), s("x"))]
        );
        assert_eq!(claimed("answers: [\nid: abc\n"), [("id".into(), s("abc"))], "after the error");
        assert_eq!(
            claimed("\"partner\": &n \"A\\u0026B\"\nx: [\nid2: *n\n"),
            [("partner".into(), s("A&B")), ("id2".into(), s("A&B"))]
        );
        assert_eq!(claimed("partner: A\npartner: B\n"), [], "given twice: nobody's");
        assert_eq!(claimed("{partner: A, answers: [\n"), []);
        assert_eq!(claimed("partner: A\nid: 'a\nrole: x\n"), [], "an id that cannot be read: nobody's");
        let root = parse_partial("x: [\nrole: y\npartner: 3.10\n").unwrap();
        let Value::Map(entries) = root.value else { panic!() };
        assert_eq!(entries[0].1.span.line, 3, "positions are the file's");
    }

    #[test]
    fn keys_and_values_carry_positions() {
        let node = parse_yaml("a: 1\nb:\n  c: x\n").unwrap();
        let Value::Map(entries) = node.value else { panic!("not a map") };
        assert_eq!(entries[1].0.span, Span::new(2, 1, 1));
        let Value::Map(inner) = &entries[1].1.value else { panic!("not a map") };
        assert_eq!(inner[0].1.span.line, 3);
        assert_eq!(inner[0].1.span.column, 6);
    }

    #[test]
    fn duplicate_keys_are_syntax_errors_with_position() {
        let err = parse_yaml("partner: a\npartner: b\n").unwrap_err();
        assert_eq!((err.span.line, err.span.column), (2, 1));
        assert!(err.message.contains("duplicate"), "{}", err.message);
    }

    #[test]
    fn alias_bombs_hit_the_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse_yaml(&text).is_err());
    }
}
