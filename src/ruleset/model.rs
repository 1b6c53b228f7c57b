//! The ruleset file, as typed data. These types are both what the loader deserializes into and
//! what `kpi schema` describes, so the JSON Schema editors use can never drift from the loader.
//!
//! Formulas stay text here; they are parsed and checked in [`crate::ruleset::validate`], where
//! their position in the YAML file is known.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::expr::Better;
pub use crate::format::ValueFormat;
pub use crate::locale::Locale;

/// A client's KPI ruleset: data sources, measures, KPIs, scoring, scorecards, grades and diagnoses.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "kpi ruleset")]
pub struct Ruleset {
    /// The ruleset's id, e.g. `acme-wechat`.
    pub ruleset: String,
    /// Free text stamped on every report, e.g. `"2026.11"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The client's display name, shown in report headers. Defaults to the ruleset id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    /// Rulesets this one builds on: a relative path or `builtin:NAME`, or a list of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<Extends>,
    /// Definitions inherited through `extends` to drop, as `kind.name` (e.g. `kpis.roi`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
    /// The default report language.
    #[serde(default)]
    pub locale: Locale,
    /// What one row of the results is: an entity (e.g. an account) in a period (e.g. a month).
    #[serde(default)]
    pub grain: Grain,
    /// Named input tables. Paths are relative to the ruleset file, or to `--data DIR`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub sources: IndexMap<String, Source>,
    /// Aggregations of source rows into one value per entity and period, e.g. `sum(articles.readers)`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub measures: IndexMap<String, Measure>,
    /// The indicators that are reported, targeted and scored.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub kpis: IndexMap<String, Kpi>,
    /// How a KPI value becomes a score (100 = on target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    /// Weighted totals of KPI scores; the weights of a scorecard are points that sum to 100.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub scorecards: IndexMap<String, Scorecard>,
    /// Grades of a scorecard total, e.g. `A: ">= 90"`; the first matching grade wins.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub grades: IndexMap<String, String>,
    /// Rules that flag an entity in a period, with a finding and advice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnoses: Vec<Diagnosis>,
    /// The actions log the consultant keeps (a CSV with `date, entity, kpi, action`, or
    /// `日期, 对象, 指标, 措施`): reports mark each action on its KPI's trend and say what moved
    /// since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<String>,
    /// A condition on entity attributes that marks competitors (`role == "competitor"`): they
    /// take part in cross-entity functions (share of voice, rank) but get no scorecard, grade or
    /// diagnosis, and reports show each client entity against them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitors: Option<String>,
    /// Attributes whose groups of entities are appraised too (`[brand, platform]`): a group's
    /// measures add up its entities', and every KPI is computed again from them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<String>,
    /// Who reports are written for and what they hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportSettings>,
}

/// The `report:` section: the reports' default audience, their sections and languages.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSettings {
    /// Who reports are for unless `kpi report --audience` says: the `client` (the default) or
    /// the consultant (`internal`), whose reports add the working papers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// The sections reports hold, in the shipped order; all of them by default. The working
    /// papers (`sources`, `quality`, `appendix`) are shown to an internal audience only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<Section>>,
    /// The languages reports are delivered in: `kpi check` warns of a label missing in one.
    /// By default the ruleset's `locale`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Locale>,
    /// A Word document (path relative to the ruleset) whose styles Word reports take: the
    /// client's house style. `kpi report --reference-docx` wins over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_docx: Option<String>,
    /// The house's brand, on every report, the book's cover and the workbook: its logo, two
    /// colours, a font, who prepared the reports and a confidentiality line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<Brand>,
    /// The paper PDF and Word reports are laid out on: `a4` (the default) or `letter` (US
    /// Letter). `kpi report --paper` wins over it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paper: Option<Paper>,
}

/// A sheet of paper reports are printed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 inches.
    Letter,
}

impl Paper {
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    /// Width and height in inches, as a browser's printer takes them.
    pub fn inches(self) -> (f64, f64) {
        match self {
            Paper::A4 => (8.27, 11.69),
            Paper::Letter => (8.5, 11.0),
        }
    }

