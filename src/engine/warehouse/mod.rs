//! Evaluation where the data lives (`--engine`): the ruleset's query ([`crate::sql`]) runs on
//! the engine, which writes the grid to a file of the run's private folder, and the grid is
//! read back as the polars engine would have made it — so the appraisal, reports, tests and
//! diffs on top of it are the same code for every engine.
//!
//! Each engine is driven as a program (its own command-line client), the query on its
//! standard input: nothing of the ruleset becomes a command-line option, and of `--engine`
//! only a PostgreSQL URL does, as the value of `--dbname=`.

mod cases;
mod check;
mod duckdb;
mod postgres;
mod postgres_url;
mod spark;

pub use cases::CaseTable;
pub use check::check_columns;
pub use postgres_url::PostgresUrl;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use indexmap::IndexMap;
use polars::prelude::*;

use super::bug::Bug;
use super::evaluation::{Evaluation, FileRead, Found};
use super::period::{Period, from_epoch_days};
use super::probes::Probes;
use crate::compile::GridColumn;
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::yaml::PathStep::Key;
use crate::scratch::Scratch;
use crate::sql::{Dialect, Query};
use cases::Made;

/// An engine `--engine` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warehouse {
    /// A DuckDB database file, opened read-only.
    DuckDb(PathBuf),
    /// A PostgreSQL database, as a libpq URL (`postgres://user@host:5432/db?host=/socket`).
    Postgres(PostgresUrl),
    /// Spark SQL, as `spark://local` (this machine), `spark://yarn` or `spark://HOST:PORT` (a
    /// standalone cluster's master).
    Spark(String),
}

impl Warehouse {
    /// Reads `--engine`: `duckdb:PATH`, `postgres://…` (`postgresql://…`) or `spark://…`.
    pub fn parse(text: &str) -> Result<Warehouse> {
        let unknown = || {
            Error::new(ErrorKind::UnknownValue { value: text.to_string() }).help(
                "`--engine duckdb:FILE` runs on a DuckDB database file, `--engine postgres://USER@HOST/DB` \
                 on PostgreSQL, `--engine spark://local` on Spark (docs/engines.md)",
            )
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Warehouse::Postgres(PostgresUrl::parse(text)?));
        }
        if let Some(master) = text.strip_prefix("spark://") {
            return match spark::is_master(master) {
                true => Ok(Warehouse::Spark(text.to_string())),
                false => Err(Error::new(ErrorKind::UnknownValue { value: text.to_string() })
                    .help("Spark runs as `--engine spark://local`, `spark://yarn` or `spark://HOST:PORT` (docs/engines.md)")
                    .into()),
            };
        }
        match text.split_once(':') {
            Some(("duckdb", path)) if !path.is_empty() => Ok(Warehouse::DuckDb(PathBuf::from(path))),
            _ => Err(unknown().into()),
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Warehouse::DuckDb(_) => Dialect::DuckDb,
            Warehouse::Postgres(_) => Dialect::Postgres,
            Warehouse::Spark(_) => Dialect::Spark,
        }
    }

    /// The engine as reports, progress lines and errors name it: a PostgreSQL URL without its
    /// password or its parameters.
    pub fn label(&self) -> String {
        match self {
            Warehouse::DuckDb(path) => format!("duckdb:{}", path.display()),
            Warehouse::Postgres(url) => url.shown().to_string(),
            Warehouse::Spark(url) => url.clone(),
        }
    }

    /// The engine's client, as errors name it.
    pub fn tool(&self) -> &'static str {
        match self {
            Warehouse::DuckDb(_) => "DuckDB",
            Warehouse::Postgres(_) => "PostgreSQL",
            Warehouse::Spark(_) => "Spark",
        }
    }
}

impl Warehouse {
    /// The name of a test case's `index`th table: in a schema of its own on DuckDB (where a
    /// case runs in a database in memory, not in the file `--engine` names), a temporary table
    /// on PostgreSQL (seen by the case's session alone), a temporary view on Spark (the same).
    pub fn case_table(&self, index: usize) -> String {
        match self {
            Warehouse::DuckDb(_) => format!("kpi_case.source_{index}"),
            Warehouse::Postgres(_) => format!("pg_temp.kpi_case_{index}"),
            Warehouse::Spark(_) => format!("kpi_case_{index}"),
        }
    }
}

/// The two results of the query: the rows the grid would lose or repeat, and the grid.
struct Returned {
    problems: DataFrame,
    grid: DataFrame,
}

/// The ruleset evaluated where `--engine` says: on `warehouse`, else by the built-in engine
/// on its files; with `probes` (parts of its formulas, for explanations).
pub fn evaluate_where(ruleset: &CheckedRuleset, warehouse: Option<&Warehouse>, probes: Probes) -> Result<Evaluation> {
    match warehouse {
        Some(warehouse) => evaluate_on(ruleset, warehouse, &[], probes),
        None => super::evaluate_with(ruleset, probes),
    }
}

/// A test case's ruleset on the engine of `warehouse`, its sources the case's `tables`.
pub fn evaluate_case(ruleset: &CheckedRuleset, warehouse: &Warehouse, tables: &[CaseTable]) -> Result<Evaluation> {
    evaluate_on(ruleset, warehouse, tables, Probes::default())
}

