//! The context of `shared.*`, the partner-facing report: made from a filtered copy of one
//! relationship's evaluation, never from the evaluation itself, so that a template (a user's
//! too) cannot reach another partner, the network, our internal notes or plan, or who answered
//! on a side too small to stay anonymous. What is copied is listed field by field below; what is
//! not copied is not there.

use std::collections::BTreeMap;

use serde::Serialize;

use super::SharingConfig;
use crate::model::{
    Cap, CombinedAnswer, Date, Flag, FlagCode, FlagSeverity, KeyPeople, Lang, Note, PartnerEvaluation,
    Perspective, PropositionId, Round, Verdict, layout,
};
use crate::render::context::{Builder, ChartAxis, Common, Meta, PartnerCharts};

/// How far apart (on the 1-5 scale) the two sides' answers to a question are when the report
/// lists it among the differences.
const DIFFERENCE: f64 = 2.0;

/// The context of `shared.html`, `shared.md` and `shared.typ`: the common part has the report's
/// title (`[sharing] title`), the partner's language where it is known, the branding with the
/// partner-facing confidentiality line and footer, and links to its own files only.
#[derive(Debug, Clone, Serialize)]
pub struct SharedContext {
    #[serde(flatten)]
    pub common: Common<SharedLinks>,
    /// The names of the two sides: ours (the organisation) and the partner's.
    pub us: String,
    pub them: String,
    pub relationship: Relationship,
    pub charts: PartnerCharts,
    /// Every question as both sides read it, by id (`questions[id]`).
    pub questions: BTreeMap<String, String>,
    /// `[sharing] min_respondents`: a side with fewer is shown without names and spreads.
    pub min_respondents: usize,
}

/// The only other files a partner-facing report refers to: its charts and its own PDF.
#[derive(Debug, Clone, Serialize)]
pub struct SharedLinks {
    pub charts: &'static str,
    /// The PDF beside it, without its extension, when there is one.
    pub pdf: Option<String>,
}

/// One relationship as both sides may see it.
#[derive(Debug, Clone, Serialize)]
pub struct Relationship {
    pub id: String,
    pub partner: String,
    pub role: crate::model::Role,
    /// Each side's round and respondents; `None` for a side that did not answer.
    pub ours: Option<SideFacts>,
    pub theirs: Option<SideFacts>,
    /// The overall score and verdict of the view evaluated (`overall_side`'s), and what capped it.
    pub overall: Option<f64>,
    pub overall_verdict: Verdict,
    pub overall_caps: Vec<Cap>,
    pub overall_side: Perspective,
    /// The name of that side: whose caps, missing items and trend the report shows.
    pub evaluated: String,
    pub propositions: Vec<SharedProposition>,
    /// The flags to discuss, grouped by code, worded for both sides.
    pub flags: Vec<SharedFlag>,
    /// The codes of the flags of each proposition, each once.
    pub proposition_flags: BTreeMap<PropositionId, Vec<FlagCode>>,
    /// The rounds of both sides (dates, scores per proposition, number of respondents).
    pub rounds: Vec<Round>,
    /// The answers box by box, both sides side by side.
    pub boxes: Vec<SharedBox>,
    /// The questions the two sides answer two points or more apart, widest first.
    pub differences: Vec<SharedItem>,
    pub people: KeyPeople,
}

/// One side's round.
#[derive(Debug, Clone, Serialize)]
pub struct SideFacts {
    pub date: Date,
    pub respondents: usize,
    /// Who answered, when the side has at least `min_respondents`; otherwise empty.
    pub names: Vec<String>,
    /// Whether the side is named (and its spreads shown).
    pub named: bool,
}

/// A view of one proposition.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct View {
    pub score: Option<f64>,
    pub verdict: Verdict,
}

/// One proposition, each side's view beside the other.
#[derive(Debug, Clone, Serialize)]
pub struct SharedProposition {
    pub id: PropositionId,
    pub ours: Option<View>,
    pub theirs: Option<View>,
    /// Ours minus theirs.
    pub gap: Option<f64>,
    /// The verdict for the relationship, from both views (mutual propositions).
    pub relationship: Option<Verdict>,
    /// The view evaluated in its previous round, and the change since.
    pub previous: Option<f64>,
    pub delta: Option<f64>,
    pub coverage: f64,
    pub caps: Vec<Cap>,
    pub missing: Vec<crate::model::Text>,
}

