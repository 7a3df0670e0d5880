//! `trustmap build`: the main job. Reads and evaluates the workspace, renders every report in
//! every requested format in parallel, and writes them through [`crate::outdir`], which keeps
//! the user's own files safe and the manifest true.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

use crate::diagnostic::{path_shown, plural};
use crate::model::{Date, Evaluation, Lang, OutputFormat};
use crate::outdir::{self, Entry, OutputDir, Provenance};
use crate::pdf::{self, Engine, Job, PdfSettings};
use crate::pipeline::{self, Batch};
use crate::render::context::{Branding, Builder, Meta, NetworkContext, PartnerContext};
use crate::render::{Markup, Renderer};
use crate::workspace::{Limits, Workspace};
use crate::{Error, Result};

pub use crate::outdir::MANIFEST;

/// Checked settings of one build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub workspace: Workspace,
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub formats: BTreeSet<OutputFormat>,
    pub partners: BTreeSet<String>,
    pub lang: Lang,
    /// Worker threads, at most the machine's cores.
    pub jobs: usize,
    pub quiet: bool,
    pub dump_context: bool,
    pub pdf: PdfSettings,
    /// Whether reports of partners not seen in this build are stale (true when the whole
    /// workspace was read, false when only some paths were given).
    pub prune: bool,
    /// `SOURCE_DATE_EPOCH`, when set.
    pub date: Option<Date>,
}

impl Settings {
    fn limits(&self) -> &Limits {
        &self.workspace.config.limits
    }
}

/// A file a Typst source may read: name and bytes.
type Asset = (String, Vec<u8>);

/// What a build did.
#[derive(Debug, Default)]
pub struct Summary {
    pub written: usize,
    pub removed: usize,
    pub partners: usize,
    pub failed_files: usize,
    pub has_errors: bool,
    /// The context JSON, with `--dump-context`.
    pub context: Option<String>,
}

fn progress(quiet: bool, len: usize, what: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(what.to_owned());
    bar
}

/// Runs a build.
pub fn build(s: &Settings, color: bool) -> Result<Summary> {
    let started = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} worker threads ({e})", s.jobs)))?;
    run(s, color, started, &pool)
}

/// One report to render: a partner's, or the network's.
#[derive(Clone, Copy)]
enum Report<'a> {
    Partner(&'a PartnerContext),
    Network,
}

/// Runs `f` on the items on `pool`, with at most as many items under way as the pool has
/// threads, and returns the results in the items' order. Once `stop` holds for a result (or `f`
/// panics), no further item is started; those get `None`.
///
/// This is not a parallel iterator on purpose. Typst's PDF exporter waits for its background
/// work with `rayon::yield_now`, which runs whatever job the pool has queued: with a parallel
/// iterator that is another partner's whole document, started inside the unfinished one, and
/// so on down. Memory then grew with the size of the batch (200 partners took 560 MB). Here each
/// item becomes a pool job only when one of a fixed set of feeder threads takes it, so at most
/// that many documents are ever in memory, however large the batch.
fn each_bounded<T: Sync, R: Send>(
    pool: &rayon::ThreadPool,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    stop: impl Fn(&T, &R) -> bool + Sync,
) -> Vec<Option<R>> {
    /// Stops the others when its feeder unwinds.
    struct StopOnPanic<'a>(&'a AtomicBool);
    impl Drop for StopOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.store(true, Ordering::SeqCst);
            }
        }
    }
    let (next, stopped) = (AtomicUsize::new(0), AtomicBool::new(false));
    let feeders = pool.current_num_threads().clamp(1, items.len().max(1));
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    let done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..feeders)
            .map(|_| {
                scope.spawn(|| {
                    let _guard = StopOnPanic(&stopped);
                    let mut done = Vec::new();
                    while !stopped.load(Ordering::SeqCst) {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(index) else { break };
                        let result = pool.install(|| f(item));
                        if stop(item, &result) {
                            stopped.store(true, Ordering::SeqCst);
                        }
                        done.push((index, result));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    for (index, result) in done {
        results[index] = Some(result);
    }
    results
}

/// The folders the output folder must stay clear of: those read, the templates, the root.
fn input_folders(s: &Settings) -> outdir::Inputs {
    let mut folders: Vec<PathBuf> = s
        .paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            }
        })
        .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p })
        .collect();
    folders.extend(s.workspace.assessments().ok());
    folders.push(s.workspace.root.join("templates"));
    outdir::Inputs { folders, root: Some(s.workspace.root.clone()) }
}

