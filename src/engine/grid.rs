//! The grid: every entity × every period from the first to the last period of any source, with
//! the sources' aggregates and the entities' attributes joined onto it. As every cell exists,
//! `prev(x)` is a plain shift: a month without rows is a row of no data, never skipped.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::aggregates::Aggregates;
use super::bad_rows::{Missing, RowWithoutKey, first_bad_value, first_row_without_key, no_entity};
use super::files;
use super::instants::{FIRST_DATE, LAST_DATE};
use super::period::{Period, epoch_days, from_epoch_days};
use super::sources::SourceRef;
use super::values;
use crate::compile::{self, GridColumn, RowColumn};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::OnBadValue;
use crate::ruleset::yaml::PathStep::Key;

/// The sources as read: each source's rows aggregated per entity and period, the names of the
/// sources without files, and the attribute table.
pub struct Inputs<'a> {
    pub aggregated: Vec<(&'a str, DataFrame)>,
    pub unread: Vec<&'a str>,
    pub attributes: Option<DataFrame>,
}

/// The most cells (entities × periods) a grid may have: about 10 GB of memory for a ruleset of
/// a hundred columns. A client with 2,000 accounts over three years of days has 2.2 million.
pub const MAX_GRID_CELLS: usize = 10_000_000;

/// The entities of every source and attribute table, in name order, and the periods from the
/// first to the last in which any source has rows.
pub fn extent(
    inputs: &Inputs,
    ruleset: &CheckedRuleset,
    aggregates: &Aggregates,
) -> Result<(Vec<String>, Vec<Period>)> {
    let mut entities = BTreeSet::new();
    let mut span: Option<(i32, i32)> = None;
    for (name, frame) in &inputs.aggregated {
        let source = SourceRef::new(name, &ruleset.model.sources[*name], ruleset);
        check_keys(&source, frame, aggregates)?;
        check_values(&source, frame, aggregates)?;
        entities.extend(
            frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?.iter().flatten().map(str::to_string),
        );
        let days = frame.column(&RowColumn::Period.name()).or_bug()?.cast(&DataType::Int32).or_bug()?;
        if let (Some(first), Some(last)) = (days.i32().or_bug()?.min(), days.i32().or_bug()?.max()) {
            check_dates(&source, frame)?;
            span = Some(span.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
        }
    }
    if let Some(table) = &inputs.attributes {
        entities.extend(
            table.column(&GridColumn::Entity.name()).or_bug()?.str().or_bug()?.iter().flatten().map(str::to_string),
        );
    }
    let (first, last) = span.ok_or_else(|| no_dated_rows(ruleset))?;
    let grain = ruleset.model.grain.period;
    let period = |days| Period::containing(grain, from_epoch_days(days));
    let periods = Period::range(period(first), period(last));
    let cells = entities.len().saturating_mul(periods.len());
    if cells > MAX_GRID_CELLS {
        let kind = ErrorKind::GridTooLarge { entities: entities.len(), periods: periods.len(), limit: MAX_GRID_CELLS };
        let help = "check the sources' dates and entities; a coarser `grain.period` makes fewer periods";
        return Err(Error::new(kind)
            .help(help)
            .at_opt(ruleset.tree.at(&[Key("grain")]).map(|n| n.location.clone()))
            .into());
    }
    Ok((entities.into_iter().collect(), periods))
}

/// Rows without an entity or a readable date would land in a group with an empty key: the
/// error names the first such row's file and line.
fn check_keys(source: &SourceRef, frame: &DataFrame, aggregates: &Aggregates) -> Result<()> {
    let blank = frame
        .clone()
        .lazy()
        .select([no_entity(RowColumn::Entity.col()).any(true).alias("blank")])
        .collect()
        .or_bug()?;
    let entity_missing = blank.column("blank").or_bug()?.bool().or_bug()?.get(0) == Some(true);
    if !entity_missing && frame.column(&RowColumn::Period.name()).or_bug()?.null_count() == 0 {
        return Ok(());
    }
    let columns = aggregates.columns_of(source.name);
    let found = first_row_without_key(source, &columns);
    // A date that cannot be read, past the rows the date format was learnt from: the same
    // error as one in them.
    if let Some(RowWithoutKey { file, line, missing: Missing::Date, written_date: Some(value) }) = &found {
        let column = source.source.date.clone().unwrap_or_default();
        let kind =
            ErrorKind::BadDate { value: value.trim().to_string(), column, line: Some(*line), file: file.clone() };
        let help = values::DATE_FORMAT_HELP;
        let field = if source.source.date_format.is_some() { "date_format" } else { "date" };
        return Err(Error::new(kind).help(help).at_opt(source.location_of(Some(field), None)).into());
    }
    let (file, line, missing) = match found {
        Some(row) => (Some(row.file), Some(row.line), row.missing),
        None if entity_missing => (None, None, Missing::Entity),
        None => (None, None, Missing::Date),
    };
    let kind = ErrorKind::RowsWithoutKey { source_name: source.name.to_string(), missing: missing.words(), file, line };
    let help = "every row needs its entity and date; remove total rows and blank lines from the export";
    let field = match missing {
        Missing::Entity => "entity",
        Missing::Date => "date",
    };
    Err(Error::new(kind).help(help).at_opt(source.location_of(Some(field), None)).into())
}

/// A number column holds only numbers and ways of writing "no data": the error names the
/// first value that is not, with its file and line.
fn check_values(source: &SourceRef, frame: &DataFrame, aggregates: &Aggregates) -> Result<()> {
    if source.source.on_bad_value == OnBadValue::Null {
        return Ok(());
    }
    let Ok(bad) = frame.column(&GridColumn::BadValues(source.name).name()) else { return Ok(()) };
    if bad.as_materialized_series().sum::<u64>().or_bug()? == 0 {
        return Ok(());
    }
    let found = first_bad_value(source, &aggregates.columns_of(source.name));
    let error =
        found.unwrap_or_else(|| Error::internal(format!("source `{}` has a bad value it cannot place", source.name)));
    Err(error.into())
}

/// Every date of a source lies between [`FIRST_DATE`] and [`LAST_DATE`].
fn check_dates(source: &SourceRef, frame: &DataFrame) -> Result<()> {
    let date = |(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
    let (first_allowed, last_allowed) = (date(FIRST_DATE), date(LAST_DATE));
    let days = |column: GridColumn| -> Result<Option<(i32, i32)>> {
        let days = frame.column(&column.name()).or_bug()?.cast(&DataType::Int32).or_bug()?;
        Ok(days.i32().or_bug()?.min().zip(days.i32().or_bug()?.max()))
    };
    let first = days(GridColumn::FirstDate(source.name))?.map(|(first, _)| from_epoch_days(first));
    let last = days(GridColumn::LastDate(source.name))?.map(|(_, last)| from_epoch_days(last));
    let outside = first.filter(|d| *d < first_allowed).or(last.filter(|d| *d > last_allowed));
    match outside {
        None => Ok(()),
        Some(found) => {
            let error = date_out_of_range(source.name, &found.to_string());
            Err(error.at_opt(source.location_of(Some("date"), None)).into())
        }
    }
}

/// A source has a row dated `date`, outside the dates kpi reads: on files as on an engine.
pub fn date_out_of_range(source_name: &str, date: &str) -> Error {
    let date_of = |(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
    let kind = ErrorKind::DateOutOfRange { source_name: source_name.to_string(), date: date.to_string() };
    let note = format!("kpi reads dates from {} to {}", date_of(FIRST_DATE), date_of(LAST_DATE));
    Error::new(kind).note(note).help("correct the date in the export, or leave the row out")
}

/// No source has a dated row: every source is listed with where it looks for files.
fn no_dated_rows(ruleset: &CheckedRuleset) -> Error {
    let mut error = Error::new(ErrorKind::NoDatedRows);
    for (name, source) in ruleset.row_sources() {
        let pattern = ruleset.base_dir.join(&source.path);
        let found = match files::find_parts(source, &ruleset.base_dir) {
            Ok(files) if files.len() == 1 => "1 file, without dated rows".to_string(),
            Ok(files) => format!("{} files, without dated rows", files.len()),
            Err(_) => "no file".to_string(),
        };
        error = error.note(format!("source `{name}` reads `{}`: {found}", pattern.display()));
    }
    error
        .help("check `--data` and the sources' `path`; paths are relative to the ruleset file or `--data`")
        .at_opt(ruleset.tree.at(&[Key("sources")]).map(|n| n.location.clone()))
}

/// No table of an engine (`label`) has a dated row that a source's `where` keeps: every
/// source is listed with its table.
pub fn no_dated_rows_in_tables(ruleset: &CheckedRuleset, label: &str) -> Error {
    let mut error = Error::new(ErrorKind::NoDatedRows);
    for (name, source) in ruleset.row_sources() {
        let table = source.table.as_deref().unwrap_or_default();
        error = error.note(format!("source `{name}` reads table `{table}` on {label}: no dated rows"));
    }
    error
        .help("check that the tables hold the rows of the periods to appraise, and the sources' `where`")
        .at_opt(ruleset.tree.at(&[Key("sources")]).map(|n| n.location.clone()))
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
        Column::new(GridColumn::Period.name(), period_column).cast(&DataType::Date).or_bug()?,
        Column::new(GridColumn::Year.name(), year_column),
    ])
    .or_bug()?;
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
    grid = grid.with_columns(ruleset.row_sources().map(|(source, _)| missing(source)).collect::<Vec<_>>());
    // A cell without rows of a source that has rows elsewhere counts 0, unless the entity's
    // data of it is missing there; a source without any file counts nothing, as its warning
    // says: what is computed from it has no data.
    let read = |source: &str| !inputs.unread.contains(&source);
    let counted = aggregates.zero_without_rows().filter(|index| read(aggregates.source_of(*index))).map(|index| {
        let column = GridColumn::Aggregate(index);
        let missing = GridColumn::Missing(aggregates.source_of(index)).col();
        when(missing).then(compile::null()).otherwise(column.col().fill_null(lit(0.0))).alias(column.name())
    });
    let row_counts = ruleset
        .row_sources()
        .filter(|(source, _)| read(source))
        .map(|(source, _)| GridColumn::Rows(source).col().fill_null(lit(0.0)));
    grid = grid.with_columns(counted.chain(row_counts).collect::<Vec<_>>());
    join_attributes(grid, inputs.attributes, ruleset)
}

/// Whether a source's data is missing in a cell: no rows, where the entity has rows of it in
/// at least two earlier periods and in every period since its first (a source it exports
/// every period, not a monthly survey in weeks or an occasional event). Read before the row
/// counts are filled in, where no rows is no data; the grid is in entity then period order.
fn missing(source: &str) -> Expr {
    let has = GridColumn::Rows(source).col().is_not_null();
    let days = GridColumn::Period.col().cast(DataType::Int32);
    let per_entity = |e: Expr| e.over([GridColumn::Entity.col()]).expect("a window over the entity");
    let count = has.clone().cast(DataType::UInt32);
    let had = per_entity(count.clone().cum_sum(false) - count);
    // The last period before this one without rows, and the first with rows.
    let gap = when(has.clone()).then(lit(i32::MIN)).otherwise(days.clone());
    let last_gap = per_entity(gap.shift(lit(1)).fill_null(lit(i32::MIN)).cum_max(false));
    let first = per_entity(when(has.clone()).then(days).otherwise(lit(NULL).cast(DataType::Int32)).min());
    let missing = has.not().and(had.gt_eq(lit(2))).and(last_gap.lt(first));
    missing.fill_null(lit(false)).alias(GridColumn::Missing(source).name())
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
