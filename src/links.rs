//! The one rule for which link targets stay live in a report, shared by the notes (Markdown
//! links) and the charts (the map's links to partner reports).

/// The link target to write for `url`, or `None` when the link must lose it: only `http:`,
/// `https:` and `mailto:` addresses stay live (and, where `relative` is allowed, a path within
/// the deliverable). The target is cleaned as a browser reads it (leading and trailing spaces
/// and control characters trimmed, tabs and line breaks anywhere dropped, so `java\tscript:`
/// is caught) and percent-encoded wherever a character could end it in any output (space,
/// quotes, brackets, parentheses, backslash).
pub fn link_target(url: &str, relative: bool) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c == ' ' || c.is_control());
    let clean: String = trimmed.chars().filter(|c| !c.is_control()).collect();
    if clean.is_empty() {
        return None;
    }
    let lower = clean.to_ascii_lowercase();
    let scheme_end = lower.find(':').filter(|&colon| !lower[..colon].contains(['/', '?', '#']));
    let allowed = match scheme_end {
        Some(colon) => matches!(&lower[..colon], "http" | "https" | "mailto") && clean.len() > colon + 1,
        None => relative && !lower.starts_with("//") && !lower.starts_with("\\\\"),
    };
    if !allowed {
        return None;
    }
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            ' ' | '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']' | '\\' | '`' | '{' | '}' | '|' | '^' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_links_stay_live() {
        assert_eq!(link_target("https://a.nl/x y(1)", false).as_deref(), Some("https://a.nl/x%20y%281%29"));
        assert_eq!(link_target("mailto:a@b.nl", false).as_deref(), Some("mailto:a@b.nl"));
        for bad in [
            "javascript:alert(1)",
            " java\tscript:x",
            "JaVaScRiPt:x",
            "data:text/html,x",
            "vbscript:x",
            "\u{1}javascript:x",
            "https:",
            "file:///etc/passwd",
        ] {
            assert_eq!(link_target(bad, true), None, "{bad:?}");
        }
        assert_eq!(link_target("../partners/a.html", false), None);
        assert_eq!(link_target("../partners/a.html", true).as_deref(), Some("../partners/a.html"));
        assert_eq!(link_target("//evil.com/x", true), None);
    }
}
