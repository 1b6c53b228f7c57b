//! The audit trail of one KPI for one entity and period: its formula as a tree with every
//! part's value, where each measure's rows came from, the target and how it was obtained,
//! attainment, score, band, and what the KPI adds to each scorecard total.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::cells::Cell;
use super::selection::Selection;
use crate::compile::columns;
use crate::engine::{self, files};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::{Ir, IrNode, Ref};
use crate::report::format;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::model::{Locale, Measure, Target, ValueFormat};

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
    /// The scoring formula as written, and where (`score` or `scoring.default`).
    pub score_rule: Option<(String, String)>,
    pub band: Option<String>,
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
    /// `ruleset` (a number written in the ruleset), `formula` or `table`.
    pub how: String,
    pub written: String,
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

/// Explains `kpi` for the cell chosen by `selection` (which must name one entity and period),
/// with the evaluation's warnings.
pub fn explain(
    ruleset: &CheckedRuleset,
    kpi: &str,
    selection: &Selection,
    locale: Locale,
) -> Result<(Explanation, Vec<Error>)> {
    if !ruleset.kpis.contains_key(kpi) {
        let error = Error::new(ErrorKind::UnknownKpi { name: kpi.to_string() })
            .suggest(kpi, ruleset.kpis.keys().map(String::as_str));
        return Err(error.into());
    }
    let probes = Probes::for_kpis(ruleset, [kpi]);
    let evaluation = engine::evaluate_with_probes(ruleset, probes.formulas())?;
    selection.validate(&evaluation)?;
    let cells = selection.cells(&evaluation);
    let [cell] = cells.as_slice() else {
        return Err(Error::usage("`explain` needs one entity and one period: add `--entity` and `--period`").into());
    };
    Ok((explain_cell(ruleset, cell, &probes, kpi, locale), evaluation.warnings.clone()))
}

/// Explains `kpi` in a cell of an evaluation that computed `probes`.
pub fn explain_cell(ruleset: &CheckedRuleset, cell: &Cell, probes: &Probes, kpi: &str, locale: Locale) -> Explanation {
    let checked = &ruleset.kpis[kpi];
    let explainer = Explainer { ruleset, cell, probes, locale };
    let model = &ruleset.model.kpis[kpi];
    let tree = explainer.kpi_step(kpi, &mut Vec::new());
    let target = checked.target.as_ref().map(|target| {
        let (how, written) = match (target, &model.target) {
            (CheckedTarget::Table(table), _) => ("table".to_string(), table.clone()),
            (CheckedTarget::Formula(ir), Some(Target::Formula(text))) => {
                let how = if ir.number().is_some() { "ruleset" } else { "formula" };
                (how.to_string(), text.clone())
            }
            (CheckedTarget::Formula(ir), _) => ("formula".to_string(), ir.to_string()),
        };
        TargetStep { value: cell.number(&columns::target(kpi)), how, written }
    });
    let score_rule = match (&model.score, &checked.score) {
        (Some(score), _) => Some(("score".to_string(), score.clone())),
        (None, Some(score)) => {
            let written =
                ruleset.model.scoring.as_ref().and_then(|s| s.default.clone()).unwrap_or_else(|| score.to_string());
            Some(("scoring.default".to_string(), written))
        }
        (None, None) => None,
    };
    let band = cell.text(&columns::band(kpi));
    let band_rule = band.as_ref().and_then(|b| model.bands.get(b)).cloned();
    Explanation {
        kpi: kpi.to_string(),
        label: ruleset.kpi_label(kpi, locale),
        entity: cell.entity.to_string(),
        period: cell.period.label(),
        format: model.format,
        decimals: model.decimals,
        value: cell.number(&columns::value(kpi)),
        tree,
        attainment: cell.number(&columns::attainment(kpi)),
        attainment_rule: checked.target.as_ref().map(|_| match model.better {
            crate::ruleset::model::Better::Higher => "value / target".to_string(),
            crate::ruleset::model::Better::Lower => "target / value (lower is better)".to_string(),
        }),
        target,
        attainment_cap: checked.attainment_cap(),
        score: cell.number(&columns::score(kpi)),
        score_rule,
        band,
        band_rule,
        contributions: explainer.contributions(kpi),
    }
}

