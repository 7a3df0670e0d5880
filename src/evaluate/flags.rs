//! The red-flag rules. Each looks at one side's answers and scores (or at the rounds, the two
//! sides, the respondents) and raises a flag with a stable code, the proposition it belongs to,
//! a severity, the evidence, and a message and recommendation in both languages.

use crate::model::{
    Bilingual, Date, Flag, FlagCode, FlagSeverity, Lang, Perspective, PropositionId, PropositionResult, Text,
    number,
};
use crate::questionnaire::{Questionnaire, intern};

use super::combine::Side;
use super::config::FlagThresholds;
use super::score::{points, round1};

/// A value put into a flag's texts, written in each language as reports write it.
pub enum Fill {
    Text(String),
    Number(f64),
    /// A number with its sign.
    Signed(f64),
    /// Question ids, shown by their short titles.
    Items(Vec<Text>),
}

impl Fill {
    fn text(&self, lang: Lang) -> String {
        match self {
            Fill::Text(t) => t.clone(),
            Fill::Number(x) => number(*x, lang, false),
            Fill::Signed(x) => number(*x, lang, true),
            Fill::Items(items) => {
                let q = Questionnaire::get();
                let title = |id: &Text| q.short(id, lang).unwrap_or(id).to_owned();
                items.iter().map(title).collect::<Vec<_>>().join(", ")
            }
        }
    }
}

/// Builds a flag from the questionnaire's texts, filling `{placeholders}` from `values`.
pub fn flag(code: FlagCode, severity: FlagSeverity, evidence: Vec<Text>, values: &[(&str, Fill)]) -> Flag {
    let fill = |text: &'static Bilingual| {
        let one = |lang: Lang| -> Text {
            let text = text.get(lang);
            match values.is_empty() {
                // Most flags' texts have nothing to fill in: they are the questionnaire's own.
                true => Text::Borrowed(text),
                false => Text::Owned(values.iter().fold(text.to_owned(), |t, (name, value)| {
                    t.replace(&format!("{{{name}}}"), &value.text(lang))
                })),
            }
        };
        Bilingual { nl: one(Lang::Nl), en: one(Lang::En) }
    };
    match Questionnaire::get().flag(code) {
        Some(t) => Flag {
            code,
            proposition: t.proposition,
            severity,
            side: Perspective::Own,
            evidence,
            message: fill(&t.message),
            recommendation: fill(&t.recommendation),
            source: t.source.shared(),
            joint: [fill(&t.joint.message), fill(&t.joint.recommendation)],
        },
        // Every code used here has a text (a unit test checks); keep going without one.
        None => Flag {
            code,
            proposition: None,
            severity,
            side: Perspective::Own,
            evidence,
            message: Bilingual { nl: code.as_str().into(), en: code.as_str().into() },
            recommendation: Bilingual::default(),
            source: Bilingual::default(),
            joint: [Bilingual { nl: code.as_str().into(), en: code.as_str().into() }, Bilingual::default()],
        },
    }
}

/// The items of trustworthiness: ability, integrity, benevolence, openness.
pub const TRUST_ITEMS: &[&str] =
    &["trust.expertise", "trust.keeps_agreements", "trust.benevolence", "trust.openness"];
/// The items of the willingness to be vulnerable.
pub const VULNERABILITY_ITEMS: &[&str] = &[
    "vulnerability.sensitive_information",
    "vulnerability.oral_agreements",
    "vulnerability.joint_improvement",
];

/// The mean of the answered `items` on the 0-100 scale.
pub fn mean_points(side: &Side, items: &[&str]) -> Option<f64> {
    let answered: Vec<f64> = items.iter().filter_map(|i| side.item(i)).collect();
    (!answered.is_empty()).then(|| answered.iter().map(|&a| points(a)).sum::<f64>() / answered.len() as f64)
}

fn ids(items: &[&str]) -> Vec<Text> {
    items.iter().map(|s| intern(s)).collect()
}

/// The rules on one side's answers (P1-P5), marked as raised by that side.
pub fn side_flags(side: &Side, t: &FlagThresholds) -> Vec<Flag> {
    let mut flags = rules(side, t);
    flags.extend(no_consensus(side, t));
    for f in &mut flags {
        f.side = side.perspective;
    }
    flags
}

