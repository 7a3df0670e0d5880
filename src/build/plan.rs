//! What each report becomes: one table of outputs (the format, the template, and so the
//! escaping, and the path), and the making of one report's files from it. A format that fails
//! for the report's data (Typst cannot compile it) costs only that format. Then the making and
//! writing of every report, a bounded number at a time.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde::Serialize;

use crate::model::{Date, OutputFormat, Svg, layout};
use crate::outdir::{Bytes, Entry, Output, OutputDir};
use crate::pdf::{self, PdfSettings};
use crate::render::context::{NetworkContext, PartnerContext};
use crate::render::{Markup, Renderer};
use crate::reporter::Reporter;
use crate::share::SharedReport;
use crate::share::context::SharedContext;
use crate::share::leak::Leak;
use crate::watchdog::Watchdog;
use crate::workspace::Limits;
use crate::{Error, Result};

pub use crate::render::context::Asset;

/// One report to make: a partner's, the network's (with `index.html`), or a partner-facing one
/// (with the strings it must not contain).
#[derive(Clone, Copy)]
pub enum Report<'a> {
    Partner(&'a PartnerContext<'a>),
    Network(&'a NetworkContext<'a>),
    Shared(&'a SharedReport),
}

/// A partner's report to make: its evaluation, its answer files as shown, and whether its PDF
/// is beside it.
pub struct PartnerJob<'a> {
    pub partner: &'a crate::model::PartnerEvaluation,
    pub sources: Vec<String>,
    pub pdf: bool,
}

/// A report as the build lists them: a partner's, whose context is made only when the report
/// is (so that only the reports under way hold one), or one whose context is made already.
#[derive(Clone, Copy)]
pub enum Job<'a> {
    Partner(&'a PartnerJob<'a>),
    Ready(Report<'a>),
}

impl Job<'_> {
    /// The partner whose report it is.
    pub fn partner(&self) -> Option<&str> {
        match self {
            Job::Partner(job) => Some(&job.partner.id),
            Job::Ready(report) => report.partner(),
        }
    }

    fn kind(&self) -> Kind {
        match self {
            Job::Partner(_) => Kind::Partner,
            Job::Ready(report) => report.kind(),
        }
    }

    /// Makes and writes its files (see [`make`]).
    fn make(&self, key: &str, m: &Making, out: &OutputDir) -> Written {
        match self {
            Job::Partner(job) => make(&Report::Partner(&job.context(m.builder)), key, m, out),
            Job::Ready(report) => make(report, key, m, out),
        }
    }
}

impl PartnerJob<'_> {
    /// The context of the report.
    pub fn context<'e>(&'e self, builder: &crate::render::context::Builder) -> PartnerContext<'e> {
        let mut context = builder.partner(self.partner, self.sources.clone());
        context.common.links.pdf = self.pdf.then(|| self.partner.id.clone());
        context
    }
}

/// Which reports a row of the table belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Partner,
    Network,
    Shared,
}

/// Which file of the [`layout`] a row of the table writes.
#[derive(Clone, Copy)]
enum Place {
    Partner,
    Index,
    Network,
    Shared,
}

/// The table of outputs: for each kind of report and format, the template and the file it
/// becomes (in the format's extension). The Typst rows give the source of the PDF (`.pdf`) and
/// the source itself (`.typ`).
const TABLE: &[(Kind, &[OutputFormat], &str, Place)] = &[
    (Kind::Partner, &[OutputFormat::Html], "partner.html", Place::Partner),
    (Kind::Partner, &[OutputFormat::Md], "partner.md", Place::Partner),
    (Kind::Partner, &[OutputFormat::Pdf, OutputFormat::Typ], "partner.typ", Place::Partner),
    (Kind::Network, &[OutputFormat::Html], "index.html", Place::Index),
    (Kind::Network, &[OutputFormat::Html], "network.html", Place::Network),
    (Kind::Network, &[OutputFormat::Md], "network.md", Place::Network),
    (Kind::Network, &[OutputFormat::Pdf, OutputFormat::Typ], "network.typ", Place::Network),
    (Kind::Shared, &[OutputFormat::Html], "shared.html", Place::Shared),
    (Kind::Shared, &[OutputFormat::Md], "shared.md", Place::Shared),
    (Kind::Shared, &[OutputFormat::Pdf, OutputFormat::Typ], "shared.typ", Place::Shared),
];

