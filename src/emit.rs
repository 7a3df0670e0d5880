//! Writes an assessment back out as an answer file, YAML or Markdown: for `trustmap convert`,
//! and, with every question and its scale shown as guidance, for `trustmap new`. Keys and fields
//! are written in the order of the format's tables ([`crate::answer_file`]), under their names
//! there and, in Markdown, their English words.

use std::fmt::Write as _;

use crate::answer_file::{FIELDS, Field, Kind, METADATA, NO, PERSON, YES};
use crate::load::comments::Comments;
use crate::model::{Answer, Assessment, Format, Lang, Person, Perspective};
use crate::questionnaire::{Question, QuestionBox, Questionnaire};

/// What to write besides the answers themselves.
#[derive(Debug, Clone, Copy)]
pub struct Guidance<'a> {
    /// Write every question, answered or not, with its text and scale (for a blank form).
    pub form: bool,
    /// Language of question texts and guidance.
    pub lang: Lang,
    /// The comments to write with the answers: a converted file's own, its guidance left out
    /// (see [`carried`]). A question with a comment is written even if it is not answered.
    pub comments: &'a Comments,
}

impl Guidance<'static> {
    /// Guidance without comments.
    pub fn new(form: bool, lang: Lang) -> Self {
        static NONE: Comments = Comments::NONE;
        Guidance { form, lang, comments: &NONE }
    }
}

/// What a conversion carries of a file's comments: its own, without the guidance of a form made
/// by `trustmap new` (box titles, question texts, scales, in either language and format); and
/// whether it held that guidance, so that the converted file is written as a form too.
pub fn carried(mut comments: Comments) -> (Comments, bool) {
    static GUIDANCE: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    let guidance = GUIDANCE.get_or_init(|| {
        let mut out = String::new();
        for qbox in &Questionnaire::get().boxes {
            for &lang in Lang::VARIANTS {
                let _ = writeln!(out, "# Box {}. {}", qbox.number, qbox.title.get(lang));
                for question in qbox.groups.iter().flat_map(|g| &g.questions) {
                    for &perspective in Perspective::VARIANTS {
                        yaml_guidance(question, lang, perspective, &mut out);
                        markdown_guidance(question, lang, perspective, &mut out);
                    }
                }
            }
        }
        let lines = out.lines().map(|l| l.trim().trim_start_matches('#').trim());
        lines.filter(|l| !matches!(*l, "" | "<!--" | "-->")).map(str::to_owned).collect()
    });
    // A form holds the guidance of every question (hundreds of lines); a comment of the user's
    // that happens to read as a line of it does not make a form, and is kept.
    let all = || comments.head.iter().chain(comments.questions.values().flatten()).chain(&comments.tail);
    let form = all().filter(|line| guidance.contains(line.trim())).count() >= FORM_LINES;
    // The editor's modeline is the writer's to write, in YAML only.
    comments.head.retain(|line| !line.trim_start().starts_with("yaml-language-server:"));
    let mut own = |lines: &mut Vec<String>| lines.retain(|line| !(form && guidance.contains(line.trim())));
    own(&mut comments.head);
    own(&mut comments.tail);
    comments.questions.values_mut().for_each(&mut own);
    comments.questions.retain(|_, lines| !lines.is_empty());
    (comments, form)
}

/// A comment's line as it may be written: what a YAML or Markdown reader could take for the end
/// of the line (`\r`, U+2028, ...) or anything else a control character is a space.
fn comment_line(line: &str) -> String {
    line.chars()
        .map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .collect()
}

/// How many lines of guidance make a file a form made by `trustmap new` (which writes several
/// for each of its questions).
const FORM_LINES: usize = 20;

/// `lines` as YAML comments at `indent`.
fn yaml_comments(lines: &[String], indent: &str, out: &mut String) {
    for line in lines.iter().map(|l| comment_line(l)) {
        let _ = writeln!(out, "{indent}#{}{line}", if line.is_empty() { "" } else { " " });
    }
}

