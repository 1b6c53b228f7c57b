//! The audit trail of one KPI for one entity and period: its formula as a tree with every
//! part's value, where each measure's rows came from, the target and how it was obtained,
//! attainment, score, band, and what the KPI adds to each scorecard total. Every value is read
//! from an evaluation that computed the KPI's parts ([`crate::engine::Probes`]).

use serde::Serialize;

use super::cells::Cell;
use super::selection::Selection;
use crate::compile::GridColumn;
use crate::engine::Evaluation;
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{Better, Ir, IrNode, Ref};
use crate::format::{self, ValueFormat};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::model::{Kpi, Measure, Target};

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub kpi: String,
    pub label: String,
    pub entity: String,
    pub period: String,
    pub format: ValueFormat,
    pub decimals: Option<u8>,
    pub value: Option<f64>,
    pub tree: Step,
    pub target: Option<TargetStep>,
    pub attainment: Option<f64>,
    pub attainment_rule: Option<String>,
    /// The cap attainment is clipped to, when the KPI is scored by `attainment(cap = …)`.
    pub attainment_cap: Option<f64>,
    pub score: Option<f64>,
    /// The scoring formula as written, and where.
    pub score_rule: Option<(ScorePlace, String)>,
    pub band: Option<String>,
    /// The band in the report's language.
    pub band_label: Option<String>,
    pub band_rule: Option<String>,
    pub contributions: Vec<Contribution>,
}

/// One part of a formula and its value in the cell.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub text: String,
    pub value: Shown,
    /// The value as a reader sees it: in the KPI's format for a KPI, else a plain number.
    pub display: String,
    #[serde(flatten)]
    pub kind: StepKind,
    pub children: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Shown {
    Number(f64),
    Text(String),
    Nothing,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepKind {
    Operation,
    Literal,
    Kpi { name: String, label: String, format: ValueFormat, decimals: Option<u8> },
    Measure { name: String, definition: String, sources: Vec<SourceRows> },
    Aggregation { sources: Vec<SourceRows> },
    Attribute { name: String },
}

/// The rows of a source that a measure aggregated in the cell.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRows {
    pub source: String,
    pub rows: u64,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    pub files: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetStep {
    pub value: Option<f64>,
    pub how: TargetSource,
    pub written: String,
}

/// Where a target comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetSource {
    /// A number written in the ruleset.
    Ruleset,
    Formula,
    /// A targets table.
    Table,
}

/// Where a KPI's scoring formula is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ScorePlace {
    /// The KPI's own `score:`.
    #[serde(rename = "score")]
    Score,
    #[serde(rename = "scoring.default")]
    ScoringDefault,
}

