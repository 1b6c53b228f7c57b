//! The feedback loop: each finding new or recurring (for how many periods) against the period
//! before, and the findings of the period before that no longer fire, with their texts of then.

use crate::support::Case;

fn appraisal() -> kpi::appraise::Appraisal {
    let rules = "ruleset: feedback\ngrain: { entity: account, period: month }\n\
        sources:\n  users: { path: users.csv, date: day, entity: account }\n\
        measures:\n  n: sum(users.n)\n\
        kpis:\n  k: { formula: n, target: 10 }\n\
        diagnoses:\n  - id: low\n    when: k < target(k)\n    finding: \"k is {{ k }}\"\n";
    // Low in January and February, fine in March, low again in April and May.
    let data = "day,account,n\n2026-01-05,a,1\n2026-02-05,a,2\n2026-03-05,a,30\n2026-04-05,a,4\n2026-05-05,a,5\n";
    Case::new(rules, &[("users.csv", data)]).appraise()
}

#[test]
fn a_finding_is_new_then_recurring_for_the_periods_it_has_fired_in_a_row() {
    let appraisal = appraisal();
    let standing: Vec<(&str, String, usize)> =
        appraisal.diagnoses.iter().map(|d| (d.period.as_str(), format!("{:?}", d.status), d.periods)).collect();
    assert_eq!(
        standing,
        [
            ("2026-01", "New".to_string(), 1),
            ("2026-02", "Recurring".to_string(), 2),
            ("2026-04", "New".to_string(), 1),
            ("2026-05", "Recurring".to_string(), 2),
        ]
    );
}

#[test]
fn a_finding_that_stops_firing_is_resolved_with_its_text_of_then() {
    let appraisal = appraisal();
    let resolved: Vec<(&str, &str, usize)> =
        appraisal.resolved.iter().map(|d| (d.period.as_str(), d.finding.as_str(), d.periods)).collect();
    assert_eq!(resolved, [("2026-03", "k is 2.0", 2)], "March resolves February's finding after two periods");
    let json = serde_json::to_value(&appraisal).unwrap();
    assert_eq!(json["diagnoses"][1]["status"], "recurring");
    assert_eq!(json["resolved"][0]["status"], "resolved");
}
