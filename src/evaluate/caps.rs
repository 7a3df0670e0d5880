//! The conditions that cap a verdict. A mean lets a strong item hide a critical one; a cap
//! keeps the item a proposition is about decisive: with it, the proposition can be no better
//! than the cap's limit. Each cap's limit is set under `[evaluation.caps]`; the book's scoring
//! chapter gives each its source.

use crate::model::{Cap, CapRule, PropositionId, Text, Verdict};
use crate::questionnaire::intern;

use super::combine::Side;
use super::config::EvaluationConfig;
use super::flags::{TRUST_ITEMS, VULNERABILITY_ITEMS, mean_points};

/// The caps of proposition `p` that `side`'s answers meet (binding or not).
pub fn side(p: PropositionId, side: &Side, cfg: &EvaluationConfig) -> Vec<Cap> {
    let c = &cfg.caps;
    let t = &cfg.flags;
    let at_most = |items: &[&str], max: f64| -> Vec<Text> {
        items.iter().filter(|i| side.item(i).is_some_and(|a| a <= max)).map(|i| intern(i)).collect()
    };
    let cap = |rule, limit, evidence: Vec<Text>| Cap { rule, limit, evidence };
    let mut caps = Vec::new();
    match p {
        PropositionId::P1 => {
            let critical = at_most(TRUST_ITEMS, 1.0);
            let low = at_most(TRUST_ITEMS, 2.0);
            if !critical.is_empty() {
                caps.push(cap(CapRule::TrustItemCritical, c.trust_item_critical, critical));
            } else if !low.is_empty() {
                caps.push(cap(CapRule::TrustItemLow, c.trust_item_low, low));
            }
            if mean_points(side, VULNERABILITY_ITEMS).is_some_and(|v| v <= t.vulnerability_max) {
                let answered = VULNERABILITY_ITEMS.iter().filter(|i| side.item(i).is_some());
                caps.push(cap(
                    CapRule::NotVulnerable,
                    c.not_vulnerable,
                    answered.map(|i| intern(i)).collect(),
                ));
            }
        }
        PropositionId::P2 => {
            let one_way = at_most(
                &["dependence.our_competences", "dependence.their_competences", "dependence.balance"],
                1.0,
            );
            if !one_way.is_empty() {
                caps.push(cap(CapRule::OneWayDependence, c.one_way_dependence, one_way));
            }
            let one_sided = at_most(&["commitment.specific_investments"], 1.0);
            if !one_sided.is_empty() {
                caps.push(cap(CapRule::OneSidedCommitment, c.one_sided_commitment, one_sided));
            }
        }
        PropositionId::P3 => {
            let breaches = || vec!["exchange.breaches".into()];
            match side.open_breach() {
                Some(true) => caps.push(cap(CapRule::BreachDamaging, c.breach_damaging, breaches())),
                Some(false) => caps.push(cap(CapRule::BreachOpen, c.breach_open, breaches())),
                None => {}
            }
            let exchange = ["exchange.partner_vulnerability", "exchange.own_vulnerability"];
            let abused = at_most(&exchange, 1.0);
            let unrewarded = at_most(&exchange, f64::from(t.unreciprocated_max));
            let untested = at_most(&exchange, 3.0);
            if !abused.is_empty() {
                caps.push(cap(CapRule::VulnerabilityAbused, c.vulnerability_abused, abused));
            } else if !unrewarded.is_empty() {
                caps.push(cap(CapRule::VulnerabilityUnrewarded, c.vulnerability_unrewarded, unrewarded));
            } else if !untested.is_empty() {
                caps.push(cap(CapRule::ChainUntested, c.chain_untested, untested));
            }
        }
        PropositionId::P4 => {
            if side.contact().is_some_and(|best| best > c.contact_rarer_than) {
                caps.push(cap(
                    CapRule::InfrequentContact,
                    c.infrequent_contact,
                    vec![super::config::CONTACT.into()],
                ));
            }
        }
        PropositionId::P5 => {
            let worst = at_most(
                &[
                    "growth.order_portfolio",
                    "growth.dependence_shift",
                    "growth.dependence_measures",
                    "growth.uneven_growth",
                    "growth.key_people_capacity",
                ],
                1.0,
            );
            if !worst.is_empty() {
                caps.push(cap(CapRule::GrowthUnmanaged, c.growth_unmanaged, worst));
            }
            let measures = "growth.dependence_measures";
            let concentrated = side.revenue_share_pct.is_some_and(|s| s >= t.concentration_critical);
            if concentrated && side.item(measures).is_none_or(|a| a <= 3.0) {
                caps.push(cap(
                    CapRule::ConcentrationUnmanaged,
                    c.concentration_unmanaged,
                    vec!["growth.order_portfolio".into(), measures.into()],
                ));
            }
        }
    }
    caps
}

/// The verdict `banded` lowered by `caps`, and the caps that lowered it. An `insufficient`
/// verdict stays so; a cap whose limit is `insufficient` refuses a verdict.
pub fn apply(banded: Verdict, caps: Vec<Cap>) -> (Verdict, Vec<Cap>) {
    if banded == Verdict::Insufficient {
        return (banded, Vec::new());
    }
    let binding: Vec<Cap> = caps
        .into_iter()
        .filter(|c| c.limit == Verdict::Insufficient || banded.better_than(c.limit))
        .collect();
    let verdict = match binding.iter().any(|c| c.limit == Verdict::Insufficient) {
        true => Verdict::Insufficient,
        false => binding.iter().fold(banded, |v, c| v.worse(c.limit)),
    };
    (verdict, binding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(limit: Verdict) -> Cap {
        Cap { rule: CapRule::TrustItemLow, limit, evidence: Vec::new() }
    }

    #[test]
    fn a_cap_lowers_a_better_verdict_and_only_binding_caps_are_kept() {
        let (v, caps) = apply(Verdict::Strong, vec![cap(Verdict::AtRisk), cap(Verdict::Strong)]);
        assert_eq!((v, caps.len()), (Verdict::AtRisk, 1));
        let (v, caps) = apply(Verdict::Critical, vec![cap(Verdict::AtRisk)]);
        assert_eq!((v, caps.len()), (Verdict::Critical, 0));
        let (v, _) = apply(Verdict::Strong, vec![cap(Verdict::Adequate), cap(Verdict::Critical)]);
        assert_eq!(v, Verdict::Critical);
    }

    #[test]
    fn insufficient_stays_and_an_insufficient_limit_refuses_a_verdict() {
        assert_eq!(apply(Verdict::Insufficient, vec![cap(Verdict::Critical)]).0, Verdict::Insufficient);
        assert_eq!(apply(Verdict::Strong, vec![cap(Verdict::Insufficient)]).0, Verdict::Insufficient);
    }
}
