//! An HTML table saved as a spreadsheet: the WeChat backend's user-growth download is one,
//! named `.xls`. The rows are the table's `<tr>`, the cells their `<td>` and `<th>`, their
//! text without tags and with entities decoded.

use std::path::Path;

use super::Reader;
use super::encoding;
use super::text_table::TextTable;
use crate::ruleset::model::Source;

/// The table's rows from `header_row` on: headers there, values below.
pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    let bytes = match encoding::decoded(path, source.encoding)? {
        Some(decoded) => decoded.to_vec(),
        None => std::fs::read(path).map_err(|e| e.to_string())?,
    };
    let text = String::from_utf8_lossy(&bytes);
    let header_line = source.header_row as usize;
    let rows = rows(&text);
    if rows.len() < header_line {
        let found = match rows.len() {
            0 => "no table rows (`<tr>`)".to_string(),
            n => format!("{n} table rows, none on line {header_line} (`header_row`)"),
        };
        return Err(format!("the page has {found}"));
    }
    Ok(Box::new(TextTable::from_rows(rows.into_iter().skip(header_line - 1), header_line)?))
}

/// The cells of every row of the document's tables, in order.
fn rows(html: &str) -> Vec<Vec<Option<String>>> {
    let lower = html.to_ascii_lowercase();
    elements(&lower, "tr", 0, lower.len())
        .into_iter()
        .map(|(start, end)| {
            let cells = elements(&lower, "td", start, end).into_iter().chain(elements(&lower, "th", start, end));
            let mut cells: Vec<(usize, usize)> = cells.collect();
            cells.sort();
            cells.into_iter().map(|(from, to)| cell_text(&html[from..to])).collect()
        })
        .collect()
}

/// The byte ranges of the contents of each `<tag …>…</tag>` between `from` and `to` of `lower`
/// (the document in lower case, so that `<TD>` is found too). A missing closing tag ends at
/// the next opening one, as browsers read `<td>1<td>2`.
fn elements(lower: &str, tag: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}"));
    let mut found = Vec::new();
    let mut at = from;
    while let Some(offset) = lower[at..to].find(&open) {
        let start = at + offset;
        let after_name = start + open.len();
        // `<tr` but not `<track`: the name ends at a space, `>` or `/`.
        if !lower[after_name..to].starts_with(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            at = after_name;
            continue;
        }
        let Some(content) = lower[after_name..to].find('>').map(|o| after_name + o + 1) else { break };
        let next_open = lower[content..to].find(&open).map(|o| content + o);
        let closing = lower[content..to].find(&close).map(|o| content + o);
        let end = match (closing, next_open) {
            (Some(closing), Some(next)) if next < closing => next,
            (Some(closing), _) => closing,
            (None, Some(next)) => next,
            (None, None) => to,
        };
        found.push((content, end));
        at = end.max(content);
    }
    found
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
        let entity = after.find(';').filter(|end| *end <= 10).map(|end| &after[1..end]);
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

    #[test]
    fn the_rows_and_cells_of_a_table_are_read_as_text() {
        let html = "<html><body><table class=tb><TR><th>用户增长</th></TR>\n\
                    <tr><th>时间</th><th>新关注人数</th></tr>\n\
                    <tr><td>2026-07-01</td><td><span>1,234</span></td></tr>\n\
                    <tr><td>2026-07-02<td>&lt;5&gt;&#20154;&amp;&nbsp;x</tr></table></body></html>";
        let found = rows(html);
        let text = |row: usize| found[row].iter().map(|c| c.clone().unwrap_or_default()).collect::<Vec<_>>();
        assert_eq!(text(0), ["用户增长"]);
        assert_eq!(text(1), ["时间", "新关注人数"]);
        assert_eq!(text(2), ["2026-07-01", "1,234"]);
        assert_eq!(text(3), ["2026-07-02", "<5>人& x"]);
    }
}
