//! Builds the template context of each report from an evaluation: one entity in one period,
//! or the whole portfolio.

use crate::appraise::comparison::{scoring_rule, shows_attainment};
use crate::appraise::explain::explain_cell;
use crate::appraise::{Cell, Coverage, Finding, Findings, QualityRow, Selection, quality_rows};
use crate::compile::GridColumn;
use crate::engine::actions::Action;
use crate::engine::evaluation::SourceRead;
use crate::engine::provenance::Provenance;
use crate::engine::{Evaluation, Period};
use crate::error::{Error, Result};
use crate::expr::functions::Family;
use crate::expr::{IrNode, Ref};
use crate::format::ValueFormat;
use crate::locale::Locale;
use crate::report::commentary::Commentaries;
use crate::report::context::*;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::CheckedTarget;
use crate::ruleset::model::{Audience, Better, Paper, PeriodGrain, Section};
use crate::texts::TextValue;

mod portfolio;

/// Periods shown in trend charts, this one included.
pub const TREND_PERIODS: usize = 12;

/// The groups of a roll-up: the attribute rolled up by, and each group's number of entities.
#[derive(Debug, Clone)]
pub struct GroupsOf {
    pub attribute: String,
    pub members: std::collections::BTreeMap<String, usize>,
}

impl GroupsOf {
    /// The groups of `attribute` among the entities of `evaluation`, with how many each has.
    pub fn of(evaluation: &Evaluation, attribute: &str) -> GroupsOf {
        let mut members = std::collections::BTreeMap::new();
        for entity in 0..evaluation.entities.len() {
            if let Some(group) = Cell::new(evaluation, entity, 0).text(GridColumn::Attribute(attribute)) {
                *members.entry(group).or_insert(0) += 1;
            }
        }
        GroupsOf { attribute: attribute.to_string(), members }
    }
}

/// What every report of one run shares: the evaluation, the period, texts and the rows read.
pub struct ReportData<'a> {
    ruleset: &'a CheckedRuleset,
    evaluation: &'a Evaluation,
    locale: Locale,
    /// Who the reports are for, and so which sections they hold.
    audience: Audience,
    period: usize,
    findings: Findings<'a>,
    /// The sources each cell lacks or has only in part.
    coverage: Coverage,
    /// The sources read for each entity (in the evaluation's order), and for all of them.
    sources: (Vec<Vec<SourceRead>>, Vec<SourceRead>),
    /// The data-quality notes of the period, and of no period.
    quality: Vec<QualityRow>,
    provenance: Provenance,
    /// The entities the ruleset's `competitors` marks, by their place in the evaluation.
    competitors: Vec<usize>,
    /// The actions log.
    actions: Vec<Action>,
    commentaries: Commentaries,
    /// What reading the period's files warned of: commentaries and an actions log not read.
    warnings: Vec<Error>,
    /// The roll-up the entities are groups of, if they are.
    groups: Option<GroupsOf>,
    brand: BrandReport,
    paper: Paper,
    /// What the anchors of its reports start with in a book: each evaluation's differ.
    anchors: String,
}

