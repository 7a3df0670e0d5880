//! The workspace: the folder holding `trustmap.toml`, found by walking up from where a command
//! points (as cargo finds `Cargo.toml`), and the settings in that file.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Lines, Span};
use crate::evaluate::EvaluationConfig;
use crate::model::{Lang, OutputFormat};
use crate::{Error, Result};

/// The name of the workspace file.
pub const CONFIG_FILE: &str = "trustmap.toml";

/// The contents of `trustmap.toml`. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The client organisation whose partners are assessed.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Language of reports and of new answer files.
    #[serde(default = "default_lang")]
    pub lang: Lang,
    /// Folder of answer files, relative to the workspace root.
    #[serde(default = "default_assessments")]
    pub assessments: PathBuf,
    /// Folder reports are written to, relative to the workspace root.
    #[serde(default = "default_output")]
    pub output: PathBuf,
    /// Folder of plan files (a relationship's target and actions), relative to the workspace root.
    #[serde(default = "default_plans")]
    pub plans: PathBuf,
    /// Relationship types and the targets they set.
    #[serde(default)]
    pub targets: crate::plan::TargetsConfig,
    /// Verdict bands, weights and flag thresholds of the scoring model.
    #[serde(default)]
    pub evaluation: EvaluationConfig,
    /// Report formats and branding.
    #[serde(default)]
    pub report: ReportConfig,
    /// What partner-facing reports show (`build --audience partner`).
    #[serde(default)]
    pub sharing: crate::share::SharingConfig,
    /// How PDFs are made.
    #[serde(default)]
    pub pdf: PdfConfig,
    /// Bounds on inputs and on the work one build may do.
    #[serde(default)]
    pub limits: Limits,
}

/// The `[limits]` table: what trustmap accepts and how much work it does before it stops with a
/// clear message. The defaults are far above real use; raise one only for a reason.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest answer file, in bytes.
    pub file_bytes: u64,
    /// Longest note of one answer, in bytes.
    pub note_bytes: usize,
    /// Largest file one report may become, in bytes.
    pub report_bytes: usize,
    /// Longest one report (all its formats) may take to make, in seconds; also the timeout of
    /// the `typst` executable.
    pub render_seconds: u64,
    /// Most memory one build may use, in MiB.
    pub memory_mb: u64,
    /// Largest logo file, in bytes.
    pub logo_bytes: u64,
    /// Most pixels a PNG logo may have.
    pub logo_pixels: u64,
}

impl Limits {
    /// Each limit out of its range: none is 0, and none is so large that it protects nothing.
    fn problems(&self) -> Vec<String> {
        let ranges: [(&str, u64, u64); 7] = [
            ("file_bytes", self.file_bytes, 1 << 30),
            ("note_bytes", self.note_bytes as u64, 1 << 30),
            ("report_bytes", self.report_bytes as u64, 1 << 34),
            ("render_seconds", self.render_seconds, 7 * 24 * 3600),
            ("memory_mb", self.memory_mb, 1 << 20),
            ("logo_bytes", self.logo_bytes, 1 << 30),
            ("logo_pixels", self.logo_pixels, 1 << 32),
        ];
        ranges
            .iter()
            .filter(|(_, value, max)| *value == 0 || value > max)
            .map(|(key, value, max)| format!("`limits.{key}` must be from 1 to {max}, found `{value}`"))
            .collect()
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 2_000_000,
            note_bytes: 100_000,
            report_bytes: 100_000_000,
            render_seconds: 300,
            memory_mb: 4096,
            logo_bytes: 2_000_000,
            logo_pixels: 25_000_000,
        }
    }
}

/// The `[pdf]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PdfConfig {
    /// `embedded` (default) or `typst-cli`.
    pub engine: PdfEngineName,
    /// The `typst` executable for the `typst-cli` engine [default: `TYPST_BIN`, else `typst`].
    pub typst_bin: Option<PathBuf>,
    /// `a-2b` for PDF/A-2b.
    pub standard: Option<PdfStandardName>,
    /// PDF/UA-1, accessible PDFs [default: true].
    pub ua: bool,
}

