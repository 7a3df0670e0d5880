//! `trustmap import`: answers typed into a spreadsheet or exported by a survey tool, one row per
//! partner (or per respondent), become answer files. Each row is read into the same value tree
//! an answer file is read into, every cell remembering its line and column, and checked by the
//! same validator: a bad cell gets the diagnostic a bad line of an answer file gets, at its row
//! and column.
//!
//! Columns are named by what they hold: a metadata key (`partner`, `role`, `date`, ...), a
//! question id for its score (`trust.expertise`), or a question id and a field
//! (`trust.expertise.note`). A mapping file renames a survey tool's own columns to these, leaves
//! some out, skips extra header rows and sets metadata for every row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::answer_file::{self, Kind};
use crate::diagnostic::{Diagnostic, Span};
use crate::load::node::{Key, Node, Value};
use crate::load::{Document, read};
use crate::model::{Assessment, Format};
use crate::{Error, Result};

/// How a survey tool's columns map to trustmap's (`--map FILE.toml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Header rows after the first to skip (Qualtrics exports two: question texts and import
    /// ids).
    #[serde(default)]
    pub skip_rows: usize,
    /// A column's name in the file → trustmap's name for it; `""` leaves the column out. A name
    /// that ends in `*` stands for every column that starts with what comes before it.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Metadata for every row that has no cell of its own for it (`role`, `date`, ...).
    #[serde(default)]
    pub set: BTreeMap<String, String>,
}

impl Mapping {
    /// Reads a mapping file; a problem in it is reported at its line and column.
    pub fn read(path: &Path) -> Result<Mapping> {
        let text =
            std::fs::read_to_string(path).map_err(|cause| Error::Read { path: path.to_owned(), cause })?;
        toml::from_str(&text).map_err(|e| crate::workspace::toml_error(path, &text, &e))
    }

    /// trustmap's name for the column `name`: as mapped by name, else by the longest `prefix*`
    /// it starts with, else its own.
    fn name<'a>(&'a self, name: &'a str) -> &'a str {
        if let Some(mapped) = self.columns.get(name) {
            return mapped;
        }
        let by_prefix = self.columns.iter().filter_map(|(pattern, mapped)| {
            let prefix = pattern.strip_suffix('*')?;
            name.starts_with(prefix).then_some((prefix.len(), mapped.as_str()))
        });
        by_prefix.max_by_key(|(len, _)| *len).map_or(name, |(_, mapped)| mapped)
    }
}

/// One row read: its assessment, if valid.
pub struct Row {
    pub assessment: Option<Assessment>,
}

/// What reading a spreadsheet gave: a row each, and every problem at its row and column.
pub struct Imported {
    pub rows: Vec<Row>,
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text (to quote lines in diagnostics).
    pub text: String,
}

/// A cell: its text and where it stands (1-based line and column).
struct Cell {
    text: String,
    line: u32,
    column: u32,
}

/// Reads the CSV file at `path` (comma or semicolon separated, as the header row shows; UTF-8,
/// a byte order mark allowed) through `mapping`.
pub fn read_csv(path: &Path, mapping: &Mapping, max_bytes: u64) -> Result<Imported> {
    let bytes = read::regular(path, max_bytes, read::Links::Follow)
        .map_err(|e| Error::System(format!("cannot read {} ({e})", crate::diagnostic::path_shown(path))))?;
    let text = read::decode(bytes).map_err(|e| {
        Error::System(format!("cannot read {}: {}", crate::diagnostic::path_shown(path), e.message))
    })?;
    let header_line = text.lines().next().unwrap_or_default();
    // Spreadsheets in locales with a decimal comma (Dutch Excel among them) write `;`.
    let delimiter =
        if header_line.matches(';').count() > header_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines: Vec<&str> = text.lines().collect();
    let mut table: Vec<Vec<Cell>> = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| Error::System(format!("{}: {e}", crate::diagnostic::path_shown(path))))?;
        let line = record.position().map_or(1, |p| p.line()) as u32;
        let raw = lines.get(line as usize - 1).copied().unwrap_or_default();
        let columns = field_columns(raw, delimiter);
        let cells = (record.iter().enumerate())
            .map(|(i, text)| Cell {
                text: text.to_owned(),
                line,
                column: columns.get(i).copied().unwrap_or(1),
            })
            .collect();
        table.push(cells);
    }
    Ok(rows(path, text, table, mapping))
}

