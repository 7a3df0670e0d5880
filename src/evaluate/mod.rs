//! Evaluates every relationship against the five propositions, then the network as a whole.
//! Files are grouped by partner, side and round; respondents of one round are combined; the
//! latest round of our own view is scored, with its delta to the previous round, the partner's
//! view beside it, and the red flags that the rules raise.

mod caps;
mod combine;
pub mod config;
pub mod flags;
mod network;
pub mod score;
pub mod targets;

use std::borrow::Borrow;
use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::model::{
    Assessment, Cap, CapRule, Date, Evaluation, Flag, FlagCode, FlagSeverity, PartnerEvaluation, Perspective,
    PropositionId, PropositionResult, Round, Status, Verdict,
};
use crate::questionnaire::Questionnaire;

pub use combine::Side;
pub use config::EvaluationConfig;

/// Evaluates all assessments. Partners come out sorted by id. Given the assessments themselves
/// rather than references, each partner's are dropped once it is evaluated, so that the parsed
/// files and the evaluations are never all held at once (at 10,000 partners, each about half of a
/// build's memory).
pub fn evaluate<A: Borrow<Assessment> + Send>(
    assessments: impl IntoIterator<Item = A>,
    cfg: &EvaluationConfig,
) -> Evaluation {
    let q = Questionnaire::get();
    let mut by_partner: BTreeMap<String, Vec<A>> = BTreeMap::new();
    for a in assessments {
        by_partner.entry(a.borrow().id.clone()).or_default().push(a);
    }
    // Each partner on its own, in parallel; in the order of their ids still.
    let by_partner: Vec<Vec<A>> = by_partner.into_values().collect();
    let partners: Vec<PartnerEvaluation> = (by_partner.into_par_iter())
        .map(|files| evaluate_partner(files.iter().map(Borrow::borrow).collect(), q, cfg))
        .collect();
    let network = network::evaluate(&partners, cfg);
    Evaluation { partners, network }
}

/// [`evaluate`], then each relationship judged against its plan's target (see [`targets`]).
pub fn with_plans<A: Borrow<Assessment> + Send>(
    assessments: impl IntoIterator<Item = A>,
    plans: &BTreeMap<String, crate::model::Plan>,
    cfg: &EvaluationConfig,
) -> Evaluation {
    let mut evaluation = evaluate(assessments, cfg);
    targets::apply(&mut evaluation, plans, &cfg.bands);
    evaluation
}

/// The rounds of one perspective, oldest first, each with its respondents combined.
fn rounds<'a>(files: &[&'a Assessment], perspective: Perspective) -> Vec<Side<'a>> {
    let mut by_date: BTreeMap<Date, Vec<&'a Assessment>> = BTreeMap::new();
    for a in files.iter().filter(|a| a.perspective == perspective) {
        by_date.entry(a.date).or_default().push(a);
    }
    by_date
        .into_values()
        .map(|mut group| {
            group.sort_by(|a, b| a.source.cmp(&b.source));
            combine::combine(group)
        })
        .collect()
}

fn round_summary(side: &Side, results: &[PropositionResult]) -> Round {
    Round {
        date: side.date,
        perspective: side.perspective,
        scores: results.iter().map(|r| r.score).collect(),
        respondents: side.files.len(),
    }
}

