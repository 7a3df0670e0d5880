//! The template functions: every text a report shows that is not data, in the report's
//! language. Each fails the report, naming the template and the key, when asked for something
//! that does not exist, so a typo in a template never silently shows nothing.
//!
//! - `t(key="partner_report")`: a label (see [`Labels`]).
//! - `label(verdict=p.verdict)`: the name of a value of an enumeration; the argument names it
//!   (`verdict`, `role`, `status`, `severity`, `perspective`, `contact`, `construct`, `cap`).
//! - `question(id="trust.expertise")`, `anchor(id=…, score=a.score)`: a question's text (or a
//!   derived item's, such as `key_people.contact`), and what the (rounded) score means on its
//!   scale (none without a score).
//! - `proposition(id=p.id)`: `{id, short, text}`.
//! - `box_title(number=b.number)`: the title of a box of the questionnaire.

use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::labels::Labels;
use crate::diagnostic::did_you_mean;
use crate::model::{Lang, PropositionId};
use crate::questionnaire::Questionnaire;

/// The arguments of `label` and the tables of [`Labels`] they name.
const ENUMERATIONS: &[(&str, &str)] = &[
    ("verdict", "verdicts"),
    ("role", "roles"),
    ("status", "statuses"),
    ("severity", "severities"),
    ("perspective", "perspectives"),
    ("contact", "contacts"),
    ("construct", "constructs"),
    ("cap", "caps"),
    ("standing", "standings"),
    ("owner", "owners"),
    ("action", "action_statuses"),
    ("flag", "flag_names"),
];

/// Registers the functions on `tera`, in `lang`.
pub fn register(tera: &mut Tera, lang: Lang, labels: &Arc<Labels>) {
    let q = Questionnaire::get();
    let l = labels.clone();
    tera.register_function("t", move |args: Kwargs, _: &State| -> TeraResult<String> {
        let key: &str = args.must_get("key")?;
        text(&l, key, lang)
    });
    let l = labels.clone();
    tera.register_function("label", move |args: Kwargs, _: &State| -> TeraResult<String> {
        let mut given = args.iter();
        let (Some((name, value)), None) = (given.next(), given.next()) else {
            return Err(tera::Error::message("`label` takes one argument, e.g. `label(verdict=p.verdict)`"));
        };
        let name = name.to_string();
        let Some(&(_, table)) = ENUMERATIONS.iter().find(|(arg, _)| *arg == name) else {
            let names = ENUMERATIONS.iter().map(|(arg, _)| *arg);
            let mut message = format!("`label` has no argument `{name}`");
            if let Some(help) = did_you_mean(&name, names.clone()) {
                message = format!("{message}; {help}");
            }
            let names: Vec<&str> = names.collect();
            return Err(tera::Error::message(format!("{message} (it takes one of: {})", names.join(", "))));
        };
        let id = value.as_str().ok_or_else(|| {
            tera::Error::message(format!("`label({name}=…)` needs text, not {}", value.name()))
        })?;
        text(&l, &format!("{table}.{id}"), lang)
    });
    let l = labels.clone();
    tera.register_function("question", move |args: Kwargs, _: &State| -> TeraResult<String> {
        let id: &str = args.must_get("id")?;
        // An item the evaluation derives (the key persons' contact frequency) has a label.
        match l.get(&format!("items.{id}"), lang) {
            Some(text) => Ok(text.to_owned()),
            None => Ok(question(q, id)?.text.get(lang).to_owned()),
        }
    });
    tera.register_function("anchor", move |args: Kwargs, _: &State| -> TeraResult<Value> {
        let question = question(q, args.must_get("id")?)?;
        let Some(score) = args.get::<Value>("score")?.and_then(|s| s.as_f64()) else {
            return Ok(Value::none());
        };
        let point = score.round().clamp(1.0, 5.0) as u8;
        Ok(question.anchors.get(&point).map_or_else(Value::none, |t| Value::from(t.get(lang))))
    });
    tera.register_function("proposition", move |args: Kwargs, _: &State| -> TeraResult<Value> {
        let id: &str = args.must_get("id")?;
        let p = PropositionId::parse(id)
            .and_then(|id| q.proposition(id))
            .ok_or_else(|| unknown("proposition", id, PropositionId::ALL.iter().copied()))?;
        let mut map = tera::Map::new();
        map.insert("id".into(), Value::from(p.id.as_str()));
        map.insert("short".into(), Value::from(p.short.get(lang)));
        map.insert("text".into(), Value::from(p.text.get(lang)));
        Ok(Value::from(map))
    });
    tera.register_function("box_title", move |args: Kwargs, _: &State| -> TeraResult<String> {
        let number: u8 = args.must_get("number")?;
        q.boxes.iter().find(|b| b.number == number).map(|b| b.title.get(lang).to_owned()).ok_or_else(|| {
            tera::Error::message(format!(
                "there is no box {number}; the questionnaire has 1 to {}",
                q.boxes.len()
            ))
        })
    });
}

