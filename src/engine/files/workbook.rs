//! Workbooks (xlsx, xlsm, xlsb, xls), told apart by their content: a sheet as a table of text.
//! Dates become `2026-10-01` (with the time, when they have one); numbers their shortest text.
//!
//! The workbook parser is a dependency that trusts a file's own counts: a damaged `.xls` can
//! make it allocate terabytes, which aborts a process. So a sheet is read in a child process
//! with limits ([`isolated`]), which sends back only the cells that hold a value; an xlsx
//! sheet is streamed cell by cell, so that one cell at `XFD1048576` costs one cell.

use std::ffi::OsStr;
use std::io::Cursor;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use calamine::{DataType, Reader as _, Xls, Xlsb, Xlsx};

use super::isolated::{self, Limits, Stopped};
use super::text_table::{Row, TextTable};
use super::{Reader, WORKBOOK_MAGIC};
use crate::ruleset::model::Source;

/// The sheet the source names, headers on `header_row` (or the first row of `range`), values
/// below, each row with its row number in the sheet.
pub fn open(path: &Path, source: &Source) -> Result<Box<dyn Reader>, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    let block = source.block().transpose()?;
    let header = block.map_or(source.header_row as usize - 1, |b| b.first_row);
    let request = Request {
        path: path.as_os_str().as_bytes().to_vec(),
        sheet: source.sheet.clone(),
        window: Window {
            first_row: header,
            last_row: block.and_then(|b| b.last_row).unwrap_or(usize::MAX),
            columns: block.map(|b| (b.first_column, b.last_column)),
        },
    };
    let limits = Limits { memory_bytes: (1 << 30) + 64 * size, cpu_seconds: 60 + 10 * size.div_ceil(1 << 20) };
    // The reference keeps the entry of the reader's process in every program that reads workbooks.
    std::hint::black_box(&SHEET_READER);
    let answer = isolated::run(TASK, &request.encode(), limits).map_err(|stopped| match stopped {
        Stopped::Memory => "reading it stopped: it claims more cells or space than the file holds, so it is damaged \
                            (open it in Excel and save it again)"
            .to_string(),
        Stopped::Time => "reading it stopped: it took longer than a workbook of its size can, so it is damaged".into(),
        Stopped::Panicked(message) => format!("the workbook reader stopped on it, so it is damaged: {message}"),
        Stopped::Failed(message) => format!("the workbook reader failed: {message}"),
    })?;
    let cells = decode(&answer)?;
    let leftmost = cells.first().map_or(0, |(_, column, _)| *column);
    // A table starts at the range's first column, else at the sheet's leftmost column with a value.
    let origin = request.window.columns.map_or(leftmost, |(first, _)| first);
    let mut rows = rows(cells, origin);
    let header = match rows.first() {
        Some(first) if first.line == header + 1 => rows.remove(0),
        _ => Row { line: header + 1, cells: Vec::new() },
    };
    Ok(Box::new(TextTable::new(header, rows)?))
}

/// The name of the reader's process task.
const TASK: &str = "workbook";

/// Serves a request when this process was started to read a sheet.
#[used]
#[unsafe(link_section = ".init_array")]
static SHEET_READER: extern "C" fn() = {
    extern "C" fn start() {
        isolated::entry(TASK, |request| {
            let cells = Request::decode(request).ok_or_else(|| "a request it cannot read".to_string());
            encode(cells.and_then(|r| read_sheet(Path::new(OsStr::from_bytes(&r.path)), r.sheet.as_deref(), &r.window)))
        });
    }
    start
};

/// What the reader's process is asked: the sheet of a file, and the window of it to read.
struct Request {
    path: Vec<u8>,
    sheet: Option<String>,
    window: Window,
}

