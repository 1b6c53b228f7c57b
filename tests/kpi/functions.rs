//! Every function of the language and every null rule, against values computed by hand.
//!
//! The data: three entities over January–April 2026; `a` has no rows in March.
//!
//! | entity | Jan            | Feb | Mar     | Apr          |
//! |--------|----------------|-----|---------|--------------|
//! | a      | 10, 20, (none) | 30  | no rows | 40, 50       |
//! | b      | 5              | 7   | 9       | 11           |
//! | c      | 0              | -2  | 4       | 8, 1, 3, 2   |

use crate::support::{Case, result, round9, series, value};

const DATA: &str = "\
日期,账号,x,kind
2026-01-05,a,10,p
2026-01-20,a,20,q
2026-01-20,a,,p
2026-02-03,a,30,p
2026-04-02,a,40,q
2026-04-30,a,50,p
2026-01-10,b,5,p
2026-02-11,b,7,q
2026-03-12,b,9,p
2026-04-13,b,11,p
2026-01-15,c,0,p
2026-02-15,c,-2,p
2026-03-15,c,4,q
2026-04-15,c,8,p
2026-04-16,c,1,p
2026-04-17,c,3,p
2026-04-18,c,2,p
";

fn case(kpis: &str) -> kpi::appraise::Appraisal {
    let ruleset = format!(
        "ruleset: functions\n\
         grain: {{ entity: account, period: month }}\n\
         sources:\n  rows: {{ path: rows.csv, date: 日期, entity: 账号 }}\n\
         measures:\n  total: sum(rows.x)\n\
         kpis:\n{kpis}"
    );
    Case::new(&ruleset, &[("rows.csv", DATA)]).appraise()
}

/// One KPI per line: `name: formula`.
fn kpis(lines: &[(&str, &str)]) -> String {
    lines.iter().map(|(name, formula)| format!("  {name}: {{ formula: '{formula}' }}\n")).collect()
}

fn month(appraisal: &kpi::appraise::Appraisal, entity: &str, kpi: &str) -> Vec<Option<f64>> {
    series(appraisal, entity, kpi)
}

#[test]
fn aggregations_summarise_the_rows_of_each_entity_and_month() {
    let a = case(&kpis(&[
        ("sum_", "sum(rows.x)"),
        ("mean_", "mean(rows.x)"),
        ("min_", "min(rows.x)"),
        ("max_", "max(rows.x)"),
        ("count_", "count(rows.x)"),
        ("distinct", "count_distinct(rows.kind)"),
        ("first_", "first(rows.x)"),
        ("last_", "last(rows.x)"),
        ("median_", "median(rows.x)"),
        ("q25", "quantile(rows.x, 0.25)"),
    ]));
    assert_eq!(month(&a, "a", "sum_"), [Some(30.0), Some(30.0), None, Some(90.0)]);
    assert_eq!(month(&a, "a", "mean_"), [Some(15.0), Some(30.0), None, Some(45.0)]);
    assert_eq!(month(&a, "a", "min_"), [Some(10.0), Some(30.0), None, Some(40.0)]);
    assert_eq!(month(&a, "a", "max_"), [Some(20.0), Some(30.0), None, Some(50.0)]);
    // `count(x)` counts values, not rows; a month without rows after months with some is a
    // forgotten export: no data, not 0.
    assert_eq!(month(&a, "a", "count_"), [Some(2.0), Some(1.0), None, Some(2.0)]);
    assert_eq!(month(&a, "a", "distinct"), [Some(2.0), Some(1.0), None, Some(2.0)]);
    assert_eq!(month(&a, "a", "first_"), [Some(10.0), Some(30.0), None, Some(40.0)]);
    assert_eq!(month(&a, "a", "last_"), [Some(20.0), Some(30.0), None, Some(50.0)]);
    assert_eq!(month(&a, "c", "median_"), [Some(0.0), Some(-2.0), Some(4.0), Some(2.5)]);
    // Excel's PERCENTILE.INC: [1, 2, 3, 8] at 0.25 is 1 + 0.75 × (2 − 1).
    assert_eq!(month(&a, "c", "q25"), [Some(0.0), Some(-2.0), Some(4.0), Some(1.75)]);
    assert_eq!(month(&a, "a", "q25"), [Some(12.5), Some(30.0), None, Some(42.5)]);
}

