//! Data-quality notes: what the rows behind the numbers show that a consultant should know
//! before trusting them. They are computed on every run from columns aggregated with the
//! measures (one read of the data); only a source that has failing rows is read again, to
//! name their lines.

use std::collections::HashMap;

use chrono::NaiveDate;
use polars::prelude::*;

pub mod note;

pub use note::{Issue, Line, QualityNote};

use crate::engine::cell_value::{flag_at, number_at};
use crate::engine::period::{Period, from_epoch_days, truncate};
use crate::engine::sources::{HeaderDifference, Scan, SourceRef, scan_file};
use crate::engine::values::ColumnUse;
use crate::compile::{self, Context, GridColumn, QualityColumn, RowColumn};
use crate::error::Result;
use crate::expr::Ir;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{OnBadValue, PeriodGrain};

/// How many failing rows a note names, at most.
const LINES_NAMED: usize = 3;

/// A daily source (whose missing days are noted) has rows on this share of the days of the
/// periods it has rows in, at most [`DAILY_ROWS`] rows a day on average: an account's daily
/// export with a gap, not a list of articles.
const DAILY_COVERAGE: f64 = 0.8;
const DAILY_ROWS: f64 = 1.1;

/// The aggregations of a source's rows per cell that the notes are computed from: the
/// distinct dates, repeated rows, total rows, values below 0 in each column of `counts`, and
/// rows failing each check.
pub fn aggregations(counts: &[String], checks: &[Ir], over_rows: &Context) -> Vec<Expr> {
    let mut found = vec![
        RowColumn::Date.col().unique().alias(QualityColumn::Days.name()),
        (len() - RowColumn::Whole.col().n_unique()).cast(DataType::UInt32).alias(QualityColumn::Repeated.name()),
        RowColumn::TotalRow.col().cast(DataType::UInt32).sum().alias(QualityColumn::Totals.name()),
    ];
    for column in counts {
        let negative = RowColumn::Source(column).col().lt(lit(0.0)).cast(DataType::UInt32).sum();
        found.push(negative.alias(QualityColumn::Negative(column).name()));
    }
    for (index, check) in checks.iter().enumerate() {
        found.push(failing(check, over_rows).cast(DataType::UInt32).sum().alias(QualityColumn::Failed(index).name()));
    }
    found
}

/// Whether a row fails a check: the check is false (a check without data does not fail).
fn failing(check: &Ir, over_rows: &Context) -> Expr {
    compile::compile(check, over_rows).not().fill_null(lit(false))
}

/// A source's aggregated rows once the quality columns and the groups of total rows are taken
/// out, and what they say.
pub struct SourceQuality<'a> {
    pub source: SourceRef<'a>,
    /// Per cell: entity, period, the source's row count, bad values and dates, and the quality
    /// columns; and whether the cell's rows are all total rows.
    cells: DataFrame,
    /// What the source's files showed before any row was read.
    notes: Vec<QualityNote>,
    /// The columns read from the source, to read its failing rows again.
    columns: Vec<ColumnUse>,
}

/// Whether a cell's rows are all total rows (a quality column, by its prefix).
const TOTAL_GROUP: &str = "q:total_group";

/// Splits a source's aggregated frame into the aggregates the grid is built from (without the
/// groups of total rows) and the source's quality cells.
pub fn split<'a>(
    source: SourceRef<'a>,
    frame: DataFrame,
    differences: Vec<HeaderDifference>,
    columns: Vec<ColumnUse>,
) -> Result<(DataFrame, SourceQuality<'a>)> {
    let notes = differences.into_iter().map(|d| different_headers(source.name, d)).collect();
    let name = source.name;
    let rows = GridColumn::Rows(name).col();
    let totals = QualityColumn::Totals.col().cast(DataType::Float64);
    // A group of total rows: every row of it is one (by its date), or its entity is one.
    let total_group = totals.clone().gt(lit(0.0)).and(totals.eq(rows)).or(crate::engine::values::total_row(RowColumn::Entity.col()));
    let frame = frame.lazy().with_column(total_group.alias(TOTAL_GROUP)).collect()?;
    let quality_columns: Vec<PlSmallStr> = frame
        .get_column_names_owned()
        .into_iter()
        .filter(|name| name.starts_with(QualityColumn::PREFIX))
        .collect();
    let kept = [GridColumn::Rows(name), GridColumn::BadValues(name), GridColumn::FirstDate(name), GridColumn::LastDate(name)];
    let keys = [RowColumn::Entity.col(), RowColumn::Period.col()];
    let mut selected: Vec<Expr> = keys.into_iter().chain(kept.map(GridColumn::col)).collect();
    selected.extend(quality_columns.iter().map(|name| col(name.clone())));
    let cells = frame.clone().lazy().select(selected).collect()?;
    let aggregated = frame.lazy().filter(col(TOTAL_GROUP).not()).collect()?;
    let aggregated = aggregated.drop_many(quality_columns);
    Ok((aggregated, SourceQuality { source, cells, notes, columns }))
}

