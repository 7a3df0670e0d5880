//! SVG charts made by the tool: the radar chart of a partner's proposition scores, the network
//! map of all partners around our organisation and the line chart of scores over rounds, each
//! drawn as one self-contained, deterministic SVG 1.1 document (no scripts, no CSS, no external
//! fonts or links other than the map's relative report links) with a `<title>` and `<desc>` as
//! its text alternative, so the same SVG can be inlined in HTML, written as a file and embedded
//! in a PDF by Typst. All caller text is XML-escaped; all numbers are rounded to one decimal.

use std::fmt::{self, Display};

use crate::model::{Role, Verdict};

/// Appends formatted text to a `String` (writing to a `String` cannot fail).
macro_rules! put {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}

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
/// Used when the caller's accent is not a `#rrggbb` colour.
const DEFAULT_ACCENT: &str = "#0969da";
const FONT_STACK: &str = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

/// The fill colour of a verdict, as `#rrggbb`: dark green, light teal, amber, red and grey, each
/// with at least 3:1 contrast on white and different in lightness from its neighbours.
pub fn verdict_color(v: Verdict) -> &'static str {
    match v {
        Verdict::Strong => "#1a7f37",
        Verdict::Adequate => "#2f9e8f",
        Verdict::AtRisk => "#9a6700",
        Verdict::Critical => "#cf222e",
        Verdict::Insufficient => "#6e7781",
    }
}

/// XML-escapes text for SVG (`&`, `<`, `>`, `"`, `'`) and drops characters XML cannot carry
/// (control characters other than tab and line breaks).
pub fn escape(text: &str) -> String {
    Esc(text).to_string()
}

/// Text that displays XML-escaped.
struct Esc<'a>(&'a str);

impl Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&#39;")?,
                '\t' | '\n' | '\r' => f.write_str(" ")?,
                '\u{FFFE}' | '\u{FFFF}' => {}
                c if c.is_control() => {}
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// A number as written in SVG: rounded to one decimal, no trailing `.0`, never `-0`.
#[derive(Clone, Copy)]
struct N(f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { (self.0 * 10.0).round() / 10.0 + 0.0 } else { 0.0 };
        let text = format!("{v:.1}");
        f.write_str(text.strip_suffix(".0").unwrap_or(&text))
    }
}

/// A point in the chart's coordinates.
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

/// The stroke attributes of a line: colour, width and dash pattern (`""` for solid).
#[derive(Clone, Copy)]
struct Stroke<'a> {
    color: &'a str,
    width: f64,
    dash: &'a str,
}

impl Display for Stroke<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, r#" stroke="{}" stroke-width="{}""#, self.color, N(self.width))?;
        if !self.dash.is_empty() {
            write!(f, r#" stroke-dasharray="{}""#, self.dash)?;
        }
        Ok(())
    }
}

/// A score clamped to 0–100; `None` for a missing or non-finite value.
fn score(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite()).map(|v| v.clamp(0.0, 100.0))
}

/// The caller's colour if it is `#rrggbb`, else the default accent (so it cannot break out of
/// its attribute).
fn checked_color(color: &str) -> &str {
    let valid =
        color.len() == 7 && color.starts_with('#') && color.bytes().skip(1).all(|b| b.is_ascii_hexdigit());
    if valid { color } else { DEFAULT_ACCENT }
}

/// Whether a link is safe to emit: by the one rule of [`super::escape::link_target`], relative
/// paths allowed.
fn safe_href(href: &str) -> bool {
    super::escape::link_target(href, true).is_some()
}

/// Whitespace collapsed, then cut to `max` characters with an ellipsis if longer.
fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// Greedy word wrap into at most `max_lines` lines of at most `width` characters; the last line
/// takes the rest and is truncated.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
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

/// The estimated width of a text in the sans-serif font at `size`.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.6
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

/// Wraps a chart body in the `<svg>` element with its size, accessibility attributes, title,
/// description and a white background.
fn document(width: f64, height: f64, title: &str, desc: &str, body: &str) -> String {
    let id = format!("tm-{:016x}", fingerprint(&[title, desc, body]));
    let (w, h) = (N(width), N(height));
    let mut out = String::with_capacity(body.len() + 600);
    put!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" font-family="{FONT_STACK}" font-size="12">"#
    );
    put!(out, "\n<title id=\"{id}-title\">{}</title>\n", Esc(title));
    put!(out, "<desc id=\"{id}-desc\">{}</desc>\n", Esc(desc));
    put!(out, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n");
    out.push_str(body);
    out.push_str("</svg>");
    out
}

/// One entry of a legend: its symbol (drawn in a 24 px wide box centred on y = 0) and text.
struct LegendItem {
    swatch: String,
    label: String,
}

const LEGEND_ROW: f64 = 22.0;
const LEGEND_GAP: f64 = 18.0;