/// Reads the first worksheet (or `sheet`) of the spreadsheet at `path` (`.xlsx`, `.xls`,
/// `.xlsb` or `.ods`) through `mapping`. A cell's line and column are its row and column in the
/// sheet (so `3:5` is cell E3); a date cell becomes `YYYY-MM-DD`, a whole number its digits.
pub fn read_sheet(path: &Path, mapping: &Mapping, sheet: Option<&str>) -> Result<Imported> {
    use calamine::Reader as _;
    let shown = crate::diagnostic::path_shown(path);
    let mut workbook = calamine::open_workbook_auto(path)
        .map_err(|e| Error::System(format!("cannot read {shown} ({e})")))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(asked) => names.iter().find(|n| *n == asked).cloned().ok_or_else(|| {
            Error::System(format!("{shown} has no sheet `{asked}`; it has: {}", names.join(", ")))
        })?,
        None => names.first().cloned().ok_or_else(|| Error::System(format!("{shown} has no sheet")))?,
    };
    let range =
        workbook.worksheet_range(&name).map_err(|e| Error::System(format!("cannot read {shown} ({e})")))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let table = (range.rows().enumerate())
        .map(|(r, row)| {
            (row.iter().enumerate())
                .map(|(c, data)| Cell {
                    text: cell_text(data),
                    line: top + r as u32 + 1,
                    column: left + c as u32 + 1,
                })
                .collect()
        })
        .collect();
    Ok(rows(path, String::new(), table, mapping))
}

/// A spreadsheet cell as the text a CSV export would hold.
fn cell_text(data: &calamine::Data) -> String {
    use calamine::Data;
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The calendar date of an Excel serial day number (days since 1899-12-30), as `YYYY-MM-DD`;
/// a number no date of Excel's has (before 1900, after 9999) is written as the number, for the
/// validator to report.
fn excel_date(serial: f64) -> String {
    // Excel's dates run from day 1 (1900-01-01) to day 2,958,465 (9999-12-31).
    if !(1.0..2_958_466.0).contains(&serial) {
        return if serial.abs() < 1e15 { serial.to_string() } else { format!("{serial:e}") };
    }
    // 25,569 days from Excel's day 0 to 1970-01-01.
    crate::model::Date::from_days(serial.floor() as i64 - 25_569).to_string()
}

/// The 1-based column (in characters) where each field of a CSV line starts.
fn field_columns(line: &str, delimiter: u8) -> Vec<u32> {
    let mut columns = vec![1];
    let mut quoted = false;
    for (i, c) in line.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            c if !quoted && c as u32 == u32::from(delimiter) => columns.push(i as u32 + 2),
            _ => {}
        }
    }
    columns
}

/// The rows of `table` (its first row the header) as answer files.
fn rows(path: &Path, text: String, table: Vec<Vec<Cell>>, mapping: &Mapping) -> Imported {
    let mut table = table.into_iter();
    let Some(header) = table.next() else {
        return Imported { rows: Vec::new(), diagnostics: Vec::new(), text };
    };
    // Each column's name, after the mapping; `None` for a column left out.
    let names: Vec<Option<(String, Span)>> = header
        .iter()
        .map(|cell| {
            let name = cell.text.trim();
            let name = mapping.name(name);
            let span = Span::new(cell.line, cell.column, cell.text.chars().count().max(1) as u32);
            (!name.is_empty()).then(|| (name.to_owned(), span))
        })
        .collect();
    let questionnaire = crate::questionnaire::Questionnaire::get();
    let mut imported = Imported { rows: Vec::new(), diagnostics: Vec::new(), text: String::new() };
    for cells in table.skip(mapping.skip_rows) {
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        let line = cells.first().map_or(1, |c| c.line);
        let root = row_tree(&names, &cells, mapping, line);
        let doc = Document {
            path: path.to_owned(),
            text: String::new(),
            format: Format::Yaml,
            root,
            diagnostics: Vec::new(),
        };
        let checked = crate::validate::validate(&doc, questionnaire, usize::MAX);
        imported.diagnostics.extend(checked.diagnostics);
        imported.rows.push(Row { assessment: checked.assessment });
    }
    crate::diagnostic::sort(&mut imported.diagnostics);
    // A problem with a header cell is found in every row: it is said once.
    imported.diagnostics.dedup_by(|a, b| (a.line, a.column, &a.message) == (b.line, b.column, &b.message));
    imported.text = text;
    imported
}

