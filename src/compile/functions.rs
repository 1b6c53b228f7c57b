//! The functions of the language as polars expressions, one arm each. Arguments arrive
//! compiled, in parameter order; `None` is an omitted optional one. Both matches name every
//! function, so a function added to the table does not compile until it compiles here.

use polars::prelude::*;

use super::columns::GridColumn;
use super::kernels::{self, Across};
use super::nested::{self, Along};
use super::round;
use super::{finite, null};
use crate::expr::{Better, Function};

/// The compiled arguments of a call, taken in parameter order.
struct Args(std::vec::IntoIter<Option<Expr>>);

impl Args {
    fn new(args: Vec<Option<Expr>>) -> Args {
        Args(args.into_iter())
    }

    fn required(&mut self) -> Expr {
        self.0.next().flatten().expect("required arguments are filled in by the checker")
    }

    fn optional(&mut self) -> Option<Expr> {
        self.0.next().flatten()
    }

    fn all(self) -> Vec<Expr> {
        self.0.flatten().collect()
    }

    fn unary(mut self, f: impl FnOnce(Expr) -> Expr) -> Expr {
        f(self.required())
    }

    fn binary(mut self, f: impl FnOnce(Expr, Expr) -> Expr) -> Expr {
        let first = self.required();
        f(first, self.required())
    }

    fn ternary(mut self, f: impl FnOnce(Expr, Expr, Expr) -> Expr) -> Expr {
        let (first, second) = (self.required(), self.required());
        f(first, second, self.required())
    }
}

/// A grid-level call: scalar, across periods, across entities, scoring. `better` is the
/// direction of the subject being scored.
pub fn call(function: Function, args: Vec<Option<Expr>>, better: Better) -> Expr {
    use Function::*;
    let args = Args::new(args);
    match function {
        Abs => args.unary(Expr::abs),
        Round => args.binary(round_half_away),
        Ln => args.unary(|x| finite(x.log(lit(std::f64::consts::E)))),
        Log10 => args.unary(|x| finite(x.log(lit(10.0)))),
        Sqrt => args.unary(|x| finite(x.sqrt())),
        Exp => args.unary(|x| finite(x.exp())),
        Clamp => args.ternary(|x, lo, hi| x.clip(lo, hi)),
        Coalesce => coalesce(&args.all()),
        Nullif => args.binary(kernels::null_if),
        Least => polars::lazy::dsl::min_horizontal(args.all()).expect("at least one argument"),
        Greatest => polars::lazy::dsl::max_horizontal(args.all()).expect("at least one argument"),
        IsNull => args.unary(Expr::is_null),
        Prev => args.binary(|x, n| per_entity(x, Along::Shift(literal_count(&n)), |x| x.shift(n))),
        Change => args.binary(|x, n| {
            let (n, f): (usize, fn(f64, f64) -> f64) = (literal_count(&n), |x, before| x - before);
            per_entity(x, Along::Lagged(n, f), |x| kernels::lagged(x, n, f))
        }),
        PctChange => args.binary(|x, n| {
            let (n, f): (usize, fn(f64, f64) -> f64) = (literal_count(&n), |x, before| x / before - 1.0);
            per_entity(x, Along::Lagged(n, f), |x| kernels::lagged(x, n, f))
        }),
        RollingMean => {
            args.binary(|x, n| per_entity(x, Along::Mean(literal_count(&n)), |x| x.rolling_mean(window(&n))))
        }
        RollingSum => args.binary(|x, n| per_entity(x, Along::Sum(literal_count(&n)), |x| x.rolling_sum(window(&n)))),
        // The sample standard deviation needs two values.
        RollingStd => args.binary(|x, n| {
            let options = RollingOptionsFixedWindow { min_periods: 2, ..window(&n) };
            per_entity(x, Along::Std(literal_count(&n)), |x| kernels::finite(x.rolling_std(options)))
        }),
        ToDate => args.unary(to_date),
        Rank => args.binary(|x, peers| across(Across::Rank, x, &peers)),
        Percentile => args.binary(|x, peers| across(Across::Percentile, x, &peers)),
        Share => args.binary(|x, peers| across(Across::Share, x, &peers)),
        MeanAll => args.binary(|x, peers| across(Across::Mean, x, &peers)),
        Zscore => args.binary(|x, peers| across(Across::Zscore, x, &peers)),
        Attainment => {
            let mut args = args;
            let (value, target) = (args.required(), args.required());
            attainment(value, target, args.optional(), better) * lit(100.0)
        }
        Linear => args.ternary(kernels::linear),
        Sum | Mean | Min | Max | Count | CountDistinct | First | Last | Median | Quantile => {
            unreachable!("`{}` aggregates source rows: see `aggregate`", function.name())
        }
        Bands => unreachable!("`bands` is compiled from its band points"),
    }
}

