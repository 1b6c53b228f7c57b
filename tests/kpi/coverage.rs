//! Nothing graded on data that is not there: a source missing for an account, a daily export
//! cut short, a total of fragments, and a finding whose inputs are gone.

use std::process::{Command, Output};

use kpi::appraise::{Appraisal, ScorecardResult};

use crate::support::{Case, round9};

/// Two accounts of one brand, a daily export of followers and a list of articles, from
/// August to `last_day` of October.
const RULESET: &str = r#"
ruleset: coverage
client: 晨光
grain: { entity: 账号, period: month }
rollups: [brand]
sources:
  users:
    label: { zh-CN: 用户增长, en: User growth }
    path: users.csv
    date: 日期
    entity: 账号
    daily: true
    columns: { new: 新关注, lost: 取关 }
  articles:
    label: { zh-CN: 图文分析, en: Articles }
    path: articles.csv
    date: 日期
    entity: 账号
    columns: { reads: 阅读, sent: 送达 }
  accounts:
    path: accounts.csv
    entity: 账号
    columns: { brand: 品牌 }
kpis:
  net_growth:
    label: { zh-CN: 净增关注, en: Net growth }
    formula: sum(users.new) - sum(users.lost)
    target: 300
  read_rate:
    label: { zh-CN: 阅读率, en: Read rate }
    formula: sum(articles.reads) / sum(articles.sent)
    format: percent
    target: 30%
scorecards:
  main:
    label: { zh-CN: 综合, en: Overall }
    weights: { net_growth: 40, read_rate: 60 }
grades: { A: ">= 90", B: ">= 60", C: otherwise }
diagnoses:
  - id: low_read_rate
    when: read_rate < 30%
    finding: { zh-CN: "阅读率 {{ read_rate | pct }}", en: "Read rate {{ read_rate | pct }}" }
"#;

/// Each account's daily rows through `last_day` of October (August and September whole), and
/// its articles every month: `a`'s October articles only when `a_october` says so.
fn data(last_day: u32, a_october: bool) -> Vec<(&'static str, String)> {
    let mut users = String::from("日期,账号,新关注,取关\n");
    for account in ["a", "b"] {
        for (month, last) in [(8, 31), (9, 30), (10, last_day)] {
            for day in 1..=last {
                users += &format!("2026-{month:02}-{day:02},{account},20,10\n");
            }
        }
    }
    let mut articles = String::from("日期,账号,阅读,送达\n");
    articles += "2026-08-10,a,200,1000\n2026-08-12,b,250,1000\n2026-09-10,a,200,1000\n2026-09-12,b,250,1000\n";
    if a_october {
        articles += "2026-10-10,a,400,1000\n";
    }
    articles += "2026-10-12,b,350,1000\n";
    let accounts = "账号,品牌\na,晨光\nb,晨光\n".to_string();
    vec![("users.csv", users), ("articles.csv", articles), ("accounts.csv", accounts)]
}

fn case(last_day: u32, a_october: bool) -> Case {
    let files = data(last_day, a_october);
    let files: Vec<(&str, &str)> = files.iter().map(|(name, text)| (*name, text.as_str())).collect();
    Case::new(RULESET, &files)
}

fn scorecard<'a>(appraisal: &'a Appraisal, entity: &str, period: &str) -> &'a ScorecardResult {
    appraisal.scorecards.iter().find(|s| s.entity == entity && s.period == period).expect("a scorecard row")
}

