//! Scores the five propositions of one side: the weighted mean of the items the questionnaire
//! maps to each (a 1-5 answer counts as (s-1)/4*100), its coverage and verdict, sub-scores per
//! construct, and the evidence behind every number.

use crate::model::{
    Cap, CapRule, Evidence, Frequency, PropositionId, PropositionResult, SubScore, Text, Verdict,
};
use crate::questionnaire::{Questionnaire, intern};

use super::caps;
use super::combine::Side;
use super::config::{CONTACT, EvaluationConfig};

/// A 1-5 answer on the 0-100 scale.
pub fn points(answer: f64) -> f64 {
    (answer - 1.0) / 4.0 * 100.0
}

pub use crate::model::round1;

/// What a contact frequency is worth on the 0-100 scale.
fn frequency_points(f: Frequency) -> f64 {
    match f {
        Frequency::Weekly => 100.0,
        Frequency::Monthly => 75.0,
        Frequency::Quarterly => 50.0,
        Frequency::Yearly => 25.0,
        Frequency::Rarely => 0.0,
    }
}

/// The weighted items behind one score: `(question, weight)`.
struct Weighted<'q> {
    items: Vec<(&'q str, f64)>,
}

impl Weighted<'_> {
    /// Score, coverage, answered count and evidence of these items on `side`.
    fn evaluate(&self, side: &Side) -> (Option<f64>, f64, usize, Vec<Evidence>) {
        let mapped: f64 = self.items.iter().map(|(_, w)| w).sum();
        let mut evidence = Vec::new();
        let (mut sum, mut answered) = (0.0, 0.0);
        for &(question, weight) in &self.items {
            if let Some(answer) = side.item(question) {
                if weight > 0.0 {
                    sum += weight * points(answer);
                    answered += weight;
                }
                evidence.push(Evidence { question: intern(question), answer: round1(answer), weight });
            }
        }
        let score = (answered > 0.0).then(|| round1(sum / answered));
        let coverage = if mapped > 0.0 { round1(answered / mapped * 100.0) } else { 0.0 };
        let items = evidence.iter().filter(|e| e.weight > 0.0).count();
        (score, coverage, items, evidence)
    }
}

/// The verdict of a score, given its coverage and number of answered items.
pub fn verdict(score: Option<f64>, coverage: f64, items: usize, cfg: &EvaluationConfig) -> Verdict {
    let Some(score) = score else { return Verdict::Insufficient };
    if coverage < cfg.min_coverage || items < cfg.min_items {
        return Verdict::Insufficient;
    }
    let b = &cfg.bands;
    if score >= b.strong {
        Verdict::Strong
    } else if score >= b.adequate {
        Verdict::Adequate
    } else if score >= b.at_risk {
        Verdict::AtRisk
    } else {
        Verdict::Critical
    }
}

/// Scores all five propositions of a side, caps included.
pub fn propositions(side: &Side, q: &Questionnaire, cfg: &EvaluationConfig) -> Vec<PropositionResult> {
    q.propositions
        .iter()
        .map(|p| {
            let mut all = Weighted { items: Vec::new() };
            let mut constructs: Vec<(&str, Weighted)> = Vec::new();
            for question in q.questions() {
                for informs in question.informs.iter().filter(|i| i.proposition == p.id) {
                    let weight = cfg.weight(p.id, &question.id, informs.weight);
                    all.items.push((&question.id, weight));
                    match constructs.iter_mut().find(|(c, _)| *c == informs.construct) {
                        Some((_, w)) => w.items.push((&question.id, weight)),
                        None => constructs
                            .push((&informs.construct, Weighted { items: vec![(&question.id, weight)] })),
                    }
                }
            }
            if p.id == PropositionId::P4 {
                // The item the proposition is about: how often the key persons meet.
                all.items.push((CONTACT, cfg.contact_weight));
            }
            let (score, coverage, items, evidence) = all.evaluate(side);
            let mut subscores: Vec<SubScore> = constructs
                .iter()
                .map(|(id, w)| {
                    let (score, coverage, _, evidence) = w.evaluate(side);
                    SubScore {
                        id: intern(id),
                        score,
                        coverage,
                        evidence: evidence.into_iter().map(|e| e.question).collect(),
                    }
                })
                .collect();
            subscores.extend(special_subscores(p.id, side));
            let concerns = all
                .items
                .iter()
                .filter(|(_, w)| *w > 0.0)
                .map(|(item, _)| side.scores(item).iter().filter(|&&s| s <= 2.0).count())
                .sum();
            let missing: Vec<Text> = cfg
                .required(p.id)
                .into_iter()
                .filter(|group| !group.iter().any(|item| side.item(item).is_some()))
                .flatten()
                .map(|item| intern(&item))
                .collect();
            let banded = verdict(score, coverage, items, cfg);
            let mut caps = caps::side(p.id, side, cfg);
            if !missing.is_empty() {
                caps.insert(
                    0,
                    Cap {
                        rule: CapRule::MissingDefiningItems,
                        limit: cfg.caps.missing_required,
                        evidence: missing.clone(),
                    },
                );
            }
            let (verdict, caps) = caps::apply(banded, caps);
            PropositionResult {
                id: p.id,
                score,
                coverage,
                items,
                verdict,
                banded,
                caps,
                missing,
                concerns,
                partner_verdict: None,
                relationship: None,
                delta: None,
                previous: None,
                partner_view: None,
                gap: None,
                target: None,
                subscores,
                evidence,
            }
        })
        .collect()
}

fn single(id: &'static str, question: &'static str, side: &Side) -> SubScore {
    let score = side.item(question).map(|a| round1(points(a)));
    SubScore {
        id: id.into(),
        score,
        coverage: if score.is_some() { 100.0 } else { 0.0 },
        evidence: vec![question.into()],
    }
}

/// Sub-scores that are not a weighted mean of items: the direction and asymmetry of dependence
/// (P2), and the contact frequency of key persons (P4).
fn special_subscores(proposition: PropositionId, side: &Side) -> Vec<SubScore> {
    match proposition {
        PropositionId::P2 => {
            let ours = "dependence.our_competences";
            let theirs = "dependence.their_competences";
            let asymmetry =
                side.item(ours).zip(side.item(theirs)).map(|(a, b)| round1((a - b).abs() / 4.0 * 100.0));
            vec![
                single("partner_needs_us", ours, side),
                single("we_need_partner", theirs, side),
                SubScore {
                    id: "asymmetry".into(),
                    score: asymmetry,
                    coverage: if asymmetry.is_some() { 100.0 } else { 0.0 },
                    evidence: vec![ours.into(), theirs.into()],
                },
            ]
        }
        PropositionId::P4 => {
            let best = side.contact();
            let evidence =
                side.answers.keys().filter(|k| k.starts_with("key_people.")).map(|k| intern(k)).collect();
            vec![SubScore {
                id: "frequency".into(),
                score: best.map(frequency_points),
                coverage: if best.is_some() { 100.0 } else { 0.0 },
                evidence,
            }]
        }
        _ => Vec::new(),
    }
}