impl LegendItem {
    fn new(swatch: String, label: &str) -> Self {
        LegendItem { swatch, label: truncate(label, 40) }
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

/// Draws a legend in centred rows within `width` from (`x`, `y`); returns the height used.
fn draw_legend(out: &mut String, items: &[LegendItem], x: f64, y: f64, width: f64) -> f64 {
    let rows = legend_rows(items, width);
    for (r, row) in rows.iter().enumerate() {
        let row_width: f64 = row.iter().map(|&i| items[i].width()).sum::<f64>() - LEGEND_GAP;
        let mut ix = x + ((width - row_width) / 2.0).max(0.0);
        let iy = y + (r as f64 + 0.5) * LEGEND_ROW;
        for &i in row {
            let item = &items[i];
            put!(out, r#"<g transform="translate({} {})">{}"#, N(ix), N(iy), item.swatch);
            put!(out, r#"<text x="30" y="4" fill="{TEXT}">{}</text></g>"#, Esc(&item.label));
            out.push('\n');
            ix += item.width();
        }
    }
    rows.len() as f64 * LEGEND_ROW
}

/// A legend symbol: a short line in `stroke` with a dot in the middle.
fn line_swatch(stroke: Stroke, dot: &str) -> String {
    format!(r#"<line x1="0" y1="0" x2="24" y2="0"{stroke}/>{dot}"#)
}

// ---------------------------------------------------------------------------------------------
// Radar chart

/// One axis of the radar chart: a proposition.
pub struct RadarAxis<'a> {
    /// The axis label, e.g. "P1 Vertrouwen".
    pub label: &'a str,
    /// Our score, 0–100; `None` when not answered.
    pub ours: Option<f64>,
    /// The partner's view, 0–100.
    pub partner: Option<f64>,
    /// The previous round, 0–100.
    pub previous: Option<f64>,
}

/// Legend texts (already translated by the caller).
pub struct RadarLegend<'a> {
    pub ours: &'a str,
    pub partner: &'a str,
    pub previous: &'a str,
}

const RADAR_W: f64 = 620.0;
const RADAR_LEGEND_Y: f64 = 392.0;

/// The geometry of a radar chart: centre, outer radius and number of axes.
struct Radar {
    centre: Pt,
    radius: f64,
    axes: usize,
}

impl Radar {
    /// The direction of axis `i`, in degrees; the first axis points up.
    fn angle(&self, i: usize) -> f64 {
        -90.0 + 360.0 * i as f64 / self.axes.max(1) as f64
    }

    /// Where `value` (0–100) lies on axis `i`.
    fn point(&self, i: usize, value: f64) -> Pt {
        self.centre.polar(self.radius * value / 100.0, self.angle(i))
    }
}

/// How one radar series is drawn.
struct RadarStyle<'a> {
    stroke: Stroke<'a>,
    /// The polygon's fill opacity in the series colour, or no fill.
    fill_opacity: Option<&'a str>,
    /// The dot at each value: radius and fill (`None` for a hollow dot).
    dot: (f64, Option<&'a str>),
}

impl RadarStyle<'_> {
    fn dot(&self, at: Pt) -> String {
        let (r, fill) = self.dot;
        match fill {
            Some(fill) => {
                format!(r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}"/>"#, N(at.x), N(at.y), N(r))
            }
            None => format!(
                r##"<circle cx="{}" cy="{}" r="{}" fill="#ffffff"{}/>"##,
                N(at.x),
                N(at.y),
                N(r),
                Stroke { dash: "", width: 1.5, ..self.stroke }
            ),
        }
    }

    fn swatch(&self) -> String {
        line_swatch(self.stroke, &self.dot(Pt { x: 12.0, y: 0.0 }))
    }
}

/// A radar (spider) chart of the proposition scores: rings at 25/50/75/100, one labelled axis
/// per proposition, a filled polygon for `ours` in `accent`, a dashed outline for `partner` and
/// a dotted grey one for `previous` (each only if some axis has a value), dots at the values
/// (missing values sit at the centre without a dot) and a legend of the series drawn.
pub fn radar(title: &str, desc: &str, axes: &[RadarAxis], legend: &RadarLegend, accent: &str) -> String {
    let accent = checked_color(accent);
    let geo = Radar { centre: Pt { x: RADAR_W / 2.0, y: 200.0 }, radius: 125.0, axes: axes.len() };
    let mut body = String::new();
    radar_grid(&mut body, &geo, axes);
    let values = |pick: fn(&RadarAxis) -> Option<f64>| -> Vec<Option<f64>> {
        axes.iter().map(|a| score(pick(a))).collect()
    };
    let series = [
        (values(|a| a.ours), radar_style(accent, 2.0, "", Some("0.25"), Some(accent)), legend.ours),
        (values(|a| a.partner), radar_style(DARK, 2.0, "6 4", None, None), legend.partner),
        (values(|a| a.previous), radar_style(GREY, 1.5, "2 3", None, Some(GREY)), legend.previous),
    ];
    let mut items = Vec::new();
    for (values, style, label) in &series {
        if values.iter().any(Option::is_some) {
            radar_series(&mut body, &geo, values, style);
            items.push(LegendItem::new(style.swatch(), label));
        }
    }
    let height = draw_legend(&mut body, &items, 20.0, RADAR_LEGEND_Y, RADAR_W - 40.0);
    document(RADAR_W, RADAR_LEGEND_Y + height + 12.0, title, desc, &body)
}

fn radar_style<'a>(
    color: &'a str,
    width: f64,
    dash: &'a str,
    fill_opacity: Option<&'a str>,
    dot_fill: Option<&'a str>,
) -> RadarStyle<'a> {
    let dot_r = if width < 2.0 { 2.5 } else { 3.5 };
    RadarStyle { stroke: Stroke { color, width, dash }, fill_opacity, dot: (dot_r, dot_fill) }
}

