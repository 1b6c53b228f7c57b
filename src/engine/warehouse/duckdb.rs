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

/// Runs `query` on the database file `database`, or on the tables `made` in memory, with the
/// DuckDB client (`KPI_DUCKDB`, else `duckdb` on the `PATH`).
pub(super) fn run(query: &Query, database: Option<&Path>, made: &[Made], scratch: &Path) -> Result<Returned> {
    let d = Dialect::DuckDb;
    let (grid, problems) = (scratch.join("grid.parquet"), scratch.join("problems.parquet"));
    let copy = |view: &str, file: &Path| {
        format!("COPY (SELECT * FROM {view}) TO {} (FORMAT parquet);\n", d.text(&file.display().to_string()))
    };
    let mut script = String::new();
    if let Some(database) = database {
        let database = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
        let path = d.text(&database.display().to_string());
        script.push_str(&format!("ATTACH {path} AS warehouse (READ_ONLY);\nUSE warehouse;\n"));
    }
    let schemas: std::collections::BTreeSet<&str> =
        made.iter().filter_map(|t| t.table.split_once('.')).map(|(s, _)| s).collect();
    for schema in schemas {
        script.push_str(&format!("CREATE SCHEMA {};\n", d.name_of(schema)));
    }
    for table in made {
        script.push_str(&format!("{};\n", table.create(d)));
    }
    let script = format!("{script}{};\n{}{}", query.views(), copy(PROBLEMS_VIEW, &problems), copy(GRID_VIEW, &grid),);
    let warehouse = Warehouse::DuckDb(database.unwrap_or(Path::new(":memory:")).to_path_buf());
    let program = std::env::var_os("KPI_DUCKDB").unwrap_or_else(|| "duckdb".into());
    let mut command = Command::new(program);
    command.args(["-batch", "-bail"]);
    command.stdout(std::process::Stdio::null());
    let missing = Error::new(ErrorKind::ToolMissing { tool: "DuckDB", purpose: "`--engine duckdb:`" })
        .help("install its client: `pip install duckdb-cli`, or set KPI_DUCKDB to its path");
    run_client(&warehouse, command, &script, missing)?;
    let read = |path: &Path| ParquetReader::new(written(&warehouse, path)?).finish().or_bug();
    Ok(Returned { problems: read(&problems)?, grid: read(&grid)? })
}
