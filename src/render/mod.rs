//! Renders report contexts through Tera templates, one Tera instance per output language
//! (HTML, Markdown, Typst) so each has its own escaping. Built-in templates are embedded under
//! the `builtin/` prefix; a workspace `templates/` folder overrides any of them by name and may
//! `{% extends "builtin/…" %}` them.

pub mod context;
pub mod escape;
pub mod functions;
pub mod labels;
pub mod note;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use tera::{Kwargs, State, Tera, Value};

use crate::diagnostic::{Diagnostic, Lines};
use crate::model::Lang;
use crate::render::labels::Labels;
use crate::workspace::Limits;
use crate::{Error, Result};

/// The prefix under which the built-in templates live.
pub const BUILTIN_PREFIX: &str = "builtin/";

/// The built-in templates, by name.
pub const BUILTINS: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("partner.html", include_str!("../../templates/partner.html")),
    ("network.html", include_str!("../../templates/network.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("partner.md", include_str!("../../templates/partner.md")),
    ("network.md", include_str!("../../templates/network.md")),
    ("report.typ", include_str!("../../templates/report.typ")),
    ("partner.typ", include_str!("../../templates/partner.typ")),
    ("network.typ", include_str!("../../templates/network.typ")),
    ("shared.html", include_str!("../../templates/shared.html")),
    ("shared.md", include_str!("../../templates/shared.md")),
    ("shared.typ", include_str!("../../templates/shared.typ")),
    (labels::FILE, labels::BUILTIN),
];

/// An output language of the templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Html,
    Markdown,
    Typst,
}

impl Markup {
    pub fn extension(self) -> &'static str {
        match self {
            Markup::Html => "html",
            Markup::Markdown => "md",
            Markup::Typst => "typ",
        }
    }
}

/// The three template engines of a build.
pub struct Renderer {
    lang: Lang,
    /// The labels templates reach through `t`: the built-ins with the workspace's rewordings.
    labels: Arc<Labels>,
    /// Bounds on one rendered output: its size, and the time it may take.
    bounds: Bounds,
    html: Engine,
    markdown: Engine,
    /// Its sources also tell which template line made a Typst error.
    typst: Engine,
    /// `typst` again, with a marker after every template line; made on the first Typst error.
    typst_marked: OnceLock<Option<Tera>>,
    /// For each kind of report, the sha256 of the templates it may read and of the labels: the
    /// keys of incremental builds.
    fingerprints: BTreeMap<&'static str, String>,
}

/// The kinds of report and the names of their own templates. A report may read any template but
/// those of the other kinds (a user's partial is read by all).
const REPORTS: &[(&str, &[&str])] = &[
    ("partner", &["partner.html", "partner.md", "partner.typ"]),
    ("network", &["network.html", "network.md", "network.typ", "index.html"]),
    ("shared", &["shared.html", "shared.md", "shared.typ"]),
];

/// Whether a report of kind `report` may read the template called `name` (a user's, or a
/// built-in under [`BUILTIN_PREFIX`]).
fn reads(report: &str, name: &str) -> bool {
    let name = name.strip_prefix(BUILTIN_PREFIX).unwrap_or(name);
    REPORTS.iter().all(|(kind, own)| *kind == report || !own.contains(&name))
}

/// The templates of one markup, loaded, and their texts, which its errors quote.
struct Engine {
    tera: Tera,
    sources: Vec<Source>,
}

/// A template as loaded.
struct Source {
    /// The name Tera knows it by.
    name: String,
    text: String,
    /// Where it came from, as shown in errors: a path, or `builtin/…`.
    file: String,
}

/// A line of a template: where part of a rendered output came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub text: String,
}

/// The markers' delimiters: characters of Unicode's private use area.
const MARK_OPEN: char = '\u{F8F0}';
const MARK_CLOSE: char = '\u{F8F1}';

fn number(value: &Value, lang: Lang, signed: bool) -> String {
    percent(value, lang, signed, "")
}

/// [`crate::model::number`] then `unit`, or `–` for no value.
fn percent(value: &Value, lang: Lang, signed: bool, unit: &str) -> String {
    match value.as_f64() {
        Some(x) => format!("{}{unit}", crate::model::number(x, lang, signed)),
        None => "–".into(),
    }
}

