//! A ruleset that passed every check: formulas parsed, resolved and typed, measures and KPIs in
//! an order where every formula comes after what it reads. This is what the engine runs.

use std::path::PathBuf;

use indexmap::IndexMap;

use super::model::{Locale, PeriodGrain, Ruleset, Source, SourceRole, Tone};
use super::yaml::{Node, PathStep};
use crate::error::{Error, ErrorKind};
use crate::expr::{Function, Ir, IrNode, Ref, Span};
use crate::format::ValueFormat;
use crate::location::Location;

pub struct CheckedRuleset {
    /// The ruleset after `extends`, as typed data.
    pub model: Ruleset,
    /// Where each part of it is written, for errors found once data is read.
    pub tree: Node,
    /// The folder relative source paths start from.
    pub base_dir: PathBuf,
    /// The folder of the ruleset file, whatever `--data` says: the consultant's commentary is
    /// kept there.
    pub home: PathBuf,
    pub measures: IndexMap<String, Formula>,
    pub kpis: IndexMap<String, CheckedKpi>,
    /// Measures and KPIs, each after everything its formula reads.
    pub order: Vec<Ref>,
    /// Attribute name → the attribute table and the header it is read from.
    pub attributes: IndexMap<String, Attribute>,
    pub scorecards: IndexMap<String, CheckedScorecard>,
    pub grades: Vec<(String, Band)>,
    pub diagnoses: Vec<CheckedDiagnosis>,
    /// Each source's `checks`, conditions on each of its rows, in the order written.
    pub checks: IndexMap<String, Vec<Formula>>,
    /// Each table source's `where`: the condition its rows are read under.
    pub filters: IndexMap<String, Formula>,
    /// The condition that marks competitors, on entity attributes.
    pub competitors: Option<Formula>,
}

/// A checked formula and the YAML value it is written in: a problem found once data is read
/// points at the formula it comes from.
#[derive(Clone)]
pub struct Formula {
    pub ir: Ir,
    written: Node,
}

impl Formula {
    pub fn new(ir: Ir, written: Node) -> Formula {
        Formula { ir, written }
    }

    /// Where the formula is written.
    pub fn location(&self) -> Location {
        self.written.location.clone()
    }

    /// The formula as written.
    pub fn text(&self) -> &str {
        self.written.text().unwrap_or_default()
    }

    /// Where a part of the formula is written.
    pub fn location_at(&self, span: Span) -> Location {
        self.written.value_location(span.range())
    }
}

