//! A ruleset that passed every check: formulas parsed, resolved and typed, measures and KPIs in
//! an order where every formula comes after what it reads. This is what the engine runs.

use std::path::PathBuf;

use indexmap::IndexMap;

use super::model::{Locale, Ruleset};
use super::yaml::{Node, PathStep};
use crate::expr::{Function, Ir, IrNode, Ref};
use crate::location::Location;

pub struct CheckedRuleset {
    /// The ruleset after `extends`, as typed data.
    pub model: Ruleset,
    /// Where each part of it is written, for errors found once data is read.
    pub tree: Node,
    /// The folder relative source paths start from.
    pub base_dir: PathBuf,
    pub measures: IndexMap<String, Ir>,
    pub kpis: IndexMap<String, CheckedKpi>,
    /// Measures and KPIs, each after everything its formula reads.
    pub order: Vec<Ref>,
    /// Attribute name → the attribute table and the header it is read from.
    pub attributes: IndexMap<String, Attribute>,
    pub scorecards: IndexMap<String, CheckedScorecard>,
    pub grades: Vec<(String, Band)>,
    pub diagnoses: Vec<CheckedDiagnosis>,
}

pub struct CheckedKpi {
    pub formula: Ir,
    pub target: Option<CheckedTarget>,
    pub bands: Vec<(String, Band)>,
    /// The KPI's own `score:`, else `scoring.default` (by default `attainment()`) when it has
    /// a target; `None` when the KPI cannot be scored.
    pub score: Option<Ir>,
}

impl CheckedKpi {
    /// The cap of a score written `attainment(…, cap = C)` with `C` written out: reported
    /// attainment is clipped to it, as the score is.
    pub fn attainment_cap(&self) -> Option<f64> {
        match &self.score.as_ref()?.node {
            IrNode::Call(Function::Attainment, args) => args.get(2)?.as_ref()?.number(),
            _ => None,
        }
    }
}

pub enum CheckedTarget {
    Formula(Ir),
    /// From the rows of this targets table whose `kpi` column names the KPI.
    Table(String),
}

/// A band or grade: a condition on `value`, or the catch-all.
pub enum Band {
    When(Ir),
    Otherwise,
}

pub struct CheckedScorecard {
    pub applies_to: Option<Ir>,
    pub weights: IndexMap<String, f64>,
}

pub struct CheckedDiagnosis {
    pub when: Ir,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub source: String,
    pub header: String,
}

impl CheckedRuleset {
    /// A KPI's label in `locale` (or the other language), else its id.
    pub fn kpi_label(&self, kpi: &str, locale: Locale) -> String {
        self.model.kpis[kpi].label.as_ref().and_then(|l| l.get(locale)).unwrap_or(kpi).to_string()
    }

    /// A scorecard's label in `locale` (or the other language), else its id.
    pub fn scorecard_label(&self, scorecard: &str, locale: Locale) -> String {
        self.model.scorecards[scorecard].label.as_ref().and_then(|l| l.get(locale)).unwrap_or(scorecard).to_string()
    }

    /// The location of a part of the ruleset, e.g. `["sources", "users", "columns", "readers"]`.
    pub fn locate(&self, path: &[PathStep]) -> Option<Location> {
        self.tree.at(path).map(|node| node.location.clone())
    }
}
