//! The whole evaluation, as the pipeline runs: sources read and aggregated per entity and
//! period (all in one parallel collect), the grid of every entity × every period built with
//! the aggregates, attributes and target tables joined on, then every computed column in
//! layers, in one lazy query.

use indexmap::IndexMap;
use polars::prelude::*;

use super::aggregates::Aggregates;
use super::evaluation::Evaluation;
use super::grid::{self, Inputs};
use super::layers::{self, Computed, Layer};
use super::probes::Probes;
use super::sources::SourceRef;
use super::{attributes, failure, files, formulas, scorecards, scoring, targets};
use crate::compile::{self, Context, GridColumn};
use crate::error::{Error, Errors, Result};
use crate::ruleset::CheckedRuleset;

pub fn evaluate(ruleset: &CheckedRuleset) -> Result<Evaluation> {
    evaluate_with(ruleset, Probes::default())
}

/// Evaluates, and computes `probes` (parts of the ruleset's formulas) as columns of their own,
/// for explanations.
pub fn evaluate_with(ruleset: &CheckedRuleset, probes: Probes) -> Result<Evaluation> {
    let aggregates = Aggregates::of(ruleset);
    let mut warnings = Vec::new();
    let inputs = read_inputs(ruleset, &aggregates, &mut warnings)?;
    let (entities, periods) = grid::extent(&inputs, ruleset, &aggregates)?;
    let cells = grid::cells(&entities, &periods)?;
    let grid = grid::join_inputs(cells, inputs, ruleset, &aggregates);
    let grid = targets::join(grid, ruleset, &mut warnings)?;
    let layers = computed_columns(ruleset, &aggregates, &probes);
    let frame = layers::apply(grid.clone(), &layers).collect().map_err(|e| failure::computing(&grid, &layers, e))?;
    Ok(Evaluation::new(ruleset, frame, entities, periods, warnings, probes, files_read(ruleset))?)
}

/// Every source of rows aggregated per entity and period, and the attribute table. Sources
/// without files are warnings.
fn read_inputs<'a>(
    ruleset: &'a CheckedRuleset,
    aggregates: &Aggregates,
    warnings: &mut Vec<Error>,
) -> Result<Inputs<'a>> {
    let mut errors = Vec::new();
    let mut plans = Vec::new();
    let mut unread = Vec::new();
    for (name, source) in ruleset.row_sources() {
        let source = SourceRef::new(name, source, ruleset);
        if let Some(warning) = source.missing_files() {
            warnings.push(warning);
            unread.push(name.as_str());
            continue;
        }
        match aggregates.plan(&source, ruleset.model.grain.period) {
            Ok(plan) => plans.push((source, plan)),
            Err(found) => errors.extend(found.into_vec()),
        }
    }
    let attributes = attributes::table(ruleset, warnings).unwrap_or_else(|found| {
        errors.extend(found.into_vec());
        None
    });
    Errors::check(errors, ())?;
    let aggregated = collect_sources(plans, aggregates)?;
    Ok(Inputs { aggregated, unread, attributes })
}

/// The plans of all sources, collected in parallel; a failure is reported at the source (and
/// file) that fails on its own.
fn collect_sources<'a>(
    plans: Vec<(SourceRef<'a>, LazyFrame)>,
    aggregates: &Aggregates,
) -> Result<Vec<(&'a str, DataFrame)>> {
    let logical = plans.iter().map(|(_, plan)| plan.clone().logical_plan).collect();
    match LazyFrame::collect_all_with_engine(logical, Engine::Auto, OptFlags::default()) {
        Ok(frames) => Ok(plans.iter().map(|(source, _)| source.name).zip(frames).collect()),
        Err(_) => {
            // One by one, to find the source that fails; one whose dates the reader could not
            // parse is read again with its dates as text, which leaves total rows out.
            let mut frames = Vec::new();
            for (source, plan) in &plans {
                let frame = plan.clone().collect().or_else(|_| {
                    let careful = source.with_dates_as_text();
                    let plan = aggregates.plan(&careful, source.ruleset.model.grain.period)?;
                    let frame = plan.collect();
                    frame.map_err(|e| failure::reading(&careful, &aggregates.columns_of(source.name), e))
                })?;
                frames.push((source.name, frame));
            }
            Ok(frames)
        }
    }
}

/// The grid's computed columns, in the order they read each other.
fn computed_columns<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates, probes: &Probes) -> Vec<Layer<'a>> {
    let mut layers = formulas::values(ruleset, aggregates);
    layers.push(formulas::targets(ruleset, aggregates));
    layers.push(scoring::appraisal(ruleset, aggregates));
    layers.push(scorecards::weights(ruleset, aggregates));
    layers.push(scorecards::totals(ruleset));
    layers.push(scorecards::standings(ruleset, aggregates));
    let context = Context::plain(aggregates);
    let probe = |(index, ir)| Computed::engine(compile::compile(ir, &context).alias(GridColumn::Probe(index).name()));
    layers.push(probes.formulas().iter().enumerate().map(probe).collect());
    layers
}

/// The names of the files of each source of rows.
fn files_read(ruleset: &CheckedRuleset) -> IndexMap<String, Vec<String>> {
    let names = |source| files::find(source, &ruleset.base_dir).unwrap_or_default();
    let file_names = |paths: Vec<std::path::PathBuf>| {
        paths.iter().filter_map(|path| path.file_name()).map(|name| name.to_string_lossy().to_string()).collect()
    };
    ruleset.row_sources().map(|(name, source)| (name.clone(), file_names(names(source)))).collect()
}
