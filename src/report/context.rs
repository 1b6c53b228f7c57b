//! What report templates see: a plain, serializable model of one entity's appraisal (or of the
//! portfolio) in one period. This is a versioned contract, documented in docs/templates.md:
//! fields are added in new versions, never renamed or removed within one.

use crate::engine::evaluation::SourceRead;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::appraise::explain::Explanation;
use crate::appraise::{Finding, QualityRow};
use crate::format::{Direction, ValueFormat};
use crate::locale::Locale;
pub use crate::report::brand::BrandReport;
pub use crate::report::commentary::Commentary;
pub use crate::ruleset::model::Tone;
use crate::ruleset::model::{Audience, Better, Paper, PeriodGrain, Section, Severity};

/// The version of this model; templates may check `context_version`.
pub const CONTEXT_VERSION: u32 = 1;

/// Everything both kinds of report share.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub context_version: u32,
    /// `entity` or `portfolio`.
    pub kind: ReportKind,
    /// `zh-CN` or `en`.
    pub locale: Locale,
    /// `client`, or `internal` for the consultant's copy with the working papers.
    pub audience: Audience,
    /// The sections the report holds (`summary`, `scorecards`, `trends`, `findings`, `actions`,
    /// `competitors`, `commentary`, and for an internal audience `sources`, `quality`,
    /// `appendix`): `{% if "appendix" in sections %}`.
    pub sections: Vec<Section>,
    pub client: String,
    pub ruleset: RulesetInfo,
    pub period: PeriodInfo,
    /// The appraised unit as the ruleset names it in the report's language (`grain.label`,
    /// else `grain.entity`), e.g. `公众号`, `account`.
    pub entity_noun: String,
    /// The heading of a column of entities: `Account`, `账号`; for a roll-up's groups, the
    /// attribute they are grouped by (`品牌`).
    pub entity_column: String,
    /// `day`, `week`, `month`, `quarter` or `year`.
    pub grain: PeriodGrain,
    pub sources: Vec<SourceRead>,
    /// Every file read and the span of dates of the rows read: the `sources` in one line.
    pub data: DataInfo,
    /// The data-quality notes of the period (of the entity, in an entity report), and those of
    /// no period: missing days, repeated rows, failed checks and the like.
    pub quality: Vec<QualityRow>,
    /// The consultant's commentary on the period (in the portfolio) or on the entity in the
    /// period (in its report): `commentary.html` in HTML, `commentary.markdown` in Markdown.
    pub commentary: Option<Commentary>,
    /// Present in entity reports.
    pub entity: Option<EntityReport>,
    /// Present in portfolio reports.
    pub portfolio: Option<Portfolio>,
    /// Present in the reports of a roll-up, whose entities are groups (a brand's accounts).
    pub rollup: Option<RollupReport>,
    /// The house's brand: logo, colours, font, and the cover's lines.
    pub brand: BrandReport,
    /// The paper PDF and Word reports are laid out on: `a4` or `letter`.
    pub paper: Paper,
    /// In a book, this report's anchor: the report is a part of one document, its links to
    /// other reports lead inside it (`#anchor`).
    pub part: Option<String>,
}

/// A roll-up's groups, as its reports name them: `晨光咖啡 · 品牌汇总 · 4 个账号`.
#[derive(Debug, Clone, Serialize)]
pub struct RollupReport {
    /// The attribute rolled up by, by its label.
    pub by: String,
    /// The entities in the group (in the overview: in every group).
    pub members: usize,
    /// How many groups there are.
    pub groups: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Entity,
    Portfolio,
}