/// `lines` as one HTML comment, on its own line(s), `-->` in them broken so it cannot end it.
fn html_comment(lines: &[String], out: &mut String) {
    let lines: Vec<String> = lines.iter().map(|l| comment_line(l).replace("-->", "-- >")).collect();
    match lines.as_slice() {
        [] => {}
        [line] => {
            let _ = writeln!(out, "\n<!-- {line} -->");
        }
        _ => {
            let _ = writeln!(out, "\n<!--\n{}\n-->", lines.join("\n"));
        }
    }
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
pub fn scalar(text: &str) -> String {
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

/// The metadata, in the order of [`METADATA`]; the answers follow, in each format's own way.
fn metadata_yaml(a: &Assessment, out: &mut String) {
    for key in METADATA {
        let value = match key.name {
            "partner" => Some(scalar(&a.partner)),
            "id" => (a.id_is_explicit() || a.id != crate::model::slugify(&a.partner)).then(|| a.id.clone()),
            "role" => Some(a.role.to_string()),
            "strategic" => a.strategic.then(|| "true".to_owned()),
            "status" => Some(a.status.to_string()),
            "date" => Some(a.date.to_string()),
            "perspective" => Some(a.perspective.to_string()),
            "respondent" => a.respondent.as_deref().map(scalar),
            "assessor" => a.assessor.as_deref().map(scalar),
            "lang" => a.lang.map(|lang| lang.to_string()),
            _ => None,
        };
        if let Some(value) = value {
            let _ = writeln!(out, "{}: {value}", key.name);
        }
    }
}

/// The fields a question takes besides those every question takes.
fn own_fields(question: &Question) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(|f| f.extra.is_some() && f.extra == question.extra)
}

/// A field's English word as it starts a line in Markdown: `Revenue share`.
fn label(field: &Field) -> String {
    let word = field.words.map_or(field.name, |w| w.en);
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A person's value for the [`PERSON`] key `key`, as text.
fn person_value(p: &Person, key: &str) -> Option<String> {
    match key {
        "name" => Some(p.name.clone()),
        "role" => p.role.clone(),
        "contact" => p.contact.map(|c| c.to_string()),
        _ => None,
    }
}

/// The questions of a box to write: all of them for a form, else the answered ones and those
/// with a comment.
fn box_questions<'q>(qbox: &'q QuestionBox, a: &Assessment, g: Guidance) -> Vec<&'q Question> {
    qbox.groups
        .iter()
        .flat_map(|gr| &gr.questions)
        .filter(|q| g.form || a.answers.contains_key(&q.id) || g.comments.questions.contains_key(&q.id))
        .collect()
}

fn yaml(a: &Assessment, g: Guidance, schema: Option<&str>) -> String {
    let q = Questionnaire::get();
    let mut out = String::new();
    if let Some(schema) = schema {
        let _ = writeln!(out, "# yaml-language-server: $schema={schema}");
    }
    yaml_comments(&g.comments.head, "", &mut out);
    metadata_yaml(a, &mut out);
    out.push_str("answers:");
    let mut any = false;
    for qbox in &q.boxes {
        let questions = box_questions(qbox, a, g);
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
                yaml_guidance(question, g.lang, a.perspective, &mut out);
            }
            yaml_comments(g.comments.questions.get(&question.id).map_or(&[], Vec::as_slice), "  ", &mut out);
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
    yaml_comments(&g.comments.tail, "", &mut out);
    out
}

fn yaml_guidance(question: &Question, lang: Lang, perspective: Perspective, out: &mut String) {
    out.push('\n');
    for line in question.text_for(perspective).get(lang).lines() {
        let _ = writeln!(out, "  # {line}");
    }
    for (point, anchor) in question.anchors_for(perspective) {
        let _ = writeln!(out, "  #   {point} = {}", anchor.get(lang));
    }
    let example: Vec<String> =
        own_fields(question).map(|f| format!("{}: {}", f.name, yaml_example(f))).collect();
    if !example.is_empty() {
        let _ = writeln!(out, "  #   also: {}", example.join(", "));
    }
}

/// An example value of `field` for a YAML form's guidance.
fn yaml_example(field: &Field) -> String {
    match &field.kind {
        Kind::People => {
            let keys = PERSON.iter().map(|key| match key.kind {
                Kind::Keyword(all) => format!("{}: {}", key.name, all.join("|")),
                _ => format!("{}: …", key.name),
            });
            format!("[{{{}}}]", keys.collect::<Vec<_>>().join(", "))
        }
        Kind::Bool => "true|false".into(),
        _ => field.example.unwrap_or("…").into(),
    }
}

fn yaml_answer(answer: &Answer, out: &mut String) {
    if !answer.has_details() {
        if let Some(score) = answer.score {
            let _ = write!(out, " {score}");
        }
        return;
    }
    for field in FIELDS {
        // What follows `name:`: a space and the value, or the indented lines of a list.
        let value = match field.name {
            "score" => answer.score.map(|score| format!(" {score}")),
            "people" => (!answer.people.is_empty()).then(|| yaml_people(&answer.people)),
            "breach" => answer.breach.map(|b| format!(" {b}")),
            "resolved" => answer.resolved.map(|b| format!(" {b}")),
            "share_note" => answer.share_note.map(|b| format!(" {b}")),
            "growth_pct" => answer.growth_pct.map(|v| format!(" {v}")),
            "revenue_share_pct" => answer.revenue_share_pct.map(|v| format!(" {v}")),
            "note" => answer.note.as_deref().map(|note| format!(" {}", block(note, 6))),
            _ => None,
        };
        if let Some(value) = value {
            let _ = write!(out, "\n    {}:{value}", field.name);
        }
    }
}

