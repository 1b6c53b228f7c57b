//! The appraisal: per entity and period, each KPI's value, target, attainment, score and band;
//! each applicable scorecard's total, grade and unscored KPIs; and the diagnoses that fire, with
//! their texts. This is the machine-readable contract of `kpi run --format json`
//! (docs/output.md).

mod cells;
pub mod explain;
mod selection;

use serde::Serialize;

use crate::compile::columns;
use crate::engine::Evaluation;
use crate::error::{Error, Result};
use crate::report::texts::DiagnosisTexts;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, Severity};

pub use cells::Cell;
pub use selection::Selection;

#[derive(Debug, Serialize)]
pub struct Appraisal {
    pub ruleset: String,
    pub version: Option<String>,
    pub periods: Vec<String>,
    pub results: Vec<KpiResult>,
    pub scorecards: Vec<ScorecardResult>,
    pub diagnoses: Vec<FiredDiagnosis>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KpiResult {
    pub entity: String,
    pub period: String,
    pub kpi: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub attainment: Option<f64>,
    pub score: Option<f64>,
    pub band: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScorecardResult {
    pub entity: String,
    pub period: String,
    pub scorecard: String,
    pub score: Option<f64>,
    pub grade: Option<String>,
    /// The weighted KPIs that have no score in this cell.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiredDiagnosis {
    pub entity: String,
    pub period: String,
    pub id: String,
    pub severity: Severity,
    pub finding: String,
    pub advice: Option<String>,
}

/// A diagnosis that fired in a cell, with its texts.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub finding: String,
    pub advice: Option<String>,
}

/// The diagnoses that fire in a cell, in the ruleset's order, their texts rendered over the
/// cell's values.
pub fn fired_diagnoses(ruleset: &CheckedRuleset, cell: &Cell, texts: &DiagnosisTexts) -> Result<Vec<Finding>> {
    let fired: Vec<usize> = (0..ruleset.model.diagnoses.len()).filter(|i| cell.flag(&columns::diagnosis(*i))).collect();
    if fired.is_empty() {
        return Ok(Vec::new());
    }
    let values = cell.template_values(ruleset);
    fired
        .into_iter()
        .map(|index| {
            let diagnosis = &ruleset.model.diagnoses[index];
            let (finding, advice) = texts.render(&diagnosis.id, &values).map_err(|e| {
                let (entity, period) = (cell.entity, cell.period.label());
                Error::bad_data(format!(
                    "the text of diagnosis `{}` failed for `{entity}` in {period}: {e}",
                    diagnosis.id
                ))
            })?;
            Ok(Finding { id: diagnosis.id.clone(), severity: diagnosis.severity, finding, advice })
        })
        .collect()
}

impl Appraisal {
    /// Whether a diagnosis of `severity` or worse fired.
    pub fn fired_at_least(&self, severity: Severity) -> bool {
        self.diagnoses.iter().any(|d| d.severity >= severity)
    }
}

/// The appraisal of the selected cells, with texts in `locale`.
pub fn appraise(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    selection: &Selection,
    locale: Locale,
) -> Result<Appraisal> {
    selection.validate(evaluation)?;
    let texts = DiagnosisTexts::new(&ruleset.model.diagnoses, locale).map_err(Error::internal)?;
    let mut appraisal = Appraisal {
        ruleset: ruleset.model.ruleset.clone(),
        version: ruleset.model.version.clone(),
        periods: selection.periods(evaluation).map(|p| p.label()).collect(),
        results: Vec::new(),
        scorecards: Vec::new(),
        diagnoses: Vec::new(),
    };
    for cell in selection.cells(evaluation) {
        appraise_cell(ruleset, &cell, &texts, &mut appraisal)?;
    }
    Ok(appraisal)
}

fn appraise_cell(
    ruleset: &CheckedRuleset,
    cell: &Cell,
    texts: &DiagnosisTexts,
    appraisal: &mut Appraisal,
) -> Result<()> {
    let (entity, period) = (cell.entity.to_string(), cell.period.label());
    for kpi in ruleset.kpis.keys() {
        appraisal.results.push(KpiResult {
            entity: entity.clone(),
            period: period.clone(),
            kpi: kpi.clone(),
            value: cell.number(&columns::value(kpi)),
            target: cell.number(&columns::target(kpi)),
            attainment: cell.number(&columns::attainment(kpi)),
            score: cell.number(&columns::score(kpi)),
            band: cell.text(&columns::band(kpi)),
        });
    }
    for (name, scorecard) in &ruleset.scorecards {
        if !cell.flag(&columns::applies(name)) {
            continue;
        }
        let missing =
            scorecard.weights.keys().filter(|kpi| cell.number(&columns::score(kpi)).is_none()).cloned().collect();
        appraisal.scorecards.push(ScorecardResult {
            entity: entity.clone(),
            period: period.clone(),
            scorecard: name.clone(),
            score: cell.number(&columns::total(name)),
            grade: cell.text(&columns::grade(name)),
            missing,
        });
    }
    for finding in fired_diagnoses(ruleset, cell, texts)? {
        let Finding { id, severity, finding, advice } = finding;
        appraisal.diagnoses.push(FiredDiagnosis {
            entity: entity.clone(),
            period: period.clone(),
            id,
            severity,
            finding,
            advice,
        });
    }
    Ok(())
}
