//! The red-flag rules. Each looks at one side's answers and scores (or at the rounds, the two
//! sides, the respondents) and raises a flag with a stable code, the proposition it belongs to,
//! a severity, the evidence, and a message and recommendation in both languages.

use crate::model::{Bilingual, Flag, FlagCode, FlagSeverity, Frequency, PropositionResult};
use crate::questionnaire::Questionnaire;

use super::combine::Side;
use super::config::FlagThresholds;
use super::score::points;

/// Builds a flag from the questionnaire's texts, filling `{placeholders}` from `values`.
pub fn flag(
    code: FlagCode,
    severity: FlagSeverity,
    evidence: Vec<String>,
    values: &[(&str, String)],
) -> Flag {
    let q = Questionnaire::get();
    // Dutch writes a decimal comma.
    let fill = |text: &str, comma: bool| {
        values.iter().fold(text.to_owned(), |t, (name, value)| {
            let value =
                if comma && value.parse::<f64>().is_ok() { value.replace('.', ",") } else { value.clone() };
            t.replace(&format!("{{{name}}}"), &value)
        })
    };
    match q.flag(code) {
        Some(t) => Flag {
            code,
            proposition: t.proposition,
            severity,
            evidence,
            message: Bilingual { nl: fill(&t.message.nl, true), en: fill(&t.message.en, false) },
            recommendation: Bilingual {
                nl: fill(&t.recommendation.nl, true),
                en: fill(&t.recommendation.en, false),
            },
            source: t.source.clone(),
        },
        // Every code used here has a text (a unit test checks); keep going without one.
        None => Flag {
            code,
            proposition: None,
            severity,
            evidence,
            message: Bilingual { nl: code.to_string(), en: code.to_string() },
            recommendation: Bilingual { nl: String::new(), en: String::new() },
            source: String::new(),
        },
    }
}

const TRUST_ITEMS: &[&str] =
    &["trust.expertise", "trust.keeps_agreements", "trust.benevolence", "trust.openness"];
const VULNERABILITY_ITEMS: &[&str] = &[
    "vulnerability.sensitive_information",
    "vulnerability.oral_agreements",
    "vulnerability.joint_improvement",
];

fn mean_points(side: &Side, items: &[&str]) -> Option<f64> {
    let answered: Vec<f64> = items.iter().filter_map(|i| side.item(i)).collect();
    (!answered.is_empty()).then(|| answered.iter().map(|&a| points(a)).sum::<f64>() / answered.len() as f64)
}

