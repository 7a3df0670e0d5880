//! Typst source to PDF, behind one seam with two engines: the Typst compiler linked into the
//! binary (the default), or the `typst` executable run as a child process in a private folder
//! that holds only the generated source and its assets.

mod world;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::Command;

use typst::WorldExt as _;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Datetime;
use typst::syntax::Lines;
use typst_layout::PagedDocument;

use crate::diagnostic::{Diagnostic, Span};
use crate::model::Date;
use crate::process::{self, Ran};
use crate::render::Origin;
use crate::{Error, Result};

/// Which compiler makes the PDFs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// Typst linked into trustmap.
    Embedded,
    /// The `typst` CLI at this path (or name on `PATH`).
    Cli(PathBuf),
}

/// How PDFs are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfSettings {
    pub engine: Engine,
    /// PDF/A-2b for archiving.
    pub pdf_a: bool,
    /// PDF/UA-1 for accessibility: every image has an alternative text, the document its title
    /// shown in the window, checked by Typst's own validation.
    pub pdf_ua: bool,
    /// How long the `typst` executable may take for one document.
    pub timeout: std::time::Duration,
}

/// One document: the generated source, the files it may read, and its creation date.
pub struct Job<'a> {
    /// The template it was generated from, for error messages.
    pub template: &'a str,
    pub source: String,
    pub assets: Vec<(String, crate::model::Shared)>,
    pub date: Date,
}

/// One error Typst reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub hints: Vec<String>,
    /// Where in the generated source, when Typst says.
    pub range: Option<Range<usize>>,
}

impl Problem {
    fn new(message: impl Into<String>) -> Problem {
        Problem { message: message.into(), hints: Vec::new(), range: None }
    }
}

/// Why a document did not compile.
#[derive(Debug)]
pub enum Failure {
    /// Typst rejected the document: a problem of its source, so of a template or of the data.
    Typst(Vec<Problem>),
    /// Anything else (the `typst` executable could not be run, a temporary file not written).
    Other(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Other(e)
    }
}

/// Compiles one document to PDF bytes.
pub fn compile(job: &Job, settings: &PdfSettings) -> std::result::Result<Vec<u8>, Failure> {
    match &settings.engine {
        Engine::Embedded => embedded(job, settings),
        Engine::Cli(bin) => cli(job, settings, bin),
    }
}

/// The problems as diagnostics, with their hints: each at `origins[i]`, the template line
/// that made it, when known (with the generated line in a note), else at its line of the
/// generated `source`, which is named `generated`.
///
/// Only the first few: after a real mistake Typst often reports a cascade of follow-on ones.
pub fn describe(generated: &str, source: &str, problems: &[Problem], origins: &[Option<Origin>]) -> String {
    const SHOWN: usize = 5;
    let lines = Lines::new(source);
    let mut out = Vec::new();
    for (i, problem) in problems.iter().enumerate().take(SHOWN) {
        let at = problem.range.as_ref().and_then(|r| Some((r.clone(), line_col(&lines, r.start)?)));
        let error = |path: &str, span| Diagnostic::error(Path::new(path), span, "typst", &problem.message);
        let (mut d, line) = match (at, origins.get(i).and_then(Option::as_ref)) {
            (Some((range, (line, _, text))), Some(origin)) => {
                // The column: where the offending text starts in the template line, if it is there.
                let token: String =
                    source[range.start..].lines().next().unwrap_or_default().chars().take(12).collect();
                let found =
                    Some(token.trim_end()).filter(|t| !t.is_empty()).and_then(|t| origin.text.find(t));
                let at = found.unwrap_or(origin.text.len() - origin.text.trim_start().len());
                let len = if found.is_some() { source[range].chars().count() } else { 1 };
                let column = origin.text[..at].chars().count() + 1;
                let d = error(&origin.file, Span::new(origin.line as u32, column as u32, len as u32));
                let same = text.trim() == origin.text.trim();
                let generated = if same { String::new() } else { format!(": {}", text.trim()) };
                let d = d.with_note(format!("generated line {line}{generated}"));
                (d, Some(origin.text.as_str()))
            }
            (Some((range, (line, col, text))), None) => {
                let span = Span::new(line as u32, col as u32, source[range].chars().count() as u32);
                (error(generated, span), Some(text))
            }
            (None, _) => (error(generated, Span::NOWHERE), None),
        };
        if !problem.hints.is_empty() {
            d = d.with_help(problem.hints.join("; "));
        }
        out.push(d.render_with_line(line, false));
    }
    if problems.len() > SHOWN {
        out.push(format!("… and {} more", problems.len() - SHOWN));
    }
    out.join("\n").trim_end().to_owned()
}

