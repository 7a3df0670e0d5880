//! The `[evaluation]` table of `trustmap.toml`: verdict bands, item weights and flag thresholds,
//! each with a default that the scoring chapter of the book justifies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{PropositionId, Verdict};
use crate::questionnaire::Questionnaire;

/// Settings of the scoring model. Every field has a default; unknown keys are errors.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct EvaluationConfig {
    /// Lower bounds (0-100) of the verdicts `strong`, `adequate` and `at_risk`; below the last is
    /// `critical`.
    pub bands: Bands,
    /// Below this coverage (answered weight / mapped weight, in percent) a verdict is
    /// `insufficient`.
    pub min_coverage: f64,
    /// Fewer answered items than this make a verdict `insufficient`.
    pub min_items: usize,
    /// Weight overrides: `[evaluation.weights.P1] "trust.expertise" = 2.0`.
    pub weights: BTreeMap<String, BTreeMap<String, f64>>,
    /// The weight of the key persons' contact frequency in P4 ([`CONTACT`]), the item the
    /// proposition is about.
    pub contact_weight: f64,
    /// The defining items of each proposition, as groups of which at least one item must be
    /// answered: `[evaluation.required] P1 = [["trust.expertise", …], ["vulnerability…", …]]`.
    /// A proposition given here replaces its default; `[]` requires nothing.
    pub required: BTreeMap<String, Vec<Vec<String>>>,
    /// The conditions that cap a verdict, each with the best verdict it allows.
    pub caps: Caps,
    /// The propositions about something mutual, which get a relationship verdict from both
    /// sides' views.
    pub mutual: Vec<PropositionId>,
    /// Thresholds of the red flags.
    pub flags: FlagThresholds,
}

/// The contact frequency of the key persons, scored as an item of P4: the most frequent contact
/// of any named key person (weekly 5, monthly 4, quarterly 3, yearly 2, rarely 1).
pub const CONTACT: &str = "key_people.contact";

/// The best verdict each capping condition allows (`strong` turns a cap off; for
/// `missing_required`, `insufficient` refuses a verdict altogether).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Caps {
    /// A group of defining items unanswered.
    pub missing_required: Verdict,
    /// P1: an ability, integrity, benevolence or openness item at 1.
    pub trust_item_critical: Verdict,
    /// P1: such an item at 2.
    pub trust_item_low: Verdict,
    /// P1: willingness to be vulnerable at or below `flags.vulnerability_max` points.
    pub not_vulnerable: Verdict,
    /// P2: one side's need for the other's competences at 1, or `dependence.balance` at 1.
    pub one_way_dependence: Verdict,
    /// P2: `commitment.specific_investments` at 1 (entirely one-sided).
    pub one_sided_commitment: Verdict,
    /// P3: `exchange.breaches` at 1, or a breach with `resolved: false`.
    pub breach_damaging: Verdict,
    /// P3: `exchange.breaches` at 2, or a breach not said to be resolved.
    pub breach_open: Verdict,
    /// P3: an exchange item at 1 (trust abused).
    pub vulnerability_abused: Verdict,
    /// P3: an exchange item at 2 (trust not rewarded).
    pub vulnerability_unrewarded: Verdict,
    /// P4: the most frequent contact of the key persons rarer than `contact_rarer_than`.
    pub infrequent_contact: Verdict,
    /// ... the frequency below which the cap applies (the flag has its own, `flags.contact_min`).
    pub contact_rarer_than: crate::model::Frequency,
    /// P3: an exchange item at 3 ("no such moments"): the chain of positive experiences has not
    /// run both ways yet.
    pub chain_untested: Verdict,
    /// P5: an item of P5 at 1 (an effect of growth at its worst).
    pub growth_unmanaged: Verdict,
    /// P5: revenue share at or above `flags.concentration_critical` while
    /// `growth.dependence_measures` is at or below 3 (limited effect).
    pub concentration_unmanaged: Verdict,
    /// The overall verdict no better than P1's ...
    pub trust_first: bool,
    /// ... and no better than this when P1 cannot be judged.
    pub trust_unknown: Verdict,
}

