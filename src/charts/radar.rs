//! The radar chart of a partner's proposition scores.

use super::{
    DARK, GREY, GRID, GRID_STRONG, LegendItem, MUTED, Pt, Stroke, Svg, TEXT, WHITE, checked_color, document,
    draw_legend, legend_height, line_swatch, score, truncate, wrap,
};

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
#[derive(Clone, Copy)]
struct RadarStyle<'a> {
    stroke: Stroke<'a>,
    /// The polygon's fill opacity in the series colour, or no fill.
    fill_opacity: Option<&'a str>,
    /// The dot at each value: radius and fill (`None` for a hollow dot).
    dot: (f64, Option<&'a str>),
}

impl RadarStyle<'_> {
    fn new<'a>(
        color: &'a str,
        width: f64,
        dash: &'a str,
        fill_opacity: Option<&'a str>,
        dot_fill: Option<&'a str>,
    ) -> RadarStyle<'a> {
        let dot_r = if width < 2.0 { 2.5 } else { 3.5 };
        RadarStyle { stroke: Stroke { color, width, dash }, fill_opacity, dot: (dot_r, dot_fill) }
    }

    fn dot(&self, svg: &mut Svg, at: Pt) {
        let (r, fill) = self.dot;
        svg.open("circle").num("cx", at.x).num("cy", at.y).num("r", r);
        match fill {
            Some(fill) => svg.attr("fill", fill),
            None => svg.attr("fill", WHITE).stroke(Stroke { dash: "", width: 1.5, ..self.stroke }),
        };
        svg.close();
    }

    fn swatch(&self, svg: &mut Svg) {
        line_swatch(svg, self.stroke);
        self.dot(svg, Pt { x: 12.0, y: 0.0 });
    }
}

/// A radar (spider) chart of the proposition scores: rings at 25/50/75/100, one labelled axis
/// per proposition, a filled polygon for `ours` in `accent`, a dashed outline for `partner` and
/// a dotted grey one for `previous` (each only if some axis has a value), dots at the values
/// (missing values sit at the centre without a dot) and a legend of the series drawn.
pub fn radar(title: &str, desc: &str, axes: &[RadarAxis], legend: &RadarLegend, accent: &str) -> String {
    let accent = checked_color(accent);
    let geo = Radar { centre: Pt { x: RADAR_W / 2.0, y: 200.0 }, radius: 125.0, axes: axes.len() };
    let values = |pick: fn(&RadarAxis) -> Option<f64>| -> Vec<Option<f64>> {
        axes.iter().map(|a| score(pick(a))).collect()
    };
    let series: Vec<_> = [
        (values(|a| a.ours), RadarStyle::new(accent, 2.0, "", Some("0.25"), Some(accent)), legend.ours),
        (values(|a| a.partner), RadarStyle::new(DARK, 2.0, "6 4", None, None), legend.partner),
        (values(|a| a.previous), RadarStyle::new(GREY, 1.5, "2 3", None, Some(GREY)), legend.previous),
    ]
    .into_iter()
    .filter(|(values, _, _)| values.iter().any(Option::is_some))
    .collect();
    let items: Vec<LegendItem> = series
        .iter()
        .map(|&(_, style, label)| LegendItem::new(move |svg: &mut Svg| style.swatch(svg), label))
        .collect();
    let height = legend_height(&items, RADAR_W - 40.0);
    document(RADAR_W, RADAR_LEGEND_Y + height + 12.0, title, desc, |svg| {
        radar_grid(svg, &geo, axes);
        for (values, style, _) in &series {
            radar_series(svg, &geo, values, style);
        }
        ring_labels(svg, &geo);
        draw_legend(svg, &items, 20.0, RADAR_LEGEND_Y, RADAR_W - 40.0);
    })
}

/// The rings' value labels, half-way between the first two axes (where no value's dot is),
/// drawn over the data with a white halo so none is hidden under it.
fn ring_labels(svg: &mut Svg, geo: &Radar) {
    let deg = geo.angle(0) + 180.0 / geo.axes.max(2) as f64;
    for step in [25.0, 50.0, 75.0, 100.0] {
        let at = geo.centre.polar(geo.radius * step / 100.0, deg);
        svg.open("text")
            .num("x", at.x)
            .num("y", at.y + 3.5)
            .attr("text-anchor", "middle")
            .attr("font-size", "10")
            .attr("fill", MUTED)
            .attr("stroke", WHITE)
            .attr("stroke-width", "3")
            .attr("paint-order", "stroke");
        svg.number(step).close();
    }
}

/// The rings, the axes and the axis labels.
fn radar_grid(svg: &mut Svg, geo: &Radar, axes: &[RadarAxis]) {
    let c = geo.centre;
    for step in [25.0, 50.0, 75.0, 100.0] {
        let color = if step == 100.0 { GRID_STRONG } else { GRID };
        let r = geo.radius * step / 100.0;
        svg.open("circle")
            .num("cx", c.x)
            .num("cy", c.y)
            .num("r", r)
            .attr("fill", "none")
            .attr("stroke", color);
        svg.close();
    }
    for (i, axis) in axes.iter().enumerate() {
        let end = geo.point(i, 100.0);
        svg.open("line").num("x1", c.x).num("y1", c.y).num("x2", end.x).num("y2", end.y).attr("stroke", GRID);
        svg.close();
        radar_label(svg, geo, i, axis.label);
    }
}

