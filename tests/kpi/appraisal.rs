//! Targets, scores, bands, scorecards, grades and diagnoses, against values computed by hand.
//!
//! | account | kind  | month | reads | followers | spend | revenue |
//! |---------|-------|-------|-------|-----------|-------|---------|
//! | a       | brand | Jan   | 300   | 1000      | 100   | 400     |
//! | a       | brand | Feb   | 200   | 1000      | 300   | 400     |
//! | b       | sales | Jan   | 500   | 1000      | 50    | 500     |
//! | b       | sales | Feb   | (no rows)                           |

use kpi::appraise::{Appraisal, Selection, appraise};
use kpi::ruleset::model::Locale;
use kpi::{engine, project};

use crate::support::{Case, result, round9};

const DATA: &str = "date,account,reads,followers,spend,revenue\n\
2026-01-10,a,300,1000,100,400\n\
2026-02-10,a,200,1000,300,400\n\
2026-01-10,b,500,1000,50,500\n";

const ACCOUNTS: &str = "account,type\na,brand\nb,sales\n";

const RULESET: &str = r#"
ruleset: appraisal
locale: zh-CN
grain: { entity: account, period: month }
sources:
  rows: { path: rows.csv, date: date, entity: account }
  accounts: { path: accounts.csv, entity: account, columns: { kind: type } }
measures:
  reads: sum(rows.reads)
  followers: last(rows.followers)
  spend: sum(rows.spend)
  revenue: sum(rows.revenue)
kpis:
  read_rate: { formula: reads / followers, format: percent, target: 25% }
  cost_rate: { formula: spend / revenue, better: lower, target: 50% }
  reach: { formula: reads, score: "linear(lo = 100, hi = 500)" }
  cpm_like: { formula: spend / reads * 1000, better: lower, score: "linear(lo = 1000, hi = 200)" }
  tier:
    formula: reads
    bands: { high: ">= 400", mid: ">= 250", low: otherwise }
    score: bands(high = 100, mid = 70, low = 20)
  ratio_score: { formula: reads / followers, target: 40%, score: value / target * 50 }
  zero_target: { formula: reads, target: 0 }
  dynamic: { formula: reads, target: prev(reads) }
  banded_by_target:
    formula: reads / followers
    target: 25%
    bands: { above: ">= target", below: otherwise }
scoring:
  default: attainment(cap = 120%)
scorecards:
  brand:
    applies_to: kind == "brand"
    weights: { read_rate: 50, tier: 30, reach: 20 }
  sales:
    applies_to: kind == "sales"
    weights: { read_rate: 60, tier: 40 }
    missing: zero
  everyone:
    weights: { read_rate: 50, dynamic: 50 }
  strict:
    weights: { read_rate: 50, dynamic: 50 }
    missing: fail
  lenient:
    weights: { read_rate: 50, dynamic: 50 }
    min_coverage: 50%
grades:
  A: ">= 90"
  B: ">= 75"
  C: ">= 60"
  D: otherwise
diagnoses:
  - id: low_reads
    when: read_rate < 25%
    severity: warning
    finding: { zh-CN: "阅读率 {{ read_rate | pct }}", en: "Read rate {{ read_rate | pct }}" }
    advice: { en: Fix the titles }
  - id: big
    when: reads > 400
    severity: critical
    finding: "{{ entity }} had {{ reads | int }} reads in {{ period }} ({{ kind }})"
  - id: brand_reach
    when: reads > 250 and kind == "brand"
    severity: info
    finding: { zh-CN: "品牌号阅读 {{ reads | int }}" }
"#;

fn appraisal(locale: Locale) -> Appraisal {
    let case = Case::new(RULESET, &[("rows.csv", DATA), ("accounts.csv", ACCOUNTS)]);
    let ruleset = project::open(&case.ruleset_path(), None).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = engine::evaluate(&ruleset).unwrap();
    appraise(&ruleset, &evaluation, &Selection::default(), locale).unwrap()
}

fn scores(a: &Appraisal, kpi: &str) -> Vec<(String, Option<f64>)> {
    a.results
        .iter()
        .filter(|r| r.kpi == kpi)
        .map(|r| (format!("{} {}", r.entity, r.period), r.score.map(round9)))
        .collect()
}

fn pairs(values: &[(&str, Option<f64>)]) -> Vec<(String, Option<f64>)> {
    values.iter().map(|(cell, v)| (cell.to_string(), *v)).collect()
}

