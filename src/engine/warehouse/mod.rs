//! Evaluation where the data lives (`--engine`): the ruleset's query ([`crate::sql`]) runs on
//! the engine, which writes the grid to a file of the run's private folder, and the grid is
//! read back as the polars engine would have made it — so the appraisal, reports, tests and
//! diffs on top of it are the same code for every engine.
//!
//! Each engine is driven as a program (its own command-line client), the query on its
//! standard input: nothing of the ruleset becomes a command-line option, and of `--engine`
//! only a PostgreSQL URL does, as the value of `--dbname=`.

mod duckdb;
mod postgres;

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

/// An engine `--engine` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warehouse {
    /// A DuckDB database file, opened read-only.
    DuckDb(PathBuf),
    /// A PostgreSQL database, as a libpq URL (`postgres://user@host:5432/db?host=/socket`).
    Postgres(String),
}

impl Warehouse {
    /// Reads `--engine`: `duckdb:PATH` or `postgres://…` (`postgresql://…`).
    pub fn parse(text: &str) -> Result<Warehouse> {
        let unknown = || {
            Error::new(ErrorKind::UnknownValue { value: text.to_string() }).help(
                "`--engine duckdb:FILE` runs on a DuckDB database file, `--engine postgres://USER@HOST/DB` \
                 on PostgreSQL (docs/engines.md)",
            )
        };
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(Warehouse::Postgres(text.to_string()));
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
        }
    }

    /// The engine as reports and errors name it: a PostgreSQL URL without its password or
    /// its parameters (which may hold one).
    pub fn label(&self) -> String {
        match self {
            Warehouse::DuckDb(path) => format!("duckdb:{}", path.display()),
            Warehouse::Postgres(url) => postgres::without_secrets(url),
        }
    }

    /// The engine's client, as errors name it.
    fn tool(&self) -> &'static str {
        match self {
            Warehouse::DuckDb(_) => "DuckDB",
            Warehouse::Postgres(_) => "PostgreSQL",
        }
    }
}

/// A table made for one evaluation and gone after it: a test case's rows (`kpi test
/// --engine`), typed as a warehouse would type them — a column of numbers throughout is a
/// number, of ISO dates a date, any other text.
pub struct CaseTable {
    /// The ruleset's source that reads it.
    pub source: String,
    /// Its name in the ruleset's source, [`Warehouse::case_table`].
    pub table: String,
    /// The CSV file of its rows (headers on the first line); none for a table without rows,
    /// whose columns are those the query reads, numbers where a formula computes with them.
    pub rows: Option<PathBuf>,
}

impl Warehouse {
    /// The name of a test case's `index`th table: in a schema of its own on DuckDB (where a
    /// case runs in a database in memory, not in the file `--engine` names), a temporary table
    /// on PostgreSQL (seen by the case's session alone).
    pub fn case_table(&self, index: usize) -> String {
        match self {
            Warehouse::DuckDb(_) => format!("kpi_case.source_{index}"),
            Warehouse::Postgres(_) => format!("pg_temp.kpi_case_{index}"),
        }
    }
}

