//! Builds the template context of each report from an evaluation: one entity in one period,
//! or the whole portfolio.

use std::collections::BTreeMap;

use crate::appraise::Cell;
use crate::appraise::explain::{Probes, explain_cell};
use crate::compile::columns;
use crate::engine::{Evaluation, Period, files};
use crate::error::{Error, Result};
use crate::report::context::*;
use crate::report::texts::DiagnosisTexts;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, Severity, Source};

/// Each entity's rank (by index), where it has one.
type Ranks = Vec<Option<usize>>;

/// Periods shown in trend charts, this one included.
pub const TREND_PERIODS: usize = 12;

/// What every report of one run shares: the evaluation, the period, ranks and texts.
pub struct ReportData<'a> {
    ruleset: &'a CheckedRuleset,
    evaluation: &'a Evaluation,
    probes: &'a Probes,
    locale: Locale,
    period: usize,
    texts: DiagnosisTexts,
    files: BTreeMap<String, Vec<String>>,
    /// Scorecard → entity index → rank, this period and the previous one.
    ranks: BTreeMap<String, (Ranks, Ranks)>,
}

impl<'a> ReportData<'a> {
    pub fn new(ruleset: &'a CheckedRuleset, evaluation: &'a Evaluation, probes: &'a Probes, period: Period, locale: Locale) -> Result<ReportData<'a>> {
        let period = evaluation.periods.iter().position(|p| *p == period).expect("the period is checked against the evaluation");
        let texts = DiagnosisTexts::new(&ruleset.model.diagnoses, locale).map_err(Error::internal)?;
        let files = dated_sources(ruleset)
            .map(|(name, source)| {
                let found = files::find(source, &ruleset.base_dir).unwrap_or_default();
                (name.clone(), found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).collect())
            })
            .collect();
        let mut data = ReportData { ruleset, evaluation, probes, locale, period, texts, files, ranks: BTreeMap::new() };
        for name in ruleset.scorecards.keys() {
            let current = data.rank(name, Some(period));
            let previous = data.rank(name, period.checked_sub(1));
            data.ranks.insert(name.clone(), (current, previous));
        }
        Ok(data)
    }

    pub fn entities(&self) -> &[String] {
        &self.evaluation.entities
    }

