//! The data-quality notes' counts, computed where the rows are: the view [`QUALITY_VIEW`]
//! gathers, for each table of rows, what the polars engine aggregates for its notes
//! (`engine::quality`), so that the notes of a run on an engine are read from the numbers it
//! returns, never from the rows. Which of them become notes (whether a source has a row a
//! day, which columns hold counts) is decided by `kpi` from these numbers, as for files.
//!
//! Its rows are `source`, `entity`, `period`, `kind`, `count`, `detail`:
//! - `present`: a cell with rows on fewer days than its period has; `count` days, `detail`
//!   the days, as ISO dates joined by commas;
//! - `repeated`: a cell's rows alike in their date and every column read, beyond the first;
//! - `negative`: a cell's values below 0 in the column `detail`;
//! - `failed`: a cell's rows failing the check numbered `detail`;
//! - of the whole source, without entity or period: `fraction` (values of the column `detail`
//!   that are not whole numbers), `days`, `rows` and `spanned` (the days the cells' periods
//!   span), summed over its cells.

use super::dialect::Dialect;
use super::formula;
use super::sources::number_columns;
use crate::compile::RowColumn;
use crate::ruleset::CheckedRuleset;

/// The name of the view of the quality notes' counts.
pub const QUALITY_VIEW: &str = "kpi_quality";

/// The view's columns.
pub const COLUMNS: [&str; 6] = ["source", "entity", "period", "kind", "count", "detail"];

/// The steps a source of rows adds for its notes, and the queries of the view's rows.
pub fn of_source(ruleset: &CheckedRuleset, name: &str, d: Dialect) -> (Vec<(String, String)>, Vec<String>) {
    let numbers = number_columns(ruleset, name);
    let checks = ruleset.checks.get(name).map_or(0, Vec::len);
    let steps = vec![
        (format!("quality:{name}"), cells(ruleset, name, &numbers, d)),
        (format!("alike:{name}"), alike(ruleset, name, d)),
        (format!("present:{name}"), present(name, d)),
    ];
    let quality = d.name_of(&format!("quality:{name}"));
    let row = |entity: &str, period: &str, kind: &str, count: &str, detail: &str| {
        let [source, entity_as, period_as, kind_as, count_as, detail_as] = COLUMNS.map(|column| d.name_of(column));
        format!(
            "SELECT {} AS {source}, {entity} AS {entity_as}, {period} AS {period_as}, {} AS {kind_as}, CAST({count} AS {}) AS {count_as}, {detail} AS {detail_as}",
            d.text(name),
            d.text(kind),
            d.double()
        )
    };
    let (entity, period) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Period.name()));
    let (no_entity, no_period) = (format!("CAST(NULL AS {})", d.string()), "CAST(NULL AS DATE)".to_string());
    let no_detail = format!("CAST(NULL AS {})", d.string());
    let mut rows = vec![
        format!(
            "{} FROM {}",
            row(&entity, &period, "present", &d.name_of("days"), &d.name_of("dates")),
            d.name_of(&format!("present:{name}"))
        ),
        format!(
            "{} FROM {}",
            row(&entity, &period, "repeated", &d.name_of("repeated"), &no_detail),
            d.name_of(&format!("alike:{name}"))
        ),
    ];
    for column in &numbers {
        let negative = d.name_of(&format!("negative:{column}"));
        rows.push(format!(
            "{} FROM {quality} WHERE {negative} > 0",
            row(&entity, &period, "negative", &negative, &d.text(column))
        ));
        let fraction = format!("sum({})", d.name_of(&format!("fraction:{column}")));
        rows.push(format!("{} FROM {quality}", row(&no_entity, &no_period, "fraction", &fraction, &d.text(column))));
    }
    for index in 0..checks {
        let failed = d.name_of(&format!("failed:{index}"));
        let detail = d.text(&index.to_string());
        rows.push(format!("{} FROM {quality} WHERE {failed} > 0", row(&entity, &period, "failed", &failed, &detail)));
    }
    for total in ["days", "rows", "spanned"] {
        let sum = format!("sum({})", d.name_of(total));
        rows.push(format!("{} FROM {quality}", row(&no_entity, &no_period, total, &sum, &no_detail)));
    }
    (steps, rows)
}

