//! The whole evaluation: sources scanned and aggregated per entity and period (all sources in
//! one parallel collect), the grid of every entity × every period built, aggregates and
//! attributes joined onto it, and the formula columns computed in one lazy query.

use std::collections::BTreeSet;

use polars::prelude::*;

use super::aggregates::{self, Aggregates};
use super::formulas::add_formula_columns;
use super::period::{Period, epoch_days, from_epoch_days, truncate};
use super::sources::{RowColumn, SourceRef, Usage, scan_rows};
use super::targets;
use crate::compile::{self, Context, columns};
use crate::error::{Error, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::namespace::is_targets_table;

/// The evaluated grid: one row per entity × period, in entity then period order.
pub struct Evaluation {
    /// Columns `:entity`, `:period` and, per formula, the columns named in [`columns`].
    pub frame: DataFrame,
    pub entities: Vec<String>,
    pub periods: Vec<Period>,
    /// What the user should know but did not stop the evaluation: sources without files.
    pub warnings: Vec<Error>,
}

impl Evaluation {
    /// The row of an entity in a period: the grid is in entity then period order.
    pub fn row(&self, entity_index: usize, period_index: usize) -> usize {
        entity_index * self.periods.len() + period_index
    }
}

pub fn evaluate(ruleset: &CheckedRuleset) -> Result<Evaluation> {
    evaluate_with_probes(ruleset, &[])
}

/// Evaluates, and computes `probes` (parts of the ruleset's formulas) as extra columns
/// `probe:INDEX`, for explanations.
pub fn evaluate_with_probes(ruleset: &CheckedRuleset, probes: &[crate::expr::Ir]) -> Result<Evaluation> {
    let mut aggregates = Aggregates::default();
    for ir in all_formulas(ruleset) {
        aggregates.add(ir);
    }
    let grain = ruleset.model.grain.period;
    let dated: Vec<&String> = ruleset
        .model
        .sources
        .iter()
        .filter(|(name, source)| source.date.is_some() && !is_targets_table(&ruleset.model, name))
        .map(|(name, _)| name)
        .collect();

    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut read = Vec::new();
    let mut unread = Vec::new();
    for name in &dated {
        let source = SourceRef { name, source: &ruleset.model.sources[*name], ruleset };
        if let Some(warning) = source.missing_files() {
            warnings.push(warning);
            unread.push(*name);
            continue;
        }
        match aggregated_rows(&source, &aggregates, grain) {
            Ok(plan) => {
                plans.push(plan);
                read.push(*name);
            }
            Err(found) => errors.extend(found.into_vec()),
        }
    }
    let attributes = match attribute_table(ruleset, &mut warnings) {
        Ok(table) => table,
        Err(found) => {
            errors.extend(found.into_vec());
            None
        }
    };
    Errors::check(errors, ())?;

    let frames = collect_all(plans)?;
    let mut entities = BTreeSet::new();
    let mut span: Option<(i32, i32)> = None;
    for (name, frame) in read.iter().zip(&frames) {
        check_keys(name, frame)?;
        entities.extend(frame.column(columns::ENTITY)?.str()?.iter().flatten().map(str::to_string));
        let days = frame.column(columns::PERIOD)?.cast(&DataType::Int32)?;
        let days = days.i32()?;
        if let (Some(first), Some(last)) = (days.min(), days.max()) {
            span = Some(span.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
        }
    }
    if let Some(table) = &attributes {
        entities.extend(table.column(columns::ENTITY)?.str()?.iter().flatten().map(str::to_string));
    }
    let Some((first, last)) = span else {
        return Err(Error::bad_data("no source has any rows with a date").into());
    };
    let periods = Period::range(
        Period::containing(grain, from_epoch_days(first)),
        Period::containing(grain, from_epoch_days(last)),
    );
    let entities: Vec<String> = entities.into_iter().collect();

    let mut grid = grid_frame(&entities, &periods)?.lazy();
    for frame in frames {
        grid = grid.join(
            frame.lazy(),
            [col(columns::ENTITY), col(columns::PERIOD)],
            [col(columns::ENTITY), col(columns::PERIOD)],
            JoinArgs::new(JoinType::Left),
        );
    }
    grid = grid.with_columns(no_rows(&unread, &aggregates));
    let counted = aggregates.all().filter(|(_, ir)| aggregates::counts(ir)).map(|(index, _)| columns::aggregate(index));
    let row_counts = dated.iter().map(|source| columns::rows(source));
    let zero_when_empty: Vec<Expr> =
        counted.chain(row_counts).map(|name| col(name.as_str()).fill_null(lit(0.0))).collect();
    grid = grid.with_columns(zero_when_empty);
    let present: Vec<String> =
        attributes.as_ref().map(|t| t.get_column_names().iter().map(|n| n.to_string()).collect()).unwrap_or_default();
    if let Some(table) = attributes {
        grid = grid.join(table.lazy(), [col(columns::ENTITY)], [col(columns::ENTITY)], JoinArgs::new(JoinType::Left));
    }
    let absent: Vec<Expr> = ruleset
        .attributes
        .keys()
        .map(|name| columns::attribute(name))
        .filter(|column| !present.contains(column))
        .map(|column| lit(NULL).cast(DataType::String).alias(column))
        .collect();
    if !absent.is_empty() {
        grid = grid.with_columns(absent);
    }
    grid = targets::join_target_tables(grid, ruleset, &mut warnings)?;
    let mut grid = add_formula_columns(grid, ruleset, &aggregates);
    if !probes.is_empty() {
        let aggregate = |ir: &crate::expr::Ir| col(columns::aggregate(aggregates.index_of(ir)));
        let context = Context { aggregate: &aggregate, subject: None };
        let probes: Vec<Expr> = probes
            .iter()
            .enumerate()
            .map(|(index, ir)| compile::compile(ir, &context).alias(columns::probe(index)))
            .collect();
        grid = grid.with_columns(probes);
    }
    let frame = grid.collect().map_err(|e| data_error(&e))?;
    Ok(Evaluation { frame, entities, periods, warnings })
}

/// The columns of sources without files: no data for their aggregations and dates (counts and
/// row counts become 0 with the other sources' empty cells).
fn no_rows(sources: &[&String], aggregates: &Aggregates) -> Vec<Expr> {
    let mut columns = Vec::new();
    for source in sources {
        for (index, _) in aggregates.of_source(source) {
            columns.push(compile::null().alias(columns::aggregate(index)));
        }
        columns.push(compile::null().alias(columns::rows(source)));
        for date in [columns::first_date(source), columns::last_date(source)] {
            columns.push(lit(NULL).cast(DataType::Date).alias(date));
        }
    }
    columns
}

/// Every formula that runs on the grid.
fn all_formulas(ruleset: &CheckedRuleset) -> impl Iterator<Item = &crate::expr::Ir> {
    let kpis = ruleset.kpis.values().flat_map(|kpi| {
        let target = match &kpi.target {
            Some(CheckedTarget::Formula(ir)) => Some(ir),
            _ => None,
        };
        let bands = kpi.bands.iter().filter_map(|(_, band)| match band {
            crate::ruleset::checked::Band::When(ir) => Some(ir),
            crate::ruleset::checked::Band::Otherwise => None,
        });
        std::iter::once(&kpi.formula).chain(target).chain(kpi.score.as_ref()).chain(bands)
    });
    ruleset.measures.values().chain(kpis).chain(ruleset.diagnoses.iter().map(|d| &d.when))
}

/// A dated source's rows, grouped by entity and period, with one column per aggregation.
fn aggregated_rows(
    source: &SourceRef,
    aggregates: &Aggregates,
    grain: crate::ruleset::model::PeriodGrain,
) -> Result<LazyFrame> {
    let columns: Vec<RowColumn> = aggregates.columns_of(source.name);
    let mut rows = scan_rows(source, &columns)?;
    if aggregates.of_source(source.name).any(|(_, ir)| aggregates::ordered(ir)) {
        rows = rows.sort([columns::DATE], SortMultipleOptions::default().with_maintain_order(true));
    }
    let rows = rows.with_column(truncate(grain, col(columns::DATE)).alias(columns::PERIOD));
    let row_context = Context { aggregate: &|_| unreachable!("aggregations do not nest"), subject: None };
    let mut aggregations: Vec<Expr> = aggregates
        .of_source(source.name)
        .map(|(index, ir)| {
            let crate::expr::IrNode::Aggregate { function, args, .. } = &ir.node else { unreachable!() };
            let args = args.iter().map(|a| a.as_ref().map(|a| compile::compile(a, &row_context))).collect();
            compile::aggregate(*function, args).alias(columns::aggregate(index))
        })
        .collect();
    aggregations.push(len().cast(DataType::Float64).alias(columns::rows(source.name)));
    aggregations.push(col(columns::DATE).min().alias(columns::first_date(source.name)));
    aggregations.push(col(columns::DATE).max().alias(columns::last_date(source.name)));
    Ok(rows.group_by([col(columns::ENTITY), col(columns::PERIOD)]).agg(aggregations))
}

/// The attributes of every entity, from all attribute tables, one row per entity. A table
/// without files gives no attributes (and a warning).
fn attribute_table(ruleset: &CheckedRuleset, warnings: &mut Vec<Error>) -> Result<Option<DataFrame>> {
    let mut table: Option<DataFrame> = None;
    for (source_name, source) in &ruleset.model.sources {
        let attributes: Vec<(&String, &crate::ruleset::checked::Attribute)> =
            ruleset.attributes.iter().filter(|(_, a)| a.source == *source_name).collect();
        if source.date.is_some() || attributes.is_empty() {
            continue;
        }
        let source_ref = SourceRef { name: source_name, source, ruleset };
        if let Some(warning) = source_ref.missing_files() {
            warnings.push(warning);
            continue;
        }
        let columns: Vec<RowColumn> =
            attributes.iter().map(|(_, a)| RowColumn { name: a.header.clone(), usage: Usage::AsWritten }).collect();
        let renames =
            attributes.iter().map(|(name, a)| col(columns::source_column(&a.header)).alias(columns::attribute(name)));
        let frame = scan_rows(&source_ref, &columns)?
            .select(std::iter::once(col(columns::ENTITY)).chain(renames).collect::<Vec<_>>())
            .collect()
            .map_err(|e| data_error(&e))?;
        targets::check_unique_entities(&source_ref, &frame)?;
        table = Some(match table {
            None => frame,
            Some(existing) => existing
                .lazy()
                .join(
                    frame.lazy(),
                    [col(columns::ENTITY)],
                    [col(columns::ENTITY)],
                    JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns),
                )
                .collect()?,
        });
    }
    Ok(table)
}

fn collect_all(plans: Vec<LazyFrame>) -> Result<Vec<DataFrame>> {
    let plans = plans.into_iter().map(|plan| plan.logical_plan).collect();
    LazyFrame::collect_all_with_engine(plans, Engine::Auto, OptFlags::default()).map_err(|e| data_error(&e).into())
}

/// Rows without an entity or a readable date land in a group with an empty key.
fn check_keys(source: &str, frame: &DataFrame) -> Result<()> {
    for (key, what) in [(columns::ENTITY, "an entity"), (columns::PERIOD, "a date that could be read")] {
        let missing = frame.column(key)?.null_count();
        if missing > 0 {
            return Err(Error::bad_data(format!("source `{source}` has rows without {what}"))
                .help("every row needs its entity and date; remove total rows and blank lines from the export")
                .into());
        }
    }
    Ok(())
}

/// Every entity × every period, in entity then period order, with the year each period
/// counts towards.
fn grid_frame(entities: &[String], periods: &[Period]) -> Result<DataFrame> {
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
        Column::new(columns::ENTITY.into(), entity_column),
        Column::new(columns::PERIOD.into(), period_column).cast(&DataType::Date)?,
        Column::new(columns::YEAR.into(), year_column),
    ])?;
    Ok(frame)
}

/// A polars failure while reading data: most often a value that does not parse.
pub fn data_error(error: &PolarsError) -> Error {
    Error::bad_data(format!("reading the data failed: {error}"))
}
