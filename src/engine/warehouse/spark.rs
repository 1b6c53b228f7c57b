//! Spark, through `spark-submit` and a driver of its own ([`DRIVER`]): the statements given to
//! Spark one by one (`spark-sql` splits a script at each `;` outside quotes, and would split
//! a quoted name that holds one), and each result streamed back to this machine as JSON lines
//! — the one way a cluster's results come back to the machine that asked, where a file written
//! by its workers would be on theirs.
//!
//! A cluster is pointed at as for any `spark-submit`: its configuration folder
//! (`SPARK_CONF_DIR`, with `spark-defaults.conf` and the catalog's `hive-site.xml`) says what
//! the master does not.

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};

use polars::prelude::*;
use serde_json::{Value, json};

use super::{Made, Returned, Warehouse, run_client, written};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::sql::{Dialect, GRID_VIEW, PROBLEMS_VIEW, Query};

const D: Dialect = Dialect::Spark;

/// The program `spark-submit` runs: it reads `job.json` and writes each output's rows.
const DRIVER: &str = include_str!("spark.py");

/// Whether `master` (after `spark://`) names one: `local`, `yarn`, or a standalone master's
/// `HOST:PORT` — the only text of `--engine` that reaches the client's command line.
pub(super) fn is_master(master: &str) -> bool {
    let host_and_port = master.rsplit_once(':').is_some_and(|(host, port)| {
        let host_ok = host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        !host.is_empty() && !host.starts_with('-') && host_ok && port.parse::<u16>().is_ok()
    });
    matches!(master, "local" | "yarn") || host_and_port
}

/// Runs `query` with `spark-submit` (`KPI_SPARK_SUBMIT`, else `spark-submit` on the `PATH`)
/// on the master of `url`: this machine's cores for `spark://local`, its driver on loopback
/// alone.
pub(super) fn run(query: &Query, url: &str, made: &[Made], scratch: &Path) -> Result<Returned> {
    let mut statements: Vec<String> = made.iter().map(|table| table.create(D)).collect();
    statements.extend(query.view_statements());
    let outputs = [(PROBLEMS_VIEW, "problems"), (GRID_VIEW, "grid")]
        .map(|(view, name)| (name.into(), format!("SELECT * FROM {view}")));
    submit(url, &statements, &outputs, scratch)?;
    let warehouse = Warehouse::Spark(url.to_string());
    let read = |name: &str| read(&written(&warehouse, &scratch.join(format!("{name}.jsonl")))?);
    Ok(Returned { problems: read("problems")?, grid: read("grid")? })
}

/// Each of `tables`' columns, named and typed as Spark reads them.
pub(super) fn describe(url: &str, tables: &[String], scratch: &Path) -> Result<Vec<Vec<(String, String)>>> {
    let outputs: Vec<(String, String)> = tables
        .iter()
        .enumerate()
        .map(|(i, table)| (format!("table{i}"), format!("SELECT * FROM {table} LIMIT 0")))
        .collect();
    submit(url, &[], &outputs, scratch)?;
    let warehouse = Warehouse::Spark(url.to_string());
    let fields = |(name, _): &(String, String)| -> Result<Vec<(String, String)>> {
        let file = written(&warehouse, &scratch.join(format!("{name}.jsonl")))?;
        let first = std::io::BufReader::new(file).lines().next().transpose().map_err(|e| failed(e.to_string()))?;
        first
            .and_then(|line| serde_json::from_str(&line).ok())
            .ok_or_else(|| failed("it wrote no columns".into()).into())
    };
    outputs.iter().map(fields).collect()
}

/// The tables and views of the current database, each with its database.
pub(super) fn tables(url: &str, scratch: &Path) -> Result<Vec<(String, String)>> {
    submit(url, &[], &[("tables".into(), "SHOW TABLES".into())], scratch)?;
    let frame = read(&written(&Warehouse::Spark(url.to_string()), &scratch.join("tables.jsonl"))?)?;
    let text = |name: &str| -> Result<Vec<String>> {
        let column = frame.column(name).or_bug()?.str().or_bug()?.clone();
        Ok(column.iter().map(|value| value.unwrap_or_default().to_string()).collect())
    };
    Ok(text("namespace")?.into_iter().zip(text("tableName")?).collect())
}

/// Submits the driver: `statements` in turn, then each output's query, its rows written to
/// `NAME.jsonl` in `scratch`.
fn submit(url: &str, statements: &[String], outputs: &[(String, String)], scratch: &Path) -> Result<()> {
    let job = json!({ "statements": statements, "outputs": outputs });
    let write = |name: &str, text: &str| std::fs::write(scratch.join(name), text).map_err(|e| failed(e.to_string()));
    write("job.json", &job.to_string())?;
    write("driver.py", DRIVER)?;
    let program = std::env::var_os("KPI_SPARK_SUBMIT").unwrap_or_else(|| "spark-submit".into());
    let mut command = Command::new(program);
    match url.strip_prefix("spark://") {
        Some("local") => {
            command.args(["--master=local[*]", "--conf=spark.ui.enabled=false"]);
            command.args(["--conf=spark.driver.bindAddress=127.0.0.1", "--conf=spark.driver.host=127.0.0.1"]);
            command.env("SPARK_LOCAL_IP", "127.0.0.1");
        }
        Some("yarn") => _ = command.arg("--master=yarn"),
        _ => _ = command.arg(format!("--master={url}")),
    }
    // From the folder kpi runs in, as `spark-sql` would: a catalog Spark keeps in a folder of
    // its own (`metastore_db`, without `hive-site.xml`) is the one the user's other jobs see.
    command.arg("--conf=spark.sql.variable.substitute=false").arg(scratch.join("driver.py")).arg(scratch);
    command.stdout(Stdio::null());
    let missing = Error::new(ErrorKind::ToolMissing { tool: "spark-submit", purpose: "`--engine spark://`" })
        .help("install Spark (`pip install pyspark` has it; it needs a JDK), or set KPI_SPARK_SUBMIT to its `bin/spark-submit`");
    let ran = run_client(&Warehouse::Spark(url.to_string()), command, "", missing);
    if let Ok(said) = std::fs::read_to_string(scratch.join("error.txt")) {
        return Err(failed(error(&said)).into());
    }
    ran
}

