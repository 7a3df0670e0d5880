//! Which partners a build rebuilds: those `--partner` names, by id or by name, and those whose
//! answer files were named on the command line. The whole workspace is read either way, so the
//! index, the network report and each partner's earlier rounds stay whole.

use std::collections::BTreeSet;

use crate::pipeline::Batch;
use crate::settings::BuildSettings;
use crate::{Error, Result};

/// The partners whose reports this build makes: those `--partner` names (by id or by name) and
/// those whose answer files were named; `None` for all.
pub fn partners(s: &BuildSettings, batch: &Batch) -> Result<Option<BTreeSet<String>>> {
    if s.partners.is_empty() && s.select.is_empty() {
        return Ok(None);
    }
    let asked: Vec<String> = s.partners.iter().map(|p| partner_id(p, batch)).collect::<Result<_>>()?;
    // Each named path is resolved once, not once per answer file.
    let select: Vec<std::path::PathBuf> = s.select.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let named = |source: &std::path::Path| {
        source.canonicalize().is_ok_and(|f| select.iter().any(|p| f.starts_with(p)))
    };
    let selected = batch.assessments.iter().filter(|a| named(&a.source)).map(|a| a.id.clone());
    Ok(Some(asked.into_iter().chain(selected).collect()))
}

/// The id of the partner `asked` names: its id, or its name in any case, spacing or accents;
/// else an error with the nearest id or name.
fn partner_id(asked: &str, batch: &Batch) -> Result<String> {
    let key = crate::model::person_key(asked);
    let found = batch.assessments.iter().find(|a| a.id == asked).or_else(|| {
        batch
            .assessments
            .iter()
            .find(|a| crate::model::person_key(&a.partner) == key || a.id == crate::model::slugify(asked))
    });
    match found {
        Some(a) => Ok(a.id.clone()),
        None => {
            let known = batch.assessments.iter().flat_map(|a| [a.id.as_str(), a.partner.as_str()]);
            let suggestion = crate::diagnostic::suggest(asked, known).map(str::to_owned);
            Err(Error::NoSuchPartner { asked: asked.to_owned(), suggestion })
        }
    }
}
