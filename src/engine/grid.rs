//! The grid: every entity × every period from the first to the last period of any source, with
//! the sources' aggregates and the entities' attributes joined onto it. As every cell exists,
//! `prev(x)` is a plain shift: a month without rows is a row of no data, never skipped.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::aggregates::Aggregates;
use super::period::{Period, epoch_days, from_epoch_days};
use crate::compile::{self, GridColumn, RowColumn};
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::PeriodGrain;

/// The sources as read: each source's rows aggregated per entity and period, the names of the
/// sources without files, and the attribute table.
pub struct Inputs<'a> {
    pub aggregated: Vec<(&'a str, DataFrame)>,
    pub unread: Vec<&'a str>,
    pub attributes: Option<DataFrame>,
}

/// The entities of every source and attribute table, in name order, and the periods from the
/// first to the last in which any source has rows.
pub fn extent(inputs: &Inputs, grain: PeriodGrain) -> Result<(Vec<String>, Vec<Period>)> {
    let mut entities = BTreeSet::new();
    let mut span: Option<(i32, i32)> = None;
    for (name, frame) in &inputs.aggregated {
        check_keys(name, frame)?;
        entities.extend(frame.column(&RowColumn::Entity.name())?.str()?.iter().flatten().map(str::to_string));
        let days = frame.column(&RowColumn::Period.name())?.cast(&DataType::Int32)?;
        if let (Some(first), Some(last)) = (days.i32()?.min(), days.i32()?.max()) {
            span = Some(span.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
        }
    }
    if let Some(table) = &inputs.attributes {
        entities.extend(table.column(&GridColumn::Entity.name())?.str()?.iter().flatten().map(str::to_string));
    }
    let (first, last) = span.ok_or_else(|| Error::new(ErrorKind::NoDatedRows))?;
    let period = |days| Period::containing(grain, from_epoch_days(days));
    Ok((entities.into_iter().collect(), Period::range(period(first), period(last))))
}

/// Rows without an entity or a readable date would land in a group with an empty key.
fn check_keys(source: &str, frame: &DataFrame) -> Result<()> {
    for (key, missing) in [(RowColumn::Entity, "an entity"), (RowColumn::Period, "a date that could be read")] {
        if frame.column(&key.name())?.null_count() > 0 {
            let kind = ErrorKind::RowsWithoutKey { source_name: source.to_string(), missing };
            let help = "every row needs its entity and date; remove total rows and blank lines from the export";
            return Err(Error::new(kind).help(help).into());
        }
    }
    Ok(())
}

/// Every entity × every period, in entity then period order, with the year each period
/// counts towards.
pub fn cells(entities: &[String], periods: &[Period]) -> Result<LazyFrame> {
    let rows = entities.len() * periods.len();
    let mut entity_column = Vec::with_capacity(rows);
    let mut period_column = Vec::with_capacity(rows);
    let mut year_column = Vec::with_capacity(rows);
    for entity in entities {
        for period in periods {
            entity_column.push(entity.as_str());
            period_column.push(epoch_days(period.start));
            year_column.push(period.year());
        }
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new(GridColumn::Entity.name(), entity_column),
        Column::new(GridColumn::Period.name(), period_column).cast(&DataType::Date)?,
        Column::new(GridColumn::Year.name(), year_column),
    ])?;
    Ok(frame.lazy())
}

/// The grid with every source's aggregates and the attributes joined on. Cells without rows
/// have no data, except counts and row counts, which are 0; a source without files has no
/// data anywhere.
pub fn join_inputs(grid: LazyFrame, inputs: Inputs, ruleset: &CheckedRuleset, aggregates: &Aggregates) -> LazyFrame {
    let keys = || [GridColumn::Entity.col(), GridColumn::Period.col()];
    let mut grid = grid;
    for (_, frame) in inputs.aggregated {
        grid = grid.join(frame.lazy(), keys(), keys(), JoinArgs::new(JoinType::Left));
    }
    grid = grid.with_columns(no_rows(&inputs.unread, aggregates));
    let counted = aggregates.zero_without_rows().map(GridColumn::Aggregate);
    let row_counts = ruleset.row_sources().map(|(source, _)| GridColumn::Rows(source));
    let zero: Vec<Expr> = counted.chain(row_counts).map(|column| column.col().fill_null(lit(0.0))).collect();
    grid = grid.with_columns(zero);
    join_attributes(grid, inputs.attributes, ruleset)
}

/// The columns of sources without files: no data for their aggregations and dates.
fn no_rows(sources: &[&str], aggregates: &Aggregates) -> Vec<Expr> {
    let mut columns = Vec::new();
    for source in sources {
        for (index, _) in aggregates.of_source(source) {
            columns.push(compile::null().alias(GridColumn::Aggregate(index).name()));
        }
        columns.push(compile::null().alias(GridColumn::Rows(source).name()));
        for date in [GridColumn::FirstDate(source), GridColumn::LastDate(source)] {
            columns.push(lit(NULL).cast(DataType::Date).alias(date.name()));
        }
    }
    columns
}

/// The attributes of each entity; no data for attributes whose table has no files.
fn join_attributes(grid: LazyFrame, attributes: Option<DataFrame>, ruleset: &CheckedRuleset) -> LazyFrame {
    let present: Vec<PlSmallStr> = attributes.as_ref().map(|t| t.get_column_names_owned()).unwrap_or_default();
    let mut grid = grid;
    if let Some(table) = attributes {
        let entity = [GridColumn::Entity.col()];
        grid = grid.join(table.lazy(), entity.clone(), entity, JoinArgs::new(JoinType::Left));
    }
    let absent: Vec<Expr> = ruleset
        .attributes
        .keys()
        .map(|name| GridColumn::Attribute(name).name())
        .filter(|column| !present.contains(column))
        .map(|column| compile::null_text().alias(column))
        .collect();
    if absent.is_empty() { grid } else { grid.with_columns(absent) }
}
