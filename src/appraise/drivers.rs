//! Why a scorecard total moved: each KPI's change of weighted points since the previous
//! period, largest first. A KPI's points are its score × the weight the total used / 100 (none
//! without a score), so the changes add up to the total's change, renormalisation included.

use serde::Serialize;

use super::{Cell, Coverage, ScorecardColumns};
use crate::ruleset::CheckedRuleset;

/// One KPI's part in a total's change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub kpi: String,
    /// Its weighted points now minus before.
    pub change: f64,
}

/// The KPIs that moved `scorecard`'s total in `cell` since the period before, largest change
/// first; none where either period has no graded total or a KPI of it rests on days without
/// data: a change from or to fragments explains nothing.
pub fn drivers(ruleset: &CheckedRuleset, coverage: &Coverage, cell: &Cell, scorecard: &str) -> Vec<Driver> {
    let (name, checked) = ruleset.scorecards.get_key_value(scorecard).expect("a scorecard of the ruleset");
    ScorecardColumns::new(cell.evaluation(), name, checked).drivers(coverage, cell)
}

impl ScorecardColumns<'_> {
    /// What moved the total in `cell`, from the columns looked up once for every cell.
    pub(super) fn drivers(&self, coverage: &Coverage, cell: &Cell) -> Vec<Driver> {
        let Some(previous) = cell.previous() else { return Vec::new() };
        let (now, before) = (cell.row(), previous.row());
        let total = |row: usize| self.applies.flag(row) && self.total.number(row).is_some() && self.graded(row);
        if !total(now)
            || !total(before)
            || !coverage.totals_comparable(self.parts.iter().map(|p| p.kpi), cell.entity, cell.period, previous.period)
        {
            return Vec::new();
        }
        let mut drivers: Vec<Driver> = self
            .parts
            .iter()
            .map(|part| Driver { kpi: part.kpi.to_string(), change: part.points(now) - part.points(before) })
            .filter(|driver| driver.change.abs() > 1e-9)
            .collect();
        drivers.sort_by(|a, b| b.change.abs().total_cmp(&a.change.abs()));
        drivers
    }
}
