//! `trustmap build`: the main job. Reads and evaluates the workspace, renders every report in
//! every requested format in parallel, and writes them atomically inside the output folder with
//! a manifest; reports of partners that no longer exist are removed, but only files the manifest
//! says this tool wrote.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::plural;
use crate::model::{Date, Evaluation, Lang};
use crate::pdf::{self, Engine, Job, PdfSettings};
use crate::pipeline;
use crate::render::context::{Branding, Builder, Meta, NetworkContext, PartnerContext};
use crate::render::{Markup, Renderer};
use crate::workspace::Workspace;
use crate::write::{Overwrite, atomic};
use crate::{Error, Result};

/// The name of the manifest in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// An output format of `build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Md,
    Html,
    Pdf,
    /// The generated Typst sources of the PDFs.
    Typ,
}

/// Checked settings of one build.
#[derive(Debug, Clone)]
pub struct Settings {
    pub workspace: Workspace,
    pub paths: Vec<PathBuf>,
    pub out: PathBuf,
    pub formats: BTreeSet<OutputFormat>,
    pub partners: BTreeSet<String>,
    pub lang: Lang,
    pub jobs: Option<usize>,
    pub quiet: bool,
    pub dump_context: bool,
    pub pdf: PdfSettings,
    /// Whether reports of partners not seen in this build are stale (true when the whole
    /// workspace was read, false when only some paths were given).
    pub prune: bool,
}

/// A file a Typst source may read: name and bytes.
type Asset = (String, Vec<u8>);

/// One file the build writes, relative to the output folder.
struct Output {
    path: String,
    bytes: Vec<u8>,
    inputs: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, Default)]
struct Manifest {
    trustmap: String,
    commit: Option<String>,
    dirty: bool,
    files: Vec<ManifestEntry>,
}

#[derive(Debug, Serialize, Deserialize, Clone)]
struct ManifestEntry {
    path: String,
    sha256: String,
    inputs: Vec<String>,
    /// The partner a file belongs to, if it is a partner's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partner: Option<String>,
}

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
        .num_threads(s.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} worker threads ({e})", s.jobs.unwrap_or(0))))?;
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

