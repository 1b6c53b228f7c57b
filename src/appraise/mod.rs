//! The appraisal: per entity and period, each KPI's value, target, attainment, score and band.
//! This is the machine-readable contract of `kpi run --format json` (see docs/output.md).

use polars::prelude::*;
use serde::Serialize;

use crate::compile::columns;
use crate::engine::{Evaluation, Period};
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::CheckedRuleset;

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
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiredDiagnosis {
    pub entity: String,
    pub period: String,
    pub id: String,
    pub severity: crate::ruleset::model::Severity,
    pub finding: String,
    pub advice: Option<String>,
}

/// Which rows of the grid to report.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub period: Option<Period>,
    pub entity: Option<String>,
}

impl Selection {
    /// Checks the selection against the evaluated grid: the period must be inside the data and
    /// the entity must exist.
    pub fn validate(&self, evaluation: &Evaluation) -> Result<()> {
        if let Some(period) = self.period {
            if !evaluation.periods.contains(&period) {
                let first = evaluation.periods.first().map(|p| p.label()).unwrap_or_default();
                let last = evaluation.periods.last().map(|p| p.label()).unwrap_or_default();
                return Err(Error::new(ErrorKind::PeriodOutsideData { period: period.label(), first, last }).into());
            }
        }
        if let Some(entity) = &self.entity {
            if !evaluation.entities.contains(entity) {
                let error = Error::new(ErrorKind::UnknownEntity { entity: entity.clone() })
                    .suggest(entity, evaluation.entities.iter().map(String::as_str));
                return Err(error.into());
            }
        }
        Ok(())
    }

    /// The (entity, period) cells selected, as indices into the evaluation's lists.
    pub fn cells(&self, evaluation: &Evaluation) -> Vec<(usize, usize)> {
        let mut cells = Vec::new();
        for (e, entity) in evaluation.entities.iter().enumerate() {
            if self.entity.as_ref().is_some_and(|wanted| wanted != entity) {
                continue;
            }
            for (p, period) in evaluation.periods.iter().enumerate() {
                if self.period.is_none_or(|wanted| wanted == *period) {
                    cells.push((e, p));
                }
            }
        }
        cells
    }
}

pub fn appraise(ruleset: &CheckedRuleset, evaluation: &Evaluation, selection: &Selection) -> Result<Appraisal> {
    selection.validate(evaluation)?;
    let frame = &evaluation.frame;
    let cells = selection.cells(evaluation);
    let mut results = Vec::with_capacity(cells.len() * ruleset.kpis.len());
    let kpi_columns: Vec<(&String, KpiColumns)> =
        ruleset.kpis.keys().map(|name| Ok((name, KpiColumns::of(frame, name)?))).collect::<Result<_>>()?;
    for &(e, p) in &cells {
        let row = evaluation.row(e, p);
        let entity = &evaluation.entities[e];
        let period = evaluation.periods[p].label();
        for (name, columns) in &kpi_columns {
            results.push(KpiResult {
                entity: entity.clone(),
                period: period.clone(),
                kpi: (*name).clone(),
                value: number(columns.value, row),
                target: columns.target.and_then(|c| number(Some(c), row)),
                attainment: columns.attainment.and_then(|c| number(Some(c), row)),
                score: columns.score.and_then(|c| number(Some(c), row)),
                band: columns.band.and_then(|c| c.get(row)).map(str::to_string),
            });
        }
    }
    let periods = evaluation.periods.iter().filter(|p| selection.period.is_none_or(|w| w == **p)).map(|p| p.label()).collect();
    Ok(Appraisal {
        ruleset: ruleset.model.ruleset.clone(),
        version: ruleset.model.version.clone(),
        periods,
        results,
        scorecards: Vec::new(),
        diagnoses: Vec::new(),
    })
}

/// The columns of one KPI in the evaluated frame; those the KPI does not have are `None`.
struct KpiColumns<'a> {
    value: Option<&'a Float64Chunked>,
    target: Option<&'a Float64Chunked>,
    attainment: Option<&'a Float64Chunked>,
    score: Option<&'a Float64Chunked>,
    band: Option<&'a StringChunked>,
}

impl<'a> KpiColumns<'a> {
    fn of(frame: &'a DataFrame, kpi: &str) -> Result<KpiColumns<'a>> {
        let float = |name: String| -> Result<Option<&'a Float64Chunked>> {
            match frame.column(&name) {
                Ok(column) => Ok(Some(column.f64().map_err(Error::from)?)),
                Err(_) => Ok(None),
            }
        };
        let band = match frame.column(&columns::band(kpi)) {
            Ok(column) => Some(column.str().map_err(Error::from)?),
            Err(_) => None,
        };
        Ok(KpiColumns {
            value: float(columns::value(kpi))?,
            target: float(columns::target(kpi))?,
            attainment: float(columns::attainment(kpi))?,
            score: float(columns::score(kpi))?,
            band,
        })
    }
}

fn number(column: Option<&Float64Chunked>, row: usize) -> Option<f64> {
    column.and_then(|c| c.get(row)).filter(|v| v.is_finite())
}
