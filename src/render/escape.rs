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
    // Any white space counts: a no-break space may be trimmed away later, leaving `-` alone on
    // its line, which would underline the line above as a heading.
    let spaced =
        |i: usize| text.get(i..).and_then(|rest| rest.chars().next()).is_none_or(char::is_whitespace);
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
    // Most text has nothing to escape or drop: written as it is. Control characters are ASCII
    // below a space or DEL, or U+0080 to U+009F, whose UTF-8 starts with 0xC2.
    let plain = |b: &u8| match b {
        b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7f | 0xc2 => false,
        b'\n' | b'\t' => true,
        _ => *b >= 0x20,
    };
    match input.as_bytes().iter().all(plain) {
        true => out.write_all(input.as_bytes()),
        false => out.write_all(html_text(input).as_bytes()),
    }
}

/// [`escape_html`] as a string, character by character.
fn html_text(input: &str) -> String {
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
    buf
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

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Text written as it is would have come out the same escaped character by character.
        #[test]
        fn html_escaping_written_whole_is_the_same(input in "(?s).{0,40}|[ -~\u{80}-\u{a0}\u{e9}\n\t]{0,40}") {
            let mut out = Vec::new();
            escape_html(&input, &mut out).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), html_text(&input));
        }
    }

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
    fn a_dash_before_any_white_space_is_escaped_at_a_line_start() {
        // A no-break space trimmed away later would leave `-` alone: a setext underline.
        assert_eq!(markdown_line_start("-\u{a0}"), "\\-\u{a0}");
        assert_eq!(markdown_line_start("- x"), "\\- x");
        assert_eq!(markdown_line_start("-x"), "-x");
    }
}