fn run(s: &Settings, color: bool, started: Instant, pool: &rayon::ThreadPool) -> Result<Summary> {
    let files = crate::discover::discover(&s.paths, std::slice::from_ref(&s.out))?;
    let bar = progress(s.quiet, files.len(), "loading");
    let batch = pool.install(|| pipeline::read_files(&files, &|| bar.inc(1)));
    bar.finish_and_clear();
    let errors: Vec<_> = batch.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    eprint!(
        "{}",
        crate::diagnostic::report(&errors, &batch.sources, crate::diagnostic::Output::Text { color })?
    );
    let unknown: Vec<&String> =
        s.partners.iter().filter(|id| !batch.assessments.iter().any(|a| &a.id == *id)).collect();
    if let Some(id) = unknown.first() {
        return Err(Error::Usage(format!("no partner with id `{id}` (see `trustmap evaluate` for the ids)")));
    }
    // A partner with a broken file gets no new report (its last good one is kept), and is left
    // out of the network rather than shown with an older round as if it were current.
    let valid: Vec<_> =
        batch.assessments.iter().filter(|a| !batch.failed_ids.contains(&a.id)).cloned().collect();
    let evaluation = crate::evaluate::evaluate(&valid, &s.workspace.config.evaluation);
    let renderer = Renderer::new(Some(&s.workspace.root.join("templates")), s.lang)?;
    if let (Engine::Cli(bin), true) = (&s.pdf.engine, s.formats.contains(&OutputFormat::Pdf)) {
        pdf::check_cli(bin)?;
    }
    let (org, logo) = branding(&s.workspace)?;
    let builder =
        Builder::new(s.lang, org, meta(&s.workspace, &s.out, &evaluation), &s.workspace.config.evaluation);
    let root = &s.workspace.root;
    let shown = |p: &Path| relative(p, root);
    let selected: Vec<_> =
        evaluation.partners.iter().filter(|p| s.partners.is_empty() || s.partners.contains(&p.id)).collect();
    let partner_contexts: Vec<PartnerContext> =
        selected.iter().map(|p| builder.partner(p, p.sources.iter().map(|x| shown(x)).collect())).collect();
    let all_sources: Vec<String> = valid.iter().map(|a| shown(&a.source)).collect();
    let network = builder.network(&evaluation, all_sources.clone());
    if s.dump_context {
        let dump = serde_json::json!({ "network": network, "partners": partner_contexts });
        return Ok(Summary {
            context: Some(serde_json::to_string_pretty(&dump)? + "\n"),
            has_errors: batch.has_errors(),
            ..Summary::default()
        });
    }

    // The network first: it is the largest document, so it should not be the last to start.
    let reports: Vec<Report> =
        std::iter::once(Report::Network).chain(partner_contexts.iter().map(Report::Partner)).collect();
    let bar = progress(s.quiet, reports.len(), "rendering");
    // A document Typst cannot compile (its data made it so) costs only that partner's reports;
    // any other failure (a broken template, a full disk) stops the build.
    let fatal =
        |report: &Report, e: &Error| !matches!((report, e), (Report::Partner(_), Error::Typst { .. }));
    let results = each_bounded(
        pool,
        &reports,
        |report| {
            let (partner, outputs) = match report {
                Report::Partner(ctx) => {
                    (Some(&ctx.partner.id), partner_outputs(&renderer, s, ctx, logo.as_ref()))
                }
                Report::Network => {
                    (None, network_outputs(&renderer, s, &network, &all_sources, logo.as_ref()))
                }
            };
            // Written as soon as they are made, so the batch never holds more than the reports
            // under way; what was written is recorded even if a later file fails.
            let mut written = Vec::new();
            let result = outputs.and_then(|outs| {
                outs.into_iter().try_for_each(|o| {
                    written.push(write_output(&s.out, partner, o)?);
                    Ok(())
                })
            });
            bar.inc(1);
            (written, result)
        },
        |report, (_, result)| result.as_ref().is_err_and(|e| fatal(report, e)),
    );
    bar.finish_and_clear();
    let mut entries: Vec<ManifestEntry> = Vec::new();
    let mut failed = batch.failed_ids.clone();
    let mut stop = None;
    for (report, (written, result)) in reports.iter().zip(results).filter_map(|(r, x)| Some((r, x?))) {
        entries.extend(written);
        match (report, result) {
            (_, Ok(())) => {}
            (Report::Partner(ctx), Err(e)) if !fatal(report, &e) => {
                eprintln!("error: partner `{}`: {e}", ctx.partner.id);
                failed.insert(ctx.partner.id.clone());
            }
            (_, Err(e)) => stop = stop.or(Some(e)),
        }
    }
    if let Some(e) = stop {
        // The manifest still records what was written before the failure, and removes nothing;
        // the failure is what the user must see, so a manifest that cannot be written is only
        // reported.
        if let Err(manifest) = update_manifest(s, entries, |_| false) {
            eprintln!("error: {manifest}");
        }
        return Err(e);
    }
    let written = entries.len();
    // A partner whose files have errors, or that was left out with --partner, keeps its old
    // reports; so does every partner when only some inputs were read. Everything else the old
    // manifest lists and this build did not write is stale.
    let removed = update_manifest(s, entries, |e| {
        e.partner.as_ref().is_none_or(|id| {
            s.prune
                && !failed.contains(id)
                && (s.partners.is_empty()
                    || s.partners.contains(id)
                    || !evaluation.partners.iter().any(|p| &p.id == id))
        })
    })?;
    let summary = Summary {
        written,
        removed,
        partners: selected.len() - (failed.len() - batch.failed_ids.len()),
        failed_files: batch.failed_files(),
        has_errors: batch.has_errors() || failed.len() > batch.failed_ids.len(),
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

/// The Typst source of a report and the PDF compiled from it, as the formats ask.
fn typst_outputs(
    renderer: &Renderer,
    s: &Settings,
    (template, stem): (&str, &str),
    ctx: &impl Serialize,
    assets: Vec<Asset>,
    date: Date,
    inputs: &[String],
) -> Result<Vec<Output>> {
    let wants_typ = s.formats.contains(&OutputFormat::Typ);
    if !wants_typ && !s.formats.contains(&OutputFormat::Pdf) {
        return Ok(Vec::new());
    }
    let source = renderer.render(Markup::Typst, template, ctx)?;
    let dir = Path::new(stem).parent().map(|d| d.to_string_lossy().into_owned()).filter(|d| !d.is_empty());
    let beside = |name: &str| dir.as_ref().map_or_else(|| name.to_owned(), |d| format!("{d}/{name}"));
    let output = |path: String, bytes: Vec<u8>| Output { path, bytes, inputs: inputs.to_vec() };
    let mut outs = Vec::new();
    if s.formats.contains(&OutputFormat::Pdf) {
        let job = Job { template, source: source.clone(), assets: assets.clone(), date };
        let bytes = pdf::compile(&job, &s.pdf).map_err(|failure| match failure {
            pdf::Failure::Typst(problems) => typst_error(renderer, template, ctx, &source, &problems),
            pdf::Failure::Other(e) => e,
        })?;
        outs.push(output(format!("{stem}.pdf"), bytes));
    }
    if wants_typ {
        outs.push(output(format!("{stem}.typ"), source.into_bytes()));
        outs.extend(assets.into_iter().map(|(name, bytes)| output(beside(&name), bytes)));
    }
    Ok(outs)
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
) -> Result<Vec<Output>> {
    let id = &ctx.partner.id;
    let inputs = ctx.partner.sources.clone();
    let mut outs = Vec::new();
    let mut chart_files = vec![(ctx.charts.radar_file.clone(), ctx.charts.radar.clone())];
    if let (Some(file), Some(svg)) = (&ctx.charts.trend_file, &ctx.charts.trend) {
        chart_files.push((file.clone(), svg.clone()));
    }
    for format in &s.formats {
        match format {
            OutputFormat::Html => outs.push(Output {
                path: format!("partners/{id}.html"),
                bytes: renderer.render(Markup::Html, "partner.html", ctx)?.into_bytes(),
                inputs: inputs.clone(),
            }),
            OutputFormat::Md => {
                outs.push(Output {
                    path: format!("partners/{id}.md"),
                    bytes: renderer.render(Markup::Markdown, "partner.md", ctx)?.into_bytes(),
                    inputs: inputs.clone(),
                });
                for (file, svg) in &chart_files {
                    outs.push(Output {
                        path: format!("partners/charts/{file}"),
                        bytes: svg.clone().into_bytes(),
                        inputs: inputs.clone(),
                    });
                }
            }
            OutputFormat::Pdf | OutputFormat::Typ => {}
        }
    }
    let date = Date::parse(&ctx.partner.date).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    let assets = chart_files.into_iter().map(|(f, svg)| (f, svg.into_bytes())).chain(logo.cloned()).collect();
    let stem = format!("partners/{id}");
    outs.extend(typst_outputs(renderer, s, ("partner.typ", &stem), ctx, assets, date, &inputs)?);
    Ok(outs)
}

fn network_outputs(
    renderer: &Renderer,
    s: &Settings,
    ctx: &NetworkContext,
    inputs: &[String],
    logo: Option<&Asset>,
) -> Result<Vec<Output>> {
    let mut outs = Vec::new();
    let out = |path: &str, bytes: Vec<u8>| Output { path: path.into(), bytes, inputs: inputs.to_vec() };
    if s.formats.contains(&OutputFormat::Html) || s.formats.is_empty() {
        outs.push(out("index.html", renderer.render(Markup::Html, "index.html", ctx)?.into_bytes()));
    }
    for format in &s.formats {
        match format {
            OutputFormat::Html => outs
                .push(out("network.html", renderer.render(Markup::Html, "network.html", ctx)?.into_bytes())),
            OutputFormat::Md => {
                outs.push(out(
                    "network.md",
                    renderer.render(Markup::Markdown, "network.md", ctx)?.into_bytes(),
                ));
                outs.push(out(&format!("charts/{}", ctx.map_file), ctx.map.clone().into_bytes()));
            }
            OutputFormat::Pdf | OutputFormat::Typ => {}
        }
    }
    let date = Date::parse(&ctx.common.meta.date).unwrap_or(Date { year: 1970, month: 1, day: 1 });
    let assets =
        std::iter::once((ctx.map_file.clone(), ctx.map.clone().into_bytes())).chain(logo.cloned()).collect();
    outs.extend(typst_outputs(renderer, s, ("network.typ", "network"), ctx, assets, date, inputs)?);
    Ok(outs)
}

/// Whether a manifest path stays inside the output folder.
fn inside(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Refuses to write or remove through a symbolic link inside the output folder, which could
/// point anywhere.
fn no_links(out: &Path, rel: &str) -> Result<()> {
    let mut path = out.to_path_buf();
    for part in Path::new(rel).components() {
        path.push(part);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Usage(format!(
                "`{}` is a symbolic link; trustmap writes only inside the output folder, so remove it",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Writes one output atomically inside `out` and returns its manifest entry.
fn write_output(out: &Path, partner: Option<&String>, o: Output) -> Result<ManifestEntry> {
    no_links(out, &o.path)?;
    atomic(&out.join(&o.path), &o.bytes, Overwrite::Allow)?;
    Ok(ManifestEntry { sha256: sha256(&o.bytes), path: o.path, inputs: o.inputs, partner: partner.cloned() })
}

/// Writes the manifest: the files this build wrote, and those of the old manifest that are not
/// `stale`; the stale ones are removed. Returns how many were removed.
fn update_manifest(
    s: &Settings,
    written: Vec<ManifestEntry>,
    stale: impl Fn(&ManifestEntry) -> bool,
) -> Result<usize> {
    let old: Manifest = std::fs::read(s.out.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let mut entries: BTreeMap<String, ManifestEntry> =
        written.into_iter().map(|e| (e.path.clone(), e)).collect();
    let mut removed = 0;
    for e in old.files {
        if !inside(&e.path) || entries.contains_key(&e.path) {
            continue;
        }
        if !stale(&e) {
            entries.insert(e.path.clone(), e);
            continue;
        }
        no_links(&s.out, &e.path)?;
        match std::fs::remove_file(s.out.join(&e.path)) {
            Ok(()) => removed += 1,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(Error::Write { path: s.out.join(&e.path), cause: err }),
        }
    }
    let (commit, dirty) = git(&s.workspace.root, &s.out);
    let manifest = Manifest {
        trustmap: env!("CARGO_PKG_VERSION").into(),
        commit,
        dirty,
        files: entries.into_values().collect(),
    };
    atomic(
        &s.out.join(MANIFEST),
        (serde_json::to_string_pretty(&manifest)? + "\n").as_bytes(),
        Overwrite::Allow,
    )?;
    Ok(removed)
}

/// `path` relative to the workspace root, with `/` separators, for stable output.
pub fn relative(path: &Path, root: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path_abs, root_abs) = (abs(path), abs(root));
    let rel = path_abs.strip_prefix(&root_abs).map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The git commit of the workspace and whether its tree (outside the output folder) is dirty.
fn git(root: &Path, out: &Path) -> (Option<String>, bool) {
    let run = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(args)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let Some(commit) = run(&["rev-parse", "HEAD"]) else { return (None, false) };
    let exclude = format!(":(exclude){}", relative(out, root));
    let dirty = run(&["status", "--porcelain", "--", ".", &exclude]).is_some_and(|s| !s.is_empty());
    (Some(commit), dirty)
}

fn meta(workspace: &Workspace, out: &Path, e: &Evaluation) -> Meta {
    let date = Date::source_date_epoch()
        .or_else(|| e.partners.iter().map(|p| p.date).max())
        .map(|d| d.to_string())
        .unwrap_or_default();
    let (commit, dirty) = git(&workspace.root, out);
    Meta {
        version: env!("CARGO_PKG_VERSION"),
        date,
        commit: commit.map(|c| c.chars().take(12).collect()),
        dirty,
    }
}

/// Branding from the configuration, with the logo read and embedded as a data URI; also the
/// logo as a file for Typst.
fn branding(workspace: &Workspace) -> Result<(Branding, Option<Asset>)> {
    let report = &workspace.config.report;
    let mut asset = None;
    let logo = match &report.logo {
        None => None,
        Some(file) => {
            let path = workspace.root.join(file);
            let bytes = std::fs::read(&path).map_err(|e| Error::Read { path: path.clone(), cause: e })?;
            let mime = match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref()
            {
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                _ => {
                    return Err(Error::Usage(format!(
                        "logo `{}` must be an .svg or .png file",
                        path.display()
                    )));
                }
            };
            let uri = format!("data:{mime};base64,{}", STANDARD.encode(&bytes));
            let ext = if mime == "image/png" { "png" } else { "svg" };
            asset = Some((format!("logo.{ext}"), bytes));
            Some(uri)
        }
    };
    let branding = Branding {
        organisation: workspace.config.organisation.clone(),
        consultant: report.consultant.clone(),
        accent: report.accent.clone(),
        logo,
        logo_file: asset.as_ref().map(|(name, _)| name.clone()),
    };
    Ok((branding, asset))
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

    #[test]
    fn manifest_paths_must_stay_inside() {
        assert!(inside("partners/a.html"));
        assert!(!inside("../a.html"));
        assert!(!inside("/etc/passwd"));
        assert!(!inside("partners/../../x"));
    }
}
