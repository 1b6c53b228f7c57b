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
) -> Result<(DataFrame, Vec<QualityNote>, Vec<String>)> {
    let entities: HashSet<&str> = entities.iter().map(String::as_str).collect();
    let mut notes = Vec::new();
    let mut counts = Vec::new();
    let mut daily = Vec::new();
    for (name, _) in ruleset.row_sources() {
        let cells = SourceCounts::read(ruleset, name, &grid)?;
        notes.extend(cells.notes(ruleset, &entities));
        if cells.daily {
            daily.push(name.clone());
        }
        counts.extend(cells.columns);
    }
    Ok((grid.drop_many(counts), in_order(notes), daily))
}

/// One source's counts: of its whole rows, and of the cells that may have notes.
struct SourceCounts<'a> {
    source: &'a str,
    /// The grid's counted columns of the source.
    columns: Vec<PlSmallStr>,
    /// Whether the source has a row a day, over the cells where it has rows.
    daily: bool,
    /// The cells where it has rows and something was counted: days missing, rows alike,
    /// values below 0, failed checks.
    cells: Vec<Cell>,
    /// The columns of numbers, each with whether all its values are whole numbers.
    numbers: Vec<(String, bool)>,
}

struct Cell {
    entity: String,
    period: NaiveDate,
    dates: Option<String>,
    alike: usize,
    negative: Vec<usize>,
    failed: Vec<usize>,
}

