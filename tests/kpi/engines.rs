//! Evaluation where the data lives: the same ruleset on files with the built-in engine and on
//! DuckDB tables holding the same rows with `--engine`, every value of the JSON contract
//! compared; the SQL `kpi sql` prints; names that would break a query pasted together.
//!
//! DuckDB's client comes from `scripts/test` (`pip install duckdb-cli` into target/test-venv).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::example::wechat_data;

mod cases;
mod postgres;
mod spark;
#[path = "../../benches/support/tables.rs"]
mod tables;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/engines");

fn duckdb() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/bin/duckdb");
    assert!(path.exists(), "DuckDB's client is missing: run scripts/test, which installs it");
    path
}

/// `kpi` run in `dir` with the tests' clients, and Spark configured by `dir/spark-conf`.
fn kpi(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kpi"));
    command.args(args).current_dir(dir).env("KPI_DUCKDB", duckdb()).env("SPARK_CONF_DIR", dir.join("spark-conf"));
    if let Some(submit) = spark::spark_submit() {
        command.env("KPI_SPARK_SUBMIT", submit);
    }
    command.output().unwrap()
}

fn json(output: Output) -> Value {
    assert!(output.status.success(), "kpi failed:\n{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// A folder with the fixture's files, its ruleset reading tables of `warehouse.duckdb` (loaded
/// with the same CSV files) as `tables.yaml`, and `grain` as its period.
fn warehouse(grain: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["users.csv", "articles.csv", "accounts.csv"] {
        std::fs::copy(Path::new(FIXTURE).join(name), dir.path().join(name)).unwrap();
    }
    let ruleset = std::fs::read_to_string(Path::new(FIXTURE).join("ruleset.yaml")).unwrap();
    let ruleset = ruleset.replace("period: month", &format!("period: {grain}"));
    std::fs::write(dir.path().join("files.yaml"), &ruleset).unwrap();
    let tables = ["users", "articles", "accounts"]
        .iter()
        .fold(ruleset, |text, name| text.replace(&format!("path: {name}.csv"), &format!("table: {name}")));
    std::fs::write(dir.path().join("tables.yaml"), tables).unwrap();
    load(
        dir.path(),
        "CREATE TABLE users AS SELECT * FROM read_csv('users.csv'); CREATE TABLE articles AS SELECT * FROM read_csv('articles.csv'); CREATE TABLE accounts AS SELECT * FROM read_csv('accounts.csv');",
    );
    dir
}

fn load(dir: &Path, sql: &str) {
    let status = Command::new(duckdb()).arg("warehouse.duckdb").arg("-c").arg(sql).current_dir(dir).status().unwrap();
    assert!(status.success());
}

/// Every value of two JSON contracts' tables, equal within 1e-9 of their size, and the
/// data-quality notes a table can have.
fn assert_same(files: &Value, tables: &Value) {
    assert_eq!(table_notes(files), table_notes(tables), "quality notes");
    assert_eq!(files["periods"], tables["periods"]);
    for table in ["results", "scorecards", "diagnoses"] {
        let (a, b) = (files[table].as_array().unwrap(), tables[table].as_array().unwrap());
        assert_eq!(a.len(), b.len(), "{table}: as many rows");
        for (row, other) in a.iter().zip(b) {
            for (key, value) in row.as_object().unwrap() {
                assert!(close(value, &other[key]), "{table} {row}: `{key}` is {} on the engine", other[key]);
            }
        }
    }
}

/// Two JSON values equal, their numbers (in lists and objects too) within 1e-9 of their size.
fn close(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            (x - y).abs() <= 1e-9 * x.abs().max(1.0)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| close(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(key, value)| y.get(key).is_some_and(|other| close(value, other)))
        }
        _ => a == b,
    }
}

/// A contract's data-quality notes as an engine gives them: without the kinds only files can
/// have, and without the lines a note of files names (a table has none).
fn table_notes(contract: &Value) -> Vec<Value> {
    let only_files = ["values_made_no_data", "total_rows_left_out", "different_headers"];
    let notes = contract["quality"].as_array().unwrap().iter();
    let of_tables = notes.filter(|note| !only_files.contains(&note["kind"].as_str().unwrap()));
    of_tables
        .map(|note| {
            let mut note = note.clone();
            let detail = note["detail"].as_str().unwrap();
            let lines = [" (e.g. ", "（如 "].iter().filter_map(|start| detail.find(start)).min();
            note["detail"] = detail[..lines.unwrap_or(detail.len())].into();
            note
        })
        .collect()
}

