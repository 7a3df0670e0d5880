//! The library's one error type: everything that stops a command as a whole (as opposed to a
//! problem in one answer file, which is a [`crate::diagnostic::Diagnostic`]). Paths are shown
//! with their control characters escaped, like everything else that came from outside.

use std::path::PathBuf;

use crate::diagnostic::path_shown;

/// Result alias used throughout the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure that ends the command (exit code 2 unless noted).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{}` ({cause})", path_shown(.path))]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("cannot write `{}` ({cause})", path_shown(.path))]
    Write { path: PathBuf, cause: std::io::Error },
    #[error("`{}` does not exist", path_shown(.0))]
    NotFound(PathBuf),
    #[error("`{}` already exists (choose another path or remove it first)", path_shown(.0))]
    Exists(PathBuf),
    #[error("invalid configuration in `{}`:\n{message}", path_shown(.path))]
    Config { path: PathBuf, message: String },
    #[error(
        "`{}` is not obeyed: {why}; if you trust this workspace, run with `--trust-workspace` (or set TRUSTMAP_TRUST_WORKSPACE=1)",
        path_shown(.path)
    )]
    Untrusted { path: PathBuf, why: String },
    #[error("the embedded questionnaire is invalid ({0})")]
    Questionnaire(String),
    #[error("{0}")]
    Date(String),
    #[error("no partner `{asked}`{}", match .suggestion { Some(s) => format!("; did you mean `{s}`?"), None => " (see `trustmap evaluate` for the partners' ids and names)".into() })]
    NoSuchPartner { asked: String, suggestion: Option<String> },
    #[error("cannot derive an id from the partner name `{0}`")]
    NoId(String),
    #[error(
        "no answer files: `{}` does not exist (pass files or folders, or run `trustmap init`)",
        path_shown(.0)
    )]
    NoAnswerFiles(PathBuf),
    #[error("`{}`: {why}", path_shown(.path))]
    NotAnAnswerFile { path: PathBuf, why: String },
    #[error(
        "`{}` cannot be written as {format} without changing it (a note may hold a line that reads as a field or a heading)",
        path_shown(.path)
    )]
    Lossy { path: PathBuf, format: &'static str },
    #[error("the logo `{}` cannot be used: {why}", path_shown(.path))]
    Logo { path: PathBuf, why: String },
    #[error("`{}` cannot be read ({why}); remove it", path_shown(.path))]
    Journal { path: PathBuf, why: String },
    #[error("refusing to write `{0}` outside the output folder")]
    OutsideOutput(String),
    #[error("cannot run the `typst` executable `{}` ({why}); install it with `cargo install typst-cli --locked`, or use `--pdf-engine embedded`", path_shown(.bin))]
    TypstCli { bin: PathBuf, why: String },
    #[error("`{}` is {version}, but trustmap needs typst 0.15; install it with `cargo install typst-cli --version 0.15.1 --locked`", path_shown(.bin))]
    TypstVersion { bin: PathBuf, version: String },
    #[error("`{}` took more than {seconds} s for one document and was stopped (`render_seconds` under `[limits]`)", path_shown(.bin))]
    TypstTimeout { bin: PathBuf, seconds: u64 },
    /// Something the machine refused: threads, a poisoned lock.
    #[error("{0}")]
    System(String),
    #[error(
        "the output folder `{}` {relation} the input folder `{}`, so reports could overwrite your files; choose another output folder (for example `-o reports`)",
        path_shown(.out),
        path_shown(.input)
    )]
    OutputOverlap { out: PathBuf, relation: &'static str, input: PathBuf },
    #[error("the output folder `{}` is not a folder", path_shown(.0))]
    OutputNotFolder(PathBuf),
    #[error(
        "`{}` is a symbolic link; trustmap writes only inside the output folder, so remove it",
        path_shown(.0)
    )]
    SymlinkInOutput(PathBuf),
    #[error("typst could not compile the document from template `{template}`:\n{message}")]
    Typst { template: String, message: String },
    #[error("the labels in `{}` cannot be used:\n{message}", path_shown(.path))]
    Labels { path: PathBuf, message: String },
    #[error("template `{name}` cannot be used:\n{diagnostic}")]
    TemplateAt { name: String, diagnostic: String },
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
    #[error("cannot merge the shards: {0}")]
    Merge(String),
    #[error(
        "its partner-facing report was not written, because it would show what the partner must not see:\n{}",
        .0.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n")
    )]
    Leak(Vec<crate::share::leak::Leak>),
    #[error("`{}` has problems; see the diagnostics above", path_shown(.path))]
    Invalid { path: PathBuf },
    #[error("`{id}` has no valid answer file of {} dated before the new round to start it from", if *.partner_view { "the partner's view" } else { "our view" })]
    NoRoundToStartFrom { id: String, partner_view: bool },
    #[error("cannot compare: {0}")]
    Changes(String),
    #[error("cannot add actions to `{}`: {why}", path_shown(.path))]
    PlanNotExtensible { path: PathBuf, why: String },
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl Error {
    /// The message, then each cause on a line of its own (`  caused by: …`).
    pub fn with_causes(&self) -> String {
        let mut message = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            message.push_str(&format!("\n  caused by: {cause}"));
            source = cause.source();
        }
        message
    }
}
