//! The diagnoses that fire in a cell, with their finding and advice rendered in one language
//! over the cell's values. The texts are compiled, and the columns they read looked up, once
//! for every cell of a run.

use std::collections::HashMap;
use std::sync::Arc;

use super::cells::{Cell, text_value};
use super::{Finding, FindingStatus};
use crate::compile::GridColumn;
use crate::engine::Evaluation;
use crate::engine::cell_value::{CellValue, GridValues};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::Ref;
use crate::format::ValueFormat;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::texts::{Names, TextValue, Texts};

pub struct Findings<'a> {
    ruleset: &'a CheckedRuleset,
    texts: Texts,
    /// Whether each diagnosis fires, by row.
    fired: Vec<GridValues>,
    /// Whether each diagnosis's condition could be evaluated (was not no data), by row.
    assessed: Vec<GridValues>,
    /// What a text can name: the measures, KPIs and attributes, and their columns.
    names: Arc<HashMap<String, GridValues>>,
    /// The KPIs' targets, for `{{ target.read_rate }}`.
    targets: Arc<HashMap<String, GridValues>>,
    /// The decimals of the KPIs that have them (an integer KPI has none).
    decimals: Arc<HashMap<String, u8>>,
    locale: Locale,
}

impl<'a> Findings<'a> {
    /// The diagnoses of `ruleset` in `evaluation`, their texts in `locale` (falling back to the
    /// other locale, then to the id).
    pub fn new(ruleset: &'a CheckedRuleset, evaluation: &'a Evaluation, locale: Locale) -> Result<Findings<'a>> {
        let mut texts = Texts::new(locale);
        for diagnosis in &ruleset.model.diagnoses {
            let finding = diagnosis.finding.get(locale).unwrap_or(&diagnosis.id);
            texts.add(name(&diagnosis.id, "finding"), finding.to_string()).map_err(Error::internal)?;
            if let Some(advice) = diagnosis.advice.as_ref().and_then(|a| a.get(locale)) {
                texts.add(name(&diagnosis.id, "advice"), advice.to_string()).map_err(Error::internal)?;
            }
        }
        let fired = (0..ruleset.diagnoses.len()).map(|index| evaluation.column(GridColumn::Fired(index))).collect();
        let assessed =
            (0..ruleset.diagnoses.len()).map(|index| evaluation.column(GridColumn::Assessed(index))).collect();
        let named = ruleset.measures.keys().chain(ruleset.kpis.keys()).map(|name| (name, GridColumn::Value(name)));
        let attributes = ruleset.attributes.keys().map(|name| (name, GridColumn::Attribute(name)));
        let names = named.chain(attributes).map(|(name, column)| (name.clone(), evaluation.column(column)));
        let targets = ruleset.kpis.keys().map(|kpi| (kpi.clone(), evaluation.column(GridColumn::Target(kpi))));
        let decimals = ruleset.model.kpis.iter().filter_map(|(id, kpi)| {
            let decimals = kpi.decimals.or((kpi.format == ValueFormat::Integer).then_some(0));
            decimals.map(|d| (id.clone(), d))
        });
        Ok(Findings {
            ruleset,
            texts,
            fired,
            assessed,
            locale,
            names: Arc::new(names.collect()),
            targets: Arc::new(targets.collect()),
            decimals: Arc::new(decimals.collect()),
        })
    }

    /// The diagnoses that fire in a cell, in the ruleset's order, each new or recurring.
    pub fn of(&self, cell: &Cell) -> Result<Vec<Finding>> {
        let fired: Vec<usize> = (0..self.fired.len()).filter(|i| self.fires(*i, cell)).collect();
        let status = |index: usize| {
            let periods = self.streak(index, cell);
            (if periods > 1 { FindingStatus::Recurring } else { FindingStatus::New }, periods)
        };
        self.findings(cell, fired, status)
    }

    /// The diagnoses that fired in the cell's previous period and whose condition is false in
    /// it, with their texts of then. A condition of no data resolves nothing: see
    /// [`Findings::unassessed`].
    pub fn resolved(&self, cell: &Cell) -> Result<Vec<Finding>> {
        let Some(before) = cell.previous() else { return Ok(Vec::new()) };
        let gone: Vec<usize> = (0..self.fired.len())
            .filter(|i| self.fires(*i, &before) && !self.fires(*i, cell) && self.assessed(*i, cell))
            .collect();
        self.findings(&before, gone, |index| (FindingStatus::Resolved, self.streak(index, &before)))
    }

    /// The diagnoses that fired in the cell's previous period and could not be assessed in it,
    /// their inputs being no data: with their texts of then, their run of periods, and which
    /// inputs have no data.
    pub fn unassessed(&self, cell: &Cell) -> Result<Vec<Finding>> {
        let Some(before) = cell.previous() else { return Ok(Vec::new()) };
        let open: Vec<usize> =
            (0..self.fired.len()).filter(|i| self.fires(*i, &before) && !self.assessed(*i, cell)).collect();
        let mut found =
            self.findings(&before, open.clone(), |index| (FindingStatus::Unassessed, self.streak(index, &before)))?;
        for (finding, index) in found.iter_mut().zip(open) {
            finding.reason = Some(self.reason(index, cell));
        }
        Ok(found)
    }

    fn assessed(&self, index: usize, cell: &Cell) -> bool {
        self.assessed[index].flag(cell.row())
    }

    /// Why a diagnosis could not be assessed in a cell: the values its condition names that
    /// are no data there.
    fn reason(&self, index: usize, cell: &Cell) -> String {
        let ruleset = self.ruleset;
        let mut missing: Vec<String> = Vec::new();
        for reference in ruleset.diagnoses[index].when.ir.refs() {
            let (name, label) = match reference {
                Ref::Kpi(name) => (name, ruleset.kpi_label(name, self.locale)),
                Ref::Measure(name) => (name, name.clone()),
                Ref::Attribute(name) => (name, ruleset.attribute_label(name, self.locale).unwrap_or(name.clone())),
                _ => continue,
            };
            let empty = self.names.get(name).is_some_and(|column| matches!(column.value(cell.row()), CellValue::None));
            if empty && !missing.contains(&label) {
                missing.push(label);
            }
        }
        let locale = self.locale;
        match missing.is_empty() {
            true => locale.pick("数据缺失", "data missing").to_string(),
            false => locale
                .pick(format!("数据缺失：{}", missing.join("、")), format!("data missing: {}", missing.join(", "))),
        }
    }

    fn fires(&self, index: usize, cell: &Cell) -> bool {
        self.fired[index].flag(cell.row())
    }

    /// How many periods in a row the diagnosis fires, ending with the cell's.
    fn streak(&self, index: usize, cell: &Cell) -> usize {
        let mut periods = 0;
        let mut at = Some(cell.clone());
        while let Some(current) = at.filter(|c| self.fires(index, c)) {
            periods += 1;
            at = current.previous();
        }
        periods
    }

    /// The findings of the diagnoses numbered `indices`, rendered over the cell's values.
    fn findings(
        &self,
        cell: &Cell,
        indices: Vec<usize>,
        status: impl Fn(usize) -> (FindingStatus, usize),
    ) -> Result<Vec<Finding>> {
        if indices.is_empty() {
            return Ok(Vec::new());
        }
        let values = self.values(cell);
        indices
            .into_iter()
            .map(|index| {
                let diagnosis = &self.ruleset.model.diagnoses[index];
                let (finding, advice) = self.render(&diagnosis.id, &values).map_err(|e| {
                    Error::new(ErrorKind::TextFailed {
                        diagnosis: diagnosis.id.clone(),
                        entity: cell.entity.to_string(),
                        period: cell.period.label(),
                        message: e.to_string(),
                    })
                })?;
                let (status, periods) = status(index);
                let severity = diagnosis.severity;
                Ok(Finding { id: diagnosis.id.clone(), severity, finding, advice, status, periods, reason: None })
            })
            .collect()
    }

    /// Everything a diagnosis text may name: KPIs, measures, attributes, `entity`, `period`,
    /// and `target`, the KPIs' targets.
    fn values(&self, cell: &Cell) -> Arc<dyn Names> {
        Arc::new(CellValues {
            names: self.names.clone(),
            targets: self.targets.clone(),
            decimals: self.decimals.clone(),
            row: cell.row(),
            entity: cell.entity.to_string(),
            period: cell.period.label(),
        })
    }

    /// The finding and advice of a diagnosis, rendered over a cell's values.
    fn render(&self, id: &str, values: &Arc<dyn Names>) -> Result<(String, Option<String>), String> {
        let finding =
            self.texts.render(&name(id, "finding"), values.clone()).expect("every diagnosis has a finding")?;
        let advice = self.texts.render(&name(id, "advice"), values.clone()).transpose()?;
        Ok((finding, advice))
    }
}