/// A folder with `folder`'s data files and its ruleset as `files.yaml`, and as `tables.yaml`
/// with each `(path, table)` of `sources` reading the table instead.
fn as_tables(folder: &Path, sources: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    for file in std::fs::read_dir(folder.join("data")).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, dir.path().join("data").join(file.file_name().unwrap())).unwrap();
    }
    let ruleset = std::fs::read_to_string(folder.join("ruleset.yaml")).unwrap();
    std::fs::write(dir.path().join("files.yaml"), &ruleset).unwrap();
    let tables = sources
        .iter()
        .fold(ruleset, |text, (path, table)| text.replace(&format!("path: {path}"), &format!("table: {table}")));
    std::fs::write(dir.path().join("tables.yaml"), tables).unwrap();
    dir
}

/// tests/fixtures/quality/every_kind, a row of every kind of note in it, in a folder with its
/// ruleset as `files.yaml`, and as `tables.yaml` reading the tables `users` and `articles` of
/// `warehouse.duckdb`: its rows as a table holds them (without the total row; the value that
/// is not a number, none), also written to `users.csv` and `articles.csv` to load elsewhere.
fn quality_warehouse() -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quality/every_kind");
    let dir = as_tables(&fixture, &[("data/users-*.csv", "users"), ("data/articles.csv", "articles")]);
    load(
        dir.path(),
        r#"CREATE TABLE users AS SELECT CAST("日期" AS DATE) AS "日期", "账号", TRY_CAST("新关注" AS BIGINT) AS "新关注", TRY_CAST("取关" AS BIGINT) AS "取关", TRY_CAST("净增" AS BIGINT) AS "净增" FROM read_csv('data/users-*.csv', union_by_name = true, all_varchar = true) WHERE TRY_CAST("日期" AS DATE) IS NOT NULL;
           CREATE TABLE articles AS SELECT * FROM read_csv('data/articles.csv');
           COPY users TO 'users.csv'; COPY articles TO 'articles.csv';"#,
    );
    dir
}

/// The quality fixture's notes on files and on `engine`: equal, the engine's all of a kind a
/// table can have; the engine's.
fn same_notes(dir: &Path, engine: &str) -> Vec<Value> {
    let files = json(kpi(dir, &["run", "files.yaml", "--format", "json", "--lang", "en"]));
    let tables = json(kpi(dir, &["run", "tables.yaml", "--engine", engine, "--format", "json", "--lang", "en"]));
    let notes = table_notes(&tables);
    assert_eq!(table_notes(&files), notes);
    assert_eq!(tables["quality"].as_array().unwrap().len(), notes.len());
    notes
}

/// The example client (examples/wechat, through benches/wechat/ruleset.yaml, which reads the
/// generator's CSV exports) over a generated portfolio of 4 accounts × 365 days, in a fresh
/// target/test-data/NAME with `tables.yaml` reading the exports as tables; and its ruleset.
fn example_client(name: &str) -> (PathBuf, kpi::ruleset::CheckedRuleset) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("target/test-data").join(name);
    let _ = std::fs::remove_dir_all(&data);
    let mut random = wechat_data::Random::new(7);
    let mut accounts: Vec<_> = (0..4).map(|i| wechat_data::Account::random(i, &mut random)).collect();
    let (start, end) = (chrono::NaiveDate::from_ymd_opt(2025, 11, 1), chrono::NaiveDate::from_ymd_opt(2026, 10, 31));
    wechat_data::write_users_and_articles(&data.join("data"), &mut accounts, start.unwrap(), end.unwrap(), 7).unwrap();
    let ruleset = kpi::project::open(&root.join("benches/wechat/ruleset.yaml"), Some(&data)).unwrap();
    // `extends` is relative to the ruleset that extends: target/test-data/NAME is three deep.
    let extends = Path::new("../../../benches/wechat/ruleset.yaml");
    std::fs::write(data.join("tables.yaml"), tables::tables_ruleset(&ruleset, extends)).unwrap();
    (data, ruleset)
}

/// The example client's whole contract on files and on `engine` (its tables loaded), equal;
/// and that it holds what a comparison needs: scores, grades, diagnoses.
fn example_client_same_on(data: &Path, engine: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data_arg = data.display().to_string();
    let files = json(kpi(root, &["run", "benches/wechat/ruleset.yaml", "--data", &data_arg, "--format", "json"]));
    let tables = json(kpi(data, &["run", "tables.yaml", "--engine", engine, "--format", "json"]));
    assert_same(&files, &tables);
    let results = files["results"].as_array().unwrap();
    assert_eq!(results.len(), 4 * 12 * 20, "4 accounts × 12 months × 20 KPIs");
    assert!(results.iter().filter(|r| r["score"].is_number()).count() > 300);
    assert!(files["scorecards"].as_array().unwrap().iter().any(|s| s["grade"].is_string()));
    assert!(!files["diagnoses"].as_array().unwrap().is_empty());
}

#[test]
fn the_example_client_gives_on_duckdb_what_it_gives_on_files() {
    let (data, ruleset) = example_client("engines-duckdb");
    load(&data, &tables::duckdb_script(&ruleset, &data));
    example_client_same_on(&data, "duckdb:warehouse.duckdb");
}