#[test]
fn attainment_is_capped_and_follows_the_direction() {
    let a = appraisal(Locale::ZhCn);
    assert_eq!(
        scores(&a, "read_rate"),
        pairs(&[
            ("a 2026-01", Some(120.0)),
            ("a 2026-02", Some(80.0)),
            ("b 2026-01", Some(120.0)),
            ("b 2026-02", None)
        ])
    );
    // Lower is better: target / value. 0.5 / 0.25 = 2, capped; 0.5 / 0.75.
    assert_eq!(
        scores(&a, "cost_rate")[..2],
        pairs(&[("a 2026-01", Some(120.0)), ("a 2026-02", Some(round9(200.0 / 3.0)))])
    );
    let read_rate = result(&a, "a", "2026-01", "read_rate");
    assert_eq!((read_rate.target, read_rate.attainment.map(round9)), (Some(0.25), Some(1.2)));
    assert_eq!(result(&a, "a", "2026-02", "read_rate").attainment.map(round9), Some(0.8));
}

#[test]
fn linear_scores_run_from_lo_to_hi_in_either_direction() {
    let a = appraisal(Locale::ZhCn);
    assert_eq!(
        scores(&a, "reach")[..3],
        pairs(&[("a 2026-01", Some(50.0)), ("a 2026-02", Some(25.0)), ("b 2026-01", Some(100.0))])
    );
    // 100 / 300 × 1000 = 333.3…: (333.3 − 1000) / (200 − 1000) = 83.3…
    assert_eq!(scores(&a, "cpm_like")[0], ("a 2026-01".to_string(), Some(round9(250.0 / 3.0))));
}

#[test]
fn band_scores_give_the_points_of_the_first_band_that_holds() {
    let a = appraisal(Locale::ZhCn);
    assert_eq!(
        scores(&a, "tier"),
        pairs(&[("a 2026-01", Some(70.0)), ("a 2026-02", Some(20.0)), ("b 2026-01", Some(100.0)), ("b 2026-02", None)])
    );
    let bands: Vec<Option<String>> = a.results.iter().filter(|r| r.kpi == "tier").map(|r| r.band.clone()).collect();
    assert_eq!(bands, [Some("mid".into()), Some("low".into()), Some("high".into()), None]);
    let by_target: Vec<Option<String>> =
        a.results.iter().filter(|r| r.kpi == "banded_by_target").map(|r| r.band.clone()).collect();
    assert_eq!(by_target, [Some("above".into()), Some("below".into()), Some("above".into()), None]);
}

#[test]
fn score_formulas_see_value_and_target_and_missing_targets_give_no_score() {
    let a = appraisal(Locale::ZhCn);
    assert_eq!(scores(&a, "ratio_score")[0], ("a 2026-01".to_string(), Some(37.5)));
    let zero = result(&a, "a", "2026-01", "zero_target");
    assert_eq!((zero.target, zero.attainment, zero.score), (Some(0.0), None, None));
    // prev(reads) is null in January, 300 in February: 200 / 300.
    assert_eq!(scores(&a, "dynamic")[..2], pairs(&[("a 2026-01", None), ("a 2026-02", Some(round9(200.0 / 3.0)))]));
    assert_eq!(result(&a, "a", "2026-01", "reach").target, None);
}

/// A scorecard result: "scorecard entity period", total, coverage, grade, KPIs without a score.
type Total = (String, Option<f64>, Option<f64>, Option<String>, Vec<String>);

