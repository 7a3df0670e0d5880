//! `trustmap build`, the main job, as the pipeline reads: read the answer files, load the
//! templates, take the output folder, evaluate, make the report contexts, then make and write
//! every partner's report (at most `--jobs` at a time, each written as soon as it is made), then
//! the network report and the index from each partner in brief, and end with the manifest.

mod answers;
pub mod keys;
mod plan;
mod schedule;
mod select;
pub mod stamp;
mod summary;

pub use summary::Summary;

use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::Found;
use crate::evaluate;
use crate::model::{Audience, Lang, OutputFormat};
use crate::outdir::{Bundle, OutputDir, Previous};
use crate::pipeline::{self, Batch};
use crate::render::Renderer;
use crate::render::context::{Branding, Builder, Meta};
use crate::reporter::Reporter;
use crate::settings::{BuildSettings, Shard};
use crate::{Error, Result, changes, pdf, provenance, share};
use plan::{Job, Making, PartnerJob, Report};
use stamp::Stamp;

/// Runs a build; when nothing it reads has changed since the last one into the same folder
/// (see [`stamp`]), only says again what that one said.
pub fn build(s: &BuildSettings, reporter: &dyn Reporter) -> Result<Summary> {
    let found = crate::discover::discover(&s.paths, std::slice::from_ref(&s.out), &s.workspace.root)?;
    let inputs = stamp::Inputs::take(s, &found);
    let stamp = Stamp::read(&s.out);
    if let Some(summary) = stamp.as_ref().and_then(|stamp| stamp.replay(s, &inputs, reporter)) {
        return Ok(summary);
    }
    let recorder = stamp::Recorder::new(reporter);
    let summary = make(s, found, &inputs, stamp.as_ref(), &recorder)?;
    Stamp::write(s, inputs, recorder, &summary, stamp.as_ref());
    Ok(summary)
}