#[test]
fn quality_notes_on_duckdb_are_those_of_files() {
    let dir = quality_warehouse();
    let notes = same_notes(dir.path(), "duckdb:warehouse.duckdb");
    let line = |note: &Value| format!("{} {} {} {}", note["entity"], note["period"], note["kind"], note["detail"]);
    let lines: Vec<String> = notes.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            r#""A" "2026-01" "missing_days" "no rows on 2 of 31 days: 2026-01-10–2026-01-11""#,
            r#""A" "2026-01" "repeated_rows" "1 row repeats another row exactly (same entity, date and values), counted twice""#,
            r#""A" "2026-01" "failed_check" "1 row fails the check `net == new - lost`""#,
            r#""A" "2026-01" "negative_counts" "1 value below 0 in the count column `阅读人数`""#,
            r#""A" "2026-02" "missing_days" "no rows on 1 of 28 days: 2026-02-03""#,
            r#""B" "2026-01" "missing_days" "no rows on 2 of 31 days: 2026-01-10–2026-01-11""#,
            r#""B" "2026-02" "missing_days" "no rows on 1 of 28 days: 2026-02-03""#,
        ]
    );
}

/// The fixture in periods of `grain`, run on its files and on DuckDB: the JSON contract of
/// the files' run, once every value of it is checked equal on the engine.
fn same_on_files_and_tables(grain: &str) -> Value {
    let dir = warehouse(grain);
    let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
    let tables =
        json(kpi(dir.path(), &["run", "tables.yaml", "--engine", "duckdb:warehouse.duckdb", "--format", "json"]));
    assert_same(&files, &tables);
    files
}

#[test]
fn every_function_gives_on_duckdb_what_it_gives_on_files() {
    let files = same_on_files_and_tables("month");
    // The comparison compares something: values, bands, scorecards, a month without rows.
    let results = files["results"].as_array().unwrap();
    assert_eq!(results.len(), 3 * 4 * 28, "3 accounts × 4 months × 28 KPIs");
    // A window of a window: January's growth of readers on December, ranked (a: 30 → 160, b: 30 → 100).
    let value = |entity: &str, kpi: &str| {
        results.iter().find(|r| r["entity"] == entity && r["period"] == "2026-01" && r["kpi"] == kpi).unwrap()["value"]
            .clone()
    };
    assert_eq!((value("a", "nested"), value("b", "nested")), (1.0.into(), 2.0.into()));
    // A change across the year's end counts towards the new year.
    assert_eq!(value("a", "year_of_changes"), 130.0);
    assert!(results.iter().filter(|r| r["value"].is_number()).count() > 150);
    assert!(results.iter().filter(|r| r["score"].is_number()).count() > 15);
    assert!(results.iter().any(|r| r["band"].is_string()));
    assert!(files["scorecards"].as_array().unwrap().iter().any(|s| s["grade"] == "A"));
    assert!(!files["diagnoses"].as_array().unwrap().is_empty());
}

/// A NaN and an infinity in a table's column of numbers are no data, as `NaN` and `inf` are in
/// a file: every result the same as the files' with those cells written `NaN` and `inf`.
#[test]
fn nan_and_infinity_in_a_table_are_no_data_as_in_files() {
    let dir = warehouse("month");
    load(
        dir.path(),
        "ALTER TABLE articles ALTER readers TYPE DOUBLE; \
         INSERT INTO articles VALUES ('a', DATE '2026-01-07', 'nan'::DOUBLE, 30, 'n'), ('b', DATE '2026-01-08', 'inf'::DOUBLE, 5, 'i');",
    );
    let articles = std::fs::read_to_string(dir.path().join("articles.csv")).unwrap();
    std::fs::write(dir.path().join("articles.csv"), articles + "a,2026-01-07,NaN,30,n\nb,2026-01-08,inf,5,i\n")
        .unwrap();
    let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
    let tables =
        json(kpi(dir.path(), &["run", "tables.yaml", "--engine", "duckdb:warehouse.duckdb", "--format", "json"]));
    assert_same(&files, &tables);
}

/// What `kpi run` on `engine` says of `tables.yaml` in `dir` with its articles' table misnamed
/// `article`, the engine's label written `ENGINE`.
fn missing_table_on(dir: &Path, engine: &str) -> String {
    let tables = std::fs::read_to_string(dir.join("tables.yaml")).unwrap();
    std::fs::write(dir.join("missing.yaml"), tables.replace("table: articles", "table: article")).unwrap();
    let output = kpi(dir, &["run", "missing.yaml", "--engine", engine]);
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap().replace(engine.split('?').next().unwrap(), "ENGINE")
}

