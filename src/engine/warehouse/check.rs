//! `kpi check --engine`: each table a source names, described by its engine, has the columns
//! the ruleset reads, in types the query can use — a date column of dates (or ISO text), a
//! column formulas compute with of numbers. The errors are those of files' missing headers,
//! at the ruleset's line that maps the column.

use std::path::Path;

use polars_io::prelude::{CsvReadOptions, SerReader};

use super::{Warehouse, duckdb, postgres, spark, written};
use crate::engine::bug::Bug;
use crate::engine::sources::SourceRef;
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::SourceRole;
use crate::ruleset::yaml::PathStep::Key;
use crate::scratch::Scratch;
use crate::sql::{self, Dialect};

/// Checks every table of `ruleset`'s sources on `warehouse`; every problem found, at once.
pub fn check_columns(ruleset: &CheckedRuleset, warehouse: &Warehouse) -> Result<()> {
    let d = warehouse.dialect();
    let sources: Vec<(&String, &String)> = ruleset
        .model
        .sources
        .iter()
        .filter(|(name, _)| ruleset.model.source_role(name) != SourceRole::Targets)
        .filter_map(|(name, source)| source.table.as_ref().map(|table| (name, table)))
        .collect();
    let tables: Vec<String> = sources.iter().map(|(_, table)| sql::table_name(table, d)).collect();
    let scratch = Scratch::new("engine")?;
    let described = match warehouse {
        Warehouse::DuckDb(database) => duckdb::describe(database, &tables, scratch.path()),
        Warehouse::Postgres(url) => postgres::describe(url, &tables, scratch.path()),
        Warehouse::Spark(url) => spark::describe(url, &tables, scratch.path()),
    };
    let described = described.map_err(|failed| match says_missing(&failed) {
        true => missing_tables(ruleset, warehouse).unwrap_or(failed),
        false => failed,
    })?;
    let mut errors = Vec::new();
    for ((name, table), columns) in sources.into_iter().zip(described) {
        let source = SourceRef::new(name, &ruleset.model.sources[name], ruleset);
        let shown = format!("{} {table}", warehouse.label());
        errors.extend(problems(&source, &shown, &columns, d));
    }
    Errors::check(errors, ())
}

/// What is wrong with the columns of `source`'s table (`shown` as errors name it).
fn problems(source: &SourceRef, shown: &str, columns: &[(String, String)], d: Dialect) -> Vec<Error> {
    let mut errors = Vec::new();
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    for (header, number) in sql::table_columns(source.ruleset, source.name) {
        let (field, column) = mapping(source, &header);
        let location = source.location_of(field, column.as_deref());
        let found =
            columns.iter().find(|(name, _)| *name == header || (d.folds_case() && name.eq_ignore_ascii_case(&header)));
        let Some((_, found)) = found else {
            let error = Error::new(ErrorKind::MissingColumn { header: header.clone(), file: shown.to_string() })
                .at_opt(location)
                .note(format!("the table's columns are: {}", names.join(", ")));
            errors.push(error.suggest(&header, names.iter().copied()));
            continue;
        };
        let kind = Kind::of(found);
        let (table, found) = (shown.to_string(), found.clone());
        if field == Some("date") && !matches!(kind, Kind::Date | Kind::Text) {
            let error = Error::new(ErrorKind::NotADateColumn { column: header, file: table, found });
            errors.push(
                error
                    .at_opt(location)
                    .help("map `date` to a column of dates, or of dates written as text (2026-10-31)"),
            );
        } else if number && kind != Kind::Number {
            let error = Error::new(ErrorKind::NotANumberColumn { column: header, table, found });
            errors.push(
                error.at_opt(location).help("map the column of numbers, or point `table:` at a view that casts it"),
            );
        }
    }
    errors
}

/// The key of the ruleset that names `header`: `date` or `entity`, else the column whose
/// mapping (or own name) it is.
fn mapping(source: &SourceRef, header: &str) -> (Option<&'static str>, Option<String>) {
    let of = &source.source;
    if of.date.as_deref() == Some(header) {
        return (Some("date"), None);
    }
    if of.entity.as_deref() == Some(header) {
        return (Some("entity"), None);
    }
    let mapped = of.columns.iter().find(|(_, mapped)| *mapped == header).map(|(name, _)| name.clone());
    (None, Some(mapped.unwrap_or_else(|| header.to_string())))
}

/// What a column's type holds, as the query uses it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Date,
    Text,
    Other,
}

