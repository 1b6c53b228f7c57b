//! Builds the template context of each report from an evaluation: one entity in one period,
//! or the whole portfolio.

use polars::prelude::*;

use crate::appraise::explain::{Probes, explain_cell};
use crate::appraise::{Cell, fired_diagnoses};
use crate::compile::columns;
use crate::engine::period::from_epoch_days;
use crate::engine::{Evaluation, Period, files};
use crate::error::{Error, Result};
use crate::report::context::*;
use crate::report::texts::DiagnosisTexts;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, Severity, Source};

/// Periods shown in trend charts, this one included.
pub const TREND_PERIODS: usize = 12;

/// What every report of one run shares: the evaluation, the period, texts and the rows read.
pub struct ReportData<'a> {
    ruleset: &'a CheckedRuleset,
    evaluation: &'a Evaluation,
    probes: &'a Probes,
    locale: Locale,
    period: usize,
    texts: DiagnosisTexts,
    /// The sources read, for each entity (in the evaluation's order), and for all of them.
    sources: (Vec<Vec<SourceInfo>>, Vec<SourceInfo>),
}

impl<'a> ReportData<'a> {
    pub fn new(
        ruleset: &'a CheckedRuleset,
        evaluation: &'a Evaluation,
        probes: &'a Probes,
        period: Period,
        locale: Locale,
    ) -> Result<ReportData<'a>> {
        let period =
            evaluation.periods.iter().position(|p| *p == period).expect("the period is checked against the evaluation");
        let texts = DiagnosisTexts::new(&ruleset.model.diagnoses, locale).map_err(Error::internal)?;
        let sources = sources_read(ruleset, evaluation)?;
        Ok(ReportData { ruleset, evaluation, probes, locale, period, texts, sources })
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
        let attributes =
            ruleset.attributes.keys().map(|name| (name.clone(), cell.value(&columns::attribute(name)))).collect();
        let entity_report = EntityReport {
            id: cell.entity.to_string(),
            attributes,
            headline: scorecards.first().cloned(),
            no_data: kpis
                .iter()
                .filter(|k| k.value.is_none())
                .map(|k| KpiRef { id: k.id.clone(), label: k.label.clone() })
                .collect(),
            appendix: ruleset
                .kpis
                .keys()
                .map(|kpi| explain_cell(ruleset, &cell, self.probes, kpi, self.locale))
                .collect(),
            diagnoses: self.diagnoses(&cell)?,
            scorecards,
            kpis,
        };
        let mut report = self.report("entity", self.sources.0[entity].clone());
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
                TrendPoint {
                    period: cell.period.label(),
                    value: cell.number(&columns::value(kpi)),
                    target: cell.number(&columns::target(kpi)),
                }
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
        let previous_total =
            previous_cell.as_ref().filter(|_| previous_applies).and_then(|c| c.number(&columns::total(name)));
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
        ScorecardReport {
            id: name.to_string(),
            label: self.ruleset.scorecard_label(name, self.locale),
            total,
            grade: cell.text(&columns::grade(name)),
            previous_total,
            previous_grade: previous_cell
                .as_ref()
                .filter(|_| previous_applies)
                .and_then(|c| c.text(&columns::grade(name))),
            change: total.zip(previous_total).map(|(t, p)| t - p),
            rank: cell.number(&columns::rank(name)).map(|r| r as usize),
            ranked: cell.number(&columns::ranked(name)).map_or(0, |n| n as usize),
            missing: weights
                .keys()
                .filter(|kpi| cell.number(&columns::score(kpi)).is_none())
                .map(|kpi| KpiRef { id: kpi.clone(), label: self.ruleset.kpi_label(kpi, self.locale) })
                .collect(),
            rows,
        }
    }

    /// The diagnoses that fire in a cell, most severe first.
    fn diagnoses(&self, cell: &Cell) -> Result<Vec<crate::appraise::Finding>> {
        let mut reports = fired_diagnoses(self.ruleset, cell, &self.texts)?;
        reports.sort_by_key(|d| std::cmp::Reverse(d.severity));
        Ok(reports)
    }

    pub fn portfolio(&self) -> Result<Report> {
        let entities: Vec<usize> = (0..self.evaluation.entities.len()).collect();
        let mut scorecards = Vec::new();
        let mut movers = Vec::new();
        for name in self.ruleset.scorecards.keys() {
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
                        rank: report.rank.unwrap_or(0),
                        entity: cell.entity.to_string(),
                        total,
                        grade: report.grade.clone(),
                        previous_total: report.previous_total,
                        previous_rank: self
                            .previous()
                            .and_then(|p| self.cell(entity, p).number(&columns::rank(name)))
                            .map(|r| r as usize),
                        change: report.change,
                    }),
                    None => unscored.push(cell.entity.to_string()),
                }
                if report.grade != report.previous_grade && report.previous_grade.is_some() && report.grade.is_some() {
                    let improved =
                        self.grade_order(report.grade.as_deref()) < self.grade_order(report.previous_grade.as_deref());
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
                .map(|(grade, _)| GradeCount {
                    grade: grade.clone(),
                    count: ranking.iter().filter(|r| r.grade.as_ref() == Some(grade)).count(),
                })
                .collect();
            scorecards.push(PortfolioScorecard {
                id: name.clone(),
                label: self.ruleset.scorecard_label(name, self.locale),
                ranking,
                grades,
                unscored,
            });
        }
        movers.sort_by(|a, b| {
            let size = |m: &Mover| m.change.map_or(0.0, f64::abs);
            size(b)
                .total_cmp(&size(a))
                .then_with(|| a.entity.cmp(&b.entity))
                .then_with(|| a.scorecard.cmp(&b.scorecard))
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
            .map(|severity| SeverityCount {
                severity,
                count: findings.iter().filter(|f| f.diagnosis.severity == severity).count(),
            })
            .collect();
        let mut report = self.report("portfolio", self.sources.1.clone());
        report.portfolio = Some(Portfolio { entities: entities.len(), scorecards, movers, diagnoses, findings });
        Ok(report)
    }

    /// A grade's position in the ruleset, 0 for the best; unknown grades last.
    fn grade_order(&self, grade: Option<&str>) -> usize {
        grade.and_then(|g| self.ruleset.grades.iter().position(|(name, _)| name == g)).unwrap_or(usize::MAX)
    }
}

