//! Renders report contexts through Tera templates, one Tera instance per output language
//! (HTML, Markdown, Typst) so each has its own escaping. Built-in templates are embedded under
//! the `builtin/` prefix; a workspace `templates/` folder overrides any of them by name and may
//! `{% extends "builtin/…" %}` them.

pub mod charts;
pub mod context;
pub mod escape;

use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use tera::{Kwargs, State, Tera, Value};

use crate::model::Lang;
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
    html: Tera,
    markdown: Tera,
    typst: Tera,
    /// The Typst templates, to tell which line of them made a Typst error.
    typst_sources: Vec<Source>,
    /// `typst` again, with a marker after every template line; made on the first Typst error.
    typst_marked: OnceLock<Option<Tera>>,
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

/// One decimal (dropped when zero), a decimal comma in Dutch, `–` for no value, then `unit`.
fn percent(value: &Value, lang: Lang, signed: bool, unit: &str) -> String {
    let Some(x) = value.as_f64() else { return "–".into() };
    let text = if signed { format!("{x:+.1}") } else { format!("{x:.1}") };
    let text = text.strip_suffix(".0").map(str::to_owned).unwrap_or(text);
    let text = match lang {
        Lang::Nl => text.replace('.', ","),
        Lang::En => text,
    };
    format!("{text}{unit}")
}

impl Renderer {
    /// Loads the built-ins and, if `user_dir` exists, the workspace's own templates.
    pub fn new(user_dir: Option<&Path>, lang: Lang) -> Result<Renderer> {
        let load = |markup| -> Result<Tera> {
            let mut tera = engine(markup, lang)?;
            add(&mut tera, &sources(markup, user_dir)?, |text, _| text.to_owned())?;
            Ok(tera)
        };
        Ok(Renderer {
            lang,
            html: load(Markup::Html)?,
            markdown: load(Markup::Markdown)?,
            typst: load(Markup::Typst)?,
            typst_sources: sources(Markup::Typst, user_dir)?,
            typst_marked: OnceLock::new(),
        })
    }

    /// Renders template `name` (e.g. `partner.html`) with `context`.
    pub fn render(&self, markup: Markup, name: &str, context: &impl Serialize) -> Result<String> {
        let tera = match markup {
            Markup::Html => &self.html,
            Markup::Markdown => &self.markdown,
            Markup::Typst => &self.typst,
        };
        render(tera, name, context)
    }

    /// Which template line made each of `offsets` in `output`, the Typst source rendered from
    /// template `name` with `context`.
    ///
    /// Renders it again with a marker after each template line's output (outside Tera tags), so
    /// the first marker at or after an offset names its line. `None` when that second output
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
                let mut tera = engine(Markup::Typst, self.lang).ok()?;
                add(&mut tera, &self.typst_sources, mark).ok()?;
                Some(tera)
            })
            .as_ref()?;
        let (plain, marks) = strip_marks(&render(marked, name, context).ok()?);
        if plain != output {
            return None;
        }
        Some(
            offsets
                .iter()
                .map(|&offset| {
                    let &(_, index, line) =
                        marks.iter().find(|(at, _, _)| ends_before(output, *at, offset))?;
                    let source = self.typst_sources.get(index)?;
                    let text = source.text.lines().nth(line.checked_sub(1)?)?.to_owned();
                    Some(Origin { file: source.file.clone(), line, text })
                })
                .collect(),
        )
    }
}

/// Whether a marker at `at` ends the text that holds `offset`: it is after it, or right at it
/// and what is there is the line's end (text there belongs to a later line, whose own marker
/// comes later).
fn ends_before(output: &str, at: usize, offset: usize) -> bool {
    at > offset || (at == offset && output[at..].chars().next().is_none_or(char::is_whitespace))
}

fn render(tera: &Tera, name: &str, context: &impl Serialize) -> Result<String> {
    let context = tera::Context::from_serialize(context).map_err(|e| template_error(name, &e))?;
    tera.render(name, &context).map_err(|e| template_error(name, &e))
}

