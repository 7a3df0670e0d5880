//! Runs the first stages over a batch: discover the files, then load and validate each of them
//! in parallel, then the checks across files. One bad file yields diagnostics and no
//! assessment; the others go on. For a bad file, the partner it belongs to is told when that can
//! be, by the same rules as for a good file, so that its last good reports are kept.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::Result;
use crate::diagnostic::{self, Diagnostic};
use crate::discover::{Found, discover};
use crate::load::{self, Loaded};
use crate::model::{Assessment, Format};
use crate::questionnaire::Questionnaire;
use crate::validate;
use crate::workspace::Limits;

/// Everything read from a set of paths.
#[derive(Debug, Default)]
pub struct Batch {
    /// Valid assessments, sorted by source path.
    pub assessments: Vec<Assessment>,
    /// Every problem and note, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file read that has diagnostics, to quote its lines in them (a file
    /// with none is not kept: at 10,000 files their texts would be most of a build's memory).
    pub sources: BTreeMap<PathBuf, String>,
    /// How many files were found.
    pub files: usize,
    /// How many files were skipped as not being assessments.
    pub skipped: usize,
    /// Partner ids claimed by files that have errors.
    pub failed_ids: BTreeSet<String>,
    /// Files with errors whose partner could not be told from their text.
    pub unclaimed: Vec<PathBuf>,
    /// Whether something that may be an answer file could not be read at all.
    pub incomplete: bool,
    /// Every file read (answer files and files skipped as not being ones).
    pub paths: Vec<PathBuf>,
    /// The valid plans of the workspace, by partner id.
    pub plans: BTreeMap<String, crate::model::Plan>,
}

impl Batch {
    /// Reads the workspace's plans (for the partners of this batch, by id or by name) into it:
    /// their problems join the diagnostics.
    pub fn read_plans(&mut self, workspace: &crate::workspace::Workspace) {
        let Ok(dir) = workspace.plans() else { return };
        let types = workspace.config.targets.types();
        let read =
            crate::plan::read_all(&dir, &self.partner_names(), &types, workspace.config.limits.file_bytes);
        self.diagnostics.extend(read.diagnostics);
        diagnostic::sort(&mut self.diagnostics);
        self.paths.extend(read.sources.keys().cloned());
        self.sources.extend(read.sources);
        self.plans = read.plans;
    }

    /// Each partner's id, display name, name as a slug and name as [`crate::model::person_key`]
    /// folds it, each mapped to the id: how a plan may name its partner.
    pub fn partner_names(&self) -> BTreeMap<String, String> {
        let mut partners: BTreeMap<String, String> = BTreeMap::new();
        for a in &self.assessments {
            partners.insert(a.id.clone(), a.id.clone());
            partners.insert(a.partner.clone(), a.id.clone());
            partners.insert(crate::model::slugify(&a.partner), a.id.clone());
            partners.insert(crate::model::person_key(&a.partner), a.id.clone());
        }
        for id in &self.failed_ids {
            partners.insert(id.clone(), id.clone());
        }
        partners
    }

    /// The id of the partner `asked` names: its id, or its name in any case, spacing or
    /// accents; else an error with the nearest id or name.
    pub fn partner_id(&self, asked: &str) -> Result<String> {
        let key = crate::model::person_key(asked);
        let found = self.assessments.iter().find(|a| a.id == asked).or_else(|| {
            self.assessments
                .iter()
                .find(|a| crate::model::person_key(&a.partner) == key || a.id == crate::model::slugify(asked))
        });
        match found {
            Some(a) => Ok(a.id.clone()),
            None => {
                let known = self.assessments.iter().flat_map(|a| [a.id.as_str(), a.partner.as_str()]);
                let suggestion = diagnostic::suggest(asked, known).map(str::to_owned);
                Err(crate::Error::NoSuchPartner { asked: asked.to_owned(), suggestion })
            }
        }
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Files with at least one error.
    pub fn failed_files(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).map(|d| &d.path).collect::<BTreeSet<_>>().len()
    }

    /// The assessments of partners none of whose files failed.
    pub fn valid(&self) -> Vec<&Assessment> {
        self.valid_except(&self.failed_ids)
    }
}

