//! Per-format escaping, so no answer text can inject markup into any output: the escape
//! functions Tera applies to every `{{ value }}` (each also drops control characters, which
//! have no place in a report), and the one rule for which link targets may stay live.

use std::io::Write;

/// Markdown escaping for text that lands inside Markdown syntax (headings, table cells, list
/// items): every character that could start markup gets a backslash, and line breaks become
/// spaces so a value cannot start a block of its own.
pub fn escape_markdown(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(markdown_text(input).as_bytes())
}

/// Already escaped inline text that begins a line: what would start a block there is escaped
/// too (a list marker `-`, `+`, `1.` or `2)` followed by white space, a `---` rule, a `=`
/// underline), and leading white space (an indented code block) is dropped.
pub fn markdown_line_start(escaped: &str) -> String {
    let text = escaped.trim_start_matches([' ', '\t']);
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let at = |i: usize| text.as_bytes().get(i).copied();
    let spaced = |i: usize| at(i).is_none_or(|b| b.is_ascii_whitespace());
    match at(digits) {
        Some(b'=') if digits == 0 => format!("\\{text}"),
        Some(b'-') if digits == 0 && (spaced(1) || at(1) == Some(b'-')) => format!("\\{text}"),
        Some(b'+') if digits == 0 && spaced(1) => format!("\\{text}"),
        Some(b'.' | b')') if digits > 0 && spaced(digits + 1) => {
            format!("{}\\{}", &text[..digits], &text[digits..])
        }
        _ => text.to_owned(),
    }
}

/// [`escape_markdown`] as a string. Where a value begins, a line may begin.
pub fn markdown_text(input: &str) -> String {
    // White space at either end would keep `**{{ value }}**` from being bold.
    markdown_line_start(markdown_inline(input).trim())
}

/// Markdown escaping for text inside a line: every character that could start inline markup.
pub fn markdown_inline(input: &str) -> String {
    let mut buf = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' | '{' | '}'
            | '$' | '^' => {
                buf.push('\\');
                buf.push(c);
            }
            '\n' | '\r' | '\t' => buf.push(' '),
            c if c.is_control() => {}
            _ => buf.push(c),
        }
    }
    buf
}

/// HTML escaping: `&`, `<`, `>`, `"` and `'` as entities; control characters dropped.
pub fn escape_html(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let mut buf = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => buf.push_str("&amp;"),
            '<' => buf.push_str("&lt;"),
            '>' => buf.push_str("&gt;"),
            '"' => buf.push_str("&quot;"),
            '\'' => buf.push_str("&#39;"),
            '\n' | '\t' => buf.push(c),
            c if c.is_control() => {}
            _ => buf.push(c),
        }
    }
    out.write_all(buf.as_bytes())
}

/// Typst markup escaping: every character that could start markup, code (`#`), maths (`$`), a
/// label, a reference or a comment gets a backslash; line breaks become spaces.
pub fn escape_typst(input: &str, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(typst_text(input).as_bytes())
}

/// [`escape_typst`] as a string. Where a value begins, a line may begin, so the `.` of a leading
/// number (an enumeration item) is escaped too.
pub fn typst_text(input: &str) -> String {
    let input: String =
        input.chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t')).collect();
    let mut buf = String::with_capacity(input.len() + 8);
    let lead = input.len() - input.trim_start().len();
    let digits = input[lead..].bytes().take_while(u8::is_ascii_digit).count();
    let start = if digits > 0 && input.as_bytes().get(lead + digits) == Some(&b'.') {
        buf.push_str(&" ".repeat(lead));
        buf.push_str(&input[lead..lead + digits]);
        buf.push('\\');
        lead + digits
    } else {
        0
    };
    let mut chars = input[start..].chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // `...` would be Typst's shorthand for an ellipsis.
            '.' if chars.peek() == Some(&'.') => buf.push_str("\\."),
            '\\' | '#' | '$' | '*' | '_' | '`' | '<' | '>' | '@' | '[' | ']' | '=' | '-' | '+' | '/'
            | '~' | '"' | '\'' | ':' | '{' | '}' => {
                buf.push('\\');
                buf.push(c);
            }
            // Typst ends a line at these too.
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => buf.push(' '),
            c if c.is_control() => {}
            _ => buf.push(c),
        }
    }
    buf
}

/// A Typst string literal (with quotes) holding `input` verbatim, less control characters.
pub fn typst_string(input: &str) -> String {
    let mut buf = String::with_capacity(input.len() + 2);
    buf.push('"');
    for c in input.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            c if c.is_control() => {}
            _ => buf.push(c),
        }
    }
    buf.push('"');
    buf
}

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

    fn md(s: &str) -> String {
        let mut out = Vec::new();
        escape_markdown(s, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn markdown_values_cannot_start_markup() {
        assert_eq!(md("<script>*x*</script>|[a](b)"), r"\<script\>\*x\*\</script\>\|\[a\](b)");
        assert_eq!(md("a\n# b"), r"a \# b");
        assert_eq!(md("{{ x }}"), r"\{\{ x \}\}");
        assert_eq!(md("a\u{1b}[2Jb\u{7}"), r"a\[2Jb", "control characters are dropped");
    }

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
