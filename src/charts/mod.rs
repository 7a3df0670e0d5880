//! SVG charts made by the tool: the radar chart of a partner's proposition scores
//! ([`radar`](radar())), the network map of all partners around our organisation
//! ([`network_map`](network_map())) and the line chart of scores over rounds
//! ([`trend`](trend())), each drawn as one self-contained, deterministic SVG 1.1 document (no
//! scripts, no CSS, no external fonts or links other than the map's relative report links) with
//! a `<title>` and `<desc>` as its text alternative, so the same SVG can be inlined in HTML,
//! written as a file and embedded in a PDF by Typst.
//!
//! Every element, attribute and text node is written through [`xmlwriter::XmlWriter`] (by the
//! thin [`Svg`] layer here), compactly: double quotes, no indentation, no line breaks. Caller
//! text is cleaned on the way in (see [`Clean`]); all numbers are rounded to one decimal. This
//! file holds what the charts share: the palette, the document wrapper, numbers, text fitting
//! and the legend; each chart has its own file.

mod map;
mod radar;
mod trend;

#[cfg(test)]
mod check;

use std::fmt::{self, Display, Write as _};

use xmlwriter::{Indent, Options, XmlWriter};

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{FlagSeverity, Verdict};

pub use map::{MapLegend, MapNode, network_map};
pub use radar::{RadarAxis, RadarLegend, radar};
pub use trend::{TrendSeries, trend};

/// Main text colour (contrast 15.8:1 on white).
const TEXT: &str = "#1f2328";
/// Secondary text colour (6.4:1).
const MUTED: &str = "#57606a";
/// Mid grey for lines and the `previous` series (4.6:1).
const GREY: &str = "#6e7781";
/// Gridlines and sector boundaries (decorative).
const GRID: &str = "#d8dee4";
/// The darker outline of the outermost radar ring.
const GRID_STRONG: &str = "#afb8c1";
/// The partner series and the centre of the map (14.7:1).
const DARK: &str = "#24292f";
/// The background, and hollow markers.
const WHITE: &str = "#ffffff";
/// Used when the caller's accent is not a `#rrggbb` colour.
const DEFAULT_ACCENT: &str = "#0969da";
const FONT_STACK: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";

/// The fill colour of a verdict, as `#rrggbb`: green, teal, amber, red and grey, each with at
/// least 4.5:1 contrast to the white text on it (WCAG 2.2 AA for small text). Colour is never
/// the only cue: see [`verdict_mark`].
pub fn verdict_color(v: Verdict) -> &'static str {
    match v {
        Verdict::Strong => "#1a7f37",
        Verdict::Adequate => "#0f766e",
        Verdict::AtRisk => "#9a6700",
        Verdict::Critical => "#cf222e",
        Verdict::Insufficient => "#6e7781",
    }
}

/// A verdict's mark, shown beside a colour so that the colour is never the only cue (a heatmap
/// cell, a map node): `++`, `+`, `−`, `−−`, `?`.
pub fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Strong => "++",
        Verdict::Adequate => "+",
        Verdict::AtRisk => "\u{2212}",
        Verdict::Critical => "\u{2212}\u{2212}",
        Verdict::Insufficient => "?",
    }
}

