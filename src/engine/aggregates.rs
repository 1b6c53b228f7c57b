//! The aggregations of source rows that formulas contain, found and numbered once: the same
//! aggregation written in two formulas is computed once.

use indexmap::IndexMap;

use super::sources::{RowColumn, Usage};
use crate::expr::ast::BinaryOp;
use crate::expr::functions::Family;
use crate::expr::{Function, Ir, IrNode, Ref, Type};

#[derive(Default)]
pub struct Aggregates {
    /// Canonical text → the aggregation and its number.
    found: IndexMap<String, Ir>,
}

impl Aggregates {
    /// Registers every aggregation in `ir`.
    pub fn add(&mut self, ir: &Ir) {
        ir.visit(&mut |node| {
            if matches!(node.node, IrNode::Aggregate { .. }) {
                self.found.entry(node.to_string()).or_insert_with(|| node.clone());
            }
        });
    }

    /// The number of an aggregation already registered.
    pub fn index_of(&self, ir: &Ir) -> usize {
        self.found.get_index_of(&ir.to_string()).expect("every aggregation is registered before compiling")
    }

    /// Every aggregation, with its number.
    pub fn all(&self) -> impl Iterator<Item = (usize, &Ir)> {
        self.found.values().enumerate()
    }

    /// The aggregations over `source`, with their numbers.
    pub fn of_source<'a>(&'a self, source: &'a str) -> impl Iterator<Item = (usize, &'a Ir)> + 'a {
        self.found
            .values()
            .enumerate()
            .filter(move |(_, ir)| matches!(&ir.node, IrNode::Aggregate { source: s, .. } if s == source))
    }

    /// The columns the aggregations over `source` read, and how.
    pub fn columns_of(&self, source: &str) -> Vec<RowColumn> {
        let mut columns: IndexMap<String, Usage> = IndexMap::new();
        for (_, ir) in self.of_source(source) {
            let IrNode::Aggregate { function, args, .. } = &ir.node else { continue };
            let numeric = matches!(function, Function::Sum | Function::Mean | Function::Median | Function::Quantile);
            for (index, arg) in args.iter().enumerate() {
                let Some(arg) = arg else { continue };
                let usage = if index == 0 && numeric { Usage::Number } else { Usage::AsWritten };
                usages(arg, usage, &mut columns);
            }
        }
        columns.into_iter().map(|(name, usage)| RowColumn { name, usage }).collect()
    }
}

/// Records how each column in `ir` is used; a number use wins over any other.
fn usages(ir: &Ir, usage: Usage, columns: &mut IndexMap<String, Usage>) {
    match &ir.node {
        IrNode::Ref(Ref::Column { column, .. }) => {
            let entry = columns.entry(column.clone()).or_insert(usage);
            if usage == Usage::Number || (usage == Usage::Text && *entry == Usage::AsWritten) {
                *entry = usage;
            }
        }
        IrNode::Binary(op, lhs, rhs) => {
            let operand_usage = match op {
                BinaryOp::Eq | BinaryOp::Ne if lhs.ty == Type::String || rhs.ty == Type::String => Usage::Text,
                BinaryOp::Eq | BinaryOp::Ne | BinaryOp::And | BinaryOp::Or => Usage::AsWritten,
                _ => Usage::Number,
            };
            usages(lhs, operand_usage, columns);
            usages(rhs, operand_usage, columns);
        }
        IrNode::Unary(_, operand) => usages(operand, Usage::Number, columns),
        IrNode::If(branches, otherwise) => {
            for (condition, value) in branches {
                usages(condition, Usage::AsWritten, columns);
                usages(value, usage, columns);
            }
            usages(otherwise, usage, columns);
        }
        IrNode::Call(function, args) => {
            let usage = match (function.family(), function) {
                (_, Function::Coalesce | Function::Nullif | Function::IsNull) => usage,
                (Family::Scalar, _) => Usage::Number,
                _ => usage,
            };
            args.iter().flatten().for_each(|arg| usages(arg, usage, columns));
        }
        _ => {}
    }
}

/// Whether an aggregation of no rows is 0 (`count`), rather than null.
pub fn counts(ir: &Ir) -> bool {
    matches!(&ir.node, IrNode::Aggregate { function: Function::Count | Function::CountDistinct, .. })
}

/// Whether the aggregation takes the earliest or latest row, so rows must be in date order.
pub fn ordered(ir: &Ir) -> bool {
    matches!(&ir.node, IrNode::Aggregate { function: Function::First | Function::Last, .. })
}
