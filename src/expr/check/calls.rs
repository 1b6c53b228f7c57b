//! Calls: the function exists and may be used here, the arguments match its parameters
//! (named or positional, omitted ones filled in), and each argument is of the kind it takes.

use super::{Aggregation, Checker};
use crate::error::{Error, ErrorKind};
use crate::expr::ast::{Argument, Span, Spanned, SpannedExpr};
use crate::expr::functions::{Family, Function, Kind, Omitted};
use crate::expr::ir::{Ir, IrNode, Ref};
use crate::expr::types::Type;

impl Checker<'_> {
    pub(super) fn call(&mut self, function_name: &Spanned<String>, args: &[Argument], span: Span) -> Ir {
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
            (Family::Scoring, None) if function == Function::Bands && self.place.bands.is_none() => {
                Some(self.place.what)
            }
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
                        let error =
                            ErrorKind::RepeatedArgument { function: name.clone(), argument: arg_name.node.clone() };
                        self.problem(arg_name.span, Error::new(error));
                        ok = false;
                    }
                    Some(index) => slots[index] = Some(&arg.value),
                    None => {
                        let error =
                            ErrorKind::UnknownArgument { function: name.clone(), argument: arg_name.node.clone() };
                        let names: Vec<String> = params.iter().map(|p| format!("`{}`", p.name)).collect();
                        let error =
                            Error::new(error).note(format!("the arguments of `{name}` are {}", names.join(", ")));
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
                    Error::new(ErrorKind::WrongArgumentCount {
                        function: name.clone(),
                        expected: arity(function),
                        found: args.len(),
                    })
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
                    let error = ErrorKind::NotAWholeNumber {
                        function: function.name().to_string(),
                        argument: param.to_string(),
                    };
                    let help = if function == Function::Round {
                        "digits can be 0 or negative"
                    } else {
                        "it must be 1 or more"
                    };
                    self.problem(ir.span, Error::new(error).help(help));
                }
            }
            Kind::Literal => {
                if ir.number().is_none() {
                    let error = ErrorKind::WrongValueType {
                        expected: "a number written out",
                        found: "a formula",
                        what: what(),
                    };
                    self.problem(ir.span, Error::new(error));
                } else if function == Function::Quantile && !(0.0..=1.0).contains(&ir.number().unwrap_or(0.0)) {
                    let error = ErrorKind::WrongValueType {
                        expected: "between 0 and 1",
                        found: "a number outside",
                        what: what(),
                    };
                    self.problem(
                        ir.span,
                        Error::new(error).help("write the quantile as a fraction or a percent: `0.9` or `90%`"),
                    );
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
                let error =
                    Error::new(ErrorKind::MissingArgument { function: "bands".into(), argument: "band name".into() })
                        .help("give each band its points by name: `bands(excellent = 100, good = 80)`");
                self.problem(arg.value.span, error);
                continue;
            };
            if !bands.contains(&name.node) {
                let error =
                    Error::new(ErrorKind::UnknownArgument { function: "bands".into(), argument: name.node.clone() })
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