/// A cell's values, read only as a text names them: a text names a few of the many there are.
#[derive(Debug)]
struct CellValues {
    names: Arc<HashMap<String, GridValues>>,
    targets: Arc<HashMap<String, GridValues>>,
    /// The decimals each KPI that declares them is shown with.
    decimals: Arc<HashMap<String, u8>>,
    row: usize,
    entity: String,
    period: String,
}

impl Names for CellValues {
    fn get(&self, name: &str) -> Option<TextValue> {
        match name {
            "entity" => Some(TextValue::Text(self.entity.clone())),
            "period" => Some(TextValue::Text(self.period.clone())),
            name => self.names.get(name).map(|column| text_value(column.value(self.row))),
        }
    }

    fn nested(&self, name: &str) -> Option<Arc<dyn Names>> {
        let targets = Targets { targets: self.targets.clone(), decimals: self.decimals.clone(), row: self.row };
        (name == "target").then(|| Arc::new(targets) as Arc<dyn Names>)
    }

    fn decimals(&self, name: &str) -> Option<u8> {
        self.decimals.get(name).copied()
    }
}

/// The KPIs' targets in a cell: `{{ target.read_rate | pct }}`.
#[derive(Debug)]
struct Targets {
    targets: Arc<HashMap<String, GridValues>>,
    decimals: Arc<HashMap<String, u8>>,
    row: usize,
}

impl Names for Targets {
    fn get(&self, kpi: &str) -> Option<TextValue> {
        self.targets.get(kpi).map(|column| text_value(column.value(self.row)))
    }

    fn decimals(&self, kpi: &str) -> Option<u8> {
        self.decimals.get(kpi).copied()
    }
}

fn name(id: &str, field: &str) -> String {
    format!("{id}.{field}")
}