fn ids(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The rules on one side's answers (P1-P5).
pub fn side_flags(side: &Side, t: &FlagThresholds) -> Vec<Flag> {
    let mut flags = Vec::new();
    let at_most = |id: &str, max: u8| side.item(id).is_some_and(|a| a <= f64::from(max));
    let at_least = |id: &str, min: u8| side.item(id).is_some_and(|a| a >= f64::from(min));

    // P1: each dimension of trustworthiness is necessary on its own.
    let low: Vec<&str> = TRUST_ITEMS.iter().copied().filter(|i| at_most(i, t.trust_dimension_low)).collect();
    if !low.is_empty() {
        let severity =
            if low.iter().any(|i| at_most(i, 1)) { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(FlagCode::TrustDimensionLow, severity, ids(&low), &[("items", low.join(", "))]));
    }
    let trustworthy = mean_points(side, TRUST_ITEMS);
    let vulnerable = mean_points(side, VULNERABILITY_ITEMS);
    if let (Some(tw), Some(v)) = (trustworthy, vulnerable)
        && tw >= t.trustworthy_min
        && v <= t.vulnerability_max
    {
        let evidence =
            TRUST_ITEMS.iter().chain(VULNERABILITY_ITEMS).copied().filter(|i| side.item(i).is_some());
        flags.push(flag(
            FlagCode::TrustNotActedOn,
            FlagSeverity::Warning,
            evidence.map(String::from).collect(),
            &[],
        ));
    }

    // P2: dependence in both directions, investments, safeguards.
    let (ours, theirs) = ("dependence.our_competences", "dependence.their_competences");
    if let (Some(a), Some(b)) = (side.item(ours), side.item(theirs)) {
        let gap = (a - b).abs();
        if gap >= f64::from(t.asymmetry_gap) {
            flags.push(flag(
                FlagCode::AsymmetricDependence,
                FlagSeverity::Info,
                ids(&[ours, theirs]),
                &[("gap", format!("{gap}"))],
            ));
        }
    }
    if at_most("commitment.specific_investments", t.investment_max) {
        flags.push(flag(
            FlagCode::OneSidedInvestment,
            FlagSeverity::Warning,
            ids(&["commitment.specific_investments"]),
            &[],
        ));
    }
    if at_least("commitment.safeguards", t.safeguards_min)
        && trustworthy.is_some_and(|tw| tw <= t.calculative_trust_max)
    {
        let mut evidence = ids(&["commitment.safeguards"]);
        evidence.extend(TRUST_ITEMS.iter().filter(|i| side.item(i).is_some()).map(|i| (*i).to_owned()));
        flags.push(flag(FlagCode::CalculativeCommitment, FlagSeverity::Warning, evidence, &[]));
    }

    // P3: vulnerability that was not rewarded; breaches not resolved.
    let unrewarded: Vec<&str> = ["exchange.partner_vulnerability", "exchange.own_vulnerability"]
        .into_iter()
        .filter(|i| at_most(i, t.unreciprocated_max))
        .collect();
    if !unrewarded.is_empty() {
        flags.push(flag(FlagCode::UnreciprocatedVulnerability, FlagSeverity::Warning, ids(&unrewarded), &[]));
    }
    if side.breach == Some(true) && side.resolved != Some(true) {
        let severity =
            if side.resolved == Some(false) { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(FlagCode::UnresolvedBreach, severity, ids(&["exchange.breaches"]), &[]));
    }

    // P4: breadth and frequency of key-person contact.
    let box5_answered = side.answers.keys().any(|k| k.starts_with("key_people."));
    if box5_answered
        && (side.people.partner.len() <= t.key_people_min || side.people.own.len() <= t.key_people_min)
    {
        let evidence = side.answers.keys().filter(|k| k.starts_with("key_people.")).cloned().collect();
        flags.push(flag(FlagCode::SingleKeyPerson, FlagSeverity::Warning, evidence, &[]));
    }
    let contacts: Vec<Frequency> =
        side.people.partner.iter().chain(&side.people.own).filter_map(|p| p.contact).collect();
    if contacts.iter().min().is_some_and(|best| *best > t.contact_min) {
        let evidence = side.answers.keys().filter(|k| k.starts_with("key_people.")).cloned().collect();
        flags.push(flag(FlagCode::InfrequentContact, FlagSeverity::Warning, evidence, &[]));
    }

    // P5: growth that is not managed.
    let growing = side.growth_pct.is_some_and(|g| g >= t.growth_pct_min)
        || side.revenue_share_pct.is_some_and(|s| s >= t.revenue_share_min);
    let weak_control: Vec<&str> = ["growth.dependence_shift", "growth.dependence_measures"]
        .into_iter()
        .filter(|i| at_most(i, t.dependence_control_max))
        .collect();
    if growing && !weak_control.is_empty() {
        let mut evidence = ids(&["growth.order_portfolio"]);
        evidence.extend(ids(&weak_control));
        flags.push(flag(FlagCode::GrowthDependence, FlagSeverity::Warning, evidence, &[]));
    }
    if at_most("growth.key_people_capacity", t.capacity_max)
        && side.growth_pct.is_some_and(|g| g >= t.overstretch_growth_min)
    {
        let evidence = ids(&["growth.key_people_capacity", "growth.order_portfolio"]);
        flags.push(flag(FlagCode::KeyPeopleOverstretched, FlagSeverity::Warning, evidence, &[]));
    }
    flags
}

/// A flag for each proposition whose `value` (delta or gap) `fires`, filling `{placeholder}`.
fn per_proposition(
    results: &[PropositionResult],
    code: FlagCode,
    value: impl Fn(&PropositionResult) -> Option<f64>,
    fires: impl Fn(f64) -> bool,
    (placeholder, format): (&str, fn(f64) -> String),
) -> Vec<Flag> {
    results
        .iter()
        .filter_map(|r| value(r).filter(|v| fires(*v)).map(|v| (r, v)))
        .map(|(r, v)| {
            let mut f =
                flag(code, FlagSeverity::Warning, vec![r.id.to_string()], &[(placeholder, format(v))]);
            f.proposition = Some(r.id);
            f
        })
        .collect()
}

/// `declining`: propositions that fell by the threshold or more since the previous round.
pub fn declining(results: &[PropositionResult], t: &FlagThresholds) -> Vec<Flag> {
    per_proposition(
        results,
        FlagCode::Declining,
        |r| r.delta,
        |d| d <= -t.declining,
        ("delta", |d| format!("{d:.1}")),
    )
}

/// `perception-gap`: propositions on which our view and the partner's differ by the threshold.
pub fn perception_gaps(results: &[PropositionResult], t: &FlagThresholds) -> Vec<Flag> {
    per_proposition(
        results,
        FlagCode::PerceptionGap,
        |r| r.gap,
        |g| g.abs() >= t.perception_gap,
        ("gap", |g| format!("{g:+.1}")),
    )
}

/// `no-consensus`: items on which respondents differ by the threshold or more.
pub fn no_consensus(side: &Side, t: &FlagThresholds) -> Option<Flag> {
    let items: Vec<&str> = side
        .answers
        .values()
        .filter(|a| a.spread.is_some_and(|s| s >= t.no_consensus))
        .map(|a| a.question.as_str())
        .collect();
    (!items.is_empty())
        .then(|| flag(FlagCode::NoConsensus, FlagSeverity::Info, ids(&items), &[("items", items.join(", "))]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_texts_in_both_languages() {
        let q = Questionnaire::get();
        for &code in FlagCode::VARIANTS {
            let t = q.flag(code).unwrap_or_else(|| panic!("no text for {code}"));
            assert!(!t.message.nl.is_empty() && !t.message.en.is_empty() && !t.recommendation.en.is_empty());
        }
        assert_eq!(q.flags.len(), FlagCode::VARIANTS.len());
    }
}
