//! The first steps of the query: each table source's rows, aggregated per entity × period, and
//! the grid of every entity × every period with the aggregates and attributes joined on.

use super::dialect::Dialect;
use super::formula::{self, Aggregations};
use super::quoted;
use crate::compile::{GridColumn, RowColumn};
use crate::error::{Error, ErrorKind, Result};
use crate::expr::usage::walk;
use crate::expr::{Function, Ir, IrNode, Ref, Type, Usage};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::checked::{CheckedTarget, Formula};
use crate::ruleset::model::{Source, SourceRole, TargetTable};
use crate::ruleset::yaml::PathStep::Key;

/// The steps that read the sources, and where their aggregations are on the grid.
pub struct Read {
    pub steps: Vec<(String, String)>,
    pub aggregations: Aggregations,
    /// Queries of rows the grid would leave out or repeat: `kind`, `source`, `detail`.
    pub problems: Vec<String>,
    /// How many of the steps read the sources, which is all the problems read.
    pub source_steps: usize,
}

pub fn read(ruleset: &CheckedRuleset, d: Dialect) -> Result<Read> {
    let aggregations = Aggregations::of(ruleset);
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let mut cells = Vec::new();
    let mut attributes = Vec::new();
    let mut problems = Vec::new();
    for (name, source) in &ruleset.model.sources {
        let Some(table) = &source.table else {
            errors.push(reads_files(ruleset, name));
            continue;
        };
        match ruleset.model.source_role(name) {
            SourceRole::Rows => {
                steps.push((format!("rows:{name}"), rows(ruleset, name, source, table, d)));
                steps.push((format!("cells:{name}"), aggregated(ruleset, name, &aggregations, d)));
                problems.push(unplaced(name, d));
                problems.push(implausible_dates(name, d));
                cells.push(name.as_str());
            }
            SourceRole::Attributes => {
                steps.push((format!("attributes:{name}"), attribute_table(ruleset, name, source, table, d)));
                problems.push(repeated(name, d));
                attributes.push(name.as_str());
            }
            SourceRole::Targets => {
                steps.push((format!("targets:{name}"), targets_table(ruleset, source, table, d)));
                problems.push(repeated_targets(name, source, d));
            }
        }
    }
    crate::error::Errors::check(errors, ())?;
    let source_steps = steps.len();
    let entity = quoted(d, GridColumn::Entity);
    let period = quoted(d, GridColumn::Period);
    let of = |step: String| d.name_of(&step);
    let entities: Vec<String> = cells
        .iter()
        .map(|name| format!("cells:{name}"))
        .chain(attributes.iter().map(|name| format!("attributes:{name}")))
        .map(|step| format!("SELECT DISTINCT {entity} FROM {} WHERE {entity} IS NOT NULL", of(step)))
        .collect();
    steps.push(("entities".into(), entities.join("\n  UNION\n  ")));
    let periods: Vec<String> =
        cells.iter().map(|name| format!("SELECT {period} FROM {}", of(format!("cells:{name}")))).collect();
    let (first, last) = (d.name_of(":first"), d.name_of(":last"));
    steps.push((
        "bounds".into(),
        format!(
            "SELECT min({period}) AS {first}, max({period}) AS {last}\n  FROM ({}) AS dated",
            periods.join(" UNION ALL ")
        ),
    ));
    let grain = ruleset.model.grain.period;
    steps.push(("periods".into(), d.periods(grain, (&first, &last), &of("bounds".into()), &period)));
    steps.push(("grid".into(), grid(ruleset, &cells, &attributes, &aggregations, d)));
    Ok(Read { steps, aggregations, problems, source_steps })
}

