//! The instrument from the article, as data: six boxes of questions, the five summary
//! propositions and the red-flag texts, in Dutch (verbatim) and English. It is embedded in the
//! binary from `questionnaire.yaml`; code refers to questions by their stable id only.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

pub use crate::answer_file::Extra;
use crate::answer_file::SCORE;
use crate::model::{Bilingual, FlagCode, PropositionId, Text};

/// The embedded questionnaire source.
pub const SOURCE: &str = include_str!("questionnaire.yaml");
/// The same, as JSON (made by `build.rs`): what the binary reads.
const JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/questionnaire.json"));

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    pub version: u32,
    pub source: SourceRef,
    pub boxes: Vec<QuestionBox>,
    pub propositions: Vec<Proposition>,
    pub flags: Vec<FlagText>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub title: String,
    pub author: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionBox {
    pub number: u8,
    pub id: String,
    pub title: Bilingual,
    /// The title as both sides read it in a partner-facing report: `{us}` is the client
    /// organisation, `{them}` the partner.
    pub joint_title: Bilingual,
    pub section: Bilingual,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub prompt: Bilingual,
    /// The prompt as a partner's respondent reads it, where it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_prompt: Option<Bilingual>,
    #[serde(default)]
    pub questions: Vec<Question>,
    /// Box 1's bullets, answered by an answer file's metadata rather than by a score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Vec<MetadataQuestion>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataQuestion {
    pub field: String,
    pub text: Bilingual,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub text: Bilingual,
    /// The question as a partner's respondent reads it (on a `perspective: partner` form),
    /// where the text above, worded from our side, would read wrongly from theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_text: Option<Bilingual>,
    /// A few words that name the question in running text (a flag's message).
    pub short: Bilingual,
    /// What the question measures, as both sides read it in a partner-facing report beside
    /// each other's answers: `{us}` is the client organisation, `{them}` the partner.
    pub joint: Bilingual,
    pub kind: AnswerKind,
    /// What each point of the scale ([`crate::answer_file::SCORE`]) means.
    pub anchors: BTreeMap<u8, Bilingual>,
    /// The points of the scale a partner's respondent reads differently, where they do.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub partner_anchors: BTreeMap<u8, Bilingual>,
    pub informs: Vec<Informs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Extra>,
    /// The question that asks the same with the roles swapped (how much the partner needs our
    /// competences, and how much we need theirs): the partner's answer to it is their view of
    /// what ours to this question is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<String>,
}

impl Question {
    /// The meaning of each point of the scale as the respondent of a file of `perspective`
    /// reads it.
    pub fn anchors_for(
        &self,
        perspective: crate::model::Perspective,
    ) -> impl Iterator<Item = (&u8, &Bilingual)> {
        self.anchors.iter().map(move |(point, text)| match perspective {
            crate::model::Perspective::Partner => (point, self.partner_anchors.get(point).unwrap_or(text)),
            crate::model::Perspective::Own => (point, text),
        })
    }

    /// The question as the respondent of a file of `perspective` reads it.
    pub fn text_for(&self, perspective: crate::model::Perspective) -> &Bilingual {
        match (perspective, &self.partner_text) {
            (crate::model::Perspective::Partner, Some(text)) => text,
            _ => &self.text,
        }
    }
}

/// How the 1-5 scale of a question reads.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// A judgement of the relationship: 1 = worst, 5 = best.
    Scale,
    /// A degree of need: 1 = not at all, 5 = critically.
    Need,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Informs {
    pub proposition: PropositionId,
    pub weight: f64,
    pub construct: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Proposition {
    pub id: PropositionId,
    pub short: Bilingual,
    pub text: Bilingual,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FlagText {
    pub code: FlagCode,
    pub proposition: Option<PropositionId>,
    pub message: Bilingual,
    pub recommendation: Bilingual,
    /// The source: one text when it reads the same in both languages (a citation).
    #[serde(deserialize_with = "either_or_both")]
    pub source: Bilingual,
    /// The finding worded for both sides, for partner-facing reports.
    pub joint: JointText,
}

/// A flag's texts for a report both sides read: `{who}` is the side whose answers raised it,
/// `{other}` the other side; the flag's own placeholders as in its message.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JointText {
    pub message: Bilingual,
    pub recommendation: Bilingual,
}

/// A text written once (the same in both languages) or as `{nl, en}`.
pub fn either_or_both<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Bilingual, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Both(Bilingual),
        One(String),
    }
    Ok(match Text::deserialize(d)? {
        Text::Both(b) => b,
        Text::One(s) => Bilingual { nl: s.clone().into(), en: s.into() },
    })
}

