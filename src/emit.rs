//! Writes an assessment back out as an answer file, YAML or Markdown: for `trustmap convert`,
//! and, with every question and its scale shown as guidance, for `trustmap new`.

use std::fmt::Write as _;

use crate::model::{Answer, Assessment, Format, Lang, Person};
use crate::questionnaire::{Extra, Question, QuestionBox, Questionnaire};

/// What to write besides the answers themselves.
#[derive(Debug, Clone, Copy)]
pub struct Guidance {
    /// Write every question, answered or not, with its text and scale (for a blank form).
    pub form: bool,
    /// Language of question texts and guidance.
    pub lang: Lang,
}

/// The answer file for `a` in `format`. `schema` is the modeline target for YAML files.
pub fn emit(a: &Assessment, format: Format, guidance: Guidance, schema: Option<&str>) -> String {
    match format {
        Format::Yaml => yaml(a, guidance, schema),
        Format::Markdown => markdown(a, guidance),
    }
}

/// A YAML string scalar: plain when that is unambiguous, else double-quoted (JSON escaping is
/// valid YAML).
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| c.is_alphanumeric() || " .-_&'()/".contains(c))
        && !text.starts_with([' ', '-', '\'', '&'])
        && !text.ends_with(' ')
        && !matches!(
            text.to_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && text.parse::<f64>().is_err();
    if plain { text.to_owned() } else { serde_json::Value::from(text).to_string() }
}

/// A multi-line YAML value at `indent`: a literal block where that keeps every character.
fn block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let simple_block = text.contains('\n')
        && !text.starts_with([' ', '\t', '\n'])
        && !text.ends_with(['\n', ' ', '\t'])
        && !text.contains('\r')
        && !text.chars().any(|c| c.is_control() && c != '\n' && c != '\t');
    if !simple_block {
        return scalar(text);
    }
    let mut out = String::from("|-");
    for line in text.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

fn metadata_yaml(a: &Assessment, out: &mut String) {
    let _ = writeln!(out, "partner: {}", scalar(&a.partner));
    if a.id_is_explicit() || a.id != crate::model::slugify(&a.partner) {
        let _ = writeln!(out, "id: {}", a.id);
    }
    let _ = writeln!(out, "role: {}", a.role);
    if a.strategic {
        let _ = writeln!(out, "strategic: true");
    }
    let _ = writeln!(out, "status: {}", a.status);
    let _ = writeln!(out, "date: {}", a.date);
    let _ = writeln!(out, "perspective: {}", a.perspective);
    for (key, value) in [("respondent", &a.respondent), ("assessor", &a.assessor)] {
        if let Some(v) = value {
            let _ = writeln!(out, "{key}: {}", scalar(v));
        }
    }
    if let Some(lang) = a.lang {
        let _ = writeln!(out, "lang: {lang}");
    }
}

/// The questions of a box to write: all of them for a form, else the answered ones.
fn box_questions<'q>(qbox: &'q QuestionBox, a: &Assessment, form: bool) -> Vec<&'q Question> {
    qbox.groups
        .iter()
        .flat_map(|gr| &gr.questions)
        .filter(|question| form || a.answers.contains_key(&question.id))
        .collect()
}

fn yaml(a: &Assessment, g: Guidance, schema: Option<&str>) -> String {
    let q = Questionnaire::get();
    let mut out = String::new();
    if let Some(schema) = schema {
        let _ = writeln!(out, "# yaml-language-server: $schema={schema}");
    }
    metadata_yaml(a, &mut out);
    out.push_str("answers:");
    let mut any = false;
    for qbox in &q.boxes {
        let questions = box_questions(qbox, a, g.form);
        if questions.is_empty() {
            continue;
        }
        if g.form {
            let _ = write!(out, "\n\n  # Box {}. {}", qbox.number, qbox.title.get(g.lang));
        }
        for question in questions {
            any = true;
            out.push('\n');
            if g.form {
                yaml_guidance(question, g.lang, &mut out);
            }
            let _ = write!(out, "  {}:", question.id);
            if let Some(answer) = a.answers.get(&question.id) {
                yaml_answer(answer, &mut out);
            }
        }
    }
    if !any {
        out.push_str(" {}");
    }
    out.push('\n');
    out
}

fn yaml_guidance(question: &Question, lang: Lang, out: &mut String) {
    out.push('\n');
    for line in question.text.get(lang).lines() {
        let _ = writeln!(out, "  # {line}");
    }
    for (point, anchor) in &question.anchors {
        let _ = writeln!(out, "  #   {point} = {}", anchor.get(lang));
    }
    let example = match question.extra {
        Some(Extra::People) => {
            "people: [{name: …, role: …, contact: weekly|monthly|quarterly|yearly|rarely}]"
        }
        Some(Extra::Breach) => "breach: true|false, resolved: true|false",
        Some(Extra::Growth) => "growth_pct: 25, revenue_share_pct: 30",
        None => "",
    };
    if !example.is_empty() {
        let _ = writeln!(out, "  #   also: {example}");
    }
}

