//! Every kind of problem has its message rendered exactly as a user sees it: the fixtures of
//! tests/fixtures/errors show the ruleset's and the data's (`diagnostics.rs`); the command
//! line's, the reports' and the tests' are here, each from the command that meets it. A kind
//! without any rendered example fails `every_kind_of_problem_has_a_rendered_example`.

use std::process::Command;

use kpi::ErrorCode;

use crate::support::{Case, manifest_dir};

/// Two accounts of one brand and a month of rows: valid, so that each test adds one problem.
const RULES: &str = "ruleset: messages\ngrain: { entity: account, period: month }\n\
    sources:\n  users: { path: users.csv, date: day, entity: account }\n  \
    accounts: { path: accounts.csv, entity: account, columns: { brand: brand } }\n\
    measures:\n  new: sum(users.new)\n\
    kpis:\n  fresh: { formula: new, target: 100 }\n";

fn case_with(rules: &str, files: &[(&str, &str)]) -> Case {
    let users = "day,account,new\n2026-10-01,a,200\n2026-10-01,b,100\n";
    let mut all = vec![("users.csv", users), ("accounts.csv", "account,brand\na,晨光\nb,\n")];
    all.extend_from_slice(files);
    Case::new(rules, &all)
}

/// What `kpi ARGS` prints on standard error in the case's folder (English, no colour), with the
/// folder written `<case>`; the exit code must be 2, the user's.
fn stderr_of(case: &Case, args: &[&str]) -> String {
    stderr_exiting(case, args, 2)
}

/// What `kpi ARGS` prints on standard error, exiting with `code`.
fn stderr_exiting(case: &Case, args: &[&str], code: i32) -> String {
    stderr_with(case, args, code, &[])
}

/// What `kpi ARGS` prints on standard error with the environment variables `env` set (or, for
/// `None`, removed), exiting with `code`.
fn stderr_with(case: &Case, args: &[&str], code: i32, env: &[(&str, Option<&str>)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kpi"));
    command.args(args).current_dir(case.dir.path()).env("NO_COLOR", "1");
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = command.output().expect("kpi runs");
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&case.dir.path().display().to_string(), "<case>");
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    stderr
}

#[test]
fn extends_cycle() {
    let case =
        case_with(RULES, &[("a.yaml", "ruleset: a\nextends: b.yaml\n"), ("b.yaml", "ruleset: b\nextends: a.yaml\n")]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "a.yaml"]));
}

#[test]
fn no_source_column() {
    let case = case_with(&RULES.replace("sum(users.new)", "sum(5)"), &[]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml"]));
}

#[test]
fn template() {
    let case = case_with(RULES, &[("house/portfolio.html", "<p>{{ 1 + }}</p>")]);
    insta::assert_snapshot!(stderr_of(&case, &["report", "ruleset.yaml", "--templates", "house", "-o", "out"]));
}

#[test]
fn unknown_period() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["run", "ruleset.yaml", "--period", "2026-13"]));
}

#[test]
fn too_many_files() {
    let case = case_with(&RULES.replace("path: users.csv", "path: \"exports/*.csv\""), &[]);
    let exports = case.dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    for index in 0..=kpi::engine::files::MAX_ENTRIES {
        std::fs::File::create(exports.join(format!("{index}.txt"))).unwrap();
    }
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "."]));
}

#[test]
fn bad_action() {
    let rules = format!("{RULES}actions: actions.csv\n");
    let case = case_with(&rules, &[("actions.csv", "date,entity,kpi,action\n2026-10-32,a,fresh,ran a campaign\n")]);
    insta::assert_snapshot!(stderr_of(&case, &["report", "ruleset.yaml", "-o", "out"]));
}

#[test]
fn not_in_rollup_and_unknown_attribute() {
    let case = case_with(RULES, &[]);
    let left_out = stderr_exiting(&case, &["run", "ruleset.yaml", "--by", "brand", "-o", "out.json"], 0);
    let unknown = stderr_of(&case, &["run", "ruleset.yaml", "--by", "brnad"]);
    insta::assert_snapshot!(format!("{left_out}\n{unknown}"));
}

#[test]
fn flag_needs() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["diff", "ruleset.yaml", "ruleset.yaml", "--period", "2026-10"]));
}

#[test]
fn git_revision() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["diff", "git:--output=victim:ruleset.yaml", "ruleset.yaml"]));
}

#[test]
fn folder_not_empty() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["init", "."]));
}

#[test]
fn no_test_files() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["test", "."]));
}

