//! Sources larger than memory are read in turns, a share of the entities at a time: the
//! appraisal (values, targets, scores, scorecards, quality notes) is the one a whole read gives,
//! whatever the number of turns.

use std::path::Path;

use kpi::appraise::{Selection, appraise};
use kpi::engine::{Probes, Turns, evaluate_in_turns};
use kpi::project;
use polars::prelude::*;
use polars_io::prelude::ParquetWriter;

use crate::support::{Case, manifest_dir};

/// The whole JSON contract of a ruleset, its sources read in `turns`.
fn appraised(ruleset: &Path, data: Option<&Path>, turns: u32) -> serde_json::Value {
    let ruleset = project::open(ruleset, data).unwrap_or_else(|e| panic!("{e}"));
    let evaluation = evaluate_in_turns(&ruleset, Probes::default(), Turns::Exactly(turns)).unwrap();
    let appraisal = appraise(&ruleset, &evaluation, &Selection::default(), kpi::ruleset::model::Locale::ZhCn);
    serde_json::to_value(appraisal.unwrap()).unwrap()
}

fn assert_same_in_turns(ruleset: &Path, data: Option<&Path>) {
    let whole = appraised(ruleset, data, 1);
    assert!(whole["results"].as_array().is_some_and(|results| !results.is_empty()), "{}", ruleset.display());
    for turns in [2, 3, 7] {
        assert!(appraised(ruleset, data, turns) == whole, "{} differs in {turns} turns", ruleset.display());
    }
}

/// Accounts in one file, read a block at a time: cross-entity functions (rank, percentile,
/// share, zscore) over every account, period functions over every month, distinct counts,
/// medians and first/last by date, an account written with spaces around its name in some
/// rows, a quoted title over two lines, and accounts whose rows are in two files.
#[test]
fn an_account_column_read_in_turns_gives_the_appraisal_of_a_whole_read() {
    let mut users = String::from("day,account,n,title\n");
    let mut later = String::from("day,account,n,title\n");
    for account in 0..40 {
        for day in 1..=28 {
            for month in 1..=3 {
                let name = if day % 5 == 0 { format!(" acct{account} ") } else { format!("acct{account}") };
                let n = (account * 7 + day * 3 + month) % 23;
                let row = format!("2026-{month:02}-{day:02},{name},{n},\"line one\nline {}\"\n", day % 4);
                if account % 3 == 0 && month == 3 { later.push_str(&row) } else { users.push_str(&row) }
            }
        }
    }
    let rules = r#"
ruleset: turns
grain: { entity: account, period: month }
sources:
  users: { path: "users-*.csv", date: day, entity: account }
measures:
  total: sum(users.n)
  days_with_titles: count_distinct(users.title)
  middle: median(users.n)
  opening: first(users.n)
  closing: last(users.n)
kpis:
  total_: { formula: total, target: 300 }
  ranked: { formula: rank(total) }
  top: { formula: percentile(total) }
  part: { formula: share(total) }
  z: { formula: zscore(middle) }
  growth: { formula: pct_change(total) }
  before: { formula: prev(closing) }
  moving: { formula: 'rolling_mean(total, 2)' }
  titles: { formula: days_with_titles }
  spread: { formula: closing - opening }
"#;
    let case = Case::new(rules, &[("users-1.csv", &users), ("users-2.csv", &later)]);
    assert_same_in_turns(&case.ruleset_path(), None);
}

/// Each account's export in a file of its own (the example): a file is read only in the turn
/// of the account it is named after.
#[test]
fn files_named_after_their_accounts_read_in_turns_give_the_same_appraisal() {
    let wechat = manifest_dir().join("examples/wechat");
    assert_same_in_turns(&wechat.join("ruleset.yaml"), None);
}

/// Days missing, rows written twice, counts below 0, bad values, total rows and failed
/// checks: the notes come from every turn's rows.
#[test]
fn quality_notes_are_the_same_in_turns() {
    let fixture = manifest_dir().join("tests/fixtures/quality/every_kind");
    let whole = appraised(&fixture.join("ruleset.yaml"), None, 1);
    assert!(whole["quality"].as_array().is_some_and(|notes| notes.len() >= 5), "the fixture has notes");
    assert_same_in_turns(&fixture.join("ruleset.yaml"), None);
}

/// A Parquet file is read a row group at a time.
#[test]
fn a_parquet_source_read_in_turns_gives_the_same_appraisal() {
    let days: Vec<String> = (0..3000).map(|row| format!("2026-{:02}-{:02}", row % 3 + 1, row % 28 + 1)).collect();
    let accounts: Vec<String> = (0..3000).map(|row| format!("a{}", row % 17)).collect();
    let values: Vec<f64> = (0..3000).map(|row| (row % 11) as f64).collect();
    let mut frame = df!("day" => days, "account" => accounts, "n" => values).unwrap();
    let rules = r#"
ruleset: parquet-turns
grain: { entity: account, period: month }
sources:
  users: { path: users.parquet, date: day, entity: account }
measures:
  total: sum(users.n)
  middle: median(users.n)
kpis:
  total_: { formula: total, target: 500 }
  ranked: { formula: rank(middle) }
  growth: { formula: change(total) }
"#;
    let case = Case::new(rules, &[]);
    let file = std::fs::File::create(case.dir.path().join("users.parquet")).unwrap();
    ParquetWriter::new(file).with_row_group_size(Some(250)).finish(&mut frame).unwrap();
    assert_same_in_turns(&case.ruleset_path(), None);
}
