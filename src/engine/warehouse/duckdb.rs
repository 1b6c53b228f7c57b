//! DuckDB, through its own client: the database attached read-only, the grid and the rows it
//! would lose written as Parquet into the run's private folder.

use std::path::Path;
use std::process::Command;

use polars_io::prelude::{ParquetReader, SerReader};

use super::{Returned, Warehouse, run_client, written};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::sql::{Dialect, GRID_VIEW, PROBLEMS_VIEW, Query};

/// Runs `query` on the database file `database` with the DuckDB client (`KPI_DUCKDB`, else
/// `duckdb` on the `PATH`).
pub(super) fn run(query: &Query, database: &Path, scratch: &Path) -> Result<Returned> {
    let d = Dialect::DuckDb;
    let (grid, problems) = (scratch.join("grid.parquet"), scratch.join("problems.parquet"));
    let copy = |view: &str, file: &Path| {
        format!("COPY (SELECT * FROM {view}) TO {} (FORMAT parquet);\n", d.text(&file.display().to_string()))
    };
    let database = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
    let script = format!(
        "ATTACH {} AS warehouse (READ_ONLY);\nUSE warehouse;\n{};\n{}{}",
        d.text(&database.display().to_string()),
        query.views(),
        copy(PROBLEMS_VIEW, &problems),
        copy(GRID_VIEW, &grid),
    );
    let warehouse = Warehouse::DuckDb(database);
    let program = std::env::var_os("KPI_DUCKDB").unwrap_or_else(|| "duckdb".into());
    let mut command = Command::new(program);
    command.args(["-batch", "-bail"]);
    let missing = Error::new(ErrorKind::ToolMissing { tool: "DuckDB", purpose: "`--engine duckdb:`" })
        .help("install its client: `pip install duckdb-cli`, or set KPI_DUCKDB to its path");
    run_client(&warehouse, command, &script, missing)?;
    let read = |path: &Path| ParquetReader::new(written(&warehouse, path)?).finish().or_bug();
    Ok(Returned { problems: read(&problems)?, grid: read(&grid)? })
}