/// A source's rows: its entity (trimmed, as the files' are), date, period, the row's place in
/// the table (which orders `first` and `last` on one date), and its columns by their logical
/// names; only those its `where` keeps.
fn rows(ruleset: &CheckedRuleset, name: &str, source: &Source, table: &str, d: Dialect) -> String {
    let date_header = source.date.as_deref().expect("a source of rows has a date");
    let date = format!("CAST({} AS DATE)", d.name_of(date_header));
    let mut selected = vec![
        format!("{} AS {}", entity(source, d), d.name_of(&RowColumn::Entity.name())),
        format!("{date} AS {}", d.name_of(&RowColumn::Date.name())),
        format!("{} AS {}", d.period_start(ruleset.model.grain.period, &date), d.name_of(&RowColumn::Period.name())),
        format!("{} AS {}", d.line(), d.name_of(&RowColumn::Line.name())),
    ];
    // A NaN or an infinity in a number column is no data, as in a file.
    let numbers = number_columns(ruleset, name);
    for column in columns_read(ruleset, name) {
        let header = d.name_of(source.columns.get(&column).unwrap_or(&column));
        let value = match numbers.contains(&column) {
            true => d.finite(&format!("CAST({header} AS {})", d.double())),
            false => header,
        };
        selected.push(format!("{value} AS {}", d.name_of(&RowColumn::Source(&column).name())));
    }
    // A view that leaves days of its periods out (a year to date) reads none of their rows.
    let within = d.within(ruleset.model.grain.period, &d.name_of(&RowColumn::Date.name()));
    let conditions: Vec<String> =
        ruleset.filters.get(name).map(|c| format!("({})", formula::rows(&c.ir, d))).into_iter().chain(within).collect();
    let filter = match conditions.is_empty() {
        true => String::new(),
        false => format!("\n  WHERE {}", conditions.join(" AND ")),
    };
    format!(
        "SELECT * FROM (\n    SELECT {}\n    FROM {}\n  ) AS source{filter}",
        selected.join(",\n      "),
        table_name(table, d)
    )
}

/// The entity of each row: its column's text, or the one `entity_value` names, as names are
/// compared (see [`Dialect::entity_name`]).
fn entity(source: &Source, d: Dialect) -> String {
    match (&source.entity, &source.entity_value) {
        (Some(column), _) => d.entity_name(&format!("CAST({} AS {})", d.name_of(column), d.string())),
        (None, Some(value)) => d.entity_name(&d.text(value)),
        (None, None) => unreachable!("the ruleset check requires `entity` or `entity_value`"),
    }
}

/// `schema.table` as quoted names, each part its own.
pub fn table_name(table: &str, d: Dialect) -> String {
    table.split('.').map(|part| d.name_of(part.trim())).collect::<Vec<_>>().join(".")
}

/// The formulas that read source `name`'s rows: the ruleset's, its `where` and its `checks`.
fn formulas_over<'a>(ruleset: &'a CheckedRuleset, name: &str) -> impl Iterator<Item = &'a Formula> {
    let checks = ruleset.checks.get(name).into_iter().flatten();
    ruleset.formulas().chain(ruleset.filters.get(name)).chain(checks)
}

/// The source's columns its `columns` map, and those its formulas name by their header.
pub(super) fn columns_read(ruleset: &CheckedRuleset, name: &str) -> Vec<String> {
    let source = &ruleset.model.sources[name];
    let mut columns: Vec<String> = source.columns.keys().cloned().collect();
    for formula in formulas_over(ruleset, name) {
        for reference in formula.ir.refs() {
            if let Ref::Column { source: of, column } = reference
                && of == name
                && !columns.contains(column)
            {
                columns.push(column.clone());
            }
        }
    }
    columns
}

/// The columns the query reads from source `name`'s table, by their headers (its date and
/// entity first), each with whether a formula computes with it: the columns of a table a test
/// case makes without rows, typed as the query needs them.
pub fn table_columns(ruleset: &CheckedRuleset, name: &str) -> Vec<(String, bool)> {
    let source = &ruleset.model.sources[name];
    let numbers = number_columns(ruleset, name);
    let keys = source.date.iter().chain(&source.entity).map(|header| (header.clone(), false));
    let columns = columns_read(ruleset, name).into_iter().map(|column| {
        let number = numbers.contains(&column);
        (source.columns.get(&column).unwrap_or(&column).clone(), number)
    });
    let mut all: Vec<(String, bool)> = Vec::new();
    for (header, number) in keys.chain(columns) {
        match all.iter_mut().find(|(seen, _)| *seen == header) {
            Some((_, seen)) => *seen |= number,
            None => all.push((header, number)),
        }
    }
    all
}

/// The columns of source `name` (by their names in formulas) that a formula computes with as
/// numbers, in the order of [`columns_read`]: those whose values below 0 an engine counts.
pub fn number_columns(ruleset: &CheckedRuleset, name: &str) -> Vec<String> {
    let mut numbers = std::collections::HashSet::new();
    for formula in formulas_over(ruleset, name) {
        walk(&formula.ir, Usage::AsWritten, &mut |ir, usage| {
            if let IrNode::Ref(Ref::Column { source: of, column }) = &ir.node
                && of == name
                && usage == Usage::Number
            {
                numbers.insert(column.clone());
            }
        });
    }
    let mut read = columns_read(ruleset, name);
    read.retain(|column| numbers.contains(column));
    read
}