/// Makes the reports whose inputs changed (all with `--force`), starting from the answer files
/// `found`; `stamp` is the last build's.
fn make(
    s: &BuildSettings,
    found: Found,
    inputs: &stamp::Inputs,
    stamp: Option<&Stamp>,
    reporter: &dyn Reporter,
) -> Result<Summary> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(s.jobs)
        .build()
        .map_err(|e| Error::System(format!("cannot start {} worker threads ({e})", s.jobs)))?;
    let known = answers::Remembered::read(s, inputs);
    let mut batch = read(s, found, &known, &pool, reporter)?;
    let only = select::partners(s, &batch)?;
    // Everything a report is made with is checked before the output folder is touched.
    let renderer = Renderer::new(Some(&s.workspace.templates()), s.lang, s.limits())?;
    if let (pdf::Engine::Cli(bin), true) = (&s.pdf.engine, s.formats.contains(&OutputFormat::Pdf)) {
        pdf::check_cli(bin)?;
    }
    let (branding, logo) = Branding::new(&s.workspace)?;
    // The earlier deliverable to compare with, read before the output folder is touched too.
    let before = s.since.as_ref().map(|since| changes::base(&s.workspace, since)).transpose()?;
    // The output folder, before evaluating: its previous manifest tells which partner a broken
    // file belongs to, and that partner is left out of this build.
    let out = match s.dump_context {
        true => None,
        false => Some(OutputDir::open(&s.out, &s.input_folders(), || reporter.waiting(&s.out))?),
    };
    if out.is_some() {
        Stamp::remove(&s.out);
        pool.install(|| known.write(s, inputs, &batch));
    }
    let previous = out.as_ref().map_or_else(|| Arc::new(Previous::read(&s.out)), OutputDir::previous);
    let claims = batch.claims(|p| previous.made_from(&s.workspace.relative(p)), previous.partners());
    // Evaluate, and make the contexts. Only the partner-facing reports read the parsed files
    // again; without them, each partner's go as soon as it is evaluated.
    let cfg = &s.workspace.config;
    let mut evaluation = pool.install(|| match s.audiences.contains(&Audience::Partner) {
        true => evaluate::with_plans(batch.valid_except(&claims.failed), &batch.plans, &cfg.evaluation),
        false => {
            let valid =
                std::mem::take(&mut batch.assessments).into_iter().filter(|a| !claims.failed.contains(&a.id));
            evaluate::with_plans(valid, &batch.plans, &cfg.evaluation)
        }
    });
    let provenance = provenance::of_build(&s.workspace, &batch.paths, &s.paths, s.prune);
    let meta = Meta::new(s.date, &evaluation, &provenance);
    let bundle = s.bundle.then(|| Bundle::new(cfg.organisation.as_deref(), meta.date));
    // One builder per language: partner-facing reports are in the partner's.
    let builders: Vec<Builder> = std::iter::once(s.lang)
        .chain(Lang::VARIANTS.iter().copied().filter(|&l| l != s.lang))
        .map(|lang| Builder::new(lang, renderer.labels(), branding.clone(), meta.clone(), &cfg.evaluation))
        .collect();
    let builder = &builders[0];
    // A partner's report is linked from the index and the network report only if it is there
    // in the formats asked about: made now, or by an earlier build.
    let linked = |id: Option<&str>, formats: &BTreeSet<OutputFormat>| {
        let now = id.is_none_or(|id| only.as_ref().is_none_or(|o| o.contains(id)));
        (now && formats.is_subset(&s.formats)) || previous.has_reports(id, &s.out, formats)
    };
    // Only the reports whose key changed are made (see [`keys`]).
    let keys = keys::Keys::new(
        &renderer,
        &(&s.formats, s.pdf.pdf_a, s.pdf.pdf_ua, format!("{:?}", s.pdf.engine), s.limits().report_bytes),
    );
    let mut fresh = keys::Fresh::new(&previous, stamp, &s.out, &s.formats, s.force || s.dump_context);
    let internal = s.audiences.contains(&Audience::Internal);
    let common = keys::hash(&builder.common);
    // The partners whose reports this build makes: those asked for, in its shard; of those, the
    // ones whose internal report's key changed.
    let mine = select::in_shard(s, only.as_ref(), &evaluation);
    let shown = |p: &std::path::Path| s.workspace.relative(p);
    let jobs: Vec<(PartnerJob, String)> = pool.install(|| {
        (evaluation.partners.par_iter())
            .filter(|p| internal && mine.as_ref().is_none_or(|m| m.contains(&p.id)))
            .map(|p| {
                let pdf = linked(Some(&p.id), &[OutputFormat::Pdf].into_iter().collect());
                let sources: Vec<String> = p.sources.iter().map(|f| shown(f)).collect();
                let key = keys.of("partner", &(p, &common, &sources, pdf));
                (PartnerJob { partner: p, sources, pdf }, key)
            })
            .collect()
    });
    let jobs: Vec<(PartnerJob, String)> =
        jobs.into_iter().filter(|(job, key)| fresh.needs((Some(&job.partner.id), false), key)).collect();
    let changes = (s.since.as_ref().zip(before.as_ref()))
        .map(|(since, before)| changes::compare(before, &changes::Snapshot::of(&evaluation), since));
    let network_of = |evaluation| {
        let mut network = builder.network_of(evaluation, &linked, &shown);
        network.changes = changes.clone();
        network
    };
    let shared = partner_facing(s, &evaluation, mine.as_ref(), &builders, &batch, reporter)?;
    // What the reports need of the answer files is in the evaluation now: the parsed files go
    // before the reports are made, the part of a build whose memory grows with the network.
    batch.assessments = Vec::new();
    let Some(out) = out else {
        let partners: Vec<_> = jobs.iter().map(|(job, _)| job.context(builder)).collect();
        return summary::dump(&network_of(&evaluation), &partners, &shared, &batch);
    };
    // Make and write every partner's report whose key changed, then the network report and the
    // index from what is left of the evaluation once those are made (see below).
    let shared_reports: Vec<(Job, String)> = (shared.iter())
        .map(|r| (Report::Shared(r), keys.of("shared", &(&r.context, r.secrets.fingerprint(), &r.sources))))
        .filter(|(r, key)| fresh.needs((r.partner(), true), key))
        .map(|(r, key)| (Job::Ready(r), key))
        .collect();
    let reports: Vec<(Job, String)> =
        (jobs.iter().map(|(job, key)| (Job::Partner(job), key.clone()))).chain(shared_reports).collect();
    // The templates in each other language a partner-facing report is written in.
    let langs: BTreeSet<Lang> =
        shared.iter().map(|r| r.context.common.lang).filter(|&l| l != s.lang).collect();
    let renderers = (langs.into_iter())
        .map(|lang| Renderer::new(Some(&s.workspace.templates()), lang, s.limits()))
        .collect::<Result<Vec<_>>>()?;
    let making = Making {
        renderer: &renderer,
        builder,
        renderers: &renderers,
        formats: &s.formats,
        pdf: &s.pdf,
        max_bytes: s.limits().report_bytes,
        logo: logo.as_ref(),
    };
    let makes_network = internal && Shard::makes_network(s.shard);
    reporter.stage("rendering", reports.len() + usize::from(makes_network));
    let mut made = plan::make_all(&pool, &reports, &making, &out, s.limits(), reporter)?;
    let made_partners: BTreeSet<String> =
        reports.iter().filter_map(|(job, _)| job.partner().map(str::to_owned)).collect();
    drop(reports);
    drop(jobs);
    // The network report and the index list every partner in brief: with the partners' reports
    // made, each evaluation is cut down to that brief before the network's context is made, so
    // that the largest document is not made while every evaluation is held whole.
    evaluation.partners.iter_mut().for_each(crate::model::PartnerEvaluation::keep_brief);
    if makes_network && made.stop.is_none() {
        let network = network_of(&evaluation);
        let key = keys.of("network", &network);
        if fresh.needs((None, false), &key) {
            let reports = [(Job::Ready(Report::Network(&network)), key)];
            made.extend(plan::make_all(&pool, &reports, &making, &out, s.limits(), reporter)?);
        } else {
            reporter.step();
        }
    }
    reporter.done();
    let unchanged = fresh.carried.len();
    made.entries.extend(fresh.carried);
    let built = summary::Built {
        unchanged,
        batch: &batch,
        claims,
        previous,
        evaluation: &evaluation,
        made: made_partners,
        bundle: bundle.as_ref(),
    };
    summary::finish(s, out, provenance, made, built, reporter)
}