/// Which partners the files with errors belong to.
#[derive(Debug, Default)]
pub struct Claims {
    /// Partners with a file that has errors: they are left out of the build.
    pub failed: BTreeSet<String>,
    /// Files with errors whose partner cannot be told.
    pub unclaimed: Vec<PathBuf>,
}

impl Batch {
    /// The partner each file with errors belongs to: the one its text claims; else the one
    /// `previous` says was made from it (by its path as the manifest shows it); else, for a file
    /// named as `trustmap new` names them (`<id>-<date>.<ext>`, or in a folder `<id>/`), that id
    /// when it is a known partner's (`known`, with those of this batch).
    pub fn claims<'a>(
        &self,
        previous: impl Fn(&Path) -> Option<String>,
        known: impl IntoIterator<Item = &'a str>,
    ) -> Claims {
        let mut failed = self.failed_ids.clone();
        let mut unclaimed = Vec::new();
        let known: BTreeSet<String> = self
            .assessments
            .iter()
            .map(|a| a.id.clone())
            .chain(known.into_iter().map(str::to_owned))
            .collect();
        for path in &self.unclaimed {
            let from_name = || {
                let stem = path.file_stem()?.to_string_lossy().into_owned();
                let folder = path.parent()?.file_name()?.to_string_lossy().into_owned();
                let named = known.iter().filter(|id| {
                    stem.strip_prefix(id.as_str()).is_some_and(|rest| {
                        rest.starts_with('-') && rest.get(1..11).and_then(crate::model::Date::parse).is_some()
                    })
                });
                named.max_by_key(|id| id.len()).cloned().or_else(|| known.contains(&folder).then_some(folder))
            };
            match previous(path).or_else(from_name) {
                Some(id) => {
                    failed.insert(id);
                }
                None => unclaimed.push(path.clone()),
            }
        }
        Claims { failed, unclaimed }
    }

    /// The assessments of the partners not in `failed`: a partner whose newest round cannot be
    /// read is left out, never shown with an older round as if it were current.
    pub fn valid_except(&self, failed: &BTreeSet<String>) -> Vec<&Assessment> {
        self.assessments.iter().filter(|a| !failed.contains(&a.id)).collect()
    }
}

/// One file's outcome.
struct FileResult {
    path: PathBuf,
    text: Option<String>,
    assessment: Option<Assessment>,
    /// For a file with errors: the partner it claims, if that can be told.
    claimed: Option<Option<String>>,
    diagnostics: Vec<Diagnostic>,
    skipped: bool,
}

/// Discovers, loads and validates every answer file under `paths`, leaving out `exclude`;
/// symbolic links are followed only inside `root` and `paths`.
pub fn read(paths: &[PathBuf], exclude: &[PathBuf], root: &Path, limits: &Limits) -> Result<Batch> {
    Ok(read_files(discover(paths, exclude, root)?, limits, &|_| None, &|| {}))
}

/// Reads `paths` of `workspace` (leaving out its output folder), as `check`, `evaluate` and the
/// engagement commands do; with its plans when `paths` are the whole assessments folder (a plan
/// names its partner by the answer files, so it can only be read against all of them).
pub fn read_workspace(paths: &[PathBuf], workspace: &crate::workspace::Workspace) -> Result<Batch> {
    let mut batch = read(paths, &[workspace.output()?], &workspace.root, &workspace.config.limits)?;
    if workspace.is_whole(paths) {
        batch.read_plans(workspace);
    }
    Ok(batch)
}

impl Batch {
    /// Tells `reporter` the errors among the diagnostics (for commands whose standard output
    /// must stay parseable).
    pub fn report_errors(&self, reporter: &dyn crate::reporter::Reporter) -> Result<()> {
        let errors: Vec<_> = self.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
        if !errors.is_empty() {
            let text = diagnostic::Output::Text { color: false };
            reporter.diagnostics(&diagnostic::report(&errors, &self.sources, text)?);
        }
        Ok(())
    }

    /// The evaluation of the valid assessments, each judged against its plan's target.
    pub fn evaluate(&self, cfg: &crate::evaluate::config::EvaluationConfig) -> crate::model::Evaluation {
        crate::evaluate::with_plans(self.valid(), &self.plans, cfg)
    }
}

