//! The network map: our organisation in the centre, the partners around it by role.

use super::{
    DARK, GREY, GRID, GRID_STRONG, LegendItem, MUTED, N, Pt, Stroke, Svg, TEXT, WHITE, document, draw_legend,
    legend_height, line_swatch, text_width, truncate, verdict_color, verdict_mark, wrap,
};
use crate::model::{Role, Verdict};

/// A partner on the network map.
pub struct MapNode<'a> {
    /// Display name; shown whole where it fits (in two lines if need be), and always in full in
    /// the node's `<title>`.
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
const CENTRE_R: f64 = 60.0;
const NODE_R: f64 = 10.0;
/// The node ring, and the two rings used when a sector is crowded.
const RING: f64 = 190.0;
const RING_INNER: f64 = 160.0;
const RING_OUTER: f64 = 215.0;
/// Neighbouring nodes closer than this (along the ring) go on alternating rings.
const MIN_NODE_GAP: f64 = 30.0;
/// Every sector's minimum angle; the rest is shared in proportion to the number of partners.
const SECTOR_BASE: f64 = 50.0;
const SECTOR_LABEL_R: f64 = 132.0;
/// A node label's font size, and the fewest characters it is given before it wraps.
const LABEL_SIZE: f64 = 12.0;

/// One role's sector: where it starts (degrees clockwise from the x axis), its angle and its
/// partners (indices into the nodes).
struct Sector {
    role: usize,
    start: f64,
    sweep: f64,
    members: Vec<usize>,
}

/// A node's place: its index, direction (degrees) and distance from the centre; and its
/// label's distance from the centre and the lines it may take.
struct Placed {
    index: usize,
    deg: f64,
    radius: f64,
    label_r: f64,
    lines: usize,
    /// Whether there is room for the verdict's mark (the node does not touch another).
    mark: bool,
}

/// The most lines a node label takes, and the distance between them.
const LABEL_LINES: usize = 3;
const LABEL_LEADING: f64 = LABEL_SIZE + 1.0;

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
    let mut placed: Vec<Placed> = sectors.iter().flat_map(|s| place(s, nodes)).collect();
    label_lines(&mut placed);
    let items = map_legend(legend);
    let height = legend_height(&items, MAP_W - 40.0);
    document(MAP_W, MAP_H + height + 12.0, title, desc, |svg| {
        for sector in &sectors {
            sector_boundary(svg, sector);
        }
        for p in &placed {
            map_link(svg, p, nodes[p.index].desired);
        }
        for label in &role_labels(&sectors, &placed, nodes, legend.roles) {
            role_label(svg, label);
        }
        map_centre(svg, center);
        for p in &placed {
            map_node(svg, p, &nodes[p.index]);
        }
        draw_legend(svg, &items, 20.0, MAP_H, MAP_W - 40.0);
    })
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

/// The places of a sector's nodes: evenly spread, on alternating rings when crowded. Labels
/// start just beyond their node, or, in a crowded sector, all beyond the outer ring.
fn place<'a>(sector: &'a Sector, nodes: &'a [MapNode]) -> impl Iterator<Item = Placed> + 'a {
    let step = sector.sweep / sector.members.len().max(1) as f64;
    let crowded = RING * step.to_radians() < MIN_NODE_GAP;
    sector.members.iter().enumerate().map(move |(k, &index)| {
        let radius = match (crowded, k % 2) {
            (false, _) => RING,
            (true, 0) => RING_INNER,
            (true, _) => RING_OUTER,
        };
        let edge = radius + NODE_R + if nodes[index].strategic { 4.0 } else { 0.0 };
        let label_r = if crowded { RING_OUTER + NODE_R + 9.0 } else { edge + 5.0 };
        let deg = sector.start + step * (k as f64 + 0.5);
        Placed { index, deg, radius, label_r, lines: LABEL_LINES, mark: true }
    })
}

