//! examples/social-brand end to end: one brand on four platforms and two competitors, read from
//! the platforms' own downloads, appraised per account and as a brand, with the August crisis on
//! Douyin found and the action taken against it shown.

use std::process::Command;

use crate::support::manifest_dir;

const RULESET: &str = "examples/social-brand/ruleset.yaml";

fn kpi(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kpi")).args(args).current_dir(manifest_dir()).output().unwrap()
}

#[test]
fn the_example_checks_with_every_file_read_and_no_warning() {
    let output = kpi(&["check", RULESET, "--data", "examples/social-brand"]);
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "every source has its files");
}

#[test]
fn the_example_reports_each_account_and_the_brand_with_the_crisis_and_what_was_done() {
    let out = tempfile::tempdir().unwrap();
    let output = kpi(&["report", RULESET, "--period", "2026-08", "--per-entity", "--audience", "internal", "-o"]
        .into_iter()
        .chain([out.path().to_str().unwrap()])
        .collect::<Vec<_>>());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let month = out.path().join("2026-08/entities");
    let mut reports: Vec<String> =
        std::fs::read_dir(&month).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    reports.sort();
    let accounts = ["晨光咖啡-公众号", "晨光咖啡-头条", "晨光咖啡-小红书", "晨光咖啡-抖音"];
    let expected: Vec<String> = accounts.iter().flat_map(|a| [format!("{a}.html"), format!("{a}.md")]).collect();
    assert_eq!(reports, expected, "the client's accounts get reports, the competitors none");
    let douyin = std::fs::read_to_string(month.join("晨光咖啡-抖音.md")).unwrap();
    assert!(douyin.contains("负面提及 29 条，远高于此前六个月的水平"), "{douyin}");
    assert!(douyin.contains("| 2026年8月20日 | 负面提及占比 | 抖音差评集中于配送延误"), "{douyin}");
    let brands = out.path().join("rollups/brand/2026-08/entities");
    let brand = std::fs::read_to_string(brands.join("晨光咖啡.md")).unwrap();
    assert!(brand.contains("## 与竞品对比"), "the brand against the competitors' brands: {brand}");
    let sources = brand.split("### 数据来源").nth(1).unwrap().split("###").next().unwrap();
    assert!(sources.contains("晨光咖啡-抖音/抖音作品列表-2026Q3.xlsx"), "its accounts' downloads: {sources}");
    assert!(!sources.contains("竞品"), "and not the competitors': {sources}");
    assert!(!brands.join("竞品A.md").exists(), "a brand of competitors' accounts is a competitor");
}

#[test]
fn the_portfolio_counts_the_accounts_apart_from_the_competitors() {
    let ruleset = kpi::project::open(&manifest_dir().join("examples/social-brand/ruleset.yaml"), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let period = *evaluation.periods.last().unwrap();
    let data = kpi::report::build::ReportData::new(&ruleset, &evaluation, period, kpi::locale::Locale::En).unwrap();
    let portfolio = data.portfolio(&[]).unwrap().portfolio.unwrap();
    assert_eq!((portfolio.entities, portfolio.competitors), (4, 2), "four accounts of the brand, two competitors");
    assert_eq!(portfolio.accounts.len(), 4, "the accounts × scorecards table has a row per account");
    assert!(portfolio.accounts.iter().all(|account| !account.starts_with("竞品")), "{:?}", portfolio.accounts);
    let rows: Vec<&str> = portfolio.kpi_rows.iter().map(|row| row.entity.as_str()).collect();
    assert_eq!(rows, portfolio.accounts, "the accounts × KPIs table has the accounts only");
    let competitors: Vec<&str> = portfolio.competitor_rows.iter().map(|row| row.entity.as_str()).collect();
    assert_eq!(competitors.len(), 2, "the competitors are shown apart: {competitors:?}");
    assert!(competitors.iter().all(|c| c.starts_with("竞品")), "{competitors:?}");
    let graded: usize = portfolio.summary.grades.iter().map(|g| g.count).sum();
    // Every graded scorecard of the accounts, as the accounts × scorecards table shows them.
    let shown: usize = portfolio.scorecards.iter().flat_map(|card| &card.ranking).filter(|r| r.grade.is_some()).count();
    assert_eq!(graded, shown, "the summary grades the accounts, not the competitors");
    assert!(portfolio.scorecards.iter().flat_map(|card| &card.ranking).all(|r| !r.entity.starts_with("竞品")));
}

#[test]
fn an_entity_selected_sees_only_its_own_group_of_a_roll_up() {
    let args = ["run", RULESET, "--period", "2026-08", "--by", "brand", "--format", "json"];
    let groups = |extra: &[&str]| -> Vec<String> {
        let output = kpi(&[&args[..], extra].concat());
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut found: Vec<String> = json["rollups"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["entity"].as_str().unwrap().to_string())
            .collect();
        found.dedup();
        found
    };
    assert_eq!(groups(&[]), ["晨光咖啡", "竞品A", "竞品B"]);
    assert_eq!(groups(&["--entity", "晨光咖啡-抖音"]), ["晨光咖啡"], "the Douyin account's brand only");
}