fn run(s: &Settings, color: bool, started: Instant, pool: &rayon::ThreadPool) -> Result<Summary> {
    let root = &s.workspace.root;
    let found = crate::discover::discover(&s.paths, std::slice::from_ref(&s.out), root)?;
    let read: Vec<PathBuf> = found.files.clone();
    let bar = progress(s.quiet, found.files.len(), "loading");
    let batch = pool.install(|| pipeline::read_files(found, s.limits(), &|| bar.inc(1)));
    bar.finish_and_clear();
    // Everything `check` would say, so that no file is skipped or ignored without a word.
    eprint!(
        "{}",
        crate::diagnostic::report(
            &batch.diagnostics,
            &batch.sources,
            crate::diagnostic::Output::Text { color }
        )?
    );
    let unknown: Vec<&String> =
        s.partners.iter().filter(|id| !batch.assessments.iter().any(|a| &a.id == *id)).collect();
    if let Some(id) = unknown.first() {
        return Err(Error::Usage(format!("no partner with id `{id}` (see `trustmap evaluate` for the ids)")));
    }
    // The output folder is taken before anything is evaluated: its previous manifest tells
    // which partner a broken file belongs to, and that partner is left out of this build.
    let out = if s.dump_context {
        None
    } else {
        Some(OutputDir::open(&s.out, &input_folders(s), || {
            eprintln!("waiting for another trustmap build that is writing to `{}` …", path_shown(&s.out));
        })?)
    };
    let previous = match &out {
        Some(out) => out.previous().cloned().collect(),
        None => outdir::Manifest::read(&s.out.join(MANIFEST)).0.files,
    };
    let claims = claims(&batch, &previous, root);
    let valid: Vec<_> =
        batch.assessments.iter().filter(|a| !claims.failed.contains(&a.id)).cloned().collect();
    let evaluation = crate::evaluate::evaluate(&valid, &s.workspace.config.evaluation);
    let renderer = Renderer::new(Some(&root.join("templates")), s.lang, s.limits())?;
    if let (Engine::Cli(bin), true) = (&s.pdf.engine, s.formats.contains(&OutputFormat::Pdf)) {
        pdf::check_cli(bin)?;
    }
    let (org, logo) = branding(&s.workspace)?;
    let provenance = {
        let templates = root.join("templates");
        let config = root.join(crate::workspace::CONFIG_FILE);
        let mut files: Vec<&Path> = read.iter().map(PathBuf::as_path).collect();
        files.extend(s.workspace.found.then_some(config.as_path()));
        let template_files = template_files(&templates);
        files.extend(template_files.iter().map(PathBuf::as_path));
        let logo_path = s.workspace.config.report.logo.as_ref().map(|l| root.join(l));
        files.extend(logo_path.as_deref());
        let folders = if s.prune { s.paths.iter().map(PathBuf::as_path).collect() } else { Vec::new() };
        crate::provenance::read(root, &crate::provenance::Inputs { files, folders })
    };
    let builder =
        Builder::new(s.lang, org, meta(s.date, &evaluation, &provenance), &s.workspace.config.evaluation);
    let shown = |p: &Path| relative(p, root);
    let selected: Vec<_> =
        evaluation.partners.iter().filter(|p| s.partners.is_empty() || s.partners.contains(&p.id)).collect();
    let partner_contexts: Vec<PartnerContext> =
        selected.iter().map(|p| builder.partner(p, p.sources.iter().map(|x| shown(x)).collect())).collect();
    let all_sources: Vec<String> = valid.iter().map(|a| shown(&a.source)).collect();
    let network = builder.network(&evaluation, all_sources.clone());
    let Some(out) = out else {
        let dump = serde_json::json!({ "network": network, "partners": partner_contexts });
        return Ok(Summary {
            context: Some(serde_json::to_string_pretty(&dump)? + "\n"),
            has_errors: batch.has_errors(),
            ..Summary::default()
        });
    };
    // The network first: it is the largest document, so it should not be the last to start.
    let reports: Vec<Report> =
        std::iter::once(Report::Network).chain(partner_contexts.iter().map(Report::Partner)).collect();
    let bar = progress(s.quiet, reports.len(), "rendering");
    let limits = s.limits();
    let watchdog =
        crate::watchdog::Watchdog::start(limits.memory_mb, Duration::from_secs(limits.render_seconds))?;
    let results = each_bounded(
        pool,
        &reports,
        |report| {
            let _task = watchdog.task(match report {
                Report::Partner(ctx) => format!("the reports of partner `{}`", ctx.partner.id),
                Report::Network => "the network report".into(),
            });
            let (partner, made) = match report {
                Report::Partner(ctx) => {
                    (Some(ctx.partner.id.as_str()), partner_outputs(&renderer, s, ctx, logo.as_ref()))
                }
                Report::Network => {
                    (None, network_outputs(&renderer, s, &network, &all_sources, logo.as_ref()))
                }
            };
            // Written as soon as they are made, so the batch never holds more than the reports
            // under way. A format that failed for this report's data (Typst could not compile
            // it) costs only that format; any other failure stops the build.
            let result = made.and_then(|made| {
                let written = out.write(partner, made.outputs)?;
                Ok((written, made.failed))
            });
            bar.inc(1);
            result
        },
        // A failure in the network report is not one partner's data: it stops the build.
        |report, result| {
            result
                .as_ref()
                .map_or(true, |(_, failed)| matches!(report, Report::Network) && !failed.is_empty())
        },
    );
    bar.finish_and_clear();
    drop(watchdog);
    let mut entries: Vec<Entry> = Vec::new();
    let mut failed = claims.failed.clone();
    let mut rebuilt_with_errors = BTreeSet::new();
    let mut stop = None;
    for (report, result) in reports.iter().zip(results).filter_map(|(r, x)| Some((r, x?))) {
        match result {
            Ok((written, problems)) => {
                entries.extend(written);
                for e in problems {
                    match report {
                        Report::Partner(ctx) => {
                            eprintln!("error: partner `{}`: {e}", ctx.partner.id);
                            rebuilt_with_errors.insert(ctx.partner.id.clone());
                        }
                        Report::Network => stop = stop.or(Some(e)),
                    }
                }
            }
            Err(e) => stop = stop.or(Some(e)),
        }
    }
    if let Some(e) = stop {
        // What was written stays and is recorded; nothing is removed. If even the manifest
        // cannot be written (a full disk), the journal tells the next build which files are
        // trustmap's; the failure the user must see is the first one.
        let _ = out.finish(entries, provenance, |_| false);
        return Err(e);
    }
    failed.extend(rebuilt_with_errors.iter().cloned());
    let written_formats = &s.formats;
    let written_partners: BTreeSet<&str> = selected.iter().map(|p| p.id.as_str()).collect();
    let prune_partners = s.prune && claims.unclaimed.is_empty() && !batch.incomplete;
    let finished = out.finish(entries.clone(), provenance, |e| {
        let of_a_written_format = e.format.is_none_or(|f| written_formats.contains(&f));
        match e.partner.as_deref() {
            // The network's files, and those of partners rebuilt now: a file of a format written
            // now that was not written again (a chart that is no longer drawn) is stale.
            None => of_a_written_format,
            Some(id) if written_partners.contains(id) => of_a_written_format && !failed.contains(id),
            // A partner whose files failed keeps its last good reports; one that is gone from a
            // workspace read whole and cleanly is stale.
            Some(id) => {
                prune_partners && !failed.contains(id) && !evaluation.partners.iter().any(|p| p.id == id)
            }
        }
    })?;
    for notice in &finished.notices {
        eprintln!("warning: {}: {notice}", path_shown(&s.out));
    }
    let kept: Vec<&String> = failed
        .iter()
        .filter(|id| !rebuilt_with_errors.contains(*id))
        .filter(|id| entries.iter().all(|e| e.partner.as_ref() != Some(id)))
        .filter(|id| out_has_partner(&s.out, id))
        .collect();
    if !kept.is_empty() {
        eprintln!(
            "note: kept the reports of {} from an earlier build, because their answer files have errors: {}",
            plural(kept.len(), "partner"),
            kept.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
        );
    }
    if !claims.unclaimed.is_empty() {
        eprintln!(
            "note: removed no partner's reports, because it cannot be told which partner {} belongs to: {}",
            if claims.unclaimed.len() == 1 { "this file" } else { "these files" },
            claims.unclaimed.iter().map(|p| format!("`{}`", path_shown(p))).collect::<Vec<_>>().join(", ")
        );
    } else if batch.incomplete && s.prune {
        eprintln!("note: removed no partner's reports, because some files could not be read");
    }
    let failed_reports = rebuilt_with_errors.len();
    let summary = Summary {
        written: entries.len(),
        removed: finished.removed.len(),
        partners: selected.len() - failed_reports,
        failed_files: batch.failed_files(),
        has_errors: batch.has_errors()
            || failed_reports > 0
            || finished
                .notices
                .iter()
                .any(|n| matches!(n, outdir::Notice::NotOurs(_) | outdir::Notice::ChangedByHand(_))),
        context: None,
    };
    if !s.quiet {
        eprintln!(
            "wrote {} for {}{}{} in {:.1}s",
            plural(summary.written, "file"),
            plural(summary.partners, "partner"),
            if summary.removed > 0 { format!(", removed {} stale", summary.removed) } else { String::new() },
            if summary.failed_files > 0 {
                format!(", {} with errors", plural(summary.failed_files, "file"))
            } else {
                String::new()
            },
            started.elapsed().as_secs_f64()
        );
    }
    Ok(summary)
}