/// The flags of one code, worded for both sides.
#[derive(Debug, Clone, Serialize)]
pub struct SharedFlag {
    pub code: FlagCode,
    pub severity: FlagSeverity,
    pub propositions: Vec<PropositionId>,
    /// What was found, once per side (or proposition) that raised it.
    pub messages: Vec<String>,
    pub recommendation: String,
    pub source: String,
}

/// The answers of one box of the questionnaire.
#[derive(Debug, Clone, Serialize)]
pub struct SharedBox {
    pub number: u8,
    /// Its title as both sides read it.
    pub title: String,
    pub items: Vec<SharedItem>,
}

/// One question, each side's answer beside the other.
#[derive(Debug, Clone, Serialize)]
pub struct SharedItem {
    pub question: String,
    /// What it measures, as both sides read it.
    pub text: String,
    pub ours: Option<SharedAnswer>,
    pub theirs: Option<SharedAnswer>,
    /// Ours minus theirs, on the 1-5 scale.
    pub gap: Option<f64>,
}

/// One side's answer: its mean, the spread only where the side is named, and the notes marked
/// shareable (named only where the side is).
#[derive(Debug, Clone, Serialize)]
pub struct SharedAnswer {
    pub score: Option<f64>,
    pub spread: Option<u8>,
    pub notes: Vec<Note>,
}

/// The partner-facing context of `p`, in the builder's language.
pub fn context(b: &Builder, p: &PartnerEvaluation, cfg: &SharingConfig, pdf: bool) -> SharedContext {
    // The two sides' names: ours (the organisation, or the label `shared_us`) and the partner's.
    let us = b.common.org.organisation.clone().unwrap_or_else(|| b.labels.text("shared_us", b.lang));
    let them = p.partner.clone();
    let fill = |text: &str| sentence(&text.replace("{organisation}", &us).replace("{partner}", &them));
    let configured = |text: &Option<super::Text>, label: &str| match text {
        Some(text) => fill(text.get(b.lang)),
        None => fill(&b.labels.text(label, b.lang)),
    };
    let mut org = b.common.org.clone();
    org.confidential = configured(&cfg.confidential, "shared_confidential");
    org.footer = cfg.footer.as_ref().map(|f| fill(f.get(b.lang)));
    let relationship = relationship(b, p, cfg, &us, &them);
    let mut questions: BTreeMap<String, String> =
        (b.q.questions()).map(|q| (q.id.clone(), joint(&q.joint, b.lang, &us, &them))).collect();
    // An item the evaluation derives (the key persons' contact) has a label instead.
    for id in relationship.propositions.iter().flat_map(|p| &p.missing) {
        if !questions.contains_key(&**id) {
            let label = b.labels.get(&format!("items.{id}"), b.lang).unwrap_or(id);
            questions.insert(id.to_string(), sentence(label));
        }
    }
    let charts = charts(b, &relationship, &us, &them);
    // The report is dated by its own rounds, not by another partner's later one.
    let sides = [&relationship.ours, &relationship.theirs];
    let meta = Meta { date: sides.into_iter().flatten().map(|s| s.date).max(), ..b.common.meta.clone() };
    SharedContext {
        common: Common {
            title: configured(&cfg.title, "shared_title"),
            author: b.common.author.clone(),
            lang: b.lang,
            org,
            meta,
            method: b.common.method.clone(),
            theme: b.common.theme.clone(),
            order: b.common.order.clone(),
            links: SharedLinks { charts: layout::CHARTS, pdf: pdf.then(|| p.id.clone()) },
        },
        us,
        them,
        relationship,
        charts,
        questions,
        min_respondents: cfg.min_respondents,
    }
}

/// Who answered on one side, and whether the side is large enough to be named.
fn side(date: Option<Date>, respondents: usize, names: &[String], min: usize) -> Option<SideFacts> {
    let named = respondents >= min;
    date.map(|date| SideFacts {
        date,
        respondents,
        names: if named { names.to_vec() } else { Vec::new() },
        named,
    })
}

