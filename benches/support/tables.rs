//! The generated portfolio as warehouse tables: the ruleset that reads them, and the
//! statements that load the exports into DuckDB, PostgreSQL and Spark — for the benchmark of
//! engines and for the tests that compare an engine's whole contract with the files' run.

use std::path::{Path, PathBuf};

use kpi::ruleset::CheckedRuleset;
use kpi::ruleset::model::SourceRole;
use serde_json::{Map, json};

/// The ruleset with every source a table of its own name (a `table` drops the inherited files),
/// as its columns map it, extending the ruleset at `path` (relative to where it is written).
pub fn tables_ruleset(ruleset: &CheckedRuleset, path: &Path) -> String {
    let mut sources = Map::new();
    for (name, source) in &ruleset.model.sources {
        let mut table = json!({ "table": name, "columns": source.columns });
        for (key, value) in [("date", &source.date), ("entity", &source.entity), ("entity_value", &source.entity_value)]
        {
            if let Some(value) = value {
                table[key] = json!(value);
            }
        }
        sources.insert(name.clone(), table);
    }
    let document = json!({
        "ruleset": "wechat-bench-tables",
        "extends": path.display().to_string(),
        "sources": sources,
    });
    // JSON is YAML.
    serde_json::to_string_pretty(&document).unwrap()
}

/// A warehouse's types of the columns.
#[derive(Clone, Copy, PartialEq)]
pub enum Type {
    Date,
    Number,
    Text,
}

/// Each source's columns as a warehouse would type them: a file's headers in its order, typed
/// by its first row (the date a date, numbers numbers, the rest text); for a source without
/// files, the columns the ruleset reads (the date a date, the entity and attributes text, the
/// rest numbers).
pub fn table_columns(ruleset: &CheckedRuleset, name: &str, data: &Path) -> Vec<(String, Type)> {
    let source = &ruleset.model.sources[name];
    let (date, entity) = (source.date.as_deref(), source.entity.as_deref());
    let Some(file) = csv_of(name, data) else {
        let read = kpi::sql::table_columns(ruleset, name);
        let attributes = ruleset.model.source_role(name) == SourceRole::Attributes;
        let kind = |header: &str| match header {
            _ if Some(header) == date => Type::Date,
            _ if Some(header) == entity || attributes => Type::Text,
            _ => Type::Number,
        };
        return read.iter().map(|(header, _)| (header.clone(), kind(header))).collect();
    };
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let headers = lines.next().unwrap_or_default().trim_start_matches('\u{feff}');
    let first = lines.next().unwrap_or_default();
    let kind = |header: &str, value: &str| match header {
        _ if Some(header) == date => Type::Date,
        _ if Some(header) != entity && value.parse::<f64>().is_ok() => Type::Number,
        _ => Type::Text,
    };
    headers.split(',').zip(first.split(',')).map(|(header, value)| (header.to_string(), kind(header, value))).collect()
}

/// The generated export a source reads, for the two the portfolio has.
pub fn csv_of(name: &str, data: &Path) -> Option<PathBuf> {
    match name {
        "users" => Some(data.join("data/users-all.csv")),
        "articles" => Some(data.join("data/articles.csv")),
        _ => None,
    }
}

/// The script that makes DuckDB's tables and copies the exports into them.
pub fn duckdb_script(ruleset: &CheckedRuleset, data: &Path) -> String {
    let ty = |ty| match ty {
        Type::Date => "DATE",
        Type::Number => "DOUBLE",
        Type::Text => "VARCHAR",
    };
    let copy = |name: &str, file: &Path| format!("COPY \"{name}\" FROM '{}' (HEADER);\n", file.display());
    sql_script(ruleset, data, ty, copy)
}

/// The script that makes PostgreSQL's tables and copies the exports into them with `psql`.
pub fn postgres_script(ruleset: &CheckedRuleset, data: &Path) -> String {
    let ty = |ty| match ty {
        Type::Date => "date",
        Type::Number => "double precision",
        Type::Text => "text",
    };
    let copy =
        |name: &str, file: &Path| format!("\\copy \"{name}\" FROM '{}' CSV HEADER ENCODING 'UTF8'\n", file.display());
    sql_script(ruleset, data, ty, copy)
}

/// A `CREATE TABLE` per source, its columns typed by `ty`, and `copy` of its export into it.
fn sql_script(
    ruleset: &CheckedRuleset,
    data: &Path,
    ty: impl Fn(Type) -> &'static str,
    copy: impl Fn(&str, &Path) -> String,
) -> String {
    let mut script = String::new();
    for name in ruleset.model.sources.keys() {
        let columns = table_columns(ruleset, name, data);
        let typed: Vec<String> = columns.iter().map(|(header, t)| format!("\"{header}\" {}", ty(*t))).collect();
        script.push_str(&format!("CREATE TABLE \"{name}\" ({});\n", typed.join(", ")));
        if let Some(file) = csv_of(name, data) {
            script.push_str(&copy(name, &file));
        }
    }
    script
}

/// The statements that make Spark's tables, in `database`, as Parquet copies of the exports.
pub fn spark_statements(ruleset: &CheckedRuleset, data: &Path, database: &str) -> Vec<String> {
    let ty = |ty: Type| match ty {
        Type::Date => "DATE",
        Type::Number => "DOUBLE",
        Type::Text => "STRING",
    };
    let mut statements = vec![format!("CREATE DATABASE IF NOT EXISTS `{database}`")];
    for name in ruleset.model.sources.keys() {
        let columns = table_columns(ruleset, name, data);
        let typed: Vec<String> = columns.iter().map(|(h, t)| format!("`{h}` {}", ty(*t))).collect();
        match csv_of(name, data) {
            Some(file) => {
                let view = format!(
                    "CREATE TEMPORARY VIEW `{database}_{name}_csv` ({}) USING csv OPTIONS (path '{}', header 'true')",
                    typed.join(", "),
                    file.display()
                );
                statements.push(view);
                statements.push(format!(
                    "CREATE TABLE `{database}`.`{name}` USING parquet AS SELECT * FROM `{database}_{name}_csv`"
                ));
            }
            None => statements.push(format!("CREATE TABLE `{database}`.`{name}` ({}) USING parquet", typed.join(", "))),
        }
    }
    statements
}
