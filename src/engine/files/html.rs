//! An HTML table saved as a spreadsheet: the WeChat backend's user-growth download is one,
//! named `.xls`. The rows are the table's `<tr>`, the cells their `<td>` and `<th>`, their
//! text without tags and with entities decoded.

use std::path::Path;

use super::Reader;
use super::encoding;
use super::text_table::{Row, TextTable};
use crate::ruleset::model::Source;

/// The table's rows from `header_row` on: headers there, values below.
pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    let text = encoding::text(path, source.encoding)?;
    let header_line = source.header_row as usize;
    let rows = rows(&text);
    if rows.len() < header_line {
        let found = match rows.len() {
            0 => "no table rows (`<tr>`)".to_string(),
            n => format!("{n} table rows, none on line {header_line} (`header_row`)"),
        };
        return Err(format!("the page has {found}"));
    }
    let mut rows = rows.into_iter().skip(header_line - 1);
    let header = rows.next().expect("the header row is there");
    Ok(Box::new(TextTable::new(header, rows)?))
}

/// The rows of the document's tables, in order, each with the line its `<tr>` is on and the
/// text of its `<td>` and `<th>` cells. One pass over the document: a missing closing tag ends
/// where the next row or cell begins, as browsers read `<tr><td>1<td>2`.
fn rows(html: &str) -> Vec<Row> {
    let mut reading = Rows { html, rows: Vec::new(), row: None, cell: None, line: 1, counted: 0 };
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|b| *b == b'<') {
        let tag = at + offset;
        if bytes[tag..].starts_with(b"<!--") {
            at = find(bytes, tag + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        let closing = bytes.get(tag + 1) == Some(&b'/');
        let name_start = tag + 1 + usize::from(closing);
        let name_end = name_start + bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        let Some(after) = bytes[name_end..].iter().position(|b| *b == b'>').map(|o| name_end + o + 1) else { break };
        if name_end == name_start {
            // Not a tag (`a < b` in a cell's text).
            at = tag + 1;
            continue;
        }
        let name = html[name_start..name_end].to_ascii_lowercase();
        match (closing, name.as_str()) {
            (false, "tr") => {
                reading.end_row(tag);
                reading.start_row(tag);
            }
            (false, "td" | "th") => {
                reading.end_cell(tag);
                if reading.row.is_none() {
                    reading.start_row(tag);
                }
                reading.cell = Some(after);
            }
            (true, "td" | "th") => reading.end_cell(tag),
            (true, "tr") | (_, "table") => reading.end_row(tag),
            _ => {}
        }
        at = after;
    }
    reading.end_row(html.len());
    reading.rows
}

/// The first `needle` in `bytes` from `from` on.
fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes[from..].windows(needle.len()).position(|w| w == needle).map(|o| from + o)
}

/// The state of [`rows`]' pass: the row and cell being read.
struct Rows<'a> {
    html: &'a str,
    rows: Vec<Row>,
    /// The row being read, and the number of its next cell.
    row: Option<(Row, usize)>,
    /// Where the content of the cell being read starts.
    cell: Option<usize>,
    /// The line at byte `counted`, counted as the pass goes.
    line: usize,
    counted: usize,
}

impl Rows<'_> {
    fn start_row(&mut self, at: usize) {
        self.line += self.html.as_bytes()[self.counted..at].iter().filter(|b| **b == b'\n').count();
        self.counted = at;
        self.row = Some((Row { line: self.line, cells: Vec::new() }, 0));
    }

    fn end_cell(&mut self, at: usize) {
        let (Some(start), Some((row, column))) = (self.cell.take(), self.row.as_mut()) else { return };
        if let Some(text) = cell_text(&self.html[start..at]) {
            row.cells.push((*column, text));
        }
        *column += 1;
    }

    fn end_row(&mut self, at: usize) {
        self.end_cell(at);
        if let Some((row, _)) = self.row.take() {
            self.rows.push(row);
        }
    }
}

/// A cell's text: tags dropped, entities decoded, white space folded; `None` when empty.
fn cell_text(html: &str) -> Option<String> {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = decode_entities(&text);
    let folded = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    (!folded.is_empty()).then_some(folded)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // An entity is short: looking further for its `;` would read `&&&…` again and again.
        let entity = after.bytes().take(11).position(|b| b == b';').map(|end| &after[1..end]);
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let number = name.strip_prefix("#x").map(|h| u32::from_str_radix(h, 16));
                let number = number.or_else(|| name.strip_prefix('#').map(str::parse::<u32>));
                number.and_then(Result::ok).and_then(char::from_u32)
            }
        });
        match (decoded, entity) {
            (Some(c), Some(name)) => {
                out.push(c);
                rest = &after[name.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(row: &Row) -> Vec<&str> {
        row.cells.iter().map(|(_, text)| text.as_str()).collect()
    }

    #[test]
    fn the_rows_and_cells_of_a_table_are_read_as_text_with_their_lines() {
        let html = "<html><body><table class=tb><TR><th>用户增长</th></TR>\n\
                    <tr><th>时间</th><th>新关注人数</th></tr>\n\
                    <!-- <tr><td>not a row</td></tr> -->\n\n\
                    <tr><td>2026-07-01</td><td><span>1,234</span></td></tr>\n\
                    <tr><td>2026-07-02<td>&lt;5&gt;&#20154;&amp;&nbsp;x&&&</tr><tr><td></td><td>b</td></tr></table></body></html>";
        let found = rows(html);
        assert_eq!(found.iter().map(|r| r.line).collect::<Vec<_>>(), [1, 2, 5, 6, 6]);
        assert_eq!(texts(&found[0]), ["用户增长"]);
        assert_eq!(texts(&found[1]), ["时间", "新关注人数"]);
        assert_eq!(texts(&found[2]), ["2026-07-01", "1,234"]);
        assert_eq!(texts(&found[3]), ["2026-07-02", "<5>人& x&&&"]);
        assert_eq!(found[4].cells, [(1, "b".to_string())], "an empty cell keeps its column");
    }

    #[test]
    fn tables_of_any_shape_are_read_in_one_pass() {
        // Thousands of header rows, and rows whose tags are never closed: each read once.
        let repeated = "<tr><th>时间</th><th>人数</th></tr>\n".repeat(5_000);
        assert_eq!(rows(&format!("<table>{repeated}</table>")).len(), 5_000);
        let unclosed = "<tr><td>2026-07-01<td>1\n".repeat(20_000);
        let found = rows(&format!("<table>{unclosed}"));
        assert_eq!((found.len(), found[19_999].line), (20_000, 20_000));
        assert_eq!(decode_entities(&"&".repeat(100_000)).len(), 100_000);
    }
}