fn rules(side: &Side, t: &FlagThresholds) -> Vec<Flag> {
    let mut flags = Vec::new();
    let at_most = |id: &str, max: u8| side.item(id).is_some_and(|a| a <= f64::from(max));
    let at_least = |id: &str, min: u8| side.item(id).is_some_and(|a| a >= f64::from(min));

    // P1: each dimension of trustworthiness is necessary on its own.
    let low: Vec<&str> = TRUST_ITEMS.iter().copied().filter(|i| at_most(i, t.trust_dimension_low)).collect();
    if !low.is_empty() {
        let severity =
            if low.iter().any(|i| at_most(i, 1)) { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(
            FlagCode::TrustDimensionLow,
            severity,
            ids(&low),
            &[("items", Fill::Items(ids(&low)))],
        ));
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
            evidence.map(intern).collect(),
            &[],
        ));
    }

    // P2: dependence in both directions, investments, safeguards.
    let (ours, theirs) = ("dependence.our_competences", "dependence.their_competences");
    if let (Some(a), Some(b)) = (side.item(ours), side.item(theirs)) {
        let gap = (a - b).abs();
        if gap >= f64::from(t.asymmetry_gap) {
            // Our exposure: the revenue at stake when we are the side that needs the other more.
            let exposure = if b > a { side.revenue_share_pct.unwrap_or(0.0) } else { 0.0 };
            let severity = if exposure >= t.exposure_critical {
                FlagSeverity::Critical
            } else if exposure >= t.exposure_warning {
                FlagSeverity::Warning
            } else {
                FlagSeverity::Info
            };
            let mut evidence = ids(&[ours, theirs]);
            if exposure >= t.exposure_warning {
                evidence.push("growth.order_portfolio".into());
            }
            flags.push(flag(
                FlagCode::AsymmetricDependence,
                severity,
                evidence,
                &[("gap", Fill::Number(gap))],
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
    // Exit barriers with low trust: formal safeguards, but also sunk relation-specific
    // investments (hostages, Williamson 1983) and efficiency rents (Geyskens et al. 1996).
    let barriers: Vec<&str> = [
        ("commitment.safeguards", t.safeguards_min),
        ("commitment.specific_investments", t.safeguards_min),
        ("commitment.efficiency", t.safeguards_min),
    ]
    .into_iter()
    .filter(|(item, min)| at_least(item, *min))
    .map(|(item, _)| item)
    .collect();
    if !barriers.is_empty() && trustworthy.is_some_and(|tw| tw <= t.calculative_trust_max) {
        let mut evidence = ids(&barriers);
        evidence.extend(TRUST_ITEMS.iter().filter(|i| side.item(i).is_some()).map(|i| intern(i)));
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
    // A breach reported in the fields, or by the item's own scale (1: unresolved and still
    // doing damage; 2: only partly resolved).
    if let Some(damaging) = side.open_breach() {
        let severity = if damaging { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(FlagCode::UnresolvedBreach, severity, ids(&["exchange.breaches"]), &[]));
    }

    // P4: breadth and frequency of key-person contact. A side whose box-5 items are scored
    // but name nobody is missing data, not a one-person relationship.
    let (mut single, mut unnamed) = (Vec::new(), Vec::new());
    for (prefix, people) in
        [("key_people.partner_", &side.people.partner), ("key_people.own_", &side.people.own)]
    {
        let items: Vec<Text> =
            side.answers.keys().filter(|k| k.starts_with(prefix)).map(|k| intern(k)).collect();
        match people.len() {
            _ if items.is_empty() => {}
            0 => unnamed.extend(items),
            n if n <= t.key_people_min => single.extend(items),
            _ => {}
        }
    }
    if !single.is_empty() {
        flags.push(flag(FlagCode::SingleKeyPerson, FlagSeverity::Warning, single, &[]));
    }
    if !unnamed.is_empty() {
        flags.push(flag(FlagCode::KeyPersonsUnnamed, FlagSeverity::Info, unnamed, &[]));
    }
    if side.contact().is_some_and(|best| best > t.contact_min) {
        let evidence =
            side.answers.keys().filter(|k| k.starts_with("key_people.")).map(|k| intern(k)).collect();
        flags.push(flag(FlagCode::InfrequentContact, FlagSeverity::Warning, evidence, &[]));
    }

    // P5: growth that is not managed.
    let growing = side.growth_pct.is_some_and(|g| g >= t.growth_pct_min)
        || side.revenue_share_pct.is_some_and(|s| s >= t.revenue_share_min);
    // With most of our revenue in the relationship, measures of only limited effect (3) are
    // not control enough.
    let concentrated = side.revenue_share_pct.is_some_and(|s| s >= t.concentration_critical);
    let control_max = if concentrated { t.dependence_control_max.max(3) } else { t.dependence_control_max };
    let weak_control: Vec<&str> = ["growth.dependence_shift", "growth.dependence_measures"]
        .into_iter()
        .filter(|i| at_most(i, control_max))
        .collect();
    if growing && !weak_control.is_empty() {
        let mut evidence = ids(&["growth.order_portfolio"]);
        evidence.extend(ids(&weak_control));
        let severity = if concentrated { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(FlagCode::GrowthDependence, severity, evidence, &[]));
    }
    if let Some(share) = side.revenue_share_pct.filter(|s| *s >= t.concentration_warning) {
        let severity =
            if share >= t.concentration_critical { FlagSeverity::Critical } else { FlagSeverity::Warning };
        let mut evidence = ids(&["growth.order_portfolio"]);
        let control = ["growth.dependence_shift", "growth.dependence_measures"];
        evidence.extend(control.iter().filter(|i| side.item(i).is_some()).map(|i| intern(i)));
        flags.push(flag(
            FlagCode::RevenueConcentration,
            severity,
            evidence,
            &[("share", Fill::Number(share))],
        ));
    }
    // The capacity answer says it outright; growth makes it worse.
    if at_most("growth.key_people_capacity", t.capacity_max) {
        let growing = side.growth_pct.is_some_and(|g| g >= t.overstretch_growth_min);
        let mut evidence = ids(&["growth.key_people_capacity"]);
        if growing {
            evidence.push("growth.order_portfolio".into());
        }
        let severity = if growing { FlagSeverity::Critical } else { FlagSeverity::Warning };
        flags.push(flag(FlagCode::KeyPeopleOverstretched, severity, evidence, &[]));
    }
    flags
}

/// `perception-gap`: propositions on which our view and the partner's differ by the threshold.
pub fn perception_gaps(results: &[PropositionResult], t: &FlagThresholds) -> Vec<Flag> {
    results
        .iter()
        .filter_map(|r| r.gap.filter(|g| g.abs() >= t.perception_gap).map(|g| (r, g)))
        .map(|(r, g)| {
            let mut f = flag(
                FlagCode::PerceptionGap,
                FlagSeverity::Warning,
                vec![r.id.as_str().into()],
                &[("gap", Fill::Signed(g))],
            );
            f.proposition = Some(r.id);
            f
        })
        .collect()
}

/// `declining`, judged over every round rather than the last step only: the latest score is
/// the threshold or more below the best earlier round, or it fell in each of the last
/// `declining_run` rounds by `declining_run_points` in all. `critical` when the fall is twice
/// the threshold. `rounds` are the scores per round, oldest first, with their dates.
pub fn declining(rounds: &[(Date, &[PropositionResult])], t: &FlagThresholds) -> Vec<Flag> {
    let Some(((_, latest), earlier)) = rounds.split_last() else { return Vec::new() };
    let mut flags = Vec::new();
    for (i, r) in latest.iter().enumerate() {
        let Some(now) = r.score else { continue };
        let series: Vec<(Date, f64)> =
            earlier.iter().filter_map(|(date, results)| Some((*date, results.get(i)?.score?))).collect();
        let best = series.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let from_best = best.filter(|(_, s)| s - now >= t.declining);
        // The last `declining_run` steps, each a fall.
        let run = series
            .len()
            .checked_sub(t.declining_run)
            .filter(|_| t.declining_run > 0)
            .map(|start| &series[start..])
            .filter(|run| {
                let scores: Vec<f64> = run.iter().map(|(_, s)| *s).chain([now]).collect();
                scores.windows(2).all(|w| w[1] < w[0]) && run[0].1 - now >= t.declining_run_points
            })
            .map(|run| run[0]);
        let Some((since, before)) = from_best.or(run) else { continue };
        let fall = round1(before - now);
        let severity = if fall >= 2.0 * t.declining { FlagSeverity::Critical } else { FlagSeverity::Warning };
        let mut f = flag(
            FlagCode::Declining,
            severity,
            vec![r.id.as_str().into()],
            &[("delta", Fill::Signed(-fall)), ("since", Fill::Text(since.to_string()))],
        );
        f.proposition = Some(r.id);
        flags.push(f);
    }
    flags
}

/// `no-consensus`: items on which the respondents of one round disagree, by their average
/// deviation from their mean (AD, Burke & Dunlap 2002), one flag per proposition the items
/// inform; `warning` from `disagreement_warning`.
pub fn no_consensus(side: &Side, t: &FlagThresholds) -> Vec<Flag> {
    let q = Questionnaire::get();
    let mut by_proposition: std::collections::BTreeMap<Option<PropositionId>, Vec<(&str, f64)>> =
        std::collections::BTreeMap::new();
    for a in side.answers.values().filter(|a| a.scores.len() > 1) {
        let n = a.scores.len() as f64;
        let mean = a.scores.iter().map(|&s| f64::from(s)).sum::<f64>() / n;
        let ad = a.scores.iter().map(|&s| (f64::from(s) - mean).abs()).sum::<f64>() / n;
        if ad > t.disagreement {
            let proposition =
                q.question(&a.question).and_then(|qu| qu.informs.first()).map(|i| i.proposition);
            by_proposition.entry(proposition).or_default().push((&a.question, ad));
        }
    }
    by_proposition
        .into_iter()
        .map(|(proposition, items)| {
            let worst = items.iter().map(|(_, ad)| *ad).fold(0.0, f64::max);
            let severity =
                if worst >= t.disagreement_warning { FlagSeverity::Warning } else { FlagSeverity::Info };
            let names: Vec<&str> = items.iter().map(|(item, _)| *item).collect();
            let mut f =
                flag(FlagCode::NoConsensus, severity, ids(&names), &[("items", Fill::Items(ids(&names)))]);
            f.proposition = proposition;
            f
        })
        .collect()
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
