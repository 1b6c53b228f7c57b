//! Workbooks and NDJSON as tables of text, so that their values are recognised (dates, numbers
//! written for people) exactly as CSV values are.

use std::path::Path;

use calamine::{Data, Reader};
use indexmap::IndexMap;
use polars::prelude::*;

/// A sheet of a workbook (xlsx, xls, ods): headers on `header_row` (1-based), values below.
/// Dates become `2026-10-01` (with the time, when it has one); numbers their shortest text.
pub fn workbook(path: &Path, sheet: Option<&str>, header_row: u32) -> Result<DataFrame, String> {
    let mut book = calamine::open_workbook_auto(path).map_err(|e| e.to_string())?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .cloned()
            .ok_or_else(|| format!("the workbook has no sheet `{wanted}`; its sheets are {}", names.join(", ")))?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let header_index = (header_row as usize - 1).saturating_sub(first_row);
    let mut rows = range.rows().skip(header_index);
    let headers: Vec<String> =
        rows.next().map(|cells| cells.iter().map(text).map(Option::unwrap_or_default).collect()).unwrap_or_default();
    let body: Vec<Vec<Option<String>>> = rows
        .map(|cells| cells.iter().map(text).collect())
        .filter(|row: &Vec<Option<String>>| row.iter().any(Option::is_some))
        .collect();
    frame(unique(headers), |column| body.iter().map(|row| row.get(column).cloned().flatten()).collect())
}

/// NDJSON: one object per line; the columns are every key, in the order first seen.
pub fn ndjson(bytes: &[u8]) -> Result<DataFrame, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let mut columns: IndexMap<String, Vec<Option<String>>> = IndexMap::new();
    let mut rows = 0;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(line).map_err(|e| format!("line {} is not a JSON object: {e}", index + 1))?;
        for (key, value) in object {
            let column = columns.entry(key).or_insert_with(|| vec![None; rows]);
            column.resize(rows, None);
            column.push(match value {
                serde_json::Value::Null => None,
                serde_json::Value::String(text) => Some(text),
                other => Some(other.to_string()),
            });
        }
        rows += 1;
        columns.values_mut().for_each(|column| column.resize(rows, None));
    }
    let headers: Vec<String> = columns.keys().cloned().collect();
    frame(headers, |column| columns[column].clone())
}

fn frame(headers: Vec<String>, column: impl Fn(usize) -> Vec<Option<String>>) -> Result<DataFrame, String> {
    let columns =
        headers.iter().enumerate().map(|(index, header)| Column::new(header.as_str().into(), column(index))).collect();
    DataFrame::new_infer_height(columns).map_err(|e| e.to_string())
}

/// Headers as polars needs them: none empty, none twice.
fn unique(headers: Vec<String>) -> Vec<String> {
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

fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty | Data::Error(_) => None,
        Data::String(text) => Some(text.clone()),
        Data::Int(value) => Some(value.to_string()),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => Some(format!("{value:.0}")),
        Data::Float(value) => Some(value.to_string()),
        Data::Bool(value) => Some(value.to_string()),
        Data::DateTime(value) => value.as_datetime().map(|moment| {
            if moment.time() == chrono::NaiveTime::MIN {
                moment.date().to_string()
            } else {
                moment.format("%Y-%m-%d %H:%M:%S").to_string()
            }
        }),
        Data::DateTimeIso(text) | Data::DurationIso(text) => Some(text.clone()),
    }
}
