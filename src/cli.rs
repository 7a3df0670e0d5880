//! The command line as the user types it: clap's derive structs, raw values only. Checking them
//! and combining them with the workspace configuration happens in [`crate::commands`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::{Format, Lang, OutputFormat, Role};

/// Turn plain-text partner assessments into trust-based relationship reports.
///
/// A consultant keeps one YAML or Markdown answer file per partner per round; trustmap
/// validates them against the questionnaire of "Het opbouwen van partnerrelaties die gebaseerd
/// zijn op vertrouwen" and reports on each relationship and the whole network.
#[derive(Debug, Parser)]
#[command(name = "trustmap", version, about, long_about, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Trust the workspace's trustmap.toml even where it could be someone else's: one owned by
    /// another user, or one that names an executable to run.
    #[arg(long, global = true, env = "TRUSTMAP_TRUST_WORKSPACE", hide_env_values = true, value_parser = clap::builder::FalseyValueParser::new())]
    pub trust_workspace: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the reports: per partner and for the network, in HTML, Markdown and PDF.
    Build(BuildArgs),
    /// List the built-in templates, or export them as a starting point for your own.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Validate answer files and print every problem with its file, line and column.
    Check(CheckArgs),
    /// Score every relationship against the five propositions, with red flags and the network.
    Evaluate(EvaluateArgs),
    /// Print the questionnaire: six boxes of questions and the five propositions.
    Questions(QuestionsArgs),
    /// Create a workspace: trustmap.toml, an assessments folder with an example, a .gitignore.
    Init(InitArgs),
    /// Write a blank answer file for a partner, every question shown with its scale.
    New(NewArgs),
    /// Print the JSON Schema of YAML answer files (for editor validation and completion).
    Schema(SchemaArgs),
    /// Convert an answer file between YAML and Markdown without losing anything.
    Convert(ConvertArgs),
    /// Propose actions for a partner's flags into its plan (`plans/<id>.yaml`), as `proposed`,
    /// leaving what is there as it is.
    Plan(PlanArgs),
    /// What changed since an earlier deliverable: a git revision (a tag, say) or an earlier
    /// output folder.
    Changes(ChangesArgs),
    /// Join the output folders of `build --shard K/N` into one, with one manifest.
    Merge(MergeArgs),
    /// List the open actions of every plan, overdue first (exit 1 with --fail-on-overdue when
    /// one is overdue, for CI).
    Actions(ActionsArgs),
    /// Make answer files from a spreadsheet (CSV or Excel): a row per partner or respondent,
    /// columns named by question id (or mapped with --map from a survey tool's own).
    Import(ImportArgs),
    /// Print the completion script of a shell: `source <(trustmap completions bash)`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into a folder.
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The spreadsheet: CSV (comma or semicolon separated, UTF-8), or an Excel or OpenDocument
    /// workbook (`.xlsx`, `.xls`, `.xlsb`, `.ods`).
    pub file: PathBuf,
    /// The workbook's sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// A mapping file (TOML) from the file's column names to trustmap's, with header rows to
    /// skip and metadata for every row (see the book's chapter on importing).
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Answer-file format to write.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Folder to write into [default: the workspace's assessments folder].
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Replace answer files that exist already (without it, none is written if one exists).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `trustmap.1` and a page per command (`trustmap-build.1`, ...) into this folder
    /// instead, say `~/.local/share/man/man1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// The schema of plan files (`plans/<partner>.yaml`) instead.
    #[arg(long)]
    pub plan: bool,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    /// The earlier deliverable: a git revision of the workspace, or an output folder of an
    /// earlier build (its `evaluation.json`).
    #[arg(long, value_name = "REV|DIR")]
    pub since: String,
    /// Output format: text, or JSON.
    #[arg(long, value_enum, default_value_t = EvaluateFormat::Text)]
    pub format: EvaluateFormat,
    /// Language of the text [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The output folders of the shards.
    #[arg(required = true)]
    pub shards: Vec<PathBuf>,
    /// The folder to join them in.
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The partner, by id or by name.
    #[arg(value_name = "ID|NAME")]
    pub partner: String,
    /// Files or folders to evaluate [default: the workspace's assessments folder].
    pub paths: Vec<PathBuf>,
    /// Print the actions that would be added, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Files or folders whose partners' plans to list [default: the workspace's assessments folder].
    pub paths: Vec<PathBuf>,
    /// Output format: a table, or JSON.
    #[arg(long, value_enum, default_value_t = EvaluateFormat::Text)]
    pub format: EvaluateFormat,
    /// The day an action is overdue after its due date [default: SOURCE_DATE_EPOCH's day, else today].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<crate::model::Date>,
    /// Exit with 1 when an action is overdue.
    #[arg(long)]
    pub fail_on_overdue: bool,
    /// Language of the table [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

fn parse_date(text: &str) -> Result<crate::model::Date, String> {
    crate::model::Date::parse(text).ok_or_else(|| format!("`{text}` is not a real day written YYYY-MM-DD"))
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Files or folders to read [default: the workspace's assessments folder].
    pub paths: Vec<PathBuf>,
    /// Build, then build again each time an answer file, plan, template, trustmap.toml or the
    /// logo changes (only what changed is made again), until interrupted with Ctrl-C.
    #[arg(long, short = 'w')]
    pub watch: bool,
    /// With --watch (which it implies): serve the output folder on http://127.0.0.1:PORT
    /// [default port: 3000], each page reloading itself after the next build.
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "3000")]
    pub serve: Option<u16>,
    /// Open the index in the browser (`$BROWSER`, else the system's) once the build is done:
    /// with --serve its address, else the file; with --watch after the first build only.
    #[arg(long)]
    pub open: bool,
    /// Output folder [default: the workspace's, else `reports`].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Formats to write, comma-separated [default: from trustmap.toml, else html,md].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub format: Vec<OutputFormat>,
    /// Whom the reports are for, comma-separated: `internal` (every report, for the client) or
    /// `partner` (a partner-facing report per relationship, in `shared/<id>/`, that shows only
    /// what the partner may see) [default: internal].
    #[arg(long, value_enum, value_delimiter = ',')]
    pub audience: Vec<crate::model::Audience>,
    /// Rebuild only this partner's report, named by id or by name (repeatable); the whole
    /// workspace is still read, and the index and network report stay whole.
    #[arg(long = "partner", value_name = "ID|NAME")]
    pub partners: Vec<String>,
    /// Report language [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Number of worker threads, at most one per core [default: one per core].
    #[arg(short, long, value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the template context as JSON instead of writing reports.
    #[arg(long)]
    pub dump_context: bool,
    /// Which Typst makes the PDFs [default: from trustmap.toml, else embedded].
    #[arg(long, value_enum)]
    pub pdf_engine: Option<crate::workspace::PdfEngineName>,
    /// The `typst` executable for `--pdf-engine typst-cli` [default: config, TYPST_BIN, else `typst` on PATH].
    #[arg(long)]
    pub typst_bin: Option<PathBuf>,
    /// Produce PDF/A-2b for archiving.
    #[arg(long, value_enum)]
    pub pdf_standard: Option<crate::workspace::PdfStandardName>,
    /// Do not make the PDFs PDF/UA-1 (accessible; the default), e.g. for templates of your own
    /// whose images have no alternative text.
    #[arg(long)]
    pub no_pdf_ua: bool,
    /// Add what changed since an earlier deliverable to the network report: a git revision
    /// (the tag of the last deliverable, say) or an earlier output folder.
    #[arg(long, value_name = "REV|DIR")]
    pub since: Option<String>,
    /// Make only part K of N of the partner reports (a deterministic split by partner id), for N
    /// CI runners building into N folders that `trustmap merge` joins; part 1 also makes the
    /// network report and the index.
    #[arg(long, value_name = "K/N", value_parser = crate::settings::Shard::parse)]
    pub shard: Option<crate::settings::Shard>,
    /// Make every report again, also those whose inputs did not change since the last build
    /// into the same folder (which are otherwise left as they are).
    #[arg(long)]
    pub force: bool,
    /// Also write the deliverable as one zip in the output folder (reports, charts, manifest;
    /// named after the organisation and the date; the same bytes for the same reports); only
    /// when the build has no errors.
    #[arg(long)]
    pub bundle: bool,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// List the built-in templates.
    List,
    /// Write the built-in templates into DIR (typically the workspace's `templates/`).
    Export {
        /// Folder to write into; existing files are not overwritten.
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders to check [default: the workspace's assessments folder].
    pub paths: Vec<PathBuf>,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Text)]
    pub format: DiagnosticFormat,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Files or folders to evaluate [default: the workspace's assessments folder].
    pub paths: Vec<PathBuf>,
    /// Output format: a table per partner, JSON (stable, documented in the book), or a row per
    /// partner and proposition as CSV or as an Excel workbook.
    #[arg(long, value_enum, default_value_t = EvaluationFormat::Text)]
    pub format: EvaluationFormat,
    /// Language of flag messages in the text output [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Write to this file (replaced whole, never half-written) instead of standard output (`-`).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvaluateFormat {
    Text,
    Json,
}

/// What `trustmap evaluate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvaluationFormat {
    /// A table per partner, then the network.
    Text,
    /// The whole evaluation.
    Json,
    /// One row per partner and proposition, with verdicts and flag counts, for a spreadsheet.
    Csv,
    /// The same rows as an Excel workbook, numbers and dates typed (with --output, or standard
    /// output sent to a file).
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormat {
    /// rustc-style: `error[code]: message`, then `--> path:line:col`, the source line and a caret.
    Text,
    /// A JSON array of diagnostics (path, line, column, severity, code, message).
    Json,
    /// GitHub Actions annotations (`::error file=…,line=…,col=…::…`).
    Github,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    /// Language [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QuestionsFormat::Text)]
    pub format: QuestionsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QuestionsFormat {
    Text,
    /// The whole instrument, both languages, as JSON.
    Json,
    Md,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the workspace in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Name of the client organisation.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Language of reports and new answer files.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// Also write a filled-in example partner into `assessments/`, so the workspace builds at
    /// once (remove it before the client's first build).
    #[arg(long)]
    pub example: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The partner's display name (with --from: its id or name).
    pub partner: String,
    /// The kind of partner [required unless --from].
    #[arg(long, value_enum, required_unless_present = "from")]
    pub role: Option<Role>,
    /// Start the next round from the partner's latest answer file of the same perspective: its
    /// metadata, key persons and contacts carried over, scores and notes blank.
    #[arg(long)]
    pub from: bool,
    /// With --from: carry the scores, notes and other answers over too, to be revised.
    #[arg(long, requires = "from")]
    pub keep_answers: bool,
    /// Who answers; part of the default file name, so respondents of one round do not collide.
    #[arg(long, value_name = "NAME")]
    pub respondent: Option<String>,
    /// Answer-file format.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Language of the question texts [default: the workspace's, else nl].
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
    /// The round's date, YYYY-MM-DD [default: today, or SOURCE_DATE_EPOCH].
    #[arg(long)]
    pub date: Option<String>,
    /// A strategic collaboration (box 1).
    #[arg(long)]
    pub strategic: bool,
    /// A partner we want a relationship with, not yet a current one (box 1).
    #[arg(long)]
    pub desired: bool,
    /// Record the partner's view of us instead of ours of the partner.
    #[arg(long)]
    pub partner_perspective: bool,
    /// Where to write; `-` for standard output [default: ASSESSMENTS/<id>-<date>.<ext>].
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The answer file to convert (it is not changed).
    pub file: PathBuf,
    /// Target format.
    #[arg(long, value_enum)]
    pub to: Format,
    /// Where to write [default: standard output]. An existing file is never overwritten.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}