fn evaluate_on(
    ruleset: &CheckedRuleset,
    warehouse: &Warehouse,
    tables: &[CaseTable],
    probes: Probes,
) -> Result<Evaluation> {
    let query = Query::new(ruleset, warehouse.dialect(), probes.formulas())?;
    let scratch = Scratch::new("engine")?;
    let made = tables.iter().map(|table| table.prepare(ruleset)).collect::<Result<Vec<Made>>>()?;
    let returned = match warehouse {
        Warehouse::DuckDb(database) => {
            let database = made.is_empty().then_some(database.as_path());
            duckdb::run(&query, database, &made, scratch.path())
        }
        Warehouse::Postgres(url) => postgres::run(&query, url, &made, scratch.path()),
        Warehouse::Spark(url) => spark::run(&query, url, &made, scratch.path()),
    };
    // A table that is not there fails kpi's own query; the error names the source's table.
    let returned = match returned {
        Err(failed) if made.is_empty() && check::says_missing(&failed) => {
            return Err(check::missing_tables(ruleset, warehouse).unwrap_or(failed));
        }
        returned => returned?,
    };
    Errors::check(problems_found(ruleset, &returned.problems)?, ())?;
    evaluation(ruleset, returned.grid, warehouse, probes)
}

/// The rows the grid would leave out (rows without an entity or a date) or repeat (an entity
/// twice in a table of attributes), as the errors the same rows in files are.
fn problems_found(ruleset: &CheckedRuleset, problems: &DataFrame) -> Result<Vec<Error>> {
    let text = |name: &str| -> Result<Vec<String>> {
        let column = problems.column(name).or_bug()?.cast(&DataType::String).or_bug()?;
        Ok(column.str().or_bug()?.iter().map(|value| value.unwrap_or_default().to_string()).collect())
    };
    let (kinds, sources, details) = (text("kind")?, text("source")?, text("detail")?);
    // In the ruleset's order of sources, whatever order the engine returned them in.
    let mut problems: Vec<(&String, &String, &String)> =
        sources.iter().zip(&kinds).zip(&details).map(|((s, k), d)| (s, k, d)).collect();
    problems
        .sort_by_key(|(source, kind, detail)| (ruleset.model.sources.get_index_of(source.as_str()), *kind, *detail));
    let found = problems.into_iter().map(|(source, kind, detail)| {
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
            "dates" => {
                let at =
                    ruleset.tree.at(&[Key("sources"), Key(source), Key("table")]).map(|node| node.location.clone());
                return crate::engine::grid::date_out_of_range(source, detail).at_opt(at);
            }
            "target" => {
                let (kpi, entity) = detail.split_once(' ').unwrap_or((detail, ""));
                let (kpi, entity) = (kpi.to_string(), entity.to_string());
                (
                    ErrorKind::DuplicateTarget { table: source.clone(), kpi, entity, lines: None },
                    "keep one target per entity, period and KPI",
                )
            }
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

/// Runs an engine's client, `script` on its standard input and its standard output where
/// `command` says; its error output is the message when it fails, `missing` when it cannot
/// start.
fn run_client(warehouse: &Warehouse, mut command: Command, script: &str, missing: Error) -> Result<()> {
    command.stdin(Stdio::piped()).stderr(Stdio::piped());
    let mut child = crate::interrupt::spawn(&mut command).map_err(|_| missing)?;
    let id = child.id();
    let written = child.stdin.take().expect("a piped stdin").write_all(script.as_bytes());
    let output = child.wait_with_output();
    crate::interrupt::forget_process(id);
    let failed = |message: String| Error::new(ErrorKind::ToolFailed { tool: warehouse.tool(), message });
    let output = output.map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let message = match warehouse {
            Warehouse::Spark(_) => spark::logged(&stderr),
            Warehouse::Postgres(url) => url.hide(stderr.trim()),
            Warehouse::DuckDb(_) => stderr.trim().to_string(),
        };
        use std::os::unix::process::ExitStatusExt;
        if let (true, Some(signal)) = (message.is_empty(), output.status.signal()) {
            // Killed from outside: the out-of-memory killer's SIGKILL, most often.
            let message = format!("its client was killed by signal {signal}");
            let help = "if the machine ran out of memory, give the engine more (or appraise fewer periods with `--period`), then run again";
            return Err(failed(message).help(help).into());
        }
        return Err(failed(message).into());
    }
    written.map_err(|e| failed(e.to_string()))?;
    Ok(())
}

/// A file the engine wrote, which it must have written.
fn written(warehouse: &Warehouse, path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| {
        let message = format!("it wrote no {}: {e}", path.display());
        Error::new(ErrorKind::ToolFailed { tool: warehouse.tool(), message }).into()
    })
}

/// The grid as the engine returned it, in entity then period order, as an evaluation.
fn evaluation(ruleset: &CheckedRuleset, frame: DataFrame, warehouse: &Warehouse, probes: Probes) -> Result<Evaluation> {
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
    let label = warehouse.label();
    if periods.is_empty() {
        return Err(crate::engine::grid::no_dated_rows_in_tables(ruleset, &label).into());
    }
    let tables = ruleset.row_sources().map(|(name, source)| {
        let table = source.table.clone().unwrap_or_default();
        (name.clone(), vec![FileRead { name: format!("{label} {table}"), entity: None }])
    });
    let (frame, quality, daily) = super::quality::notes_counted(ruleset, frame, &entities)?;
    let found = Found { warnings: Vec::new(), quality, daily, files: tables.collect::<IndexMap<_, _>>() };
    Ok(Evaluation::new(ruleset, frame, entities, periods, found, probes)?)
}
