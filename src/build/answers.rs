//! The answer files as the last build into an output folder read them. Reading and validating
//! every answer file is most of a build after a small edit, so each build leaves, beside its
//! stamp (see [`super::stamp`]), every answer file it read that had nothing to say (no error,
//! warning or note) as validated, with that file's stat when it was found. The next build into
//! the folder takes a file whose stat is still the same from there instead of reading it again.
//!
//! Like the stamp it is a cache and never the only safeguard: a file whose times were too recent
//! to trust when it was found is not kept, one whose stat differs in any way is read again, and
//! so is every file when the cache was left by another trustmap binary or with other limits, or
//! cannot be read. `--force` reads every file. The cache holds the client's answers, so it is
//! readable by its owner only.
//!
//! The cache is a line of its key, then a line per file: the file's path and its stat, each as
//! JSON, and the file's content as JSON, separated by tabs (which JSON escapes inside strings).
//! A file's content is parsed only when a build takes it, on that build's worker threads, and
//! the line of a file taken is written again as it was.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::stamp::{self, Inputs, Stat};
use crate::diagnostic::Span;
use crate::model::Assessment;
use crate::pipeline::Batch;
use crate::settings::BuildSettings;

/// What an answer file held: its assessment, and the spans its JSON leaves out.
#[derive(Serialize, Deserialize)]
struct Content<'a> {
    spans: BTreeMap<Cow<'a, str>, (u32, u32, u32)>,
    assessment: Cow<'a, Assessment>,
}

/// The file the cache of the output folder `out` is kept in; `None` without a cache folder.
fn place(out: &Path) -> Option<std::path::PathBuf> {
    stamp::beside(out, "answers")
}

/// What reading an answer file depends on besides its bytes, for a build with settings `s`:
/// trustmap itself and the limits it reads with.
fn key(s: &BuildSettings) -> String {
    let limits = s.limits();
    crate::model::sha256_json(&(env!("CARGO_PKG_VERSION"), Stat::exe(), limits.file_bytes, limits.note_bytes))
}

/// The answer files the last build read, for those still as it found them.
#[derive(Default)]
pub struct Remembered {
    bytes: Vec<u8>,
    /// Each file's line in `bytes` (without its end), where its content starts in it, and
    /// whether this build took it.
    lines: HashMap<String, (Range<usize>, usize, AtomicBool)>,
}

impl Remembered {
    /// The answer files the last build with settings `s` into its output folder read and that
    /// are unchanged since, by what this build found (`inputs`); none with `--force`.
    pub fn read(s: &BuildSettings, inputs: &Inputs) -> Remembered {
        let bytes = match place(&s.out) {
            Some(place) if !s.force => crate::outdir::read_own(&place).ok().flatten(),
            _ => None,
        };
        match bytes {
            Some(bytes) => Remembered::parse(bytes, &key(s), |path, stat| inputs.trusted(path) == Some(stat)),
            None => Remembered::default(),
        }
    }

    /// The cache `bytes` if it was left under `key`, with the files `unchanged` says are
    /// unchanged since (given each one's path and stat then).
    fn parse(bytes: Vec<u8>, key: &str, unchanged: impl Fn(&Path, Stat) -> bool) -> Remembered {
        let mut start = 0;
        let mut lines = bytes.split(|&b| b == b'\n').map(|line| {
            let range = start..start + line.len();
            start = range.end + 1;
            (line, range)
        });
        if lines.next().is_none_or(|(line, _)| line != key.as_bytes()) {
            return Remembered::default();
        }
        let lines = lines
            .filter_map(|(line, range)| {
                let mut fields = line.splitn(3, |&b| b == b'\t');
                let path: String = serde_json::from_slice(fields.next()?).ok()?;
                let stat: Stat = serde_json::from_slice(fields.next()?).ok()?;
                let content = range.end - fields.next()?.len();
                unchanged(Path::new(&path), stat).then_some((path, (range, content, AtomicBool::new(false))))
            })
            .collect();
        Remembered { bytes, lines }
    }

    /// The answer file at `path` as the last build read it, if it is unchanged since.
    pub fn get(&self, path: &Path) -> Option<Assessment> {
        let (line, content, taken) = self.lines.get(path.to_str()?)?;
        let content: Content = serde_json::from_slice(&self.bytes[*content..line.end]).ok()?;
        taken.store(true, Ordering::Relaxed);
        let mut assessment = content.assessment.into_owned();
        let spans = content.spans.into_iter().map(|(k, (l, c, n))| (k.into_owned(), Span::new(l, c, n)));
        assessment.spans = spans.collect();
        Some(assessment)
    }