/// The path of `place` for partner `id`, without its extension.
fn stem(place: Place, id: &str) -> String {
    match place {
        Place::Partner => layout::partner(id),
        Place::Index => layout::INDEX.to_owned(),
        Place::Network => layout::NETWORK.to_owned(),
        Place::Shared => layout::shared(id),
    }
}

/// What making one report gave so far: its files (see [`Sink`]), and the formats that failed for
/// this report's data (each an error; the others are still written).
struct Made<'a> {
    files: Sink<'a>,
    failed: Vec<Error>,
    /// For a partner-facing report: what it would show that it must not.
    leaks: Vec<Leak>,
}

/// Where a report's files go as they are made: held, and written together (one entry in the
/// output folder's journal, synced once) when the report is done or once they pass [`HELD`], so
/// that the network report's files (tens of MB each at 10,000 partners) are not all held at once.
/// A partner-facing report's are held whole, until the whole report is scanned for leaks.
struct Sink<'a> {
    out: &'a OutputDir,
    partner: Option<&'a str>,
    /// Whether to hold every file until the end.
    whole: bool,
    held: Vec<Output>,
    entries: Vec<Entry>,
    /// How many files it was given.
    given: usize,
}

/// How many bytes of a report's files a [`Sink`] holds before writing them.
const HELD: usize = 1 << 20;

impl<'a> Sink<'a> {
    fn new(out: &'a OutputDir, partner: Option<&'a str>, whole: bool) -> Sink<'a> {
        Sink { out, partner, whole, held: Vec::new(), entries: Vec::new(), given: 0 }
    }

    fn put(&mut self, output: Output) -> Result<()> {
        self.given += 1;
        self.held.push(output);
        if !self.whole && self.held.iter().map(|o| o.bytes.as_ref().len()).sum::<usize>() > HELD {
            self.write()?;
        }
        Ok(())
    }

    fn write(&mut self) -> Result<()> {
        let held = std::mem::take(&mut self.held);
        self.entries.extend(self.out.write(self.partner, held)?);
        Ok(())
    }

    /// Writes the files it holds if the report is `complete` (else they are dropped); returns the
    /// manifest entries of every file written, whatever happened, and whether the last write
    /// did. A report not all of whose files were written is made again next time (no key).
    fn finish(mut self, complete: bool) -> (Vec<Entry>, Result<()>) {
        let written = if complete { self.write() } else { Ok(()) };
        if self.entries.len() < self.given {
            self.entries.iter_mut().for_each(|e| e.key = None);
        }
        (self.entries, written)
    }
}

/// What one report's files need besides the report.
pub struct Making<'a> {
    pub renderer: &'a Renderer,
    /// Makes the partner reports' contexts.
    pub builder: &'a crate::render::context::Builder<'a>,
    /// The renderers of the other languages partner-facing reports are written in.
    pub renderers: &'a [Renderer],
    pub formats: &'a std::collections::BTreeSet<OutputFormat>,
    pub pdf: &'a PdfSettings,
    /// The largest file one report may be.
    pub max_bytes: usize,
    pub logo: Option<&'a Asset>,
}

impl Making<'_> {
    /// The renderer of `report`'s language.
    fn renderer(&self, report: &Report) -> &Renderer {
        let lang = match report {
            Report::Shared(shared) => shared.context.common.lang,
            _ => self.renderer.lang(),
        };
        self.renderers.iter().find(|r| r.lang() == lang).unwrap_or(self.renderer)
    }
}