/// Loads and validates what discovery found, in parallel, but for the files `known` gives
/// as read before, which had nothing to say; `progress` is called once per file.
pub fn read_files(
    found: Found,
    limits: &Limits,
    known: &(dyn Fn(&Path) -> Option<Assessment> + Sync),
    progress: &(dyn Fn() + Sync),
) -> Batch {
    let questionnaire = Questionnaire::get();
    let results: Vec<FileResult> = found
        .files
        .par_iter()
        .map(|path| {
            let result = match known(path) {
                Some(a) => FileResult::clean(path.clone(), a),
                None => read_one(path.clone(), questionnaire, limits),
            };
            progress();
            result
        })
        .collect();
    let mut batch = Batch {
        files: found.files.len(),
        paths: found.files.clone(),
        diagnostics: found.problems,
        incomplete: found.incomplete,
        ..Batch::default()
    };
    for r in results {
        batch.diagnostics.extend(r.diagnostics);
        batch.skipped += usize::from(r.skipped);
        if let Some(a) = r.assessment {
            batch.assessments.push(a);
        }
        match r.claimed {
            Some(Some(id)) => {
                batch.failed_ids.insert(id);
            }
            Some(None) => batch.unclaimed.push(r.path.clone()),
            None => {}
        }
        if let Some(text) = r.text {
            batch.sources.insert(r.path, text);
        }
    }
    let refs: Vec<&Assessment> = batch.assessments.iter().collect();
    let clashes = validate::across_files(&refs);
    // A file whose partner id clashes yields no report, like any other invalid file.
    let clashing: BTreeSet<PathBuf> = clashes.iter().map(|d| d.path.clone()).collect();
    let ids: Vec<String> =
        batch.assessments.iter().filter(|a| clashing.contains(&a.source)).map(|a| a.id.clone()).collect();
    batch.assessments.retain(|a| !clashing.contains(&a.source));
    batch.failed_ids.extend(ids);
    batch.diagnostics.extend(clashes);
    diagnostic::sort(&mut batch.diagnostics);
    batch
}

/// The partner id a file that failed claims, read as a valid file's would be; `None` when its
/// metadata cannot be read far enough to tell. `lossy` text had invalid bytes replaced.
fn claimed_id(text: &str, format: Format, lossy: bool) -> Option<String> {
    let yaml = match format {
        Format::Yaml => text,
        Format::Markdown => load::front_matter(text)?.yaml,
    };
    validate::claimed_id(&load::node::parse_partial(yaml)?, lossy, &crate::diagnostic::Lines::new(yaml))
}

impl FileResult {
    /// A file that holds `assessment` and had nothing to say.
    fn clean(path: PathBuf, assessment: Assessment) -> FileResult {
        let (text, claimed, diagnostics, skipped) = (None, None, Vec::new(), false);
        FileResult { path, text, assessment: Some(assessment), claimed, diagnostics, skipped }
    }
}

fn read_one(path: PathBuf, questionnaire: &Questionnaire, limits: &Limits) -> FileResult {
    match load::load(&path, limits.file_bytes) {
        Loaded::Document(doc) => {
            let checked = validate::validate(&doc, questionnaire, limits.note_bytes);
            let claimed = checked.assessment.is_none().then_some(checked.id);
            FileResult {
                path,
                text: (!checked.diagnostics.is_empty()).then_some(doc.text),
                assessment: checked.assessment,
                claimed,
                diagnostics: checked.diagnostics,
                skipped: false,
            }
        }
        Loaded::Skipped(note) => FileResult {
            path,
            text: None,
            assessment: None,
            claimed: None,
            diagnostics: vec![note],
            skipped: true,
        },
        Loaded::Failed { text, diagnostics } => {
            let format = load::format_of(&path);
            let lossy = diagnostics.iter().any(|d| d.code == load::NOT_UTF8);
            let claimed =
                text.as_deref().zip(format).and_then(|(text, format)| claimed_id(text, format, lossy));
            FileResult { path, text, assessment: None, claimed: Some(claimed), diagnostics, skipped: false }
        }
    }
}
