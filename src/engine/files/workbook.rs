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
    // By name, else by number from 1.
    let by_number = |wanted: &str| wanted.trim().parse::<usize>().ok().and_then(|n| names.get(n.checked_sub(1)?));
    let name = match source.sheet.as_deref() {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .or_else(|| by_number(wanted))
            .cloned()
            .ok_or_else(|| format!("the workbook has no sheet `{wanted}`; its sheets are {}", names.join(", ")))?,
        None => names.first().cloned().ok_or("the workbook has no sheet")?,
    };
    let range = book.worksheet_range(&name).map_err(|e| e.to_string())?;
    let (first_row, first_column) = range.start().map_or((0, 0), |(row, column)| (row as usize, column as usize));
    let block = source.block().transpose()?;
    let header = block.map_or(source.header_row as usize - 1, |b| b.first_row);
    let columns = block.map_or(0..usize::MAX, |b| b.first_column..b.last_column + 1);
    let last_row = block.and_then(|b| b.last_row).unwrap_or(usize::MAX);
    let rows = range
        .rows()
        .enumerate()
        .map(|(index, cells)| (first_row + index, cells))
        .filter(|(row, _)| (header..=last_row).contains(row))
        .map(|(_, cells)| {
            let cell = |(index, value): (usize, &Data)| columns.contains(&(first_column + index)).then(|| text(value));
            cells.iter().enumerate().filter_map(cell).collect()
        });
    Ok(Box::new(TextTable::from_rows(rows, header + 1)?))
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
