//! `kpi run --format xlsx`: the appraisal as a workbook a consultant filters, sorts and pivots.
//! One sheet each for the KPI results, the scorecards and the findings of the entities (with
//! their attributes, to pivot by), the same three for each roll-up's groups, and the
//! data-quality notes; headers and labels in the report's language beside the ids; every
//! number a number, shown as the report shows it (`35.4%`, `¥1.00`, `1,514`) through the cell's
//! number format; every period with its first day as a date.

use crate::appraise::{Appraisal, FiredDiagnosis, KpiResult, QualityRow, Rollup, ScorecardResult};
use crate::engine::Period;
use crate::error::Result;
use crate::format::{self, ValueFormat};
use crate::locale::Locale;
use crate::office::properties::Properties;
use crate::office::workbook::{Cell, Look, Sheet, workbook};
use crate::ruleset::CheckedRuleset;
use crate::texts::TextValue;

pub fn results(appraisal: &Appraisal, ruleset: &CheckedRuleset, locale: Locale) -> Result<Vec<u8>> {
    let sheets = Sheets { ruleset, locale, appraisal };
    let mut all =
        vec![sheets.results(Rows::Entities), sheets.scorecards(Rows::Entities), sheets.findings(Rows::Entities)];
    // Each roll-up's groups on sheets of their own: a pivot of a sheet counts each account once.
    for rollup in &appraisal.rollups {
        let rows = Rows::Groups(rollup);
        all.extend([sheets.results(rows), sheets.scorecards(rows), sheets.findings(rows)]);
    }
    all.push(sheets.quality(appraisal));
    workbook(&all, &sheets.look())
}

struct Sheets<'a> {
    ruleset: &'a CheckedRuleset,
    locale: Locale,
    appraisal: &'a Appraisal,
}

/// Whose rows a sheet holds: the entities', with their attributes, or a roll-up's groups'.
#[derive(Clone, Copy)]
enum Rows<'a> {
    Entities,
    Groups(&'a Rollup),
}

