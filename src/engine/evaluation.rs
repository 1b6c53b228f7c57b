//! The result of an evaluation: the grid, with a column for everything the ruleset computes.
//! Every column the ruleset implies is checked present once, when the evaluation is made, so
//! that a column asked for later is never silently no data.

use indexmap::IndexMap;
use polars::prelude::*;

use serde::Serialize;

use super::cell_value::GridValues;
use chrono::NaiveDate;

use super::period::{Period, from_epoch_days};
use super::probes::Probes;
use super::quality::QualityNote;
use crate::compile::GridColumn;
use crate::engine::bug::Bug;
use crate::error::{Error, Errors};
use crate::ruleset::CheckedRuleset;

/// The evaluated grid: one row per entity × period, in entity then period order.
pub struct Evaluation {
    frame: DataFrame,
    pub entities: Vec<String>,
    pub periods: Vec<Period>,
    /// What the user should know but did not stop the evaluation: sources without files.
    pub warnings: Vec<Error>,
    /// What the rows show about the data, per entity and period where it applies.
    pub quality: Vec<QualityNote>,
    /// The sources with a row a day (`daily:`, else told from their rows): a period is complete
    /// when each of them has rows up to its last day.
    pub daily: Vec<String>,
    /// The parts of formulas computed for explanations.
    pub probes: Probes,
    /// The files read for each source of rows.
    pub files: IndexMap<String, Vec<FileRead>>,
}

/// A file read, by the name reports show, and the entity its path names, if it names one.
#[derive(Clone, Debug)]
pub struct FileRead {
    pub name: String,
    pub entity: Option<String>,
}

/// A source's files and the dates of the rows read from them, for one entity or for all.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRead {
    pub name: String,
    pub files: Vec<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub rows: u64,
}

/// What reading the data found, besides the numbers.
pub struct Found {
    pub warnings: Vec<Error>,
    pub quality: Vec<QualityNote>,
    pub daily: Vec<String>,
    pub files: IndexMap<String, Vec<FileRead>>,
}

impl Evaluation {
    /// An evaluation of `ruleset`; an internal error when the grid lacks a column it implies.
    pub fn new(
        ruleset: &CheckedRuleset,
        frame: DataFrame,
        entities: Vec<String>,
        periods: Vec<Period>,
        found: Found,
        probes: Probes,
    ) -> Result<Evaluation, Error> {
        let present: Vec<PlSmallStr> = frame.get_column_names_owned();
        let missing: Vec<String> = implied_columns(ruleset, &probes)
            .map(GridColumn::name)
            .filter(|n| !present.contains(n))
            .map(|n| n.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(Error::internal(format!("the grid has no column {}", crate::words::quoted(missing))));
        }
        if let Some(column) = frame.columns().iter().find(|c| holds_non_finite(c)) {
            return Err(Error::internal(format!("the grid column `{}` holds inf or NaN", column.name())));
        }
        // One chunk per column: a row is then read without searching for its chunk.
        let mut frame = frame;
        frame.rechunk_mut_par();
        let Found { mut warnings, mut quality, daily, files } = found;
        warnings.extend(super::values::names_alike(&entities));
        quality.extend(missing_sources(ruleset, &frame, &entities, &periods)?);
        let quality = super::quality::in_order(quality);
        Ok(Evaluation { frame, entities, periods, warnings, quality, daily, probes, files })
    }

    /// The row of an entity in a period: the grid is in entity then period order.
    pub fn row(&self, entity_index: usize, period_index: usize) -> usize {
        entity_index * self.periods.len() + period_index
    }

    /// A column of the grid. Asking for a column the ruleset does not imply is a bug.
    pub fn column(&self, column: GridColumn) -> GridValues {
        let name = column.name();
        GridValues::new(self.frame.column(&name).unwrap_or_else(|_| panic!("the grid has no column `{name}`")).clone())
    }

    /// The names of a source's files that hold rows of `entity` (all of them for `None`).
    pub fn files_of(&self, source: &str, entity: Option<&str>) -> Vec<String> {
        let files = self.files.get(source).into_iter().flatten();
        let of_entity =
            |file: &&FileRead| entity.is_none() || file.entity.is_none() || file.entity.as_deref() == entity;
        files.filter(of_entity).map(|file| file.name.clone()).collect()
    }

    /// How far each daily source's rows run, over every entity: the last day of its rows.
    pub fn daily_data_ends(&self) -> crate::error::Result<Vec<(String, NaiveDate)>> {
        let mut ends = Vec::new();
        for source in &self.daily {
            let last = self.frame.column(&GridColumn::LastDate(source).name()).or_bug()?;
            let days = last.cast(&DataType::Int32).or_bug()?;
            if let Some(day) = days.i32().or_bug()?.max() {
                ends.push((source.clone(), from_epoch_days(day)));
            }
        }
        Ok(ends)
    }

    /// The latest period every daily source's rows reach the last day of, over all entities
    /// (an export forgotten for one entity is a gap of that entity, not an incomplete period),
    /// and the latest period with data when none is complete yet.
    pub fn latest_complete_period(&self, ruleset: &CheckedRuleset) -> crate::error::Result<Option<Period>> {
        let Some(latest) = self.latest_period_with_data(ruleset)? else { return Ok(None) };
        let ends = self.daily_data_ends()?;
        let complete = |period: &&Period| ends.iter().all(|(_, end)| *end >= period.end());
        let candidates = self.periods.iter().rev().filter(|p| **p <= latest);
        Ok(Some(candidates.clone().find(complete).copied().unwrap_or(latest)))
    }

