//! The appraisal as terminal tables, one block per entity and period: KPIs with their labels
//! and values in their formats (`31.2%`), scorecard totals and grades, and fired diagnoses.

use comfy_table::{Cell, CellAlignment, Table};

use crate::appraise::Appraisal;
use crate::report::format;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, Severity, ValueFormat};

struct Headings {
    kpis: [&'static str; 6],
    scorecards: [&'static str; 4],
    severity: fn(Severity) -> &'static str,
}

const EN: Headings = Headings {
    kpis: ["KPI", "Value", "Target", "Attainment", "Score", "Band"],
    scorecards: ["Scorecard", "Total", "Grade", "Not scored"],
    severity: |s| match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    },
};

const ZH: Headings = Headings {
    kpis: ["指标", "数值", "目标", "达成率", "得分", "档位"],
    scorecards: ["计分卡", "总分", "等级", "未计分指标"],
    severity: |s| match s {
        Severity::Info => "提示",
        Severity::Warning => "警告",
        Severity::Critical => "严重",
    },
};

pub fn table(appraisal: &Appraisal, ruleset: &CheckedRuleset, locale: Locale) -> String {
    let headings = match locale {
        Locale::ZhCn => &ZH,
        Locale::En => &EN,
    };
    let mut out = String::new();
    for cell in appraisal.results.chunk_by(|a, b| a.entity == b.entity && a.period == b.period) {
        let (entity, period) = (&cell[0].entity, &cell[0].period);
        let mut table = Table::new();
        table.set_header(headings.kpis);
        for result in cell {
            let kpi = &ruleset.model.kpis[&result.kpi];
            let shown = |value| format::value(value, kpi.format, kpi.decimals, locale);
            table.add_row(vec![
                Cell::new(ruleset.kpi_label(&result.kpi, locale)),
                right(shown(result.value)),
                right(if kpi.target.is_some() { shown(result.target) } else { String::new() }),
                right(
                    result
                        .attainment
                        .map_or_else(String::new, |a| format::value(Some(a), ValueFormat::Percent, Some(0), locale)),
                ),
                right(result.score.map_or_else(String::new, |s| format::fixed(s, 1))),
                Cell::new(result.band.clone().unwrap_or_default()),
            ]);
        }
        out.push_str(&format!("{entity} · {period}\n{table}\n"));

        let scorecards: Vec<_> =
            appraisal.scorecards.iter().filter(|s| &s.entity == entity && &s.period == period).collect();
        if !scorecards.is_empty() {
            let mut table = Table::new();
            table.set_header(headings.scorecards);
            for scorecard in scorecards {
                table.add_row(vec![
                    Cell::new(ruleset.scorecard_label(&scorecard.scorecard, locale)),
                    right(scorecard.score.map_or_else(|| format::NO_DATA.to_string(), |s| format::fixed(s, 1))),
                    Cell::new(scorecard.grade.clone().unwrap_or_default()),
                    Cell::new(
                        scorecard
                            .missing
                            .iter()
                            .map(|kpi| ruleset.kpi_label(kpi, locale))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                ]);
            }
            out.push_str(&format!("{table}\n"));
        }
        for diagnosis in appraisal.diagnoses.iter().filter(|d| &d.entity == entity && &d.period == period) {
            out.push_str(&format!("[{}] {}\n", (headings.severity)(diagnosis.severity), diagnosis.finding));
            if let Some(advice) = &diagnosis.advice {
                out.push_str(&format!("    → {advice}\n"));
            }
        }
        out.push('\n');
    }
    out
}

fn right(text: String) -> Cell {
    Cell::new(text).set_alignment(CellAlignment::Right)
}
