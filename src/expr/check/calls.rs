//! Calls: the function exists and may be used here, the arguments match its parameters
//! (named or positional, omitted ones filled in), and each argument is of the kind its
//! parameter takes. What a function accepts is read from its row of the function table.

use super::{Aggregation, Checker};
use crate::error::{Error, ErrorKind};
use crate::expr::ast::{Argument, Expr, Name, Span, Spanned, SpannedExpr};
use crate::expr::functions::{Arguments, Family, Function, Kind, MAX_COUNT, Omitted, Param};
use crate::expr::ir::{Ir, IrNode, Ref};
use crate::expr::types::Type;
use crate::words;

/// The name of `target(kpi)`, which takes a KPI's name rather than a value.
const TARGET_OF: &str = "target";

impl Checker<'_> {
    pub(super) fn call(&mut self, function_name: &Spanned<String>, args: &[Argument], span: Span) -> Ir {
        let failed = Self::ir(IrNode::Null, span, Type::Any);
        if function_name.node == TARGET_OF {
            return self.target_of(args, span).unwrap_or(failed);
        }
        let Some(function) = self.known_function(function_name) else { return failed };
        if !self.allowed_here(function, function_name.span) {
            return failed;
        }
        if let Arguments::BandPoints = function.spec().arguments {
            return self.band_points(args, span);
        }
        let Some(matched) = self.match_arguments(function, args, span) else { return failed };
        match function.family() {
            Family::Aggregation(_) => self.aggregation(function, matched, span).unwrap_or(failed),
            _ => {
                let checked = self.arguments(function, matched);
                let ty = function.returns(any_type(function, &checked));
                Self::ir(IrNode::Call(function, checked), span, ty)
            }
        }
    }

    /// `target(kpi)`: the target of the KPI named, where targets are known (bands, scores,
    /// diagnoses), as a number.
    fn target_of(&mut self, args: &[Argument], span: Span) -> Option<Ir> {
        let named_kpi = match args {
            [Argument { name: None, value }] => match &value.node {
                Expr::Name(Name { source: None, name }) => Some((name.as_str(), value.span)),
                _ => None,
            },
            _ => None,
        };
        let Some((kpi, at)) = named_kpi else {
            let error = Error::new(ErrorKind::WrongArgumentCount {
                function: TARGET_OF.into(),
                expected: "one KPI name".into(),
                found: args.len(),
            });
            self.problem(span, error.help("write the KPI's name, like `target(read_rate)`"));
            return None;
        };
        if !self.place.targets {
            let what = format!("`{TARGET_OF}({kpi})`");
            let error = Error::new(ErrorKind::NotAllowedHere { what, place: self.place.what })
                .help("a KPI's target can be read in bands, scores and diagnoses, once targets are known");
            self.problem(span, error);
            return None;
        }
        match self.namespace.lookup(kpi) {
            Some((Ref::Kpi(kpi), _)) => Some(Self::ir(IrNode::Ref(Ref::TargetOf(kpi)), span, Type::Number)),
            _ => {
                let error = Error::new(ErrorKind::UnknownName { name: kpi.to_string() })
                    .help("`target(...)` takes the name of a KPI");
                self.problem(at, error);
                None
            }
        }
    }

    fn known_function(&mut self, name: &Spanned<String>) -> Option<Function> {
        let function = Function::from_name(&name.node);
        if function.is_none() {
            let error = Error::new(ErrorKind::UnknownFunction { name: name.node.clone() });
            let names = Function::ALL.iter().map(|function| function.name());
            self.problem(name.span, error.suggest(&name.node, names));
        }
        function
    }

    /// Whether `function` may be used here; a problem at `span` if not.
    fn allowed_here(&mut self, function: Function, span: Span) -> bool {
        let forbidden_in = match (function.family(), &self.aggregation) {
            (Family::Scalar, _) => None,
            (Family::Aggregation(_), Some(outer)) => {
                let error = ErrorKind::NestedAggregation {
                    outer: outer.function.name().to_string(),
                    inner: function.name().to_string(),
                };
                self.problem(span, Error::new(error));
                return false;
            }
            (_, Some(_)) => Some("an aggregation"),
            (Family::Scoring, None) => match function.spec().arguments {
                Arguments::BandPoints if self.place.bands.is_none() => Some(self.place.what),
                _ => None,
            },
            (Family::Aggregation(_) | Family::Period(_) | Family::Entity, None) if !self.place.grid => {
                Some(self.place.what)
            }
            _ => None,
        };
        if let Some(place) = forbidden_in {
            let error = Error::new(ErrorKind::NotAllowedHere { what: format!("`{}`", function.name()), place });
            let error = match self.place.rows {
                Some(_) => error.help("a check reads one row at a time: compare its columns, like `net == new - lost`"),
                None => error,
            };
            self.problem(span, error);
        }
        forbidden_in.is_none()
    }

    /// An aggregation of the rows of the one source its arguments name.
    fn aggregation(&mut self, function: Function, matched: Vec<Option<&SpannedExpr>>, span: Span) -> Option<Ir> {
        self.aggregation = Some(Aggregation { function, source: None });
        let problems_before = self.problems.len();
        let checked = self.arguments(function, matched);
        let aggregation = self.aggregation.take().expect("set above");
        let Some((source, _)) = aggregation.source else {
            if self.problems.len() == problems_before {
                let error = Error::new(ErrorKind::NoSourceColumn { function: function.name().to_string() })
                    .help(format!("aggregate a column of a source, like `{}(articles.readers)`", function.name()));
                self.problem(span, error);
            }
            return None;
        };
        let ty = function.returns(any_type(function, &checked));
        Some(Self::ir(IrNode::Aggregate { function, source, args: checked }, span, ty))
    }

    /// Puts positional and named arguments in parameter order; `None` when they do not fit.
    fn match_arguments<'e>(
        &mut self,
        function: Function,
        args: &'e [Argument],
        span: Span,
    ) -> Option<Vec<Option<&'e SpannedExpr>>> {
        let params = function.params();
        let mut slots: Vec<Option<&SpannedExpr>> = vec![None; params.len()];
        let mut ok = true;
        let mut positional = 0;
        for arg in args {
            match &arg.name {
                None if positional < params.len() => slots[positional] = Some(&arg.value),
                None if function.is_variadic() => slots.push(Some(&arg.value)),
                None => {
                    let error = self.wrong_count(function, args.len());
                    self.problem(arg.value.span, error);
                    return None;
                }
                Some(name) => ok &= self.named_argument(function, name, &arg.value, &mut slots),
            }
            positional += usize::from(arg.name.is_none());
        }
        for (param, slot) in params.iter().zip(&slots) {
            if slot.is_none() && !self.can_omit(param) {
                let error = if args.iter().all(|a| a.name.is_none()) {
                    self.wrong_count(function, args.len())
                } else {
                    let argument = param.name.to_string();
                    Error::new(ErrorKind::MissingArgument { function: function.name().to_string(), argument })
                };
                self.problem(span, error);
                ok = false;
            }
        }
        ok.then_some(slots)
    }

    /// Puts `name = value` in its parameter's slot; false when it has none or it is taken.
    fn named_argument<'e>(
        &mut self,
        function: Function,
        name: &Spanned<String>,
        value: &'e SpannedExpr,
        slots: &mut [Option<&'e SpannedExpr>],
    ) -> bool {
        let params = function.params();
        let function_name = function.name().to_string();
        let argument = name.node.clone();
        match params.iter().position(|p| p.name == name.node) {
            Some(index) if slots[index].is_some() => {
                self.problem(name.span, Error::new(ErrorKind::RepeatedArgument { function: function_name, argument }));
                false
            }
            Some(index) => {
                slots[index] = Some(value);
                true
            }
            None => {
                let names = words::quoted(params.iter().map(|p| p.name));
                let note = format!("the arguments of `{function_name}` are {names}");
                let error = Error::new(ErrorKind::UnknownArgument { function: function_name, argument }).note(note);
                self.problem(name.span, error);
                false
            }
        }
    }

    /// Whether an argument may be left out here: `value` and `target` only where they exist.
    fn can_omit(&self, param: &Param) -> bool {
        match param.omitted {
            Omitted::Required => false,
            Omitted::Value => self.place.value,
            Omitted::Target => self.place.target,
            Omitted::Absent | Omitted::Number(_) => true,
        }
    }

    fn wrong_count(&self, function: Function, found: usize) -> Error {
        Error::new(ErrorKind::WrongArgumentCount {
            function: function.name().to_string(),
            expected: arity(function),
            found,
        })
    }

    fn arguments(&mut self, function: Function, matched: Vec<Option<&SpannedExpr>>) -> Vec<Option<Ir>> {
        let mut checked = Vec::with_capacity(matched.len());
        for (index, arg) in matched.into_iter().enumerate() {
            let param = function.param(index).expect("arguments are matched to parameters");
            checked.push(match arg {
                Some(arg) => {
                    let ir = self.expr(arg);
                    self.argument_kind(function, param, &ir);
                    Some(ir)
                }
                None => filled_in(param),
            });
        }
        checked
    }

    fn argument_kind(&mut self, function: Function, param: &Param, ir: &Ir) {
        let what = || format!("argument `{}` of `{}`", param.name, function.name());
        let not_whole = || {
            let (function, argument) = (function.name().to_string(), param.name.to_string());
            Error::new(ErrorKind::NotAWholeNumber { function, argument })
        };
        let written = ir.number();
        match param.kind {
            Kind::Number => self.want(ir, Type::Number, what),
            Kind::Boolean => self.want(ir, Type::Boolean, what),
            Kind::Any => {}
            Kind::Count if !written.is_some_and(|n| n.fract() == 0.0 && (1.0..=MAX_COUNT).contains(&n)) => {
                self.problem(ir.span, not_whole().help(format!("it must be from 1 to {MAX_COUNT}")));
            }
            Kind::Cap if written.is_some_and(|n| n <= 0.0) => {
                let error =
                    ErrorKind::WrongValueType { expected: "above 0", found: "a number at or below 0", what: what() };
                self.problem(ir.span, Error::new(error).help("a cap is the most attainment counts, like `120%`"));
            }
            Kind::Cap => self.want(ir, Type::Number, what),
            Kind::Digits if !written.is_some_and(|n| n.fract() == 0.0) => {
                self.problem(ir.span, not_whole().help("digits can be 0 or negative"));
            }
            Kind::Fraction if written.is_none() => {
                let error =
                    ErrorKind::WrongValueType { expected: "a number written out", found: "a formula", what: what() };
                self.problem(ir.span, Error::new(error));
            }
            Kind::Fraction if !written.is_some_and(|n| (0.0..=1.0).contains(&n)) => {
                let error =
                    ErrorKind::WrongValueType { expected: "between 0 and 1", found: "a number outside", what: what() };
                let help = "write the quantile as a fraction or a percent: `0.9` or `90%`";
                self.problem(ir.span, Error::new(error).help(help));
            }
            Kind::Count | Kind::Digits | Kind::Fraction => {}
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
                let error = Error::new(ErrorKind::MissingArgument {
                    function: Function::Bands.name().into(),
                    argument: "band name".into(),
                })
                .help("give each band its points by name: `bands(excellent = 100, good = 80)`");
                self.problem(arg.value.span, error);
                continue;
            };
            if !bands.contains(&name.node) {
                let error = Error::new(ErrorKind::UnknownArgument {
                    function: Function::Bands.name().into(),
                    argument: name.node.clone(),
                })
                .note(format!("this KPI's bands are {}", words::quoted(bands)));
                self.problem(name.span, error.suggest(&name.node, bands.iter().map(String::as_str)));
                continue;
            }
            points.push((name.node.clone(), value));
        }
        Self::ir(IrNode::BandPoints(points), span, Type::Number)
    }
}

/// What an omitted argument stands for, as an IR node without a span.
fn filled_in(param: &Param) -> Option<Ir> {
    let node = match param.omitted {
        Omitted::Number(value) => IrNode::Number(value),
        Omitted::Value => IrNode::Ref(Ref::Value),
        Omitted::Target => IrNode::Ref(Ref::Target),
        Omitted::Absent | Omitted::Required => return None,
    };
    Some(Checker::ir(node, Span::default(), Type::Number))
}

/// The type the `Any` arguments of a call share.
fn any_type(function: Function, args: &[Option<Ir>]) -> Type {
    args.iter()
        .enumerate()
        .filter(|(index, _)| function.param(*index).is_some_and(|p| p.kind == Kind::Any))
        .filter_map(|(_, arg)| arg.as_ref().map(|a| a.ty))
        .fold(Type::Any, |shared, ty| shared.unify(ty).unwrap_or(Type::Any))
}

fn arity(function: Function) -> String {
    let params = function.params();
    let required = params.iter().filter(|p| p.omitted == Omitted::Required).count();
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    if function.is_variadic() {
        format!("{required} or more arguments")
    } else if required == params.len() {
        format!("{required} {}", plural(required))
    } else {
        format!("{required} to {} arguments", params.len())
    }
}