/// How many lines each label may take: as many as fit (up to [`LABEL_LINES`]) between its ray
/// and its neighbours' where the labels start, so that neighbouring labels never touch; none
/// where not even one line fits (the name is then in the node's `<title>` only). The places
/// are in clockwise order.
fn label_lines(placed: &mut [Placed]) {
    let n = placed.len();
    let room = |a: &Placed, b: &Placed| {
        let delta = (a.deg - b.deg).rem_euclid(360.0).min((b.deg - a.deg).rem_euclid(360.0));
        if delta >= 90.0 { f64::INFINITY } else { a.label_r.min(b.label_r) * delta.to_radians().sin() }
    };
    let lines: Vec<usize> = (0..n)
        .map(|k| {
            let gap = if n < 2 {
                f64::INFINITY
            } else {
                room(&placed[k], &placed[(k + n - 1) % n]).min(room(&placed[k], &placed[(k + 1) % n]))
            };
            // A label of `l` lines is LABEL_SIZE + (l - 1) × LABEL_LEADING high, centred on its ray.
            let fit = ((gap - 1.0 - LABEL_SIZE) / LABEL_LEADING).floor() + 1.0;
            fit.clamp(0.0, LABEL_LINES as f64) as usize
        })
        .collect();
    // A node touches another only near it in clockwise order (the next on its ring is at most
    // two places on).
    let at = |p: &Placed| MAP_CENTRE.polar(p.radius, p.deg);
    let marks: Vec<bool> = (0..n)
        .map(|k| {
            let near =
                [1, 2, n.saturating_sub(1), n.saturating_sub(2)].into_iter().filter(|&d| d > 0 && d < n);
            near.map(|d| (at(&placed[k]), at(&placed[(k + d) % n])))
                .all(|(a, b)| (a.x - b.x).hypot(a.y - b.y) >= 2.0 * NODE_R + 1.0)
        })
        .collect();
    for ((p, lines), mark) in placed.iter_mut().zip(lines).zip(marks) {
        p.lines = lines;
        p.mark = mark;
    }
}

/// A straight line from `from` to `to`; the caller adds the stroke.
fn line(svg: &mut Svg, from: Pt, to: Pt) -> &mut Svg {
    svg.open("line").num("x1", from.x).num("y1", from.y).num("x2", to.x).num("y2", to.y)
}

fn sector_boundary(svg: &mut Svg, sector: &Sector) {
    let from = MAP_CENTRE.polar(CENTRE_R + 8.0, sector.start);
    let to = MAP_CENTRE.polar(RING_OUTER + 150.0, sector.start);
    line(svg, from, to).stroke(Stroke { color: GRID, width: 1.0, dash: "4 4" }).close();
}

/// A role label: its text and the pill around it, centred on `at`.
struct RoleLabel {
    text: String,
    width: f64,
    at: Pt,
}

const PILL_H: f64 = 20.0;

impl RoleLabel {
    fn new(name: &str, count: usize) -> RoleLabel {
        let text = format!("{} ({count})", truncate(name, 16));
        let width = text_width(&text, 12.0) * 1.1 + 14.0;
        RoleLabel { text, width, at: MAP_CENTRE }
    }

    /// The pill at `at`, as left, top, right and bottom.
    fn pill(&self, at: Pt) -> (f64, f64, f64, f64) {
        (at.x - self.width / 2.0, at.y - PILL_H / 2.0, at.x + self.width / 2.0, at.y + PILL_H / 2.0)
    }
}

/// How far the box `(left, top, right, bottom)` is from the point `c` (0 inside it).
fn box_distance((left, top, right, bottom): (f64, f64, f64, f64), c: Pt) -> f64 {
    let dx = (left - c.x).max(c.x - right).max(0.0);
    let dy = (top - c.y).max(c.y - bottom).max(0.0);
    dx.hypot(dy)
}

