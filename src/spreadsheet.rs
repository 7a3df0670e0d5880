//! The evaluation as a spreadsheet reads it: `trustmap evaluate --format csv`, one row per
//! partner and proposition, for those who go on in Excel or LibreOffice.

use crate::model::{Evaluation, FlagSeverity, PartnerEvaluation, PropositionResult};
use crate::{Error, Result};

/// The columns, in order.
const HEADER: &[&str] = &[
    "partner_id",
    "partner",
    "role",
    "strategic",
    "status",
    "date",
    "perspective",
    "respondents",
    "overall",
    "overall_verdict",
    "proposition",
    "score",
    "coverage",
    "verdict",
    "banded",
    "partner_verdict",
    "relationship_verdict",
    "delta",
    "concerns",
    "flags",
    "flags_critical",
    "flags_warning",
    "flags_info",
];

/// The evaluation as CSV (RFC 4180, a header row, `\n` line ends), partners in id order and
/// their propositions P1 to P5. Numbers are written with a point and one decimal; a missing one is
/// an empty cell. Text a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) is written with a leading `'`, so that opening the file never runs
/// what an answer file says.
pub fn csv(evaluation: &Evaluation) -> Result<String> {
    let mut writer =
        csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let io = |e: csv::Error| Error::System(format!("cannot write CSV ({e})"));
    writer.write_record(HEADER).map_err(io)?;
    for p in &evaluation.partners {
        for r in &p.propositions {
            writer.write_record(row(p, r)).map_err(io)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| Error::System(format!("cannot write CSV ({e})")))?;
    String::from_utf8(bytes).map_err(|e| Error::System(format!("cannot write CSV ({e})")))
}

fn row(p: &PartnerEvaluation, r: &PropositionResult) -> Vec<String> {
    let number = |n: Option<f64>| n.map(|n| format!("{n:.1}")).unwrap_or_default();
    let flags = |severity: Option<FlagSeverity>| {
        let on = p.flags.iter().filter(|f| f.proposition == Some(r.id));
        on.filter(|f| severity.is_none_or(|s| f.severity == s)).count().to_string()
    };
    vec![
        inert(&p.id),
        inert(&p.partner),
        p.role.to_string(),
        p.strategic.to_string(),
        p.status.to_string(),
        p.date.to_string(),
        p.perspective.to_string(),
        p.respondents.len().to_string(),
        number(p.overall),
        p.overall_verdict.to_string(),
        r.id.to_string(),
        number(r.score),
        format!("{:.1}", r.coverage),
        r.verdict.to_string(),
        r.banded.to_string(),
        r.partner_verdict.map(|v| v.to_string()).unwrap_or_default(),
        r.relationship.map(|v| v.to_string()).unwrap_or_default(),
        number(r.delta),
        r.concerns.to_string(),
        flags(None),
        flags(Some(FlagSeverity::Critical)),
        flags(Some(FlagSeverity::Warning)),
        flags(Some(FlagSeverity::Info)),
    ]
}

/// `text`, with a `'` before it if a spreadsheet would read it as a formula.
fn inert(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_a_spreadsheet_would_run_is_made_inert() {
        assert_eq!(inert("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Smit Logistiek"), "Smit Logistiek");
    }
}
