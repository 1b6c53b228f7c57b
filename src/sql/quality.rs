//! What the data-quality notes are made from, counted where the rows are: each source's
//! `cells:` step counts, per cell and with its aggregations (one read of the rows), what the
//! polars engine counts for its notes (`engine::quality`) — distinct days (and which, in a
//! cell that lacks some), rows alike, values below 0 or not whole in each column of numbers,
//! rows failing each check. The counts come back as columns of the grid ([`Counted`]); which
//! of them make notes (whether the source has a row a day, which columns hold counts) is
//! decided by `kpi` from them, as for files.

use super::dialect::Dialect;
use super::formula;
use crate::compile::{Counted, GridColumn, RowColumn};
use crate::ruleset::CheckedRuleset;

/// The counts of source `name`'s rows in a cell, as the grid columns they are and the
/// aggregations of the cell's rows that compute them; `read` are the columns read of the
/// source, `numbers` those formulas compute with.
pub fn counted<'a>(
    ruleset: &CheckedRuleset,
    name: &'a str,
    (read, numbers): (&[String], &[String]),
    d: Dialect,
) -> Vec<(GridColumn<'a>, String)> {
    let row = |column: RowColumn| d.name_of(&column.name());
    let (date, period) = (row(RowColumn::Date), row(RowColumn::Period));
    let days = d.distinct_count(&date);
    let spanned = d.period_days(ruleset.model.grain.period, &period);
    let mut alike = vec![date.clone()];
    alike.extend(read.iter().map(|column| row(RowColumn::Source(column))));
    let count = |condition: String| format!("sum(CASE WHEN {condition} THEN 1 ELSE 0 END)");
    let mut found = vec![
        (Counted::Days, days.clone()),
        (Counted::Dates, format!("CASE WHEN {days} < {spanned} THEN {} END", d.dates_listed(&date))),
        (Counted::Alike, format!("count(*) - {}", d.distinct_count(&d.row_of(&alike)))),
    ];
    for (index, column) in numbers.iter().enumerate() {
        let value = row(RowColumn::Source(column));
        found.push((Counted::Negative(index), count(format!("{value} < 0"))));
        found.push((Counted::Fraction(index), count(d.fraction(&value))));
    }
    // A check without data does not fail.
    for (index, check) in ruleset.checks.get(name).into_iter().flatten().enumerate() {
        found.push((Counted::Failed(index), count(format!("NOT ({})", formula::rows(&check.ir, d)))));
    }
    found.into_iter().map(|(counted, sql)| (GridColumn::Counted(name, counted), sql)).collect()
}
