//! The network as a whole (box 1 and box 6): verdicts per proposition over the partners,
//! partners by role, dependence concentration, key-person load, growth, and who lacks data.

use std::collections::BTreeMap;

use crate::model::{
    Dependence, Flag, FlagCode, FlagSeverity, GrowthRow, KeyPersonLoad, LackingData, NetworkEvaluation,
    NetworkProposition, PartnerEvaluation, Perspective, Status, Verdict, person_key,
};
use crate::questionnaire::Questionnaire;

use super::config::EvaluationConfig;
use super::flags::{Fill, flag};
use super::score::round1;

/// Mean 1-5 answer of a question in a partner's evaluated round.
fn item(p: &PartnerEvaluation, id: &str) -> Option<f64> {
    p.answers.iter().find(|a| a.question == id).and_then(|a| a.score)
}

pub fn evaluate(partners: &[PartnerEvaluation], cfg: &EvaluationConfig) -> NetworkEvaluation {
    let q = Questionnaire::get();
    let current: Vec<&PartnerEvaluation> = partners.iter().filter(|p| p.status == Status::Current).collect();

    let propositions = q
        .propositions
        .iter()
        .enumerate()
        .map(|(i, prop)| {
            let mut verdicts: BTreeMap<Verdict, usize> = BTreeMap::new();
            let mut scores = Vec::new();
            for p in &current {
                let r = &p.propositions[i];
                *verdicts.entry(r.verdict).or_default() += 1;
                if r.verdict != Verdict::Insufficient {
                    scores.extend(r.score);
                }
            }
            let mean = (!scores.is_empty()).then(|| round1(scores.iter().sum::<f64>() / scores.len() as f64));
            NetworkProposition { id: prop.id, mean, verdicts }
        })
        .collect();

    let mut dependent_on: Vec<Dependence> = current
        .iter()
        .filter_map(|p| {
            let ours = item(p, "dependence.our_competences")?;
            let theirs = item(p, "dependence.their_competences")?;
            (theirs > ours).then(|| Dependence {
                id: p.id.clone(),
                partner: p.partner.clone(),
                gap: round1(theirs - ours),
                revenue_share_pct: p.revenue_share_pct,
            })
        })
        .collect();
    dependent_on.sort_by(|a, b| b.gap.total_cmp(&a.gap).then_with(|| a.id.cmp(&b.id)));
    let dependent_revenue_share_pct = round1(dependent_on.iter().filter_map(|d| d.revenue_share_pct).sum());

    let key_person_load = key_person_load(&current);
    let mut flags = bottlenecks(&current, &key_person_load, cfg);
    // The revenue carried by relationships in which we are the more dependent side.
    let t = &cfg.flags;
    if dependent_revenue_share_pct >= t.concentration_warning {
        let severity = if dependent_revenue_share_pct >= t.concentration_critical {
            FlagSeverity::Critical
        } else {
            FlagSeverity::Warning
        };
        flags.push(flag(
            FlagCode::DependenceExposure,
            severity,
            dependent_on
                .iter()
                .filter(|d| d.revenue_share_pct.is_some())
                .map(|d| d.id.clone().into())
                .collect(),
            &[
                ("share", Fill::Number(dependent_revenue_share_pct)),
                ("count", Fill::Number(dependent_on.len() as f64)),
            ],
        ));
    }

    let lacking_data = partners
        .iter()
        .filter_map(|p| {
            let missing: Vec<String> = p
                .propositions
                .iter()
                .filter(|r| r.verdict == Verdict::Insufficient)
                .map(|r| r.id.to_string())
                .collect();
            (!missing.is_empty()).then(|| LackingData {
                id: p.id.clone(),
                partner: p.partner.clone(),
                propositions: missing,
            })
        })
        .collect();

    let mut growth: Vec<GrowthRow> = current
        .iter()
        .filter(|p| p.growth_pct.is_some() || p.revenue_share_pct.is_some())
        .map(|p| GrowthRow {
            id: p.id.clone(),
            partner: p.partner.clone(),
            growth_pct: p.growth_pct,
            revenue_share_pct: p.revenue_share_pct,
            verdict: p.propositions[4].verdict,
        })
        .collect();
    growth.sort_by(|a, b| {
        b.growth_pct
            .unwrap_or(f64::MIN)
            .total_cmp(&a.growth_pct.unwrap_or(f64::MIN))
            .then_with(|| a.id.cmp(&b.id))
    });

    let mut by_role = BTreeMap::new();
    for p in partners {
        *by_role.entry(p.role).or_default() += 1;
    }
    flags.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
    NetworkEvaluation {
        partners: partners.len(),
        by_role,
        strategic: partners.iter().filter(|p| p.strategic).map(|p| p.id.clone()).collect(),
        desired: partners.iter().filter(|p| p.status == Status::Desired).map(|p| p.id.clone()).collect(),
        propositions,
        dependent_on,
        dependent_revenue_share_pct,
        key_person_load,
        lacking_data,
        growth,
        flags,
        with_target: 0,
        below_target: Vec::new(),
    }
}