    /// Leaves, for the next build with settings `s` into the same folder, the answer files
    /// of `batch` that had nothing to say, each with its stat as this build found it
    /// (`inputs`), when that can be trusted.
    pub fn write(self, s: &BuildSettings, inputs: &Inputs, batch: &Batch) {
        let Some(place) = place(&s.out) else { return };
        let said: BTreeSet<&Path> = batch.diagnostics.iter().map(|d| d.path.as_path()).collect();
        // A line taken from the last cache is written again as it was.
        let line = |a: &Assessment| -> Option<Cow<[u8]>> {
            match self.lines.get(a.source.to_str()?) {
                Some((line, _, taken)) if taken.load(Ordering::Relaxed) => {
                    Some(Cow::Borrowed(&self.bytes[line.clone()]))
                }
                _ => line(a, inputs.trusted(&a.source)?).map(Cow::Owned),
            }
        };
        // A cache: one that cannot be written only means that the next build reads every file.
        let _ = crate::write::private(&place, |w| {
            w.write_all(key(s).as_bytes())?;
            // Made on the worker threads a few hundred at a time, so that at 10,000 partners
            // the new cache is never all in memory beside the files it holds.
            for chunk in batch.assessments.chunks(256) {
                let lines: Vec<Cow<[u8]>> = chunk
                    .par_iter()
                    .filter(|a| !said.contains(a.source.as_path()))
                    .filter_map(line)
                    .collect();
                for line in lines {
                    w.write_all(b"\n")?;
                    w.write_all(&line)?;
                }
            }
            Ok(())
        });
    }
}

/// The line of the cache for the answer file that holds `a` and had stat `stat` when found.
fn line(a: &Assessment, stat: Stat) -> Option<Vec<u8>> {
    let spans = a.spans.iter().map(|(k, s)| (k.as_str().into(), (s.line, s.column, s.len)));
    let content = Content { spans: spans.collect(), assessment: Cow::Borrowed(a) };
    let mut line = serde_json::to_vec(a.source.to_str()?).ok()?;
    line.push(b'\t');
    line.extend(serde_json::to_vec(&stat).ok()?);
    line.push(b'\t');
    line.extend(serde_json::to_vec(&content).ok()?);
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Answer, Frequency, Lang, Person};

    /// Every assessment of the samples, and one with every part of an answer given, is taken
    /// back from the cache as it was read, spans and all; a file with another stat is not.
    #[test]
    fn the_cache_gives_back_every_answer_file_as_it_was_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let batch =
            crate::pipeline::read(&[root.join("assessments")], &[], &root, &Default::default()).unwrap();
        let mut all = batch.assessments;
        assert!(all.len() > 10, "{:?}", batch.diagnostics);
        let mut every = all[0].clone();
        every.source = root.join("assessments/every part.yaml");
        (every.respondent, every.assessor, every.lang) =
            (Some("R \"é\"\t".into()), Some("A".into()), Some(Lang::En));
        let person = Person { name: "P".into(), role: Some("r".into()), contact: Some(Frequency::Monthly) };
        let answer = Answer {
            score: Some(4),
            note: Some("<script>\n#read(\"x\")\u{85}".into()),
            share_note: Some(true),
            people: vec![person],
            breach: Some(true),
            resolved: Some(false),
            growth_pct: Some(0.1 + 0.2),
            revenue_share_pct: Some(std::f64::consts::PI * 1e-7),
        };
        every.answers.insert("growth.order_portfolio".into(), answer);
        every.spans.insert("partner".into(), Span::new(3, 7, 11));
        all.push(every);
        let stat = Stat::from((12, 1, 2, 3));
        let mut bytes = b"key".to_vec();
        for a in &all {
            bytes.push(b'\n');
            bytes.extend(line(a, stat).unwrap());
        }
        let cache = Remembered::parse(bytes.clone(), "key", |_, s| s == stat);
        for a in &all {
            assert_eq!(cache.get(&a.source).as_ref(), Some(a), "{}", a.source.display());
        }
        let mut broken = bytes.clone();
        broken.truncate(broken.len() - 1);
        let broken = Remembered::parse(broken, "key", |_, s| s == stat);
        let last = &all[all.len() - 1].source;
        assert!(broken.get(last).is_none(), "a line cut short is read as absent");
        assert!(!broken.lines[last.to_str().unwrap()].2.load(Ordering::Relaxed), "and is not written again");
        let other = Remembered::parse(bytes.clone(), "key", |_, s| s != stat);
        assert!(other.get(&all[0].source).is_none(), "a file with another stat is read again");
        let older = Remembered::parse(bytes, "another key", |_, _| true);
        assert!(older.get(&all[0].source).is_none(), "a cache under another key is not used");
    }
}
