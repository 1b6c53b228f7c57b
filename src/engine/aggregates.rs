//! The aggregations of source rows that formulas contain, found and numbered once (the same
//! aggregation written in two formulas is computed once), and the plan that computes those of
//! one source per entity and period.

use std::collections::HashSet;

use indexmap::IndexMap;
use polars::prelude::*;

use super::period::truncate;
use super::quality;
use super::sources::{HeaderDifference, SourceRef, scan_marked, scan_rows};
use super::values::{ColumnUse, Usage};
use crate::compile::{self, Aggregated, Context, GridColumn, OverRows, RowColumn};
use crate::error::Errors;
use crate::expr::ast::BinaryOp;
use crate::expr::functions::{Family, Function, Kind, Returns, RollUp, Rows};
use crate::expr::{Ir, IrNode, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::model::PeriodGrain;

/// The column of the group an entity is in, for [`Aggregates::plan_over_groups`].
pub const GROUP: &str = "group";

#[derive(Default)]
pub struct Aggregates {
    /// Canonical text → the aggregation; its position is its number.
    found: IndexMap<String, Ir>,
    /// The canonical texts of the aggregations whose value is used as a number.
    numeric: HashSet<String>,
    /// Each source's checks on its rows.
    checks: IndexMap<String, Vec<Ir>>,
}

/// A source's plan, and what its files showed before any row was read.
pub struct SourcePlan {
    pub grouped: LazyFrame,
    pub differences: Vec<HeaderDifference>,
}

impl Aggregates {
    /// Every aggregation in the ruleset's formulas.
    pub fn of(ruleset: &CheckedRuleset) -> Aggregates {
        let mut aggregates = Aggregates::default();
        for formula in ruleset.formulas() {
            formula.ir.visit(&mut |node| {
                if matches!(node.node, IrNode::Aggregate { .. }) {
                    aggregates.found.entry(node.to_string()).or_insert_with(|| node.clone());
                }
            });
        }
        for (source, checks) in &ruleset.checks {
            aggregates.checks.insert(source.clone(), checks.iter().map(|check| check.ir.clone()).collect());
        }
        aggregates.numeric = numeric_aggregations(ruleset);
        aggregates
    }

    /// The aggregations over `source`, with their numbers.
    pub fn of_source<'a>(&'a self, source: &'a str) -> impl Iterator<Item = (usize, &'a Ir)> + 'a {
        let over = move |ir: &Ir| matches!(&ir.node, IrNode::Aggregate { source: s, .. } if s == source);
        self.found.values().enumerate().filter(move |(_, ir)| over(ir))
    }

    /// The source aggregation `index` reads.
    pub fn source_of(&self, index: usize) -> &str {
        match self.found.get_index(index).map(|(_, ir)| &ir.node) {
            Some(IrNode::Aggregate { source, .. }) => source,
            _ => unreachable!("aggregation {index} is found"),
        }
    }

    /// Every aggregation's number and function.
    pub fn functions(&self) -> impl Iterator<Item = (usize, Function)> + '_ {
        self.found.values().enumerate().filter_map(|(index, ir)| match &ir.node {
            IrNode::Aggregate { function, .. } => Some((index, *function)),
            _ => None,
        })
    }

    /// The numbers of the aggregations that are 0, not no data, in a cell without rows.
    pub fn zero_without_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.found.values().enumerate().filter(|(_, ir)| rows(ir).zero_without_rows).map(|(index, _)| index)
    }

    /// The rows of a dated source, grouped by entity and period, with a column per aggregation,
    /// the row count and date span of each cell, and the columns of the quality notes. Groups of
    /// total rows are still there: [`quality::split`] takes them out.
    pub fn plan(&self, source: &SourceRef, grain: PeriodGrain) -> Result<SourcePlan, Errors> {
        let columns = self.columns_of(source.name);
        let scanned = scan_marked(source, &columns)?;
        let mut rows = scanned.rows;
        if self.of_source(source.name).any(|(_, ir)| self::rows(ir).in_date_order) {
            rows = rows.sort([RowColumn::Date.name()], SortMultipleOptions::default().with_maintain_order(true));
        }
        let rows = rows.with_column(truncate(grain, RowColumn::Date.col()).alias(RowColumn::Period.name()));
        let over_rows = Context::plain(&OverRows);
        let mut aggregations = self.aggregations(source.name, |_| true);
        aggregations.push(len().cast(DataType::Float64).alias(GridColumn::Rows(source.name).name()));
        let bad = RowColumn::BadValues.col().sum();
        aggregations.push(bad.alias(GridColumn::BadValues(source.name).name()));
        aggregations.push(RowColumn::Date.col().min().alias(GridColumn::FirstDate(source.name).name()));
        aggregations.push(RowColumn::Date.col().max().alias(GridColumn::LastDate(source.name).name()));
        aggregations.extend(quality::aggregations(&columns, &scanned.counts, self.checks_of(source.name), &over_rows));
        let grouped = rows.group_by([RowColumn::Entity.col(), RowColumn::Period.col()]).agg(aggregations);
        Ok(SourcePlan { grouped, differences: scanned.differences })
    }

    /// The aggregations over `source` that `wanted` takes, as expressions over its rows, each
    /// named as its grid column.
    fn aggregations(&self, source: &str, wanted: impl Fn(&Ir) -> bool) -> Vec<Expr> {
        let over_rows = Context::plain(&OverRows);
        self.of_source(source)
            .filter(|(_, ir)| wanted(ir))
            .map(|(index, ir)| {
                let IrNode::Aggregate { function, args, .. } = &ir.node else { unreachable!("an aggregation") };
                let args = args.iter().map(|a| a.as_ref().map(|a| compile::compile(a, &over_rows))).collect();
                let aggregated = compile::aggregate(*function, args);
                let aggregated = if ir.ty == Type::Number { compile::finite(aggregated) } else { aggregated };
                aggregated.alias(GridColumn::Aggregate(index).name())
            })
            .collect()
    }

    /// The aggregations of `source` that a roll-up computes again from rows ([`RollUp::FromRows`]),
    /// over the rows of each group of entities and period: `groups` gives each entity's group
    /// (its columns [`GridColumn::Entity`] and `group`); a group's rows are its entities' rows.
    pub fn plan_over_groups(
        &self,
        source: &SourceRef,
        grain: PeriodGrain,
        groups: LazyFrame,
    ) -> Result<Option<LazyFrame>, Errors> {
        let aggregations = self.aggregations(source.name, |ir| rows(ir).rolls_up == RollUp::FromRows);
        if aggregations.is_empty() {
            return Ok(None);
        }
        let rows = scan_rows(source, &self.columns_of(source.name))?;
        let rows = rows.with_column(truncate(grain, RowColumn::Date.col()).alias(RowColumn::Period.name()));
        let entity = [RowColumn::Entity.col()];
        let rows = rows.join(groups, entity.clone(), [GridColumn::Entity.col()], JoinArgs::new(JoinType::Inner));
        let keys =
            [col(GROUP).alias(GridColumn::Entity.name()), RowColumn::Period.col().alias(GridColumn::Period.name())];
        Ok(Some(rows.group_by(keys).agg(aggregations)))
    }

    /// A source's checks on its rows.
    pub fn checks_of(&self, source: &str) -> &[Ir] {
        self.checks.get(source).map_or(&[], Vec::as_slice)
    }

    /// The columns the aggregations over `source` read, and how.
    pub fn columns_of(&self, source: &str) -> Vec<ColumnUse> {
        let mut columns: IndexMap<String, Usage> = IndexMap::new();
        let mut record = |ir: &Ir, usage: Usage| {
            if let IrNode::Ref(Ref::Column { column, .. }) = &ir.node {
                let entry = columns.entry(column.clone()).or_insert(usage);
                if usage == Usage::Number || (usage == Usage::Text && *entry == Usage::AsWritten) {
                    *entry = usage;
                }
            }
        };
        for (_, ir) in self.of_source(source) {
            // `max(t)` of a column of times is of numbers where its value is computed with.
            let usage = if self.numeric.contains(&ir.to_string()) { Usage::Number } else { Usage::AsWritten };
            walk(ir, usage, &mut record);
        }
        for check in self.checks_of(source) {
            walk(check, Usage::AsWritten, &mut record);
        }
        columns.into_iter().map(|(name, usage)| ColumnUse { name, usage }).collect()
    }
}