/// Our people by the relationships they are key person in, most first. Names are matched by
/// [`person_key`] (case, white space and diacritics do not matter); the first spelling shows.
fn key_person_load(current: &[&PartnerEvaluation]) -> Vec<KeyPersonLoad> {
    let mut load: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    // In a relationship known only from the partner's own files, `own` are their people.
    for p in current.iter().filter(|p| p.perspective == Perspective::Own) {
        for person in &p.people.own {
            let entry =
                load.entry(person_key(&person.name)).or_insert_with(|| (person.name.clone(), Vec::new()));
            if !entry.1.contains(&p.id) {
                entry.1.push(p.id.clone());
            }
        }
    }
    let mut load: Vec<KeyPersonLoad> =
        load.into_values().map(|(name, partners)| KeyPersonLoad { name, partners }).collect();
    load.sort_by(|a, b| b.partners.len().cmp(&a.partners.len()).then_with(|| a.name.cmp(&b.name)));
    load
}

/// `key-person-bottleneck`: one of our people is the only key person of a large share of the
/// network's relationships, or key person in many and alone in some. Someone who is backed up
/// by a colleague in every relationship is not a bottleneck. `critical` when the capacity
/// answers of their relationships say the key people are short of time.
fn bottlenecks(current: &[&PartnerEvaluation], load: &[KeyPersonLoad], cfg: &EvaluationConfig) -> Vec<Flag> {
    let t = &cfg.flags;
    let total = current.len();
    load.iter()
        .filter_map(|k| {
            let theirs: Vec<&&PartnerEvaluation> =
                current.iter().filter(|p| k.partners.contains(&p.id)).collect();
            let alone = theirs.iter().filter(|p| p.people.own.len() == 1).count();
            let share = 100.0 * alone as f64 / total.max(1) as f64;
            let bottleneck = (alone >= 2 && share >= t.key_person_share)
                || (k.partners.len() >= t.key_person_bottleneck && alone >= 1);
            if !bottleneck {
                return None;
            }
            let stretched = theirs.iter().any(|p| {
                item(p, "growth.key_people_capacity").is_some_and(|a| a <= f64::from(t.capacity_max))
            });
            let severity = if stretched { FlagSeverity::Critical } else { FlagSeverity::Warning };
            Some(flag(
                FlagCode::KeyPersonBottleneck,
                severity,
                k.partners.iter().map(|p| p.clone().into()).collect(),
                &[
                    ("person", Fill::Text(k.name.clone())),
                    ("count", Fill::Number(k.partners.len() as f64)),
                    ("total", Fill::Number(total as f64)),
                    ("alone", Fill::Number(alone as f64)),
                ],
            ))
        })
        .collect()
}