impl Report<'_> {
    fn kind(&self) -> Kind {
        match self {
            Report::Partner(_) => Kind::Partner,
            Report::Network(_) => Kind::Network,
            Report::Shared(..) => Kind::Shared,
        }
    }

    /// The partner whose report it is.
    pub fn partner(&self) -> Option<&str> {
        match self {
            Report::Partner(ctx) => Some(&ctx.partner.id),
            Report::Network(_) => None,
            Report::Shared(shared) => Some(&shared.context.relationship.id),
        }
    }

    /// The answer files it is made from, as the manifest lists them.
    fn inputs(&self) -> &[String] {
        match self {
            Report::Partner(ctx) => &ctx.sources,
            Report::Network(ctx) => &ctx.sources,
            Report::Shared(shared) => &shared.sources,
        }
    }

    /// Its charts, as file names and the SVG every format shares.
    fn charts(&self) -> Vec<Asset> {
        let chart = |file: &str, svg: &Svg| (file.to_owned(), svg.0.clone());
        match self {
            Report::Partner(PartnerContext { charts, .. })
            | Report::Shared(SharedReport { context: SharedContext { charts, .. }, .. }) => {
                std::iter::once(chart(&charts.radar_file, &charts.radar))
                    .chain(charts.trend_file.as_deref().zip(charts.trend.as_ref()).map(|(f, s)| chart(f, s)))
                    .collect()
            }
            Report::Network(ctx) => vec![chart(&ctx.charts.map_file, &ctx.charts.map)],
        }
    }

    /// The date its PDF is made on.
    fn date(&self) -> Date {
        match self {
            Report::Partner(ctx) => ctx.partner.date,
            Report::Network(ctx) => ctx.common.meta.date.unwrap_or(Date::EPOCH),
            Report::Shared(shared) => shared.context.common.meta.date.unwrap_or(Date::EPOCH),
        }
    }

    /// Its context as the templates see it, made once for all its formats.
    fn context(&self, renderer: &Renderer) -> Result<tera::Context> {
        match self {
            Report::Partner(ctx) => renderer.context(ctx),
            Report::Network(ctx) => renderer.context(ctx),
            Report::Shared(shared) => renderer.context(&shared.context),
        }
    }

    fn typst_error(
        &self,
        renderer: &Renderer,
        template: &str,
        source: &str,
        problems: &[pdf::Problem],
    ) -> Error {
        match self {
            Report::Partner(ctx) => typst_error(renderer, template, *ctx, source, problems),
            Report::Network(ctx) => typst_error(renderer, template, *ctx, source, problems),
            Report::Shared(shared) => typst_error(renderer, template, &shared.context, source, problems),
        }
    }
}

/// Makes every file of `report` in the formats asked for and writes them into `out` as they are
/// made (see [`Sink`]); a partner-facing report is scanned for leaks (see [`Secrets`]) first
/// and, if it has one, fails whole.
fn make(report: &Report, key: &str, m: &Making, out: &OutputDir) -> Written {
    let files = Sink::new(out, report.partner(), report.kind() == Kind::Shared);
    let mut made = Made { files, failed: Vec::new(), leaks: Vec::new() };
    let result = make_files(report, key, m, &mut made);
    let (entries, written) = made.files.finish(result.is_ok());
    (entries, result.and(written).map(|()| made.failed))
}

