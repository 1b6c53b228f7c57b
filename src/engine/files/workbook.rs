//! Workbooks (xlsx, xls, ods), told apart by their content: a sheet as a table of text. Dates become `2026-10-01` (with
//! the time, when they have one); numbers their shortest text.

use std::path::Path;

use calamine::{Data, Reader as _};

use super::Reader;
use super::text_table::TextTable;
use crate::ruleset::model::Source;

/// The source's `sheet` (by default the first), headers on `header_row`, values below.
pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    // By content, not by extension: a BIFF workbook may be named `.xlsx`, and the reverse.
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let names = book.sheet_names();
    let name = match source.sheet.as_deref() {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .cloned()
            .ok_or_else(|| format!("the workbook has no sheet `{wanted}`; its sheets are {}", names.join(", ")))?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let header_index = (source.header_row as usize - 1).saturating_sub(first_row);
    let rows = range.rows().skip(header_index).map(|cells| cells.iter().map(text).collect());
    Ok(Box::new(TextTable::from_rows(rows, source.header_row as usize)?))
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