/// The marker line and background of a red flag of each severity, as `#rrggbb`.
pub fn severity_colors(s: FlagSeverity) -> SeverityColors {
    match s {
        FlagSeverity::Info => SeverityColors { line: "#8c959f", fill: "#f6f8fa" },
        FlagSeverity::Warning => SeverityColors { line: verdict_color(Verdict::AtRisk), fill: "#fff8c5" },
        FlagSeverity::Critical => SeverityColors { line: verdict_color(Verdict::Critical), fill: "#ffebe9" },
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct SeverityColors {
    pub line: &'static str,
    pub fill: &'static str,
}

/// The reports' palette, defined here once and given to templates as `theme`: the verdicts'
/// colours by id, and the flags' by severity.
#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub verdicts: BTreeMap<&'static str, &'static str>,
    /// Each verdict's mark ([`verdict_mark`]).
    pub marks: BTreeMap<&'static str, &'static str>,
    pub severities: BTreeMap<&'static str, SeverityColors>,
}

impl Theme {
    pub fn new() -> Theme {
        Theme {
            verdicts: Verdict::VARIANTS.iter().map(|&v| (v.as_str(), verdict_color(v))).collect(),
            marks: Verdict::VARIANTS.iter().map(|&v| (v.as_str(), verdict_mark(v))).collect(),
            severities: FlagSeverity::VARIANTS.iter().map(|&s| (s.as_str(), severity_colors(s))).collect(),
        }
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::new()
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// How every chart is written: double quotes, no indentation and no line breaks, so the output
/// is compact and the same input always gives the same bytes.
const XML: Options =
    Options { use_single_quote: false, indent: Indent::None, attributes_indent: Indent::None };

/// An SVG document being written: an [`XmlWriter`] whose number attributes are rounded by [`N`]
/// and whose text attributes and text nodes go through [`Clean`].
struct Svg(XmlWriter);

impl Svg {
    fn new() -> Self {
        Svg(XmlWriter::new(XML))
    }

    /// Starts an element; its attributes follow.
    fn open(&mut self, name: &str) -> &mut Self {
        self.0.start_element(name);
        self
    }

    /// Ends the innermost open element (as `<name/>` if it has no content).
    fn close(&mut self) -> &mut Self {
        self.0.end_element();
        self
    }

    /// A text attribute: a colour, a keyword or caller text.
    fn attr(&mut self, name: &str, value: &str) -> &mut Self {
        self.0.write_attribute(name, &Clean { text: value, attribute: true });
        self
    }

    /// A number attribute, rounded to one decimal.
    fn num(&mut self, name: &str, value: f64) -> &mut Self {
        self.0.write_attribute(name, &N(value));
        self
    }

    /// An attribute made only of rounded numbers in a fixed syntax (a transform, a point list,
    /// path data); never caller text.
    fn geom(&mut self, name: &str, value: impl Display) -> &mut Self {
        self.0.write_attribute(name, &value);
        self
    }

    /// The stroke attributes: colour, width and dash pattern (if any).
    fn stroke(&mut self, stroke: Stroke) -> &mut Self {
        self.attr("stroke", stroke.color).num("stroke-width", stroke.width);
        if !stroke.dash.is_empty() {
            self.attr("stroke-dasharray", stroke.dash);
        }
        self
    }

    /// A text node with caller text.
    fn text(&mut self, text: &str) -> &mut Self {
        self.0.write_text_fmt(format_args!("{}", Clean { text, attribute: false }));
        self
    }

    /// A number as a text node, rounded to one decimal.
    fn number(&mut self, value: f64) -> &mut Self {
        self.0.write_text_fmt(format_args!("{}", N(value)));
        self
    }

    /// Closes what is open and returns the document.
    fn finish(self) -> String {
        self.0.end_document()
    }
}

/// Caller text as XML can carry it. Tab and line breaks become spaces; other control characters
/// (C0, DEL, C1) and the non-characters U+FFFE and U+FFFF are dropped. It also writes `&` and
/// `>` as references, and `<` too in attribute values: xmlwriter 0.1.0 escapes only `<` in text
/// and the quote in attribute values, and a bare `&` (or `<` in an attribute) would make the
/// document ill-formed. The tests check both halves together by parsing what comes out.
struct Clean<'a> {
    text: &'a str,
    attribute: bool,
}

impl Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.text.chars() {
            match c {
                '\t' | '\n' | '\r' => f.write_char(' ')?,
                '\u{FFFE}' | '\u{FFFF}' => {}
                c if c.is_control() => {}
                '&' => f.write_str("&amp;")?,
                '>' => f.write_str("&gt;")?,
                '<' if self.attribute => f.write_str("&lt;")?,
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// Writes a chart: the `<svg>` element with its size, accessibility attributes, title,
/// description and a white background, then the body that `draw` writes. The title and
/// description ids are a fingerprint of title, description and body, so they are stable and
/// differ between charts on one page; for that the body is drawn once more beforehand.
fn document(width: f64, height: f64, title: &str, desc: &str, draw: impl Fn(&mut Svg)) -> String {
    let mut body = Svg::new();
    body.open("g");
    draw(&mut body);
    let body = body.finish();
    let id = format!("tm-{:016x}", fingerprint(&[title, desc, &body]));
    // A chart with links is a group of them, not one image (an image's content is not
    // interactive to assistive technology).
    let role = if body.contains("<a ") { "group" } else { "img" };
    let mut svg = Svg::new();
    svg.open("svg")
        .attr("xmlns", SVG_NS)
        .attr("xmlns:xlink", XLINK_NS)
        .attr("version", "1.1")
        .num("width", width)
        .num("height", height)
        .geom("viewBox", format_args!("0 0 {} {}", N(width), N(height)))
        .attr("role", role)
        .attr("aria-labelledby", &format!("{id}-title {id}-desc"))
        .attr("font-family", FONT_STACK)
        .attr("font-size", "12");
    svg.open("title").attr("id", &format!("{id}-title")).text(title).close();
    svg.open("desc").attr("id", &format!("{id}-desc")).text(desc).close();
    svg.open("rect").num("width", width).num("height", height).attr("fill", WHITE).close();
    draw(&mut svg);
    svg.finish()
}

/// FNV-1a over the parts, for ids that are stable and differ between charts.
fn fingerprint(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

// ---------------------------------------------------------------------------------------------
// Numbers and geometry

/// A number as written in SVG: rounded to one decimal, no trailing `.0`, never `-0`.
#[derive(Clone, Copy)]
struct N(f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        f.write_str(&crate::model::decimal1(v, false, '.'))
    }
}

/// A point in the chart's coordinates; displays as `x,y`.
#[derive(Clone, Copy)]
struct Pt {
    x: f64,
    y: f64,
}

impl Pt {
    /// The point at `radius` from this one, `deg` degrees clockwise from the positive x axis.
    fn polar(self, radius: f64, deg: f64) -> Pt {
        let (sin, cos) = deg.to_radians().sin_cos();
        Pt { x: self.x + radius * cos, y: self.y + radius * sin }
    }
}

impl Display for Pt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", N(self.x), N(self.y))
    }
}

/// The `points` of a polygon: `x,y` pairs separated by spaces.
struct Points<'a>(&'a [Pt]);

impl Display for Points<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Draws a filled polygon.
fn polygon(svg: &mut Svg, points: &[Pt], fill: &str) {
    svg.open("polygon").geom("points", Points(points)).attr("fill", fill).close();
}

/// The stroke of a line: colour, width and dash pattern (`""` for solid).
#[derive(Clone, Copy)]
struct Stroke<'a> {
    color: &'a str,
    width: f64,
    dash: &'a str,
}