/// A source's table that the warehouse lacks is named at its `table:` line with the nearest
/// name the warehouse has, by `kpi run` and `kpi check` alike, not in the engine's words about
/// kpi's own query.
#[test]
fn a_missing_table_is_named_at_its_table_line() {
    let dir = warehouse("month");
    let tables = std::fs::read_to_string(dir.path().join("tables.yaml")).unwrap();
    std::fs::write(dir.path().join("tables.yaml"), tables.replace("table: articles", "table: article")).unwrap();
    let said = |command: &str| {
        let output = kpi(dir.path(), &[command, "tables.yaml", "--engine", "duckdb:warehouse.duckdb"]);
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).unwrap()
    };
    let run = said("run");
    assert_eq!(run, said("check"));
    insta::assert_snapshot!("missing_table_on_engine", run);
}

/// A date column of timestamps with a time zone is placed in the ruleset's time zone, whatever
/// the machine's: 2026-01-31 20:00 UTC is January in UTC (the English ruleset's default) and
/// February in Asia/Shanghai (`grain.timezone`), under `TZ=Asia/Shanghai` and `TZ=UTC` alike.
#[test]
fn dates_with_a_time_zone_are_placed_in_the_rulesets_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    load(
        dir.path(),
        "CREATE TABLE sales (sold_at TIMESTAMPTZ, account TEXT, amount DOUBLE); \
         INSERT INTO sales VALUES (TIMESTAMPTZ '2026-01-31 20:00:00+00', 'a', 1), (TIMESTAMPTZ '2026-01-10 12:00:00+00', 'a', 2);",
    );
    let ruleset = |zone: &str| {
        format!(
            "ruleset: zones\nlocale: en\ngrain: {{ entity: account, period: month{zone} }}\n\
             sources:\n  sales: {{ table: sales, date: sold_at, entity: account }}\n\
             measures:\n  amount: sum(sales.amount)\nkpis:\n  sold: {{ formula: amount }}\n"
        )
    };
    std::fs::write(dir.path().join("utc.yaml"), ruleset("")).unwrap();
    std::fs::write(dir.path().join("shanghai.yaml"), ruleset(", timezone: Asia/Shanghai")).unwrap();
    let months = |file: &str, tz: &str| -> Vec<(String, f64)> {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kpi"));
        command.args(["run", file, "--engine", "duckdb:warehouse.duckdb", "--format", "json"]);
        let output = command.current_dir(dir.path()).env("KPI_DUCKDB", duckdb()).env("TZ", tz).output().unwrap();
        let results = json(output)["results"].as_array().unwrap().clone();
        results
            .iter()
            .map(|r| (r["period"].as_str().unwrap().to_string(), r["value"].as_f64().unwrap_or(0.0)))
            .collect()
    };
    for tz in ["Asia/Shanghai", "UTC"] {
        assert_eq!(months("utc.yaml", tz), [("2026-01".to_string(), 3.0)], "TZ={tz}");
        assert_eq!(
            months("shanghai.yaml", tz),
            [("2026-01".to_string(), 2.0), ("2026-02".to_string(), 1.0)],
            "TZ={tz}"
        );
    }
}

/// An engine's client killed from outside (the out-of-memory killer) says so, and what to try,
/// rather than "DuckDB failed: " and nothing.
#[test]
fn a_client_killed_by_a_signal_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = warehouse("month");
    let client = dir.path().join("killed-duckdb");
    std::fs::write(&client, "#!/bin/sh\nkill -9 $$\n").unwrap();
    std::fs::set_permissions(&client, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .args(["run", "tables.yaml", "--engine", "duckdb:warehouse.duckdb"])
        .current_dir(dir.path())
        .env("KPI_DUCKDB", &client)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr,
        "error[E606]: DuckDB failed: its client was killed by signal 9\n \
         = help: if the machine ran out of memory, give the engine more (or appraise fewer periods with `--period`), then run again\n"
    );
}

#[test]
fn iso_weeks_across_a_year_end_give_on_duckdb_what_they_give_on_files() {
    let files = same_on_files_and_tables("week");
    // 2025-12-29 is the Monday of ISO week 1 of 2026.
    assert_eq!(files["periods"][0], "2026-W01");
}

#[test]
fn a_table_where_keeps_only_its_rows() {
    let dir = warehouse("month");
    let ruleset = std::fs::read_to_string(dir.path().join("tables.yaml")).unwrap();
    let ruleset = ruleset.replace("    table: users\n", "    table: users\n    where: new_follows > 3\n");
    std::fs::write(dir.path().join("tables.yaml"), ruleset).unwrap();
    let tables =
        json(kpi(dir.path(), &["run", "tables.yaml", "--engine", "duckdb:warehouse.duckdb", "--format", "json"]));
    let net = |entity: &str, period: &str| {
        let results = tables["results"].as_array().unwrap();
        let row = results.iter().find(|r| r["entity"] == entity && r["period"] == period && r["kpi"] == "net_growth");
        row.unwrap()["value"].clone()
    };
    // a's January rows with more than 3 new followers: 10 − 2, 5 − 1, 6 − 1.
    assert_eq!(net("a", "2026-01"), 17.0);
    // b's only December row has 2: none is kept, and the sum of nothing is no data here.
    assert_eq!(net("b", "2025-12"), Value::Null);
}

