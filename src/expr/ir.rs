//! A checked formula: names resolved to what they refer to, calls matched to their parameters
//! (omitted ones filled in), every node typed. Compiling to polars is a plain walk over this.

use std::fmt;

use super::ast::{BinaryOp, Span, UnaryOp};
use super::functions::Function;
use super::types::Type;

#[derive(Clone, Debug, PartialEq)]
pub struct Ir {
    pub node: IrNode,
    pub span: Span,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    Measure(String),
    Kpi(String),
    Attribute(String),
    /// A column of a source's rows; only inside an aggregation.
    Column {
        source: String,
        column: String,
    },
    /// The value being scored or banded.
    Value,
    /// The target of the KPI being scored.
    Target,
    /// The target of a KPI named: `target(read_rate)`.
    TargetOf(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum IrNode {
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    Ref(Ref),
    Unary(UnaryOp, Box<Ir>),
    Binary(BinaryOp, Box<Ir>, Box<Ir>),
    If(Vec<(Ir, Ir)>, Box<Ir>),
    /// A call with its arguments in parameter order; `None` for an omitted optional one.
    Call(Function, Vec<Option<Ir>>),
    /// An aggregation of the rows of `source`.
    Aggregate {
        function: Function,
        source: String,
        args: Vec<Option<Ir>>,
    },
    /// `bands(name = points, ...)`: the points of each band, in the order the bands are declared.
    BandPoints(Vec<(String, Ir)>),
}

impl Ir {
    /// The nodes right below this one, in the order they are written.
    pub fn children(&self) -> Vec<&Ir> {
        match &self.node {
            IrNode::Number(_) | IrNode::String(_) | IrNode::Bool(_) | IrNode::Null | IrNode::Ref(_) => Vec::new(),
            IrNode::Unary(_, operand) => vec![operand],
            IrNode::Binary(_, lhs, rhs) => vec![lhs, rhs],
            IrNode::If(branches, otherwise) => {
                branches.iter().flat_map(|(condition, value)| [condition, value]).chain([otherwise.as_ref()]).collect()
            }
            IrNode::Call(_, args) | IrNode::Aggregate { args, .. } => args.iter().flatten().collect(),
            IrNode::BandPoints(points) => points.iter().map(|(_, points)| points).collect(),
        }
    }

    /// Calls `visit` on this node and every node below it.
    pub fn visit<'a>(&'a self, visit: &mut impl FnMut(&'a Ir)) {
        visit(self);
        for child in self.children() {
            child.visit(visit);
        }
    }

    /// Whether the checker filled this node in for an omitted argument (`value`, `n = 1`): it
    /// is not written in the formula.
    pub fn is_filled_in(&self) -> bool {
        self.span == Span::default()
    }

    /// The measures, KPIs and the like this formula reads.
    pub fn refs(&self) -> Vec<&Ref> {
        let mut refs = Vec::new();
        self.visit(&mut |node| {
            if let IrNode::Ref(reference) = &node.node {
                refs.push(reference);
            }
        });
        refs
    }

    /// The literal number of a `WholeNumber` or `Literal` argument.
    pub fn number(&self) -> Option<f64> {
        match &self.node {
            IrNode::Number(value) => Some(*value),
            IrNode::Unary(UnaryOp::Neg, operand) => operand.number().map(|v| -v),
            _ => None,
        }
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ref::Measure(name) | Ref::Kpi(name) | Ref::Attribute(name) => write_name(f, name),
            Ref::Column { source, column } => {
                write_name(f, source)?;
                f.write_str(".")?;
                write_name(f, column)
            }
            Ref::Value => f.write_str("value"),
            Ref::Target => f.write_str("target"),
            Ref::TargetOf(kpi) => {
                f.write_str("target(")?;
                write_name(f, kpi)?;
                f.write_str(")")
            }
        }
    }
}

fn write_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let bare = name.chars().next().is_some_and(|c| c == '_' || unicode_ident_start(c))
        && name.chars().all(|c| c == '_' || c.is_alphanumeric());
    if bare { f.write_str(name) } else { write!(f, "`{name}`") }
}

fn unicode_ident_start(c: char) -> bool {
    c.is_alphabetic()
}

/// The canonical text of a formula: one spelling per meaning, used to share identical
/// aggregations and to print formulas in explanations. Parentheses appear only where precedence
/// needs them.
impl fmt::Display for Ir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node {
            IrNode::Number(value) => write!(f, "{value}"),
            IrNode::String(text) => write!(f, "{text:?}"),
            IrNode::Bool(value) => write!(f, "{value}"),
            IrNode::Null => f.write_str("null"),
            IrNode::Ref(reference) => write!(f, "{reference}"),
            IrNode::Unary(op, operand) => {
                let space = if *op == UnaryOp::Not { " " } else { "" };
                write!(f, "{}{space}{}", op.symbol(), Operand(operand, precedence(self), false))
            }
            IrNode::Binary(op, lhs, rhs) => {
                let own = precedence(self);
                let right_associative = *op == BinaryOp::Pow;
                write!(
                    f,
                    "{} {} {}",
                    Operand(lhs, own, right_associative),
                    op.symbol(),
                    Operand(rhs, own, !right_associative)
                )
            }
            IrNode::If(branches, otherwise) => {
                for (index, (condition, value)) in branches.iter().enumerate() {
                    let keyword = if index == 0 { "if" } else { " elif" };
                    write!(f, "{keyword} {condition} then {value}")?;
                }
                write!(f, " else {otherwise}")
            }
            IrNode::Call(function, args) | IrNode::Aggregate { function, args, .. } => {
                write!(f, "{}(", function.name())?;
                let params = function.params();
                let mut first = true;
                for (index, arg) in args.iter().enumerate() {
                    let Some(arg) = arg else { continue };
                    if !first {
                        f.write_str(", ")?;
                    }
                    first = false;
                    match params.get(index) {
                        Some(param) if index > 0 && !function.is_variadic() => write!(f, "{} = {arg}", param.name)?,
                        _ => write!(f, "{arg}")?,
                    }
                }
                f.write_str(")")
            }
            IrNode::BandPoints(points) => {
                f.write_str("bands(")?;
                for (index, (band, points)) in points.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{band} = {points}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// How tightly a node binds, as in the grammar: `or` loosest, `^` tightest; atoms bind tightest.
fn precedence(ir: &Ir) -> u8 {
    match &ir.node {
        IrNode::Binary(BinaryOp::Or, ..) => 1,
        IrNode::Binary(BinaryOp::And, ..) => 2,
        IrNode::Unary(UnaryOp::Not, _) => 3,
        IrNode::Binary(op, ..) if op.is_comparison() => 4,
        IrNode::Binary(BinaryOp::Add | BinaryOp::Sub, ..) => 5,
        IrNode::Binary(BinaryOp::Mul | BinaryOp::Div, ..) => 6,
        IrNode::Unary(UnaryOp::Neg, _) => 7,
        IrNode::Binary(BinaryOp::Pow, ..) => 8,
        IrNode::If(..) => 0,
        _ => 9,
    }
}

/// An operand, in parentheses when it binds looser than its parent (or as loosely, on the side
/// the operator does not associate to).
struct Operand<'a>(&'a Ir, u8, bool);

impl fmt::Display for Operand<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Operand(ir, parent, strict) = *self;
        let own = precedence(ir);
        if own < parent || (strict && own == parent) { write!(f, "({ir})") } else { write!(f, "{ir}") }
    }
}
