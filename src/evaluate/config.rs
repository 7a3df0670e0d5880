//! The `[evaluation]` table of `trustmap.toml`: verdict bands, item weights and flag thresholds,
//! each with a default that the scoring chapter of the book justifies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::PropositionId;
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
    /// Thresholds of the red flags.
    pub flags: FlagThresholds,
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
    /// `key-people-overstretched`: `growth.key_people_capacity` at or below ...
    pub capacity_max: u8,
    /// ... while growth (percent) is at or above.
    pub overstretch_growth_min: f64,
    /// `declining`: a proposition falls by at least this many points between rounds.
    pub declining: f64,
    /// `perception-gap`: our view and the partner's differ by at least this many points.
    pub perception_gap: f64,
    /// `no-consensus`: respondents differ by at least this many points on an item.
    pub no_consensus: u8,
    /// `key-person-bottleneck`: one of our people is key person in at least this many
    /// relationships.
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
            contact_min: crate::model::Frequency::Quarterly,
            growth_pct_min: 20.0,
            revenue_share_min: 30.0,
            dependence_control_max: 2,
            capacity_max: 2,
            overstretch_growth_min: 10.0,
            declining: 15.0,
            perception_gap: 25.0,
            no_consensus: 2,
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
        for (name, value) in [("asymmetry_gap", f.asymmetry_gap), ("no_consensus", f.no_consensus)] {
            if !(1..=4).contains(&value) {
                out.push(format!("`evaluation.flags.{name}` must be from 1 to 4, found `{value}`"));
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

    /// The weight of `question` for `proposition`: the override, else the questionnaire's.
    pub fn weight(&self, proposition: PropositionId, question: &str, default: f64) -> f64 {
        self.weights.get(proposition.as_str()).and_then(|w| w.get(question)).copied().unwrap_or(default)
    }
}
