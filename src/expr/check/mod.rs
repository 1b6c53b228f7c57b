//! Checks a parsed formula before any data is read: every name resolves, every call has the
//! right arguments, types fit, and aggregations appear only where rows exist. The result is an
//! [`Ir`] tree, or every problem found, each with the span it concerns.

mod calls;

use super::ast::{BinaryOp, Expr, Name, Span, SpannedExpr, UnaryOp};
use super::functions::Function;
use super::ir::{Ir, IrNode, Ref};
use super::types::Type;
use crate::error::{Error, ErrorKind};

/// What the names of a ruleset refer to.
pub trait Namespace {
    /// A measure, KPI or attribute.
    fn lookup(&self, name: &str) -> Option<(Ref, Type)>;
    /// `source.column`.
    fn column(&self, source: &str, column: &str) -> ColumnLookup;
    /// Every bare name, for suggestions.
    fn names(&self) -> Vec<&str>;
    fn sources(&self) -> Vec<&str>;
    /// A source that has a column called `column`, for hints.
    fn source_with_column(&self, column: &str) -> Option<&str>;
}

pub enum ColumnLookup {
    Found(Ref, Type),
    UnknownSource,
    UnknownColumn { known: Vec<String> },
}

/// Where a formula sits, which decides what it may use.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// How an error message names the place: "a KPI formula", "`applies_to`".
    pub what: &'static str,
    /// Measures, KPIs, aggregations, and period and entity functions.
    pub grid: bool,
    pub attributes: bool,
    /// `value` (and `target`, when it is `Some(true)`), e.g. in scores and band conditions.
    pub value: bool,
    pub target: bool,
    /// The bands that `bands(name = points, ...)` may give points to, in a KPI's `score`.
    pub bands: Option<&'a [String]>,
    /// `target(kpi)`, a KPI's target: where targets are computed before the formula (bands,
    /// scores, diagnoses).
    pub targets: bool,
    /// The source whose rows the formula is read on, one by one (a source's `checks`): its
    /// columns are named bare (`net == new - lost`) and read without an aggregation.
    pub rows: Option<&'a str>,
}

impl<'a> Place<'a> {
    pub const GRID: Place<'static> = Place {
        what: "a formula",
        grid: true,
        attributes: true,
        value: false,
        target: false,
        bands: None,
        targets: false,
        rows: None,
    };

    /// A check on each row of `source`.
    pub fn rows(source: &'a str) -> Place<'a> {
        Place {
            what: "a check",
            grid: false,
            attributes: false,
            value: false,
            target: false,
            bands: None,
            targets: false,
            rows: Some(source),
        }
    }
}

/// A problem in a formula, at a span of its text.
pub type Problem = (Span, Error);

pub fn check(expr: &SpannedExpr, namespace: &dyn Namespace, place: Place) -> Result<Ir, Vec<Problem>> {
    let mut checker = Checker { namespace, place, problems: Vec::new(), aggregation: None };
    let ir = checker.expr(expr);
    if checker.problems.is_empty() { Ok(ir) } else { Err(checker.problems) }
}

/// Checks that a checked formula gives `wanted`, e.g. a number for a KPI.
pub fn expect_type(ir: &Ir, wanted: Type, what: &str) -> Result<(), Problem> {
    if ir.ty.fits(wanted) {
        return Ok(());
    }
    let error = ErrorKind::WrongValueType {
        expected: wanted.article_name(),
        found: ir.ty.article_name(),
        what: what.to_string(),
    };
    Err((ir.span, Error::new(error)))
}

struct Aggregation {
    function: Function,
    source: Option<(String, Span)>,
}

struct Checker<'a> {
    namespace: &'a dyn Namespace,
    place: Place<'a>,
    problems: Vec<Problem>,
    aggregation: Option<Aggregation>,
}