/// Whether a row has an entity (a name that is not blank) and a date kpi reads (from
/// `FIRST_DATE` to `LAST_DATE`, as on files): the rows cells hold.
fn placed(d: Dialect) -> String {
    let (entity, date) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Date.name()));
    let (first, last) = plausible_dates(d);
    format!("{entity} IS NOT NULL AND {entity} <> '' AND {date} BETWEEN {first} AND {last}")
}

fn plausible_dates(d: Dialect) -> (String, String) {
    use crate::ruleset::model::{FIRST_DATE, LAST_DATE};
    let date = |(y, m, day)| d.date(chrono::NaiveDate::from_ymd_opt(y, m, day).expect("a valid date"));
    (date(FIRST_DATE), date(LAST_DATE))
}

/// The date of a source's rows furthest outside the dates kpi reads, the earliest if one is
/// before them, which the error names as files' does.
fn implausible_dates(name: &str, d: Dialect) -> String {
    let date = d.name_of(&RowColumn::Date.name());
    let (first, last) = plausible_dates(d);
    format!(
        "SELECT 'dates' AS kind, {} AS source, CAST(CASE WHEN min({date}) < {first} THEN min({date}) ELSE max({date}) END AS {}) AS detail FROM {} WHERE {date} < {first} OR {date} > {last} HAVING count(*) > 0",
        d.text(name),
        d.string(),
        d.name_of(&format!("rows:{name}"))
    )
}

/// How many of a source's rows have no entity (or a blank one) or no date, which no cell
/// holds.
fn unplaced(name: &str, d: Dialect) -> String {
    let (entity, date) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Date.name()));
    format!(
        "SELECT 'unplaced' AS kind, {} AS source, CAST(count(*) AS {}) AS detail FROM {} WHERE {entity} IS NULL OR {entity} = '' OR {date} IS NULL HAVING count(*) > 0",
        d.text(name),
        d.string(),
        d.name_of(&format!("rows:{name}"))
    )
}

/// The entities an attribute table has more than one row of, which would repeat their cells.
fn repeated(name: &str, d: Dialect) -> String {
    let entity = quoted(d, GridColumn::Entity);
    format!(
        "SELECT 'repeated' AS kind, {} AS source, {entity} AS detail FROM {} WHERE {entity} IS NOT NULL GROUP BY {entity} HAVING count(*) > 1",
        d.text(name),
        d.name_of(&format!("attributes:{name}"))
    )
}

/// One source's rows per entity × period: how many, their first and last dates, the
/// aggregations of the ruleset that read them, and the counts of the quality notes.
fn aggregated(ruleset: &CheckedRuleset, name: &str, aggregations: &Aggregations, d: Dialect) -> String {
    let (entity, period) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Period.name()));
    let date = d.name_of(&RowColumn::Date.name());
    let mut selected = vec![
        entity.clone(),
        period.clone(),
        format!("CAST(count(*) AS {}) AS {}", d.double(), quoted(d, GridColumn::Rows(name))),
        format!("min({date}) AS {}", quoted(d, GridColumn::FirstDate(name))),
        format!("max({date}) AS {}", quoted(d, GridColumn::LastDate(name))),
    ];
    for (column, found) in aggregations.of_source(name) {
        selected.push(format!("{} AS {}", aggregate(&found.ir, d), quoted(d, column)));
    }
    for (column, counted) in counted(ruleset, name, d) {
        selected.push(format!("{counted} AS {}", quoted(d, column)));
    }
    format!(
        "SELECT {}\n  FROM {}\n  WHERE {}\n  GROUP BY {entity}, {period}",
        selected.join(",\n    "),
        d.name_of(&format!("rows:{name}")),
        placed(d)
    )
}

/// An aggregation of one cell's rows, with its `where =` filter (a null condition keeps no
/// row), as `compile::aggregate` computes it.
fn aggregate(ir: &Ir, d: Dialect) -> String {
    use Function::*;
    let IrNode::Aggregate { function, args, .. } = &ir.node else { unreachable!("an aggregation") };
    let x = formula::rows(args[0].as_ref().expect("a value to aggregate"), d);
    let filter_at = if *function == Quantile { 2 } else { 1 };
    let keep = args
        .get(filter_at)
        .and_then(Option::as_ref)
        .map(|condition| format!("coalesce({}, FALSE)", formula::rows(condition, d)));
    let filter = keep.as_ref().map_or_else(String::new, |keep| format!(" FILTER (WHERE {keep})"));
    let (date, line) = (d.name_of(&RowColumn::Date.name()), d.name_of(&RowColumn::Line.name()));
    let value = match function {
        // Rows the filter keeps without a value are no data; no row kept is a sum of nothing.
        Sum if keep.is_some() => format!("CASE WHEN count(*){filter} = 0 THEN 0 ELSE sum({x}){filter} END"),
        Sum => format!("sum({x})"),
        Mean => format!("avg({x}){filter}"),
        Min => format!("min({x}){filter}"),
        Max => format!("max({x}){filter}"),
        Count => format!("count({x}){filter}"),
        CountDistinct => format!("count(DISTINCT {x}){filter}"),
        First => d.first(&x, keep.as_deref(), (&date, &line), false),
        Last => d.first(&x, keep.as_deref(), (&date, &line), true),
        Median => d.quantile(&x, &d.number(0.5), &filter),
        Quantile => {
            let q = formula::rows(args[1].as_ref().expect("a quantile"), d);
            d.quantile(&x, &q, &filter)
        }
        _ => unreachable!("`{}` is not an aggregation", function.name()),
    };
    // A sum past the largest number is no data, as polars' infinity is made on files.
    match ir.ty {
        Type::Number => d.finite(&format!("CAST({value} AS {})", d.double())),
        _ => value,
    }
}