/// The 1-based line and column (in characters) of byte `offset` of `lines`, and that line's
/// text, with lines counted as Typst counts them (so as its messages do).
fn line_col<'a>(lines: &'a Lines<&str>, offset: usize) -> Option<(usize, usize, &'a str)> {
    let (line, col) = lines.byte_to_line_column(offset)?;
    let text = lines.text().get(lines.line_to_range(line)?)?.trim_end_matches(typst::syntax::is_newline);
    Some((line + 1, col + 1, text))
}

fn embedded(job: &Job, settings: &PdfSettings) -> std::result::Result<Vec<u8>, Failure> {
    let today = Datetime::from_ymd(i32::from(job.date.year), job.date.month, job.date.day)
        .ok_or_else(|| Failure::Typst(vec![Problem::new(format!("invalid date {}", job.date))]))?;
    let world = world::MemoryWorld::new(job.source.clone(), &job.assets, today)
        .ok_or_else(|| Failure::Typst(vec![Problem::new("invalid asset name")]))?;
    let result = typst::compile::<PagedDocument>(&world).output;
    // Typst memoises across compiles; evict so a batch of any size stays small.
    comemo::evict(2);
    let document = result.map_err(|errors| Failure::Typst(problems(&world, &errors)))?;
    let standards: Vec<typst_pdf::PdfStandard> = [
        settings.pdf_a.then_some(typst_pdf::PdfStandard::A_2b),
        settings.pdf_ua.then_some(typst_pdf::PdfStandard::Ua_1),
    ]
    .into_iter()
    .flatten()
    .collect();
    let standards = typst_pdf::PdfStandards::new(&standards)
        .map_err(|e| Failure::Typst(vec![Problem::new(e.message().as_str())]))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(job.template.to_owned()),
        timestamp: Some(typst_pdf::Timestamp::new_utc(today)),
        standards,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| Failure::Typst(problems(&world, &errors)))
}

/// Typst's errors, placed in the generated source.
fn problems(world: &world::MemoryWorld, errors: &[SourceDiagnostic]) -> Vec<Problem> {
    errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| Problem {
            message: d.message.to_string(),
            hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            range: world.range(d.span).filter(|_| d.span.id() == Some(world.source_text().id())),
        })
        .collect()
}

/// The `typst` CLI's version, checked to be 0.15.
pub fn check_cli(bin: &Path) -> Result<String> {
    let cannot = |why: String| Error::TypstCli { bin: bin.to_path_buf(), why };
    let stdout = match process::run(Command::new(bin).arg("--version"), std::time::Duration::from_secs(30)) {
        Ok(Ran::Finished { stdout, .. }) => stdout,
        Ok(Ran::TimedOut) => return Err(cannot("it did not answer within 30 s".into())),
        Err(e) => return Err(cannot(e.to_string())),
    };
    let version = String::from_utf8_lossy(&stdout).trim().to_owned();
    if !version.starts_with("typst 0.15.") {
        return Err(Error::TypstVersion {
            bin: bin.to_path_buf(),
            version: crate::diagnostic::shown(&version),
        });
    }
    Ok(version)
}

fn cli(job: &Job, settings: &PdfSettings, bin: &Path) -> std::result::Result<Vec<u8>, Failure> {
    let dir = tempfile::tempdir().map_err(Error::Io)?;
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| Error::Write { path, cause: e })
    };
    write("main.typ", job.source.as_bytes())?;
    for (name, bytes) in &job.assets {
        write(name, bytes)?;
    }
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir.path())
        .args(["compile", "--root", ".", "--ignore-system-fonts", "--diagnostic-format", "short"])
        .arg("--creation-timestamp")
        .arg(job.date.epoch_seconds().to_string())
        .env_remove("SOURCE_DATE_EPOCH")
        .env("TYPST_PACKAGE_PATH", dir.path())
        .env("TYPST_PACKAGE_CACHE_PATH", dir.path());
    if settings.pdf_a {
        cmd.args(["--pdf-standard", "a-2b"]);
    }
    if settings.pdf_ua {
        cmd.args(["--pdf-standard", "ua-1"]);
    }
    cmd.args(["main.typ", "out.pdf"]);
    let ran = process::run(&mut cmd, settings.timeout)
        .map_err(|e| Error::TypstCli { bin: bin.to_path_buf(), why: e.to_string() })?;
    let (status, stderr) = match ran {
        Ran::Finished { status, stderr, .. } => (status, stderr),
        Ran::TimedOut => {
            let seconds = settings.timeout.as_secs();
            return Err(Failure::Other(Error::TypstTimeout { bin: bin.to_path_buf(), seconds }));
        }
    };
    if !status.success() {
        return Err(Failure::Typst(cli_problems(&job.source, &String::from_utf8_lossy(&stderr))));
    }
    let path = dir.path().join("out.pdf");
    std::fs::read(&path).map_err(|e| Failure::Other(Error::Read { path, cause: e }))
}