/// The role labels, one per sector, each at the free spot nearest the middle of its sector at
/// [`SECTOR_LABEL_R`]: clear of the centre disc, the nodes and the role labels placed before it
/// (looking further round the sector, then nearer or further from the centre). Where no spot is
/// free, the label stays in the middle.
fn role_labels(sectors: &[Sector], placed: &[Placed], nodes: &[MapNode], names: [&str; 4]) -> Vec<RoleLabel> {
    let discs: Vec<(Pt, f64)> = placed
        .iter()
        .map(|p| {
            (MAP_CENTRE.polar(p.radius, p.deg), NODE_R + if nodes[p.index].strategic { 6.0 } else { 2.0 })
        })
        .collect();
    let inner = placed.iter().map(|p| p.radius).fold(RING, f64::min) - NODE_R;
    let mut labels: Vec<RoleLabel> = Vec::with_capacity(sectors.len());
    for sector in sectors {
        let mut label = RoleLabel::new(names[sector.role], sector.members.len());
        let middle = sector.start + sector.sweep / 2.0;
        let mut spots: Vec<(f64, Pt)> = Vec::new();
        for turn in -8i32..=8 {
            let deg = middle + sector.sweep * f64::from(turn) / 20.0;
            for shift in -8i32..=4 {
                let radius = SECTOR_LABEL_R + 6.0 * f64::from(shift);
                let cost = f64::from(turn.abs()) * 4.0 + f64::from(shift.abs());
                spots.push((cost, MAP_CENTRE.polar(radius, deg)));
            }
        }
        spots.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Never on the disc or another role label; off the nodes where it can be.
        let allowed = |at: Pt| {
            let pill = label.pill(at);
            box_distance(pill, MAP_CENTRE) >= CENTRE_R + 4.0
                && labels.iter().all(|other| apart(pill, other.pill(other.at)))
        };
        let free = |at: Pt| {
            let pill = label.pill(at);
            corners(pill)
                .iter()
                .all(|&c| (c.x - MAP_CENTRE.x).hypot(c.y - MAP_CENTRE.y) < inner.max(RING_INNER))
                && discs.iter().all(|&(c, r)| box_distance(pill, c) >= r)
        };
        let spots = spots.iter().map(|s| s.1).filter(|&at| allowed(at));
        let (free_spots, other_spots): (Vec<Pt>, Vec<Pt>) = spots.partition(|&at| free(at));
        label.at = (free_spots.first().or(other_spots.first()).copied())
            .unwrap_or(MAP_CENTRE.polar(SECTOR_LABEL_R, middle));
        labels.push(label);
    }
    labels
}

fn corners((left, top, right, bottom): (f64, f64, f64, f64)) -> [Pt; 4] {
    [Pt { x: left, y: top }, Pt { x: right, y: top }, Pt { x: right, y: bottom }, Pt { x: left, y: bottom }]
}

/// Whether two boxes are at least 4 px apart.
fn apart(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64)) -> bool {
    a.2 + 4.0 <= b.0 || b.2 + 4.0 <= a.0 || a.3 + 4.0 <= b.1 || b.3 + 4.0 <= a.1
}

/// A role label: the role name and partner count on a white pill.
fn role_label(svg: &mut Svg, label: &RoleLabel) {
    let (left, top, _, _) = label.pill(label.at);
    svg.open("rect").num("x", left).num("y", top).num("width", label.width);
    svg.num("height", PILL_H).num("rx", 10.0).attr("fill", WHITE).attr("stroke", GRID).close();
    svg.open("text").num("x", label.at.x).num("y", label.at.y + 4.0).attr("text-anchor", "middle");
    svg.attr("font-weight", "bold").attr("fill", MUTED).text(&label.text).close();
}

fn map_link(svg: &mut Svg, p: &Placed, desired: bool) {
    let from = MAP_CENTRE.polar(CENTRE_R + 2.0, p.deg);
    let to = MAP_CENTRE.polar(p.radius - NODE_R - 2.0, p.deg);
    let dash = if desired { "5 4" } else { "" };
    line(svg, from, to).stroke(Stroke { color: GREY, width: 1.2, dash }).close();
}

/// Our organisation: a dark disc with the name in up to three lines, in full in its `<title>`.
fn map_centre(svg: &mut Svg, name: &str) {
    let c = MAP_CENTRE;
    svg.open("g").open("title").text(name).close();
    svg.open("circle").num("cx", c.x).num("cy", c.y).num("r", CENTRE_R).attr("fill", DARK).close();
    let lines = wrap(name, 16, 3);
    let first = c.y + 4.0 - 7.0 * lines.len().saturating_sub(1) as f64;
    for (k, line) in lines.iter().enumerate() {
        svg.open("text").num("x", c.x).num("y", first + 14.0 * k as f64).attr("text-anchor", "middle");
        svg.attr("font-size", "12").attr("font-weight", "bold").attr("fill", WHITE).text(line).close();
    }
    svg.close();
}

