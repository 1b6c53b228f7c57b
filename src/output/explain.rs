//! `kpi explain` as text: what a consultant shows a client who disputes a grade.

use std::fmt::Write;

use crate::appraise::explain::{Explanation, Shown, SourceRows, Step, StepKind, TargetSource};
use crate::format;
use crate::locale::Locale;

struct Words {
    measure: &'static str,
    attribute: &'static str,
    rows: fn(u64) -> String,
    target: &'static str,
    written: &'static str,
    from_formula: &'static str,
    from_table: &'static str,
    no_target: &'static str,
    attainment: &'static str,
    capped: &'static str,
    total: &'static str,
    score: &'static str,
    no_score: &'static str,
    band: &'static str,
    scorecards: &'static str,
    weight: &'static str,
    renormalized: &'static str,
    of_total: &'static str,
    no_data: &'static str,
}

const EN: Words = Words {
    measure: "measure",
    attribute: "attribute",
    rows: |n| if n == 1 { "1 row".to_string() } else { format!("{n} rows") },
    target: "target",
    written: "set in the ruleset",
    from_formula: "computed by",
    from_table: "from targets table",
    no_target: "no target",
    attainment: "attainment",
    capped: "capped at",
    total: "total",
    score: "score",
    no_score: "not scored",
    band: "band",
    scorecards: "scorecards",
    weight: "weight",
    renormalized: "after renormalizing over the scored KPIs",
    of_total: "points",
    no_data: "no data",
};

const ZH: Words = Words {
    measure: "度量",
    attribute: "属性",
    rows: |n| format!("{n} 行"),
    target: "目标",
    written: "规则集设定",
    from_formula: "计算自",
    from_table: "来自目标表",
    no_target: "无目标",
    attainment: "达成率",
    capped: "上限",
    total: "总分",
    score: "得分",
    no_score: "不计分",
    band: "档位",
    scorecards: "计分卡",
    weight: "权重",
    renormalized: "按有得分的指标归一后",
    of_total: "分",
    no_data: "无数据",
};

pub fn explanation(explanation: &Explanation, locale: Locale) -> String {
    let words = locale.pick(&ZH, &EN);
    let e = explanation;
    let mut out = String::new();
    let _ = writeln!(out, "{} · {} · {}", named(&e.label, &e.kpi), e.entity, e.period);
    let _ = writeln!(out, "= {}\n", kpi_value(e, e.value, locale));
    tree(&mut out, &e.tree, "", "", words);
    out.push('\n');
    target(&mut out, e, words, locale);
    scoring(&mut out, e, words);
    contributions(&mut out, e, words);
    crate::words::printable(&out)
}

fn kpi_value(e: &Explanation, value: Option<f64>, locale: Locale) -> String {
    format::value(value, e.format, e.decimals, locale)
}

fn target(out: &mut String, e: &Explanation, words: &Words, locale: Locale) {
    let Some(target) = &e.target else {
        let _ = writeln!(out, "{}: {}", words.target, words.no_target);
        return;
    };
    let how = match target.how {
        TargetSource::Ruleset => format!("{}: {}", words.written, target.written),
        TargetSource::Table => format!("{} `{}`", words.from_table, target.written),
        TargetSource::Formula => format!("{} {}", words.from_formula, target.written),
    };
    let _ = writeln!(out, "{}: {} ({how})", words.target, kpi_value(e, target.value, locale));
}

/// Attainment, score and band, each with the rule that gave it.
fn scoring(out: &mut String, e: &Explanation, words: &Words) {
    if let Some(rule) = &e.attainment_rule {
        let attainment = e.attainment.map_or(words.no_data.to_string(), format::attainment);
        let cap =
            e.attainment_cap.map(|cap| format!("; {} {}", words.capped, format::percent(cap, 0))).unwrap_or_default();
        let _ = writeln!(out, "{}: {attainment} ({rule}{cap})", words.attainment);
    }
    match &e.score_rule {
        Some((place, rule)) => {
            let score = e.score.map_or(words.no_data.to_string(), |s| format::fixed(s, 1));
            let _ = writeln!(out, "{}: {score} ({}: {rule})", words.score, place.key());
        }
        None => {
            let _ = writeln!(out, "{}: {}", words.score, words.no_score);
        }
    }
    if let Some(band) = &e.band_label {
        let rule = e.band_rule.as_deref().unwrap_or_default();
        let _ = writeln!(out, "{}: {band} ({rule})", words.band);
    }
}

/// What the KPI adds to each scorecard.
fn contributions(out: &mut String, e: &Explanation, words: &Words) {
    if e.contributions.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}:", words.scorecards);
    let or_no_data = |value: Option<f64>| value.map_or(words.no_data.to_string(), |v| format::fixed(v, 1));
    for c in &e.contributions {
        let effective = match c.effective_weight {
            Some(w) if (w - c.weight).abs() > 1e-9 => format!(" ({} {})", format::fixed(w, 1), words.renormalized),
            _ => String::new(),
        };
        let grade = c.grade.as_deref().map(|g| format!(" ({g})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}: {} {}{effective} × {} {} = {} {}; {} {}{grade}",
            named(&c.label, &c.scorecard),
            words.weight,
            format::fixed(c.weight, 0),
            words.score,
            or_no_data(c.score),
            or_no_data(c.points),
            words.of_total,
            words.total,
            or_no_data(c.total),
        );
    }
}

/// `Label (id)`, or just the id when it is its own label.
fn named(label: &str, id: &str) -> String {
    if label == id { id.to_string() } else { format!("{label} ({id})") }
}

fn tree(out: &mut String, step: &Step, first: &str, rest: &str, words: &Words) {
    let value = if matches!(step.value, Shown::Nothing) { words.no_data.to_string() } else { step.display.clone() };
    let detail = match &step.kind {
        StepKind::Kpi { label, .. } if label != &step.text => format!("  ({label})"),
        StepKind::Measure { definition, .. } => format!("  {}: {definition}", words.measure),
        StepKind::Attribute { .. } => format!("  {}", words.attribute),
        _ => String::new(),
    };
    let _ = writeln!(out, "{first}{} = {value}{detail}", step.text);
    let sources: &[SourceRows] = match &step.kind {
        StepKind::Measure { sources, .. } | StepKind::Aggregation { sources } => sources,
        _ => &[],
    };
    let mut lines: Vec<Line> = sources.iter().map(Line::Source).collect();
    lines.extend(step.children.iter().map(Line::Step));
    let count = lines.len();
    for (index, line) in lines.into_iter().enumerate() {
        let last = index + 1 == count;
        let (branch, indent) = if last { ("└─ ", "   ") } else { ("├─ ", "│  ") };
        match line {
            Line::Step(child) => tree(out, child, &format!("{rest}{branch}"), &format!("{rest}{indent}"), words),
            Line::Source(source) => {
                let range = match (&source.first_date, &source.last_date) {
                    (Some(first), Some(last)) => format!(", {first} … {last}"),
                    _ => String::new(),
                };
                let files =
                    if source.files.is_empty() { String::new() } else { format!(" ({})", source.files.join(", ")) };
                let _ = writeln!(out, "{rest}{branch}{}: {}{range}{files}", source.source, (words.rows)(source.rows));
            }
        }
    }
}

enum Line<'a> {
    Step(&'a Step),
    Source(&'a SourceRows),
}
