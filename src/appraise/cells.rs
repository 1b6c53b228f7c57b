//! One entity in one period: its row of the evaluated grid, read by column kind.

use crate::compile::GridColumn;
use crate::engine::cell_value::CellValue;
use crate::engine::{Evaluation, Period};
use crate::texts::TextValue;

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

    /// The evaluation the cell is of.
    pub(super) fn evaluation(&self) -> &'a Evaluation {
        self.evaluation
    }

    /// The cell's row of the grid.
    pub fn row(&self) -> usize {
        self.row
    }

    /// A number, or `None` for no data.
    pub fn number(&self, column: GridColumn) -> Option<f64> {
        self.evaluation.column(column).number(self.row)
    }

    pub fn text(&self, column: GridColumn) -> Option<String> {
        self.evaluation.column(column).text(self.row).map(str::to_string)
    }

    /// A date, as `2026-10-31`.
    pub fn date(&self, column: GridColumn) -> Option<String> {
        self.evaluation.column(column).date(self.row)
    }

    /// A condition column; null counts as false.
    pub fn flag(&self, column: GridColumn) -> bool {
        self.evaluation.column(column).flag(self.row)
    }

    /// A value of whatever type its column holds, as texts show it.
    pub fn value(&self, column: GridColumn) -> TextValue {
        text_value(self.evaluation.column(column).value(self.row))
    }
}

/// A value of the grid as texts and reports show it.
pub fn text_value(value: CellValue<'_>) -> TextValue {
    match value {
        CellValue::Number(number) => TextValue::Number(number),
        CellValue::Text(text) => TextValue::Text(text.to_string()),
        CellValue::Flag(flag) => TextValue::Flag(flag),
        CellValue::None => TextValue::None,
    }
}
