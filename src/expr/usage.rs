//! How a formula uses the values it names: as numbers, as text, or as written. It decides how a
//! source column is read (`1,234` as a number where it is computed with) and which aggregations
//! hold text, which a roll-up cannot add up.

use super::ast::BinaryOp;
use super::functions::{Function, Kind, Returns};
use super::{Ir, IrNode, Type};

/// How a formula uses a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Usage {
    /// In arithmetic, a numeric aggregation or an ordering comparison.
    Number,
    /// Compared with a string.
    Text,
    /// Counted, or taken as is (`first`, `min`): numbers if the values look like numbers.
    AsWritten,
}

/// Visits every aggregation and reference in `ir` with how it is used, `usage` being how `ir`
/// itself is: numbers where arithmetic or a number argument takes them, text where compared
/// with text, as written otherwise.
pub fn walk<'a>(ir: &'a Ir, usage: Usage, visit: &mut impl FnMut(&'a Ir, Usage)) {
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

/// How an argument of this kind uses a column: numbers where it takes numbers, as the
/// enclosing use otherwise.
fn usage_of(kind: Kind, enclosing: Usage) -> Usage {
    match kind {
        Kind::Number | Kind::Count | Kind::Digits | Kind::Fraction | Kind::Cap => Usage::Number,
        Kind::Boolean => Usage::AsWritten,
        Kind::Any => enclosing,
    }
}
