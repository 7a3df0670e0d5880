//! The bundle: the deliverable as one zip, for sending or archiving.
//!
//! It holds every report file the manifest lists (PDF, HTML, Markdown with its charts; not the
//! Typst sources of `--format typ`) and a manifest of exactly those files, under one folder
//! named like the zip. Its bytes depend only on those files: entries in path order, one fixed
//! time (the build's date), fixed permissions, deflate at a fixed level. The output folder's own
//! manifest lists the zip; the manifest inside it cannot (it would have to hold its own hash).

use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::model::{Date, slugify};
use crate::{Error, Result};

/// What the bundle is called and dated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The file name without `.zip`, also the folder inside it.
    pub stem: String,
    date: Option<Date>,
}

impl Bundle {
    /// The bundle of a build for `organisation` dated `date` (`SOURCE_DATE_EPOCH`, else the
    /// latest round): `<organisation>-<date>.zip`, e.g. `van-dijk-precisietechniek-2026-06-30.zip`.
    pub fn new(organisation: Option<&str>, date: Option<Date>) -> Bundle {
        let name = organisation.map(slugify).filter(|s| !s.is_empty()).unwrap_or_else(|| "trustmap".into());
        let when = date.map_or_else(|| "undated".to_string(), |d| d.to_string());
        Bundle { stem: format!("{name}-{when}"), date }
    }

    /// The zip's path in the output folder.
    pub fn file_name(&self) -> String {
        format!("{}.zip", self.stem)
    }

    /// The zip of `files` (paths in the output folder, in order, and their bytes).
    pub fn zip(&self, files: &[(&str, &[u8])]) -> Result<Vec<u8>> {
        let time = self
            .date
            .and_then(|d| DateTime::from_date_and_time(d.year, d.month, d.day, 0, 0, 0).ok())
            .unwrap_or_default();
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(6))
            .last_modified_time(time)
            .unix_permissions(0o644);
        let fail = |e: &dyn std::fmt::Display| {
            Error::System(format!("cannot make the bundle {} ({e})", self.file_name()))
        };
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (path, bytes) in files {
            zip.start_file(format!("{}/{path}", self.stem), options).map_err(|e| fail(&e))?;
            zip.write_all(bytes).map_err(|e| fail(&e))?;
        }
        Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn named_by_organisation_and_date_and_the_same_bytes_each_time() {
        let date = Some(Date { year: 2026, month: 6, day: 30 });
        let bundle = Bundle::new(Some("Van Dijk Precisietechniek B.V."), date);
        assert_eq!(bundle.file_name(), "van-dijk-precisietechniek-b-v-2026-06-30.zip");
        assert_eq!(Bundle::new(Some("!!"), None).file_name(), "trustmap-undated.zip");
        let files: [(&str, &[u8]); 2] = [("index.html", b"<p>hi</p>"), ("partners/a.pdf", b"%PDF")];
        let bytes = bundle.zip(&files).unwrap();
        assert_eq!(bytes, bundle.zip(&files).unwrap());
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<String> = archive.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert_eq!(
            names,
            [
                "van-dijk-precisietechniek-b-v-2026-06-30/index.html",
                "van-dijk-precisietechniek-b-v-2026-06-30/partners/a.pdf"
            ]
        );
        let mut file = archive.by_index(1).unwrap();
        assert_eq!(file.unix_mode(), Some(0o100644));
        assert_eq!(file.last_modified().map(|t| (t.year(), t.month(), t.day())), Some((2026, 6, 30)));
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        assert_eq!(text, "%PDF");
    }
}