/// A partner node in a group with its full name as `<title>`, wrapped in a link if it has one.
fn map_node(svg: &mut Svg, p: &Placed, node: &MapNode) {
    let href = node.href.and_then(|h| crate::links::link_target(h, true));
    if let Some(href) = &href {
        svg.open("a").attr("href", href).attr("xlink:href", href);
    }
    svg.open("g").open("title").text(node.label).close();
    node_marker(svg, p, node);
    node_label(svg, p, node);
    svg.close();
    if href.is_some() {
        svg.close();
    }
}

fn node_marker(svg: &mut Svg, p: &Placed, node: &MapNode) {
    let at = MAP_CENTRE.polar(p.radius, p.deg);
    let color = verdict_color(node.verdict);
    if node.strategic {
        svg.open("circle").num("cx", at.x).num("cy", at.y).num("r", NODE_R + 4.0).attr("fill", "none");
        svg.stroke(Stroke { color: TEXT, width: 2.5, dash: "" }).close();
    }
    svg.open("circle").num("cx", at.x).num("cy", at.y).num("r", NODE_R).attr("fill", color);
    if node.desired {
        svg.attr("fill-opacity", "0.35").stroke(Stroke { color, width: 2.0, dash: "3 2" });
    } else {
        svg.stroke(Stroke { color: WHITE, width: 1.5, dash: "" });
    }
    svg.close();
    // The verdict's mark, so that colour is not its only cue (dark on a desired node's pale
    // fill), where the node has room for it.
    if p.mark {
        mark(svg, at, node.verdict, if node.desired { TEXT } else { WHITE });
    }
}

/// A verdict's mark (`++` … `?`) centred on `at`, in bold at the labels' size.
fn mark(svg: &mut Svg, at: Pt, verdict: Verdict, fill: &str) {
    svg.open("text").num("x", at.x).num("y", at.y + 4.0).attr("text-anchor", "middle");
    svg.num("font-size", LABEL_SIZE)
        .attr("font-weight", "bold")
        .attr("fill", fill)
        .attr("aria-hidden", "true");
    svg.text(verdict_mark(verdict)).close();
}

/// How far a label starting at `from` can run in direction `deg` before it leaves the map area
/// (less a margin).
fn room(from: Pt, deg: f64) -> f64 {
    const MARGIN: f64 = 8.0;
    let (dy, dx) = deg.to_radians().sin_cos();
    let reach = |d: f64, at: f64, size: f64| match d {
        d if d > 1e-9 => (size - MARGIN - at) / d,
        d if d < -1e-9 => (MARGIN - at) / d,
        _ => f64::INFINITY,
    };
    reach(dx, from.x, MAP_W).min(reach(dy, from.y, MAP_H)).max(0.0)
}

/// The name, running outward along the node's radius and never upside down: whole where it
/// fits before the map's edge, else wrapped in the lines there is room for, and cut short only
/// when even those are too few. In a crowded sector all labels start beyond the outer ring,
/// with a leader from inner-ring nodes.
fn node_label(svg: &mut Svg, p: &Placed, node: &MapNode) {
    if p.lines == 0 {
        return;
    }
    let edge = p.radius + NODE_R + if node.strategic { 4.0 } else { 0.0 };
    if p.label_r - edge > 12.0 {
        let (from, to) = (MAP_CENTRE.polar(edge + 2.0, p.deg), MAP_CENTRE.polar(p.label_r - 3.0, p.deg));
        line(svg, from, to).attr("stroke", GRID_STRONG).num("stroke-width", 0.8).close();
    }
    let at = MAP_CENTRE.polar(p.label_r, p.deg);
    let (mut rotation, anchor) =
        if p.deg.to_radians().cos() >= -1e-9 { (p.deg, "start") } else { (p.deg - 180.0, "end") };
    if rotation > 180.0 {
        rotation -= 360.0;
    }
    svg.open("text").num("x", at.x).num("y", at.y + 3.5);
    svg.geom("transform", format_args!("rotate({} {} {})", N(rotation), N(at.x), N(at.y)));
    svg.attr("text-anchor", anchor).num("font-size", LABEL_SIZE).attr("fill", TEXT);
    if node.strategic {
        svg.attr("font-weight", "bold");
    }
    if node.desired {
        svg.attr("font-style", "italic");
    }
    let columns_free = (room(at, p.deg) / (LABEL_SIZE * 0.6)).floor() as usize;
    let lines = wrap(node.label, columns_free, p.lines);
    match lines.as_slice() {
        [one] => {
            svg.text(one).close();
        }
        _ => {
            // The lines centred on the ray.
            for (k, line) in lines.iter().enumerate() {
                let dy = if k == 0 { -LABEL_LEADING * (lines.len() - 1) as f64 / 2.0 } else { LABEL_LEADING };
                svg.open("tspan").num("x", at.x).num("dy", dy);
                svg.text(line).close();
            }
            svg.close();
        }
    }
}

