//! A file read whole into a table of text (a workbook sheet, an HTML table, NDJSON lines), so
//! that its values are recognised (dates, numbers written for people) exactly as CSV values
//! are. The table keeps only the cells that hold a value, each row with the line of the file it
//! is on, and makes a column only when a scan reads it: its memory follows the file's values,
//! never rows × columns.

use polars::prelude::*;

use super::{Reader, SAMPLE_ROWS};

/// The most columns a table may have: exports have tens, Excel allows 16,384.
pub const MAX_COLUMNS: usize = 4_096;

/// A row of the file: the line it is on (or its row in the sheet), and its cells that hold a
/// value, by column, in column order.
#[derive(Debug, Default, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<(usize, String)>,
}

pub struct TextTable {
    headers: Vec<String>,
    /// The rows below the headers that hold a value.
    rows: Vec<Row>,
}

impl TextTable {
    /// A table whose headers are the cells of `header` (a blank one is `column_N`), and whose
    /// rows are those of `rows` that hold a value; cells right of the last header are not read.
    pub fn new(header: Row, rows: impl IntoIterator<Item = Row>) -> Result<TextTable, String> {
        let width = header.cells.iter().map(|(column, _)| column + 1).max().unwrap_or(0);
        if width > MAX_COLUMNS {
            return Err(format!(
                "its header row (line {}) has {width} columns, more than the {MAX_COLUMNS} a table may have",
                header.line
            ));
        }
        let mut headers = vec![String::new(); width];
        for (column, text) in header.cells {
            headers[column] = text;
        }
        let rows = rows
            .into_iter()
            .map(|mut row| {
                row.cells.retain(|(column, _)| *column < width);
                row
            })
            .filter(|row| !row.cells.is_empty())
            .collect();
        Ok(TextTable { headers: unique(headers), rows })
    }

    /// The columns named `wanted` (those that are headers), over `rows`.
    fn frame(&self, rows: &[Row], wanted: impl Iterator<Item = usize>) -> Result<DataFrame, String> {
        let columns = wanted
            .map(|index| {
                let values = rows.iter().map(|row| {
                    let found = row.cells.binary_search_by_key(&index, |(column, _)| *column);
                    found.ok().map(|at| row.cells[at].1.as_str())
                });
                Column::new(self.headers[index].as_str().into(), values.collect::<Vec<_>>())
            })
            .collect();
        DataFrame::new(rows.len(), columns).map_err(|e| e.to_string())
    }
}

impl Reader for TextTable {
    fn sample(&self) -> Result<DataFrame, String> {
        self.frame(&self.rows[..self.rows.len().min(SAMPLE_ROWS)], 0..self.headers.len())
    }

    /// Only the columns a scan reads are made.
    fn scan(&self, columns: &[(String, DataType)]) -> Result<LazyFrame, String> {
        let mut wanted: Vec<usize> =
            columns.iter().filter_map(|(name, _)| self.headers.iter().position(|h| h == name)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        Ok(self.frame(&self.rows, wanted.into_iter())?.lazy())
    }

    fn data_line(&self, index: usize) -> usize {
        self.rows.get(index).map_or(0, |row| row.line)
    }
}

/// Headers as polars needs them: none empty, none twice (the second `x` is `x_2`).
pub fn unique(headers: Vec<String>) -> Vec<String> {
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    // The next number to try after each header, so that a header written a thousand times is
    // numbered in one pass.
    let mut next: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut unique = Vec::with_capacity(headers.len());
    for (index, header) in headers.into_iter().enumerate() {
        let base = if header.trim().is_empty() { format!("column_{}", index + 1) } else { header };
        let mut name = base.clone();
        if taken.contains(&name) {
            let n = next.entry(base.clone()).or_insert(2);
            while taken.contains(&format!("{base}_{n}")) {
                *n += 1;
            }
            name = format!("{base}_{n}");
            *n += 1;
        }
        taken.insert(name.clone());
        unique.push(name);
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(line: usize, cells: &[(usize, &str)]) -> Row {
        Row { line, cells: cells.iter().map(|(c, t)| (*c, t.to_string())).collect() }
    }

    #[test]
    fn rows_keep_their_own_lines_and_only_the_columns_scanned_are_made() {
        let header = row(2, &[(0, "时间"), (1, "新关注人数"), (3, "时间")]);
        let rows = [row(3, &[(0, "2026-07-01"), (1, "5")]), row(4, &[]), row(6, &[(1, "7"), (9, "stray")])];
        let table = TextTable::new(header, rows).unwrap();
        assert_eq!(table.headers, ["时间", "新关注人数", "column_3", "时间_2"]);
        assert_eq!((table.data_line(0), table.data_line(1)), (3, 6), "a blank row is skipped, not renumbered");
        let scanned = table.scan(&[("新关注人数".into(), DataType::String)]).unwrap().collect().unwrap();
        assert_eq!(scanned.get_column_names(), ["新关注人数"]);
        assert_eq!(scanned.column("新关注人数").unwrap().str().unwrap().get(1), Some("7"));
        assert_eq!(table.sample().unwrap().width(), 4);
    }

    #[test]
    fn repeated_headers_are_numbered_in_linear_time() {
        let headers: Vec<String> = std::iter::repeat_n("x".to_string(), 4_000).collect();
        let unique = unique(headers);
        assert_eq!((unique[1].as_str(), unique[3_999].as_str()), ("x_2", "x_4000"));
        let too_wide = row(1, &[(MAX_COLUMNS, "x")]);
        assert!(TextTable::new(too_wide, []).err().unwrap().contains("more than the 4096"));
    }
}
