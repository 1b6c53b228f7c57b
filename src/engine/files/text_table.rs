//! A file read whole into a table of text (a workbook sheet, NDJSON lines), so that its values
//! are recognised (dates, numbers written for people) exactly as CSV values are.

use polars::prelude::*;

use super::{Reader, SAMPLE_ROWS};

pub struct TextTable {
    pub table: DataFrame,
    /// The line of the file (or row of the sheet) of the first data row.
    pub first_line: usize,
}

impl TextTable {
    /// A table of `headers`, each column's values given by `column(index)`.
    pub fn new(
        headers: Vec<String>,
        first_line: usize,
        column: impl Fn(usize) -> Vec<Option<String>>,
    ) -> Result<TextTable, String> {
        let columns = headers
            .iter()
            .enumerate()
            .map(|(index, header)| Column::new(header.as_str().into(), column(index)))
            .collect();
        let table = DataFrame::new_infer_height(columns).map_err(|e| e.to_string())?;
        Ok(TextTable { table, first_line })
    }
}

impl TextTable {
    /// A table from rows of cells, the first of them the headers on line `header_line` of the
    /// file; rows with no value are left out.
    pub fn from_rows(
        mut rows: impl Iterator<Item = Vec<Option<String>>>,
        header_line: usize,
    ) -> Result<TextTable, String> {
        let headers: Vec<String> =
            rows.next().map(|cells| cells.into_iter().map(Option::unwrap_or_default).collect()).unwrap_or_default();
        let body: Vec<Vec<Option<String>>> = rows.filter(|row| row.iter().any(Option::is_some)).collect();
        TextTable::new(unique(headers), header_line + 1, |column| {
            body.iter().map(|row| row.get(column).cloned().flatten()).collect()
        })
    }
}

impl Reader for TextTable {
    fn sample(&self) -> Result<DataFrame, String> {
        Ok(self.table.head(Some(SAMPLE_ROWS)))
    }

    fn scan(&self, _dtypes: &[(String, DataType)]) -> Result<LazyFrame, String> {
        Ok(self.table.clone().lazy())
    }

    fn data_line(&self, index: usize) -> usize {
        self.first_line + index
    }
}

/// Headers as polars needs them: none empty, none twice.
pub fn unique(headers: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for (index, header) in headers.into_iter().enumerate() {
        let base = if header.trim().is_empty() { format!("column_{}", index + 1) } else { header };
        let mut name = base.clone();
        let mut n = 2;
        while seen.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        seen.push(name);
    }
    seen
}
