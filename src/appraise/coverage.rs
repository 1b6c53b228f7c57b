//! Coverage: which sources of a cell are missing (an account's export forgotten) or cover only
//! part of its period (a daily export cut short). A KPI from a missing source is no data
//! already (the engine makes it so); a KPI from a partial one carries the mark, and both are
//! warnings for the periods a command outputs.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::opening::{Opening, openings};

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
    /// By entity: the first period of its data, where it starts before the entity's first
    /// day (the year to date of the year its exports begin in).
    openings: HashMap<String, (Opening, Vec<Partial>)>,
    /// The earlier periods each KPI's value reads, and its value, target and score, by the
    /// KPI's name.
    reads: HashMap<String, (Lookback, Lookback)>,
    /// The evaluation's periods, in calendar order, and the place of each one's year's first.
    periods: Vec<Period>,
    year_starts: Vec<usize>,
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
        let reads = ruleset
            .kpis
            .keys()
            .map(|kpi| (kpi.clone(), (ruleset.value_reads(kpi), ruleset.periods_read(kpi))))
            .collect();
        let periods = evaluation.periods.clone();
        let year_starts = (0..periods.len())
            .map(|at| periods.iter().position(|p| p.year() == periods[at].year()).unwrap_or(at))
            .collect();
        let openings = openings(ruleset, evaluation).into_iter().map(|(entity, o)| {
            let through = Some(o.period.end().to_string());
            let partial =
                |source: &String| Partial { source: source.clone(), days: o.days, of: o.of, through: through.clone() };
            let sources = o.sources.iter().map(partial).collect();
            (entity, (o, sources))
        });
        let openings = openings.collect();
        Coverage { missing, partial, sources: sources.collect(), openings, reads, periods, year_starts }
    }

    /// The partial source a KPI's value in a cell comes from, the one covering the fewest
    /// days where there are several; none where its sources cover the whole period.
    pub fn partial(&self, kpi: &str, entity: &str, period: Period) -> Option<&Partial> {
        // Nearly every run has no partial cell: no lookup per KPI row then.
        if self.partial.is_empty() && self.openings.is_empty() {
            return None;
        }
        let own = self.partial.get(entity).and_then(|p| p.get(&period)).into_iter().flatten();
        let opening = self.openings.get(entity).filter(|(o, _)| o.period == period).into_iter().flat_map(|(_, p)| p);
        let sources = self.sources.get(kpi)?;
        own.chain(opening).filter(|p| sources.contains(&p.source)).min_by_key(|p| p.days)
    }

    /// The earlier period a KPI's value, target or score in a cell reads (`pct_change`'s
    /// base, a rolling window, `prev(x)` as a target) whose sources cover part of it, with the
    /// fewest days: the KPI is partial too, and so is a comparison with it.
    pub fn partial_base(&self, kpi: &str, entity: &str, period: Period) -> Option<(Period, &Partial)> {
        self.base(&self.reads.get(kpi)?.1, kpi, entity, period)
    }

    fn base(&self, reads: &Lookback, kpi: &str, entity: &str, period: Period) -> Option<(Period, &Partial)> {
        if !reads.reads_earlier() || (self.partial.is_empty() && self.openings.is_empty()) {
            return None;
        }
        let at = self.periods.iter().position(|p| *p == period).expect("a period of the evaluation");
        let read = reads.periods(at, |p| self.year_starts[p]).into_iter().map(|p| self.periods[p]);
        read.filter_map(|p| Some((p, self.partial(kpi, entity, p)?))).min_by_key(|(_, partial)| partial.days)
    }

    /// Whether a KPI in a cell rests on days without data, of its own period or of an earlier
    /// one its value, target or score reads.
    pub fn marked(&self, kpi: &str, entity: &str, period: Period) -> bool {
        self.partial(kpi, entity, period).is_some() || self.partial_base(kpi, entity, period).is_some()
    }

    /// Whether a KPI's values of two periods may be compared: neither value rests on days
    /// without data (its target may). A change from or to a part of a period says nothing.
    pub fn comparable(&self, kpi: &str, entity: &str, now: Period, before: Period) -> bool {
        let value_marked = |period: Period| {
            let reads = self.reads.get(kpi).map(|r| &r.0);
            self.partial(kpi, entity, period).is_some()
                || reads.is_some_and(|reads| self.base(reads, kpi, entity, period).is_some())
        };
        !value_marked(now) && !value_marked(before)
    }

    /// Whether the totals of two periods over `kpis` may be compared: no KPI of either, its
    /// target and score included, rests on days without data.
    pub fn totals_comparable<'k>(
        &self,
        kpis: impl IntoIterator<Item = &'k str>,
        entity: &str,
        now: Period,
        before: Period,
    ) -> bool {
        kpis.into_iter().all(|kpi| !self.marked(kpi, entity, now) && !self.marked(kpi, entity, before))
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
        let opening = self.opening_warnings(periods);
        missing.chain(partial).chain(opening).collect()
    }

    /// One warning per period and first day where entities' data begins inside a period that
    /// one of `periods` is or reads.
    fn opening_warnings(&self, periods: &[Period]) -> Vec<Error> {
        let all = self.reads.values().fold(Lookback::default(), |all, (_, reads)| all.union(reads.clone()));
        let mut read: Vec<Period> = periods.to_vec();
        for period in periods {
            if let Some(at) = self.periods.iter().position(|p| p == period) {
                read.extend(all.periods(at, |p| self.year_starts[p]).into_iter().map(|p| self.periods[p]));
            }
        }
        let mut groups: Groups<(Period, NaiveDate, usize, usize)> = Vec::new();
        for (entity, (o, _)) in self.openings.iter().filter(|(_, (o, _))| read.contains(&o.period)) {
            grouped(&mut groups, (o.period, o.first_day, o.days, o.of), entity);
        }
        groups.sort_by_key(|(key, _)| (key.0, key.1));
        let warning = |((period, first_day, days, of), names): ((Period, NaiveDate, usize, usize), Vec<&str>)| {
            let kind = ErrorKind::DataBeginsLate {
                entities: listed(names),
                first_day: first_day.to_string(),
                period: period.label(),
                days,
                of,
            };
            Error::new(kind).help(
                "its values are marked partial and no change since it is shown; an export reaching back to its first day completes it",
            )
        };
        groups.into_iter().map(warning).collect()
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
