//! Competitors: marked by an attribute, they take part in cross-entity functions but get no
//! scorecard, grade or diagnosis, and each client entity's report shows it against them.

use crate::support::Case;

const RULES: &str = "ruleset: competitors\ngrain: { entity: account, period: month }\n\
    sources:\n  mentions: { path: mentions.csv, date: day, entity: account }\n  \
    accounts: { path: accounts.csv, entity: account, columns: { role: role } }\n\
    measures:\n  mentions: sum(mentions.n)\n\
    kpis:\n  share_of_voice: { formula: share(mentions), format: percent, target: 30% }\n\
    scorecards:\n  main: { weights: { share_of_voice: 100 } }\n\
    grades: { A: \">= 90\", B: otherwise }\n\
    diagnoses:\n  - id: quiet\n    when: share_of_voice < target(share_of_voice)\n    finding: \"Share of voice {{ share_of_voice | pct }}\"\n\
    competitors: role == \"competitor\"\n";

fn case() -> Case {
    let mentions = "day,account,n\n2026-10-01,a,50\n2026-10-01,b,10\n2026-10-01,x,40\n";
    let accounts = "account,role\na,client\nb,client\nx,competitor\n";
    Case::new(RULES, &[("mentions.csv", mentions), ("accounts.csv", accounts)])
}

#[test]
fn competitors_count_in_share_of_voice_but_get_no_scorecard_grade_or_diagnosis() {
    let appraisal = case().appraise();
    let share = |entity: &str| crate::support::value(&appraisal, entity, "2026-10", "share_of_voice");
    assert_eq!((share("a"), share("b"), share("x")), (Some(0.5), Some(0.1), Some(0.4)));
    let scored: Vec<&str> = appraisal.scorecards.iter().map(|s| s.entity.as_str()).collect();
    assert_eq!(scored, ["a", "b"]);
    let diagnosed: Vec<&str> = appraisal.diagnoses.iter().map(|d| d.entity.as_str()).collect();
    assert_eq!(diagnosed, ["b"], "x is under 30% too, but a competitor gets no advice");
    assert_eq!(appraisal.competitors, ["x"]);
}

#[test]
fn a_client_report_shows_it_against_the_competitors_who_get_no_report() {
    let case = case();
    let out = case.dir.path().join("out");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["report", case.ruleset_path().to_str().unwrap(), "--per-entity", "--format", "md", "--lang", "en", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let dir = out.join("2026-10");
    assert!(!dir.join("entities/x.md").exists(), "no report for a competitor");
    let report = std::fs::read_to_string(dir.join("entities/a.md")).unwrap();
    assert!(report.contains("## Against competitors\n\n| KPI | a | x |\n"), "{report}");
    assert!(report.contains("| share\\_of\\_voice | **50.0%** | 40.0% |"), "{report}");
    let portfolio = std::fs::read_to_string(dir.join("portfolio.md")).unwrap();
    assert!(!portfolio.contains("entities/x.md"), "{portfolio}");
}