/// How large one rendered output may be, and how long it may take.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    bytes: usize,
    time: Duration,
}

/// A writer that holds a rendered output and stops the template once it grows past its size or
/// its time, so a runaway template (a loop writing gigabytes) fails that report quickly.
struct Capped {
    bytes: Vec<u8>,
    bounds: Bounds,
    started: Instant,
    /// How many writes there have been: the clock is read once every [`CLOCK_EVERY`] of them
    /// (a template writes in small pieces, and reading it on each was 3% of a build).
    writes: u32,
    /// Which bound was passed.
    passed: Option<&'static str>,
}

/// How many writes of a template's output there are between two readings of the clock.
const CLOCK_EVERY: u32 = 256;

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.bounds.bytes {
            self.passed = Some("size");
        } else if self.writes.is_multiple_of(CLOCK_EVERY) && self.started.elapsed() > self.bounds.time {
            self.passed = Some("time");
        }
        if self.passed.is_some() {
            return Err(std::io::Error::other("the output passed its limit"));
        }
        self.writes = self.writes.wrapping_add(1);
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Renderer {
    /// Loads the built-ins and, if `user_dir` exists, the workspace's own templates.
    pub fn new(user_dir: Option<&Path>, lang: Lang, limits: &Limits) -> Result<Renderer> {
        let labels = Arc::new(Labels::load(user_dir)?);
        // Each template is read once: the marked copy made on a Typst error is of the same text.
        let load = |markup| -> Result<Engine> {
            let sources = sources(markup, user_dir)?;
            let mut tera = engine(markup, lang, &labels)?;
            add(&mut tera, &sources, |text, _| text.to_owned())?;
            Ok(Engine { tera, sources })
        };
        let (html, markdown, typst) = (load(Markup::Html)?, load(Markup::Markdown)?, load(Markup::Typst)?);
        let fingerprints = REPORTS
            .iter()
            .map(|&(report, _)| {
                let texts: Vec<(&str, &str)> = [&html, &markdown, &typst]
                    .iter()
                    .flat_map(|e| &e.sources)
                    .filter(|source| reads(report, &source.name))
                    .map(|source| (source.name.as_str(), source.text.as_str()))
                    .collect();
                (report, crate::model::sha256_json(&(texts, labels.as_ref())))
            })
            .collect();
        Ok(Renderer {
            lang,
            fingerprints,
            labels: labels.clone(),
            bounds: Bounds { bytes: limits.report_bytes, time: Duration::from_secs(limits.render_seconds) },
            html,
            markdown,
            typst,
            typst_marked: OnceLock::new(),
        })
    }

    /// The sha256 of the templates a report of `kind` (`partner`, `network`, `shared`) may read
    /// and of the labels.
    pub fn fingerprint(&self, kind: &str) -> &str {
        self.fingerprints.get(kind).map_or("", String::as_str)
    }

    /// The language the templates' functions speak.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The labels the templates see.
    pub fn labels(&self) -> &Labels {
        &self.labels
    }

    /// Renders template `name` (e.g. `partner.html`) with `context`, made once by
    /// [`Renderer::context`] for all the formats of a report.
    pub fn render(&self, markup: Markup, name: &str, context: &tera::Context) -> Result<String> {
        let engine = match markup {
            Markup::Html => &self.html,
            Markup::Markdown => &self.markdown,
            Markup::Typst => &self.typst,
        };
        render(&engine.tera, &engine.sources, name, context, self.bounds)
    }

    /// `context` as the templates see it.
    pub fn context(&self, context: &impl Serialize) -> Result<tera::Context> {
        tera::Context::from_serialize(context).map_err(|e| template_error("(the report's context)", &e, &[]))
    }

    /// Which template line made each of `offsets` in `output`, the Typst source rendered from
    /// template `name` with `context`.
    ///
    /// Renders it again with a marker before the text of each template line (see [`mark`]), so
    /// the last marker at or before an offset names its line. `None` when that second output
    /// differs from `output` in more than the markers, so a wrong line is never given.
    pub fn typst_origins(
        &self,
        name: &str,
        context: &impl Serialize,
        output: &str,
        offsets: &[usize],
    ) -> Option<Vec<Option<Origin>>> {
        let marked = self
            .typst_marked
            .get_or_init(|| {
                let mut tera = engine(Markup::Typst, self.lang, &self.labels).ok()?;
                add(&mut tera, &self.typst.sources, mark).ok()?;
                Some(tera)
            })
            .as_ref()?;
        let bounds = Bounds { bytes: self.bounds.bytes.saturating_mul(2), ..self.bounds };
        let context = self.context(context).ok()?;
        let (plain, marks) = strip_marks(&render(marked, &self.typst.sources, name, &context, bounds).ok()?);
        if plain != output {
            return None;
        }
        Some(
            offsets
                .iter()
                .map(|&offset| {
                    let &(_, index, line) = marks.iter().rev().find(|(at, _, _)| *at <= offset)?;
                    let source = self.typst.sources.get(index)?;
                    let text = source.text.lines().nth(line.checked_sub(1)?)?.to_owned();
                    Some(Origin { file: source.file.clone(), line, text })
                })
                .collect(),
        )
    }
}