/// The rings with their value labels, the axes and the axis labels.
fn radar_grid(out: &mut String, geo: &Radar, axes: &[RadarAxis]) {
    let c = geo.centre;
    for step in [25.0, 50.0, 75.0, 100.0] {
        let color = if step == 100.0 { GRID_STRONG } else { GRID };
        let r = geo.radius * step / 100.0;
        put!(out, r#"<circle cx="{}" cy="{}" r="{}" fill="none" stroke="{color}"/>"#, N(c.x), N(c.y), N(r));
        put!(
            out,
            r#"<text x="{}" y="{}" font-size="9" fill="{MUTED}">{step}</text>"#,
            N(c.x + 3.0),
            N(c.y - r - 2.0)
        );
        out.push('\n');
    }
    for (i, axis) in axes.iter().enumerate() {
        let end = geo.point(i, 100.0);
        put!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{GRID}"/>"#,
            N(c.x),
            N(c.y),
            N(end.x),
            N(end.y)
        );
        radar_label(out, geo, i, axis.label);
        out.push('\n');
    }
}

/// An axis label just outside the outer ring, anchored away from the centre, in up to two lines
/// (with the full label as `<title>` when it had to be shortened).
fn radar_label(out: &mut String, geo: &Radar, i: usize, label: &str) {
    let deg = geo.angle(i);
    let at = geo.centre.polar(geo.radius + 14.0, deg);
    let (sin, cos) = deg.to_radians().sin_cos();
    let anchor = if cos > 0.3 {
        "start"
    } else if cos < -0.3 {
        "end"
    } else {
        "middle"
    };
    let lines = wrap(label, 22, 2);
    let shortened = lines.join(" ") != truncate(label, usize::MAX);
    if shortened {
        put!(out, "<g><title>{}</title>", Esc(label));
    }
    let block = 13.0 * lines.len().saturating_sub(1) as f64;
    let first = if sin < -0.3 {
        at.y - block
    } else if sin > 0.3 {
        at.y + 9.0
    } else {
        at.y + 4.0 - block / 2.0
    };
    for (k, line) in lines.iter().enumerate() {
        put!(
            out,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" font-size="11" fill="{TEXT}">{}</text>"#,
            N(at.x),
            N(first + 13.0 * k as f64),
            Esc(line)
        );
    }
    if shortened {
        out.push_str("</g>");
    }
}