/// The filtered copy of `p`.
fn relationship<'p>(
    b: &Builder,
    p: &'p PartnerEvaluation,
    cfg: &SharingConfig,
    us: &str,
    them: &str,
) -> Relationship {
    let respondents = |perspective: Perspective, date: Option<Date>| {
        p.rounds
            .iter()
            .find(|r| r.perspective == perspective && Some(r.date) == date)
            .map_or(0, |r| r.respondents)
    };
    // The view evaluated is ours, unless only the partner answered.
    let (our_answers, their_answers, our_names, their_names, our_date, their_date) = match p.perspective {
        Perspective::Own => (
            &p.answers[..],
            &p.partner_answers[..],
            &p.respondents,
            &p.partner_respondents,
            Some(p.date),
            p.partner_view_date,
        ),
        Perspective::Partner => {
            (&[][..], &p.answers[..], &p.partner_respondents, &p.respondents, None, Some(p.date))
        }
    };
    let ours = side(our_date, respondents(Perspective::Own, our_date), our_names, cfg.min_respondents);
    let theirs =
        side(their_date, respondents(Perspective::Partner, their_date), their_names, cfg.min_respondents);
    let named = |side: Perspective| match side {
        Perspective::Own => ours.as_ref().is_some_and(|s| s.named),
        Perspective::Partner => theirs.as_ref().is_some_and(|s| s.named),
    };
    let propositions = p
        .propositions
        .iter()
        .map(|r| {
            let main = View { score: r.score, verdict: r.verdict };
            let (ours, theirs) = match p.perspective {
                Perspective::Own => {
                    (Some(main), r.partner_verdict.map(|verdict| View { score: r.partner_view, verdict }))
                }
                Perspective::Partner => (None, Some(main)),
            };
            SharedProposition {
                id: r.id,
                ours,
                theirs,
                gap: r.gap,
                relationship: r.relationship,
                previous: r.previous,
                delta: r.delta,
                coverage: r.coverage,
                caps: r.caps.clone(),
                missing: r.missing.clone(),
            }
        })
        .collect();
    // No flag about our internal position, and no disagreement among a side's respondents that
    // the side is too small to show.
    let flags: Vec<&Flag> = p
        .flags
        .iter()
        .filter(|f| !cfg.internal_flags.contains(&f.code))
        .filter(|f| f.code != FlagCode::NoConsensus || named(f.side))
        .collect();
    let mut proposition_flags: BTreeMap<PropositionId, Vec<FlagCode>> = BTreeMap::new();
    for f in &flags {
        if let Some(id) = f.proposition {
            let codes = proposition_flags.entry(id).or_default();
            if !codes.contains(&f.code) {
                codes.push(f.code);
            }
        }
    }
    let answer = |a: &CombinedAnswer, side: Perspective| SharedAnswer {
        score: a.score,
        spread: a.spread.filter(|_| named(side)),
        notes: (a.notes.iter().filter(|n| n.shared))
            .map(|n| Note {
                text: n.text.clone(),
                respondent: n.respondent.clone().filter(|_| named(side)),
                shared: true,
            })
            .collect(),
    };
    let by_id = |answers: &'p [CombinedAnswer]| -> BTreeMap<&'p str, &'p CombinedAnswer> {
        answers.iter().map(|a| (&*a.question, a)).collect()
    };
    let (our_answers, their_answers) = (by_id(our_answers), by_id(their_answers));
    let boxes: Vec<SharedBox> =
        b.q.boxes
            .iter()
            .map(|qbox| SharedBox {
                number: qbox.number,
                title: joint(&qbox.joint_title, b.lang, us, them),
                items: (qbox.groups.iter().flat_map(|g| &g.questions))
                    .filter_map(|q| {
                        let ours = our_answers.get(q.id.as_str()).map(|a| answer(a, Perspective::Own));
                        // Their side of what our answer is about: their answer to the question
                        // that asks the same with the roles swapped, where there is one.
                        let mirrored = q.mirror.as_ref().unwrap_or(&q.id);
                        let theirs =
                            their_answers.get(mirrored.as_str()).map(|a| answer(a, Perspective::Partner));
                        let gap = ours
                            .as_ref()
                            .and_then(|a| a.score)
                            .zip(theirs.as_ref().and_then(|a| a.score))
                            .map(|(o, t)| crate::model::round1(o - t));
                        (ours.is_some() || theirs.is_some()).then(|| SharedItem {
                            question: q.id.clone(),
                            text: joint(&q.joint, b.lang, us, them),
                            ours,
                            theirs,
                            gap,
                        })
                    })
                    .collect(),
            })
            .filter(|qbox| !qbox.items.is_empty())
            .collect();
    let mut differences: Vec<SharedItem> = boxes
        .iter()
        .flat_map(|b| &b.items)
        .filter(|i| i.gap.is_some_and(|g| g.abs() >= DIFFERENCE))
        .cloned()
        .collect();
    differences.sort_by(|a, b| {
        b.gap.map(f64::abs).partial_cmp(&a.gap.map(f64::abs)).unwrap_or(std::cmp::Ordering::Equal)
    });
    Relationship {
        id: p.id.clone(),
        partner: p.partner.clone(),
        role: p.role,
        ours,
        theirs,
        overall: p.overall,
        overall_verdict: p.overall_verdict,
        overall_caps: p.overall_caps.clone(),
        overall_side: p.perspective,
        evaluated: if p.perspective == Perspective::Own { us } else { them }.to_owned(),
        propositions,
        flags: grouped(&flags, b.lang, us, them),
        proposition_flags,
        rounds: p.rounds.clone(),
        boxes,
        differences,
        people: p.people.clone(),
    }
}