impl Default for PdfConfig {
    fn default() -> Self {
        Self { engine: PdfEngineName::default(), typst_bin: None, standard: None, ua: true }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum PdfEngineName {
    #[default]
    Embedded,
    TypstCli,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, clap::ValueEnum)]
pub enum PdfStandardName {
    #[serde(rename = "a-2b")]
    #[value(name = "a-2b")]
    A2b,
}

/// The `[report]` table: default formats and branding.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ReportConfig {
    /// Formats `build` writes when `--format` is not given.
    pub formats: Vec<OutputFormat>,
    /// The consultant, shown on reports and as PDF author.
    pub consultant: Option<String>,
    /// An SVG or PNG logo, relative to the workspace root; embedded in every report.
    pub logo: Option<PathBuf>,
    /// The accent colour, `#rrggbb`.
    pub accent: String,
    /// The confidentiality line of every report [default: the label `confidential`, in the
    /// report language].
    pub confidential: Option<String>,
    /// A line of your own at the foot of every report (a disclaimer, the engagement's name).
    pub footer: Option<String>,
}

impl Default for ReportConfig {
    fn default() -> Self {
        Self {
            formats: vec![OutputFormat::Html, OutputFormat::Md],
            consultant: None,
            logo: None,
            accent: "#0b57a4".into(),
            confidential: None,
            footer: None,
        }
    }
}

fn default_lang() -> Lang {
    Lang::Nl
}
fn default_assessments() -> PathBuf {
    PathBuf::from("assessments")
}
fn default_plans() -> PathBuf {
    PathBuf::from("plans")
}
fn default_output() -> PathBuf {
    PathBuf::from("reports")
}

impl Default for Config {
    fn default() -> Self {
        Self {
            organisation: None,
            lang: default_lang(),
            assessments: default_assessments(),
            output: default_output(),
            plans: default_plans(),
            targets: crate::plan::TargetsConfig::default(),
            evaluation: EvaluationConfig::default(),
            report: ReportConfig::default(),
            sharing: crate::share::SharingConfig::default(),
            pdf: PdfConfig::default(),
            limits: Limits::default(),
        }
    }
}

/// A workspace root and its configuration. Without a `trustmap.toml` the root is the current
/// folder and the configuration is the default.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    /// Whether a `trustmap.toml` was found.
    pub found: bool,
}

impl Workspace {
    /// Finds the workspace that contains `start` (a file or folder), walking up. A
    /// `trustmap.toml` owned by another user is obeyed only when `trusted` (as git's
    /// `safe.directory`): anyone who can write a folder above yours could plant one.
    pub fn find(start: &Path, trusted: bool) -> Result<Workspace> {
        let start = if start.is_file() { start.parent().unwrap_or(Path::new("")) } else { start };
        let start = if start.as_os_str().is_empty() { Path::new(".") } else { start };
        let absolute =
            std::path::absolute(start).map_err(|e| Error::Read { path: start.into(), cause: e })?;
        for dir in absolute.ancestors() {
            let file = dir.join(CONFIG_FILE);
            if file.is_file() {
                // Keep the root relative when the start was, so paths in output stay short.
                let depth = absolute.components().count() - dir.components().count();
                let mut root = start.to_path_buf();
                for _ in 0..depth {
                    root.push("..");
                }
                let root = if depth == 0 { start.to_path_buf() } else { normalise(&root) };
                if !trusted {
                    check_owner(&root.join(CONFIG_FILE))?;
                }
                let config = Config::load(&root.join(CONFIG_FILE))?;
                return Ok(Workspace { root, config, found: true });
            }
        }
        Ok(Workspace { root: PathBuf::from("."), config: Config::default(), found: false })
    }

    /// The folder of templates that override the built-ins.
    pub fn templates(&self) -> PathBuf {
        self.join(Path::new("templates"))
    }

    /// The files of the templates folder, sorted.
    pub fn template_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.templates())
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }

    /// `path` relative to the root, with `/` separators, for stable output; characters that
    /// could drive a terminal or reorder text are escaped (a file name is outside data).
    pub fn relative(&self, path: &Path) -> String {
        let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let (path_abs, root_abs) = (abs(path), abs(&self.root));
        let rel = path_abs.strip_prefix(&root_abs).map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
        let text = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        crate::diagnostic::escape_controls(&text).into_owned()
    }

    /// The folder of answer files. It must lie inside the workspace: a received workspace must
    /// not read private files into its reports.
    pub fn assessments(&self) -> Result<PathBuf> {
        self.inside("assessments", &self.config.assessments)
    }

    /// Whether `paths` are this workspace's whole assessments folder.
    pub fn is_whole(&self, paths: &[PathBuf]) -> bool {
        let whole = self.assessments().ok().and_then(|dir| dir.canonicalize().ok());
        matches!(paths, [one] if one.canonicalize().ok() == whole && whole.is_some())
    }

    /// The plans folder of trustmap.toml.
    pub fn plans(&self) -> Result<PathBuf> {
        self.inside("plans", &self.config.plans)
    }

    /// The output folder of trustmap.toml. It must lie inside the workspace: a received
    /// workspace must not write where it likes (`-o` still builds anywhere the user says).
    pub fn output(&self) -> Result<PathBuf> {
        self.inside("output", &self.config.output)
    }

    /// `path` of the configuration key `key`, refused when it leads out of the workspace.
    fn inside(&self, key: &str, path: &Path) -> Result<PathBuf> {
        let joined = self.join(path);
        if !self.found {
            return Ok(joined);
        }
        let root = resolve(&self.root)?;
        if !resolve(&joined)?.starts_with(&root) {
            return Err(Error::Config {
                path: self.root.join(CONFIG_FILE),
                message: format!(
                    "`{key}` must be a folder inside the workspace, but `{}` lies outside it{}",
                    crate::diagnostic::path_shown(path),
                    if key == "output" { " (use `-o` to build elsewhere)" } else { "" }
                ),
            });
        }
        Ok(joined)
    }

    /// A path relative to the root, without a leading `./` when the root is the current folder.
    fn join(&self, path: &Path) -> PathBuf {
        if self.root == Path::new(".") { path.to_path_buf() } else { self.root.join(path) }
    }
}