    /// Width and height in twentieths of a point, as Word measures a page.
    pub fn twips(self) -> (u32, u32) {
        match self {
            Paper::A4 => (11906, 16838),
            Paper::Letter => (12240, 15840),
        }
    }
}

/// `report.brand`: what makes the reports the house's own, without a template of its own.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The logo (PNG, JPEG or SVG, relative to the ruleset and inside its folder): on the cover
    /// and in each report's header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colours: Option<BrandColours>,
    /// The font family of every text (Latin and Chinese alike), e.g. `"Source Han Sans SC"`;
    /// the machine's fonts follow it where it lacks a character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub font: Option<String>,
    /// Who prepared the reports, on the cover: `晨光咨询` or `{ zh-CN: 晨光咨询, en: Dawn Consulting }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepared_by: Option<Text>,
    /// The line on the cover and at the foot of every page, e.g. `仅供晨光咖啡内部使用`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidentiality: Option<Text>,
}

impl Brand {
    /// The media type of the logo, by its file's extension: what a report can show.
    pub fn logo_type(logo: &str) -> Option<&'static str> {
        let extension = std::path::Path::new(logo).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "png" => Some("image/png"),
            "jpg" | "jpeg" => Some("image/jpeg"),
            "svg" => Some("image/svg+xml"),
            _ => None,
        }
    }

    /// Whether `colour` is written `#RRGGBB`, the one form every output takes.
    pub fn is_colour(colour: &str) -> bool {
        colour.len() == 7 && colour.starts_with('#') && colour[1..].bytes().all(|b| b.is_ascii_hexdigit())
    }
}

/// The brand's two colours, as `#RRGGBB`: `primary` for headings, rules and table heads,
/// `accent` for the highlights.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandColours {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    pub primary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^#[0-9A-Fa-f]{6}$"))]
    pub accent: Option<String>,
}

/// Who a report is written for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The client: no ids, formula code or file lists.
    #[default]
    Client,
    /// The consultant: the client's report with the working papers.
    Internal,
}

/// A section of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The portfolio's executive summary.
    Summary,
    /// Scorecards, their tables and what moved them.
    Scorecards,
    /// The trend charts of the KPIs.
    Trends,
    /// Diagnoses: findings and advice.
    Findings,
    /// The actions log's entries and what moved since.
    Actions,
    /// The KPIs beside the competitors'.
    Competitors,
    /// The consultant's commentary.
    Commentary,
    /// The files read (working papers).
    Sources,
    /// The data-quality details (working papers).
    Quality,
    /// Each KPI's formula with its inputs (working papers).
    Appendix,
}

impl Audience {
    /// As the ruleset writes it.
    pub fn name(self) -> &'static str {
        match self {
            Audience::Client => "client",
            Audience::Internal => "internal",
        }
    }
}

impl Section {
    pub const ALL: [Section; 10] = [
        Section::Summary,
        Section::Scorecards,
        Section::Trends,
        Section::Findings,
        Section::Actions,
        Section::Competitors,
        Section::Commentary,
        Section::Sources,
        Section::Quality,
        Section::Appendix,
    ];

    /// Whether the section is one of the working papers, which only the consultant sees.
    pub fn is_working_paper(self) -> bool {
        matches!(self, Section::Sources | Section::Quality | Section::Appendix)
    }
}

impl Ruleset {
    /// The time zone dates with one are placed in: `grain.timezone`, else the locale's.
    pub fn timezone(&self) -> &str {
        match (&self.grain.timezone, self.locale) {
            (Some(zone), _) => zone,
            (None, Locale::ZhCn) => "Asia/Shanghai",
            (None, Locale::En) => "UTC",
        }
    }

    /// Who reports are for when the command line does not say.
    pub fn audience(&self) -> Audience {
        self.report.as_ref().and_then(|r| r.audience).unwrap_or_default()
    }

    pub fn paper(&self) -> Paper {
        self.report.as_ref().and_then(|r| r.paper).unwrap_or_default()
    }

