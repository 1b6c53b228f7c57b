//! The data-quality notes of the selected cells, each with its detail in words for people, in
//! the report's language: the `quality` rows of the JSON contract.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::selection::Selection;
use crate::engine::quality::{Issue, Line, QualityNote};
use crate::locale::Locale;

/// A note as the JSON, the reports and the terminal show it.
#[derive(Debug, Clone, Serialize)]
pub struct QualityRow {
    /// The entity and period it concerns, where it concerns one.
    pub entity: Option<String>,
    pub period: Option<String>,
    pub source: String,
    pub kind: &'static str,
    pub count: usize,
    pub detail: String,
}

/// How many missing days a detail names before it says how many more there are.
const DAYS_NAMED: usize = 10;

/// The notes of the selected cells, and the notes of no cell that concern a selected entity
/// or none; file names relative to `base`.
pub fn rows(notes: &[QualityNote], selection: &Selection, base: &Path, locale: Locale) -> Vec<QualityRow> {
    let selected = |note: &&QualityNote| {
        let entity = note.entity.as_ref().is_none_or(|e| selection.entity.as_ref().is_none_or(|wanted| wanted == e));
        let period = note.period.is_none_or(|p| selection.period.is_none_or(|wanted| wanted == p));
        entity && period
    };
    notes
        .iter()
        .filter(selected)
        .map(|note| QualityRow {
            entity: note.entity.clone(),
            period: note.period.map(|p| p.label()),
            source: note.source.clone(),
            kind: note.issue.kind(),
            count: note.issue.count(),
            detail: detail(&note.issue, base, locale),
        })
        .collect()
}

/// What a note says, in `locale`.
fn detail(issue: &Issue, base: &Path, locale: Locale) -> String {
    let file = |name: &str| relative(name, base);
    let lines = |lines: &[Line]| named_lines(lines, base, locale);
    let list = |items: &[String]| {
        let quoted: Vec<String> = items.iter().map(|item| format!("`{item}`")).collect();
        quoted.join(locale.pick("、", ", "))
    };
    match issue {
        Issue::MissingDays { missing, days } => {
            let named = days_named(missing, locale);
            let count = missing.len();
            locale.pick(
                format!("{days} 天中有 {count} 天没有数据：{named}"),
                format!("no rows on {} of {days} days: {named}", count),
            )
        }
        Issue::MissingSource => locale.pick(
            "本期没有这份数据（此前各期都有），由它计算的指标本期无数据".to_string(),
            "no rows this period, though earlier periods have some: what is computed from it has no data".to_string(),
        ),
        Issue::RepeatedRows { count } => locale.pick(
            format!("{count} 行与另一行完全相同（同一对象、日期和数值），被重复计入"),
            format!(
                "{} another row exactly (same entity, date and values), counted twice",
                counted(*count, "row repeats", "rows repeat")
            ),
        ),
        Issue::NegativeCounts { column, count, lines: at } => locale.pick(
            format!("计数列 `{}` 有 {count} 个负值{}", column, lines(at)),
            format!("{} below 0 in the count column `{}`{}", counted(*count, "value", "values"), column, lines(at)),
        ),
        Issue::ValuesMadeNoData { count, lines: at } => locale.pick(
            format!("{count} 个不是数字的值按无数据处理（on_bad_value: null）{}", lines(at)),
            format!(
                "{} not a number, read as no data (on_bad_value: null){}",
                counted(*count, "value", "values"),
                lines(at)
            ),
        ),
        Issue::TotalRowsLeftOut { count } => locale.pick(
            format!("已排除 {count} 行合计行"),
            format!("{} left out", counted(*count, "total row", "total rows")),
        ),
        Issue::DifferentHeaders { file: other, first_file, missing, extra } => {
            let (other, first_file) = (file(other), file(first_file));
            let mut parts = Vec::new();
            if !extra.is_empty() {
                parts.push(locale.pick(format!("多出 {}", list(extra)), format!("has {}", list(extra))));
            }
            if !missing.is_empty() {
                parts.push(locale.pick(format!("缺少 {}", list(missing)), format!("lacks {}", list(missing))));
            }
            let parts = parts.join(locale.pick("，", "; "));
            locale.pick(
                format!("`{other}` 的表头与 `{first_file}` 不同：{parts}"),
                format!("`{other}` has other headers than `{first_file}`: it {parts}"),
            )
        }
        Issue::FailedCheck { check, count, lines: at } => locale.pick(
            format!("{count} 行未通过检查 `{}`{}", check, lines(at)),
            format!("{} the check `{}`{}", counted(*count, "row fails", "rows fail"), check, lines(at)),
        ),
    }
}

/// `1 row` or `2 rows`.
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// A file's path relative to the ruleset's folder, where it is inside it.
fn relative(file: &str, base: &Path) -> String {
    let path = Path::new(file);
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// ` (users.csv:14, users.csv:15)`, or nothing without lines.
fn named_lines(lines: &[Line], base: &Path, locale: Locale) -> String {
    if lines.is_empty() {
        return String::new();
    }
    let named: Vec<String> = lines.iter().map(|l| format!("{}:{}", relative(&l.file, base), l.line)).collect();
    locale.pick(format!("（如 {}）", named.join("、")), format!(" (e.g. {})", named.join(", ")))
}

/// The days, runs of consecutive days written as one range, the first [`DAYS_NAMED`] named.
fn days_named(days: &[NaiveDate], locale: Locale) -> String {
    let mut runs: Vec<(NaiveDate, NaiveDate)> = Vec::new();
    for day in days {
        match runs.last_mut() {
            Some((_, last)) if last.succ_opt() == Some(*day) => *last = *day,
            _ => runs.push((*day, *day)),
        }
    }
    let shown: Vec<String> = runs
        .iter()
        .take(DAYS_NAMED)
        .map(|(first, last)| if first == last { first.to_string() } else { format!("{first}–{last}") })
        .collect();
    let mut named = shown.join(locale.pick("、", ", "));
    if runs.len() > DAYS_NAMED {
        let more = runs.len() - DAYS_NAMED;
        named.push_str(&locale.pick(format!(" 等另外 {more} 段"), format!(" and {more} more")));
    }
    named
}
