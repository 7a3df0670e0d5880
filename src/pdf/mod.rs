//! Typst source to PDF, behind one seam with two engines: the Typst compiler linked into the
//! binary (the default), or the `typst` executable run as a child process in a private folder
//! that holds only the generated source and its assets.

mod world;

use std::path::{Path, PathBuf};
use std::process::Command;

use typst::WorldExt as _;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Datetime;
use typst_layout::PagedDocument;

use crate::model::Date;
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
}

/// One document: the generated source, the files it may read, and its creation date.
pub struct Job<'a> {
    /// The template it was generated from, for error messages.
    pub template: &'a str,
    pub source: String,
    pub assets: Vec<(String, Vec<u8>)>,
    pub date: Date,
}

/// Compiles one document to PDF bytes.
pub fn compile(job: &Job, settings: &PdfSettings) -> Result<Vec<u8>> {
    match &settings.engine {
        Engine::Embedded => embedded(job, settings),
        Engine::Cli(bin) => cli(job, settings, bin),
    }
}

fn typst_error(job: &Job, message: String) -> Error {
    Error::Typst { template: job.template.to_owned(), message }
}

fn embedded(job: &Job, settings: &PdfSettings) -> Result<Vec<u8>> {
    let today = Datetime::from_ymd(i32::from(job.date.year), job.date.month, job.date.day)
        .ok_or_else(|| typst_error(job, format!("invalid date {}", job.date)))?;
    let world = world::MemoryWorld::new(job.source.clone(), &job.assets, today)
        .ok_or_else(|| typst_error(job, "invalid asset name".into()))?;
    let result = typst::compile::<PagedDocument>(&world).output;
    // Typst memoises across compiles; evict so a batch of any size stays small.
    comemo::evict(2);
    let document = result.map_err(|errors| typst_error(job, describe(&world, &errors)))?;
    let standards = if settings.pdf_a {
        typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b])
            .map_err(|e| typst_error(job, e.message().to_string()))?
    } else {
        typst_pdf::PdfStandards::default()
    };
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(job.template.to_owned()),
        timestamp: Some(typst_pdf::Timestamp::new_utc(today)),
        standards,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(job, describe(&world, &errors)))
}

/// Typst diagnostics as `line:col: error: message` with the generated source line.
fn describe(world: &world::MemoryWorld, errors: &[SourceDiagnostic]) -> String {
    let source = world.source_text();
    errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let at = world.range(d.span).and_then(|r| source.lines().byte_to_line_column(r.start));
            let mut text = match at {
                Some((line, col)) => {
                    let code = source.text().lines().nth(line).unwrap_or_default().trim();
                    format!("generated line {}:{}: error: {}\n    | {code}", line + 1, col + 1, d.message)
                }
                None => format!("error: {}", d.message),
            };
            for hint in &d.hints {
                text.push_str(&format!("\n  = hint: {}", hint.v));
            }
            text
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `typst` CLI's version, checked to be 0.15.
pub fn check_cli(bin: &Path) -> Result<String> {
    let output = Command::new(bin).arg("--version").output().map_err(|e| {
        Error::Usage(format!(
            "cannot run the `typst` executable `{}` ({e}); install it with `cargo install typst-cli --locked`, or use `--pdf-engine embedded`",
            bin.display()
        ))
    })?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !version.starts_with("typst 0.15.") {
        return Err(Error::Usage(format!(
            "`{}` is `{version}`, but trustmap needs typst 0.15; install it with `cargo install typst-cli --version 0.15.1 --locked`",
            bin.display()
        )));
    }
    Ok(version)
}

fn cli(job: &Job, settings: &PdfSettings, bin: &Path) -> Result<Vec<u8>> {
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
    cmd.args(["main.typ", "out.pdf"]);
    let output = cmd.output().map_err(|e| {
        Error::Usage(format!(
            "cannot run the `typst` executable `{}` ({e}); install it with `cargo install typst-cli --locked`",
            bin.display()
        ))
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr).replace("main.typ:", "generated line ");
        return Err(typst_error(job, stderr.trim().to_owned()));
    }
    let path = dir.path().join("out.pdf");
    std::fs::read(&path).map_err(|e| Error::Read { path, cause: e })
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
        let err = compile(&job, &PdfSettings { engine: Engine::Embedded, pdf_a: false }).unwrap_err();
        assert!(err.to_string().contains("generated line 1:"), "{err}");
    }

    #[test]
    fn a_missing_typst_executable_says_how_to_install_it() {
        let err = check_cli(Path::new("/nonexistent/typst")).unwrap_err().to_string();
        assert!(err.contains("cargo install typst-cli --locked"), "{err}");
    }
}
