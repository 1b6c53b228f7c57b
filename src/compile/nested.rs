//! Windows whose operand holds a window over other rows: `rank(pct_change(x))`,
//! `pct_change(rank(x))`, `to_date(change(x))`. polars computes a window's operand inside each
//! of its groups, where an inner window over another partition sees only the group's rows (one
//! per entity in a period): every value would be no data. Such a window is computed here over
//! the whole grid instead — its operand first, on every row, then the window by the groups it
//! names. The grid is complete and in entity then period order, so an entity's periods (and
//! an entity's periods of one year) are one run of rows.

use std::collections::HashMap;

use polars::prelude::*;

use super::columns::GridColumn;
use super::kernels::Across;

/// Whether `x` holds a window of its own.
pub fn holds_window(x: &Expr) -> bool {
    x.into_iter().any(|node| matches!(node, Expr::Over { .. }))
}

/// What a period function does down one entity's periods, in calendar order.
#[derive(Clone, Copy)]
pub enum Along {
    /// The value `n` periods before.
    Shift(usize),
    /// `f(value, the value n periods before)`.
    Lagged(usize, fn(f64, f64) -> f64),
    /// Of the values present among this period and the `n − 1` before it: their mean, sum, or
    /// sample standard deviation (which needs two).
    Mean(usize),
    Sum(usize),
    Std(usize),
    /// The sum of the values present from the year's first period to this one.
    ToDate,
}

impl Along {
    /// The function down one run of periods.
    fn run(self, values: &[Option<f64>]) -> Vec<Option<f64>> {
        let mut running: Option<f64> = None;
        let at = |i: usize| {
            let before = |n: usize| i.checked_sub(n).and_then(|j| values[j]);
            let window = |n: usize| values[(i + 1).saturating_sub(n)..=i].iter().flatten().copied().collect::<Vec<_>>();
            match self {
                Along::Shift(n) => before(n),
                Along::Lagged(n, f) => Some(f(values[i]?, before(n)?)),
                Along::Mean(n) => mean(&window(n)),
                Along::Sum(n) => Some(window(n)).filter(|w| !w.is_empty()).map(|w| w.iter().sum()),
                Along::Std(n) => {
                    let window = window(n);
                    let mean = mean(&window)?;
                    let squares: f64 = window.iter().map(|v| (v - mean).powi(2)).sum();
                    (window.len() >= 2).then(|| (squares / (window.len() - 1) as f64).sqrt())
                }
                Along::ToDate => unreachable!("summed as it runs"),
            }
        };
        (0..values.len())
            .map(|i| match self {
                Along::ToDate => {
                    running = values[i].map(|v| running.unwrap_or(0.0) + v).or(running);
                    running
                }
                _ => at(i),
            })
            .map(|v| v.filter(|v| v.is_finite()))
            .collect()
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// `along` down each entity's periods (each entity's periods of one year, for `ToDate`).
pub fn along(x: Expr, along: Along) -> Expr {
    let mut keys = vec![GridColumn::Entity.col()];
    if matches!(along, Along::ToDate) {
        keys.push(GridColumn::Year.col().cast(DataType::String));
    }
    x.cast(DataType::Float64).map_many(
        move |columns| {
            let values: Vec<Option<f64>> = columns[0].f64()?.iter().collect();
            let keys: Vec<StringChunked> =
                columns[1..].iter().map(|c| c.str().cloned()).collect::<PolarsResult<_>>()?;
            let same = |a: usize, b: usize| keys.iter().all(|key| key.get(a) == key.get(b));
            let mut out = Vec::with_capacity(values.len());
            let mut start = 0;
            for end in 1..=values.len() {
                if end == values.len() || !same(start, end) {
                    out.extend(along.run(&values[start..end]));
                    start = end;
                }
            }
            Ok(Float64Chunked::from_iter_options(columns[0].name().clone(), out.into_iter()).into_column())
        },
        &keys,
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}

/// `what` of each entity's `x` among the values of its period.
pub fn across(x: Expr, what: Across, peers: usize) -> Expr {
    x.cast(DataType::Float64).map_many(
        move |columns| {
            let values: Vec<Option<f64>> = columns[0].f64()?.iter().collect();
            let periods = columns[1].cast(&DataType::Int32)?;
            let mut groups: HashMap<Option<i32>, Vec<usize>> = HashMap::new();
            for (row, period) in periods.i32()?.iter().enumerate() {
                groups.entry(period).or_default().push(row);
            }
            let mut out = vec![None; values.len()];
            for rows in groups.values() {
                let group: Vec<Option<f64>> = rows.iter().map(|&row| values[row]).collect();
                for (&row, value) in rows.iter().zip(what.among(&group, peers)) {
                    out[row] = value;
                }
            }
            Ok(Float64Chunked::from_iter_options(columns[0].name().clone(), out.into_iter()).into_column())
        },
        &[GridColumn::Period.col()],
        |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Float64)),
    )
}
