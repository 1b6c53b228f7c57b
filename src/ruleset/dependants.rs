//! What still uses a definition that `remove` drops: the measures that read a removed source, the
//! KPIs computed from a removed measure or KPI, the scorecards that weigh them and the diagnoses
//! that read them — through any number of steps. Every dependant is listed at once, in one error
//! at the `remove` entry, with the entries that remove them too, rather than one error for each
//! name left dangling.

use std::collections::BTreeSet;

use super::model::{Ruleset, Target};
use crate::error::{Error, ErrorKind};
use crate::expr::ast::{Argument, Expr, SpannedExpr};
use crate::expr::parse_formula;
use crate::location::Location;

/// A definition, as `remove` names it: `sources.ads`, `kpis.roi`.
type Definition = (&'static str, String);

/// One error per removed entry that something still uses.
pub fn still_used(model: &Ruleset, removed: &[(String, Location)]) -> Vec<Error> {
    let uses = uses(model);
    let mut errors = Vec::new();
    for (entry, location) in removed {
        let Some((section, name)) = entry.split_once('.') else { continue };
        let mut gone: BTreeSet<Definition> = BTreeSet::new();
        gone.insert((section_name(section), name.to_string()));
        // What uses what is gone is gone too, until nothing more goes.
        loop {
            let before = gone.len();
            for (user, used) in &uses {
                if !gone.contains(user) && used.iter().any(|u| refers_to(u, &gone)) {
                    gone.insert(user.clone());
                }
            }
            if gone.len() == before {
                break;
            }
        }
        let dependants: Vec<&Definition> = gone.iter().filter(|(s, n)| !(*s == section && n == name)).collect();
        if dependants.is_empty() {
            continue;
        }
        let listed = |d: &&Definition| format!("{}.{}", d.0, d.1);
        let (weighing, removable): (Vec<&Definition>, Vec<&Definition>) =
            dependants.iter().partition(|(s, _)| *s == "scorecards");
        let mut help = format!(
            "remove them too: `remove: [{}]`",
            std::iter::once(entry.clone()).chain(removable.iter().map(listed)).collect::<Vec<_>>().join(", ")
        );
        if !weighing.is_empty() {
            let scorecards: Vec<String> = weighing.iter().map(listed).collect();
            help.push_str(&format!(", and give {} weights without them", scorecards.join(", ")));
        }
        let kind = ErrorKind::RemovedStillUsed {
            removed: entry.clone(),
            dependants: dependants.iter().map(listed).collect::<Vec<_>>().join(", "),
        };
        errors.push(Error::new(kind).help(help).at(location.clone()));
    }
    errors
}

/// A name a formula uses: a source (by `source.column`), or a measure, KPI or attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Used {
    Source(String),
    Name(String),
}

fn refers_to(used: &Used, gone: &BTreeSet<Definition>) -> bool {
    gone.iter().any(|(section, name)| match (used, *section) {
        (Used::Source(source), "sources") => source == name,
        (Used::Name(used), "measures" | "kpis") => used == name,
        _ => false,
    })
}

fn section_name(section: &str) -> &'static str {
    match section {
        "sources" => "sources",
        "measures" => "measures",
        "kpis" => "kpis",
        "scorecards" => "scorecards",
        "grades" => "grades",
        _ => "diagnoses",
    }
}

/// Every definition and the names its formulas use.
fn uses(model: &Ruleset) -> Vec<(Definition, Vec<Used>)> {
    let mut found = Vec::new();
    for (name, measure) in &model.measures {
        found.push((("measures", name.clone()), names_in(&[measure.formula()])));
    }
    for (name, kpi) in &model.kpis {
        let mut formulas: Vec<&str> = vec![&kpi.formula];
        if let Some(Target::Formula(target)) = &kpi.target {
            formulas.push(target);
        }
        formulas.extend(kpi.score.as_deref());
        formulas.extend(kpi.bands.values().map(|band| band.condition().trim_start_matches(['>', '<', '=', '!'])));
        found.push((("kpis", name.clone()), names_in(&formulas)));
    }
    for (name, scorecard) in &model.scorecards {
        let mut used = names_in(&scorecard.applies_to.as_deref().into_iter().collect::<Vec<_>>());
        used.extend(scorecard.weights.keys().map(|kpi| Used::Name(kpi.clone())));
        found.push((("scorecards", name.clone()), used));
    }
    for diagnosis in &model.diagnoses {
        found.push((("diagnoses", diagnosis.id.clone()), names_in(&[&diagnosis.when])));
    }
    found
}

/// The names the formulas use; a formula that does not parse uses none (validation says why).
fn names_in(formulas: &[&str]) -> Vec<Used> {
    let mut found = Vec::new();
    for formula in formulas {
        if let Ok(parsed) = parse_formula(formula) {
            walk(&parsed, &mut found);
        }
    }
    found
}

fn walk(expr: &SpannedExpr, found: &mut Vec<Used>) {
    match &expr.node {
        Expr::Name(name) => found.push(match &name.source {
            Some(source) => Used::Source(source.clone()),
            None => Used::Name(name.name.clone()),
        }),
        Expr::Unary { operand, .. } => walk(operand, found),
        Expr::Binary { lhs, rhs, .. } => {
            walk(lhs, found);
            walk(rhs, found);
        }
        Expr::If { branches, otherwise } => {
            for (condition, value) in branches {
                walk(condition, found);
                walk(value, found);
            }
            walk(otherwise, found);
        }
        Expr::Call { args, .. } => args.iter().for_each(|Argument { value, .. }| walk(value, found)),
        Expr::Number(_) | Expr::String(_) | Expr::Bool(_) | Expr::Null => {}
    }
}