impl Default for Caps {
    fn default() -> Self {
        Self {
            missing_required: Verdict::Adequate,
            trust_item_critical: Verdict::AtRisk,
            trust_item_low: Verdict::Adequate,
            not_vulnerable: Verdict::Adequate,
            one_way_dependence: Verdict::AtRisk,
            one_sided_commitment: Verdict::AtRisk,
            breach_damaging: Verdict::Critical,
            breach_open: Verdict::AtRisk,
            vulnerability_abused: Verdict::Critical,
            vulnerability_unrewarded: Verdict::AtRisk,
            infrequent_contact: Verdict::AtRisk,
            contact_rarer_than: crate::model::Frequency::Quarterly,
            chain_untested: Verdict::Adequate,
            growth_unmanaged: Verdict::AtRisk,
            concentration_unmanaged: Verdict::AtRisk,
            trust_first: true,
            trust_unknown: Verdict::Adequate,
        }
    }
}

/// The default defining items of a proposition (see [`EvaluationConfig::required`]).
fn default_required(p: PropositionId) -> Vec<Vec<&'static str>> {
    match p {
        // Trustworthiness and the willingness to be vulnerable: trust is the latter (Mayer et al.
        // 1995), so P1 is not judged on the perception of the partner alone.
        PropositionId::P1 => vec![
            vec!["trust.expertise", "trust.keeps_agreements", "trust.benevolence", "trust.openness"],
            vec![
                "vulnerability.sensitive_information",
                "vulnerability.oral_agreements",
                "vulnerability.joint_improvement",
            ],
        ],
        // Mutual dependence and mutual commitment: the two conditions of the proposition.
        PropositionId::P2 => vec![
            vec!["dependence.our_competences", "dependence.their_competences", "dependence.balance"],
            vec!["commitment.specific_investments", "commitment.efficiency", "commitment.safeguards"],
        ],
        // The chain of experiences: reciprocated vulnerability, and breaches.
        PropositionId::P3 => vec![
            vec!["exchange.partner_vulnerability", "exchange.own_vulnerability"],
            vec!["exchange.breaches"],
        ],
        // Frequent contact between key persons: how often, and who.
        PropositionId::P4 => vec![
            vec![CONTACT],
            vec![
                "key_people.partner_influence",
                "key_people.partner_confidant",
                "key_people.partner_agreements",
                "key_people.own_ambassador",
                "key_people.own_confidant",
                "key_people.own_agreements",
            ],
        ],
        PropositionId::P5 => Vec::new(),
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Bands {
    pub strong: f64,
    pub adequate: f64,
    pub at_risk: f64,
}

/// Flag thresholds. Item thresholds are on the 1-5 scale, score thresholds on 0-100.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FlagThresholds {
    /// `trust-dimension-low`: an item of ability, integrity, benevolence or openness at or below.
    pub trust_dimension_low: u8,
    /// `trust-not-acted-on`: trustworthiness (0-100) at or above ...
    pub trustworthy_min: f64,
    /// ... while willingness to be vulnerable (0-100) is at or below.
    pub vulnerability_max: f64,
    /// `asymmetric-dependence`: the two needs differ by at least this many points.
    pub asymmetry_gap: u8,
    /// `one-sided-investment`: `commitment.specific_investments` at or below.
    pub investment_max: u8,
    /// `calculative-commitment`: `commitment.safeguards` at or above ...
    pub safeguards_min: u8,
    /// ... while trustworthiness (0-100) is at or below.
    pub calculative_trust_max: f64,
    /// `unreciprocated-vulnerability`: an exchange item at or below.
    pub unreciprocated_max: u8,
    /// `single-key-person`: this many distinct key persons or fewer on a side.
    pub key_people_min: usize,
    /// `infrequent-contact`: the most frequent contact is rarer than this.
    pub contact_min: crate::model::Frequency,
    /// `growth-dependence`: growth (percent) at or above ...
    pub growth_pct_min: f64,
    /// ... or the partner's revenue share (percent) at or above ...
    pub revenue_share_min: f64,
    /// ... while `growth.dependence_shift` or `growth.dependence_measures` is at or below.
    pub dependence_control_max: u8,
    /// `key-people-overstretched`: `growth.key_people_capacity` at or below (`warning`) ...
    pub capacity_max: u8,
    /// ... and `critical` while growth (percent) is at or above this.
    pub overstretch_growth_min: f64,
    /// `declining`: a proposition falls by at least this many points between rounds.
    pub declining: f64,
    /// `perception-gap`: our view and the partner's differ by at least this many points.
    pub perception_gap: f64,
    /// `declining`, over a run of rounds: the proposition fell in each of this many rounds in a
    /// row ...
    pub declining_run: usize,
    /// ... by at least this many points in all.
    pub declining_run_points: f64,
    /// `no-consensus`: the respondents' average deviation from their mean on an item (AD, on
    /// the 1-5 scale) above this is a disagreement (`info`); 5/6 is the limit of agreement for
    /// a 5-point item (Burke & Dunlap 2002).
    pub disagreement: f64,
    /// ... and at or above this a `warning` (two respondents three points apart: 1.5).
    pub disagreement_warning: f64,
    /// `asymmetric-dependence`: when we are the more dependent side, a revenue share (percent)
    /// at or above this makes it a `warning` ...
    pub exposure_warning: f64,
    /// ... and at or above this `critical`.
    pub exposure_critical: f64,
    /// `revenue-concentration`: one partner's share of our revenue (percent) at or above this
    /// is a `warning` ...
    pub concentration_warning: f64,
    /// ... and at or above this `critical`.
    pub concentration_critical: f64,
    /// `key-person-bottleneck`: one of our people is the only key person of at least this share
    /// (percent) of the network's current relationships ...
    pub key_person_share: f64,
    /// ... or key person in at least this many relationships, alone in at least one.
    pub key_person_bottleneck: usize,
}

