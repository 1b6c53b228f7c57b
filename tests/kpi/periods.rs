//! Longer periods than the ruleset's: `--period 2026-Q2`, `2025` and `2026-YTD` on a monthly
//! ruleset appraise the quarter, the year and the year to date from the rows.

use std::process::{Command, Output};

use serde_json::Value;

use super::support::Case;

/// A monthly ruleset over one account's daily rows: 10 readers a day, and a follower more each
/// day (1 on 2025-01-01), so a period's `followers` is the day number of its last day.
const RULESET: &str = r#"
ruleset: views
locale: en
grain: { entity: account, period: month }
sources:
  daily:
    path: daily.csv
    date: day
    entity: account
    daily: true
    columns: { readers: readers, followers: followers }
measures:
  readers: sum(daily.readers)
  followers_end: last(daily.followers)
kpis:
  reads:
    formula: readers
    format: integer
    target: 300
    targets: { quarter: 900, year_to_date: prev(reads) }
  followers: { formula: followers_end, format: integer }
  quarterly:
    formula: readers
    format: integer
    targets: { quarter: 1000 }
  reads_growth: { formula: pct_change(readers), format: percent }
"#;

/// Daily rows from 2025-01-01 to `last`, both included.
fn daily_rows(last: &str) -> String {
    daily_rows_from("2025-01-01", last)
}

/// Daily rows from `first` to `last`, both included.
fn daily_rows_from(first: &str, last: &str) -> String {
    let (mut day, last): (chrono::NaiveDate, _) = (first.parse().unwrap(), last.parse().unwrap());
    let mut rows = String::from("day,account,readers,followers\n");
    let mut number = 1;
    while day <= last {
        rows.push_str(&format!("{day},a,10,{number}\n"));
        day = day.succ_opt().unwrap();
        number += 1;
    }
    rows
}

fn kpi(case: &Case, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpi")).args(args).current_dir(case.dir.path()).output().unwrap()
}

/// `kpi run --period PERIOD --format json` of the case.
fn run(case: &Case, period: &str) -> Value {
    run_warned(case, period).0
}