/// Whether the output folder holds a report of partner `id` (from an earlier build).
fn out_has_partner(out: &Path, id: &str) -> bool {
    ["html", "md", "pdf"].iter().any(|ext| out.join(format!("partners/{id}.{ext}")).is_file())
}

/// Which partners the files with errors belong to.
struct Claims {
    /// Partners with a file that has errors.
    failed: BTreeSet<String>,
    /// Files with errors whose partner cannot be told.
    unclaimed: Vec<PathBuf>,
}

/// The partner each file with errors belongs to: the one its text claims; else the one the
/// previous manifest made from it; else, for a file named as `trustmap new` names them
/// (`<id>-<date>.<ext>`, or in a folder `<id>/`), that id when it is a known partner's.
fn claims(batch: &Batch, previous: &[Entry], root: &Path) -> Claims {
    let mut failed = batch.failed_ids.clone();
    let mut unclaimed = Vec::new();
    let known: BTreeSet<&str> = batch
        .assessments
        .iter()
        .map(|a| a.id.as_str())
        .chain(previous.iter().filter_map(|e| e.partner.as_deref()))
        .collect();
    for path in &batch.unclaimed {
        let rel = relative(path, root);
        // A partner's file names its own inputs; the network's name every partner's.
        let from_manifest = previous
            .iter()
            .filter(|e| e.partner.is_some())
            .find(|e| e.inputs.contains(&rel))
            .and_then(|e| e.partner.clone());
        let from_name = || {
            let stem = path.file_stem()?.to_string_lossy().into_owned();
            let folder = path.parent()?.file_name()?.to_string_lossy().into_owned();
            let named = known.iter().filter(|id| {
                stem.strip_prefix(**id).is_some_and(|rest| {
                    rest.len() >= 11 && rest.starts_with('-') && Date::parse(&rest[1..11]).is_some()
                })
            });
            named
                .max_by_key(|id| id.len())
                .map(|id| (*id).to_owned())
                .or_else(|| known.contains(folder.as_str()).then_some(folder))
        };
        match from_manifest.or_else(from_name) {
            Some(id) => {
                failed.insert(id);
            }
            None => unclaimed.push(path.clone()),
        }
    }
    Claims { failed, unclaimed }
}