/// An axis label just outside the outer ring, anchored away from the centre, in up to two lines
/// (with the full label as `<title>` when it had to be shortened).
fn radar_label(svg: &mut Svg, geo: &Radar, i: usize, label: &str) {
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
        svg.open("g").open("title").text(label).close();
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
        svg.open("text").num("x", at.x).num("y", first + 13.0 * k as f64).attr("text-anchor", anchor);
        svg.attr("font-size", "11").attr("fill", TEXT).text(line).close();
    }
    if shortened {
        svg.close();
    }
}

/// One series: its polygon (missing values at the centre) and a dot at each present value.
fn radar_series(svg: &mut Svg, geo: &Radar, values: &[Option<f64>], style: &RadarStyle) {
    let points: Vec<Pt> = values.iter().enumerate().map(|(i, v)| geo.point(i, v.unwrap_or(0.0))).collect();
    svg.open("polygon").geom("points", super::Points(&points));
    match style.fill_opacity {
        Some(opacity) => svg.attr("fill", style.stroke.color).attr("fill-opacity", opacity),
        None => svg.attr("fill", "none"),
    };
    svg.stroke(style.stroke).attr("stroke-linejoin", "round").close();
    for (i, value) in values.iter().enumerate() {
        if let Some(value) = value {
            style.dot(svg, geo.point(i, *value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::DEFAULT_ACCENT;
    use super::super::check::{self, EVIL, NASTY, NASTY_SHOWN};
    use super::*;

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

    #[test]
    fn radar_renders_escapes_and_is_deterministic() {
        let svg = radar("Radar <x>", "Scores & more", &axes(true), &radar_legend(), "#0969da");
        let doc = check::parse(&svg);
        let texts = check::texts(&doc);
        assert!(texts.contains(&EVIL), "the hostile label is text: {texts:?}");
        assert!(texts.contains(&"Radar <x>") && texts.contains(&"Scores & more"));
        let dashed = check::elements(&doc, "polygon");
        assert!(dashed.iter().any(|p| p.attribute("stroke-dasharray") == Some("6 4")), "partner is dashed");
        assert!(!texts.contains(&"Vorige ronde"), "no previous series, no legend entry");
        assert_eq!(svg, radar("Radar <x>", "Scores & more", &axes(true), &radar_legend(), "#0969da"));
    }

    #[test]
    fn long_labels_wrap_and_shortened_ones_keep_their_full_text_as_title() {
        let mut axes = axes(false);
        let long = "P4 Sleutelpersonen en hun opvolging binnen beide organisaties";
        axes[3].label = long;
        let svg = radar("t", "d", &axes, &radar_legend(), "#0969da");
        let doc = check::parse(&svg);
        let titles: Vec<_> = check::elements(&doc, "title").into_iter().skip(1).collect();
        assert_eq!(titles.len(), 1, "only the shortened label has a title");
        assert_eq!(titles[0].text(), Some(long));
        let group = titles[0].parent().expect("the label group");
        let lines: Vec<_> =
            group.children().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert_eq!(lines, ["P4 Sleutelpersonen en", "hun opvolging binnen…"]);
        let texts = check::texts(&doc);
        assert!(texts.contains(&"P2 Gedeelde doelen en") && texts.contains(&"een heel lange naam"));
    }

    #[test]
    fn radar_with_nothing_answered_still_renders() {
        let mut empty = axes(false);
        for axis in &mut empty {
            (axis.ours, axis.partner, axis.previous) = (None, None, None);
        }
        let svg = radar("t", "d", &empty, &radar_legend(), "not a colour\"/>");
        assert!(check::elements(&check::parse(&svg), "polygon").is_empty());
        check::parse(&radar("t", "d", &[], &radar_legend(), "#123456"));
    }

    #[test]
    fn radar_rejects_bad_accent() {
        let svg = radar("t", "d", &axes(false), &radar_legend(), "red\" onload=\"x");
        let doc = check::parse(&svg);
        let ours = check::elements(&doc, "polygon")[0];
        assert_eq!(ours.attribute("fill"), Some(DEFAULT_ACCENT));
        assert!(!svg.contains("onload"));
    }

    #[test]
    fn hostile_text_stays_text() {
        let mut hostile = axes(false);
        hostile[0].label = NASTY;
        let legend = RadarLegend { ours: NASTY, partner: EVIL, previous: "p" };
        let svg = radar(NASTY, NASTY, &hostile, &legend, "#0969da");
        let doc = check::parse(&svg);
        let texts = check::texts(&doc);
        assert_eq!(texts[..2], [NASTY_SHOWN, NASTY_SHOWN], "title and desc");
        assert!(texts.contains(&EVIL));
        assert!(texts.iter().any(|t| t.starts_with("<img src=x") && t.ends_with('…')), "{texts:?}");
    }
}