fn failed(message: String) -> Error {
    Error::new(ErrorKind::ToolFailed { tool: "Spark", message })
}

/// An output the driver wrote: its columns' names and types, then its rows.
fn read(file: &std::fs::File) -> Result<DataFrame> {
    let mut lines = std::io::BufReader::new(file).lines();
    let mut line = || lines.next().transpose().map_err(|e| failed(e.to_string()));
    let fields: Vec<(String, String)> = line()?
        .and_then(|first| serde_json::from_str(&first).ok())
        .ok_or_else(|| failed("it wrote no columns".into()))?;
    let mut columns: Vec<(String, Values)> =
        fields.into_iter().map(|(name, spark)| (name, Values::of_type(&spark))).collect();
    while let Some(json) = line()? {
        let Ok(Value::Object(row)) = serde_json::from_str::<Value>(&json) else {
            return Err(failed(format!("it returned a row that is not JSON: {json}")).into());
        };
        for (name, values) in &mut columns {
            let value = row.get(name.as_str()).unwrap_or(&Value::Null);
            values.push(value).ok_or_else(|| failed(format!("it returned {value} in the column `{name}`")))?;
        }
    }
    let columns = columns.into_iter().map(|(name, values)| values.column(name.as_str().into()));
    DataFrame::new_infer_height(columns.collect::<Result<Vec<_>>>()?).or_bug()
}

/// A column's values, read row by row into the polars type of its Spark type.
enum Values {
    /// `double`, `float`, `decimal(p,s)`: numbers as JSON writes them, and `"NaN"`,
    /// `"Infinity"` as Spark does.
    Numbers(Vec<Option<f64>>),
    /// `bigint`, or `int` and smaller (as 32 bits).
    Integers(Vec<Option<i64>>, DataType),
    /// `date`, as ISO text, kept as days since 1970.
    Days(Vec<Option<i32>>),
    Truths(Vec<Option<bool>>),
    Texts(Vec<Option<String>>),
}

impl Values {
    fn of_type(spark: &str) -> Values {
        match spark {
            "double" | "float" => Values::Numbers(Vec::new()),
            decimal if decimal.starts_with("decimal") => Values::Numbers(Vec::new()),
            "bigint" => Values::Integers(Vec::new(), DataType::Int64),
            "int" | "smallint" | "tinyint" => Values::Integers(Vec::new(), DataType::Int32),
            "date" => Values::Days(Vec::new()),
            "boolean" => Values::Truths(Vec::new()),
            _ => Values::Texts(Vec::new()),
        }
    }

    /// Adds `value`; `None` when it is not of the column's type.
    fn push(&mut self, value: &Value) -> Option<()> {
        let null = value.is_null();
        match self {
            Values::Numbers(values) => values.push(match value {
                Value::String(text) => Some(text.parse::<f64>().ok()?),
                _ if null => None,
                _ => Some(value.as_f64()?),
            }),
            Values::Integers(values, _) => values.push(if null { None } else { Some(value.as_i64()?) }),
            Values::Days(values) => values.push(match null {
                true => None,
                false => {
                    let date = chrono::NaiveDate::parse_from_str(value.as_str()?, "%Y-%m-%d").ok()?;
                    Some(crate::engine::period::epoch_days(date))
                }
            }),
            Values::Truths(values) => values.push(if null { None } else { Some(value.as_bool()?) }),
            Values::Texts(values) => values.push(match value {
                Value::String(text) => Some(text.clone()),
                _ if null => None,
                other => Some(other.to_string()),
            }),
        }
        Some(())
    }

    fn column(self, name: PlSmallStr) -> Result<Column> {
        Ok(match self {
            Values::Numbers(values) => Column::new(name, values),
            Values::Integers(values, dtype) => Column::new(name, values).cast(&dtype).or_bug()?,
            Values::Days(values) => Column::new(name, values).cast(&DataType::Date).or_bug()?,
            Values::Truths(values) => Column::new(name, values),
            Values::Texts(values) => Column::new(name, values),
        })
    }
}

/// The driver's error without the plan and the position in the query Spark adds to it.
fn error(said: &str) -> String {
    let plan = |line: &&str| line.starts_with('\'') || line.trim_start().starts_with("+- ") || line.starts_with("JVM");
    let text = said.lines().take_while(|line| !plan(line)).collect::<Vec<_>>().join("\n");
    text.split_once("; line ").map_or(text.as_str(), |(said, _)| said).trim().to_string()
}

/// What Spark logged when it failed before its driver ran: without its noise, the last lines.
pub(super) fn logged(stderr: &str) -> String {
    let noise = |line: &&str| {
        let logged = line.len() > 18 && line.as_bytes()[2] == b'/' && line.as_bytes()[8] == b' ';
        logged || line.starts_with('{') || line.starts_with("WARNING:") || line.trim_start().starts_with("at ")
    };
    let lines: Vec<&str> = stderr.lines().filter(|line| !noise(line)).collect();
    lines[lines.len().saturating_sub(12)..].join("\n")
}
