//! The formula columns of the grid, in layers: measures and KPIs by dependency depth, then
//! targets, then what needs a value and its target (attainment, band, score) and diagnoses,
//! then scorecard totals and their grades.

use std::collections::HashMap;

use polars::prelude::*;

use super::aggregates::Aggregates;
use crate::compile::{self, Context, Subject, columns};
use crate::expr::{Ir, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{Band, CheckedTarget};
use crate::ruleset::model::{Better, MissingPolicy};

/// `grid` with a column for every measure, KPI, target, attainment, score, band, diagnosis,
/// scorecard total and grade.
pub fn add_formula_columns(grid: LazyFrame, ruleset: &CheckedRuleset, aggregates: &Aggregates) -> LazyFrame {
    let aggregate = |ir: &Ir| col(columns::aggregate(aggregates.index_of(ir)));
    let plain = Context { aggregate: &aggregate, subject: None };
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
    grid = with_columns_if_any(grid, targets);

    let mut appraisal = Vec::new();
    for (name, kpi) in &ruleset.kpis {
        let better = ruleset.model.kpis[name].better;
        let has_target = kpi.target.is_some();
        let bare = Context { aggregate: &aggregate, subject: Some(Subject::kpi(name, better, has_target, &[])) };
        let bands: Vec<(String, Expr)> =
            kpi.bands.iter().map(|(band, condition)| (band.clone(), holds(condition, &bare))).collect();
        if has_target {
            let cap = kpi.attainment_cap();
            appraisal.push(attainment_ratio(name, better, cap).alias(columns::attainment(name)));
        }
        if !bands.is_empty() {
            appraisal.push(band_name(col(columns::value(name)), &bands).alias(columns::band(name)));
        }
        if let Some(score) = &kpi.score {
            let context =
                Context { aggregate: &aggregate, subject: Some(Subject::kpi(name, better, has_target, &bands)) };
            appraisal.push(compile::compile(score, &context).cast(DataType::Float64).alias(columns::score(name)));
        }
    }
    for (index, diagnosis) in ruleset.diagnoses.iter().enumerate() {
        appraisal
            .push(compile::compile(&diagnosis.when, &plain).fill_null(lit(false)).alias(columns::diagnosis(index)));
    }
    let mut totals = Vec::new();
    for (name, scorecard) in &ruleset.scorecards {
        let applies =
            scorecard.applies_to.as_ref().map_or(lit(true), |ir| compile::compile(ir, &plain).fill_null(lit(false)));
        let policy = ruleset.model.scorecards[name].missing;
        appraisal.push(applies.alias(columns::applies(name)));
        totals.push(scorecard_total(&scorecard.weights, policy).alias(columns::total(name)));
    }
    grid = with_columns_if_any(grid, appraisal);
    grid = with_columns_if_any(grid, totals);

    let mut standings = Vec::new();
    for name in ruleset.scorecards.keys() {
        let total = col(columns::total(name));
        if !ruleset.grades.is_empty() {
            let subject = Subject { value: total.clone(), target: None, better: Better::Higher, bands: &[] };
            let context = Context { aggregate: &aggregate, subject: Some(subject) };
            let grades: Vec<(String, Expr)> =
                ruleset.grades.iter().map(|(grade, condition)| (grade.clone(), holds(condition, &context))).collect();
            standings.push(band_name(total.clone(), &grades).alias(columns::grade(name)));
        }
        standings.extend(ranking(name));
    }
    with_columns_if_any(grid, standings)
}

/// Each entity's rank by a scorecard's total among the entities of its period that have one (1
/// for the highest, ties sharing the better rank), and how many have one.
fn ranking(scorecard: &str) -> [Expr; 2] {
    let total = when(col(columns::applies(scorecard))).then(col(columns::total(scorecard))).otherwise(compile::null());
    let per_period = |e: Expr| e.over([col(columns::PERIOD)]).expect("a window over the period");
    let rank = per_period(total.clone().rank(RankOptions { method: RankMethod::Min, descending: true }, None));
    let ranked = per_period(total.is_not_null().cast(DataType::Float64).sum());
    [rank.cast(DataType::Float64).alias(columns::rank(scorecard)), ranked.alias(columns::ranked(scorecard))]
}

fn with_columns_if_any(grid: LazyFrame, exprs: Vec<Expr>) -> LazyFrame {
    if exprs.is_empty() { grid } else { grid.with_columns(exprs) }
}

/// Whether a band or grade condition holds; a null condition does not.
fn holds(condition: &Band, context: &Context) -> Expr {
    match condition {
        Band::When(ir) => compile::compile(ir, context).fill_null(lit(false)),
        Band::Otherwise => lit(true),
    }
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
        let level =
            ir.refs().into_iter().filter_map(|dependency| depth.get(dependency).map(|d| d + 1)).max().unwrap_or(0);
        depth.insert(reference, level);
        if layers.len() <= level {
            layers.resize_with(level + 1, Vec::new);
        }
        layers[level].push(reference);
    }
    layers
}

/// value / target, or target / value when lower is better, clipped to [0, cap] when the KPI is
/// scored by `attainment` with a cap, else only at 0. Null when either is missing or the target
/// is 0; for lower-is-better, a value at or below 0 attains the cap (null without one).
fn attainment_ratio(kpi: &str, better: Better, cap: Option<f64>) -> Expr {
    let value = col(columns::value(kpi));
    let target = col(columns::target(kpi));
    let ratio = match better {
        Better::Higher => compile::divide(value, target.clone()),
        Better::Lower => when(value.clone().lt_eq(lit(0.0)))
            .then(cap.map_or_else(compile::null, lit))
            .otherwise(compile::divide(target.clone(), value)),
    };
    let ratio = when(target.eq(lit(0.0))).then(compile::null()).otherwise(ratio);
    match cap {
        Some(cap) => ratio.clip(lit(0.0), lit(cap)),
        None => ratio.clip_min(lit(0.0)),
    }
}

/// The name of the first band (or grade) whose condition holds; null for a null value.
fn band_name(value: Expr, bands: &[(String, Expr)]) -> Expr {
    let none = lit(NULL).cast(DataType::String);
    let name = bands
        .iter()
        .rev()
        .fold(none.clone(), |rest, (band, condition)| when(condition.clone()).then(lit(band.clone())).otherwise(rest));
    when(value.is_null()).then(none).otherwise(name)
}

/// Σ weight × score / 100 over the scored KPIs. `renormalize` scales the weights of the KPIs
/// that have a score up to 100; `zero` counts a missing score as 0; `fail` gives no total when
/// any score is missing.
fn scorecard_total(weights: &indexmap::IndexMap<String, f64>, policy: MissingPolicy) -> Expr {
    let weighted: Vec<Expr> =
        weights.iter().map(|(kpi, weight)| col(columns::score(kpi)) * lit(*weight / 100.0)).collect();
    let present: Vec<Expr> = weights
        .iter()
        .map(|(kpi, weight)| when(col(columns::score(kpi)).is_not_null()).then(lit(*weight)).otherwise(lit(0.0)))
        .collect();
    let sum = polars::lazy::dsl::sum_horizontal(weighted, true).expect("weights are not empty");
    let present = polars::lazy::dsl::sum_horizontal(present, true).expect("weights are not empty");
    match policy {
        MissingPolicy::Renormalize => compile::divide(sum * lit(100.0), present),
        MissingPolicy::Zero => sum,
        MissingPolicy::Fail => when(present.eq(lit(100.0))).then(sum).otherwise(compile::null()),
    }
}
