//! The language's rules that read an operand more than once (a division checks its
//! denominator, `if` its condition, a z-score the mean of its values), as polars functions that
//! take each operand once. Written as expressions, the operand would appear twice in the tree,
//! and a formula nesting such calls would grow the tree exponentially: `change(change(…))` ten
//! deep is a thousand copies. Here each operand is computed once and read as a column, so a
//! formula compiles and runs in time linear in its length.
//!
//! Elementwise kernels take columns of one length, or of length 1 for a literal; period and
//! entity kernels run on the values of one group of a window.

use polars::prelude::*;

use crate::expr::Better;

/// `value` where it is finite, else null: an overflow or a `NaN` cell is no data. A column
/// that is finite throughout (nearly every one) is passed on as it is, after one vectorised
/// check.
pub fn finite(value: Expr) -> Expr {
    value.cast(DataType::Float64).map(
        |column| {
            let values = column.f64()?;
            // The buffers as they are, null slots too: a slot whose garbage is not finite only
            // sends the column down the slow path.
            if values.downcast_iter().all(|chunk| chunk.values().iter().all(|v| v.is_finite())) {
                return Ok(column);
            }
            Ok(values.apply(|v| v.filter(|x| x.is_finite())).into_column())
        },
        |_, field| Ok(number_field(field)),
    )
}

/// `numerator / denominator`, null when the denominator is 0 or null, or the quotient overflows:
/// a finite number divided by 0 is infinite, and 0 / 0 is NaN, so [`finite`] makes all of them
/// no data.
pub fn divide(numerator: Expr, denominator: Expr) -> Expr {
    finite(numerator.cast(DataType::Float64) / denominator)
}

/// How far `value` is towards `target`; see [`super::attainment`].
pub fn attainment(value: Expr, target: Expr, cap: Option<Expr>, better: Better) -> Expr {
    let capped = cap.is_some();
    let operands: Vec<Expr> = std::iter::once(target).chain(cap).collect();
    numeric(value, &operands, move |v| {
        let (value, target) = (v[0]?, v[1]?);
        let cap = if capped { Some(v[2]?) } else { None };
        if target == 0.0 {
            return None;
        }
        let ratio = match better {
            Better::Higher => value / target,
            Better::Lower if value <= 0.0 => cap?,
            Better::Lower => target / value,
        };
        Some(cap.map_or(ratio.max(0.0), |cap| ratio.clamp(0.0, cap.max(0.0))))
    })
}

/// 0 at `lo`, 100 at `hi`, straight between, clipped to 0–100; null when `lo` equals `hi`.
pub fn linear(value: Expr, lo: Expr, hi: Expr) -> Expr {
    numeric(value, &[lo, hi], |v| {
        let (value, lo, hi) = (v[0]?, v[1]?, v[2]?);
        (hi != lo).then(|| ((value - lo) / (hi - lo) * 100.0).clamp(0.0, 100.0))
    })
}

/// `if condition then yes else no`, null where the condition is null.
pub fn conditional(condition: Expr, yes: Expr, no: Expr) -> Expr {
    condition.map_many(
        |columns| {
            let len = longest(columns);
            let condition = broadcast(&columns[0], len).cast(&DataType::Boolean)?;
            let condition = condition.bool()?;
            let dtype = shared_type(columns[1].dtype(), columns[2].dtype());
            let yes = broadcast(&columns[1], len).cast(&dtype)?;
            let no = broadcast(&columns[2], len).cast(&dtype)?;
            let chosen = yes.zip_with(&condition.fill_null_with_values(false)?, &no)?;
            let unknown = Column::full_null(chosen.name().clone(), len, &dtype);
            chosen.zip_with(&condition.is_not_null(), &unknown)
        },
        &[yes, no],
        |_, fields| Ok(Field::new(fields[1].name().clone(), shared_type(fields[1].dtype(), fields[2].dtype()))),
    )
}

/// `a`, or null where it equals `b`.
pub fn null_if(a: Expr, b: Expr) -> Expr {
    a.map_many(
        |columns| {
            let len = longest(columns);
            let a = broadcast(&columns[0], len);
            let b = broadcast(&columns[1], len).cast(a.dtype())?;
            let equal = a.as_materialized_series().equal(b.as_materialized_series())?;
            let unknown = Column::full_null(a.name().clone(), len, a.dtype());
            a.zip_with(&!equal.fill_null_with_values(false)?, &unknown)
        },
        &[b],
        |_, fields| Ok(Field::new(fields[0].name().clone(), settled(fields[0].dtype()))),
    )
}

/// `f(value, the value n rows before)` down one entity's periods: `change` and `pct_change`.
pub fn lagged(x: Expr, n: usize, f: fn(f64, f64) -> f64) -> Expr {
    x.cast(DataType::Float64).apply(
        move |column| {
            let column = column.rechunk();
            let values = column.f64()?;
            let at = |i: usize| values.get(i);
            let out = (0..values.len()).map(|i| Some(f(at(i)?, at(i.checked_sub(n)?)?)).filter(|v| v.is_finite()));
            Ok(Float64Chunked::from_iter_options(column.name().clone(), out).into_column())
        },
        |_, field| Ok(number_field(field)),
    )
}

