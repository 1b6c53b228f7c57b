//! The grid's computed columns as data: layers of expressions, each reading only the grid's
//! columns and those of earlier layers, each expression with the formula it comes from. Being
//! data, a plan whose execution fails can be searched for the formula that fails.

use polars::prelude::*;

use crate::ruleset::checked::Formula;

/// A column computed onto the grid, and the ruleset's formula it comes from; `None` for the
/// engine's own columns (totals, ranks), whose failure is a bug.
pub struct Computed<'a> {
    pub expr: Expr,
    pub formula: Option<&'a Formula>,
}

impl<'a> Computed<'a> {
    pub fn of(formula: &'a Formula, expr: Expr) -> Computed<'a> {
        Computed { expr, formula: Some(formula) }
    }

    pub fn engine(expr: Expr) -> Computed<'a> {
        Computed { expr, formula: None }
    }
}

/// Columns computed together.
pub type Layer<'a> = Vec<Computed<'a>>;

/// `grid` with every layer's columns.
pub fn apply(grid: LazyFrame, layers: &[Layer]) -> LazyFrame {
    layers.iter().fold(grid, with_layer)
}

fn with_layer(grid: LazyFrame, layer: &Layer) -> LazyFrame {
    if layer.is_empty() {
        return grid;
    }
    grid.with_columns(layer.iter().map(|computed| computed.expr.clone()).collect::<Vec<_>>())
}

/// The first computed column that fails on `grid` with the layers before it, and why: first
/// by its types alone, which is quick, then by computing it.
pub fn first_failing<'l, 'a>(grid: &LazyFrame, layers: &'l [Layer<'a>]) -> Option<(&'l Computed<'a>, PolarsError)> {
    let by_types = |mut plan: LazyFrame| plan.collect_schema().map(drop);
    let by_values = |plan: LazyFrame| plan.collect().map(drop);
    search(grid, layers, &by_types).or_else(|| search(grid, layers, &by_values))
}

fn search<'l, 'a>(
    grid: &LazyFrame,
    layers: &'l [Layer<'a>],
    fails: &dyn Fn(LazyFrame) -> PolarsResult<()>,
) -> Option<(&'l Computed<'a>, PolarsError)> {
    let mut before = grid.clone();
    for layer in layers {
        if fails(with_layer(before.clone(), layer)).is_err() {
            return layer.iter().find_map(|computed| {
                fails(before.clone().with_column(computed.expr.clone())).err().map(|e| (computed, e))
            });
        }
        before = with_layer(before, layer);
    }
    None
}
