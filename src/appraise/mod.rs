//! The appraisal: per entity and period, each KPI's value, target, attainment, score and band;
//! each applicable scorecard's total, grade and unscored KPIs; and the diagnoses that fire, with
//! their texts. This is the machine-readable contract of `kpi run --format json`
//! (docs/output.md).

mod cells;
pub mod comparison;
pub mod coverage;
mod drivers;
pub mod explain;
mod findings;
mod opening;
mod quality;
mod selection;

use rayon::prelude::*;
use serde::Serialize;

use crate::compile::GridColumn;
use crate::engine::Evaluation;
use crate::engine::cell_value::GridValues;
use crate::engine::provenance::Provenance;
use crate::error::Result;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedScorecard;
use crate::ruleset::model::Severity;
use crate::texts::TextValue;

pub use cells::Cell;
pub use coverage::Coverage;
pub use drivers::{Driver, drivers};
pub use findings::Findings;
pub use quality::{QualityRow, rows as quality_rows};
pub use selection::Selection;

#[derive(Debug, Serialize)]
pub struct Appraisal {
    pub ruleset: String,
    pub version: Option<String>,
    /// What produced the appraisal, where an output names it (the JSON): the content hashes of
    /// the effective ruleset and of the data files.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    pub periods: Vec<String>,
    pub results: Vec<KpiResult>,
    pub scorecards: Vec<ScorecardResult>,
    pub diagnoses: Vec<FiredDiagnosis>,
    /// The diagnoses that fired in a cell's previous period and whose condition is false in it.
    pub resolved: Vec<FiredDiagnosis>,
    /// The diagnoses that fired in a cell's previous period and could not be assessed in it:
    /// their inputs are no data.
    pub unassessed: Vec<FiredDiagnosis>,
    /// What the rows behind the numbers show about the data.
    pub quality: Vec<QualityRow>,
    /// The entities the ruleset's `competitors` marks: in the results, for comparison, but with no
    /// scorecard, grade or diagnosis.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub competitors: Vec<String>,
    /// The appraisals of groups of entities, by the attributes rolled up by.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<Rollup>,
    /// Each entity's attributes (in the ruleset's order of `CheckedRuleset::attributes`), for
    /// the outputs that pivot by them: the workbook.
    #[serde(skip)]
    pub attributes: std::collections::HashMap<String, Vec<TextValue>>,
}

/// The appraisal of the groups of one attribute's values: each group is an entity of its own,
/// named by the value (`brand` → `晨光`), whose measures add up its entities'.
#[derive(Debug, Serialize)]
pub struct Rollup {
    pub by: String,
    pub results: Vec<KpiResult>,
    pub scorecards: Vec<ScorecardResult>,
    pub diagnoses: Vec<FiredDiagnosis>,
    pub resolved: Vec<FiredDiagnosis>,
    pub unassessed: Vec<FiredDiagnosis>,
}

impl Rollup {
    /// The roll-up of `attribute` in the periods `selection` selects; with an entity selected,
    /// only its group.
    pub fn new(
        ruleset: &CheckedRuleset,
        evaluation: &Evaluation,
        attribute: &str,
        selection: &Selection,
        locale: Locale,
    ) -> Result<(Rollup, Vec<crate::error::Error>)> {
        let groups = crate::engine::rollup::rollup(ruleset, evaluation, attribute, Default::default())?;
        let group = match &selection.entity {
            None => None,
            Some(entity) => match group_of(evaluation, entity, attribute) {
                Some(group) => Some(group),
                // The entity is in no group of this attribute: nothing of the roll-up is its.
                None => return Ok((Rollup::empty(attribute), groups.warnings)),
            },
        };
        let selection = Selection { period: selection.period, entity: group };
        let appraisal = appraise(ruleset, &groups, &selection, locale)?;
        let rollup = Rollup {
            by: attribute.to_string(),
            results: appraisal.results,
            scorecards: appraisal.scorecards,
            diagnoses: appraisal.diagnoses,
            resolved: appraisal.resolved,
            unassessed: appraisal.unassessed,
        };
        Ok((rollup, groups.warnings))
    }

