//! One entity in one period: its row of the evaluated grid, read by column kind.

use minijinja::Value;
use polars::prelude::*;

use crate::compile::GridColumn;
use crate::engine::cell_value::{flag_at, number_at, text_at};
use crate::engine::period::from_epoch_days;
use crate::engine::{Evaluation, Period};

#[derive(Clone)]
pub struct Cell<'a> {
    pub entity: &'a str,
    pub period: Period,
    evaluation: &'a Evaluation,
    row: usize,
    /// The entity's and the period's places in the evaluation.
    at: (usize, usize),
}

impl<'a> Cell<'a> {
    pub fn new(evaluation: &'a Evaluation, entity: usize, period: usize) -> Cell<'a> {
        Cell {
            entity: &evaluation.entities[entity],
            period: evaluation.periods[period],
            evaluation,
            row: evaluation.row(entity, period),
            at: (entity, period),
        }
    }

    /// The same entity in the period before, if the data has one.
    pub fn previous(&self) -> Option<Cell<'a>> {
        let (entity, period) = self.at;
        period.checked_sub(1).map(|before| Cell::new(self.evaluation, entity, before))
    }

    /// The cell's row of the grid.
    pub fn row(&self) -> usize {
        self.row
    }

    /// A number, or `None` for no data.
    pub fn number(&self, column: GridColumn) -> Option<f64> {
        number_at(self.evaluation.column(column), self.row)
    }

    pub fn text(&self, column: GridColumn) -> Option<String> {
        text_at(self.evaluation.column(column), self.row).map(str::to_string)
    }

    /// A date, as `2026-10-31`.
    pub fn date(&self, column: GridColumn) -> Option<String> {
        match self.evaluation.column(column).get(self.row) {
            Ok(AnyValue::Date(days)) => Some(from_epoch_days(days).to_string()),
            _ => None,
        }
    }

    /// A condition column; null counts as false.
    pub fn flag(&self, column: GridColumn) -> bool {
        flag_at(self.evaluation.column(column), self.row)
    }

    /// A value as templates see it.
    pub fn value(&self, column: GridColumn) -> Value {
        value_at(self.evaluation.column(column), self.row)
    }
}

/// A value in a row of a column, as templates see it: a number, text, a boolean or none.
pub fn value_at(column: &Column, row: usize) -> Value {
    match column.get(row) {
        Ok(AnyValue::String(text)) => Value::from(text),
        Ok(AnyValue::StringOwned(text)) => Value::from(text.as_str()),
        Ok(AnyValue::Boolean(flag)) => Value::from(flag),
        Ok(AnyValue::Null) | Err(_) => Value::from(()),
        Ok(other) => other.extract::<f64>().map_or(Value::from(()), Value::from),
    }
}