fn render(
    tera: &Tera,
    sources: &[Source],
    name: &str,
    context: &tera::Context,
    bounds: Bounds,
) -> Result<String> {
    let mut out = Capped { bytes: Vec::new(), bounds, started: Instant::now(), writes: 0, passed: None };
    let result = tera.render_to(name, context, &mut out);
    match (result, out.passed) {
        (Err(_), Some("size")) => Err(Error::Template {
            name: name.to_owned(),
            message: format!(
                "the output grew past {} bytes, the limit of one report (`report_bytes` under `[limits]`); does a loop run away?",
                bounds.bytes
            ),
        }),
        (Err(_), Some(_)) => Err(Error::Template {
            name: name.to_owned(),
            message: format!(
                "rendering took more than {} s, the limit of one report (`render_seconds` under `[limits]`); does a loop run away?",
                bounds.time.as_secs()
            ),
        }),
        (Err(e), None) => Err(template_error(name, &e, sources)),
        (Ok(()), _) => String::from_utf8(out.bytes).map_err(|e| Error::Template {
            name: name.to_owned(),
            message: format!("the output is not UTF-8 ({e})"),
        }),
    }
}

/// `text` (template number `index`) with a marker `{MARK_OPEN}index:line{MARK_CLOSE}` before the
/// text each line contributes: before the first visible character of each line of literal text
/// (raw blocks included), and before each `{{ … }}`. A marker sits in the same block, loop or
/// branch as the text it names, so it is output exactly when that text is, and the last marker
/// before any point of the output names the line that made it. Tags, comments and white space
/// get none, and a `{{-` gets its marker ahead of the white space it trims, so that trimming
/// (`{%-`, `-%}`) removes exactly what it would have; a child template's text outside its
/// blocks, which may only be white space, gets none either.
fn mark(text: &str, index: usize) -> String {
    const TAGS: [(&str, &str); 3] = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")];
    let marker = |line: usize| format!("{MARK_OPEN}{index}:{line}{MARK_CLOSE}");
    // The keyword of a `{% … %}` tag.
    let keyword = |tag: &str| -> String {
        let tag = tag.trim_start_matches("{%").trim_start_matches('-').trim_start();
        tag.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let (mut line, mut due, mut raw) = (1, true, false);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let tag = TAGS
            .iter()
            .find(|(open, _)| rest.starts_with(open))
            .filter(|(open, _)| !raw || (*open == "{%" && keyword(rest) == "endraw"));
        if let Some((open, close)) = tag {
            let end = rest[open.len()..].find(close).map_or(rest.len(), |i| open.len() + i + close.len());
            let tag = &rest[..end];
            if *open == "{{" {
                let at = if tag.starts_with("{{-") { out.trim_end().len() } else { out.len() };
                out.insert_str(at, &marker(line));
            }
            if *open == "{%" {
                raw = keyword(tag) == "raw";
            }
            out.push_str(tag);
            line += tag.matches('\n').count();
            due = true;
            rest = &rest[end..];
            continue;
        }
        if c == '\n' {
            line += 1;
            due = true;
        } else if due && !c.is_whitespace() {
            out.push_str(&marker(line));
            due = false;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `text` without its markers, and each marker's (offset in the result, template, line).
fn strip_marks(text: &str) -> (String, Vec<(usize, usize, usize)>) {
    let mut plain = String::with_capacity(text.len());
    let mut marks = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(MARK_OPEN) {
        plain.push_str(&rest[..at]);
        rest = &rest[at..];
        let parsed = rest[MARK_OPEN.len_utf8()..].split_once(MARK_CLOSE).and_then(|(mark, after)| {
            let (index, line) = mark.split_once(':')?;
            Some((index.parse().ok()?, line.parse().ok()?, after))
        });
        match parsed {
            Some((index, line, after)) => {
                marks.push((plain.len(), index, line));
                rest = after;
            }
            None => {
                plain.push(MARK_OPEN);
                rest = &rest[MARK_OPEN.len_utf8()..];
            }
        }
    }
    plain.push_str(rest);
    (plain, marks)
}

/// Tera's error about template `name`: when it points into a template of `sources`, as a
/// diagnostic quoting that template's line; its causes follow the message.
fn template_error(name: &str, e: &tera::Error, sources: &[Source]) -> Error {
    let mut causes = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        causes.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let located = match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            sources.iter().find(|s| s.name == report.filename()).map(|s| (report, s))
        }
        _ => None,
    };
    match located {
        Some((report, source)) => {
            let range = &report.span().range;
            let span = Lines::new(&source.text).span(range.start, range.len());
            let message = format!("{}{causes}", report.message());
            let mut diagnostic = Diagnostic::error(Path::new(&source.file), span, "template", message);
            if report.message().starts_with("Variable `t` is not defined") {
                // Templates written for trustmap before labels became a function.
                diagnostic =
                    diagnostic.with_help("labels are shown with the `t` function: `{{ t(key=\"round\") }}`");
            }
            Error::TemplateAt {
                name: name.to_owned(),
                diagnostic: diagnostic.render(Some(&source.text), false).trim_end().into(),
            }
        }
        None => Error::Template { name: name.to_owned(), message: format!("{e}{causes}") },
    }
}

/// A Tera instance for `markup`, with its escaping and filters, and no templates yet.
fn engine(markup: Markup, lang: Lang, labels: &Arc<Labels>) -> Result<Tera> {
    let ext = markup.extension();
    let mut tera = Tera::new();
    tera.set_fallback_prefixes([BUILTIN_PREFIX]).map_err(|e| template_error("(setup)", &e, &[]))?;
    tera.autoescape_on([format!(".{ext}")]);
    match markup {
        Markup::Html => tera.set_escape_fn(escape::escape_html),
        Markup::Markdown => tera.set_escape_fn(escape::escape_markdown),
        Markup::Typst => tera.set_escape_fn(escape::escape_typst),
    }
    functions::register(&mut tera, lang, labels);
    tera.register_filter("num", move |x: Value, _: Kwargs, _: &State| number(&x, lang, false));
    tera.register_filter("signed", move |x: Value, _: Kwargs, _: &State| number(&x, lang, true));
    tera.register_filter("pct", move |x: Value, _: Kwargs, _: &State| percent(&x, lang, false, "%"));
    tera.register_filter("signed_pct", move |x: Value, _: Kwargs, _: &State| percent(&x, lang, true, "%"));
    match markup {
        Markup::Html => tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
            Value::safe_string(&note::to_html(&x))
        }),
        Markup::Markdown => tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
            Value::safe_string(&note::to_markdown(&x))
        }),
        Markup::Typst => {
            tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
                Value::safe_string(&note::to_typst(&x))
            });
            // A value inside Typst code, as a string literal.
            tera.register_filter("str", |x: Value, _: Kwargs, _: &State| {
                let text = x
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| if x.is_none() { String::new() } else { x.to_string() });
                Value::safe_string(&escape::typst_string(&text))
            });
        }
    }
    Ok(tera)
}