/// `text` (template number `index`) with a marker `{MARK_OPEN}index:line{MARK_CLOSE}` after the
/// last visible character of each line that is outside Tera tags. Where that would stop a tag's
/// `-%}` from trimming the whitespace after it, the marker goes before the tag instead; blank
/// lines get none, so that a `{%-` on the next line trims exactly what it would have. A template
/// that extends another gets markers only inside its blocks, the only text it may have.
fn mark(text: &str, index: usize) -> String {
    const TAGS: [(&str, &str); 3] = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")];
    let extends = text.contains("{% extends") || text.contains("{%- extends");
    let mut blocks = 0usize;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut inside: Option<&str> = None;
    // In `out`: where the current line starts, and where its last tag opened.
    let (mut line_start, mut tag_start) = (0, None);
    let mut line = 1;
    let mut rest = text;
    loop {
        if let Some(close) = inside {
            if let Some(after) = rest.strip_prefix(close) {
                out.push_str(close);
                rest = after;
                inside = None;
                if let Some(tag) = tag_start.and_then(|at| out[at..].strip_prefix("{%")) {
                    match tag.trim_start_matches('-').split_whitespace().next() {
                        Some("block") => blocks += 1,
                        Some("endblock") => blocks = blocks.saturating_sub(1),
                        _ => {}
                    }
                }
                continue;
            }
        } else if let Some((open, close)) = TAGS.iter().find(|(open, _)| rest.starts_with(open)) {
            tag_start = Some(out.len());
            out.push_str(open);
            rest = &rest[open.len()..];
            inside = Some(close);
            continue;
        }
        let next = rest.chars().next();
        if inside.is_none() && (!extends || blocks > 0) && matches!(next, Some('\n') | None) {
            let visible = out[line_start..].trim_end_matches([' ', '\t', '\r']).len();
            let marker = format!("{MARK_OPEN}{index}:{line}{MARK_CLOSE}");
            let content = &out[line_start..line_start + visible];
            if content.ends_with("-}}") || content.ends_with("-%}") || content.ends_with("-#}") {
                let trims_before = |at: usize| ["{{-", "{%-", "{#-"].iter().any(|t| out[at..].starts_with(t));
                if let Some(at) = tag_start.filter(|&at| !trims_before(at)) {
                    out.insert_str(at, &marker);
                }
            } else if visible > 0 {
                out.insert_str(line_start + visible, &marker);
            }
        }
        let Some(c) = next else { break };
        out.push(c);
        rest = &rest[c.len_utf8()..];
        if c == '\n' {
            line += 1;
            line_start = out.len();
            tag_start = None;
        }
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

fn template_error(name: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Error::Template { name: name.to_owned(), message }
}

/// A Tera instance for `markup`, with its escaping and filters, and no templates yet.
fn engine(markup: Markup, lang: Lang) -> Result<Tera> {
    let ext = markup.extension();
    let mut tera = Tera::new();
    tera.set_fallback_prefixes([BUILTIN_PREFIX]).map_err(|e| template_error("(setup)", &e))?;
    tera.autoescape_on([format!(".{ext}")]);
    match markup {
        Markup::Html => {}
        Markup::Markdown => tera.set_escape_fn(escape::escape_markdown),
        Markup::Typst => tera.set_escape_fn(escape::escape_typst),
    }
    tera.register_filter("num", move |x: Value, _: Kwargs, _: &State| number(&x, lang, false));
    tera.register_filter("signed", move |x: Value, _: Kwargs, _: &State| number(&x, lang, true));
    tera.register_filter("pct", move |x: Value, _: Kwargs, _: &State| percent(&x, lang, false, "%"));
    tera.register_filter("signed_pct", move |x: Value, _: Kwargs, _: &State| percent(&x, lang, true, "%"));
    match markup {
        Markup::Html => tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
            Value::safe_string(&escape::note_to_html(&x))
        }),
        Markup::Markdown => tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
            Value::safe_string(&escape::note_to_markdown(&x))
        }),
        Markup::Typst => {
            tera.register_filter("note", |x: String, _: Kwargs, _: &State| {
                Value::safe_string(&escape::note_to_typst(&x))
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
            let text =
                std::fs::read_to_string(&path).map_err(|e| Error::Read { path: path.clone(), cause: e })?;
            sources.push(Source {
                name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                text,
                file: path.strip_prefix(".").unwrap_or(&path).display().to_string(),
            });
        }
    }
    Ok(sources)
}