impl Questionnaire {
    /// The embedded questionnaire, parsed and checked once.
    pub fn get() -> &'static Questionnaire {
        static CELL: OnceLock<Questionnaire> = OnceLock::new();
        CELL.get_or_init(|| match Self::checked(serde_json::from_str(JSON).map_err(|e| e.to_string())) {
            Ok(q) => q,
            // The file is compiled in and checked by a unit test, so this cannot happen in a
            // released binary; failing loudly beats running with a broken instrument.
            Err(e) => panic!("{e}"),
        })
    }

    /// Parses and checks a questionnaire.
    pub fn parse(text: &str) -> crate::Result<Questionnaire> {
        Self::checked(serde_saphyr::from_str(text).map_err(|e| e.to_string()))
    }

    /// A questionnaire read, checked.
    fn checked(read: Result<Questionnaire, String>) -> crate::Result<Questionnaire> {
        let q = read.map_err(crate::Error::Questionnaire)?;
        q.check()?;
        Ok(q)
    }

    fn check(&self) -> crate::Result<()> {
        let fail = |m: String| Err(crate::Error::Questionnaire(m));
        let mut seen = std::collections::BTreeSet::new();
        for q in self.questions() {
            if !seen.insert(q.id.as_str()) {
                return fail(format!("question `{}` appears twice", q.id));
            }
            if !q.anchors.keys().copied().eq(SCORE) {
                let (min, max) = (SCORE.start(), SCORE.end());
                return fail(format!("question `{}` needs anchors {min} to {max}", q.id));
            }
            for i in &q.informs {
                if self.proposition(i.proposition).is_none() {
                    return fail(format!("question `{}` informs unknown `{}`", q.id, i.proposition));
                }
            }
            if let Some(mirror) = &q.mirror
                && self.question(mirror).and_then(|m| m.mirror.as_deref()) != Some(q.id.as_str())
            {
                return fail(format!(
                    "question `{}` mirrors `{mirror}`, which does not mirror it back",
                    q.id
                ));
            }
        }
        Ok(())
    }

    /// Every scored question, in questionnaire order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.boxes.iter().flat_map(|b| b.groups.iter().flat_map(|g| g.questions.iter()))
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }

    /// A question's short title in `lang`, as running text names it.
    pub fn short(&self, id: &str, lang: crate::model::Lang) -> Option<&str> {
        self.question(id).map(|q| q.short.get(lang))
    }

    /// The box a question belongs to.
    pub fn box_of(&self, id: &str) -> Option<&QuestionBox> {
        self.boxes.iter().find(|b| b.groups.iter().any(|g| g.questions.iter().any(|q| q.id == id)))
    }

    pub fn proposition(&self, id: PropositionId) -> Option<&Proposition> {
        self.propositions.iter().find(|p| p.id == id)
    }

    pub fn flag(&self, code: FlagCode) -> Option<&FlagText> {
        self.flags.iter().find(|f| f.code == code)
    }

    pub fn question_ids(&self) -> impl Iterator<Item = &str> {
        self.questions().map(|q| q.id.as_str())
    }
}

/// `id` as an evaluation holds it: borrowed from the embedded questionnaire when it is one of
/// its questions' ids or constructs' names (as nearly every id an evaluation names is), else a
/// copy.
pub fn intern(id: &str) -> Text {
    static IDS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let q = Questionnaire::get();
        let constructs = q.questions().flat_map(|q| q.informs.iter().map(|i| i.construct.as_str()));
        q.question_ids().chain(constructs).collect()
    });
    match ids.get(id) {
        Some(&known) => Text::Borrowed(known),
        None => Text::Owned(id.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_questionnaire_is_complete() {
        let q = Questionnaire::parse(SOURCE).unwrap();
        assert_eq!(q.boxes.len(), 6);
        assert_eq!(q.questions().count(), 27);
        let ids: Vec<_> = q.propositions.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P2", "P3", "P4", "P5"]);
        let need: Vec<_> = q.questions().filter(|q| q.kind == AnswerKind::Need).map(|q| &q.id).collect();
        assert_eq!(need, ["dependence.our_competences", "dependence.their_competences"]);
    }

    #[test]
    fn the_json_the_binary_reads_is_the_yaml() {
        let yaml = Questionnaire::parse(SOURCE).unwrap();
        assert_eq!(format!("{yaml:?}"), format!("{:?}", Questionnaire::get()));
    }

    #[test]
    fn dutch_text_is_verbatim_from_the_article() {
        let q = Questionnaire::get();
        let article = include_str!("../tests/fixtures/article.txt");
        let article = article.split_whitespace().collect::<Vec<_>>().join(" ");
        for question in q.questions() {
            let nl = question.text.nl.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(article.contains(&nl), "not verbatim: {nl}");
        }
        for p in &q.propositions {
            assert!(article.contains(&*p.text.nl), "not verbatim: {}", p.text.nl);
        }
    }
}
