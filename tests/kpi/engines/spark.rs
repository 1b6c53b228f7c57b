//! The same comparisons on Spark in local mode: pyspark from pip (which `scripts/test` installs
//! into target/test-venv, with Debian's JDK), a catalog of its own in a fresh folder (a Derby
//! metastore and a warehouse folder) and a driver bound to loopback. Each run's folder holds
//! the Spark configuration `kpi()` points Spark at, as a client's project folder would.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{FIXTURE, LOST_AND_REPEATED, assert_same, json, kpi, warehouse};

/// pyspark's own `spark-submit`, which needs no SPARK_HOME.
pub(super) fn spark_submit() -> Option<PathBuf> {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-venv/lib");
    let pythons = std::fs::read_dir(lib).ok()?;
    pythons.flatten().map(|python| python.path().join("site-packages/pyspark/bin/spark-submit")).find(|p| p.exists())
}

/// A metastore and a warehouse folder of the test's own.
struct Catalog {
    dir: tempfile::TempDir,
}

impl Catalog {
    fn new() -> Catalog {
        assert!(spark_submit().is_some(), "pyspark is missing: run scripts/test, which installs it");
        Catalog { dir: tempfile::tempdir().unwrap() }
    }

    /// Points Spark run in `dir` at this catalog, with `database` the one unqualified names are in.
    fn configure(&self, dir: &Path, database: &str) {
        let root = self.dir.path().display();
        let catalog = format!(
            "spark.sql.warehouse.dir {root}/warehouse\n\
             spark.hadoop.javax.jdo.option.ConnectionURL jdbc:derby:;databaseName={root}/metastore;create=true\n\
             spark.sql.catalog.spark_catalog.defaultDatabase {database}\n"
        );
        configure(dir, &catalog);
    }

