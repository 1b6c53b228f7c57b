//! The portfolio overview: the executive summary, the accounts × scorecards and accounts × KPIs
//! tables, each scorecard's ranking, the movers and the findings, with the competitors apart.

use super::ReportData;
use crate::appraise::Cell;
use crate::compile::GridColumn;
use crate::error::Result;
use crate::format::Direction;
use crate::report::context::*;
use crate::report::names::ENTITY_FOLDER;
use crate::ruleset::model::{Section, Severity};

/// How many moves and findings the executive summary names.
const SUMMARY_ITEMS: usize = 3;

impl ReportData<'_> {
    /// The portfolio overview; `stems` are the file stems of the entity reports written with
    /// it, none when there are none.
    pub fn portfolio(&self, stems: &[String]) -> Result<Report> {
        let cards = self.cards();
        let mut movers = Vec::new();
        let not_compared = cards.iter().filter(|(entity, card)| card.no_base && !self.is_competitor(*entity));
        let not_compared = not_compared.map(|(entity, _)| self.entities()[*entity].clone()).collect::<Vec<_>>();
        let scorecards = self.ruleset.scorecards.keys().map(|name| self.standings(name, &cards, &mut movers)).collect();
        largest_first(&mut movers);
        let findings = self.findings()?;
        let diagnoses = [Severity::Critical, Severity::Warning, Severity::Info]
            .into_iter()
            .map(|severity| {
                let count = findings.iter().filter(|f| f.diagnosis.severity == severity).count();
                SeverityCount { severity, count }
            })
            .collect();
        let mut report = self.report(ReportKind::Portfolio, self.sources.1.clone(), self.quality.clone());
        report.commentary = self.commentaries.of_period().filter(|_| self.shows(Section::Commentary));
        report.rollup = self.rollup_of(None);
        // Competitors are compared with, not appraised: they are not counted as accounts.
        let accounts: Vec<String> = self.accounts().map(|index| self.entities()[index].clone()).collect();
        let entities = accounts.len();
        let competitors = self.competitors.len();
        let reports = self
            .entities()
            .iter()
            .zip(stems)
            .enumerate()
            .filter(|(index, _)| !self.is_competitor(*index))
            .map(|(index, (entity, stem))| EntityFile {
                entity: entity.clone(),
                file: format!("{ENTITY_FOLDER}/{stem}"),
                anchor: self.anchor(index),
            })
            .collect();
        let (kpi_columns, kpi_rows, competitor_rows) = self.kpi_table();
        let concerns = concerns(&findings);
        let summary = self.summary(&cards, &concerns);
        report.portfolio = Some(Portfolio {
            summary,
            kpi_columns,
            kpi_rows,
            competitor_rows,
            entities,
            competitors,
            accounts,
            scorecards,
            movers,
            not_compared: dedup(not_compared),
            diagnoses,
            findings,
            concerns,
            reports,
        });
        Ok(report)
    }

    /// Every scorecard of every entity it applies to, computed once for the whole overview:
    /// entity by entity, each's in the ruleset's order.
    fn cards(&self) -> Vec<(usize, ScorecardReport)> {
        let mut cards = Vec::new();
        for entity in 0..self.entities().len() {
            let cell = self.cell(entity, self.period);
            let applying = self.ruleset.scorecards.keys().filter(|name| cell.flag(GridColumn::Applies(name)));
            cards.extend(applying.map(|name| (entity, self.scorecard(entity, name, &[]))));
        }
        cards
    }

    /// The accounts' indices, competitors left out.
    fn accounts(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.entities().len()).filter(|index| !self.is_competitor(*index))
    }

    /// The executive summary: the grades of every graded scorecard, the best and the weakest
    /// account by them, the biggest moves with what drove them, and the most severe findings
    /// with whom they concern.
    fn summary(&self, cards: &[(usize, ScorecardReport)], concerns: &[Concern]) -> Summary {
        let graded: Vec<(usize, &ScorecardReport)> = cards
            .iter()
            .filter(|(entity, card)| !self.is_competitor(*entity) && card.grade.is_some() && card.total.is_some())
            .map(|(entity, card)| (*entity, card))
            .collect();
        let grades = self.grade_counts(graded.iter().map(|(_, card)| card.grade.as_ref()));
        // Each account's place: the mean place of its grades (0 the best), then its mean total.
        let mut places: Vec<(usize, f64, f64)> = Vec::new();
        for entity in self.accounts() {
            let own: Vec<&ScorecardReport> = graded.iter().filter(|(e, _)| *e == entity).map(|(_, c)| *c).collect();
            if own.is_empty() {
                continue;
            }
            let count = own.len() as f64;
            let place = own.iter().filter_map(|c| c.grade.as_deref()).map(|g| self.grade_order(g) as f64).sum::<f64>();
            let total = own.iter().filter_map(|c| c.total).sum::<f64>();
            places.push((entity, place / count, total / count));
        }
        let better = |a: &(usize, f64, f64), b: &(usize, f64, f64)| {
            b.1.total_cmp(&a.1).then(a.2.total_cmp(&b.2)).then_with(|| self.entities()[b.0].cmp(&self.entities()[a.0]))
        };
        let best = places.iter().max_by(|a, b| better(a, b)).map(|(e, ..)| self.standing(*e, &graded, true));
        let worst = places
            .iter()
            .min_by(|a, b| better(a, b))
            .filter(|_| places.len() > 1)
            .map(|(e, ..)| self.standing(*e, &graded, false));
        Summary {
            grades,
            best,
            worst,
            moves: self.biggest_moves(cards),
            concerns: concerns.iter().take(SUMMARY_ITEMS).cloned().collect(),
        }
    }

    /// An account's standing: its grades, and its highest (`best`) or lowest graded scorecard.
    fn standing(&self, entity: usize, graded: &[(usize, &ScorecardReport)], best: bool) -> Standing {
        let own: Vec<&ScorecardReport> = graded.iter().filter(|(e, _)| *e == entity).map(|(_, c)| *c).collect();
        let key = |c: &&&ScorecardReport| {
            (
                std::cmp::Reverse(self.grade_order(c.grade.as_deref().unwrap_or_default())),
                c.total.map(|t| (t * 1e6) as i64),
            )
        };
        let card = if best { own.iter().max_by_key(key) } else { own.iter().min_by_key(key) };
        let card = card.expect("an account with a graded scorecard");
        Standing {
            entity: self.entities()[entity].clone(),
            scorecard: card.label.clone(),
            total: card.total.unwrap_or_default(),
            grade: card.grade.clone(),
            grade_tone: card.grade_tone,
            grades: self
                .grade_counts(own.iter().map(|c| c.grade.as_ref()))
                .into_iter()
                .filter(|g| g.count > 0)
                .collect(),
        }
    }

    /// The largest changes of any account's total, largest first.
    fn biggest_moves(&self, cards: &[(usize, ScorecardReport)]) -> Vec<Mover> {
        let mut moves: Vec<Mover> = cards
            .iter()
            .filter(|(entity, card)| !self.is_competitor(*entity) && card.change.is_some_and(|c| c != 0.0))
            .map(|(entity, card)| {
                let up = card.change.unwrap_or_default() > 0.0;
                self.move_of(*entity, card, if up { Direction::Up } else { Direction::Down })
            })
            .collect();
        largest_first(&mut moves);
        moves.truncate(SUMMARY_ITEMS);
        moves
    }

    /// The accounts × KPIs table, and the competitors' rows of it.
    fn kpi_table(&self) -> (Vec<KpiColumn>, Vec<KpiRow>, Vec<KpiRow>) {
        let model = &self.ruleset.model;
        let banded: Vec<&String> =
            model.kpis.iter().filter(|(_, kpi)| !kpi.bands.is_empty()).map(|(id, _)| id).collect();
        let ids: Vec<&String> = match banded.is_empty() {
            false => banded,
            true => model
                .kpis
                .keys()
                .filter(|kpi| self.ruleset.scorecards.values().any(|s| s.weights.contains_key(*kpi)))
                .collect(),
        };
        let columns = ids
            .iter()
            .map(|id| KpiColumn {
                id: id.to_string(),
                label: self.ruleset.kpi_label(id, self.locale),
                format: model.kpis[*id].format,
                decimals: model.kpis[*id].decimals,
            })
            .collect();
        let row = |entity: usize| {
            let cell = self.cell(entity, self.period);
            let values = ids.iter().map(|kpi| kpi_cell(self, &cell, kpi)).collect();
            KpiRow { entity: cell.entity.to_string(), values }
        };
        let accounts = self.accounts().map(row).collect();
        let competitors = self.competitors.iter().map(|entity| row(*entity)).collect();
        (columns, accounts, competitors)
    }

    /// A scorecard's ranking and grade counts in the period; the entities whose grade changed
    /// go to `movers`.
    fn standings(&self, name: &str, cards: &[(usize, ScorecardReport)], movers: &mut Vec<Mover>) -> PortfolioScorecard {
        let mut ranking = Vec::new();
        let mut unscored = Vec::new();
        for (entity, report) in cards.iter().filter(|(_, card)| card.id == name) {
            match report.total {
                Some(total) => ranking.push(self.ranked(*entity, report, total)),
                None => unscored.push(self.entities()[*entity].clone()),
            }
            movers.extend(self.mover(*entity, report));
        }
        // Ranked accounts by rank, then those scored but not graded.
        ranking.sort_by(|a, b| (a.rank == 0, a.rank).cmp(&(b.rank == 0, b.rank)).then_with(|| a.entity.cmp(&b.entity)));
        let grades = self.grade_counts(ranking.iter().map(|r| r.grade.as_ref()));
        let label = self.ruleset.scorecard_label(name, self.locale);
        PortfolioScorecard { id: name.to_string(), label, grades, ranking, unscored }
    }

    /// How many of `grades` each grade of the ruleset is, best first.
    fn grade_counts<'g>(&self, grades: impl Iterator<Item = Option<&'g String>> + Clone) -> Vec<GradeCount> {
        let count = |grade: &String| grades.clone().filter(|g| *g == Some(grade)).count();
        self.ruleset.grades.iter().map(|(grade, _)| GradeCount { grade: grade.clone(), count: count(grade) }).collect()
    }

    fn ranked(&self, entity: usize, report: &ScorecardReport, total: f64) -> Ranked {
        let previous_rank = self.previous().filter(|_| !report.no_base);
        let previous_rank = previous_rank.and_then(|p| self.cell(entity, p).number(GridColumn::Rank(&report.id)));
        Ranked {
            rank: report.rank.unwrap_or(0),
            ranked: report.ranked,
            entity: self.entities()[entity].clone(),
            total,
            grade: report.grade.clone(),
            grade_tone: report.grade_tone,
            previous_total: report.previous_total,
            previous_rank: previous_rank.map(|r| r as usize),
            change: report.change,
            trend: self.trend().map(|p| self.cell(entity, p).number(GridColumn::Total(&report.id))).collect(),
        }
    }

    /// The entity's move, when its grade changed since the previous period.
    fn mover(&self, entity: usize, report: &ScorecardReport) -> Option<Mover> {
        let (Some(grade), Some(previous)) = (&report.grade, &report.previous_grade) else { return None };
        if grade == previous {
            return None;
        }
        let improved = self.grade_order(grade) < self.grade_order(previous);
        Some(self.move_of(entity, report, if improved { Direction::Up } else { Direction::Down }))
    }

    /// A total's move since the previous period, with the KPIs that drove it.
    fn move_of(&self, entity: usize, card: &ScorecardReport, direction: Direction) -> Mover {
        Mover {
            entity: self.entities()[entity].clone(),
            scorecard: card.id.clone(),
            label: card.label.clone(),
            previous_grade: card.previous_grade.clone(),
            grade: card.grade.clone(),
            change: card.change,
            direction,
            drivers: card.drivers.clone(),
        }
    }

    /// Every finding of the period, most severe first.
    fn findings(&self) -> Result<Vec<EntityDiagnosis>> {
        let mut findings = Vec::new();
        for entity in 0..self.entities().len() {
            let cell = self.cell(entity, self.period);
            for diagnosis in self.diagnoses(&cell)? {
                findings.push(EntityDiagnosis { entity: cell.entity.to_string(), diagnosis });
            }
        }
        findings.sort_by_key(|f| std::cmp::Reverse(f.diagnosis.severity));
        Ok(findings)
    }
}

