//! Combines the files of one partner, side and round (several respondents) into one [`Side`]:
//! item means and their spread, every note with its author, the key persons of both sides.

use std::collections::BTreeMap;

use crate::model::{
    Assessment, CombinedAnswer, Date, Frequency, KeyPeople, Note, Person, Perspective, person_key,
};

use super::config::CONTACT;

/// The combined answers of one side of one relationship in one round.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    pub date: Date,
    pub perspective: Perspective,
    pub files: Vec<&'a Assessment>,
    pub answers: BTreeMap<String, CombinedAnswer>,
    pub people: KeyPeople,
    /// Whether any respondent reported a breach of trust.
    pub breach: Option<bool>,
    /// Whether every reported breach was resolved (`None` when a respondent did not say).
    pub resolved: Option<bool>,
    pub growth_pct: Option<f64>,
    pub revenue_share_pct: Option<f64>,
}

impl Side<'_> {
    /// The mean 1-5 answer to a question, if anyone scored it; for [`CONTACT`], the most
    /// frequent contact of any key person as a 1-5 answer.
    pub fn item(&self, id: &str) -> Option<f64> {
        match id {
            CONTACT => self.contact().map(|f| f64::from(5 - f as u8)),
            _ => self.answers.get(id).and_then(|a| a.score),
        }
    }

    /// Every 1-5 answer given to an item, over respondents.
    pub fn scores(&self, id: &str) -> Vec<f64> {
        match id {
            CONTACT => self.item(id).into_iter().collect(),
            _ => self
                .answers
                .get(id)
                .map_or_else(Vec::new, |a| a.scores.iter().map(|&s| f64::from(s)).collect()),
        }
    }

    /// A breach not resolved, by the breach fields or by the item's own scale: `Some(true)` when
    /// it still does damage (`resolved: false`, or `exchange.breaches` at 1), `Some(false)` when
    /// it is open (resolution not known, or the item at 2: only partly resolved).
    pub fn open_breach(&self) -> Option<bool> {
        let item = self.item("exchange.breaches");
        let reported = self.breach == Some(true);
        if (reported && self.resolved == Some(false)) || item.is_some_and(|a| a <= 1.0) {
            Some(true)
        } else if (reported && self.resolved.is_none()) || item.is_some_and(|a| a <= 2.0) {
            Some(false)
        } else {
            None
        }
    }

    /// The most frequent contact of any key person on either side.
    pub fn contact(&self) -> Option<Frequency> {
        self.people.partner.iter().chain(&self.people.own).filter_map(|p| p.contact).min()
    }

    pub fn respondents(&self) -> Vec<String> {
        self.files.iter().filter_map(|a| a.respondent.clone()).collect()
    }
}

fn mean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.into_iter().fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / f64::from(n))
}

/// Adds people to a list, merging repeats of the same name (see [`person_key`]), keeping the
/// first spelling and role and the most frequent contact.
fn merge_people(into: &mut Vec<Person>, people: &[Person]) {
    for p in people {
        match into.iter_mut().find(|q| person_key(&q.name) == person_key(&p.name)) {
            Some(q) => {
                q.role = q.role.take().or_else(|| p.role.clone());
                q.contact = match (q.contact, p.contact) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
            }
            None => into.push(p.clone()),
        }
    }
}

/// Combines files of the same partner, perspective and date. `files` must not be empty; they
/// are taken in the order given (sorted by source path).
pub fn combine<'a>(files: Vec<&'a Assessment>) -> Side<'a> {
    let first = files[0];
    let mut answers: BTreeMap<String, CombinedAnswer> = BTreeMap::new();
    let mut people = KeyPeople::default();
    let (mut breaches, mut resolutions, mut growth, mut share) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for file in &files {
        for (id, answer) in &file.answers {
            let combined = answers.entry(id.clone()).or_insert_with(|| CombinedAnswer {
                question: crate::questionnaire::intern(id),
                score: None,
                spread: None,
                scores: Vec::new(),
                notes: Vec::new(),
            });
            combined.scores.extend(answer.score);
            if let Some(text) = &answer.note {
                combined.notes.push(Note {
                    text: text.clone(),
                    respondent: file.respondent.clone(),
                    shared: answer.share_note == Some(true),
                });
            }
            let side = if id.starts_with("key_people.own_") { &mut people.own } else { &mut people.partner };
            merge_people(side, &answer.people);
            breaches.extend(answer.breach);
            if answer.breach == Some(true) {
                resolutions.push(answer.resolved);
            }
            growth.extend(answer.growth_pct);
            share.extend(answer.revenue_share_pct);
        }
    }
    for combined in answers.values_mut() {
        combined.score = mean(combined.scores.iter().map(|&s| f64::from(s)));
        if combined.scores.len() > 1 {
            let (min, max) = combined.scores.iter().fold((u8::MAX, 0), |(lo, hi), &s| (lo.min(s), hi.max(s)));
            combined.spread = Some(max - min);
        }
    }
    let resolved = if resolutions.is_empty() {
        None
    } else if resolutions.contains(&Some(false)) {
        Some(false)
    } else if resolutions.iter().all(|r| *r == Some(true)) {
        Some(true)
    } else {
        None
    };
    Side {
        date: first.date,
        perspective: first.perspective,
        answers,
        people,
        breach: (!breaches.is_empty()).then(|| breaches.contains(&true)),
        resolved,
        growth_pct: mean(growth),
        revenue_share_pct: mean(share),
        files,
    }
}