/// The parts of KPI formulas an explanation shows, each computed once by
/// [`engine::evaluate_with_probes`].
#[derive(Default)]
pub struct Probes {
    list: Vec<Ir>,
    /// A part's canonical text → its position in `list`.
    index: HashMap<String, usize>,
    /// The KPIs whose formulas are collected.
    kpis: HashSet<String>,
}

impl Probes {
    /// The parts of these KPIs' formulas, and of the KPIs they read.
    pub fn for_kpis<'a>(ruleset: &CheckedRuleset, kpis: impl IntoIterator<Item = &'a str>) -> Probes {
        let mut probes = Probes::default();
        for kpi in kpis {
            probes.collect_kpi(ruleset, kpi);
        }
        probes
    }

    pub fn formulas(&self) -> &[Ir] {
        &self.list
    }

    fn collect_kpi(&mut self, ruleset: &CheckedRuleset, kpi: &str) {
        if self.kpis.insert(kpi.to_string()) {
            self.collect(ruleset, &ruleset.kpis[kpi].formula);
        }
    }

    fn collect(&mut self, ruleset: &CheckedRuleset, ir: &Ir) {
        match &ir.node {
            IrNode::Ref(Ref::Kpi(name)) => self.collect_kpi(ruleset, name),
            IrNode::Number(_) | IrNode::String(_) | IrNode::Bool(_) | IrNode::Null | IrNode::Ref(_) => {}
            _ => {
                let key = ir.to_string();
                if !self.index.contains_key(&key) {
                    self.index.insert(key, self.list.len());
                    self.list.push(ir.clone());
                }
                if !matches!(ir.node, IrNode::Aggregate { .. }) {
                    children(ir).into_iter().for_each(|child| self.collect(ruleset, child));
                }
            }
        }
    }

    fn column(&self, ir: &Ir) -> Option<String> {
        self.index.get(&ir.to_string()).map(|i| columns::probe(*i))
    }
}

fn children(ir: &Ir) -> Vec<&Ir> {
    match &ir.node {
        IrNode::Unary(_, operand) => vec![operand],
        IrNode::Binary(_, lhs, rhs) => vec![lhs, rhs],
        IrNode::If(branches, otherwise) => {
            branches.iter().flat_map(|(c, v)| [c, v]).chain([otherwise.as_ref()]).collect()
        }
        IrNode::Call(_, args) => args.iter().flatten().collect(),
        _ => Vec::new(),
    }
}

