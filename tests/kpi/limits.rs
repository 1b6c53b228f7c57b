//! Bounds on what an input can cost: formulas check, compile and run in time linear in their
//! length, however they nest; nesting and file-size limits refuse what is past them. (More
//! limits' error messages are in the diagnostics fixtures: `formula_limits`, `yaml_aliases`.)

use std::time::{Duration, Instant};

use crate::support::{Case, value};

/// Formulas at the nesting limits, of each function that reads an operand more than once:
/// written as plain polars expressions, each would double its tree at every level.
#[test]
fn formulas_nested_to_the_limits_evaluate_in_linear_time() {
    let nest = |open: &str, close: &str, times: usize| format!("{}n{}", open.repeat(times), close.repeat(times));
    let kpis = [
        ("changes", nest("change(", ")", 31)),
        ("conditions", format!("if {}n > 1{} then 1 else 0", "if ".repeat(30), " then true else false".repeat(30))),
        ("quotients", nest("n / (", ")", 31)),
        ("across", nest("zscore(share(percentile(", ")))", 10)),
        ("nullifs", nest("nullif(", ", 1)", 31)),
        ("running", nest("pct_change(to_date(", "))", 15)),
        ("sums", vec!["n"; 100].join(" + ")),
    ];
    let kpis: String = kpis.iter().map(|(name, formula)| format!("  {name}: {{ formula: '{formula}' }}\n")).collect();
    let ruleset = format!(
        "ruleset: limits\ngrain: {{ entity: account, period: month }}\n\
         sources:\n  users: {{ path: users.csv, date: day, entity: account }}\n\
         measures:\n  n: sum(users.n)\nkpis:\n{kpis}"
    );
    let case = Case::new(&ruleset, &[("users.csv", "day,account,n\n2026-01-15,a,5\n2026-02-15,a,7\n")]);
    let started = Instant::now();
    let appraisal = case.appraise();
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    assert_eq!(value(&appraisal, "a", "2026-01", "sums"), Some(500.0));
    // 32 `n`s divided in turn: n / (n / (… / n)) is 1 for an even count.
    assert_eq!(value(&appraisal, "a", "2026-01", "quotients"), Some(1.0));
    assert_eq!(value(&appraisal, "a", "2026-02", "conditions"), Some(1.0));
}

#[test]
fn a_diagnosis_text_cannot_grow_past_its_limit() {
    let ruleset = "ruleset: text-limit\ngrain: { entity: account, period: month }\n\
         sources:\n  users: { path: users.csv, date: day, entity: account }\n\
         measures:\n  n: sum(users.n)\nkpis:\n  k: { formula: n }\n\
         diagnoses:\n  - { id: long, when: k > 1, finding: \"{{ 'ab' * 50000000 }}\" }\n";
    let case = Case::new(ruleset, &[("users.csv", "day,account,n\n2026-01-15,a,5\n")]);
    let errors = case.errors();
    assert!(errors.contains("the text of diagnosis `long` failed for `a` in 2026-01"), "{errors}");
    assert!(errors.contains("longer than 16384 bytes"), "{errors}");
}

#[test]
fn lists_and_maps_nested_past_the_limit_are_refused() {
    let nested: String = (0..70).map(|depth| format!("{}k{depth}:\n", "  ".repeat(depth))).collect();
    let case = Case::new(&format!("ruleset: deep\nx:\n{nested}"), &[]);
    let errors = case.errors();
    assert!(errors.contains("error[E102]: lists and maps nest more than 64 levels"), "{errors}");
}

#[test]
fn a_ruleset_file_larger_than_the_limit_is_not_read() {
    let case = Case::new("ruleset: child\nextends: big.yaml\n", &[]);
    let big = format!("ruleset: big\n# {}\n", "x".repeat(1024 * 1024));
    std::fs::write(case.dir.path().join("big.yaml"), big).unwrap();
    let errors = case.errors();
    assert!(errors.contains("`case/big.yaml` is not read as a ruleset: it is larger than 1 MiB"), "{errors}");
}