#[test]
fn a_filter_that_keeps_no_rows_gives_zero_for_sum_and_count_and_null_otherwise() {
    let a = case(&kpis(&[
        ("q_sum", r#"sum(rows.x, where = rows.kind == "q")"#),
        ("q_count", r#"count(rows.x, where = rows.kind == "q")"#),
        ("q_mean", r#"mean(rows.x, where = rows.kind == "q")"#),
        ("big", "sum(rows.x, where = rows.x > 15)"),
    ]));
    assert_eq!(month(&a, "a", "q_sum"), [Some(20.0), Some(0.0), None, Some(40.0)]);
    assert_eq!(month(&a, "a", "q_count"), [Some(1.0), Some(0.0), None, Some(1.0)]);
    assert_eq!(month(&a, "a", "q_mean"), [Some(20.0), None, None, Some(40.0)]);
    assert_eq!(month(&a, "a", "big"), [Some(20.0), Some(30.0), None, Some(90.0)]);
}

#[test]
fn period_functions_follow_the_calendar_and_never_skip_a_gap() {
    let a = case(&kpis(&[
        ("prev_", "prev(total)"),
        ("prev2", "prev(total, n = 2)"),
        ("change_", "change(total)"),
        ("growth", "pct_change(total)"),
        ("roll_sum", "rolling_sum(total, 2)"),
        ("roll_mean", "rolling_mean(total, 3)"),
        ("roll_std", "rolling_std(total, 3)"),
        ("ytd", "to_date(total)"),
    ]));
    // a: 30, 30, (no data), 90. April's previous month is the empty March, not February.
    assert_eq!(month(&a, "a", "prev_"), [None, Some(30.0), Some(30.0), None]);
    assert_eq!(month(&a, "a", "prev2"), [None, None, Some(30.0), Some(30.0)]);
    assert_eq!(month(&a, "a", "change_"), [None, Some(0.0), None, None]);
    assert_eq!(month(&a, "a", "growth"), [None, Some(0.0), None, None]);
    assert_eq!(month(&a, "a", "roll_sum"), [Some(30.0), Some(60.0), Some(30.0), Some(90.0)]);
    assert_eq!(month(&a, "a", "roll_mean"), [Some(30.0), Some(30.0), Some(30.0), Some(60.0)]);
    // The sample standard deviation of the non-null values in the window, null below two: in
    // April, 30 and 90 (March has none).
    assert_eq!(month(&a, "a", "roll_std"), [None, Some(0.0), Some(0.0), Some(42.426406871)]);
    assert_eq!(month(&a, "a", "ytd"), [Some(30.0), Some(60.0), Some(60.0), Some(150.0)]);
    // c: 0, -2, 4, 14. Growth from 0 is null; from -2 to 4 is 4 / -2 − 1.
    assert_eq!(month(&a, "c", "growth"), [None, None, Some(-3.0), Some(2.5)]);
}

#[test]
fn entity_functions_compare_the_entities_of_one_period() {
    let a = case(&kpis(&[
        ("rank_", "rank(total)"),
        ("tied", "rank(round(total / 100))"),
        ("pctl", "percentile(total)"),
        ("share_", "share(total)"),
        ("avg", "mean_all(total)"),
        ("z", "zscore(total)"),
    ]));
    // January: a 30, b 5, c 0. March: a has no data, b 9, c 4.
    assert_eq!(month(&a, "a", "rank_"), [Some(1.0), Some(1.0), None, Some(1.0)]);
    assert_eq!(month(&a, "c", "rank_"), [Some(3.0), Some(3.0), Some(2.0), Some(2.0)]);
    // Rounded to hundreds everyone ties at 0 until April, when a reaches 1: ties share rank 1.
    assert_eq!(month(&a, "b", "tied"), [Some(1.0), Some(1.0), Some(1.0), Some(2.0)]);
    assert_eq!(month(&a, "b", "pctl")[0], Some(round9(2.0 / 3.0)));
    assert_eq!(month(&a, "c", "pctl")[2], Some(0.5));
    assert_eq!(month(&a, "a", "pctl")[2], None);
    assert_eq!(month(&a, "a", "share_")[0], Some(round9(30.0 / 35.0)));
    assert_eq!(month(&a, "b", "share_")[2], Some(round9(9.0 / 13.0)));
    assert_eq!(month(&a, "a", "avg")[0], Some(round9(35.0 / 3.0)));
    assert_eq!(month(&a, "a", "avg")[2], Some(6.5));
    let mean: f64 = 35.0 / 3.0;
    let sd = (((30.0 - mean).powi(2) + (5.0 - mean).powi(2) + (0.0 - mean).powi(2)) / 2.0).sqrt();
    assert_eq!(month(&a, "a", "z")[0], Some(round9((30.0 - mean) / sd)));
}

#[test]
fn an_entity_is_never_its_own_benchmark_across_entities() {
    // Only `b` has rows in March once `a` and `c` are filtered out: it would be 100% of itself.
    let a = case(&kpis(&[
        ("alone", "mean_all(total)"),
        ("b_only", "share(if total > 8 then total else null)"),
        ("b_ranked", "rank(if total > 8 then total else null)"),
        ("allowed", "share(if total > 8 then total else null, min_peers = 1)"),
        ("three", "mean_all(total, min_peers = 3)"),
    ]));
    // March: b 9, c 4; `a` has no rows. Two peers: the default minimum.
    assert_eq!(month(&a, "b", "alone")[2], Some(6.5));
    // Only b's March total (9) is above 8: one entity with a value, no share and no rank.
    assert_eq!(month(&a, "b", "b_only")[2], None);
    assert_eq!(month(&a, "b", "b_ranked")[2], None);
    assert_eq!(month(&a, "b", "allowed")[2], Some(1.0), "`min_peers = 1` lets one entity stand alone");
    // January has three entities with a total, March two.
    assert_eq!(month(&a, "b", "three")[0], Some(round9(35.0 / 3.0)));
    assert_eq!(month(&a, "b", "three")[2], None);
}

#[test]
fn zscore_is_null_when_every_entity_has_the_same_value() {
    let a = case(&kpis(&[("flat", "zscore(round(total / 1000))")]));
    assert_eq!(month(&a, "a", "flat"), [None, None, None, None]);
}

#[test]
fn scalar_functions_compute_like_a_spreadsheet() {
    let a = case(&kpis(&[
        ("abs_", "abs(total)"),
        ("r2", "round(2.675, 2)"),
        ("r_half", "round(-2.5)"),
        ("r_hundreds", "round(1234.5, -2)"),
        ("ln0", "ln(total)"),
        ("log", "log10(1000)"),
        ("root", "sqrt(total)"),
        ("e0", "exp(0)"),
        ("clamped", "clamp(total, 0, 10)"),
        ("fallback", "coalesce(total, -1)"),
        ("unless30", "nullif(total, 30)"),
        ("low", "least(total, 20)"),
        ("high", "greatest(total, 20)"),
        ("empty", "if is_null(total) then 1 else 0"),
    ]));
    assert_eq!(month(&a, "c", "abs_"), [Some(0.0), Some(2.0), Some(4.0), Some(14.0)]);
    assert_eq!(value(&a, "a", "2026-01", "r2"), Some(2.68));
    assert_eq!(value(&a, "a", "2026-01", "r_half"), Some(-3.0));
    assert_eq!(value(&a, "a", "2026-01", "r_hundreds"), Some(1200.0));
    // The logarithm of 0 and the root of −2 are no data, not −inf or NaN.
    assert_eq!(month(&a, "c", "ln0"), [None, None, Some(round9(4f64.ln())), Some(round9(14f64.ln()))]);
    assert_eq!(month(&a, "a", "log")[0], Some(3.0));
    assert_eq!(month(&a, "c", "root"), [Some(0.0), None, Some(2.0), Some(round9(14f64.sqrt()))]);
    assert_eq!(value(&a, "a", "2026-01", "e0"), Some(1.0));
    assert_eq!(month(&a, "c", "clamped"), [Some(0.0), Some(0.0), Some(4.0), Some(10.0)]);
    assert_eq!(month(&a, "a", "fallback"), [Some(30.0), Some(30.0), Some(-1.0), Some(90.0)]);
    assert_eq!(month(&a, "a", "unless30"), [None, None, None, Some(90.0)]);
    // least and greatest ignore a missing argument.
    assert_eq!(month(&a, "a", "low"), [Some(20.0), Some(20.0), Some(20.0), Some(20.0)]);
    assert_eq!(month(&a, "a", "high"), [Some(30.0), Some(30.0), Some(20.0), Some(90.0)]);
    assert_eq!(month(&a, "a", "empty"), [Some(0.0), Some(0.0), Some(1.0), Some(0.0)]);
}

#[test]
fn functions_of_numbers_written_out_compute_like_functions_of_columns() {
    let a = case(&kpis(&[
        ("cond", "if true then 1 else 2"),
        ("unless", "nullif(1, 2)"),
        ("changed", "change(1)"),
        ("grew", "pct_change(2)"),
        ("running", "to_date(1)"),
        ("pctl", "percentile(1)"),
        ("share_", "share(1)"),
        ("z", "zscore(1)"),
        ("ranked", "rank(1)"),
        ("average", "mean_all(1)"),
        ("before", "prev(1)"),
        ("unknown", "if null then 1 else 2"),
    ]));
    let at = |kpi: &str| value(&a, "a", "2026-02", kpi);
    assert_eq!(
        [at("cond"), at("unless"), at("changed"), at("grew"), at("running")],
        [Some(1.0), Some(1.0), Some(0.0), Some(0.0), Some(2.0)]
    );
    // Three entities, each with 1.
    assert_eq!(
        [at("pctl"), at("share_").map(round9), at("z"), at("ranked"), at("average")],
        [Some(1.0), Some(round9(1.0 / 3.0)), None, Some(1.0), Some(1.0)]
    );
    assert_eq!([at("before"), at("unknown")], [Some(1.0), None]);
}

#[test]
fn round_is_exact_for_every_digits_argument() {
    let a = case(&kpis(&[
        ("big", "round(5e15, 0)"),
        ("six", "round(987654321.5, 6)"),
        ("fourteen", "round(50, 14)"),
        ("thousand", "round(total, 1000)"),
        ("minus_thousand", "round(total, -1000)"),
    ]));
    assert_eq!(value(&a, "a", "2026-01", "big"), Some(5e15));
    assert_eq!(value(&a, "a", "2026-01", "six"), Some(987654321.5));
    assert_eq!(value(&a, "a", "2026-01", "fourteen"), Some(50.0));
    assert_eq!(month(&a, "a", "thousand"), [Some(30.0), Some(30.0), None, Some(90.0)]);
    assert_eq!(month(&a, "a", "minus_thousand"), [Some(0.0), Some(0.0), None, Some(0.0)]);
}

#[test]
fn an_overflow_is_no_data_and_nothing_is_scored_from_it() {
    let ruleset = "ruleset: overflow\n\
         grain: { entity: account, period: month }\n\
         sources:\n  rows: { path: rows.csv, date: 日期, entity: 账号 }\n\
         measures:\n  total: sum(rows.x)\n\
         kpis:\n\
         \x20 times: { formula: 'total * 1e308 * 10', target: 1, bands: { any: otherwise } }\n\
         \x20 tiny: { formula: '1 / (total * 1e308 * 10)', target: 1 }\n\
         \x20 quotient: { formula: '1e308 / (total / 1e308)', target: 1 }\n\
         \x20 root: { formula: 'sqrt(total * 1e308 * 1e308)', target: 1 }\n\
         \x20 summed: { formula: 'rolling_sum(1.5e308 + total * 0, 12)', target: 1 }\n\
         scorecards:\n  main: { weights: { times: 100 } }\n\
         grades: { A: '>= 0', B: otherwise }\n";
    let data = "日期,账号,x\n2026-01-05,a,10\n2026-02-05,a,20\n2026-03-05,a,30\n2026-04-05,a,40\n";
    let a = Case::new(ruleset, &[("rows.csv", data)]).appraise();
    for kpi in ["times", "tiny", "quotient", "root"] {
        let result = result(&a, "a", "2026-01", kpi);
        assert_eq!((result.value, result.score, result.band.as_deref()), (None, None, None), "{kpi}");
    }
    // Each value is finite; their sum over two months is not.
    let summed: Vec<Option<f64>> = ["2026-01", "2026-02"].iter().map(|p| value(&a, "a", p, "summed")).collect();
    assert_eq!(summed, [Some(1.5e308), None]);
    let total = a.scorecards.iter().find(|s| s.period == "2026-01").unwrap();
    assert_eq!((total.score, total.grade.as_deref()), (None, None));
}

#[test]
fn scoring_functions_give_points_out_of_100() {
    let a = case(&kpis(&[
        ("capped", "attainment(total, 20, 120%)"),
        ("uncapped", "attainment(total, 20)"),
        ("zero_target", "attainment(total, 0, 120%)"),
        ("lin", "linear(total, 0, 60)"),
        ("lin_down", "linear(total, 60, 0)"),
    ]));
    assert_eq!(month(&a, "a", "capped"), [Some(120.0), Some(120.0), None, Some(120.0)]);
    assert_eq!(month(&a, "b", "uncapped"), [Some(25.0), Some(35.0), Some(45.0), Some(55.0)]);
    assert_eq!(month(&a, "a", "zero_target"), [None, None, None, None]);
    assert_eq!(month(&a, "a", "lin"), [Some(50.0), Some(50.0), None, Some(100.0)]);
    assert_eq!(month(&a, "c", "lin"), [Some(0.0), Some(0.0), Some(round9(400.0 / 60.0)), Some(round9(1400.0 / 60.0))]);
    assert_eq!(month(&a, "a", "lin_down"), [Some(50.0), Some(50.0), None, Some(0.0)]);
}

#[test]
fn null_is_no_data_on_every_path() {
    let a = case(&kpis(&[
        ("by_zero", "total / 0"),
        ("zero_by_zero", "(total - total) / 0"),
        ("by_null", "total / null"),
        ("by_zero_measure", "10 / total"),
        ("cond", "if total > 10 then 1 else 0"),
        ("chain", "if total > 50 then 2 elif total > 10 then 1 else 0"),
        ("logic", "if total > 10 and total < 100 then 1 else 0"),
        ("power", "(total - 31) ^ 0.5"),
    ]));
    assert_eq!(month(&a, "a", "by_zero"), [None, None, None, None]);
    assert_eq!(month(&a, "a", "zero_by_zero"), [None, None, None, None]);
    assert_eq!(month(&a, "a", "by_null"), [None, None, None, None]);
    assert_eq!(month(&a, "c", "by_zero_measure"), [None, Some(-5.0), Some(2.5), Some(round9(10.0 / 14.0))]);
    // A null condition gives null, not the `else` branch.
    assert_eq!(month(&a, "a", "cond"), [Some(1.0), Some(1.0), None, Some(1.0)]);
    assert_eq!(month(&a, "a", "chain"), [Some(1.0), Some(1.0), None, Some(2.0)]);
    assert_eq!(month(&a, "c", "logic"), [Some(0.0), Some(0.0), Some(0.0), Some(1.0)]);
    // The square root of a negative number is no data, not NaN.
    assert_eq!(month(&a, "a", "power"), [None, None, None, Some(round9(59f64.sqrt()))]);
}

#[test]
fn percents_and_written_numbers_are_read_as_fractions() {
    let a = case(&kpis(&[("pct", "30% + 1_000 * 0"), ("sci", "1e3 / 1e6")]));
    assert_eq!(value(&a, "a", "2026-01", "pct"), Some(0.3));
    assert_eq!(value(&a, "a", "2026-01", "sci"), Some(0.001));
}

#[test]
fn and_and_or_follow_three_valued_logic() {
    let a = case(&kpis(&[
        ("or_true", "if total > 10 or true then 1 else 0"),
        ("and_false", "if total > 10 and false then 1 else 0"),
        ("and_true", "if total > 10 and true then 1 else 0"),
    ]));
    // March has no data for `a`: `null or true` is true, `null and false` is false, `null and true` is null.
    assert_eq!(month(&a, "a", "or_true")[2], Some(1.0));
    assert_eq!(month(&a, "a", "and_false")[2], Some(0.0));
    assert_eq!(month(&a, "a", "and_true")[2], None);
}
