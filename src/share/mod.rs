//! The partner-facing variant of a partner report (`build --audience partner`): what the
//! partner may see of one relationship, and the proof that nothing else reached the files.
//!
//! [`context`] builds its context from a filtered copy of the relationship's evaluation, so a
//! template cannot show what is not there: no other partner, no network, no internal notes, no
//! plan, no names of respondents on a side too small to stay anonymous, no flag about our
//! internal position. [`leak`] then scans every output (HTML, Markdown, the Typst source of the
//! PDF, the charts, the file names) for every string it must not contain before it is written.

pub mod context;
pub mod leak;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Bilingual, FlagCode, Lang};

/// The `[sharing]` table of `trustmap.toml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SharingConfig {
    /// A side's respondents are named, and its per-item spread shown, only when it has at least
    /// this many respondents; otherwise its answers are shown as the side's aggregate only.
    pub min_respondents: usize,
    /// Flags about our internal position, left out of partner-facing reports.
    pub internal_flags: Vec<FlagCode>,
    /// The report's title [default: the label `shared_report`]; `{organisation}` and
    /// `{partner}` are filled in.
    pub title: Option<Text>,
    /// The confidentiality line [default: the label `shared_confidential`].
    pub confidential: Option<Text>,
    /// A line of your own at the foot of the report (the internal `[report] footer` is not used).
    pub footer: Option<Text>,
}

impl Default for SharingConfig {
    fn default() -> Self {
        Self {
            min_respondents: 3,
            internal_flags: vec![
                FlagCode::RevenueConcentration,
                FlagCode::KeyPeopleOverstretched,
                FlagCode::DependenceExposure,
                FlagCode::KeyPersonBottleneck,
                FlagCode::Prospect,
            ],
            title: None,
            confidential: None,
            footer: None,
        }
    }
}

impl SharingConfig {
    /// The values out of range.
    pub fn problems(&self) -> Vec<String> {
        match self.min_respondents {
            1..=1000 => Vec::new(),
            n => vec![format!("`sharing.min_respondents` must be from 1 to 1000, found `{n}`")],
        }
    }
}

/// A configured text: the same in every language, or one per language (`{ nl = "…", en = "…" }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Text {
    One(String),
    Each(Bilingual),
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match self {
            Text::One(text) => text,
            Text::Each(texts) => texts.get(lang),
        }
    }
}

/// One partner-facing report to make: its context, the strings it must not contain, and the
/// answer files it is made from (as shown).
pub struct SharedReport {
    pub context: context::SharedContext,
    pub secrets: leak::Secrets,
    pub sources: Vec<String>,
}

/// The partner-facing reports of `e`'s partners (those `only` names, when given), each in its
/// partner's language (else the first builder's) by that language's builder among `builders`;
/// a desired partner has none (there is no relationship to review), and is listed in the second
/// part. Each relationship is evaluated again for its report from its answer files without our
/// internal numbers (the partner's share of our revenue, our order growth), so that no verdict,
/// cap or severity the partner reads rests on them. `pdf` tells whether each gets a PDF beside
/// it; `batch` is every answer file read (the strings a report must not contain come from all
/// of them); `shown` turns an input path into the form the manifest shows.
pub fn reports(
    e: &crate::model::Evaluation,
    only: Option<&std::collections::BTreeSet<String>>,
    builders: &[crate::render::context::Builder],
    config: &crate::workspace::Config,
    batch: &crate::pipeline::Batch,
    pdf: bool,
    shown: &dyn Fn(&std::path::Path) -> String,
) -> crate::Result<(Vec<SharedReport>, Vec<String>)> {
    let index = std::sync::Arc::new(leak::Index::new(&batch.assessments, &batch.partner_names())?);
    let mut files: BTreeMap<&str, Vec<&crate::model::Assessment>> = BTreeMap::new();
    for a in &batch.assessments {
        files.entry(a.id.as_str()).or_default().push(a);
    }
    let asked = e.partners.iter().filter(|p| only.is_none_or(|o| o.contains(&p.id)));
    let (desired, current): (Vec<_>, Vec<_>) = asked.partition(|p| p.status == crate::model::Status::Desired);
    let mut reports = Vec::with_capacity(current.len());
    for p in current {
        let own = files.get(p.id.as_str()).map_or(&[][..], Vec::as_slice);
        let Some(p) = evaluate_without_internals(own, &config.evaluation) else { continue };
        let lang = p.lang.unwrap_or(builders[0].lang);
        let builder = builders.iter().find(|b| b.lang == lang).unwrap_or(&builders[0]);
        let context = context::context(builder, &p, &config.sharing, pdf);
        let secrets = leak::Secrets::new(&p, &context, own, index.clone())?;
        reports.push(SharedReport {
            context,
            secrets,
            sources: p.sources.iter().map(|s| shown(s)).collect(),
        });
    }
    Ok((reports, desired.into_iter().map(|p| p.id.clone()).collect()))
}

/// The relationship of `files` (one partner's) evaluated without our internal numbers.
fn evaluate_without_internals(
    files: &[&crate::model::Assessment],
    cfg: &crate::evaluate::EvaluationConfig,
) -> Option<crate::model::PartnerEvaluation> {
    let files: Vec<crate::model::Assessment> = files
        .iter()
        .map(|a| {
            let mut a = (*a).clone();
            for answer in a.answers.values_mut() {
                answer.revenue_share_pct = None;
                answer.growth_pct = None;
            }
            a
        })
        .collect();
    crate::evaluate::evaluate(&files, cfg).partners.into_iter().next()
}