/// Adds `sources` to `tera`, each as `text(source, its index)`: the built-ins together, then the
/// workspace's one by one, so an error names the file.
fn add(tera: &mut Tera, sources: &[Source], text: impl Fn(&str, usize) -> String) -> Result<()> {
    let (builtins, own): (Vec<_>, Vec<_>) =
        sources.iter().enumerate().partition(|(_, s)| s.name.starts_with(BUILTIN_PREFIX));
    tera.add_raw_templates(builtins.iter().map(|(i, s)| (s.name.clone(), text(&s.text, *i))))
        .map_err(|e| template_error("(built-in)", &e))?;
    for (i, source) in own {
        tera.add_raw_template(&source.name, &text(&source.text, i))
            .map_err(|e| template_error(&source.file, &e))?;
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
        let mut plain = engine(Markup::Typst, Lang::En).unwrap();
        add(&mut plain, &sources, |text, _| text.to_owned()).unwrap();
        let mut with_marks = engine(Markup::Typst, Lang::En).unwrap();
        add(&mut with_marks, &sources, mark).unwrap();
        let expected = render(&plain, name, &ctx).unwrap();
        let (output, marks) = strip_marks(&render(&with_marks, name, &ctx).unwrap());
        assert_eq!(output, expected, "the markers change nothing else");
        (output, marks)
    }

    /// (template, line) of the text `needle` in `output`.
    fn origin(output: &str, marks: &[(usize, usize, usize)], needle: &str) -> (usize, usize) {
        let at = output.find(needle).unwrap();
        let &(_, index, line) = marks.iter().find(|(m, _, _)| ends_before(output, *m, at)).unwrap();
        (index, line)
    }

    #[test]
    fn markers_name_the_line_that_made_the_text_and_leave_the_output_alone() {
        let template = "a\n{% for x in xs -%}\n  - item {{ x }}\n{%- endfor %}\n\n{% if true -%}\nb {{ 1 }}  \n  {%- endif %}\nc {# note -#}\n  d\n{{ \"end\" }}";
        let (output, marks) = marked(&[("t.typ", template)], "t.typ", serde_json::json!({ "xs": [1, 2] }));
        assert_eq!(output, "a\n- item 1- item 2\n\nb 1\nc d\nend");
        assert_eq!(origin(&output, &marks, "a\n"), (0, 1));
        assert_eq!(origin(&output, &marks, "item 2"), (0, 3));
        assert_eq!(origin(&output, &marks, "b 1"), (0, 7));
        assert_eq!(origin(&output, &marks, "c "), (0, 9));
        assert_eq!(origin(&output, &marks, "d"), (0, 10));
        assert_eq!(origin(&output, &marks, "end"), (0, 11));
    }

    #[test]
    fn a_child_template_is_marked_inside_its_blocks_and_an_include_in_its_own_lines() {
        let templates = [
            ("part.typ", "included\n"),
            ("base.typ", "top\n{% block body %}default{% endblock %}\n{% include \"part.typ\" %}\n"),
            (
                "child.typ",
                "{% extends \"base.typ\" %}\n{# a comment #}\n{% block body %}\nmine\n{% endblock %}\n",
            ),
        ];
        let (output, marks) = marked(&templates, "child.typ", serde_json::json!({}));
        assert_eq!(output, "top\n\nmine\n\nincluded\n\n");
        assert_eq!(origin(&output, &marks, "top"), (1, 1));
        assert_eq!(origin(&output, &marks, "mine"), (2, 4));
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
        assert_eq!(origin(&output, &marks, "last"), (1, 3));
    }

    #[test]
    fn text_that_looks_like_a_marker_is_kept() {
        let text = format!("a{MARK_OPEN}b{MARK_OPEN}0:7{MARK_CLOSE}c");
        assert_eq!(strip_marks(&text), (format!("a{MARK_OPEN}bc"), vec![(2 + MARK_OPEN.len_utf8(), 0, 7)]));
    }
}
