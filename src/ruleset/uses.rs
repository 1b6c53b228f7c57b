//! The aggregations of a checked ruleset, each with where it is first written and how its value
//! is used across the formulas — directly, or through the measures that hold it. The engine
//! reads columns by these uses; a roll-up refuses to add up what holds text.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::checked::{CheckedRuleset, CheckedTarget};
use crate::error::{Error, ErrorKind};
use crate::expr::functions::{Family, RollUp, Rows};
use crate::expr::usage::walk;
use crate::expr::{Ir, IrNode, Ref, Type, Usage};
use crate::location::Location;

/// An aggregation of source rows, found once however often it is written.
#[derive(Clone, Debug)]
pub struct AggregationUse {
    pub ir: Ir,
    /// Where it is first written.
    pub location: Location,
    /// Its value is computed with: a `max(t)` of times is then seconds.
    pub numeric: bool,
    /// Its value is compared with text.
    pub text: bool,
}

impl AggregationUse {
    /// How its function takes rows: counted, in date order, rolled up.
    pub fn rows(&self) -> Rows {
        match &self.ir.node {
            IrNode::Aggregate { function, .. } => match function.family() {
                Family::Aggregation(rows) => rows,
                _ => unreachable!("an aggregation node holds an aggregation"),
            },
            _ => unreachable!("only aggregations are found"),
        }
    }

    /// Known to hold text before any data is read: of text, or compared with text and never
    /// computed with.
    pub fn holds_text(&self) -> bool {
        self.ir.ty == Type::String || (self.text && !self.numeric)
    }

    /// Whether a roll-up would add this aggregation up while it is known to hold text.
    pub fn adds_up_text(&self) -> bool {
        self.rows().rolls_up == RollUp::Sum && self.holds_text()
    }

    /// The error of a roll-up by `attribute` that would add up this aggregation's text.
    pub fn text_in_rollup(&self, attribute: &str) -> Error {
        let kind = ErrorKind::TextInRollup { aggregation: self.ir.to_string(), attribute: attribute.to_string() };
        let help = "a roll-up adds its entities' measures up: count what the text says instead, \
                    as in `count(users.kind, where = users.kind == \"vip\")`";
        Error::new(kind).help(help).at(self.location.clone())
    }
}

impl AggregationUse {
    /// The error of a roll-up by `attribute` on an engine, where this aggregation of a group
    /// is not its entities' values added up but computed again from the group's rows.
    pub fn recounted_on_engine(&self, attribute: &str) -> Error {
        let kind = ErrorKind::RecountOnEngine { aggregation: self.ir.to_string(), attribute: attribute.to_string() };
        let help = "roll up on the files, or add a column of the group to the table and make it the entity";
        Error::new(kind).help(help).at(self.location.clone())
    }
}

/// Every aggregation in the ruleset's formulas, keyed by its canonical text, in the order they
/// are first written (their numbers in the engine's grid).
pub fn aggregation_uses(ruleset: &CheckedRuleset) -> IndexMap<String, AggregationUse> {
    let mut found: IndexMap<String, AggregationUse> = IndexMap::new();
    for formula in ruleset.formulas() {
        formula.ir.visit(&mut |node| {
            if matches!(node.node, IrNode::Aggregate { .. }) {
                let location = formula.location_at(node.span);
                let new = || AggregationUse { ir: node.clone(), location, numeric: false, text: false };
                found.entry(node.to_string()).or_insert_with(new);
            }
        });
    }
    let (numeric, text) = (used_as(ruleset, Usage::Number), used_as(ruleset, Usage::Text));
    for (name, found) in &mut found {
        (found.numeric, found.text) = (numeric.contains(name), text.contains(name));
    }
    found
}

/// The aggregations that some formula uses as `usage` (numbers or text), directly or through
/// measures. A KPI's value, target and score are numbers.
fn used_as(ruleset: &CheckedRuleset, wanted: Usage) -> HashSet<String> {
    let mut used = HashSet::new();
    let mut measures: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&Ir> = Vec::new();
    if wanted == Usage::Number {
        for kpi in ruleset.kpis.values() {
            let target = match &kpi.target {
                Some(CheckedTarget::Formula(formula)) => Some(&formula.ir),
                _ => None,
            };
            pending.extend([Some(&kpi.formula.ir), target, kpi.score.as_ref().map(|s| &s.ir)].into_iter().flatten());
        }
    }
    let mut as_written: Vec<&Ir> = ruleset.formulas().map(|formula| &formula.ir).collect();
    while !pending.is_empty() || !as_written.is_empty() {
        let (ir, usage) = match pending.pop() {
            Some(ir) => (ir, wanted),
            None => (as_written.pop().expect("one is left"), Usage::AsWritten),
        };
        walk(ir, usage, &mut |node, usage| match &node.node {
            IrNode::Aggregate { .. } if usage == wanted => {
                used.insert(node.to_string());
            }
            IrNode::Ref(Ref::Measure(name)) if usage == wanted && measures.insert(name) => {
                pending.extend(ruleset.measures.get(name).map(|formula| &formula.ir));
            }
            _ => {}
        });
    }
    used
}

/// The ruleset's own `rollups` add up no aggregation known to hold text.
pub fn check_rollups(ruleset: &CheckedRuleset) -> Vec<Error> {
    let Some(attribute) = ruleset.model.rollups.first() else { return Vec::new() };
    let uses = aggregation_uses(ruleset);
    uses.values().filter(|found| found.adds_up_text()).map(|found| found.text_in_rollup(attribute)).collect()
}