impl Default for Bands {
    fn default() -> Self {
        Self { strong: 75.0, adequate: 55.0, at_risk: 35.0 }
    }
}

impl Default for FlagThresholds {
    fn default() -> Self {
        Self {
            trust_dimension_low: 2,
            trustworthy_min: 70.0,
            vulnerability_max: 45.0,
            asymmetry_gap: 2,
            investment_max: 2,
            safeguards_min: 4,
            calculative_trust_max: 50.0,
            unreciprocated_max: 2,
            key_people_min: 1,
            contact_min: crate::model::Frequency::Monthly,
            growth_pct_min: 20.0,
            revenue_share_min: 30.0,
            dependence_control_max: 2,
            capacity_max: 2,
            overstretch_growth_min: 10.0,
            declining: 15.0,
            perception_gap: 25.0,
            declining_run: 3,
            declining_run_points: 10.0,
            disagreement: 5.0 / 6.0,
            disagreement_warning: 1.25,
            exposure_warning: 20.0,
            exposure_critical: 40.0,
            concentration_warning: 30.0,
            concentration_critical: 50.0,
            key_person_share: 50.0,
            key_person_bottleneck: 4,
        }
    }
}

impl Default for EvaluationConfig {
    fn default() -> Self {
        Self {
            bands: Bands::default(),
            min_coverage: 50.0,
            min_items: 2,
            weights: BTreeMap::new(),
            contact_weight: 2.0,
            required: BTreeMap::new(),
            caps: Caps::default(),
            mutual: vec![PropositionId::P1, PropositionId::P3],
            flags: FlagThresholds::default(),
        }
    }
}

