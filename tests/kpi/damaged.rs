//! Damaged and crafted downloads, as consultants really get them: each is a diagnostic that
//! names the file (exit 2), never a crash, an abort or a hang, and costs what the file holds.

use crate::support::{Case, manifest_dir};

/// A ruleset reading `file` as its only source: a date, an account and a number column.
fn reading(file: &str, date: &str, entity: &str, number: &str) -> String {
    format!(
        "ruleset: t\ngrain: {{ entity: account, period: month }}\nsources:\n  rows:\n    path: \"{file}\"\n    date: {date}\n    entity: {entity}\n\
         kpis:\n  total: {{ formula: sum(rows.`{number}`) }}\n"
    )
}

fn workbook(name: &str) -> Vec<u8> {
    std::fs::read(manifest_dir().join("tests/fixtures/workbooks").join(name)).unwrap()
}

/// A case whose one file is `bytes`, named `name`.
fn case_with(name: &str, bytes: &[u8], ruleset: &str) -> Case {
    let case = Case::new(ruleset, &[]);
    std::fs::write(case.dir.path().join(name), bytes).unwrap();
    case
}

#[test]
fn a_workbook_claiming_huge_dimensions_or_cut_short_is_a_diagnostic_naming_it() {
    let ruleset = |file: &str| reading(file, "发表日期", "公众号", "阅读人数");
    for (name, expected) in [
        ("huge-dimensions.xls", "claims more cells or space than the file holds"),
        ("interrupted.xls", "the workbook is damaged or cut short"),
    ] {
        let case = case_with(name, &workbook(name), &ruleset(name));
        let errors = case.errors();
        assert!(errors.contains(&format!("error[E506]: cannot read `case/{name}`: ")), "{errors}");
        assert!(errors.contains(expected), "{errors}");
        assert!(!errors.contains("internal error"), "{errors}");
    }
}

#[test]
fn one_cell_at_the_far_corner_of_a_sheet_costs_one_cell() {
    let case = case_with(
        "far-cell.xlsx",
        &workbook("far-cell.xlsx"),
        &reading("far-cell.xlsx", "时间", "公众号", "新关注人数"),
    );
    let appraisal = case.appraise();
    assert_eq!(crate::support::value(&appraisal, "a", "2026-10", "total"), Some(7.0));
}

/// Bytes of `bytes` changed by a small deterministic generator: the damage a disk or a
/// download does, with no randomness a rerun could not repeat.
fn damaged(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut out = bytes.to_vec();
    for _ in 0..1 + next() % 8 {
        let at = next() % out.len();
        out[at] = match next() % 3 {
            0 => 0xFF,
            1 => 0x00,
            _ => next() as u8,
        };
    }
    if next() % 4 == 0 {
        out.truncate(next() % out.len());
    }
    out
}

#[test]
fn byte_damaged_workbooks_are_read_or_refused_never_a_crash() {
    let originals =
        [("articles-text.xlsx", "发表日期", "公众号", "阅读人数"), ("far-cell.xlsx", "时间", "公众号", "新关注人数")];
    for (name, date, entity, number) in originals {
        let bytes = workbook(name);
        for seed in 0..60 {
            let case = case_with(name, &damaged(&bytes, seed), &reading(name, date, entity, number));
            if let Err(errors) = case.try_appraise() {
                let rendered = kpi::diagnostic::render(&errors);
                assert_eq!(errors.exit_code(), 2, "{name}, seed {seed}: {rendered}");
            }
        }
    }
}

#[test]
fn ndjson_whose_every_line_brings_a_new_key_is_refused_past_the_column_limit() {
    let lines: String =
        (0..30_000).map(|i| format!("{{\"day\": \"2026-10-01\", \"account\": \"a\", \"k{i}\": 1}}\n")).collect();
    let case = Case::new(&reading("rows.ndjson", "day", "account", "k1"), &[("rows.ndjson", &lines)]);
    let errors = case.errors();
    assert!(
        errors.contains("cannot read `case/rows.ndjson`: line 4095 brings more than 4096 different keys"),
        "{errors}"
    );
    // Under the limit, each line costs the keys it has.
    let lines: String =
        (0..4_000).map(|i| format!("{{\"day\": \"2026-10-01\", \"account\": \"a\", \"k{i}\": 1}}\n")).collect();
    let case = Case::new(&reading("rows.ndjson", "day", "account", "k1"), &[("rows.ndjson", &lines)]);
    assert_eq!(crate::support::value(&case.appraise(), "a", "2026-10", "total"), Some(1.0));
}

