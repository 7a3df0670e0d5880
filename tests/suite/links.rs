//! Checks over a whole output folder: every link and image in every HTML and Markdown report
//! resolves to a file of the folder (or is an `http(s)`/`mailto` address or an anchor), and
//! every Markdown report is inert as rendered by more than one implementation: pulldown-cmark,
//! and GitHub's own `cmark-gfm` when it is installed (`.ci/run` installs it), both with raw
//! HTML let through as the least careful viewer would.

use std::path::Path;
use std::process::{Command, Stdio};

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The targets of `href="…"` and `src="…"` in HTML.
fn html_targets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            out.push(rest[..rest.find('"').unwrap_or(rest.len())].replace("&amp;", "&"));
        }
    }
    out
}

/// The targets of links and images in Markdown.
fn markdown_targets(md: &str) -> Vec<String> {
    Parser::new_ext(md, Options::all())
        .filter_map(|e| match e {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

fn files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext))
        .map(|e| e.into_path())
        .collect()
}

/// Every relative link and image of every HTML and Markdown file under `dir` names a file that
/// exists; every other target is a web or mail address or an anchor.
pub fn assert_all_resolve(dir: &Path) {
    for (ext, targets) in [("html", html_targets as fn(&str) -> Vec<String>), ("md", markdown_targets)] {
        for file in files(dir, ext) {
            let text = std::fs::read_to_string(&file).unwrap();
            for target in targets(&text) {
                let lower = target.to_ascii_lowercase();
                if lower.starts_with("http:")
                    || lower.starts_with("https:")
                    || lower.starts_with("mailto:")
                    || target.starts_with('#')
                    || (ext == "html" && lower.starts_with("data:image/"))
                {
                    continue;
                }
                assert!(!lower.contains(':'), "{}: a link to {target}", file.display());
                let path = target.split('#').next().unwrap();
                let resolved = file.parent().unwrap().join(path);
                assert!(resolved.is_file(), "{}: the link to {target} resolves to nothing", file.display());
            }
        }
    }
}

/// The tags of rendered HTML: the text between each `<` that opens a tag (a letter, `/`, `!`
/// or `?` follows it) and the next `>`. In a renderer's output a `<` of text is always `&lt;`.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if rest.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?')) {
            let end = rest.find('>').unwrap_or(rest.len());
            out.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    out
}

/// Rendered HTML holds only the tags a Markdown report is made of, with no event handler, no
/// style, no remote or `data:` image and no link that is not a web or mail address, an anchor
/// or a relative file.
fn assert_html_inert(html: &str, what: &str) {
    const ALLOWED: &[&str] = &[
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "em",
        "strong",
        "del",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "a",
        "img",
        "hr",
        "br",
    ];
    for tag in tags(html) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        assert!(ALLOWED.contains(&name.as_str()), "{what} renders the tag <{tag}>");
        let lower = tag.to_ascii_lowercase();
        assert!(!lower.contains(" on"), "{what} renders an event handler: <{tag}>");
        for attr in ["href=\"", "src=\""] {
            if let Some(at) = lower.find(attr) {
                let target = &lower[at + attr.len()..];
                let remote =
                    target.starts_with("http:") || target.starts_with("https:") || target.starts_with("//");
                let live = if attr == "src=\"" {
                    remote || target.contains(':')
                } else {
                    !(remote
                        || target.starts_with("mailto:")
                        || target.starts_with('#')
                        || !target.contains(':'))
                };
                assert!(!live, "{what} renders a live link or remote image: <{tag}>");
            }
        }
    }
}

/// Every Markdown file under `dir` is inert in pulldown-cmark and, where installed, cmark-gfm.
pub fn assert_markdown_inert(dir: &Path) {
    let gfm = Command::new("cmark-gfm").arg("--version").stdout(Stdio::null()).status().is_ok();
    assert!(gfm || std::env::var_os("CI").is_none(), "cmark-gfm is required in CI (.ci/run installs it)");
    for file in files(dir, "md") {
        let md = std::fs::read_to_string(&file).unwrap();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(&md, Options::all()));
        assert_html_inert(&html, &format!("{} (pulldown-cmark)", file.display()));
        if gfm {
            let out = Command::new("cmark-gfm")
                .args(["--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tasklist"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(out.status.success());
            assert_html_inert(
                &String::from_utf8_lossy(&out.stdout),
                &format!("{} (cmark-gfm)", file.display()),
            );
        }
    }
}
