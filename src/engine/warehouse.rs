//! Evaluation where the data lives (`--engine`): the ruleset's query ([`crate::sql`]) runs on
//! the engine, which writes the grid to a file of the run's private folder, and the grid is
//! read back as the polars engine would have made it — so the appraisal, reports, tests and
//! diffs on top of it are the same code for every engine.
//!
//! The engine is driven as a program (its own command-line client), the query on its standard
//! input: nothing of the ruleset or of `--engine` becomes a command-line option.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use indexmap::IndexMap;
use polars::prelude::*;
use polars_io::prelude::{ParquetReader, SerReader};

use super::bug::Bug;
use super::evaluation::{Evaluation, FileRead, Found};
use super::period::{Period, from_epoch_days};
use super::probes::Probes;
use crate::compile::GridColumn;
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::CheckedRuleset;
use crate::scratch::Scratch;
use crate::sql::{Dialect, GRID_VIEW, Query};

/// An engine `--engine` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warehouse {
    /// A DuckDB database file, opened read-only.
    DuckDb(PathBuf),
}

impl Warehouse {
    /// Reads `--engine`: `duckdb:PATH`.
    pub fn parse(text: &str) -> Result<Warehouse> {
        let unknown = || {
            Error::new(ErrorKind::UnknownValue { value: text.to_string() })
                .help("`--engine duckdb:FILE` runs on a DuckDB database file (docs/engines.md)")
        };
        match text.split_once(':') {
            Some(("duckdb", path)) if !path.is_empty() => Ok(Warehouse::DuckDb(PathBuf::from(path))),
            _ => Err(unknown().into()),
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Warehouse::DuckDb(_) => Dialect::DuckDb,
        }
    }
}

/// The ruleset evaluated on `warehouse`.
pub fn evaluate_on(ruleset: &CheckedRuleset, warehouse: &Warehouse) -> Result<Evaluation> {
    let dialect = warehouse.dialect();
    let query = Query::new(ruleset, dialect)?;
    let scratch = Scratch::new("engine")?;
    let grid = scratch.path().join("grid.parquet");
    let Warehouse::DuckDb(database) = warehouse;
    let script = format!(
        "ATTACH {} AS warehouse (READ_ONLY);\nUSE warehouse;\n{};\nCOPY (SELECT * FROM {GRID_VIEW}) TO {} (FORMAT parquet);\n",
        dialect.text(&absolute(database).display().to_string()),
        query.view(),
        dialect.text(&grid.display().to_string()),
    );
    run_duckdb(&script)?;
    let file = std::fs::File::open(&grid).map_err(|e| failed(format!("it wrote no grid: {e}")))?;
    let frame = ParquetReader::new(file).finish().or_bug()?;
    evaluation(ruleset, frame, warehouse)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Runs a script with the DuckDB client (`KPI_DUCKDB`, else `duckdb` on the `PATH`).
fn run_duckdb(script: &str) -> Result<()> {
    let program = std::env::var_os("KPI_DUCKDB").unwrap_or_else(|| "duckdb".into());
    let missing = |_| {
        Error::new(ErrorKind::ToolMissing { tool: "DuckDB", purpose: "`--engine duckdb:`" })
            .help("install its client: `pip install duckdb-cli`, or set KPI_DUCKDB to its path")
    };
    let mut command = Command::new(&program);
    command.args(["-batch", "-bail"]).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = crate::interrupt::spawn(&mut command).map_err(missing)?;
    let id = child.id();
    let written = child.stdin.take().expect("a piped stdin").write_all(script.as_bytes());
    let output = child.wait_with_output();
    crate::interrupt::forget_process(id);
    let output = output.map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(String::from_utf8_lossy(&output.stderr).trim().to_string()).into());
    }
    written.map_err(|e| failed(e.to_string()))?;
    Ok(())
}

fn failed(message: String) -> Error {
    Error::new(ErrorKind::ToolFailed { tool: "DuckDB", message })
}

/// The grid as the engine returned it, in entity then period order, as an evaluation.
fn evaluation(ruleset: &CheckedRuleset, frame: DataFrame, warehouse: &Warehouse) -> Result<Evaluation> {
    let sorted = SortMultipleOptions::default().with_maintain_order(true);
    let frame = frame.sort([GridColumn::Entity.name(), GridColumn::Period.name()], sorted).or_bug()?;
    let entities: Vec<String> = {
        let column = frame.column(&GridColumn::Entity.name()).or_bug()?.unique_stable().or_bug()?;
        column.str().or_bug()?.iter().flatten().map(str::to_string).collect()
    };
    let grain = ruleset.model.grain.period;
    let days = frame.column(&GridColumn::Period.name()).or_bug()?.unique_stable().or_bug()?;
    let days = days.cast(&DataType::Int32).or_bug()?;
    let periods: Vec<Period> =
        days.i32().or_bug()?.iter().flatten().map(|days| Period::containing(grain, from_epoch_days(days))).collect();
    let Warehouse::DuckDb(database) = warehouse;
    let tables = ruleset.row_sources().map(|(name, source)| {
        let table = source.table.clone().unwrap_or_default();
        let read = FileRead { name: format!("{}:{table}", database.display()), entity: None };
        (name.clone(), vec![read])
    });
    let found = Found { warnings: Vec::new(), quality: Vec::new(), files: tables.collect::<IndexMap<_, _>>() };
    Ok(Evaluation::new(ruleset, frame, entities, periods, found, Probes::default())?)
}