impl Request {
    /// Each field as its length (eight bytes, little-endian) and its bytes; numbers as eight bytes.
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut text = |bytes: &[u8]| {
            out.extend((bytes.len() as u64).to_le_bytes());
            out.extend(bytes);
        };
        text(&self.path);
        text(self.sheet.as_deref().map_or(&[][..], str::as_bytes));
        let (first_column, last_column) =
            self.window.columns.map_or((u64::MAX, u64::MAX), |(a, b)| (a as u64, b as u64));
        for number in [self.window.first_row as u64, self.window.last_row as u64, first_column, last_column] {
            out.extend(number.to_le_bytes());
        }
        out
    }

    fn decode(bytes: &[u8]) -> Option<Request> {
        let mut fields = Fields(bytes);
        let path = fields.text()?.to_vec();
        let sheet = std::str::from_utf8(fields.text()?).ok().filter(|s| !s.is_empty()).map(str::to_string);
        let [first_row, last_row, first_column, last_column] = [(); 4].map(|()| fields.number());
        let (first_row, last_row) = (first_row? as usize, last_row? as usize);
        let columns = match (first_column?, last_column?) {
            (u64::MAX, _) => None,
            (first, last) => Some((first as usize, last as usize)),
        };
        Some(Request { path, sheet, window: Window { first_row, last_row, columns } })
    }
}

/// The fields of a request, read in order.
struct Fields<'a>(&'a [u8]);

impl<'a> Fields<'a> {
    fn number(&mut self) -> Option<u64> {
        let (head, rest) = self.0.split_at_checked(8)?;
        self.0 = rest;
        Some(u64::from_le_bytes(head.try_into().ok()?))
    }

    fn text(&mut self) -> Option<&'a [u8]> {
        let length = usize::try_from(self.number()?).ok()?;
        let (text, rest) = self.0.split_at_checked(length)?;
        self.0 = rest;
        Some(text)
    }
}

/// The rows and columns of a sheet that are read: from the header row down, within `range`.
struct Window {
    first_row: usize,
    last_row: usize,
    /// The first and last column of `range`, if the source has one.
    columns: Option<(usize, usize)>,
}

impl Window {
    fn holds(&self, row: usize, column: usize) -> bool {
        (self.first_row..=self.last_row).contains(&row)
            && self.columns.is_none_or(|(first, last)| (first..=last).contains(&column))
    }
}

/// A sheet's cells that hold a value, as (row, column, text), in the child process. The first
/// is a marker cell holding the sheet's leftmost used column, read before any cell is left out.
fn read_sheet(path: &Path, sheet: Option<&str>, window: &Window) -> Result<Vec<(usize, usize, String)>, String> {
    let bytes = crate::read::bytes(path, u64::MAX).map_err(|e| e.to_string())?;
    let mut cells = Vec::new();
    let mut leftmost = usize::MAX;
    let mut keep = |row: u32, column: u32, text: Option<String>| {
        let (row, column) = (row as usize, column as usize);
        leftmost = leftmost.min(column);
        if let Some(text) = text.filter(|_| window.holds(row, column)) {
            cells.push((row, column, text));
        }
    };
    if bytes.starts_with(WORKBOOK_MAGIC[0]) {
        let mut book = Xls::new(Cursor::new(&bytes[..])).map_err(damaged)?;
        let name = sheet_name(&book.sheet_names(), sheet)?;
        let range = book.worksheet_range(&name).map_err(damaged)?;
        let (top, left) = range.start().unwrap_or((0, 0));
        for (row, column, cell) in range.used_cells() {
            keep(top + row as u32, left + column as u32, text(cell));
        }
    } else if let Ok(mut book) = Xlsx::new(Cursor::new(&bytes[..])) {
        let name = sheet_name(&book.sheet_names(), sheet)?;
        let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
        while let Some(cell) = reader.next_cell().map_err(damaged)? {
            let (row, column) = cell.get_position();
            keep(row, column, text(cell.get_value()));
        }
    } else {
        let mut book = Xlsb::new(Cursor::new(&bytes[..])).map_err(|_| "it is not an Excel workbook".to_string())?;
        let name = sheet_name(&book.sheet_names(), sheet)?;
        let mut reader = book.worksheet_cells_reader(&name).map_err(damaged)?;
        while let Some(cell) = reader.next_cell().map_err(damaged)? {
            let (row, column) = cell.get_position();
            keep(row, column, text(cell.get_value()));
        }
    }
    cells.sort_unstable_by_key(|(row, column, _)| (*row, *column));
    cells.insert(0, (0, leftmost, String::new()));
    Ok(cells)
}