/// One row as the value tree of an answer file: metadata keys at the top, `answers` below,
/// a question's fields under its id.
fn row_tree(names: &[Option<(String, Span)>], cells: &[Cell], mapping: &Mapping, line: u32) -> Node {
    let mut top: Vec<(Key, Node)> = Vec::new();
    // Each question's cells as fields (a bare question id is its `score`), in column order.
    let mut questions: Vec<(Key, Vec<(Key, Node)>)> = Vec::new();
    for (name, cell) in names.iter().zip(cells) {
        let (Some((name, header)), text) = (name, cell.text.trim()) else { continue };
        if text.is_empty() {
            continue;
        }
        let span = Span::new(cell.line, cell.column, cell.text.chars().count().max(1) as u32);
        let key = |name: &str| Key { name: name.to_owned(), span: *header };
        let (id, field) = match name.splitn(3, '.').collect::<Vec<_>>().as_slice() {
            [meta] => {
                top.push((key(meta), typed(text, span, metadata_kind(meta))));
                continue;
            }
            [b, q] => (format!("{b}.{q}"), "score"),
            [b, q, field] => (format!("{b}.{q}"), *field),
            _ => unreachable!("splitn(3) gives one to three parts"),
        };
        let entry = (key(field), typed(text, span, answer_file::field(field).map(|f| &f.kind)));
        match questions.iter_mut().find(|(k, _)| k.name == id) {
            Some((_, fields)) => fields.push(entry),
            None => questions.push((key(&id), vec![entry])),
        }
    }
    // A question with a score alone is written as that score, as a hand-written file would.
    let answers: Vec<(Key, Node)> = (questions.into_iter())
        .map(|(key, mut fields)| {
            let node = match fields.as_slice() {
                [(field, _)] if field.name == "score" => fields.remove(0).1,
                _ => {
                    fields.sort_by_key(|(field, _)| field.name != "score");
                    Node::new(Value::Map(fields), key.span)
                }
            };
            (key, node)
        })
        .collect();
    let start = Span::new(line, 1, 1);
    for (name, value) in &mapping.set {
        if !top.iter().any(|(k, _)| &k.name == name) {
            top.push((Key { name: name.clone(), span: start }, typed(value, start, metadata_kind(name))));
        }
    }
    if !answers.is_empty() {
        top.push((Key { name: "answers".into(), span: start }, Node::new(Value::Map(answers), start)));
    }
    Node::new(Value::Map(top), start)
}

/// What the metadata key `name` holds, if trustmap knows the key.
fn metadata_kind(name: &str) -> Option<&'static Kind> {
    answer_file::metadata_key(name).map(|k| &k.kind)
}

/// A cell's value as the field it fills would read its text (see [`Value::from_text`]): a cell
/// of a column that names no field stays text, for the validator to report the column.
fn typed(cell: &str, span: Span, kind: Option<&Kind>) -> Node {
    Node::new(kind.map_or_else(|| Value::Str(cell.to_owned()), |kind| Value::from_text(kind, cell)), span)
}

/// The answer files to write into `folder`: each valid row's path and assessment.
pub fn files(imported: &Imported, folder: &Path, format: Format) -> Vec<(PathBuf, Assessment)> {
    (imported.rows.iter().filter_map(|r| r.assessment.as_ref()))
        .map(|a| {
            let path = folder.join(crate::answer_file::file_name(a, format));
            (path.clone(), Assessment { source: path, ..a.clone() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_columns_skip_delimiters_inside_quotes() {
        assert_eq!(field_columns("a,\"b,c\",d", b','), vec![1, 3, 9]);
        assert_eq!(field_columns("a;b", b';'), vec![1, 3]);
    }

    #[test]
    fn a_column_is_mapped_by_name_else_by_its_longest_prefix() {
        let mapping: Mapping = toml::from_str(
            "[columns]\n\"Q1\" = \"partner\"\n\"Recipient*\" = \"\"\n\"RecipientE*\" = \"respondent\"\n",
        )
        .unwrap();
        assert_eq!(mapping.name("Q1"), "partner");
        assert_eq!(mapping.name("RecipientLastName"), "");
        assert_eq!(mapping.name("RecipientEmail"), "respondent");
        assert_eq!(mapping.name("Q2"), "Q2");
    }

    #[test]
    fn excel_serial_days_are_calendar_dates() {
        assert_eq!(excel_date(46096.0), "2026-03-15");
        assert_eq!(excel_date(25569.0), "1970-01-01");
        assert_eq!(excel_date(46082.5), "2026-03-01");
        assert_eq!(excel_date(1e300), "1e300");
        assert_eq!(excel_date(-3.0), "-3");
    }

    #[test]
    fn cells_are_typed_by_the_field_they_fill() {
        let (at, field) = (Span::START, |name| answer_file::field(name).map(|f| &f.kind));
        let meta = metadata_kind;
        assert_eq!(typed("4", at, field("score")).value, Value::Int(4));
        assert_eq!(typed("3,5", at, field("growth_pct")).value, Value::Float(3.5));
        assert_eq!(typed("Nee", at, field("breach")).value, Value::Bool(false));
        assert_eq!(typed("ja", at, meta("strategic")).value, Value::Bool(true));
        assert_eq!(typed("3M", at, meta("partner")).value, Value::Str("3M".into()));
        assert_eq!(typed("4", at, field("note")).value, Value::Str("4".into()));
        assert_eq!(typed("1,2,3", at, field("score")).value, Value::Str("1,2,3".into()));
        assert_eq!(typed("7", at, None).value, Value::Str("7".into()));
    }
}
