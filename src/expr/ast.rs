//! The syntax tree of a formula. Every node carries the byte range it came from, so that a
//! problem found later (an unknown name, a type error, a cycle) can be pointed at precisely.

use std::fmt;
use std::ops::Range;

/// A byte range inside the formula text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

pub type SpannedExpr = Spanned<Expr>;

#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Number(f64),
    String(String),
    Bool(bool),
    Null,
    Name(Name),
    Unary {
        op: UnaryOp,
        operand: Box<SpannedExpr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<SpannedExpr>,
        rhs: Box<SpannedExpr>,
    },
    /// `if c1 then a elif c2 then b else d`: the `(condition, value)` pairs in order, then `d`.
    If {
        branches: Vec<(SpannedExpr, SpannedExpr)>,
        otherwise: Box<SpannedExpr>,
    },
    Call {
        function: Spanned<String>,
        args: Vec<Argument>,
    },
}

/// A reference: `readers` (a measure, KPI or attribute) or `articles.readers` (a source column).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub source: Option<String>,
    pub name: String,
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{source}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    pub name: Option<Spanned<String>>,
    pub value: SpannedExpr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(self, BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge)
    }
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
        }
    }
}

/// A band or grade condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `otherwise`: matches whatever an earlier condition did not.
    Otherwise,
    /// `>= 30%`: the value compared with an expression.
    Compared { op: BinaryOp, rhs: SpannedExpr },
    /// Any boolean formula, which may name `value`.
    Formula(SpannedExpr),
}
