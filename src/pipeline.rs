//! Runs the first stages over a batch: discover the files, then load and validate each of them
//! in parallel. One bad file yields diagnostics and no assessment; the others go on.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::Result;
use crate::diagnostic::{self, Diagnostic};
use crate::discover::discover;
use crate::load::{self, Loaded};
use crate::model::Assessment;
use crate::questionnaire::Questionnaire;
use crate::validate;

/// Everything read from a set of paths.
#[derive(Debug, Default)]
pub struct Batch {
    /// Valid assessments, sorted by source path.
    pub assessments: Vec<Assessment>,
    /// Every problem and note, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file read, to show source lines in diagnostics.
    pub sources: BTreeMap<PathBuf, String>,
    /// How many files were found.
    pub files: usize,
    /// How many files were skipped as not being assessments.
    pub skipped: usize,
    /// Partner ids claimed by files that have errors.
    pub failed_ids: std::collections::BTreeSet<String>,
}

impl Batch {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Files with at least one error.
    pub fn failed_files(&self) -> usize {
        let mut paths: Vec<_> = self.diagnostics.iter().filter(|d| d.is_error()).map(|d| &d.path).collect();
        paths.dedup();
        paths.len()
    }
}

/// One file's outcome.
struct FileResult {
    path: PathBuf,
    text: Option<String>,
    assessment: Option<Assessment>,
    failed_id: Option<String>,
    diagnostics: Vec<Diagnostic>,
    skipped: bool,
}

/// Discovers, loads and validates every answer file under `paths`, leaving out `exclude`.
pub fn read(paths: &[PathBuf], exclude: &[PathBuf]) -> Result<Batch> {
    Ok(read_files(&discover(paths, exclude)?, &|| {}))
}

/// Loads and validates `files` in parallel; `progress` is called once per file loaded.
pub fn read_files(files: &[PathBuf], progress: &(dyn Fn() + Sync)) -> Batch {
    let questionnaire = Questionnaire::get();
    let results: Vec<FileResult> = files
        .par_iter()
        .map(|path| {
            let result = read_one(path.clone(), questionnaire);
            progress();
            result
        })
        .collect();
    let mut batch = Batch { files: files.len(), ..Batch::default() };
    for r in results {
        batch.diagnostics.extend(r.diagnostics);
        batch.skipped += usize::from(r.skipped);
        if let Some(a) = r.assessment {
            batch.assessments.push(a);
        }
        batch.failed_ids.extend(r.failed_id);
        if let Some(text) = r.text {
            batch.sources.insert(r.path, text);
        }
    }
    let refs: Vec<&Assessment> = batch.assessments.iter().collect();
    let duplicates = validate::duplicates(&refs);
    let duplicate_ids: Vec<String> = duplicates
        .iter()
        .filter_map(|d| refs.iter().find(|a| a.source == d.path).map(|a| a.id.clone()))
        .collect();
    // A file whose partner id clashes yields no report, like any other invalid file.
    batch.assessments.retain(|a| !duplicates.iter().any(|d| d.path == a.source));
    batch.failed_ids.extend(duplicate_ids);
    batch.diagnostics.extend(duplicates);
    diagnostic::sort(&mut batch.diagnostics);
    batch
}

/// The partner id a file that cannot be parsed most likely claims, read from its `id:` or
/// `partner:` line, so that a syntax error does not make the partner look gone.
fn guess_id(text: &str) -> Option<String> {
    let value = |key: &str| {
        text.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().trim_matches(['"', '\'']).to_owned())
    };
    value("id:").or_else(|| value("partner:").map(|p| crate::model::slugify(&p))).filter(|id| !id.is_empty())
}

fn read_one(path: PathBuf, questionnaire: &Questionnaire) -> FileResult {
    match load::load(&path) {
        Loaded::Document(doc) => {
            let checked = validate::validate(&doc, questionnaire);
            let failed_id = if checked.assessment.is_none() { checked.id } else { None };
            FileResult {
                path,
                text: Some(doc.text),
                assessment: checked.assessment,
                failed_id,
                diagnostics: checked.diagnostics,
                skipped: false,
            }
        }
        Loaded::Skipped(note) => FileResult {
            path,
            text: None,
            assessment: None,
            failed_id: None,
            diagnostics: vec![note],
            skipped: true,
        },
        Loaded::Failed { text, diagnostics } => {
            let failed_id = text.as_deref().and_then(guess_id);
            FileResult { path, text, assessment: None, failed_id, diagnostics, skipped: false }
        }
    }
}
