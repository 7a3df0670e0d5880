//! One function per subcommand: checks the raw CLI values against the workspace configuration
//! (the settings the library uses) and runs the pipeline. Output goes to the writer given, so
//! tests and the binary see the same bytes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{self, Cli, ColorChoice, Command, DiagnosticFormat};
use crate::diagnostic::{self, Output};
use crate::emit::{self, Guidance};
use crate::load::comments::Comments;
use crate::load::{self, Loaded};
use crate::model::{Assessment, Date, Format, Lang, Perspective, Role, Status, slugify};
use crate::pipeline;
use crate::questionnaire::Questionnaire;
use crate::reporter::Reporter;
use crate::settings::{BuildSettings, Inputs, inputs, lang};
use crate::validate;
use crate::workspace::{CONFIG_FILE, Config, Workspace};
use crate::write::{Overwrite, atomic, stage};
use crate::{Error, Result};

/// How a command ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything valid.
    Ok,
    /// The command ran, but found problems in the inputs (exit code 1).
    Problems,
}

/// Makes the reporter a command talks to the user through, given whether it is to be quiet and
/// whether its diagnostics may be coloured. The binary's draws on the terminal.
pub type Reporters<'a> = &'a dyn Fn(bool, bool) -> Box<dyn Reporter>;

/// Runs a parsed command line: results go to `out`, everything said along the way to a reporter
/// from `reporters`.
pub fn run(cli: Cli, out: &mut dyn Write, reporters: Reporters) -> Result<Outcome> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    };
    let trust = cli.trust_workspace;
    match cli.command {
        Command::Build(args) => build(&args, trust, color, out, reporters),
        Command::Merge(args) => merge(&args, &*reporters(false, color)),
        Command::Templates(cmd) => templates(&cmd, out),
        Command::Check(args) => check(&args, trust, color, out),
        Command::Evaluate(args) => evaluate(&args, trust, color, out, &*reporters(false, false)),
        Command::Questions(args) => questions(&args, trust, out),
        Command::Init(args) => init(&args, out),
        Command::New(args) => new(&args, trust, out),
        Command::Schema(args) => {
            let schema =
                if args.plan { crate::schema::plan_schema_json() } else { crate::schema::schema_json() };
            out.write_all(schema.as_bytes())?;
            Ok(Outcome::Ok)
        }
        Command::Convert(args) => convert(&args, trust, out, &*reporters(false, false)),
        Command::Actions(args) => actions(&args, trust, out, &*reporters(false, false)),
        Command::Plan(args) => plan(&args, trust, out, &*reporters(false, false)),
        Command::Changes(args) => changes(&args, trust, out, &*reporters(false, false)),
        Command::Import(args) => import(&args, trust, out, &*reporters(false, color)),
        Command::Completions(args) => crate::shell::completions(args.shell, out).map(|()| Outcome::Ok),
        Command::Man(args) => crate::shell::man(args.out.as_deref(), out).map(|()| Outcome::Ok),
    }
}

/// `trustmap import FILE.csv`: every row checked as an answer file is; if none has an error and
/// no file to write exists (or with `--force`), one answer file per row, else nothing.
fn import(
    args: &cli::ImportArgs,
    trusted: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    use crate::import::{Mapping, files, read_csv, read_sheet};
    let workspace = Workspace::find(Path::new("."), trusted)?;
    let mapping = args.map.as_deref().map(Mapping::read).transpose()?.unwrap_or_default();
    let extension = args.file.extension().map(|e| e.to_string_lossy().to_lowercase());
    let imported = match extension.as_deref() {
        Some("xlsx" | "xlsm" | "xls" | "xlsb" | "ods") => {
            read_sheet(&args.file, &mapping, args.sheet.as_deref())?
        }
        _ => read_csv(&args.file, &mapping, workspace.config.limits.file_bytes)?,
    };
    if !imported.diagnostics.is_empty() {
        let sources = BTreeMap::from([(args.file.clone(), imported.text.clone())]);
        let text = diagnostic::Output::Text { color: reporter.colour() };
        reporter.diagnostics(&diagnostic::report(&imported.diagnostics, &sources, text)?);
    }
    if imported.diagnostics.iter().any(diagnostic::Diagnostic::is_error) {
        writeln!(out, "nothing written: fix the cells above and import again")?;
        return Ok(Outcome::Problems);
    }
    let folder = match &args.into {
        Some(dir) => dir.clone(),
        None => workspace.assessments()?,
    };
    let files = files(&imported, &folder, args.format);
    let mut seen = std::collections::BTreeSet::new();
    for (path, _) in &files {
        let shown = diagnostic::path_shown(path);
        if !seen.insert(path) {
            return Err(Error::System(format!(
                "two rows would both be written to {shown}: give them another date, perspective or respondent; nothing written"
            )));
        }
        if !args.force && path.exists() {
            return Err(Error::System(format!(
                "{shown} exists already: nothing written (--force replaces the files that exist)"
            )));
        }
    }
    std::fs::create_dir_all(&folder).map_err(|cause| Error::Write { path: folder.clone(), cause })?;
    let overwrite = if args.force { Overwrite::Allow } else { Overwrite::Refuse };
    let guidance = Guidance::new(false, workspace.config.lang);
    for (path, assessment) in &files {
        let schema = relative_schema(path, &workspace);
        atomic(path, emit::emit(assessment, args.format, guidance, schema.as_deref()).as_bytes(), overwrite)?;
        writeln!(out, "created {}", diagnostic::path_shown(path))?;
    }
    Ok(Outcome::Ok)
}