/// A score clamped to 0–100; `None` for a missing or non-finite value.
fn score(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite()).map(|v| v.clamp(0.0, 100.0))
}

/// The caller's colour if it is `#rrggbb`, else the default accent.
fn checked_color(color: &str) -> &str {
    let valid =
        color.len() == 7 && color.starts_with('#') && color.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
    if valid { color } else { DEFAULT_ACCENT }
}

// ---------------------------------------------------------------------------------------------
// Text

/// The columns a text takes: one per character, two per wide (East Asian) one.
fn columns(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// The longest start of `chars` that fits in `max` columns (at least one character).
fn fitting(chars: &[char], max: usize) -> usize {
    let mut used = 0;
    let fit = chars.iter().take_while(|c| {
        used += unicode_width::UnicodeWidthChar::width(**c).unwrap_or(0);
        used <= max
    });
    fit.count().max(1).min(chars.len())
}

/// Whitespace collapsed, then cut to `max` columns with an ellipsis if longer.
fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if columns(&text) <= max {
        return text;
    }
    let chars: Vec<char> = text.chars().collect();
    let cut: String = chars[..fitting(&chars, max.saturating_sub(1))].iter().collect();
    format!("{}…", cut.trim_end())
}

/// Greedy word wrap into at most `max_lines` lines of at most `width` columns (a word longer
/// than a line is broken, with a hyphen); the last line takes the rest and is truncated.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let width = width.max(2);
    // Nothing past what the lines can show (and one more to know the rest is cut) is looked at:
    // a name of a million characters costs no more than a short one.
    let shown: String = text.chars().take(width.saturating_mul(max_lines).saturating_add(2)).collect();
    let text = shown.as_str();
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let mut rest: Vec<char> = word.chars().collect();
        while columns(&rest.iter().collect::<String>()) > width {
            let piece: String = rest.drain(..fitting(&rest, width - 1)).collect();
            words.push(piece + "-");
        }
        words.push(rest.into_iter().collect());
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in &words {
        if !current.is_empty() && columns(&current) + 1 + columns(word) > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines.saturating_sub(1)).join(" ");
        lines.push(rest);
    }
    lines.iter().map(|line| truncate(line, width)).collect()
}