impl Checker<'_> {
    fn problem(&mut self, span: Span, error: Error) {
        self.problems.push((span, error));
    }

    fn ir(node: IrNode, span: Span, ty: Type) -> Ir {
        Ir { node, span, ty }
    }

    fn expr(&mut self, expr: &SpannedExpr) -> Ir {
        let span = expr.span;
        match &expr.node {
            Expr::Number(value) => {
                if !value.is_finite() {
                    self.problem(span, Error::new(ErrorKind::NumberTooLarge));
                }
                Self::ir(IrNode::Number(*value), span, Type::Number)
            }
            Expr::String(text) => Self::ir(IrNode::String(text.clone()), span, Type::String),
            Expr::Bool(value) => Self::ir(IrNode::Bool(*value), span, Type::Boolean),
            Expr::Null => Self::ir(IrNode::Null, span, Type::Any),
            Expr::Name(name) => self.name(name, span),
            Expr::Unary { op, operand } => {
                let operand = self.expr(operand);
                let (wanted, ty) = match op {
                    UnaryOp::Neg => (Type::Number, Type::Number),
                    UnaryOp::Not => (Type::Boolean, Type::Boolean),
                };
                self.want(&operand, wanted, || format!("the operand of `{}`", op.symbol()));
                Self::ir(IrNode::Unary(*op, Box::new(operand)), span, ty)
            }
            Expr::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, span),
            Expr::If { branches, otherwise } => {
                let mut checked = Vec::new();
                let otherwise = self.expr(otherwise);
                let mut ty = otherwise.ty;
                for (condition, value) in branches {
                    let condition = self.expr(condition);
                    self.want(&condition, Type::Boolean, || "an `if` condition".to_string());
                    let value = self.expr(value);
                    match ty.unify(value.ty) {
                        Some(shared) => ty = shared,
                        None => self.mismatch(&value, ty, "every branch of `if`"),
                    }
                    checked.push((condition, value));
                }
                Self::ir(IrNode::If(checked, Box::new(otherwise)), span, ty)
            }
            Expr::Call { function, args } => self.call(function, args, span),
        }
    }

    fn want(&mut self, ir: &Ir, wanted: Type, what: impl FnOnce() -> String) {
        if !ir.ty.fits(wanted) {
            self.mismatch(ir, wanted, &what());
        }
    }

    fn mismatch(&mut self, ir: &Ir, wanted: Type, what: &str) {
        let error = ErrorKind::WrongValueType {
            expected: wanted.article_name(),
            found: ir.ty.article_name(),
            what: what.to_string(),
        };
        self.problem(ir.span, Error::new(error));
    }

    fn binary(&mut self, op: BinaryOp, lhs: &SpannedExpr, rhs: &SpannedExpr, span: Span) -> Ir {
        let lhs = self.expr(lhs);
        let rhs = self.expr(rhs);
        let what = || format!("each side of `{}`", op.symbol());
        let ty = match op {
            BinaryOp::Or | BinaryOp::And => {
                self.want(&lhs, Type::Boolean, what);
                self.want(&rhs, Type::Boolean, what);
                Type::Boolean
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if lhs.ty.unify(rhs.ty).is_none() {
                    self.mismatch(&rhs, lhs.ty, &format!("the right side of `{}`, like the left side,", op.symbol()));
                }
                Type::Boolean
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                self.want(&lhs, Type::Number, what);
                self.want(&rhs, Type::Number, what);
                Type::Boolean
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Pow => {
                self.want(&lhs, Type::Number, what);
                self.want(&rhs, Type::Number, what);
                Type::Number
            }
        };
        Self::ir(IrNode::Binary(op, Box::new(lhs), Box::new(rhs)), span, ty)
    }

    fn name(&mut self, name: &Name, span: Span) -> Ir {
        let unknown = || Self::ir(IrNode::Null, span, Type::Any);
        match &name.source {
            Some(source) => self.column(source, &name.name, span).unwrap_or_else(unknown),
            None => self.bare(&name.name, span).unwrap_or_else(unknown),
        }
    }

    fn bare(&mut self, name: &str, span: Span) -> Option<Ir> {
        if let Some(source) = self.place.rows {
            return self.column(source, name, span);
        }
        let special = match name {
            "value" if self.place.value => Some((Ref::Value, Type::Number)),
            "target" if self.place.target => Some((Ref::Target, Type::Number)),
            _ => None,
        };
        let Some((reference, ty)) = special.or_else(|| self.namespace.lookup(name)) else {
            let error = self.unknown_name(name);
            self.problem(span, error);
            return None;
        };
        if self.aggregation.is_some() && !matches!(reference, Ref::Column { .. }) {
            let function = self.aggregation.as_ref().map_or("", |a| a.function.name());
            let error = Error::new(ErrorKind::NotAllowedHere { what: format!("`{name}`"), place: "an aggregation" })
                .help(format!("inside `{function}(...)` only source columns can be used, like `articles.readers`"));
            self.problem(span, error);
            return None;
        }
        let allowed = match &reference {
            Ref::Measure(_) | Ref::Kpi(_) => self.place.grid,
            Ref::Attribute(_) => self.place.attributes,
            _ => true,
        };
        if !allowed {
            let kind = if matches!(reference, Ref::Attribute(_)) { "attribute" } else { "measure or KPI" };
            let error =
                Error::new(ErrorKind::NotAllowedHere { what: format!("{kind} `{name}`"), place: self.place.what });
            self.problem(span, error);
            return None;
        }
        Some(Self::ir(IrNode::Ref(reference), span, ty))
    }

    /// An unknown name, with what it might have meant: a source, a source's column, or the
    /// nearest name.
    fn unknown_name(&self, name: &str) -> Error {
        if self.namespace.sources().contains(&name) {
            Error::new(ErrorKind::UnknownName { name: name.to_string() })
                .help(format!("`{name}` is a source: name one of its columns, like `{name}.column`"))
        } else if let Some(source) = self.namespace.source_with_column(name) {
            let written =
                if self.aggregation.is_some() { format!("{source}.{name}") } else { format!("sum({source}.{name})") };
            Error::new(ErrorKind::UnknownName { name: name.to_string() })
                .help(format!("`{name}` is a column of source `{source}`: write `{written}`"))
        } else {
            let mut candidates = self.namespace.names();
            if self.place.value {
                candidates.push("value");
            }
            if self.place.target {
                candidates.push("target");
            }
            Error::new(ErrorKind::UnknownName { name: name.to_string() }).suggest(name, candidates)
        }
    }

    fn column(&mut self, source: &str, column: &str, span: Span) -> Option<Ir> {
        match self.namespace.column(source, column) {
            ColumnLookup::UnknownSource => {
                let error = Error::new(ErrorKind::UnknownSource { name: source.to_string() });
                let sources = self.namespace.sources();
                self.problem(span, error.suggest(source, sources));
                None
            }
            ColumnLookup::UnknownColumn { known } => {
                let kind = ErrorKind::UnknownColumn { source_name: source.to_string(), column: column.to_string() };
                // A check names its source's columns bare.
                let written = |near: &str| match self.place.rows {
                    Some(_) => near.to_string(),
                    None => format!("{source}.{near}"),
                };
                let error = match crate::suggest::nearest(column, known.iter().map(String::as_str)) {
                    Some(near) => Error::new(kind).help(format!("did you mean `{}`?", written(near))),
                    None => Error::new(kind),
                };
                self.problem(span, error);
                None
            }
            ColumnLookup::Found(reference @ Ref::Attribute(_), ty) => {
                let allowed = self.aggregation.is_none() && self.place.attributes;
                if !allowed {
                    let place = if self.aggregation.is_some() { "an aggregation" } else { self.place.what };
                    let what = format!("attribute `{source}.{column}`");
                    self.problem(span, Error::new(ErrorKind::NotAllowedHere { what, place }));
                }
                allowed.then(|| Self::ir(IrNode::Ref(reference), span, ty))
            }
            ColumnLookup::Found(reference, ty) => {
                self.aggregated_column(source, column, span).then(|| Self::ir(IrNode::Ref(reference), span, ty))
            }
        }
    }

    /// Whether a source column may be read here: inside an aggregation, whose columns all come
    /// from one source.
    fn aggregated_column(&mut self, source: &str, column: &str, span: Span) -> bool {
        if let Some(rows) = self.place.rows {
            if rows != source {
                let what = format!("`{source}.{column}`");
                let help = format!("a check of source `{rows}` reads its own columns only");
                self.problem(span, Error::new(ErrorKind::NotAllowedHere { what, place: self.place.what }).help(help));
            }
            return rows == source;
        }
        let Some(aggregation) = &mut self.aggregation else {
            let error = Error::new(ErrorKind::UnaggregatedColumn { name: format!("{source}.{column}") });
            let help = if self.place.grid {
                format!("aggregate the rows, e.g. `sum({source}.{column})` or `last({source}.{column})`")
            } else {
                format!("{} cannot read source rows", self.place.what)
            };
            self.problem(span, error.help(help));
            return false;
        };
        match &aggregation.source {
            None => aggregation.source = Some((source.to_string(), span)),
            Some((first, _)) if first != source => {
                let error = ErrorKind::MixedSources {
                    function: aggregation.function.name().to_string(),
                    first: first.clone(),
                    second: source.to_string(),
                };
                let error = Error::new(error).help("aggregate each source separately and combine the results");
                self.problem(span, error);
                return false;
            }
            Some(_) => {}
        }
        true
    }
}