/// The view's query: its rows' queries together (none without a source of rows).
pub fn gathered(rows: &[String], d: Dialect) -> String {
    match rows.is_empty() {
        false => rows.join("\n  UNION ALL\n  "),
        true => {
            let text = format!("CAST(NULL AS {})", d.string());
            let count = format!("CAST(NULL AS {})", d.double());
            let types = [&text, &text, "CAST(NULL AS DATE)", &text, &count, &text];
            let columns: Vec<String> =
                COLUMNS.iter().zip(types).map(|(column, ty)| format!("{ty} AS {}", d.name_of(column))).collect();
            format!("SELECT {} WHERE FALSE", columns.join(", "))
        }
    }
}

/// The rows of `rows:NAME` that a cell holds: with an entity and a date.
fn placed(name: &str, d: Dialect) -> String {
    let (entity, date) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Date.name()));
    format!("{} WHERE {entity} IS NOT NULL AND {date} IS NOT NULL", d.name_of(&format!("rows:{name}")))
}

/// Per cell: its distinct days and rows, the days its period spans, and per column of numbers
/// its values below 0 and those not whole; per check, its failing rows (a check without data
/// does not fail).
fn cells(ruleset: &CheckedRuleset, name: &str, numbers: &[String], d: Dialect) -> String {
    let (entity, period) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Period.name()));
    let date = d.name_of(&RowColumn::Date.name());
    let count = |condition: String| format!("sum(CASE WHEN {condition} THEN 1 ELSE 0 END)");
    let mut selected = vec![
        entity.clone(),
        period.clone(),
        format!("count(DISTINCT {date}) AS {}", d.name_of("days")),
        format!("count(*) AS {}", d.name_of("rows")),
        format!("{} AS {}", d.period_days(ruleset.model.grain.period, &period), d.name_of("spanned")),
    ];
    for column in numbers {
        let value = d.name_of(&RowColumn::Source(column).name());
        selected.push(format!("{} AS {}", count(format!("{value} < 0")), d.name_of(&format!("negative:{column}"))));
        let fraction = count(d.fraction(&value));
        selected.push(format!("{fraction} AS {}", d.name_of(&format!("fraction:{column}"))));
    }
    for (index, check) in ruleset.checks.get(name).into_iter().flatten().enumerate() {
        let failing = count(format!("NOT ({})", formula::rows(&check.ir, d)));
        selected.push(format!("{failing} AS {}", d.name_of(&format!("failed:{index}"))));
    }
    format!("SELECT {}\n  FROM {}\n  GROUP BY {entity}, {period}", selected.join(",\n    "), placed(name, d))
}

/// Per cell, the rows alike in their date and every column read, beyond the first of each.
fn alike(ruleset: &CheckedRuleset, name: &str, d: Dialect) -> String {
    let (entity, period) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Period.name()));
    let mut keys = vec![entity.clone(), period.clone(), d.name_of(&RowColumn::Date.name())];
    let columns = super::sources::columns_read(ruleset, name, &ruleset.model.sources[name]);
    keys.extend(columns.iter().map(|column| d.name_of(&RowColumn::Source(column).name())));
    let repeated = d.name_of("repeated");
    format!(
        "SELECT {entity}, {period}, sum({repeated}) AS {repeated} FROM (\n    SELECT {entity}, {period}, count(*) - 1 AS {repeated}\n    FROM {}\n    GROUP BY {}\n  ) AS alike\n  GROUP BY {entity}, {period}\n  HAVING sum({repeated}) > 0",
        placed(name, d),
        keys.join(", ")
    )
}

/// The days of each cell that has rows on fewer days than its period spans.
fn present(name: &str, d: Dialect) -> String {
    let (entity, period) = (d.name_of(&RowColumn::Entity.name()), d.name_of(&RowColumn::Period.name()));
    let date = d.name_of(&RowColumn::Date.name());
    let (days, spanned) = (d.name_of("days"), d.name_of("spanned"));
    format!(
        "SELECT r.{entity}, r.{period}, count(DISTINCT r.{date}) AS {days}, {} AS {}\n  FROM {} AS r\n  JOIN {} AS q ON q.{entity} = r.{entity} AND q.{period} = r.{period}\n  WHERE q.{days} < q.{spanned} AND r.{date} IS NOT NULL\n  GROUP BY r.{entity}, r.{period}",
        d.dates_listed(&format!("r.{date}")),
        d.name_of("dates"),
        d.name_of(&format!("rows:{name}")),
        d.name_of(&format!("quality:{name}"))
    )
}
