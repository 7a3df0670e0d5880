//! The line chart of scores over rounds.

use std::fmt::{self, Display};

use super::{
    DARK, GREY, GRID, LegendItem, MUTED, N, Pt, Stroke, Svg, TEXT, WHITE, document, draw_legend,
    legend_height, line_swatch, polygon, score, text_width, truncate,
};

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

/// How a series is drawn: colour, dash pattern and marker.
type Style = (&'static str, &'static str, Marker);

/// Series styles: distinct colours, dash patterns and markers, so lines differ in greyscale.
const TREND_STYLES: [Style; 5] = [
    ("#0969da", "", Marker::Circle),
    ("#bc4c00", "7 3", Marker::Square),
    ("#1a7f37", "2 3", Marker::Diamond),
    ("#8250df", "9 3 2 3", Marker::Triangle),
    (DARK, "4 2", Marker::Ring),
];

/// The style of the `k`th series.
fn style(k: usize) -> Style {
    TREND_STYLES[k % TREND_STYLES.len()]
}

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

/// The round labels under the axis: shortened, and slanted when they would collide.
struct RoundLabels {
    labels: Vec<String>,
    widest: f64,
    slanted: bool,
}

impl RoundLabels {
    fn new(plot: &Plot, rounds: &[&str]) -> Self {
        let labels: Vec<String> = rounds.iter().map(|r| truncate(r, 14)).collect();
        let widest = labels.iter().map(|l| text_width(l, 11.0)).fold(0.0, f64::max);
        RoundLabels { labels, widest, slanted: widest + 8.0 > plot.spacing() }
    }

    /// The height the labels take under the axis.
    fn height(&self) -> f64 {
        if self.slanted { self.widest * 0.65 + 22.0 } else { 24.0 }
    }
}

/// A small line chart of scores over rounds: rounds along x, 0–100 along y with gridlines, one
/// line per series (gaps where a round has no score; dots only for a single round) with its
/// own colour, dash pattern and marker, and a legend.
pub fn trend(title: &str, desc: &str, rounds: &[&str], series: &[TrendSeries]) -> String {
    let plot = Plot { left: 48.0, right: TREND_W - 16.0, top: 16.0, bottom: 216.0, rounds: rounds.len() };
    let labels = RoundLabels::new(&plot, rounds);
    let items: Vec<LegendItem> = (series.iter().enumerate())
        .map(|(k, s)| LegendItem::new(move |svg: &mut Svg| swatch(svg, style(k)), s.label))
        .collect();
    let legend_y = plot.bottom + labels.height() + 8.0;
    let height = legend_height(&items, TREND_W - 40.0);
    document(TREND_W, legend_y + height + 10.0, title, desc, |svg| {
        trend_grid(svg, &plot);
        trend_rounds(svg, &plot, &labels);
        for (k, s) in series.iter().enumerate() {
            trend_line(svg, &plot, s, style(k));
        }
        draw_legend(svg, &items, 20.0, legend_y, TREND_W - 40.0);
    })
}

/// Gridlines at 25/50/75/100, the axis at 0 and the value labels.
fn trend_grid(svg: &mut Svg, plot: &Plot) {
    for value in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = plot.y(value);
        let color = if value == 0.0 { GREY } else { GRID };
        svg.open("line").num("x1", plot.left).num("y1", y).num("x2", plot.right).num("y2", y);
        svg.attr("stroke", color).close();
        svg.open("text").num("x", plot.left - 6.0).num("y", y + 3.5).attr("text-anchor", "end");
        svg.attr("font-size", "10").attr("fill", MUTED).number(value).close();
    }
}

/// The tick and label of each round under the axis.
fn trend_rounds(svg: &mut Svg, plot: &Plot, labels: &RoundLabels) {
    let y = plot.bottom + 16.0;
    for (i, label) in labels.labels.iter().enumerate() {
        let x = plot.x(i);
        svg.open("line").num("x1", x).num("y1", plot.bottom).num("x2", x).num("y2", plot.bottom + 4.0);
        svg.attr("stroke", GREY).close();
        svg.open("text");
        if labels.slanted {
            svg.num("x", x).num("y", y);
            svg.geom("transform", format_args!("rotate(-40 {} {})", N(x), N(y - 4.0)));
        } else {
            // Centred under its tick, but kept inside the chart.
            let half = text_width(label, 11.0) / 2.0;
            svg.num("x", x.clamp(half + 4.0, (TREND_W - half - 4.0).max(half + 4.0))).num("y", y);
        }
        svg.attr("text-anchor", if labels.slanted { "end" } else { "middle" });
        svg.attr("font-size", "11").attr("fill", TEXT).text(label).close();
    }
}

/// Path data through points: `M x y L x y …`.
struct PathData<'a>(&'a [Pt]);

impl Display for PathData<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, p) in self.0.iter().enumerate() {
            let (sep, cmd) = if k == 0 { ("", "M") } else { (" ", "L") };
            write!(f, "{sep}{cmd}{} {}", N(p.x), N(p.y))?;
        }
        Ok(())
    }
}