#[derive(Debug, Clone, Serialize)]
pub struct RulesetInfo {
    pub id: String,
    pub version: Option<String>,
    /// The content hash of the ruleset as `extends` leaves it.
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodInfo {
    /// `2026-10`, `2026-W05`, …
    pub label: String,
    /// First and last day, `2026-10-01` and `2026-10-31`.
    pub start: String,
    pub end: String,
    pub previous: Option<String>,
    /// The periods of the trend charts, oldest first, ending with this one.
    pub trend: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataInfo {
    /// The content hash of every file read.
    pub hash: String,
    /// The data the report covers, by the labels of the sources that had rows, in the
    /// ruleset's order: the client's one line of data coverage with `first_date`–`last_date`.
    pub coverage: Vec<String>,
    pub files: Vec<String>,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Each source's own span of dates, where the sources' spans differ (empty when they are
    /// all `first_date`–`last_date`).
    pub ranges: Vec<SourceRange>,
    /// The sources whose rows end before the period does, with their last day: the header says
    /// how far an incomplete period's data runs.
    pub through: Vec<SourceRange>,
}

/// A source by its label, and the first and last day of its rows.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRange {
    pub label: String,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityReport {
    pub id: String,
    /// Attribute name → value (text or number).
    pub attributes: BTreeMap<String, minijinja::Value>,
    /// The first scorecard that applies to the entity: the tiles at the top of the report.
    pub headline: Option<ScorecardReport>,
    pub scorecards: Vec<ScorecardReport>,
    pub kpis: Vec<KpiReport>,
    /// The KPIs whose trend is drawn: the headline scorecard's, every KPI a finding concerns
    /// and every KPI an action names.
    pub trends: Vec<KpiReport>,
    /// Sorted by severity, most severe first, then in the ruleset's order; each new or recurring.
    pub diagnoses: Vec<Finding>,
    /// The diagnoses of the previous period that no longer fire, with their texts of then.
    pub resolved: Vec<Finding>,
    /// The findings of the period before that could not be assessed in this one.
    pub unassessed: Vec<Finding>,
    /// KPIs with no value this period.
    pub no_data: Vec<KpiRef>,
    /// `kpi explain` for every KPI.
    pub appendix: Vec<Explanation>,
    /// The actions log's entries for the entity over the trend's periods, oldest first.
    pub actions: Vec<ActionReport>,
    /// Each KPI's value beside the competitors' (the ruleset's `competitors`); empty without
    /// competitors.
    pub versus: Vec<Versus>,
    /// The competitors, in the order of `versus`'s values.
    pub competitors: Vec<String>,
}

/// A KPI of the entity and of each competitor in the period: format them with `as_kpi(row)`.
#[derive(Debug, Clone, Serialize)]
pub struct Versus {
    pub id: String,
    pub label: String,
    pub format: ValueFormat,
    pub decimals: Option<u8>,
    pub value: Option<f64>,
    pub competitors: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KpiRef {
    pub id: String,
    pub label: String,
}

/// A KPI's value in the period, how it compares, and its recent history.
#[derive(Debug, Clone, Serialize)]
pub struct KpiReport {
    pub id: String,
    pub label: String,
    pub description: Option<String>,
    pub format: ValueFormat,
    pub decimals: Option<u8>,
    pub better: Better,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// No target, because the target compares across entities and too few of them had a value
    /// (`min_peers`): the report says so instead of a bare dash.
    pub target_without_peers: bool,
    /// Value over target, where that means something: a positive target of a level, scored
    /// by attainment. Elsewhere none, and `variance` is shown.
    pub attainment: Option<f64>,
    /// value − target, where attainment is not shown: in the KPI's unit (percentage points for
    /// a percentage).
    pub variance: Option<f64>,
    /// How the KPI is scored, in words, where attainment is not shown and the score is not
    /// attainment-based (a line, bands, the ruleset's own rule).
    pub scored_by: Option<String>,
    pub score: Option<f64>,
    /// The band's name as the ruleset writes it (its id).
    pub band: Option<String>,
    /// The band's label in the report's language.
    pub band_label: Option<String>,
    /// `good`, `neutral`, `warning` or `bad`, as the band declares, else by its place (the
    /// first band `good`, the last `bad`); none without a band.
    pub band_tone: Option<Tone>,
    pub previous: Option<f64>,
    /// value − previous.
    pub change: Option<f64>,
    /// There is a period before, but this value or that one rests on days without data:
    /// no change is shown, and the report says there is no comparable base.
    pub no_base: bool,
    /// The value of the same period a year before, where the data has it and that is not the
    /// period before (a month's, a quarter's); none where either is partial.
    pub previous_year: Option<f64>,
    /// value − previous_year.
    pub change_year: Option<f64>,
    /// Where the value comes from a daily source that covers part of the period, or part of
    /// the earlier period it is compared with: which, and how many days (`用户增长：31 天中仅
    /// 15 天有数据`); shown with the partial mark.
    pub partial: Option<String>,
    pub trend: Vec<TrendPoint>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub period: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// The value of the same period a year before, where the data has it.
    pub previous_year: Option<f64>,
    /// What the actions log says was done for this KPI in the period: marked on the chart.
    pub actions: Vec<String>,
}

/// An action of the actions log, and how its KPI moved from its period to the report's.
#[derive(Debug, Clone, Serialize)]
pub struct ActionReport {
    pub date: String,
    /// The KPI it was meant to move (its id and label), if it names one.
    pub kpi: Option<String>,
    pub label: Option<String>,
    pub action: String,
    pub format: ValueFormat,
    pub decimals: Option<u8>,
    pub better: Better,
    /// The KPI in the action's period, and in the report's.
    pub then: Option<f64>,
    pub now: Option<f64>,
    pub change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScorecardReport {
    pub id: String,
    pub label: String,
    pub total: Option<f64>,
    pub grade: Option<String>,
    /// The grade's tone by its place in the ruleset's grades, best first.
    pub grade_tone: Option<Tone>,
    /// The KPIs that moved the total since the period before, largest change first.
    pub drivers: Vec<DriverReport>,
    pub previous_total: Option<f64>,
    pub previous_grade: Option<String>,
    /// The total's change since the period before, where both are graded.
    pub change: Option<f64>,
    /// There is a period before, but a KPI of this total or that one rests on days without
    /// data: neither the previous total and grade nor the change are shown.
    pub no_base: bool,
    /// The share of the weight whose KPIs have a score, from 0 to 1.
    pub coverage: Option<f64>,
    /// Why the total is not graded (too little of its weight has data); none when it is.
    pub not_graded: Option<String>,
    /// Rank among the entities the scorecard applies to, 1 for the highest total.
    pub rank: Option<usize>,
    /// How many entities have a total for this scorecard in the period.
    pub ranked: usize,
    pub missing: Vec<KpiRef>,
    pub rows: Vec<ScorecardRow>,
}

/// One KPI of a scorecard: the KPI report with its weight and weighted score.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardRow {
    #[serde(flatten)]
    pub kpi: KpiReport,
    /// The weight the total used: the written weight, scaled up when KPIs without a score in
    /// this cell left theirs to the others (`missing: renormalize`).
    pub weight: f64,
    /// The weight as the ruleset writes it.
    pub written_weight: f64,
    /// weight × score / 100: the KPI's points in the total; the rows add up to it.
    pub weighted: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// What management reads first: grades, best and weakest, biggest moves, pressing findings.
    pub summary: Summary,
    /// The KPIs of the accounts × KPIs table: those with bands (coloured by their tone), else
    /// every KPI of a scorecard.
    pub kpi_columns: Vec<KpiColumn>,
    /// Each account's values of `kpi_columns`, in the order of `accounts`.
    pub kpi_rows: Vec<KpiRow>,
    /// Each competitor's values of `kpi_columns`: shown apart, not appraised.
    pub competitor_rows: Vec<KpiRow>,
    /// The entities appraised: competitors are not counted.
    pub entities: usize,
    /// The competitors compared with.
    pub competitors: usize,
    /// The entities appraised, in the grid's order: the rows of the accounts × scorecards table.
    pub accounts: Vec<String>,
    pub scorecards: Vec<PortfolioScorecard>,
    /// Entities whose grade changed since the previous period, largest changes first.
    pub movers: Vec<Mover>,
    /// The accounts whose totals are not compared with the previous period's, because a KPI
    /// of one of them is partial there (`no_base` on their scorecards).
    pub not_compared: Vec<String>,
    /// How many diagnoses fired, by severity (`critical`, `warning`, `info`).
    pub diagnoses: Vec<SeverityCount>,
    /// The diagnoses that fired, most severe first, by entity.
    pub findings: Vec<EntityDiagnosis>,
    /// The same, by diagnosis: most severe first, then the most accounts first.
    pub concerns: Vec<Concern>,
    /// Each entity's own report, when they are written (`--per-entity`), in entity order.
    pub reports: Vec<EntityFile>,
}

/// Where an entity's report is, beside the portfolio: `entities/晨光咖啡`, without the
/// extension (`.html` or `.md`, as the portfolio's).
#[derive(Debug, Clone, Serialize)]
pub struct EntityFile {
    pub entity: String,
    pub file: String,
    /// The report's anchor in a book: `#account-3`.
    pub anchor: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PortfolioScorecard {
    pub id: String,
    pub label: String,
    /// Entities with a total, highest first.
    pub ranking: Vec<Ranked>,
    /// Every grade of the ruleset, best first, with how many entities got it.
    pub grades: Vec<GradeCount>,
    /// Entities the scorecard applies to that have no total.
    pub unscored: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    /// Its rank among the `ranked` accounts graded on the scorecard (0 when not graded).
    pub rank: usize,
    /// How many accounts are ranked: a rank is shown among two at least.
    pub ranked: usize,
    pub entity: String,
    pub total: f64,
    pub grade: Option<String>,
    pub grade_tone: Option<Tone>,
    pub previous_total: Option<f64>,
    pub previous_rank: Option<usize>,
    pub change: Option<f64>,
    /// The total over the trend's periods, oldest first: the account's total-score trend.
    pub trend: Vec<Option<f64>>,
}

/// The executive summary of the portfolio, written from the data.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Each grade, best first, with how many graded scorecards of the accounts have it.
    pub grades: Vec<GradeCount>,
    /// The account graded best and the one graded weakest, on one basis for all: the grades of
    /// every scorecard graded for it (their mean place among the ruleset's grades), then its
    /// totals.
    pub best: Option<Standing>,
    pub worst: Option<Standing>,
    /// The largest changes of a total since the previous period (at most three), each with the
    /// KPIs that drove it.
    pub moves: Vec<Mover>,
    /// The first three of the portfolio's `concerns`.
    pub concerns: Vec<Concern>,
}

/// An account's headline total.
#[derive(Debug, Clone, Serialize)]
pub struct Standing {
    pub entity: String,
    /// Its lowest graded scorecard (for the weakest; its highest for the best), with its total
    /// and grade.
    pub scorecard: String,
    pub total: f64,
    pub grade: Option<String>,
    pub grade_tone: Option<Tone>,
    /// Each grade it has, best first, with how many of its scorecards have it.
    pub grades: Vec<GradeCount>,
}

/// A diagnosis that fired, with the same advice, for one or more accounts: the advice once,
/// each account's finding under it.
#[derive(Debug, Clone, Serialize)]
pub struct Concern {
    pub id: String,
    pub severity: Severity,
    pub advice: Option<String>,
    /// The accounts it fired for, in the portfolio's order.
    pub entities: Vec<String>,
    /// Each account's finding, in the order of `entities`.
    pub findings: Vec<String>,
    /// Whether every account's finding reads the same: it is shown once for them all, and
    /// otherwise each beside its account.
    pub alike: bool,
}

/// A column of the accounts × KPIs table.
#[derive(Debug, Clone, Serialize)]
pub struct KpiColumn {
    pub id: String,
    pub label: String,
    pub format: ValueFormat,
    pub decimals: Option<u8>,
}

/// An account (or competitor) across the KPI columns.
#[derive(Debug, Clone, Serialize)]
pub struct KpiRow {
    pub entity: String,
    pub values: Vec<KpiCell>,
}

/// A KPI's value with its band, in the accounts × KPIs table: format it with `as_kpi(column)`.
#[derive(Debug, Clone, Serialize)]
pub struct KpiCell {
    pub value: Option<f64>,
    /// The partial value's footnote, as [`KpiReport::partial`].
    pub partial: Option<String>,
    pub band_label: Option<String>,
    pub band_tone: Option<Tone>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GradeCount {
    pub grade: String,
    pub count: usize,
}

/// A KPI's part in a total's change: its weighted points now minus before.
#[derive(Debug, Clone, Serialize)]
pub struct DriverReport {
    pub kpi: String,
    pub label: String,
    pub change: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Mover {
    pub entity: String,
    pub scorecard: String,
    pub label: String,
    pub previous_grade: Option<String>,
    pub grade: Option<String>,
    pub change: Option<f64>,
    /// `up` or `down`.
    pub direction: Direction,
    /// The KPIs that drove the move, largest change first.
    pub drivers: Vec<DriverReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityCount {
    pub severity: Severity,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntityDiagnosis {
    pub entity: String,
    #[serde(flatten)]
    pub diagnosis: Finding,
}