/// The files of [`make`], put into `made`.
fn make_files(report: &Report, key: &str, m: &Making, made: &mut Made) -> Result<()> {
    let shared = report.kind() == Kind::Shared;
    let id = report.partner().unwrap_or_default();
    let renderer = m.renderer(report);
    let context = report.context(renderer)?;
    let output = |path: String, bytes: Bytes, format| Output {
        path,
        bytes,
        format,
        inputs: report.inputs().to_vec(),
        shared,
        key: Some(key.to_owned()),
    };
    // The Typst source is compiled once the context is gone: a PDF takes the most memory.
    let mut typst_source = None;
    for &(kind, formats, template, place) in TABLE {
        if kind != report.kind() || !formats.iter().any(|f| m.formats.contains(f)) {
            continue;
        }
        let path = stem(place, id);
        match formats {
            [OutputFormat::Pdf, OutputFormat::Typ] => {
                typst_source = Some((template, path, renderer.render(Markup::Typst, template, &context)?));
            }
            [format] => {
                let markup = if *format == OutputFormat::Html { Markup::Html } else { Markup::Markdown };
                let text = renderer.render(markup, template, &context)?;
                made.files.put(output(format!("{path}.{format}"), Bytes::Own(text.into_bytes()), *format))?;
            }
            _ => {}
        }
    }
    drop(context);
    if let Some((template, path, source)) = typst_source {
        typst(report, source, m, template, &path, &output, made)?;
    }
    // A Markdown report shows its charts as files beside it.
    let charts_dir = match report.kind() {
        Kind::Partner => format!("{}/{}", layout::PARTNERS, layout::CHARTS),
        Kind::Network => layout::CHARTS.to_owned(),
        Kind::Shared => format!("{}/{id}/{}", layout::SHARED, layout::CHARTS),
    };
    if m.formats.contains(&OutputFormat::Md) {
        for (file, svg) in report.charts() {
            made.files.put(output(format!("{charts_dir}/{file}"), Bytes::Shared(svg), OutputFormat::Md))?;
        }
    }
    if let Report::Shared(SharedReport { secrets, .. }) = report {
        for o in &made.files.held {
            let text = match o.format {
                OutputFormat::Pdf => "",
                _ => std::str::from_utf8(o.bytes.as_ref()).unwrap_or_default(),
            };
            made.leaks.extend(secrets.scan(&o.path, text));
        }
        // The charts, wherever they go (into the PDF, or inline in the HTML, too).
        if !m.formats.contains(&OutputFormat::Md) {
            for (file, svg) in report.charts() {
                let path = format!("{charts_dir}/{file}");
                made.leaks.extend(secrets.scan(&path, std::str::from_utf8(&svg).unwrap_or_default()));
            }
        }
        if !made.leaks.is_empty() {
            made.files.held.clear();
            made.failed.push(Error::Leak(std::mem::take(&mut made.leaks)));
        }
    }
    Ok(())
}

/// The Typst source of a report (with its assets, for `.typ`) and the PDF compiled from it, as
/// the formats ask. A PDF Typst cannot compile, or one over the size limit, is an error of that
/// format only; the Typst source is still given.
fn typst(
    report: &Report,
    source: String,
    m: &Making,
    template: &str,
    stem: &str,
    output: &dyn Fn(String, Bytes, OutputFormat) -> Output,
    made: &mut Made,
) -> Result<()> {
    let renderer = m.renderer(report);
    let assets: Vec<Asset> = report.charts().into_iter().chain(m.logo.cloned()).collect();
    // A partner-facing PDF is made only from a source that shows nothing it must not; the
    // source is named where `--format typ` writes it.
    if let Report::Shared(SharedReport { secrets, .. }) = report {
        made.leaks.extend(secrets.scan(&format!("{}/{stem}.typ", layout::TYPST), &source));
        if !made.leaks.is_empty() {
            return Ok(());
        }
    }
    if m.formats.contains(&OutputFormat::Pdf) {
        let job = pdf::Job { template, source: source.clone(), assets: assets.clone(), date: report.date() };
        match pdf::compile(&job, m.pdf) {
            Ok(bytes) if bytes.len() > m.max_bytes => made.failed.push(Error::Template {
                name: template.to_owned(),
                message: format!(
                    "the PDF is {} bytes, more than the limit of one report (`report_bytes` under `[limits]`)",
                    bytes.len()
                ),
            }),
            Ok(bytes) => made.files.put(output(format!("{stem}.pdf"), Bytes::Own(bytes), OutputFormat::Pdf))?,
            Err(pdf::Failure::Typst(problems)) => {
                made.failed.push(report.typst_error(renderer, template, &source, &problems));
            }
            Err(pdf::Failure::Other(e)) => return Err(e),
        }
    }
    if m.formats.contains(&OutputFormat::Typ) {
        // The sources and their assets stay out of the deliverable's folders.
        let stem = format!("{}/{stem}", layout::TYPST);
        let dir = Path::new(&stem).parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
        let beside = |name: &str| format!("{dir}/{name}");
        made.files.put(output(format!("{stem}.typ"), Bytes::Own(source.into_bytes()), OutputFormat::Typ))?;
        for (name, bytes) in assets {
            made.files.put(output(beside(&name), Bytes::Shared(bytes), OutputFormat::Typ))?;
        }
    }
    Ok(())
}

