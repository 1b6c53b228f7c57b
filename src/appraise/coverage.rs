//! Coverage: which sources of a cell are missing (an account's export forgotten) or cover only
//! part of its period (a daily export cut short). A KPI from a missing source is no data
//! already (the engine makes it so); a KPI from a partial one carries the mark, and both are
//! warnings for the periods a command outputs.

use std::collections::HashMap;

use serde::Serialize;

use crate::compile::GridColumn;
use crate::engine::quality::Issue;
use crate::engine::{Evaluation, Period};
use crate::error::{Error, ErrorKind};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;

/// How much of a cell's period a daily source covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partial {
    pub source: String,
    /// The days with rows, and the days of the period.
    pub days: usize,
    pub of: usize,
    /// The last day with rows, `2026-10-15`.
    pub through: Option<String>,
}

impl Partial {
    /// The footnote of a partial value: `15 of 31 days`.
    pub fn days_covered(&self, locale: Locale) -> String {
        let (days, of) = (self.days, self.of);
        locale.pick(format!("{of} 天中仅 {days} 天有数据"), format!("{days} of {of} days"))
    }
}

/// The sources each cell lacks or has in part, read from the evaluation's quality notes.
pub struct Coverage {
    /// By entity and period: the sources missing there.
    missing: HashMap<(String, Period), Vec<String>>,
    /// By entity, then period: the daily sources with days missing there.
    partial: HashMap<String, HashMap<Period, Vec<Partial>>>,
    /// Each KPI's sources, by the KPI's name.
    sources: HashMap<String, Vec<String>>,
}

impl Coverage {
    pub fn new(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> Coverage {
        let mut missing: HashMap<(String, Period), Vec<String>> = HashMap::new();
        let mut partial: HashMap<String, HashMap<Period, Vec<Partial>>> = HashMap::new();
        // Each entity's and period's place, looked up once rather than searched for each note.
        let entities: HashMap<&str, usize> =
            evaluation.entities.iter().enumerate().map(|(i, e)| (e.as_str(), i)).collect();
        let periods: HashMap<Period, usize> = evaluation.periods.iter().enumerate().map(|(i, p)| (*p, i)).collect();
        for note in &evaluation.quality {
            let (Some(entity), Some(period)) = (&note.entity, note.period) else { continue };
            let key = (entity.clone(), period);
            match &note.issue {
                Issue::MissingSource => missing.entry(key).or_default().push(note.source.clone()),
                Issue::MissingDays { missing, days } => {
                    let row = entities.get(entity.as_str()).zip(periods.get(&period));
                    let last = evaluation.column(GridColumn::LastDate(&note.source));
                    let through = row.and_then(|(e, p)| last.date(evaluation.row(*e, *p)));
                    let days_covered = days.saturating_sub(missing.len());
                    let found = Partial { source: note.source.clone(), days: days_covered, of: *days, through };
                    partial.entry(key.0).or_default().entry(period).or_default().push(found);
                }
                _ => {}
            }
        }
        let sources = ruleset.kpis.keys().map(|kpi| {
            let of_kpi = ruleset.sources_of_kpi(kpi).into_iter().map(str::to_string).collect();
            (kpi.clone(), of_kpi)
        });
        Coverage { missing, partial, sources: sources.collect() }
    }

    /// The partial source a KPI's value in a cell comes from, the one covering the fewest
    /// days where there are several; none where its sources cover the whole period.
    pub fn partial(&self, kpi: &str, entity: &str, period: Period) -> Option<&Partial> {
        // Nearly every run has no partial cell: no lookup per KPI row then.
        if self.partial.is_empty() {
            return None;
        }
        let partial = self.partial.get(entity)?.get(&period)?;
        let sources = self.sources.get(kpi)?;
        partial.iter().filter(|p| sources.contains(&p.source)).min_by_key(|p| p.days)
    }

    /// The warnings of the periods in `periods`: one per source and period for the entities
    /// whose data of it is missing, and one per source, period and coverage for the entities
    /// whose daily data covers part of the period; in period, then source order.
    pub fn warnings(&self, ruleset: &CheckedRuleset, periods: &[Period], locale: Locale) -> Vec<Error> {
        let order = |source: &str| ruleset.model.sources.get_index_of(source).unwrap_or(usize::MAX);
        let mut missing: Groups<(Period, usize)> = Vec::new();
        for ((entity, period), sources) in self.missing.iter().filter(|((_, period), _)| periods.contains(period)) {
            for source in sources {
                grouped(&mut missing, (*period, order(source)), entity);
            }
        }
        let mut partial: Groups<(Period, usize, &Partial)> = Vec::new();
        for (entity, by_period) in &self.partial {
            for (period, found) in by_period.iter().filter(|(period, _)| periods.contains(period)) {
                for part in found {
                    grouped(&mut partial, (*period, order(&part.source), part), entity);
                }
            }
        }
        missing.sort_by_key(|(key, _)| *key);
        partial.sort_by_key(|((period, source, part), _)| (*period, *source, part.days));
        let label = |index: usize| {
            let (name, _) = ruleset.model.sources.get_index(index).expect("a source of the ruleset");
            ruleset.source_label(name, locale)
        };
        let missing = missing.into_iter().map(|((period, source), names)| {
            let kind = ErrorKind::SourceMissing {
                source_label: label(source),
                period: period.label(),
                entities: listed(names),
            };
            Error::new(kind)
                .help("add the export of that period, or leave it out: the KPIs computed from it have no data there")
        });
        let partial = partial.into_iter().map(|((period, source, part), names)| {
            let kind = ErrorKind::SourcePartial {
                source_label: label(source),
                period: period.label(),
                days: part.days,
                of: part.of,
                through: part.through.clone().unwrap_or_default(),
                entities: listed(names),
            };
            Error::new(kind)
                .help("the KPIs computed from it are marked partial; a report of the period says how far its data runs")
        });
        missing.chain(partial).collect()
    }
}

/// Entities by what they share.
type Groups<'a, K> = Vec<(K, Vec<&'a str>)>;

/// The entities of a warning, in name order.
fn listed(mut names: Vec<&str>) -> String {
    names.sort_unstable();
    crate::words::quoted(names)
}

/// `entity` added to the entities of `key`, which is added when new.
fn grouped<'a, K: PartialEq>(groups: &mut Groups<'a, K>, key: K, entity: &'a str) {
    match groups.iter_mut().find(|(k, _)| *k == key) {
        Some((_, entities)) => entities.push(entity),
        None => groups.push((key, vec![entity])),
    }
}
