//! The `kpi` binary end to end on the example client.

use std::process::{Command, Output};

use crate::support::manifest_dir;

fn kpi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("COLUMNS")
        .output()
        .expect("kpi runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const EXAMPLE: &str = "examples/wechat/ruleset.yaml";

#[test]
fn check_passes_on_the_example_and_prints_nothing() {
    let output = kpi(&["check", EXAMPLE, "--data", "examples/wechat"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
}

#[test]
fn check_fails_with_exit_code_2_and_a_diagnostic() {
    let output = kpi(&["check", "tests/fixtures/errors/names/ruleset.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).starts_with("error[E307]: unknown source `users`"), "{}", stderr(&output));
}

#[test]
fn run_prints_the_json_contract() {
    let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["ruleset"], "chenguang-wechat");
    assert_eq!(json["version"], "2026.11");
    assert_eq!(json["periods"], serde_json::json!(["2026-10"]));
    let results = json["results"].as_array().unwrap();
    let first = &results[0];
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["entity", "period", "kpi", "value", "target", "attainment", "score", "band"]);
    // Percent KPIs are fractions; rows come by entity, period, then declaration order.
    let read_rate = results.iter().find(|r| r["kpi"] == "read_rate").unwrap();
    assert!(read_rate["value"].as_f64().unwrap() < 1.0);
    assert_eq!(read_rate["target"], 0.3);
    assert_eq!(results[0]["kpi"], "net_follower_growth");
    assert!(json["scorecards"].is_array() && json["diagnoses"].is_array());
}

#[test]
fn a_missing_month_is_present_with_no_data() {
    let output = kpi(&["run", EXAMPLE, "--entity", "晨光会员俱乐部", "--period", "2026-03", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["value"].is_null()), "{results:?}");
}

#[test]
fn run_writes_csv_and_parquet_files() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    let output = kpi(&["run", EXAMPLE, "--format", "csv", "-o", csv.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = std::fs::read_to_string(&csv).unwrap();
    // A byte-order mark, so that Excel reads UTF-8; the contract's columns, then the labels,
    // then whether the value covers part of the period.
    let header = "\u{feff}entity,period,kpi,value,target,attainment,score,band,kpi_label,band_label,partial\n";
    assert!(text.starts_with(header), "{text}");
    // Integers without `.0`, labels in the ruleset's language beside the ids.
    assert!(text.contains("\n晨光咖啡,2026-10,net_follower_growth,13149,,,,,净增粉丝数,,false\n"), "{text}");
    assert!(text.contains(",read_rate,") && text.contains(",合格,阅读率,合格,false\n"), "{text}");
    let parquet = dir.path().join("out.parquet");
    let output = kpi(&["run", EXAMPLE, "--format", "parquet", "-o", parquet.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read(&parquet).unwrap().starts_with(b"PAR1"));
    // The KPI rows are the JSON's `results`, row for row, though the Parquet run appraises no
    // scorecards or diagnoses.
    use polars_io::prelude::{ParquetReader, SerReader};
    let frame = ParquetReader::new(std::fs::File::open(&parquet).unwrap()).finish().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&kpi(&["run", EXAMPLE, "--format", "json"]).stdout).unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(frame.height(), results.len());
    let scores = frame.column("score").unwrap().f64().unwrap();
    let kpis = frame.column("kpi").unwrap().str().unwrap();
    for (row, result) in results.iter().enumerate() {
        assert_eq!(kpis.get(row), result["kpi"].as_str(), "row {row}");
        // Two runs may add a sum's rows in another order, across the cores: the last digit may differ.
        let (written, json) = (scores.get(row), result["score"].as_f64());
        assert_eq!(written.is_some(), json.is_some(), "row {row}");
        assert!(written.zip(json).is_none_or(|(a, b)| (a - b).abs() <= 1e-9 * b.abs().max(1.0)), "row {row}");
    }
}

#[test]
fn the_table_shows_labels_and_formatted_values() {
    let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--entity", "晨光咖啡", "--lang", "en"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains("Read rate"), "{table}");
    assert!(table.contains("30.0%"), "{table}");
}

#[test]
fn bad_flags_are_usage_errors() {
    let output = kpi(&["run", EXAMPLE, "--period", "2026-13"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`2026-13` is not a period"), "{}", stderr(&output));
    let output = kpi(&["run", EXAMPLE, "--entity", "晨光咖啡啡"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `晨光咖啡`?"), "{}", stderr(&output));
    let output = kpi(&["run", EXAMPLE, "--period", "2030-01"]);
    assert!(stderr(&output).contains("outside the data"), "{}", stderr(&output));
    let output = kpi(&["run", EXAMPLE, "--lang", "fr"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn explain_prints_the_audit_trail_of_a_kpi() {
    let output = kpi(&["explain", EXAMPLE, "read_rate", "--entity", "晨光咖啡", "--period", "2026-10", "--lang", "en"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("Read rate (read_rate) · 晨光咖啡 · 2026-10\n"), "{text}");
    assert!(text.contains("articles: "), "{text}");
    assert!(text.contains("target: 30.0% (set in the ruleset: 30%)"), "{text}");
    assert!(text.contains("Brand exposure (brand_exposure): weight 20"), "{text}");
}

#[test]
fn fail_on_exits_1_when_a_diagnosis_of_that_severity_fires() {
    let output = kpi(&["run", EXAMPLE, "--format", "json", "--fail-on", "warning"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(json["diagnoses"].as_array().unwrap().iter().any(|d| d["severity"] == "warning"));
    let quiet = kpi(&[
        "run",
        EXAMPLE,
        "--format",
        "json",
        "--entity",
        "晨光咖啡",
        "--period",
        "2025-12",
        "--fail-on",
        "critical",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&quiet.stdout).unwrap();
    let critical = json["diagnoses"].as_array().unwrap().iter().any(|d| d["severity"] == "critical");
    assert_eq!(quiet.status.code(), Some(if critical { 1 } else { 0 }));
}

#[test]
fn fail_on_says_which_diagnoses_matched_on_standard_error() {
    // A scheduled job writing its results to a file fails with the reason, in the report
    // language: also from a format that writes the KPI rows alone, which appraises no more.
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "parquet"] {
        let file = dir.path().join(format!("results.{format}"));
        let args = ["run", EXAMPLE, "--period", "2026-10", "--format", format, "--fail-on", "warning", "--lang", "en"];
        let output = kpi(&[&args[..], &["-o", file.to_str().unwrap()]].concat());
        assert_eq!(output.status.code(), Some(1));
        let said = stderr(&output);
        assert!(said.starts_with("--fail-on warning: 9 diagnoses at that level or worse\n"), "{format}: {said}");
        let open_rate = "\n  晨光咖啡 · 2026-10 · warning · Open rate 39.7% is under the 40% bar\n";
        assert!(said.contains(open_rate), "{format}: {said}");
        assert!(!said.contains("· info ·"), "info is below warning: {said}");
    }
}

#[test]
fn report_writes_the_latest_period_with_the_client_templates_and_no_progress_bar_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let output = kpi(&[
        "report",
        EXAMPLE,
        "--per-entity",
        "--templates",
        "examples/wechat/custom-templates",
        "--format",
        "html",
        "-o",
        out,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains('\r'), "no progress bar on a pipe: {}", stderr(&output));
    let html = std::fs::read_to_string(dir.path().join("2026-10/entities/晨光咖啡.html")).unwrap();
    assert!(html.contains(r#"<img alt="晨光咖啡" width="40" height="40" src="data:image/svg+xml;base64,"#));
    assert!(dir.path().join("2026-10/portfolio.html").is_file());
    assert!(!dir.path().join("2026-10/portfolio.md").exists(), "only the formats asked for");
}

#[test]
fn every_example_checks_and_runs() {
    for (ruleset, data) in [
        ("examples/wechat/ruleset.yaml", None),
        ("examples/tour/ruleset.yaml", Some("examples/wechat")),
        ("examples/targets/ruleset.yaml", None),
        ("examples/formats/ruleset.yaml", None),
    ] {
        let data_args: Vec<&str> = data.map(|d| vec!["--data", d]).unwrap_or_default();
        let check = kpi(&[&["check", ruleset][..], &data_args].concat());
        assert!(check.status.success(), "{ruleset}: {}", stderr(&check));
        let run = kpi(&[&["run", ruleset, "--format", "json"][..], &data_args].concat());
        assert!(run.status.success(), "{ruleset}: {}", stderr(&run));
        let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert!(
            json["results"].as_array().unwrap().iter().any(|r| r["value"].is_number()),
            "{ruleset} computes values"
        );
    }
}

#[test]
fn control_characters_from_data_are_escaped_on_the_terminal() {
    let case = crate::support::Case::new(
        "ruleset: controls\ngrain: { entity: account, period: month }\n\
         sources:\n  rows: { path: rows.csv, date: date, entity: account }\n\
         kpis:\n  reads: { formula: sum(rows.reads) }\n\
         diagnoses:\n  - { id: says, when: reads > 0, finding: \"{{ entity }} read\" }\n",
        &[("rows.csv", "date,account,reads\n2026-01-05,\"a\x1b]0;owned\x07b\x1b[31m\",5\n")],
    );
    let ruleset = case.ruleset_path();
    let output = kpi(&["run", ruleset.to_str().unwrap(), "--period", "2026-01"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let shown = stdout(&output);
    assert!(!shown.contains('\x1b') && !shown.contains('\x07'), "{shown:?}");
    assert!(shown.contains("a\\u{1b}]0;owned\\u{7}b\\u{1b}[31m read"), "{shown}");
    std::fs::write(case.dir.path().join("rows.csv"), "date,account,reads\n2026-01-05,a,5\n\x1b[2J2026-01-07,b,1\n")
        .unwrap();
    let output = kpi(&["run", ruleset.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr(&output).contains('\x1b') && stderr(&output).contains("\\u{1b}"), "{}", stderr(&output));
}

#[test]
fn check_with_data_fails_wherever_run_fails_on_the_same_files() {
    let ruleset = "tests/fixtures/errors/bad_numbers/ruleset.yaml";
    let data = "tests/fixtures/errors/bad_numbers";
    let check = kpi(&["check", ruleset, "--data", data]);
    let run = kpi(&["run", ruleset, "--data", data]);
    assert_eq!((check.status.code(), run.status.code()), (Some(2), Some(2)));
    assert_eq!(stderr(&check), stderr(&run));
    assert!(stderr(&check).contains("cannot read `合计` as a number"), "{}", stderr(&check));
}

#[test]
fn the_json_names_the_ruleset_and_data_it_came_from_by_content() {
    let hashes = |data: &std::path::Path| {
        let output =
            kpi(&["run", "tests/fixtures/diff/old.yaml", "--data", data.to_str().unwrap(), "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        (json["ruleset_hash"].as_str().unwrap().to_string(), json["data_hash"].as_str().unwrap().to_string())
    };
    let copy = tempfile::tempdir().unwrap();
    std::fs::create_dir(copy.path().join("data")).unwrap();
    for file in ["users.csv", "accounts.csv"] {
        std::fs::copy(manifest_dir().join("tests/fixtures/diff/data").join(file), copy.path().join("data").join(file))
            .unwrap();
    }
    let original = hashes(&manifest_dir().join("tests/fixtures/diff"));
    assert_eq!(hashes(copy.path()), original, "the same bytes in another folder are the same data");
    assert_eq!(original.0.len(), 16);
    let users = copy.path().join("data/users.csv");
    let text = std::fs::read_to_string(&users).unwrap();
    std::fs::write(&users, text.replace("200,20", "200,21")).unwrap();
    let changed = hashes(copy.path());
    assert_eq!(changed.0, original.0, "the ruleset is the same");
    assert_ne!(changed.1, original.1, "one changed value changes the data's hash");
}

#[test]
fn an_output_file_is_written_through_a_symbolic_link_and_into_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared.json");
    std::fs::write(&shared, "stale").unwrap();
    let link = dir.path().join("results.json");
    std::os::unix::fs::symlink(&shared, &link).unwrap();
    let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--format", "json", "-o", link.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    let written = std::fs::read_to_string(&shared).unwrap();
    assert!(written.starts_with("{\n  \"ruleset\": \"chenguang-wechat\""), "{written}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 2, "nothing else is left: {names:?}");
    for special in ["/dev/stdout", "/proc/self/fd/1"] {
        let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--format", "csv", "-o", special]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stdout(&output).starts_with("\u{feff}entity,period,kpi,value"), "{special}: {}", stdout(&output));
    }
}

#[test]
fn an_entity_that_would_start_a_formula_is_text_in_the_csv() {
    let ruleset = "ruleset: t\ngrain: { entity: account, period: month }\nsources:\n  users:\n    path: users.csv\n    date: day\n    entity: account\nkpis:\n  growth: { formula: sum(users.new) }\n";
    let users = "day,account,new\n2026-10-01,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-5\n2026-10-01,@SUM(1+1)|cmd,3\n2026-10-01,plain,4\n";
    let case = crate::support::Case::new(ruleset, &[("users.csv", users)]);
    let output = kpi(&["run", case.ruleset_path().to_str().unwrap(), "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let csv = stdout(&output);
    assert!(csv.contains("\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",2026-10,growth,-5,"), "{csv}");
    assert!(csv.contains("\n'@SUM(1+1)|cmd,2026-10,growth,3,"), "{csv}");
    assert!(csv.contains("\nplain,2026-10,growth,4,"), "{csv}");
}

#[test]
fn report_counts_reports_and_files_in_the_report_language() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let said = |args: &[&str]| {
        let output = kpi(&[&["report", EXAMPLE, "-o", dir][..], args].concat());
        assert!(output.status.success(), "{}", stderr(&output));
        stderr(&output).lines().last().unwrap().replace(dir, "OUT")
    };
    assert_eq!(said(&["--format", "html", "--lang", "en"]), "wrote 1 report for 2026-10 into OUT/2026-10");
    assert_eq!(said(&["--per-entity", "--lang", "en"]), "wrote 4 reports (8 files) for 2026-10 into OUT/2026-10");
    assert_eq!(said(&["--per-entity"]), "已写入 4 个报告（8 个文件），2026-10：OUT/2026-10");
}

#[test]
fn the_csv_reads_as_chinese_in_excel_which_takes_a_file_without_a_mark_for_gbk() {
    // Excel on a Chinese Windows reads a CSV in GBK unless it starts with a UTF-8 byte-order mark.
    let excel = |bytes: &[u8]| match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => String::from_utf8(utf8.to_vec()).unwrap(),
        None => encoding_rs::GBK.decode(bytes).0.into_owned(),
    };
    let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--format", "csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let opened = excel(&output.stdout);
    assert!(opened.contains("\n晨光会员俱乐部,2026-10,net_follower_growth,329,"), "{opened}");
    let without_mark = excel(&output.stdout[3..]);
    assert!(!without_mark.contains("晨光会员俱乐部"), "the mark is what makes it read right: {without_mark}");
}

#[test]
fn the_terminal_lists_findings_most_severe_first_each_new_or_recurring() {
    let output = kpi(&["run", EXAMPLE, "--period", "2026-10", "--entity", "晨光咖啡", "--lang", "en"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    let warning = table.find("[warning · new] Open rate 39.7% is under the 40% bar").expect(&table);
    let recurring = table.find("[warning · 13 periods in a row] Conversion rate 0.85%").expect(&table);
    let info = table.find("[info · new] Followers grew 18.3%").expect(&table);
    assert!(warning < info && recurring < info, "warnings before information: {table}");
}

#[test]
fn the_terminal_table_fits_80_columns_in_both_languages() {
    for language in ["en", "zh-CN"] {
        let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
            .args(["run", EXAMPLE, "--period", "2026-10", "--entity", "晨光咖啡", "--lang", language])
            .current_dir(manifest_dir())
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let table = stdout(&output);
        let widest = table.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap();
        assert!(widest <= 80, "{language}: a line of {widest} columns\n{table}");
        insta::assert_snapshot!(format!("80_columns_{language}"), table);
    }
    let wide = kpi(&["run", EXAMPLE, "--period", "2026-10", "--entity", "晨光咖啡", "--lang", "en", "--wide"]);
    assert!(stdout(&wide).contains("| Compound follower growth (promotion period) |"), "{}", stdout(&wide));
}