    /// The sections a report for `audience` holds, in the shipped order.
    pub fn sections(&self, audience: Audience) -> Vec<Section> {
        let chosen = self.report.as_ref().and_then(|r| r.sections.as_ref());
        let shown = |section: &Section| audience == Audience::Internal || !section.is_working_paper();
        Section::ALL.into_iter().filter(|s| chosen.is_none_or(|c| c.contains(s))).filter(shown).collect()
    }

    /// The languages reports are delivered in: `report.languages`, else the ruleset's locale.
    pub fn languages(&self) -> Vec<Locale> {
        match self.report.as_ref().map(|r| r.languages.clone()).unwrap_or_default() {
            languages if languages.is_empty() => vec![self.locale],
            languages => languages,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Extends {
    One(String),
    Many(Vec<String>),
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grain {
    /// The name of the appraised unit, e.g. `account`; used in output headers.
    #[serde(default = "default_entity")]
    pub entity: String,
    /// What reports call the appraised unit in each language (`{ zh-CN: 账号, en: account }`):
    /// `4 accounts`, the accounts' column; by default `entity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// The length of one period.
    #[serde(default)]
    pub period: PeriodGrain,
    /// The time zone a date written with one (an engine's `TIMESTAMP WITH TIME ZONE`) is placed
    /// in a period by, as an IANA name (`Asia/Shanghai`, `Europe/Berlin`); by default the
    /// locale's: Asia/Shanghai for zh-CN, UTC for en.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

impl Default for Grain {
    fn default() -> Self {
        Grain { entity: default_entity(), label: None, period: PeriodGrain::default(), timezone: None }
    }
}

fn default_entity() -> String {
    "entity".to_string()
}

/// The length of one period: `week` is the ISO week (Monday to Sunday).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PeriodGrain {
    Day,
    Week,
    #[default]
    Month,
    Quarter,
    Year,
    /// Not written in a ruleset: the view `--period 2026-YTD` asks for, each year from
    /// 1 January to the same day as the latest complete period's last day, so that a year to
    /// date is set beside the same days of the year before.
    #[serde(skip)]
    #[schemars(skip)]
    YearTo(DayOfYear),
}

/// A day of every year, `08-31`; 29 February is the 28th in a year without one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DayOfYear {
    pub month: u32,
    pub day: u32,
}

impl DayOfYear {
    /// This day of `year`.
    pub fn in_year(self, year: i32) -> chrono::NaiveDate {
        let day = chrono::NaiveDate::from_ymd_opt(year, self.month, self.day);
        day.or_else(|| chrono::NaiveDate::from_ymd_opt(year, self.month, self.day - 1)).expect("a day of every year")
    }
}

impl Default for DayOfYear {
    fn default() -> Self {
        DayOfYear { month: 12, day: 31 }
    }
}

impl PeriodGrain {
    /// The grain as the ruleset writes it: `day`, `week`, `month`, `quarter` or `year`, and
    /// `year_to_date` for the view of a year to date.
    pub fn name(self) -> &'static str {
        match self {
            PeriodGrain::Day => "day",
            PeriodGrain::Week => "week",
            PeriodGrain::Month => "month",
            PeriodGrain::Quarter => "quarter",
            PeriodGrain::Year => "year",
            PeriodGrain::YearTo(_) => "year_to_date",
        }
    }

    /// A period of the grain, as a message names it: `month`, `year to date`.
    pub fn noun(self) -> &'static str {
        match self {
            PeriodGrain::YearTo(_) => "year to date",
            grain => grain.name(),
        }
    }

    /// The grains whose periods a view may ask for over this grain's rows, coarsest last.
    pub fn coarser(self) -> impl Iterator<Item = PeriodGrain> {
        let all = [PeriodGrain::Week, PeriodGrain::Month, PeriodGrain::Quarter, PeriodGrain::Year];
        all.into_iter().filter(move |grain| *grain > self && !matches!(self, PeriodGrain::YearTo(_)))
    }
}

/// Written as the ruleset writes it, and views by their name, for reports and JSON.
impl Serialize for PeriodGrain {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Where a source's `path` says a file's entity is: `data/{entity}/result.xls`.
pub const ENTITY_PLACEHOLDER: &str = "{entity}";

/// A table of input rows: one file, or several matched by a glob and concatenated.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What the client calls this data, in each report language (`{ zh-CN: 用户增长, en: User
    /// growth }`): reports name the data they cover by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// Where the export comes from, for the people who download it: the backend's page and
    /// button (`用户分析 → 用户增长 → 下载表格`), shown by `kpi show --sources`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// File path or glob, relative to the ruleset file (or to `--data DIR`). `{entity}` in it
    /// (`data/{entity}/result.xls`, `data/articles-{entity}-*.csv`) matches any part of a folder
    /// or file name and names each file's entity, for exports that have no entity column. Not
    /// written when `parts` gives the files.
    #[serde(default)]
    pub path: String,
    /// A table of a warehouse instead of files (`analytics.wechat_users`: a schema and a table,
    /// each a name of its own, never SQL text), read where the data lives with `--engine`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Which rows of the `table` to read, a condition over its columns in the formula language
    /// (`region == "north"`): one partition of a shared table.
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// The same rows from several exports that write them differently — one platform's layout
    /// each: every part has its own `path` and whatever else differs (`date`, `columns`, `sheet`,
    /// `header_row`, …); the rest is the source's. A column a part's export lacks is mapped to
    /// `~`, and its rows have no data for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<SourcePart>,
    /// The logical columns this part's export lacks (mapped to `~`): no data.
    #[serde(skip)]
    #[schemars(skip)]
    pub absent: Vec<String>,
    #[serde(default)]
    pub format: SourceFormat,
    #[serde(default)]
    pub encoding: SourceEncoding,
    /// The sheet of a workbook, by name or by number (`2` for the second); the first sheet by
    /// default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// One block of a sheet, for sheets that hold several tables side by side: `B3:D` is columns
    /// B to D from row 3 (its headers) down, `B3:D40` stops at row 40.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    /// The 1-based row holding the column headers; rows above it are skipped.
    #[serde(default = "default_header_row")]
    #[schemars(range(min = 1))]
    pub header_row: u32,
    /// The header of the column that places a row in a period. A source without `date` is an
    /// attribute table: one row per entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Whether the export has a row a day per entity (a daily export of the backend's
    /// statistics), so that a period is covered only when every day is there; told from the
    /// rows when not written (about one row a day, on most days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily: Option<bool>,
    /// How dates are written, as a strftime pattern (e.g. `%Y年%m月%d日`). Common forms are
    /// recognised without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// The header of the column holding the entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// The entity every row of this source belongs to, when the file has no entity column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_value: Option<String>,
    /// Values that mean "no data" in this source's number columns, besides the ones every
    /// export uses (empty, `-`, `--`, `—`, `N/A`, `null`): Toutiao writes `-1` for "not
    /// available". A marker that is a number matches however it is written (`-1`, `-1.00`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub null_values: Vec<String>,
    /// The decimal mark the files write their numbers with: `point` (`1,234.5`) or `comma`
    /// (`1.234,5`, as Excel writes in a European locale). Told from each file's values and
    /// separator by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal: Option<Decimal>,
    /// What a value that is not a number does in a number column: stop the run with an error
    /// naming its file, line and column (`error`, the default), or count as no data (`null`).
    #[serde(default)]
    pub on_bad_value: OnBadValue,
    /// Conditions each row must meet, in the formula language over the source's columns
    /// (`net == new - lost`); rows that fail one are counted in the data-quality notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<String>,
    /// Logical names for the file's columns: `logical_name: header in the file`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub columns: IndexMap<String, String>,
    /// What reports call a column in each language, by its logical name: an attribute table's
    /// columns are shown in every report's header (`account_type: { zh-CN: 账号类型, en:
    /// Account type }`); by default a column is called by its header in the file.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, Text>,
}

/// One export of a source's rows, as one platform writes it: what differs from the source.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourcePart {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<SourceFormat>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<SourceEncoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub header_row: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub null_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal: Option<Decimal>,
    /// The part's headers for the source's logical columns; `~` for one its export lacks.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub columns: IndexMap<String, Option<String>>,
}

