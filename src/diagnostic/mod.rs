//! Problems found in input files, with the `file:line:col` they point at, and their three
//! renderings: rustc-style text with the source line and a caret, JSON, and GitHub annotations.
//! Whatever came from a file (its name, the values quoted) is printed with its control and
//! bidirectional-override characters escaped, so it cannot drive a terminal or forge a line.

mod lines;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use lines::Lines;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

/// A position in a source file: 1-based line and column (in characters), and the width of the
/// offending text in characters (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    #[serde(skip)]
    pub len: u32,
}

impl Span {
    pub const fn new(line: u32, column: u32, len: u32) -> Self {
        Self { line, column, len }
    }

    /// The start of a file, for problems that concern the file as a whole.
    pub const START: Span = Span::new(1, 1, 1);

    /// No place at all, for a problem Typst reports without one: shown without a location.
    pub const NOWHERE: Span = Span::new(0, 0, 0);

    /// This span moved down by `lines` (for YAML front matter inside a Markdown file).
    pub fn shifted(self, lines: u32) -> Self {
        Self { line: self.line + lines, ..self }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    /// A stable, kebab-case identifier of the kind of problem (e.g. `unknown-question`).
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// Further context, shown after the help in text output only (e.g. a Typst hint).
    #[serde(skip)]
    pub notes: Vec<String>,
    #[serde(skip)]
    pub len: u32,
}

impl Diagnostic {
    pub fn error(path: &Path, span: Span, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line: span.line,
            column: span.column,
            len: span.len.max(1),
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            notes: Vec::new(),
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the problem as rustc does: `severity[code]: message`, the `path:line:col` it
    /// points at, the source line with a mark under the offending text, then any help and
    /// notes. `source` is the file's text, if it could be read.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let lines = source.map(Lines::new);
        self.render_with_line(lines.as_ref().and_then(|l| l.line(self.line)), color)
    }

    /// [`Diagnostic::render`] with the offending line of the source already found. The line is
    /// shown with its [unsafe characters](is_unsafe_char) replaced, and the mark is placed by
    /// display width, so it stays under the text with wide characters (CJK, emoji) before it.
    pub fn render_with_line(&self, line_text: Option<&str>, color: bool) -> String {
        let message = escape_controls(&shorten(&self.message, MESSAGE_MAX)).into_owned();
        let path = path_shown(&self.path);
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = Group::with_title(level.primary_title(message).id(self.code));
        group = match line_text {
            Some(text) => {
                let text = safe_line(text);
                let range = char_range(&text, self.column as usize, self.len as usize);
                group.element(
                    Snippet::source(text)
                        .line_start(self.line as usize)
                        .path(path)
                        .annotation(AnnotationKind::Primary.span(range)),
                )
            }
            None if self.line == 0 => group,
            None => {
                group.element(Origin::path(path).line(self.line as usize).char_column(self.column as usize))
            }
        };
        let footers =
            self.help.iter().map(|h| (Level::HELP, h)).chain(self.notes.iter().map(|n| (Level::NOTE, n)));
        for (level, text) in footers {
            group = group.element(level.message(escape_controls(&shorten(text, MESSAGE_MAX)).into_owned()));
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&[group]) + "\n"
    }

    /// One GitHub Actions workflow command, e.g. `::error file=a.yaml,line=3,col=5::message`.
    pub fn github(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = shorten(&self.message, MESSAGE_MAX).into_owned();
        if let Some(help) = &self.help {
            message.push_str(" (");
            message.push_str(&shorten(help, MESSAGE_MAX));
            message.push(')');
        }
        let message = escape_controls(&message);
        format!(
            "::{kind} file={},line={},col={},title={}::{}",
            escape_property(&path_shown(&self.path)),
            self.line,
            self.column,
            escape_property(self.code),
            escape_data(&message)
        )
    }
}

/// How a list of diagnostics is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// `path:line:col: error: message`, the source line and a caret.
    Text { color: bool },
    /// A JSON array of diagnostics.
    Json,
    /// GitHub Actions workflow commands.
    Github,
}

/// At most this many diagnostics of one file are printed as text; JSON has them all.
const SHOWN_PER_FILE: usize = 200;

