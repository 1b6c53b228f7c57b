//! `kpi run` where the data lives against the files' run, on the large benchmark's portfolio
//! (users and articles exports, one row of each per account and day): the exports loaded into
//! a DuckDB database and into Spark tables (local mode, every core), the same ruleset reading
//! them as tables, each run timed as a process with its peak memory (the largest of `kpi` and
//! the engine's processes), and the KPI rows of every engine checked equal to the files'.
//!
//! ```sh
//! KPI_BENCH_WAREHOUSE_ACCOUNTS=2800 cargo bench --bench warehouses    # 1×; 140000 is 50×
//! ```
//!
//! The clients come from `target/test-venv` (`scripts/test` installs them); `KPI_BENCH_ENGINES`
//! (`files,duckdb,spark`, the default) picks the runs. Figures: docs/scale.md.

#[path = "support/portfolio.rs"]
mod portfolio;
#[path = "support/tables.rs"]
#[allow(dead_code)]
mod tables;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kpi::ruleset::CheckedRuleset;
use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};
use portfolio::{generated, run_process, wechat_data};

fn main() {
    let accounts: usize = match std::env::var("KPI_BENCH_WAREHOUSE_ACCOUNTS") {
        Ok(accounts) => accounts.parse().expect("KPI_BENCH_WAREHOUSE_ACCOUNTS is a number of accounts"),
        Err(_) => return eprintln!("set KPI_BENCH_WAREHOUSE_ACCOUNTS (2800 is 1×, 140000 is 50×)"),
    };
    let engines = std::env::var("KPI_BENCH_ENGINES").unwrap_or_else(|_| "files,duckdb,spark".into());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data =
        generated(root, &format!("wechat-large-{accounts}x365"), accounts, wechat_data::write_users_and_articles);
    let rows = accounts * 365 * 2;
    println!("data: {} ({rows} source rows)", data.display());
    let ruleset_path = root.join("benches/wechat/ruleset.yaml");
    let ruleset = kpi::project::open(&ruleset_path, Some(&data)).expect("the benchmark's ruleset opens");
    // The data's folder is target/bench-data/NAME: `extends` takes a relative path.
    let extends = Path::new("../../../benches/wechat/ruleset.yaml");
    std::fs::write(data.join("tables.yaml"), tables::tables_ruleset(&ruleset, extends)).unwrap();
    let out = data.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut measured = Vec::new();
    for engine in engines.split(',') {
        let (load, run) = match engine {
            "files" => (Duration::ZERO, files(&data, &ruleset_path, &out)),
            "duckdb" => duckdb(root, &data, &ruleset, &out),
            "spark" => spark(root, &data, &ruleset, &out),
            other => panic!("KPI_BENCH_ENGINES: no engine `{other}`"),
        };
        let gib = run.1 as f64 / (1u64 << 30) as f64;
        println!("{engine}: loaded in {load:.1?}; kpi run --format parquet {:.1?}, peak {gib:.2} GiB", run.0);
        measured.push(engine);
    }
    // Against this run's files' results, or an earlier run's at the same size.
    if out.join("files.parquet").exists() {
        for engine in measured.iter().filter(|engine| **engine != "files") {
            let compared = same_results(&out.join("files.parquet"), &out.join(format!("{engine}.parquet")));
            println!("{engine}: {compared} KPI rows equal to the files' (within 1e-9)");
        }
    }
}

/// The run on the exports as files.
fn files(data: &Path, ruleset: &Path, out: &Path) -> (Duration, u64) {
    let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
    kpi.arg("run")
        .arg(ruleset)
        .arg("--data")
        .arg(data)
        .args(["--format", "parquet", "-o"])
        .arg(out.join("files.parquet"));
    run_process(&mut kpi)
}

fn client(root: &Path, variable: &str, in_venv: &str) -> PathBuf {
    let path =
        std::env::var_os(variable).map(PathBuf::from).unwrap_or_else(|| root.join("target/test-venv").join(in_venv));
    assert!(path.exists(), "{} is missing: run scripts/test, which installs it, or set {variable}", path.display());
    path
}