/// A table, schema, columns, entity value and `where` literal built to break a query pasted
/// together: the SQL that makes the table (in types every engine has), and a ruleset reading it.
fn hostile_table() -> (String, String) {
    let hostile = r#"we"ird'; DROP TABLE t; -- 表"#;
    let sql = format!(
        r#"CREATE SCHEMA "s;--"; CREATE TABLE "s;--"."{table}" ("acc""t" TEXT, "d'ay" DATE, "v/*x*/" DOUBLE PRECISION);
           INSERT INTO "s;--"."{table}" VALUES ('it''s; --', DATE '2026-01-02', 2), ('it''s; --', DATE '2026-01-03', 3);"#,
        table = hostile.replace('"', "\"\"")
    );
    let ruleset = format!(
        r#"ruleset: hostile
version: "1"
grain: {{ entity: account, period: month }}
sources:
  rows:
    table: 's;--.{table}'
    date: "d'ay"
    entity: 'acc"t'
    where: 'v >= 2 and account_name != "x''; --"'
    columns: {{ v: "v/*x*/", account_name: 'acc"t' }}
measures:
  total: sum(rows.v)
kpis:
  total_kpi: {{ formula: total, target: 4 }}
"#,
        table = hostile.replace('\'', "''")
    );
    (sql, ruleset)
}

/// The hostile table's one result, as `engine` returns it: the entity's text and its total.
fn assert_hostile_names_kept(dir: &Path, engine: &str) {
    let tables = json(kpi(dir, &["run", "ruleset.yaml", "--engine", engine, "--format", "json"]));
    assert_eq!(tables["results"][0]["entity"], "it's; --");
    assert_eq!(tables["results"][0]["value"], 5.0);
}

#[test]
fn names_and_texts_that_break_pasted_sql_stay_names_and_texts() {
    let dir = tempfile::tempdir().unwrap();
    let (sql, ruleset) = hostile_table();
    load(dir.path(), &sql);
    std::fs::write(dir.path().join("ruleset.yaml"), ruleset).unwrap();
    assert_hostile_names_kept(dir.path(), "duckdb:warehouse.duckdb");
    for dialect in ["duckdb", "postgres", "spark"] {
        let sql = kpi(dir.path(), &["sql", "ruleset.yaml", "--dialect", dialect]);
        assert!(sql.status.success());
        let sql = String::from_utf8(sql.stdout).unwrap();
        // The statements are the ones kpi writes, whatever the names hold: the session's time
        // zone, two views, the query of the rows they would lose, and the results.
        assert_eq!(sql.matches(";\n").count(), 5, "{dialect}:\n{sql}");
    }
}

/// A name is quoted, and a quoted name cannot hold a control character as a literal can: a
/// table or column named with one is refused at its source, before any script is written.
#[test]
fn a_table_or_column_named_with_a_control_character_is_refused() {
    let dir = warehouse("month");
    let ruleset = std::fs::read_to_string(dir.path().join("tables.yaml")).unwrap();
    let ruleset = ruleset.replace("table: users", "table: \"users\\0; COPY x TO 'y'\"");
    std::fs::write(dir.path().join("control.yaml"), ruleset).unwrap();
    let output = kpi(dir.path(), &["sql", "control.yaml", "--dialect", "duckdb"]);
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8(output.stderr).unwrap();
    assert!(said.contains("the name \"users\\0; COPY x TO 'y'\" holds a control character"), "{said}");
    assert!(output.stdout.is_empty());
}

