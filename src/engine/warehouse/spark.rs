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
use serde_json::{Map, Value, json};

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
    let mut columns = Columns::new(fields);
    while let Some(json) = line()? {
        match serde_json::from_str::<Value>(&json) {
            Ok(Value::Object(row)) => columns.push(&row),
            _ => return Err(failed(format!("it returned a row that is not JSON: {json}")).into()),
        }
    }
    columns.frame()
}

/// Columns filled row by row, in the polars types of Spark's.
struct Columns {
    columns: Vec<(String, DataType, Vec<Value>)>,
}

impl Columns {
    fn new(fields: Vec<(String, String)>) -> Columns {
        let dtype = |spark: &str| match spark {
            "double" | "float" => DataType::Float64,
            decimal if decimal.starts_with("decimal") => DataType::Float64,
            "bigint" => DataType::Int64,
            "int" | "smallint" | "tinyint" => DataType::Int32,
            "date" => DataType::Date,
            "boolean" => DataType::Boolean,
            _ => DataType::String,
        };
        let columns = fields.into_iter().map(|(name, spark)| (name, dtype(&spark), Vec::new()));
        Columns { columns: columns.collect() }
    }
    fn push(&mut self, row: &Map<String, Value>) {
        for (name, _, values) in &mut self.columns {
            values.push(row.get(name.as_str()).cloned().unwrap_or(Value::Null));
        }
    }

    fn frame(self) -> Result<DataFrame> {
        let columns = self.columns.into_iter().map(|(name, dtype, values)| column(name, &dtype, &values));
        DataFrame::new_infer_height(columns.collect::<Result<Vec<_>>>()?).or_bug()
    }
}

/// A column of JSON values as `dtype`: numbers as JSON writes them (and `"NaN"`,
/// `"Infinity"` as Spark does), dates as ISO text.
fn column(name: String, dtype: &DataType, values: &[Value]) -> Result<Column> {
    let unreadable = |value: &Value| failed(format!("it returned {value} in the column `{name}` of type {dtype}"));
    let name = PlSmallStr::from(name.as_str());
    let column = match dtype {
        DataType::Float64 => {
            let number = |value: &Value| match value {
                Value::Null => Ok(None),
                Value::Number(number) => Ok(number.as_f64()),
                Value::String(text) => text.parse::<f64>().map(Some).map_err(|_| unreadable(value)),
                _ => Err(unreadable(value)),
            };
            Column::new(name, values.iter().map(number).collect::<std::result::Result<Vec<_>, _>>()?)
        }
        DataType::Int64 | DataType::Int32 => {
            let number = |value: &Value| match value {
                Value::Null => Ok(None),
                _ => value.as_i64().map(Some).ok_or_else(|| unreadable(value)),
            };
            let column = Column::new(name, values.iter().map(number).collect::<std::result::Result<Vec<_>, _>>()?);
            column.cast(dtype).or_bug()?
        }
        DataType::Date => {
            let day = |value: &Value| match value {
                Value::Null => Ok(None),
                _ => value
                    .as_str()
                    .and_then(|text| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
                    .map(|date| Some(crate::engine::period::epoch_days(date)))
                    .ok_or_else(|| unreadable(value)),
            };
            let days = Column::new(name, values.iter().map(day).collect::<std::result::Result<Vec<_>, _>>()?);
            days.cast(&DataType::Date).or_bug()?
        }
        DataType::Boolean => {
            let truth = |value: &Value| match value {
                Value::Null => Ok(None),
                _ => value.as_bool().map(Some).ok_or_else(|| unreadable(value)),
            };
            Column::new(name, values.iter().map(truth).collect::<std::result::Result<Vec<_>, _>>()?)
        }
        _ => {
            let text = |value: &Value| match value {
                Value::Null => None,
                Value::String(text) => Some(text.clone()),
                other => Some(other.to_string()),
            };
            Column::new(name, values.iter().map(text).collect::<Vec<_>>())
        }
    };
    Ok(column)
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
