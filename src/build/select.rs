//! Which partners a build rebuilds: those `--partner` names, by id or by name, and those whose
//! answer files were named on the command line. The whole workspace is read either way, so the
//! index, the network report and each partner's earlier rounds stay whole.

use std::collections::BTreeSet;

use crate::Result;
use crate::pipeline::Batch;
use crate::settings::BuildSettings;

/// The partners whose reports this build makes: those `--partner` names (by id or by name) and
/// those whose answer files were named; `None` for all.
pub fn partners(s: &BuildSettings, batch: &Batch) -> Result<Option<BTreeSet<String>>> {
    if s.partners.is_empty() && s.select.is_empty() {
        return Ok(None);
    }
    let asked: Vec<String> = s.partners.iter().map(|p| batch.partner_id(p)).collect::<Result<_>>()?;
    // Each named path is resolved once, not once per answer file.
    let select: Vec<std::path::PathBuf> = s.select.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let named = |source: &std::path::Path| {
        source.canonicalize().is_ok_and(|f| select.iter().any(|p| f.starts_with(p)))
    };
    let selected = batch.assessments.iter().filter(|a| named(&a.source)).map(|a| a.id.clone());
    Ok(Some(asked.into_iter().chain(selected).collect()))
}

/// The partners whose reports this build makes: those `only` names (all when `None`) that are in
/// its shard (`--shard K/N`); `None` for every partner.
pub fn in_shard(
    s: &BuildSettings,
    only: Option<&BTreeSet<String>>,
    evaluation: &crate::model::Evaluation,
) -> Option<BTreeSet<String>> {
    (only.is_some() || s.shard.is_some()).then(|| {
        let asked = |id: &str| only.is_none_or(|o| o.contains(id)) && s.shard.is_none_or(|s| s.owns(id));
        evaluation.partners.iter().map(|p| p.id.clone()).filter(|id| asked(id)).collect()
    })
}
