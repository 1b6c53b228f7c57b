//! Scorecards: whether each applies to an entity, each KPI's weight in the cell, the total,
//! its grade, and the entity's rank among those of its period.

use indexmap::IndexMap;
use polars::prelude::*;

use super::aggregates::Aggregates;
use super::layers::{Computed, Layer};
use super::scoring::{band_name, holds};
use crate::compile::{self, Context, GridColumn, Subject};
use crate::expr::Better;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{COVERAGE_TOLERANCE, MissingPolicy};

/// Whether each scorecard applies, and each of its KPIs' weights in the cell.
pub fn weights<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates) -> Layer<'a> {
    let context = Context::plain(aggregates);
    let mut layer = Vec::new();
    // Competitors are compared with, not scored.
    let client = super::scoring::competitor(ruleset, aggregates).not();
    for (name, scorecard) in &ruleset.scorecards {
        let applies = match &scorecard.applies_to {
            Some(formula) => {
                Computed::of(formula, compile::compile(&formula.ir, &context).fill_null(lit(false)).and(client.clone()))
            }
            None => Computed::engine(client.clone()),
        };
        layer.push(Computed { expr: applies.expr.alias(GridColumn::Applies(name).name()), ..applies });
        let weighting = Weighting { weights: &scorecard.weights, policy: ruleset.model.scorecards[name].missing };
        for kpi in scorecard.weights.keys() {
            let column = GridColumn::Weight { scorecard: name, kpi };
            layer.push(Computed::engine(weighting.weight(kpi).alias(column.name())));
        }
    }
    layer
}

/// Each scorecard's total, and the share of its weight that has a score.
pub fn totals(ruleset: &CheckedRuleset) -> Layer<'_> {
    let mut layer = Vec::new();
    for (name, scorecard) in &ruleset.scorecards {
        let weighting = Weighting { weights: &scorecard.weights, policy: ruleset.model.scorecards[name].missing };
        layer.push(Computed::engine(weighting.total().alias(GridColumn::Total(name).name())));
        layer.push(Computed::engine(weighting.coverage().alias(GridColumn::Coverage(name).name())));
    }
    layer
}

/// Each scorecard total's grade, and the entity's rank by it: only where enough of its weight
/// has a score (`min_coverage`), so that nothing is graded or ranked on fragments.
pub fn standings<'a>(ruleset: &'a CheckedRuleset, aggregates: &Aggregates) -> Layer<'a> {
    let first_grade = ruleset.grades.iter().find_map(|(_, grade)| grade.formula());
    let mut layer = Vec::new();
    for (name, scorecard) in &ruleset.scorecards {
        let total = GridColumn::Total(name).col();
        let subject = Subject { value: total.clone(), target: None, better: Better::Higher, bands: &[] };
        let context = Context { aggregates, subject: Some(subject) };
        let grades: Vec<(String, Expr)> =
            ruleset.grades.iter().map(|(grade, condition)| (grade.clone(), holds(condition, &context))).collect();
        let graded = enough(name, scorecard.min_coverage);
        let grade = when(graded.clone()).then(band_name(total, &grades)).otherwise(compile::null_text());
        layer.push(Computed { expr: grade.alias(GridColumn::Grade(name).name()), formula: first_grade });
        layer.extend(ranking(name, graded).map(Computed::engine));
    }
    layer
}

/// Whether enough of a scorecard's weight has a score for its total to be graded.
fn enough(scorecard: &str, min_coverage: f64) -> Expr {
    (GridColumn::Coverage(scorecard).col() + lit(COVERAGE_TOLERANCE)).gt_eq(lit(min_coverage))
}

/// A scorecard's weights as they apply in one cell, where some KPIs may have no score.
struct Weighting<'w> {
    weights: &'w IndexMap<String, f64>,
    policy: MissingPolicy,
}

impl Weighting<'_> {
    /// The points of the KPIs that have a score.
    fn scored(&self) -> Expr {
        let present = self.weights.iter().map(|(kpi, weight)| {
            when(GridColumn::Score(kpi).col().is_not_null()).then(lit(*weight)).otherwise(lit(0.0))
        });
        polars::lazy::dsl::sum_horizontal(present.collect::<Vec<_>>(), true).expect("weights are not empty")
    }

    /// The share of the weight whose KPIs have a score.
    fn coverage(&self) -> Expr {
        let whole: f64 = self.weights.values().sum();
        compile::divide(self.scored(), lit(whole))
    }

    /// A KPI's weight in the total: its points, scaled up so that the KPIs that have a score
    /// weigh 100 together when the scorecard renormalizes.
    fn weight(&self, kpi: &str) -> Expr {
        let points = lit(self.weights[kpi]);
        match self.policy {
            MissingPolicy::Renormalize => compile::divide(points * lit(100.0), self.scored()),
            MissingPolicy::Zero | MissingPolicy::Fail => points,
        }
    }

    /// Σ weight × score / 100 over the KPIs that have a score. `renormalize` scales the
    /// weights of the KPIs that have a score up to 100; `zero` counts a missing score as 0;
    /// `fail` gives no total when any score is missing.
    fn total(&self) -> Expr {
        let weighted: Vec<Expr> =
            self.weights.iter().map(|(kpi, weight)| GridColumn::Score(kpi).col() * lit(*weight / 100.0)).collect();
        let sum = polars::lazy::dsl::sum_horizontal(weighted, true).expect("weights are not empty");
        match self.policy {
            MissingPolicy::Renormalize => compile::divide(sum * lit(100.0), self.scored()),
            MissingPolicy::Zero => sum,
            MissingPolicy::Fail => when(self.scored().eq(lit(100.0))).then(sum).otherwise(compile::null()),
        }
    }
}

/// Each entity's rank by a scorecard's total among the entities of its period that have one
/// graded (1 for the highest, ties sharing the better rank), and how many have one.
fn ranking(scorecard: &str, graded: Expr) -> [Expr; 2] {
    let applies = GridColumn::Applies(scorecard).col().and(graded);
    let total = when(applies).then(GridColumn::Total(scorecard).col()).otherwise(compile::null());
    let per_period = |e: Expr| e.over([GridColumn::Period.col()]).expect("a window over the period");
    let rank = per_period(total.clone().rank(RankOptions { method: RankMethod::Min, descending: true }, None));
    let ranked = per_period(total.is_not_null().cast(DataType::Float64).sum());
    [
        rank.cast(DataType::Float64).alias(GridColumn::Rank(scorecard).name()),
        ranked.alias(GridColumn::Ranked(scorecard).name()),
    ]
}