/// One series: a path per run of consecutive scores, then a marker at each score, in a group
/// with the series name as `<title>`.
fn trend_line(svg: &mut Svg, plot: &Plot, series: &TrendSeries, style: Style) {
    let (color, dash, marker) = style;
    let points: Vec<Option<Pt>> = (0..plot.rounds)
        .map(|i| score(series.points.get(i).copied().flatten()).map(|v| Pt { x: plot.x(i), y: plot.y(v) }))
        .collect();
    svg.open("g").open("title").text(series.label).close();
    for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
        let run: Vec<Pt> = run.iter().flatten().copied().collect();
        svg.open("path").geom("d", PathData(&run)).attr("fill", "none");
        svg.stroke(Stroke { color, width: 2.0, dash }).attr("stroke-linejoin", "round").close();
    }
    for p in points.iter().flatten() {
        draw_marker(svg, marker, *p, color);
    }
    svg.close();
}

fn draw_marker(svg: &mut Svg, marker: Marker, at: Pt, color: &str) {
    let (x, y) = (at.x, at.y);
    let pt = |x, y| Pt { x, y };
    match marker {
        Marker::Circle => {
            svg.open("circle").num("cx", x).num("cy", y).num("r", 3.5).attr("fill", color).close();
        }
        Marker::Square => {
            svg.open("rect").num("x", x - 3.5).num("y", y - 3.5).num("width", 7.0).num("height", 7.0);
            svg.attr("fill", color).close();
        }
        Marker::Diamond => {
            polygon(svg, &[pt(x, y - 4.5), pt(x + 4.5, y), pt(x, y + 4.5), pt(x - 4.5, y)], color);
        }
        Marker::Triangle => {
            polygon(svg, &[pt(x, y - 4.5), pt(x + 4.5, y + 3.5), pt(x - 4.5, y + 3.5)], color)
        }
        Marker::Ring => {
            svg.open("circle").num("cx", x).num("cy", y).num("r", 3.5).attr("fill", WHITE);
            svg.stroke(Stroke { color, width: 2.0, dash: "" }).close();
        }
    }
}

/// A series' legend symbol: its line with its marker in the middle.
fn swatch(svg: &mut Svg, style: Style) {
    let (color, dash, marker) = style;
    line_swatch(svg, Stroke { color, width: 2.0, dash });
    draw_marker(svg, marker, Pt { x: 12.0, y: 0.0 }, color);
}

#[cfg(test)]
mod tests {
    use super::super::check::{self, EVIL, NASTY, NASTY_SHOWN};
    use super::*;

    fn series() -> Vec<TrendSeries<'static>> {
        vec![
            TrendSeries { label: EVIL, points: vec![Some(40.0), None, Some(60.0), Some(70.0)] },
            TrendSeries { label: "P2", points: vec![Some(10.0), Some(20.0)] },
        ]
    }

    #[test]
    fn trend_renders_gaps_single_rounds_and_escapes() {
        let series = series();
        let rounds = ["2024-01-15", "2024-06-01", "2025-01-10", "2025-06-30"];
        let svg = trend("Trend", "Scores over rounds", &rounds, &series);
        let doc = check::parse(&svg);
        assert!(check::texts(&doc).contains(&EVIL));
        assert_eq!(check::elements(&doc, "path").len(), 2, "the gap splits the first line");
        assert_eq!(svg, trend("Trend", "Scores over rounds", &rounds, &series));

        let single = trend("Trend", "One round", &["2024"], &series);
        assert!(check::elements(&check::parse(&single), "path").is_empty());
        check::parse(&trend("Trend", "Nothing", &[], &[]));
    }

    #[test]
    fn crowded_round_labels_slant() {
        let rounds: Vec<String> = (0..20).map(|i| format!("2024-{i:02}-01")).collect();
        let rounds: Vec<&str> = rounds.iter().map(String::as_str).collect();
        let slanted = |rounds: &[&str]| {
            let svg = trend("T", "d", rounds, &series());
            let doc = check::parse(&svg);
            let labels =
                check::elements(&doc, "text").into_iter().filter(|t| t.attribute("font-size") == Some("11"));
            labels.map(|t| t.attribute("transform").is_some()).collect::<Vec<_>>()
        };
        assert!(slanted(&rounds).iter().all(|&s| s));
        assert!(slanted(&rounds[..3]).iter().all(|&s| !s));
    }

    #[test]
    fn ids_differ_between_charts() {
        let (a, b) = (trend("A", "d", &["r"], &[]), trend("B", "d", &["r"], &[]));
        let id =
            |svg: &str| check::parse(svg).root_element().attribute("aria-labelledby").map(str::to_string);
        assert_ne!(id(&a), id(&b));
    }

    #[test]
    fn hostile_text_stays_text() {
        let series = vec![TrendSeries { label: NASTY, points: vec![Some(50.0)] }];
        let svg = trend(NASTY, NASTY, &[NASTY, EVIL], &series);
        let doc = check::parse(&svg);
        let texts = check::texts(&doc);
        assert_eq!(texts[..2], [NASTY_SHOWN, NASTY_SHOWN], "title and desc");
        assert!(texts.contains(&NASTY_SHOWN), "the series title");
        assert!(texts.contains(&"<script>alert…"), "{texts:?}");
    }
}