fn different_headers(source: &str, difference: HeaderDifference) -> QualityNote {
    let HeaderDifference { file, first_file, entity, missing, extra } = difference;
    let issue = Issue::DifferentHeaders { file, first_file, missing, extra };
    QualityNote { entity, period: None, source: source.to_string(), issue }
}

/// Every note of every source, in entity, period and source order; notes of no cell last.
pub fn notes(ruleset: &CheckedRuleset, sources: Vec<SourceQuality>, entities: &[String]) -> Result<Vec<QualityNote>> {
    let mut notes = Vec::new();
    for quality in sources {
        notes.extend(source_notes(ruleset, &quality, entities)?);
        notes.extend(quality.notes);
    }
    let key = |note: &QualityNote| (note.entity.is_none(), note.entity.clone(), note.period.is_none(), note.period);
    notes.sort_by(|a, b| key(a).cmp(&key(b)));
    Ok(notes)
}

/// The notes of one source's cells.
fn source_notes(ruleset: &CheckedRuleset, quality: &SourceQuality, entities: &[String]) -> Result<Vec<QualityNote>> {
    let cells = Cells::read(quality)?;
    let grain = ruleset.model.grain.period;
    let source = &quality.source;
    let daily = cells.daily(grain);
    let mut notes = Vec::new();
    let mut lines = FailingLines::default();
    for cell in 0..cells.len() {
        let entity = cells.entity(cell);
        let period = cells.period(cell).map(|start| Period::containing(grain, start));
        let note = |issue| QualityNote {
            entity: entity.filter(|e| entities.iter().any(|known| known == e)).map(str::to_string),
            period,
            source: source.name.to_string(),
            issue,
        };
        if cells.flag(TOTAL_GROUP, cell) {
            let count = cells.number(QualityColumn::Totals.name().as_str(), cell).max(1.0) as usize;
            let count = if entity.is_some_and(|e| crate::engine::sniff::TOTAL_LABELS.contains(&e)) { cells.rows(cell) } else { count };
            let issue = Issue::TotalRowsLeftOut { count };
            notes.push(QualityNote { period: if entity.is_some() { period } else { None }, ..note(issue) });
            continue;
        }
        let (Some(period), Some(entity)) = (period, entity) else { continue };
        if daily {
            let missing = cells.missing_days(cell, period);
            if !missing.is_empty() {
                let days = (period.end() - period.start).num_days() as usize + 1;
                notes.push(note(Issue::MissingDays { missing, days }));
            }
        }
        let repeated = cells.count(QualityColumn::Repeated.name().as_str(), cell);
        if repeated > 0 {
            notes.push(note(Issue::RepeatedRows { count: repeated }));
        }
        let bad = cells.count(GridColumn::BadValues(source.name).name().as_str(), cell);
        if bad > 0 && source.source.on_bad_value == OnBadValue::Null {
            let lines = lines.get(quality, &cells.counted, Failure::BadValue, entity, period);
            notes.push(note(Issue::ValuesMadeNoData { count: bad, lines }));
        }
        for column in &cells.counted {
            let count = cells.count(QualityColumn::Negative(column).name().as_str(), cell);
            if count > 0 {
                let lines = lines.get(quality, &cells.counted, Failure::Negative(column.clone()), entity, period);
                let column = source.header_of(column).to_string();
                notes.push(note(Issue::NegativeCounts { column, count, lines }));
            }
        }
        for (index, check) in ruleset.checks.get(source.name).into_iter().flatten().enumerate() {
            let count = cells.count(QualityColumn::Failed(index).name().as_str(), cell);
            if count > 0 {
                let lines = lines.get(quality, &cells.counted, Failure::Check(index), entity, period);
                notes.push(note(Issue::FailedCheck { check: check.text().trim().to_string(), count, lines }));
            }
        }
    }
    Ok(notes)
}