/// An aggregation of one source's rows, inside a group by entity and period. Rows arrive in
/// date order (ties in file order), which is what `first` and `last` follow.
pub fn aggregate(function: Function, args: Vec<Option<Expr>>) -> Expr {
    use Function::*;
    let mut args = Args::new(args);
    let x = args.required();
    let q = (function == Quantile).then(|| args.required());
    let filter = args.optional();
    let filtered = filter.is_some();
    let x = match filter {
        Some(condition) => x.filter(condition.fill_null(lit(false))),
        None => x,
    };
    match function {
        Sum => sum_of_values(x, filtered),
        Mean => x.mean(),
        Min => x.min(),
        Max => x.max(),
        Count => x.count().cast(DataType::Float64),
        CountDistinct => x.drop_nulls().n_unique().cast(DataType::Float64),
        First => x.drop_nulls().first(),
        Last => x.drop_nulls().last(),
        Median => x.median(),
        Quantile => x.quantile(q.expect("taken above"), QuantileMethod::Linear),
        Abs | Round | Ln | Log10 | Sqrt | Exp | Clamp | Coalesce | Nullif | Least | Greatest | IsNull | Prev
        | Change | PctChange | RollingMean | RollingSum | RollingStd | ToDate | Rank | Percentile | Share | MeanAll
        | Zscore | Attainment | Linear | Bands => unreachable!("`{}` is not an aggregation", function.name()),
    }
}

/// The sum of the values; no data when every row lacks one. A filter that keeps no row gives
/// 0, like a sum over nothing.
fn sum_of_values(x: Expr, filtered: bool) -> Expr {
    let no_values = x.clone().count().eq(lit(0));
    let no_data = if filtered { no_values.and(x.clone().len().gt(lit(0))) } else { no_values };
    when(no_data).then(null()).otherwise(x.cast(DataType::Float64).sum())
}

/// `x` as a column as long as the grid, even where it is a number written out (it reads no
/// column): a function that runs on each group of a window gets the group's values, not one
/// value for all. A column stays as it is, for polars' fast windows.
fn grid_long(x: Expr) -> Expr {
    let reads_a_column = (&x).into_iter().any(|node| matches!(node, Expr::Column(_)));
    match reads_a_column {
        true => x,
        false => when(GridColumn::Year.col().is_not_null()).then(x).otherwise(lit(NULL)),
    }
}

/// `x` down each entity's periods: `window` over the entity, or, when `x` holds a window of
/// its own, `along` over the whole grid ([`nested`]).
fn per_entity(x: Expr, along: Along, window: impl FnOnce(Expr) -> Expr) -> Expr {
    let x = grid_long(x);
    match nested::holds_window(&x) {
        true => nested::along(x, along),
        false => window(x).over([GridColumn::Entity.col()]).expect("a window over the entity column"),
    }
}

/// `x` of each entity among the period's entities, where at least `peers` of them (the
/// `min_peers` argument) have a value: an entity is never its own benchmark.
fn across(what: Across, x: Expr, peers: &Expr) -> Expr {
    let (x, peers) = (grid_long(x), literal_count(peers));
    match nested::holds_window(&x) {
        true => nested::across(x, what, peers),
        false => per_period(what.of(x, peers)),
    }
}

fn per_period(x: Expr) -> Expr {
    x.over([GridColumn::Period.col()]).expect("a window over the period column")
}

fn window(n: &Expr) -> RollingOptionsFixedWindow {
    RollingOptionsFixedWindow { window_size: literal_count(n), min_periods: 1, ..Default::default() }
}

/// The value of a count argument (`n`), which the checker guarantees is a literal.
fn literal_count(n: &Expr) -> usize {
    literal_number(n) as usize
}

/// The value of an argument the checker guarantees is a number written in the formula.
fn literal_number(argument: &Expr) -> f64 {
    match argument {
        Expr::Literal(literal) => literal.to_any_value().and_then(|v| v.extract::<f64>()),
        _ => None,
    }
    .expect("the checker admits only numbers written out here")
}

/// The sum of the non-null values from the year's first period to this one; null while there
/// are none.
fn to_date(x: Expr) -> Expr {
    let x = grid_long(x);
    if nested::holds_window(&x) {
        return nested::along(x, Along::ToDate);
    }
    let year = [GridColumn::Entity.col(), GridColumn::Year.col()];
    let running = x.cast(DataType::Float64).cum_sum(false).fill_null_with_strategy(FillNullStrategy::Forward(None));
    running.over(year).expect("a window over the entity and year")
}

/// Rounds like Excel's ROUND ([`super::round`]); `digits` is a whole number written in the
/// formula, which the checker guarantees.
fn round_half_away(x: Expr, digits: Expr) -> Expr {
    let digits = literal_number(&digits) as i64;
    let round = move |column: Column| {
        let rounded = column.f64()?.apply_values(|value| round::half_away_from_zero(value, digits));
        Ok(rounded.into_column())
    };
    x.cast(DataType::Float64).map(round, |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)))
}

/// How far a value is towards its target: value / target when higher is better, target / value
/// when lower is, clipped to [0, cap] (or only at 0 without a cap). Null when either is missing
/// or the target is 0. When lower is better, a value at or below 0 attains the cap (nothing
/// without one). This is the one definition of attainment: the `attainment()` score and the
/// attainment every KPI with a target reports are both this.
pub fn attainment(value: Expr, target: Expr, cap: Option<Expr>, better: Better) -> Expr {
    kernels::attainment(value, target, cap, better)
}