/// The partner-facing reports of the partners `mine` names (all when `None`), if the build is
/// for the partner, with what the user should know about them.
fn partner_facing(
    s: &BuildSettings,
    evaluation: &crate::model::Evaluation,
    mine: Option<&BTreeSet<String>>,
    builders: &[Builder],
    batch: &Batch,
    reporter: &dyn Reporter,
) -> Result<Vec<share::SharedReport>> {
    if !s.audiences.contains(&Audience::Partner) {
        return Ok(Vec::new());
    }
    let pdf = s.formats.contains(&OutputFormat::Pdf);
    let shown = |p: &std::path::Path| s.workspace.relative(p);
    let (shared, desired) =
        share::reports(evaluation, mine, builders, &s.workspace.config, batch, pdf, &shown)?;
    if !shared.is_empty() && batch.failed_files() > 0 {
        reporter.warning(
            "the partner-facing reports were checked without the names in the answer files that have errors: fix those and build again before you hand any report over",
        );
    }
    if !desired.is_empty() {
        reporter.note(&format!(
            "no partner-facing report for desired partners (there is no relationship to review yet): {}",
            desired.join(", ")
        ));
    }
    Ok(shared)
}

/// Reads every answer file `found` (but those unchanged since the last build, see [`answers`]),
/// reporting everything `check` would say about them.
fn read(
    s: &BuildSettings,
    found: Found,
    known: &answers::Remembered,
    pool: &rayon::ThreadPool,
    reporter: &dyn Reporter,
) -> Result<Batch> {
    reporter.stage("loading", found.files.len());
    let mut batch =
        pool.install(|| pipeline::read_files(found, s.limits(), &|p| known.get(p), &|| reporter.step()));
    if s.workspace.is_whole(&s.paths) {
        batch.read_plans(&s.workspace);
    }
    reporter.done();
    let text = crate::diagnostic::Output::Text { color: reporter.colour() };
    reporter.diagnostics(&crate::diagnostic::report(&batch.diagnostics, &batch.sources, text)?);
    // The files' texts were kept to quote them in diagnostics, which are reported now.
    batch.sources = Default::default();
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    /// A build makes the network report and the index from the evaluation cut down to each
    /// partner in brief: the context they are made from is the one the whole evaluation gives.
    #[test]
    fn the_network_report_reads_nothing_an_evaluation_in_brief_leaves_out() {
        let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let workspace = crate::workspace::Workspace::find(&samples, false).unwrap();
        let mut evaluation = changes::evaluate_workspace(&workspace, &crate::reporter::Silent).unwrap();
        assert!(evaluation.partners.iter().any(|p| !p.answers.is_empty() && !p.flags.is_empty()));
        let renderer = Renderer::new(None, Lang::En, &Default::default()).unwrap();
        let (branding, _) = Branding::new(&workspace).unwrap();
        let meta = Meta::new(None, &evaluation, &Default::default());
        let cfg = &workspace.config.evaluation;
        let builder = Builder::new(Lang::En, renderer.labels(), branding, meta, cfg);
        let linked = |id: Option<&str>, _: &BTreeSet<OutputFormat>| id.is_none_or(|id| id.len() % 2 == 0);
        let context = |e: &crate::model::Evaluation| {
            serde_json::to_string(&builder.network_of(e, &linked, &|p| p.display().to_string())).unwrap()
        };
        let snapshot = |e: &crate::model::Evaluation| changes::Snapshot::of(e).json().unwrap();
        let (whole, whole_snapshot) = (context(&evaluation), snapshot(&evaluation));
        let answers = evaluation.partners.iter().map(|p| p.answers.len()).sum::<usize>();
        evaluation.partners.iter_mut().for_each(crate::model::PartnerEvaluation::keep_brief);
        assert!(answers > 0 && evaluation.partners.iter().all(|p| p.answers.is_empty()));
        assert_eq!(context(&evaluation), whole);
        assert_eq!(snapshot(&evaluation), whole_snapshot);
    }
}