impl Source {
    /// A file read as a source is (its format and encoding told from its content), with every
    /// other key at its default: for files that are not sources, like the actions log.
    pub fn of_file(path: &str) -> Source {
        serde_json::from_value(serde_json::json!({ "path": path })).expect("a path alone is a source")
    }

    /// The source as each of its exports is read: itself, or each part over it. A part that
    /// names the entity one way (`entity`, `entity_value`, `{entity}` in its path) drops the
    /// source's way.
    pub fn parts(&self) -> Vec<Source> {
        if self.parts.is_empty() {
            return vec![self.clone()];
        }
        let part_of = |part: &SourcePart| {
            let mut source = Source { parts: Vec::new(), path: part.path.clone(), ..self.clone() };
            source.format = part.format.unwrap_or(source.format);
            source.encoding = part.encoding.unwrap_or(source.encoding);
            source.sheet = part.sheet.clone().or(source.sheet);
            source.range = part.range.clone().or(source.range);
            source.header_row = part.header_row.unwrap_or(source.header_row);
            source.date = part.date.clone().or(source.date);
            source.date_format = part.date_format.clone().or(source.date_format);
            source.null_values = part.null_values.clone().unwrap_or(source.null_values);
            source.decimal = part.decimal.or(source.decimal);
            if part.entity.is_some() || part.entity_value.is_some() || part.path.contains(ENTITY_PLACEHOLDER) {
                (source.entity, source.entity_value) = (part.entity.clone(), part.entity_value.clone());
            }
            for (name, header) in &part.columns {
                match header {
                    Some(header) => {
                        source.columns.insert(name.clone(), header.clone());
                    }
                    None => {
                        source.columns.shift_remove(name);
                        source.absent.push(name.clone());
                    }
                }
            }
            source
        };
        self.parts.iter().map(part_of).collect()
    }