impl EvaluationConfig {
    /// Checks what serde cannot: band order, ranges, and that weight overrides name a question
    /// that informs that proposition. Returns the problems as messages.
    pub fn problems(&self, q: &Questionnaire) -> Vec<String> {
        let mut out = Vec::new();
        let b = &self.bands;
        if !(100.0 >= b.strong && b.strong > b.adequate && b.adequate > b.at_risk && b.at_risk >= 0.0) {
            out.push("`evaluation.bands` must satisfy 100 >= strong > adequate > at_risk >= 0".into());
        }
        if !(0.0..=100.0).contains(&self.min_coverage) {
            out.push("`evaluation.min_coverage` must be from 0 to 100 (percent)".into());
        }
        let f = &self.flags;
        for (name, value) in [
            ("trust_dimension_low", f.trust_dimension_low),
            ("investment_max", f.investment_max),
            ("safeguards_min", f.safeguards_min),
            ("unreciprocated_max", f.unreciprocated_max),
            ("dependence_control_max", f.dependence_control_max),
            ("capacity_max", f.capacity_max),
        ] {
            if !(1..=5).contains(&value) {
                out.push(format!("`evaluation.flags.{name}` must be from 1 to 5, found `{value}`"));
            }
        }
        if !(1..=4).contains(&f.asymmetry_gap) {
            out.push(format!(
                "`evaluation.flags.asymmetry_gap` must be from 1 to 4, found `{}`",
                f.asymmetry_gap
            ));
        }
        if !(f.disagreement >= 0.0
            && f.disagreement <= f.disagreement_warning
            && f.disagreement_warning <= 2.0)
        {
            out.push("`evaluation.flags` must satisfy 0 <= disagreement <= disagreement_warning <= 2".into());
        }
        for (name, low, high) in [
            ("exposure", f.exposure_warning, f.exposure_critical),
            ("concentration", f.concentration_warning, f.concentration_critical),
        ] {
            if !(0.0 <= low && low <= high && high <= 100.0) {
                out.push(format!(
                    "`evaluation.flags` must satisfy 0 <= {name}_warning <= {name}_critical <= 100 (percent)"
                ));
            }
        }
        if !(self.contact_weight.is_finite() && self.contact_weight >= 0.0) {
            out.push("`evaluation.contact_weight` must be a number >= 0".into());
        }
        for (proposition, groups) in &self.required {
            let Some(id) = PropositionId::parse(proposition) else {
                out.push(format!("`evaluation.required.{proposition}`: unknown proposition `{proposition}`"));
                continue;
            };
            for item in groups.iter().flatten() {
                let informs = (id == PropositionId::P4 && item == CONTACT)
                    || q.question(item).is_some_and(|qu| qu.informs.iter().any(|i| i.proposition == id));
                if !informs {
                    let help = crate::diagnostic::did_you_mean(item, q.question_ids())
                        .map_or(String::new(), |h| format!(" ({h})"));
                    out.push(format!(
                        "`evaluation.required.{proposition}`: `{item}` does not inform {proposition}{help}"
                    ));
                }
            }
        }
        for (proposition, items) in &self.weights {
            let Some(id) = PropositionId::parse(proposition) else {
                out.push(format!("`evaluation.weights.{proposition}`: unknown proposition `{proposition}`"));
                continue;
            };
            for (item, weight) in items {
                let informs =
                    q.question(item).is_some_and(|qu| qu.informs.iter().any(|i| i.proposition == id));
                if !informs {
                    let help = crate::diagnostic::did_you_mean(item, q.question_ids())
                        .map_or(String::new(), |h| format!(" ({h})"));
                    out.push(format!(
                        "`evaluation.weights.{proposition}`: `{item}` does not inform {proposition}{help}"
                    ));
                } else if !(weight.is_finite() && *weight >= 0.0) {
                    out.push(format!("`evaluation.weights.{proposition}.{item}` must be a number >= 0"));
                }
            }
        }
        out
    }

    /// The defining item groups of `proposition`: the configured ones, else the defaults.
    pub fn required(&self, proposition: PropositionId) -> Vec<Vec<String>> {
        match self.required.get(proposition.as_str()) {
            Some(groups) => groups.clone(),
            None => default_required(proposition)
                .into_iter()
                .map(|g| g.into_iter().map(String::from).collect())
                .collect(),
        }
    }

    /// The weight of `question` for `proposition`: the override, else the questionnaire's.
    pub fn weight(&self, proposition: PropositionId, question: &str, default: f64) -> f64 {
        self.weights.get(proposition.as_str()).and_then(|w| w.get(question)).copied().unwrap_or(default)
    }
}
