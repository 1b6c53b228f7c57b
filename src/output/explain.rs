//! `kpi explain` as text: what a consultant shows a client who disputes a grade.

use std::fmt::Write;

use crate::appraise::explain::{Explanation, Shown, SourceRows, Step, StepKind};
use crate::report::format;
use crate::ruleset::model::Locale;

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
    let words = match locale {
        Locale::ZhCn => &ZH,
        Locale::En => &EN,
    };
    let e = explanation;
    let kpi_value = |value: Option<f64>| format::value(value, e.format, e.decimals, locale);
    let mut out = String::new();
    let _ = writeln!(out, "{} · {} · {}", named(&e.label, &e.kpi), e.entity, e.period);
    let _ = writeln!(out, "= {}\n", kpi_value(e.value));
    tree(&mut out, &e.tree, "", "", words);
    out.push('\n');
    match &e.target {
        Some(target) => {
            let how = match target.how.as_str() {
                "ruleset" => format!("{}: {}", words.written, target.written),
                "table" => format!("{} `{}`", words.from_table, target.written),
                _ => format!("{} {}", words.from_formula, target.written),
            };
            let _ = writeln!(out, "{}: {} ({how})", words.target, kpi_value(target.value));
        }
        None => {
            let _ = writeln!(out, "{}: {}", words.target, words.no_target);
        }
    }
    if let Some(rule) = &e.attainment_rule {
        let attainment = e.attainment.map_or(words.no_data.to_string(), |a| format::percent(a, 1));
        let cap =
            e.attainment_cap.map(|cap| format!("; {} {}", words.capped, format::percent(cap, 0))).unwrap_or_default();
        let _ = writeln!(out, "{}: {attainment} ({rule}{cap})", words.attainment);
    }
    match (&e.score_rule, e.score) {
        (Some((place, rule)), score) => {
            let score = score.map_or(words.no_data.to_string(), |s| format::fixed(s, 1));
            let _ = writeln!(out, "{}: {score} ({place}: {rule})", words.score);
        }
        (None, _) => {
            let _ = writeln!(out, "{}: {}", words.score, words.no_score);
        }
    }
    if let Some(band) = &e.band {
        let rule = e.band_rule.as_deref().unwrap_or_default();
        let _ = writeln!(out, "{}: {band} ({rule})", words.band);
    }
    if !e.contributions.is_empty() {
        let _ = writeln!(out, "\n{}:", words.scorecards);
        for c in &e.contributions {
            let effective = match c.effective_weight {
                Some(w) if (w - c.weight).abs() > 1e-9 => format!(" ({} {})", format::fixed(w, 1), words.renormalized),
                _ => String::new(),
            };
            let score = c.score.map_or(words.no_data.to_string(), |s| format::fixed(s, 1));
            let points = c.points.map_or(words.no_data.to_string(), |p| format::fixed(p, 1));
            let total = c.total.map_or(words.no_data.to_string(), |t| format::fixed(t, 1));
            let grade = c.grade.as_deref().map(|g| format!(" ({g})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}: {} {}{effective} × {} {score} = {points} {}; {} {total}{grade}",
                named(&c.label, &c.scorecard),
                words.weight,
                format::fixed(c.weight, 0),
                words.score,
                words.of_total,
                words.total,
            );
        }
    }
    out
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
