//! The evaluation as a spreadsheet reads it: `trustmap evaluate --format csv`, one row per
//! partner and proposition, for those who go on in Excel or LibreOffice.

use crate::model::{Date, Evaluation, FlagSeverity, PartnerEvaluation, PropositionResult, round1};
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

/// One cell of a row, typed: a workbook keeps the type, CSV writes it as text.
enum Cell {
    Text(String),
    /// Rounded to one decimal (half away from zero, as the JSON); none is an empty cell.
    Number(Option<f64>),
    Count(usize),
    Bool(bool),
    Date(Date),
}

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
            let record = row(p, r).into_iter().map(|cell| match cell {
                Cell::Text(text) => inert(&text),
                Cell::Number(n) => n.map(|n| format!("{:.1}", round1(n))).unwrap_or_default(),
                Cell::Count(n) => n.to_string(),
                Cell::Bool(b) => b.to_string(),
                Cell::Date(d) => d.to_string(),
            });
            writer.write_record(record).map_err(io)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| Error::System(format!("cannot write CSV ({e})")))?;
    String::from_utf8(bytes).map_err(|e| Error::System(format!("cannot write CSV ({e})")))
}

/// The same rows as an Excel workbook (`.xlsx`): numbers, dates and true/false as such, whatever
/// the spreadsheet's language (a CSV file opens as one column, its decimals as text, in a Dutch
/// Excel), the header row bold, frozen and filtered. Text is always a text cell, never a formula.
/// The same evaluation gives the same bytes: the workbook's creation date is the newest
/// assessment's.
pub fn xlsx(evaluation: &Evaluation) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
    let xerr = |e: rust_xlsxwriter::XlsxError| Error::System(format!("cannot write the workbook ({e})"));
    let excel_date = |d: Date| ExcelDateTime::from_ymd(d.year, d.month, d.day).map_err(xerr);
    // Without a date Excel can hold, the first day of 2000.
    let fallback = Date { year: 2000, month: 1, day: 1 };
    let newest = evaluation.partners.iter().map(|p| p.date).max().unwrap_or(fallback);
    let mut workbook = Workbook::new();
    let created = excel_date(newest).or_else(|_| excel_date(fallback))?;
    workbook.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = workbook.add_worksheet();
    sheet.set_name("evaluation").map_err(xerr)?;
    let (bold, decimal, day) = (
        Format::new().set_bold(),
        Format::new().set_num_format("0.0"),
        Format::new().set_num_format("yyyy-mm-dd"),
    );
    for (col, name) in (0u16..).zip(HEADER) {
        sheet.write_string_with_format(0, col, *name, &bold).map_err(xerr)?;
    }
    let mut last = 0u32;
    for p in &evaluation.partners {
        for r in &p.propositions {
            last += 1;
            for (col, cell) in (0u16..).zip(row(p, r)) {
                match cell {
                    // A cell holds at most 32,767 characters.
                    Cell::Text(text) => {
                        sheet.write_string(last, col, text.chars().take(32_767).collect::<String>()).map(drop)
                    }
                    // Rounded as the CSV and the JSON give it.
                    Cell::Number(Some(n)) => {
                        sheet.write_number_with_format(last, col, round1(n), &decimal).map(drop)
                    }
                    Cell::Number(None) => Ok(()),
                    Cell::Count(n) => sheet.write_number(last, col, n as f64).map(drop),
                    Cell::Bool(b) => sheet.write_boolean(last, col, b).map(drop),
                    // Excel's dates start in 1900: an earlier one is written as text.
                    Cell::Date(d) => match excel_date(d) {
                        Ok(date) => sheet.write_date_with_format(last, col, &date, &day).map(drop),
                        Err(_) => sheet.write_string(last, col, d.to_string()).map(drop),
                    },
                }
                .map_err(xerr)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(xerr)?;
    sheet.autofilter(0, 0, last, HEADER.len() as u16 - 1).map_err(xerr)?;
    sheet.autofit();
    workbook.save_to_buffer().map_err(xerr)
}

fn row(p: &PartnerEvaluation, r: &PropositionResult) -> Vec<Cell> {
    let text = |t: &dyn std::fmt::Display| Cell::Text(t.to_string());
    let flags = |severity: Option<FlagSeverity>| {
        let on = p.flags.iter().filter(|f| f.proposition == Some(r.id));
        Cell::Count(on.filter(|f| severity.is_none_or(|s| f.severity == s)).count())
    };
    let verdict = |v: Option<crate::model::Verdict>| Cell::Text(v.map(|v| v.to_string()).unwrap_or_default());
    vec![
        text(&p.id),
        text(&p.partner),
        text(&p.role),
        Cell::Bool(p.strategic),
        text(&p.status),
        Cell::Date(p.date),
        text(&p.perspective),
        Cell::Count(p.respondents.len()),
        Cell::Number(p.overall),
        text(&p.overall_verdict),
        text(&r.id),
        Cell::Number(r.score),
        Cell::Number(Some(r.coverage)),
        text(&r.verdict),
        text(&r.banded),
        verdict(r.partner_verdict),
        verdict(r.relationship),
        Cell::Number(r.delta),
        Cell::Count(r.concerns),
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