#[test]
fn duplicate_target() {
    let rules = RULES
        .replace("target: 100", "target: { table: targets }")
        .replace("measures:", "  targets: { path: targets.csv, date: month, entity: account }\nmeasures:");
    let case =
        case_with(&rules, &[("targets.csv", "month,account,kpi,target\n2026-10,a,fresh,10\n2026-10,a,fresh,20\n")]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "."]));
}

/// A parquet file of the columns `day`, `account` and `new`, with `columns` in their place.
fn parquet_of(case: &Case, name: &str, columns: Vec<polars::prelude::Column>) {
    use polars::prelude::*;
    use polars_io::prelude::ParquetWriter;
    let mut all = vec![
        Column::new("day".into(), vec!["2026-10-01"; 2]),
        Column::new("account".into(), vec!["a"; 2]),
        Column::new("new".into(), vec![1.0; 2]),
    ];
    all.retain(|column| !columns.iter().any(|c| c.name() == column.name()));
    all.extend(columns);
    let mut frame = DataFrame::new_infer_height(all).unwrap();
    let file = std::fs::File::create(case.dir.path().join(name)).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

#[test]
fn not_a_date_column() {
    let case = case_with(&RULES.replace("users.csv", "users.parquet"), &[]);
    parquet_of(&case, "users.parquet", vec![polars::prelude::Column::new("day".into(), vec![true, false])]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "."]));
}

#[test]
fn unreadable_data() {
    use polars::prelude::*;
    let case = case_with(&RULES.replace("users.csv", "users.parquet"), &[]);
    let lists = Series::new("new".into(), [Series::new("".into(), [1.0, 2.0]), Series::new("".into(), [3.0])]);
    parquet_of(&case, "users.parquet", vec![lists.into()]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "."]));
}

#[test]
fn text_failed() {
    let rules = format!(
        "{RULES}diagnoses:\n  - id: low\n    when: fresh < 150\n    severity: warning\n    \
         finding: {{ zh-CN: \"{{{{ fresh | round('x') }}}}\", en: \"{{{{ fresh | round('x') }}}}\" }}\n"
    );
    let case = case_with(&rules, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["run", "ruleset.yaml", "--lang", "en"]));
}

#[test]
fn unknown_entity_and_period_outside_data() {
    let case = case_with(RULES, &[]);
    let unknown = stderr_of(&case, &["run", "ruleset.yaml", "--entity", "c"]);
    let outside = stderr_of(&case, &["run", "ruleset.yaml", "--period", "2030-01"]);
    insta::assert_snapshot!(format!("{unknown}\n{outside}"));
}

#[test]
fn not_a_folder() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "no-such-folder"]));
}

#[test]
fn needs_output_file() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(&case, &["run", "ruleset.yaml", "--format", "parquet"]));
}

#[test]
fn unwritable_file() {
    let case = case_with(RULES, &[]);
    insta::assert_snapshot!(stderr_of(
        &case,
        &["run", "ruleset.yaml", "--format", "json", "-o", "users.csv/results.json"]
    ));
}

/// WeChat's article download heads two columns `人数` (one under each group of its two-row
/// header): which one the ruleset means is asked, not guessed.
#[test]
fn header_names_columns() {
    let rules = RULES.replace(
        "users: { path: users.csv, date: day, entity: account }",
        "users: { path: users.csv, date: day, entity: account, columns: { new: 人数 } }",
    );
    let case = case_with(&rules, &[("users.csv", "day,account,人数,次数,人数\n2026-10-01,a,1,2,3\n")]);
    insta::assert_snapshot!(stderr_of(&case, &["check", "ruleset.yaml", "--data", "."]));
}

/// Two accounts whose names print alike (an ideographic space inside one, a full-width letter
/// in another) are named with the characters that differ written out, and kept apart.
#[test]
fn names_alike() {
    let users = "day,account,new\n2026-10-01,晨光 咖啡,1\n2026-10-01,晨光\u{3000}咖啡,2\n2026-10-01,Brand A,3\n2026-10-01,Brand Ａ,4\n";
    let case = case_with(RULES, &[("users.csv", users)]);
    insta::assert_snapshot!(stderr_exiting(&case, &["run", "ruleset.yaml", "--format", "csv", "-o", "out.csv"], 0));
}

/// An account whose export, there every month before, stops a month before the others' is
/// named with the source and the month; `run` still exits 0.
#[test]
fn source_missing() {
    let users =
        "day,account,new\n2026-08-01,a,200\n2026-09-01,a,200\n2026-08-01,b,100\n2026-09-01,b,100\n2026-10-01,b,100\n";
    let case = case_with(RULES, &[("users.csv", users)]);
    insta::assert_snapshot!(stderr_exiting(&case, &["run", "ruleset.yaml", "--format", "csv", "-o", "out.csv"], 0));
}