#[test]
fn scorecards_apply_by_attribute_and_treat_missing_scores_by_policy() {
    let a = appraisal(Locale::ZhCn);
    let totals: Vec<Total> = a
        .scorecards
        .iter()
        .map(|s| {
            let name = format!("{} {} {}", s.scorecard, s.entity, s.period);
            (name, s.score.map(round9), s.coverage, s.grade.clone(), s.missing.clone())
        })
        .collect();
    let (all, half, none) = (Some(1.0), Some(0.5), Some(0.0));
    let expected: Vec<Total> = vec![
        // 50 × 120% + 30 × 70% + 20 × 50% = 91.
        ("brand a 2026-01".into(), Some(91.0), all, Some("A".into()), vec![]),
        // Renormalized over read_rate alone (`dynamic` has no target in January): half the
        // weight has a score, under the 2/3 a grade needs; `lenient` grades from 50%.
        ("everyone a 2026-01".into(), Some(120.0), half, None, vec!["dynamic".into()]),
        ("strict a 2026-01".into(), None, half, None, vec!["dynamic".into()]),
        ("lenient a 2026-01".into(), Some(120.0), half, Some("A".into()), vec!["dynamic".into()]),
        // 50 × 80% + 30 × 20% + 20 × 25% = 51.
        ("brand a 2026-02".into(), Some(51.0), all, Some("D".into()), vec![]),
        ("everyone a 2026-02".into(), Some(round9(40.0 + 100.0 / 3.0)), all, Some("C".into()), vec![]),
        ("strict a 2026-02".into(), Some(round9(40.0 + 100.0 / 3.0)), all, Some("C".into()), vec![]),
        ("lenient a 2026-02".into(), Some(round9(40.0 + 100.0 / 3.0)), all, Some("C".into()), vec![]),
        // 60 × 120% + 40 × 100% = 112.
        ("sales b 2026-01".into(), Some(112.0), all, Some("A".into()), vec![]),
        ("everyone b 2026-01".into(), Some(120.0), half, None, vec!["dynamic".into()]),
        ("strict b 2026-01".into(), None, half, None, vec!["dynamic".into()]),
        ("lenient b 2026-01".into(), Some(120.0), half, Some("A".into()), vec!["dynamic".into()]),
        // No rows in February: `zero` counts every missing score as 0, a total of nothing,
        // which is not graded.
        ("sales b 2026-02".into(), Some(0.0), none, None, vec!["read_rate".into(), "tier".into()]),
        ("everyone b 2026-02".into(), None, none, None, vec!["read_rate".into(), "dynamic".into()]),
        ("strict b 2026-02".into(), None, none, None, vec!["read_rate".into(), "dynamic".into()]),
        ("lenient b 2026-02".into(), None, none, None, vec!["read_rate".into(), "dynamic".into()]),
    ];
    assert_eq!(totals, expected);
}

#[test]
fn diagnoses_fire_where_their_condition_holds_and_render_in_the_locale() {
    let zh = appraisal(Locale::ZhCn);
    let fired: Vec<(String, String, String, Option<String>)> = zh
        .diagnoses
        .iter()
        .map(|d| (format!("{} {}", d.entity, d.period), d.id.clone(), d.finding.clone(), d.advice.clone()))
        .collect();
    assert_eq!(
        fired,
        vec![
            ("a 2026-01".into(), "brand_reach".into(), "品牌号阅读 300".into(), None),
            // The advice exists only in English: it is shown rather than nothing.
            ("a 2026-02".into(), "low_reads".into(), "阅读率 20.0%".into(), Some("Fix the titles".into())),
            ("b 2026-01".into(), "big".into(), "b had 500 reads in 2026-01 (sales)".into(), None),
        ]
    );
    let en = appraisal(Locale::En);
    assert_eq!(en.diagnoses[0].finding, "品牌号阅读 300");
    assert_eq!(en.diagnoses[1].finding, "Read rate 20.0%");
    assert!(en.fired_at_least(kpi::ruleset::model::Severity::Critical));
}

#[test]
fn a_diagnosis_with_no_data_does_not_fire() {
    let a = appraisal(Locale::ZhCn);
    assert!(!a.diagnoses.iter().any(|d| d.entity == "b" && d.period == "2026-02"));
}

#[test]
fn targets_come_from_a_targets_table_by_entity_and_period() {
    let ruleset = r#"
ruleset: targets
grain: { entity: account, period: month }
sources:
  rows: { path: rows.csv, date: date, entity: account }
  goals: { path: goals.csv, date: month, entity: account, columns: { kpi: 指标, target: 目标 } }
  standing: { path: standing.csv, entity: account }
scoring: { default: attainment(cap = 120%) }
kpis:
  reads: { formula: sum(rows.reads), target: { table: goals } }
  spend: { formula: sum(rows.spend), better: lower, target: { table: standing } }
"#;
    let goals = "account,month,指标,目标\na,2026-01,reads,600\na,2026-02,reads,100\nb,2026-01,reads,250\n";
    let standing = "account,kpi,target\na,spend,200\nb,spend,25\n";
    let case = Case::new(ruleset, &[("rows.csv", DATA), ("goals.csv", goals), ("standing.csv", standing)]);
    let a = case.appraise();
    let targets: Vec<Option<f64>> = a.results.iter().filter(|r| r.kpi == "reads").map(|r| r.target).collect();
    assert_eq!(targets, [Some(600.0), Some(100.0), Some(250.0), None]);
    let scores: Vec<Option<f64>> = a.results.iter().filter(|r| r.kpi == "reads").map(|r| r.score).collect();
    assert_eq!(scores, [Some(50.0), Some(120.0), Some(120.0), None]);
    let spend: Vec<Option<f64>> = a.results.iter().filter(|r| r.kpi == "spend").map(|r| r.target).collect();
    assert_eq!(spend, [Some(200.0), Some(200.0), Some(25.0), Some(25.0)]);
    assert_eq!(result(&a, "a", "2026-01", "spend").score, Some(120.0));
}