#[test]
fn an_html_table_of_any_shape_is_read_in_one_pass() {
    let headers = "<tr><th>day</th><th>account</th><th>n</th></tr>\n".repeat(5_000);
    let unclosed = "<tr><td>2026-10-01<td>a<td>1\n".repeat(20_000);
    let page = format!("<html><table>{headers}{unclosed}");
    let case = Case::new(&reading("rows.html", "day", "account", "n"), &[("rows.html", &page)]);
    // The repeated header rows are rows of the table: their `day` is not a date.
    let errors = case.errors();
    assert!(errors.contains("line 2 of `case/rows.html`"), "{errors}");
}

#[test]
fn a_bad_value_is_named_at_its_own_line_in_html_tables_and_workbooks() {
    let page = "<table>\n<tr><th>day</th><th>account</th><th>n</th></tr>\n<tr><td>2026-10-01</td><td>a</td><td>1</td></tr>\n\n\
                <tr></tr>\n<tr><td>2026-10-02</td><td>a</td><td>oops</td></tr>\n</table>";
    let case = Case::new(&reading("rows.html", "day", "account", "n"), &[("rows.html", page)]);
    let errors = case.errors();
    assert!(errors.contains("cannot read `oops` as a number (column `n`, line 6 of `case/rows.html`)"), "{errors}");
}

#[test]
fn blank_rows_as_excel_saves_them_are_skipped_in_csv_as_in_workbooks() {
    let csv = "day,account,n\n2026-10-01,a,1\n2026-10-02,a,2\n,,\n,,\n\n";
    let case = Case::new(&reading("rows.csv", "day", "account", "n"), &[("rows.csv", csv)]);
    assert_eq!(crate::support::value(&case.appraise(), "a", "2026-10", "total"), Some(3.0));
}

#[test]
fn a_column_named_like_the_engine_s_own_is_a_column_like_any_other() {
    let csv = "day,account,row,:line,:bad 0\n2026-10-01,a,1,2,3\n2026-10-02,,x,5,6\n";
    let case = Case::new(&reading("rows.csv", "day", "account", "row"), &[("rows.csv", csv)]);
    let errors = case.errors();
    assert!(errors.contains("line 3 of `case/rows.csv` (source `rows`) lacks an entity"), "{errors}");
    let csv = "day,account,row\n2026-10-01,a,1\n2026-10-02,a,x\n";
    let case = Case::new(&reading("rows.csv", "day", "account", "row"), &[("rows.csv", csv)]);
    let errors = case.errors();
    assert!(errors.contains("cannot read `x` as a number (column `row`, line 3 of `case/rows.csv`)"), "{errors}");
}

#[test]
fn text_named_like_a_workbook_is_read_as_the_text_it_is() {
    let tsv = "day\taccount\tn\n2026-10-01\ta\t4\n";
    let case = Case::new(&reading("rows.xls", "day", "account", "n"), &[("rows.xls", tsv)]);
    assert_eq!(crate::support::value(&case.appraise(), "a", "2026-10", "total"), Some(4.0));
}

#[test]
fn numbers_written_for_people_or_gbk_past_the_sampled_head_are_read_right() {
    let plain: String = (0..30_000).map(|_| "2026-10-01,a,1\n").collect();
    let csv = format!("day,account,n\n{plain}2026-10-02,a,\"1,234\"\n");
    let case = Case::new(&reading("rows.csv", "day", "account", "n"), &[("rows.csv", &csv)]);
    assert_eq!(crate::support::value(&case.appraise(), "a", "2026-10", "total"), Some(31_234.0));
    let text = format!("day,account,n\n{plain}2026-10-02,晨光,5\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let case = Case::new(&reading("rows.csv", "day", "account", "n"), &[]);
    std::fs::write(case.dir.path().join("rows.csv"), gbk.as_ref()).unwrap();
    let appraisal = case.appraise();
    assert_eq!(crate::support::value(&appraisal, "晨光", "2026-10", "total"), Some(5.0));
}

#[test]
fn a_bad_value_past_the_sample_is_named_whatever_unused_columns_hold() {
    // Found by the `files` fuzz target: a column no formula reads, numbers in the sample and
    // `64'` past it, once made the search for the bad value fail ("internal error").
    let plain: String = (0..300).map(|_| "2026-10-01,a,1,236\n").collect();
    let csv = format!("day,account,n,unused\n{plain}2026-10-02,a,2,64'\n2026-10-03,a,x,1\n");
    let case = Case::new(&reading("rows.csv", "day", "account", "n"), &[("rows.csv", &csv)]);
    let errors = case.errors();
    assert!(errors.contains("cannot read `x` as a number (column `n`, line 303 of"), "{errors}");
}