/// The map legend: the five verdict colours, the strategic ring and the desired style.
fn map_legend<'a>(legend: &MapLegend) -> Vec<LegendItem<'a>> {
    let verdicts =
        [Verdict::Strong, Verdict::Adequate, Verdict::AtRisk, Verdict::Critical, Verdict::Insufficient];
    let mut items: Vec<LegendItem> = verdicts
        .iter()
        .zip(legend.verdicts)
        .map(|(&v, label)| {
            let swatch = move |svg: &mut Svg| {
                legend_dot(svg, NODE_R).attr("fill", verdict_color(v)).close();
                mark(svg, Pt { x: 12.0, y: 0.0 }, v, WHITE);
            };
            LegendItem::new(swatch, label)
        })
        .collect();
    let strategic = |svg: &mut Svg| {
        legend_dot(svg, 8.0)
            .attr("fill", "none")
            .stroke(Stroke { color: TEXT, width: 2.0, dash: "" })
            .close();
        legend_dot(svg, 5.0).attr("fill", GREY).close();
    };
    items.push(LegendItem::new(strategic, legend.strategic));
    let desired = |svg: &mut Svg| {
        line_swatch(svg, Stroke { color: GREY, width: 1.2, dash: "5 4" });
        legend_dot(svg, 6.0).attr("fill", GREY).attr("fill-opacity", "0.35");
        svg.stroke(Stroke { color: GREY, width: 2.0, dash: "3 2" }).close();
    };
    items.push(LegendItem::new(desired, legend.desired));
    items
}

/// A dot in the middle of a legend symbol's box; the caller adds fill and stroke.
fn legend_dot(svg: &mut Svg, r: f64) -> &mut Svg {
    svg.open("circle").num("cx", 12.0).num("cy", 0.0).num("r", r)
}

#[cfg(test)]
mod tests {
    use roxmltree::Node;

    use super::super::check::{self, EVIL, NASTY, NASTY_SHOWN};
    use super::*;

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

    /// The group whose `<title>` is `name`.
    fn group<'a, 'i>(doc: &'a roxmltree::Document<'i>, name: &str) -> Node<'a, 'i> {
        let groups = check::elements(doc, "g").into_iter();
        let mut titled = groups.filter(|g| g.first_element_child().is_some_and(|t| t.has_tag_name("title")));
        titled.find(|g| g.first_element_child().and_then(|t| t.text()) == Some(name)).expect(name)
    }

    /// A group's texts, leaving out the verdict's mark.
    fn label_texts<'a, 'i>(group: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
        group.descendants().filter(|n| n.has_tag_name("text") && n.attribute("aria-hidden").is_none())
    }

    /// The text a group shows, its lines joined with a space.
    fn shown(group: Node) -> String {
        let text = label_texts(group).next().expect("a label");
        let parts: Vec<&str> = text.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
        parts.join(" ")
    }

    #[test]
    fn names_show_whole_where_there_is_room_and_the_centre_name_too() {
        let names: Vec<String> = [
            "Hendrix Plaatbewerking B.V.",
            "Rijnmond Scheepsinstallaties B.V.",
            "Tecmaro Machine Lease & Service B.V.",
            "Brabant Oppervlaktetechniek B.V.",
            "Lumetra Systems B.V.",
            "Hogeschool Dommeldal",
            "Additief Metaal Centrum Zuid",
            "Kwadraat Engineering",
        ]
        .map(String::from)
        .to_vec();
        let nodes = nodes(&names);
        let centre = "Van Dijk Precisietechniek B.V.";
        let svg = network_map("Map", "8 partners", centre, &nodes, &map_legend());
        let doc = check::parse(&svg);
        for name in &names {
            assert_eq!(shown(group(&doc, name)), *name, "not cut short");
        }
        let lines: Vec<&str> = label_texts(group(&doc, centre)).filter_map(|n| n.text()).collect();
        assert_eq!(lines.join(" "), centre);
    }

