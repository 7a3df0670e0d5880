//! Reads one answer file (YAML, or Markdown with front matter) into a [`Document`]: its text and
//! a position-carrying value tree of the same shape for both formats. Checking that tree against
//! the questionnaire is the next stage's job ([`crate::validate`]).

mod markdown;
pub mod node;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::Format;
pub use node::{Key, Node, Value};

/// A loaded answer file, not yet validated.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub format: Format,
    pub root: Node,
}

/// What loading one file gave.
#[derive(Debug, Clone)]
pub enum Loaded {
    Document(Document),
    /// Not an assessment (a README in the folder): a note says why it was skipped.
    Skipped(Diagnostic),
    /// The file could not be read or parsed. `text` is kept to show source lines.
    Failed {
        text: Option<String>,
        diagnostics: Vec<Diagnostic>,
    },
}

/// The answer-file format of a path, by its extension.
pub fn format_of(path: &Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "yaml" | "yml" => Some(Format::Yaml),
        "md" | "markdown" => Some(Format::Markdown),
        _ => None,
    }
}

/// Reads and parses one file.
pub fn load(path: &Path) -> Loaded {
    let fail = |span, code, message: String| Loaded::Failed {
        text: None,
        diagnostics: vec![Diagnostic::error(path, span, code, message)],
    };
    let Some(format) = format_of(path) else {
        return fail(Span::START, "unsupported-file", "not a `.yaml`, `.yml` or `.md` file".into());
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return fail(Span::START, "unreadable", format!("cannot read file ({e})")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = String::from_utf8_lossy(valid);
            let line = valid.matches('\n').count() as u32 + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            return fail(Span::new(line, column, 1), "not-utf8", "file is not valid UTF-8".into());
        }
    };
    parse(path, text, format)
}

/// Parses text already read from `path`.
pub fn parse(path: &Path, text: String, format: Format) -> Loaded {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    let root = match format {
        Format::Yaml => node::parse_yaml(&text).map_err(|e| vec![syntax(path, e)]),
        Format::Markdown => match markdown::parse(&text) {
            markdown::Parsed::NotAnAssessment => {
                let note = Diagnostic::error(
                    path,
                    Span::START,
                    "not-an-assessment",
                    "no YAML front matter, so this is not an answer file; skipped",
                )
                .with_severity(Severity::Note);
                return Loaded::Skipped(note);
            }
            markdown::Parsed::Unclosed => Err(vec![
                Diagnostic::error(
                    path,
                    Span::new(1, 1, 3),
                    "front-matter-unclosed",
                    "front matter is not closed",
                )
                .with_help("end the front matter with a line `---`"),
            ]),
            markdown::Parsed::Syntax(e) => Err(vec![syntax(path, e)]),
            markdown::Parsed::Tree(root) => Ok(root),
        },
    };
    match root {
        Ok(root) => Loaded::Document(Document { path: path.to_path_buf(), text, format, root }),
        Err(diagnostics) => Loaded::Failed { text: Some(text), diagnostics },
    }
}

fn syntax(path: &Path, e: node::SyntaxError) -> Diagnostic {
    let code = if e.message.contains("duplicate") { "duplicate-key" } else { "yaml-syntax" };
    Diagnostic::error(path, e.span, code, e.message)
}
