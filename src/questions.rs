//! `trustmap questions`: the instrument printed for reading, as plain text or Markdown.

use std::fmt::Write as _;

use crate::model::Lang;
use crate::questionnaire::{AnswerKind, Question, Questionnaire};

fn labels(lang: Lang) -> (&'static str, &'static str, &'static str) {
    match lang {
        Lang::Nl => ("Box", "Samenvattende stellingen", "informeert"),
        Lang::En => ("Box", "Summary propositions", "informs"),
    }
}

fn informs(question: &Question, word: &str) -> String {
    let parts: Vec<String> =
        question.informs.iter().map(|i| format!("{} {} ×{}", i.proposition, i.construct, i.weight)).collect();
    let kind = match question.kind {
        AnswerKind::Scale => "",
        AnswerKind::Need => " (1 = not at all … 5 = critically)",
    };
    format!("{word}: {}{kind}", parts.join(", "))
}

/// The instrument as indented plain text.
pub fn text(q: &Questionnaire, lang: Lang) -> String {
    let (box_word, summary, informs_word) = labels(lang);
    let mut out = String::new();
    for b in &q.boxes {
        let _ = writeln!(out, "{box_word} {}. {}", b.number, b.title.get(lang));
        for g in &b.groups {
            let _ = writeln!(out, "  {}", g.prompt.get(lang));
            for m in &g.metadata {
                let _ = writeln!(out, "    [{}] {}", m.field, m.text.get(lang));
            }
            for question in &g.questions {
                let _ = writeln!(out, "    {}", question.id);
                let _ = writeln!(out, "      {}", question.text.get(lang));
                for (point, anchor) in &question.anchors {
                    let _ = writeln!(out, "        {point} = {}", anchor.get(lang));
                }
                let _ = writeln!(out, "      {}", informs(question, informs_word));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{summary}");
    for p in &q.propositions {
        let _ = writeln!(out, "  {} {}: {}", p.id, p.short.get(lang), p.text.get(lang));
    }
    out
}

/// The instrument as a Markdown document.
pub fn markdown(q: &Questionnaire, lang: Lang) -> String {
    let (box_word, summary, informs_word) = labels(lang);
    let mut out = format!("# {}\n", q.source.title);
    for b in &q.boxes {
        let _ = write!(out, "\n## {box_word} {}. {}\n", b.number, b.title.get(lang));
        for g in &b.groups {
            let _ = write!(out, "\n**{}**\n\n", g.prompt.get(lang));
            for m in &g.metadata {
                let _ = writeln!(out, "- {} (`{}`)", m.text.get(lang), m.field);
            }
            for question in &g.questions {
                let _ = write!(
                    out,
                    "\n### {} {{#{}}}\n\n`{}`: {}\n\n",
                    question.text.get(lang),
                    question.id,
                    question.id,
                    informs(question, informs_word)
                );
                for (point, anchor) in &question.anchors {
                    let _ = writeln!(out, "{point}. {}", anchor.get(lang));
                }
            }
        }
    }
    let _ = write!(out, "\n## {summary}\n\n");
    for p in &q.propositions {
        let _ = writeln!(out, "- **{} {}**: {}", p.id, p.short.get(lang), p.text.get(lang));
    }
    out
}