/// `trustmap changes --since REV|DIR`: the workspace now against an earlier output folder's
/// snapshot, or against the workspace at a git revision (its files read through git into a
/// temporary folder and evaluated as they were, with that revision's trustmap.toml).
fn changes(
    args: &cli::ChangesArgs,
    trusted: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    use crate::changes::{Snapshot, base, compare, text};
    let workspace = Workspace::find(Path::new("."), trusted)?;
    let now = Snapshot::of(&crate::changes::evaluate_workspace(&workspace, reporter)?);
    let changes = compare(&base(&workspace, &args.since)?, &now, &args.since);
    match args.format {
        cli::EvaluateFormat::Json => {
            out.write_all((serde_json::to_string_pretty(&changes)? + "\n").as_bytes())?
        }
        cli::EvaluateFormat::Text => {
            out.write_all(text(&changes, args.lang.unwrap_or(workspace.config.lang)).as_bytes())?
        }
    }
    Ok(Outcome::Ok)
}

/// `trustmap plan PARTNER`: proposes an action for each of the partner's flags that its plan
/// does not answer yet, added at the end of the plan (made if there is none), checked as a plan
/// before it is written.
fn plan(
    args: &cli::PlanArgs,
    trusted: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    use crate::load::node::parse_yaml;
    let Inputs { workspace, paths, .. } = inputs(&args.paths, trusted)?;
    let batch = pipeline::read_workspace(&paths, &workspace)?;
    let id = batch.partner_id(&args.partner)?;
    let dir = workspace.plans()?;
    let existing = batch.plans.get(&id);
    let path = existing.map_or_else(|| dir.join(format!("{id}.yaml")), |p| p.source.clone());
    // Nothing is added while a plan has errors (it may be this partner's under another name),
    // or a file is in the way: the problems are shown.
    let problems: Vec<_> =
        batch.diagnostics.iter().filter(|d| d.is_error() && d.path.starts_with(&dir)).cloned().collect();
    if !problems.is_empty() || (existing.is_none() && path.exists()) {
        reporter.diagnostics(&diagnostic::report(&problems, &batch.sources, Output::Text { color: false })?);
        return Err(Error::Invalid { path: problems.first().map_or(path, |d| d.path.clone()) });
    }
    let evaluation = batch.evaluate(&workspace.config.evaluation);
    let Some(partner) = evaluation.partners.iter().find(|p| p.id == id) else {
        return Err(Error::NoSuchPartner { asked: args.partner.clone(), suggestion: None });
    };
    let lang = workspace.config.lang;
    let proposals = crate::plan::proposals(existing, &partner.flags, lang);
    let shown = workspace.relative(&path);
    if proposals.is_empty() {
        let why = if partner.flags.is_empty() {
            "has no flags"
        } else {
            "has an action in its plan for every flag"
        };
        writeln!(out, "nothing to propose: `{}` {why}", partner.partner)?;
        return Ok(Outcome::Ok);
    }
    // The file as it is on disk (its line ends, a byte order mark), its tree from the text read.
    let raw = match existing {
        Some(_) => {
            Some(std::fs::read_to_string(&path).map_err(|e| Error::Read { path: path.clone(), cause: e })?)
        }
        None => None,
    };
    let read = existing.and_then(|_| batch.sources.get(&path)).map(String::as_str);
    let root = read.map(parse_yaml).transpose().map_err(|_| Error::Invalid { path: path.clone() })?;
    let text = raw.as_deref();
    let note = format!("proposed by trustmap plan from the flags of the round of {}", partner.date);
    let new = crate::plan::with_proposals(text.zip(root.as_ref()), &id, &proposals, &note)
        .map_err(|why| Error::PlanNotExtensible { path: path.clone(), why })?;
    // What is written must read back as this partner's plan, with the new actions.
    let partners = batch.partner_names();
    let check = new.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let root =
        parse_yaml(&check).map_err(|e| Error::System(format!("the extended plan does not parse: {e:?}")))?;
    let (checked, diagnostics) =
        crate::plan::validate(&path, &root, &partners, &workspace.config.targets.types());
    let before = existing.map_or(0, |p| p.actions.len());
    let added = checked.as_ref().map_or(0, |p| p.actions.len().saturating_sub(before));
    if diagnostics.iter().any(|d| d.is_error()) || added != proposals.len() {
        return Err(Error::System(format!(
            "the extended plan for `{id}` would not be valid; nothing was written"
        )));
    }
    let list: Vec<String> = proposals.iter().map(|p| format!("{} ({})", p.id, p.answers)).collect();
    if args.dry_run {
        writeln!(
            out,
            "would add {} to {shown}: {}",
            diagnostic::plural(added, "proposed action"),
            list.join(", ")
        )?;
        return Ok(Outcome::Ok);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::Write { path: parent.to_path_buf(), cause: e })?;
    }
    let overwrite = if existing.is_some() { Overwrite::Allow } else { Overwrite::Refuse };
    atomic(&path, new.as_bytes(), overwrite)?;
    writeln!(out, "added {} to {shown}: {}", diagnostic::plural(added, "proposed action"), list.join(", "))?;
    Ok(Outcome::Ok)
}

