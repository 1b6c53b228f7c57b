//! The appraisal: per entity and period, each KPI's value, target, attainment, score and band;
//! each applicable scorecard's total, grade and unscored KPIs; and the diagnoses that fire, with
//! their texts. This is the machine-readable contract of `kpi run --format json`
//! (docs/output.md).

mod cells;
pub mod explain;
mod selection;
mod texts;

use serde::Serialize;

use crate::compile::GridColumn;
use crate::engine::Evaluation;
use crate::error::{Error, ErrorKind, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Severity;

pub use cells::Cell;
pub use selection::Selection;
pub use texts::DiagnosisTexts;

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

/// A diagnosis that fired in a cell, with its texts.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub finding: String,
    pub advice: Option<String>,
}

/// A finding, with the cell it fired in.
#[derive(Debug, Clone, Serialize)]
pub struct FiredDiagnosis {
    pub entity: String,
    pub period: String,
    #[serde(flatten)]
    pub found: Finding,
}

/// A fired diagnosis reads as the finding it is.
impl std::ops::Deref for FiredDiagnosis {
    type Target = Finding;

    fn deref(&self) -> &Finding {
        &self.found
    }
}

impl Appraisal {
    /// Whether a diagnosis of `severity` or worse fired.
    pub fn fired_at_least(&self, severity: Severity) -> bool {
        self.diagnoses.iter().any(|d| d.severity >= severity)
    }
}

/// The diagnoses that fire in a cell, in the ruleset's order, their texts rendered over the
/// cell's values.
pub fn fired_diagnoses(ruleset: &CheckedRuleset, cell: &Cell, texts: &DiagnosisTexts) -> Result<Vec<Finding>> {
    let fired: Vec<usize> = (0..ruleset.model.diagnoses.len()).filter(|i| cell.flag(GridColumn::Fired(*i))).collect();
    if fired.is_empty() {
        return Ok(Vec::new());
    }
    let values = cell.template_values(ruleset);
    fired
        .into_iter()
        .map(|index| {
            let diagnosis = &ruleset.model.diagnoses[index];
            let (finding, advice) = texts.render(&diagnosis.id, &values).map_err(|e| {
                let kind = ErrorKind::TextFailed {
                    diagnosis: diagnosis.id.clone(),
                    entity: cell.entity.to_string(),
                    period: cell.period.label(),
                    message: e.to_string(),
                };
                Error::new(kind)
            })?;
            Ok(Finding { id: diagnosis.id.clone(), severity: diagnosis.severity, finding, advice })
        })
        .collect()
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
            value: cell.number(GridColumn::Value(kpi)),
            target: cell.number(GridColumn::Target(kpi)),
            attainment: cell.number(GridColumn::Attainment(kpi)),
            score: cell.number(GridColumn::Score(kpi)),
            band: cell.text(GridColumn::Band(kpi)),
        });
    }
    for (name, scorecard) in &ruleset.scorecards {
        if !cell.flag(GridColumn::Applies(name)) {
            continue;
        }
        let missing = scorecard.weights.keys().filter(|kpi| cell.number(GridColumn::Score(kpi)).is_none()).cloned();
        appraisal.scorecards.push(ScorecardResult {
            entity: entity.clone(),
            period: period.clone(),
            scorecard: name.clone(),
            score: cell.number(GridColumn::Total(name)),
            grade: cell.text(GridColumn::Grade(name)),
            missing: missing.collect(),
        });
    }
    for found in fired_diagnoses(ruleset, cell, texts)? {
        appraisal.diagnoses.push(FiredDiagnosis { entity: entity.clone(), period: period.clone(), found });
    }
    Ok(())
}
