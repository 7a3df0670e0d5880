//! The check every chart test makes of its output, by parsing it with `roxmltree`: a
//! well-formed SVG document with its text alternative and nothing active in it.

use roxmltree::{Document, Node};

use super::SVG_NS;

/// Hostile caller text: markup, entities, quotes, control characters and bidi overrides.
pub const EVIL: &str = "<script>alert(1)</script>";
pub const NASTY: &str =
    "<img src=x onerror=\"alert(1)\"> & 'q' &amp; ]]> a\u{0}b\u{1b}[2J\u{7f} \u{202e}gnp.exe\u{202c}";
/// [`NASTY`] as it must come out in a text node: control characters dropped, the rest as is.
pub const NASTY_SHOWN: &str =
    "<img src=x onerror=\"alert(1)\"> & 'q' &amp; ]]> ab[2J \u{202e}gnp.exe\u{202c}";

/// Parses a chart and checks it: the root is `svg` in the SVG namespace with a viewBox matching
/// its size, `role="img"` (`group` when it holds links) and `aria-labelledby` naming its `<title>` and `<desc>` (its first two
/// children); there are no scripts, no styles, no event attributes, and links only on `<a>`
/// elements, to safe targets.
pub fn parse(svg: &str) -> Document<'_> {
    let doc = Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed ({e}): {svg}"));
    let root = doc.root_element();
    assert_eq!((root.tag_name().namespace(), root.tag_name().name()), (Some(SVG_NS), "svg"));
    let (width, height) =
        (root.attribute("width").expect("width"), root.attribute("height").expect("height"));
    assert_eq!(root.attribute("viewBox"), Some(format!("0 0 {width} {height}").as_str()));
    // An image, or (with links in it) a group: an image's content is not interactive.
    let links = doc.descendants().any(|n| n.tag_name().name() == "a");
    assert_eq!(root.attribute("role"), Some(if links { "group" } else { "img" }));
    let labelled_by: Vec<&str> =
        root.attribute("aria-labelledby").expect("aria-labelledby").split(' ').collect();
    let children: Vec<Node> = root.children().filter(Node::is_element).take(2).collect();
    assert_eq!(children.len(), 2);
    for ((child, name), id) in children.iter().zip(["title", "desc"]).zip(&labelled_by) {
        assert_eq!(child.tag_name().name(), name);
        assert_eq!(child.attribute("id"), Some(*id));
    }
    assert_eq!(labelled_by.len(), 2);
    for node in doc.descendants().filter(Node::is_element) {
        let name = node.tag_name().name();
        assert_eq!(node.tag_name().namespace(), Some(SVG_NS), "{name}");
        assert!(!["script", "style", "foreignObject", "image", "use"].contains(&name), "<{name}>");
        for attr in node.attributes() {
            let (attr_name, value) = (attr.name(), attr.value());
            assert!(!attr_name.starts_with("on") && attr_name != "style", "{name} {attr_name}");
            if attr_name == "href" {
                assert_eq!(name, "a", "a link on <{name}>");
                assert!(crate::links::link_target(value, true).is_some(), "{value}");
                assert!(!value.to_ascii_lowercase().contains("javascript"), "{value}");
            }
        }
    }
    texts_apart(&doc);
    doc
}

/// The text of every text node, in document order.
pub fn texts<'a>(doc: &'a Document) -> Vec<&'a str> {
    doc.descendants().filter(Node::is_text).filter_map(|n| n.text()).collect()
}

/// The elements named `name`.
pub fn elements<'a, 'i>(doc: &'a Document<'i>, name: &str) -> Vec<Node<'a, 'i>> {
    doc.descendants().filter(|n| n.has_tag_name(name)).collect()
}

/// A box on the chart: its four corners, in order, in the chart's coordinates.
#[derive(Debug, Clone, Copy)]
pub struct Quad(pub [(f64, f64); 4]);

impl Quad {
    pub fn rect(x: f64, y: f64, width: f64, height: f64) -> Quad {
        Quad([(x, y), (x + width, y), (x + width, y + height), (x, y + height)])
    }

    /// Whether the two boxes overlap by more than half a pixel (separating axis test).
    pub fn overlaps(&self, other: &Quad) -> bool {
        let axes = [self, other].into_iter().flat_map(|q| {
            (0..2).map(move |k| {
                let ((x1, y1), (x2, y2)) = (q.0[k], q.0[k + 1]);
                let len = (x2 - x1).hypot(y2 - y1).max(1e-9);
                ((y1 - y2) / len, (x2 - x1) / len)
            })
        });
        let project = |q: &Quad, (ax, ay): (f64, f64)| {
            let values = q.0.map(|(x, y)| x * ax + y * ay);
            (
                values.iter().copied().fold(f64::INFINITY, f64::min),
                values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            )
        };
        axes.into_iter().all(|axis| {
            let ((a0, a1), (b0, b1)) = (project(self, axis), project(other, axis));
            a1.min(b1) - a0.max(b0) > 0.5
        })
    }