/// One series: its polygon (missing values at the centre) and a dot at each present value.
fn radar_series(out: &mut String, geo: &Radar, values: &[Option<f64>], style: &RadarStyle) {
    let points: Vec<String> =
        values.iter().enumerate().map(|(i, v)| geo.point(i, v.unwrap_or(0.0)).to_string()).collect();
    let color = style.stroke.color;
    let fill = match style.fill_opacity {
        Some(opacity) => format!(r#"fill="{color}" fill-opacity="{opacity}""#),
        None => r#"fill="none""#.to_string(),
    };
    put!(out, r#"<polygon points="{}" {fill}{} stroke-linejoin="round"/>"#, points.join(" "), style.stroke);
    for (i, value) in values.iter().enumerate() {
        if let Some(value) = value {
            out.push_str(&style.dot(geo.point(i, *value)));
        }
    }
    out.push('\n');
}

// ---------------------------------------------------------------------------------------------
// Network map

/// A partner on the network map.
pub struct MapNode<'a> {
    /// Display name; shown truncated to 22 characters, in full in the node's `<title>`.
    pub label: &'a str,
    pub role: Role,
    /// The overall verdict: the node's fill colour.
    pub verdict: Verdict,
    /// Marked with a thick dark ring and a bold label.
    pub strategic: bool,
    /// A prospect: drawn with dashed outline and link.
    pub desired: bool,
    /// A relative link to the partner's report; the node becomes a link (unless it is unsafe).
    pub href: Option<&'a str>,
}

/// Legend texts for the map (translated by the caller): role names in the order customer,
/// supplier, alliance, other; verdict names in the order strong, adequate, at_risk, critical,
/// insufficient; plus "strategic" and "desired".
pub struct MapLegend<'a> {
    pub roles: [&'a str; 4],
    pub verdicts: [&'a str; 5],
    pub strategic: &'a str,
    pub desired: &'a str,
}

const MAP_W: f64 = 800.0;
const MAP_CENTRE: Pt = Pt { x: 400.0, y: 390.0 };
/// The map area's height; the legend goes below.
const MAP_H: f64 = 770.0;
const CENTRE_R: f64 = 48.0;
const NODE_R: f64 = 9.0;
/// The node ring, and the two rings used when a sector is crowded.
const RING: f64 = 190.0;
const RING_INNER: f64 = 160.0;
const RING_OUTER: f64 = 215.0;
/// Neighbouring nodes closer than this (along the ring) go on alternating rings.
const MIN_NODE_GAP: f64 = 30.0;
/// Every sector's minimum angle; the rest is shared in proportion to the number of partners.
const SECTOR_BASE: f64 = 50.0;
const SECTOR_LABEL_R: f64 = 108.0;
const LABEL_CHARS: usize = 22;

/// One role's sector: where it starts (degrees clockwise from the x axis), its angle and its
/// partners (indices into the nodes).
struct Sector {
    role: usize,
    start: f64,
    sweep: f64,
    members: Vec<usize>,
}

/// A node's place: its index, direction (degrees), distance from the centre and whether its
/// sector is crowded (nodes on two rings, labels all beyond the outer one).
struct Placed {
    index: usize,
    deg: f64,
    radius: f64,
    crowded: bool,
}

fn role_index(role: Role) -> usize {
    match role {
        Role::Customer => 0,
        Role::Supplier => 1,
        Role::Alliance => 2,
        Role::Other => 3,
    }
}

/// The network map: our organisation (`center`) in the centre, the partners around it in four
/// labelled sectors by role (customers, suppliers, alliances, other, clockwise from the top, in
/// the given order), a line from the centre to each (dashed for desired partners), nodes
/// coloured by verdict, strategic ones ringed, and a legend. Labels run outward along the
/// radius so they do not collide; crowded sectors alternate their nodes over two rings.
pub fn network_map(title: &str, desc: &str, center: &str, nodes: &[MapNode], legend: &MapLegend) -> String {
    let sectors = sectors(nodes);
    let placed: Vec<Placed> = sectors.iter().flat_map(place).collect();
    let mut body = String::new();
    for sector in &sectors {
        sector_boundary(&mut body, sector);
    }
    for p in &placed {
        map_link(&mut body, p, nodes[p.index].desired);
    }
    for sector in &sectors {
        sector_label(&mut body, sector, legend.roles[sector.role]);
    }
    map_centre(&mut body, center);
    for p in &placed {
        map_node(&mut body, p, &nodes[p.index]);
    }
    let height = draw_legend(&mut body, &map_legend(legend), 20.0, MAP_H, MAP_W - 40.0);
    document(MAP_W, MAP_H + height + 12.0, title, desc, &body)
}

/// The four sectors, clockwise from the top.
fn sectors(nodes: &[MapNode]) -> Vec<Sector> {
    let mut members: [Vec<usize>; 4] = Default::default();
    for (i, node) in nodes.iter().enumerate() {
        members[role_index(node.role)].push(i);
    }
    let total = nodes.len() as f64;
    let mut start = -90.0;
    let mut sectors = Vec::with_capacity(4);
    for (role, members) in members.into_iter().enumerate() {
        let sweep = if nodes.is_empty() {
            90.0
        } else {
            SECTOR_BASE + (360.0 - 4.0 * SECTOR_BASE) * members.len() as f64 / total
        };
        sectors.push(Sector { role, start, sweep, members });
        start += sweep;
    }
    sectors
}

/// The places of a sector's nodes: evenly spread, on alternating rings when crowded.
fn place(sector: &Sector) -> impl Iterator<Item = Placed> + '_ {
    let step = sector.sweep / sector.members.len().max(1) as f64;
    let crowded = RING * step.to_radians() < MIN_NODE_GAP;
    sector.members.iter().enumerate().map(move |(k, &index)| {
        let radius = match (crowded, k % 2) {
            (false, _) => RING,
            (true, 0) => RING_INNER,
            (true, _) => RING_OUTER,
        };
        Placed { index, deg: sector.start + step * (k as f64 + 0.5), radius, crowded }
    })
}

fn sector_boundary(out: &mut String, sector: &Sector) {
    let from = MAP_CENTRE.polar(CENTRE_R + 8.0, sector.start);
    let to = MAP_CENTRE.polar(RING_OUTER + 150.0, sector.start);
    put!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
        N(from.x),
        N(from.y),
        N(to.x),
        N(to.y),
        Stroke { color: GRID, width: 1.0, dash: "4 4" }
    );
    out.push('\n');
}

/// The role name and partner count on a white pill in the middle of the sector (moved off the
/// middle node's line when the count is odd).
fn sector_label(out: &mut String, sector: &Sector, name: &str) {
    let count = sector.members.len();
    let offset =
        if count % 2 == 1 { (sector.sweep / count as f64 / 2.0).min(sector.sweep / 4.0) } else { 0.0 };
    let at = MAP_CENTRE.polar(SECTOR_LABEL_R, sector.start + sector.sweep / 2.0 + offset);
    let text = format!("{} ({count})", truncate(name, 16));
    let width = text_width(&text, 12.0) * 1.1 + 14.0;
    put!(
        out,
        r##"<rect x="{}" y="{}" width="{}" height="20" rx="10" fill="#ffffff" stroke="{GRID}"/>"##,
        N(at.x - width / 2.0),
        N(at.y - 10.0),
        N(width)
    );
    put!(
        out,
        r#"<text x="{}" y="{}" text-anchor="middle" font-weight="bold" fill="{MUTED}">{}</text>"#,
        N(at.x),
        N(at.y + 4.0),
        Esc(&text)
    );
    out.push('\n');
}

