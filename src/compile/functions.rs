//! The functions of the language as polars expressions, one line each where the semantics
//! allow. Arguments arrive compiled, in parameter order; `None` is an omitted optional one.

use polars::prelude::*;

use super::columns::{ENTITY, PERIOD, YEAR};
use super::{divide, finite, null};
use crate::expr::Function;
use crate::ruleset::model::Better;

/// A grid-level call: scalar, across periods, across entities, scoring.
pub fn call(function: Function, args: Vec<Option<Expr>>, better: Better) -> Expr {
    use Function::*;
    let mut args = args.into_iter();
    let mut next = || args.next().flatten();
    let mut arg = || next().expect("required arguments are filled in by the checker");
    match function {
        Abs => arg().abs(),
        Round => {
            let x = arg();
            round_half_away(x, arg())
        }
        Ln => finite(arg().log(lit(std::f64::consts::E))),
        Log10 => finite(arg().log(lit(10.0))),
        Sqrt => finite(arg().sqrt()),
        Exp => finite(arg().exp()),
        Clamp => {
            let (x, lo, hi) = (arg(), arg(), arg());
            x.clip(lo, hi)
        }
        Coalesce => coalesce(&rest(arg(), next)),
        Nullif => {
            let (a, b) = (arg(), arg());
            when(a.clone().eq(b)).then(lit(NULL)).otherwise(a)
        }
        Least => polars::lazy::dsl::min_horizontal(rest(arg(), next)).expect("at least one argument"),
        Greatest => polars::lazy::dsl::max_horizontal(rest(arg(), next)).expect("at least one argument"),
        IsNull => arg().is_null(),
        Prev => {
            let x = arg();
            per_entity(x.shift(arg()))
        }
        Change => {
            let x = arg();
            x.clone() - per_entity(x.shift(arg()))
        }
        PctChange => {
            let x = arg();
            divide(x.clone(), per_entity(x.shift(arg()))) - lit(1.0)
        }
        RollingMean => {
            let x = arg();
            per_entity(x.rolling_mean(window(arg())))
        }
        RollingSum => {
            let x = arg();
            per_entity(x.rolling_sum(window(arg())))
        }
        ToDate => to_date(arg()),
        Rank => per_period(arg().rank(RankOptions { method: RankMethod::Min, descending: true }, None))
            .cast(DataType::Float64),
        Percentile => {
            let x = arg();
            let at_most = per_period(x.clone().rank(RankOptions { method: RankMethod::Max, descending: false }, None));
            divide(at_most, per_period(x.count()))
        }
        Share => {
            let x = arg();
            divide(x.clone(), per_period(x.sum()))
        }
        MeanAll => per_period(arg().mean()),
        Zscore => {
            let x = arg();
            divide(x.clone() - per_period(x.clone().mean()), per_period(x.std(1)))
        }
        Attainment => {
            let (value, target) = (arg(), arg());
            attainment(value, target, next(), better) * lit(100.0)
        }
        Linear => {
            let (value, lo, hi) = (arg(), arg(), arg());
            (divide(value - lo.clone(), hi - lo) * lit(100.0)).clip(lit(0.0), lit(100.0))
        }
        Sum | Mean | Min | Max | Count | CountDistinct | First | Last | Median | Quantile | Bands => {
            unreachable!("`{}` is compiled elsewhere", function.name())
        }
    }
}

/// An aggregation of one source's rows, inside a group by entity and period. Rows arrive in
/// date order (ties in file order), which is what `first` and `last` follow.
pub fn aggregate(function: Function, args: Vec<Option<Expr>>) -> Expr {
    use Function::*;
    let mut args = args.into_iter();
    let x = args.next().flatten().expect("an aggregation has a column");
    let (q, filter) = match function {
        Quantile => (args.next().flatten(), args.next().flatten()),
        _ => (None, args.next().flatten()),
    };
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
        Quantile => x.quantile(q.expect("checked"), QuantileMethod::Linear),
        _ => unreachable!("`{}` is not an aggregation", function.name()),
    }
}

/// The sum of the values; no data when every row lacks one. A filter that keeps no row gives
/// 0, like a sum over nothing.
fn sum_of_values(x: Expr, filtered: bool) -> Expr {
    let no_values = x.clone().count().eq(lit(0));
    let no_data = if filtered { no_values.and(x.clone().len().gt(lit(0))) } else { no_values };
    when(no_data).then(null()).otherwise(x.cast(DataType::Float64).sum())
}

fn rest(first: Expr, mut next: impl FnMut() -> Option<Expr>) -> Vec<Expr> {
    let mut all = vec![first];
    while let Some(arg) = next() {
        all.push(arg);
    }
    all
}

fn per_entity(x: Expr) -> Expr {
    x.over([col(ENTITY)]).expect("a window over the entity column")
}

fn per_period(x: Expr) -> Expr {
    x.over([col(PERIOD)]).expect("a window over the period column")
}

fn window(n: Expr) -> RollingOptionsFixedWindow {
    let size = literal_whole_number(&n);
    RollingOptionsFixedWindow { window_size: size, min_periods: 1, ..Default::default() }
}

/// The value of a whole-number literal argument (`n`, `digits`), which the checker guarantees.
fn literal_whole_number(n: &Expr) -> usize {
    match n {
        Expr::Literal(literal) => literal.to_any_value().and_then(|v| v.extract::<f64>()).map_or(1, |v| v as usize),
        _ => 1,
    }
}

/// The sum of the non-null values from the year's first period to this one; null while there
/// are none.
fn to_date(x: Expr) -> Expr {
    let seen = x.clone().is_not_null().cast(DataType::UInt32).cum_sum(false).over([col(ENTITY), col(YEAR)]);
    let sum = x.fill_null(lit(0.0)).cum_sum(false).over([col(ENTITY), col(YEAR)]);
    when(seen.expect("a window").gt(lit(0))).then(sum.expect("a window")).otherwise(null())
}

/// Rounds half away from zero, like Excel's ROUND, `digits` may be 0 or negative. A value a few
/// units in the last place below a half (2.675 is stored as 2.67499999…) counts as the half,
/// as Excel treats it.
fn round_half_away(x: Expr, digits: Expr) -> Expr {
    let scale = lit(10f64).pow(digits.cast(DataType::Float64));
    let scaled = (x.clone().cast(DataType::Float64) * scale.clone()).abs();
    let nudge = scaled.clone() * lit(8.0 * f64::EPSILON);
    let rounded = (scaled + lit(0.5) + nudge).floor() / scale;
    when(x.lt(lit(0.0))).then(lit(0.0) - rounded.clone()).otherwise(rounded)
}

/// value / target for higher-is-better, target / value for lower-is-better, clipped to
/// [0, cap]; null when either is null or the target is 0. For lower-is-better a value at or
/// below 0 attains the cap (null without a cap).
fn attainment(value: Expr, target: Expr, cap: Option<Expr>, better: Better) -> Expr {
    let ratio = match better {
        Better::Higher => divide(value, target.clone()),
        Better::Lower => when(value.clone().lt_eq(lit(0.0)).and(target.clone().neq(lit(0.0))))
            .then(cap.clone().unwrap_or_else(null))
            .otherwise(divide(target.clone(), value)),
    };
    let ratio = when(target.eq(lit(0.0))).then(null()).otherwise(ratio);
    match cap {
        Some(cap) => ratio.clip(lit(0.0), cap),
        None => ratio.clip_min(lit(0.0)),
    }
}
