//! A test case's rows as tables on the engine (`kpi test --engine`): made by the query itself
//! from literals, so that a case runs the same on an engine on this machine and on a cluster
//! whose workers cannot read this machine's files.

use std::path::PathBuf;

use polars::prelude::*;

use crate::engine::bug::Bug;
use crate::error::{Error, ErrorKind, Result};
use crate::ruleset::CheckedRuleset;
use crate::sql::Dialect;

/// A table made for one evaluation and gone after it: a test case's rows, typed as a
/// warehouse would type them — a column of numbers throughout is a number, of ISO dates a
/// date, any other text.
pub struct CaseTable {
    /// The ruleset's source that reads it.
    pub source: String,
    /// Its name in the ruleset's source, [`super::Warehouse::case_table`].
    pub table: String,
    /// The CSV file of its rows (headers on the first line); none for a table without rows,
    /// whose columns are those the query reads, numbers where a formula computes with them.
    pub rows: Option<PathBuf>,
}

/// A case table as the engine makes it: its name, typed columns and rows.
pub(super) struct Made {
    pub table: String,
    source: String,
    columns: Vec<(String, Kind)>,
    /// Each row's values as text (numbers in the fewest digits that read back exact, dates
    /// ISO), column by column.
    rows: Vec<Vec<Option<String>>>,
}

/// The type of a case table's column.
#[derive(Clone, Copy)]
enum Kind {
    Number,
    Date,
    Text,
}

impl CaseTable {
    /// The table to make: its columns, typed, and its rows read.
    pub(super) fn prepare(&self, ruleset: &CheckedRuleset) -> Result<Made> {
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
        // The columns the query reads, and no others: a fixture's other columns (comments
        // written by the public) never reach the engine.
        let rows = match &self.rows {
            Some(path) => {
                let rows = read(path)?;
                let read =
                    rows.get_column_names().into_iter().filter(|name| wanted.iter().any(|(w, _)| w == name.as_str()));
                rows.select(read.cloned().collect::<Vec<_>>()).or_bug()?
            }
            None => DataFrame::empty(),
        };
        if rows.width() == 0 {
            return Ok(Made {
                table: self.table.clone(),
                source: self.source.clone(),
                columns: wanted,
                rows: Vec::new(),
            });
        }
        // A column without a value has the type the query reads it as, as in a table without rows.
        let kind = |column: &Column| match column.dtype() {
            _ if column.null_count() == column.len() => {
                wanted.iter().find(|(header, _)| header == column.name().as_str()).map_or(Kind::Text, |(_, kind)| *kind)
            }
            dtype if dtype.is_primitive_numeric() => Kind::Number,
            DataType::Date => Kind::Date,
            _ => Kind::Text,
        };
        let columns = rows.columns().iter().map(|column| (column.name().to_string(), kind(column))).collect();
        let texts = |column: &Column| -> Result<Vec<Option<String>>> {
            let column = column.cast(&DataType::String).or_bug()?;
            Ok(column.str().or_bug()?.iter().map(|value| value.map(str::to_string)).collect())
        };
        let rows = rows.columns().iter().map(texts).collect::<Result<_>>()?;
        Ok(Made { table: self.table.clone(), source: self.source.clone(), columns, rows })
    }
}

/// A case's CSV file, each column typed by what all its values are.
fn read(path: &std::path::Path) -> Result<DataFrame> {
    let unreadable = |e: String| Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: e });
    let file = std::fs::File::open(path).map_err(|e| unreadable(e.to_string()))?;
    let rows = polars_io::prelude::CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .map_parse_options(|options| options.with_try_parse_dates(true))
        .into_reader_with_file_handle(file);
    Ok(polars_io::prelude::SerReader::finish(rows).map_err(|e| unreadable(e.to_string()))?)
}

impl Made {
    /// An error naming the first value that holds NUL, which PostgreSQL's text cannot hold
    /// (it refuses `chr(0)`): said before the case runs, with where the NUL is.
    pub fn refuse_nul(&self, tool: &str) -> Result<()> {
        for ((name, _), values) in self.columns.iter().zip(&self.rows) {
            if let Some(row) = values.iter().position(|value| value.as_ref().is_some_and(|v| v.contains('\0'))) {
                let message = format!(
                    "row {} holds a NUL character in column `{name}`, which {tool}'s text cannot hold",
                    row + 1
                );
                let kind = ErrorKind::InvalidTestData { source_name: self.source.clone(), message };
                return Err(Error::new(kind).help("remove it from the case's rows, or run the case on files").into());
            }
        }
        Ok(())
    }

    /// Its name, each part quoted.
    pub fn name(&self, d: Dialect) -> String {
        self.table.split('.').map(|part| d.name_of(part)).collect::<Vec<_>>().join(".")
    }

    /// The statement that makes it: a table, or on Spark a temporary view (the session's own,
    /// where a table would be the catalog's), of its rows as typed literals.
    pub fn create(&self, d: Dialect) -> String {
        let ty = |kind: Kind| match kind {
            Kind::Number => d.double(),
            Kind::Date => "DATE",
            Kind::Text => d.string(),
        };
        let typed = |value: &dyn Fn(usize) -> String| -> String {
            let columns = self.columns.iter().enumerate();
            let typed = columns
                .map(|(at, (name, kind))| format!("CAST({} AS {}) AS {}", value(at), ty(*kind), d.name_of(name)));
            typed.collect::<Vec<_>>().join(", ")
        };
        let height = self.rows.first().map_or(0, Vec::len);
        let select = match height {
            0 => format!("SELECT {} WHERE FALSE", typed(&|_| "NULL".into())),
            _ => format!(
                "SELECT {} FROM (VALUES\n  {}\n) AS {}({})",
                typed(&|at| format!("c{at}")),
                self.values(d, height).join(",\n  "),
                d.name_of("rows"),
                (0..self.columns.len()).map(|at| format!("c{at}")).collect::<Vec<_>>().join(", ")
            ),
        };
        match d {
            Dialect::Spark => format!("CREATE TEMPORARY VIEW {} AS {select}", self.name(d)),
            Dialect::DuckDb | Dialect::Postgres => format!("CREATE TABLE {} AS {select}", self.name(d)),
        }
    }

    /// Each row as a tuple of text literals.
    fn values(&self, d: Dialect, height: usize) -> Vec<String> {
        let literal = |value: &Option<String>| value.as_deref().map_or("NULL".to_string(), |text| d.text(text));
        let row = |at: usize| self.rows.iter().map(|column| literal(&column[at])).collect::<Vec<_>>().join(", ");
        (0..height).map(|at| format!("({})", row(at))).collect()
    }
}
