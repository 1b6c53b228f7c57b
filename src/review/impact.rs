//! What a change to a ruleset does to the appraisal: both rulesets evaluated on the same data, and
//! per entity and scorecard the total before and after, the grades that change, and the
//! diagnoses that start or stop firing.

use serde::Serialize;

use crate::appraise::{Appraisal, Selection, appraise};
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

/// Both rulesets on their data in `period` (default: the new ruleset's last period with rows).
pub fn impact(
    old: &CheckedRuleset,
    new: &CheckedRuleset,
    warehouse: Option<&Warehouse>,
    period: Option<Period>,
) -> Result<Impact> {
    let new_evaluation = evaluate_where(new, warehouse, Probes::default())?;
    let period = match period {
        Some(period) => Some(period),
        None => new_evaluation.latest_period_with_data(new)?,
    };
    let selection = Selection { period, entity: None };
    let after = appraise(new, &new_evaluation, &selection, new.model.locale)?;
    let old_evaluation = evaluate_where(old, warehouse, Probes::default())?;
    let before = appraise(old, &old_evaluation, &selection, new.model.locale)?;
    let period = period.map(|p| p.label()).unwrap_or_default();
    let (started, stopped) = diagnoses(&before, &after);
    Ok(Impact { totals: totals(&before, &after), period, started, stopped })
}

fn totals(before: &Appraisal, after: &Appraisal) -> Vec<TotalChange> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for result in before.scorecards.iter().chain(&after.scorecards) {
        let key = (result.entity.as_str(), result.scorecard.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.sort();
    let find = |appraisal: &'_ Appraisal, (entity, scorecard): (&str, &str)| {
        appraisal.scorecards.iter().find(|s| s.entity == entity && s.scorecard == scorecard).cloned()
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

fn diagnoses(before: &Appraisal, after: &Appraisal) -> (Vec<Fired>, Vec<Fired>) {
    let fired = |appraisal: &Appraisal| -> std::collections::BTreeSet<Fired> {
        appraisal.diagnoses.iter().map(|d| Fired { entity: d.entity.clone(), id: d.id.clone() }).collect()
    };
    let (old, new) = (fired(before), fired(after));
    (new.difference(&old).cloned().collect(), old.difference(&new).cloned().collect())
}