/// A daily export cut at the 15th covers 15 of 31 days: named with the day it runs through.
#[test]
fn source_partial() {
    let days = |month: u32, last: u32| (1..=last).map(move |d| format!("2026-{month:02}-{d:02},a,1\n"));
    let users: String =
        std::iter::once("day,account,new\n".to_string()).chain(days(9, 30)).chain(days(10, 15)).collect();
    let rules = RULES.replace("entity: account }", "entity: account, daily: true }");
    let case = case_with(&rules, &[("users.csv", &users)]);
    let args = ["run", "ruleset.yaml", "--period", "2026-10", "--format", "csv", "-o", "out.csv"];
    insta::assert_snapshot!(stderr_exiting(&case, &args, 0));
}

/// A commentary committed as a link to a file elsewhere is not read into a client's report.
#[test]
fn link_leads_out() {
    let case = case_with(RULES, &[]);
    let commentary = case.dir.path().join("commentary");
    std::fs::create_dir(&commentary).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("notes.md"), "another client's notes").unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("notes.md"), commentary.join("2026-10.md")).unwrap();
    insta::assert_snapshot!(stderr_exiting(&case, &["report", "ruleset.yaml", "--format", "md", "-o", "out"], 0));
}

/// A bug cannot be caused on purpose; this is how one is reported when it happens.
#[test]
fn internal() {
    let bug = kpi::Error::internal("the grid has no column `value:fresh`")
        .note("this is a bug in kpi; please report it with the command that caused it");
    insta::assert_snapshot!(kpi::diagnostic::render(&bug.into()));
}

#[test]
fn every_kind_of_problem_has_a_rendered_example() {
    let snapshots = manifest_dir().join("tests/kpi/snapshots");
    let mut rendered = String::new();
    for entry in std::fs::read_dir(snapshots).unwrap() {
        rendered.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let shown = |code: &ErrorCode| rendered.contains(&format!("[{}]: ", code.as_str()));
    let missing: Vec<String> =
        ErrorCode::ALL.iter().filter(|code| !shown(code)).map(|c| format!("{} {}", c.as_str(), c.name())).collect();
    assert!(missing.is_empty(), "kinds of problem without a rendered snapshot: {missing:?}");
}

#[test]
fn every_code_is_listed_in_the_docs_with_its_meaning() {
    let docs = std::fs::read_to_string(manifest_dir().join("docs/errors.md")).unwrap();
    let missing: Vec<&str> =
        ErrorCode::ALL.iter().map(|c| c.as_str()).filter(|code| !docs.contains(&format!("| `{code}` |"))).collect();
    assert!(missing.is_empty(), "codes missing from docs/errors.md: {missing:?}");
}

#[test]
fn missing_label() {
    // Reports go out in English too: the KPI without a label and the Chinese band name warn,
    // each where it is written; `check` still passes.
    let rules = RULES.replace(
        "kpis:\n  fresh: { formula: new, target: 100 }\n",
        "kpis:\n  fresh:\n    formula: new\n    target: 100\n    bands: { 达标: \">= target\", low: otherwise }\n\
         report: { languages: [zh-CN, en] }\n",
    );
    let rules =
        rules.replace("users: { path: users.csv,", "users: { label: { zh-CN: 用户, en: Users }, path: users.csv,");
    let rules = rules.replace(
        "accounts: { path: accounts.csv,",
        "accounts: { label: { zh-CN: 账号, en: Accounts }, labels: { brand: { zh-CN: 品牌, en: Brand } }, path: accounts.csv,",
    );
    let case = case_with(&rules, &[]);
    insta::assert_snapshot!(stderr_exiting(&case, &["check", "ruleset.yaml"], 0));
}

#[test]
fn tool_missing() {
    let case = case_with(RULES, &[]);
    let path = case.dir.path().display().to_string();
    let env = [("PATH", Some(path.as_str())), ("KPI_CHROMIUM", None)];
    insta::assert_snapshot!(stderr_with(&case, &["report", "ruleset.yaml", "--format", "pdf", "-o", "out"], 2, &env));
}

/// A browser that stops as it starts, saying why on its standard error.
#[test]
fn tool_failed() {
    let case = case_with(RULES, &[("chromium", "#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")]);
    let browser = case.dir.path().join("chromium");
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let env = [("KPI_CHROMIUM", Some(browser.to_str().unwrap()))];
    insta::assert_snapshot!(stderr_with(&case, &["report", "ruleset.yaml", "--format", "docx", "-o", "out"], 2, &env));
}

#[test]
fn port_unavailable() {
    let case = case_with(RULES, &[]);
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let stderr = stderr_of(&case, &["preview", "ruleset.yaml", "--port", &port]);
    insta::assert_snapshot!(stderr.replace(&port, "<port>"));
}