/// The estimated width of a text in the sans-serif font at `size`: 0.6 em a column, so wide
/// (East Asian) characters count double.
fn text_width(text: &str, size: f64) -> f64 {
    columns(text) as f64 * size * 0.6
}

// ---------------------------------------------------------------------------------------------
// Legend

/// One entry of a legend: its symbol (drawn in a 24 px wide box centred on y = 0) and text.
struct LegendItem<'a> {
    swatch: Box<dyn Fn(&mut Svg) + 'a>,
    label: String,
}

const LEGEND_ROW: f64 = 22.0;
const LEGEND_GAP: f64 = 18.0;

impl<'a> LegendItem<'a> {
    fn new(swatch: impl Fn(&mut Svg) + 'a, label: &str) -> Self {
        LegendItem { swatch: Box::new(swatch), label: truncate(label, 40) }
    }

    fn width(&self) -> f64 {
        30.0 + text_width(&self.label, 12.0) + LEGEND_GAP
    }
}

/// Splits legend items into rows that fit `width`, as index lists.
fn legend_rows(items: &[LegendItem], width: f64) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0.0;
    for (i, item) in items.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + item.width() - LEGEND_GAP <= width => row.push(i),
            _ => {
                rows.push(vec![i]);
                used = 0.0;
            }
        }
        used += item.width();
    }
    rows
}

/// The height a legend takes within `width`.
fn legend_height(items: &[LegendItem], width: f64) -> f64 {
    legend_rows(items, width).len() as f64 * LEGEND_ROW
}

/// Draws a legend in centred rows within `width` from (`x`, `y`).
fn draw_legend(svg: &mut Svg, items: &[LegendItem], x: f64, y: f64, width: f64) {
    for (r, row) in legend_rows(items, width).iter().enumerate() {
        let row_width: f64 = row.iter().map(|&i| items[i].width()).sum::<f64>() - LEGEND_GAP;
        let mut ix = x + ((width - row_width) / 2.0).max(0.0);
        let iy = y + (r as f64 + 0.5) * LEGEND_ROW;
        for &i in row {
            let item = &items[i];
            svg.open("g").geom("transform", format_args!("translate({} {})", N(ix), N(iy)));
            (item.swatch)(svg);
            svg.open("text").num("x", 30.0).num("y", 4.0).attr("fill", TEXT).text(&item.label).close();
            svg.close();
            ix += item.width();
        }
    }
}

