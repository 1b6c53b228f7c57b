//! The values of measures and KPIs, in layers by dependency depth, and the KPIs' targets.

use std::collections::HashMap;

use polars::prelude::*;

use super::aggregates::Aggregates;
use super::layers::{Computed, Layer};
use crate::compile::{self, Context, GridColumn};
use crate::expr::{Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{CheckedTarget, Formula};

/// Measures and KPIs, each layer reading only the layers before it.
pub fn values<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates) -> Vec<Layer<'a>> {
    let context = Context::plain(aggregates);
    dependency_layers(ruleset)
        .into_iter()
        .map(|layer| {
            layer
                .into_iter()
                .map(|reference| {
                    let (name, formula, numeric) = match reference {
                        Ref::Measure(name) => {
                            let formula = &ruleset.measures[name];
                            (name, formula, formula.ir.ty == Type::Number)
                        }
                        Ref::Kpi(name) => (name, &ruleset.kpis[name].formula, true),
                        _ => unreachable!("layers hold measures and KPIs"),
                    };
                    // A measure may be text (`last(users.name)`); a KPI is always a number.
                    let value = compile::compile(&formula.ir, &context);
                    let value = if numeric { value.cast(DataType::Float64) } else { value };
                    Computed::of(formula, value.alias(GridColumn::Value(name).name()))
                })
                .collect()
        })
        .collect()
}

/// The targets of KPIs with a formula target, and an empty target for KPIs without one. Targets
/// from tables are joined onto the grid before.
pub fn targets<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates) -> Layer<'a> {
    let context = Context::plain(aggregates);
    let target = |name: &str, formula: Option<&'a Formula>| {
        let column = GridColumn::Target(name).name();
        match formula {
            Some(formula) => {
                Computed::of(formula, compile::compile(&formula.ir, &context).cast(DataType::Float64).alias(column))
            }
            None => Computed::engine(compile::null().alias(column)),
        }
    };
    ruleset
        .kpis
        .iter()
        .filter_map(|(name, kpi)| match &kpi.target {
            Some(CheckedTarget::Formula(formula)) => Some(target(name, Some(formula))),
            Some(CheckedTarget::Table(_)) => None,
            None => Some(target(name, None)),
        })
        .collect()
}

/// Measures and KPIs grouped so that each group reads only the groups before it.
fn dependency_layers(ruleset: &CheckedRuleset) -> Vec<Vec<&Ref>> {
    let mut depth: HashMap<&Ref, usize> = HashMap::new();
    let mut layers: Vec<Vec<&Ref>> = Vec::new();
    for reference in &ruleset.order {
        let formula = match reference {
            Ref::Measure(name) => &ruleset.measures[name],
            Ref::Kpi(name) => &ruleset.kpis[name].formula,
            _ => continue,
        };
        let deepest = formula.ir.refs().into_iter().filter_map(|dependency| depth.get(dependency)).max();
        let level = deepest.map_or(0, |d| d + 1);
        depth.insert(reference, level);
        if layers.len() <= level {
            layers.resize_with(level + 1, Vec::new);
        }
        layers[level].push(reference);
    }
    layers
}