impl Sheets<'_> {
    fn headers(&self, names: &[(&str, &str)]) -> Vec<String> {
        names.iter().map(|(zh, en)| self.locale.pick(*zh, *en).to_string()).collect()
    }

    /// The brand's header colour and font, and properties naming the client, dated by the
    /// last period appraised.
    fn look(&self) -> Look {
        let model = &self.ruleset.model;
        let brand = model.report.as_ref().and_then(|r| r.brand.as_ref());
        let primary = brand.and_then(|b| b.colours.as_ref()).and_then(|c| c.primary.as_ref());
        let client = model.client.clone().unwrap_or_else(|| model.ruleset.clone());
        let author = brand.and_then(|b| b.prepared_by.as_ref()).and_then(|t| t.get(self.locale));
        let last = self.appraisal.periods.last().and_then(|p| Period::parse(model.grain.period, p));
        let periods = match (self.appraisal.periods.first(), self.appraisal.periods.last()) {
            (Some(first), Some(last)) if first != last => format!("{first} – {last}"),
            (Some(only), _) => only.clone(),
            _ => String::new(),
        };
        Look {
            header_fill: primary.map(|colour| colour.trim_start_matches('#').to_ascii_uppercase()),
            font: brand.and_then(|b| b.font.clone()),
            properties: Properties {
                title: format!("{client} · {}", self.locale.pick("考核结果", "appraisal results")),
                author: author.map_or_else(|| client.clone(), str::to_string),
                subject: format!("{client} · {periods}"),
                date: last.map(|p| p.end().to_string()).unwrap_or_default(),
                application: concat!("kpi ", env!("CARGO_PKG_VERSION")).to_string(),
            },
        }
    }

    /// The sheet's name: `base`, and for a roll-up's groups the attribute's label.
    fn sheet_name(&self, base: (&str, &str), rows: Rows) -> String {
        let base = self.locale.pick(base.0, base.1);
        match rows {
            Rows::Entities => base.to_string(),
            Rows::Groups(rollup) => format!("{base} · {}", self.attribute(&rollup.by)),
        }
    }

    fn attribute(&self, attribute: &str) -> String {
        self.ruleset.attribute_label(attribute, self.locale).unwrap_or_else(|| attribute.to_string())
    }

    /// The columns that say whose a row is: the entity, its attributes and whether it is a
    /// competitor; or the group, by the attribute's label.
    fn whose_headers(&self, rows: Rows) -> Vec<String> {
        match rows {
            Rows::Entities => {
                let mut headers = self.headers(&[("账号", "entity")]);
                headers.extend(self.ruleset.attributes.keys().map(|a| self.attribute(a)));
                headers.extend(self.headers(&[("竞品", "competitor")]));
                headers
            }
            Rows::Groups(rollup) => vec![self.attribute(&rollup.by)],
        }
    }

    fn whose(&self, rows: Rows, entity: &str) -> Vec<Cell> {
        let mut cells = vec![text(entity)];
        if let Rows::Entities = rows {
            let values = self.appraisal.attributes.get(entity).map(Vec::as_slice).unwrap_or_default();
            cells.extend(values.iter().map(attribute_cell));
            let competitor = self.appraisal.competitors.iter().any(|c| c == entity);
            cells.push(text(if competitor { self.locale.pick("是", "yes") } else { self.locale.pick("否", "no") }));
        }
        cells
    }

    /// The period's label, which sorts as text, and its first day, a date.
    fn when_headers(&self) -> Vec<String> {
        self.headers(&[("周期", "period"), ("周期开始", "period start")])
    }

    fn when(&self, period: &str) -> [Cell; 2] {
        let start = Period::parse(self.ruleset.model.grain.period, period).map(|p| p.start.to_string());
        [text(period), start.map_or(Cell::Empty, Cell::Date)]
    }

    fn results(&self, rows: Rows) -> Sheet {
        let mut headers = self.whose_headers(rows);
        headers.extend(self.when_headers());
        headers.extend(self.headers(&[
            ("指标 ID", "kpi"),
            ("指标", "KPI"),
            ("实际值", "value"),
            ("目标", "target"),
            ("达成率", "attainment"),
            ("得分", "score"),
            ("档位 ID", "band"),
            ("档位", "band label"),
            ("部分天数", "partial"),
        ]));
        let results = match rows {
            Rows::Entities => &self.appraisal.results,
            Rows::Groups(rollup) => &rollup.results,
        };
        let cells = results.iter().map(|row| self.result(rows, row)).collect();
        Sheet { name: self.sheet_name(("指标结果", "results"), rows), headers, rows: cells }
    }

    fn result(&self, rows: Rows, row: &KpiResult) -> Vec<Cell> {
        let model = &self.ruleset.model.kpis[&row.kpi];
        let value_code = format::spreadsheet_code(model.format, model.decimals);
        let band_label = row.band.as_ref().map(|band| self.ruleset.band_label(&row.kpi, band, self.locale));
        let mut cells = self.whose(rows, &row.entity);
        cells.extend(self.when(&row.period));
        cells.extend([
            text(&row.kpi),
            text(&self.ruleset.kpi_label(&row.kpi, self.locale)),
            number(row.value, &value_code),
            number(row.target, &value_code),
            number(row.attainment, &format::spreadsheet_code(ValueFormat::Percent, Some(0))),
            number(row.score, &score_code()),
            optional(row.band.as_deref()),
            optional(band_label.as_deref()),
            optional(row.partial.then(|| self.locale.pick("部分", "partial"))),
        ]);
        cells
    }

    fn scorecards(&self, rows: Rows) -> Sheet {
        let mut headers = self.whose_headers(rows);
        headers.extend(self.when_headers());
        headers.extend(self.headers(&[
            ("计分卡 ID", "scorecard"),
            ("计分卡", "scorecard label"),
            ("总分", "total"),
            ("等级", "grade"),
            ("有数据的权重", "weight with data"),
            ("缺数据的指标", "KPIs without data"),
        ]));
        let scorecards = match rows {
            Rows::Entities => &self.appraisal.scorecards,
            Rows::Groups(rollup) => &rollup.scorecards,
        };
        let cells = scorecards.iter().map(|row| self.scorecard(rows, row)).collect();
        Sheet { name: self.sheet_name(("计分卡", "scorecards"), rows), headers, rows: cells }
    }

    fn scorecard(&self, rows: Rows, row: &ScorecardResult) -> Vec<Cell> {
        let missing: Vec<String> = row.missing.iter().map(|kpi| self.ruleset.kpi_label(kpi, self.locale)).collect();
        let mut cells = self.whose(rows, &row.entity);
        cells.extend(self.when(&row.period));
        cells.extend([
            text(&row.scorecard),
            text(&self.ruleset.scorecard_label(&row.scorecard, self.locale)),
            number(row.score, &score_code()),
            optional(row.grade.as_deref()),
            number(row.coverage, &format::spreadsheet_code(ValueFormat::Percent, Some(0))),
            text(&missing.join(self.locale.pick("、", ", "))),
        ]);
        cells
    }

    fn findings(&self, rows: Rows) -> Sheet {
        let mut headers = self.whose_headers(rows);
        headers.extend(self.when_headers());
        headers.extend(self.headers(&[
            ("诊断 ID", "diagnosis"),
            ("严重程度", "severity"),
            ("状态", "standing"),
            ("发现", "finding"),
            ("建议", "advice"),
        ]));
        let (fired, resolved, unassessed) = match rows {
            Rows::Entities => (&self.appraisal.diagnoses, &self.appraisal.resolved, &self.appraisal.unassessed),
            Rows::Groups(rollup) => (&rollup.diagnoses, &rollup.resolved, &rollup.unassessed),
        };
        let all = fired.iter().chain(resolved).chain(unassessed);
        let cells = all.map(|row| self.finding(rows, row)).collect();
        Sheet { name: self.sheet_name(("诊断", "findings"), rows), headers, rows: cells }
    }

    fn finding(&self, rows: Rows, row: &FiredDiagnosis) -> Vec<Cell> {
        let mut cells = self.whose(rows, &row.entity);
        cells.extend(self.when(&row.period));
        cells.extend([
            text(&row.id),
            text(row.severity.word(self.locale)),
            text(&row.standing(self.locale)),
            text(&row.finding),
            optional(row.advice.as_deref()),
        ]);
        cells
    }

    fn quality(&self, appraisal: &Appraisal) -> Sheet {
        let headers = self.headers(&[
            ("账号", "entity"),
            ("周期", "period"),
            ("数据源", "source"),
            ("问题", "kind"),
            ("数量", "count"),
            ("说明", "detail"),
        ]);
        let rows = appraisal.quality.iter().map(quality_row).collect();
        Sheet { name: self.locale.pick("数据质量", "quality").to_string(), headers, rows }
    }
}