/// `flags` grouped by code, most severe first, each worded for both sides: `{who}` is the side
/// that raised it, `{other}` the other side. A code raised on more than one proposition names
/// the proposition before each message.
fn grouped(flags: &[&Flag], lang: Lang, us: &str, them: &str) -> Vec<SharedFlag> {
    // Text `i` of a flag's joint texts (0 the message, 1 the recommendation), filled in.
    let words = |f: &Flag, i: usize| {
        let (who, other) = match f.side {
            Perspective::Own => (us, them),
            Perspective::Partner => (them, us),
        };
        sentence(&f.joint[i].get(lang).replace("{who}", who).replace("{other}", other))
    };
    let mut codes: Vec<FlagCode> = Vec::new();
    for f in flags {
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    let mut out: Vec<SharedFlag> = codes
        .into_iter()
        .map(|code| {
            let these: Vec<&Flag> = flags.iter().copied().filter(|f| f.code == code).collect();
            let mut messages: Vec<(Option<PropositionId>, String)> = Vec::new();
            for f in &these {
                let message = (f.proposition, words(f, 0));
                if !messages.contains(&message) {
                    messages.push(message);
                }
            }
            let several = messages.len() > 1;
            let mut propositions: Vec<PropositionId> = these.iter().filter_map(|f| f.proposition).collect();
            propositions.sort();
            propositions.dedup();
            SharedFlag {
                code,
                severity: these.iter().map(|f| f.severity).max().unwrap_or(FlagSeverity::Info),
                propositions,
                messages: (messages.into_iter())
                    .map(|(id, text)| match id.filter(|_| several) {
                        Some(id) => format!("{id}: {text}"),
                        None => text,
                    })
                    .collect(),
                recommendation: words(these[0], 1),
                source: these[0].source.get(lang).to_owned(),
            }
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.severity));
    out
}

/// A text of the questionnaire for both sides (`{us}`, `{them}`) in `lang`, as a sentence.
fn joint(text: &crate::model::Bilingual, lang: Lang, us: &str, them: &str) -> String {
    sentence(&text.get(lang).replace("{us}", us).replace("{them}", them))
}

/// `text` with its first letter in upper case (a name or `de organisatie` may start it).
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// The radar (ours filled, theirs dashed, the previous round of the view evaluated dotted) and
/// the trend of the view evaluated.
fn charts(b: &Builder, r: &Relationship, us: &str, them: &str) -> PartnerCharts {
    let main = |v: &SharedProposition| if r.overall_side == Perspective::Own { v.ours } else { v.theirs };
    let axes = r
        .propositions
        .iter()
        .map(|v| ChartAxis {
            id: v.id,
            ours: v.ours.and_then(|o| o.score),
            partner: v.theirs.and_then(|t| t.score),
            previous: v.previous,
            verdict: main(v).map_or(Verdict::Insufficient, |m| m.verdict),
        })
        .collect();
    let legend = [us.to_owned(), them.to_owned(), b.labels.text("previous_round", b.lang)];
    let rounds = r.rounds.iter().filter(|round| round.perspective == r.overall_side).collect();
    b.relationship_charts(&r.partner, &r.id, axes, rounds, legend)
}