/// The largest file read again to quote its lines: a diagnostic's file was read within the
/// workspace's limit once; this only keeps a file that has grown since from being read whole.
const REREAD_BYTES: u64 = 64 << 20;

/// Messages and help are cut to this many characters.
const MESSAGE_MAX: usize = 1000;

/// Renders diagnostics in one of the output formats; `sources` holds the files' texts (a file
/// not in it is read again, to quote its lines). Text output shows the first
/// [`SHOWN_PER_FILE`] of each file and says how many more there are.
pub fn report(
    diagnostics: &[Diagnostic],
    sources: &BTreeMap<PathBuf, String>,
    output: Output,
) -> crate::Result<String> {
    Ok(match output {
        Output::Text { color } => {
            let missing: BTreeSet<&Path> =
                diagnostics.iter().map(|d| d.path.as_path()).filter(|p| !sources.contains_key(*p)).collect();
            let reread: BTreeMap<&Path, String> = (missing.into_iter())
                .filter_map(|p| Some((p, crate::load::read::again(p, REREAD_BYTES)?)))
                .collect();
            // One line index per file, made once: quoting a line is then as cheap for the
            // 50,000th diagnostic of a file as for the first.
            let mut indexes: BTreeMap<&Path, Lines> = BTreeMap::new();
            let mut per_file: BTreeMap<&Path, usize> = BTreeMap::new();
            let mut out = Vec::new();
            for d in diagnostics {
                let count = per_file.entry(&d.path).or_default();
                *count += 1;
                if *count > SHOWN_PER_FILE {
                    continue;
                }
                let lines = (sources.get(&d.path).or_else(|| reread.get(d.path.as_path())))
                    .map(|text| &*indexes.entry(&d.path).or_insert_with(|| Lines::new(text)));
                out.push(d.render_with_line(lines.and_then(|l| l.line(d.line)), color));
            }
            for (path, count) in per_file.iter().filter(|(_, n)| **n > SHOWN_PER_FILE) {
                out.push(format!(
                    "{}: {} not shown (`--format json` lists them all)\n",
                    path_shown(path),
                    plural(count - SHOWN_PER_FILE, "more problem")
                ));
            }
            out.join("\n")
        }
        Output::Json => serde_json::to_string_pretty(diagnostics)? + "\n",
        Output::Github => diagnostics.iter().map(|d| d.github() + "\n").collect(),
    })
}

/// Whether `c` must not reach a terminal as it is: a control character (C0, DEL, C1) or one
/// that reorders or hides text (bidirectional overrides and isolates, zero-width marks).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}' | '\u{FEFF}')
}

/// `text` with every [unsafe character](is_unsafe_char) written as `\u{…}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path as shown to a person: its unsafe characters escaped.
pub fn path_shown(path: &Path) -> String {
    escape_controls(&path.display().to_string()).into_owned()
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", &text[..at])),
    }
}

/// A value from a file, quoted for a message: in backticks, cut to 60 characters, its unsafe
/// characters escaped.
pub fn shown(value: &str) -> String {
    format!("`{}`", escape_controls(&shorten(value, 60)))
}

/// `n word`, with an `s` unless `n` is 1.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// A source line made safe to print: [unsafe characters](is_unsafe_char), which could drive
/// the terminal or reorder the line, become `�` (tabs stay: the renderer expands them).
fn safe_line(line: &str) -> String {
    line.chars().map(|c| if c != '\t' && is_unsafe_char(c) { '\u{fffd}' } else { c }).collect()
}

/// The byte range of `len` characters from 1-based character `column` of `line`, kept inside
/// the line (an empty range at its end when the column lies past it).
fn char_range(line: &str, column: usize, len: usize) -> std::ops::Range<usize> {
    let byte = |chars: usize| line.char_indices().nth(chars).map_or(line.len(), |(i, _)| i);
    let start = byte(column.saturating_sub(1));
    let end = start + line[start..].char_indices().nth(len.max(1)).map_or(line.len() - start, |(i, _)| i);
    start..end
}

/// GitHub workflow-command escaping for the message part.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// GitHub workflow-command escaping for `key=value` properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Sorts diagnostics by file, then position, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code)));
}