impl Kind {
    /// From a type as DuckDB, PostgreSQL or Spark names it (`DECIMAL(10,2)`, `double
    /// precision`, `timestamp without time zone`, `string`).
    fn of(sql_type: &str) -> Kind {
        let lower = sql_type.to_ascii_lowercase();
        let base = lower.split('(').next().unwrap_or_default().trim();
        const NUMBERS: [&str; 21] = [
            "tinyint",
            "smallint",
            "int",
            "integer",
            "bigint",
            "hugeint",
            "utinyint",
            "usmallint",
            "uinteger",
            "ubigint",
            "uhugeint",
            "int2",
            "int4",
            "int8",
            "float",
            "float4",
            "float8",
            "real",
            "double",
            "double precision",
            "decimal",
        ];
        match base {
            _ if NUMBERS.contains(&base) || base == "numeric" => Kind::Number,
            "date" => Kind::Date,
            _ if base.starts_with("timestamp") => Kind::Date,
            "varchar" | "text" | "string" | "char" | "character" | "character varying" | "bpchar" => Kind::Text,
            _ => Kind::Other,
        }
    }
}

/// A table's columns as the engine's client described them: a CSV file of names and types.
pub(super) fn described(warehouse: &Warehouse, path: &Path) -> Result<Vec<(String, String)>> {
    let file = written(warehouse, path)?;
    let options = CsvReadOptions::default().with_has_header(true).with_infer_schema_length(Some(0));
    let frame = options.into_reader_with_file_handle(file).finish().or_bug()?;
    let text = |index: usize| -> Result<Vec<String>> {
        let column = frame.columns().get(index).ok_or_else(|| Error::internal("a column the client writes"))?;
        let column = column.str().or_bug()?;
        Ok(column.iter().map(|value| value.unwrap_or_default().to_string()).collect())
    };
    Ok(text(0)?.into_iter().zip(text(1)?).collect())
}

/// Whether an engine's failure is about a table or view it does not have, in the words of
/// DuckDB ("Table with name x does not exist"), PostgreSQL ("relation \"x\" does not exist")
/// or Spark (`TABLE_OR_VIEW_NOT_FOUND`): only then are the tables listed, so that another
/// failure is never hidden behind a table a listing does not show (Spark lists one database).
pub fn says_missing(failed: &Errors) -> bool {
    let said = failed.to_string();
    ["does not exist", "TABLE_OR_VIEW_NOT_FOUND"].iter().any(|words| said.contains(words))
}

/// The sources whose table `warehouse` does not have, each an error at its `table:` line with
/// the nearest name it has: what a query that failed failed on, if that is why. `None` when
/// every table is there, or when the engine cannot list its tables either.
pub fn missing_tables(ruleset: &CheckedRuleset, warehouse: &Warehouse) -> Option<Errors> {
    let scratch = Scratch::new("engine").ok()?;
    let listed = match warehouse {
        Warehouse::DuckDb(database) => duckdb::tables(database, scratch.path()),
        Warehouse::Postgres(url) => postgres::tables(url, scratch.path()),
        Warehouse::Spark(url) => spark::tables(url, scratch.path()),
    }
    .ok()?;
    let folds = warehouse.dialect().folds_case();
    let key = |name: &str| if folds { name.to_lowercase() } else { name.to_string() };
    let names: Vec<String> = listed.iter().map(|(_, table)| table.clone()).collect();
    let qualified: Vec<String> = listed.iter().map(|(schema, table)| format!("{schema}.{table}")).collect();
    let has = |table: &str| names.iter().chain(&qualified).any(|name| key(name) == key(table));
    // A schema the listing does not show (Spark lists the current database alone) says nothing.
    let judged = |table: &str| match table.rsplit_once('.') {
        Some((schema, _)) => listed.iter().any(|(s, _)| key(s) == key(schema)),
        None => true,
    };
    let errors: Vec<Error> = ruleset
        .model
        .sources
        .iter()
        .filter_map(|(name, source)| Some((name, source.table.as_deref()?.trim())))
        .filter(|(_, table)| judged(table) && !has(table))
        .map(|(name, table)| {
            let kind = ErrorKind::MissingTable { table: table.to_string(), engine: warehouse.label() };
            let at = ruleset.tree.at(&[Key("sources"), Key(name), Key("table")]).map(|node| node.location.clone());
            let candidates = if table.contains('.') { &qualified } else { &names };
            Error::new(kind).at_opt(at).suggest(table, candidates.iter().map(String::as_str))
        })
        .collect();
    (!errors.is_empty()).then(|| Errors::from_vec(errors))
}
