//! Reads one answer file (YAML, or Markdown with front matter) into a [`Document`]: its text and
//! a position-carrying value tree of the same shape for both formats. Checking that tree against
//! the questionnaire is the next stage's job ([`crate::validate`]).

pub mod comments;
mod markdown;
pub use markdown::escape_note;
pub mod node;
pub mod read;

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Lines, Severity, Span};
use crate::model::Format;
pub use markdown::front_matter;
pub use node::{Key, Node, Value};
pub use read::normalise_line_ends;

/// The code of the diagnostic of a file that is not valid text; its text is kept with the invalid
/// bytes replaced by `�`.
pub const NOT_UTF8: &str = "not-utf8";

/// A loaded answer file, not yet validated.
#[derive(Debug, Clone)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    pub format: Format,
    pub root: Node,
    /// Problems found while loading that do not stop validation.
    pub diagnostics: Vec<Diagnostic>,
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

/// Reads and parses one file of at most `max_bytes` bytes.
pub fn load(path: &Path, max_bytes: u64) -> Loaded {
    let fail = |span, code, message: String| Loaded::Failed {
        text: None,
        diagnostics: vec![Diagnostic::error(path, span, code, message)],
    };
    let Some(format) = format_of(path) else {
        return fail(Span::START, "unsupported-file", "not a `.yaml`, `.yml` or `.md` file".into());
    };
    let bytes = match read::regular(path, max_bytes, read::Links::Follow) {
        Ok(bytes) => bytes,
        Err(read::Refused::NotAFile(kind)) => {
            return fail(Span::START, "not-a-file", format!("not a regular file but {kind}"));
        }
        Err(read::Refused::TooLarge(size)) => {
            return fail(
                Span::START,
                "file-too-large",
                format!(
                    "the file is {size} bytes, more than the limit of {max_bytes} (`file_bytes` under `[limits]` in trustmap.toml)"
                ),
            );
        }
        Err(read::Refused::Io(e)) => {
            return fail(Span::START, "unreadable", format!("cannot read file ({e})"));
        }
    };
    match read::decode(bytes) {
        Ok(text) => parse(path, text, format),
        Err(read::Undecodable { text, offset, message, help }) => {
            let span = Lines::new(&text).span(offset, 1);
            let mut d = Diagnostic::error(path, span, NOT_UTF8, message);
            d.help = help;
            Loaded::Failed { text: Some(text), diagnostics: vec![d] }
        }
    }
}

/// Parses text already read from `path` (and decoded: no byte order mark, `\n` line ends).
pub fn parse(path: &Path, text: String, format: Format) -> Loaded {
    let parsed = match format {
        Format::Yaml => node::parse_yaml(&text).map(|root| (root, Vec::new())).map_err(|e| vec![syntax(path, e)]),
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
            markdown::Parsed::Late(line) => Err(vec![
                Diagnostic::error(
                    path,
                    Span::new(line, 1, 3),
                    "front-matter-not-first",
                    "the front matter must start on the first line of the file",
                )
                .with_help("move the `---` block with `partner:`, `role:` and `date:` to the top, before any title or blank line"),
            ]),
            markdown::Parsed::Syntax(e) => Err(vec![syntax(path, e)]),
            markdown::Parsed::Tree(root, problems) => {
                let diagnostics = problems
                    .into_iter()
                    .map(|p| {
                        let d = Diagnostic::error(path, p.span, p.code, p.message);
                        let d = if p.error { d } else { d.with_severity(Severity::Warning) };
                        Diagnostic { help: p.help, ..d }
                    })
                    .collect();
                Ok((root, diagnostics))
            }
        },
    };
    match parsed {
        Ok((root, diagnostics)) => {
            Loaded::Document(Document { path: path.to_path_buf(), text, format, root, diagnostics })
        }
        Err(diagnostics) => Loaded::Failed { text: Some(text), diagnostics },
    }
}

fn syntax(path: &Path, e: node::SyntaxError) -> Diagnostic {
    let code = if e.message.contains("duplicate") { "duplicate-key" } else { "yaml-syntax" };
    Diagnostic::error(path, e.span, code, e.message)
}
