//! `trustmap import`: a spreadsheet's rows become answer files that evaluate exactly as the
//! same answers written by hand; a bad cell is reported at its row and column and nothing is
//! written; an existing file is replaced only with --force; a survey tool's columns are mapped.

use super::{trustmap, workspace};

const CSV: &str = "\
partner;role;date;respondent;trust.expertise;trust.expertise.note;trust.keeps_agreements;dependence.balance;growth.order_growth.growth_pct
Smit Logistiek;supplier;2026-03-15;Jan de Vries;4;\"Kent het vak; levert op tijd\";5;3;
Bakkerij De Korenaar;customer;2026-03-15;;2;;1;4;
";

const SMIT: &str = "partner: Smit Logistiek\nrole: supplier\ndate: 2026-03-15\nrespondent: Jan de Vries\nanswers:\n  trust.expertise:\n    score: 4\n    note: \"Kent het vak; levert op tijd\"\n  trust.keeps_agreements: 5\n  dependence.balance: 3\n";
const KORENAAR: &str = "partner: Bakkerij De Korenaar\nrole: customer\ndate: 2026-03-15\nanswers:\n  trust.expertise: 2\n  trust.keeps_agreements: 1\n  dependence.balance: 4\n";

#[test]
fn imported_rows_evaluate_as_the_same_answers_written_by_hand() {
    let by_hand = workspace(&[
        ("trustmap.toml", ""),
        ("assessments/smit.yaml", SMIT),
        ("assessments/korenaar.yaml", KORENAAR),
    ]);
    let imported = workspace(&[("trustmap.toml", ""), ("answers.csv", CSV)]);
    std::fs::create_dir(imported.path().join("assessments")).unwrap();
    let run = trustmap(imported.path(), &["import", "answers.csv"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("created assessments/smit-logistiek-2026-03-15-jan-de-vries.yaml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("created assessments/bakkerij-de-korenaar-2026-03-15.yaml"),
        "{}",
        run.stdout
    );
    let evaluation = |dir: &std::path::Path| {
        let run = trustmap(dir, &["evaluate", "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let mut json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        for p in json["partners"].as_array_mut().unwrap() {
            p.as_object_mut().unwrap().remove("sources");
        }
        json
    };
    assert_eq!(evaluation(imported.path()), evaluation(by_hand.path()));
    let note = std::fs::read_to_string(
        imported.path().join("assessments/smit-logistiek-2026-03-15-jan-de-vries.yaml"),
    )
    .unwrap();
    assert!(note.contains("Kent het vak; levert op tijd"), "{note}");
    let check = trustmap(imported.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn every_bad_cell_is_reported_at_its_row_and_column_and_nothing_is_written() {
    let csv = "partner,role,date,trust.expertise,trust.openness\nAcme,suplier,2026-02-30,7,4\nVan Dam,customer,2026-03-15,3,\n";
    let dir = workspace(&[("trustmap.toml", ""), ("answers.csv", csv)]);
    let run = trustmap(dir.path(), &["import", "answers.csv"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (at, code) in [
        ("answers.csv:2:6", "unknown-value"),
        ("answers.csv:2:14", "bad-date"),
        ("answers.csv:2:25", "score-range"),
    ] {
        assert!(run.stderr.contains(at) && run.stderr.contains(code), "{at} {code}: {}", run.stderr);
    }
    assert!(run.stdout.contains("nothing written"), "{}", run.stdout);
    assert!(
        !dir.path().join("assessments").exists()
            || std::fs::read_dir(dir.path().join("assessments")).unwrap().next().is_none()
    );
}

#[test]
fn an_existing_answer_file_is_replaced_only_with_force() {
    let dir = workspace(&[
        ("trustmap.toml", ""),
        ("answers.csv", CSV),
        ("assessments/bakkerij-de-korenaar-2026-03-15.yaml", "# mine\n"),
    ]);
    let run = trustmap(dir.path(), &["import", "answers.csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("exists already") && run.stderr.contains("--force"), "{}", run.stderr);
    let path = dir.path().join("assessments/bakkerij-de-korenaar-2026-03-15.yaml");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    assert!(
        !dir.path().join("assessments/smit-logistiek-2026-03-15-jan-de-vries.yaml").exists(),
        "all or nothing"
    );
    let run = trustmap(dir.path(), &["import", "answers.csv", "--force"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(&path).unwrap().contains("trust.expertise: 2"));
}

#[test]
fn a_survey_export_is_mapped_to_question_ids() {
    // As Qualtrics exports: the column ids, then a row of question texts and one of import ids.
    let csv = "StartDate,ResponseId,Q2,Q3_1,Q3_1_TEXT\n\
               Start Date,Response ID,Partner,How expert are they?,Why?\n\
               {\"ImportId\":\"startDate\"},{\"ImportId\":\"_recordId\"},{\"ImportId\":\"QID2\"},{\"ImportId\":\"QID3_1\"},{\"ImportId\":\"QID3_1_TEXT\"}\n\
               2026-04-01 10:00,R_1,Van Dam,4,=cmd()\n";
    let map = "skip_rows = 2\n[columns]\nStartDate = \"\"\nResponseId = \"\"\nQ2 = \"partner\"\nQ3_1 = \"trust.expertise\"\nQ3_1_TEXT = \"trust.expertise.note\"\n[set]\nrole = \"customer\"\ndate = \"2026-04-01\"\n";
    let dir = workspace(&[("trustmap.toml", ""), ("export.csv", csv), ("qualtrics.toml", map)]);
    let run = trustmap(dir.path(), &["import", "export.csv", "--map", "qualtrics.toml", "--format", "md"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(dir.path().join("assessments/van-dam-2026-04-01.md")).unwrap();
    assert!(text.contains("Van Dam") && text.contains("customer"), "{text}");
    let json = trustmap(dir.path(), &["evaluate", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let answer = &json["partners"][0]["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["question"] == "trust.expertise")
        .unwrap()
        .clone();
    assert_eq!(answer["score"], 4.0);
    assert_eq!(answer["notes"][0]["text"], "=cmd()");

    // A mapping with an error is reported at its line and column, and nothing is written.
    let bad = map.replace("skip_rows = 2", "skip_rows = \"two\"");
    let dir = workspace(&[("trustmap.toml", ""), ("export.csv", csv), ("qualtrics.toml", &bad)]);
    let run = trustmap(dir.path(), &["import", "export.csv", "--map", "qualtrics.toml"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("qualtrics.toml:1:13"), "{}", run.stderr);
    assert!(!dir.path().join("assessments").exists());
}

#[test]
fn a_misspelt_column_is_reported_once_at_its_header_cell() {
    let csv =
        "partner,role,date,trust.expertize\nAcme,customer,2026-03-01,4\nVan Dam,customer,2026-03-01,3\n";
    let dir = workspace(&[("trustmap.toml", ""), ("answers.csv", csv)]);
    let run = trustmap(dir.path(), &["import", "answers.csv"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.matches("unknown-question").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("answers.csv:1:19") && run.stderr.contains("trust.expertise"),
        "{}",
        run.stderr
    );
}

/// A real `.xlsx` workbook (the parts Excel writes, zipped), one sheet of `rows`: a cell is text,
/// a number, or a date (`D:` + Excel's serial day number, styled as a date).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write as _;
    let column = |c: usize| char::from(b'A' + c as u8);
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            if let Some(serial) = cell.strip_prefix("D:") {
                sheet.push_str(&format!(r#"<c r="{at}" s="1"><v>{serial}</v></c>"#));
            } else if cell.parse::<f64>().is_ok() {
                sheet.push_str(&format!(r#"<c r="{at}"><v>{cell}</v></c>"#));
            } else if !cell.is_empty() {
                let text = cell.replace('&', "&amp;").replace('<', "&lt;");
                sheet.push_str(&format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#));
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#.to_owned()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Interviews" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#.to_owned()),
        ("xl/styles.xml", r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn an_excel_workbook_imports_as_its_csv_does_with_bad_cells_at_their_row_and_column() {
    let header: &[&str] = &[
        "partner",
        "role",
        "date",
        "respondent",
        "trust.expertise",
        "trust.expertise.note",
        "trust.keeps_agreements",
        "dependence.balance",
    ];
    let rows: &[&[&str]] = &[
        header,
        &[
            "Smit Logistiek",
            "supplier",
            "D:46096",
            "Jan de Vries",
            "4",
            "Kent het vak; levert op tijd",
            "5",
            "3",
        ],
        &["Bakkerij De Korenaar", "customer", "D:46096", "", "2", "", "1", "4"],
    ];
    let from_csv = workspace(&[("trustmap.toml", ""), ("answers.csv", CSV)]);
    let from_xlsx = workspace(&[("trustmap.toml", "")]);
    std::fs::write(from_xlsx.path().join("answers.xlsx"), xlsx(rows)).unwrap();
    assert_eq!(trustmap(from_csv.path(), &["import", "answers.csv"]).code, 0);
    let run = trustmap(from_xlsx.path(), &["import", "answers.xlsx"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for name in ["smit-logistiek-2026-03-15-jan-de-vries.yaml", "bakkerij-de-korenaar-2026-03-15.yaml"] {
        let read =
            |dir: &std::path::Path| std::fs::read_to_string(dir.join("assessments").join(name)).unwrap();
        assert_eq!(read(from_xlsx.path()), read(from_csv.path()), "{name}");
    }
    // A score of 7 in cell E3 is reported at row 3, column 5.
    let bad: &[&[&str]] = &[
        header,
        &["Acme", "supplier", "D:46096", "", "4", "", "4", "3"],
        &["Van Dam", "customer", "D:46096", "", "7", "", "", ""],
    ];
    let dir = workspace(&[("trustmap.toml", "")]);
    std::fs::write(dir.path().join("bad.xlsx"), xlsx(bad)).unwrap();
    let run = trustmap(dir.path(), &["import", "bad.xlsx", "--sheet", "Interviews"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("bad.xlsx:3:5") && run.stderr.contains("score-range"), "{}", run.stderr);
    let run = trustmap(dir.path(), &["import", "bad.xlsx", "--sheet", "Blad1"]);
    assert!(run.code == 2 && run.stderr.contains("Interviews"), "{}", run.stderr);
}