#[test]
fn an_attribute_table_with_an_entity_twice_is_an_error_naming_the_rows() {
    let case = Case::new(RULESET, &[("rows.csv", DATA), ("accounts.csv", "account,type\na,brand\nb,sales\na,sales\n")]);
    insta::assert_snapshot!(case.errors());
}

#[test]
fn explain_shows_the_formula_tree_target_score_and_contributions() {
    let case = Case::new(RULESET, &[("rows.csv", DATA), ("accounts.csv", ACCOUNTS)]);
    let ruleset = project::open(&case.ruleset_path(), None).unwrap();
    let selection = Selection {
        period: Some(kpi::engine::Period::parse(kpi::ruleset::model::PeriodGrain::Month, "2026-01").unwrap()),
        entity: Some("a".into()),
    };
    let probes = kpi::engine::Probes::for_kpis(&ruleset, ["read_rate", "tier"]);
    let evaluation = engine::evaluate_with(&ruleset, probes).unwrap();
    let explanation =
        kpi::appraise::explain::explain(&ruleset, &evaluation, "read_rate", &selection, Locale::En).unwrap();
    insta::assert_snapshot!(kpi::output::explanation(&explanation, Locale::En));
    let explanation = kpi::appraise::explain::explain(&ruleset, &evaluation, "tier", &selection, Locale::ZhCn).unwrap();
    insta::assert_snapshot!(kpi::output::explanation(&explanation, Locale::ZhCn));
}

#[test]
fn a_table_on_a_terminal_fits_its_width_one_line_per_kpi() {
    let case = Case::new(RULESET, &[("rows.csv", DATA), ("accounts.csv", ACCOUNTS)]);
    let ruleset = project::open(&case.ruleset_path(), None).unwrap();
    let evaluation = engine::evaluate(&ruleset).unwrap();
    let appraisal = appraise(&ruleset, &evaluation, &Selection::default(), Locale::En).unwrap();
    let width = |text: &str| text.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap_or(0);
    assert!(width(&kpi::output::table(&appraisal, &ruleset, Locale::En, None)) > 60);
    let wrapped = kpi::output::table(&appraisal, &ruleset, Locale::En, Some(60));
    assert!(width(&wrapped) <= 60, "{wrapped}");
    assert!(wrapped.contains("| ratio_sc… |"), "a long name is shortened, its row one line: {wrapped}");
}

#[test]
fn every_change_of_a_total_lists_the_kpis_that_drove_it_and_they_add_up_to_it() {
    let ruleset = project::open(&crate::support::manifest_dir().join("examples/wechat/ruleset.yaml"), None).unwrap();
    let evaluation = engine::evaluate(&ruleset).unwrap();
    let appraisal = appraise(&ruleset, &evaluation, &Selection::default(), Locale::En).unwrap();
    let mut checked = 0;
    // Results are in entity then period order: a total's previous one is the last before it of
    // its entity and scorecard, and drivers are given only when that is the period before.
    for (index, now) in appraisal.scorecards.iter().enumerate() {
        let previous =
            appraisal.scorecards[..index].iter().rev().find(|r| r.entity == now.entity && r.scorecard == now.scorecard);
        let (Some(score), Some(previous)) = (now.score, previous.and_then(|p| p.score)) else { continue };
        if now.drivers.is_empty() {
            continue;
        }
        let added: f64 = now.drivers.iter().map(|d| d.change).sum();
        assert!((added - (score - previous)).abs() < 1e-6, "{}: {added} against {}", now.scorecard, score - previous);
        let sizes: Vec<f64> = now.drivers.iter().map(|d| d.change.abs()).collect();
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "largest first: {sizes:?}");
        checked += 1;
    }
    assert!(checked > 10, "the example's months have totals that moved: {checked}");
}
