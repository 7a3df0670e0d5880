//! How a build ends: the manifest of what is now in the output folder, the previous build's files
//! this one made stale removed, and a summary of it all for the user.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::Result;
use crate::model::Evaluation;
use crate::outdir::{Bundle, Notice, OutputDir, Previous, Prune};
use crate::pipeline::{Batch, Claims};
use crate::provenance::Provenance;
use crate::render::context::{NetworkContext, PartnerContext};
use crate::reporter::Reporter;
use crate::settings::BuildSettings;

/// What a build did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files that hold this build's bytes ...
    pub written: usize,
    /// ... and those left as they were, their reports' inputs unchanged.
    pub unchanged: usize,
    pub removed: usize,
    /// Partners whose reports were made in every format asked for.
    pub partners: usize,
    pub failed_files: usize,
    pub has_errors: bool,
    /// Partners whose last good reports were kept because their files have errors.
    pub kept: Vec<String>,
    /// Files with errors whose partner could not be told (so nothing was pruned).
    pub unclaimed: Vec<PathBuf>,
    /// Whether something that may be an answer file could not be read.
    pub incomplete: bool,
    /// The context JSON, with `--dump-context`.
    pub context: Option<String>,
    /// The bundle written, as a path in the output folder.
    pub bundle: Option<String>,
    /// How many warnings about the output folder the build gave (files left alone, an
    /// interrupted build's files recognised, a bundle not made).
    pub notices: usize,
}

/// What the build was made from, as its ending needs it.
pub struct Built<'a> {
    /// How many of the entries are of reports not made again.
    pub unchanged: usize,
    pub batch: &'a Batch,
    pub claims: Claims,
    pub previous: std::sync::Arc<Previous>,
    pub evaluation: &'a Evaluation,
    /// The partners whose reports (internal or partner-facing) were made.
    pub made: BTreeSet<String>,
    /// The bundle asked for.
    pub bundle: Option<&'a Bundle>,
}

/// The summary of `--dump-context`: the contexts, and nothing written.
pub fn dump(
    network: &NetworkContext,
    partners: &[PartnerContext],
    shared: &[crate::share::SharedReport],
    batch: &Batch,
) -> Result<Summary> {
    let mut dump = serde_json::json!({ "network": network, "partners": partners });
    if !shared.is_empty() {
        let shared: Vec<_> = shared.iter().map(|r| &r.context).collect();
        dump["shared"] = serde_json::to_value(shared)?;
    }
    let context = Some(serde_json::to_string_pretty(&dump)? + "\n");
    Ok(Summary { context, has_errors: batch.has_errors(), ..Summary::default() })
}

/// Ends the build in `out` after `made` (see [`super::plan::Outcome`]), removing what it made
/// stale when nothing is unaccounted for.
pub fn finish(
    s: &BuildSettings,
    out: OutputDir,
    provenance: Provenance,
    made: super::plan::Outcome,
    built: Built,
    reporter: &dyn Reporter,
) -> Result<Summary> {
    let Built { unchanged, batch, claims, previous, evaluation, made: rebuilt, bundle } = built;
    let super::plan::Outcome { entries, mut failed, withdrawn, stop } = made;
    if let Some(e) = stop {
        // What was written stays and is recorded; nothing else is removed but the bundle. If
        // even the manifest cannot be written (a full disk), the journal tells the next build
        // what is trustmap's.
        let _ = out.finish(entries, provenance, None, None);
        return Err(e);
    }
    let present: BTreeSet<String> = evaluation.partners.iter().map(|p| p.id.clone()).collect();
    let whole = s.prune && claims.unclaimed.is_empty() && !batch.incomplete;
    let failed_reports = failed.len();
    failed.extend(claims.failed.iter().cloned());
    let prune = Prune {
        formats: &s.formats,
        internal: s.audiences.contains(&crate::model::Audience::Internal),
        shared: s.audiences.contains(&crate::model::Audience::Partner),
        network: crate::settings::Shard::makes_network(s.shard),
        rebuilt: &rebuilt,
        failed: &failed,
        withdrawn: &withdrawn,
        present: whole.then_some(&present),
    };
    let written = entries.len() - unchanged;
    // A partner whose files failed and who has no report now kept the previous build's.
    let kept = claims.failed.iter().filter(|id| {
        entries.iter().all(|e| e.partner.as_ref() != Some(*id))
            && previous.partners().any(|p| p == id.as_str())
    });
    let kept: Vec<String> = kept.cloned().collect();
    // The evaluation in brief, for `trustmap changes --since OUT` (and in a bundle) later.
    let snapshot = crate::changes::Snapshot::of(evaluation).json()?;
    let mut entries = entries;
    entries.extend(out.write_other(crate::changes::SNAPSHOT, snapshot.as_bytes())?);
    // A deliverable with errors in it is not bundled.
    let clean = !batch.has_errors() && failed_reports == 0;
    if bundle.is_some() && !clean {
        reporter.warning("no bundle was made, because the build has errors");
    }
    let finished = out.finish(entries, provenance, Some(&prune), bundle.filter(|_| clean))?;
    for id in &withdrawn {
        let folder = format!("{}/{id}/", crate::model::layout::SHARED);
        if finished.removed.iter().any(|path| path.starts_with(&folder)) {
            reporter.warning(&format!(
                "partner `{id}`: its earlier partner-facing report was removed, so that none is left that this build could not check"
            ));
        }
    }
    for notice in &finished.notices {
        reporter.warning(&format!("{}: {notice}", crate::diagnostic::path_shown(&s.out)));
    }
    let lost = finished
        .notices
        .iter()
        .any(|n| matches!(n, Notice::NotOurs(_) | Notice::ChangedByHand(_) | Notice::NoBundle(_)));
    let bundled = bundle.map(Bundle::file_name).filter(|name| finished.bundled.as_ref() == Some(name));
    Ok(Summary {
        written,
        unchanged,
        removed: finished.removed.len(),
        partners: rebuilt.len() - failed_reports,
        failed_files: batch.failed_files(),
        has_errors: batch.has_errors() || failed_reports > 0 || lost,
        kept,
        unclaimed: claims.unclaimed,
        incomplete: batch.incomplete && s.prune,
        context: None,
        bundle: bundled,
        notices: finished.notices.len() + withdrawn.len() + usize::from(bundle.is_some() && !clean),
    })
}