    /// Whether the source's rows are dated (by it, or by its parts): rows placed in periods,
    /// not a table of attributes.
    pub fn is_dated(&self) -> bool {
        self.date.is_some() || self.parts.iter().any(|part| part.date.is_some())
    }

    /// Whether each file's entity comes from its path (`{entity}` in `path`).
    pub fn entity_from_path(&self) -> bool {
        self.path.contains(ENTITY_PLACEHOLDER)
    }

    /// The block of a sheet `range` names, if it names one well.
    pub fn block(&self) -> Option<Result<Block, String>> {
        self.range.as_deref().map(Block::parse)
    }
}

/// A block of a sheet: 0-based first row, first and last column, and last row if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    pub first_row: usize,
    pub first_column: usize,
    pub last_column: usize,
    pub last_row: Option<usize>,
}

impl Block {
    /// `B3:D` or `B3:D40`, as spreadsheets write ranges.
    pub fn parse(text: &str) -> Result<Block, String> {
        let bad = || format!("`range: {text}` is not a block like `B3:D` or `B3:D40`");
        let (start, end) = text.trim().split_once(':').ok_or_else(bad)?;
        let (first_column, first_row) = cell(start).ok_or_else(bad)?;
        let (last_column, last_row) = cell(end).ok_or_else(bad)?;
        let first_row = first_row.ok_or_else(bad)?;
        if last_column < first_column || last_row.is_some_and(|last| last < first_row) {
            return Err(bad());
        }
        Ok(Block { first_row, first_column, last_column, last_row })
    }
}

/// `B3` as its 0-based column and row; the row may be left out (`D`).
fn cell(text: &str) -> Option<(usize, Option<usize>)> {
    let letters: String = text.chars().take_while(char::is_ascii_alphabetic).collect();
    let digits = &text[letters.len()..];
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let column = letters.to_ascii_uppercase().bytes().fold(0usize, |n, b| n * 26 + usize::from(b - b'A' + 1)) - 1;
    let row = match digits {
        "" => None,
        digits => Some(digits.parse::<usize>().ok().filter(|r| *r >= 1)? - 1),
    };
    Some((column, row))
}

