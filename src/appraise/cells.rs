//! One entity in one period: its row of the evaluated grid, read by column kind.

use minijinja::Value;
use polars::prelude::*;

use crate::compile::GridColumn;
use crate::engine::period::from_epoch_days;
use crate::engine::{Evaluation, Period};
use crate::ruleset::CheckedRuleset;

pub struct Cell<'a> {
    pub entity: &'a str,
    pub period: Period,
    evaluation: &'a Evaluation,
    row: usize,
}

impl<'a> Cell<'a> {
    pub fn new(evaluation: &'a Evaluation, entity: usize, period: usize) -> Cell<'a> {
        Cell {
            entity: &evaluation.entities[entity],
            period: evaluation.periods[period],
            evaluation,
            row: evaluation.row(entity, period),
        }
    }

    fn get(&self, column: GridColumn) -> AnyValue<'a> {
        self.evaluation.column(column).get(self.row).expect("a cell's row is in the grid")
    }

    /// A number, or `None` for no data.
    pub fn number(&self, column: GridColumn) -> Option<f64> {
        match self.get(column) {
            AnyValue::Null => None,
            value => value.extract::<f64>().filter(|v| v.is_finite()),
        }
    }

    pub fn text(&self, column: GridColumn) -> Option<String> {
        match self.get(column) {
            AnyValue::String(text) => Some(text.to_string()),
            AnyValue::StringOwned(text) => Some(text.to_string()),
            _ => None,
        }
    }

    /// A date, as `2026-10-31`.
    pub fn date(&self, column: GridColumn) -> Option<String> {
        match self.get(column) {
            AnyValue::Date(days) => Some(from_epoch_days(days).to_string()),
            _ => None,
        }
    }

    /// A condition column; null counts as false.
    pub fn flag(&self, column: GridColumn) -> bool {
        matches!(self.get(column), AnyValue::Boolean(true))
    }

    /// A value as templates see it: a number, text, a boolean or none.
    pub fn value(&self, column: GridColumn) -> Value {
        match self.get(column) {
            AnyValue::String(text) => Value::from(text),
            AnyValue::StringOwned(text) => Value::from(text.as_str()),
            AnyValue::Boolean(flag) => Value::from(flag),
            AnyValue::Null => Value::from(()),
            other => other.extract::<f64>().filter(|v| v.is_finite()).map_or(Value::from(()), Value::from),
        }
    }

    /// Everything a diagnosis text may name: KPIs, measures, attributes, `entity`, `period`.
    pub fn template_values(&self, ruleset: &CheckedRuleset) -> Value {
        let mut values: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
        for name in ruleset.measures.keys().chain(ruleset.kpis.keys()) {
            values.insert(name.clone(), self.value(GridColumn::Value(name)));
        }
        for name in ruleset.attributes.keys() {
            values.insert(name.clone(), self.value(GridColumn::Attribute(name)));
        }
        values.insert("entity".into(), Value::from(self.entity));
        values.insert("period".into(), Value::from(self.period.label()));
        Value::from(values)
    }
}