    fn empty(attribute: &str) -> Rollup {
        let (results, scorecards, diagnoses, resolved, unassessed) = Default::default();
        Rollup { by: attribute.to_string(), results, scorecards, diagnoses, resolved, unassessed }
    }
}

/// Every entity's value of each attribute of the ruleset.
fn attributes(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> std::collections::HashMap<String, Vec<TextValue>> {
    let values = |index: usize| {
        let cell = Cell::new(evaluation, index, 0);
        ruleset.attributes.keys().map(|name| cell.value(GridColumn::Attribute(name))).collect()
    };
    evaluation.entities.iter().enumerate().map(|(index, entity)| (entity.clone(), values(index))).collect()
}

/// The group of `attribute` the entity belongs to: its value of the attribute.
fn group_of(evaluation: &Evaluation, entity: &str, attribute: &str) -> Option<String> {
    let index = evaluation.entities.iter().position(|e| e == entity)?;
    Cell::new(evaluation, index, 0).text(GridColumn::Attribute(attribute))
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
    /// Whether the value comes from a daily source that covers only part of the period, or of
    /// an earlier period it is compared with: shown with the mark, the quality notes or the
    /// report saying how many days.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScorecardResult {
    pub entity: String,
    pub period: String,
    pub scorecard: String,
    pub score: Option<f64>,
    pub grade: Option<String>,
    /// The share of the scorecard's weight whose KPIs have a score, from 0 to 1: under the
    /// scorecard's `min_coverage` the total is not graded.
    pub coverage: Option<f64>,
    /// The weighted KPIs that have no score in this cell.
    pub missing: Vec<String>,
    /// The KPIs that moved the total since the period before, largest change first.
    pub drivers: Vec<Driver>,
}

/// A diagnosis that fired in a cell, with its texts, and how it stands against the periods
/// before: the feedback loop of monitor, appraise, act.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub severity: Severity,
    pub finding: String,
    pub advice: Option<String>,
    pub status: FindingStatus,
    /// How many periods in a row it has fired, this one included (for a resolved or an
    /// unassessed finding: up to the previous period).
    pub periods: usize,
    /// Why it could not be assessed: the values its condition names that are no data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Finding {
    /// How it stands, as a reader of `locale` says it: `new`, `3 periods in a row`, `resolved`.
    pub fn standing(&self, locale: Locale) -> String {
        match self.status {
            FindingStatus::New => locale.pick("新出现", "new").to_string(),
            FindingStatus::Recurring => {
                locale.pick(format!("连续 {} 期", self.periods), format!("{} periods in a row", self.periods))
            }
            FindingStatus::Resolved => locale.pick("已解决", "resolved").to_string(),
            FindingStatus::Unassessed => {
                locale.pick("本期无法评估（数据缺失）", "not assessed (data missing)").to_string()
            }
        }
    }
}

/// A finding against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingStatus {
    /// It did not fire in the previous period.
    New,
    /// It fired in the previous period too.
    Recurring,
    /// It fired in the previous period and no longer does; its texts are those of then.
    Resolved,
    /// It fired in the previous period and its condition is no data now: neither resolved nor
    /// still there. Its texts are those of then.
    Unassessed,
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

