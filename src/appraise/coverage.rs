//! Coverage: which sources of a cell are missing (an account's export forgotten) or cover only
//! part of its period (a daily export cut short). A KPI from a missing source is no data
//! already (the engine makes it so); a KPI from a partial one carries the mark, and both are
//! warnings for the periods a command outputs.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::compile::GridColumn;
use crate::engine::quality::Issue;
use crate::engine::{Evaluation, Period};
use crate::error::{Error, ErrorKind};
use crate::locale::Locale;
use crate::ruleset::{CheckedRuleset, Lookback};

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
    /// The first period, where it starts before the data's first day (the year to date of
    /// the year the exports begin in): every source covers only the days from that day on.
    /// The data's first day is the first of its sources with a row a day.
    opening: Option<Opening>,
    /// The earlier periods each KPI's value reads, by the KPI's name.
    reads: HashMap<String, Lookback>,
    /// The evaluation's periods, in calendar order.
    periods: Vec<Period>,
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
        let reads = ruleset.kpis.keys().map(|kpi| (kpi.clone(), ruleset.periods_read(kpi))).collect();
        let opening = Opening::of(ruleset, evaluation);
        Coverage { missing, partial, sources: sources.collect(), opening, reads, periods: evaluation.periods.clone() }
    }

    /// The partial source a KPI's value in a cell comes from, the one covering the fewest
    /// days where there are several; none where its sources cover the whole period.
    pub fn partial(&self, kpi: &str, entity: &str, period: Period) -> Option<&Partial> {
        // Nearly every run has no partial cell: no lookup per KPI row then.
        if self.partial.is_empty() && self.opening.is_none() {
            return None;
        }
        let own = self.partial.get(entity).and_then(|p| p.get(&period)).into_iter().flatten();
        let opening = self.opening.iter().filter(|o| o.period == period).flat_map(|o| &o.sources);
        let sources = self.sources.get(kpi)?;
        own.chain(opening).filter(|p| sources.contains(&p.source)).min_by_key(|p| p.days)
    }

    /// The earlier period a KPI's value in a cell reads (`pct_change`'s base, a rolling
    /// window) whose sources cover part of it, with the fewest days: the value is partial too,
    /// and so is a comparison with it.
    pub fn partial_base(&self, kpi: &str, entity: &str, period: Period) -> Option<(Period, &Partial)> {
        let any = !self.partial.is_empty() || self.opening.is_some();
        let reads = self.reads.get(kpi).filter(|r| r.reads_earlier() && any)?;
        let at = self.periods.iter().position(|p| *p == period)?;
        let first = at.saturating_sub(reads.periods);
        let first = match reads.year {
            true => self.periods.iter().position(|p| p.year() == self.periods[first].year()).unwrap_or(first),
            false => first,
        };
        let read = self.periods[first..at].iter().filter_map(|p| Some((*p, self.partial(kpi, entity, *p)?)));
        read.min_by_key(|(_, partial)| partial.days)
    }

    /// Whether a KPI's value in a cell rests on days without data, of its own period or of an
    /// earlier one it reads.
    pub fn marked(&self, kpi: &str, entity: &str, period: Period) -> bool {
        self.partial(kpi, entity, period).is_some() || self.partial_base(kpi, entity, period).is_some()
    }

    /// Whether a KPI's values of two periods may be compared: neither rests on days without
    /// data. A change from or to a part of a period says nothing.
    pub fn comparable(&self, kpi: &str, entity: &str, now: Period, before: Period) -> bool {
        !self.marked(kpi, entity, now) && !self.marked(kpi, entity, before)
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
        let opening = self.opening.iter().filter(|o| periods.contains(&o.period) || periods.contains(&o.period.next()));
        let opening = opening.map(|o| {
            let kind = ErrorKind::DataBeginsLate {
                first_day: o.first_day.to_string(),
                period: o.period.label(),
                days: o.days,
                of: o.of,
            };
            Error::new(kind).help(
                "its values are marked partial and no change since it is shown; an export reaching back to its first day completes it",
            )
        });
        missing.chain(partial).chain(opening).collect()
    }
}

/// The first period of the data, where it starts before the data's first day.
struct Opening {
    period: Period,
    first_day: NaiveDate,
    /// The days from the first day to the period's end, and the period's days.
    days: usize,
    of: usize,
    /// Each source of rows, covering those days.
    sources: Vec<Partial>,
}

impl Opening {
    fn of(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> Option<Opening> {
        let period = *evaluation.periods.first()?;
        // Only a source with a row a day says when the data begins: a list of articles starts
        // on the day of its first article, a monthly export on the day it is dated.
        let first_day = evaluation
            .daily
            .iter()
            .flat_map(|source| {
                let column = evaluation.column(GridColumn::FirstDate(source));
                (0..evaluation.entities.len()).filter_map(move |e| column.date(evaluation.row(e, 0)))
            })
            .filter_map(|day| day.parse::<NaiveDate>().ok())
            .min()
            .filter(|day| *day > period.start)?;
        let (days, of) = (days_between(first_day, period.end()), days_between(period.start, period.end()));
        let through = Some(period.end().to_string());
        let partial = |source: &String| Partial { source: source.clone(), days, of, through: through.clone() };
        let sources = ruleset.row_sources().map(|(source, _)| partial(source)).collect();
        Some(Opening { period, first_day, days, of, sources })
    }
}

/// The days from `first` to `last`, both counted.
fn days_between(first: NaiveDate, last: NaiveDate) -> usize {
    usize::try_from((last - first).num_days() + 1).unwrap_or(0)
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
