//! What a change to a ruleset does to the appraisal: both rulesets evaluated on the same data, and
//! per entity and scorecard the total before and after, the grades that change, and the
//! diagnoses that start or stop firing.

use serde::Serialize;

use crate::appraise::{FiredDiagnosis, Rollup, ScorecardResult, Selection, appraise};
use crate::engine::warehouse::{Warehouse, evaluate_where};
use crate::engine::{Period, Probes};
use crate::error::Result;
use crate::ruleset::CheckedRuleset;

#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub period: String,
    pub totals: Vec<TotalChange>,
    /// Diagnoses that fire with the new ruleset and not with the old, and the other way round.
    pub started: Vec<Fired>,
    pub stopped: Vec<Fired>,
    /// The same for the groups of each roll-up (the new ruleset's `rollups`, then `--by`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<RollupImpact>,
}

/// The impact on the groups of one attribute (a brand across its accounts), each group as an
/// entity.
#[derive(Debug, Clone, Serialize)]
pub struct RollupImpact {
    pub by: String,
    pub totals: Vec<TotalChange>,
    pub started: Vec<Fired>,
    pub stopped: Vec<Fired>,
}

/// A scorecard of an entity, before and after; either side is none where it does not apply.
#[derive(Debug, Clone, Serialize)]
pub struct TotalChange {
    pub entity: String,
    pub scorecard: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub grade_before: Option<String>,
    pub grade_after: Option<String>,
}

impl TotalChange {
    pub fn grade_changed(&self) -> bool {
        self.grade_before != self.grade_after
    }

    /// Whether the total or the grade moved (a total within a millionth is the same).
    pub fn moved(&self) -> bool {
        let total_moved = match (self.before, self.after) {
            (Some(a), Some(b)) => (a - b).abs() > 1e-6,
            (a, b) => a.is_some() != b.is_some(),
        };
        total_moved || self.grade_changed()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fired {
    pub entity: String,
    pub id: String,
}

/// Both rulesets on their data in `period` (default: the new ruleset's latest complete period),
/// on the entities and on the groups of each attribute of `rollups`.
pub fn impact(
    old: &CheckedRuleset,
    new: &CheckedRuleset,
    warehouse: Option<&Warehouse>,
    period: Option<Period>,
    rollups: &[String],
) -> Result<Impact> {
    let new_evaluation = evaluate_where(new, warehouse, Probes::default())?;
    let period = match period {
        Some(period) => Some(period),
        None => new_evaluation.latest_complete_period(new)?,
    };
    let selection = Selection { period, entity: None };
    let locale = new.model.locale;
    let after = appraise(new, &new_evaluation, &selection, locale)?;
    let old_evaluation = evaluate_where(old, warehouse, Probes::default())?;
    let before = appraise(old, &old_evaluation, &selection, locale)?;
    let mut impact_on_groups = Vec::new();
    for attribute in rollups {
        let (new_groups, _) = Rollup::new(new, &new_evaluation, attribute, &selection, locale)?;
        // An attribute the old ruleset does not have has no groups before.
        let (old_scorecards, old_diagnoses) = match old.attributes.contains_key(attribute) {
            true => {
                let (groups, _) = Rollup::new(old, &old_evaluation, attribute, &selection, locale)?;
                (groups.scorecards, groups.diagnoses)
            }
            false => (Vec::new(), Vec::new()),
        };
        let (started, stopped) = diagnoses(&old_diagnoses, &new_groups.diagnoses);
        let totals = totals(&old_scorecards, &new_groups.scorecards);
        impact_on_groups.push(RollupImpact { by: attribute.clone(), totals, started, stopped });
    }
    let period = period.map(|p| p.label()).unwrap_or_default();
    let (started, stopped) = diagnoses(&before.diagnoses, &after.diagnoses);
    let totals = totals(&before.scorecards, &after.scorecards);
    Ok(Impact { totals, period, started, stopped, rollups: impact_on_groups })
}

fn totals(before: &[ScorecardResult], after: &[ScorecardResult]) -> Vec<TotalChange> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for result in before.iter().chain(after) {
        let key = (result.entity.as_str(), result.scorecard.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.sort();
    let find = |rows: &[ScorecardResult], (entity, scorecard): (&str, &str)| {
        rows.iter().find(|s| s.entity == entity && s.scorecard == scorecard).cloned()
    };
    keys.into_iter()
        .map(|key| {
            let (old, new) = (find(before, key), find(after, key));
            TotalChange {
                entity: key.0.to_string(),
                scorecard: key.1.to_string(),
                before: old.as_ref().and_then(|s| s.score),
                after: new.as_ref().and_then(|s| s.score),
                grade_before: old.and_then(|s| s.grade),
                grade_after: new.and_then(|s| s.grade),
            }
        })
        .collect()
}

fn diagnoses(before: &[FiredDiagnosis], after: &[FiredDiagnosis]) -> (Vec<Fired>, Vec<Fired>) {
    let fired = |rows: &[FiredDiagnosis]| -> std::collections::BTreeSet<Fired> {
        rows.iter().map(|d| Fired { entity: d.entity.clone(), id: d.id.clone() }).collect()
    };
    let (old, new) = (fired(before), fired(after));
    (new.difference(&old).cloned().collect(), old.difference(&new).cloned().collect())
}
