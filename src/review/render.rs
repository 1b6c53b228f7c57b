//! A review for people: the changes one a line, then the impact as a table of totals, the grades
//! that change and the diagnoses that start or stop firing; as text for a terminal or Markdown
//! for a pull-request comment.

use super::Review;
use super::impact::{Fired, TotalChange};
use crate::format;
use crate::words::printable;

pub fn text(review: &Review) -> String {
    let mut out = format!("{} → {}\n", review.old, review.new);
    if review.changes.is_empty() {
        out.push_str("no change to the ruleset\n");
    }
    for change in &review.changes {
        out.push_str(&format!("{change}\n"));
    }
    if let Some(impact) = &review.impact {
        out.push_str(&format!("\nimpact in {}:\n", impact.period));
        let unchanged = impact.totals.iter().filter(|t| !t.moved()).count();
        for total in impact.totals.iter().filter(|t| t.moved()) {
            let mark = if total.grade_changed() { "  ← grade changes" } else { "" };
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
        out.push_str(&format!("  {unchanged} other totals unchanged\n"));
        fired(&mut out, "diagnoses that start firing", &impact.started);
        fired(&mut out, "diagnoses that stop firing", &impact.stopped);
    }
    printable(&out)
}

fn fired(out: &mut String, what: &str, list: &[Fired]) {
    let shown: Vec<String> = list.iter().map(|f| format!("{} · {}", f.entity, f.id)).collect();
    let shown = if shown.is_empty() { "none".to_string() } else { shown.join(", ") };
    out.push_str(&format!("{what}: {shown}\n"));
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| format::NO_DATA.to_string(), |v| format::fixed(v, 1))
}

fn grade(grade: &Option<String>) -> String {
    grade.clone().unwrap_or_else(|| format::NO_DATA.to_string())
}

pub fn markdown(review: &Review) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("### Ruleset changes: `{}` → `{}`\n\n", review.old, review.new);
    if review.changes.is_empty() {
        out.push_str("No change to the ruleset.\n");
    }
    for change in &review.changes {
        out.push_str(&format!("- `{}`\n", change.to_string().replace('`', "'")));
    }
    if let Some(impact) = &review.impact {
        let changed: Vec<&TotalChange> = impact.totals.iter().filter(|t| t.grade_changed()).collect();
        out.push_str(&format!("\n### Impact in {}\n\n", impact.period));
        let unchanged = impact.totals.iter().filter(|t| !t.moved()).count();
        out.push_str(&format!("{} grades change; {unchanged} other totals are unchanged.\n\n", changed.len()));
        out.push_str("| entity | scorecard | total before | total after | grade before | grade after |\n");
        out.push_str("| --- | --- | ---: | ---: | :---: | :---: |\n");
        for total in impact.totals.iter().filter(|t| t.moved()) {
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
                "none".to_string()
            } else {
                fired.iter().map(|f| format!("{} · `{}`", cell(&f.entity), f.id)).collect::<Vec<_>>().join(", ")
            }
        };
        out.push_str(&format!("\nDiagnoses that start firing: {}\n\n", list(&impact.started)));
        out.push_str(&format!("Diagnoses that stop firing: {}\n", list(&impact.stopped)));
    }
    printable(&out)
}
