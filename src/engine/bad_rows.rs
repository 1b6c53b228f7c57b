//! The rows of a source that cannot be read or placed: a value that is not a number, a row
//! without an entity or a readable date. A read or a check shows there is one; the files are
//! then read again one by one, to name its file, its line and its value.

use polars::prelude::*;

use super::instants;
use super::numbers::{self, Decimal, Notation};
use super::sources::{Scan, SourceRef, find_header, scan_file, unused_name};
use super::values::{self, ColumnUse};
use crate::compile::RowColumn;
use crate::error::{Error, ErrorKind};

/// What a row lacks that places it on the grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    Entity,
    Date,
}

impl Missing {
    pub fn words(self) -> &'static str {
        match self {
            Missing::Entity => "an entity",
            Missing::Date => "a readable date",
        }
    }
}

/// Whether an entity column's value names no entity: empty, or blank before it was trimmed.
pub fn no_entity(entity: Expr) -> Expr {
    entity.clone().is_null().or(entity.eq(lit("")))
}

/// The first row of a source without an entity or a readable date: its file, its line, and
/// what it lacks. Read again file by file, once the aggregated rows show there is one.
pub fn first_row_without_key(source: &SourceRef, columns: &[ColumnUse]) -> Option<RowWithoutKey> {
    let (entity, date) = (no_entity(RowColumn::Entity.col()), RowColumn::Date.col());
    // Dates as text, so that a date the reader cannot parse shows as what it is.
    let source = &source.as_text();
    source.files().ok()?.iter().find_map(|file| {
        let rows = scan_file(source, file, columns, Scan::Numbered).ok()?;
        let missing = rows.filter(entity.clone().or(date.clone().is_null()));
        let first = missing.select([
            RowColumn::Line.col(),
            RowColumn::WrittenDate.col(),
            entity.clone().alias(RowColumn::Entity.name()),
        ]);
        let first = first.first().collect().ok()?;
        let row = first.column(&RowColumn::Line.name()).ok()?.get(0).ok()?.extract::<usize>()?;
        let no_entity = first.column(&RowColumn::Entity.name()).ok()?.bool().ok()?.get(0)?;
        let written = first.column(&RowColumn::WrittenDate.name()).ok()?.str().ok()?.get(0).map(str::to_string);
        let missing = if no_entity { Missing::Entity } else { Missing::Date };
        Some(RowWithoutKey { file: file.display(), line: file.data_line(row), missing, written_date: written })
    })
}

/// A row that cannot be placed on the grid, and where it is.
pub struct RowWithoutKey {
    pub file: String,
    pub line: usize,
    pub missing: Missing,
    /// The row's date as the file writes it, if it has one.
    pub written_date: Option<String>,
}

/// The first value of a source's number columns that is not a number (or not a date, in a
/// column of dates used in arithmetic): its file, its line, its column's header and the value.
/// The files are read again one by one, every used column as text, once a read has shown there
/// is one.
pub fn first_bad_value(source: &SourceRef, columns: &[ColumnUse]) -> Option<Error> {
    source.files().ok()?.iter().find_map(|file| {
        // Each file as its part of the source reads it.
        let source = &SourceRef { source: file.source(), ..*source };
        let sample = file.sample().ok()?;
        let notation = values::notation(file, &sample, source.source).ok()?;
        let headers: Vec<String> = sample.get_column_names().iter().map(|n| n.to_string()).collect();
        let used: Vec<&str> = columns
            .iter()
            .filter_map(|c| find_header(&headers, source.header_of(&c.name)).map(|h| (c, h)))
            .filter(|(c, h)| values::reads_numbers(c.usage, &sample, h, notation))
            .map(|(_, h)| h)
            .collect();
        let dtypes: Vec<(String, DataType)> = used.iter().map(|h| (h.to_string(), DataType::String)).collect();
        // A column of dates or times used in arithmetic is flagged as one: a value that is not a
        // date (see `instants`).
        let dates: Vec<Option<Expr>> = used.iter().map(|h| instants::bad_values(&sample, h, notation)).collect();
        // Named apart from the file's own columns.
        let flag = |i: usize| unused_name(&headers, &format!(":bad {i}"));
        let flags = used.iter().zip(&dates).enumerate().map(|(i, (header, not_a_date))| {
            let not_a_number = not_a_date.clone().unwrap_or_else(|| numbers::bad_number(col(*header), notation));
            not_a_number.alias(flag(i))
        });
        let flags: Vec<Expr> = flags.collect();
        let line = unused_name(&headers, RowColumn::Line.name().as_str());
        let rows = file.scan(&dtypes, None).ok()?.with_row_index(line.as_str(), None).with_columns(flags);
        let any = polars::lazy::dsl::any_horizontal((0..used.len()).map(|i| col(flag(i))).collect::<Vec<_>>());
        let bad = rows.filter(any.ok()?).first().collect().ok()?;
        let row = bad.column(&line).ok()?.get(0).ok()?.extract::<usize>()?;
        let flagged = |i: &usize| bad.column(&flag(*i)).ok().and_then(|c| c.bool().ok()?.get(0)) == Some(true);
        let index = (0..used.len()).find(flagged)?;
        let header = used[index];
        let value = bad.column(header).ok()?.str().ok()?.get(0)?.to_string();
        let expected = if dates[index].is_some() { "a date or time" } else { "a number" };
        let (column, line) = (header.to_string(), file.data_line(row));
        let help = help_for(&value, notation);
        let kind = ErrorKind::BadNumber { value, expected, column, line, file: file.display() };
        let logical = columns.iter().find(|c| source.header_of(&c.name) == header).map(|c| c.name.as_str());
        Some(Error::new(kind).help(help).at_opt(source.location_of(Some("path"), logical)))
    })
}

/// What to do about a value that is not a number: one that is a number with the other decimal
/// mark (`1,23` where `,` groups thousands) is misgrouped or from another locale; anything else
/// may be a way of writing no data.
fn help_for(value: &str, notation: Notation) -> String {
    let other = match notation.decimal {
        Decimal::Point => Decimal::Comma,
        Decimal::Comma => Decimal::Point,
    };
    if numbers::read(&[value], Notation { decimal: other, ..notation })[0].is_some() {
        let (group, example) = match notation.decimal {
            Decimal::Point => (",", "1,234.5"),
            Decimal::Comma => (".", "1.234,5"),
        };
        return format!(
            "this file writes numbers as `{example}`, thousands grouped by `{group}` in threes: correct the value in the export, or set `decimal: {}` on the source if the file writes the {}",
            other.name(),
            other.mark()
        );
    }
    "if it means no data, add it to the source's `null_values`, or set `on_bad_value: null` to read such values as no data".into()
}