impl Aggregated for Aggregates {
    fn column(&self, aggregation: &Ir) -> Expr {
        let index = self.found.get_index_of(&aggregation.to_string());
        GridColumn::Aggregate(index.expect("every aggregation is found before compiling")).col()
    }
}

/// How the aggregation `ir` rolls up.
pub fn rolls_up(ir: &Ir) -> RollUp {
    rows(ir).rolls_up
}

fn rows(ir: &Ir) -> Rows {
    match &ir.node {
        IrNode::Aggregate { function, .. } => match function.family() {
            Family::Aggregation(rows) => rows,
            _ => unreachable!("an aggregation node holds an aggregation"),
        },
        _ => unreachable!("only aggregations are found"),
    }
}

/// How an argument of this kind uses a column: numbers where it takes numbers, as the
/// enclosing use otherwise.
fn usage_of(kind: Kind, enclosing: Usage) -> Usage {
    match kind {
        Kind::Number | Kind::Count | Kind::Digits | Kind::Fraction | Kind::Cap => Usage::Number,
        Kind::Boolean => Usage::AsWritten,
        Kind::Any => enclosing,
    }
}

/// The aggregations whose value is used as a number: in a KPI's value, target or score, in
/// arithmetic, or as a number argument — directly, or through the measures that hold them. A
/// `min`, `max`, `first` or `last` of a column of times used so reads the times as numbers
/// (seconds), so that `max(t) - min(t)` is the time between.
fn numeric_aggregations(ruleset: &CheckedRuleset) -> HashSet<String> {
    let mut numeric = HashSet::new();
    let mut measures: Vec<&str> = Vec::new();
    let mut pending: Vec<&Ir> = Vec::new();
    for kpi in ruleset.kpis.values() {
        let target = match &kpi.target {
            Some(CheckedTarget::Formula(formula)) => Some(&formula.ir),
            _ => None,
        };
        pending.extend([Some(&kpi.formula.ir), target, kpi.score.as_ref().map(|s| &s.ir)].into_iter().flatten());
    }
    let mut conditions: Vec<&Ir> = ruleset.formulas().map(|formula| &formula.ir).collect();
    while !pending.is_empty() || !conditions.is_empty() {
        let (ir, usage) = match pending.pop() {
            Some(ir) => (ir, Usage::Number),
            None => (conditions.pop().expect("one is left"), Usage::AsWritten),
        };
        walk(ir, usage, &mut |node, usage| match &node.node {
            IrNode::Aggregate { .. } if usage == Usage::Number => {
                numeric.insert(node.to_string());
            }
            IrNode::Ref(Ref::Measure(name)) if usage == Usage::Number && !measures.contains(&name.as_str()) => {
                measures.push(name);
                pending.extend(ruleset.measures.get(name).map(|formula| &formula.ir));
            }
            _ => {}
        });
    }
    numeric
}