struct Explainer<'a> {
    ruleset: &'a CheckedRuleset,
    cell: &'a Cell<'a>,
    probes: &'a Probes,
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

    fn shown(&self, column: &str) -> Shown {
        match self.cell.number(column) {
            Some(number) => Shown::Number(number),
            None => self.cell.text(column).map_or(Shown::Nothing, Shown::Text),
        }
    }

    /// A KPI and, the first time it appears, the parts of its formula.
    fn kpi_step(&self, kpi: &str, expanded: &mut Vec<String>) -> Step {
        let model = &self.ruleset.model.kpis[kpi];
        let formula = &self.ruleset.kpis[kpi].formula;
        let children = if expanded.iter().any(|k| k == kpi) {
            Vec::new()
        } else {
            expanded.push(kpi.to_string());
            vec![self.step(formula, expanded)]
        };
        let kind = StepKind::Kpi {
            name: kpi.to_string(),
            label: self.ruleset.kpi_label(kpi, self.locale),
            format: model.format,
            decimals: model.decimals,
        };
        self.make(kpi.to_string(), self.shown(&columns::value(kpi)), kind, children)
    }

    fn step(&self, ir: &Ir, expanded: &mut Vec<String>) -> Step {
        let text = ir.to_string();
        match &ir.node {
            IrNode::Ref(Ref::Kpi(name)) => self.kpi_step(name, expanded),
            IrNode::Ref(Ref::Measure(name)) => {
                let kind = StepKind::Measure {
                    name: name.clone(),
                    definition: self
                        .ruleset
                        .model
                        .measures
                        .get(name)
                        .map_or_else(String::new, |m: &Measure| m.formula().to_string()),
                    sources: self.sources_of(&self.ruleset.measures[name]),
                };
                self.make(text, self.shown(&columns::value(name)), kind, Vec::new())
            }
            IrNode::Ref(Ref::Attribute(name)) => self.make(
                text,
                self.shown(&columns::attribute(name)),
                StepKind::Attribute { name: name.clone() },
                Vec::new(),
            ),
            IrNode::Number(n) => self.make(text, Shown::Number(*n), StepKind::Literal, Vec::new()),
            IrNode::String(s) => self.make(text, Shown::Text(s.clone()), StepKind::Literal, Vec::new()),
            IrNode::Bool(_) | IrNode::Null | IrNode::Ref(_) => {
                self.make(text, Shown::Nothing, StepKind::Literal, Vec::new())
            }
            IrNode::Aggregate { .. } => {
                self.make(text, self.probe(ir), StepKind::Aggregation { sources: self.sources_of(ir) }, Vec::new())
            }
            _ => {
                let parts = children(ir)
                    .into_iter()
                    .filter(|c| !is_default(c) && !is_literal(c))
                    .map(|c| self.step(c, expanded))
                    .collect();
                self.make(text, self.probe(ir), StepKind::Operation, parts)
            }
        }
    }

    fn probe(&self, ir: &Ir) -> Shown {
        self.probes.column(ir).map_or(Shown::Nothing, |column| self.shown(&column))
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
            .map(|source| {
                let date = |column: String| {
                    self.cell
                        .number(&column)
                        .map(|days| crate::engine::period::from_epoch_days(days as i32).to_string())
                };
                let files = files::find(&self.ruleset.model.sources[source], &self.ruleset.base_dir)
                    .map(|paths| {
                        paths.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).collect()
                    })
                    .unwrap_or_default();
                SourceRows {
                    source: source.to_string(),
                    rows: self.cell.number(&columns::rows(source)).unwrap_or(0.0) as u64,
                    first_date: date(columns::first_date(source)),
                    last_date: date(columns::last_date(source)),
                    files,
                }
            })
            .collect()
    }

    /// What the KPI adds to each scorecard that weights it and applies to the entity.
    fn contributions(&self, kpi: &str) -> Vec<Contribution> {
        let cell = self.cell;
        let mut contributions = Vec::new();
        for (name, scorecard) in &self.ruleset.scorecards {
            let Some(weight) = scorecard.weights.get(kpi) else { continue };
            if !cell.flag(&columns::applies(name)) {
                continue;
            }
            let scored_weight: f64 = scorecard
                .weights
                .iter()
                .filter(|(k, _)| cell.number(&columns::score(k)).is_some())
                .map(|(_, w)| w)
                .sum();
            let policy = self.ruleset.model.scorecards[name].missing;
            let effective = match policy {
                crate::ruleset::model::MissingPolicy::Renormalize if scored_weight > 0.0 => {
                    Some(weight * 100.0 / scored_weight)
                }
                crate::ruleset::model::MissingPolicy::Renormalize => None,
                _ => Some(*weight),
            };
            let score = cell.number(&columns::score(kpi));
            let label = self.ruleset.scorecard_label(name, self.locale);
            contributions.push(Contribution {
                scorecard: name.clone(),
                label,
                weight: *weight,
                effective_weight: effective,
                score,
                points: score.zip(effective).map(|(s, w)| s * w / 100.0),
                total: cell.number(&columns::total(name)),
                grade: cell.text(&columns::grade(name)),
            });
        }
        contributions
    }
}

/// A number or text written in the formula: its value is what it says.
fn is_literal(ir: &Ir) -> bool {
    ir.number().is_some() || matches!(ir.node, IrNode::String(_) | IrNode::Bool(_) | IrNode::Null)
}

/// An argument the checker filled in (`value`, `n = 1`): not written, so not shown.
fn is_default(ir: &Ir) -> bool {
    ir.span == crate::expr::Span::default()
}