    /// Runs `statements` in turn in one Spark session, from a folder of its own.
    fn load(&self, statements: &[String]) {
        let dir = tempfile::tempdir().unwrap();
        self.configure(dir.path(), "default");
        std::fs::write(dir.path().join("statements.json"), serde_json::to_string(statements).unwrap()).unwrap();
        std::fs::write(dir.path().join("load.py"), LOADER).unwrap();
        let output = Command::new(spark_submit().unwrap())
            .args(["--master=local[2]", "load.py"])
            .env("SPARK_CONF_DIR", dir.path().join("spark-conf"))
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "loading: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// Spark run in `dir` configured by `settings`, on loopback alone, its few rows in few tasks.
fn configure(dir: &Path, settings: &str) {
    let loopback = "spark.ui.enabled false\n\
                    spark.driver.bindAddress 127.0.0.1\n\
                    spark.driver.host 127.0.0.1\n\
                    spark.sql.shuffle.partitions 2\n";
    std::fs::create_dir_all(dir.join("spark-conf")).unwrap();
    std::fs::write(dir.join("spark-conf/spark-defaults.conf"), format!("{loopback}{settings}")).unwrap();
}

const LOADER: &str = r#"
import json
from pyspark.sql import SparkSession
spark = SparkSession.builder.enableHiveSupport().getOrCreate()
for statement in json.load(open("statements.json", encoding="utf-8")):
    spark.sql(statement)
spark.stop()
"#;

/// A text literal as Spark reads one.
fn text(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The fixture's tables, typed as a warehouse types them, copied from its CSV files; in
/// database `lost`, the same with a row without an account and an account twice.
fn fixture_tables() -> Vec<String> {
    let tables = [
        ("users", "account STRING, day DATE, new BIGINT, lost BIGINT, total BIGINT"),
        ("articles", "account STRING, published DATE, readers BIGINT, likes BIGINT, title STRING"),
        ("accounts", "account STRING, kind STRING"),
    ];
    let mut statements = Vec::new();
    for (name, columns) in tables {
        let path = text(&format!("{FIXTURE}/{name}.csv"));
        statements.push(format!(
            "CREATE TEMPORARY VIEW {name}_csv ({columns}) USING csv OPTIONS (path {path}, header 'true')"
        ));
        statements.push(format!("CREATE TABLE {name} USING parquet AS SELECT * FROM {name}_csv"));
        statements.push(format!("CREATE TABLE lost.{name} USING parquet AS SELECT * FROM {name}_csv"));
    }
    statements.insert(0, "CREATE DATABASE lost".into());
    statements.insert(0, "CREATE DATABASE broken".into());
    statements.push("CREATE TABLE broken.users USING parquet AS SELECT * FROM users_csv".into());
    let readers = "account, published, CAST(readers AS STRING) AS readers, likes, title";
    statements.push(format!("CREATE TABLE broken.articles USING parquet AS SELECT {readers} FROM articles_csv"));
    statements
        .push("CREATE TABLE broken.accounts USING parquet AS SELECT account AS acount, kind FROM accounts_csv".into());
    statements.push("USE lost".into());
    statements.extend(LOST_AND_REPEATED.split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from));
    statements
}

/// The quality fixture's tables in database `quality`, from the rows DuckDB wrote in `dir`.
fn quality_tables(dir: &Path) -> Vec<String> {
    let tables = [
        ("users", "`日期` DATE, `账号` STRING, `新关注` BIGINT, `取关` BIGINT, `净增` BIGINT"),
        ("articles", "`发表时间` DATE, `账号` STRING, `标题` STRING, `阅读人数` BIGINT"),
    ];
    let mut statements = vec!["CREATE DATABASE quality".to_string()];
    for (name, columns) in tables {
        let path = text(&dir.join(format!("{name}.csv")).display().to_string());
        statements.push(format!(
            "CREATE TEMPORARY VIEW quality_{name}_csv ({columns}) USING csv OPTIONS (path {path}, header 'true')"
        ));
        statements.push(format!("CREATE TABLE quality.{name} USING parquet AS SELECT * FROM quality_{name}_csv"));
    }
    statements
}

/// Spark's catalog refuses names other than letters, digits and `_` for tables and schemas:
/// here the columns, the entity and the `where` literal are the hostile ones.
fn hostile_table() -> Vec<String> {
    vec![
        "CREATE DATABASE hostile".into(),
        r#"CREATE TABLE hostile.posts (`acc"t` STRING, `d'ay` DATE, `v/*x*/` DOUBLE) USING parquet"#.into(),
        format!(
            "INSERT INTO hostile.posts VALUES ({entity}, DATE '2026-01-02', 2), ({entity}, DATE '2026-01-03', 3)",
            entity = text("it's; --")
        ),
    ]
}

/// Starting Spark takes seconds: one catalog, loaded once, for every comparison in turn.
#[test]
fn every_function_gives_on_spark_what_it_gives_on_files() {
    let catalog = Catalog::new();
    let quality = super::quality_warehouse();
    let (example, ruleset) = super::example_client("engines-spark");
    let example_tables = super::tables::spark_statements(&ruleset, &example, "wechat");
    catalog.load(&[fixture_tables(), hostile_table(), quality_tables(quality.path()), example_tables].concat());
    for grain in ["month", "week"] {
        let dir = warehouse(grain);
        catalog.configure(dir.path(), "default");
        let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
        let tables = json(kpi(dir.path(), &["run", "tables.yaml", "--engine", "spark://local", "--format", "json"]));
        assert_same(&files, &tables);
        assert_eq!(files["results"].as_array().unwrap().len(), 3 * 28 * if grain == "month" { 4 } else { 10 });
        if grain == "month" {
            super::longer_periods_same_on(dir.path(), "spark://local");
        }
    }
    names_that_break_pasted_sql(&catalog);
    catalog.configure(quality.path(), "quality");
    let on_duckdb = super::same_notes(quality.path(), "duckdb:warehouse.duckdb");
    assert_eq!(super::same_notes(quality.path(), "spark://local"), on_duckdb);
    catalog.configure(&example, "wechat");
    super::example_client_same_on(&example, "spark://local");
    rows_the_grid_would_lose(&catalog);
    test_cases(&catalog);
    checked_columns(&catalog);
    the_warehouse_example_runs_as_its_docs_say();
}

/// Hostile columns and texts are read as names and values; a hostile table name, which Spark
/// cannot hold, reaches it as one name it does not find.
fn names_that_break_pasted_sql(catalog: &Catalog) {
    let dir = tempfile::tempdir().unwrap();
    catalog.configure(dir.path(), "default");
    let (_, ruleset) = super::hostile_table();
    std::fs::write(dir.path().join("ruleset.yaml"), &ruleset).unwrap();
    let unknown = kpi(dir.path(), &["run", "ruleset.yaml", "--engine", "spark://local"]);
    assert_eq!(unknown.status.code(), Some(2));
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains(r#"[TABLE_OR_VIEW_NOT_FOUND] The table or view `s;--`.`we"ird'; DROP TABLE t; -- 表`"#),
        "{said}"
    );
    let table = ruleset.lines().find(|line| line.trim_start().starts_with("table:")).unwrap();
    std::fs::write(dir.path().join("ruleset.yaml"), ruleset.replace(table, "    table: hostile.posts")).unwrap();
    super::assert_hostile_names_kept(dir.path(), "spark://local");
}

/// The errors of rows without an account and of an account twice are DuckDB's, word for word.
fn rows_the_grid_would_lose(catalog: &Catalog) {
    let dir = warehouse("month");
    catalog.configure(dir.path(), "lost");
    super::load(dir.path(), LOST_AND_REPEATED);
    let run = |engine: &str| kpi(dir.path(), &["run", "tables.yaml", "--engine", engine]);
    let (on_spark, on_duckdb) = (run("spark://local"), run("duckdb:warehouse.duckdb"));
    assert_eq!(on_spark.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&on_spark.stderr), String::from_utf8_lossy(&on_duckdb.stderr));
}

/// `kpi check --engine` says what it says on DuckDB of a column renamed and one turned to text.
fn checked_columns(catalog: &Catalog) {
    let dir = warehouse("month");
    catalog.configure(dir.path(), "broken");
    let broken = kpi(dir.path(), &["check", "tables.yaml", "--engine", "spark://local"]);
    assert_eq!(broken.status.code(), Some(2));
    let said = String::from_utf8(broken.stderr)
        .unwrap()
        .replace("spark://local", "ENGINE")
        .replace("holds string", "holds TEXT");
    assert_eq!(said, super::check_broken_on_duckdb(dir.path()));
    let missing = super::missing_table_on(dir.path(), "spark://local");
    assert_eq!(missing, super::missing_table_on(dir.path(), "duckdb:warehouse.duckdb"));
}

/// The test cases' tables are temporary views of the case's session.
fn test_cases(catalog: &Catalog) {
    let dir = warehouse("month");
    catalog.configure(dir.path(), "default");
    let on_files = super::cases::run_cases(dir.path(), "files.yaml", None);
    let on_spark = super::cases::run_cases(dir.path(), "tables.yaml", Some("spark://local"));
    assert_eq!(on_files, on_spark);
    assert!(on_spark.1.contains("3 passed, 1 failed"), "{}", on_spark.1);
    let hostile = |engine| super::cases::run_hostile_case(dir.path(), engine, true);
    assert_eq!(hostile(Some("spark://local")), hostile(None));
}

/// docs/engines.md's "Try it" on Spark: the example's tables loaded with `spark-sql` into the
/// catalog Spark keeps in the folder it runs in, where `kpi run` finds them.
fn the_warehouse_example_runs_as_its_docs_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("examples/warehouse");
    std::fs::create_dir_all(example.join("data")).unwrap();
    for file in ["load-spark.sql", "ruleset.yaml", "data/users.csv", "data/articles.csv", "data/accounts.csv"] {
        std::fs::copy(root.join("examples/warehouse").join(file), example.join(file)).unwrap();
    }
    configure(dir.path(), "");
    let output = Command::new(spark_submit().unwrap().with_file_name("spark-sql"))
        .args(["-f", "examples/warehouse/load-spark.sql"])
        .env("SPARK_CONF_DIR", dir.path().join("spark-conf"))
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "spark-sql: {}", String::from_utf8_lossy(&output.stderr));
    let args = ["run", "examples/warehouse/ruleset.yaml", "--engine", "spark://local", "--format", "json"];
    let run = json(kpi(dir.path(), &args));
    let results = run["results"].as_array().unwrap();
    let net =
        results.iter().find(|r| r["entity"] == "a" && r["period"] == "2026-01" && r["kpi"] == "net_follower_growth");
    // a's January: (10 − 2) + (5 − 1) + (6 − 1).
    assert_eq!(net.unwrap()["value"], 17.0);
}
