//! One entity in one period: its row of the evaluated grid.

use minijinja::Value;
use polars::prelude::*;

use crate::compile::columns;
use crate::engine::{Evaluation, Period};
use crate::ruleset::CheckedRuleset;

pub struct Cell<'a> {
    pub entity: &'a str,
    pub period: Period,
    frame: &'a DataFrame,
    row: usize,
}

impl<'a> Cell<'a> {
    pub fn new(evaluation: &'a Evaluation, entity: usize, period: usize) -> Cell<'a> {
        Cell {
            entity: &evaluation.entities[entity],
            period: evaluation.periods[period],
            frame: &evaluation.frame,
            row: evaluation.row(entity, period),
        }
    }

    fn get(&self, column: &str) -> Option<AnyValue<'_>> {
        self.frame.column(column).ok().and_then(|c| c.get(self.row).ok())
    }

    /// A number, or `None` for no data or a column the grid does not have.
    pub fn number(&self, column: &str) -> Option<f64> {
        match self.get(column)? {
            AnyValue::Null => None,
            value => value.extract::<f64>().filter(|v| v.is_finite()),
        }
    }

    pub fn text(&self, column: &str) -> Option<String> {
        match self.get(column)? {
            AnyValue::String(text) => Some(text.to_string()),
            AnyValue::StringOwned(text) => Some(text.to_string()),
            _ => None,
        }
    }

    /// A condition column; null and absent count as false.
    pub fn flag(&self, column: &str) -> bool {
        matches!(self.get(column), Some(AnyValue::Boolean(true)))
    }

    /// A value as templates see it: a number, text, a boolean or none.
    pub fn value(&self, column: &str) -> Value {
        match self.get(column) {
            Some(AnyValue::String(text)) => Value::from(text),
            Some(AnyValue::StringOwned(text)) => Value::from(text.as_str()),
            Some(AnyValue::Boolean(flag)) => Value::from(flag),
            Some(AnyValue::Null) | None => Value::from(()),
            Some(other) => other.extract::<f64>().filter(|v| v.is_finite()).map_or(Value::from(()), Value::from),
        }
    }

    /// Everything a diagnosis text may name: KPIs, measures, attributes, `entity`, `period`.
    pub fn template_values(&self, ruleset: &CheckedRuleset) -> Value {
        let mut values: std::collections::BTreeMap<String, Value> = std::collections::BTreeMap::new();
        for name in ruleset.measures.keys().chain(ruleset.kpis.keys()) {
            values.insert(name.clone(), self.value(&columns::value(name)));
        }
        for name in ruleset.attributes.keys() {
            values.insert(name.clone(), self.value(&columns::attribute(name)));
        }
        values.insert("entity".into(), Value::from(self.entity));
        values.insert("period".into(), Value::from(self.period.label()));
        Value::from(values)
    }
}