/// `trustmap actions`: the open actions of every plan, as a table or JSON.
fn actions(
    args: &cli::ActionsArgs,
    trusted: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    use crate::render::labels::Labels;
    let Inputs { workspace, paths, .. } = inputs(&args.paths, trusted)?;
    let batch = pipeline::read_workspace(&paths, &workspace)?;
    batch.report_errors(reporter)?;
    let today = match args.today {
        Some(day) => day,
        None => Date::today().map_err(Error::Date)?,
    };
    // Each partner by the name of its latest round, as the reports name it.
    let mut rounds: Vec<&Assessment> = batch.assessments.iter().collect();
    rounds.sort_by_key(|a| (a.date, a.perspective == Perspective::Own));
    let names: BTreeMap<&str, &str> = rounds.iter().map(|a| (a.id.as_str(), a.partner.as_str())).collect();
    let plans = batch
        .plans
        .values()
        .map(|plan| (plan, names.get(plan.partner.as_str()).copied().unwrap_or(&plan.partner)));
    let open = crate::model::open_actions(plans, Some(today));
    match args.format {
        cli::EvaluateFormat::Json => {
            let json = serde_json::json!({ "today": today.to_string(), "open": open });
            out.write_all((serde_json::to_string_pretty(&json)? + "\n").as_bytes())?;
        }
        cli::EvaluateFormat::Text => {
            let lang = args.lang.unwrap_or(workspace.config.lang);
            let labels = Labels::builtin();
            let t = |key: &str| labels.text(key, lang);
            let header = [t("partner"), t("action"), t("owner"), t("due"), t("status"), String::new()];
            let mut rows = vec![header.to_vec()];
            for a in &open {
                rows.push(vec![
                    a.name.to_string(),
                    // A text written over several lines is joined: the table wraps it to fit.
                    format!(
                        "{} {}",
                        a.action.id,
                        a.action.what.split_whitespace().collect::<Vec<_>>().join(" ")
                    ),
                    labels.text(&format!("owners.{}", a.action.owner), lang),
                    a.action.due.map_or_else(|| "–".to_string(), |d| d.to_string()),
                    labels.text(&format!("action_statuses.{}", a.action.status), lang),
                    if a.overdue { t("overdue") } else { String::new() },
                ]);
            }
            if open.is_empty() {
                writeln!(out, "{}", t("no_open_actions"))?;
            } else {
                out.write_all(crate::table::plain(&rows, crate::table::terminal_width()).as_bytes())?;
            }
        }
    }
    let overdue = open.iter().any(|a| a.overdue);
    Ok(if batch.has_errors() || (args.fail_on_overdue && overdue) { Outcome::Problems } else { Outcome::Ok })
}

