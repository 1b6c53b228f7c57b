//! Checked formulas → polars expressions. One visitor; each function is one arm of
//! [`functions::call`], in the manner of polars-sql. Null semantics are enforced here, on every
//! path: division by zero or null, logarithms of non-positive numbers and the like give null,
//! never inf or NaN.

pub mod columns;
mod functions;
mod kernels;
mod nested;
mod round;

use polars::prelude::*;

pub use columns::{Counted, GridColumn, QualityColumn, RowColumn};
pub use functions::{aggregate, attainment};

use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::expr::{Better, Ir, IrNode, Ref, Type};

/// Where the aggregations of source rows are, once computed.
pub trait Aggregated {
    /// The grid column an aggregation was computed into.
    fn column(&self, aggregation: &Ir) -> Expr;
}

/// Inside an aggregation, over source rows, where no aggregation can be.
pub struct OverRows;

impl Aggregated for OverRows {
    fn column(&self, _: &Ir) -> Expr {
        unreachable!("the checker rejects an aggregation inside an aggregation")
    }
}

/// What names mean where a formula is compiled.
pub struct Context<'a> {
    pub aggregates: &'a dyn Aggregated,
    /// What `value` and `target` are, where the formula has them.
    pub subject: Option<Subject<'a>>,
}

impl<'a> Context<'a> {
    /// A formula of the grid's columns, without a subject.
    pub fn plain(aggregates: &'a dyn Aggregated) -> Context<'a> {
        Context { aggregates, subject: None }
    }
}

/// The thing being scored, banded or graded: a KPI (its value, target, direction and bands) or
/// a scorecard total (its value only).
pub struct Subject<'a> {
    pub value: Expr,
    pub target: Option<Expr>,
    pub better: Better,
    /// Band names with their compiled conditions, for `bands(name = points)`.
    pub bands: &'a [(String, Expr)],
}

impl<'a> Subject<'a> {
    /// A KPI, with its columns on the grid.
    pub fn kpi(name: &str, better: Better, has_target: bool, bands: &'a [(String, Expr)]) -> Subject<'a> {
        let target = has_target.then(|| GridColumn::Target(name).col());
        Subject { value: GridColumn::Value(name).col(), target, better, bands }
    }
}

pub fn compile(ir: &Ir, context: &Context) -> Expr {
    Compiler { context }.expr(ir)
}

struct Compiler<'a> {
    context: &'a Context<'a>,
}

impl Compiler<'_> {
    fn expr(&self, ir: &Ir) -> Expr {
        match &ir.node {
            IrNode::Number(value) => lit(*value),
            IrNode::String(text) => lit(text.clone()),
            IrNode::Bool(value) => lit(*value),
            IrNode::Null => lit(NULL),
            IrNode::Ref(reference) => self.reference(reference),
            // A negative number written out stays a literal, as arguments such as digits must be.
            IrNode::Unary(UnaryOp::Neg, operand) => ir.number().map_or_else(|| lit(0.0) - self.expr(operand), lit),
            IrNode::Unary(UnaryOp::Not, operand) => self.expr(operand).not(),
            IrNode::Binary(op, lhs, rhs) => binary(*op, self.expr(lhs), self.expr(rhs)),
            IrNode::If(branches, otherwise) => self.conditional(branches, otherwise),
            IrNode::Call(function, args) => {
                let args = args.iter().map(|a| a.as_ref().map(|a| self.expr(a))).collect();
                let better = self.context.subject.as_ref().map_or(Better::Higher, |s| s.better);
                let result = functions::call(*function, args, better);
                // Sums over periods or entities, roots and the like can overflow too.
                if ir.ty == Type::Number { finite(result) } else { result }
            }
            IrNode::Aggregate { .. } => self.context.aggregates.column(ir),
            IrNode::BandPoints(points) => self.band_points(points),
        }
    }

    fn reference(&self, reference: &Ref) -> Expr {
        match reference {
            Ref::Measure(name) | Ref::Kpi(name) => GridColumn::Value(name).col(),
            Ref::Attribute(name) => GridColumn::Attribute(name).col(),
            Ref::Column { column, .. } => RowColumn::Source(column).col(),
            Ref::Value => self.subject().value.clone(),
            Ref::Target => self.subject().target.clone().unwrap_or_else(null),
            Ref::TargetOf(kpi) => GridColumn::Target(kpi).col(),
        }
    }

    fn subject(&self) -> &Subject<'_> {
        self.context.subject.as_ref().expect("`value` and `target` pass the checker only where there is a subject")
    }

    /// `if c then a else b`: a null condition gives null rather than falling through to `else`.
    fn conditional(&self, branches: &[(Ir, Ir)], otherwise: &Ir) -> Expr {
        branches.iter().rev().fold(self.expr(otherwise), |rest, (condition, value)| {
            kernels::conditional(self.expr(condition), self.expr(value), rest)
        })
    }

    /// The points of the first band whose condition holds; null when no band holds or the value
    /// is null.
    fn band_points(&self, points: &[(String, Ir)]) -> Expr {
        let subject = self.subject();
        let award = subject.bands.iter().rev().fold(null(), |rest, (band, condition)| {
            let points = points.iter().find(|(name, _)| name == band).map_or_else(null, |(_, p)| self.expr(p));
            when(condition.clone()).then(points).otherwise(rest)
        });
        when(subject.value.clone().is_null()).then(null()).otherwise(award)
    }
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    match op {
        BinaryOp::Or => lhs.or(rhs),
        BinaryOp::And => lhs.and(rhs),
        BinaryOp::Eq => lhs.eq(rhs),
        BinaryOp::Ne => lhs.neq(rhs),
        BinaryOp::Lt => lhs.lt(rhs),
        BinaryOp::Le => lhs.lt_eq(rhs),
        BinaryOp::Gt => lhs.gt(rhs),
        BinaryOp::Ge => lhs.gt_eq(rhs),
        BinaryOp::Add => finite(lhs + rhs),
        BinaryOp::Sub => finite(lhs - rhs),
        BinaryOp::Mul => finite(lhs * rhs),
        BinaryOp::Div => divide(lhs, rhs),
        BinaryOp::Pow => finite(lhs.pow(rhs)),
    }
}

/// A typed null: a missing number.
pub fn null() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// A typed null: a missing text.
pub fn null_text() -> Expr {
    lit(NULL).cast(DataType::String)
}

pub use kernels::{divide, finite};
