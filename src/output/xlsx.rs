//! `kpi run --format xlsx`: the appraisal as a workbook a consultant filters and sorts. One
//! sheet each for the KPI results, the scorecards, the findings and the data-quality notes;
//! headers and labels in the report's language beside the ids; every number a number, shown
//! as the report shows it (`35.4%`, `¥1.00`, `1,514`) through the cell's number format.

use crate::appraise::{Appraisal, FiredDiagnosis, KpiResult, QualityRow, ScorecardResult};
use crate::error::Result;
use crate::format::{self, ValueFormat};
use crate::locale::Locale;
use crate::office::workbook::{Cell, Sheet, workbook};
use crate::ruleset::CheckedRuleset;

pub fn results(appraisal: &Appraisal, ruleset: &CheckedRuleset, locale: Locale) -> Result<Vec<u8>> {
    let sheets = Sheets { ruleset, locale };
    workbook(&[
        sheets.results(appraisal),
        sheets.scorecards(appraisal),
        sheets.findings(appraisal),
        sheets.quality(appraisal),
    ])
}

struct Sheets<'a> {
    ruleset: &'a CheckedRuleset,
    locale: Locale,
}

/// The rows of the appraisal's entities, then those of each roll-up's groups with its attribute.
fn with_rollups<'a, T>(
    appraisal: &'a Appraisal,
    own: &'a [T],
    of: fn(&crate::appraise::Rollup) -> &[T],
) -> Vec<(&'a T, &'a str)> {
    let mut rows: Vec<(&T, &str)> = own.iter().map(|row| (row, "")).collect();
    for rollup in &appraisal.rollups {
        rows.extend(of(rollup).iter().map(|row| (row, rollup.by.as_str())));
    }
    rows
}

impl Sheets<'_> {
    fn headers(&self, names: &[(&str, &str)]) -> Vec<String> {
        names.iter().map(|(zh, en)| self.locale.pick(*zh, *en).to_string()).collect()
    }

    fn results(&self, appraisal: &Appraisal) -> Sheet {
        let headers = self.headers(&[
            ("账号", "entity"),
            ("周期", "period"),
            ("指标 ID", "kpi"),
            ("指标", "KPI"),
            ("实际值", "value"),
            ("目标", "target"),
            ("达成率", "attainment"),
            ("得分", "score"),
            ("档位 ID", "band"),
            ("档位", "band label"),
            ("部分天数", "partial"),
            ("汇总维度", "roll-up by"),
        ]);
        let rows = with_rollups(appraisal, &appraisal.results, |r| &r.results);
        let rows = rows.into_iter().map(|(row, by)| self.result(row, by)).collect();
        Sheet { name: self.locale.pick("指标结果", "results").to_string(), headers, rows }
    }

    fn result(&self, row: &KpiResult, by: &str) -> Vec<Cell> {
        let model = &self.ruleset.model.kpis[&row.kpi];
        let value_code = format::spreadsheet_code(model.format, model.decimals);
        let band_label = row.band.as_ref().map(|band| self.ruleset.band_label(&row.kpi, band, self.locale));
        vec![
            text(&row.entity),
            text(&row.period),
            text(&row.kpi),
            text(&self.ruleset.kpi_label(&row.kpi, self.locale)),
            number(row.value, &value_code),
            number(row.target, &value_code),
            number(row.attainment, &format::spreadsheet_code(ValueFormat::Percent, Some(0))),
            number(row.score, &score_code()),
            optional(row.band.as_deref()),
            optional(band_label.as_deref()),
            optional(row.partial.then(|| self.locale.pick("部分", "partial"))),
            text(by),
        ]
    }

    fn scorecards(&self, appraisal: &Appraisal) -> Sheet {
        let headers = self.headers(&[
            ("账号", "entity"),
            ("周期", "period"),
            ("计分卡 ID", "scorecard"),
            ("计分卡", "scorecard label"),
            ("总分", "total"),
            ("等级", "grade"),
            ("有数据的权重", "weight with data"),
            ("缺数据的指标", "KPIs without data"),
            ("汇总维度", "roll-up by"),
        ]);
        let rows = with_rollups(appraisal, &appraisal.scorecards, |r| &r.scorecards);
        let rows = rows.into_iter().map(|(row, by)| self.scorecard(row, by)).collect();
        Sheet { name: self.locale.pick("计分卡", "scorecards").to_string(), headers, rows }
    }

    fn scorecard(&self, row: &ScorecardResult, by: &str) -> Vec<Cell> {
        let missing: Vec<String> = row.missing.iter().map(|kpi| self.ruleset.kpi_label(kpi, self.locale)).collect();
        vec![
            text(&row.entity),
            text(&row.period),
            text(&row.scorecard),
            text(&self.ruleset.scorecard_label(&row.scorecard, self.locale)),
            number(row.score, &score_code()),
            optional(row.grade.as_deref()),
            number(row.coverage, &format::spreadsheet_code(ValueFormat::Percent, Some(0))),
            text(&missing.join(self.locale.pick("、", ", "))),
            text(by),
        ]
    }

    fn findings(&self, appraisal: &Appraisal) -> Sheet {
        let headers = self.headers(&[
            ("账号", "entity"),
            ("周期", "period"),
            ("诊断 ID", "diagnosis"),
            ("严重程度", "severity"),
            ("状态", "standing"),
            ("发现", "finding"),
            ("建议", "advice"),
            ("汇总维度", "roll-up by"),
        ]);
        let mut rows = with_rollups(appraisal, &appraisal.diagnoses, |r| &r.diagnoses);
        rows.extend(with_rollups(appraisal, &appraisal.resolved, |r| &r.resolved));
        rows.extend(with_rollups(appraisal, &appraisal.unassessed, |r| &r.unassessed));
        let rows = rows.into_iter().map(|(row, by)| self.finding(row, by)).collect();
        Sheet { name: self.locale.pick("诊断", "findings").to_string(), headers, rows }
    }

    fn finding(&self, row: &FiredDiagnosis, by: &str) -> Vec<Cell> {
        vec![
            text(&row.entity),
            text(&row.period),
            text(&row.id),
            text(row.severity.word(self.locale)),
            text(&row.standing(self.locale)),
            text(&row.finding),
            optional(row.advice.as_deref()),
            text(by),
        ]
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