fn build(
    args: &cli::BuildArgs,
    trusted: bool,
    color: bool,
    out: &mut dyn Write,
    reporters: Reporters,
) -> Result<Outcome> {
    // What to watch is the first build's workspace; each build reads its settings anew, so a
    // changed trustmap.toml takes effect at once.
    let settings = BuildSettings::new(args, trusted)?;
    let terminal = reporters(false, color);
    if !args.watch && args.serve.is_none() {
        let outcome = build_once(&settings, color, out, reporters)?;
        if args.open {
            open_index(&settings.out, None, &*terminal);
        }
        return Ok(outcome);
    }
    let (server, address) = match args.serve {
        Some(port) => {
            let (server, address) = crate::serve::Server::start(&settings.out, port)?;
            terminal
                .status(&format!("serving `{}` on http://{address}/", diagnostic::path_shown(&settings.out)));
            (Some(server), Some(address))
        }
        None => (None, None),
    };
    let mut to_open = args.open;
    crate::watch::run(&settings.workspace.root, &settings.paths, &settings.out, || {
        let built = BuildSettings::new(args, trusted).and_then(|s| build_once(&s, color, out, reporters));
        let done = built.is_ok();
        if let Err(e) = built {
            terminal.error(&e.with_causes());
        }
        let _ = out.flush();
        if let Some(server) = &server {
            server.built();
        }
        // Opened after the first build that did not fail.
        if done && std::mem::take(&mut to_open) {
            open_index(&settings.out, address, &*terminal);
        }
        terminal.status(&format!(
            "watching `{}` for changes (Ctrl-C stops)",
            diagnostic::path_shown(&settings.workspace.root)
        ));
    })?;
    Ok(Outcome::Ok)
}

/// Opens what a reader of `out` starts with, in the browser: the index, else the network
/// report (PDF, then Markdown), else the folder; through the server at `address` if there is
/// one. A browser that cannot be started is said, not an error: the build is done.
fn open_index(out: &Path, address: Option<std::net::SocketAddr>, terminal: &dyn Reporter) {
    use crate::model::layout::{INDEX, NETWORK};
    let first = [format!("{INDEX}.html"), format!("{NETWORK}.pdf"), format!("{NETWORK}.md")]
        .into_iter()
        .find(|name| out.join(name).is_file());
    let target: std::ffi::OsString = match (address, first) {
        (Some(address), Some(name)) if name.ends_with(".html") => format!("http://{address}/").into(),
        (Some(address), name) => format!("http://{address}/{}", name.unwrap_or_default()).into(),
        (None, name) => std::path::absolute(out.join(name.unwrap_or_default())).unwrap_or_default().into(),
    };
    if let Err(e) = opener::open_browser(&target) {
        terminal.warning(&format!("cannot open {} ({e})", target.to_string_lossy()));
    }
}