fn text(labels: &Labels, key: &str, lang: Lang) -> TeraResult<String> {
    labels.get(key, lang).map(str::to_owned).ok_or_else(|| tera::Error::message(labels.unknown(key)))
}

fn question<'q>(q: &'q Questionnaire, id: &str) -> TeraResult<&'q crate::questionnaire::Question> {
    q.question(id).ok_or_else(|| unknown("question", id, q.question_ids()))
}

/// The error for an unknown `what` `id`, with the nearest of `known`.
fn unknown<'k>(what: &str, id: &str, known: impl Iterator<Item = &'k str>) -> tera::Error {
    let mut message = format!("there is no {what} `{id}`");
    if let Some(help) = did_you_mean(id, known) {
        message = format!("{message}; {help}");
    }
    tera::Error::message(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders `template` with the functions in `lang`, or gives the error's whole text.
    fn render(template: &str, lang: Lang) -> Result<String, String> {
        let mut tera = Tera::new();
        register(&mut tera, lang, &Arc::new(Labels::builtin().clone()));
        tera.add_raw_template("t", template).map_err(|e| format!("{e:?}"))?;
        tera.render("t", &tera::Context::new()).map_err(|e| {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text = format!("{text}: {cause}");
                source = cause.source();
            }
            text
        })
    }

    #[test]
    fn labels_of_enumerations_follow_the_language() {
        let template =
            r#"{{ label(verdict="at_risk") }}|{{ label(role="alliance") }}|{{ label(construct="ability") }}"#;
        assert_eq!(render(template, Lang::En).unwrap(), "at risk|alliance partner|ability");
        assert_eq!(render(template, Lang::Nl).unwrap(), "risico|alliantiepartner|deskundigheid");
    }

    #[test]
    fn an_unknown_label_argument_or_value_fails_naming_it() {
        let e = render(r#"{{ label(verdcit="strong") }}"#, Lang::En).unwrap_err();
        assert!(e.contains("`label` has no argument `verdcit`; did you mean `verdict`?"), "{e}");
        let e = render(r#"{{ label(verdict="stong") }}"#, Lang::En).unwrap_err();
        assert!(e.contains("there is no label `verdicts.stong`; did you mean `verdicts.strong`?"), "{e}");
        let e = render(r#"{{ label(verdict=3) }}"#, Lang::En).unwrap_err();
        assert!(e.contains("needs text"), "{e}");
    }

    #[test]
    fn instrument_texts_come_from_the_questionnaire() {
        let q = Questionnaire::get();
        let question = q.questions().next().unwrap();
        let template = format!(
            r#"{{{{ question(id="{id}") }}}}|{{{{ anchor(id="{id}", score=4.6) }}}}|{{{{ anchor(id="{id}") }}}}"#,
            id = question.id
        );
        let expected = format!("{}|{}|", question.text.en, question.anchors[&5].en);
        assert_eq!(render(&template, Lang::En).unwrap(), expected);
        let template =
            r#"{% set p = proposition(id="P2") %}{{ p.id }} {{ p.short }}|{{ box_title(number=1) }}"#;
        let p2 = q.proposition(PropositionId::P2).unwrap();
        assert_eq!(
            render(template, Lang::Nl).unwrap(),
            format!("P2 {}|{}", p2.short.nl, q.boxes[0].title.nl)
        );
    }

    #[test]
    fn unknown_instrument_ids_fail_with_a_suggestion() {
        let id = &Questionnaire::get().questions().next().unwrap().id;
        let typo = format!("{id}x");
        let e = render(&format!(r#"{{{{ question(id="{typo}") }}}}"#), Lang::En).unwrap_err();
        assert!(e.contains(&format!("there is no question `{typo}`; did you mean `{id}`?")), "{e}");
        let e = render(r#"{{ proposition(id="P9") }}"#, Lang::En).unwrap_err();
        assert!(e.contains("there is no proposition `P9`"), "{e}");
        let e = render(r#"{{ box_title(number=7) }}"#, Lang::En).unwrap_err();
        assert!(e.contains("there is no box 7"), "{e}");
    }
}
