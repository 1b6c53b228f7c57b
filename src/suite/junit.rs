//! `kpi test --junit FILE`: JUnit XML as CI systems read it (GitHub, GitLab, Jenkins): one
//! `<testsuite>` per test file, one `<testcase>` per case, a `<failure>` for a failing case and
//! an `<error>` for a case or file that could not run.

use super::render::at;
use super::{Outcome, SuiteReport};
use crate::words::printable;

pub fn xml(report: &SuiteReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let errors = report.files.iter().filter(|f| f.broken.is_some()).count()
        + report.files.iter().flat_map(|f| &f.cases).filter(|c| matches!(c.outcome, Outcome::Errors(_))).count();
    let failures =
        report.files.iter().flat_map(|f| &f.cases).filter(|c| matches!(c.outcome, Outcome::Failed(_))).count();
    let tests: usize = report.files.iter().map(|f| f.cases.len().max(usize::from(f.broken.is_some()))).sum();
    out.push_str(&format!(
        "<testsuites name=\"kpi test\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    ));
    for file in &report.files {
        let name = escape(&file.path.display().to_string());
        let time: f64 = file.cases.iter().map(|c| c.seconds).sum();
        if let Some(broken) = &file.broken {
            out.push_str(&format!(
                "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0\">\n"
            ));
            out.push_str(&format!("    <testcase name=\"{name}\" classname=\"{name}\" time=\"0\">\n"));
            let text = crate::diagnostic::render(broken);
            out.push_str(&format!("      <error message=\"the test file is broken\">{}</error>\n", escape(&text)));
            out.push_str("    </testcase>\n  </testsuite>\n");
            continue;
        }
        let failed = file.cases.iter().filter(|c| matches!(c.outcome, Outcome::Failed(_))).count();
        let errored = file.cases.iter().filter(|c| matches!(c.outcome, Outcome::Errors(_))).count();
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failed}\" errors=\"{errored}\" time=\"{time:.3}\">\n",
            file.cases.len()
        ));
        if let Some(ruleset) = &file.ruleset {
            let ruleset = escape(ruleset);
            out.push_str(&format!("    <properties><property name=\"ruleset\" value=\"{ruleset}\"/></properties>\n"));
        }
        for case in &file.cases {
            let case_name = escape(&case.name);
            out.push_str(&format!(
                "    <testcase name=\"{case_name}\" classname=\"{name}\" time=\"{:.3}\"",
                case.seconds
            ));
            match &case.outcome {
                Outcome::Passed => out.push_str("/>\n"),
                Outcome::Failed(failures) => {
                    let text: String =
                        failures.iter().map(|f| format!("{}\n  --> {}\n", f.message, at(&f.location))).collect();
                    let first = failures.first().map(|f| f.message.as_str()).unwrap_or_default();
                    out.push_str(&format!(
                        ">\n      <failure message=\"{}\" type=\"expectation\">{}</failure>\n    </testcase>\n",
                        escape(first),
                        escape(&text)
                    ));
                }
                Outcome::Errors(errors) => {
                    out.push_str(&format!(
                        ">\n      <error message=\"the case did not run\">{}</error>\n    </testcase>\n",
                        escape(errors)
                    ));
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// Text in XML 1.0: characters it cannot hold (control characters, U+FFFE, U+FFFF) written out
/// as `\u{…}`, markup characters as entities.
fn escape(text: &str) -> String {
    printable(text)
        .replace('\u{fffe}', "\\u{fffe}")
        .replace('\u{ffff}', "\\u{ffff}")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