fn default_header_row() -> u32 {
    1
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// By file extension.
    #[default]
    Auto,
    Csv,
    Tsv,
    Parquet,
    Xlsx,
    Ndjson,
    /// A table of an HTML page, as some backends save spreadsheets.
    Html,
}

/// The first and last dates read, in any column, on files and engines alike: outside them a
/// date is a placeholder (`9999-12-31`, a log's "never") or a typing error (`0206-10-01`), not
/// a time to reckon with, and would stretch the grid over centuries.
pub const FIRST_DATE: (i32, u32, u32) = (1900, 1, 1);
pub const LAST_DATE: (i32, u32, u32) = (2199, 12, 31);

/// The decimal mark a file's numbers are written with; the other mark groups thousands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Decimal {
    /// `1,234.5`, as Chinese and English exports write numbers.
    #[default]
    Point,
    /// `1.234,5`, as Excel writes them in a European locale (its CSV then separated by `;`).
    Comma,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnBadValue {
    /// An error naming the file, the line, the column and the value.
    #[default]
    Error,
    /// No data.
    Null,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SourceEncoding {
    /// UTF-8 when the bytes are valid UTF-8, GB18030 otherwise.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    /// GBK, decoded as its superset GB18030.
    #[serde(rename = "gbk")]
    Gbk,
}

/// A measure: a formula, or a formula with a label.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Measure {
    Formula(String),
    Described(DescribedMeasure),
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedMeasure {
    pub formula: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

impl Measure {
    pub fn formula(&self) -> &str {
        match self {
            Measure::Formula(formula) => formula,
            Measure::Described(measure) => &measure.formula,
        }
    }

    pub fn label(&self) -> Option<&Text> {
        match self {
            Measure::Formula(_) => None,
            Measure::Described(measure) => measure.label.as_ref(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// How the value is computed from measures, other KPIs and attributes.
    pub formula: String,
    #[serde(default)]
    pub format: ValueFormat,
    /// Digits after the decimal point in reports; by default 1 for percents, 2 for numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    #[serde(default)]
    pub better: Better,
    /// A literal (`30%`), a formula (`prev(read_rate) * 1.15`) or `{ table: SOURCE }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// The targets of longer periods than the ruleset's, for `--period 2026-Q3`, `2026` or
    /// `2026-YTD` on a monthly ruleset: `targets: { quarter: 30000, year: 120000 }`. A period
    /// without one of its own is set `target`, as written, at its length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<ViewTargets>,
    /// Named conditions on the value, e.g. `good: ">= 40%"`, or with their tone and label
    /// (`good: { when: ">= 40%", tone: good, label: { zh-CN: 良好, en: Good } }`); the first
    /// match wins.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub bands: IndexMap<String, KpiBand>,
    /// How this KPI is scored, instead of `scoring.default`: `linear(lo = .., hi = ..)`,
    /// `bands(name = points, ..)` or a formula of `value` and `target`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
}

impl Kpi {
    /// Whether the KPI has a target of its own periods' or of a longer period's: it is scored
    /// where it has one.
    pub fn has_target(&self) -> bool {
        self.target.is_some() || self.targets.is_some()
    }

    /// Every target written: `target`, then those of longer periods.
    pub fn targets_written(&self) -> impl Iterator<Item = &Target> {
        let longer = self.targets.iter().flat_map(|targets| targets.written().filter_map(|grain| targets.of(grain)));
        self.target.iter().chain(longer)
    }
}

/// A band of a KPI's values: its condition, or its condition with how it reads.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum KpiBand {
    Condition(String),
    Described(DescribedBand),
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedBand {
    /// The condition on the value (`">= 40%"`, `otherwise`).
    pub when: String,
    /// How the band reads, which sets its colour in reports; by default the first band is
    /// `good`, the last `bad` and the others `neutral`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tone: Option<Tone>,
    /// The band's name in each report language; the name it is written under by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
}

impl KpiBand {
    pub fn condition(&self) -> &str {
        match self {
            KpiBand::Condition(condition) => condition,
            KpiBand::Described(band) => &band.when,
        }
    }

    pub fn tone(&self) -> Option<Tone> {
        match self {
            KpiBand::Condition(_) => None,
            KpiBand::Described(band) => band.tone,
        }
    }

    pub fn label(&self) -> Option<&Text> {
        match self {
            KpiBand::Condition(_) => None,
            KpiBand::Described(band) => band.label.as_ref(),
        }
    }
}

/// How a band or a grade reads; report colours follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Good,
    Neutral,
    Warning,
    Bad,
}

impl Tone {
    /// The tone of the band or grade at `index` of `count`, best first, when none is written.
    pub fn of_position(index: usize, count: usize) -> Tone {
        match index {
            0 => Tone::Good,
            i if i + 1 == count => Tone::Bad,
            _ => Tone::Neutral,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    /// A literal or a formula evaluated per entity and period.
    Formula(String),
    /// Per entity and period, from a targets table.
    Table(TargetTable),
}

/// A KPI's targets of periods longer than the ruleset's, by their length.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewTargets {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter: Option<Target>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<Target>,
    /// The year to date's, `--period 2026-YTD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_to_date: Option<Target>,
}

impl ViewTargets {
    /// The target written for periods of `grain`.
    pub fn of(&self, grain: PeriodGrain) -> Option<&Target> {
        match grain {
            PeriodGrain::Day => None,
            PeriodGrain::Week => self.week.as_ref(),
            PeriodGrain::Month => self.month.as_ref(),
            PeriodGrain::Quarter => self.quarter.as_ref(),
            PeriodGrain::Year => self.year.as_ref(),
            PeriodGrain::YearTo(_) => self.year_to_date.as_ref(),
        }
    }

    /// The grains a target is written for, as `of` reads them.
    pub fn written(&self) -> impl Iterator<Item = PeriodGrain> + '_ {
        let grains = [PeriodGrain::Week, PeriodGrain::Month, PeriodGrain::Quarter, PeriodGrain::Year];
        grains.into_iter().chain([PeriodGrain::YearTo(DayOfYear::default())]).filter(|grain| self.of(*grain).is_some())
    }
}

/// A source whose rows give targets: it maps the logical columns `kpi` (the KPI id) and `target`,
/// plus its `entity` and `date` (the period) like any source.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetTable {
    pub table: String,
}

impl TargetTable {
    /// The logical columns a targets table maps, besides its entity and date.
    pub const KPI_COLUMN: &str = "kpi";
    pub const TARGET_COLUMN: &str = "target";
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// The score of a KPI with a target and no `score:` of its own, e.g. `attainment(cap = 120%)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// The share of a scorecard's weight whose KPIs must have a score for its total to be
    /// graded (`0.9` or `90%`; 2/3 by default): a total of fragments is shown, not graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_coverage: Option<Share>,
}

/// A share from 0 to 1, written as a fraction (`0.9`) or a percentage (`90%`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Share {
    Fraction(f64),
    Written(String),
}

impl Share {
    /// The share as a fraction; none when it is not a number from 0 to 1 (`0%` to `100%`).
    pub fn fraction(&self) -> Option<f64> {
        let fraction = match self {
            Share::Fraction(fraction) => *fraction,
            Share::Written(text) => match text.trim().strip_suffix('%') {
                Some(percent) => percent.trim().parse::<f64>().ok()? / 100.0,
                None => text.trim().parse().ok()?,
            },
        };
        (0.0..=1.0).contains(&fraction).then_some(fraction)
    }
}

/// The share of a scorecard's weight that must have a score, unless the ruleset says.
pub const MIN_COVERAGE: f64 = 2.0 / 3.0;

/// How far below `min_coverage` a coverage may be and still meet it, on every backend: thirds
/// of weights (33.33 + 33.33 of 100) are the 2/3 they mean.
pub const COVERAGE_TOLERANCE: f64 = 1e-9;

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Which entities this scorecard appraises: a condition on entity attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    /// KPI id: points. The points sum to 100.
    pub weights: IndexMap<String, f64>,
    #[serde(default)]
    pub missing: MissingPolicy,
    /// The share of the weight whose KPIs must have a score for the total to be graded; the
    /// `scoring:` one by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_coverage: Option<Share>,
}

/// What a scorecard total does when a weighted KPI has no score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MissingPolicy {
    /// Scale the weights of the scored KPIs up to 100.
    #[default]
    Renormalize,
    /// Count the missing score as 0.
    Zero,
    /// Leave the total empty.
    Fail,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    pub id: String,
    /// When the diagnosis fires, e.g. `read_rate < 30%`. A null condition does not fire.
    pub when: String,
    #[serde(default)]
    pub severity: Severity,
    /// What was found; a template over the cell's KPIs, measures and attributes.
    pub finding: Text,
    /// What to do about it; a template like `finding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice: Option<Text>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    #[default]
    Warning,
    Critical,
}

