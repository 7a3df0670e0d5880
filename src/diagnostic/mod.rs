//! Problems found in input files, with the `file:line:col` they point at, and their three
//! renderings: rustc-style text with the source line and a caret, JSON, and GitHub annotations.
//! Whatever came from a file (its name, the values quoted) is printed with its control and
//! bidirectional-override characters escaped, so it cannot drive a terminal or forge a line.

mod lines;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use lines::Lines;

use anstyle::{AnsiColor, Style};
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

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    fn style(self) -> Style {
        let color = match self {
            Severity::Error => AnsiColor::BrightRed,
            Severity::Warning => AnsiColor::BrightYellow,
            Severity::Note => AnsiColor::BrightCyan,
        };
        Style::new().bold().fg_color(Some(color.into()))
    }
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

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders `path:line:col: severity: message`, then the source line with a caret under the
    /// offending text, then any help. `source` is the file's text, if it could be read.
    pub fn render(&self, source: Option<&str>, color: bool) -> String {
        let lines = source.map(Lines::new);
        self.render_line(lines.as_ref().and_then(|l| l.line(self.line)), color)
    }

    /// [`Diagnostic::render`] with the offending line of the source already found.
    fn render_line(&self, line_text: Option<&str>, color: bool) -> String {
        let paint = |style: Style, text: &str| {
            if color { format!("{style}{text}{style:#}") } else { text.to_owned() }
        };
        let bold = Style::new().bold();
        let blue = Style::new().bold().fg_color(Some(AnsiColor::BrightBlue.into()));
        let mut out = format!(
            "{}: {}: {}\n",
            paint(bold, &format!("{}:{}:{}", path_shown(&self.path), self.line, self.column)),
            paint(self.severity.style(), self.severity.label()),
            paint(bold, &escape_controls(&shorten(&self.message, MESSAGE_MAX))),
        );
        if let Some(text) = line_text {
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let (text, column) = excerpt(text, self.column as usize);
            let available = text.chars().count().saturating_sub(column - 1);
            let width = (self.len as usize).min(available).max(1);
            let caret = format!("{}{}", " ".repeat(column - 1), "^".repeat(width));
            let _ = writeln!(out, "{pad} {}", paint(blue, "|"));
            let _ = writeln!(out, "{} {text}", paint(blue, &format!("{number} |")));
            let _ = writeln!(out, "{pad} {} {}", paint(blue, "|"), paint(self.severity.style(), &caret));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(
                out,
                "  {} {}",
                paint(bold, "= help:"),
                escape_controls(&shorten(help, MESSAGE_MAX))
            );
        }
        out
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

/// Messages and help are cut to this many characters.
const MESSAGE_MAX: usize = 1000;

/// Renders diagnostics in one of the output formats; `sources` holds the files' texts. Text
/// output shows the first [`SHOWN_PER_FILE`] of each file and says how many more there are.
pub fn report(
    diagnostics: &[Diagnostic],
    sources: &BTreeMap<PathBuf, String>,
    output: Output,
) -> crate::Result<String> {
    Ok(match output {
        Output::Text { color } => {
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
                let lines = sources
                    .get(&d.path)
                    .map(|text| &*indexes.entry(&d.path).or_insert_with(|| Lines::new(text)));
                out.push(d.render_line(lines.and_then(|l| l.line(d.line)), color));
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

/// A source line made safe to print: [unsafe characters](is_unsafe_char) (which could drive
/// the terminal or reorder the line) become `�`, tabs become spaces, and a long line is cut to a window around `column`.
/// Returns the text and the column within it.
pub fn excerpt(line: &str, column: usize) -> (String, usize) {
    const WINDOW: usize = 120;
    let chars: Vec<char> = line
        .chars()
        .map(|c| {
            if c == '\t' {
                ' '
            } else if is_unsafe_char(c) {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    let column = column.clamp(1, chars.len() + 1);
    if chars.len() <= WINDOW {
        return (chars.into_iter().collect(), column);
    }
    let start = column.saturating_sub(WINDOW / 2).min(chars.len() - WINDOW);
    let mut text: String = chars[start..start + WINDOW].iter().collect();
    let mut column = column - start;
    if start > 0 {
        text.insert(0, '…');
        column += 1;
    }
    if start + WINDOW < chars.len() {
        text.push('…');
    }
    (text, column)
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
        let d = Diagnostic::error(Path::new("a.yaml"), Span::new(2, 3, 5), "x", "bad thing");
        let text = d.render(Some("one\n  trust: 4\n"), false);
        assert_eq!(text, "a.yaml:2:3: error: bad thing\n  |\n2 |   trust: 4\n  |   ^^^^^\n");
    }

    #[test]
    fn source_lines_are_printed_safely() {
        let d = Diagnostic::error(Path::new("a.yaml"), Span::new(1, 201, 1), "x", "bad");
        let line = format!("\u{1b}[31m{}X{}", "a".repeat(195), "b".repeat(300));
        let text = d.render(Some(&line), false);
        assert!(!text.contains('\u{1b}'), "no escape sequences reach the terminal");
        let shown = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        assert!(shown.chars().count() < 140, "{shown}");
        let at = caret.chars().position(|c| c == '^').unwrap();
        assert_eq!(shown.chars().nth(at), Some('X'), "the caret still points at the right character");
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
        assert_eq!(text, "a\\u{1b}[2J\\u{202e}.yaml:1:1: error: bad `\\u{7}`\n  = help: x\\u{a}y\n");
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
        assert_eq!(out.matches(": error: bad").count(), SHOWN_PER_FILE);
        assert!(out.contains("big.yaml: 49800 more problems not shown"), "{}", &out[out.len() - 200..]);
    }

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["trust.expertise", "trust.openness"];
        assert_eq!(suggest("trust.expertize", ids), Some("trust.expertise"));
        assert_eq!(suggest("growth", ids), None);
    }
}