/// One build, and what it says at its end.
fn build_once(
    settings: &BuildSettings,
    color: bool,
    out: &mut dyn Write,
    reporters: Reporters,
) -> Result<Outcome> {
    let started = std::time::Instant::now();
    let terminal = reporters(settings.quiet, color);
    if let Some(asked) = settings.jobs_asked {
        terminal
            .note(&format!("--jobs {asked} is more than this machine's {} cores; using {0}", settings.jobs));
    }
    let summary = crate::build::build(settings, &*terminal)?;
    if let Some(context) = summary.context {
        out.write_all(context.as_bytes())?;
        return Ok(if summary.has_errors { Outcome::Problems } else { Outcome::Ok });
    }
    if !summary.kept.is_empty() {
        terminal.note(&format!(
            "kept the reports of {} from an earlier build, because their answer files have errors: {}",
            diagnostic::plural(summary.kept.len(), "partner"),
            summary.kept.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if !summary.unclaimed.is_empty() {
        terminal.note(&format!(
            "removed no partner's reports, because it cannot be told which partner {} belongs to: {}",
            if summary.unclaimed.len() == 1 { "this file" } else { "these files" },
            summary
                .unclaimed
                .iter()
                .map(|p| format!("`{}`", diagnostic::path_shown(p)))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    } else if summary.incomplete {
        terminal.note("removed no partner's reports, because some files could not be read");
    }
    terminal.status(&format!(
        "wrote {} for {}{}{}{} in {:.1}s",
        diagnostic::plural(summary.written, "file"),
        diagnostic::plural(summary.partners, "partner"),
        if summary.unchanged > 0 { format!(", {} unchanged", summary.unchanged) } else { String::new() },
        if summary.removed > 0 { format!(", removed {} stale", summary.removed) } else { String::new() },
        if summary.failed_files > 0 {
            format!(", {} with errors", diagnostic::plural(summary.failed_files, "file"))
        } else {
            String::new()
        },
        started.elapsed().as_secs_f64()
    ));
    if let Some(bundle) = &summary.bundle {
        terminal.status(&format!(
            "bundled the deliverable in `{}`",
            diagnostic::path_shown(&settings.out.join(bundle))
        ));
    }
    Ok(if summary.has_errors { Outcome::Problems } else { Outcome::Ok })
}

fn templates(cmd: &cli::TemplatesCommand, out: &mut dyn Write) -> Result<Outcome> {
    use crate::render::BUILTINS;
    match cmd {
        cli::TemplatesCommand::List => {
            for (name, _) in BUILTINS {
                writeln!(out, "{name}")?;
            }
        }
        cli::TemplatesCommand::Export { dir } => {
            for (name, text) in BUILTINS {
                let path = dir.join(name);
                atomic(&path, text.as_bytes(), Overwrite::Refuse)?;
                writeln!(out, "created {}", path.display())?;
            }
        }
    }
    Ok(Outcome::Ok)
}

fn check(args: &cli::CheckArgs, trusted: bool, color: bool, out: &mut dyn Write) -> Result<Outcome> {
    let Inputs { workspace, paths, .. } = inputs(&args.paths, trusted)?;
    let batch = pipeline::read_workspace(&paths, &workspace)?;
    let output = match args.format {
        DiagnosticFormat::Text => Output::Text { color },
        DiagnosticFormat::Json => Output::Json,
        DiagnosticFormat::Github => Output::Github,
    };
    out.write_all(diagnostic::report(&batch.diagnostics, &batch.sources, output)?.as_bytes())?;
    if args.format == DiagnosticFormat::Text {
        if !batch.diagnostics.is_empty() {
            writeln!(out)?;
        }
        if let Some(bin) = &workspace.config.pdf.typst_bin {
            writeln!(
                out,
                "note: {} names an executable that `build` runs for PDFs (`pdf.typst_bin = {}`); it is run only with `--trust-workspace`",
                diagnostic::path_shown(&workspace.root.join(CONFIG_FILE)),
                diagnostic::shown(&bin.to_string_lossy())
            )?;
        }
        let errors = batch.diagnostics.iter().filter(|d| d.is_error()).count();
        let checked = batch.files - batch.skipped;
        if errors == 0 {
            writeln!(out, "{}: all valid", diagnostic::plural(checked, "answer file"))?;
        } else {
            writeln!(
                out,
                "{}: {} in {}",
                diagnostic::plural(checked, "answer file"),
                diagnostic::plural(errors, "error"),
                diagnostic::plural(batch.failed_files(), "file")
            )?;
        }
    }
    Ok(if batch.has_errors() { Outcome::Problems } else { Outcome::Ok })
}

fn evaluate(
    args: &cli::EvaluateArgs,
    trusted: bool,
    color: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    let Inputs { workspace, paths, .. } = inputs(&args.paths, trusted)?;
    let batch = pipeline::read_workspace(&paths, &workspace)?;
    // Problems go to standard error, so the evaluation on standard output stays parseable.
    batch.report_errors(reporter)?;
    let evaluation = batch.evaluate(&workspace.config.evaluation);
    let bytes = match args.format {
        cli::EvaluationFormat::Json => serde_json::to_string_pretty(&evaluation)? + "\n",
        // A file gets no colours.
        cli::EvaluationFormat::Text => {
            crate::table::render(&evaluation, lang(args.lang, &workspace), color && args.output.is_none())
        }
        cli::EvaluationFormat::Csv => crate::spreadsheet::csv(&evaluation)?,
        cli::EvaluationFormat::Xlsx => {
            let to_stdout = args.output.as_ref().is_none_or(|p| p.as_os_str() == "-");
            if to_stdout && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                return Err(Error::System(
                    "an Excel workbook is not for the terminal: write it to a file with `--output evaluation.xlsx`".into(),
                ));
            }
            return write_evaluation(args, &crate::spreadsheet::xlsx(&evaluation)?, &batch, out, reporter);
        }
    };
    write_evaluation(args, bytes.as_bytes(), &batch, out, reporter)
}

/// The evaluation's `bytes` to `--output` (written whole) or `out`.
fn write_evaluation(
    args: &cli::EvaluateArgs,
    bytes: &[u8],
    batch: &pipeline::Batch,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    match args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            atomic(path, bytes, Overwrite::Allow)?;
            reporter.status(&format!("wrote `{}`", diagnostic::path_shown(path)));
        }
        None => out.write_all(bytes)?,
    }
    Ok(if batch.has_errors() { Outcome::Problems } else { Outcome::Ok })
}

fn questions(args: &cli::QuestionsArgs, trusted: bool, out: &mut dyn Write) -> Result<Outcome> {
    let workspace = Workspace::find(Path::new("."), trusted)?;
    let lang = lang(args.lang, &workspace);
    let q = Questionnaire::get();
    let text = match args.format {
        cli::QuestionsFormat::Json => serde_json::to_string_pretty(q)? + "\n",
        cli::QuestionsFormat::Text => crate::questions::text(q, lang),
        cli::QuestionsFormat::Md => crate::questions::markdown(q, lang),
    };
    out.write_all(text.as_bytes())?;
    Ok(Outcome::Ok)
}

fn init(args: &cli::InitArgs, out: &mut dyn Write) -> Result<Outcome> {
    let dir = &args.dir;
    let config_path = dir.join(CONFIG_FILE);
    if config_path.exists() {
        return Err(Error::Exists(config_path));
    }
    let config = Config {
        organisation: args.organisation.clone(),
        lang: lang(args.lang, &Workspace { root: dir.clone(), config: Config::default(), found: false }),
        ..Config::default()
    };
    let organisation = config.organisation.as_deref().unwrap_or("My Organisation");
    let toml = format!(
        "# trustmap workspace: settings for every command run inside this folder.\n\
         organisation = {}\n\
         # Language of reports and new answer files: nl or en.\n\
         lang = \"{}\"\n\
         # Where the answer files are, and where reports go.\n\
         assessments = \"assessments\"\n\
         output = \"reports\"\n",
        serde_json::Value::from(organisation),
        config.lang
    );
    let schema_ref = "../trustmap.schema.json";
    let assessments = dir.join("assessments");
    let mut files: Vec<(PathBuf, String)> = vec![
        (config_path, toml),
        (dir.join("trustmap.schema.json"), crate::schema::schema_json()),
        // Git keeps no empty folder; the answer files go here.
        (assessments.join(".gitkeep"), String::new()),
    ];
    // The editor set-up: VS Code (with Red Hat's YAML extension, which it recommends) checks
    // and completes every answer file against the schema, modeline or not. A set-up of the
    // user's own is left as it is.
    let vscode = [
        (
            dir.join(".vscode/settings.json"),
            "{\n  \"yaml.schemas\": {\n    \"./trustmap.schema.json\": [\"assessments/**/*.yaml\", \"assessments/**/*.yml\"]\n  }\n}\n",
        ),
        (dir.join(".vscode/extensions.json"), "{\n  \"recommendations\": [\"redhat.vscode-yaml\"]\n}\n"),
    ];
    let mut kept = Vec::new();
    for (path, text) in vscode {
        if path.exists() {
            kept.extend(path.ends_with("settings.json").then_some(path));
        } else {
            files.push((path, text.to_owned()));
        }
    }
    if args.example {
        let example = example_assessment(&assessments.join("example-partner.yaml"), config.lang)?;
        let text = emit::emit(&example, Format::Yaml, Guidance::new(true, config.lang), Some(schema_ref));
        files.push((example.source, text));
    }
    // An existing .gitignore gets the line it lacks; nothing else of the user's is touched.
    let gitignore = dir.join(".gitignore");
    let ignore = "/reports/";
    let ignored = match std::fs::read_to_string(&gitignore) {
        Ok(text) if text.lines().any(|l| l.trim() == ignore) => None,
        Ok(text) if text.is_empty() || text.ends_with('\n') => Some(format!("{text}{ignore}\n")),
        Ok(text) => Some(format!("{text}\n{ignore}\n")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!("{ignore}\n")),
        Err(e) => return Err(Error::Read { path: gitignore, cause: e }),
    };
    // All or nothing: every new file is refused before anything is written if it exists, and
    // each is written in full beside its place before any is put there.
    if let Some((path, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(Error::Exists(path.clone()));
    }
    let updated = ignored.is_some() && gitignore.exists();
    let mut staged = files
        .iter()
        .map(|(path, text)| Ok((stage(path, text.as_bytes())?, Overwrite::Refuse)))
        .collect::<Result<Vec<_>>>()?;
    if let Some(text) = ignored {
        staged.push((stage(&gitignore, text.as_bytes())?, Overwrite::Allow));
    }
    for (file, overwrite) in staged {
        let path = file.path().to_path_buf();
        file.commit(overwrite)?;
        let verb = if updated && path == gitignore { "updated" } else { "created" };
        writeln!(out, "{verb} {}", path.display())?;
    }
    for path in kept {
        writeln!(
            out,
            "left {} as it is: map ./trustmap.schema.json to assessments/**/*.yaml under \"yaml.schemas\" there for editor checks",
            path.display()
        )?;
    }
    if !args.example {
        writeln!(out, "next: trustmap new \"Partner name\" --role customer  (in {})", dir.display())?;
    }
    Ok(Outcome::Ok)
}

/// A filled-in example, so a new workspace checks and (later) builds at once.
fn example_assessment(path: &Path, lang: Lang) -> Result<Assessment> {
    let mut answers = std::collections::BTreeMap::new();
    let note = match lang {
        Lang::Nl => "Sterk technisch team; levert al jaren op tijd.",
        Lang::En => "Strong technical team; has delivered on time for years.",
    };
    answers.insert(
        "trust.expertise".to_owned(),
        crate::model::Answer { score: Some(4), note: Some(note.into()), ..Default::default() },
    );
    answers.insert(
        "trust.keeps_agreements".to_owned(),
        crate::model::Answer { score: Some(4), ..Default::default() },
    );
    Ok(Assessment {
        source: path.to_path_buf(),
        partner: "Example Partner".into(),
        id: "example-partner".into(),
        role: Role::Supplier,
        strategic: true,
        status: Status::Current,
        date: Date::today().map_err(Error::Date)?,
        perspective: Perspective::Own,
        respondent: None,
        assessor: None,
        lang: Some(lang),
        answers,
        spans: Default::default(),
    })
}

fn new(args: &cli::NewArgs, trusted: bool, out: &mut dyn Write) -> Result<Outcome> {
    let workspace = Workspace::find(Path::new("."), trusted)?;
    let lang = lang(args.lang, &workspace);
    let date = match &args.date {
        Some(text) => Date::parse(text)
            .ok_or_else(|| Error::Date(format!("`{text}` is not a valid date (expected YYYY-MM-DD)")))?,
        None => Date::today().map_err(Error::Date)?,
    };
    let perspective = if args.partner_perspective { Perspective::Partner } else { Perspective::Own };
    let respondent = args.respondent.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let assessment = match args.from {
        true => next_round(args, &workspace, date, perspective, respondent.clone())?,
        false => {
            let id = slugify(&args.partner);
            if id.is_empty() {
                return Err(Error::NoId(args.partner.clone()));
            }
            Assessment {
                source: PathBuf::new(),
                partner: args.partner.clone(),
                id,
                role: args.role.expect("clap requires --role without --from"),
                strategic: args.strategic,
                status: if args.desired { Status::Desired } else { Status::Current },
                date,
                perspective,
                respondent: respondent.clone(),
                assessor: None,
                lang: Some(lang),
                answers: Default::default(),
                spans: Default::default(),
            }
        }
    };
    let format = args.format;
    let path = match &args.output {
        Some(path) => path.clone(),
        None => {
            // Named as every answer file trustmap writes, beside the partner's earlier files when
            // they have a folder of their own.
            let name = crate::answer_file::file_name(&assessment, format);
            let folder = Some(assessment.source.as_path())
                .and_then(Path::parent)
                .filter(|dir| dir.file_name().is_some_and(|n| n == assessment.id.as_str()));
            folder.map_or_else(|| workspace.assessments(), |dir| Ok(dir.to_path_buf()))?.join(name)
        }
    };
    let assessment = Assessment { source: path.clone(), ..assessment };
    let schema = relative_schema(&path, &workspace);
    let text = emit::emit(&assessment, format, Guidance::new(true, lang), schema.as_deref());
    if path == Path::new("-") {
        out.write_all(text.as_bytes())?;
    } else {
        atomic(&path, text.as_bytes(), Overwrite::Refuse)?;
        writeln!(out, "created {}", path.display())?;
    }
    Ok(Outcome::Ok)
}

/// The next round of the partner `args` names, dated `date`, started from its latest answer
/// file of `perspective` before that date (of `respondent`'s, when they answered it): its metadata, key persons
/// and contacts carried over (flags given on the command line win), and its scores, notes and
/// other answers too with `--keep-answers`.
fn next_round(
    args: &cli::NewArgs,
    workspace: &Workspace,
    date: Date,
    perspective: Perspective,
    respondent: Option<String>,
) -> Result<Assessment> {
    let assessments = workspace.assessments()?;
    let batch = pipeline::read(
        std::slice::from_ref(&assessments),
        &[workspace.output()?],
        &workspace.root,
        &workspace.config.limits,
    )?;
    let id = batch.partner_id(&args.partner)?;
    // The newest round of this perspective before `date` (another respondent of the same round
    // starts from the one before it too); of its files (sorted by path), the respondent's.
    let rounds =
        batch.assessments.iter().filter(|a| a.id == id && a.perspective == perspective && a.date < date);
    let newest = rounds.clone().map(|a| a.date).max();
    let mut last: Vec<&Assessment> = rounds.filter(|a| Some(a.date) == newest).collect();
    last.sort_by(|a, b| a.source.cmp(&b.source));
    let mine = last.iter().find(|a| respondent.is_some() && a.respondent == respondent);
    let Some(latest) = mine.or(last.first()).copied() else {
        return Err(Error::NoRoundToStartFrom { id, partner_view: perspective == Perspective::Partner });
    };
    let answers = latest
        .answers
        .iter()
        .filter_map(|(q, a)| {
            if args.keep_answers {
                return Some((q.clone(), a.clone()));
            }
            (!a.people.is_empty())
                .then(|| (q.clone(), crate::model::Answer { people: a.people.clone(), ..Default::default() }))
        })
        .collect();
    Ok(Assessment {
        source: latest.source.clone(),
        role: args.role.unwrap_or(latest.role),
        strategic: args.strategic || latest.strategic,
        status: if args.desired { Status::Desired } else { latest.status },
        date,
        respondent: respondent.or_else(|| latest.respondent.clone()),
        lang: args.lang.or(latest.lang),
        answers,
        spans: Default::default(),
        ..latest.clone()
    })
}

/// The workspace's `trustmap.schema.json` as seen from the folder of `file`, if there is one.
fn relative_schema(file: &Path, workspace: &Workspace) -> Option<String> {
    let schema = std::path::absolute(workspace.root.join("trustmap.schema.json")).ok()?;
    if !schema.is_file() {
        return None;
    }
    let dir = std::path::absolute(file.parent().unwrap_or(Path::new("."))).ok()?;
    let common = dir.ancestors().find(|a| schema.starts_with(a))?;
    let ups = dir.components().count() - common.components().count();
    let rest = schema.strip_prefix(common).ok()?;
    let mut rel = "../".repeat(ups);
    rel.push_str(&rest.to_string_lossy());
    Some(rel)
}

fn convert(
    args: &cli::ConvertArgs,
    trusted: bool,
    out: &mut dyn Write,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    let target = args.to;
    let invalid = || Error::Invalid { path: args.file.clone() };
    let workspace = Workspace::find(&args.file, trusted)?;
    let limits = workspace.config.limits;
    let doc = match load::load(&args.file, limits.file_bytes) {
        Loaded::Document(doc) => doc,
        Loaded::Skipped(d) => return Err(Error::NotAnAnswerFile { path: args.file.clone(), why: d.message }),
        Loaded::Failed { text, diagnostics } => {
            print_diagnostics(&args.file, text, &diagnostics, reporter);
            return Err(invalid());
        }
    };
    let checked = validate::validate(&doc, Questionnaire::get(), limits.note_bytes);
    let Some(assessment) = checked.assessment else {
        print_diagnostics(&args.file, Some(doc.text), &checked.diagnostics, reporter);
        return Err(invalid());
    };
    let lang = assessment.lang.unwrap_or(workspace.config.lang);
    // A YAML file names the workspace's schema, as `trustmap new` writes it, for the editor.
    let schema = relative_schema(args.output.as_deref().unwrap_or(&args.file), &workspace);
    // The file's own comments go with it, and a form's guidance stays a form's.
    let (comments, form) = emit::carried(Comments::read(&doc.text, doc.format));
    let text =
        emit::emit(&assessment, target, Guidance { form, lang, comments: &comments }, schema.as_deref());
    verify_round_trip(&assessment, &text, target)?;
    match &args.output {
        None => out.write_all(text.as_bytes())?,
        Some(path) => {
            atomic(path, text.as_bytes(), Overwrite::Refuse)?;
            writeln!(out, "created {}", path.display())?;
        }
    }
    Ok(Outcome::Ok)
}

/// Loads converted text back and compares: a conversion that would change the assessment (a
/// note line that reads as a field in Markdown, say) is refused rather than written.
fn verify_round_trip(original: &Assessment, text: &str, format: Format) -> Result<()> {
    let path = original.source.with_extension(format.as_str());
    let back = match load::parse(&path, text.to_owned(), format) {
        Loaded::Document(doc) => validate::validate(&doc, Questionnaire::get(), usize::MAX).assessment,
        _ => None,
    };
    let same = back.is_some_and(|b| {
        Assessment { source: original.source.clone(), spans: original.spans.clone(), ..b } == *original
    });
    if same {
        Ok(())
    } else {
        Err(Error::Lossy { path: original.source.clone(), format: emit::format_name(format) })
    }
}

fn print_diagnostics(
    path: &Path,
    text: Option<String>,
    diagnostics: &[diagnostic::Diagnostic],
    reporter: &dyn Reporter,
) {
    let sources = text.map(|t| (path.to_path_buf(), t)).into_iter().collect();
    if let Ok(report) = diagnostic::report(diagnostics, &sources, Output::Text { color: false }) {
        reporter.diagnostics(&report);
    }
}

/// `trustmap merge`: the shards' folders joined in one.
fn merge(args: &crate::cli::MergeArgs, reporter: &dyn Reporter) -> Result<Outcome> {
    let merged = crate::outdir::merge(&args.shards, &args.output, || reporter.waiting(&args.output))?;
    reporter.status(&format!(
        "merged {} into `{}`",
        diagnostic::plural(merged.files, "file"),
        diagnostic::path_shown(&args.output)
    ));
    Ok(Outcome::Ok)
}