impl<'a> SourceCounts<'a> {
    fn read(ruleset: &CheckedRuleset, source: &'a str, grid: &DataFrame) -> Result<SourceCounts<'a>> {
        let numbers = crate::sql::number_columns(ruleset, source);
        let checks = ruleset.checks.get(source).map_or(0, Vec::len);
        let counted = |counted| GridColumn::Counted(source, counted).col().cast(DataType::Float64).fill_null(lit(0.0));
        let negative: Vec<Expr> = (0..numbers.len()).map(|i| counted(Counted::Negative(i))).collect();
        let failed: Vec<Expr> = (0..checks).map(|i| counted(Counted::Failed(i))).collect();
        let with_rows = GridColumn::Rows(source).col().cast(DataType::Float64).gt(lit(0.0));
        let cells = grid.clone().lazy().filter(with_rows);
        // Of the whole source: its days, rows (repeats aside) and values not whole per column.
        let mut totals = vec![
            counted(Counted::Days).sum().alias("days"),
            (GridColumn::Rows(source).col().cast(DataType::Float64) - counted(Counted::Alike)).sum().alias("rows"),
        ];
        totals.extend((0..numbers.len()).map(|i| counted(Counted::Fraction(i)).sum().alias(format!("fraction{i}"))));
        let totals = cells.clone().select(totals).collect().or_bug()?;
        let total =
            |name: &str| -> Result<f64> { Ok(totals.column(name).or_bug()?.f64().or_bug()?.get(0).unwrap_or(0.0)) };
        let whole =
            (0..numbers.len()).map(|i| Ok(total(&format!("fraction{i}"))? == 0.0)).collect::<Result<Vec<_>>>()?;
        let daily = match ruleset.model.sources[source].daily {
            Some(written) => written,
            None => daily(total("days")? as usize, total("rows")? as usize, spanned(ruleset, cells.clone())?),
        };
        // The cells that may have notes, and their counts.
        let something = negative
            .iter()
            .chain(&failed)
            .fold(counted(Counted::Alike).gt(lit(0.0)), |any, count| any.or(count.clone().gt(lit(0.0))));
        let dates = GridColumn::Counted(source, Counted::Dates).col().cast(DataType::String);
        let something = match daily {
            true => something.or(dates.clone().is_not_null()),
            false => something,
        };
        let mut selected = vec![
            GridColumn::Entity.col(),
            GridColumn::Period.col().cast(DataType::Int32),
            dates.alias("dates"),
            counted(Counted::Alike).alias("alike"),
        ];
        selected.extend(negative.into_iter().enumerate().map(|(i, count)| count.alias(format!("negative{i}"))));
        selected.extend(failed.into_iter().enumerate().map(|(i, count)| count.alias(format!("failed{i}"))));
        let found = cells.filter(something).select(selected).collect().or_bug()?;
        let text = |name: &str| -> Result<Vec<Option<String>>> {
            Ok(found.column(name).or_bug()?.str().or_bug()?.iter().map(|t| t.map(str::to_string)).collect())
        };
        let count = |name: String| -> Result<Vec<usize>> {
            Ok(found.column(&name).or_bug()?.f64().or_bug()?.iter().map(|n| n.unwrap_or(0.0) as usize).collect())
        };
        let (entities, dates) = (text(&GridColumn::Entity.name())?, text("dates")?);
        let periods = found.column(&GridColumn::Period.name()).or_bug()?.i32().or_bug()?.clone();
        let alike = count("alike".into())?;
        let negative = (0..numbers.len()).map(|i| count(format!("negative{i}"))).collect::<Result<Vec<_>>>()?;
        let failed = (0..checks).map(|i| count(format!("failed{i}"))).collect::<Result<Vec<_>>>()?;
        let mut cells = Vec::new();
        for (cell, (entity, period)) in entities.into_iter().zip(periods.iter()).enumerate() {
            let (Some(entity), Some(period)) = (entity, period) else { continue };
            cells.push(Cell {
                entity,
                period: from_epoch_days(period),
                dates: dates[cell].clone(),
                alike: alike[cell],
                negative: negative.iter().map(|column| column[cell]).collect(),
                failed: failed.iter().map(|column| column[cell]).collect(),
            });
        }
        let mut columns = vec![Counted::Days, Counted::Dates, Counted::Alike];
        columns.extend((0..numbers.len()).flat_map(|i| [Counted::Negative(i), Counted::Fraction(i)]));
        columns.extend((0..checks).map(Counted::Failed));
        let columns = columns.into_iter().map(|counted| GridColumn::Counted(source, counted).name()).collect();
        Ok(SourceCounts { source, columns, daily, cells, numbers: numbers.into_iter().zip(whole).collect() })
    }

    /// The notes of the source's cells, each cell's in the order files give them: missing
    /// days, rows written twice, values below 0 (column by column), failed checks.
    fn notes(&self, ruleset: &CheckedRuleset, entities: &HashSet<&str>) -> Vec<QualityNote> {
        let source = &ruleset.model.sources[self.source];
        let header = |column: &str| source.columns.get(column).map_or(column, String::as_str).to_string();
        let checks = ruleset.checks.get(self.source).map(Vec::as_slice).unwrap_or_default();
        let grain = ruleset.model.grain.period;
        let mut notes = Vec::new();
        for cell in &self.cells {
            let period = Period::containing(grain, cell.period);
            let mut issues = Vec::new();
            if let Some(dates) = cell.dates.as_deref().filter(|_| self.daily) {
                let present: Vec<i32> =
                    dates.split(',').filter_map(|day| day.trim().parse().ok()).map(epoch_days).collect();
                let missing = days_missing(period, &present);
                if !missing.is_empty() {
                    issues.push(Issue::MissingDays { missing, days: days_in(period) });
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

/// How many days a period has.
fn days_in(period: Period) -> usize {
    (period.end() - period.start).num_days() as usize + 1
}

/// How many days the periods of `cells` span together: each period's days, times its cells.
fn spanned(ruleset: &CheckedRuleset, cells: LazyFrame) -> Result<usize> {
    let period = GridColumn::Period.name();
    let counted = cells.group_by([col(period.clone())]).agg([len().alias("cells")]).collect().or_bug()?;
    let starts = counted.column(&period).or_bug()?.cast(&DataType::Int32).or_bug()?;
    let counts = counted.column("cells").or_bug()?.cast(&DataType::UInt64).or_bug()?;
    let grain = ruleset.model.grain.period;
    let pairs = starts.i32().or_bug()?.iter().zip(counts.u64().or_bug()?.iter());
    Ok(pairs
        .filter_map(|(start, cells)| {
            Some(days_in(Period::containing(grain, from_epoch_days(start?))) * cells? as usize)
        })
        .sum())
}
