//! The aggregations of source rows that formulas contain, found and numbered once (the same
//! aggregation written in two formulas is computed once), and the plan that computes those of
//! one source per entity and period.

use indexmap::IndexMap;
use polars::prelude::*;

use super::period::truncate;
use super::quality;
use super::sources::{HeaderDifference, SourceRef, scan_marked, scan_rows};
use super::values::ColumnUse;
use crate::compile::{self, Aggregated, Context, GridColumn, OverRows, RowColumn};
use crate::error::Errors;
use crate::expr::Usage;
use crate::expr::functions::RollUp;
use crate::expr::usage::walk;
use crate::expr::{Ir, IrNode, Ref, Type};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::PeriodGrain;
use crate::ruleset::uses::{AggregationUse, aggregation_uses};

/// The column of the group an entity is in, for [`Aggregates::plan_over_groups`].
pub const GROUP: &str = "group";

#[derive(Default)]
pub struct Aggregates {
    /// Canonical text → the aggregation; its position is its number.
    found: IndexMap<String, AggregationUse>,
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
        let mut aggregates = Aggregates { found: aggregation_uses(ruleset), ..Aggregates::default() };
        for (source, checks) in &ruleset.checks {
            aggregates.checks.insert(source.clone(), checks.iter().map(|check| check.ir.clone()).collect());
        }
        aggregates
    }

    /// The aggregations over `source`, with their numbers.
    pub fn of_source<'a>(&'a self, source: &'a str) -> impl Iterator<Item = (usize, &'a AggregationUse)> + 'a {
        let over = move |ir: &Ir| matches!(&ir.node, IrNode::Aggregate { source: s, .. } if s == source);
        self.found.values().enumerate().filter(move |(_, found)| over(&found.ir))
    }

    /// The source aggregation `index` reads.
    pub fn source_of(&self, index: usize) -> &str {
        match self.found.get_index(index).map(|(_, found)| &found.ir.node) {
            Some(IrNode::Aggregate { source, .. }) => source,
            _ => unreachable!("aggregation {index} is found"),
        }
    }

    /// Every aggregation, with its number.
    pub fn all(&self) -> impl Iterator<Item = (usize, &AggregationUse)> + '_ {
        self.found.values().enumerate()
    }

    /// The numbers of the aggregations that are 0, not no data, in a cell without rows.
    pub fn zero_without_rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.all().filter(|(_, found)| found.rows().zero_without_rows).map(|(index, _)| index)
    }

    /// The rows of a dated source, grouped by entity and period, with a column per aggregation,
    /// the row count and date span of each cell, and the columns of the quality notes. Groups of
    /// total rows are still there: [`quality::split`] takes them out.
    pub fn plan(&self, source: &SourceRef, grain: PeriodGrain) -> Result<SourcePlan, Errors> {
        let columns = self.columns_of(source.name);
        let scanned = scan_marked(source, &columns)?;
        let mut rows = scanned.rows;
        if self.of_source(source.name).any(|(_, found)| found.rows().in_date_order) {
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
    fn aggregations(&self, source: &str, wanted: impl Fn(&AggregationUse) -> bool) -> Vec<Expr> {
        let over_rows = Context::plain(&OverRows);
        self.of_source(source)
            .filter(|(_, found)| wanted(found))
            .map(|(index, AggregationUse { ir, .. })| {
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
        let aggregations = self.aggregations(source.name, |found| found.rows().rolls_up == RollUp::FromRows);
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
        for (_, found) in self.of_source(source) {
            // `max(t)` of a column of times is of numbers where its value is computed with.
            let usage = if found.numeric { Usage::Number } else { Usage::AsWritten };
            walk(&found.ir, usage, &mut record);
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