/// The templates for `markup`: the built-ins under `builtin/`, then the workspace's own.
fn sources(markup: Markup, user_dir: Option<&Path>) -> Result<Vec<Source>> {
    let ext = markup.extension();
    let mut sources: Vec<Source> = BUILTINS
        .iter()
        .filter(|(name, _)| name.ends_with(&format!(".{ext}")))
        .map(|(name, text)| Source {
            name: format!("{BUILTIN_PREFIX}{name}"),
            text: (*text).to_owned(),
            file: format!("{BUILTIN_PREFIX}{name}"),
        })
        .collect();
    if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::Read { path: dir.into(), cause: e })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        for path in files {
            let text = read_workspace_file(dir, &path)?;
            sources.push(Source {
                name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                text,
                file: path.strip_prefix(".").unwrap_or(&path).display().to_string(),
            });
        }
    }
    Ok(sources)
}

/// The text of `path`, a file in the workspace's templates folder `dir`. A template is part of
/// the workspace: a link out of it (to a private file, say) is not read into a report.
pub(crate) fn read_workspace_file(dir: &Path, path: &Path) -> Result<String> {
    let home = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let home = home.canonicalize().map_err(|e| Error::Read { path: home.into(), cause: e })?;
    if !path.canonicalize().is_ok_and(|real| real.starts_with(&home)) {
        return Err(Error::Template {
            name: path.display().to_string(),
            message: "a symbolic link to outside the workspace; copy the file into `templates/`".into(),
        });
    }
    std::fs::read_to_string(path).map_err(|e| Error::Read { path: path.into(), cause: e })
}