fn map_link(out: &mut String, p: &Placed, desired: bool) {
    let from = MAP_CENTRE.polar(CENTRE_R + 2.0, p.deg);
    let to = MAP_CENTRE.polar(p.radius - NODE_R - 2.0, p.deg);
    let dash = if desired { "5 4" } else { "" };
    put!(
        out,
        r#"<line x1="{}" y1="{}" x2="{}" y2="{}"{}/>"#,
        N(from.x),
        N(from.y),
        N(to.x),
        N(to.y),
        Stroke { color: GREY, width: 1.2, dash }
    );
    out.push('\n');
}

/// Our organisation: a dark disc with the name in up to two lines, in full in its `<title>`.
fn map_centre(out: &mut String, name: &str) {
    let c = MAP_CENTRE;
    put!(out, "<g><title>{}</title>", Esc(name));
    put!(out, r#"<circle cx="{}" cy="{}" r="{}" fill="{DARK}"/>"#, N(c.x), N(c.y), N(CENTRE_R));
    let lines = wrap(name, 13, 2);
    let first = c.y + 4.0 - 7.0 * lines.len().saturating_sub(1) as f64;
    for (k, line) in lines.iter().enumerate() {
        put!(
            out,
            r##"<text x="{}" y="{}" text-anchor="middle" font-weight="bold" fill="#ffffff">{}</text>"##,
            N(c.x),
            N(first + 14.0 * k as f64),
            Esc(line)
        );
    }
    out.push_str("</g>\n");
}

/// A partner node in a group with its full name as `<title>`, wrapped in a link if it has one.
fn map_node(out: &mut String, p: &Placed, node: &MapNode) {
    let href = node.href.filter(|h| safe_href(h));
    if let Some(href) = href {
        put!(out, r#"<a href="{0}" xlink:href="{0}">"#, Esc(href));
    }
    put!(out, "<g><title>{}</title>", Esc(node.label));
    node_marker(out, p, node);
    node_label(out, p, node);
    out.push_str("</g>");
    if href.is_some() {
        out.push_str("</a>");
    }
    out.push('\n');
}

fn node_marker(out: &mut String, p: &Placed, node: &MapNode) {
    let at = MAP_CENTRE.polar(p.radius, p.deg);
    let color = verdict_color(node.verdict);
    if node.strategic {
        let ring = Stroke { color: TEXT, width: 2.5, dash: "" };
        put!(out, r#"<circle cx="{}" cy="{}" r="{}" fill="none"{ring}/>"#, N(at.x), N(at.y), N(NODE_R + 4.0));
    }
    let (opacity, stroke) = if node.desired {
        (r#" fill-opacity="0.35""#, Stroke { color, width: 2.0, dash: "3 2" })
    } else {
        ("", Stroke { color: "#ffffff", width: 1.5, dash: "" })
    };
    put!(
        out,
        r#"<circle cx="{}" cy="{}" r="{}" fill="{color}"{opacity}{stroke}/>"#,
        N(at.x),
        N(at.y),
        N(NODE_R)
    );
}

/// The truncated name, running outward along the node's radius and never upside down. In a
/// crowded sector all labels start beyond the outer ring, with a leader from inner-ring nodes.
fn node_label(out: &mut String, p: &Placed, node: &MapNode) {
    let edge = p.radius + NODE_R + if node.strategic { 4.0 } else { 0.0 };
    let label_r = if p.crowded { RING_OUTER + NODE_R + 9.0 } else { edge + 5.0 };
    if label_r - edge > 12.0 {
        let (from, to) = (MAP_CENTRE.polar(edge + 2.0, p.deg), MAP_CENTRE.polar(label_r - 3.0, p.deg));
        put!(
            out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{GRID_STRONG}" stroke-width="0.8"/>"#,
            N(from.x),
            N(from.y),
            N(to.x),
            N(to.y)
        );
    }
    let at = MAP_CENTRE.polar(label_r, p.deg);
    let (mut rotation, anchor) =
        if p.deg.to_radians().cos() >= -1e-9 { (p.deg, "start") } else { (p.deg - 180.0, "end") };
    if rotation > 180.0 {
        rotation -= 360.0;
    }
    let weight = if node.strategic { r#" font-weight="bold""# } else { "" };
    let style = if node.desired { r#" font-style="italic""# } else { "" };
    put!(
        out,
        r#"<text x="{x}" y="{}" transform="rotate({} {x} {y})" text-anchor="{anchor}" font-size="11" fill="{TEXT}"{weight}{style}>{}</text>"#,
        N(at.y + 3.5),
        N(rotation),
        Esc(&truncate(node.label, LABEL_CHARS)),
        x = N(at.x),
        y = N(at.y),
    );
}

/// The map legend: the five verdict colours, the strategic ring and the desired style.
fn map_legend(legend: &MapLegend) -> Vec<LegendItem> {
    let verdicts =
        [Verdict::Strong, Verdict::Adequate, Verdict::AtRisk, Verdict::Critical, Verdict::Insufficient];
    let mut items: Vec<LegendItem> = verdicts
        .iter()
        .zip(legend.verdicts)
        .map(|(&v, label)| {
            let swatch = format!(r#"<circle cx="12" cy="0" r="6" fill="{}"/>"#, verdict_color(v));
            LegendItem::new(swatch, label)
        })
        .collect();
    let strategic = format!(
        r#"<circle cx="12" cy="0" r="8" fill="none"{}/><circle cx="12" cy="0" r="5" fill="{GREY}"/>"#,
        Stroke { color: TEXT, width: 2.0, dash: "" }
    );
    items.push(LegendItem::new(strategic, legend.strategic));
    let desired = format!(
        r#"<line x1="0" y1="0" x2="24" y2="0"{}/><circle cx="12" cy="0" r="6" fill="{GREY}" fill-opacity="0.35"{}/>"#,
        Stroke { color: GREY, width: 1.2, dash: "5 4" },
        Stroke { color: GREY, width: 2.0, dash: "3 2" }
    );
    items.push(LegendItem::new(desired, legend.desired));
    items
}

// ---------------------------------------------------------------------------------------------
// Trend chart

/// One series of the trend chart.
pub struct TrendSeries<'a> {
    pub label: &'a str,
    /// One point per round, 0–100; `None` where the round has no score.
    pub points: Vec<Option<f64>>,
}

const TREND_W: f64 = 600.0;
const TREND_PAD: f64 = 24.0;

/// The marker drawn at each point of a trend series.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Square,
    Diamond,
    Triangle,
    Ring,
}

/// Series styles: distinct colours, dash patterns and markers, so lines differ in greyscale.
const TREND_STYLES: [(&str, &str, Marker); 5] = [
    ("#0969da", "", Marker::Circle),
    ("#bc4c00", "7 3", Marker::Square),
    ("#1a7f37", "2 3", Marker::Diamond),
    ("#8250df", "9 3 2 3", Marker::Triangle),
    (DARK, "4 2", Marker::Ring),
];

/// The plot area of the trend chart and the number of rounds.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    rounds: usize,
}

impl Plot {
    fn x(&self, i: usize) -> f64 {
        if self.rounds <= 1 {
            return (self.left + self.right) / 2.0;
        }
        let span = self.right - self.left - 2.0 * TREND_PAD;
        self.left + TREND_PAD + span * i as f64 / (self.rounds - 1) as f64
    }

    fn y(&self, value: f64) -> f64 {
        self.bottom - (self.bottom - self.top) * value / 100.0
    }

    /// The distance between neighbouring rounds.
    fn spacing(&self) -> f64 {
        if self.rounds <= 1 { f64::INFINITY } else { self.x(1) - self.x(0) }
    }
}

/// A small line chart of scores over rounds: rounds along x, 0–100 along y with gridlines, one
/// line per series (gaps where a round has no score; dots only for a single round) with its
/// own colour, dash pattern and marker, and a legend.
pub fn trend(title: &str, desc: &str, rounds: &[&str], series: &[TrendSeries]) -> String {
    let plot = Plot { left: 48.0, right: TREND_W - 16.0, top: 16.0, bottom: 216.0, rounds: rounds.len() };
    let mut body = String::new();
    trend_grid(&mut body, &plot);
    let axis_height = trend_rounds(&mut body, &plot, rounds);
    let mut items = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let style = TREND_STYLES[k % TREND_STYLES.len()];
        trend_line(&mut body, &plot, s, style);
        items.push(LegendItem::new(trend_swatch(style), s.label));
    }
    let legend_y = plot.bottom + axis_height + 8.0;
    let height = draw_legend(&mut body, &items, 20.0, legend_y, TREND_W - 40.0);
    document(TREND_W, legend_y + height + 10.0, title, desc, &body)
}

/// Gridlines at 25/50/75/100, the axis at 0 and the value labels.
fn trend_grid(out: &mut String, plot: &Plot) {
    for value in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = N(plot.y(value));
        let color = if value == 0.0 { GREY } else { GRID };
        put!(
            out,
            r#"<line x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{color}"/>"#,
            N(plot.left),
            N(plot.right)
        );
        put!(
            out,
            r#"<text x="{}" y="{}" text-anchor="end" font-size="10" fill="{MUTED}">{value}</text>"#,
            N(plot.left - 6.0),
            N(plot.y(value) + 3.5)
        );
        out.push('\n');
    }
}

/// The round labels under the axis, slanted when they would collide; returns their height.
fn trend_rounds(out: &mut String, plot: &Plot, rounds: &[&str]) -> f64 {
    let labels: Vec<String> = rounds.iter().map(|r| truncate(r, 14)).collect();
    let widest = labels.iter().map(|l| text_width(l, 11.0)).fold(0.0, f64::max);
    let slanted = widest + 8.0 > plot.spacing();
    let y = plot.bottom + 16.0;
    for (i, label) in labels.iter().enumerate() {
        let x = N(plot.x(i));
        put!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{GREY}"/>"#,
            N(plot.bottom),
            N(plot.bottom + 4.0)
        );
        let (anchor, transform) = if slanted {
            ("end", format!(r#" transform="rotate(-40 {x} {})""#, N(y - 4.0)))
        } else {
            ("middle", String::new())
        };
        put!(
            out,
            r#"<text x="{x}" y="{}"{transform} text-anchor="{anchor}" font-size="11" fill="{TEXT}">{}</text>"#,
            N(y),
            Esc(label)
        );
        out.push('\n');
    }
    if slanted { widest * 0.65 + 22.0 } else { 24.0 }
}

/// One series: a path per run of consecutive scores, then a marker at each score.
fn trend_line(out: &mut String, plot: &Plot, series: &TrendSeries, style: (&str, &str, Marker)) {
    let (color, dash, marker) = style;
    let points: Vec<Option<Pt>> = (0..plot.rounds)
        .map(|i| score(series.points.get(i).copied().flatten()).map(|v| Pt { x: plot.x(i), y: plot.y(v) }))
        .collect();
    put!(out, "<g><title>{}</title>", Esc(series.label));
    for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
        let d: Vec<String> = run
            .iter()
            .flatten()
            .enumerate()
            .map(|(k, p)| format!("{}{} {}", if k == 0 { "M" } else { "L" }, N(p.x), N(p.y)))
            .collect();
        let stroke = Stroke { color, width: 2.0, dash };
        put!(out, r#"<path d="{}" fill="none"{stroke} stroke-linejoin="round"/>"#, d.join(" "));
    }
    for p in points.iter().flatten() {
        out.push_str(&marker_svg(marker, *p, color));
    }
    out.push_str("</g>\n");
}

fn marker_svg(marker: Marker, at: Pt, color: &str) -> String {
    let (x, y) = (at.x, at.y);
    match marker {
        Marker::Circle => format!(r#"<circle cx="{}" cy="{}" r="3.5" fill="{color}"/>"#, N(x), N(y)),
        Marker::Square => {
            format!(r#"<rect x="{}" y="{}" width="7" height="7" fill="{color}"/>"#, N(x - 3.5), N(y - 3.5))
        }
        Marker::Diamond => polygon(&[(x, y - 4.5), (x + 4.5, y), (x, y + 4.5), (x - 4.5, y)], color),
        Marker::Triangle => polygon(&[(x, y - 4.5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)], color),
        Marker::Ring => format!(
            r##"<circle cx="{}" cy="{}" r="3.5" fill="#ffffff"{}/>"##,
            N(x),
            N(y),
            Stroke { color, width: 2.0, dash: "" }
        ),
    }
}

fn polygon(points: &[(f64, f64)], fill: &str) -> String {
    let points: Vec<String> = points.iter().map(|&(x, y)| Pt { x, y }.to_string()).collect();
    format!(r#"<polygon points="{}" fill="{fill}"/>"#, points.join(" "))
}

fn trend_swatch(style: (&str, &str, Marker)) -> String {
    let (color, dash, marker) = style;
    line_swatch(Stroke { color, width: 2.0, dash }, &marker_svg(marker, Pt { x: 12.0, y: 0.0 }, color))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks the basics and that the tags nest properly and every `&` starts an entity.
    fn assert_svg(svg: &str) {
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        for needle in
            ["<title", "<desc", r#"role="img""#, "aria-labelledby=", "viewBox=", "width=", "height="]
        {
            assert!(svg.contains(needle), "missing {needle}");
        }
        assert_balanced(svg);
        for (i, _) in svg.match_indices('&') {
            let rest = &svg[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|e| rest.starts_with(e)),
                "bare & at {i}"
            );
        }
    }

    fn assert_balanced(svg: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            let close = rest[open..].find('>').expect("unclosed tag") + open;
            let tag = &rest[open + 1..close];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().expect("tag name"));
            }
            rest = &rest[close + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
    }

    const EVIL: &str = "<script>alert(1)</script>";

    fn radar_legend() -> RadarLegend<'static> {
        RadarLegend { ours: "Wij", partner: "Partner", previous: "Vorige ronde" }
    }

    fn axes(evil: bool) -> Vec<RadarAxis<'static>> {
        let labels = ["P1 Vertrouwen", "P2 Gedeelde doelen en een heel lange naam", "P3", "P4", "P5"];
        labels
            .iter()
            .enumerate()
            .map(|(i, &label)| RadarAxis {
                label: if evil && i == 2 { EVIL } else { label },
                ours: Some(20.0 * i as f64 + 10.0),
                partner: if i == 1 { None } else { Some(55.5) },
                previous: None,
            })
            .collect()
    }

    fn map_legend() -> MapLegend<'static> {
        MapLegend {
            roles: ["Klanten", "Leveranciers", "Allianties", "Overig"],
            verdicts: ["Sterk", "Voldoende", "Risico", "Kritiek", "Onvoldoende data"],
            strategic: "Strategisch",
            desired: "Gewenst",
        }
    }

    fn nodes(names: &[String]) -> Vec<MapNode<'_>> {
        let roles = [Role::Customer, Role::Supplier, Role::Alliance, Role::Other, Role::Customer];
        let verdicts =
            [Verdict::Strong, Verdict::Adequate, Verdict::AtRisk, Verdict::Critical, Verdict::Insufficient];
        names
            .iter()
            .enumerate()
            .map(|(i, name)| MapNode {
                label: name,
                role: roles[i % 5],
                verdict: verdicts[i % 5],
                strategic: i % 3 == 0,
                desired: i % 4 == 1,
                href: (i % 2 == 0).then_some("partners/a&b.html"),
            })
            .collect()
    }

    /// The node group whose title is `name`.
    fn node_group<'a>(svg: &'a str, name: &str) -> &'a str {
        let start = svg.find(&format!("<title>{}</title>", escape(name))).expect("node title");
        let end = svg[start..].find("</g>").expect("group end") + start;
        &svg[start..end]
    }

    #[test]
    fn escape_covers_markup_and_controls() {
        assert_eq!(escape(r#"a&b<c>"d'"#), "a&amp;b&lt;c&gt;&quot;d&#39;");
        assert_eq!(escape("x\u{0}y\u{7}"), "xy");
    }

    #[test]
    fn numbers_are_stable() {
        assert_eq!(N(1.0).to_string(), "1");
        assert_eq!(N(1.25).to_string(), "1.3");
        assert_eq!(N(-0.01).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
    }

    #[test]
    fn truncate_and_wrap() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("  a   b ", 4), "a b");
        assert_eq!(wrap("P2 Gedeelde doelen", 22, 2), vec!["P2 Gedeelde doelen"]);
        assert_eq!(wrap("one two three four", 8, 2), vec!["one two", "three f…"]);
    }

    #[test]
    fn verdict_colours_are_hex() {
        for v in
            [Verdict::Strong, Verdict::Adequate, Verdict::AtRisk, Verdict::Critical, Verdict::Insufficient]
        {
            let c = verdict_color(v);
            assert_eq!(checked_color(c), c);
        }
    }

    #[test]
    fn radar_renders_escapes_and_is_deterministic() {
        let svg = radar("Radar <x>", "Scores & more", &axes(true), &radar_legend(), "#0969da");
        assert_svg(&svg);
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("Radar &lt;x&gt;"));
        assert!(svg.contains(r#"stroke-dasharray="6 4""#), "partner series is dashed");
        assert!(!svg.contains("Vorige ronde"), "no previous series, no legend entry");
        assert_eq!(svg, radar("Radar <x>", "Scores & more", &axes(true), &radar_legend(), "#0969da"));
    }

    #[test]
    fn radar_with_nothing_answered_still_renders() {
        let mut empty = axes(false);
        for axis in &mut empty {
            (axis.ours, axis.partner, axis.previous) = (None, None, None);
        }
        let svg = radar("t", "d", &empty, &radar_legend(), "not a colour\"/>");
        assert_svg(&svg);
        assert!(!svg.contains("<polygon"));
        assert_svg(&radar("t", "d", &[], &radar_legend(), "#123456"));
    }

    #[test]
    fn radar_rejects_bad_accent() {
        let svg = radar("t", "d", &axes(false), &radar_legend(), "red\" onload=\"x");
        assert!(svg.contains(DEFAULT_ACCENT));
        assert!(!svg.contains("onload"));
    }

    #[test]
    fn empty_map_renders() {
        let svg = network_map("Map", "No partners", "Our <Org>", &[], &map_legend());
        assert_svg(&svg);
        assert!(svg.contains("<title>Our &lt;Org&gt;</title>"));
    }

    #[test]
    fn large_map_renders_every_name_and_marks_desired() {
        let mut names: Vec<String> =
            (0..40).map(|i| format!("Partner {i} with a rather long company name B.V.")).collect();
        names[7] = EVIL.to_string();
        let nodes = nodes(&names);
        let svg = network_map("Map", "40 partners", "Wij", &nodes, &map_legend());
        assert_svg(&svg);
        assert!(!svg.contains("<script"));
        for node in &nodes {
            let group = node_group(&svg, node.label);
            assert_eq!(group.contains("stroke-dasharray"), node.desired, "{}", node.label);
        }
        assert!(svg.contains(r#"<a href="partners/a&amp;b.html""#));
        assert_eq!(svg, network_map("Map", "40 partners", "Wij", &nodes, &map_legend()));
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let names = vec!["A".to_string()];
        let mut nodes = nodes(&names);
        nodes[0].href = Some("javascript:alert(1)");
        let svg = network_map("Map", "d", "Wij", &nodes, &map_legend());
        assert!(!svg.contains("javascript"));
        assert!(
            safe_href("../partners/x.html") && safe_href("https://example.org") && safe_href("a.html#p:1")
        );
    }

    #[test]
    fn trend_renders_gaps_single_rounds_and_escapes() {
        let series = vec![
            TrendSeries { label: EVIL, points: vec![Some(40.0), None, Some(60.0), Some(70.0)] },
            TrendSeries { label: "P2", points: vec![Some(10.0), Some(20.0)] },
        ];
        let rounds = ["2024-01-15", "2024-06-01", "2025-01-10", "2025-06-30"];
        let svg = trend("Trend", "Scores over rounds", &rounds, &series);
        assert_svg(&svg);
        assert!(!svg.contains("<script"));
        assert_eq!(svg.matches("<path").count(), 2, "the gap splits the first line");
        assert_eq!(svg, trend("Trend", "Scores over rounds", &rounds, &series));

        let single = trend("Trend", "One round", &["2024"], &series);
        assert_svg(&single);
        assert!(!single.contains("<path"));
        assert_svg(&trend("Trend", "Nothing", &[], &[]));
    }

    #[test]
    fn ids_differ_between_charts() {
        let a = trend("A", "d", &["r"], &[]);
        let b = trend("B", "d", &["r"], &[]);
        let id = |svg: &str| svg.split("aria-labelledby=\"").nth(1).map(|s| s[..10].to_string());
        assert_ne!(id(&a), id(&b));
    }
}
