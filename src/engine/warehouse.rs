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
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::yaml::PathStep::Key;
use crate::scratch::Scratch;
use crate::sql::{Dialect, GRID_VIEW, PROBLEMS_VIEW, Query};

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
    let (grid, problems) = (scratch.path().join("grid.parquet"), scratch.path().join("problems.parquet"));
    let Warehouse::DuckDb(database) = warehouse;
    let copy = |view: &str, file: &Path| {
        format!("COPY (SELECT * FROM {view}) TO {} (FORMAT parquet);\n", dialect.text(&file.display().to_string()))
    };
    let script = format!(
        "ATTACH {} AS warehouse (READ_ONLY);\nUSE warehouse;\n{};\n{}{}",
        dialect.text(&absolute(database).display().to_string()),
        query.views(),
        copy(PROBLEMS_VIEW, &problems),
        copy(GRID_VIEW, &grid),
    );
    run_duckdb(&script)?;
    Errors::check(problems_found(ruleset, &read(&problems)?)?, ())?;
    evaluation(ruleset, read(&grid)?, warehouse)
}

/// A file the engine wrote.
fn read(path: &Path) -> Result<DataFrame> {
    let file = std::fs::File::open(path).map_err(|e| failed(format!("it wrote no {}: {e}", path.display())))?;
    ParquetReader::new(file).finish().or_bug()
}

/// The rows the grid would leave out (rows without an entity or a date) or repeat (an entity
/// twice in a table of attributes), as the errors the same rows in files are.
fn problems_found(ruleset: &CheckedRuleset, problems: &DataFrame) -> Result<Vec<Error>> {
    let text = |name: &str| -> Result<Vec<String>> {
        let column = problems.column(name).or_bug()?.str().or_bug()?;
        Ok(column.iter().map(|value| value.unwrap_or_default().to_string()).collect())
    };
    let (kinds, sources, details) = (text("kind")?, text("source")?, text("detail")?);
    let found = kinds.iter().zip(&sources).zip(&details).map(|((kind, source), detail)| {
        let table = ruleset.model.sources.get(source).and_then(|s| s.table.clone()).unwrap_or_default();
        let (kind, help) = match kind.as_str() {
            "unplaced" => (
                ErrorKind::RowsWithoutKey {
                    source_name: source.clone(),
                    missing: "an entity or a date",
                    file: None,
                    line: None,
                },
                "fill them in, or leave those rows out with the source's `where:`",
            ),
            _ => (
                ErrorKind::DuplicateEntity { entity: detail.clone(), table, lines: Vec::new() },
                "keep one row per entity in the table",
            ),
        };
        let at = ruleset.tree.at(&[Key("sources"), Key(source), Key("table")]).map(|node| node.location.clone());
        Error::new(kind).help(help).at_opt(at)
    });
    Ok(found.collect())
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