    /// Asserts the map's layout is clear: no node label or role label reaches into the centre
    /// disc, a role label or a node (nor one label into another: [`check::parse`] checks that of
    /// every chart), except that with `crowded` a role label may lie under a node (there is no
    /// room between the disc and the inner ring for it then). Returns the names shown whole.
    fn layout_is_clear(svg: &str, what: &str, crowded: bool) -> usize {
        let doc = check::parse(svg);
        let circle = |c: Node| {
            let num = |name| c.attribute(name).and_then(|v: &str| v.parse::<f64>().ok()).expect(name);
            ((num("cx"), num("cy")), num("r"))
        };
        let circles: Vec<_> = check::elements(&doc, "circle").into_iter().map(circle).collect();
        let disc = circles.iter().find(|(_, r)| *r == CENTRE_R).expect("the centre disc");
        let nodes: Vec<_> = circles.iter().filter(|(_, r)| [NODE_R, NODE_R + 4.0].contains(r)).collect();
        let pills: Vec<check::Quad> = check::elements(&doc, "rect")
            .into_iter()
            .filter(|r| r.attribute("rx").is_some())
            .map(|r| {
                let num = |name| r.attribute(name).and_then(|v: &str| v.parse::<f64>().ok()).expect(name);
                check::Quad::rect(num("x"), num("y"), num("width"), num("height"))
            })
            .collect();
        let labels: Vec<check::Quad> = check::text_boxes(&doc)
            .into_iter()
            .filter(|(text, _)| text.attribute("transform").is_some_and(|t| t.starts_with("rotate")))
            .map(|(_, quad)| quad)
            .collect();
        for (k, pill) in pills.iter().enumerate() {
            assert!(!pill.meets_disc(disc.0, disc.1), "a role label under the centre: {pill:?} ({what})");
            assert!(pills[k + 1..].iter().all(|other| !pill.overlaps(other)), "role labels overlap ({what})");
            let clear = nodes.iter().all(|(c, r)| !pill.meets_disc(*c, *r));
            assert!(clear || crowded, "a role label on a node: {pill:?} ({what})");
        }
        for label in &labels {
            assert!(!label.meets_disc(disc.0, disc.1), "a name under the centre: {label:?} ({what})");
            assert!(
                pills.iter().all(|pill| !label.overlaps(pill)),
                "a name on a role label: {label:?} ({what})"
            );
            assert!(
                nodes.iter().all(|(c, r)| !label.meets_disc(*c, *r)),
                "a name on a node: {label:?} ({what})"
            );
        }
        let nodes = check::elements(&doc, "g").into_iter().filter(|g| {
            g.first_element_child().is_some_and(|t| t.has_tag_name("title")) && label_texts(*g).count() == 1
        });
        // Whole: every character shown, whatever the line breaks and the hyphens of a broken word.
        let bare = |text: &str| text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>();
        nodes
            .filter(|g| g.first_element_child().and_then(|t| t.text()).map(bare) == Some(bare(&shown(*g))))
            .count()
    }

    #[test]
    fn map_layout_is_clear_for_every_size_and_spread_of_names() {
        let names = [
            "Hendrix Plaatbewerking B.V.",
            "Tecmaro Machine Lease & Service B.V.",
            "Kwadraat",
            "Rijnmond Scheepsinstallaties B.V.",
            "Hogeschool Dommeldal",
            "Precisiegereedschapmakerijvennootschap",
            "AB",
            "Additief Metaal Centrum Zuid",
            "東京精密機械株式会社 大阪支店",
        ];
        let spreads: [fn(usize) -> Role; 3] = [
            |i| [Role::Customer, Role::Supplier, Role::Alliance, Role::Other][i % 4],
            |_| Role::Supplier,
            |i| if i % 7 == 0 { Role::Customer } else { Role::Supplier },
        ];
        for count in [1, 2, 3, 4, 5, 7, 9, 12, 16, 20, 26, 33, 40, 60, 90] {
            for (s, spread) in spreads.iter().enumerate() {
                let labels: Vec<String> = (0..count).map(|i| names[i % names.len()].to_string()).collect();
                let mut nodes = nodes(&labels);
                for (i, node) in nodes.iter_mut().enumerate() {
                    node.role = spread(i);
                }
                let svg = network_map("Map", "d", "Van Dijk Precisietechniek B.V.", &nodes, &map_legend());
                let whole = layout_is_clear(&svg, &format!("{count} partners, spread {s}"), count > 60);
                let marks = svg.matches("aria-hidden=\"true\"").count();
                if count <= 40 {
                    assert_eq!(
                        marks,
                        count + 5,
                        "{count} partners, spread {s}: each node and legend dot has its mark"
                    );
                }
                if count <= 16 {
                    assert_eq!(whole, count, "{count} partners, spread {s}: every name whole");
                }
            }
        }
    }