fn dated_sources(ruleset: &CheckedRuleset) -> impl Iterator<Item = (&String, &Source)> {
    ruleset.model.sources.iter().filter(|(name, source)| {
        source.date.is_some() && !crate::ruleset::namespace::is_targets_table(&ruleset.model, name)
    })
}

/// The rows of every dated source in the grid: their sum and their first and last dates.
fn rows_read(ruleset: &CheckedRuleset) -> Vec<Expr> {
    dated_sources(ruleset)
        .flat_map(|(name, _)| {
            [col(columns::rows(name)).sum(), col(columns::first_date(name)).min(), col(columns::last_date(name)).max()]
        })
        .collect()
}

/// The sources read for each entity, and for all of them: their files, rows and date span.
fn sources_read(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> Result<(Vec<Vec<SourceInfo>>, Vec<SourceInfo>)> {
    let grid = evaluation.frame.clone().lazy();
    let per_entity = grid.clone().group_by_stable([col(columns::ENTITY)]).agg(rows_read(ruleset)).collect()?;
    let all = grid.select(rows_read(ruleset)).collect()?;
    let files: Vec<(&String, Vec<String>)> = dated_sources(ruleset)
        .map(|(name, source)| {
            let found = files::find(source, &ruleset.base_dir).unwrap_or_default();
            (name, found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).collect())
        })
        .collect();
    let infos = |frame: &DataFrame, row: usize| -> Vec<SourceInfo> {
        let get =
            |column: String| frame.column(&column).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<f64>());
        let date = |column: String| get(column).map(|days| from_epoch_days(days as i32).to_string());
        files
            .iter()
            .map(|(name, files)| SourceInfo {
                name: (*name).clone(),
                files: files.clone(),
                first_date: date(columns::first_date(name)),
                last_date: date(columns::last_date(name)),
                rows: get(columns::rows(name)).unwrap_or(0.0) as u64,
            })
            .collect()
    };
    Ok(((0..per_entity.height()).map(|row| infos(&per_entity, row)).collect(), infos(&all, 0)))
}

/// The last period in which any source has rows.
pub fn latest_period_with_data(ruleset: &CheckedRuleset, evaluation: &Evaluation) -> Result<Option<Period>> {
    let rows: Vec<Expr> = dated_sources(ruleset).map(|(name, _)| col(columns::rows(name))).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let has_rows = polars::lazy::dsl::sum_horizontal(rows, true)?.gt(lit(0.0));
    let latest = evaluation.frame.clone().lazy().filter(has_rows).select([col(columns::PERIOD).max()]).collect()?;
    let days = latest.column(columns::PERIOD)?.cast(&DataType::Int32)?.i32()?.get(0);
    Ok(days.and_then(|days| evaluation.periods.iter().copied().find(|p| p.start == from_epoch_days(days))))
}