/// The closest candidate to `word` if it is plausibly a typo of it ("did you mean").
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `did you mean `x`?` as help text, if there is a close candidate.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_the_span() {
        let d = Diagnostic::error(Path::new("a.yaml"), Span::new(2, 3, 5), "x", "bad thing").with_help("h");
        let text = d.render(Some("one\n  trust: 4\n"), false);
        assert_eq!(
            text,
            "error[x]: bad thing\n --> a.yaml:2:3\n  |\n2 |   trust: 4\n  |   ^^^^^\n  |\n  = help: h\n"
        );
    }

    /// The column of `needle` in `line` as a terminal shows it (wide characters take two).
    fn display_column(line: &str, needle: char) -> usize {
        let at = line.find(needle).unwrap();
        unicode_width::UnicodeWidthStr::width(&line[..at])
    }

    #[test]
    fn the_caret_stays_under_the_text_after_wide_characters() {
        for before in ["日本語テキスト: ", "😀😀 ", "e\u{301}e\u{301} ", "\tkey: "] {
            let line = format!("{before}X and more");
            let column = before.chars().count() as u32 + 1;
            let d = Diagnostic::error(Path::new("a.yaml"), Span::new(1, column, 1), "x", "bad");
            let text = d.render(Some(&line), false);
            let shown = text.lines().nth(3).unwrap();
            let caret = text.lines().nth(4).unwrap();
            assert_eq!(display_column(caret, '^'), display_column(shown, 'X'), "{before:?}:\n{text}");
        }
    }

    #[test]
    fn source_lines_are_printed_safely() {
        let d = Diagnostic::error(Path::new("a.yaml"), Span::new(1, 201, 1), "x", "bad");
        let line = format!("\u{1b}[31m\u{9b}2J\u{202e}{}X{}", "a".repeat(191), "b".repeat(300));
        let text = d.render(Some(&line), false);
        assert!(!text.contains(['\u{1b}', '\u{9b}', '\u{202e}']), "no control reaches the terminal");
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        assert!(shown.chars().count() < 160, "a long line is cut: {shown}");
        assert_eq!(display_column(caret, '^'), display_column(shown, 'X'), "{text}");
    }

    #[test]
    fn github_escapes_newlines_and_commas() {
        let d = Diagnostic::error(Path::new("a,b.yaml"), Span::START, "c", "x\ny");
        assert_eq!(d.github(), "::error file=a%2Cb.yaml,line=1,col=1,title=c::x\\u{a}y");
        let d = Diagnostic::error(Path::new("a\n::error::forged.yaml"), Span::START, "c", "m");
        assert_eq!(d.github().lines().count(), 1, "{}", d.github());
    }

    #[test]
    fn names_and_values_cannot_drive_the_terminal() {
        let d = Diagnostic::error(Path::new("a\u{1b}[2J\u{202e}.yaml"), Span::START, "c", "bad `\u{7}`")
            .with_help("x\ny");
        let text = d.render(None, false);
        assert_eq!(text, "error[c]: bad `\\u{7}`\n--> a\\u{1b}[2J\\u{202e}.yaml:1:1\n = help: x\\u{a}y\n");
        assert_eq!(shown(&"x".repeat(100)), format!("`{}…`", "x".repeat(60)));
    }

    #[test]
    fn rendering_many_diagnostics_of_one_file_is_linear_and_capped() {
        let text = "k: v\n".repeat(60_000);
        let path = PathBuf::from("big.yaml");
        let diagnostics: Vec<Diagnostic> =
            (1..=50_000).map(|line| Diagnostic::error(&path, Span::new(line, 1, 1), "x", "bad")).collect();
        let sources = BTreeMap::from([(path.clone(), text)]);
        let out = report(&diagnostics, &sources, Output::Text { color: false }).unwrap();
        assert_eq!(out.matches("error[x]: bad").count(), SHOWN_PER_FILE);
        assert!(out.contains("big.yaml: 49800 more problems not shown"), "{}", &out[out.len() - 200..]);
    }

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["trust.expertise", "trust.openness"];
        assert_eq!(suggest("trust.expertize", ids), Some("trust.expertise"));
        assert_eq!(suggest("growth", ids), None);
    }
}