/// The files of the workspace's templates folder.
fn template_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// What rendering one report gave: the files to write, and the formats that failed for this
/// report's data (each an error, the others still written).
struct Made {
    outputs: Vec<outdir::Output>,
    failed: Vec<Error>,
}

/// The Typst source of a report and the PDF compiled from it, as the formats ask. A PDF Typst
/// cannot compile is an error of that format only; the Typst source is still given.
#[allow(clippy::too_many_arguments)]
fn typst_outputs(
    renderer: &Renderer,
    s: &Settings,
    (template, stem): (&str, &str),
    ctx: &impl Serialize,
    assets: Vec<Asset>,
    date: Date,
    inputs: &[String],
    made: &mut Made,
) -> Result<()> {
    let wants_typ = s.formats.contains(&OutputFormat::Typ);
    if !wants_typ && !s.formats.contains(&OutputFormat::Pdf) {
        return Ok(());
    }
    let source = renderer.render(Markup::Typst, template, ctx)?;
    let dir = Path::new(stem).parent().map(|d| d.to_string_lossy().into_owned()).filter(|d| !d.is_empty());
    let beside = |name: &str| dir.as_ref().map_or_else(|| name.to_owned(), |d| format!("{d}/{name}"));
    let output = |path: String, bytes: Vec<u8>, format| outdir::Output {
        path,
        bytes,
        format,
        inputs: inputs.to_vec(),
    };
    if s.formats.contains(&OutputFormat::Pdf) {
        let job = Job { template, source: source.clone(), assets: assets.clone(), date };
        match pdf::compile(&job, &s.pdf) {
            Ok(bytes) if bytes.len() > s.limits().report_bytes => made.failed.push(Error::Template {
                name: template.to_owned(),
                message: format!(
                    "the PDF is {} bytes, more than the limit of one report (`report_bytes` under `[limits]`)",
                    bytes.len()
                ),
            }),
            Ok(bytes) => made.outputs.push(output(format!("{stem}.pdf"), bytes, OutputFormat::Pdf)),
            Err(pdf::Failure::Typst(problems)) => {
                made.failed.push(typst_error(renderer, template, ctx, &source, &problems));
            }
            Err(pdf::Failure::Other(e)) => return Err(e),
        }
    }
    if wants_typ {
        made.outputs.push(output(format!("{stem}.typ"), source.into_bytes(), OutputFormat::Typ));
        made.outputs
            .extend(assets.into_iter().map(|(name, bytes)| output(beside(&name), bytes, OutputFormat::Typ)));
    }
    Ok(())
}

