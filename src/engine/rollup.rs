//! Roll-ups: the appraisal of groups of entities by an attribute (a brand across its accounts,
//! a region, a team). A group's measures are its entities' aggregations added up — a ratio KPI of
//! a group is then a ratio of sums, never a mean of the entities' ratios — and every formula,
//! target, score, scorecard and diagnosis is computed again on the groups' grid.

use polars::prelude::*;

use super::aggregates::{Aggregates, GROUP};
use super::sources::SourceRef;
use std::collections::HashMap;

use indexmap::IndexMap;

use super::evaluation::{Evaluation, FileRead, Found};
use super::layers;
use super::period::Period;
use super::probes::Probes;
use super::quality::{Issue, QualityNote};
use crate::compile::{self, GridColumn};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::functions::RollUp;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;

/// The evaluation of the groups of `attribute`'s values, with `probes` for explanations.
pub fn rollup(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    attribute: &str,
    probes: Probes,
) -> Result<Evaluation> {
    if !ruleset.attributes.contains_key(attribute) {
        let known = ruleset.attributes.keys().map(String::as_str);
        return Err(Error::new(ErrorKind::UnknownAttribute { name: attribute.to_string() })
            .suggest(attribute, known)
            .into());
    }
    let aggregates = Aggregates::of(ruleset);
    no_text_added_up(evaluation, &aggregates, attribute)?;
    let mut warnings = Vec::new();
    let group = GridColumn::Attribute(attribute).col().cast(DataType::String);
    let ungrouped =
        evaluation.frame().clone().lazy().filter(group.clone().is_null()).select([GridColumn::Entity.col()]);
    let ungrouped = entity_names(&ungrouped.unique_stable(None, UniqueKeepStrategy::First).collect().or_bug()?)?;
    if !ungrouped.is_empty() {
        let kind =
            ErrorKind::NotInRollup { attribute: attribute.to_string(), entities: crate::words::quoted(&ungrouped) };
        warnings.push(Error::new(kind));
    }
    let group_of_entity =
        evaluation.frame().clone().lazy().select([GridColumn::Entity.col(), group.clone().alias(GROUP)]);
    let mut sums: Vec<Expr> = Vec::new();
    for (index, found) in aggregates.all() {
        let column = GridColumn::Aggregate(index).col();
        let rolled = match found.rows().rolls_up {
            RollUp::Min => column.min(),
            RollUp::Max => column.max(),
            RollUp::Sum => when(column.clone().count().gt(lit(0))).then(column.sum()).otherwise(compile::null()),
            // Joined on below, from the groups' rows.
            RollUp::FromRows => continue,
        };
        // A group with an entity's data missing has a fragment of its own: no data.
        let missing = GridColumn::Missing(aggregates.source_of(index)).col().any(true);
        let rolled = when(missing).then(compile::null()).otherwise(rolled);
        sums.push(rolled.alias(GridColumn::Aggregate(index).name()));
    }
    for (source, _) in ruleset.row_sources() {
        sums.push(GridColumn::Rows(source).col().sum().alias(GridColumn::Rows(source).name()));
        sums.push(GridColumn::Missing(source).col().any(true).alias(GridColumn::Missing(source).name()));
        sums.push(GridColumn::FirstDate(source).col().min().alias(GridColumn::FirstDate(source).name()));
        sums.push(GridColumn::LastDate(source).col().max().alias(GridColumn::LastDate(source).name()));
    }
    sums.push(GridColumn::Year.col().first().alias(GridColumn::Year.name()));
    // A group has the value of an attribute its entities all share (a brand of competitors'
    // accounts is a competitor), and none where they differ.
    for name in ruleset.attributes.keys().filter(|name| name.as_str() != attribute) {
        let column = GridColumn::Attribute(name).col();
        let shared = column.clone().n_unique().eq(lit(1)).and(column.clone().null_count().eq(lit(0)));
        sums.push(
            when(shared).then(column.first()).otherwise(compile::null_text()).alias(GridColumn::Attribute(name).name()),
        );
    }
    let keys = [group.alias(GridColumn::Entity.name()), GridColumn::Period.col()];
    let grid = evaluation
        .frame()
        .clone()
        .lazy()
        .filter(GridColumn::Attribute(attribute).col().is_not_null())
        .group_by(keys)
        .agg(sums);
    let groups =
        group_of_entity.clone().filter(col(GROUP).is_not_null()).unique_stable(None, UniqueKeepStrategy::First);
    let grid = from_rows(ruleset, attribute, &aggregates, grid, groups)?;
    let sorted = SortMultipleOptions::default().with_maintain_order(true);
    let grid = grid.sort([GridColumn::Entity.name(), GridColumn::Period.name()], sorted);
    // A group's attribute is its own name, and targets from tables are per entity.
    let mut columns = vec![GridColumn::Entity.col().alias(GridColumn::Attribute(attribute).name())];
    let table_targets = ruleset.kpis.iter().filter(|(_, kpi)| matches!(kpi.target, Some(CheckedTarget::Table(_))));
    columns.extend(table_targets.map(|(name, _)| compile::null().alias(GridColumn::Target(name).name())));
    let grid = grid.with_columns(columns);
    let layers = super::evaluate::computed_columns(ruleset, &aggregates, &probes);
    let frame =
        layers::apply(grid.clone(), &layers).collect().map_err(|e| super::failure::computing(&grid, &layers, e))?;
    let mut groups_in_order = entity_names(&frame)?;
    groups_in_order.dedup();
    let (files, quality) =
        (files_of_groups(evaluation, group_of_entity.clone())?, days_of_groups(evaluation, group_of_entity)?);
    let found = Found { warnings, quality, daily: evaluation.daily.clone(), files };
    Ok(Evaluation::new(ruleset, frame, groups_in_order, evaluation.periods.clone(), found, probes)?)
}

