//! The logo of `[report] logo`, checked once before any report is made: a regular file inside
//! the workspace (a symbolic link to a private file is not embedded in a deliverable), of a
//! bounded size, a PNG of bounded pixels or an SVG that refers to nothing outside itself and
//! runs no script, and one Typst can draw. A problem names the logo file.

use std::io::Read as _;
use std::path::Path;

use typst::foundations::Bytes;

use crate::workspace::Limits;
use crate::{Error, Result};

/// A checked logo.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

impl Logo {
    /// Its file name beside a Typst source.
    pub fn file_name(&self) -> String {
        if self.mime == "image/png" { "logo.png".into() } else { "logo.svg".into() }
    }
}

/// Reads and checks the logo `file` (relative to the workspace `root`).
pub fn load(root: &Path, file: &Path, limits: &Limits) -> Result<Logo> {
    let path = root.join(file);
    let bad = |why: String| Error::Logo { path: path.clone(), why };
    let real = path.canonicalize().map_err(|e| Error::Read { path: path.clone(), cause: e })?;
    let workspace = root.canonicalize().map_err(|e| Error::Read { path: root.to_path_buf(), cause: e })?;
    if !real.starts_with(&workspace) {
        return Err(bad(
            "it lies outside the workspace (a logo must be a file of the workspace itself)".into()
        ));
    }
    let meta = std::fs::metadata(&real).map_err(|e| Error::Read { path: path.clone(), cause: e })?;
    if !meta.is_file() {
        return Err(bad("it is not a regular file".into()));
    }
    if meta.len() > limits.logo_bytes {
        return Err(bad(format!(
            "it is {} bytes, more than the limit of {} (`logo_bytes` under `[limits]`)",
            meta.len(),
            limits.logo_bytes
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(&real)
        .and_then(|f| f.take(limits.logo_bytes.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| Error::Read { path: path.clone(), cause: e })?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let mime = match ext.as_deref() {
        Some("png") => {
            check_png(&bytes, limits.logo_pixels).map_err(bad)?;
            "image/png"
        }
        Some("svg") => {
            check_svg(&bytes).map_err(bad)?;
            "image/svg+xml"
        }
        _ => return Err(bad("it must be an .svg or .png file".into())),
    };
    Ok(Logo { bytes, mime })
}

/// A PNG: its header read first (so a small file that claims a huge picture is refused before
/// it is decoded), then decoded as Typst will.
fn check_png(bytes: &[u8], max_pixels: u64) -> std::result::Result<(), String> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !bytes.starts_with(SIGNATURE) || bytes.len() < 24 || &bytes[12..16] != b"IHDR" {
        return Err("it is not a PNG image".into());
    }
    let (width, height) = (
        u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]),
        u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]),
    );
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(format!(
            "it is {width}×{height} pixels, more than the limit of {max_pixels} (`logo_pixels` under `[limits]`)"
        ));
    }
    let format = typst::visualize::RasterFormat::Exchange(typst::visualize::ExchangeFormat::Png);
    typst::visualize::RasterImage::plain(Bytes::new(bytes.to_vec()), format)
        .map(drop)
        .map_err(|e| format!("it cannot be decoded ({e})"))
}

/// An SVG: well-formed, nothing that refers outside the file (`href`, `src`, CSS `url()` and
/// `@import` other than to `#fragments` or `data:`), no scripts, and drawable by Typst.
fn check_svg(bytes: &[u8]) -> std::result::Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_owned())?;
    let options = roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(text, options)
        .map_err(|e| format!("it is not valid SVG ({e})"))?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err("it is not an SVG image".into());
    }
    let local = |target: &str| {
        let t = target.trim();
        t.is_empty() || t.starts_with('#') || t.to_ascii_lowercase().starts_with("data:")
    };
    for node in doc.descendants().filter(roxmltree::Node::is_element) {
        let name = node.tag_name().name();
        // Scripts, foreign HTML, and animations (which can set an `href` to anything).
        const REFUSED: &[&str] =
            &["script", "foreignObject", "set", "animate", "animateMotion", "animateTransform", "discard"];
        if REFUSED.iter().any(|r| name.eq_ignore_ascii_case(r)) {
            return Err(format!("it holds a `<{name}>` element"));
        }
        for attr in node.attributes() {
            let attr_name = attr.name();
            if attr_name.to_ascii_lowercase().starts_with("on") {
                return Err(format!("it holds an event handler (`{attr_name}`)"));
            }
            if matches!(attr_name, "href" | "src") && !local(attr.value()) {
                return Err(format!("it refers to `{}` outside the file", attr.value()));
            }
            if attr.value().to_ascii_lowercase().contains("javascript:") {
                return Err(format!("its `{attr_name}` holds a script address"));
            }
            if attr_name == "style" && refers_outside(attr.value()) {
                return Err("its style refers to something outside the file".into());
            }
        }
        if name == "style" && node.text().is_some_and(refers_outside) {
            return Err("its style sheet refers to something outside the file".into());
        }
    }
    // Typst draws SVGs with usvg; what usvg cannot read, no report can show.
    usvg::Tree::from_data(bytes, &usvg::Options::default())
        .map(drop)
        .map_err(|e| format!("it cannot be drawn ({e})"))
}

/// Whether CSS refers to a file or address: `@import`, or `url(…)` to other than `#…`/`data:`.
fn refers_outside(css: &str) -> bool {
    let lower = css.to_ascii_lowercase();
    // A CSS escape (`u\72l(`) could hide either.
    lower.contains('\\')
        || lower.contains("@import")
        || lower.match_indices("url(").any(|(at, _)| {
            let target = lower[at + 4..].trim_start().trim_start_matches(['"', '\'']);
            !(target.starts_with('#') || target.starts_with("data:"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svgs_that_reach_outside_or_run_scripts_are_refused() {
        let ok = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="url(#g)"/></svg>"##;
        check_svg(ok.as_bytes()).unwrap();
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/passwd"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/t.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://x/y.css);</style></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url('https://x/y')"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: u\72l(https://x/y)"/></svg>"#,
            r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>"#,
            "<html/>",
            "not xml",
        ] {
            assert!(check_svg(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_png_that_claims_a_huge_picture_is_refused_before_decoding() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend(40_000u32.to_be_bytes());
        png.extend(40_000u32.to_be_bytes());
        png.extend([8, 6, 0, 0, 0]);
        let err = check_png(&png, 25_000_000).unwrap_err();
        assert!(err.contains("40000×40000"), "{err}");
        assert!(check_png(b"\x89PNG\r\n\x1a\ngarbage-garbage-garbage", 100).is_err());
    }
}
