//! Checks a parsed formula before any data is read: every name resolves, every call has the
//! right arguments, types fit, and aggregations appear only where rows exist. The result is an
//! [`Ir`] tree, or every problem found, each with the span it concerns.

use super::ast::{Argument, BinaryOp, Expr, Name, Span, Spanned, SpannedExpr, UnaryOp};
use super::functions::{Family, Function, Kind, Omitted};
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
}

impl Place<'_> {
    pub const GRID: Place<'static> =
        Place { what: "a formula", grid: true, attributes: true, value: false, target: false, bands: None };
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
    let error = ErrorKind::WrongValueType { expected: wanted.article_name(), found: ir.ty.article_name(), what: what.to_string() };
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
            Expr::Number(value) => Self::ir(IrNode::Number(*value), span, Type::Number),
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
        let special = match name {
            "value" if self.place.value => Some((Ref::Value, Type::Number)),
            "target" if self.place.target => Some((Ref::Target, Type::Number)),
            _ => None,
        };
        let Some((reference, ty)) = special.or_else(|| self.namespace.lookup(name)) else {
            let error = if self.namespace.sources().contains(&name) {
                Error::new(ErrorKind::UnknownName { name: name.to_string() })
                    .help(format!("`{name}` is a source: name one of its columns, like `{name}.column`"))
            } else if let Some(source) = self.namespace.source_with_column(name) {
                let written = if self.aggregation.is_some() { format!("{source}.{name}") } else { format!("sum({source}.{name})") };
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
            };
            self.problem(span, error);
            return None;
        };
        if self.aggregation.is_some() && !matches!(reference, Ref::Column { .. }) {
            let function = self.aggregation.as_ref().map_or("", |a| a.function.name());
            let error = Error::new(ErrorKind::NotAllowedHere {
                what: format!("`{name}`"),
                place: "an aggregation",
            })
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
            let error = Error::new(ErrorKind::NotAllowedHere { what: format!("{kind} `{name}`"), place: self.place.what });
            self.problem(span, error);
            return None;
        }
        Some(Self::ir(IrNode::Ref(reference), span, ty))
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
                let error = Error::new(ErrorKind::UnknownName { name: format!("{source}.{column}") });
                let error = match crate::suggest::nearest(column, known.iter().map(String::as_str)) {
                    Some(near) => error.help(format!("did you mean `{source}.{near}`?")),
                    None => error,
                };
                self.problem(span, error);
                None
            }
            ColumnLookup::Found(reference @ Ref::Attribute(_), ty) => {
                Some(Self::ir(IrNode::Ref(reference), span, ty)).filter(|_| {
                    self.aggregation.is_none() && self.place.attributes
                }).or_else(|| {
                    let error = Error::new(ErrorKind::NotAllowedHere {
                        what: format!("attribute `{source}.{column}`"),
                        place: if self.aggregation.is_some() { "an aggregation" } else { self.place.what },
                    });
                    self.problem(span, error);
                    None
                })
            }
            ColumnLookup::Found(reference, ty) => {
                let Some(aggregation) = &mut self.aggregation else {
                    let error = Error::new(ErrorKind::UnaggregatedColumn { name: format!("{source}.{column}") });
                    let help = if self.place.grid {
                        format!("aggregate the rows, e.g. `sum({source}.{column})` or `last({source}.{column})`")
                    } else {
                        format!("{} cannot read source rows", self.place.what)
                    };
                    self.problem(span, error.help(help));
                    return None;
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
                        return None;
                    }
                    Some(_) => {}
                }
                Some(Self::ir(IrNode::Ref(reference), span, ty))
            }
        }
    }

    fn call(&mut self, function_name: &Spanned<String>, args: &[Argument], span: Span) -> Ir {
        let failed = Self::ir(IrNode::Null, span, Type::Any);
        let Some(function) = Function::from_name(&function_name.node) else {
            let error = Error::new(ErrorKind::UnknownFunction { name: function_name.node.clone() });
            let names = Function::ALL.map(Function::name);
            self.problem(function_name.span, error.suggest(&function_name.node, names));
            return failed;
        };
        if let Some(place) = self.forbidden(function) {
            let error = Error::new(ErrorKind::NotAllowedHere { what: format!("`{}`", function.name()), place });
            let error = match (function.family(), &self.aggregation) {
                (Family::Aggregation, Some(outer)) => Error::new(ErrorKind::NestedAggregation {
                    outer: outer.function.name().to_string(),
                    inner: function.name().to_string(),
                }),
                _ => error,
            };
            self.problem(function_name.span, error);
            return failed;
        }
        if function == Function::Bands {
            return self.band_points(args, span);
        }
        let Some(matched) = self.match_arguments(function, args, span) else {
            return failed;
        };
        if function.family() == Family::Aggregation {
            self.aggregation = Some(Aggregation { function, source: None });
            let problems_before = self.problems.len();
            let checked = self.arguments(function, matched);
            let aggregation = self.aggregation.take().expect("set above");
            let Some((source, _)) = aggregation.source else {
                if self.problems.len() > problems_before {
                    return failed;
                }
                let error = Error::new(ErrorKind::WrongArgumentCount {
                    function: function.name().to_string(),
                    expected: "a source column".to_string(),
                    found: 0,
                })
                .help(format!("aggregate a column of a source, like `{}(articles.readers)`", function.name()));
                self.problem(span, error);
                return failed;
            };
            let ty = function.returns(any_type(function, &checked));
            return Self::ir(IrNode::Aggregate { function, source, args: checked }, span, ty);
        }
        let checked = self.arguments(function, matched);
        let ty = function.returns(any_type(function, &checked));
        Self::ir(IrNode::Call(function, checked), span, ty)
    }

    /// Why `function` cannot be used here, if it cannot.
    fn forbidden(&self, function: Function) -> Option<&'static str> {
        match (function.family(), &self.aggregation) {
            (Family::Scalar, _) => None,
            (_, Some(_)) => Some("an aggregation"),
            (Family::Scoring, None) if function == Function::Bands && self.place.bands.is_none() => Some(self.place.what),
            (Family::Scoring, None) => None,
            (Family::Aggregation | Family::Period | Family::Entity, None) if !self.place.grid => Some(self.place.what),
            _ => None,
        }
    }

    /// Puts positional and named arguments in parameter order; `None` when they do not fit.
    fn match_arguments<'e>(
        &mut self,
        function: Function,
        args: &'e [Argument],
        span: Span,
    ) -> Option<Vec<Option<&'e SpannedExpr>>> {
        let params = function.params();
        let name = function.name().to_string();
        let mut slots: Vec<Option<&SpannedExpr>> = vec![None; params.len()];
        let mut ok = true;
        let mut positional = 0;
        for arg in args {
            match &arg.name {
                None => {
                    if positional < params.len() {
                        slots[positional] = Some(&arg.value);
                    } else if function.variadic() {
                        slots.push(Some(&arg.value));
                    } else {
                        let error = ErrorKind::WrongArgumentCount {
                            function: name.clone(),
                            expected: arity(function),
                            found: args.len(),
                        };
                        self.problem(arg.value.span, Error::new(error));
                        return None;
                    }
                    positional += 1;
                }
                Some(arg_name) => match params.iter().position(|p| p.name == arg_name.node) {
                    Some(index) if slots[index].is_some() => {
                        let error = ErrorKind::RepeatedArgument { function: name.clone(), argument: arg_name.node.clone() };
                        self.problem(arg_name.span, Error::new(error));
                        ok = false;
                    }
                    Some(index) => slots[index] = Some(&arg.value),
                    None => {
                        let error = ErrorKind::UnknownArgument { function: name.clone(), argument: arg_name.node.clone() };
                        let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
                        let error = Error::new(error).note(format!("the arguments of `{name}` are {}", names.join(", ")));
                        self.problem(arg_name.span, error);
                        ok = false;
                    }
                },
            }
        }
        for (index, param) in params.iter().enumerate() {
            if slots[index].is_some() {
                continue;
            }
            let missing = match param.omitted {
                Omitted::Required => true,
                Omitted::Name("value") => !self.place.value,
                Omitted::Name("target") => !self.place.target,
                _ => false,
            };
            if missing {
                let error = if args.iter().all(|a| a.name.is_none()) {
                    Error::new(ErrorKind::WrongArgumentCount { function: name.clone(), expected: arity(function), found: args.len() })
                } else {
                    Error::new(ErrorKind::MissingArgument { function: name.clone(), argument: param.name.to_string() })
                };
                self.problem(span, error);
                ok = false;
            }
        }
        ok.then_some(slots)
    }

    fn arguments(&mut self, function: Function, matched: Vec<Option<&SpannedExpr>>) -> Vec<Option<Ir>> {
        let params = function.params();
        let last = params.len().saturating_sub(1);
        let mut checked = Vec::with_capacity(matched.len());
        for (index, arg) in matched.into_iter().enumerate() {
            let param = params[index.min(last)];
            let ir = match arg {
                Some(arg) => {
                    let ir = self.expr(arg);
                    self.argument_kind(function, param.name, param.kind, &ir);
                    Some(ir)
                }
                None => match param.omitted {
                    Omitted::Number(value) => Some(Self::ir(IrNode::Number(value), Span::default(), Type::Number)),
                    Omitted::Name("value") => Some(Self::ir(IrNode::Ref(Ref::Value), Span::default(), Type::Number)),
                    Omitted::Name(_) => Some(Self::ir(IrNode::Ref(Ref::Target), Span::default(), Type::Number)),
                    Omitted::Absent | Omitted::Required => None,
                },
            };
            checked.push(ir);
        }
        checked
    }

    fn argument_kind(&mut self, function: Function, param: &str, kind: Kind, ir: &Ir) {
        let what = || format!("argument `{param}` of `{}`", function.name());
        match kind {
            Kind::Number => self.want(ir, Type::Number, what),
            Kind::Boolean => self.want(ir, Type::Boolean, what),
            Kind::Any => {}
            Kind::WholeNumber => {
                let whole = ir.number().is_some_and(|n| n.fract() == 0.0 && (function == Function::Round || n >= 1.0));
                if !whole {
                    let error = ErrorKind::NotAWholeNumber { function: function.name().to_string(), argument: param.to_string() };
                    let help = if function == Function::Round { "digits can be 0 or negative" } else { "it must be 1 or more" };
                    self.problem(ir.span, Error::new(error).help(help));
                }
            }
            Kind::Literal => {
                if ir.number().is_none() {
                    let error = ErrorKind::WrongValueType { expected: "a number written out", found: "a formula", what: what() };
                    self.problem(ir.span, Error::new(error));
                } else if function == Function::Quantile && !(0.0..=1.0).contains(&ir.number().unwrap_or(0.0)) {
                    let error = ErrorKind::WrongValueType { expected: "between 0 and 1", found: "a number outside", what: what() };
                    self.problem(ir.span, Error::new(error).help("write the quantile as a fraction or a percent: `0.9` or `90%`"));
                }
            }
        }
    }

    /// `bands(excellent = 100, good = 85, ...)`: named points for the KPI's own bands.
    fn band_points(&mut self, args: &[Argument], span: Span) -> Ir {
        let bands = self.place.bands.unwrap_or_default();
        let mut points = Vec::new();
        for arg in args {
            let value = self.expr(&arg.value);
            self.want(&value, Type::Number, || "the points of a band".to_string());
            let Some(name) = &arg.name else {
                let error = Error::new(ErrorKind::MissingArgument { function: "bands".into(), argument: "band name".into() })
                    .help("give each band its points by name: `bands(excellent = 100, good = 80)`");
                self.problem(arg.value.span, error);
                continue;
            };
            if !bands.iter().any(|b| *b == name.node) {
                let error = Error::new(ErrorKind::UnknownArgument { function: "bands".into(), argument: name.node.clone() })
                    .note(format!("this KPI's bands are {}", list(bands)));
                self.problem(name.span, error.suggest(&name.node, bands.iter().map(String::as_str)));
                continue;
            }
            points.push((name.node.clone(), value));
        }
        Self::ir(IrNode::BandPoints(points), span, Type::Number)
    }
}

fn any_type(function: Function, args: &[Option<Ir>]) -> Type {
    let params = function.params();
    args.iter()
        .enumerate()
        .filter(|(index, _)| params.get(*index).or(params.last()).is_some_and(|p| p.kind == Kind::Any))
        .filter_map(|(_, arg)| arg.as_ref().map(|a| a.ty))
        .fold(Type::Any, |shared, ty| shared.unify(ty).unwrap_or(Type::Any))
}

fn arity(function: Function) -> String {
    let params = function.params();
    let required = params.iter().filter(|p| p.omitted == Omitted::Required).count();
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if function.variadic() {
        format!("{required} or more arguments")
    } else if required == params.len() {
        format!("{required} {}", plural(required))
    } else {
        format!("{required} to {} arguments", params.len())
    }
}

fn list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