    fn cell(&self, entity: usize, period: usize) -> Cell<'a> {
        Cell::new(self.evaluation, entity, period)
    }

    fn previous(&self) -> Option<usize> {
        self.period.checked_sub(1)
    }

    /// Each entity's rank by a scorecard's total in a period; ties share the better rank.
    fn rank(&self, scorecard: &str, period: Option<usize>) -> Ranks {
        let count = self.evaluation.entities.len();
        let Some(period) = period else { return vec![None; count] };
        let totals: Vec<Option<f64>> = (0..count)
            .map(|e| {
                let cell = self.cell(e, period);
                if cell.flag(&columns::applies(scorecard)) { cell.number(&columns::total(scorecard)) } else { None }
            })
            .collect();
        totals.iter().map(|total| total.map(|t| 1 + totals.iter().flatten().filter(|other| **other > t).count())).collect()
    }

    fn report(&self, kind: &'static str, sources: Vec<SourceInfo>) -> Report {
        let period = self.evaluation.periods[self.period];
        let first = self.period.saturating_sub(TREND_PERIODS - 1);
        let model = &self.ruleset.model;
        Report {
            context_version: CONTEXT_VERSION,
            kind,
            locale: self.locale.code(),
            client: model.client.clone().unwrap_or_else(|| model.ruleset.clone()),
            ruleset: RulesetInfo { id: model.ruleset.clone(), version: model.version.clone() },
            period: PeriodInfo {
                label: period.label(),
                start: period.start.to_string(),
                end: period.end().to_string(),
                previous: self.previous().map(|p| self.evaluation.periods[p].label()),
                trend: self.evaluation.periods[first..=self.period].iter().map(|p| p.label()).collect(),
            },
            entity_noun: model.grain.entity.clone(),
            grain: format!("{:?}", model.grain.period).to_lowercase(),
            data: DataInfo {
                files: sources.iter().flat_map(|s| s.files.iter().cloned()).collect(),
                first_date: sources.iter().filter_map(|s| s.first_date.clone()).min(),
                last_date: sources.iter().filter_map(|s| s.last_date.clone()).max(),
            },
            sources,
            entity: None,
            portfolio: None,
        }
    }

    /// The sources' files and the dates of the rows read, over `entities`.
    fn sources(&self, entities: &[usize]) -> Vec<SourceInfo> {
        dated_sources(self.ruleset)
            .map(|(name, _)| {
                let mut info = SourceInfo { name: name.clone(), files: self.files[name].clone(), first_date: None, last_date: None, rows: 0 };
                for &entity in entities {
                    for period in 0..self.evaluation.periods.len() {
                        let cell = self.cell(entity, period);
                        info.rows += cell.number(&columns::rows(name)).unwrap_or(0.0) as u64;
                        let date = |column: String| cell.number(&column).map(|d| crate::engine::period::from_epoch_days(d as i32).to_string());
                        if let Some(first) = date(columns::first_date(name))
                            && info.first_date.as_ref().is_none_or(|known| first < *known) {
                                info.first_date = Some(first);
                            }
                        if let Some(last) = date(columns::last_date(name))
                            && info.last_date.as_ref().is_none_or(|known| last > *known) {
                                info.last_date = Some(last);
                            }
                    }
                }
                info
            })
            .collect()
    }

    pub fn entity(&self, entity: usize) -> Result<Report> {
        let cell = self.cell(entity, self.period);
        let ruleset = self.ruleset;
        let kpis: Vec<KpiReport> = ruleset.kpis.keys().map(|kpi| self.kpi(entity, kpi)).collect();
        let scorecards: Vec<ScorecardReport> = ruleset
            .scorecards
            .keys()
            .filter(|name| cell.flag(&columns::applies(name)))
            .map(|name| self.scorecard(entity, name, &kpis))
            .collect();
        let attributes = ruleset.attributes.keys().map(|name| (name.clone(), cell.value(&columns::attribute(name)))).collect();
        let entity_report = EntityReport {
            id: cell.entity.to_string(),
            attributes,
            headline: scorecards.first().cloned(),
            no_data: kpis.iter().filter(|k| k.value.is_none()).map(|k| KpiRef { id: k.id.clone(), label: k.label.clone() }).collect(),
            appendix: ruleset.kpis.keys().map(|kpi| explain_cell(ruleset, &cell, self.probes, kpi, self.locale)).collect(),
            diagnoses: self.diagnoses(&cell)?,
            scorecards,
            kpis,
        };
        let mut report = self.report("entity", self.sources(&[entity]));
        report.entity = Some(entity_report);
        Ok(report)
    }

    fn kpi(&self, entity: usize, kpi: &str) -> KpiReport {
        let cell = self.cell(entity, self.period);
        let model = &self.ruleset.model.kpis[kpi];
        let previous = self.previous().and_then(|p| self.cell(entity, p).number(&columns::value(kpi)));
        let value = cell.number(&columns::value(kpi));
        let band = cell.text(&columns::band(kpi));
        let band_tone = band.as_ref().and_then(|b| model.bands.get_index_of(b)).map(|index| match index {
            0 => "good",
            i if i + 1 == model.bands.len() => "bad",
            _ => "mid",
        });
        let first = self.period.saturating_sub(TREND_PERIODS - 1);
        let trend = (first..=self.period)
            .map(|p| {
                let cell = self.cell(entity, p);
                TrendPoint { period: cell.period.label(), value: cell.number(&columns::value(kpi)), target: cell.number(&columns::target(kpi)) }
            })
            .collect();
        KpiReport {
            id: kpi.to_string(),
            label: self.ruleset.kpi_label(kpi, self.locale),
            description: model.description.as_ref().and_then(|d| d.get(self.locale)).map(str::to_string),
            format: model.format,
            decimals: model.decimals,
            better: model.better,
            value,
            target: cell.number(&columns::target(kpi)),
            attainment: cell.number(&columns::attainment(kpi)),
            score: cell.number(&columns::score(kpi)),
            band,
            band_tone,
            previous,
            change: value.zip(previous).map(|(v, p)| v - p),
            trend,
        }
    }

    fn scorecard(&self, entity: usize, name: &str, kpis: &[KpiReport]) -> ScorecardReport {
        let cell = self.cell(entity, self.period);
        let previous_cell = self.previous().map(|p| self.cell(entity, p));
        let previous_applies = previous_cell.as_ref().is_some_and(|c| c.flag(&columns::applies(name)));
        let previous_total = previous_cell.as_ref().filter(|_| previous_applies).and_then(|c| c.number(&columns::total(name)));
        let total = cell.number(&columns::total(name));
        let weights = &self.ruleset.scorecards[name].weights;
        let rows = weights
            .iter()
            .filter_map(|(kpi, weight)| {
                let report = kpis.iter().find(|k| &k.id == kpi)?.clone();
                let weighted = report.score.map(|s| s * weight / 100.0);
                Some(ScorecardRow { kpi: report, weight: *weight, weighted })
            })
            .collect();
        let (ranks, _) = &self.ranks[name];
        ScorecardReport {
            id: name.to_string(),
            label: self.ruleset.scorecard_label(name, self.locale),
            total,
            grade: cell.text(&columns::grade(name)),
            previous_total,
            previous_grade: previous_cell.as_ref().filter(|_| previous_applies).and_then(|c| c.text(&columns::grade(name))),
            change: total.zip(previous_total).map(|(t, p)| t - p),
            rank: ranks[entity],
            ranked: ranks.iter().flatten().count(),
            missing: weights
                .keys()
                .filter(|kpi| cell.number(&columns::score(kpi)).is_none())
                .map(|kpi| KpiRef { id: kpi.clone(), label: self.ruleset.kpi_label(kpi, self.locale) })
                .collect(),
            rows,
        }
    }

    /// The diagnoses that fire in a cell, most severe first.
    fn diagnoses(&self, cell: &Cell) -> Result<Vec<DiagnosisReport>> {
        let fired: Vec<usize> = (0..self.ruleset.model.diagnoses.len()).filter(|i| cell.flag(&columns::diagnosis(*i))).collect();
        if fired.is_empty() {
            return Ok(Vec::new());
        }
        let values = cell.template_values(self.ruleset);
        let mut reports = Vec::new();
        for index in fired {
            let diagnosis = &self.ruleset.model.diagnoses[index];
            let (finding, advice) = self.texts.render(&diagnosis.id, &values).map_err(|e| {
                Error::bad_data(format!("the text of diagnosis `{}` failed for `{}`: {e}", diagnosis.id, cell.entity))
            })?;
            reports.push(DiagnosisReport { id: diagnosis.id.clone(), severity: diagnosis.severity, finding, advice });
        }
        reports.sort_by_key(|d| std::cmp::Reverse(d.severity));
        Ok(reports)
    }

    pub fn portfolio(&self) -> Result<Report> {
        let entities: Vec<usize> = (0..self.evaluation.entities.len()).collect();
        let mut scorecards = Vec::new();
        let mut movers = Vec::new();
        for name in self.ruleset.scorecards.keys() {
            let (ranks, previous_ranks) = &self.ranks[name];
            let mut ranking = Vec::new();
            let mut unscored = Vec::new();
            for &entity in &entities {
                let cell = self.cell(entity, self.period);
                if !cell.flag(&columns::applies(name)) {
                    continue;
                }
                let report = self.scorecard(entity, name, &[]);
                match report.total {
                    Some(total) => ranking.push(Ranked {
                        rank: ranks[entity].unwrap_or(0),
                        entity: cell.entity.to_string(),
                        total,
                        grade: report.grade.clone(),
                        previous_total: report.previous_total,
                        previous_rank: previous_ranks[entity],
                        change: report.change,
                    }),
                    None => unscored.push(cell.entity.to_string()),
                }
                if report.grade != report.previous_grade && report.previous_grade.is_some() && report.grade.is_some() {
                    let improved = self.grade_order(report.grade.as_deref()) < self.grade_order(report.previous_grade.as_deref());
                    movers.push(Mover {
                        entity: cell.entity.to_string(),
                        scorecard: name.clone(),
                        label: report.label.clone(),
                        previous_grade: report.previous_grade,
                        grade: report.grade,
                        change: report.change,
                        direction: if improved { "up" } else { "down" },
                    });
                }
            }
            ranking.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.entity.cmp(&b.entity)));
            let grades = self
                .ruleset
                .grades
                .iter()
                .map(|(grade, _)| GradeCount { grade: grade.clone(), count: ranking.iter().filter(|r| r.grade.as_ref() == Some(grade)).count() })
                .collect();
            scorecards.push(PortfolioScorecard { id: name.clone(), label: self.ruleset.scorecard_label(name, self.locale), ranking, grades, unscored });
        }
        movers.sort_by(|a, b| {
            let size = |m: &Mover| m.change.map_or(0.0, f64::abs);
            size(b).total_cmp(&size(a)).then_with(|| a.entity.cmp(&b.entity)).then_with(|| a.scorecard.cmp(&b.scorecard))
        });
        let mut findings = Vec::new();
        for &entity in &entities {
            let cell = self.cell(entity, self.period);
            for diagnosis in self.diagnoses(&cell)? {
                findings.push(EntityDiagnosis { entity: cell.entity.to_string(), diagnosis });
            }
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.diagnosis.severity));
        let diagnoses = [Severity::Critical, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|severity| SeverityCount { severity, count: findings.iter().filter(|f| f.diagnosis.severity == severity).count() })
            .collect();
        let mut report = self.report("portfolio", self.sources(&entities));
        report.portfolio = Some(Portfolio { entities: entities.len(), scorecards, movers, diagnoses, findings });
        Ok(report)
    }

    /// A grade's position in the ruleset, 0 for the best; unknown grades last.
    fn grade_order(&self, grade: Option<&str>) -> usize {
        grade.and_then(|g| self.ruleset.grades.iter().position(|(name, _)| name == g)).unwrap_or(usize::MAX)
    }
}

fn dated_sources(ruleset: &CheckedRuleset) -> impl Iterator<Item = (&String, &Source)> {
    ruleset
        .model
        .sources
        .iter()
        .filter(|(name, source)| source.date.is_some() && !crate::ruleset::namespace::is_targets_table(&ruleset.model, name))
}

/// The last period in which any source has rows.
pub fn latest_period_with_data(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> Option<Period> {
    let sources: Vec<&String> = dated_sources(ruleset).map(|(name, _)| name).collect();
    (0..evaluation.periods.len()).rev().find_map(|p| {
        let has_rows = (0..evaluation.entities.len())
            .any(|e| sources.iter().any(|s| Cell::new(evaluation, e, p).number(&columns::rows(s)).unwrap_or(0.0) > 0.0));
        has_rows.then_some(evaluation.periods[p])
    })
}