/// Adds `sources` to `tera`, each as `text(source, its index)`: the built-ins together, then the
/// workspace's one by one, so an error names the file.
fn add(tera: &mut Tera, sources: &[Source], text: impl Fn(&str, usize) -> String) -> Result<()> {
    let (builtins, own): (Vec<_>, Vec<_>) =
        sources.iter().enumerate().partition(|(_, s)| s.name.starts_with(BUILTIN_PREFIX));
    tera.add_raw_templates(builtins.iter().map(|(i, s)| (s.name.clone(), text(&s.text, *i))))
        .map_err(|e| template_error("(built-in)", &e, sources))?;
    for (i, source) in own {
        tera.add_raw_template(&source.name, &text(&source.text, i))
            .map_err(|e| template_error(&source.file, &e, sources))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renders template `name` of `templates` plainly and with markers; asserts that the markers
    /// are all that differs, and returns the plain output and the markers.
    fn marked(
        templates: &[(&str, &str)],
        name: &str,
        ctx: serde_json::Value,
    ) -> (String, Vec<(usize, usize, usize)>) {
        let sources: Vec<Source> = templates
            .iter()
            .map(|(name, text)| Source { name: (*name).into(), text: (*text).into(), file: (*name).into() })
            .collect();
        let mut plain = engine(Markup::Typst, Lang::En, &Arc::new(Labels::builtin().clone())).unwrap();
        add(&mut plain, &sources, |text, _| text.to_owned()).unwrap();
        let mut with_marks = engine(Markup::Typst, Lang::En, &Arc::new(Labels::builtin().clone())).unwrap();
        add(&mut with_marks, &sources, mark).unwrap();
        let bounds = Bounds { bytes: 1 << 20, time: Duration::from_secs(60) };
        let ctx = tera::Context::from_serialize(&ctx).unwrap();
        let expected = render(&plain, &sources, name, &ctx, bounds).unwrap();
        let (output, marks) = strip_marks(&render(&with_marks, &sources, name, &ctx, bounds).unwrap());
        assert_eq!(output, expected, "the markers change nothing else");
        (output, marks)
    }

    /// (template, line) of the text `needle` in `output`.
    fn origin(output: &str, marks: &[(usize, usize, usize)], needle: &str) -> (usize, usize) {
        let at = output.find(needle).unwrap();
        let &(_, index, line) = marks.iter().rev().find(|(m, _, _)| *m <= at).unwrap();
        (index, line)
    }

    #[test]
    fn markers_name_the_line_that_made_the_text_and_leave_the_output_alone() {
        let template = "a\n{% for x in xs -%}\n  - item {{ x }}\n{%- endfor %}\n\n{% if true -%}\nb {{ 1 }}  \n  {%- endif %}\nc {# note -#}\n  d\n{{ \"end\" }}";
        let (output, marks) = marked(&[("t.typ", template)], "t.typ", serde_json::json!({ "xs": [1, 2] }));
        assert_eq!(output, "a\n- item 1- item 2\n\nb 1\nc d\nend");
        for (needle, line) in
            [("a\n", 1), ("item 2", 3), ("- item 2", 3), ("b 1", 7), ("c ", 9), ("d", 10), ("end", 11)]
        {
            assert_eq!(origin(&output, &marks, needle), (0, line), "{needle:?}");
        }
    }

    #[test]
    fn text_before_a_loop_or_branch_that_outputs_nothing_keeps_its_line() {
        let ctx = serde_json::json!({ "xs": [], "c": false, "v": "abc" });
        for (template, needle, line) in [
            ("#bad( {% for x in xs %}{{ x }}{% endfor -%}\nok", "#bad(", 1),
            ("head{% if c %} tail{% endif -%}\n\nnext", "head", 1),
            ("#bad( {% if c %}\nyes\n{% endif %}\nafter", "#bad(", 1),
            ("#table(columns: 2, {%- for p in xs -%}\n  [{{ p }}],\n{%- endfor %})", "#table", 1),
            ("#table(columns: 2, {%- for p in xs -%}\n  [{{ p }}],\n{%- endfor %})", ")", 3),
            ("#let v = {{ v | str -}}\n  + 1", "abc", 1),
            ("#let v = {{ v | str -}}\n  + 1", "+ 1", 2),
            ("x\n   {{- v }}\ny", "abc", 2),
            ("{% raw %}{{ not a tag\n#bad({% endraw %}\n{{ v }}", "#bad(", 2),
            ("{%raw%}{{ not a tag\n#bad({%endraw%}\n{{ v }}", "abc", 3),
        ] {
            let (output, marks) = marked(&[("t.typ", template)], "t.typ", ctx.clone());
            assert_eq!(origin(&output, &marks, needle), (0, line), "{needle:?} in {template:?}");
        }
    }

    #[test]
    fn a_child_template_is_marked_inside_its_blocks_and_an_include_in_its_own_lines() {
        let templates = [
            ("part.typ", "included\n"),
            (
                "base.typ",
                "top {% block title %}{% endblock %}\n{% block body %}default{% endblock %}\n{% include \"part.typ\" %}\n",
            ),
            (
                "child.typ",
                "{%extends \"base.typ\"%}\n{# a comment #}\n{% block title %}#bad({% endblock %}\n{% block body -%}\nmine\n{% endblock %}\n",
            ),
        ];
        let (output, marks) = marked(&templates, "child.typ", serde_json::json!({}));
        assert_eq!(output, "top #bad(\nmine\n\nincluded\n\n");
        assert_eq!(origin(&output, &marks, "top"), (1, 1));
        assert_eq!(origin(&output, &marks, "#bad("), (2, 3));
        assert_eq!(origin(&output, &marks, "mine"), (2, 5));
        assert_eq!(origin(&output, &marks, "included"), (0, 1));
    }

    #[test]
    fn a_component_is_placed_where_it_is_defined() {
        let templates = [
            ("components.typ", "{% component row(x) -%}\n#row({{ x }})\n{%- endcomponent row %}\n"),
            ("t.typ", "first\n{{ <row x={1}/> }}\nlast\n"),
        ];
        let (output, marks) = marked(&templates, "t.typ", serde_json::json!({}));
        assert_eq!(output, "first\n#row(1)\nlast\n");
        assert_eq!(origin(&output, &marks, "first"), (1, 1));
        assert_eq!(origin(&output, &marks, "#row"), (0, 2));
        assert_eq!(origin(&output, &marks, "1)"), (0, 2));
        assert_eq!(origin(&output, &marks, "last"), (1, 3));
    }

    #[test]
    fn text_that_looks_like_a_marker_is_kept() {
        let text = format!("a{MARK_OPEN}b{MARK_OPEN}0:7{MARK_CLOSE}c");
        assert_eq!(strip_marks(&text), (format!("a{MARK_OPEN}bc"), vec![(2 + MARK_OPEN.len_utf8(), 0, 7)]));
    }
}