impl<'a> ReportData<'a> {
    pub fn new(
        ruleset: &'a CheckedRuleset,
        evaluation: &'a Evaluation,
        period: Period,
        locale: Locale,
    ) -> Result<ReportData<'a>> {
        let period =
            evaluation.periods.iter().position(|p| *p == period).expect("the period is checked against the evaluation");
        let findings = Findings::new(ruleset, evaluation, locale)?;
        let coverage = Coverage::new(ruleset, evaluation);
        let sources = evaluation.sources_read(ruleset)?;
        let selection = Selection { period: Some(evaluation.periods[period]), entity: None };
        let quality = quality_rows(&evaluation.quality, &selection, &ruleset.base_dir, locale);
        let provenance = crate::engine::provenance::provenance(ruleset)?;
        let named = crate::appraise::competitors(evaluation);
        let competitors = (0..evaluation.entities.len()).filter(|e| named.contains(&evaluation.entities[*e])).collect();
        let (actions, unread) = crate::engine::actions::read(ruleset)?;
        let commentaries = Commentaries::read(&ruleset.home, &evaluation.periods[period].label())?;
        let warnings = commentaries.warnings.iter().cloned().chain(unread).collect();
        let brand = BrandReport::new(ruleset, locale)?;
        Ok(ReportData {
            brand,
            paper: ruleset.model.paper(),
            anchors: "account-".to_string(),
            ruleset,
            evaluation,
            locale,
            audience: Audience::Client,
            period,
            findings,
            coverage,
            groups: None,
            sources,
            quality,
            provenance,
            competitors,
            actions,
            commentaries,
            warnings,
        })
    }

    /// The reports as asked for: their audience and their paper.
    pub fn as_asked(self, audience: Audience, paper: Paper) -> ReportData<'a> {
        ReportData { audience, paper, ..self }
    }

    /// The reports of a roll-up's groups, titled as groups.
    pub fn of_groups(self, groups: Option<GroupsOf>) -> ReportData<'a> {
        ReportData { groups, ..self }
    }

    /// Reports whose anchors in a book start with `prefix`.
    pub fn anchored(self, prefix: String) -> ReportData<'a> {
        ReportData { anchors: prefix, ..self }
    }

    /// The anchor of an entity's report in a book.
    pub fn anchor(&self, entity: usize) -> String {
        format!("{}{entity}", self.anchors)
    }

    /// The anchor of the overview in a book.
    pub fn overview_anchor(&self) -> String {
        format!("{}overview", self.anchors)
    }

    /// What reading the period's files warned of: commentaries and an actions log not read.
    pub fn warnings(&self) -> &[Error] {
        &self.warnings
    }

    fn shows(&self, section: Section) -> bool {
        self.ruleset.model.sections(self.audience).contains(&section)
    }

    pub fn entities(&self) -> &[String] {
        &self.evaluation.entities
    }

    /// The actions of an entity dated in a period.
    fn actions_in<'b>(&'b self, entity: &'b str, period: Period) -> impl Iterator<Item = &'b Action> + 'b {
        self.actions.iter().filter(move |a| a.entity == entity && a.date >= period.start && a.date <= period.end())
    }

    /// The entity's actions over the trend's periods, with how their KPIs moved since.
    fn actions(&self, entity: usize) -> Vec<ActionReport> {
        let mut found = Vec::new();
        for p in self.trend() {
            let cell = self.cell(entity, p);
            for action in self.actions_in(cell.entity, cell.period) {
                let model = action.kpi.as_ref().map(|kpi| &self.ruleset.model.kpis[kpi]);
                let value =
                    |p: usize| action.kpi.as_ref().and_then(|kpi| self.cell(entity, p).number(GridColumn::Value(kpi)));
                let (then, now) = (value(p), value(self.period));
                found.push(ActionReport {
                    date: action.date.to_string(),
                    kpi: action.kpi.clone(),
                    label: action.kpi.as_ref().map(|kpi| self.ruleset.kpi_label(kpi, self.locale)),
                    action: action.action.clone(),
                    format: model.map_or(ValueFormat::Number, |m| m.format),
                    decimals: model.and_then(|m| m.decimals),
                    better: model.map_or(Better::Higher, |m| m.better),
                    then,
                    now,
                    change: now.zip(then).map(|(now, then)| now - then),
                });
            }
        }
        found
    }

    /// Whether an entity is a competitor, which gets no report of its own.
    pub fn is_competitor(&self, entity: usize) -> bool {
        self.competitors.contains(&entity)
    }

    /// Each KPI of `entity` beside the competitors'.
    fn versus(&self, entity: usize) -> Vec<Versus> {
        if self.competitors.is_empty() {
            return Vec::new();
        }
        let value = |entity: usize, kpi: &str| self.cell(entity, self.period).number(GridColumn::Value(kpi));
        self.ruleset
            .kpis
            .keys()
            .map(|kpi| {
                let model = &self.ruleset.model.kpis[kpi];
                Versus {
                    id: kpi.clone(),
                    label: self.ruleset.kpi_label(kpi, self.locale),
                    format: model.format,
                    decimals: model.decimals,
                    value: value(entity, kpi),
                    competitors: self.competitors.iter().map(|c| value(*c, kpi)).collect(),
                }
            })
            .collect()
    }

    fn cell(&self, entity: usize, period: usize) -> Cell<'a> {
        Cell::new(self.evaluation, entity, period)
    }

    fn previous(&self) -> Option<usize> {
        self.period.checked_sub(1)
    }

    /// The periods of trend charts, ending with this one.
    fn trend(&self) -> std::ops::RangeInclusive<usize> {
        self.period.saturating_sub(TREND_PERIODS - 1)..=self.period
    }

    fn report(&self, kind: ReportKind, sources: Vec<SourceRead>, quality: Vec<QualityRow>) -> Report {
        let period = self.evaluation.periods[self.period];
        let model = &self.ruleset.model;
        Report {
            context_version: CONTEXT_VERSION,
            kind,
            locale: self.locale,
            audience: self.audience,
            sections: model.sections(self.audience),
            client: model.client.clone().unwrap_or_else(|| model.ruleset.clone()),
            ruleset: RulesetInfo {
                id: model.ruleset.clone(),
                version: model.version.clone(),
                hash: self.provenance.ruleset_hash.clone(),
            },
            period: PeriodInfo {
                label: period.label(),
                start: period.start.to_string(),
                end: period.end().to_string(),
                previous: self.previous().map(|p| self.evaluation.periods[p].label()),
                trend: self.trend().map(|p| self.evaluation.periods[p].label()).collect(),
            },
            entity_noun: self.ruleset.entity_noun(self.locale),
            entity_column: self.entity_column(),
            grain: model.grain.period,
            data: DataInfo {
                hash: self.provenance.data_hash.clone(),
                coverage: sources
                    .iter()
                    .filter(|s| s.rows > 0)
                    .map(|s| self.ruleset.source_label(&s.name, self.locale))
                    .collect(),
                files: sources.iter().flat_map(|s| s.files.iter().cloned()).collect(),
                first_date: sources.iter().filter_map(|s| s.first_date.clone()).min(),
                last_date: sources.iter().filter_map(|s| s.last_date.clone()).max(),
                ranges: self.ranges(&sources),
                through: self.through(&sources, period),
            },
            sources,
            quality,
            commentary: None,
            entity: None,
            portfolio: None,
            rollup: None,
            brand: self.brand.clone(),
            paper: self.paper,
            part: None,
        }
    }

    /// Each source with rows by its label, with its span of dates; none when every source
    /// spans the same periods (a list of articles starts and ends on the days of its first and
    /// last article, within the months of the daily exports).
    fn ranges(&self, sources: &[SourceRead]) -> Vec<SourceRange> {
        let grain = self.ruleset.model.grain.period;
        let period = |date: &Option<String>| {
            let day = date.as_deref().and_then(|d| Period::read(PeriodGrain::Day, d).ok())?;
            Some(Period::containing(grain, day.start))
        };
        let with_rows: Vec<&SourceRead> = sources.iter().filter(|s| s.rows > 0).collect();
        let spans: Vec<_> = with_rows.iter().map(|s| (period(&s.first_date), period(&s.last_date))).collect();
        match spans.windows(2).all(|w| w[0] == w[1]) {
            true => Vec::new(),
            false => with_rows.into_iter().map(|s| self.range(s)).collect(),
        }
    }

    /// The daily sources whose rows end before the period does, with their last day.
    fn through(&self, sources: &[SourceRead], period: Period) -> Vec<SourceRange> {
        let end = period.end().to_string();
        let short = |s: &&SourceRead| {
            self.evaluation.daily.contains(&s.name) && s.last_date.as_ref().is_some_and(|last| *last < end)
        };
        sources.iter().filter(short).map(|s| self.range(s)).collect()
    }

    fn range(&self, source: &SourceRead) -> SourceRange {
        SourceRange {
            label: self.ruleset.source_label(&source.name, self.locale),
            first_date: source.first_date.clone(),
            last_date: source.last_date.clone(),
        }
    }

    pub fn entity(&self, entity: usize) -> Result<Report> {
        let cell = self.cell(entity, self.period);
        let ruleset = self.ruleset;
        let kpis: Vec<KpiReport> = ruleset.kpis.keys().map(|kpi| self.kpi(entity, kpi)).collect();
        let scorecards: Vec<ScorecardReport> = ruleset
            .scorecards
            .keys()
            .filter(|name| cell.flag(GridColumn::Applies(name)))
            .map(|name| self.scorecard(entity, name, &kpis))
            .collect();
        // An attribute the entity has no value for (a group's where its entities differ) is not shown.
        let attributes = ruleset
            .attributes
            .keys()
            .map(|name| (name.clone(), cell.value(GridColumn::Attribute(name))))
            .filter(|(_, value)| *value != TextValue::None)
            .map(|(name, value)| (name, minijinja::Value::from(value)))
            .collect();
        let no_data =
            kpis.iter().filter(|k| k.value.is_none()).map(|k| KpiRef { id: k.id.clone(), label: k.label.clone() });
        let diagnoses = self.diagnoses(&cell)?;
        let actions = self.actions(entity);
        let trends = self.charted(&kpis, scorecards.first(), &diagnoses, &actions);
        let entity_report = EntityReport {
            id: cell.entity.to_string(),
            attributes,
            headline: scorecards.first().cloned(),
            no_data: no_data.collect(),
            appendix: match self.shows(Section::Appendix) {
                true => ruleset
                    .kpis
                    .keys()
                    .map(|kpi| explain_cell(ruleset, self.evaluation, &cell, kpi, self.locale))
                    .collect(),
                false => Vec::new(),
            },
            diagnoses,
            resolved: self.findings.resolved(&cell)?,
            unassessed: self.findings.unassessed(&cell)?,
            versus: self.versus(entity),
            actions,
            trends,
            competitors: self.competitors.iter().map(|c| self.evaluation.entities[*c].clone()).collect(),
            scorecards,
            kpis,
        };
        let of_entity = |note: &&QualityRow| note.entity.as_ref().is_none_or(|e| e == cell.entity);
        let quality = self.quality.iter().filter(of_entity).cloned().collect();
        let mut report = self.report(ReportKind::Entity, self.sources.0[entity].clone(), quality);
        report.commentary = self.commentaries.of_entity(cell.entity).filter(|_| self.shows(Section::Commentary));
        report.rollup = self.rollup_of(Some(cell.entity));
        report.entity = Some(entity_report);
        Ok(report)
    }

    fn kpi(&self, entity: usize, kpi: &str) -> KpiReport {
        let cell = self.cell(entity, self.period);
        let model = &self.ruleset.model.kpis[kpi];
        let compared = self.previous().filter(|p| self.comparable(kpi, &cell, self.evaluation.periods[*p]));
        let no_base = self.previous().is_some() && compared.is_none();
        let previous = compared.and_then(|p| self.cell(entity, p).number(GridColumn::Value(kpi)));
        // The same period a year before, where that is not the period before (a year's).
        let year_before = self.year_before(self.period).filter(|y| Some(*y) != self.previous());
        let year_before = year_before.filter(|y| self.comparable(kpi, &cell, self.evaluation.periods[*y]));
        let previous_year = year_before.and_then(|y| self.cell(entity, y).number(GridColumn::Value(kpi)));
        let value = cell.number(GridColumn::Value(kpi));
        let band = cell.text(GridColumn::Band(kpi));
        let band_tone = band.as_ref().and_then(|b| self.ruleset.band_tone(kpi, b));
        let band_label = band.as_ref().map(|b| self.ruleset.band_label(kpi, b, self.locale));
        let partial = self.partial(kpi, &cell);
        let target = cell.number(GridColumn::Target(kpi));
        let compared = shows_attainment(self.ruleset, kpi, target);
        let trend = self
            .trend()
            .map(|p| {
                let cell = self.cell(entity, p);
                let (value, target) = (cell.number(GridColumn::Value(kpi)), cell.number(GridColumn::Target(kpi)));
                let actions = self.actions_in(cell.entity, cell.period).filter(|a| a.kpi.as_deref() == Some(kpi));
                TrendPoint {
                    period: cell.period.label(),
                    value,
                    target,
                    previous_year: self
                        .year_before(p)
                        .and_then(|y| self.cell(entity, y).number(GridColumn::Value(kpi))),
                    actions: actions.map(|a| a.action.clone()).collect(),
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
            target,
            target_without_peers: value.is_some()
                && cell.number(GridColumn::Target(kpi)).is_none()
                && self.target_compares_entities(kpi),
            attainment: cell.number(GridColumn::Attainment(kpi)).filter(|_| compared),
            variance: (!compared).then(|| value.zip(target).map(|(v, t)| v - t)).flatten(),
            scored_by: (!compared).then(|| scoring_rule(self.ruleset, kpi, self.locale)).flatten(),
            score: cell.number(GridColumn::Score(kpi)),
            band,
            band_label,
            band_tone,
            previous,
            change: value.zip(previous).map(|(v, p)| v - p),
            no_base,
            previous_year,
            change_year: value.zip(previous_year).map(|(v, p)| v - p),
            partial,
            trend,
        }
    }

    /// The footnote of a value from a daily source that covers part of the period: `用户增长：
    /// 31 天中仅 15 天有数据`; or part of the earlier period it is compared with: `销售
    /// （2025年初至今）：304 天中仅 31 天有数据`.
    pub(super) fn partial(&self, kpi: &str, cell: &Cell) -> Option<String> {
        // No data is no data: there is nothing to mark.
        cell.number(GridColumn::Value(kpi))?;
        let (base, partial) = match self.coverage.partial(kpi, cell.entity, cell.period) {
            Some(partial) => (None, partial),
            None => self.coverage.partial_base(kpi, cell.entity, cell.period).map(|(p, partial)| (Some(p), partial))?,
        };
        let mut label = self.ruleset.source_label(&partial.source, self.locale);
        if let Some(base) = base {
            let (open, close) = self.locale.pick(("（", "）"), (" (", ")"));
            label = format!("{label}{open}{}{close}", super::filters::date(&base.label(), self.locale));
        }
        Some(format!("{label}{}{}", self.locale.pick("：", ": "), partial.days_covered(self.locale)))
    }

    /// Whether a KPI's value in `cell` may be compared with its value in the period `before`.
    fn comparable(&self, kpi: &str, cell: &Cell, before: Period) -> bool {
        self.coverage.comparable(kpi, cell.entity, cell.period, before)
    }

    fn scorecard(&self, entity: usize, name: &str, kpis: &[KpiReport]) -> ScorecardReport {
        let cell = self.cell(entity, self.period);
        let checked = &self.ruleset.scorecards[name];
        let applies = self.previous().map(|p| self.cell(entity, p)).filter(|c| c.flag(GridColumn::Applies(name)));
        let weighted = || checked.weights.keys().map(String::as_str);
        let comparable =
            |before: &Cell| self.coverage.totals_comparable(weighted(), cell.entity, cell.period, before.period);
        let no_base = applies.as_ref().is_some_and(|before| !comparable(before));
        let previous = applies.filter(|before| comparable(before));
        let coverage = cell.number(GridColumn::Coverage(name));
        let graded = checked.graded(coverage);
        // A change from or to a total of fragments says nothing.
        let previous_total = previous
            .as_ref()
            .filter(|c| checked.graded(c.number(GridColumn::Coverage(name))))
            .and_then(|c| c.number(GridColumn::Total(name)));
        let total = cell.number(GridColumn::Total(name));
        let weights = &checked.weights;
        let rows = weights
            .iter()
            .filter_map(|(kpi, weight)| {
                let report = kpis.iter().find(|k| &k.id == kpi)?.clone();
                // The weight the total used: scaled up where KPIs without a score left theirs.
                let used = cell.number(GridColumn::Weight { scorecard: name, kpi }).filter(|_| report.score.is_some());
                let weighted = report.score.zip(used).map(|(score, used)| score * used / 100.0);
                Some(ScorecardRow { kpi: report, weight: used.unwrap_or(*weight), written_weight: *weight, weighted })
            })
            .collect();
        let missing = weights.keys().filter(|kpi| cell.number(GridColumn::Score(kpi)).is_none());
        ScorecardReport {
            id: name.to_string(),
            label: self.ruleset.scorecard_label(name, self.locale),
            total,
            grade_tone: cell.text(GridColumn::Grade(name)).and_then(|grade| self.grade_tone(&grade)),
            drivers: crate::appraise::drivers(self.ruleset, &self.coverage, &cell, name)
                .into_iter()
                .map(|d| DriverReport {
                    label: self.ruleset.kpi_label(&d.kpi, self.locale),
                    kpi: d.kpi,
                    change: d.change,
                })
                .collect(),
            grade: cell.text(GridColumn::Grade(name)),
            previous_total,
            previous_grade: previous.as_ref().and_then(|c| c.text(GridColumn::Grade(name))),
            change: total.filter(|_| graded).zip(previous_total).map(|(t, p)| t - p),
            no_base,
            coverage,
            not_graded: (!graded).then(|| self.not_graded(coverage.unwrap_or(0.0))),
            rank: cell.number(GridColumn::Rank(name)).map(|r| r as usize),
            ranked: cell.number(GridColumn::Ranked(name)).map_or(0, |n| n as usize),
            missing: missing
                .map(|kpi| KpiRef { id: kpi.clone(), label: self.ruleset.kpi_label(kpi, self.locale) })
                .collect(),
            rows,
        }
    }

    /// The KPIs whose trend an entity report draws: the headline scorecard's (every KPI without
    /// one), then each KPI a finding's condition names and each KPI an action names, once each.
    fn charted(
        &self,
        kpis: &[KpiReport],
        headline: Option<&ScorecardReport>,
        findings: &[Finding],
        actions: &[ActionReport],
    ) -> Vec<KpiReport> {
        let mut named: Vec<&str> = match headline {
            Some(card) => card.rows.iter().map(|row| row.kpi.id.as_str()).collect(),
            None => kpis.iter().map(|kpi| kpi.id.as_str()).collect(),
        };
        for finding in findings {
            let Some(index) = self.ruleset.model.diagnoses.iter().position(|d| d.id == finding.id) else { continue };
            self.ruleset.diagnoses[index].when.ir.visit(&mut |node| {
                if let IrNode::Ref(Ref::Kpi(kpi)) = &node.node {
                    named.push(kpi);
                }
            });
        }
        named.extend(actions.iter().filter_map(|action| action.kpi.as_deref()));
        let mut seen = std::collections::HashSet::new();
        named.retain(|kpi| seen.insert(*kpi));
        named.iter().filter_map(|kpi| kpis.iter().find(|k| k.id == *kpi).cloned()).collect()
    }

    /// The diagnoses that fire in a cell, most severe first.
    fn diagnoses(&self, cell: &Cell) -> Result<Vec<Finding>> {
        let mut reports = self.findings.of(cell)?;
        reports.sort_by_key(|d| std::cmp::Reverse(d.severity));
        Ok(reports)
    }

    /// Whether a KPI's target is computed across the period's entities (`mean_all`, …), which
    /// gives no target where too few of them have a value.
    fn target_compares_entities(&self, kpi: &str) -> bool {
        let Some(CheckedTarget::Formula(formula)) = &self.ruleset.kpis[kpi].target else { return false };
        let mut across = false;
        formula.ir.visit(&mut |node| {
            across |= matches!(&node.node, IrNode::Call(function, _) if function.family() == Family::Entity);
        });
        across
    }

    /// What a report of a roll-up says of its groups: the attribute's label, and how many
    /// entities the group (or, in the overview, every group) has.
    pub(super) fn rollup_of(&self, group: Option<&str>) -> Option<RollupReport> {
        let groups = self.groups.as_ref()?;
        let by = self.ruleset.attribute_label(&groups.attribute, self.locale).unwrap_or(groups.attribute.clone());
        let members = match group {
            Some(group) => groups.members.get(group).copied().unwrap_or(0),
            None => groups.members.values().sum(),
        };
        Some(RollupReport { by, members, groups: groups.members.len() })
    }

    /// The period a year before period `p` (its place in the evaluation), where the grid has
    /// it: the grid has every period from its first to its last, one after another.
    fn year_before(&self, p: usize) -> Option<usize> {
        let back = match self.ruleset.model.grain.period {
            PeriodGrain::Day => 364,
            PeriodGrain::Week => 52,
            PeriodGrain::Month => 12,
            PeriodGrain::Quarter => 4,
            PeriodGrain::Year | PeriodGrain::YearTo(_) => 1,
        };
        p.checked_sub(back)
    }

    /// The heading of a column of the entities: the noun, capitalized, or the attribute of the
    /// groups.
    fn entity_column(&self) -> String {
        if let Some(rollup) = self.rollup_of(None) {
            return rollup.by;
        }
        let noun = self.ruleset.entity_noun(self.locale);
        let mut characters = noun.chars();
        characters.next().map_or(noun.clone(), |first| first.to_uppercase().chain(characters).collect())
    }

    /// Why a total is not graded: how little of its weight has data.
    fn not_graded(&self, coverage: f64) -> String {
        let share = crate::format::percent(coverage, 0);
        self.locale.pick(
            format!("未评级：仅 {share} 的权重有数据"),
            format!("not graded: only {share} of the weight has data"),
        )
    }

    /// How a grade reads, by its place among the ruleset's grades.
    fn grade_tone(&self, grade: &str) -> Option<Tone> {
        let index = self.ruleset.grades.iter().position(|(name, _)| name == grade)?;
        Some(Tone::of_position(index, self.ruleset.grades.len()))
    }

    /// A grade's position in the ruleset, 0 for the best; unknown grades last.
    fn grade_order(&self, grade: &str) -> usize {
        self.ruleset.grades.iter().position(|(name, _)| name == grade).unwrap_or(usize::MAX)
    }
}
