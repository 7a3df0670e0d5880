//! Each relationship against its target: a proposition is below, on or above the verdict its
//! plan's target asks for (a verdict better than the target is above it: more than this
//! relationship needs, perhaps more than it is worth investing in), with the gap in points to
//! the lower bound of the target's band. The network lists the relationships furthest below.

use std::collections::BTreeMap;

use super::config::Bands;
use crate::model::{BelowTarget, Evaluation, Plan, Standing, TargetJudgement, Verdict, round1};

/// Attaches each partner's plan and judges its propositions against the plan's target.
pub fn apply(evaluation: &mut Evaluation, plans: &BTreeMap<String, Plan>, bands: &Bands) {
    let mut below = Vec::new();
    for partner in &mut evaluation.partners {
        let Some(plan) = plans.get(&partner.id) else { continue };
        if let Some(target) = &plan.target {
            for p in &mut partner.propositions {
                p.target = target.levels.get(&p.id).map(|&level| judge(p.verdict, p.score, level, bands));
            }
        }
        let short: Vec<_> = partner
            .propositions
            .iter()
            .filter_map(|p| p.target.filter(|t| t.standing == Standing::Below).map(|t| (p.id, t.gap)))
            .collect();
        if !short.is_empty() {
            below.push(BelowTarget {
                id: partner.id.clone(),
                partner: partner.partner.clone(),
                below: short.iter().map(|(id, _)| *id).collect(),
                shortfall: round1(short.iter().filter_map(|(_, gap)| *gap).map(|g| -g.min(0.0)).sum()),
            });
        }
        partner.plan = Some(plan.clone());
    }
    below.sort_by(|a, b| {
        b.shortfall.total_cmp(&a.shortfall).then(b.below.len().cmp(&a.below.len())).then(a.id.cmp(&b.id))
    });
    evaluation.network.with_target = evaluation
        .partners
        .iter()
        .filter(|p| p.plan.as_ref().is_some_and(|plan| plan.target.is_some()))
        .count();
    evaluation.network.below_target = below;
}

/// A verdict (and its score) against the target `level`.
fn judge(verdict: Verdict, score: Option<f64>, level: Verdict, bands: &Bands) -> TargetJudgement {
    let floor = match level {
        Verdict::Strong => bands.strong,
        Verdict::Adequate => bands.adequate,
        _ => bands.at_risk,
    };
    // Verdicts are declared best first.
    let standing = match verdict {
        Verdict::Insufficient => Standing::Unknown,
        v if v < level => Standing::Above,
        v if v == level => Standing::On,
        _ => Standing::Below,
    };
    let gap = score.filter(|_| standing != Standing::Unknown).map(|s| round1(s - floor));
    TargetJudgement { target: level, standing, gap }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verdict_is_judged_by_its_band_and_a_cap_counts() {
        let bands = Bands::default();
        let j = judge(Verdict::AtRisk, Some(48.0), Verdict::Adequate, &bands);
        assert_eq!((j.standing, j.gap), (Standing::Below, Some(-7.0)));
        let j = judge(Verdict::Strong, Some(80.0), Verdict::Adequate, &bands);
        assert_eq!((j.standing, j.gap), (Standing::Above, Some(25.0)));
        // A score in the target's band but capped below it is below target, with a positive gap.
        let j = judge(Verdict::AtRisk, Some(60.0), Verdict::Adequate, &bands);
        assert_eq!((j.standing, j.gap), (Standing::Below, Some(5.0)));
        let j = judge(Verdict::Insufficient, Some(60.0), Verdict::Strong, &bands);
        assert_eq!((j.standing, j.gap), (Standing::Unknown, None));
    }
}
