//! The ruleset as one SQL query, for the engines where the data lives (DuckDB, PostgreSQL,
//! Spark SQL): `kpi sql` prints it, `--engine` runs it. The query is a chain of named steps,
//! one per stage of the evaluation the polars engine runs, in the same order:
//!
//! 1. `rows:S` — each source's rows: entity, date, period, row number, its columns;
//! 2. `cells:S` — aggregated per entity × period (a measure's `where =` as `FILTER`);
//! 3. `entities`, `bounds`, `periods` — every entity, and every period from the first to the
//!    last of any source (a generated calendar, so a month without rows is a row);
//! 4. `grid` — every entity × every period, the aggregates and attributes joined on;
//! 5. `stage:N` — the computed columns, each stage reading the one before: measures and KPIs,
//!    period and cross-entity functions, targets, attainment, scores, bands, scorecards,
//!    grades, diagnoses;
//!
//! and the view `kpi_grid` holds the last stage, in the columns of the polars engine's grid.
//! Names are quoted identifiers and values escaped literals, by one function each per
//! dialect ([`Dialect`]): no text of the ruleset is pasted into the query.

mod appraisal;
mod dialect;
mod formula;
mod sources;

pub use dialect::Dialect;

use chrono::NaiveDate;

use crate::compile::GridColumn;
use crate::error::Result;
use crate::ruleset::CheckedRuleset;
use formula::Columns;

/// The name of the view the query defines.
pub const GRID_VIEW: &str = "kpi_grid";

/// The ruleset's evaluation as named steps of one query.
pub struct Query {
    pub dialect: Dialect,
    /// Each step's name and its `SELECT`, in the order they read each other.
    steps: Vec<(String, String)>,
}

impl Query {
    /// The query that computes `ruleset`'s grid on an engine of `dialect`. An error when a
    /// source reads files, which the engine cannot.
    pub fn new(ruleset: &CheckedRuleset, dialect: Dialect) -> Result<Query> {
        let read = sources::read(ruleset, dialect)?;
        let mut steps = read.steps;
        let mut columns = Columns::new(dialect);
        appraisal::columns(ruleset, &read.aggregations, &mut columns);
        let mut previous = "grid".to_string();
        for stage in 1..=columns.stages() {
            let computed: Vec<String> = columns
                .defined
                .iter()
                .filter(|(at, ..)| *at == stage)
                .map(|(_, name, sql)| format!("{sql} AS {}", dialect.name_of(name)))
                .collect();
            let name = format!("stage:{stage}");
            let from = dialect.name_of(&previous);
            steps.push((name.clone(), format!("SELECT *,\n    {}\n  FROM {from}", computed.join(",\n    "))));
            previous = name;
        }
        steps.push(("final".into(), format!("SELECT * FROM {}", dialect.name_of(&previous))));
        Ok(Query { dialect, steps })
    }

    /// `CREATE TEMPORARY VIEW kpi_grid AS WITH …`: the grid, under [`GRID_VIEW`].
    pub fn view(&self) -> String {
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|(name, select)| format!("{} AS (\n  {select}\n)", self.dialect.name_of(name)))
            .collect();
        format!(
            "CREATE TEMPORARY VIEW {} AS\nWITH\n{}\nSELECT * FROM {}",
            GRID_VIEW,
            steps.join(",\n"),
            self.dialect.name_of("final")
        )
    }

    /// The view and the three tables of the JSON contract read from it: the KPIs' results,
    /// the scorecards, and the diagnoses that fire; in `period` only, when given.
    pub fn script(&self, ruleset: &CheckedRuleset, period: Option<NaiveDate>) -> String {
        let tables = appraisal::tables(ruleset, self.dialect, period);
        format!("{};\n\n{}\n", self.view(), tables.join(";\n\n") + ";")
    }
}

/// The grid column's name, quoted.
fn quoted(dialect: Dialect, column: GridColumn) -> String {
    dialect.name_of(&column.name())
}
