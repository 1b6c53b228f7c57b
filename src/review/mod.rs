//! `kpi diff OLD NEW`: what changed between two rulesets, on lines a reviewer reads, and with data
//! what the change does — per entity and scorecard the total before and after, every grade that
//! changes, and the diagnoses that start or stop firing.

mod changes;
pub mod git;
mod impact;
mod render;

use serde::Serialize;

pub use changes::{Change, ChangeKind, changes};
pub use impact::{Fired, Impact, RollupImpact, TotalChange, impact};

use crate::engine::Period;
use crate::engine::warehouse::Warehouse;
use crate::error::Result;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;

/// Two rulesets compared: the JSON of `kpi diff --format json`.
#[derive(Debug, Serialize)]
pub struct Review {
    pub old: String,
    pub new: String,
    pub changes: Vec<Change>,
    /// With data: what the change does to the appraisal.
    pub impact: Option<Impact>,
}

/// How `kpi diff` writes a review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiffFormat {
    /// Lines for a terminal.
    Text,
    /// Markdown, for a pull-request comment.
    Md,
    Json,
}

/// The changes from `old` to `new` (named as the user named them), and, `with_data`, their
/// impact in `period`.
pub fn review(
    (old_name, old): (&str, &CheckedRuleset),
    (new_name, new): (&str, &CheckedRuleset),
    with_data: bool,
    warehouse: Option<&Warehouse>,
    period: Option<Period>,
    rollups: &[String],
) -> Result<Review> {
    let impact = if with_data { Some(impact(old, new, warehouse, period, rollups)?) } else { None };
    Ok(Review {
        old: old_name.to_string(),
        new: new_name.to_string(),
        changes: changes(&old.model, &new.model),
        impact,
    })
}

impl Review {
    /// The review in `format`; text and Markdown in `locale`.
    pub fn render(&self, format: DiffFormat, locale: Locale) -> String {
        match format {
            DiffFormat::Text => render::text(self, locale),
            DiffFormat::Md => render::markdown(self, locale),
            DiffFormat::Json => serde_json::to_string_pretty(self).expect("a review serializes") + "\n",
        }
    }
}
