//! Why a scorecard total moved: each KPI's change of weighted points since the previous
//! period, largest first. A KPI's points are its score × the weight the total used / 100 (none
//! without a score), so the changes add up to the total's change, renormalisation included.

use serde::Serialize;

use super::Cell;
use crate::compile::GridColumn;
use crate::ruleset::CheckedRuleset;

/// One KPI's part in a total's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub kpi: String,
    /// Its weighted points now minus before.
    pub change: f64,
}

/// The KPIs that moved `scorecard`'s total in `cell` since the period before, largest change
/// first; none where either period has no total.
pub fn drivers(ruleset: &CheckedRuleset, cell: &Cell, scorecard: &str) -> Vec<Driver> {
    let Some(before) = cell.previous() else { return Vec::new() };
    let total = |c: &Cell| c.flag(GridColumn::Applies(scorecard)) && c.number(GridColumn::Total(scorecard)).is_some();
    if !total(cell) || !total(&before) {
        return Vec::new();
    }
    let points = |c: &Cell, kpi: &str| {
        let score = c.number(GridColumn::Score(kpi));
        score.zip(c.number(GridColumn::Weight { scorecard, kpi })).map_or(0.0, |(score, weight)| score * weight / 100.0)
    };
    let mut drivers: Vec<Driver> = ruleset.scorecards[scorecard]
        .weights
        .keys()
        .map(|kpi| Driver { kpi: kpi.clone(), change: points(cell, kpi) - points(&before, kpi) })
        .filter(|driver| driver.change.abs() > 1e-9)
        .collect();
    drivers.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
    drivers
}