    #[test]
    fn empty_map_renders() {
        let svg = network_map("Map", "No partners", "Our <Org>", &[], &map_legend());
        let doc = check::parse(&svg);
        assert!(group(&doc, "Our <Org>").children().any(|n| n.has_tag_name("circle")));
    }

    #[test]
    fn large_map_renders_every_name_and_marks_desired() {
        let mut names: Vec<String> =
            (0..40).map(|i| format!("Partner {i} with a rather long company name B.V.")).collect();
        names[7] = EVIL.to_string();
        let nodes = nodes(&names);
        let svg = network_map("Map", "40 partners", "Wij", &nodes, &map_legend());
        let doc = check::parse(&svg);
        for node in &nodes {
            let dashed =
                group(&doc, node.label).descendants().any(|n| n.attribute("stroke-dasharray").is_some());
            assert_eq!(dashed, node.desired, "{}", node.label);
        }
        let links = check::elements(&doc, "a");
        assert_eq!(links.len(), 20);
        assert!(links.iter().all(|a| a.attribute("href") == Some("partners/a&b.html")));
        assert!(
            links.iter().all(|a| a.attribute((super::super::XLINK_NS, "href")) == Some("partners/a&b.html"))
        );
        assert_eq!(svg, network_map("Map", "40 partners", "Wij", &nodes, &map_legend()));
    }

    #[test]
    fn crowded_sectors_alternate_rings_and_labels_get_leaders() {
        let names: Vec<String> = (0..40).map(|i| format!("P{i}")).collect();
        let doc_text = network_map("Map", "d", "Wij", &nodes(&names), &map_legend());
        let doc = check::parse(&doc_text);
        let leaders =
            check::elements(&doc, "line").into_iter().filter(|l| l.attribute("stroke") == Some(GRID_STRONG));
        assert!(leaders.count() > 0, "inner-ring nodes of a crowded sector have a leader to their label");
    }

    #[test]
    fn unsafe_links_are_dropped() {
        let names = vec!["A".to_string()];
        let mut nodes = nodes(&names);
        nodes[0].href = Some("javascript:alert(1)");
        let svg = network_map("Map", "d", "Wij", &nodes, &map_legend());
        assert!(check::elements(&check::parse(&svg), "a").is_empty());
        assert!(!svg.contains("javascript"));
        nodes[0].href = Some("partners/a b.html");
        let svg = network_map("Map", "d", "Wij", &nodes, &map_legend());
        let doc = check::parse(&svg);
        let links = check::elements(&doc, "a");
        assert_eq!(links[0].attribute("href"), Some("partners/a%20b.html"), "the cleaned target is written");
    }

    #[test]
    fn hostile_text_stays_text() {
        let names = vec![NASTY.to_string(), EVIL.to_string()];
        let nodes = nodes(&names);
        let legend = MapLegend { roles: [NASTY; 4], verdicts: [EVIL; 5], strategic: NASTY, desired: "d" };
        let svg = network_map(NASTY, NASTY, NASTY, &nodes, &legend);
        let doc = check::parse(&svg);
        let texts = check::texts(&doc);
        assert_eq!(texts[..2], [NASTY_SHOWN, NASTY_SHOWN], "title and desc");
        assert!(group(&doc, NASTY_SHOWN).children().any(|n| n.has_tag_name("circle")), "the centre");
        assert!(texts.contains(&EVIL));
    }
}
