//! DuckDB, through its own client: the database attached read-only (or a test case's tables
//! made in memory), the grid and the rows it would lose written as Parquet into the run's
//! private folder.

use std::path::Path;
use std::process::Command;

use polars_io::prelude::{ParquetReader, SerReader};

use super::{Made, Returned, Warehouse, run_client, written};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::sql::{Dialect, GRID_VIEW, PROBLEMS_VIEW, Query};

const D: Dialect = Dialect::DuckDb;

/// Runs `query` on the database file `database`, or on the tables `made` in memory.
pub(super) fn run(query: &Query, database: Option<&Path>, made: &[Made], scratch: &Path) -> Result<Returned> {
    let (grid, problems) = (scratch.join("grid.parquet"), scratch.join("problems.parquet"));
    let mut script = String::new();
    let schemas: std::collections::BTreeSet<&str> =
        made.iter().filter_map(|t| t.table.split_once('.')).map(|(s, _)| s).collect();
    for schema in schemas {
        script.push_str(&format!("CREATE SCHEMA {};\n", D.name_of(schema)));
    }
    for table in made {
        script.push_str(&format!("{};\n", table.create(D)));
    }
    let copy = |view: &str, file: &Path| format!("COPY (SELECT * FROM {view}) TO {} (FORMAT parquet);\n", path(file));
    script.push_str(&format!("{};\n{}{}", query.views(), copy(PROBLEMS_VIEW, &problems), copy(GRID_VIEW, &grid)));
    let warehouse = execute(database, &script)?;
    let read = |path: &Path| ParquetReader::new(written(&warehouse, path)?).finish().or_bug();
    Ok(Returned { problems: read(&problems)?, grid: read(&grid)? })
}

/// Each of `tables`' columns in `database`, named and typed as DuckDB describes them.
pub(super) fn describe(database: &Path, tables: &[String], scratch: &Path) -> Result<Vec<Vec<(String, String)>>> {
    let file = |i: usize| scratch.join(format!("table{i}.csv"));
    let copies = tables.iter().enumerate().map(|(i, table)| {
        let described = format!("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {table})");
        format!("COPY ({described}) TO {} (FORMAT csv, HEADER);\n", path(&file(i)))
    });
    let warehouse = execute(Some(database), &copies.collect::<String>())?;
    (0..tables.len()).map(|i| super::check::described(&warehouse, &file(i))).collect()
}

/// The tables and views of `database`, each with its schema.
pub(super) fn tables(database: &Path, scratch: &Path) -> Result<Vec<(String, String)>> {
    let file = scratch.join("tables.csv");
    let listed = "SELECT table_schema, table_name FROM information_schema.tables";
    let warehouse = execute(Some(database), &format!("COPY ({listed}) TO {} (FORMAT csv, HEADER);\n", path(&file)))?;
    super::check::described(&warehouse, &file)
}

/// Runs `script` with the DuckDB client (`KPI_DUCKDB`, else `duckdb` on the `PATH`), on
/// `database` attached read-only, else on a database in memory.
fn execute(database: Option<&Path>, script: &str) -> Result<Warehouse> {
    let attach = database.map(|database| {
        let database = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
        format!("ATTACH {} AS warehouse (READ_ONLY);\nUSE warehouse;\n", path(&database))
    });
    let warehouse = Warehouse::DuckDb(database.unwrap_or(Path::new(":memory:")).to_path_buf());
    let program = std::env::var_os("KPI_DUCKDB").unwrap_or_else(|| "duckdb".into());
    let mut command = Command::new(program);
    command.args(["-batch", "-bail"]);
    command.stdout(std::process::Stdio::null());
    let missing = Error::new(ErrorKind::ToolMissing { tool: "DuckDB", purpose: "`--engine duckdb:`" })
        .help("install its client: `pip install duckdb-cli`, or set KPI_DUCKDB to its path");
    run_client(&warehouse, command, &format!("{}{script}", attach.unwrap_or_default()), missing)?;
    Ok(warehouse)
}

fn path(file: &Path) -> String {
    D.text(&file.display().to_string())
}