/// The errors of `typst compile --diagnostic-format short`: `main.typ:LINE:COL: error: …`, the
/// line counted from 1 and the column (in characters) from 0, or `error: …` without a place.
/// Warnings are left out; any other line belongs to the error before it.
fn cli_problems(source: &str, stderr: &str) -> Vec<Problem> {
    let lines = Lines::new(source);
    let mut problems: Vec<Problem> = Vec::new();
    for line in stderr.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (place, said) = match line.strip_prefix("main.typ:").and_then(|rest| {
            let mut parts = rest.splitn(3, ':');
            let row: usize = parts.next()?.parse().ok()?;
            let col: usize = parts.next()?.parse().ok()?;
            Some(((row, col), parts.next()?.trim()))
        }) {
            Some((place, said)) => (Some(place), said),
            None => (None, line),
        };
        if said.starts_with("warning") {
            continue;
        }
        let Some(message) = said.strip_prefix("error:") else {
            match problems.last_mut() {
                Some(last) => last.hints.push(said.trim_start_matches("hint:").trim().to_owned()),
                None => problems.push(Problem::new(said)),
            }
            continue;
        };
        let range = place
            .and_then(|(row, col)| lines.line_column_to_byte(row.checked_sub(1)?, col))
            .map(|offset| offset..offset);
        problems.push(Problem { message: message.trim().to_owned(), hints: Vec::new(), range });
    }
    if problems.is_empty() {
        problems.push(Problem::new("typst failed without a message"));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_engine_cannot_read_files_from_disk() {
        let job = Job {
            template: "t.typ",
            source: "#read(\"/etc/passwd\")".into(),
            assets: Vec::new(),
            date: Date::parse("2026-03-15").unwrap(),
        };
        let Err(Failure::Typst(problems)) = compile(
            &job,
            &PdfSettings {
                engine: Engine::Embedded,
                pdf_a: false,
                pdf_ua: true,
                timeout: std::time::Duration::from_secs(60),
            },
        ) else {
            panic!("compiled")
        };
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("file not found"), "{problems:?}");
        assert_eq!(problems[0].range, Some(6..19), "the path argument");
    }

    #[test]
    fn the_cli_errors_are_placed_in_the_source() {
        let source = "= Hi\n\n#nonsense(1)\n#let x = (1 +\n";
        let stderr = "main.typ:3:1: error: unknown variable: nonsense\nhint: check the spelling\nmain.typ:1:0: warning: unused\nmain.typ:4:9: error: unclosed delimiter\nerror: no place\n";
        let problems = cli_problems(source, stderr);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert_eq!(problems[2], Problem::new("no place"));
        assert_eq!(problems[0].message, "unknown variable: nonsense");
        assert_eq!(problems[0].hints, ["check the spelling"]);
        assert_eq!(&source[problems[0].range.clone().unwrap().start..][..8], "nonsense");
        assert_eq!(&source[problems[1].range.clone().unwrap().start..][..1], "(");
        assert_eq!(
            describe("t.typ (generated)", source, &problems[1..2], &[]),
            "error[typst]: unclosed delimiter\n --> t.typ (generated):4:10\n  |\n4 | #let x = (1 +\n  |          ^"
        );
        // Typst counts a line separator as a line break, and so its messages do.
        let source = "A\u{2028}B\n#nonsense(1)\nlast\n";
        let problems = cli_problems(source, "main.typ:3:1: error: unknown variable: nonsense");
        assert_eq!(&source[problems[0].range.clone().unwrap().start..][..8], "nonsense");
        assert_eq!(cli_problems(source, "main.typ:99:0: error: x")[0].range, None, "no such line");
    }

    #[test]
    fn a_missing_typst_executable_says_how_to_install_it() {
        let err = check_cli(Path::new("/nonexistent/typst")).unwrap_err().to_string();
        assert!(err.contains("cargo install typst-cli --locked"), "{err}");
    }
}
