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
