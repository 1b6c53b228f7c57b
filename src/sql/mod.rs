//! The ruleset as one SQL query, for the engines where the data lives (DuckDB, PostgreSQL,
//! Spark SQL): `kpi sql` prints it, `--engine` runs it. The query is a chain of named steps,
//! one per stage of the evaluation the polars engine runs, in the same order:
//!
//! 1. `rows:S` — each source's rows: entity, date, period, row number, its columns;
//! 2. `cells:S` — aggregated per entity × period (a measure's `where =` as `FILTER`), with the
//!    counts the data-quality notes are made from ([`quality`]);
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
mod quality;
mod sources;

pub use dialect::Dialect;
pub use sources::{number_columns, table_columns, table_name};

use chrono::NaiveDate;

use crate::compile::GridColumn;
use crate::error::Result;
use crate::expr::{Ir, Type};
use crate::ruleset::CheckedRuleset;
use formula::Columns;

/// The name of the view of the grid.
pub const GRID_VIEW: &str = "kpi_grid";

/// The name of the view of the rows the grid leaves out or repeats (`kind`, `source`,
/// `detail`): a table's rows without an entity or a date (`unplaced`, how many), an entity in
/// an attribute table twice (`repeated`, which).
pub const PROBLEMS_VIEW: &str = "kpi_problems";

/// The ruleset's evaluation as named steps of one query.
pub struct Query {
    pub dialect: Dialect,
    /// Each step's name and its `SELECT`, in the order they read each other.
    steps: Vec<(String, String)>,
    /// The queries [`PROBLEMS_VIEW`] gathers, and how many of the first steps they read.
    problems: (Vec<String>, usize),
    /// The ruleset's time zone (`grain.timezone`), which the session is set to.
    timezone: String,
}

impl Query {
    /// The query that computes `ruleset`'s grid on an engine of `dialect`, and `probes` (parts
    /// of its formulas, for explanations) as the columns the polars engine gives them. An
    /// error when a source reads files, which the engine cannot.
    pub fn new(ruleset: &CheckedRuleset, dialect: Dialect, probes: &[Ir]) -> Result<Query> {
        let read = sources::read(ruleset, dialect)?;
        let mut steps = read.steps;
        let mut columns = Columns::new(dialect);
        appraisal::columns(ruleset, &read.aggregations, &mut columns);
        for (index, part) in probes.iter().enumerate() {
            let value = formula::grid(part, &mut columns, &read.aggregations, None);
            let ty = if part.ty == Type::Number { Type::Number } else { Type::Any };
            columns.define(GridColumn::Probe(index), value, ty);
        }
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
        let timezone = ruleset.model.timezone().to_string();
        Ok(Query { dialect, steps, problems: (read.problems, read.source_steps), timezone })
    }

    /// The session set to the ruleset's time zone, then `CREATE TEMPORARY VIEW kpi_grid AS
    /// WITH …` and the same for `kpi_problems`: the grid and the rows it leaves out or repeats.
    pub fn views(&self) -> String {
        self.view_statements().join(";\n\n")
    }

    /// The three statements of [`Query::views`], each on its own: for a client that is given
    /// statements one by one rather than a script it splits.
    pub fn view_statements(&self) -> [String; 3] {
        let (problems, source_steps) = &self.problems;
        let problems = match problems.is_empty() {
            true => "SELECT 'none' AS kind, 'none' AS source, 'none' AS detail WHERE FALSE".to_string(),
            false => problems.join("\n  UNION ALL\n  "),
        };
        let final_step = format!("SELECT * FROM {}", self.dialect.name_of("final"));
        let grid = self.view(GRID_VIEW, &self.steps, &final_step);
        [
            self.dialect.time_zone(&self.timezone),
            grid,
            self.view(PROBLEMS_VIEW, &self.steps[..*source_steps], &problems),
        ]
    }

    /// A view of `select` over `steps`.
    fn view(&self, name: &str, steps: &[(String, String)], select: &str) -> String {
        let steps: Vec<String> =
            steps.iter().map(|(name, select)| format!("{} AS (\n  {select}\n)", self.dialect.name_of(name))).collect();
        format!("CREATE TEMPORARY VIEW {name} AS\nWITH\n{}\n{select}", steps.join(",\n"))
    }

    /// The views, the rows the grid leaves out or repeats, and the three tables of the JSON
    /// contract read from the grid: the KPIs' results, the scorecards, and the diagnoses that
    /// fire; in `period` only, when given.
    pub fn script(&self, ruleset: &CheckedRuleset, period: Option<NaiveDate>) -> String {
        let mut statements = vec![self.views(), format!("SELECT * FROM {PROBLEMS_VIEW}")];
        statements.extend(appraisal::tables(ruleset, self.dialect, period));
        statements.join(";\n\n") + ";\n"
    }
}

/// The grid column's name, quoted.
fn quoted(dialect: Dialect, column: GridColumn) -> String {
    dialect.name_of(&column.name())
}