#[test]
fn sql_prints_one_step_per_stage_in_each_dialect() {
    let dir = warehouse("month");
    for dialect in ["duckdb", "postgres", "spark"] {
        let output = kpi(dir.path(), &["sql", "tables.yaml", "--dialect", dialect, "--period", "2026-01"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        insta::assert_snapshot!(format!("sql_{dialect}"), String::from_utf8(output.stdout).unwrap());
    }
}

#[test]
fn a_table_without_an_engine_and_files_on_an_engine_say_what_to_do() {
    let dir = warehouse("month");
    let without = kpi(dir.path(), &["run", "tables.yaml"]);
    let files = kpi(dir.path(), &["run", "files.yaml", "--engine", "duckdb:warehouse.duckdb"]);
    let rendered = |output: Output| {
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8(output.stderr).unwrap()
    };
    insta::assert_snapshot!("table_without_engine", rendered(without));
    insta::assert_snapshot!("files_on_engine", rendered(files));
}

/// A column of numbers turned to text, and the accounts' column renamed.
const BROKEN: &str =
    "ALTER TABLE articles ALTER COLUMN readers TYPE text; ALTER TABLE accounts RENAME COLUMN account TO acount;";

/// `kpi check --engine` on DuckDB after [`BROKEN`]: what it says, with the engine's label and
/// its name of the text type in place of `ENGINE` and `TEXT`.
fn check_broken_on_duckdb(dir: &Path) -> String {
    load(dir, BROKEN);
    let output = kpi(dir, &["check", "tables.yaml", "--engine", "duckdb:warehouse.duckdb"]);
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap().replace("duckdb:warehouse.duckdb", "ENGINE").replace("VARCHAR", "TEXT")
}

/// A good warehouse passes `kpi check --engine`; a column the table lacks and one of text that
/// formulas compute with are errors at the ruleset's line that maps them.
#[test]
fn check_names_the_columns_a_table_lacks_or_cannot_compute_with() {
    let dir = warehouse("month");
    let good = kpi(dir.path(), &["check", "tables.yaml", "--engine", "duckdb:warehouse.duckdb"]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    insta::assert_snapshot!("check_on_engine", check_broken_on_duckdb(dir.path()));
}

/// A row without an account, and an account twice in the table of attributes.
const LOST_AND_REPEATED: &str =
    "INSERT INTO users VALUES (NULL, DATE '2026-01-02', 1, 1, 1); INSERT INTO accounts VALUES ('b', 'brand');";

/// What `kpi run` on DuckDB says, exiting 2, of the fixture's tables at `grain` after `sql`.
fn refused_on_duckdb(grain: &str, sql: &str) -> String {
    let dir = warehouse(grain);
    load(dir.path(), sql);
    let output = kpi(dir.path(), &["run", "tables.yaml", "--engine", "duckdb:warehouse.duckdb"]);
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8(output.stderr).unwrap()
}

#[test]
fn rows_a_table_would_lose_or_repeat_are_errors_as_in_files() {
    insta::assert_snapshot!("lost_or_repeated_rows_on_engine", refused_on_duckdb("month", LOST_AND_REPEATED));
}

/// A row whose account is only white space (an ideographic space and a tab), and one dated
/// 9999-12-31: on files, a row without an entity and a date out of range; the same errors here,
/// where the date would otherwise stretch the grid over 8,000 years.
const BLANK_AND_IMPLAUSIBLE: &str = "INSERT INTO users VALUES ('\u{3000}' || chr(9), DATE '2026-01-02', 1, 1, 1); \
    INSERT INTO users VALUES ('a', DATE '9999-12-31', 1, 1, 1);";

#[test]
fn blank_names_and_implausible_dates_in_a_table_are_the_errors_of_files() {
    insta::assert_snapshot!("blank_and_implausible_on_engine", refused_on_duckdb("day", BLANK_AND_IMPLAUSIBLE));
}

/// docs/engines.md's "Try it": the example's tables loaded with its load.sql, run on DuckDB.
#[test]
fn the_warehouse_example_runs_as_its_docs_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("warehouse.duckdb");
    let load = std::fs::File::open(root.join("examples/warehouse/load.sql")).unwrap();
    let status = Command::new(duckdb()).arg(&database).stdin(load).current_dir(root).status().unwrap();
    assert!(status.success());
    let engine = format!("duckdb:{}", database.display());
    let run = json(kpi(root, &["run", "examples/warehouse/ruleset.yaml", "--engine", &engine, "--format", "json"]));
    let net = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["entity"] == "a" && r["period"] == "2026-01" && r["kpi"] == "net_follower_growth");
    // a's January: (10 − 2) + (5 − 1) + (6 − 1).
    assert_eq!(net.unwrap()["value"], 17.0);
    let sql = kpi(root, &["sql", "examples/warehouse/ruleset.yaml", "--dialect", "postgres", "--period", "2026-01"]);
    assert!(sql.status.success());
    assert!(String::from_utf8(sql.stdout).unwrap().contains("FROM \"analytics\".\"wechat_users\""));
}

/// `report`, `diff` and `explain` read the engine's grid as `run` does: the client's reports
/// are the files' byte for byte, the impact of a change is the same, and an explanation
/// differs only in where its rows came from.
#[test]
fn report_diff_and_explain_on_an_engine_say_what_they_say_on_files() {
    let dir = warehouse("month");
    let path = |name: &str| dir.path().join(name);
    let engine = ["--engine", "duckdb:warehouse.duckdb"];
    let succeeds = |args: &[&str]| {
        let output = kpi(dir.path(), args);
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let report = ["--per-entity", "--format", "md,html", "--period", "2026-01", "-o"];
    succeeds(&[&["report", "files.yaml"][..], &report, &["on-files"]].concat());
    succeeds(&[&["report", "tables.yaml"][..], &engine, &report, &["on-engine"]].concat());
    let written = |dir: PathBuf| {
        let mut files: Vec<PathBuf> =
            walk(&dir).into_iter().map(|f| f.strip_prefix(&dir).unwrap().to_path_buf()).collect();
        files.sort();
        files
    };
    let files = written(path("on-files"));
    assert_eq!(files, written(path("on-engine")));
    assert!(files.len() >= 8, "a portfolio and 3 accounts' reports, in Markdown and HTML: {files:?}");
    for file in &files {
        let (a, b) = (std::fs::read(path("on-files").join(file)).unwrap(), std::fs::read(path("on-engine").join(file)));
        assert!(a == b.unwrap(), "{} differs", file.display());
    }
    for ruleset in ["files.yaml", "tables.yaml"] {
        let changed = std::fs::read_to_string(path(ruleset)).unwrap().replace("target: 10", "target: 12");
        std::fs::write(path(&format!("changed-{ruleset}")), changed).unwrap();
    }
    let diff = ["--period", "2026-01"];
    let on_files = succeeds(&[&["diff", "files.yaml", "changed-files.yaml", "--data", "."][..], &diff].concat());
    let on_engine = succeeds(&[&["diff", "tables.yaml", "changed-tables.yaml"][..], &engine, &diff].concat());
    let after_names = |text: &str| text.split_once('\n').unwrap().1.to_string();
    assert_eq!(after_names(&on_files), after_names(&on_engine));
    assert!(on_engine.contains("a · main: 113.0 → 101.7"), "{on_engine}");
    let explain = ["readers_share", "--lang", "en", "--entity", "a", "--period", "2026-01"];
    let on_files = succeeds(&[&["explain", "files.yaml"][..], &explain].concat());
    let on_engine = succeeds(&[&["explain", "tables.yaml"][..], &explain, &engine].concat());
    let without_sources = |text: &str| text.lines().filter(|l| !l.contains(" rows, ")).collect::<Vec<_>>().join("\n");
    assert_eq!(without_sources(&on_files), without_sources(&on_engine));
    assert!(on_engine.contains("readers = 160"), "{on_engine}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .flat_map(|entry| match entry.path().is_dir() {
            true => walk(&entry.path()),
            false => vec![entry.path()],
        })
        .collect()
}

/// A roll-up adds its accounts' sums up on the engine's grid as on the files'; one that counts
/// again over a group's rows stops with a word, not with a number that is not the group's.
#[test]
fn rollups_on_an_engine_add_up_or_say_they_cannot() {
    let dir = warehouse("month");
    let sums = "ruleset: sums\nversion: \"1\"\ngrain: { entity: account, period: month }\nsources:\n  users: { path: users.csv, date: day, entity: account, columns: { new_follows: new } }\n  accounts: { path: accounts.csv, entity: account, columns: { kind: kind } }\nmeasures:\n  new_follows: sum(users.new_follows)\nkpis:\n  follows: { formula: new_follows, target: 10 }\n";
    let tables =
        |text: &str| text.replace("path: users.csv", "table: users").replace("path: accounts.csv", "table: accounts");
    std::fs::write(dir.path().join("sums-files.yaml"), sums).unwrap();
    std::fs::write(dir.path().join("sums-tables.yaml"), tables(sums)).unwrap();
    let recount = tables(sums).replace("sum(users.new_follows)", "count_distinct(users.new_follows)");
    std::fs::write(dir.path().join("recount.yaml"), recount).unwrap();
    let by_kind = ["--by", "kind", "--format", "json"];
    let files = json(kpi(dir.path(), &[&["run", "sums-files.yaml"][..], &by_kind].concat()));
    let engine = ["--engine", "duckdb:warehouse.duckdb"];
    let tables = json(kpi(dir.path(), &[&["run", "sums-tables.yaml"][..], &engine, &by_kind].concat()));
    assert_eq!(files["rollups"], tables["rollups"]);
    assert!(files["rollups"].to_string().contains("brand"), "{}", files["rollups"]);
    let recounted = kpi(dir.path(), &[&["run", "recount.yaml"][..], &engine, &by_kind].concat());
    assert_eq!(recounted.status.code(), Some(2));
    insta::assert_snapshot!("recount_on_engine", String::from_utf8(recounted.stderr).unwrap());
}

/// examples/targets on DuckDB: targets read from a table (a date column of months), joined by
/// entity and period as on files; a target given twice is the files' error, without lines.
#[test]
fn targets_from_a_table_are_those_of_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/targets");
    let dir = as_tables(&root, &[("data/users.csv", "users"), ("data/targets.csv", "targets")]);
    load(
        dir.path(),
        r#"CREATE TABLE users AS SELECT * FROM read_csv('data/users.csv');
           CREATE TABLE targets AS SELECT strptime("月份", '%Y-%m')::DATE AS "月份", "公众号", "指标", "目标值"
             FROM read_csv('data/targets.csv', all_varchar = true);"#,
    );
    let engine = ["--engine", "duckdb:warehouse.duckdb"];
    let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
    let on_engine = json(kpi(dir.path(), &[&["run", "tables.yaml", "--format", "json"][..], &engine].concat()));
    assert_same(&files, &on_engine);
    let target = |period: &str| {
        let results = on_engine["results"].as_array().unwrap();
        let found =
            results.iter().find(|r| r["entity"] == "主号" && r["period"] == period && r["kpi"] == "new_followers");
        found.unwrap()["target"].clone()
    };
    assert_eq!((target("2026-01"), target("2026-02")), (600.0.into(), 650.0.into()));
    load(dir.path(), r#"INSERT INTO targets VALUES (DATE '2026-02-01', '主号', 'new_followers', '700');"#);
    let twice = kpi(dir.path(), &[&["run", "tables.yaml"][..], &engine].concat());
    assert_eq!(twice.status.code(), Some(2));
    insta::assert_snapshot!("target_twice_on_engine", String::from_utf8(twice.stderr).unwrap());
}

/// A client's ruleset that extends one reading exports names its tables alone: a later
/// `table` drops the inherited files (and later files an inherited `table`).
#[test]
fn a_table_over_inherited_files_replaces_them() {
    let dir = warehouse("month");
    let client = "ruleset: client\nextends: files.yaml\nsources:\n  users: { table: users }\n  articles: { table: articles }\n  accounts: { table: accounts }\n";
    std::fs::write(dir.path().join("client.yaml"), client).unwrap();
    let back = "ruleset: back\nextends: client.yaml\nsources:\n  users: { path: users.csv }\n  articles: { path: articles.csv }\n  accounts: { path: accounts.csv }\n";
    std::fs::write(dir.path().join("back.yaml"), back).unwrap();
    let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
    let engine = ["--engine", "duckdb:warehouse.duckdb", "--format", "json"];
    assert_same(&files, &json(kpi(dir.path(), &[&["run", "client.yaml"][..], &engine].concat())));
    assert_same(&files, &json(kpi(dir.path(), &["run", "back.yaml", "--format", "json"])));
}

/// Whatever a password holds, no part of it is shown: not in psql's own messages (which quote
/// a URL's parts), not on the progress line, not in kpi's refusals of a URL libpq would misread.
#[test]
fn no_part_of_a_postgresql_password_is_ever_shown() {
    let dir = warehouse("month");
    // Port 1 on loopback: psql runs, and fails to connect.
    let cases = [
        ("postgres://ana:Zq7x?abc@127.0.0.1:1/crm", "Zq7x?abc", "Connection refused"),
        ("postgres://ana:Pw%25Qz7Kx9@127.0.0.1:1/crm", "Pw%Qz7Kx9", "Connection refused"),
        ("postgres://ana@127.0.0.1:1/crm?password=T0p%2Fs3cret", "T0p/s3cret", "Connection refused"),
        ("postgres://ana:Pw%Qz7Kx9@127.0.0.1:1/crm", "Pw%Qz7Kx9", "encodes no character"),
        ("postgres://ana:ab/Qz7Kx9@127.0.0.1:1/crm", "ab/Qz7Kx9", "holds `@` or `/`"),
        ("postgres://ana:Qz7@Kx9@127.0.0.1:1/crm", "Qz7@Kx9", "holds `@` or `/`"),
    ];
    for (url, password, said_instead) in cases {
        let output = kpi(dir.path(), &["run", "tables.yaml", "--engine", url]);
        assert_eq!(output.status.code(), Some(2), "{url}");
        let said = String::from_utf8_lossy(&output.stderr) + String::from_utf8_lossy(&output.stdout);
        assert!(said.contains(said_instead), "{url}: {said}");
        for part in [password, "Qz7", "Kx9", "Zq7x", "abc", "s3cret"] {
            assert!(!said.contains(part), "{url}: `{part}` shown in {said}");
        }
    }
}

/// A quarter, a year and a year to date of the monthly fixture are recomputed from the rows on
/// DuckDB as on files; the year to date runs to 31 March, the latest month's end, in every year.
#[test]
fn longer_periods_give_on_duckdb_what_they_give_on_files() {
    longer_periods_same_on(warehouse("month").path(), "duckdb:warehouse.duckdb");
}

/// The fixture's quarter, year and year to date on files and on `engine`, equal.
fn longer_periods_same_on(dir: &Path, engine: &str) {
    for period in ["2026-Q1", "2025", "2026-YTD"] {
        let files = json(kpi(dir, &["run", "files.yaml", "--period", period, "--format", "json"]));
        let args = ["run", "tables.yaml", "--engine", engine, "--period", period, "--format", "json"];
        assert_same(&files, &json(kpi(dir, &args)));
        assert_eq!(files["periods"], serde_json::json!([period]));
        if period == "2026-YTD" {
            let results = files["results"].as_array().unwrap();
            let value =
                |kpi: &str| results.iter().find(|r| r["entity"] == "a" && r["kpi"] == kpi).unwrap()["value"].clone();
            // a's readers of 2026 (40 + 60 + 60 + 160); 30 December 2025 is past 2025's 31 March,
            // so there is no year to date before to change from.
            assert_eq!(value("ytd"), 320.0);
            assert_eq!(value("readers_change"), Value::Null);
        }
    }
}
