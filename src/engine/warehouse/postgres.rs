//! PostgreSQL, through `psql`: the views created in a transaction that is rolled back, the
//! grid, its column types and the rows it would lose copied out as CSV into the run's private
//! folder, and read back in the types PostgreSQL gave them.

use std::path::Path;
use std::process::Command;

use polars::prelude::*;
use polars_io::prelude::{CsvReadOptions, SerReader};

use super::{Made, PostgresUrl, Returned, Warehouse, run_client, written};
use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::sql::{Dialect, GRID_VIEW, PROBLEMS_VIEW, Query};

const D: Dialect = Dialect::Postgres;

/// Runs `query` on the database of `url`.
pub(super) fn run(query: &Query, url: &PostgresUrl, made: &[Made], scratch: &Path) -> Result<Returned> {
    let grid = D.name_of(GRID_VIEW);
    // A test case's tables are temporary: the session's own, and rolled back with the rest.
    let mut script = String::new();
    for table in made {
        table.refuse_nul("PostgreSQL")?;
        script.push_str(&format!("{};\n", table.create(D)));
    }
    script.push_str(&format!(
        "{};\n{}{}{}",
        query.views(),
        copy(&format!("SELECT * FROM {PROBLEMS_VIEW}"), "problems.csv"),
        copy(&types(&grid), "types.csv"),
        copy(&format!("SELECT * FROM {GRID_VIEW}"), "grid.csv"),
    ));
    let warehouse = execute(url, &script, scratch)?;
    let (schema, truths) = schema(&read(&warehouse, &scratch.join("types.csv"), None)?)?;
    let problems = read(&warehouse, &scratch.join("problems.csv"), Some(problems_schema()))?;
    let grid = read(&warehouse, &scratch.join("grid.csv"), Some(schema))?;
    let truths: Vec<Expr> = truths.iter().map(|name| col(name.as_str()).eq(lit("t"))).collect();
    Ok(Returned { problems, grid: grid.lazy().with_columns(truths).collect().or_bug()? })
}

/// Each of `tables`' columns, named and typed as PostgreSQL describes them: each read through
/// a temporary view, rolled back with the rest.
pub(super) fn describe(url: &PostgresUrl, tables: &[String], scratch: &Path) -> Result<Vec<Vec<(String, String)>>> {
    let script = tables.iter().enumerate().map(|(i, table)| {
        let view = D.name_of(&format!("kpi_table_{i}"));
        format!(
            "CREATE TEMPORARY VIEW {view} AS SELECT * FROM {table};\n{}",
            copy(&types(&view), &format!("table{i}.csv"))
        )
    });
    let warehouse = execute(url, &script.collect::<String>(), scratch)?;
    (0..tables.len()).map(|i| super::check::described(&warehouse, &scratch.join(format!("table{i}.csv")))).collect()
}

/// The tables and views the database's user sees, each with its schema.
pub(super) fn tables(url: &PostgresUrl, scratch: &Path) -> Result<Vec<(String, String)>> {
    let listed = "SELECT table_schema, table_name FROM information_schema.tables \
                  WHERE table_schema NOT IN ('pg_catalog', 'information_schema')";
    let warehouse = execute(url, &copy(listed, "tables.csv"), scratch)?;
    super::check::described(&warehouse, &scratch.join("tables.csv"))
}

/// A query's rows as CSV with a header, written by `psql` to `file` in the run's folder.
fn copy(select: &str, file: &str) -> String {
    format!("COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER) \\g '{file}'\n")
}

/// The columns of the relation `name` (quoted), each with its type.
fn types(name: &str) -> String {
    format!(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute \
         WHERE attrelid = {}::regclass AND attnum > 0 ORDER BY attnum",
        D.text(name)
    )
}

/// Runs `script` in a transaction that is rolled back, on the database of `url` with `psql`
/// (`KPI_PSQL`, else `psql` on the `PATH`), from `scratch`, where its `\g` writes. Credentials
/// come from where libpq looks for them (`~/.pgpass`, `PGPASSWORD`); the URL's password, if
/// it has one, is given as `PGPASSWORD`, which no message of `psql`'s quotes.
fn execute(url: &PostgresUrl, script: &str, scratch: &Path) -> Result<Warehouse> {
    // Dates as ISO text, and floating-point numbers in the fewest digits that read back exact.
    let script =
        format!("BEGIN;\nSET LOCAL datestyle = ISO, YMD;\nSET LOCAL extra_float_digits = 3;\n{script}ROLLBACK;\n");
    let warehouse = Warehouse::Postgres(url.clone());
    let program = std::env::var_os("KPI_PSQL").unwrap_or_else(|| "psql".into());
    let mut command = Command::new(program);
    command.args(["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"]).arg(format!("--dbname={}", url.url()));
    if let Some(password) = url.password() {
        command.env("PGPASSWORD", password);
    }
    command.current_dir(scratch);
    command.stdout(std::process::Stdio::null());
    let missing = Error::new(ErrorKind::ToolMissing { tool: "psql", purpose: "`--engine postgres://`" })
        .help("install PostgreSQL's client (Debian: `apt-get install postgresql-client`), or set KPI_PSQL to it");
    run_client(&warehouse, command, &script, missing)?;
    Ok(warehouse)
}

/// A CSV file `psql` wrote, in `schema`, else all text.
fn read(warehouse: &Warehouse, path: &Path, schema: Option<Schema>) -> Result<DataFrame> {
    let file = written(warehouse, path)?;
    let options = match schema {
        Some(schema) => CsvReadOptions::default().with_has_header(true).with_schema(Some(Arc::new(schema))),
        None => CsvReadOptions::default().with_has_header(true).with_infer_schema_length(Some(0)),
    };
    options
        .map_parse_options(|options| options.with_missing_is_null(true))
        .into_reader_with_file_handle(file)
        .finish()
        .or_bug()
}

fn problems_schema() -> Schema {
    ["kind", "source", "detail"].into_iter().map(|name| Field::new(name.into(), DataType::String)).collect()
}

/// The grid's columns in the types PostgreSQL gave them, and those that are truth values:
/// read as the text CSV writes them (`t`, `f`).
fn schema(types: &DataFrame) -> Result<(Schema, Vec<String>)> {
    let column = |name: &str| types.column(name).or_bug().and_then(|c| c.str().or_bug().cloned());
    let (names, types) = (column("attname")?, column("format_type")?);
    let mut truths = Vec::new();
    let mut schema = Schema::default();
    for (name, sql) in names.iter().zip(types.iter()) {
        let name = name.unwrap_or_default();
        let dtype = match sql.unwrap_or_default() {
            "double precision" | "real" | "numeric" => DataType::Float64,
            "bigint" => DataType::Int64,
            "integer" | "smallint" => DataType::Int32,
            "date" => DataType::Date,
            "boolean" => {
                truths.push(name.to_string());
                DataType::String
            }
            _ => DataType::String,
        };
        schema.with_column(name.into(), dtype);
    }
    Ok((schema, truths))
}