/// A table of attributes: one row per entity.
fn attribute_table(ruleset: &CheckedRuleset, name: &str, source: &Source, table: &str, d: Dialect) -> String {
    let mut selected = vec![format!("{} AS {}", entity(source, d), quoted(d, GridColumn::Entity))];
    for (attribute, found) in ruleset.attributes.iter().filter(|(_, found)| found.source == name) {
        selected.push(format!("{} AS {}", d.name_of(&found.header), quoted(d, GridColumn::Attribute(attribute))));
    }
    format!("SELECT {}\n  FROM {}", selected.join(",\n    "), table_name(table, d))
}

/// The KPIs whose targets come from a table, and the table's source.
pub fn table_targets(ruleset: &CheckedRuleset) -> impl Iterator<Item = (&str, &str)> {
    ruleset.kpis.iter().filter_map(|(kpi, checked)| match &checked.target {
        Some(CheckedTarget::Table(name)) => Some((kpi.as_str(), name.as_str())),
        _ => None,
    })
}

/// Every entity × every period, with each source's cells (a count of a cell without rows is
/// 0, where the source has rows at all) and the entities' attributes.
fn grid(
    ruleset: &CheckedRuleset,
    cells: &[&str],
    attributes: &[&str],
    aggregations: &Aggregations,
    d: Dialect,
) -> String {
    let (entity, period) = (quoted(d, GridColumn::Entity), quoted(d, GridColumn::Period));
    let year = d.year(ruleset.model.grain.period, &format!("p.{period}"));
    let mut selected =
        vec![format!("e.{entity}"), format!("p.{period}"), format!("{year} AS {}", quoted(d, GridColumn::Year))];
    let mut joins = Vec::new();
    for (index, name) in cells.iter().enumerate() {
        let alias = format!("c{index}");
        let step = d.name_of(&format!("cells:{name}"));
        joins.push(format!(
            "LEFT JOIN {step} AS {alias} ON {alias}.{entity} = e.{entity} AND {alias}.{period} = p.{period}"
        ));
        let counted = counted(ruleset, name, d).into_iter().map(|(column, _)| column);
        for column in
            [GridColumn::Rows(name), GridColumn::FirstDate(name), GridColumn::LastDate(name)].into_iter().chain(counted)
        {
            selected.push(format!("{alias}.{}", quoted(d, column)));
        }
        // Missing: no rows here, where the entity has rows of the source in two earlier periods
        // at least and in every period since its first (engine/grid.rs).
        let rows = format!("{alias}.{}", quoted(d, GridColumn::Rows(name)));
        let before = format!(
            "OVER (PARTITION BY e.{entity} ORDER BY p.{period} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"
        );
        let first = format!("min(CASE WHEN {rows} IS NOT NULL THEN p.{period} END) OVER (PARTITION BY e.{entity})");
        let last_gap = format!("max(CASE WHEN {rows} IS NULL THEN p.{period} END) {before}");
        let missing = format!(
            "coalesce({rows} IS NULL AND count({rows}) {before} >= 2 AND ({last_gap} IS NULL OR {last_gap} < {first}), FALSE)"
        );
        selected.push(format!("{missing} AS {}", quoted(d, GridColumn::Missing(name))));
        for (column, found) in aggregations.of_source(name) {
            let column = quoted(d, column);
            selected.push(match found.rows().zero_without_rows {
                true => format!(
                    "CASE WHEN {missing} THEN NULL ELSE coalesce({alias}.{column}, CASE WHEN (SELECT count(*) FROM {step}) > 0 THEN 0 END) END AS {column}"
                ),
                false => format!("{alias}.{column}"),
            });
        }
    }
    for (index, name) in attributes.iter().enumerate() {
        let alias = format!("a{index}");
        joins.push(format!(
            "LEFT JOIN {} AS {alias} ON {alias}.{entity} = e.{entity}",
            d.name_of(&format!("attributes:{name}"))
        ));
        for (attribute, _) in ruleset.attributes.iter().filter(|(_, found)| found.source == *name) {
            selected.push(format!("{alias}.{}", quoted(d, GridColumn::Attribute(attribute))));
        }
    }
    for (index, (kpi, name)) in table_targets(ruleset).enumerate() {
        let alias = format!("t{index}");
        let (of_kpi, target) =
            (RowColumn::Source(TargetTable::KPI_COLUMN), RowColumn::Source(TargetTable::TARGET_COLUMN));
        let mut keys = vec![entity.clone()];
        if ruleset.model.sources[name].date.is_some() {
            keys.push(period.clone());
        }
        let on: Vec<String> = keys
            .iter()
            .map(|key| format!("{alias}.{key} = {}.{key}", if *key == entity { "e" } else { "p" }))
            .collect();
        joins.push(format!(
            "LEFT JOIN (SELECT {}, {} FROM {} WHERE {} = {}) AS {alias} ON {}",
            keys.join(", "),
            d.name_of(&target.name()),
            d.name_of(&format!("targets:{name}")),
            d.name_of(&of_kpi.name()),
            d.text(kpi),
            on.join(" AND ")
        ));
        selected.push(format!("{alias}.{} AS {}", d.name_of(&target.name()), quoted(d, GridColumn::Target(kpi))));
    }
    format!(
        "SELECT {}\n  FROM {} AS e CROSS JOIN {} AS p\n  {}",
        selected.join(",\n    "),
        d.name_of("entities"),
        d.name_of("periods"),
        joins.join("\n  ")
    )
}