/// A source's quality cells, column by column.
struct Cells<'a> {
    frame: &'a DataFrame,
    source: &'a str,
    /// The columns of counts the source has a `Negative` column for.
    counted: Vec<String>,
}

impl<'a> Cells<'a> {
    fn read(quality: &'a SourceQuality) -> Result<Cells<'a>> {
        let prefix = QualityColumn::Negative("").name();
        let counted = quality
            .cells
            .get_column_names()
            .iter()
            .filter_map(|name| name.strip_prefix(prefix.as_str()).map(str::to_string))
            .collect();
        Ok(Cells { frame: &quality.cells, source: quality.source.name, counted })
    }

    fn len(&self) -> usize {
        self.frame.height()
    }

    fn column(&self, name: &str) -> &Column {
        self.frame.column(name).unwrap_or_else(|_| panic!("the quality cells have no column `{name}`"))
    }

    fn entity(&self, cell: usize) -> Option<&str> {
        self.column(&RowColumn::Entity.name()).str().ok()?.get(cell).filter(|e| !e.is_empty())
    }

    fn period(&self, cell: usize) -> Option<NaiveDate> {
        self.date(&RowColumn::Period.name(), cell)
    }

    fn date(&self, name: &str, cell: usize) -> Option<NaiveDate> {
        let days = self.column(name).cast(&DataType::Int32).ok()?;
        days.i32().ok()?.get(cell).map(from_epoch_days)
    }

    fn number(&self, name: &str, cell: usize) -> f64 {
        number_at(self.column(name), cell).unwrap_or(0.0)
    }

    fn count(&self, name: &str, cell: usize) -> usize {
        self.number(name, cell) as usize
    }

    fn rows(&self, cell: usize) -> usize {
        self.count(GridColumn::Rows(self.source).name().as_str(), cell)
    }

    fn flag(&self, name: &str, cell: usize) -> bool {
        flag_at(self.column(name), cell)
    }

    /// The distinct dates of a cell's rows.
    fn days(&self, cell: usize) -> Vec<NaiveDate> {
        let Ok(Some(list)) = self.column(QualityColumn::Days.name().as_str()).list().map(|l| l.get_as_series(cell))
        else {
            return Vec::new();
        };
        let days = list.cast(&DataType::Int32).ok();
        let days = days.as_ref().and_then(|d| d.i32().ok().map(|d| d.iter().flatten().map(from_epoch_days).collect()));
        days.unwrap_or_default()
    }

    /// The days of a period that a cell with rows has none on.
    fn missing_days(&self, cell: usize, period: Period) -> Vec<NaiveDate> {
        let present = self.days(cell);
        if present.is_empty() {
            return Vec::new();
        }
        period.start.iter_days().take_while(|day| *day <= period.end()).filter(|day| !present.contains(day)).collect()
    }

    /// Whether the source has a row a day: about one row per entity and day (repeats aside),
    /// on most days of the periods it has rows in.
    fn daily(&self, grain: PeriodGrain) -> bool {
        let (mut days, mut rows, mut spanned) = (0, 0, 0);
        for cell in 0..self.len() {
            let Some(start) = self.period(cell).filter(|_| !self.flag(TOTAL_GROUP, cell)) else { continue };
            let period = Period::containing(grain, start);
            days += self.days(cell).len();
            rows += self.rows(cell) - self.count(QualityColumn::Repeated.name().as_str(), cell);
            spanned += (period.end() - period.start).num_days() as usize + 1;
        }
        days > 1 && rows as f64 <= DAILY_ROWS * days as f64 && days as f64 >= DAILY_COVERAGE * spanned as f64
    }
}

/// A kind of failing row a note names the lines of.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Failure {
    BadValue,
    Negative(String),
    Check(usize),
}

