//! The appraisal as terminal tables, one block per entity and period: KPIs with their labels
//! and values in their formats (`31.2%`), scorecard totals and grades, and fired diagnoses.
//! Control characters from data are escaped.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

use crate::appraise::{Appraisal, FiredDiagnosis, KpiResult, ScorecardResult};
use crate::format;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Severity;

struct Headings {
    kpis: [&'static str; 6],
    /// The footer's title; notes of no entity or period say so.
    quality: &'static str,
    all: &'static str,
    rollup: &'static str,
    scorecards: [&'static str; 4],
}

const EN: Headings = Headings {
    kpis: ["KPI", "Value", "Target", "Attainment", "Score", "Band"],
    quality: "Data quality",
    all: "all",
    rollup: "Roll-up by",
    scorecards: ["Scorecard", "Total", "Grade", "Not scored"],
};

const ZH: Headings = Headings {
    kpis: ["指标", "数值", "目标", "达成率", "得分", "档位"],
    quality: "数据质量",
    all: "全部",
    rollup: "汇总：按",
    scorecards: ["计分卡", "总分", "等级", "未计分指标"],
};

/// The tables, wrapped to `width` columns when they are shown on a terminal that wide.
pub fn table(appraisal: &Appraisal, ruleset: &CheckedRuleset, locale: Locale, width: Option<u16>) -> String {
    let headings = locale.pick(&ZH, &EN);
    let view =
        Cells { results: &appraisal.results, scorecards: &appraisal.scorecards, diagnoses: &appraisal.diagnoses };
    let mut out = cells(view, ruleset, locale, width);
    for rollup in &appraisal.rollups {
        out.push_str(&format!("{} `{}`\n\n", headings.rollup, rollup.by));
        let view = Cells { results: &rollup.results, scorecards: &rollup.scorecards, diagnoses: &rollup.diagnoses };
        out.push_str(&cells(view, ruleset, locale, width));
    }
    out.push_str(&quality_footer(appraisal, headings, width));
    crate::words::printable(&out)
}

/// The rows of an appraisal or a roll-up.
struct Cells<'a> {
    results: &'a [KpiResult],
    scorecards: &'a [ScorecardResult],
    diagnoses: &'a [FiredDiagnosis],
}

/// One block per entity (or group) and period: its KPIs, scorecards and findings.
fn cells(appraisal: Cells, ruleset: &CheckedRuleset, locale: Locale, width: Option<u16>) -> String {
    let headings = locale.pick(&ZH, &EN);
    let mut out = String::new();
    for cell in appraisal.results.chunk_by(|a, b| a.entity == b.entity && a.period == b.period) {
        let (entity, period) = (&cell[0].entity, &cell[0].period);
        let mut kpis = kpi_table(cell, ruleset, locale, headings, width);
        out.push_str(&format!("{entity} · {period}\n{}\n", fit(&mut kpis, width)));
        let scorecards: Vec<_> =
            appraisal.scorecards.iter().filter(|s| &s.entity == entity && &s.period == period).collect();
        if !scorecards.is_empty() {
            let mut table = Table::new();
            table.load_style(comfy_table::presets::ASCII_FULL_CONDENSED);
            table.set_header(headings.scorecards);
            for scorecard in scorecards {
                let missing: Vec<String> = scorecard.missing.iter().map(|kpi| ruleset.kpi_label(kpi, locale)).collect();
                table.add_row(vec![
                    Cell::new(ruleset.scorecard_label(&scorecard.scorecard, locale)),
                    right(scorecard.score.map_or_else(|| format::NO_DATA.to_string(), |s| format::fixed(s, 1))),
                    Cell::new(scorecard.grade.clone().unwrap_or_default()),
                    Cell::new(missing.join(", ")),
                ]);
            }
            out.push_str(&format!("{}\n", fit(&mut table, width)));
        }
        let mut findings: Vec<&FiredDiagnosis> =
            appraisal.diagnoses.iter().filter(|d| &d.entity == entity && &d.period == period).collect();
        findings.sort_by_key(|d| std::cmp::Reverse(d.severity));
        for diagnosis in findings {
            out.push_str(&finding(diagnosis, locale, width));
        }
        out.push('\n');
    }
    out
}

/// A finding, most severe first: its severity and whether it is new, then the finding and the
/// advice, each wrapped to the terminal under a hanging indent.
fn finding(diagnosis: &FiredDiagnosis, locale: Locale, width: Option<u16>) -> String {
    let head = format!("[{} · {}] {}", diagnosis.severity.word(locale), diagnosis.standing(locale), diagnosis.finding);
    let width = width.map(usize::from);
    let mut out = String::new();
    for (index, line) in wrapped(&head, width.map(|w| w.saturating_sub(4))).iter().enumerate() {
        out.push_str(if index == 0 { "" } else { "    " });
        out.push_str(line);
        out.push('\n');
    }
    if let Some(advice) = &diagnosis.advice {
        for (index, line) in wrapped(advice, width.map(|w| w.saturating_sub(6))).iter().enumerate() {
            out.push_str(if index == 0 { "    → " } else { "      " });
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// What `--fail-on` matched, for standard error: a scheduled run that fails says why.
pub fn fail_on(appraisal: &Appraisal, at_least: Severity, locale: Locale) -> String {
    let matched: Vec<&FiredDiagnosis> = appraisal.diagnoses.iter().filter(|d| d.severity >= at_least).collect();
    let count = matched.len();
    let mut out = locale.pick(
        format!("--fail-on {}：{count} 条诊断达到该级别\n", at_least.name()),
        format!(
            "--fail-on {}: {count} {} at that level or worse\n",
            at_least.name(),
            if count == 1 { "diagnosis" } else { "diagnoses" }
        ),
    );
    for d in matched {
        out.push_str(&format!("  {} · {} · {} · {}\n", d.entity, d.period, d.severity.word(locale), d.finding));
    }
    crate::words::printable(&out)
}

/// The data-quality notes, one a line: where (entity · period · source) and what, wrapped to
/// `width` under a hanging indent.
fn quality_footer(appraisal: &Appraisal, headings: &Headings, width: Option<u16>) -> String {
    if appraisal.quality.is_empty() {
        return String::new();
    }
    let mut out = format!("{} ({})\n", headings.quality, appraisal.quality.len());
    for note in &appraisal.quality {
        let entity = note.entity.as_deref().unwrap_or(headings.all);
        let period = note.period.as_deref().unwrap_or(headings.all);
        let line = format!("{entity} · {period} · {}: {}", note.source, note.detail);
        for (index, part) in wrapped(&line, width.map(|w| usize::from(w).saturating_sub(4))).iter().enumerate() {
            out.push_str(if index == 0 { "  " } else { "    " });
            out.push_str(part);
            out.push('\n');
        }
    }
    out
}

/// `text` in lines at most `width` columns wide, broken after a space or before a Chinese
/// character (which may break anywhere), never inside a word where there is another place.
fn wrapped(text: &str, width: Option<usize>) -> Vec<String> {
    use unicode_width::UnicodeWidthChar;
    let Some(width) = width.filter(|w| *w >= 20) else { return vec![text.to_string()] };
    let mut lines = Vec::new();
    let mut line = String::new();
    // Where the line may be broken: a byte index into it.
    let mut last_break = None;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        let columns: usize = line.chars().filter_map(|c| c.width()).sum();
        if w == 2 {
            last_break = Some(line.len());
        }
        if columns + w > width {
            let rest = match last_break {
                Some(at) if at > 0 => line.split_off(at),
                _ => String::new(),
            };
            lines.push(line.trim_end().to_string());
            line = rest.trim_start().to_string();
            last_break = if w == 2 { Some(line.len()) } else { None };
        }
        line.push(c);
        if c == ' ' {
            last_break = Some(line.len());
        }
    }
    lines.push(line);
    lines
}

/// The KPIs of one cell, each in its format, one line each: within `width`, a label too long
/// for what the numbers leave is shortened (`--wide` shows it whole).
fn kpi_table(
    cell: &[KpiResult],
    ruleset: &CheckedRuleset,
    locale: Locale,
    headings: &Headings,
    width: Option<u16>,
) -> Table {
    let rows: Vec<[String; 6]> = cell
        .iter()
        .map(|result| {
            let kpi = &ruleset.model.kpis[&result.kpi];
            let shown = |value| format::value(value, kpi.format, kpi.decimals, locale);
            let partial = if result.partial { locale.pick(" (部分)", " (partial)") } else { "" };
            [
                ruleset.kpi_label(&result.kpi, locale),
                shown(result.value) + partial,
                if kpi.target.is_some() { shown(result.target) } else { String::new() },
                result.attainment.map_or_else(String::new, format::attainment),
                result.score.map_or_else(String::new, |s| format::fixed(s, 1)),
                result.band.as_ref().map(|b| ruleset.band_label(&result.kpi, b, locale)).unwrap_or_default(),
            ]
        })
        .collect();
    // What the label may take: the width less the other columns and the borders.
    let column = |index: usize| {
        let cells = rows.iter().map(|row| row[index].width()).chain([headings.kpis[index].width()]);
        cells.max().unwrap_or(0) + 3
    };
    let room = width.map(|w| usize::from(w).saturating_sub((1..6).map(column).sum::<usize>() + 4).max(8));
    let mut table = Table::new();
    table.load_style(comfy_table::presets::ASCII_FULL_CONDENSED);
    table.set_header(headings.kpis);
    for [label, value, target, attainment, score, band] in rows {
        let label = room.map_or(label.clone(), |room| shortened(&label, room));
        table.add_row(vec![
            Cell::new(label),
            right(value),
            right(target),
            right(attainment),
            right(score),
            Cell::new(band),
        ]);
    }
    table
}

/// `text` in at most `columns` columns, its end replaced by `…` when it is longer.
fn shortened(text: &str, columns: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if text.width() <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 1;
    for c in text.chars() {
        used += c.width().unwrap_or(0);
        if used > columns {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn fit(table: &mut Table, width: Option<u16>) -> &Table {
    if let Some(width) = width {
        table.set_width(width).set_content_arrangement(ContentArrangement::Dynamic);
    }
    table
}

fn right(text: String) -> Cell {
    Cell::new(text).set_alignment(CellAlignment::Right)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_words_and_between_chinese_characters_never_inside_a_word() {
        let advice = "Open rate follows push time and title; test 20:00–23:00 pushes and alternative titles";
        let lines = wrapped(advice, Some(24));
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(lines.join(" "), advice, "only spaces were broken at: {lines:?}");
        let chinese = wrapped("打开率受推送时间与标题影响：测试晚 8–11 点推送与不同标题", Some(20));
        assert_eq!(chinese, ["打开率受推送时间与标", "题影响：测试晚 8–11", "点推送与不同标题"]);
    }
}