fn evaluate_partner(files: Vec<&Assessment>, q: &Questionnaire, cfg: &EvaluationConfig) -> PartnerEvaluation {
    let own = rounds(&files, Perspective::Own);
    let theirs = rounds(&files, Perspective::Partner);
    // Our own view is what is evaluated; with only the partner's view, that is used instead.
    let (main_rounds, other_rounds) = if own.is_empty() { (&theirs, &[][..]) } else { (&own, &theirs[..]) };
    let scored: Vec<Vec<PropositionResult>> =
        main_rounds.iter().map(|s| score::propositions(s, q, cfg)).collect();
    let latest = main_rounds.last().expect("a partner has at least one file");
    let mut results = scored.last().cloned().unwrap_or_default();
    if let Some(previous) = scored.len().checked_sub(2).map(|i| &scored[i]) {
        for (r, p) in results.iter_mut().zip(previous) {
            r.previous = p.score;
            r.delta = r.score.zip(p.score).map(|(a, b)| score::round1(a - b));
        }
    }
    // The partner's view: the round on the same date if there is one, else their latest.
    let view = other_rounds.iter().find(|s| s.date == latest.date).or(other_rounds.last());
    let view_results = view.map(|s| score::propositions(s, q, cfg));
    if let Some(view_results) = &view_results {
        for (r, v) in results.iter_mut().zip(view_results) {
            r.partner_view = v.score;
            r.gap = r.score.zip(v.score).map(|(a, b)| score::round1(a - b));
            r.partner_verdict = Some(v.verdict);
            if cfg.mutual.contains(&r.id) {
                r.relationship = Some(relationship(r, v, cfg));
            }
        }
    }

    let t = &cfg.flags;
    let mut flags = flags::side_flags(latest, t);
    // The partner's own answers raise flags too, marked as theirs: a breach only they report
    // is still a breach.
    flags.extend(view.map(|s| flags::side_flags(s, t)).unwrap_or_default());
    let history: Vec<(Date, &[PropositionResult])> =
        main_rounds.iter().zip(&scored).map(|(s, r)| (s.date, r.as_slice())).collect();
    // A decline of the view evaluated is that side's finding (the partner's, with only theirs).
    flags.extend(flags::declining(&history, t).into_iter().map(|f| Flag { side: latest.perspective, ..f }));
    flags.extend(flags::perception_gaps(&results, t));

    // Metadata comes from the latest file of the evaluated side.
    let meta = *latest.files.last().expect("a side has files");
    if meta.status == Status::Desired {
        // A prospect is not a failing relationship: its findings are information only.
        for f in &mut flags {
            f.severity = FlagSeverity::Info;
        }
        flags.insert(0, flags::flag(FlagCode::Prospect, FlagSeverity::Info, Vec::new(), &[]));
    }
    flags.sort_by(|a, b| {
        (b.severity, &a.proposition, a.code.as_str(), a.side).cmp(&(
            a.severity,
            &b.proposition,
            b.code.as_str(),
            b.side,
        ))
    });

    let (overall, overall_verdict, overall_caps) = overall(&results, cfg);

    let mut history: Vec<Round> = main_rounds.iter().zip(&scored).map(|(s, r)| round_summary(s, r)).collect();
    for side in other_rounds {
        history.push(round_summary(side, &score::propositions(side, q, cfg)));
    }
    history.sort_by_key(|r| (r.date, r.perspective));

    let mut sources: Vec<_> = files.iter().map(|a| a.source.clone()).collect();
    sources.sort();
    let mut assessors: Vec<String> = latest.files.iter().filter_map(|a| a.assessor.clone()).collect();
    assessors.dedup();
    PartnerEvaluation {
        id: meta.id.clone(),
        partner: meta.partner.clone(),
        role: meta.role,
        strategic: meta.strategic,
        status: meta.status,
        date: latest.date,
        perspective: latest.perspective,
        respondents: latest.respondents(),
        assessors,
        overall,
        overall_verdict,
        overall_caps,
        propositions: results,
        flags,
        rounds: history,
        partner_view_date: view.map(|s| s.date),
        answers: q.questions().filter_map(|qu| latest.answers.get(&qu.id).cloned()).collect(),
        partner_answers: view
            .map(|s| q.questions().filter_map(|qu| s.answers.get(&qu.id).cloned()).collect())
            .unwrap_or_default(),
        partner_respondents: view.map(Side::respondents).unwrap_or_default(),
        lang: files
            .iter()
            .filter(|a| a.lang.is_some())
            .max_by_key(|a| (a.perspective == Perspective::Partner, a.date, &a.source))
            .and_then(|a| a.lang),
        people: ours(latest),
        growth_pct: latest.growth_pct.map(score::round1),
        revenue_share_pct: latest.revenue_share_pct.map(score::round1),
        sources,
        plan: None,
    }
}

/// The key people of a side as we name them: `partner` at the partner, `own` in our
/// organisation. A partner's own view names them the other way round.
fn ours(side: &Side) -> crate::model::KeyPeople {
    let people = side.people.clone();
    match side.perspective {
        Perspective::Own => people,
        Perspective::Partner => crate::model::KeyPeople { partner: people.own, own: people.partner },
    }
}

/// The overall score (the mean of the sufficient propositions), its verdict (`insufficient`
/// unless more than half are sufficient), and the cap of trust: no better than P1, and not
/// confident when P1 cannot be judged.
fn overall(results: &[PropositionResult], cfg: &EvaluationConfig) -> (Option<f64>, Verdict, Vec<Cap>) {
    let sufficient: Vec<f64> =
        results.iter().filter(|r| r.verdict != Verdict::Insufficient).filter_map(|r| r.score).collect();
    let overall = (!sufficient.is_empty())
        .then(|| score::round1(sufficient.iter().sum::<f64>() / sufficient.len() as f64));
    let banded = if sufficient.len() * 2 > results.len() {
        score::verdict(overall, 100.0, usize::MAX, cfg)
    } else {
        Verdict::Insufficient
    };
    let trust =
        results.iter().find(|r| r.id == PropositionId::P1).map(|r| r.relationship.unwrap_or(r.verdict));
    let evidence = vec![PropositionId::P1.as_str().into()];
    let caps = match trust {
        _ if !cfg.caps.trust_first => Vec::new(),
        Some(Verdict::Insufficient) | None => {
            vec![Cap { rule: CapRule::TrustUnknown, limit: cfg.caps.trust_unknown, evidence }]
        }
        Some(limit) => vec![Cap { rule: CapRule::TrustFirst, limit, evidence }],
    };
    let (verdict, caps) = caps::apply(banded, caps);
    (overall, verdict, caps)
}

/// The verdict of a mutual proposition for the relationship, from our result and the
/// partner's: when the two scores are the perception-gap threshold or more apart, no better
/// than the weaker side; otherwise the band of their mean, held to both sides' caps.
fn relationship(ours: &PropositionResult, theirs: &PropositionResult, cfg: &EvaluationConfig) -> Verdict {
    if ours.verdict == Verdict::Insufficient || theirs.verdict == Verdict::Insufficient {
        return ours.verdict.worse(theirs.verdict);
    }
    match ours.gap {
        Some(gap) if gap.abs() >= cfg.flags.perception_gap => ours.verdict.worse(theirs.verdict),
        _ => {
            let mean = ours.score.zip(theirs.score).map(|(a, b)| score::round1((a + b) / 2.0));
            let banded = score::verdict(mean, 100.0, usize::MAX, cfg);
            ours.caps.iter().chain(&theirs.caps).fold(banded, |v, c| v.worse(c.limit))
        }
    }
}