/// Typst's problems with a document, each at the template line that made it when that can be
/// told, else at the line of the generated source.
fn typst_error(
    renderer: &Renderer,
    template: &str,
    ctx: &impl Serialize,
    source: &str,
    problems: &[pdf::Problem],
) -> Error {
    let offsets: Vec<usize> = problems.iter().map(|p| p.range.as_ref().map_or(0, |r| r.start)).collect();
    let origins = renderer.typst_origins(template, ctx, source, &offsets).unwrap_or_default();
    let message = pdf::describe(source, problems, &origins);
    Error::Typst { template: template.to_owned(), message }
}

fn partner_outputs(
    renderer: &Renderer,
    s: &Settings,
    ctx: &PartnerContext,
    logo: Option<&Asset>,
) -> Result<Made> {
    let id = &ctx.partner.id;
    let inputs = ctx.partner.sources.clone();
    let mut made = Made { outputs: Vec::new(), failed: Vec::new() };
    let output =
        |path: String, bytes: Vec<u8>, format| outdir::Output { path, bytes, format, inputs: inputs.clone() };
    let mut chart_files = vec![(ctx.charts.radar_file.clone(), ctx.charts.radar.clone())];
    if let (Some(file), Some(svg)) = (&ctx.charts.trend_file, &ctx.charts.trend) {
        chart_files.push((file.clone(), svg.clone()));
    }
    for format in &s.formats {
        match format {
            OutputFormat::Html => made.outputs.push(output(
                format!("partners/{id}.html"),
                renderer.render(Markup::Html, "partner.html", ctx)?.into_bytes(),
                OutputFormat::Html,
            )),
            OutputFormat::Md => {
                made.outputs.push(output(
                    format!("partners/{id}.md"),
                    renderer.render(Markup::Markdown, "partner.md", ctx)?.into_bytes(),
                    OutputFormat::Md,
                ));
                for (file, svg) in &chart_files {
                    made.outputs.push(output(
                        format!("partners/charts/{file}"),
                        svg.clone().into_bytes(),
                        OutputFormat::Md,
                    ));
                }
            }
            OutputFormat::Pdf | OutputFormat::Typ => {}
        }
    }
    let assets = chart_files.into_iter().map(|(f, svg)| (f, svg.into_bytes())).chain(logo.cloned()).collect();
    let stem = format!("partners/{id}");
    typst_outputs(renderer, s, ("partner.typ", &stem), ctx, assets, ctx.partner.date, &inputs, &mut made)?;
    Ok(made)
}