/// The entity column of `frame`, in its order.
fn entity_names(frame: &DataFrame) -> Result<Vec<String>> {
    let names = frame.column(&GridColumn::Entity.name()).or_bug()?.str().or_bug()?;
    Ok(names.iter().flatten().map(str::to_string).collect())
}

/// A roll-up adds its entities' values up, which text cannot be: an aggregation that the
/// ruleset shows to hold text is refused by `check` (for the ruleset's own `rollups`); one that
/// holds text only in the data (`--by`, or a column of words) is refused here, at its formula.
fn no_text_added_up(evaluation: &Evaluation, aggregates: &Aggregates, attribute: &str) -> Result<()> {
    let frame = evaluation.frame();
    let holds_text = |index: usize| {
        let column = frame.column(&GridColumn::Aggregate(index).name());
        column.is_ok_and(|column| column.dtype() == &DataType::String)
    };
    let added = aggregates.all().filter(|(_, found)| found.rows().rolls_up == RollUp::Sum);
    let errors: Vec<Error> = added
        .filter(|(index, found)| found.holds_text() || holds_text(*index))
        .map(|(_, found)| found.text_in_rollup(attribute))
        .collect();
    crate::error::Errors::check(errors, ())
}

/// The aggregations that a roll-up computes again from rows, joined onto the groups' `grid`:
/// each source's rows of every entity of a group, aggregated per group and period. A cell
/// without rows counts 0 where the source has rows; a source without files gives no data. A
/// table's rows stay on its engine, so there these aggregations are an error (E535).
fn from_rows(
    ruleset: &CheckedRuleset,
    attribute: &str,
    aggregates: &Aggregates,
    grid: LazyFrame,
    groups: LazyFrame,
) -> Result<LazyFrame> {
    let keys = || [GridColumn::Entity.col(), GridColumn::Period.col()];
    let mut grid = grid;
    let mut missing = Vec::new();
    for (name, source) in ruleset.row_sources() {
        let source = SourceRef::new(name, source, ruleset);
        let recomputed = aggregates.of_source(name).filter(|(_, found)| found.rows().rolls_up == RollUp::FromRows);
        let (indices, found): (Vec<usize>, Vec<_>) = recomputed.unzip();
        if let (Some(found), Some(_)) = (found.first(), &source.source.table) {
            return Err(found.recounted_on_engine(attribute).into());
        }
        if indices.is_empty() {
            continue;
        }
        let read = source.missing_files().is_empty();
        match read.then(|| aggregates.plan_over_groups(&source, ruleset.model.grain.period, groups.clone())) {
            Some(plan) => {
                let Some(plan) = plan? else { continue };
                grid = grid.join(plan, keys(), keys(), JoinArgs::new(JoinType::Left));
                let counted = aggregates.zero_without_rows().filter(|index| indices.contains(index));
                let zero: Vec<Expr> = counted
                    .map(|index| {
                        let column = GridColumn::Aggregate(index);
                        let filled = column.col().fill_null(lit(0.0));
                        when(GridColumn::Missing(name).col())
                            .then(compile::null())
                            .otherwise(filled)
                            .alias(column.name())
                    })
                    .collect();
                grid = grid.with_columns(zero);
            }
            None => missing
                .extend(indices.into_iter().map(|index| compile::null().alias(GridColumn::Aggregate(index).name()))),
        }
    }
    Ok(if missing.is_empty() { grid } else { grid.with_columns(missing) })
}