/// Typst's problems with a document, each at the template line that made it when that can be
/// told, else at the line of the generated source.
fn typst_error(
    renderer: &Renderer,
    template: &str,
    ctx: &impl Serialize,
    source: &str,
    problems: &[pdf::Problem],
) -> Error {
    let offsets: Vec<usize> = problems.iter().map(|p| p.range.as_ref().map_or(0, |r| r.start)).collect();
    let origins = renderer.typst_origins(template, ctx, source, &offsets).unwrap_or_default();
    let message = pdf::describe(&format!("{template} (generated)"), source, problems, &origins);
    Error::Typst { template: template.to_owned(), message }
}

/// What making and writing one report gave: the entries of the files written (also of those
/// written before a failure that stops the build: they are in the folder, and the manifest must
/// say they are trustmap's), and the formats that failed for its data, or that failure.
pub type Written = (Vec<Entry>, Result<Vec<Error>>);

/// Makes every report's files and writes each report as soon as it is made, at most as many at
/// a time as `pool` has threads, under a watchdog that ends a runaway template or Typst document
/// (see [`collect`] for what it gives); a step of the `reporter`'s stage for each.
pub fn make_all(
    pool: &rayon::ThreadPool,
    reports: &[(Job, String)],
    making: &Making,
    out: &OutputDir,
    limits: &Limits,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    let watchdog = Watchdog::start(limits.memory_mb, Duration::from_secs(limits.render_seconds))?;
    let made = super::schedule::each_bounded(
        pool,
        reports,
        |(job, key)| {
            let _task = watchdog.task(
                job.partner()
                    .map_or("the network report".into(), |id| format!("the reports of partner `{id}`")),
            );
            let made = job.make(key, making, out);
            reporter.step();
            made
        },
        // A failure that is not one partner's data (a template, a full disk) stops the build.
        |(job, _), made| made.1.as_ref().map_or(true, |failed| job.partner().is_none() && !failed.is_empty()),
    );
    Ok(collect(reports, made, reporter))
}

/// What making the reports gave.
#[derive(Default)]
pub struct Outcome {
    /// The manifest entries of every file written.
    pub entries: Vec<Entry>,
    /// The partners one of whose formats failed (each error reported) ...
    pub failed: BTreeSet<String>,
    /// ... and those of them whose partner-facing report failed.
    pub withdrawn: BTreeSet<String>,
    /// The failure that stopped the build, if one did.
    pub stop: Option<Error>,
}

impl Outcome {
    /// Adds what making more reports gave.
    pub fn extend(&mut self, more: Outcome) {
        self.entries.extend(more.entries);
        self.failed.extend(more.failed);
        self.withdrawn.extend(more.withdrawn);
        self.stop = self.stop.take().or(more.stop);
    }
}