fn network_outputs(
    renderer: &Renderer,
    s: &Settings,
    ctx: &NetworkContext,
    inputs: &[String],
    logo: Option<&Asset>,
) -> Result<Made> {
    let mut made = Made { outputs: Vec::new(), failed: Vec::new() };
    let out = |path: &str, bytes: Vec<u8>, format| outdir::Output {
        path: path.into(),
        bytes,
        format,
        inputs: inputs.to_vec(),
    };
    if s.formats.contains(&OutputFormat::Html) || s.formats.is_empty() {
        made.outputs.push(out(
            "index.html",
            renderer.render(Markup::Html, "index.html", ctx)?.into_bytes(),
            OutputFormat::Html,
        ));
    }
    for format in &s.formats {
        match format {
            OutputFormat::Html => made.outputs.push(out(
                "network.html",
                renderer.render(Markup::Html, "network.html", ctx)?.into_bytes(),
                OutputFormat::Html,
            )),
            OutputFormat::Md => {
                made.outputs.push(out(
                    "network.md",
                    renderer.render(Markup::Markdown, "network.md", ctx)?.into_bytes(),
                    OutputFormat::Md,
                ));
                made.outputs.push(out(
                    &format!("charts/{}", ctx.map_file),
                    ctx.map.clone().into_bytes(),
                    OutputFormat::Md,
                ));
            }
            OutputFormat::Pdf | OutputFormat::Typ => {}
        }
    }
    let assets =
        std::iter::once((ctx.map_file.clone(), ctx.map.clone().into_bytes())).chain(logo.cloned()).collect();
    let date = ctx.common.meta.date.unwrap_or(Date::EPOCH);
    typst_outputs(renderer, s, ("network.typ", "network"), ctx, assets, date, inputs, &mut made)?;
    Ok(made)
}

/// `path` relative to the workspace root, with `/` separators, for stable output; characters
/// that could drive a terminal or reorder text are escaped (a file name is outside data).
pub fn relative(path: &Path, root: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path_abs, root_abs) = (abs(path), abs(root));
    let rel = path_abs.strip_prefix(&root_abs).map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
    let text = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
    crate::diagnostic::escape_controls(&text).into_owned()
}

fn meta(date: Option<Date>, e: &Evaluation, provenance: &Provenance) -> Meta {
    let date = date.or_else(|| e.partners.iter().map(|p| p.date).max());
    Meta {
        version: env!("CARGO_PKG_VERSION"),
        date,
        commit: provenance.commit.as_ref().map(|c| c.chars().take(12).collect()),
        dirty: provenance.dirty,
    }
}

/// Branding from the configuration, with the logo checked once (see [`crate::logo`]) and
/// embedded as a data URI; also the logo as a file for Typst.
fn branding(workspace: &Workspace) -> Result<(Branding, Option<Asset>)> {
    let report = &workspace.config.report;
    let logo = match &report.logo {
        None => None,
        Some(file) => Some(crate::logo::load(&workspace.root, file, &workspace.config.limits)?),
    };
    let branding = Branding {
        organisation: workspace.config.organisation.clone(),
        consultant: report.consultant.clone(),
        accent: report.accent.clone(),
        logo: logo.as_ref().map(|l| format!("data:{};base64,{}", l.mime, STANDARD.encode(&l.bytes))),
        logo_file: logo.as_ref().map(|l| l.file_name()),
    };
    Ok((branding, logo.map(|l| (l.file_name(), l.bytes))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `run` over 40 items with a task that, like Typst's PDF exporter, yields to rayon
    /// while it waits; returns how many tasks were under way at most, and the results.
    fn most_under_way(
        run: impl FnOnce(&[usize], &(dyn Fn(&usize) -> usize + Sync)) -> Vec<usize>,
    ) -> (usize, Vec<usize>) {
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let task = |x: &usize| {
            most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            for _ in 0..3 {
                rayon::yield_now();
            }
            now.fetch_sub(1, Ordering::SeqCst);
            x * 2
        };
        let items: Vec<usize> = (0..40).collect();
        let results = run(&items, &task);
        (most.load(Ordering::SeqCst), results)
    }

    #[test]
    fn at_most_as_many_reports_are_under_way_as_the_pool_has_threads() {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            let (most, results) = most_under_way(|items, task| {
                each_bounded(&pool, items, task, |_, _| false).into_iter().map(Option::unwrap).collect()
            });
            assert!(most <= threads, "{most} under way with {threads} threads");
            assert_eq!(results, (0..40).map(|x| x * 2).collect::<Vec<_>>(), "in the items' order");
        }
        // What it guards against: a parallel iterator's queued items are started by the yield,
        // inside the unfinished one.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let (most, _) = most_under_way(|items, task| {
            use rayon::prelude::*;
            pool.install(|| items.par_iter().map(task).collect())
        });
        assert!(most > 1, "a parallel iterator nests its items");
    }

    #[test]
    fn no_item_is_started_after_one_stops_the_run() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let items: Vec<usize> = (0..10).collect();
        let results = each_bounded(&pool, &items, |x| x * 2, |x, _| *x == 3);
        assert_eq!(results, [Some(0), Some(2), Some(4), Some(6), None, None, None, None, None, None]);
    }
}