/// The parser's message, and what to do about a workbook it cannot read.
fn damaged(error: impl std::fmt::Display) -> String {
    format!("{error}: the workbook is damaged or cut short; download it again, or open it in Excel and save it again")
}

/// The sheet `wanted` names (by name, else by number from 1), or the first.
fn sheet_name(names: &[String], wanted: Option<&str>) -> Result<String, String> {
    let by_number = |wanted: &str| wanted.trim().parse::<usize>().ok().and_then(|n| names.get(n.checked_sub(1)?));
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| *n == wanted)
            .or_else(|| by_number(wanted))
            .cloned()
            .ok_or_else(|| format!("the workbook has no sheet `{wanted}`; its sheets are {}", names.join(", "))),
        None => names.first().cloned().ok_or_else(|| "the workbook has no sheet".to_string()),
    }
}

fn text(cell: &impl DataType) -> Option<String> {
    if let Some(moment) = cell.get_datetime() {
        return moment.as_datetime().map(|moment| match moment.time() == chrono::NaiveTime::MIN {
            true => moment.date().to_string(),
            false => moment.format("%Y-%m-%d %H:%M:%S").to_string(),
        });
    }
    let written = cell.get_string().or_else(|| cell.get_datetime_iso()).or_else(|| cell.get_duration_iso());
    if let Some(text) = written {
        return Some(text.to_string());
    }
    if let Some(value) = cell.get_int() {
        return Some(value.to_string());
    }
    if let Some(value) = cell.get_float() {
        return Some(match value.fract() == 0.0 && value.abs() < 1e15 {
            true => format!("{value:.0}"),
            false => value.to_string(),
        });
    }
    cell.get_bool().map(|value| value.to_string())
}

/// The child's answer: `0` and the cells, each as row, column and length (four bytes each,
/// little-endian) and its text; or `1` and a message.
fn encode(cells: Result<Vec<(usize, usize, String)>, String>) -> Vec<u8> {
    match cells {
        Ok(cells) => {
            let mut out = vec![0];
            for (row, column, text) in cells {
                for number in [row, column, text.len()] {
                    out.extend((number as u32).to_le_bytes());
                }
                out.extend(text.as_bytes());
            }
            out
        }
        Err(message) => [&[1], message.as_bytes()].concat(),
    }
}

/// The cells [`encode`] wrote, the leftmost-column marker first.
fn decode(bytes: &[u8]) -> Result<Vec<(usize, usize, String)>, String> {
    match bytes.split_first() {
        Some((0, mut rest)) => {
            let mut cells = Vec::new();
            while rest.len() >= 12 {
                let number = |at: usize| u32::from_le_bytes(rest[at..at + 4].try_into().expect("four bytes")) as usize;
                let (row, column, length) = (number(0), number(4), number(8));
                let text = rest.get(12..12 + length).ok_or("the workbook reader's answer is cut short")?;
                cells.push((row, column, String::from_utf8_lossy(text).into_owned()));
                rest = &rest[12 + length..];
            }
            Ok(cells)
        }
        Some((_, message)) => Err(String::from_utf8_lossy(message).into_owned()),
        None => Err("the workbook reader gave no answer".into()),
    }
}

/// Cells in row order as rows of the table, columns counted from `origin`; the marker cell
/// dropped.
fn rows(cells: Vec<(usize, usize, String)>, origin: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for (row, column, text) in cells.into_iter().skip(1) {
        let line = row + 1;
        if rows.last().is_none_or(|last| last.line != line) {
            rows.push(Row { line, cells: Vec::new() });
        }
        rows.last_mut().expect("a row was pushed").cells.push((column - origin.min(column), text));
    }
    rows
}