fn kpi(case: &Case, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .arg("--")
        .arg(case.ruleset_path())
        .env_remove("COLUMNS")
        .output()
        .expect("kpi runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).replace("\r", "")
}

#[test]
fn an_export_forgotten_for_one_account_is_no_data_and_no_grade_there() {
    let a = case(31, false).appraise();
    // September's articles give a 20% read rate, as August's; October has none: no data, not 0%.
    assert_eq!(crate::support::value(&a, "a", "2026-09", "read_rate"), Some(0.2));
    assert_eq!(crate::support::value(&a, "a", "2026-10", "read_rate"), None);
    assert_eq!(crate::support::value(&a, "b", "2026-10", "read_rate"), Some(0.35));
    // 40 of 100 points have a score (310 net followers of a 300 target): under 2/3, scored
    // but not graded.
    let october = scorecard(&a, "a", "2026-10");
    assert_eq!((october.coverage, october.grade.as_deref()), (Some(0.4), None));
    assert_eq!(october.score.map(round9), Some(round9(310.0 / 3.0)));
    assert!(october.drivers.is_empty(), "{:?}", october.drivers);
    assert_eq!(scorecard(&a, "b", "2026-10").grade.as_deref(), Some("A"));
    let gaps: Vec<(&str, &str, &str)> = a
        .quality
        .iter()
        .filter(|q| q.kind == "missing_source")
        .map(|q| (q.entity.as_deref().unwrap(), q.period.as_deref().unwrap(), q.source.as_str()))
        .collect();
    assert_eq!(gaps, [("a", "2026-10", "articles")]);
}

#[test]
fn a_finding_whose_inputs_are_gone_is_unassessed_not_resolved() {
    let a = case(31, false).appraise();
    // `a` read 20% in August and September (the finding fires twice); October has no articles.
    // `b`, at 25% then, reads 35% in October: resolved.
    assert!(a.diagnoses.iter().any(|d| (d.entity.as_str(), d.period.as_str()) == ("a", "2026-09")));
    let resolved = |a: &Appraisal| -> Vec<(String, String)> {
        a.resolved.iter().map(|d| (d.entity.clone(), d.period.clone())).collect()
    };
    assert_eq!(resolved(&a), [("b".to_string(), "2026-10".to_string())]);
    let unassessed: Vec<(&str, &str, &str, usize, Option<&str>)> = a
        .unassessed
        .iter()
        .map(|d| (d.entity.as_str(), d.period.as_str(), d.id.as_str(), d.periods, d.reason.as_deref()))
        .collect();
    assert_eq!(unassessed, [("a", "2026-10", "low_read_rate", 2, Some("数据缺失：阅读率"))]);
    // With `a`'s October articles (40%), its finding is resolved too.
    let a = case(31, true).appraise();
    assert!(a.unassessed.is_empty());
    let both: Vec<(String, String)> = ["a", "b"].map(|e| (e.to_string(), "2026-10".to_string())).to_vec();
    assert_eq!(resolved(&a), both);
}

#[test]
fn a_roll_up_with_an_accounts_export_missing_has_no_data_of_it() {
    let case = case(31, false);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    let selection = kpi::appraise::Selection::default();
    let (rollup, _) =
        kpi::appraise::Rollup::new(&ruleset, &evaluation, "brand", &selection, kpi::locale::Locale::ZhCn).unwrap();
    let read_rate =
        |period: &str| rollup.results.iter().find(|r| r.period == period && r.kpi == "read_rate").and_then(|r| r.value);
    // September: 450 of 2,000; October: only `b`'s half of the brand came, so no data.
    assert_eq!(read_rate("2026-09"), Some(0.225));
    assert_eq!(read_rate("2026-10"), None);
    let october = rollup.scorecards.iter().find(|s| s.period == "2026-10").unwrap();
    assert_eq!((october.coverage, october.grade.as_deref()), (Some(0.4), None));
}

#[test]
fn a_half_month_is_marked_partial_and_not_the_default_report_period() {
    let case = case(15, true);
    let a = case.appraise();
    let october = crate::support::result(&a, "a", "2026-10", "net_growth");
    assert!(october.partial);
    assert_eq!(october.value, Some(150.0));
    // Articles are not daily: the read rate is not marked.
    assert!(!crate::support::result(&a, "a", "2026-10", "read_rate").partial);
    assert!(!crate::support::result(&a, "a", "2026-09", "net_growth").partial);
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    // The brand's October is made of both accounts' half months: marked too.
    let selection = kpi::appraise::Selection::default();
    let (rollup, _) =
        kpi::appraise::Rollup::new(&ruleset, &evaluation, "brand", &selection, kpi::locale::Locale::ZhCn).unwrap();
    let brand = rollup.results.iter().find(|r| r.period == "2026-10" && r.kpi == "net_growth").unwrap();
    assert_eq!((brand.value, brand.partial), (Some(300.0), true));
    let period = evaluation.latest_complete_period(&ruleset).unwrap().unwrap();
    assert_eq!(period.label(), "2026-09");
    let period = evaluation.latest_period_with_data(&ruleset).unwrap().unwrap();
    assert_eq!(period.label(), "2026-10");
}

#[test]
fn check_data_warns_of_a_forgotten_export_in_the_period_a_report_takes() {
    let case = case(31, false);
    let out = kpi(&case, &["check", "--data", &case.dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning[E543]: no rows of `图文分析` in 2026-10 for `a`, though earlier periods have some\n \
         = help: add the export of that period, or leave it out: the KPIs computed from it have no data there\n\n"
    );
}

#[test]
fn run_and_check_warn_of_a_half_month_with_the_day_its_data_runs_through() {
    let case = case(15, true);
    let warning = "warning[E544]: `用户增长` covers 15 of 31 days of 2026-10 for `a`, `b` (data through 2026-10-15)\n \
         = help: the KPIs computed from it are marked partial; a report of the period says how far its data runs\n\n";
    let out = kpi(&case, &["run", "--period", "2026-10", "--format", "json"]);
    assert_eq!(stderr(&out), warning);
    // `check --data` takes the period a report would: September, which is complete.
    let data = case.dir.path().display().to_string();
    assert_eq!(stderr(&kpi(&case, &["check", "--data", &data])), "");
    assert_eq!(stderr(&kpi(&case, &["check", "--data", &data, "--period", "2026-10"])), warning);
}

#[test]
fn a_report_without_a_period_takes_the_latest_complete_one_and_says_so() {
    let case = case(15, true);
    let out_dir = case.dir.path().join("out");
    let out_arg = out_dir.display().to_string();
    let out = kpi(&case, &["report", "--format", "md", "-o", &out_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "2026-10 的数据不完整（`用户增长` 2026-10-15）：报告最近的完整周期 2026-09；`--period 2026-10` 仍可报告它\n"
        ),
        "{}",
        stderr(&out)
    );
    assert!(out_dir.join("2026-09").is_dir());
    // Asked for, the incomplete month says how far its data runs, in both languages.
    let out = kpi(&case, &["report", "--format", "md", "--period", "2026-10", "-o", &out_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let portfolio = std::fs::read_to_string(out_dir.join("2026-10").join("portfolio.md")).unwrap();
    assert!(portfolio.contains("**用户增长: 数据截至 2026年10月15日**"), "{portfolio}");
    assert!(portfolio.contains("| a | 150.00 （部分） |"), "{portfolio}");
    let english = ["report", "--format", "md", "--lang", "en", "--period", "2026-10", "--per-entity", "-o", &out_arg];
    let out = kpi(&case, &english);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let portfolio = std::fs::read_to_string(out_dir.join("2026-10").join("portfolio.md")).unwrap();
    assert!(portfolio.contains("**User growth: data through 15 October 2026**"), "{portfolio}");
    assert!(portfolio.contains("| a | 150.00 (partial) |"), "{portfolio}");
    let entity = std::fs::read_to_string(out_dir.join("2026-10").join("entities").join("a.md")).unwrap();
    assert!(entity.contains("(partial) Net growth — User growth: 15 of 31 days"), "{entity}");
}

/// The summary of September, when both accounts read under 30%: each account's own rate under
/// the finding they share, and the weakest named by its grades.
#[test]
fn a_finding_shared_by_accounts_shows_each_accounts_value_in_the_summary() {
    let case = case(31, true);
    let out_dir = case.dir.path().join("out");
    let out_arg = out_dir.display().to_string();
    for (language, shared, weakest) in [
        ("zh-CN", "a：阅读率 20.0%；b：阅读率 25.0%", "**最需改进**: a（B 1、综合 80.0 B）"),
        ("en", "a: Read rate 20.0%; b: Read rate 25.0%", "**Weakest**: a (B 1, Overall 80.0 B)"),
    ] {
        let args = ["report", "--format", "md", "--lang", language, "--period", "2026-09", "-o", &out_arg];
        let out = kpi(&case, &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let portfolio = std::fs::read_to_string(out_dir.join("2026-09").join("portfolio.md")).unwrap();
        assert!(portfolio.contains(shared), "{portfolio}");
        assert!(portfolio.contains(weakest), "{portfolio}");
    }
}

/// A brand's report is titled as the brand with its accounts, and never ranks it alone.
#[test]
fn a_roll_up_report_is_titled_as_the_group_and_not_ranked_against_itself() {
    let case = case(31, true);
    let out_dir = case.dir.path().join("out");
    let out_arg = out_dir.display().to_string();
    let out = kpi(&case, &["report", "--format", "md", "--period", "2026-09", "--per-entity", "-o", &out_arg]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let groups = out_dir.join("rollups/brand/2026-09");
    let brand = std::fs::read_to_string(groups.join("entities/晨光.md")).unwrap();
    assert!(brand.starts_with("# 晨光 · 品牌汇总 · 2 个账号\n"), "{brand}");
    assert!(brand.contains("| 综合 · 总分 | 等级 | 较上期 |\n"), "{brand}");
    let overview = std::fs::read_to_string(groups.join("portfolio.md")).unwrap();
    assert!(overview.starts_with("# 按品牌汇总总览 · 2026年9月\n"), "{overview}");
    assert!(overview.contains(" · 1 个品牌"), "{overview}");
    assert!(!overview.contains("#1"), "{overview}");
}

/// The articles export forgotten for every account: no data for both and one warning naming
/// both; October is still the month a report takes, since the daily exports reach its end.
#[test]
fn an_export_forgotten_for_every_account_is_a_warning_not_an_incomplete_period() {
    let files = data(31, false);
    let files: Vec<(&str, String)> = files
        .into_iter()
        .map(|(name, text)| match name {
            "articles.csv" => {
                (name, text.lines().filter(|l| !l.starts_with("2026-10")).map(|l| format!("{l}\n")).collect())
            }
            _ => (name, text),
        })
        .collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(name, text)| (*name, text.as_str())).collect();
    let case = Case::new(RULESET, &files);
    let a = case.appraise();
    for entity in ["a", "b"] {
        assert_eq!(crate::support::value(&a, entity, "2026-10", "read_rate"), None);
        assert_eq!(scorecard(&a, entity, "2026-10").grade, None);
    }
    let data_dir = case.dir.path().display().to_string();
    let out = kpi(&case, &["check", "--data", &data_dir]);
    assert!(
        stderr(&out).starts_with("warning[E543]: no rows of `图文分析` in 2026-10 for `a`, `b`, though"),
        "{}",
        stderr(&out)
    );
    let ruleset = kpi::project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = kpi::engine::evaluate(&ruleset).unwrap();
    assert_eq!(evaluation.latest_complete_period(&ruleset).unwrap().unwrap().label(), "2026-10");
}