/// The contract and the warnings of `kpi run --period PERIOD --format json`.
fn run_warned(case: &Case, period: &str) -> (Value, String) {
    let output = kpi(case, &["run", "ruleset.yaml", "--period", period, "--format", "json"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    (serde_json::from_slice(&output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

/// A KPI's value and target in the one period a run selected.
fn result(contract: &Value, kpi: &str) -> (Value, Value) {
    let found = contract_row(contract, kpi);
    (found["value"].clone(), found["target"].clone())
}

fn contract_row<'a>(contract: &'a Value, kpi: &str) -> &'a Value {
    contract["results"].as_array().unwrap().iter().find(|r| r["kpi"] == kpi).unwrap()
}

#[test]
fn a_quarter_is_recomputed_from_its_rows_with_its_own_target() {
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2026-08-20"))]);
    let quarter = run(&case, "2026-Q2");
    assert_eq!(quarter["periods"], serde_json::json!(["2026-Q2"]));
    // 91 days of 10 readers, against `targets.quarter`.
    assert_eq!(result(&quarter, "reads"), (910.0.into(), 900.0.into()));
    // A KPI with a quarter's target alone is scored in the quarter: 910 / 1000.
    let quarterly = contract_row(&quarter, "quarterly");
    assert_eq!((quarterly["target"].as_f64(), quarterly["score"].as_f64()), (Some(1000.0), Some(91.0)));
    // The last day's followers (30 June 2026, day 546), not a mean of the months' (515.7).
    assert_eq!(result(&quarter, "followers").0, 546.0);
    // The quarter before had 90 days: 910 / 900 − 1.
    let growth = result(&quarter, "reads_growth").0.as_f64().unwrap();
    assert!((growth - (910.0 / 900.0 - 1.0)).abs() < 1e-12, "{growth}");
}

#[test]
fn a_year_without_a_target_of_its_own_takes_the_target_as_written() {
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2026-08-20"))]);
    let (year, warnings) = run_warned(&case, "2025");
    assert_eq!(result(&year, "reads"), (3650.0.into(), 300.0.into()));
    assert_eq!(result(&year, "followers").0, 365.0);
    // A count's monthly number, which a year meets without effort, is said to be one.
    insta::assert_snapshot!("target_of_a_shorter_period", warnings);
    // The quarter has its own: no warning.
    assert_eq!(run_warned(&case, "2026-Q2").1, "");
}

#[test]
fn a_year_to_date_runs_to_the_latest_complete_month_and_meets_the_same_days_a_year_before() {
    // August is incomplete (rows to the 20th): the year to date runs to 31 July.
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2026-08-20"))]);
    let to_date = run(&case, "2026-YTD");
    assert_eq!(to_date["periods"], serde_json::json!(["2026-YTD"]));
    // 212 days of 2026, against 2025's first 212 days (`targets.year_to_date: prev(reads)`).
    assert_eq!(result(&to_date, "reads"), (2120.0.into(), 2120.0.into()));
    assert_eq!(result(&to_date, "reads_growth").0, 0.0);
    // 31 July 2026 is day 577.
    assert_eq!(result(&to_date, "followers").0, 577.0);
    // Nothing is partial: every day to 31 July has its row.
    assert!(to_date["quality"].as_array().unwrap().is_empty(), "{}", to_date["quality"]);
}

#[test]
fn a_year_without_a_complete_month_yet_runs_to_its_latest_month_and_says_it_is_partial() {
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2026-01-20"))]);
    let (to_date, warnings) = run_warned(&case, "2026-YTD");
    // 20 days of January, against 2025's January (31 days of 10 readers).
    assert_eq!(result(&to_date, "reads"), (200.0.into(), 310.0.into()));
    assert!(warnings.contains("covers 20 of 31 days of 2026-YTD for `a` (data through 2026-01-20)"), "{warnings}");
}

#[test]
fn a_report_of_a_year_to_date_is_titled_so_and_names_its_days() {
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2026-08-20"))]);
    let args = ["report", "ruleset.yaml", "--period", "2026-YTD", "--per-entity", "--format", "html", "-o", "out"];
    let output = kpi(&case, &args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = std::fs::read_to_string(case.dir.path().join("out/2026-YTD/entities/a.html")).unwrap();
    assert!(report.contains("<h1>a · Year-to-date appraisal</h1>"), "{report}");
    assert!(report.contains("2026 year to date (1 January 2026 – 31 July 2026)"), "{report}");
}

#[test]
fn a_period_of_no_length_the_ruleset_can_view_says_how_periods_are_written() {
    let case = Case::new(RULESET, &[("daily.csv", &daily_rows("2025-03-01"))]);
    let output = kpi(&case, &["run", "ruleset.yaml", "--period", "2026-Q5"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error[E412]: `2026-Q5` is not a period\n = help: this ruleset's periods are written like `2026-10`; \
         longer periods like `2026-Q3`, `2026` or `2026-YTD` (the year to date)\n"
    );
}

/// A monthly survey of `a` from July 2025 to August 2026, dated the 15th: 60 in July 2025, two
/// more each month. It is not daily, so it cannot say itself where its data begins.
fn survey_rows() -> String {
    let mut rows = String::from("day,account,score\n");
    for (i, (year, month)) in (7..=12).map(|m| (2025, m)).chain((1..=8).map(|m| (2026, m))).enumerate() {
        rows.push_str(&format!("{year}-{month:02}-15,a,{}\n", 60 + 2 * i));
    }
    rows
}

#[test]
fn a_year_to_date_is_not_compared_with_one_the_data_begins_inside() {
    // The exports begin on 1 July 2025: 2025's year to date (to 31 July) holds 31 of its 212
    // days, of the daily export and of the survey alike.
    let ruleset = RULESET.replace(
        "sources:\n",
        "sources:\n  survey: { path: survey.csv, date: day, entity: account, columns: { score: score } }\n",
    ) + "  satisfaction: { formula: mean(survey.score) / 100, format: ratio, target: 0.8 }\n"
        + "scorecards:\n  main: { weights: { satisfaction: 50, reads: 50 }, min_coverage: 0.5 }\n";
    let files = [("daily.csv", daily_rows_from("2025-07-01", "2026-08-20")), ("survey.csv", survey_rows())];
    let case = Case::new(&ruleset, &files.iter().map(|(n, t)| (*n, t.as_str())).collect::<Vec<_>>());
    let (to_date, warnings) = run_warned(&case, "2026-YTD");
    insta::assert_snapshot!("data_begins_inside_a_period", warnings);
    // A growth on that base is marked partial, and so is a level whose target is last year's;
    // a level of this year alone is not.
    assert_eq!(contract_row(&to_date, "reads_growth")["partial"], true);
    assert_eq!(contract_row(&to_date, "reads")["partial"], true);
    assert_eq!(contract_row(&to_date, "followers").get("partial"), None);
    // Both totals are graded (0.60 and 0.78 of the survey), but the survey of 2025 is a month's:
    // nothing is said to have moved the total.
    let scorecard = &to_date["scorecards"][0];
    assert!(scorecard["score"].is_number(), "{scorecard}");
    assert_eq!(scorecard["drivers"], serde_json::json!([]), "{scorecard}");

    let args = ["report", "ruleset.yaml", "--period", "2026-YTD", "--per-entity", "--format", "md", "-o", "out"];
    let output = kpi(&case, &args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = std::fs::read_to_string(case.dir.path().join("out/2026-YTD/entities/a.md")).unwrap();
    assert!(report.contains("| no comparable base |"), "the headline's change: {report}");
    assert!(
        report.contains("not compared, since this period or the previous one rests on incomplete data"),
        "{report}"
    );
    assert!(report.contains("daily (2025 year to date): 31 of 212 days"), "the target's footnote: {report}");

    // Months from the data's first day on are whole: nothing is partial, nothing said.
    let (month, warnings) = run_warned(&case, "2026-07");
    assert_eq!(warnings, "");
    assert!(month["results"].as_array().unwrap().iter().all(|r| r.get("partial").is_none()), "{month}");
}
