//! Maps byte offsets of a text to 1-based line and column numbers (columns in characters), for
//! every diagnostic that starts from an offset.

use super::Span;

/// A line-start table of a text.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
    first_line: u32,
}

impl<'a> Lines<'a> {
    /// The lines of `text`, numbered from 1.
    pub fn new(text: &'a str) -> Self {
        Self::from_line(text, 1)
    }

    /// The lines of `text`, the first numbered `first_line` (for a part of a larger file).
    pub fn from_line(text: &'a str, first_line: u32) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Self { text, starts, first_line }
    }

    /// The span of `len_bytes` bytes at `offset`; offsets inside a character are moved back to
    /// its start, so any offset is safe.
    pub fn span(&self, offset: usize, len_bytes: usize) -> Span {
        let floor = |mut i: usize| {
            i = i.min(self.text.len());
            while !self.text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let offset = floor(offset);
        let end = floor(offset.saturating_add(len_bytes)).max(offset);
        let index = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts.get(index).copied().unwrap_or(0);
        let column = self.text[start..offset].chars().count() as u32 + 1;
        let len = self.text[offset..end].chars().count() as u32;
        Span::new(self.first_line + index as u32, column, len.max(1))
    }

    /// The text of line `line` (as numbered here), without its line end.
    pub fn line(&self, line: u32) -> Option<&'a str> {
        let index = line.checked_sub(self.first_line)? as usize;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).map_or(self.text.len(), |e| e - 1);
        Some(&self.text[start..end])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns_in_characters() {
        let lines = Lines::new("ab\néé x\n");
        assert_eq!(lines.span(8, 1), Span::new(2, 4, 1));
        assert_eq!(lines.span(4, 1), Span::new(2, 1, 1), "inside a character: its start");
        assert_eq!(lines.line(2), Some("éé x"));
        assert_eq!(lines.line(3), Some(""));
        assert_eq!(lines.line(4), None);
    }
}
