//! Data-quality notes: what the rows behind the numbers show that a consultant should know
//! before trusting them. They are computed on every run from columns aggregated with the
//! measures (one read of the data); only a source that has failing rows is read again, to
//! name their lines.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use polars::prelude::*;

pub mod note;
mod warehouse;

pub use note::{Issue, Line, QualityNote};
pub use warehouse::notes_counted;

use crate::compile::{self, Context, GridColumn, QualityColumn, RowColumn};
use crate::engine::bug::Bug;
use crate::engine::period::{Period, epoch_days, from_epoch_days, truncate};
use crate::engine::shares::collect_in_turns;
use crate::engine::sources::{HeaderDifference, Scan, SourceRef, scan_file, scan_rows, scan_whole};
use crate::engine::values::ColumnUse;
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

/// The aggregations of a source's rows per cell that the notes are computed from: how many
/// distinct dates (which ones only for the cells that lack some: [`PresentDays`]), rows that
/// may be written twice (the same date and `columns` as another: [`exact_repeats`] then
/// compares every column), total rows, values below 0 in each column of `counts`, and rows
/// failing each check.
pub fn aggregations(columns: &[ColumnUse], counts: &[String], checks: &[Ir], over_rows: &Context) -> Vec<Expr> {
    let read = std::iter::once(RowColumn::Date.col()).chain(columns.iter().map(|c| RowColumn::Source(&c.name).col()));
    let alike = len() - row_hash(read.collect()).n_unique();
    let mut found = vec![
        RowColumn::Date.col().n_unique().alias(QualityColumn::Days.name()),
        alike.cast(DataType::UInt32).alias(QualityColumn::Repeated.name()),
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

/// A hash of each row of `columns`, to count the rows alike: rows alike hash alike, and rows
/// that differ but hash alike only send the source to [`exact_repeats`], which compares every
/// column. A distinct count of hashes is cheaper than one of whole rows, which was 15% of a
/// 100-million-row run.
fn row_hash(columns: Vec<Expr>) -> Expr {
    let hashed = |column: Column| {
        let rows = column.struct_()?;
        let mut hashes = vec![0u64; rows.len()];
        for field in rows.fields_as_series() {
            match field.dtype() {
                DataType::String => mix(&mut hashes, field.str()?.iter().map(|text| text.map(text_hash))),
                _ => {
                    let numbers = field.to_physical_repr().cast(&DataType::Float64)?;
                    mix(&mut hashes, numbers.f64()?.iter().map(|number| number.map(f64::to_bits)));
                }
            }
        }
        Ok(UInt64Chunked::from_vec(column.name().clone(), hashes).into_column())
    };
    as_struct(columns).map(hashed, |_, field| Ok(Field::new(field.name().clone(), DataType::UInt64)))
}

/// Each row's hash, with the next value of the row (no data is a value of its own).
fn mix(hashes: &mut [u64], values: impl Iterator<Item = Option<u64>>) {
    for (hash, value) in hashes.iter_mut().zip(values) {
        *hash = combine(combine(*hash, value.is_some() as u64), value.unwrap_or_default());
    }
}

fn text_hash(text: &str) -> u64 {
    let words = text.as_bytes().chunks(8).map(|chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        u64::from_le_bytes(word)
    });
    words.fold(text.len() as u64, combine)
}

/// One step of FxHash: fast, and good enough where a collision costs only time.
fn combine(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
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
    let total_group =
        totals.clone().gt(lit(0.0)).and(totals.eq(rows)).or(crate::engine::values::total_row(RowColumn::Entity.col()));
    let frame = frame.lazy().with_column(total_group.alias(TOTAL_GROUP)).collect().or_bug()?;
    let quality_columns: Vec<PlSmallStr> =
        frame.get_column_names_owned().into_iter().filter(|name| name.starts_with(QualityColumn::PREFIX)).collect();
    // Typed once, for reading cell by cell: dates as days, counts as numbers.
    let day = |column: Expr| column.cast(DataType::Int32);
    let number = |column: Expr| column.cast(DataType::Float64);
    let mut selected = vec![
        RowColumn::Entity.col(),
        day(RowColumn::Period.col()),
        day(GridColumn::FirstDate(name).col()),
        day(GridColumn::LastDate(name).col()),
        number(GridColumn::Rows(name).col()),
        number(GridColumn::BadValues(name).col()),
        col(TOTAL_GROUP),
    ];
    let counts = quality_columns.iter().filter(|name| name.as_str() != TOTAL_GROUP);
    selected.extend(counts.map(|name| number(col(name.clone()))));
    let cells = frame.clone().lazy().select(selected).collect().or_bug()?;
    let aggregated = frame.lazy().filter(col(TOTAL_GROUP).not()).collect().or_bug()?;
    let aggregated = aggregated.drop_many(quality_columns);
    Ok((aggregated, SourceQuality { source, cells, notes, columns }))
}

fn different_headers(source: &str, difference: HeaderDifference) -> QualityNote {
    let HeaderDifference { file, first_file, entity, missing, extra } = difference;
    let issue = Issue::DifferentHeaders { file, first_file, missing, extra };
    QualityNote { entity, period: None, source: source.to_string(), issue }
}

/// Every note of every source, in entity, period and source order (notes of no cell last),
/// and the sources with a row a day.
pub fn notes(
    ruleset: &CheckedRuleset,
    sources: Vec<SourceQuality>,
    entities: &[String],
) -> Result<(Vec<QualityNote>, Vec<String>)> {
    let entities: HashSet<&str> = entities.iter().map(String::as_str).collect();
    let mut notes = Vec::new();
    let mut daily = Vec::new();
    for quality in sources {
        let (found, is_daily) = source_notes(ruleset, &quality, &entities)?;
        notes.extend(found);
        notes.extend(quality.notes);
        if is_daily {
            daily.push(quality.source.name.to_string());
        }
    }
    Ok((in_order(notes), daily))
}

/// Notes in entity, period and then their own order; notes of no cell last.
pub fn in_order(mut notes: Vec<QualityNote>) -> Vec<QualityNote> {
    fn key(note: &QualityNote) -> (bool, Option<&str>, bool, Option<Period>) {
        (note.entity.is_none(), note.entity.as_deref(), note.period.is_none(), note.period)
    }
    notes.sort_by(|a, b| key(a).cmp(&key(b)));
    notes
}

/// Whether a source has a row a day, from its cells' distinct days, rows (repeats aside) and
/// the days their periods span: about one row per entity and day, on most days.
fn daily(days: usize, rows: usize, spanned: usize) -> bool {
    days > 1 && rows as f64 <= DAILY_ROWS * days as f64 && days as f64 >= DAILY_COVERAGE * spanned as f64
}

/// The days of `period` not among `present` (days since 1970), marked off one by one so that a
/// year's cell costs its days and not their square.
fn days_missing(period: Period, present: &[i32]) -> Vec<NaiveDate> {
    let start = epoch_days(period.start);
    let mut seen = vec![false; (epoch_days(period.end()) - start + 1) as usize];
    for day in present {
        if let Some(seen) = usize::try_from(day - start).ok().and_then(|at| seen.get_mut(at)) {
            *seen = true;
        }
    }
    let missing = seen.iter().enumerate().filter(|(_, seen)| !**seen);
    missing.map(|(at, _)| from_epoch_days(start + at as i32)).collect()
}

/// The notes of one source's cells, and whether it has a row a day.
fn source_notes(
    ruleset: &CheckedRuleset,
    quality: &SourceQuality,
    entities: &HashSet<&str>,
) -> Result<(Vec<QualityNote>, bool)> {
    let mut cells = Cells::read(quality, ruleset.checks.get(quality.source.name).map_or(0, Vec::len))?;
    if cells.repeated.iter().any(|r| *r > 0) {
        cells.repeated = exact_repeats(quality, &cells)?;
    }
    let grain = ruleset.model.grain.period;
    let source = &quality.source;
    let daily = source.source.daily.unwrap_or_else(|| cells.daily(grain));
    let mut notes = Vec::new();
    let mut lines = FailingLines::default();
    let mut present = PresentDays::default();
    for cell in 0..cells.len() {
        let entity = cells.entity[cell].as_deref();
        let period = cells.period[cell].map(|start| Period::containing(grain, start));
        let note = |issue| QualityNote {
            entity: entity.filter(|e| entities.contains(e)).map(str::to_string),
            period,
            source: source.name.to_string(),
            issue,
        };
        if cells.total_group[cell] {
            // Rows of a total "entity" (`合计` in the entity column), or total rows by their date.
            let by_entity = entity.is_some_and(crate::engine::sniff::is_total_label);
            let count = if by_entity { cells.rows[cell] } else { cells.totals[cell] };
            let period = if by_entity { period } else { None };
            notes.push(QualityNote { period, ..note(Issue::TotalRowsLeftOut { count }) });
            continue;
        }
        let (Some(period), Some(entity)) = (period, entity) else { continue };
        let missing =
            if daily { cells.missing_days(cell, (entity, period), &mut present, quality)? } else { Vec::new() };
        if !missing.is_empty() {
            let days = (period.end() - period.start).num_days() as usize + 1;
            notes.push(note(Issue::MissingDays { missing, days }));
        }
        if cells.repeated[cell] > 0 {
            notes.push(note(Issue::RepeatedRows { count: cells.repeated[cell] }));
        }
        let mut lines_of = |failure| lines.get(quality, &cells.counted(), failure, entity, period);
        let bad = cells.bad[cell];
        if bad > 0 && source.source.on_bad_value == OnBadValue::Null {
            notes.push(note(Issue::ValuesMadeNoData { count: bad, lines: lines_of(Failure::BadValue) }));
        }
        for (column, negative) in &cells.negative {
            if negative[cell] > 0 {
                let lines = lines_of(Failure::Negative(column.clone()));
                let column = source.header_of(column).to_string();
                notes.push(note(Issue::NegativeCounts { column, count: negative[cell], lines }));
            }
        }
        for (index, check) in ruleset.checks.get(source.name).into_iter().flatten().enumerate() {
            let count = cells.failed[index][cell];
            if count > 0 {
                let lines = lines_of(Failure::Check(index));
                notes.push(note(Issue::FailedCheck { check: check.text().trim().to_string(), count, lines }));
            }
        }
    }
    Ok((notes, daily))
}

/// The rows of each cell that repeat another row in every column of the file, read again
/// with every column, for a source whose rows alike in the columns read suggest some.
fn exact_repeats(quality: &SourceQuality, cells: &Cells) -> Result<Vec<usize>> {
    let grain = quality.source.ruleset.model.grain.period;
    let frame = collect_in_turns(quality.source.share.of, |share| {
        let rows = scan_whole(&SourceRef { share, ..quality.source }, &quality.columns)?
            .filter(RowColumn::TotalRow.col().not());
        let period = truncate(grain, RowColumn::Date.col()).cast(DataType::Int32).alias(RowColumn::Period.name());
        let repeated = (len() - RowColumn::Whole.col().n_unique()).cast(DataType::Float64).alias("repeated");
        let keys = [RowColumn::Entity.col(), RowColumn::Period.col()];
        Ok(rows.with_column(period).group_by(keys).agg([repeated]))
    })?;
    let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?;
    let periods = frame.column(&RowColumn::Period.name()).or_bug()?.i32().or_bug()?;
    let counts = frame.column("repeated").or_bug()?.f64().or_bug()?;
    let mut found: HashMap<(&str, NaiveDate), usize> = HashMap::new();
    for ((entity, period), count) in entities.iter().zip(periods.iter()).zip(counts.iter()) {
        if let (Some(entity), Some(period), Some(count)) = (entity, period, count) {
            found.insert((entity, from_epoch_days(period)), count as usize);
        }
    }
    let of_cell = |cell: usize| {
        let key = (cells.entity[cell].as_deref().unwrap_or_default(), cells.period[cell]?);
        found.get(&key).copied()
    };
    Ok((0..cells.len()).map(|cell| of_cell(cell).unwrap_or(0)).collect())
}

/// A source's quality cells, read out of their frame once.
struct Cells {
    entity: Vec<Option<String>>,
    period: Vec<Option<NaiveDate>>,
    /// How many distinct dates each cell's rows have.
    days: Vec<usize>,
    rows: Vec<usize>,
    bad: Vec<usize>,
    totals: Vec<usize>,
    total_group: Vec<bool>,
    repeated: Vec<usize>,
    /// Each column of counts, with its values below 0 per cell.
    negative: Vec<(String, Vec<usize>)>,
    /// The failing rows of each check per cell.
    failed: Vec<Vec<usize>>,
}

impl Cells {
    fn read(quality: &SourceQuality, checks: usize) -> Result<Cells> {
        let frame = &quality.cells;
        let source = quality.source.name;
        let counts = |name: PlSmallStr| -> Result<Vec<usize>> {
            Ok(frame.column(&name).or_bug()?.f64().or_bug()?.iter().map(|n| n.unwrap_or(0.0) as usize).collect())
        };
        let prefix = QualityColumn::Negative("").name();
        let mut negative = Vec::new();
        for name in frame.get_column_names() {
            if let Some(column) = name.strip_prefix(prefix.as_str()) {
                negative.push((column.to_string(), counts(name.clone())?));
            }
        }
        let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?.clone();
        let periods = frame.column(&RowColumn::Period.name()).or_bug()?.i32().or_bug()?.clone();
        Ok(Cells {
            entity: entities.iter().map(|e| e.filter(|e| !e.is_empty()).map(str::to_string)).collect(),
            period: periods.iter().map(|p| p.map(from_epoch_days)).collect(),
            days: counts(QualityColumn::Days.name())?,
            rows: counts(GridColumn::Rows(source).name())?,
            bad: counts(GridColumn::BadValues(source).name())?,
            totals: counts(QualityColumn::Totals.name())?,
            total_group: frame.column(TOTAL_GROUP).or_bug()?.bool().or_bug()?.iter().map(|f| f == Some(true)).collect(),
            repeated: counts(QualityColumn::Repeated.name())?,
            negative,
            failed: (0..checks).map(|index| counts(QualityColumn::Failed(index).name())).collect::<Result<_>>()?,
        })
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    /// The columns of counts.
    fn counted(&self) -> Vec<String> {
        self.negative.iter().map(|(column, _)| column.clone()).collect()
    }

    /// The days of a period that a cell with rows has none on.
    fn missing_days(
        &self,
        cell: usize,
        (entity, period): (&str, Period),
        present: &mut PresentDays,
        quality: &SourceQuality,
    ) -> Result<Vec<NaiveDate>> {
        let span = (period.end() - period.start).num_days() as usize + 1;
        if self.days[cell] == 0 || self.days[cell] >= span {
            return Ok(Vec::new());
        }
        Ok(days_missing(period, present.of(quality, entity, period)?))
    }

    /// Whether the source has a row a day, over the periods it has rows in.
    fn daily(&self, grain: PeriodGrain) -> bool {
        let (mut days, mut rows, mut spanned) = (0, 0, 0);
        for cell in 0..self.len() {
            let Some(start) = self.period[cell].filter(|_| !self.total_group[cell]) else { continue };
            let period = Period::containing(grain, start);
            days += self.days[cell];
            rows += self.rows[cell] - self.repeated[cell];
            spanned += (period.end() - period.start).num_days() as usize + 1;
        }
        daily(days, rows, spanned)
    }
}

/// The distinct dates of each cell's rows (as days since 1970), read again from the source the
/// first time a cell lacks some days: most cells have them all, and reading every cell's dates
/// with the aggregates would cost every run.
#[derive(Default)]
struct PresentDays {
    read: Option<HashMap<(String, NaiveDate), Vec<i32>>>,
}

impl PresentDays {
    fn of(&mut self, quality: &SourceQuality, entity: &str, period: Period) -> Result<&[i32]> {
        if self.read.is_none() {
            self.read = Some(read_present_days(quality)?);
        }
        let read = self.read.as_ref().expect("read above");
        Ok(read.get(&(entity.to_string(), period.start)).map_or(&[], Vec::as_slice))
    }
}

fn read_present_days(quality: &SourceQuality) -> Result<HashMap<(String, NaiveDate), Vec<i32>>> {
    let grain = quality.source.ruleset.model.grain.period;
    let frame = collect_in_turns(quality.source.share.of, |share| {
        let rows = scan_rows(&SourceRef { share, ..quality.source }, &quality.columns)?;
        let period = truncate(grain, RowColumn::Date.col()).cast(DataType::Int32).alias(RowColumn::Period.name());
        let days = RowColumn::Date.col().cast(DataType::Int32).unique().alias(QualityColumn::Days.name());
        let keys = [RowColumn::Entity.col(), RowColumn::Period.col()];
        Ok(rows.with_column(period).group_by(keys).agg([days]))
    })?;
    let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?.clone();
    let periods = frame.column(&RowColumn::Period.name()).or_bug()?.i32().or_bug()?.clone();
    let lists = frame.column(&QualityColumn::Days.name()).or_bug()?.list().or_bug()?.clone();
    let mut found = HashMap::new();
    for ((entity, period), days) in entities.iter().zip(periods.iter()).zip(lists.amortized_iter()) {
        let (Some(entity), Some(period), Some(days)) = (entity, period, days) else { continue };
        let days = days.as_ref().i32().or_bug()?.iter().flatten().collect();
        found.insert((entity.to_string(), from_epoch_days(period)), days);
    }
    Ok(found)
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
    fn get(
        &mut self,
        quality: &SourceQuality,
        counted: &[String],
        failure: Failure,
        entity: &str,
        period: Period,
    ) -> Vec<Line> {
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
    let first = RowColumn::Line.col().head(Some(LINES_NAMED)).alias(RowColumn::Line.name());
    let frame = rows.filter(failing.fill_null(lit(false))).group_by(keys).agg([first]).collect().or_bug()?;
    let entities = frame.column(&RowColumn::Entity.name()).or_bug()?.str().or_bug()?.clone();
    let periods = frame.column(&RowColumn::Period.name()).or_bug()?.cast(&DataType::Int32).or_bug()?;
    let lists = frame.column(&RowColumn::Line.name()).or_bug()?.list().or_bug()?.clone();
    let mut found = Vec::new();
    for ((entity, period), rows) in entities.iter().zip(periods.i32().or_bug()?.iter()).zip(lists.amortized_iter()) {
        let (Some(entity), Some(period), Some(rows)) = (entity, period, rows) else { continue };
        let rows = rows.as_ref().cast(&DataType::UInt64).or_bug()?;
        let rows = rows.u64().or_bug()?.iter().flatten().map(|row| row as usize).collect();
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
    let source = &source.as_text();
    for file in source.files()? {
        let rows = scan_file(source, &file, columns, Scan::Numbered)?;
        let rows = rows.with_column(truncate(grain, RowColumn::Date.col()).alias(RowColumn::Period.name()));
        for (failure, failing) in &failures {
            for (entity, period, rows) in first_failing_rows(rows.clone(), failing.clone())? {
                let entry = found.entry((failure.clone(), entity, period)).or_default();
                let room = LINES_NAMED.saturating_sub(entry.len());
                entry.extend(
                    rows.into_iter().take(room).map(|row| Line { file: file.display(), line: file.data_line(row) }),
                );
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows alike hash alike; a row that differs in a date, a number, a text, or in having no
    /// data, hashes apart from it.
    #[test]
    fn rows_alike_hash_alike_and_others_apart() {
        let dates = [Some(20_000), Some(20_000), Some(20_001), Some(20_000), Some(20_000), Some(20_000)];
        let numbers = [Some(1.5), Some(1.5), Some(1.5), Some(2.5), Some(1.5), None];
        let texts = [Some("晨光"), Some("晨光"), Some("晨光"), Some("晨光"), Some("晨光咖啡"), Some("晨光")];
        let frame = df!("d" => dates, "n" => numbers, "t" => texts).unwrap();
        let frame = frame.lazy().with_column(col("d").cast(DataType::Date));
        let hashed = frame.select([row_hash(vec![col("d"), col("n"), col("t")]).alias("h")]).collect().unwrap();
        let hashes: Vec<u64> = hashed.column("h").unwrap().u64().unwrap().into_no_null_iter().collect();
        assert_eq!(hashes[0], hashes[1]);
        for other in &hashes[2..] {
            assert_ne!(hashes[0], *other);
        }
        assert_eq!(hashes[2..].iter().collect::<std::collections::HashSet<_>>().len(), 4);
    }

    /// A month's missing days are its days without rows, its first and last day included; days
    /// outside the month and days seen twice change nothing.
    #[test]
    fn missing_days_are_the_periods_days_without_rows() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 2, d).unwrap();
        let march = epoch_days(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        let mut present: Vec<i32> = (2..=27).map(|d| epoch_days(day(d))).collect();
        present.extend([epoch_days(day(5)), march, epoch_days(day(1)) - 1]);
        let february = Period::containing(PeriodGrain::Month, day(14));
        assert_eq!(days_missing(february, &present), vec![day(1), day(28)]);
    }
}