/// The appraisal of the selected cells, with texts in `locale`.
pub fn appraise(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    selection: &Selection,
    locale: Locale,
) -> Result<Appraisal> {
    selection.validate(evaluation)?;
    let findings = Findings::new(ruleset, evaluation, locale)?;
    let coverage = Coverage::new(ruleset, evaluation);
    let kpis: Vec<KpiColumns> = ruleset.kpis.keys().map(|kpi| KpiColumns::new(evaluation, kpi)).collect();
    let scorecards: Vec<ScorecardColumns> =
        ruleset.scorecards.iter().map(|(name, card)| ScorecardColumns::new(evaluation, name, card)).collect();
    let cells = selection.cells(evaluation);
    let mut appraisal = Appraisal {
        ruleset: ruleset.model.ruleset.clone(),
        version: ruleset.model.version.clone(),
        provenance: None,
        periods: selection.periods(evaluation).map(|p| p.label()).collect(),
        results: Vec::new(),
        scorecards: Vec::new(),
        diagnoses: Vec::new(),
        resolved: Vec::new(),
        unassessed: Vec::new(),
        rollups: Vec::new(),
        competitors: competitors(evaluation),
        quality: quality::rows(&evaluation.quality, selection, &ruleset.base_dir, locale),
        attributes: attributes(ruleset, evaluation),
    };
    // Each cell is appraised on its own, across the cores; the rows keep the cells' order.
    let appraised: Vec<Result<Appraised>> = cells
        .par_iter()
        .map(|cell| {
            let (entity, period) = (cell.entity.to_string(), cell.period.label());
            let fired = |found: Finding| FiredDiagnosis { entity: entity.clone(), period: period.clone(), found };
            Ok(Appraised {
                results: results_of(&kpis, &coverage, cell),
                scorecards: scorecards.iter().filter_map(|scorecard| scorecard.result(&coverage, cell)).collect(),
                diagnoses: findings.of(cell)?.into_iter().map(fired).collect(),
                resolved: findings.resolved(cell)?.into_iter().map(fired).collect(),
                unassessed: findings.unassessed(cell)?.into_iter().map(fired).collect(),
            })
        })
        .collect();
    appraisal.results.reserve(cells.len() * kpis.len());
    for cell in appraised {
        let cell = cell?;
        appraisal.results.extend(cell.results);
        appraisal.scorecards.extend(cell.scorecards);
        appraisal.diagnoses.extend(cell.diagnoses);
        appraisal.resolved.extend(cell.resolved);
        appraisal.unassessed.extend(cell.unassessed);
    }
    Ok(appraisal)
}

/// Cells whose KPI rows are made at a time by [`results_in_parts`].
const CELLS_PER_PART: usize = 20_000;

/// The KPI rows of the selected cells alone, a part of the cells at a time, for outputs that
/// write only them (Parquet, CSV): a large portfolio's rows are never all in memory, and the
/// scorecards' drivers and the diagnosis texts, most of the whole appraisal's time, are not made.
pub fn results_in_parts<'a>(
    ruleset: &'a CheckedRuleset,
    evaluation: &'a Evaluation,
    selection: &'a Selection,
) -> Result<impl Iterator<Item = Vec<KpiResult>> + 'a> {
    selection.validate(evaluation)?;
    let kpis: Vec<KpiColumns> = ruleset.kpis.keys().map(|kpi| KpiColumns::new(evaluation, kpi)).collect();
    let coverage = Coverage::new(ruleset, evaluation);
    let cells = selection.cells(evaluation);
    let parts = cells.len().div_ceil(CELLS_PER_PART);
    Ok((0..parts).map(move |part| {
        let cells = &cells[part * CELLS_PER_PART..cells.len().min((part + 1) * CELLS_PER_PART)];
        cells.par_iter().flat_map_iter(|cell| results_of(&kpis, &coverage, cell)).collect()
    }))
}

/// A cell's KPI rows, in the ruleset's order of KPIs.
fn results_of(kpis: &[KpiColumns], coverage: &Coverage, cell: &Cell) -> Vec<KpiResult> {
    let (entity, period) = (cell.entity.to_string(), cell.period.label());
    kpis.iter()
        .map(|kpi| {
            let result = kpi.result(&entity, &period, cell.row());
            let partial = result.value.is_some() && coverage.marked(kpi.kpi, cell.entity, cell.period);
            KpiResult { partial, ..result }
        })
        .collect()
}

/// What one cell adds to the appraisal.
struct Appraised {
    results: Vec<KpiResult>,
    scorecards: Vec<ScorecardResult>,
    diagnoses: Vec<FiredDiagnosis>,
    resolved: Vec<FiredDiagnosis>,
    unassessed: Vec<FiredDiagnosis>,
}