/// What making `reports` gave (`made`, in their order), each failure reported.
fn collect(reports: &[(Job, String)], made: Vec<Option<Written>>, reporter: &dyn Reporter) -> Outcome {
    let mut outcome = Outcome::default();
    for ((report, _), made) in reports.iter().zip(made).filter_map(|(r, m)| Some((r, m?))) {
        let (written, made) = made;
        outcome.entries.extend(written);
        match (made, report.partner()) {
            (Ok(problems), partner) => {
                for e in problems {
                    match partner {
                        Some(id) => {
                            reporter.error(&format!("partner `{id}`: {e}"));
                            outcome.failed.insert(id.to_owned());
                            if report.kind() == Kind::Shared {
                                outcome.withdrawn.insert(id.to_owned());
                            }
                        }
                        None => outcome.stop = outcome.stop.or(Some(e)),
                    }
                }
            }
            (Err(e), _) => outcome.stop = outcome.stop.or(Some(e)),
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outdir::Inputs;

    fn output(path: &str, bytes: usize) -> Output {
        Output {
            path: path.to_owned(),
            bytes: Bytes::Own(vec![b'x'; bytes]),
            format: OutputFormat::Md,
            inputs: Vec::new(),
            shared: false,
            key: Some("key".to_owned()),
        }
    }

    /// A report's files are written once they pass [`HELD`], the rest when it is done; one that
    /// cannot be written (a file of the user's in its place) costs the whole report its key, so
    /// that the next build makes it again.
    #[test]
    fn a_report_s_files_are_written_as_they_grow_and_one_not_written_costs_the_report_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let out = OutputDir::open(&path, &Inputs::default(), || {}).unwrap();
        std::fs::write(path.join("c.md"), "mine").unwrap();
        let mut sink = Sink::new(&out, None, false);
        sink.put(output("a.md", 10)).unwrap();
        assert!(!path.join("a.md").exists(), "a small file is held");
        sink.put(output("b.md", HELD)).unwrap();
        assert_eq!(
            std::fs::read(path.join("b.md")).unwrap().len(),
            HELD,
            "past the limit, what is held is written"
        );
        assert!(path.join("a.md").exists());
        sink.put(output("c.md", 10)).unwrap();
        let (entries, written) = sink.finish(true);
        written.unwrap();
        let written: Vec<(&str, Option<&str>)> =
            entries.iter().map(|e| (e.path.as_str(), e.key.as_deref())).collect();
        assert_eq!(written, [("a.md", None), ("b.md", None)]);
        assert_eq!(std::fs::read_to_string(path.join("c.md")).unwrap(), "mine");
        assert_eq!(out.notices(), [crate::outdir::Notice::NotOurs("c.md".to_owned())]);

        // A partner-facing report's files are held until it is done, however large.
        let mut sink = Sink::new(&out, None, true);
        sink.put(output("d.md", 2 * HELD)).unwrap();
        assert!(!path.join("d.md").exists());
        let (entries, written) = sink.finish(true);
        written.unwrap();
        assert_eq!(
            entries.iter().map(|e| (e.path.as_str(), e.key.as_deref())).collect::<Vec<_>>(),
            [("d.md", Some("key"))]
        );
        assert!(path.join("d.md").exists());
    }

    /// A report that fails part way (a template error that stops the build) writes nothing more,
    /// but the files it already wrote are still given, so that the manifest says they are
    /// trustmap's; without a key, so that the next build makes the report again.
    #[test]
    fn a_report_that_fails_part_way_still_gives_the_files_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let out = OutputDir::open(&path, &Inputs::default(), || {}).unwrap();
        let mut sink = Sink::new(&out, None, false);
        sink.put(output("index.html", HELD + 1)).unwrap();
        sink.put(output("network.html", 10)).unwrap();
        let (entries, written) = sink.finish(false);
        written.unwrap();
        let given: Vec<(&str, Option<&str>)> =
            entries.iter().map(|e| (e.path.as_str(), e.key.as_deref())).collect();
        assert_eq!(given, [("index.html", None)]);
        assert!(path.join("index.html").exists());
        assert!(!path.join("network.html").exists(), "a file of a report that failed is not written");
    }
}
