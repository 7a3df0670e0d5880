//! Raw command-line values ([`crate::cli`]), `trustmap.toml` ([`crate::workspace`]) and the
//! environment become the checked settings of a command here, in one place, as ripgrep turns its
//! low-level arguments into high-level ones. The enums are the model's own; every environment
//! variable trustmap reads (but `NO_COLOR`, which the terminal layer honours) is read here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::BuildArgs;
use crate::diagnostic::shown;
use crate::model::{Date, Lang, OutputFormat};
use crate::pdf::{Engine, PdfSettings};
use crate::workspace::{CONFIG_FILE, Limits, PdfEngineName, Workspace};
use crate::{Error, Result};

/// What a command reads: the workspace the paths point into, the paths to read, and whether
/// they are the whole workspace (its assessments folder).
#[derive(Debug, Clone)]
pub struct Inputs {
    pub workspace: Workspace,
    pub paths: Vec<PathBuf>,
    pub whole: bool,
}

/// The inputs of a command given `paths`: none, or the workspace's own root, mean its
/// assessments folder. A `trustmap.toml` is obeyed as [`Workspace::find`] says.
pub fn inputs(paths: &[PathBuf], trusted: bool) -> Result<Inputs> {
    let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let workspace = Workspace::find(start, trusted)?;
    let is_root = |p: &PathBuf| {
        workspace.found && p.is_dir() && p.canonicalize().ok() == workspace.root.canonicalize().ok()
    };
    let whole = paths.is_empty() || paths.iter().all(is_root);
    let paths = if whole {
        let dir = workspace.assessments()?;
        if !dir.is_dir() {
            return Err(Error::NoAnswerFiles(dir));
        }
        vec![dir]
    } else {
        paths.to_vec()
    };
    Ok(Inputs { workspace, paths, whole })
}

/// The report language: the flag, else the workspace's.
pub fn lang(arg: Option<Lang>, workspace: &Workspace) -> Lang {
    arg.unwrap_or(workspace.config.lang)
}

/// The checked settings of one build.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    pub workspace: Workspace,
    /// What to read.
    pub paths: Vec<PathBuf>,
    /// The answer files or folders named on the command line inside the workspace's
    /// assessments: the whole workspace is read (so the index, the network report and every
    /// partner's earlier rounds stay whole), and only these files' partners are rebuilt.
    pub select: Vec<PathBuf>,
    pub out: PathBuf,
    pub formats: BTreeSet<OutputFormat>,
    /// Whom the reports are for.
    pub audiences: BTreeSet<crate::model::Audience>,
    /// Only these partners' reports (all when empty).
    pub partners: BTreeSet<String>,
    pub lang: Lang,
    /// Worker threads, at most the machine's cores.
    pub jobs: usize,
    /// `--jobs` as asked, when it was more than the cores.
    pub jobs_asked: Option<usize>,
    pub quiet: bool,
    pub dump_context: bool,
    pub pdf: PdfSettings,
    /// Whether reports of partners not seen in this build are stale (the whole workspace was
    /// read, not only some paths).
    pub prune: bool,
    /// `SOURCE_DATE_EPOCH`, when set.
    pub date: Option<Date>,
    /// `--bundle`: the deliverable as one zip too.
    pub bundle: bool,
    /// `--force`: every report made again, changed or not.
    pub force: bool,
    /// `--shard K/N`: this build's part of the partner reports.
    pub shard: Option<Shard>,
    /// `--since`: the earlier deliverable the network report says what changed since.
    pub since: Option<String>,
}