impl Severity {
    /// As a reader of `locale` says it.
    pub fn word(self, locale: Locale) -> &'static str {
        match self {
            Severity::Info => locale.pick("提示", "info"),
            Severity::Warning => locale.pick("警告", "warning"),
            Severity::Critical => locale.pick("严重", "critical"),
        }
    }

    /// As the ruleset writes it.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// A plain string, or a map keyed by locale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Localized(LocalizedText),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    #[serde(rename = "zh-CN", default, skip_serializing_if = "Option::is_none")]
    pub zh_cn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// The text in `locale`, else in the other locale.
    pub fn get(&self, locale: Locale) -> Option<&str> {
        match self {
            Text::Plain(text) => Some(text),
            Text::Localized(texts) => {
                let (wanted, other) = match locale {
                    Locale::ZhCn => (&texts.zh_cn, &texts.en),
                    Locale::En => (&texts.en, &texts.zh_cn),
                };
                wanted.as_deref().or(other.as_deref())
            }
        }
    }

    /// Every text with the locale it is written for (`None` for a plain string).
    pub fn variants(&self) -> Vec<(Option<Locale>, &str)> {
        match self {
            Text::Plain(text) => vec![(None, text.as_str())],
            Text::Localized(texts) => [(Locale::ZhCn, &texts.zh_cn), (Locale::En, &texts.en)]
                .into_iter()
                .filter_map(|(locale, text)| text.as_deref().map(|t| (Some(locale), t)))
                .collect(),
        }
    }
}

