//! Checked formulas → polars expressions. One visitor; each function is one line of the
//! function table below, in the manner of polars-sql. Null semantics are enforced here, on
//! every path: division by zero or null, logarithms of non-positive numbers and the like give
//! null, never inf or NaN.

mod functions;

use polars::prelude::*;

use crate::expr::ast::{BinaryOp, UnaryOp};
use crate::expr::{Ir, IrNode, Ref};
use crate::ruleset::model::Better;

/// Column names in the frames the engine builds. User names are always prefixed, so no user
/// name can collide with an engine column.
pub mod columns {
    pub const ENTITY: &str = ":entity";
    pub const PERIOD: &str = ":period";
    /// The full date of a source row, which orders `first` and `last`.
    pub const DATE: &str = ":date";
    /// The year a period counts towards, for `to_date`.
    pub const YEAR: &str = ":year";

    pub fn value(name: &str) -> String {
        format!("v:{name}")
    }
    pub fn target(kpi: &str) -> String {
        format!("t:{kpi}")
    }
    pub fn attainment(kpi: &str) -> String {
        format!("r:{kpi}")
    }
    pub fn score(kpi: &str) -> String {
        format!("s:{kpi}")
    }
    pub fn band(kpi: &str) -> String {
        format!("b:{kpi}")
    }
    pub fn attribute(name: &str) -> String {
        format!("a:{name}")
    }
    pub fn source_column(name: &str) -> String {
        format!("c:{name}")
    }
    pub fn aggregate(index: usize) -> String {
        format!("g:{index}")
    }
    pub fn diagnosis(index: usize) -> String {
        format!("d:{index}")
    }
    /// A part of a formula computed for an explanation.
    pub fn probe(index: usize) -> String {
        format!("probe:{index}")
    }
    pub fn applies(scorecard: &str) -> String {
        format!("applies:{scorecard}")
    }
    pub fn total(scorecard: &str) -> String {
        format!("total:{scorecard}")
    }
    pub fn grade(scorecard: &str) -> String {
        format!("grade:{scorecard}")
    }
    /// A scorecard total's rank in its period, and how many entities are ranked.
    pub fn rank(scorecard: &str) -> String {
        format!("rank:{scorecard}")
    }
    pub fn ranked(scorecard: &str) -> String {
        format!("ranked:{scorecard}")
    }
    /// Rows of a source in a cell, and the first and last of their dates.
    pub fn rows(source: &str) -> String {
        format!("rows:{source}")
    }
    pub fn first_date(source: &str) -> String {
        format!("from:{source}")
    }
    pub fn last_date(source: &str) -> String {
        format!("to:{source}")
    }
}

/// What names mean where a formula is compiled.
pub struct Context<'a> {
    /// The column an aggregation was computed into, on the grid.
    pub aggregate: &'a dyn Fn(&Ir) -> Expr,
    /// What `value` and `target` are, where the formula has them.
    pub subject: Option<Subject<'a>>,
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
        let target = has_target.then(|| col(columns::target(name)));
        Subject { value: col(columns::value(name)), target, better, bands }
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
            IrNode::Unary(UnaryOp::Neg, operand) => lit(0.0) - self.expr(operand),
            IrNode::Unary(UnaryOp::Not, operand) => self.expr(operand).not(),
            IrNode::Binary(op, lhs, rhs) => binary(*op, self.expr(lhs), self.expr(rhs)),
            IrNode::If(branches, otherwise) => self.conditional(branches, otherwise),
            IrNode::Call(function, args) => {
                let args: Vec<Option<Expr>> = args.iter().map(|a| a.as_ref().map(|a| self.expr(a))).collect();
                functions::call(*function, args, self.context.subject.as_ref().map_or(Better::Higher, |s| s.better))
            }
            IrNode::Aggregate { .. } => (self.context.aggregate)(ir),
            IrNode::BandPoints(points) => self.band_points(points),
        }
    }

    fn reference(&self, reference: &Ref) -> Expr {
        match reference {
            Ref::Measure(name) | Ref::Kpi(name) => col(columns::value(name)),
            Ref::Attribute(name) => col(columns::attribute(name)),
            Ref::Column { column, .. } => col(columns::source_column(column)),
            Ref::Value => self.subject().value.clone(),
            Ref::Target => self.subject().target.clone().unwrap_or_else(null),
        }
    }

    fn subject(&self) -> &Subject<'_> {
        self.context.subject.as_ref().expect("`value` and `target` pass the checker only where there is a subject")
    }

    /// `if c then a else b`: a null condition gives null rather than falling through to `else`.
    fn conditional(&self, branches: &[(Ir, Ir)], otherwise: &Ir) -> Expr {
        branches.iter().rev().fold(self.expr(otherwise), |rest, (condition, value)| {
            let condition = self.expr(condition);
            when(condition.clone().is_null())
                .then(lit(NULL))
                .otherwise(when(condition).then(self.expr(value)).otherwise(rest))
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
        BinaryOp::Add => lhs + rhs,
        BinaryOp::Sub => lhs - rhs,
        BinaryOp::Mul => lhs * rhs,
        BinaryOp::Div => divide(lhs, rhs),
        BinaryOp::Pow => finite(lhs.pow(rhs)),
    }
}

/// A typed null: a missing number.
pub fn null() -> Expr {
    lit(NULL).cast(DataType::Float64)
}

/// `a / b`, null when `b` is 0 or null.
pub fn divide(numerator: Expr, denominator: Expr) -> Expr {
    when(denominator.clone().eq(lit(0.0))).then(null()).otherwise(numerator.cast(DataType::Float64) / denominator)
}

/// The value, or null where it is infinite or not a number.
pub fn finite(value: Expr) -> Expr {
    when(value.clone().is_finite()).then(value).otherwise(null())
}

pub use functions::aggregate;
