//! A review for people: the changes one a line, then the impact as a table of totals, the grades
//! that change and the diagnoses that start or stop firing; as text for a terminal or Markdown
//! for a pull-request comment, in the ruleset's language.

use super::Review;
use super::impact::{Fired, TotalChange};
use crate::format;
use crate::locale::Locale;
use crate::words::printable;

/// The fixed words of a review, in one language.
struct Words {
    no_change: &'static str,
    grade_changes: &'static str,
    others_unchanged: &'static str,
    start_firing: &'static str,
    stop_firing: &'static str,
    none: &'static str,
    changes_title: &'static str,
    grades_change: &'static str,
    columns: &'static str,
}

const EN: Words = Words {
    no_change: "no change to the ruleset",
    grade_changes: "grade changes",
    others_unchanged: "other totals unchanged",
    start_firing: "diagnoses that start firing",
    stop_firing: "diagnoses that stop firing",
    none: "none",
    changes_title: "Ruleset changes",
    grades_change: "grades change",
    columns: "| entity | scorecard | total before | total after | grade before | grade after |",
};

const ZH: Words = Words {
    no_change: "考核规则没有变化",
    grade_changes: "等级改变",
    others_unchanged: "个其他总分不变",
    start_firing: "新触发的诊断",
    stop_firing: "不再触发的诊断",
    none: "无",
    changes_title: "考核规则变更",
    grades_change: "个等级改变",
    columns: "| 对象 | 计分卡 | 变更前总分 | 变更后总分 | 变更前等级 | 变更后等级 |",
};

pub fn text(review: &Review, locale: Locale) -> String {
    let words = locale.pick(&ZH, &EN);
    let mut out = format!("{} → {}\n", review.old, review.new);
    if review.changes.is_empty() {
        out.push_str(&format!("{}\n", words.no_change));
    }
    for change in &review.changes {
        out.push_str(&format!("{}\n", change.describe(locale)));
    }
    if let Some(impact) = &review.impact {
        let heading = locale.pick(format!("{} 的影响：", impact.period), format!("impact in {}:", impact.period));
        out.push_str(&format!("\n{heading}\n"));
        text_block(&mut out, &impact.totals, (&impact.started, &impact.stopped), words);
        for rollup in &impact.rollups {
            let heading = locale.pick(format!("按 `{}` 汇总：", rollup.by), format!("roll-up by `{}`:", rollup.by));
            out.push_str(&format!("\n{heading}\n"));
            text_block(&mut out, &rollup.totals, (&rollup.started, &rollup.stopped), words);
        }
    }
    printable(&out)
}

/// The totals that moved, how many did not, and the diagnoses that start and stop firing.
fn text_block(out: &mut String, totals: &[TotalChange], (started, stopped): (&[Fired], &[Fired]), words: &Words) {
    let unchanged = totals.iter().filter(|t| !t.moved()).count();
    for total in totals.iter().filter(|t| t.moved()) {
        let mark = if total.grade_changed() { format!("  ← {}", words.grade_changes) } else { String::new() };
        out.push_str(&format!(
            "  {} · {}: {} → {} ({} → {}){mark}\n",
            total.entity,
            total.scorecard,
            number(total.before),
            number(total.after),
            grade(&total.grade_before),
            grade(&total.grade_after)
        ));
    }
    out.push_str(&format!("  {unchanged} {}\n", words.others_unchanged));
    fired(out, words.start_firing, started, words);
    fired(out, words.stop_firing, stopped, words);
}

fn fired(out: &mut String, what: &str, list: &[Fired], words: &Words) {
    let shown: Vec<String> = list.iter().map(|f| format!("{} · {}", f.entity, f.id)).collect();
    let shown = if shown.is_empty() { words.none.to_string() } else { shown.join(", ") };
    out.push_str(&format!("{what}: {shown}\n"));
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| format::NO_DATA.to_string(), |v| format::fixed(v, 1))
}

fn grade(grade: &Option<String>) -> String {
    grade.clone().unwrap_or_else(|| format::NO_DATA.to_string())
}

pub fn markdown(review: &Review, locale: Locale) -> String {
    let words = locale.pick(&ZH, &EN);
    let cell = crate::words::markdown;
    let mut out = format!("### {}: `{}` → `{}`\n\n", words.changes_title, review.old, review.new);
    if review.changes.is_empty() {
        out.push_str(&format!("{}.\n", capitalized(words.no_change)));
    }
    for change in &review.changes {
        out.push_str(&format!("- `{}`\n", change.describe(locale).replace('`', "'")));
    }
    if let Some(impact) = &review.impact {
        let heading = locale.pick(format!("{} 的影响", impact.period), format!("Impact in {}", impact.period));
        out.push_str(&format!("\n### {heading}\n\n"));
        markdown_block(&mut out, &impact.totals, (&impact.started, &impact.stopped), locale);
        for rollup in &impact.rollups {
            let by = cell(&rollup.by);
            let heading = locale.pick(format!("按 `{by}` 汇总"), format!("Roll-up by `{by}`"));
            out.push_str(&format!("\n#### {heading}\n\n"));
            markdown_block(&mut out, &rollup.totals, (&rollup.started, &rollup.stopped), locale);
        }
    }
    printable(&out)
}

/// The count of grades that change, the table of totals that moved, and the diagnoses that
/// start and stop firing.
fn markdown_block(out: &mut String, totals: &[TotalChange], (started, stopped): (&[Fired], &[Fired]), locale: Locale) {
    let words = locale.pick(&ZH, &EN);
    let cell = crate::words::markdown;
    let changed = totals.iter().filter(|t| t.grade_changed()).count();
    let unchanged = totals.iter().filter(|t| !t.moved()).count();
    let (separator, stop) = (locale.pick("；", "; "), locale.pick("。", "."));
    let (grades, others) = (words.grades_change, words.others_unchanged);
    out.push_str(&format!("{changed} {grades}{separator}{unchanged} {others}{stop}\n\n"));
    out.push_str(words.columns);
    out.push_str("\n| --- | --- | ---: | ---: | :---: | :---: |\n");
    for total in totals.iter().filter(|t| t.moved()) {
        let bold = |text: String| if total.grade_changed() { format!("**{text}**") } else { text };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&total.entity),
            cell(&total.scorecard),
            number(total.before),
            number(total.after),
            bold(grade(&total.grade_before)),
            bold(grade(&total.grade_after))
        ));
    }
    let list = |fired: &[Fired]| {
        if fired.is_empty() {
            words.none.to_string()
        } else {
            fired.iter().map(|f| format!("{} · `{}`", cell(&f.entity), f.id)).collect::<Vec<_>>().join(", ")
        }
    };
    out.push_str(&format!("\n{}: {}\n\n", capitalized(words.start_firing), list(started)));
    out.push_str(&format!("{}: {}\n", capitalized(words.stop_firing), list(stopped)));
}

/// A phrase as a sentence starts it.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