pub struct CheckedKpi {
    pub formula: Formula,
    pub target: Option<CheckedTarget>,
    /// The targets of longer periods than the ruleset's, by the grain's name (`quarter`).
    pub targets: Vec<(&'static str, CheckedTarget)>,
    pub bands: Vec<(String, Band)>,
    /// The KPI's own `score:`, else `scoring.default` (by default `attainment()`) when it has
    /// a target; `None` when the KPI cannot be scored.
    pub score: Option<Formula>,
}

impl CheckedKpi {
    /// The cap of a score written `attainment(…, cap = C)` with `C` written out: reported
    /// attainment is clipped to it, as the score is.
    pub fn attainment_cap(&self) -> Option<f64> {
        match &self.score.as_ref()?.ir.node {
            IrNode::Call(Function::Attainment, args) => args.get(2)?.as_ref()?.number(),
            _ => None,
        }
    }
}

impl CheckedKpi {
    /// The KPI's formula, its target's, its score's and its bands'.
    pub fn formulas(&self) -> impl Iterator<Item = &Formula> {
        let target = match &self.target {
            Some(CheckedTarget::Formula(formula)) => Some(formula),
            _ => None,
        };
        let bands = self.bands.iter().filter_map(|(_, band)| band.formula());
        std::iter::once(&self.formula).chain(target).chain(self.score.as_ref()).chain(bands)
    }
}

#[derive(Clone)]
pub enum CheckedTarget {
    Formula(Formula),
    /// From the rows of this targets table whose `kpi` column names the KPI.
    Table(String),
}

/// The warning for a KPI counted in units (not a rate) whose target is a number written for
/// periods of `own` length, where a period of `longer` length takes it.
fn counted_target(
    name: &str,
    kpi: &CheckedKpi,
    format: ValueFormat,
    (own, longer): (PeriodGrain, PeriodGrain),
    tree: &Node,
) -> Option<Error> {
    let Some(CheckedTarget::Formula(target)) = &kpi.target else { return None };
    let IrNode::Number(number) = target.ir.node else { return None };
    if matches!(format, ValueFormat::Percent | ValueFormat::Ratio) {
        return None;
    }
    let (key, own, longer) = (longer.name(), own.noun(), longer.noun());
    let kind = ErrorKind::TargetOfShorterPeriod { kpi: name.to_string(), target: number.to_string(), own, longer };
    let help = format!("give the {longer} its own under the KPI: `targets: {{ {key}: … }}`");
    let at = tree.at(&[PathStep::Key("kpis"), PathStep::Key(name), PathStep::Key("target")]);
    Some(Error::new(kind).help(help).at_opt(at.map(|node| node.location.clone())))
}

/// A band or grade: a condition on `value`, or the catch-all.
pub enum Band {
    When(Formula),
    Otherwise,
}

impl Band {
    pub fn formula(&self) -> Option<&Formula> {
        match self {
            Band::When(formula) => Some(formula),
            Band::Otherwise => None,
        }
    }
}

pub struct CheckedScorecard {
    pub applies_to: Option<Formula>,
    pub weights: IndexMap<String, f64>,
    /// The share of the weight whose KPIs must have a score for the total to be graded.
    pub min_coverage: f64,
}

impl CheckedScorecard {
    /// Whether a total whose KPIs with a score hold `coverage` of the weight is graded: the
    /// rule the engines compute grades by, for the layers that read their results.
    pub fn graded(&self, coverage: Option<f64>) -> bool {
        coverage.is_some_and(|coverage| coverage + super::model::COVERAGE_TOLERANCE >= self.min_coverage)
    }
}

pub struct CheckedDiagnosis {
    pub when: Formula,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub source: String,
    pub header: String,
}

impl CheckedRuleset {
    /// The ruleset appraising longer periods than its own from the same rows: a monthly
    /// ruleset's quarter (`--period 2026-Q3`), year or year to date. Measures are recomputed at
    /// that length, not averaged over months; a KPI takes its `targets` entry for the length,
    /// else its `target` as written, with a warning where that is a count's number, which a
    /// longer period would meet without effort.
    pub fn viewed(mut self, grain: PeriodGrain) -> (CheckedRuleset, Vec<Error>) {
        let own = self.model.grain.period;
        let mut warnings = Vec::new();
        for (name, kpi) in &mut self.kpis {
            let written = &mut self.model.kpis[name];
            match kpi.targets.iter().find(|(key, _)| *key == grain.name()) {
                Some((_, target)) => {
                    kpi.target = Some(target.clone());
                    written.target = written.targets.as_ref().and_then(|targets| targets.of(grain)).cloned();
                }
                None => warnings.extend(counted_target(name, kpi, written.format, (own, grain), &self.tree)),
            }
        }
        self.model.grain.period = grain;
        (self, warnings)
    }

    /// What reports call the appraised unit in `locale`: `grain.label`, else `grain.entity`
    /// where it is written in the report's language (`门店` in Chinese, `store` in English),
    /// else the word for an account.
    pub fn entity_noun(&self, locale: Locale) -> String {
        let grain = &self.model.grain;
        if let Some(label) = grain.label.as_ref().and_then(|l| l.get(locale)) {
            return label.to_string();
        }
        let chinese = grain.entity.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        match (locale, chinese) {
            (Locale::ZhCn, true) | (Locale::En, false) => grain.entity.clone(),
            _ => locale.pick("账号", "account").to_string(),
        }
    }