fn quality_row(row: &QualityRow) -> Vec<Cell> {
    vec![
        optional(row.entity.as_deref()),
        optional(row.period.as_deref()),
        text(&row.source),
        text(row.kind),
        Cell::Number(row.count as f64, format::spreadsheet_code(ValueFormat::Integer, None)),
        text(&row.detail),
    ]
}

/// Scores are shown with one decimal, as in the reports.
fn score_code() -> String {
    format::spreadsheet_code(ValueFormat::Number, Some(1))
}

/// An attribute's value: a text, a number as written, or a condition in words.
fn attribute_cell(value: &TextValue) -> Cell {
    match value {
        TextValue::Text(value) => text(value),
        TextValue::Number(value) => Cell::Number(*value, "General".to_string()),
        TextValue::Flag(flag) => text(&flag.to_string()),
        TextValue::None => Cell::Empty,
    }
}

fn text(value: &str) -> Cell {
    match value.is_empty() {
        true => Cell::Empty,
        false => Cell::Text(value.to_string()),
    }
}

fn optional(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, text)
}

/// A number in its format; an empty cell for no data, as in the CSV.
fn number(value: Option<f64>, code: &str) -> Cell {
    value.map_or(Cell::Empty, |value| Cell::Number(value, code.to_string()))
}