/// The entities marked as competitors, in entity order.
pub fn competitors(evaluation: &Evaluation) -> Vec<String> {
    // An entity's attributes, and so whether it is a competitor, are the same in every period.
    let column = evaluation.column(GridColumn::Competitor);
    let marked = |index: &usize| !evaluation.periods.is_empty() && column.flag(evaluation.row(*index, 0));
    (0..evaluation.entities.len()).filter(marked).map(|index| evaluation.entities[index].clone()).collect()
}

/// The columns of a KPI's results, looked up once for every cell.
struct KpiColumns<'a> {
    kpi: &'a str,
    value: GridValues,
    target: GridValues,
    attainment: GridValues,
    score: GridValues,
    band: GridValues,
}

impl<'a> KpiColumns<'a> {
    fn new(evaluation: &'a Evaluation, kpi: &'a str) -> KpiColumns<'a> {
        KpiColumns {
            kpi,
            value: evaluation.column(GridColumn::Value(kpi)),
            target: evaluation.column(GridColumn::Target(kpi)),
            attainment: evaluation.column(GridColumn::Attainment(kpi)),
            score: evaluation.column(GridColumn::Score(kpi)),
            band: evaluation.column(GridColumn::Band(kpi)),
        }
    }

    fn result(&self, entity: &str, period: &str, row: usize) -> KpiResult {
        KpiResult {
            entity: entity.to_string(),
            period: period.to_string(),
            kpi: self.kpi.to_string(),
            value: self.value.number(row),
            target: self.target.number(row),
            attainment: self.attainment.number(row),
            score: self.score.number(row),
            band: self.band.text(row).map(str::to_string),
            partial: false,
        }
    }
}

/// The columns of a scorecard's results, looked up once for every cell.
struct ScorecardColumns<'a> {
    scorecard: &'a str,
    applies: GridValues,
    total: GridValues,
    coverage: GridValues,
    grade: GridValues,
    checked: &'a CheckedScorecard,
    /// Each KPI it weights.
    parts: Vec<Part<'a>>,
}

/// A KPI of a scorecard: its score, and the weight the total gave it.
struct Part<'a> {
    kpi: &'a str,
    score: GridValues,
    weight: GridValues,
}

impl Part<'_> {
    /// Its points in the total in a row: score × weight / 100; none without a score.
    fn points(&self, row: usize) -> f64 {
        self.score.number(row).zip(self.weight.number(row)).map_or(0.0, |(score, weight)| score * weight / 100.0)
    }
}

impl<'a> ScorecardColumns<'a> {
    fn new(evaluation: &'a Evaluation, scorecard: &'a str, checked: &'a CheckedScorecard) -> ScorecardColumns<'a> {
        let part = |kpi: &'a String| Part {
            kpi,
            score: evaluation.column(GridColumn::Score(kpi)),
            weight: evaluation.column(GridColumn::Weight { scorecard, kpi }),
        };
        ScorecardColumns {
            scorecard,
            applies: evaluation.column(GridColumn::Applies(scorecard)),
            total: evaluation.column(GridColumn::Total(scorecard)),
            coverage: evaluation.column(GridColumn::Coverage(scorecard)),
            grade: evaluation.column(GridColumn::Grade(scorecard)),
            checked,
            parts: checked.weights.keys().map(part).collect(),
        }
    }

    /// The scorecard's total and grade in a cell, and what moved it, if it applies there.
    fn result(&self, coverage: &Coverage, cell: &Cell) -> Option<ScorecardResult> {
        let row = cell.row();
        if !self.applies.flag(row) {
            return None;
        }
        let missing = self.parts.iter().filter(|part| part.score.number(row).is_none());
        Some(ScorecardResult {
            entity: cell.entity.to_string(),
            period: cell.period.label(),
            scorecard: self.scorecard.to_string(),
            score: self.total.number(row),
            grade: self.grade.text(row).map(str::to_string),
            coverage: self.coverage.number(row),
            missing: missing.map(|part| part.kpi.to_string()).collect(),
            drivers: self.drivers(coverage, cell),
        })
    }

    /// Whether enough of the weight has a score in a row for the total to be graded, as the
    /// engine decided its grade.
    fn graded(&self, row: usize) -> bool {
        self.checked.graded(self.coverage.number(row))
    }
}