/// The counts of the quality notes of source `name`'s cells ([`super::quality`]).
fn counted<'a>(ruleset: &CheckedRuleset, name: &'a str, d: Dialect) -> Vec<(GridColumn<'a>, String)> {
    let (read, numbers) = (columns_read(ruleset, name), number_columns(ruleset, name));
    super::quality::counted(ruleset, name, (&read, &numbers), d)
}

fn reads_files(ruleset: &CheckedRuleset, name: &str) -> Error {
    let kind = ErrorKind::FilesOnEngine { source_name: name.to_string() };
    let help = "load the files into a table of the warehouse and name it with `table:`, or run without --engine";
    Error::new(kind).help(help).at_opt(ruleset.tree.at(&[Key("sources"), Key(name)]).map(|node| node.location.clone()))
}

/// A targets table's rows: entity, period (for a table with a date), KPI and target.
fn targets_table(ruleset: &CheckedRuleset, source: &Source, table: &str, d: Dialect) -> String {
    let mut selected = vec![format!("{} AS {}", entity(source, d), d.name_of(&RowColumn::Entity.name()))];
    if let Some(date) = &source.date {
        let date = format!("CAST({} AS DATE)", d.name_of(date));
        let start = d.period_start(ruleset.model.grain.period, &date);
        selected.push(format!("{start} AS {}", d.name_of(&RowColumn::Period.name())));
    }
    for (column, ty) in [(TargetTable::KPI_COLUMN, d.string()), (TargetTable::TARGET_COLUMN, d.double())] {
        let header = source.columns.get(column).map_or(column, String::as_str);
        selected.push(format!(
            "CAST({} AS {ty}) AS {}",
            d.name_of(header),
            d.name_of(&RowColumn::Source(column).name())
        ));
    }
    format!("SELECT {}\n  FROM {}", selected.join(",\n    "), table_name(table, d))
}

/// The KPIs a targets table gives an entity (in a period) twice: `KPI ENTITY` each.
fn repeated_targets(name: &str, source: &Source, d: Dialect) -> String {
    let (entity, kpi) =
        (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Source(TargetTable::KPI_COLUMN).name()));
    let mut keys = vec![entity.clone(), kpi.clone()];
    if source.date.is_some() {
        keys.push(d.name_of(&RowColumn::Period.name()));
    }
    let empty = d.text("");
    format!(
        "SELECT 'target' AS kind, {} AS source, concat(coalesce({kpi}, {empty}), ' ', coalesce({entity}, {empty})) AS detail FROM {} GROUP BY {} HAVING count(*) > 1",
        d.text(name),
        d.name_of(&format!("targets:{name}")),
        keys.join(", ")
    )
}