    /// The last period in which any source has rows.
    pub fn latest_period_with_data(&self, ruleset: &CheckedRuleset) -> crate::error::Result<Option<Period>> {
        let rows: Vec<Expr> = ruleset.row_sources().map(|(name, _)| GridColumn::Rows(name).col()).collect();
        if rows.is_empty() {
            return Ok(None);
        }
        let has_rows = polars::lazy::dsl::sum_horizontal(rows, true).or_bug()?.gt(lit(0.0));
        let latest =
            self.frame.clone().lazy().filter(has_rows).select([GridColumn::Period.col().max()]).collect().or_bug()?;
        let days =
            latest.column(&GridColumn::Period.name()).or_bug()?.cast(&DataType::Int32).or_bug()?.i32().or_bug()?.get(0);
        Ok(days.and_then(|days| self.periods.iter().copied().find(|p| p.start == from_epoch_days(days))))
    }

    /// The sources read for each entity, and for all of them: their files, rows and date span.
    pub fn sources_read(&self, ruleset: &CheckedRuleset) -> Result<(Vec<Vec<SourceRead>>, Vec<SourceRead>), Errors> {
        let grid = self.frame.clone().lazy();
        let per_entity = grid.clone().group_by_stable([GridColumn::Entity.col()]).agg(rows_read(ruleset));
        let per_entity = per_entity.collect().or_bug()?;
        let all = grid.select(rows_read(ruleset)).collect().or_bug()?;
        let read = |frame: &DataFrame, row: usize| -> Vec<SourceRead> {
            let entity = frame.column(&GridColumn::Entity.name()).ok().and_then(|c| c.str().ok()?.get(row));
            let get = |column: GridColumn| frame.column(&column.name()).ok().and_then(|c| c.get(row).ok());
            let date = |column| match get(column) {
                Some(AnyValue::Date(days)) => Some(from_epoch_days(days).to_string()),
                _ => None,
            };
            ruleset
                .row_sources()
                .map(|(name, _)| SourceRead {
                    name: name.clone(),
                    files: self.files_of(name, entity),
                    first_date: date(GridColumn::FirstDate(name)),
                    last_date: date(GridColumn::LastDate(name)),
                    rows: get(GridColumn::Rows(name)).and_then(|v| v.extract::<f64>()).unwrap_or(0.0) as u64,
                })
                .collect()
        };
        Ok(((0..per_entity.height()).map(|row| read(&per_entity, row)).collect(), read(&all, 0)))
    }

    /// The whole grid, for queries across cells.
    pub fn frame(&self) -> &DataFrame {
        &self.frame
    }
}

/// The rows of every row source in the grid: their sum and their first and last dates.
fn rows_read(ruleset: &CheckedRuleset) -> Vec<Expr> {
    ruleset
        .row_sources()
        .flat_map(|(name, _)| {
            let rows = GridColumn::Rows(name).col().sum();
            [rows, GridColumn::FirstDate(name).col().min(), GridColumn::LastDate(name).col().max()]
        })
        .collect()
}

/// A note for every cell where a source's data is missing ([`GridColumn::Missing`]).
fn missing_sources(
    ruleset: &CheckedRuleset,
    frame: &DataFrame,
    entities: &[String],
    periods: &[Period],
) -> Result<Vec<QualityNote>, Error> {
    let mut notes = Vec::new();
    for (source, _) in ruleset.row_sources() {
        let bug = |e: PolarsError| Error::internal(e.to_string());
        let column = frame.column(&GridColumn::Missing(source).name()).map_err(bug)?;
        let column = column.cast(&DataType::Boolean).map_err(bug)?;
        for (row, missing) in column.bool().map_err(bug)?.iter().enumerate() {
            if missing == Some(true) {
                notes.push(QualityNote {
                    entity: Some(entities[row / periods.len()].clone()),
                    period: Some(periods[row % periods.len()]),
                    source: source.to_string(),
                    issue: super::quality::Issue::MissingSource,
                });
            }
        }
    }
    Ok(notes)
}

/// Whether a column holds inf or NaN, which the compiler guarantees no path produces: every
/// number shown, scored or graded is finite, or no data.
fn holds_non_finite(column: &Column) -> bool {
    column.f64().is_ok_and(|numbers| numbers.iter().flatten().any(|v| !v.is_finite()))
}

/// Every column of the grid that the ruleset implies.
fn implied_columns<'a>(ruleset: &'a CheckedRuleset, probes: &Probes) -> impl Iterator<Item = GridColumn<'a>> {
    use GridColumn::*;
    let measures = ruleset.measures.keys().map(|name| Value(name));
    let kpis = ruleset.kpis.keys().flat_map(|kpi| [Value(kpi), Target(kpi), Attainment(kpi), Score(kpi), Band(kpi)]);
    let attributes = ruleset.attributes.keys().map(|name| Attribute(name));
    let diagnoses = (0..ruleset.diagnoses.len()).flat_map(|index| [Fired(index), Assessed(index)]).chain([Competitor]);
    let scorecards = ruleset.scorecards.iter().flat_map(|(name, scorecard)| {
        let standing = [Applies(name), Total(name), Coverage(name), Grade(name), Rank(name), Ranked(name)];
        standing.into_iter().chain(scorecard.weights.keys().map(move |kpi| Weight { scorecard: name, kpi }))
    });
    let sources =
        ruleset.row_sources().flat_map(|(name, _)| [Rows(name), Missing(name), FirstDate(name), LastDate(name)]);
    let probes = (0..probes.formulas().len()).map(Probe);
    measures.chain(kpis).chain(attributes).chain(diagnoses).chain(scorecards).chain(sources).chain(probes)
}