impl ScorePlace {
    /// The key it is written under.
    pub fn key(self) -> &'static str {
        match self {
            ScorePlace::Score => "score",
            ScorePlace::ScoringDefault => "scoring.default",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Contribution {
    pub scorecard: String,
    pub label: String,
    pub weight: f64,
    /// The weight after renormalizing over the KPIs that have a score.
    pub effective_weight: Option<f64>,
    pub score: Option<f64>,
    pub points: Option<f64>,
    pub total: Option<f64>,
    pub grade: Option<String>,
}

/// `kpi` is a KPI of the ruleset, or an error that suggests the nearest.
pub fn known_kpi(ruleset: &CheckedRuleset, kpi: &str) -> Result<(), Error> {
    if ruleset.kpis.contains_key(kpi) {
        return Ok(());
    }
    let error = Error::new(ErrorKind::UnknownKpi { name: kpi.to_string() });
    Err(error.suggest(kpi, ruleset.kpis.keys().map(String::as_str)))
}

/// Explains `kpi` in the cell chosen by `selection`, which must name one entity and period, in
/// an evaluation that computed the KPI's parts.
pub fn explain(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    kpi: &str,
    selection: &Selection,
    locale: Locale,
) -> Result<Explanation> {
    known_kpi(ruleset, kpi)?;
    if !evaluation.probes.explain(kpi) {
        return Err(Error::internal(format!("the evaluation did not compute the parts of `{kpi}`")).into());
    }
    selection.validate(evaluation)?;
    let cells = selection.cells(evaluation);
    let [cell] = cells.as_slice() else {
        return Err(Error::internal("an explanation is of one entity in one period").into());
    };
    Ok(explain_cell(ruleset, evaluation, cell, kpi, locale))
}

/// Explains `kpi` in a cell of `evaluation`.
pub fn explain_cell(
    ruleset: &CheckedRuleset,
    evaluation: &Evaluation,
    cell: &Cell,
    kpi: &str,
    locale: Locale,
) -> Explanation {
    let explainer = Explainer { ruleset, evaluation, cell, locale };
    let model = &ruleset.model.kpis[kpi];
    let band = cell.text(GridColumn::Band(kpi));
    Explanation {
        kpi: kpi.to_string(),
        label: ruleset.kpi_label(kpi, locale),
        entity: cell.entity.to_string(),
        period: cell.period.label(),
        format: model.format,
        decimals: model.decimals,
        value: cell.number(GridColumn::Value(kpi)),
        tree: explainer.kpi_step(kpi, &mut Vec::new()),
        target: explainer.target(kpi),
        attainment: cell.number(GridColumn::Attainment(kpi)),
        attainment_rule: ruleset.kpis[kpi].target.as_ref().map(|_| attainment_rule(model, locale)),
        attainment_cap: ruleset.kpis[kpi].attainment_cap(),
        score: cell.number(GridColumn::Score(kpi)),
        score_rule: score_rule(ruleset, kpi),
        band_rule: band.as_ref().and_then(|b| model.bands.get(b)).map(|b| b.condition().to_string()),
        band_label: band.as_ref().map(|b| ruleset.band_label(kpi, b, locale)),
        band,
        contributions: explainer.contributions(kpi),
    }
}

/// How attainment is computed, in words of the reader's language.
fn attainment_rule(kpi: &Kpi, locale: Locale) -> String {
    match kpi.better {
        Better::Higher => locale.pick("实际值 / 目标", "value / target"),
        Better::Lower => locale.pick("目标 / 实际值（越低越好）", "target / value (lower is better)"),
    }
    .to_string()
}

/// The scoring formula as written: the KPI's own, or `scoring.default` (written or implied).
fn score_rule(ruleset: &CheckedRuleset, kpi: &str) -> Option<(ScorePlace, String)> {
    match (&ruleset.model.kpis[kpi].score, &ruleset.kpis[kpi].score) {
        (Some(score), _) => Some((ScorePlace::Score, score.clone())),
        (None, Some(score)) => {
            let default = ruleset.model.scoring.as_ref().and_then(|s| s.default.clone());
            Some((ScorePlace::ScoringDefault, default.unwrap_or_else(|| score.ir.to_string())))
        }
        (None, None) => None,
    }
}

struct Explainer<'a> {
    ruleset: &'a CheckedRuleset,
    evaluation: &'a Evaluation,
    cell: &'a Cell<'a>,
    locale: Locale,
}

impl Explainer<'_> {
    /// A step, with its value displayed in the KPI's format (for a KPI) or as a plain number.
    fn make(&self, text: String, value: Shown, kind: StepKind, children: Vec<Step>) -> Step {
        let display = match (&value, &kind) {
            (Shown::Number(n), StepKind::Kpi { format, decimals, .. }) => {
                format::value(Some(*n), *format, *decimals, self.locale)
            }
            (Shown::Number(n), _) => format::plain(*n),
            (Shown::Text(text), _) => text.clone(),
            (Shown::Nothing, _) => format::NO_DATA.to_string(),
        };
        Step { text, value, display, kind, children }
    }

    fn shown(&self, column: GridColumn) -> Shown {
        match self.cell.number(column) {
            Some(number) => Shown::Number(number),
            None => self.cell.text(column).map_or(Shown::Nothing, Shown::Text),
        }
    }

    /// A KPI and, the first time it appears, the parts of its formula.
    fn kpi_step(&self, kpi: &str, expanded: &mut Vec<String>) -> Step {
        let model = &self.ruleset.model.kpis[kpi];
        let children = if expanded.iter().any(|k| k == kpi) {
            Vec::new()
        } else {
            expanded.push(kpi.to_string());
            vec![self.step(&self.ruleset.kpis[kpi].formula.ir, expanded)]
        };
        let label = self.ruleset.kpi_label(kpi, self.locale);
        let kind = StepKind::Kpi { name: kpi.to_string(), label, format: model.format, decimals: model.decimals };
        self.make(kpi.to_string(), self.shown(GridColumn::Value(kpi)), kind, children)
    }