/// Moves by size, largest first, then by account and scorecard.
fn largest_first(moves: &mut [Mover]) {
    let size = |m: &Mover| m.change.map_or(0.0, f64::abs);
    moves.sort_by(|a, b| {
        size(b).total_cmp(&size(a)).then_with(|| a.entity.cmp(&b.entity)).then_with(|| a.scorecard.cmp(&b.scorecard))
    });
}

/// A KPI's value in a cell, with its band's label and tone.
fn kpi_cell(data: &ReportData, cell: &Cell, kpi: &str) -> KpiCell {
    let band = cell.text(GridColumn::Band(kpi));
    KpiCell {
        value: cell.number(GridColumn::Value(kpi)),
        partial: data.partial(kpi, cell),
        band_label: band.as_ref().map(|b| data.ruleset.band_label(kpi, b, data.locale)),
        band_tone: band.as_ref().and_then(|b| data.ruleset.band_tone(kpi, b)),
    }
}

/// The findings of the period by diagnosis and advice, most severe first, then the most
/// accounts first.
fn concerns(findings: &[EntityDiagnosis]) -> Vec<Concern> {
    let mut concerns: Vec<Concern> = Vec::new();
    for found in findings {
        let d = &found.diagnosis;
        match concerns.iter_mut().find(|c| c.id == d.id && c.advice == d.advice) {
            Some(concern) => {
                concern.alike &= concern.findings[0] == d.finding;
                concern.entities.push(found.entity.clone());
                concern.findings.push(d.finding.clone());
            }
            None => concerns.push(Concern {
                id: d.id.clone(),
                severity: d.severity,
                advice: d.advice.clone(),
                entities: vec![found.entity.clone()],
                findings: vec![d.finding.clone()],
                alike: true,
            }),
        }
    }
    concerns.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| b.entities.len().cmp(&a.entities.len())));
    concerns
}

/// `names` once each, in their first order.
fn dedup(names: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for name in names {
        if !kept.contains(&name) {
            kept.push(name);
        }
    }
    kept
}