/// What a source's rows are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceRole {
    /// Rows placed in periods by their date, aggregated by measures.
    Rows,
    /// One row per entity, without a date: the entity's attributes.
    Attributes,
    /// Targets of KPIs: a source named by a KPI's `target: { table: NAME }`.
    Targets,
}

impl Ruleset {
    /// What the rows of source `name` are for.
    pub fn source_role(&self, name: &str) -> SourceRole {
        let of_table = |target: &Target| matches!(target, Target::Table(table) if table.table == name);
        let targets = |kpi: &Kpi| kpi.targets_written().any(of_table);
        if self.kpis.values().any(targets) {
            SourceRole::Targets
        } else if self.sources.get(name).is_some_and(Source::is_dated) {
            SourceRole::Rows
        } else {
            SourceRole::Attributes
        }
    }

    /// The JSON Schema of the ruleset format.
    pub fn json_schema() -> serde_json::Value {
        let schema = schemars::schema_for!(Ruleset);
        serde_json::to_value(schema).expect("a schema serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::Block;

    #[test]
    fn a_block_is_read_as_spreadsheets_write_ranges() {
        let block =
            |first_row, first_column, last_column, last_row| Block { first_row, first_column, last_column, last_row };
        assert_eq!(Block::parse("B3:D"), Ok(block(2, 1, 3, None)));
        assert_eq!(Block::parse("l3:n40"), Ok(block(2, 11, 13, Some(39))));
        assert_eq!(Block::parse("AA1:AB"), Ok(block(0, 26, 27, None)));
        for bad in ["B:D", "3B:D", "D3:B", "B3", "B3:D2", "B0:D"] {
            assert!(Block::parse(bad).is_err(), "{bad}");
        }
    }
}