/// Each group's days missing from a daily source: those of its entity that has the fewest
/// days of it in the period, so that a group's value made of part of a month is marked so.
fn days_of_groups(evaluation: &Evaluation, group_of_entity: LazyFrame) -> Result<Vec<QualityNote>> {
    let group = groups_of(group_of_entity)?;
    let mut fewest: IndexMap<(String, Period, String), QualityNote> = IndexMap::new();
    for note in &evaluation.quality {
        let (Issue::MissingDays { missing, .. }, Some(entity), Some(period)) = (&note.issue, &note.entity, note.period)
        else {
            continue;
        };
        let Some(group) = group.get(entity.as_str()) else { continue };
        let key = (group.to_string(), period, note.source.clone());
        let more = |kept: &QualityNote| matches!(&kept.issue, Issue::MissingDays { missing: m, .. } if m.len() >= missing.len());
        if fewest.get(&key).is_none_or(|kept| !more(kept)) {
            fewest.insert(key, QualityNote { entity: Some(group.to_string()), ..note.clone() });
        }
    }
    Ok(super::quality::in_order(fewest.into_values().collect()))
}

/// Each entity's group.
fn groups_of(group_of_entity: LazyFrame) -> Result<HashMap<String, String>> {
    let pairs = group_of_entity.unique_stable(None, UniqueKeepStrategy::First).collect().or_bug()?;
    let (entities, groups) = (
        pairs.column(&GridColumn::Entity.name()).or_bug()?.str().or_bug()?,
        pairs.column(GROUP).or_bug()?.str().or_bug()?,
    );
    let pairs = entities.iter().zip(groups.iter()).filter_map(|(e, g)| Some((e?.to_string(), g?.to_string())));
    Ok(pairs.collect())
}

/// The files each group's rows came from: a file of one entity's rows (`{entity}` in its path)
/// is its group's, so that a brand's report lists its accounts' downloads.
fn files_of_groups(evaluation: &Evaluation, group_of_entity: LazyFrame) -> Result<IndexMap<String, Vec<FileRead>>> {
    let group = groups_of(group_of_entity)?;
    let of_group = |file: &FileRead| FileRead {
        name: file.name.clone(),
        entity: file.entity.as_deref().map(|e| group.get(e).map_or(e, String::as_str).to_string()),
    };
    Ok(evaluation.files.iter().map(|(source, files)| (source.clone(), files.iter().map(of_group).collect())).collect())
}
