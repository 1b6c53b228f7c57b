//! The formula columns of the grid, in layers: measures and KPIs by dependency depth, then
//! targets, then what needs a value and its target (attainment, score, band) and diagnoses.

use std::collections::HashMap;

use polars::prelude::*;

use super::aggregates::Aggregates;
use crate::compile::{self, Context, KpiContext, columns};
use crate::expr::{Ir, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{Band, CheckedTarget};
use crate::ruleset::model::Better;

/// `grid` with a column for every measure, KPI, target, attainment, score, band and diagnosis.
pub fn add_formula_columns(grid: LazyFrame, ruleset: &CheckedRuleset, aggregates: &Aggregates) -> LazyFrame {
    let aggregate = |ir: &Ir| col(columns::aggregate(aggregates.index_of(ir)));
    let plain = Context { aggregate: &aggregate, kpi: None };
    let mut grid = grid;
    for layer in dependency_layers(ruleset) {
        let exprs: Vec<Expr> = layer
            .iter()
            .map(|reference| {
                let (name, ir, numeric) = match reference {
                    Ref::Measure(name) => (name, &ruleset.measures[name], ruleset.measures[name].ty == Type::Number),
                    Ref::Kpi(name) => (name, &ruleset.kpis[name].formula, true),
                    _ => unreachable!("layers hold measures and KPIs"),
                };
                // A measure may be text (`last(users.name)`); a KPI is always a number.
                let value = compile::compile(ir, &plain);
                let value = if numeric { value.cast(DataType::Float64) } else { value };
                value.alias(columns::value(name))
            })
            .collect();
        grid = grid.with_columns(exprs);
    }

    let targets: Vec<Expr> = ruleset
        .kpis
        .iter()
        .filter_map(|(name, kpi)| match &kpi.target {
            Some(CheckedTarget::Formula(ir)) => {
                Some(compile::compile(ir, &plain).cast(DataType::Float64).alias(columns::target(name)))
            }
            _ => None,
        })
        .collect();
    if !targets.is_empty() {
        grid = grid.with_columns(targets);
    }

    let mut appraisal = Vec::new();
    for (name, kpi) in &ruleset.kpis {
        let better = ruleset.model.kpis[name].better;
        let bare = KpiContext { name, better, bands: &[] };
        let band_context = Context { aggregate: &aggregate, kpi: Some(bare) };
        let bands: Vec<(String, Expr)> = kpi
            .bands
            .iter()
            .map(|(band, condition)| {
                let condition = match condition {
                    Band::When(ir) => compile::compile(ir, &band_context).fill_null(lit(false)),
                    Band::Otherwise => lit(true),
                };
                (band.clone(), condition)
            })
            .collect();
        if kpi.target.is_some() {
            appraisal.push(attainment_ratio(name, better).alias(columns::attainment(name)));
        }
        if !bands.is_empty() {
            appraisal.push(band_name(name, &bands).alias(columns::band(name)));
        }
        if let Some(score) = &kpi.score {
            let context = Context { aggregate: &aggregate, kpi: Some(KpiContext { name, better, bands: &bands }) };
            appraisal.push(compile::compile(score, &context).cast(DataType::Float64).alias(columns::score(name)));
        }
    }
    for (index, diagnosis) in ruleset.diagnoses.iter().enumerate() {
        appraisal.push(compile::compile(&diagnosis.when, &plain).alias(columns::diagnosis(index)));
    }
    if !appraisal.is_empty() {
        grid = grid.with_columns(appraisal);
    }
    grid
}

/// Measures and KPIs grouped so that each group reads only the groups before it.
fn dependency_layers(ruleset: &CheckedRuleset) -> Vec<Vec<&Ref>> {
    let mut depth: HashMap<&Ref, usize> = HashMap::new();
    let mut layers: Vec<Vec<&Ref>> = Vec::new();
    for reference in &ruleset.order {
        let ir = match reference {
            Ref::Measure(name) => &ruleset.measures[name],
            Ref::Kpi(name) => &ruleset.kpis[name].formula,
            _ => continue,
        };
        let level = ir
            .refs()
            .into_iter()
            .filter_map(|dependency| depth.get(dependency).map(|d| d + 1))
            .max()
            .unwrap_or(0);
        depth.insert(reference, level);
        if layers.len() <= level {
            layers.resize_with(level + 1, Vec::new);
        }
        layers[level].push(reference);
    }
    layers
}

/// value / target, or target / value when lower is better; uncapped, as reported beside the
/// score. Null when either is missing, the target is 0, or (lower is better) the value is not
/// above 0.
fn attainment_ratio(kpi: &str, better: Better) -> Expr {
    let value = col(columns::value(kpi));
    let target = col(columns::target(kpi));
    let ratio = match better {
        Better::Higher => compile::divide(value, target.clone()),
        Better::Lower => when(value.clone().lt_eq(lit(0.0))).then(compile::null()).otherwise(compile::divide(target.clone(), value)),
    };
    when(target.eq(lit(0.0))).then(compile::null()).otherwise(ratio)
}

/// The name of the first band whose condition holds; null for a null value.
fn band_name(kpi: &str, bands: &[(String, Expr)]) -> Expr {
    let none = lit(NULL).cast(DataType::String);
    let name = bands.iter().rev().fold(none.clone(), |rest, (band, condition)| {
        when(condition.clone()).then(lit(band.clone())).otherwise(rest)
    });
    when(col(columns::value(kpi)).is_null()).then(none).otherwise(name)
}