    fn step(&self, ir: &Ir, expanded: &mut Vec<String>) -> Step {
        let text = ir.to_string();
        let leaf = |value, kind| self.make(text.clone(), value, kind, Vec::new());
        match &ir.node {
            IrNode::Ref(Ref::Kpi(name)) => self.kpi_step(name, expanded),
            IrNode::Ref(Ref::Measure(name)) => {
                let definition = self.ruleset.model.measures.get(name).map_or("", Measure::formula);
                let sources = self.sources_of(&self.ruleset.measures[name].ir);
                let kind = StepKind::Measure { name: name.clone(), definition: definition.to_string(), sources };
                leaf(self.shown(GridColumn::Value(name)), kind)
            }
            IrNode::Ref(Ref::Attribute(name)) => {
                leaf(self.shown(GridColumn::Attribute(name)), StepKind::Attribute { name: name.clone() })
            }
            IrNode::Number(n) => leaf(Shown::Number(*n), StepKind::Literal),
            IrNode::String(s) => leaf(Shown::Text(s.clone()), StepKind::Literal),
            IrNode::Bool(_) | IrNode::Null | IrNode::Ref(_) => leaf(Shown::Nothing, StepKind::Literal),
            IrNode::Aggregate { .. } => leaf(self.probe(ir), StepKind::Aggregation { sources: self.sources_of(ir) }),
            _ => {
                let written = ir.children().into_iter().filter(|c| !c.is_filled_in() && !is_literal(c));
                let parts = written.map(|c| self.step(c, expanded)).collect();
                self.make(text, self.probe(ir), StepKind::Operation, parts)
            }
        }
    }

    fn probe(&self, ir: &Ir) -> Shown {
        self.evaluation.probes.column(ir).map_or(Shown::Nothing, |column| self.shown(column))
    }

    /// The rows of each source an expression aggregates, in this cell.
    fn sources_of(&self, ir: &Ir) -> Vec<SourceRows> {
        let mut sources: Vec<&str> = Vec::new();
        ir.visit(&mut |node| {
            if let IrNode::Aggregate { source, .. } = &node.node
                && !sources.contains(&source.as_str())
            {
                sources.push(source);
            }
        });
        sources
            .into_iter()
            .map(|source| SourceRows {
                source: source.to_string(),
                rows: self.cell.number(GridColumn::Rows(source)).unwrap_or(0.0) as u64,
                first_date: self.cell.date(GridColumn::FirstDate(source)),
                last_date: self.cell.date(GridColumn::LastDate(source)),
                files: self.evaluation.files_of(source, Some(self.cell.entity)),
            })
            .collect()
    }

    /// The KPI's target in the cell, and where it comes from.
    fn target(&self, kpi: &str) -> Option<TargetStep> {
        let (how, written) = match (self.ruleset.kpis[kpi].target.as_ref()?, &self.ruleset.model.kpis[kpi].target) {
            (CheckedTarget::Table(table), _) => (TargetSource::Table, table.clone()),
            (CheckedTarget::Formula(formula), Some(Target::Formula(text))) => {
                let how = if formula.ir.number().is_some() { TargetSource::Ruleset } else { TargetSource::Formula };
                (how, text.clone())
            }
            (CheckedTarget::Formula(formula), _) => (TargetSource::Formula, formula.ir.to_string()),
        };
        Some(TargetStep { value: self.cell.number(GridColumn::Target(kpi)), how, written })
    }

    /// What the KPI adds to each scorecard that weights it and applies to the entity.
    fn contributions(&self, kpi: &str) -> Vec<Contribution> {
        let cell = self.cell;
        let weighting = self.ruleset.scorecards.iter().filter_map(|(name, scorecard)| {
            let weight = scorecard.weights.get(kpi)?;
            cell.flag(GridColumn::Applies(name)).then_some((name, *weight))
        });
        weighting
            .map(|(name, weight)| {
                let score = cell.number(GridColumn::Score(kpi));
                let effective = cell.number(GridColumn::Weight { scorecard: name, kpi });
                Contribution {
                    scorecard: name.clone(),
                    label: self.ruleset.scorecard_label(name, self.locale),
                    weight,
                    effective_weight: effective,
                    score,
                    points: score.zip(effective).map(|(s, w)| s * w / 100.0),
                    total: cell.number(GridColumn::Total(name)),
                    grade: cell.text(GridColumn::Grade(name)),
                }
            })
            .collect()
    }
}

/// A number or text written in the formula: its value is what it says.
fn is_literal(ir: &Ir) -> bool {
    ir.number().is_some() || matches!(ir.node, IrNode::String(_) | IrNode::Bool(_) | IrNode::Null)
}