/// What a value is among the values of one period, across its entities.
#[derive(Clone, Copy, Debug)]
pub enum Across {
    /// 1 for the largest value, ties sharing the smallest rank.
    Rank,
    /// The mean of the period's values, the same for each entity.
    Mean,
    /// The share of the values at most this one.
    Percentile,
    /// This value over their sum; null when they sum to 0.
    Share,
    /// How many sample standard deviations from their mean; null when they are all equal.
    Zscore,
}

impl Across {
    /// `x` of each entity, among the period's values: run inside a window over the period. With
    /// fewer than `peers` values in the period, there is nothing to compare with: no data.
    pub fn of(self, x: Expr, peers: usize) -> Expr {
        x.cast(DataType::Float64).apply(
            move |column| {
                let values: Vec<Option<f64>> = column.f64()?.iter().collect();
                let out = self.among(&values, peers);
                Ok(Float64Chunked::from_iter_options(column.name().clone(), out.into_iter()).into_column())
            },
            |_, field| Ok(number_field(field)),
        )
    }

    /// Each of one period's `values`, among them.
    pub fn among(self, values: &[Option<f64>], peers: usize) -> Vec<Option<f64>> {
        let mut present: Vec<f64> = values.iter().flatten().copied().collect();
        present.sort_by(f64::total_cmp);
        let measure = self.measure(&present);
        let compared = present.len() >= peers;
        values.iter().map(|v| measure(*v).filter(|v| compared && v.is_finite())).collect()
    }

    /// The function of one value (no data for most, the period's mean for `Mean`), given the
    /// period's values in ascending order.
    fn measure(self, sorted: &[f64]) -> impl Fn(Option<f64>) -> Option<f64> + '_ {
        let n = sorted.len() as f64;
        let sum: f64 = sorted.iter().sum();
        let mean = sum / n;
        let deviation = (sorted.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        move |value| match (self, value) {
            (Across::Mean, _) => Some(mean),
            (_, None) => None,
            (Across::Rank, Some(value)) => Some((sorted.len() - sorted.partition_point(|v| *v <= value)) as f64 + 1.0),
            (Across::Percentile, Some(value)) => Some(sorted.partition_point(|v| *v <= value) as f64 / n),
            (Across::Share, Some(value)) => (sum != 0.0).then(|| value / sum),
            (Across::Zscore, Some(value)) => (deviation > 0.0).then(|| (value - mean) / deviation),
        }
    }
}

/// An elementwise function of numbers: `f` gets the operands' values in a row, `None` for no
/// data; a result that is not finite is no data too.
fn numeric(first: Expr, rest: &[Expr], f: impl Fn(&[Option<f64>]) -> Option<f64> + Send + Sync + 'static) -> Expr {
    first.map_many(
        move |columns| {
            let len = longest(columns);
            let floats: Vec<Column> = columns
                .iter()
                .map(|c| Ok(broadcast(c, len).cast(&DataType::Float64)?.rechunk()))
                .collect::<PolarsResult<_>>()?;
            let floats: Vec<&Float64Chunked> = floats.iter().map(Column::f64).collect::<PolarsResult<_>>()?;
            let mut operands: Vec<_> = floats.iter().map(|values| values.iter()).collect();
            let mut row = vec![None; operands.len()];
            let out = (0..len).map(|_| {
                for (slot, values) in row.iter_mut().zip(operands.iter_mut()) {
                    *slot = values.next().flatten();
                }
                f(&row).filter(|v| v.is_finite())
            });
            Ok(Float64Chunked::from_iter_options(columns[0].name().clone(), out).into_column())
        },
        rest,
        |_, fields| Ok(number_field(&fields[0])),
    )
}

/// The type both branches of an `if` are read as: the checker has made them alike, so only a
/// `null` branch or numbers of two widths differ.
fn shared_type(a: &DataType, b: &DataType) -> DataType {
    match (&settled(a), &settled(b)) {
        (DataType::Null, other) | (other, DataType::Null) => other.clone(),
        (a, b) if a != b && a.is_primitive_numeric() && b.is_primitive_numeric() => DataType::Float64,
        (a, _) => a.clone(),
    }
}

/// A literal's type is settled only when it meets a column (`1.5` is a float of any width): a
/// function's output needs it settled.
fn settled(dtype: &DataType) -> DataType {
    dtype.clone().materialize_unknown(false).unwrap_or(DataType::Float64)
}

fn number_field(field: &Field) -> Field {
    Field::new(field.name().clone(), DataType::Float64)
}

fn longest(columns: &[Column]) -> usize {
    columns.iter().map(Column::len).max().unwrap_or(0)
}

/// A literal's one value repeated to `len` rows; other columns as they are.
fn broadcast(column: &Column, len: usize) -> Column {
    if column.len() == 1 && len != 1 { column.new_from_index(0, len) } else { column.clone() }
}