fn yaml_answer(answer: &Answer, out: &mut String) {
    if !answer.has_details() {
        if let Some(score) = answer.score {
            let _ = write!(out, " {score}");
        }
        return;
    }
    if let Some(score) = answer.score {
        let _ = write!(out, "\n    score: {score}");
    }
    if !answer.people.is_empty() {
        out.push_str("\n    people:");
        for p in &answer.people {
            let _ = write!(out, "\n      - name: {}", scalar(&p.name));
            if let Some(role) = &p.role {
                let _ = write!(out, "\n        role: {}", scalar(role));
            }
            if let Some(contact) = p.contact {
                let _ = write!(out, "\n        contact: {contact}");
            }
        }
    }
    for (key, value) in [("breach", answer.breach), ("resolved", answer.resolved)] {
        if let Some(v) = value {
            let _ = write!(out, "\n    {key}: {v}");
        }
    }
    for (key, value) in [("growth_pct", answer.growth_pct), ("revenue_share_pct", answer.revenue_share_pct)] {
        if let Some(v) = value {
            let _ = write!(out, "\n    {key}: {v}");
        }
    }
    if let Some(note) = &answer.note {
        let _ = write!(out, "\n    note: {}", block(note, 6));
    }
}

fn markdown(a: &Assessment, g: Guidance) -> String {
    let q = Questionnaire::get();
    let mut out = String::from("---\n");
    metadata_yaml(a, &mut out);
    let _ = write!(out, "---\n\n# {} ({})\n", a.partner.replace(['\n', '#'], " "), a.date);
    for qbox in &q.boxes {
        let questions = box_questions(qbox, a, g.form);
        if questions.is_empty() {
            continue;
        }
        let _ = write!(out, "\n## Box {}. {}\n", qbox.number, qbox.title.get(g.lang));
        for question in questions {
            let text = question.text.get(g.lang).replace('\n', " ");
            let _ = write!(out, "\n### {text} {{#{}}}\n", question.id);
            if g.form {
                markdown_guidance(question, g.lang, &mut out);
            }
            markdown_answer(a.answers.get(&question.id), g.form, &mut out);
        }
    }
    out
}

fn markdown_guidance(question: &Question, lang: Lang, out: &mut String) {
    out.push_str("\n<!--\n");
    for (point, anchor) in &question.anchors {
        let _ = writeln!(out, "{point} = {}", anchor.get(lang));
    }
    let example = match question.extra {
        Some(Extra::People) => "Person: name | role | weekly/monthly/quarterly/yearly/rarely",
        Some(Extra::Breach) => "Breach: yes/no\nResolved: yes/no",
        Some(Extra::Growth) => "Growth: 25%\nRevenue share: 30%",
        None => "",
    };
    if !example.is_empty() {
        let _ = writeln!(out, "{example}");
    }
    out.push_str("-->\n");
}

fn markdown_answer(answer: Option<&Answer>, form: bool, out: &mut String) {
    let empty = Answer::default();
    let answer = answer.unwrap_or(&empty);
    match answer.score {
        Some(score) => {
            let _ = write!(out, "\nScore: {score}\n");
        }
        None if form => out.push_str("\nScore:\n"),
        None => {}
    }
    if !answer.people.is_empty() {
        out.push('\n');
        for Person { name, role, contact } in &answer.people {
            let _ = write!(out, "- Person: {name}");
            if role.is_some() || contact.is_some() {
                let _ = write!(out, " | {}", role.as_deref().unwrap_or(""));
            }
            if let Some(contact) = contact {
                let _ = write!(out, " | {contact}");
            }
            out.push('\n');
        }
    }
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    if let Some(b) = answer.breach {
        let _ = write!(out, "\nBreach: {}\n", yes_no(b));
    }
    if let Some(b) = answer.resolved {
        let _ = writeln!(out, "Resolved: {}", yes_no(b));
    }
    if let Some(v) = answer.growth_pct {
        let _ = write!(out, "\nGrowth: {v}%\n");
    }
    if let Some(v) = answer.revenue_share_pct {
        let _ = writeln!(out, "Revenue share: {v}%");
    }
    if let Some(note) = &answer.note {
        let _ = write!(out, "\n{}\n", crate::load::escape_note(note));
    }
}

/// The format of a file, for messages.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Yaml => "YAML",
        Format::Markdown => "Markdown",
    }
}
