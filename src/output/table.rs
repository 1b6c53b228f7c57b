//! The appraisal as terminal tables, one per entity and period, with KPI labels and values in
//! their formats (`31.2%`).

use comfy_table::{Cell, CellAlignment, Table};

use crate::appraise::Appraisal;
use crate::report::format;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{Locale, ValueFormat};

pub fn table(appraisal: &Appraisal, ruleset: &CheckedRuleset, locale: Locale) -> String {
    let headings = match locale {
        Locale::ZhCn => ["指标", "数值", "目标", "达成率", "得分", "档位"],
        Locale::En => ["KPI", "Value", "Target", "Attainment", "Score", "Band"],
    };
    let mut out = String::new();
    for cell in appraisal.results.chunk_by(|a, b| a.entity == b.entity && a.period == b.period) {
        let first = &cell[0];
        let mut table = Table::new();
        table.set_header(headings);
        for result in cell {
            let kpi = &ruleset.model.kpis[&result.kpi];
            let label = kpi.label.as_ref().and_then(|l| l.get(locale)).unwrap_or(&result.kpi);
            let shown = |value| format::value(value, kpi.format, kpi.decimals, locale);
            let right = |text: String| Cell::new(text).set_alignment(CellAlignment::Right);
            table.add_row(vec![
                Cell::new(label),
                right(shown(result.value)),
                right(if kpi.target.is_some() { shown(result.target) } else { String::new() }),
                right(result.attainment.map_or_else(String::new, |a| format::value(Some(a), ValueFormat::Percent, Some(0), locale))),
                right(result.score.map_or_else(String::new, |s| format::fixed(s, 1))),
                Cell::new(result.band.clone().unwrap_or_default()),
            ]);
        }
        out.push_str(&format!("{} · {}\n{table}\n\n", first.entity, first.period));
    }
    out
}