/// The list of people, one mapping of [`PERSON`] keys each.
fn yaml_people(people: &[Person]) -> String {
    let mut out = String::new();
    for p in people {
        let mut item = '-';
        for key in PERSON {
            if let Some(value) = person_value(p, key.name) {
                let _ = write!(out, "\n      {item} {}: {}", key.name, scalar(&value));
                item = ' ';
            }
        }
    }
    out
}

fn markdown(a: &Assessment, g: Guidance) -> String {
    let q = Questionnaire::get();
    let mut out = String::from("---\n");
    yaml_comments(&g.comments.head, "", &mut out);
    metadata_yaml(a, &mut out);
    let _ = write!(out, "---\n\n# {} ({})\n", a.partner.replace(['\n', '#'], " "), a.date);
    for qbox in &q.boxes {
        let questions = box_questions(qbox, a, g);
        if questions.is_empty() {
            continue;
        }
        let _ = write!(out, "\n## Box {}. {}\n", qbox.number, qbox.title.get(g.lang));
        for question in questions {
            let text = question.text_for(a.perspective).get(g.lang).replace('\n', " ");
            let _ = write!(out, "\n### {text} {{#{}}}\n", question.id);
            if g.form {
                markdown_guidance(question, g.lang, a.perspective, &mut out);
            }
            html_comment(g.comments.questions.get(&question.id).map_or(&[], Vec::as_slice), &mut out);
            markdown_answer(a.answers.get(&question.id), g.form, &mut out);
        }
    }
    html_comment(&g.comments.tail, &mut out);
    out
}

fn markdown_guidance(question: &Question, lang: Lang, perspective: Perspective, out: &mut String) {
    out.push_str("\n<!--\n");
    for (point, anchor) in question.anchors_for(perspective) {
        let _ = writeln!(out, "{point} = {}", anchor.get(lang));
    }
    for field in own_fields(question) {
        let _ = writeln!(out, "{}: {}", label(field), markdown_example(field));
    }
    out.push_str("-->\n");
}

/// An example value of `field` for a Markdown form's guidance.
fn markdown_example(field: &Field) -> String {
    match &field.kind {
        Kind::People => {
            let parts = PERSON.iter().map(|key| match key.kind {
                Kind::Keyword(all) => all.join("/"),
                _ => key.name.to_owned(),
            });
            parts.collect::<Vec<_>>().join(" | ")
        }
        Kind::Bool => format!("{}/{}", YES[0], NO[0]),
        Kind::Percent(_) => format!("{}%", field.example.unwrap_or("…")),
        _ => field.example.unwrap_or("…").into(),
    }
}

/// The answer's fields, each on a line of its own that starts with its word (a person per line),
/// then the note. Fields of one question kind share a paragraph (`Breach:`, then `Resolved:`).
fn markdown_answer(answer: Option<&Answer>, form: bool, out: &mut String) {
    let empty = Answer::default();
    let answer = answer.unwrap_or(&empty);
    let yes_no = |b: bool| if b { YES[0] } else { NO[0] };
    let mut kind_before = None;
    for field in FIELDS {
        let shares_paragraph = field.extra.is_some() && field.extra == kind_before;
        kind_before = field.extra;
        let label = label(field);
        let line = |value: &str| format!("{label}: {value}\n");
        let text = match field.name {
            "score" => match answer.score {
                Some(score) => Some(line(&score.to_string())),
                None => form.then(|| format!("{label}:\n")),
            },
            "people" => (!answer.people.is_empty())
                .then(|| answer.people.iter().map(|p| format!("- {}", line(&markdown_person(p)))).collect()),
            "breach" => answer.breach.map(|b| line(yes_no(b))),
            "resolved" => answer.resolved.map(|b| line(yes_no(b))),
            "share_note" => answer.share_note.map(|b| line(yes_no(b))),
            "growth_pct" => answer.growth_pct.map(|v| line(&format!("{v}%"))),
            "revenue_share_pct" => answer.revenue_share_pct.map(|v| line(&format!("{v}%"))),
            "note" => answer.note.as_deref().map(|note| format!("{}\n", crate::load::escape_note(note))),
            _ => None,
        };
        if let Some(text) = text {
            if !shares_paragraph {
                out.push('\n');
            }
            out.push_str(&text);
        }
    }
}

/// A person as the parts of a `Person:` line, in the order of [`PERSON`]: `name | role | contact`,
/// the parts left out at the end dropped.
fn markdown_person(p: &Person) -> String {
    let mut parts: Vec<String> =
        PERSON.iter().map(|key| person_value(p, key.name).unwrap_or_default()).collect();
    while parts.len() > 1 && parts.last().is_some_and(String::is_empty) {
        parts.pop();
    }
    parts.join(" | ")
}

/// The format of a file, for messages.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Yaml => "YAML",
        Format::Markdown => "Markdown",
    }
}
