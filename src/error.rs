//! The library's one error type: everything that stops a command as a whole (as opposed to a
//! problem in one answer file, which is a [`crate::diagnostic::Diagnostic`]).

use std::path::PathBuf;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure that ends the command (exit code 2 unless noted).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}` ({cause})")]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("cannot write `{path}` ({cause})")]
    Write { path: PathBuf, cause: std::io::Error },
    #[error("`{0}` does not exist")]
    NotFound(PathBuf),
    #[error("`{0}` already exists (choose another path or remove it first)")]
    Exists(PathBuf),
    #[error("invalid configuration in `{path}`:\n{message}")]
    Config { path: PathBuf, message: String },
    #[error("the embedded questionnaire is invalid ({0})")]
    Questionnaire(String),
    #[error("{0}")]
    Usage(String),
    #[error("typst could not compile the document from template `{template}`:\n{message}")]
    Typst { template: String, message: String },
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
    #[error("`{path}` has problems; see the diagnostics above")]
    Invalid { path: PathBuf },
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