    /// Whether the box reaches into the disc at `centre` with radius `r` (by more than half a
    /// pixel).
    pub fn meets_disc(&self, (cx, cy): (f64, f64), r: f64) -> bool {
        let inside = (0..4).all(|k| {
            let ((x1, y1), (x2, y2)) = (self.0[k], self.0[(k + 1) % 4]);
            (x2 - x1) * (cy - y1) - (y2 - y1) * (cx - x1) >= 0.0
        }) || (0..4).all(|k| {
            let ((x1, y1), (x2, y2)) = (self.0[k], self.0[(k + 1) % 4]);
            (x2 - x1) * (cy - y1) - (y2 - y1) * (cx - x1) <= 0.0
        });
        let distance = (0..4)
            .map(|k| {
                let ((x1, y1), (x2, y2)) = (self.0[k], self.0[(k + 1) % 4]);
                let (dx, dy) = (x2 - x1, y2 - y1);
                let t = (((cx - x1) * dx + (cy - y1) * dy) / (dx * dx + dy * dy).max(1e-9)).clamp(0.0, 1.0);
                (x1 + t * dx - cx).hypot(y1 + t * dy - cy)
            })
            .fold(f64::INFINITY, f64::min);
        inside || distance < r - 0.5
    }

    /// Whether the box lies within `width` × `height` from the origin.
    pub fn within(&self, width: f64, height: f64) -> bool {
        self.0.iter().all(|&(x, y)| (-0.5..=width + 0.5).contains(&x) && (-0.5..=height + 0.5).contains(&y))
    }
}

/// An inherited attribute: the element's own or its nearest ancestor's.
fn inherited<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.ancestors().find_map(|n| n.attribute(name))
}

/// Applies an SVG `transform` of the kinds the charts write (`translate(x y)`, `rotate(a x y)`)
/// to a point.
fn transform(spec: &str, (x, y): (f64, f64)) -> (f64, f64) {
    let (kind, args) = spec.trim().trim_end_matches(')').split_once('(').expect("a transform");
    let args: Vec<f64> =
        args.split([' ', ',']).filter(|a| !a.is_empty()).map(|a| a.parse().expect(a)).collect();
    match (kind, args.as_slice()) {
        ("translate", [dx, dy]) => (x + dx, y + dy),
        ("rotate", [deg, cx, cy]) => {
            let (sin, cos) = deg.to_radians().sin_cos();
            let (dx, dy) = (x - cx, y - cy);
            (cx + dx * cos - dy * sin, cy + dx * sin + dy * cos)
        }
        _ => panic!("a transform the charts do not write: {spec}"),
    }
}

/// Every `<text>` with the box it takes, its width estimated as the charts estimate it, its
/// height from the ascent (0.8 em) to the descent (0.2 em) of each line (`<tspan>`s with `dy`),
/// moved by the text's and its groups' transforms.
pub fn text_boxes<'a, 'i>(doc: &'a Document<'i>) -> Vec<(Node<'a, 'i>, Quad)> {
    let number = |node: Node, name: &str| node.attribute(name).map_or(0.0, |v| v.parse::<f64>().expect(v));
    elements(doc, "text")
        .into_iter()
        .map(|text| {
            let size: f64 = inherited(text, "font-size").expect("font-size").parse().expect("a size");
            let (x, mut baseline) = (number(text, "x"), number(text, "y"));
            let spans: Vec<Node> = text.children().filter(|n| n.has_tag_name("tspan")).collect();
            let lines: Vec<(f64, String)> = if spans.is_empty() {
                vec![(baseline, texts_of(text))]
            } else {
                spans
                    .iter()
                    .map(|span| {
                        baseline += number(*span, "dy");
                        (baseline, texts_of(*span))
                    })
                    .collect()
            };
            let width = lines.iter().map(|(_, line)| super::text_width(line, size)).fold(0.0, f64::max);
            let left = match inherited(text, "text-anchor").unwrap_or("start") {
                "middle" => x - width / 2.0,
                "end" => x - width,
                _ => x,
            };
            let top = lines.first().map_or(baseline, |l| l.0) - 0.8 * size;
            let bottom = lines.last().map_or(baseline, |l| l.0) + 0.2 * size;
            let mut quad = Quad::rect(left, top, width, bottom - top);
            for node in text.ancestors() {
                if let Some(spec) = node.attribute("transform") {
                    quad = Quad(quad.0.map(|p| transform(spec, p)));
                }
            }
            (text, quad)
        })
        .collect()
}

fn texts_of(node: Node) -> String {
    node.descendants().filter(Node::is_text).filter_map(|n| n.text()).collect()
}

/// Asserts that no two texts of a chart overlap and that each lies within the chart.
pub fn texts_apart(doc: &Document) {
    let root = doc.root_element();
    let size = |name: &str| root.attribute(name).expect(name).parse::<f64>().expect(name);
    let boxes = text_boxes(doc);
    for (k, (text, quad)) in boxes.iter().enumerate() {
        assert!(
            quad.within(size("width"), size("height")),
            "{:?} leaves the chart: {quad:?}",
            texts_of(*text)
        );
        for (other, other_quad) in &boxes[k + 1..] {
            assert!(
                !quad.overlaps(other_quad),
                "{:?} overlaps {:?}: {quad:?} {other_quad:?}",
                texts_of(*text),
                texts_of(*other)
            );
        }
    }
}