/// The first lines of each kind of failing row in each cell (entity and period start).
type Lines = HashMap<(Failure, String, NaiveDate), Vec<Line>>;

/// The first lines of each kind of failing row per cell, read once per source when a note
/// asks for them.
#[derive(Default)]
struct FailingLines {
    read: Option<Lines>,
}

impl FailingLines {
    fn get(&mut self, quality: &SourceQuality, counted: &[String], failure: Failure, entity: &str, period: Period) -> Vec<Line> {
        if self.read.is_none() {
            // The lines only illustrate a note whose count is known: if the files cannot be
            // read again, the note names none.
            self.read = Some(read_failing_lines(quality, counted).unwrap_or_default());
        }
        let read = self.read.as_ref().expect("read above");
        read.get(&(failure, entity.to_string(), period.start)).cloned().unwrap_or_default()
    }
}

/// The first [`LINES_NAMED`] rows of a file's rows that are `failing`, per entity and period.
fn first_failing_rows(rows: LazyFrame, failing: Expr) -> Result<Vec<(String, NaiveDate, Vec<usize>)>> {
    let keys = [RowColumn::Entity.col(), RowColumn::Period.col()];
    let first = col("row").head(Some(LINES_NAMED)).alias("rows");
    let frame = rows.filter(failing.fill_null(lit(false))).group_by(keys).agg([first]).collect()?;
    let entities = frame.column(&RowColumn::Entity.name())?.str()?.clone();
    let periods = frame.column(&RowColumn::Period.name())?.cast(&DataType::Int32)?;
    let lists = frame.column("rows")?.list()?.clone();
    let mut found = Vec::new();
    for ((entity, period), rows) in entities.iter().zip(periods.i32()?.iter()).zip(lists.amortized_iter()) {
        let (Some(entity), Some(period), Some(rows)) = (entity, period, rows) else { continue };
        let rows = rows.as_ref().cast(&DataType::UInt64)?;
        let rows = rows.u64()?.iter().flatten().map(|row| row as usize).collect();
        found.push((entity.to_string(), from_epoch_days(period), rows));
    }
    Ok(found)
}

/// A source's failing rows, file by file: the first [`LINES_NAMED`] lines of each kind per
/// entity and period.
fn read_failing_lines(quality: &SourceQuality, counted: &[String]) -> Result<Lines> {
    let source = &quality.source;
    let ruleset = source.ruleset;
    let over_rows = Context::plain(&compile::OverRows);
    let mut failures: Vec<(Failure, Expr)> = vec![(Failure::BadValue, RowColumn::BadValues.col().gt(lit(0)))];
    for column in counted {
        failures.push((Failure::Negative(column.clone()), RowColumn::Source(column).col().lt(lit(0.0))));
    }
    for (index, check) in ruleset.checks.get(source.name).into_iter().flatten().enumerate() {
        failures.push((Failure::Check(index), failing(&check.ir, &over_rows)));
    }
    let grain = ruleset.model.grain.period;
    let columns = &quality.columns;
    let mut found = Lines::new();
    // Dates as text, so that total rows are told and left out.
    let source = &source.with_dates_as_text();
    for file in source.files()? {
        let rows = scan_file(source, &file, columns, Scan::Numbered)?;
        let rows = rows.with_column(truncate(grain, RowColumn::Date.col()).alias(RowColumn::Period.name()));
        for (failure, failing) in &failures {
            for (entity, period, rows) in first_failing_rows(rows.clone(), failing.clone())? {
                let entry = found.entry((failure.clone(), entity, period)).or_default();
                let room = LINES_NAMED.saturating_sub(entry.len());
                entry.extend(rows.into_iter().take(room).map(|row| Line { file: file.display(), line: file.data_line(row) }));
            }
        }
    }
    Ok(found)
}
