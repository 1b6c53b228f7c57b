//! Where an entity's data begins inside a period: its daily exports start on the 10th of the
//! month, or in October of a year whose year to date runs from January. Its daily sources say
//! so themselves (days missing); its other sources — a list of articles, a monthly survey —
//! cannot, so they are taken to begin with the daily ones and are partial there too.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::compile::GridColumn;
use crate::engine::{Evaluation, Period};
use crate::ruleset::CheckedRuleset;

/// The first period of an entity's data, where it starts before the entity's first day.
pub struct Opening {
    pub period: Period,
    pub first_day: NaiveDate,
    /// The days from the first day to the period's end, and the period's days.
    pub days: usize,
    pub of: usize,
    /// The sources without a row before the first day: they cover those days alone.
    pub sources: Vec<String>,
}

/// Each entity's opening, where its data begins inside a period.
pub fn openings(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> HashMap<String, Opening> {
    let daily: Vec<_> = evaluation.daily.iter().map(|s| evaluation.column(GridColumn::FirstDate(s))).collect();
    let mut found = HashMap::new();
    if daily.is_empty() {
        return found;
    }
    let first_date = |source: &str, row: usize| {
        evaluation.column(GridColumn::FirstDate(source)).date(row).and_then(|d| d.parse::<NaiveDate>().ok())
    };
    for (entity, name) in evaluation.entities.iter().enumerate() {
        // The entity's first period with rows of a daily source.
        let first = (0..evaluation.periods.len()).find_map(|p| {
            let row = evaluation.row(entity, p);
            let days = daily.iter().filter_map(|column| column.date(row)?.parse::<NaiveDate>().ok());
            days.min().map(|day| (p, row, day))
        });
        let Some((p, row, first_day)) = first else { continue };
        let period = evaluation.periods[p];
        if first_day <= period.start {
            continue;
        }
        let (days, of) = (days_between(first_day, period.end()), days_between(period.start, period.end()));
        let sources = ruleset
            .row_sources()
            .filter(|(source, _)| first_date(source, row).is_none_or(|day| day >= first_day))
            .map(|(source, _)| source.clone())
            .collect();
        found.insert(name.clone(), Opening { period, first_day, days, of, sources });
    }
    found
}

/// The days from `first` to `last`, both counted.
fn days_between(first: NaiveDate, last: NaiveDate) -> usize {
    usize::try_from((last - first).num_days() + 1).unwrap_or(0)
}
