//! `trustmap build`, the main job, as the pipeline reads: read the answer files, take the output
//! folder, evaluate, make the report contexts, then make and write every report (at most
//! `--jobs` at a time, each written as soon as it is made) and end with the manifest.

mod plan;
mod schedule;

use std::collections::BTreeSet;

use crate::evaluate::evaluate;
use crate::model::OutputFormat;
use crate::outdir::{self, Entry, Notice, OutputDir, Prune};
use crate::pipeline;
use crate::render::Renderer;
use crate::render::context::{Branding, Builder, Meta};
use crate::reporter::Reporter;
use crate::settings::BuildSettings;
use crate::{Error, Result, pdf, provenance, watchdog};
use plan::{Making, Report};

/// What a build did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files that hold this build's bytes.
    pub written: usize,
    pub removed: usize,
    /// Partners whose reports were made in every format asked for.
    pub partners: usize,
    pub failed_files: usize,
    pub has_errors: bool,
    /// Partners whose last good reports were kept because their files have errors.
    pub kept: Vec<String>,
    /// Files with errors whose partner could not be told (so nothing was pruned).
    pub unclaimed: Vec<std::path::PathBuf>,
    /// Whether something that may be an answer file could not be read.
    pub incomplete: bool,
    /// The context JSON, with `--dump-context`.
    pub context: Option<String>,
}

/// Runs a build.
pub fn build(s: &BuildSettings, reporter: &dyn Reporter) -> Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {} worker threads ({e})", s.jobs)))?;
    let (root, limits) = (&s.workspace.root, s.limits());
    // Read: every answer file, with everything `check` would say about them.
    let found = crate::discover::discover(&s.paths, std::slice::from_ref(&s.out), root)?;
    reporter.stage("loading", found.files.len());
    let batch = pool.install(|| pipeline::read_files(found, limits, &|| reporter.step()));
    reporter.done();
    let text = crate::diagnostic::Output::Text { color: reporter.colour() };
    reporter.diagnostics(&crate::diagnostic::report(&batch.diagnostics, &batch.sources, text)?);
    if let Some(id) = s.partners.iter().find(|id| !batch.assessments.iter().any(|a| &a.id == *id)) {
        return Err(Error::Usage(format!("no partner with id `{id}` (see `trustmap evaluate` for the ids)")));
    }
    // The output folder, before evaluating: its previous manifest tells which partner a broken
    // file belongs to, and that partner is left out of this build.
    let out = match s.dump_context {
        true => None,
        false => Some(OutputDir::open(&s.out, &s.input_folders(), || reporter.waiting(&s.out))?),
    };
    let previous: Vec<Entry> = match &out {
        Some(out) => out.previous().cloned().collect(),
        None => outdir::Manifest::read(&s.out.join(outdir::MANIFEST)).0.files,
    };
    // A broken file belongs to the partner the previous manifest made from it (a partner's
    // files name their own inputs; the network's name every partner's).
    let made_from = |path: &std::path::Path| {
        let rel = s.workspace.relative(path);
        previous
            .iter()
            .find(|e| e.partner.is_some() && e.inputs.contains(&rel))
            .and_then(|e| e.partner.clone())
    };
    let claims = batch.claims(made_from, previous.iter().filter_map(|e| e.partner.as_deref()));
    // Evaluate, and make the contexts.
    let evaluation = evaluate(&batch.valid_except(&claims.failed), &s.workspace.config.evaluation);
    let renderer = Renderer::new(Some(&s.workspace.templates()), s.lang, limits)?;
    if let (pdf::Engine::Cli(bin), true) = (&s.pdf.engine, s.formats.contains(&OutputFormat::Pdf)) {
        pdf::check_cli(bin)?;
    }
    let (branding, logo) = Branding::new(&s.workspace)?;
    let provenance = provenance::of_build(&s.workspace, &batch.paths, &s.paths, s.prune);
    let builder = Builder::new(
        s.lang,
        renderer.labels(),
        branding,
        Meta::new(s.date, &evaluation, &provenance),
        &s.workspace.config.evaluation,
    );
    let (network, partners) = builder.contexts(&evaluation, &s.partners, &|p| s.workspace.relative(p));
    let Some(out) = out else {
        let dump = serde_json::json!({ "network": network, "partners": partners });
        let context = Some(serde_json::to_string_pretty(&dump)? + "\n");
        return Ok(Summary { context, has_errors: batch.has_errors(), ..Summary::default() });
    };
    // Make and write every report: the network first, the largest document.
    let reports: Vec<Report> =
        std::iter::once(Report::Network(&network)).chain(partners.iter().map(Report::Partner)).collect();
    let making = Making {
        renderer: &renderer,
        formats: &s.formats,
        pdf: &s.pdf,
        max_bytes: limits.report_bytes,
        logo: logo.as_ref(),
    };
    let watchdog =
        watchdog::Watchdog::start(limits.memory_mb, std::time::Duration::from_secs(limits.render_seconds))?;
    reporter.stage("rendering", reports.len());
    let made = schedule::each_bounded(
        &pool,
        &reports,
        |report| {
            let _task = watchdog.task(
                report
                    .partner()
                    .map_or("the network report".into(), |id| format!("the reports of partner `{id}`")),
            );
            let made = plan::make(report, &making)
                .and_then(|m| Ok((out.write(report.partner(), m.outputs)?, m.failed)));
            reporter.step();
            made
        },
        // A failure that is not one partner's data (a template, a full disk) stops the build.
        |report, made| {
            made.as_ref().map_or(true, |(_, failed)| report.partner().is_none() && !failed.is_empty())
        },
    );
    reporter.done();
    drop(watchdog);
    let (entries, mut failed, stop) = plan::collect(&reports, made, reporter);
    if let Some(e) = stop {
        // What was written stays and is recorded; nothing is removed. If even the manifest
        // cannot be written (a full disk), the journal tells the next build what is trustmap's.
        let _ = out.finish(entries, provenance, None);
        return Err(e);
    }
    let rebuilt: BTreeSet<String> = partners.iter().map(|p| p.partner.id.clone()).collect();
    let present: BTreeSet<String> = evaluation.partners.iter().map(|p| p.id.clone()).collect();
    let whole = s.prune && claims.unclaimed.is_empty() && !batch.incomplete;
    let failed_reports = failed.len();
    failed.extend(claims.failed.iter().cloned());
    let prune =
        Prune { formats: &s.formats, rebuilt: &rebuilt, failed: &failed, present: whole.then_some(&present) };
    let written = entries.len();
    let kept =
        claims.failed.iter().filter(|id| entries.iter().all(|e| e.partner.as_ref() != Some(id))).cloned();
    let kept: Vec<String> =
        kept.filter(|id| previous.iter().any(|e| e.partner.as_ref() == Some(id))).collect();
    let finished = out.finish(entries, provenance, Some(&prune))?;
    for notice in &finished.notices {
        reporter.warning(&format!("{}: {notice}", crate::diagnostic::path_shown(&s.out)));
    }
    let lost = finished.notices.iter().any(|n| matches!(n, Notice::NotOurs(_) | Notice::ChangedByHand(_)));
    Ok(Summary {
        written,
        removed: finished.removed.len(),
        partners: partners.len() - failed_reports,
        failed_files: batch.failed_files(),
        has_errors: batch.has_errors() || failed_reports > 0 || lost,
        kept,
        unclaimed: claims.unclaimed,
        incomplete: batch.incomplete && s.prune,
        context: None,
    })
}