    /// A KPI's label in `locale` (or the other language), else its id.
    pub fn kpi_label(&self, kpi: &str, locale: Locale) -> String {
        self.model.kpis[kpi].label.as_ref().and_then(|l| l.get(locale)).unwrap_or(kpi).to_string()
    }

    /// A scorecard's label in `locale` (or the other language), else its id.
    pub fn scorecard_label(&self, scorecard: &str, locale: Locale) -> String {
        self.model.scorecards[scorecard].label.as_ref().and_then(|l| l.get(locale)).unwrap_or(scorecard).to_string()
    }

    /// A source's label in `locale` (or the other language), else its name.
    pub fn source_label(&self, source: &str, locale: Locale) -> String {
        let label = self.model.sources.get(source).and_then(|s| s.label.as_ref());
        label.and_then(|l| l.get(locale)).unwrap_or(source).to_string()
    }

    /// An attribute's label in `locale`: as its source labels the column, else the column's
    /// header in the file.
    pub fn attribute_label(&self, attribute: &str, locale: Locale) -> Option<String> {
        let found = self.attributes.get(attribute)?;
        let label = self.model.sources[&found.source].labels.get(attribute).and_then(|l| l.get(locale));
        Some(label.unwrap_or(&found.header).to_string())
    }

    /// A band of a KPI in `locale` (or the other language), else its name.
    pub fn band_label(&self, kpi: &str, band: &str, locale: Locale) -> String {
        let written = self.model.kpis[kpi].bands.get(band);
        written.and_then(|b| b.label()).and_then(|l| l.get(locale)).unwrap_or(band).to_string()
    }

    /// How a band of a KPI reads: as it declares, else by its place (the first band good, the
    /// last bad).
    pub fn band_tone(&self, kpi: &str, band: &str) -> Option<Tone> {
        let bands = &self.model.kpis[kpi].bands;
        let (index, _, written) = bands.get_full(band)?;
        Some(written.tone().unwrap_or(Tone::of_position(index, bands.len())))
    }

    /// The location of a part of the ruleset, e.g. `["sources", "users", "columns", "readers"]`.
    pub fn locate(&self, path: &[PathStep]) -> Option<Location> {
        self.tree.at(path).map(|node| node.location.clone())
    }

    /// Every formula of the ruleset.
    pub fn formulas(&self) -> impl Iterator<Item = &Formula> {
        let kpis = self.kpis.values().flat_map(CheckedKpi::formulas);
        let scorecards = self.scorecards.values().filter_map(|scorecard| scorecard.applies_to.as_ref());
        let grades = self.grades.iter().filter_map(|(_, band)| band.formula());
        let diagnoses = self.diagnoses.iter().map(|diagnosis| &diagnosis.when);
        self.measures.values().chain(kpis).chain(scorecards).chain(grades).chain(diagnoses)
    }

    /// The sources whose rows are placed in periods and aggregated by measures.
    pub fn row_sources(&self) -> impl Iterator<Item = (&String, &Source)> {
        self.model.sources.iter().filter(|(name, _)| self.model.source_role(name) == SourceRole::Rows)
    }

    /// The sources of rows a KPI's value is computed from, through the measures and KPIs its
    /// formula names, in the ruleset's order of sources.
    pub fn sources_of_kpi(&self, kpi: &str) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        let mut found: Vec<&str> = Vec::new();
        let mut pending: Vec<&Ir> = vec![&self.kpis[kpi].formula.ir];
        while let Some(ir) = pending.pop() {
            ir.visit(&mut |node| match &node.node {
                IrNode::Aggregate { source, .. } => found.push(source),
                IrNode::Ref(Ref::Measure(name)) if !seen.contains(&name.as_str()) => {
                    seen.push(name);
                    pending.push(&self.measures[name].ir);
                }
                IrNode::Ref(Ref::Kpi(name)) if !seen.contains(&name.as_str()) => {
                    seen.push(name);
                    pending.push(&self.kpis[name].formula.ir);
                }
                _ => {}
            });
        }
        let sources = self.model.sources.keys().map(String::as_str);
        sources.filter(|source| found.contains(source)).collect()
    }
}