impl CaseTable {
    /// The table to make: its columns and, when it has rows, a copy of their file in `scratch`
    /// under a name of the engine's own (`case-N.csv`), which a client's command can name
    /// without escaping.
    fn prepare(&self, ruleset: &CheckedRuleset, index: usize, scratch: &Path) -> Result<Made> {
        let made = |columns, rows| Made { table: self.table.clone(), columns, rows };
        let date = ruleset.model.sources[&self.source].date.clone();
        let wanted: Vec<(String, Kind)> = crate::sql::table_columns(ruleset, &self.source)
            .into_iter()
            .map(|(header, number)| {
                let kind = match (Some(&header) == date.as_ref(), number) {
                    (true, _) => Kind::Date,
                    (false, true) => Kind::Number,
                    (false, false) => Kind::Text,
                };
                (header, kind)
            })
            .collect();
        let Some(path) = &self.rows else {
            return Ok(made(wanted, None));
        };
        let unreadable =
            |e: String| Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: e });
        let name = format!("case-{index}.csv");
        std::fs::copy(path, scratch.join(&name)).map_err(|e| unreadable(e.to_string()))?;
        let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
        let rows = polars_io::prelude::CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(None)
            .map_parse_options(|options| options.with_try_parse_dates(true))
            .into_reader_with_file_handle(file);
        let rows = polars_io::prelude::SerReader::finish(rows).map_err(|e| unreadable(e.to_string()))?;
        // A column without a value has the type the query reads it as, as in a table without rows.
        let kind = |column: &Column| match column.dtype() {
            _ if column.null_count() == column.len() => {
                wanted.iter().find(|(header, _)| header == column.name().as_str()).map_or(Kind::Text, |(_, kind)| *kind)
            }
            dtype if dtype.is_primitive_numeric() => Kind::Number,
            DataType::Date => Kind::Date,
            _ => Kind::Text,
        };
        let columns = rows.columns().iter().map(|column| (column.name().to_string(), kind(column)));
        Ok(made(columns.collect(), Some(name)))
    }
}

/// A case table as the client makes it: its name, columns, and rows' file in the scratch folder.
struct Made {
    table: String,
    columns: Vec<(String, Kind)>,
    rows: Option<String>,
}

/// The type of a case table's column.
#[derive(Clone, Copy)]
enum Kind {
    Number,
    Date,
    Text,
}

impl Made {
    /// Its name, each part quoted.
    fn name(&self, d: Dialect) -> String {
        self.table.split('.').map(|part| d.name_of(part)).collect::<Vec<_>>().join(".")
    }

    /// `CREATE TABLE`, its columns typed.
    fn create(&self, d: Dialect) -> String {
        let ty = |kind: Kind| match kind {
            Kind::Number => d.double(),
            Kind::Date => "DATE",
            Kind::Text => d.string(),
        };
        let columns: Vec<String> =
            self.columns.iter().map(|(name, kind)| format!("{} {}", d.name_of(name), ty(*kind))).collect();
        format!("CREATE TABLE {} ({});\n", self.name(d), columns.join(", "))
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
    let tables = tables.iter().enumerate().map(|(index, table)| table.prepare(ruleset, index, scratch.path()));
    let made = tables.collect::<Result<Vec<Made>>>()?;
    let returned = match warehouse {
        Warehouse::DuckDb(database) => {
            let database = made.is_empty().then_some(database.as_path());
            duckdb::run(&query, database, &made, scratch.path())?
        }
        Warehouse::Postgres(url) => postgres::run(&query, url, &made, scratch.path())?,
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

/// Runs an engine's client, `script` on its standard input; its error output is the message
/// when it fails, `missing` when it cannot start.
fn run_client(warehouse: &Warehouse, mut command: Command, script: &str, missing: Error) -> Result<()> {
    command.stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = crate::interrupt::spawn(&mut command).map_err(|_| missing)?;
    let id = child.id();
    let written = child.stdin.take().expect("a piped stdin").write_all(script.as_bytes());
    let output = child.wait_with_output();
    crate::interrupt::forget_process(id);
    let failed = |message: String| Error::new(ErrorKind::ToolFailed { tool: warehouse.tool(), message });
    let output = output.map_err(|e| failed(e.to_string()))?;
    if !output.status.success() {
        return Err(failed(String::from_utf8_lossy(&output.stderr).trim().to_string()).into());
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
    let tables = ruleset.row_sources().map(|(name, source)| {
        let table = source.table.clone().unwrap_or_default();
        (name.clone(), vec![FileRead { name: format!("{label} {table}"), entity: None }])
    });
    let found = Found { warnings: Vec::new(), quality: Vec::new(), files: tables.collect::<IndexMap<_, _>>() };
    Ok(Evaluation::new(ruleset, frame, entities, periods, found, probes)?)
}