/// Loads the exports into `data/warehouse.duckdb` (once), then runs on it.
fn duckdb(root: &Path, data: &Path, ruleset: &CheckedRuleset, out: &Path) -> (Duration, (Duration, u64)) {
    let duckdb = client(root, "KPI_DUCKDB", "bin/duckdb");
    let database = data.join("warehouse.duckdb");
    let started = Instant::now();
    if !database.exists() {
        let script = tables::duckdb_script(ruleset, data);
        let status = Command::new(&duckdb).arg(&database).arg("-c").arg(script).status().unwrap();
        assert!(status.success(), "loading DuckDB");
    }
    let load = started.elapsed();
    let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
    kpi.arg("run").arg(data.join("tables.yaml")).arg("--engine").arg(format!("duckdb:{}", database.display()));
    kpi.args(["--format", "parquet", "-o"]).arg(out.join("duckdb.parquet")).env("KPI_DUCKDB", &duckdb);
    (load, run_process(&mut kpi))
}

/// Loads the exports into Parquet tables of a Spark catalog in `data/spark` (once), then runs
/// on them in local mode.
fn spark(root: &Path, data: &Path, ruleset: &CheckedRuleset, out: &Path) -> (Duration, (Duration, u64)) {
    let lib = root.join("target/test-venv/lib");
    let pythons =
        std::fs::read_dir(&lib).map(|dir| dir.flatten().map(|p| p.path()).collect::<Vec<_>>()).unwrap_or_default();
    let found = pythons.iter().map(|p| p.join("site-packages/pyspark/bin/spark-submit")).find(|p| p.exists());
    let submit = std::env::var_os("KPI_SPARK_SUBMIT").map(PathBuf::from).or(found).expect("pyspark: run scripts/test");
    let dir = data.join("spark");
    let conf = dir.join("conf");
    std::fs::create_dir_all(&conf).unwrap();
    let settings = format!(
        "spark.sql.warehouse.dir {0}/warehouse\n\
         spark.hadoop.javax.jdo.option.ConnectionURL jdbc:derby:;databaseName={0}/metastore;create=true\n\
         spark.driver.memory 8g\n\
         spark.ui.enabled false\n",
        dir.display()
    );
    std::fs::write(conf.join("spark-defaults.conf"), settings).unwrap();
    let started = Instant::now();
    if !dir.join("loaded").exists() {
        let statements = tables::spark_statements(ruleset, data, "default");
        std::fs::write(dir.join("statements.json"), serde_json::to_string(&statements).unwrap()).unwrap();
        let loader = "import json\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.enableHiveSupport().getOrCreate()\nfor statement in json.load(open('statements.json', encoding='utf-8')):\n    spark.sql(statement)\nspark.stop()\n";
        std::fs::write(dir.join("load.py"), loader).unwrap();
        let status = Command::new(&submit)
            .args(["--master=local[*]", "load.py"])
            .env("SPARK_CONF_DIR", &conf)
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success(), "loading Spark");
        std::fs::write(dir.join("loaded"), "").unwrap();
    }
    let load = started.elapsed();
    let mut kpi = Command::new(env!("CARGO_BIN_EXE_kpi"));
    kpi.arg("run").arg(data.join("tables.yaml")).args(["--engine", "spark://local", "--format", "parquet", "-o"]);
    kpi.arg(out.join("spark.parquet")).env("KPI_SPARK_SUBMIT", &submit).env("SPARK_CONF_DIR", &conf).current_dir(&dir);
    (load, run_process(&mut kpi))
}

/// How many KPI rows two runs wrote, after checking every value equal within 1e-9.
fn same_results(files: &Path, engine: &Path) -> usize {
    let read = |path: &Path| {
        let frame = ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap();
        let keys: Vec<PlSmallStr> = frame.get_column_names_owned().into_iter().take(3).collect();
        frame.sort(keys, SortMultipleOptions::default()).unwrap()
    };
    let (a, b) = (read(files), read(engine));
    assert_eq!(a.shape(), b.shape(), "{} and {}: as many rows and columns", files.display(), engine.display());
    for (x, y) in a.columns().iter().zip(b.columns()) {
        if !x.dtype().is_primitive_numeric() {
            assert!(x.equals_missing(y), "{}: differs", x.name());
            continue;
        }
        let (x, y) = (x.cast(&DataType::Float64).unwrap(), y.cast(&DataType::Float64).unwrap());
        for (u, v) in x.f64().unwrap().iter().zip(y.f64().unwrap().iter()) {
            let same = match (u, v) {
                (Some(u), Some(v)) => (u - v).abs() <= 1e-9 * u.abs().max(1.0),
                (u, v) => u.is_none() == v.is_none(),
            };
            assert!(same, "{}: {u:?} on files, {v:?} on the engine", x.name());
        }
    }
    a.height()
}