/// `path` made absolute with every symbolic link resolved, also when it (or its last parts) do
/// not exist yet: the longest existing ancestor is resolved and the rest appended, `..` taken
/// lexically (a part that does not exist cannot be a link).
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).map_err(|e| Error::Read { path: path.to_path_buf(), cause: e })?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                match part {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return Ok(out);
        }
        let Some(parent) = existing.parent() else { return Ok(absolute) };
        if let Some(last) = existing.components().next_back() {
            rest.push(last);
        }
        existing = parent;
    }
}

/// Refuses a configuration file (or its folder) owned by another user than the one running.
fn check_owner(file: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        let folder = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        for path in [file, folder] {
            let meta = std::fs::metadata(path).map_err(|e| Error::Read { path: path.into(), cause: e })?;
            if meta.uid() != me {
                return Err(Error::Untrusted {
                    path: path.to_path_buf(),
                    why: format!("it belongs to another user (uid {}, you are {me})", meta.uid()),
                });
            }
        }
    }
    Ok(())
}

/// Removes `x/..` pairs lexically, so `samples/assessments/../..` reads as `.`.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() { PathBuf::from(".") } else { out }
}

/// A TOML file's (`trustmap.toml`, an import's mapping) error, shown at its line and column.
pub fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let span = e.span().map_or(Span::START, |r| Lines::new(text).span(r.start, r.len()));
    let message = e.message().trim_end_matches('\n').replace('\n', "; ");
    let diagnostic = Diagnostic::error(path, span, "config", message);
    Error::Config { path: path.into(), message: diagnostic.render(Some(text), false).trim_end().into() }
}

impl Config {
    /// Reads and checks a `trustmap.toml`; a problem is reported with its line and column.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Read { path: path.into(), cause: e })?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        let mut problems = config.evaluation.problems(crate::questionnaire::Questionnaire::get());
        problems.extend(config.limits.problems());
        problems.extend(config.sharing.problems());
        let accent = config.report.accent.as_bytes();
        if !(accent.len() == 7 && accent[0] == b'#' && accent[1..].iter().all(u8::is_ascii_hexdigit)) {
            problems.push(format!(
                "`report.accent` must be a colour `#rrggbb`, found {}",
                crate::diagnostic::shown(&config.report.accent)
            ));
        }
        if !problems.is_empty() {
            // Values from the file are quoted in the problems: none may drive the terminal.
            let problems: Vec<_> = problems.iter().map(|p| crate::diagnostic::escape_controls(p)).collect();
            return Err(Error::Config { path: path.into(), message: problems.join("\n") });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_position() {
        let err = Config::parse(Path::new("t.toml"), "lang = \"en\"\norganistion = \"X\"\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("error[config]: unknown field `organistion`"), "{text}");
        assert!(text.contains("--> t.toml:2:1\n"), "{text}");
    }

    #[test]
    fn defaults_fill_what_is_missing() {
        let c = Config::parse(Path::new("t.toml"), "organisation = \"Van Dijk\"\n").unwrap();
        assert_eq!(c.lang, Lang::Nl);
        assert_eq!(c.output, PathBuf::from("reports"));
    }

    #[test]
    fn normalise_folds_parent_steps() {
        assert_eq!(normalise(Path::new("samples/assessments/../..")), PathBuf::from("."));
        assert_eq!(normalise(Path::new("a/b/..")), PathBuf::from("a"));
    }
}
