//! Renders report contexts through Tera templates, one Tera instance per output language
//! (HTML, Markdown, Typst) so each has its own escaping. Built-in templates are embedded under
//! the `builtin/` prefix; a workspace `templates/` folder overrides any of them by name and may
//! `{% extends "builtin/…" %}` them.

pub mod charts;
pub mod context;
pub mod escape;

use std::path::Path;

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
    html: Tera,
    markdown: Tera,
    typst: Tera,
}

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
        Ok(Renderer {
            html: engine(Markup::Html, user_dir, lang)?,
            markdown: engine(Markup::Markdown, user_dir, lang)?,
            typst: engine(Markup::Typst, user_dir, lang)?,
        })
    }

    /// Renders template `name` (e.g. `partner.html`) with `context`.
    pub fn render(&self, markup: Markup, name: &str, context: &impl Serialize) -> Result<String> {
        let tera = match markup {
            Markup::Html => &self.html,
            Markup::Markdown => &self.markdown,
            Markup::Typst => &self.typst,
        };
        let context = tera::Context::from_serialize(context).map_err(|e| template_error(name, &e))?;
        tera.render(name, &context).map_err(|e| template_error(name, &e))
    }
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

fn engine(markup: Markup, user_dir: Option<&Path>, lang: Lang) -> Result<Tera> {
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
    let builtins = BUILTINS
        .iter()
        .filter(|(name, _)| name.ends_with(&format!(".{ext}")))
        .map(|(name, text)| (format!("{BUILTIN_PREFIX}{name}"), *text));
    tera.add_raw_templates(builtins).map_err(|e| template_error("(built-in)", &e))?;
    if let Some(dir) = user_dir.filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| Error::Read { path: dir.into(), cause: e })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text =
                std::fs::read_to_string(&path).map_err(|e| Error::Read { path: path.clone(), cause: e })?;
            tera.add_raw_template(&name, &text)
                .map_err(|e| template_error(&path.display().to_string(), &e))?;
        }
    }
    Ok(tera)
}