/// Visits every aggregation and reference in `ir` with how it is used, `usage` being how `ir`
/// itself is: numbers where arithmetic or a number argument takes them, text where compared
/// with text, as written otherwise.
fn walk<'a>(ir: &'a Ir, usage: Usage, visit: &mut impl FnMut(&'a Ir, Usage)) {
    match &ir.node {
        IrNode::Ref(_) => visit(ir, usage),
        IrNode::Aggregate { function, args, .. } => {
            visit(ir, usage);
            walk_arguments(*function, args, usage, visit);
        }
        IrNode::Binary(op, lhs, rhs) => {
            let operand_usage = match op {
                BinaryOp::Eq | BinaryOp::Ne if lhs.ty == Type::String || rhs.ty == Type::String => Usage::Text,
                BinaryOp::Eq | BinaryOp::Ne | BinaryOp::And | BinaryOp::Or => Usage::AsWritten,
                _ => Usage::Number,
            };
            walk(lhs, operand_usage, visit);
            walk(rhs, operand_usage, visit);
        }
        IrNode::Unary(_, operand) => walk(operand, Usage::Number, visit),
        IrNode::If(branches, otherwise) => {
            for (condition, value) in branches {
                walk(condition, Usage::AsWritten, visit);
                walk(value, usage, visit);
            }
            walk(otherwise, usage, visit);
        }
        IrNode::Call(function, args) => walk_arguments(*function, args, usage, visit),
        IrNode::BandPoints(points) => points.iter().for_each(|(_, points)| walk(points, Usage::Number, visit)),
        IrNode::Number(_) | IrNode::String(_) | IrNode::Bool(_) | IrNode::Null => {}
    }
}

/// The arguments of a call used as `usage`: an argument of any type is used as the call is
/// where the call gives its arguments' value (`max`, `coalesce`), as written where it gives
/// something else (`count`).
fn walk_arguments<'a>(function: Function, args: &'a [Option<Ir>], usage: Usage, visit: &mut impl FnMut(&'a Ir, Usage)) {
    let passes_on = function.spec().returns == Returns::LikeItsArguments;
    let enclosing = if passes_on { usage } else { Usage::AsWritten };
    for (index, arg) in args.iter().enumerate() {
        let (Some(arg), Some(param)) = (arg, function.param(index)) else { continue };
        walk(arg, usage_of(param.kind, enclosing), visit);
    }
}
