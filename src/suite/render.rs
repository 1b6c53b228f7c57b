//! `kpi test` results for people: each file, each case `ok` or `FAILED`, every failing
//! expectation with the line it is written on, then `N passed, M failed` and what no case
//! exercised.

use super::{Outcome, SuiteReport};
use crate::location::Location;
use crate::words::printable;

pub fn text(report: &SuiteReport) -> String {
    let mut out = String::new();
    for file in &report.files {
        let ruleset = file.ruleset.as_ref().map(|r| format!(" (ruleset {r})")).unwrap_or_default();
        out.push_str(&format!("{}{ruleset}\n", file.path.display()));
        if let Some(errors) = &file.broken {
            out.push_str("  broken: no case of this file ran\n");
            out.push_str(&indented(&crate::diagnostic::render(errors), "    "));
            continue;
        }
        for case in &file.cases {
            match &case.outcome {
                Outcome::Passed => out.push_str(&format!("  ok      {}\n", case.name)),
                Outcome::Failed(failures) => {
                    out.push_str(&format!("  FAILED  {} ({})\n", case.name, at(&case.location)));
                    for failure in failures {
                        out.push_str(&format!("    {}\n      --> {}\n", failure.message, at(&failure.location)));
                    }
                }
                Outcome::Errors(errors) => {
                    out.push_str(&format!("  FAILED  {} ({}): it did not run\n", case.name, at(&case.location)));
                    out.push_str(&indented(errors, "    "));
                }
            }
        }
    }
    out.push_str(&format!("\n{} passed, {} failed\n", report.passed(), report.failed()));
    for unexercised in &report.unexercised {
        let list = |ids: &[String]| ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if !unexercised.kpis.is_empty() {
            parts.push(format!("KPIs {}", list(&unexercised.kpis)));
        }
        if !unexercised.diagnoses.is_empty() {
            parts.push(format!("diagnoses {}", list(&unexercised.diagnoses)));
        }
        let ruleset = unexercised.ruleset.display();
        out.push_str(&format!("no case exercises, in {ruleset}: {}\n", parts.join("; ")));
    }
    printable(&out)
}

/// `file:line:column`.
pub fn at(location: &Location) -> String {
    format!("{location:?}")
}

fn indented(text: &str, by: &str) -> String {
    text.lines().map(|line| format!("{by}{line}\n")).collect()
}