/// The line of a legend symbol, across its box; the caller adds the dot in the middle.
fn line_swatch(svg: &mut Svg, stroke: Stroke) {
    svg.open("line").num("x1", 0.0).num("y1", 0.0).num("x2", 24.0).num("y2", 0.0).stroke(stroke).close();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` written as a text node and as an attribute value, parsed back.
    fn round_trip(text: &str) -> (String, String) {
        let mut svg = Svg::new();
        svg.open("svg").attr("xmlns", SVG_NS).attr("data-x", text).open("text").text(text);
        let xml = svg.finish();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        let root = doc.root_element();
        let node = root.first_element_child().expect("text element");
        (
            node.text().unwrap_or_default().to_string(),
            root.attribute("data-x").expect("attribute").to_string(),
        )
    }

    #[test]
    fn text_is_cleaned_and_escaped_once() {
        for text in [r#"a&b<c>"d'"#, "&amp; &lt; ]]> &#x3C; <!-- x --> <![CDATA[ y ]]>", "plain"] {
            assert_eq!(round_trip(text), (text.to_string(), text.to_string()), "{text}");
        }
        let (node, attr) = round_trip("x\u{0}y\u{7}\u{1b}[2J\u{7f}\u{85}\u{FFFE}z\tw\nv");
        assert_eq!(node, "xy[2Jz w v");
        assert_eq!(attr, node);
        let bidi = "\u{202e}evil\u{202c} \u{2066}x\u{2069}";
        assert_eq!(round_trip(bidi), (bidi.to_string(), bidi.to_string()), "bidi controls are text");
    }

    /// What [`Clean`] adds is what xmlwriter leaves out; if xmlwriter starts escaping `&` itself,
    /// this fails (and [`Clean`] must stop doing it, or `&` would come out as `&amp;amp;`).
    #[test]
    fn xmlwriter_escapes_only_lt_in_text_and_quotes_in_attributes() {
        let mut w = XmlWriter::new(XML);
        w.start_element("t");
        w.write_attribute("a", "&<>\"'");
        w.write_text("&<>");
        assert_eq!(w.end_document(), r#"<t a="&<>&quot;'">&&lt;></t>"#);
    }

    #[test]
    fn numbers_are_stable() {
        assert_eq!(N(1.0).to_string(), "1");
        assert_eq!(N(1.25).to_string(), "1.3");
        assert_eq!(N(-0.01).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
        assert_eq!(Points(&[Pt { x: 1.04, y: -2.0 }, Pt { x: 0.0, y: 3.15 }]).to_string(), "1,-2 0,3.2");
    }

    #[test]
    fn truncate_and_wrap() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("  a   b ", 4), "a b");
        assert_eq!(wrap("P2 Gedeelde doelen", 22, 2), vec!["P2 Gedeelde doelen"]);
        assert_eq!(wrap("one two three four", 8, 2), vec!["one two", "three f…"]);
        assert_eq!(
            wrap("Plaatbewerkingsmaatschappij B.V.", 12, 3),
            vec!["Plaatbewerk-", "ingsmaatsch-", "appij B.V."]
        );
        assert_eq!(wrap("Plaatbewerkingsmaatschappij", 12, 2), vec!["Plaatbewerk-", "ingsmaatsch…"]);
        let long = "x".repeat(1_000_000);
        assert_eq!(wrap(&long, 12, 2), vec!["xxxxxxxxxxx-".to_string(), "xxxxxxxxxxx…".to_string()]);
    }

    /// WCAG's contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |hex: &str| {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn verdict_colours_carry_white_text_at_aa_and_have_marks() {
        assert!((contrast("#2f9e8f", WHITE) - 3.28).abs() < 0.01, "the formula");
        let mut marks = std::collections::BTreeSet::new();
        for &v in Verdict::VARIANTS {
            let c = verdict_color(v);
            assert_eq!(checked_color(c), c);
            assert!(contrast(c, WHITE) >= 4.5, "{v}: {c} has {:.2}:1 with white", contrast(c, WHITE));
            assert!(marks.insert(verdict_mark(v)), "{v}'s mark is its own");
        }
        for &s in FlagSeverity::VARIANTS {
            let c = severity_colors(s);
            assert!(contrast("#1b1f24", c.fill) >= 4.5, "{s}: body text on {}", c.fill);
        }
    }

    #[test]
    fn legend_wraps_into_centred_rows() {
        let items: Vec<LegendItem> =
            (0..6).map(|i| LegendItem::new(|_: &mut Svg| {}, &format!("Item {i} with some text"))).collect();
        let rows = legend_rows(&items, 580.0);
        assert_eq!(rows, vec![vec![0, 1, 2], vec![3, 4, 5]]);
        assert_eq!(legend_height(&items, 580.0), 2.0 * LEGEND_ROW);
        assert!(legend_rows(&[], 580.0).is_empty());
    }
}
