//! The notes of a run on an engine, from the counts its query adds to the grid
//! ([`GridColumn::Counted`], `sql::quality`): the notes files give of the same rows, but those
//! only files can have — lines named, total rows, values that are not numbers, headers that
//! differ. Rows written twice are rows alike in their date and every column the ruleset reads:
//! a table has no other row than its columns, and a table loaded twice differs in its load's
//! own columns, not in those.

use std::collections::HashSet;

use chrono::NaiveDate;
use polars::prelude::*;

use super::{Issue, QualityNote, daily, days_missing, in_order};
use crate::compile::{Counted, GridColumn};
use crate::engine::bug::Bug;
use crate::engine::period::{Period, epoch_days, from_epoch_days};
use crate::engine::sniff;
use crate::error::Result;
use crate::ruleset::CheckedRuleset;

/// The grid without the counts, and every note they make, in entity, period and source order.
pub fn notes_counted(
    ruleset: &CheckedRuleset,
    grid: DataFrame,
    entities: &[String],
) -> Result<(DataFrame, Vec<QualityNote>)> {
    let entities: HashSet<&str> = entities.iter().map(String::as_str).collect();
    let mut notes = Vec::new();
    let mut counts = Vec::new();
    for (name, _) in ruleset.row_sources() {
        let cells = SourceCounts::read(ruleset, name, &grid)?;
        notes.extend(cells.notes(ruleset, &entities));
        counts.extend(cells.columns);
    }
    Ok((grid.drop_many(counts), in_order(notes)))
}

/// One source's counts, cell by cell: only the cells where it has rows.
struct SourceCounts<'a> {
    source: &'a str,
    /// The grid's counted columns of the source.
    columns: Vec<PlSmallStr>,
    cells: Vec<Cell>,
    /// The columns of numbers, each with whether all its values are whole numbers.
    numbers: Vec<(String, bool)>,
}

struct Cell {
    entity: String,
    period: NaiveDate,
    rows: usize,
    days: usize,
    dates: Option<String>,
    alike: usize,
    negative: Vec<usize>,
    failed: Vec<usize>,
}

impl<'a> SourceCounts<'a> {
    fn read(ruleset: &CheckedRuleset, source: &'a str, grid: &DataFrame) -> Result<SourceCounts<'a>> {
        let numbers = crate::sql::number_columns(ruleset, source);
        let checks = ruleset.checks.get(source).map_or(0, Vec::len);
        let mut columns = Vec::new();
        let mut counts = |column: GridColumn| -> Result<Vec<Option<f64>>> {
            columns.push(column.name());
            let found = grid.column(&column.name()).or_bug()?.cast(&DataType::Float64).or_bug()?;
            Ok(found.f64().or_bug()?.iter().collect())
        };
        let counted = |counted| GridColumn::Counted(source, counted);
        let rows: Vec<Option<f64>> = {
            let column = grid.column(&GridColumn::Rows(source).name()).or_bug()?.cast(&DataType::Float64).or_bug()?;
            column.f64().or_bug()?.iter().collect()
        };
        let days = counts(counted(Counted::Days))?;
        let alike = counts(counted(Counted::Alike))?;
        let negative = (0..numbers.len()).map(|i| counts(counted(Counted::Negative(i)))).collect::<Result<Vec<_>>>()?;
        let fraction = (0..numbers.len()).map(|i| counts(counted(Counted::Fraction(i)))).collect::<Result<Vec<_>>>()?;
        let failed = (0..checks).map(|i| counts(counted(Counted::Failed(i)))).collect::<Result<Vec<_>>>()?;
        let dates_column = counted(Counted::Dates).name();
        columns.push(dates_column.clone());
        let dates = grid.column(&dates_column).or_bug()?.cast(&DataType::String).or_bug()?;
        let entity = grid.column(&GridColumn::Entity.name()).or_bug()?.str().or_bug()?.clone();
        let period = grid.column(&GridColumn::Period.name()).or_bug()?.cast(&DataType::Int32).or_bug()?;
        let (dates, period) = (dates.str().or_bug()?, period.i32().or_bug()?);
        let number = |values: &[Option<f64>], cell: usize| values[cell].unwrap_or(0.0) as usize;
        let mut cells = Vec::new();
        for (cell, count) in rows.iter().enumerate() {
            let (Some(entity), Some(start), Some(count)) = (entity.get(cell), period.get(cell), *count) else {
                continue;
            };
            if count == 0.0 {
                continue;
            }
            cells.push(Cell {
                entity: entity.to_string(),
                period: from_epoch_days(start),
                rows: count as usize,
                days: number(&days, cell),
                dates: dates.get(cell).map(str::to_string),
                alike: number(&alike, cell),
                negative: negative.iter().map(|column| number(column, cell)).collect(),
                failed: failed.iter().map(|column| number(column, cell)).collect(),
            });
        }
        let whole = fraction.iter().map(|column| column.iter().flatten().all(|count| *count == 0.0));
        Ok(SourceCounts { source, columns, cells, numbers: numbers.into_iter().zip(whole).collect() })
    }

    /// The notes of the source's cells, each cell's in the order files give them: missing
    /// days, rows written twice, values below 0 (column by column), failed checks.
    fn notes(&self, ruleset: &CheckedRuleset, entities: &HashSet<&str>) -> Vec<QualityNote> {
        let source = &ruleset.model.sources[self.source];
        let header = |column: &str| source.columns.get(column).map_or(column, String::as_str).to_string();
        let checks = ruleset.checks.get(self.source).map(Vec::as_slice).unwrap_or_default();
        let grain = ruleset.model.grain.period;
        let span = |cell: &Cell| {
            let period = Period::containing(grain, cell.period);
            (period.end() - period.start).num_days() as usize + 1
        };
        let days = self.cells.iter().map(|cell| cell.days).sum();
        let rows = self.cells.iter().map(|cell| cell.rows - cell.alike).sum();
        let is_daily = daily(days, rows, self.cells.iter().map(span).sum());
        let mut notes = Vec::new();
        for cell in &self.cells {
            let period = Period::containing(grain, cell.period);
            let mut issues = Vec::new();
            if let Some(dates) = cell.dates.as_deref().filter(|_| is_daily) {
                let present: Vec<i32> =
                    dates.split(',').filter_map(|day| day.trim().parse().ok()).map(epoch_days).collect();
                let missing = days_missing(period, &present);
                if !missing.is_empty() {
                    issues.push(Issue::MissingDays { missing, days: span(cell) });
                }
            }
            if cell.alike > 0 {
                issues.push(Issue::RepeatedRows { count: cell.alike });
            }
            for ((column, whole), count) in self.numbers.iter().zip(&cell.negative) {
                if *count > 0 && sniff::holds_counts(&header(column), *whole) {
                    issues.push(Issue::NegativeCounts { column: header(column), count: *count, lines: Vec::new() });
                }
            }
            for (check, count) in checks.iter().zip(&cell.failed).filter(|(_, count)| **count > 0) {
                let check = check.text().trim().to_string();
                issues.push(Issue::FailedCheck { check, count: *count, lines: Vec::new() });
            }
            if issues.is_empty() {
                continue;
            }
            let entity = entities.contains(cell.entity.as_str()).then(|| cell.entity.clone());
            notes.extend(issues.into_iter().map(|issue| QualityNote {
                entity: entity.clone(),
                period: Some(period),
                source: self.source.to_string(),
                issue,
            }));
        }
        notes
    }
}