impl BuildSettings {
    /// The settings of `trustmap build` with `args`; `trusted` is `--trust-workspace`.
    pub fn new(args: &BuildArgs, trusted: bool) -> Result<BuildSettings> {
        let Inputs { workspace, paths, whole } = inputs(&args.paths, trusted)?;
        // Files inside the workspace's assessments: read the whole workspace, rebuild theirs.
        let assessments = workspace.assessments().ok().filter(|d| workspace.found && d.is_dir());
        let inside = |dir: &Path| {
            let dir = dir.canonicalize().ok();
            move |p: &PathBuf| p.canonicalize().ok().zip(dir.clone()).is_some_and(|(p, d)| p.starts_with(d))
        };
        let (paths, select, whole) = match assessments {
            Some(dir) if !whole && paths.iter().all(inside(&dir)) => (vec![dir], paths, true),
            _ => (paths, Vec::new(), whole),
        };
        let formats = if args.format.is_empty() {
            workspace.config.report.formats.iter().copied().collect()
        } else {
            args.format.iter().copied().collect()
        };
        let pdf_config = &workspace.config.pdf;
        let engine = match args.pdf_engine.unwrap_or(pdf_config.engine) {
            PdfEngineName::Embedded => Engine::Embedded,
            PdfEngineName::TypstCli => Engine::Cli(typst_bin(args, &workspace, trusted)?),
        };
        let pdf = PdfSettings {
            engine,
            pdf_a: args.pdf_standard.or(pdf_config.standard).is_some(),
            pdf_ua: pdf_config.ua && !args.no_pdf_ua,
            timeout: Duration::from_secs(workspace.config.limits.render_seconds),
        };
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let asked = args.jobs.map(|j| j as usize);
        Ok(BuildSettings {
            out: match &args.output {
                Some(out) => out.clone(),
                None => workspace.output()?,
            },
            lang: lang(args.lang, &workspace),
            paths,
            select,
            formats,
            audiences: match args.audience.is_empty() {
                true => BTreeSet::from([crate::model::Audience::Internal]),
                false => args.audience.iter().copied().collect(),
            },
            partners: args.partners.iter().cloned().collect(),
            jobs: asked.unwrap_or(cores).min(cores),
            jobs_asked: asked.filter(|&j| j > cores),
            quiet: args.quiet,
            dump_context: args.dump_context,
            bundle: args.bundle,
            force: args.force,
            shard: args.shard,
            since: args.since.clone(),
            pdf,
            prune: whole,
            date: Date::source_date_epoch().map_err(Error::Date)?,
            workspace,
        })
    }

    pub fn limits(&self) -> &Limits {
        &self.workspace.config.limits
    }

    /// The folders the output folder must stay clear of: those read (a file's folder), the
    /// assessments and the templates, and the workspace root.
    pub fn input_folders(&self) -> crate::outdir::Inputs {
        let folder = |p: &PathBuf| match p.is_dir() {
            true => p.clone(),
            false => p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        };
        let mut folders: Vec<PathBuf> = self.paths.iter().map(folder).collect();
        folders.extend(self.workspace.assessments().ok());
        folders.push(self.workspace.templates());
        crate::outdir::Inputs { folders, root: Some(self.workspace.root.clone()) }
    }
}

/// The `typst` executable for the `typst-cli` engine: `--typst-bin`; else `pdf.typst_bin` of
/// trustmap.toml, run only from a trusted workspace (a path with a `/` is taken from the
/// workspace root, a bare name from `PATH`); else `TYPST_BIN`; else `typst` on `PATH`. A path
/// is made absolute: the executable runs in a temporary folder, where a relative path would
/// point elsewhere.
fn typst_bin(args: &BuildArgs, workspace: &Workspace, trusted: bool) -> Result<PathBuf> {
    let bin = match (&args.typst_bin, &workspace.config.pdf.typst_bin) {
        (Some(bin), _) => bin.clone(),
        (None, Some(bin)) if !trusted => {
            return Err(Error::Untrusted {
                path: workspace.root.join(CONFIG_FILE),
                why: format!(
                    "it names an executable to run (`pdf.typst_bin = {}`), and a workspace you received could name any program",
                    shown(&bin.to_string_lossy())
                ),
            });
        }
        (None, Some(bin)) if bin.components().count() > 1 => workspace.root.join(bin),
        (None, Some(bin)) => bin.clone(),
        (None, None) => std::env::var_os("TYPST_BIN").map_or_else(|| PathBuf::from("typst"), PathBuf::from),
    };
    if bin.components().count() > 1 {
        return std::path::absolute(&bin).map_err(|e| Error::Read { path: bin.clone(), cause: e });
    }
    Ok(bin)
}

/// Part `index` of `count` of the partner reports (`--shard K/N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// `K/N`, with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> std::result::Result<Shard, String> {
        let (k, n) = text.split_once('/').ok_or("expected K/N, such as 1/4")?;
        let (index, count): (u64, u64) = (
            k.trim().parse().map_err(|_| "K is not a number")?,
            n.trim().parse().map_err(|_| "N is not a number")?,
        );
        if index == 0 || index > count {
            return Err(format!("K must be from 1 to N ({count})"));
        }
        Ok(Shard { index, count })
    }

    /// Whether partner `id`'s reports are in this part: by the sha256 of the id, so that a
    /// partner stays in its part as others come and go.
    pub fn owns(&self, id: &str) -> bool {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(id.as_bytes());
        let first = u64::from_be_bytes(digest[..8].try_into().unwrap_or_default());
        first % self.count == self.index - 1
    }

    /// Whether this part makes the network report and the index (the first does).
    pub fn makes_network(this: Option<Shard>) -> bool {
        this.is_none_or(|s| s.index == 1)
    }
}
